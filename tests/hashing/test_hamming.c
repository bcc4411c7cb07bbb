/*
 * test_hamming.c — every Hamming level against the portable one, on every tail length, and the
 * public API at the level VIGIL_SIMD forces (CTest runs this suite once per level).
 *
 * Random inputs come from a fixed seed, printed by each test; VIGIL_TEST_SEED=<n> replays one.
 * Run with VIGIL_SIMD=<level> for a level this CPU lacks, the binary prints why and exits 77,
 * which CTest reports as skipped (SKIP_RETURN_CODE), never as a pass.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hashing/hamming_impl.h"
#include "vigil/hamming.h"

#define MAXN 64 /* largest n of the tail tests: > 2W + 1 for every level (W <= 8) */
#define SENTINEL 0xbeefu

/* ---- inputs ---- */

static uint64_t rng_state;

static uint64_t rng(void) { /* splitmix64 */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void seed(const char *test) {
    const char *s = getenv("VIGIL_TEST_SEED");
    rng_state = s ? strtoull(s, NULL, 0) : 20261123u;
    cr_log_info("%s: seed %" PRIu64 " (set VIGIL_TEST_SEED to replay)", test, rng_state);
}

static void fill(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
}

/* n random codes; code 1 equals q (distance 0), code 2 is its complement (256), code 3 is q with
 * a random number of bits flipped, so every range of distances occurs. */
static void make_codes(const uint8_t *q, uint8_t *codes, size_t n) {
    fill(codes, 32 * n);
    if (n > 1)
        memcpy(codes + 32, q, 32);
    for (int b = 0; n > 2 && b < 32; b++)
        codes[64 + b] = (uint8_t)~q[b];
    if (n > 3) {
        memcpy(codes + 96, q, 32);
        for (unsigned k = (unsigned)(rng() % 40); k > 0; k--)
            codes[96 + rng() % 32] ^= (uint8_t)(1u << (rng() % 8));
    }
}

static const vg_hamming_kernels *level_or_skip(int i) {
    const char *name = vg_hamming_level_name((size_t)i);
    const vg_hamming_kernels *k = vg_hamming_kernels_get(name);
    if (!k)
        cr_skip_test("level %s is not supported by this CPU", name);
    cr_log_info("level %s", name);
    return k;
}

static size_t nlevels(void) {
    size_t n = 0;
    while (vg_hamming_level_name(n))
        n++;
    return n;
}

/* Bit by bit, sharing nothing with the kernels: the check on the scalar level itself. */
static unsigned naive_dist(const uint8_t *a, const uint8_t *b) {
    unsigned d = 0;
    for (int i = 0; i < 256; i++)
        d += ((a[i / 8] ^ b[i / 8]) >> (i % 8)) & 1u;
    return d;
}

/* Codes live at the end of an exact-size, odd-aligned block, so ASan sees any read past them. */
static uint8_t *codes_alloc(size_t n, uint8_t **block) {
    *block = malloc(32 * n + 1);
    cr_assert_not_null(*block);
    return *block + 1;
}

static int level_indices[] = {0, 1, 2, 3, 4, 5, 6, 7};
#define LEVEL_PARAMS(test)                                                                         \
    ParameterizedTestParameters(hamming, test) {                                                   \
        return cr_make_param_array(int, level_indices, nlevels());                                 \
    }

/* ---- every level against scalar ---- */

LEVEL_PARAMS(dist_matches_scalar)
ParameterizedTest(int *lv, hamming, dist_matches_scalar) {
    const vg_hamming_kernels *k = level_or_skip(*lv);
    uint8_t a[32], b[32];
    seed("dist_matches_scalar");
    for (int t = 0; t < 2000; t++) {
        fill(a, 32);
        fill(b, 32);
        if (t == 0)
            memcpy(b, a, 32);
        if (t == 1)
            for (int i = 0; i < 32; i++)
                b[i] = (uint8_t)~a[i];
        unsigned want = naive_dist(a, b);
        cr_assert_eq(vg_hamming_dist_scalar(a, b), want, "scalar, pair %d", t);
        cr_assert_eq(k->dist(a, b), want, "%s, pair %d", k->name, t);
    }
    memset(a, 0, 32);
    memset(b, 0xff, 32);
    cr_assert_eq(k->dist(a, b), 256);
    cr_assert_eq(k->dist(b, b), 0);
}

LEVEL_PARAMS(many_matches_scalar_on_every_tail)
ParameterizedTest(int *lv, hamming, many_matches_scalar_on_every_tail) {
    const vg_hamming_kernels *k = level_or_skip(*lv);
    uint8_t q[32], *block;
    uint16_t want[MAXN + 1], got[MAXN + 1];
    seed("many_matches_scalar_on_every_tail");
    for (size_t n = 0; n <= MAXN; n++) {
        uint8_t *codes = codes_alloc(n, &block);
        fill(q, 32);
        make_codes(q, codes, n);
        for (size_t i = 0; i < n; i++)
            want[i] = (uint16_t)naive_dist(q, codes + 32 * i);
        for (size_t i = 0; i <= n; i++)
            got[i] = SENTINEL;
        k->many(q, codes, n, got);
        cr_assert_arr_eq(got, want, n * sizeof got[0], "%s, n = %zu", k->name, n);
        cr_assert_eq(got[n], SENTINEL, "%s wrote past n = %zu", k->name, n);
        if (n > 2)
            cr_assert(got[1] == 0 && got[2] == 256, "%s, n = %zu", k->name, n);
        free(block);
    }
}

/* within at radius r against a plain filter of the naive distances, with and without room. */
static void check_within(const vg_hamming_kernels *k, const uint8_t *q, const uint8_t *codes,
                         size_t n, const unsigned *dists, unsigned r) {
    uint32_t want[MAXN], got[MAXN + 1];
    size_t nw = 0, c = 0;
    for (size_t i = 0; i < n; i++)
        if (dists[i] <= r)
            want[nw++] = 1000 + (uint32_t)i;
    for (size_t cap = nw;; cap /= 2) {
        for (size_t i = 0; i <= MAXN; i++)
            got[i] = SENTINEL;
        c = 0;
        k->within(q, codes, n, r, 1000, got, cap, &c);
        cr_assert_eq(c, nw, "%s, n = %zu, r = %u, cap = %zu: count", k->name, n, r, cap);
        cr_assert_arr_eq(got, want, cap * sizeof got[0], "%s, n = %zu, r = %u", k->name, n, r);
        cr_assert_eq(got[cap], SENTINEL, "%s wrote past cap %zu (n = %zu)", k->name, cap, n);
        if (cap == 0)
            break;
    }
}

LEVEL_PARAMS(within_matches_scalar_on_every_tail_and_radius_edge)
ParameterizedTest(int *lv, hamming, within_matches_scalar_on_every_tail_and_radius_edge) {
    const vg_hamming_kernels *k = level_or_skip(*lv);
    uint8_t q[32], *block;
    const unsigned radii[] = {0, 1, 31, 100, 127, 128, 129, 255, 256, 257, 100000};
    seed("within_matches_scalar_on_every_tail_and_radius_edge");
    for (size_t n = 0; n <= MAXN; n++) {
        uint8_t *codes = codes_alloc(n, &block);
        fill(q, 32);
        make_codes(q, codes, n);
        unsigned d[MAXN];
        for (size_t i = 0; i < n; i++)
            d[i] = naive_dist(q, codes + 32 * i);
        for (size_t i = 0; i < sizeof radii / sizeof radii[0]; i++)
            check_within(k, q, codes, n, d, radii[i]);
        for (size_t i = 0; i < n; i++) { /* r = d exactly keeps code i; r = d - 1 drops it */
            check_within(k, q, codes, n, d, d[i]);
            if (d[i] > 0)
                check_within(k, q, codes, n, d, d[i] - 1);
        }
        free(block);
    }
}

LEVEL_PARAMS(gather_matches_scalar)
ParameterizedTest(int *lv, hamming, gather_matches_scalar) {
    const vg_hamming_kernels *k = level_or_skip(*lv);
    uint8_t q[32], *block;
    uint8_t *codes = codes_alloc(40, &block);
    uint32_t ids[MAXN], want_ids[MAXN], got_ids[MAXN + 1];
    uint16_t want[MAXN], got[MAXN + 1];
    seed("gather_matches_scalar");
    for (size_t n = 0; n <= MAXN; n++) {
        fill(q, 32);
        make_codes(q, codes, 40);
        size_t nw = 0, c = 0;
        for (size_t i = 0; i < n; i++) {
            ids[i] = (uint32_t)(rng() % 40);
            want[i] = (uint16_t)naive_dist(q, codes + 32 * ids[i]);
            if (want[i] <= 128)
                want_ids[nw++] = ids[i];
        }
        got[n] = SENTINEL;
        k->gather(q, codes, ids, n, got);
        cr_assert_arr_eq(got, want, n * sizeof got[0], "%s, n = %zu", k->name, n);
        cr_assert_eq(got[n], SENTINEL, "%s wrote past n = %zu", k->name, n);
        size_t cap = n % 3 ? nw : nw / 2; /* every third list overflows its buffer */
        got_ids[cap] = SENTINEL;
        k->gather_within(q, codes, ids, n, 128, got_ids, cap, &c);
        cr_assert_eq(c, nw, "%s, n = %zu: count", k->name, n);
        cr_assert_arr_eq(got_ids, want_ids, cap * sizeof got_ids[0], "%s, n = %zu", k->name, n);
        cr_assert_eq(got_ids[cap], SENTINEL, "%s wrote past cap (n = %zu)", k->name, n);
    }
    free(block);
}

/* ---- the public API, at the level the environment chose ---- */

Test(hamming, level_is_the_one_vigil_simd_names_or_the_widest) {
    const char *want = getenv("VIGIL_SIMD");
    const char *widest = NULL;
    for (size_t i = 0; !widest; i++)
        if (vg_hamming_supported(vg_hamming_level_name(i)))
            widest = vg_hamming_level_name(i);
    cr_log_info("hamming level: %s (VIGIL_SIMD=%s)", vg_hamming_level(), want ? want : "");
    cr_assert_str_eq(vg_hamming_level(), want && *want ? want : widest);
    cr_assert_null(vg_hamming_note());
    cr_assert(vg_hamming_supported("scalar"));
    cr_assert(!vg_hamming_supported("avx9"));
}

Test(hamming, unknown_vigil_simd_falls_back_with_a_note) {
    setenv("VIGIL_SIMD", "avx9", 1);
    const vg_hamming_kernels *w = vg_hamming_kernels_get(vg_hamming_level_name(0));
    const char *widest = w ? w->name : NULL;
    for (size_t i = 1; !widest; i++)
        if (vg_hamming_supported(vg_hamming_level_name(i)))
            widest = vg_hamming_level_name(i);
    char want[128];
    snprintf(want, sizeof want, "VIGIL_SIMD=avx9: unknown level; using %s", widest);
    cr_assert_str_eq(vg_hamming_level(), widest);
    cr_assert_not_null(vg_hamming_note());
    cr_assert_str_eq(vg_hamming_note(), want);
}

Test(hamming, select_refuses_unknown_levels_and_switches_known_ones) {
    const char *before = vg_hamming_level();
    cr_assert_eq(vg_hamming_select("avx9"), VG_E_INVAL);
    cr_assert_str_eq(vg_hamming_level(), before);
    cr_assert_eq(vg_hamming_select("scalar"), VG_OK);
    cr_assert_str_eq(vg_hamming_level(), "scalar");
    cr_assert_eq(vg_hamming_select(NULL), VG_OK);
    cr_assert_str_eq(vg_hamming_level(), before);
#if defined(__aarch64__)
    cr_assert_eq(vg_hamming_select("avx2"), VG_E_INVAL);
#else
    cr_assert_eq(vg_hamming_select("neon"), VG_E_INVAL);
#endif
}

Test(hamming, within_reports_the_total_and_limit_past_cap) {
    uint8_t q[32] = {0}, codes[10 * 32];
    uint32_t idx[5] = {0};
    size_t count = 99;
    memset(codes, 0, sizeof codes);
    codes[3 * 32] = 0x0f; /* d = 4 */
    codes[9 * 32] = 0xff; /* d = 8 */
    cr_assert_eq(vg_hamming_within(q, codes, 10, 0, idx, 5, &count), VG_E_LIMIT);
    cr_assert_eq(count, 8);
    uint32_t first[5] = {0, 1, 2, 4, 5};
    cr_assert_arr_eq(idx, first, sizeof first);
    cr_assert_eq(vg_hamming_within(q, codes, 10, 4, NULL, 0, &count), VG_E_LIMIT);
    cr_assert_eq(count, 9);
    cr_assert_eq(vg_hamming_within(q, codes, 10, 8, NULL, 0, &count), VG_E_LIMIT);
    cr_assert_eq(count, 10);
    cr_assert_eq(vg_hamming_within(q, codes, 10, 3, idx, 5, &count), VG_E_LIMIT);
    cr_assert_eq(vg_hamming_within(q + 0, codes + 3 * 32, 7, 3, idx, 5, &count), VG_OK);
    cr_assert_eq(count, 5, "resuming after index 2 finds 4..8 shifted by 3");
    cr_assert_eq(vg_hamming_within(q, codes, 0, 3, NULL, 0, &count), VG_OK);
    cr_assert_eq(count, 0);
    cr_assert_eq(vg_hamming_within(q, codes, (size_t)UINT32_MAX + 1, 3, idx, 5, &count),
                 VG_E_INVAL);
    cr_assert_eq(count, 0);
}

Test(hamming, many_and_gather_agree_with_dist) {
    uint8_t q[32], codes[37 * 32];
    uint16_t d[37], g[37];
    uint32_t ids[37];
    seed("many_and_gather_agree_with_dist");
    fill(q, 32);
    make_codes(q, codes, 37);
    vg_hamming_many(q, codes, 37, d);
    for (uint32_t i = 0; i < 37; i++) {
        cr_assert_eq(d[i], vg_hamming_dist(q, codes + 32 * i));
        ids[i] = 36 - i;
    }
    vg_hamming_gather(q, codes, ids, 37, g);
    for (size_t i = 0; i < 37; i++)
        cr_assert_eq(g[i], d[36 - i]);
    size_t count;
    uint32_t out[37];
    cr_assert_eq(vg_hamming_gather_within(q, codes, ids, 37, 0, out, 37, &count), VG_OK);
    cr_assert_eq(count, 1);
    cr_assert_eq(out[0], 1); /* code 1 is q itself */
}

/* The documented order: by tile, then query, then index. */
static size_t naive_batch(const uint8_t *qs, size_t nq, const uint8_t *codes, size_t n, unsigned r,
                          vg_hamming_hit *out) {
    size_t c = 0;
    for (size_t t = 0; t < n; t += VG_HAMMING_TILE)
        for (size_t j = 0; j < nq; j++)
            for (size_t i = t; i < n && i < t + VG_HAMMING_TILE; i++) {
                unsigned d = naive_dist(qs + 32 * j, codes + 32 * i);
                if (d <= r)
                    out[c++] = (vg_hamming_hit){(uint32_t)j, (uint32_t)i, d};
            }
    return c;
}

Test(hamming, batch_matches_a_naive_scan_across_tiles) {
    const size_t nq = 6, n = 2 * VG_HAMMING_TILE + 37;
    uint8_t *qs = malloc(32 * nq), *codes = malloc(32 * n);
    vg_hamming_hit *want = calloc(nq * n, sizeof *want), *got = calloc(nq * n + 1, sizeof *got);
    cr_assert(qs && codes && want && got);
    seed("batch_matches_a_naive_scan_across_tiles");
    fill(qs, 32 * nq);
    fill(codes, 32 * n);
    for (size_t i = 0; i < n; i += 7) { /* plant near copies of the queries */
        memcpy(codes + 32 * i, qs + 32 * (i % nq), 32);
        codes[32 * i + rng() % 32] ^= (uint8_t)rng();
    }
    size_t nw = naive_batch(qs, nq, codes, n, 110, want), count = 0;
    cr_assert_gt(nw, n / 7);
    cr_assert_eq(vg_hamming_batch(qs, nq, codes, n, 110, got, nq * n, &count), VG_OK);
    cr_assert_eq(count, nw);
    cr_assert_arr_eq(got, want, nw * sizeof *got);
    memset(got, 0xab, (nq * n + 1) * sizeof *got);
    vg_hamming_hit sentinel = got[nw / 3];
    cr_assert_eq(vg_hamming_batch(qs, nq, codes, n, 110, got, nw / 3, &count), VG_E_LIMIT);
    cr_assert_eq(count, nw);
    cr_assert_arr_eq(got, want, nw / 3 * sizeof *got);
    cr_assert_arr_eq(&got[nw / 3], &sentinel, sizeof sentinel);
    cr_assert_eq(vg_hamming_batch(qs, 0, codes, n, 110, got, 1, &count), VG_OK);
    cr_assert_eq(count, 0);
    free(qs);
    free(codes);
    free(want);
    free(got);
}

/* Skip, visibly, a run forced to a level this CPU lacks (CTest SKIP_RETURN_CODE 77). */
int main(int argc, char *argv[]) {
    const char *want = getenv("VIGIL_SIMD");
    if (want && *want && !vg_hamming_supported(want)) {
        printf("SKIP: VIGIL_SIMD=%s: this CPU or build does not support that level\n", want);
        return 77;
    }
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    if (criterion_handle_args(argc, argv, true))
        result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    return result;
}
