/*
 * hamming_avx512.c — Hamming kernels for AVX-512F with VPOPCNTDQ (built with -mavx512f
 * -mavx512vpopcntdq -mpopcnt): two codes per zmm register, 64-bit VPOPCNTQ, an unpack +
 * VSHUFI64X2 reduction to 8 distances (PERF.md §7, "AVX-512 AoS kernel"), 8 codes a step, the
 * tail handed to the portable kernels. ~5 G comparisons/s per core on cache-resident tiles
 * (PERF.md A2). Candidate lists (gather) use the POPCNT loop: they are bound by DRAM latency.
 */
#if !defined(__AVX512F__) || !defined(__AVX512VPOPCNTDQ__) || !defined(__POPCNT__)
/* cppcheck-suppress preprocessorErrorDirective ; CMake sets this file's ISA flags */
#error "hamming_avx512.c must be compiled with -mavx512f -mavx512vpopcntdq -mpopcnt"
#endif

#include <immintrin.h>

#include "hamming_impl.h"
#include "hamming_popcnt64.h"

#define HM_DIST(a, b) dist_popcnt((a), (b))
#include "hamming_loops.h"

static inline __m512i counts2(__m512i q, const uint8_t *c) {
    return _mm512_popcnt_epi64(_mm512_xor_si512(q, _mm512_loadu_si512((const void *)c)));
}

/* Distances of codes c[0..7], as eight 64-bit lanes in code order. */
static inline __m512i dist8(__m512i q, const uint8_t *c) {
    __m512i p0 = counts2(q, c), p1 = counts2(q, c + 64);
    __m512i p2 = counts2(q, c + 128), p3 = counts2(q, c + 192);
    /* a = [c0 w01, c2 w01, c0 w23, c2 w23, c1 w01, c3 w01, c1 w23, c3 w23]; b likewise c4..c7 */
    __m512i a = _mm512_add_epi64(_mm512_unpacklo_epi64(p0, p1), _mm512_unpackhi_epi64(p0, p1));
    __m512i b = _mm512_add_epi64(_mm512_unpacklo_epi64(p2, p3), _mm512_unpackhi_epi64(p2, p3));
    /* 128-bit lanes 0, 2 of a then of b, plus lanes 1, 3: distances of c0 c2 c1 c3 c4 c6 c5 c7 */
    __m512i t =
        _mm512_add_epi64(_mm512_shuffle_i64x2(a, b, 0x88), _mm512_shuffle_i64x2(a, b, 0xdd));
    return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 1, 3, 4, 6, 5, 7), t);
}

static inline __m512i load_query(const uint8_t *q) {
    return _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(const void *)q));
}

void vg_hamming_many_avx512(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out) {
    const __m512i Q = load_query(q);
    size_t m = n & ~(size_t)7;
    for (size_t i = 0; i < m; i += 8)
        _mm_storeu_si128((__m128i *)(void *)(out + i),
                         _mm512_cvtepi64_epi16(dist8(Q, codes + 32 * i)));
    vg_hamming_many_scalar(q, codes + 32 * m, n - m, out + m);
}

void vg_hamming_within_avx512(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                              uint32_t base, uint32_t *out, size_t cap, size_t *count) {
    const __m512i Q = load_query(q);
    const __m512i R = _mm512_set1_epi64(r > 256 ? 256 : (long long)r);
    size_t m = n & ~(size_t)7;
    for (size_t i = 0; i < m; i += 8) {
        __mmask8 mask = _mm512_cmple_epu64_mask(dist8(Q, codes + 32 * i), R);
        if (mask)
            vg_hamming_emit(mask, base + (uint32_t)i, out, cap, count);
    }
    vg_hamming_within_scalar(q, codes + 32 * m, n - m, r, base + (uint32_t)m, out, cap, count);
}

const vg_hamming_kernels vg_hamming_avx512 = {
    "avx512",  dist_popcnt,      vg_hamming_many_avx512, vg_hamming_within_avx512,
    hm_gather, hm_gather_within,
};
