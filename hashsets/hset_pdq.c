/*
 * hset_pdq.c — exact Hamming-radius search over the PDQ codes of an open index.
 *
 * Multi-index hashing (Norouzi et al. 2014; the scheme of ThreatExchange pdq/cpp/index/mih.h):
 * the 256-bit code is cut into 16 chunks of 16 bits. If d(x, q) <= r then some chunk differs in
 * at most s = floor(r / 16) bits (otherwise d >= 16 (s + 1) > r), so probing every chunk's
 * table at radius s finds every answer; each candidate is verified with the full distance.
 *
 * A plain multi-index reads every bucket entry's code: ~41 k random DRAM reads per query at
 * 10 M codes, which bound it to ~1 ms (PERF.md §A3). Here each entry of table k also holds
 * chunk k ^ 1 of its code (the other half of a 32-bit pair; vhs_format.h), and the search
 * keeps an entry only if the pair is within p = floor(r / 8) of the query's. That loses no
 * answer: if d <= r, one of the 8 pairs differs in at most p bits (pigeonhole again) and its
 * closer half in at most floor(p / 2) = s, so the table of that half probes it and the pair
 * passes. A random entry passes with probability ~0.26% at r = 31, so the search streams
 * 2-byte pairs and reads ids and codes only for the few that pass. A code is reported only by
 * the first table that finds it (chunk within s and pair within p), so every answer comes out
 * once without any per-query state (PERF.md §7).
 *
 * The passing entries go through two small rings so their random reads overlap: PF entries
 * fetch their id from the table while earlier ones fetch their code, across bucket and table
 * boundaries.
 *
 * When the bucket entries to filter (known exactly from the tables' offsets before any is
 * read) make the index slower than reading every code — dense or clustered lists, or
 * radius > 47 — the query is answered by a scan instead; a batch groups such queries into one
 * tiled scan, so the codes are read from memory once for all of them (PERF.md: MIH is no
 * faster than a batched scan on 100 dense clusters).
 */
#include <stdlib.h>
#include <string.h>

#include "vigil/hamming.h"

#include "hset_impl.h"

/* Candidate verification is bound by DRAM latency, not arithmetic: it stays here, pipelined
 * across buckets and tables, compiled with and without POPCNT and picked at load time. */
/* Not under ThreadSanitizer: the ifunc resolver runs before the TSan runtime starts and crashes
 * (race tests link this library). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define HOT __attribute__((target_clones("popcnt", "default")))
#else
#define HOT
#endif
#define INL static inline __attribute__((always_inline))

#define PF 16u      /* candidates in flight per stage (prefetch distance) */
#define PF_LINES 8u /* cache lines of pair entries prefetched per bucket, a table ahead */
/* A lone query scans only when it has more candidates than there are codes: clustered codes
 * sit together in the sorted array, so their candidates are cheap cache hits, and bench_match
 * at 10 M clustered codes measured forced MIH 12-19x faster than scan-1 while a ratio of 8
 * sent queries to the scan and made AUTO 5x slower than the batched scan. */
#define SINGLE_SCAN_RATIO 1u
#define BATCH_SCAN_RATIO 16u /* a code in a cache-resident tile costs ~1/16 */
#define BATCH_MIN_DENSE 8u   /* queries that must share one pass for the ratio above */
#define MAX_MIH_RADIUS 47u   /* s <= 2: at most 137 probes per table */

/* One query being answered. */
struct query {
    const vg_hset *h;
    const uint8_t *code; /* the query's 32 bytes */
    uint64_t qw[4];
    uint32_t qi, r, s, p; /* radius, chunk probe radius r / 16, pair limit r / 8 */
    vg_hset_hit_fn fn;
    void *ctx;
};

/* ---- distance ---- */

INL uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

INL uint32_t dist4(const uint64_t *qw, const uint8_t *code, uint64_t *x) {
    x[0] = load64(code) ^ qw[0];
    x[1] = load64(code + 8) ^ qw[1];
    x[2] = load64(code + 16) ^ qw[2];
    x[3] = load64(code + 24) ^ qw[3];
    return (uint32_t)(__builtin_popcountll(x[0]) + __builtin_popcountll(x[1]) +
                      __builtin_popcountll(x[2]) + __builtin_popcountll(x[3]));
}

