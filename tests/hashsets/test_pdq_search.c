/* test_pdq_search.c — PDQ radius search is exact: every mode and radius gives exactly the
 * brute-force answer (no false negatives, nothing beyond the radius, nothing twice), on 200 000
 * random codes with neighbours planted at every distance 0..40, on neighbours built to sit at
 * the multi-index's pigeonhole boundary, and on clustered codes.
 * Seeds are printed and can be replayed with VIGIL_TEST_SEED. */
#include "hset_fixture.h"

static char dir[64], path[128];

static void setup(void) {
    fx_mkdir(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/pdq.vhs", dir);
}
static void teardown(void) {
    fx_rmdir(dir);
}

TestSuite(pdq_search, .init = setup, .fini = teardown, .timeout = 240);

/* ---- building and checking ---- */

static vg_hset *build_open(const uint8_t *codes, size_t n, size_t n_dup) {
    vg_hset_build *b;
    char err[256];
    cr_assert_eq(vg_hset_build_new(&b, "pdq test", NULL), VG_OK);
    fx_list(b, "codes", VG_ROLE_ALERT);
    for (size_t i = 0; i < n; i++) {
        vg_hset_entry e = fx_entry(VG_HT_PDQ, codes + 32 * i, 32, NULL);
        cr_assert_eq(vg_hset_build_add(b, &e), VG_OK, "%s", vg_hset_build_errmsg(b));
    }
    fx_list(b, "again", VG_ROLE_ALERT); /* the first n_dup codes named by a second list */
    for (size_t i = 0; i < n_dup; i++) {
        vg_hset_entry e = fx_entry(VG_HT_PDQ, codes + 32 * i, 32, "dup");
        cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
    }
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    vg_hset *h = NULL;
    cr_assert_eq(vg_hset_open(&h, path, 0, err, sizeof err), VG_OK, "%s", err);
    return h;
}

struct collect {
    uint64_t n;          /* codes in the index */
    uint8_t *seen;       /* nq * n */
    uint64_t *count;     /* per query */
    const uint16_t *ref; /* brute-force distances, nq * n */
    unsigned radius;
    uint64_t bad; /* wrong distance, beyond radius, or reported twice */
};

static vg_status on_hit(void *ctx, const vg_hset_hit *hit) {
    struct collect *c = ctx;
    size_t at = (size_t)hit->query * c->n + hit->code;
    if (hit->code >= c->n || c->seen[at] || hit->distance > c->radius ||
        hit->distance != c->ref[at])
        c->bad++;
    else
        c->seen[at] = 1;
    c->count[hit->query]++;
    return VG_OK;
}

/* Brute-force distances of nq queries to every code of h. */
static uint16_t *brute(const vg_hset *h, const uint8_t *q, size_t nq) {
    vg_hset_info in;
    vg_hset_info_get(h, &in);
    uint64_t n = in.n_keys[3];
    uint16_t *d = malloc(nq * n * sizeof *d);
    cr_assert_not_null(d);
    for (size_t i = 0; i < nq; i++)
        for (uint64_t j = 0; j < n; j++)
            d[i * n + j] = (uint16_t)fx_dist(q + 32 * i, vg_hset_pdq_code(h, j));
    return d;
}

/* Search every query (one by one, or as one batch) and compare with the brute force. */
static void compare(const vg_hset *h, const uint8_t *q, size_t nq, const uint16_t *ref,
                    unsigned radius, vg_hset_search_mode mode, int batch) {
    vg_hset_info in;
    vg_hset_info_get(h, &in);
    struct collect c = {.n = in.n_keys[3], .ref = ref, .radius = radius};
    c.seen = calloc(nq * c.n, 1);
    c.count = calloc(nq, sizeof *c.count);
    cr_assert(c.seen && c.count);
    if (batch) {
        cr_assert_eq(vg_hset_pdq_search_batch(h, q, nq, radius, mode, on_hit, &c), VG_OK);
    } else {
        for (size_t i = 0; i < nq; i++) {
            struct collect one = c;
            one.seen += i * c.n;
            one.count += i;
            one.ref += i * c.n;
            one.bad = 0;
            cr_assert_eq(vg_hset_pdq_search(h, q + 32 * i, radius, mode, on_hit, &one), VG_OK);
            c.bad += one.bad;
        }
    }
    cr_assert_eq(c.bad, 0, "radius %u mode %d batch %d: %llu wrong hits", radius, (int)mode, batch,
                 (unsigned long long)c.bad);
    for (size_t i = 0; i < nq; i++) {
        uint64_t want = 0;
        for (uint64_t j = 0; j < c.n; j++)
            want += ref[i * c.n + j] <= radius;
        cr_assert_eq(c.count[i], want, "radius %u mode %d batch %d query %zu: %llu hits, want %llu",
                     radius, (int)mode, batch, i, (unsigned long long)c.count[i],
                     (unsigned long long)want);
    }
    free(c.seen);
    free(c.count);
}

/* ---- data ---- */

enum { N_RAND = 200000, NQ_PLANT = 24, NQ_RAND = 8, MAX_PLANT = 40 };

Test(pdq_search, random_codes_with_neighbours_planted_at_every_distance) {
    fx_seed("pdq_search.random", 20261123);
    size_t nq = NQ_PLANT + NQ_RAND, n = N_RAND + (size_t)NQ_PLANT * (MAX_PLANT + 1);
    uint8_t *db = malloc(32 * n), *q = malloc(32 * nq);
    cr_assert(db && q);
    fx_bytes(db, 32 * (size_t)N_RAND);
    fx_bytes(q, 32 * nq);
    size_t at = N_RAND;
    for (size_t i = 0; i < NQ_PLANT; i++)
        for (unsigned d = 0; d <= MAX_PLANT; d++, at++) {
            memcpy(db + 32 * at, q + 32 * i, 32);
            fx_flip(db + 32 * at, d);
        }
    vg_hset *h = build_open(db, n, 1000);
    vg_hset_info in;
    vg_hset_info_get(h, &in);
    cr_assert_eq(in.n_keys[3], n);
    cr_assert_eq(in.n_entries, n + 1000);
    uint16_t *ref = brute(h, q, nq);
    static const unsigned radii[] = {0, 1, 15, 16, 17, 31, 32, 40, 47};
    for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++) {
        compare(h, q, nq, ref, radii[r], VG_HSET_SEARCH_AUTO, 0);
        compare(h, q, nq, ref, radii[r], VG_HSET_SEARCH_MIH, 0);
    }
    compare(h, q, nq, ref, 31, VG_HSET_SEARCH_SCAN, 0);
    compare(h, q, nq, ref, 40, VG_HSET_SEARCH_SCAN, 0);
    compare(h, q, nq, ref, 31, VG_HSET_SEARCH_AUTO, 1);
    compare(h, q, nq, ref, 31, VG_HSET_SEARCH_SCAN, 1);
    compare(h, q, nq, ref, 64, VG_HSET_SEARCH_AUTO, 1);
    /* Every planted neighbour within 31 was found: the reference itself is checked too. */
    for (size_t i = 0; i < NQ_PLANT; i++) {
        unsigned within = 0;
        for (uint64_t j = 0; j < in.n_keys[3]; j++)
            within += ref[i * in.n_keys[3] + j] <= 31;
        cr_assert_geq(within, 32, "query %zu: %u codes within 31", i, within);
    }
    free(ref);
    vg_hset_close(h);
    free(db);
    free(q);
}

