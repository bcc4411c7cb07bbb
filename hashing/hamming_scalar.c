/*
 * hamming_scalar.c — the portable Hamming kernels: the reference every SIMD level is tested
 * against, and the level that finishes every SIMD kernel's tail.
 *
 * Built for the baseline ISA. On x86-64 without -mpopcnt, __builtin_popcountll becomes a libgcc
 * call (~0.1 G comparisons/s, PERF.md A2), so the count is the classic SWAR reduction instead.
 */
#include <string.h>

#include "hamming_impl.h"

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Bits set in x: pairs, nibbles, bytes, then one multiply sums the eight byte counts. */
static inline unsigned popcount64(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555u);
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
    return (unsigned)((x * 0x0101010101010101u) >> 56);
}

static inline unsigned dist_swar(const uint8_t *a, const uint8_t *b) {
    unsigned d = 0;
    for (int w = 0; w < 4; w++)
        d += popcount64(load64(a + 8 * w) ^ load64(b + 8 * w));
    return d;
}

#define HM_DIST(a, b) dist_swar((a), (b))
#include "hamming_loops.h"

unsigned vg_hamming_dist_scalar(const uint8_t *a, const uint8_t *b) {
    return dist_swar(a, b);
}

void vg_hamming_many_scalar(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out) {
    hm_many(q, codes, n, out);
}

void vg_hamming_within_scalar(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                              uint32_t base, uint32_t *out, size_t cap, size_t *count) {
    hm_within(q, codes, n, r, base, out, cap, count);
}

void vg_hamming_gather_scalar(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                              uint16_t *out) {
    hm_gather(q, codes, ids, n, out);
}

void vg_hamming_gather_within_scalar(const uint8_t *q, const uint8_t *codes, const uint32_t *ids,
                                     size_t n, unsigned r, uint32_t *out, size_t cap,
                                     size_t *count) {
    hm_gather_within(q, codes, ids, n, r, out, cap, count);
}

const vg_hamming_kernels vg_hamming_scalar = {
    "scalar",
    vg_hamming_dist_scalar,
    vg_hamming_many_scalar,
    vg_hamming_within_scalar,
    vg_hamming_gather_scalar,
    vg_hamming_gather_within_scalar,
};