INL vg_status emit(const struct query *q, uint64_t code, uint32_t d) {
    vg_hset_hit hit = {q->qi, (uint32_t)code, d};
    return q->fn(q->ctx, &hit);
}

/* ---- multi-index ---- */

/* XOR masks of weight 0, 1, 2 over 16 bits: the first 1, 17 or 137 are the ball of radius s. */
static unsigned ball_masks(uint32_t s, uint16_t *m) {
    unsigned n = 0;
    m[n++] = 0;
    for (unsigned i = 0; s >= 1 && i < 16; i++)
        m[n++] = (uint16_t)(1u << i);
    for (unsigned i = 0; s >= 2 && i < 16; i++)
        for (unsigned j = i + 1; j < 16; j++)
            m[n++] = (uint16_t)((1u << i) | (1u << j));
    return n;
}

/* [a, b) of bucket v of table t, clamped to the ids. */
INL void bucket(const uint32_t *t, uint32_t v, uint64_t n, uint64_t *a, uint64_t *b) {
    *b = t[v + 1] < n ? t[v + 1] : n;
    *a = t[v] < *b ? t[v] : *b;
}

/* Chunk j of a code's XOR with the query. */
INL uint32_t chunk_dist(const uint64_t *x, uint32_t j) {
    return (uint32_t)__builtin_popcountll((x[j >> 2] >> (16 * (j & 3))) & 0xffffu);
}

/* Whether table k finds code x: its chunk k is within s (a probed bucket) and the pair
 * (k, k ^ 1) within p (the filter). If d <= r, some pair of the 8 is within p = r / 8, and the
 * closer half of it within s = r / 16: every answer is found by at least one table. */
INL int caught(const struct query *q, const uint64_t *x, uint32_t k) {
    uint32_t e = chunk_dist(x, k);
    return e <= q->s && e + chunk_dist(x, k ^ 1u) <= q->p;
}

/* Verify candidate id found in table k: within r, and k is the first table that finds it. */
INL vg_status verify(const struct query *q, uint32_t id, uint32_t k) {
    uint64_t x[4];
    uint32_t d = dist4(q->qw, q->h->codes + (size_t)id * VHS_PDQ_LEN, x);
    if (d > q->r)
        return VG_OK;
    for (uint32_t j = 0; j < k; j++)
        if (caught(q, x, j))
            return VG_OK;
    return emit(q, id, d);
}

/* Candidates that pass the pair filter wait in two rings, so their memory reads overlap:
 * PF steps while the id is fetched from the table, then PF more while the code is. */
struct pipe {
    uint32_t pos[PF], pk[PF]; /* stage 1: position in table pk's ids */
    uint32_t id[PF], ik[PF];  /* stage 2: code index, found in table ik */
    uint64_t n1, n2;          /* entries pushed into each stage */
};

INL vg_status push_code(const struct query *q, struct pipe *pp, uint32_t id, uint32_t k) {
    unsigned slot = (unsigned)(pp->n2++ % PF);
    vg_status st = pp->n2 > PF ? verify(q, pp->id[slot], pp->ik[slot]) : VG_OK;
    pp->id[slot] = id;
    pp->ik[slot] = k;
    __builtin_prefetch(q->h->codes + (size_t)id * VHS_PDQ_LEN);
    return st;
}

/* Stage 1 slot -> its id (checked against the codes) into stage 2. */
INL vg_status advance(const struct query *q, struct pipe *pp, unsigned slot) {
    uint32_t k = pp->pk[slot], id = hset_mih_table(q->h, k)[VHS_MIH_KEYS + 1 + pp->pos[slot]];
    return id < q->h->n_pdq ? push_code(q, pp, id, k) : VG_OK;
}

INL vg_status push_pos(const struct query *q, struct pipe *pp, const uint32_t *ids, uint64_t j,
                       uint32_t k) {
    unsigned slot = (unsigned)(pp->n1++ % PF);
    vg_status st = pp->n1 > PF ? advance(q, pp, slot) : VG_OK;
    pp->pos[slot] = (uint32_t)j;
    pp->pk[slot] = k;
    __builtin_prefetch(ids + j);
    return st;
}

