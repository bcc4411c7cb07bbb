/*
 * hamming_loops.h — the one-code-at-a-time loops shared by the scalar and popcnt levels.
 *
 * Included by exactly one .c file per level after it defines HM_DIST(a, b), an inline distance
 * of two 32-byte codes. The loops are written once here so the two levels differ only in how a
 * 64-bit population count is computed (portable SWAR vs the POPCNT instruction), and so that
 * each level's file is compiled with its own ISA flags (a shared function would be compiled for
 * one ISA only). Internal header: not installed, not for other components.
 */
#ifndef VIGIL_HAMMING_LOOPS_H
#define VIGIL_HAMMING_LOOPS_H

#include <stddef.h>
#include <stdint.h>

#include "hamming_impl.h"

#ifndef HM_DIST
#error "define HM_DIST(a, b) before including hamming_loops.h"
#endif

static inline void hm_many(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out) {
    for (size_t i = 0; i < n; i++)
        out[i] = (uint16_t)HM_DIST(q, codes + 32 * i);
}

static inline void hm_within(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                             uint32_t base, uint32_t *out, size_t cap, size_t *count) {
    size_t c = *count;
    for (size_t i = 0; i < n; i++) {
        if (HM_DIST(q, codes + 32 * i) > r)
            continue;
        if (c < cap)
            out[c] = base + (uint32_t)i;
        c++;
    }
    *count = c;
}

/* Prefetch the code VG_HAMMING_PREFETCH candidates ahead: candidates are random DRAM reads. */
static inline void hm_prefetch(const uint8_t *codes, const uint32_t *ids, size_t k, size_t n) {
    if (k + VG_HAMMING_PREFETCH < n)
        __builtin_prefetch(codes + 32 * (size_t)ids[k + VG_HAMMING_PREFETCH]);
}

static inline void hm_gather(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                             uint16_t *out) {
    for (size_t k = 0; k < n; k++) {
        hm_prefetch(codes, ids, k, n);
        out[k] = (uint16_t)HM_DIST(q, codes + 32 * (size_t)ids[k]);
    }
}

static inline void hm_gather_within(const uint8_t *q, const uint8_t *codes, const uint32_t *ids,
                                    size_t n, unsigned r, uint32_t *out, size_t cap,
                                    size_t *count) {
    size_t c = *count;
    for (size_t k = 0; k < n; k++) {
        hm_prefetch(codes, ids, k, n);
        if (HM_DIST(q, codes + 32 * (size_t)ids[k]) > r)
            continue;
        if (c < cap)
            out[c] = ids[k];
        c++;
    }
    *count = c;
}

#endif /* VIGIL_HAMMING_LOOPS_H */