/* Flip nb distinct random bits of 16-bit chunk k (bytes 2k, 2k + 1) of a code. */
static void flip_chunk(uint8_t *code, unsigned k, unsigned nb) {
    unsigned used = 0;
    while (nb > 0) {
        unsigned bit = (unsigned)(fx_next() % 16);
        if (used & (1u << bit))
            continue;
        used |= 1u << bit;
        code[2 * k + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        nb--;
    }
}

/* The search probes 16-bit chunks and filters by 32-bit chunk pairs (pair limit p = r / 8).
 * Codes at distance exactly r whose pairs all differ in p + 1 bits but one, which differs in p
 * bits split between its halves in every way, at every pair position, are found by exactly one
 * table; codes with every pair at p + 1 (distance 8 (p + 1) = r + 1 for these radii) by none. */
Test(pdq_search, neighbours_at_the_pair_filter_boundary_are_found_exactly) {
    enum { N_BG = 20000, NQ = 4 };
    static const unsigned radii[] = {15, 31, 47};
    fx_seed("pdq_search.boundary", 4242);
    for (size_t ri = 0; ri < sizeof radii / sizeof radii[0]; ri++) {
        unsigned r = radii[ri], p = r / 8;
        size_t n = N_BG + (size_t)NQ * (8 * (p + 1) + 1), at = N_BG;
        uint8_t *db = malloc(32 * n), q[32 * NQ];
        cr_assert_not_null(db);
        fx_bytes(db, 32 * (size_t)N_BG);
        fx_bytes(q, sizeof q);
        for (size_t i = 0; i < NQ; i++)
            for (unsigned pos = 0; pos <= 8; pos++) /* pos 8: no pair at p */
                for (unsigned lo = 0; lo <= (pos < 8 ? p : 0); lo++, at++) {
                    uint8_t *c = db + 32 * at;
                    memcpy(c, q + 32 * i, 32);
                    for (unsigned pr = 0; pr < 8; pr++) {
                        unsigned want = pr == pos ? p : p + 1;
                        unsigned a = pr == pos ? lo : (unsigned)(fx_next() % (want + 1));
                        flip_chunk(c, 2 * pr, a);
                        flip_chunk(c, 2 * pr + 1, want - a);
                    }
                    cr_assert_eq(fx_dist(c, q + 32 * i), pos < 8 ? r : r + 1);
                }
        cr_assert_eq(at, n);
        vg_hset *h = build_open(db, n, 0);
        uint16_t *ref = brute(h, q, NQ);
        compare(h, q, NQ, ref, r, VG_HSET_SEARCH_MIH, 0);
        compare(h, q, NQ, ref, r, VG_HSET_SEARCH_AUTO, 1);
        compare(h, q, NQ, ref, r + 1, r + 1 <= 47 ? VG_HSET_SEARCH_MIH : VG_HSET_SEARCH_AUTO, 0);
        free(ref);
        vg_hset_close(h);
        free(db);
    }
}

Test(pdq_search, clustered_codes_match_brute_force_in_every_mode) {
    enum { CENTRES = 16, N = 60000, NQ = 24 };
    fx_seed("pdq_search.clustered", 7);
    uint8_t *centre = malloc(32 * CENTRES), *db = malloc(32 * (size_t)N), *q = malloc(32 * NQ);
    cr_assert(centre && db && q);
    fx_bytes(centre, 32 * CENTRES);
    for (size_t i = 0; i < N; i++) {
        memcpy(db + 32 * i, centre + 32 * (fx_next() % CENTRES), 32);
        fx_flip(db + 32 * i, (unsigned)(fx_next() % 21));
    }
    for (size_t i = 0; i < NQ; i++) {
        if (i < NQ - 4) {
            memcpy(q + 32 * i, db + 32 * (fx_next() % N), 32);
            fx_flip(q + 32 * i, (unsigned)(fx_next() % 32));
        } else {
            fx_bytes(q + 32 * i, 32);
        }
    }
    vg_hset *h = build_open(db, N, 0);
    uint16_t *ref = brute(h, q, NQ);
    static const unsigned radii[] = {10, 20, 31, 40};
    for (size_t r = 0; r < sizeof radii / sizeof radii[0]; r++) {
        compare(h, q, NQ, ref, radii[r], VG_HSET_SEARCH_AUTO, 0);
        compare(h, q, NQ, ref, radii[r], VG_HSET_SEARCH_MIH, 0);
        compare(h, q, NQ, ref, radii[r], VG_HSET_SEARCH_AUTO, 1);
    }
    compare(h, q, NQ, ref, 31, VG_HSET_SEARCH_SCAN, 1);
    free(ref);
    vg_hset_close(h);
    free(centre);
    free(db);
    free(q);
}

Test(pdq_search, one_dense_cluster_in_a_big_batch_matches_brute_force) {
    /* Every query is near every code, so each tile of the batched scan has more hits than the
     * hit buffer holds and is redone query by query. */
    enum { N = 5000, NQ = 70 };
    fx_seed("pdq_search.dense", 11);
    uint8_t centre[32], *db = malloc(32 * (size_t)N), *q = malloc(32 * NQ);
    cr_assert(db && q);
    fx_bytes(centre, 32);
    for (size_t i = 0; i < N; i++) {
        memcpy(db + 32 * i, centre, 32);
        fx_flip(db + 32 * i, (unsigned)(fx_next() % 11));
    }
    for (size_t i = 0; i < NQ; i++) {
        memcpy(q + 32 * i, centre, 32);
        fx_flip(q + 32 * i, (unsigned)(fx_next() % 16));
    }
    vg_hset *h = build_open(db, N, 0);
    uint16_t *ref = brute(h, q, NQ);
    compare(h, q, NQ, ref, 31, VG_HSET_SEARCH_AUTO, 1);
    compare(h, q, NQ, ref, 20, VG_HSET_SEARCH_SCAN, 1);
    compare(h, q, NQ, ref, 31, VG_HSET_SEARCH_AUTO, 0);
    free(ref);
    vg_hset_close(h);
    free(db);
    free(q);
}

/* ---- small cases ---- */

static vg_status stop_after_one(void *ctx, const vg_hset_hit *hit) {
    (void)hit;
    ++*(int *)ctx;
    return VG_E_INTERRUPTED;
}

Test(pdq_search, a_callback_status_stops_the_search) {
    fx_seed("pdq_search.stop", 3);
    uint8_t db[32 * 8];
    fx_bytes(db, sizeof db);
    for (int i = 1; i < 8; i++)
        memcpy(db + 32 * i, db, 32), db[32 * i] ^= (uint8_t)i;
    vg_hset *h = build_open(db, 8, 0);
    for (int mode = 0; mode < 3; mode++) {
        int calls = 0;
        cr_assert_eq(
            vg_hset_pdq_search(h, db, 31, (vg_hset_search_mode)mode, stop_after_one, &calls),
            VG_E_INTERRUPTED);
        cr_assert_eq(calls, 1);
        calls = 0;
        cr_assert_eq(vg_hset_pdq_search_batch(h, db, 2, 31, (vg_hset_search_mode)mode,
                                              stop_after_one, &calls),
                     VG_E_INTERRUPTED);
        cr_assert_eq(calls, 1);
    }
    vg_hset_close(h);
}

Test(pdq_search, bad_arguments_are_refused) {
    uint8_t db[32] = {1, 2, 3};
    vg_hset *h = build_open(db, 1, 0);
    int calls = 0;
    cr_assert_eq(vg_hset_pdq_search(h, db, 257, VG_HSET_SEARCH_AUTO, stop_after_one, &calls),
                 VG_E_INVAL);
    cr_assert_eq(vg_hset_pdq_search(h, db, 48, VG_HSET_SEARCH_MIH, stop_after_one, &calls),
                 VG_E_INVAL);
    cr_assert_eq(vg_hset_pdq_search(h, db, 31, (vg_hset_search_mode)9, stop_after_one, &calls),
                 VG_E_INVAL);
    cr_assert_eq(calls, 0);
    uint64_t first, count;
    cr_assert_eq(vg_hset_lookup(h, VG_HT_PDQ, db, 32, &first, &count), VG_OK);
    cr_assert_eq(count, 1);
    cr_assert_eq(vg_hset_pdq_entries(h, 0, &first, &count), VG_OK);
    cr_assert_eq(count, 1);
    cr_assert_eq(vg_hset_pdq_entries(h, 1, &first, &count), VG_E_INVAL);
    vg_hset_close(h);
}
