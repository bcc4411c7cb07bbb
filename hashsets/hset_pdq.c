/*
 * hset_pdq.c — exact Hamming-radius search over the PDQ codes of an open index.
 *
 * Multi-index hashing (Norouzi et al. 2014; the scheme of ThreatExchange pdq/cpp/index/mih.h):
 * the 256-bit code is cut into 16 chunks of 16 bits. If d(x, q) <= r then some chunk differs in
 * at most s = floor(r / 16) bits (otherwise d >= 16 (s + 1) > r), so probing every chunk's
 * table at radius s finds every answer; each candidate is verified with the full distance.
 * A code is reported only from the first table whose chunk is within s of the query's, so
 * every answer comes out once without any per-query state (PERF.md §7).
 *
 * Candidates are random reads into the code array; they go through a small ring so each is
 * prefetched PF candidates before it is verified, across bucket and table boundaries.
 *
 * When the candidate count (known exactly from the tables' offsets before any code is read)
 * makes the index slower than reading every code — dense or clustered lists, or radius > 47 —
 * the query is answered by a scan instead; a batch groups such queries into one tiled scan, so
 * the codes are read from memory once for all of them (PERF.md: MIH is no faster than a
 * batched scan on 100 dense clusters).
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

#define PF 16u /* candidates in flight (prefetch distance) */
/* A lone query scans only when it has more candidates than there are codes: clustered codes
 * sit together in the sorted array, so their candidates are cheap cache hits, and bench_match
 * at 10 M clustered codes measured forced MIH 12-19x faster than scan-1 while a ratio of 8
 * sent queries to the scan and made AUTO 5x slower than the batched scan. */
#define SINGLE_SCAN_RATIO 1u
#define BATCH_SCAN_RATIO 16u /* a code in a cache-resident tile costs ~1/16 */
#define MAX_MIH_RADIUS 47u   /* s <= 2: at most 137 probes per table */

/* One query being answered. */
struct query {
    const vg_hset *h;
    const uint8_t *code; /* the query's 32 bytes */
    uint64_t qw[4];
    uint32_t qi, r, s;
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

/* Number of candidates the multi-index would verify (with repeats across tables). */
static uint64_t count_candidates(const vg_hset *h, const uint8_t *q, uint32_t s) {
    uint16_t m[137];
    unsigned nm = ball_masks(s, m);
    uint64_t total = 0, a, b;
    for (unsigned k = 0; k < VHS_MIH_CHUNKS; k++) {
        const uint32_t *t = hset_mih_table(h, k);
        uint32_t c = vhs_chunk(q, k);
        for (unsigned i = 0; i < nm; i++) {
            bucket(t, c ^ m[i], h->n_pdq, &a, &b);
            total += b - a;
        }
    }
    return total;
}

/* Verify candidate id found in table k: within r, and k is its first table within s. */
INL vg_status verify(const struct query *q, uint32_t id, uint32_t k) {
    uint64_t x[4];
    uint32_t d = dist4(q->qw, q->h->codes + (size_t)id * VHS_PDQ_LEN, x);
    if (d > q->r)
        return VG_OK;
    for (uint32_t j = 0; j < k; j++)
        if ((uint32_t)__builtin_popcountll((x[j >> 2] >> (16 * (j & 3))) & 0xffffu) <= q->s)
            return VG_OK;
    return emit(q, id, d);
}

HOT static vg_status mih_query(const struct query *q, const uint8_t *qc) {
    const vg_hset *h = q->h;
    uint16_t m[137];
    unsigned nm = ball_masks(q->s, m);
    uint32_t ring_id[PF], ring_k[PF];
    uint64_t pushed = 0, a, b;
    vg_status st = VG_OK;
    for (uint32_t k = 0; k < VHS_MIH_CHUNKS && st == VG_OK; k++) {
        const uint32_t *t = hset_mih_table(h, k), *ids = t + VHS_MIH_KEYS + 1;
        uint32_t c = vhs_chunk(qc, k);
        for (unsigned i = 0; i < nm && st == VG_OK; i++) {
            bucket(t, c ^ m[i], h->n_pdq, &a, &b);
            for (uint64_t j = a; j < b && st == VG_OK; j++) {
                uint32_t id = ids[j];
                if (id >= h->n_pdq)
                    continue;
                unsigned slot = (unsigned)(pushed++ % PF);
                if (pushed > PF)
                    st = verify(q, ring_id[slot], ring_k[slot]);
                ring_id[slot] = id;
                ring_k[slot] = k;
                __builtin_prefetch(h->codes + (size_t)id * VHS_PDQ_LEN);
            }
        }
    }
    uint64_t from = pushed > PF ? pushed - PF : 0;
    for (uint64_t i = from; i < pushed && st == VG_OK; i++)
        st = verify(q, ring_id[i % PF], ring_k[i % PF]);
    return st;
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
    q->fn = fn;
    q->ctx = ctx;
}

/* Whether the query is answered by a scan: forced, beyond the tables, or cheaper. */
static int use_scan(const vg_hset *h, const uint8_t *code, unsigned radius,
                    vg_hset_search_mode mode, unsigned ratio) {
    if (mode != VG_HSET_SEARCH_AUTO)
        return mode == VG_HSET_SEARCH_SCAN;
    if (radius > MAX_MIH_RADIUS)
        return 1;
    return count_candidates(h, code, radius / VHS_MIH_CHUNKS) > h->n_pdq / ratio;
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
    if (use_scan(h, q, radius, mode, SINGLE_SCAN_RATIO))
        return scan_query(&qq, 0, h->n_pdq);
    return mih_query(&qq, q);
}

vg_status vg_hset_pdq_search_batch(const vg_hset *h, const uint8_t *q, size_t nq, unsigned radius,
                                   vg_hset_search_mode mode, vg_hset_hit_fn fn, void *ctx) {
    vg_status st = check_args(radius, mode);
    if (st != VG_OK || h->n_pdq == 0 || nq == 0)
        return st;
    if (nq > UINT32_MAX)
        return VG_E_INVAL;
    struct query *dense = malloc(nq * sizeof *dense);
    size_t nd = 0;
    if (!dense)
        return VG_E_NOMEM;
    for (size_t i = 0; i < nq && st == VG_OK; i++) {
        const uint8_t *code = q + i * VHS_PDQ_LEN;
        if (use_scan(h, code, radius, mode, BATCH_SCAN_RATIO)) {
            query_init(&dense[nd++], h, code, (uint32_t)i, radius, fn, ctx);
        } else {
            struct query one;
            query_init(&one, h, code, (uint32_t)i, radius, fn, ctx);
            st = mih_query(&one, code);
        }
    }
    if (st == VG_OK && nd)
        st = scan_batch(dense, nd, h->n_pdq);
    free(dense);
    return st;
}
