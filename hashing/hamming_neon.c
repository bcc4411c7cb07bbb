/*
 * hamming_neon.c — Hamming kernels for AArch64 Advanced SIMD (always present there, so no
 * flag): a code is two 16-byte registers, bytes counted with CNT, two codes a step reduced with
 * pairwise adds, the tail handed to the portable kernels. Built only for AArch64; checked on
 * x86-64 hosts by tests/hashing/neon_cross.sh (cross-compiled, run under qemu-user).
 */
#if !defined(__aarch64__) || !defined(__ARM_NEON)
#error "hamming_neon.c is for AArch64 with Advanced SIMD"
#endif

#include <arm_neon.h>

#include "hamming_impl.h"

/* Byte counts of q XOR one code, folded to 16 bytes of 0..16. */
static inline uint8x16_t code_counts(uint8x16_t q0, uint8x16_t q1, const uint8_t *c) {
    uint8x16_t x0 = veorq_u8(q0, vld1q_u8(c));
    uint8x16_t x1 = veorq_u8(q1, vld1q_u8(c + 16));
    return vaddq_u8(vcntq_u8(x0), vcntq_u8(x1));
}

/* Distances of codes c[0] and c[1], as two 64-bit lanes. */
static inline uint64x2_t dist2(uint8x16_t q0, uint8x16_t q1, const uint8_t *c) {
    uint8x16_t s = vpaddq_u8(code_counts(q0, q1, c), code_counts(q0, q1, c + 32));
    return vpaddlq_u32(vpaddlq_u16(vpaddlq_u8(s)));
}

static unsigned dist_neon(const uint8_t *a, const uint8_t *b) {
    return vaddlvq_u8(code_counts(vld1q_u8(a), vld1q_u8(a + 16), b));
}

void vg_hamming_many_neon(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out) {
    uint8x16_t q0 = vld1q_u8(q), q1 = vld1q_u8(q + 16);
    size_t m = n & ~(size_t)1;
    for (size_t i = 0; i < m; i += 2) {
        uint64x2_t d = dist2(q0, q1, codes + 32 * i);
        out[i] = (uint16_t)vgetq_lane_u64(d, 0);
        out[i + 1] = (uint16_t)vgetq_lane_u64(d, 1);
    }
    vg_hamming_many_scalar(q, codes + 32 * m, n - m, out + m);
}

void vg_hamming_within_neon(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                            uint32_t base, uint32_t *out, size_t cap, size_t *count) {
    uint8x16_t q0 = vld1q_u8(q), q1 = vld1q_u8(q + 16);
    uint64x2_t R = vdupq_n_u64(r > 256 ? 256 : r);
    size_t m = n & ~(size_t)1;
    for (size_t i = 0; i < m; i += 2) {
        uint64x2_t le = vcleq_u64(dist2(q0, q1, codes + 32 * i), R);
        unsigned mask =
            (unsigned)(vgetq_lane_u64(le, 0) & 1u) | (unsigned)(vgetq_lane_u64(le, 1) & 2u);
        if (mask)
            vg_hamming_emit(mask, base + (uint32_t)i, out, cap, count);
    }
    vg_hamming_within_scalar(q, codes + 32 * m, n - m, r, base + (uint32_t)m, out, cap, count);
}

const vg_hamming_kernels vg_hamming_neon = {
    "neon",
    dist_neon,
    vg_hamming_many_neon,
    vg_hamming_within_neon,
    vg_hamming_gather_scalar,
    vg_hamming_gather_within_scalar,
};