/* Empty both stages, in order. */
static vg_status drain(const struct query *q, struct pipe *pp) {
    vg_status st = VG_OK;
    for (uint64_t i = pp->n1 > PF ? pp->n1 - PF : 0; i < pp->n1 && st == VG_OK; i++)
        st = advance(q, pp, (unsigned)(i % PF));
    for (uint64_t i = pp->n2 > PF ? pp->n2 - PF : 0; i < pp->n2 && st == VG_OK; i++)
        st = verify(q, pp->id[i % PF], pp->ik[i % PF]);
    return st;
}

/* The probed buckets of a query: entries [a, b) of table k's ids for ball mask i. */
struct plan {
    uint16_t m[137];
    unsigned nm;
    uint32_t a[VHS_MIH_CHUNKS][137], b[VHS_MIH_CHUNKS][137];
    uint64_t total; /* entries the pair filter reads (with repeats across tables) */
};

/* Every bucket the query probes, with the offset reads overlapped. */
static void plan_query(const vg_hset *h, const uint8_t *qc, uint32_t s, struct plan *pl) {
    uint64_t a, b;
    pl->nm = ball_masks(s, pl->m);
    pl->total = 0;
    for (uint32_t k = 0; k < VHS_MIH_CHUNKS; k++)
        for (unsigned i = 0; i < pl->nm; i++)
            __builtin_prefetch(hset_mih_table(h, k) + (vhs_chunk(qc, k) ^ pl->m[i]));
    for (uint32_t k = 0; k < VHS_MIH_CHUNKS; k++)
        for (unsigned i = 0; i < pl->nm; i++) {
            bucket(hset_mih_table(h, k), vhs_chunk(qc, k) ^ pl->m[i], h->n_pdq, &a, &b);
            pl->a[k][i] = (uint32_t)a;
            pl->b[k][i] = (uint32_t)b;
            pl->total += b - a;
        }
}

/* Start reading the pair entries of table k's probed buckets (up to PF_LINES lines each). */
static void prefetch_pairs(const vg_hset *h, const struct plan *pl, uint32_t k) {
    const uint16_t *pr = hset_mih_pairs(h, k);
    for (unsigned i = 0; i < pl->nm; i++)
        for (uint32_t j = pl->a[k][i], n = 0; j < pl->b[k][i] && n < PF_LINES; j += 32, n++)
            __builtin_prefetch(pr + j);
}

HOT static vg_status mih_query(const struct query *q, const uint8_t *qc, const struct plan *pl) {
    const vg_hset *h = q->h;
    struct pipe pp = {.n1 = 0, .n2 = 0};
    vg_status st = VG_OK;
    prefetch_pairs(h, pl, 0);
    for (uint32_t k = 0; k < VHS_MIH_CHUNKS && st == VG_OK; k++) {
        const uint32_t *ids = hset_mih_table(h, k) + VHS_MIH_KEYS + 1;
        const uint16_t *pr = hset_mih_pairs(h, k);
        uint32_t cp = vhs_chunk(qc, k ^ 1u);
        if (k + 1 < VHS_MIH_CHUNKS)
            prefetch_pairs(h, pl, k + 1);
        /* In an odd table, a pair within s was already found by the even table before it. */
        uint32_t lo = k & 1u ? q->s + 1 : 0;
        for (unsigned i = 0; i < pl->nm && st == VG_OK; i++) {
            /* entries of this bucket differ from the query in popcount(m[i]) bits of chunk k */
            uint32_t lim = q->p - (uint32_t)__builtin_popcount(pl->m[i]);
            for (uint64_t j = pl->a[k][i]; j < pl->b[k][i] && lim >= lo && st == VG_OK; j++)
                if ((uint32_t)__builtin_popcount(pr[j] ^ cp) - lo <= lim - lo)
                    st = push_pos(q, &pp, ids, j, k);
        }
    }
    return st == VG_OK ? drain(q, &pp) : st;
}

/* ---- scans (vigil/hamming.h kernels: AVX-512, AVX2, POPCNT or scalar, chosen at run time) ---- */

/* Codes per vg_hamming_within() call: every match of a block fits the stack buffer. */
#define SCAN_BLOCK 2048u
/* Queries per vg_hamming_batch() call, and its hit buffer: a tile with more hits than this is
 * redone query by query. */
