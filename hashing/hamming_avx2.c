/*
 * hamming_avx2.c — Hamming kernels for AVX2 (built with -mavx2 -mpopcnt): one code per ymm
 * register, bytes counted with a nibble table (VPSHUFB) and summed with VPSADBW, 4 codes a step,
 * the tail handed to the portable kernels. Candidate lists (gather) are scattered DRAM reads, so
 * they use the POPCNT loop: wider arithmetic does not help a latency-bound loop.
 * PERF.md A2: ~1.0 G comparisons/s per core on Zen 5, barely above POPCNT; worth more on CPUs
 * whose POPCNT throughput is 1 per cycle.
 */
#if !defined(__AVX2__) || !defined(__POPCNT__)
/* cppcheck-suppress preprocessorErrorDirective ; CMake sets this file's ISA flags */
#error "hamming_avx2.c must be compiled with -mavx2 -mpopcnt"
#endif

#include <immintrin.h>

#include "hamming_impl.h"
#include "hamming_popcnt64.h"

#define HM_DIST(a, b) dist_popcnt((a), (b))
#include "hamming_loops.h"

/* Per-qword bit counts of q XOR one code (4 counts of 0..64). */
static inline __m256i code_counts(__m256i q, const uint8_t *c) {
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2,
                                         1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    __m256i x = _mm256_xor_si256(q, _mm256_loadu_si256((const __m256i *)(const void *)c));
    __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low));
    __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
    return _mm256_sad_epu8(_mm256_add_epi8(lo, hi), _mm256_setzero_si256());
}

/* Distances of codes c[0..3], as four 64-bit lanes in code order. */
static inline __m256i dist4(__m256i q, const uint8_t *c) {
    __m256i s0 = code_counts(q, c), s1 = code_counts(q, c + 32);
    __m256i s2 = code_counts(q, c + 64), s3 = code_counts(q, c + 96);
    /* t01 = [c0 w0+w1, c1 w0+w1 | c0 w2+w3, c1 w2+w3], t23 likewise for c2, c3 */
    __m256i t01 = _mm256_add_epi64(_mm256_unpacklo_epi64(s0, s1), _mm256_unpackhi_epi64(s0, s1));
    __m256i t23 = _mm256_add_epi64(_mm256_unpacklo_epi64(s2, s3), _mm256_unpackhi_epi64(s2, s3));
    return _mm256_add_epi64(_mm256_permute2x128_si256(t01, t23, 0x20),
                            _mm256_permute2x128_si256(t01, t23, 0x31));
}

static inline __m256i load_query(const uint8_t *q) {
    return _mm256_loadu_si256((const __m256i *)(const void *)q);
}

void vg_hamming_many_avx2(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out) {
    const __m256i Q = load_query(q);
    const __m256i even = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    size_t m = n & ~(size_t)3;
    for (size_t i = 0; i < m; i += 4) {
        __m256i d = _mm256_permutevar8x32_epi32(dist4(Q, codes + 32 * i), even);
        __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(d), _mm256_castsi256_si128(d));
        _mm_storel_epi64((__m128i *)(void *)(out + i), w);
    }
    vg_hamming_many_scalar(q, codes + 32 * m, n - m, out + m);
}

void vg_hamming_within_avx2(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                            uint32_t base, uint32_t *out, size_t cap, size_t *count) {
    const __m256i Q = load_query(q);
    const __m256i R = _mm256_set1_epi64x(r > 256 ? 256 : (long long)r);
    size_t m = n & ~(size_t)3;
    for (size_t i = 0; i < m; i += 4) {
        __m256i gt = _mm256_cmpgt_epi64(dist4(Q, codes + 32 * i), R);
        unsigned mask = ~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(gt)) & 0xfu;
        if (mask)
            vg_hamming_emit(mask, base + (uint32_t)i, out, cap, count);
    }
    vg_hamming_within_scalar(q, codes + 32 * m, n - m, r, base + (uint32_t)m, out, cap, count);
}

const vg_hamming_kernels vg_hamming_avx2 = {
    "avx2", dist_popcnt, vg_hamming_many_avx2, vg_hamming_within_avx2, hm_gather, hm_gather_within,
};
