/*
 * hamming_cross.c — a plain-C check of the NEON Hamming level against the portable one, for
 * neon_cross.sh to cross-compile for AArch64 and run under qemu-user (Criterion is not available
 * for the target). Same cases as test_hamming.c: every n up to 2W + 1 and beyond, distances 0 and
 * 256, radius r = d and d - 1, cap overflow, sentinels after every output.
 * Prints "N passed, N failed" and exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hashing/hamming_impl.h"
#include "vigil/hamming.h"

#define MAXN 40
#define SENTINEL 0xbeefu

static unsigned long long rng_state = 20261123u;
static int passed, failed;

static unsigned rnd(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng_state >> 33);
}

static void check(int ok, const char *what, size_t n, unsigned r) {
    if (ok) {
        passed++;
        return;
    }
    failed++;
    fprintf(stderr, "FAIL: %s (n = %zu, r = %u)\n", what, n, r);
}

static void make(uint8_t *q, uint8_t *codes, size_t n) {
    for (size_t i = 0; i < 32; i++)
        q[i] = (uint8_t)rnd();
    for (size_t i = 0; i < 32 * n; i++)
        codes[i] = (uint8_t)rnd();
    if (n > 1)
        memcpy(codes + 32, q, 32);
    for (size_t i = 0; n > 2 && i < 32; i++)
        codes[64 + i] = (uint8_t)~q[i];
}

static void within_case(const vg_hamming_kernels *k, const uint8_t *q, const uint8_t *codes,
                        size_t n, unsigned r) {
    uint32_t want[MAXN + 1], got[MAXN + 1];
    size_t cw = 0, cg = 0;
    vg_hamming_within_scalar(q, codes, n, r, 5, want, MAXN, &cw);
    size_t cap = cw / 2;
    got[cap] = SENTINEL;
    k->within(q, codes, n, r, 5, got, cap, &cg);
    check(cg == cw && !memcmp(got, want, cap * sizeof got[0]) && got[cap] == SENTINEL,
          "within (cap overflow)", n, r);
    cg = 0;
    got[cw] = SENTINEL;
    k->within(q, codes, n, r, 5, got, MAXN, &cg);
    check(cg == cw && !memcmp(got, want, cw * sizeof got[0]) && got[cw] == SENTINEL, "within", n,
          r);
}

static void level_case(const vg_hamming_kernels *k, size_t n) {
    uint8_t q[32], *codes = malloc(32 * n + 1);
    uint16_t want[MAXN + 1], got[MAXN + 1];
    make(q, codes, n);
    vg_hamming_many_scalar(q, codes, n, want);
    got[n] = SENTINEL;
    k->many(q, codes, n, got);
    check(!memcmp(got, want, n * sizeof got[0]) && got[n] == SENTINEL, "many", n, 0);
    check(n < 3 || (got[1] == 0 && got[2] == 256), "distances 0 and 256", n, 0);
    for (size_t i = 0; i < n; i++) {
        check(k->dist(q, codes + 32 * i) == want[i], "dist", n, 0);
        within_case(k, q, codes, n, want[i]);
        if (want[i])
            within_case(k, q, codes, n, want[i] - 1u);
    }
    within_case(k, q, codes, n, 256);
    within_case(k, q, codes, n, 1000);
    free(codes);
}

int main(void) {
    const vg_hamming_kernels *k = vg_hamming_kernels_get("neon");
    check(k != NULL, "neon level available on AArch64", 0, 0);
    check(k && !strcmp(vg_hamming_level(), "neon"), "dispatcher picks neon", 0, 0);
    for (size_t n = 0; k && n <= MAXN; n++)
        level_case(k, n);
    check(vg_hamming_select("scalar") == VG_OK && !strcmp(vg_hamming_level(), "scalar"),
          "select scalar", 0, 0);
    check(vg_hamming_select("avx2") == VG_E_INVAL, "avx2 unknown on AArch64", 0, 0);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