#define BATCH_GROUP 64u
#define BATCH_HITS 4096u

static vg_status scan_query(const struct query *q, uint64_t from, uint64_t to) {
    const uint8_t *codes = q->h->codes;
    uint32_t idx[SCAN_BLOCK];
    for (uint64_t pos = from; pos < to; pos += SCAN_BLOCK) {
        size_t len = to - pos < SCAN_BLOCK ? (size_t)(to - pos) : SCAN_BLOCK, cnt = 0;
        if (vg_hamming_within(q->code, codes + pos * VHS_PDQ_LEN, len, q->r, idx, SCAN_BLOCK,
                              &cnt) != VG_OK)
            return VG_E_INVAL; /* cannot happen: len <= SCAN_BLOCK */
        for (size_t k = 0; k < cnt; k++) {
            uint64_t i = pos + idx[k];
            vg_status st = emit(q, i, vg_hamming_dist(q->code, codes + i * VHS_PDQ_LEN));
            if (st != VG_OK)
                return st;
        }
    }
    return VG_OK;
}

/* Queries qs[0..nq) (codes also packed in qbuf) against codes [t, end): one kernel call. */
static vg_status scan_group(struct query *qs, const uint8_t *qbuf, size_t nq, uint64_t t,
                            uint64_t end, vg_hamming_hit *hits) {
    const uint8_t *codes = qs[0].h->codes;
    size_t cnt = 0;
    vg_status st = vg_hamming_batch(qbuf, nq, codes + t * VHS_PDQ_LEN, (size_t)(end - t), qs[0].r,
                                    hits, BATCH_HITS, &cnt);
    if (st == VG_E_LIMIT) { /* a dense tile: query by query, with room for every match */
        for (size_t i = 0; i < nq && (st = scan_query(&qs[i], t, end)) == VG_OK;)
            i++;
        return st;
    }
    for (size_t k = 0; k < cnt && st == VG_OK; k++)
        st = emit(&qs[hits[k].query], t + hits[k].index, hits[k].dist);
    return st;
}

/* Every query in qs[0..nq) against every code, one cache-resident tile of codes at a time. */
static vg_status scan_batch(struct query *qs, size_t nq, uint64_t n) {
    uint8_t *qbuf = malloc(nq * VHS_PDQ_LEN);
    vg_hamming_hit *hits = malloc(BATCH_HITS * sizeof *hits);
    vg_status st = qbuf && hits ? VG_OK : VG_E_NOMEM;
    for (size_t i = 0; i < nq && st == VG_OK; i++)
        memcpy(qbuf + i * VHS_PDQ_LEN, qs[i].code, VHS_PDQ_LEN);
    for (uint64_t t = 0; t < n && st == VG_OK; t += VG_HAMMING_TILE) {
        uint64_t end = n - t < VG_HAMMING_TILE ? n : t + VG_HAMMING_TILE;
        for (size_t g = 0; g < nq && st == VG_OK; g += BATCH_GROUP)
            st = scan_group(qs + g, qbuf + g * VHS_PDQ_LEN,
                            nq - g < BATCH_GROUP ? nq - g : BATCH_GROUP, t, end, hits);
    }
    free(hits);
    free(qbuf);
    return st;
}

/* ---- entry points ---- */

static void query_init(struct query *q, const vg_hset *h, const uint8_t *code, uint32_t qi,
                       unsigned radius, vg_hset_hit_fn fn, void *ctx) {
    q->h = h;
    q->code = code;
    for (int w = 0; w < 4; w++)
        q->qw[w] = load64(code + 8 * w);
    q->qi = qi;
    q->r = radius;
    q->s = radius / VHS_MIH_CHUNKS;
    q->p = radius / (VHS_MIH_CHUNKS / 2);
    q->fn = fn;
    q->ctx = ctx;
}

/* Whether the query is answered by a scan: forced, or beyond the tables. */
static int must_scan(unsigned radius, vg_hset_search_mode mode) {
    return mode == VG_HSET_SEARCH_SCAN || (mode == VG_HSET_SEARCH_AUTO && radius > MAX_MIH_RADIUS);
}

