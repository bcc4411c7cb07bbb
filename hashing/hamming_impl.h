/* hamming_impl.h — the kernel table shared by the Hamming dispatcher and its per-ISA files. */
#ifndef VIGIL_HAMMING_IMPL_H
#define VIGIL_HAMMING_IMPL_H

#include <stddef.h>
#include <stdint.h>

/*
 * One SIMD level's kernels. Every kernel has the contract of the public function of the same
 * name (hamming.h) with these differences:
 * - within/gather_within append: a match is written to out[*count] while *count < cap, and
 *   *count is incremented for every match. They cannot fail; the public wrappers check sizes.
 * - within reports index base + i, so a caller can scan a slice (a tile, or a kernel's tail)
 *   and keep absolute indices. base + n never exceeds UINT32_MAX + 1.
 */
typedef struct vg_hamming_kernels {
    const char *name;
    unsigned (*dist)(const uint8_t *a, const uint8_t *b);
    void (*many)(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out);
    void (*within)(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r, uint32_t base,
                   uint32_t *out, size_t cap, size_t *count);
    void (*gather)(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                   uint16_t *out);
    void (*gather_within)(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                          unsigned r, uint32_t *out, size_t cap, size_t *count);
} vg_hamming_kernels;

/* Candidates are prefetched this many entries ahead in the gather kernels (PERF.md A3). */
#define VG_HAMMING_PREFETCH 8

/*
 * The kernels of a level compiled into this build and supported by this CPU (probed once), or
 * NULL. Used by the dispatcher, and by the tests to compare every level with scalar in one
 * process. Thread-safe.
 */
const vg_hamming_kernels *vg_hamming_kernels_get(const char *level);

/*
 * Append the matches flagged in mask (bit j = code base + j, j < 16) to out in ascending order:
 * the common tail of every SIMD within kernel.
 */
static inline void vg_hamming_emit(unsigned mask, uint32_t base, uint32_t *out, size_t cap,
                                   size_t *count) {
    size_t c = *count;
    while (mask) {
        if (c < cap)
            out[c] = base + (uint32_t)__builtin_ctz(mask);
        c++;
        mask &= mask - 1;
    }
    *count = c;
}

/* Name of the i-th level this build knows (widest first, scalar last), or NULL past the end. */
const char *vg_hamming_level_name(size_t i);

/* ---- per-ISA kernel sets (each defined in hamming_<isa>.c) ---- */
extern const vg_hamming_kernels vg_hamming_scalar;

unsigned vg_hamming_dist_scalar(const uint8_t *a, const uint8_t *b);
void vg_hamming_many_scalar(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out);
void vg_hamming_within_scalar(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                              uint32_t base, uint32_t *out, size_t cap, size_t *count);
void vg_hamming_gather_scalar(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                              uint16_t *out);
void vg_hamming_gather_within_scalar(const uint8_t *q, const uint8_t *codes, const uint32_t *ids,
                                     size_t n, unsigned r, uint32_t *out, size_t cap,
                                     size_t *count);

#if defined(__x86_64__)
extern const vg_hamming_kernels vg_hamming_popcnt;
extern const vg_hamming_kernels vg_hamming_avx2;
extern const vg_hamming_kernels vg_hamming_avx512;

void vg_hamming_many_avx2(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out);
void vg_hamming_within_avx2(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                            uint32_t base, uint32_t *out, size_t cap, size_t *count);
void vg_hamming_many_avx512(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out);
void vg_hamming_within_avx512(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                              uint32_t base, uint32_t *out, size_t cap, size_t *count);
#endif

#if defined(__aarch64__)
extern const vg_hamming_kernels vg_hamming_neon;

void vg_hamming_many_neon(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out);
void vg_hamming_within_neon(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                            uint32_t base, uint32_t *out, size_t cap, size_t *count);
#endif

#endif /* VIGIL_HAMMING_IMPL_H */
