/*
 * hamming_popcnt64.h — distance of two codes with the x86-64 POPCNT instruction, for the level
 * files built with -mpopcnt (popcnt, avx2, avx512). Internal header.
 */
#ifndef VIGIL_HAMMING_POPCNT64_H
#define VIGIL_HAMMING_POPCNT64_H

#if !defined(__POPCNT__)
#error "hamming_popcnt64.h needs -mpopcnt"
#endif

#include <nmmintrin.h>
#include <stdint.h>
#include <string.h>

static inline unsigned dist_popcnt(const uint8_t *a, const uint8_t *b) {
    uint64_t d = 0;
    for (int w = 0; w < 4; w++) {
        uint64_t x, y;
        memcpy(&x, a + 8 * w, sizeof x);
        memcpy(&y, b + 8 * w, sizeof y);
        d += (uint64_t)_mm_popcnt_u64(x ^ y);
    }
    return (unsigned)d;
}

#endif /* VIGIL_HAMMING_POPCNT64_H */