/* Whether a planned query is cheaper as a scan (AUTO only). */
static int scan_cheaper(const vg_hset *h, const struct plan *pl, vg_hset_search_mode mode,
                        unsigned ratio) {
    return mode == VG_HSET_SEARCH_AUTO && pl->total > h->n_pdq / ratio;
}

static vg_status check_args(unsigned radius, vg_hset_search_mode mode) {
    if (radius > VG_HSET_MAX_RADIUS || (unsigned)mode > VG_HSET_SEARCH_SCAN ||
        (mode == VG_HSET_SEARCH_MIH && radius > MAX_MIH_RADIUS))
        return VG_E_INVAL;
    return VG_OK;
}

vg_status vg_hset_pdq_search(const vg_hset *h, const uint8_t q[32], unsigned radius,
                             vg_hset_search_mode mode, vg_hset_hit_fn fn, void *ctx) {
    struct query qq;
    vg_status st = check_args(radius, mode);
    if (st != VG_OK || h->n_pdq == 0)
        return st;
    query_init(&qq, h, q, 0, radius, fn, ctx);
    if (must_scan(radius, mode))
        return scan_query(&qq, 0, h->n_pdq);
    struct plan pl;
    plan_query(h, q, qq.s, &pl);
    if (scan_cheaper(h, &pl, mode, SINGLE_SCAN_RATIO))
        return scan_query(&qq, 0, h->n_pdq);
    return mih_query(&qq, q, &pl);
}

/* Which queries of a batch the tiled scan answers (scan[i] = 1): those that must scan, and in
 * AUTO those whose bucket entries outnumber the codes, or outnumber 1/BATCH_SCAN_RATIO of them
 * when at least BATCH_MIN_DENSE queries do (fewer gain little from sharing the pass). */
static vg_status pick_scans(const vg_hset *h, const uint8_t *q, size_t nq, unsigned radius,
                            vg_hset_search_mode mode, uint8_t *scan) {
    uint64_t *total = malloc(nq * sizeof *total);
    struct plan *pl = malloc(sizeof *pl);
    size_t n_dense = 0;
    if (!total || !pl) {
        free(total);
        free(pl);
        return VG_E_NOMEM;
    }
    for (size_t i = 0; i < nq; i++) {
        scan[i] = (uint8_t)must_scan(radius, mode);
        total[i] = 0;
        if (!scan[i] && mode == VG_HSET_SEARCH_AUTO) {
            plan_query(h, q + i * VHS_PDQ_LEN, radius / VHS_MIH_CHUNKS, pl);
            total[i] = pl->total;
            n_dense += total[i] > h->n_pdq / BATCH_SCAN_RATIO;
        }
    }
    for (size_t i = 0; i < nq; i++)
        scan[i] |= total[i] > h->n_pdq / SINGLE_SCAN_RATIO ||
                   (n_dense >= BATCH_MIN_DENSE && total[i] > h->n_pdq / BATCH_SCAN_RATIO);
    free(pl);
    free(total);
    return VG_OK;
}

vg_status vg_hset_pdq_search_batch(const vg_hset *h, const uint8_t *q, size_t nq, unsigned radius,
                                   vg_hset_search_mode mode, vg_hset_hit_fn fn, void *ctx) {
    vg_status st = check_args(radius, mode);
    if (st != VG_OK || h->n_pdq == 0 || nq == 0)
        return st;
    if (nq > UINT32_MAX)
        return VG_E_INVAL;
    struct query *dense = malloc(nq * sizeof *dense);
    struct plan *pl = malloc(sizeof *pl);
    uint8_t *scan = malloc(nq);
    size_t nd = 0;
    st = dense && pl && scan ? pick_scans(h, q, nq, radius, mode, scan) : VG_E_NOMEM;
    for (size_t i = 0; i < nq && st == VG_OK; i++) {
        const uint8_t *code = q + i * VHS_PDQ_LEN;
        query_init(&dense[nd], h, code, (uint32_t)i, radius, fn, ctx);
        if (scan[i]) {
            nd++; /* answered by the batched scan below */
            continue;
        }
        plan_query(h, code, dense[nd].s, pl);
        st = mih_query(&dense[nd], code, pl);
    }
    if (st == VG_OK && nd)
        st = scan_batch(dense, nd, h->n_pdq);
    free(scan);
    free(pl);
    free(dense);
    return st;
}
