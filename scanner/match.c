/*
 * match.c — every digest of a file against every list (the matching policy: "every
 * digest is looked up in every list"), and every PDQ (with its dihedral forms) within the
 * threshold. Exact look-ups go straight to the memory-mapped index; each list entry that names
 * the digest or code becomes its own match, so the report can say which list and which entry.
 * The screen's question (vigil/pdq_screen.h), "is any list code that near?", is asked here too.
 */
#include "match_impl.h"

#include <stdlib.h>

void vg_match_reset(vg_matchbuf *mb) {
    mb->n = 0;
    mb->known_good = false;
}

void vg_match_free(vg_matchbuf *mb) {
    free(mb->m);
    *mb = (vg_matchbuf){0};
}

vg_status vg_match_push(vg_matchbuf *mb, const vg_scan_match *m) {
    if (mb->n == mb->cap) {
        size_t cap = mb->cap ? 2 * mb->cap : 8;
        vg_scan_match *p = realloc(mb->m, cap * sizeof *p);
        if (!p)
            return VG_E_NOMEM;
        mb->m = p;
        mb->cap = cap;
    }
    mb->m[mb->n++] = *m;
    return VG_OK;
}

/* Add the entries [first, first + count) of list li that name a hash of kind how. */
static vg_status add_entries(const vg_hset *h, uint32_t li, vg_hash_type how, uint64_t first,
                             uint64_t count, vg_matchbuf *mb) {
    for (uint64_t i = first; i < first + count; i++) {
        vg_hset_rec rec;
        if (vg_hset_rec_get(h, i, &rec) != VG_OK)
            continue;
        if (rec.known_good) {
            mb->known_good = true;
            continue;
        }
        if (rec.non_pertinent)
            continue;
        vg_scan_match m = {.list = li, .entry = i, .how = how};
        vg_status st = vg_match_push(mb, &m);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}

vg_status vg_match_digests(const vg_hset *const *lists, size_t n_lists, const vg_digests *dg,
                           vg_matchbuf *mb) {
    const struct {
        vg_hash_type type;
        const uint8_t *hash;
        size_t len;
    } keys[] = {{VG_HT_MD5, dg->md5, VG_MD5_LEN},
                {VG_HT_SHA1, dg->sha1, VG_SHA1_LEN},
                {VG_HT_SHA256, dg->sha256, VG_SHA256_LEN}};
    for (size_t li = 0; li < n_lists; li++) {
        for (size_t k = 0; k < 3; k++) {
            uint64_t first = 0, count = 0;
            if (vg_hset_lookup(lists[li], keys[k].type, keys[k].hash, keys[k].len, &first,
                               &count) != VG_OK ||
                count == 0)
                continue;
            vg_status st = add_entries(lists[li], (uint32_t)li, keys[k].type, first, count, mb);
            if (st != VG_OK)
                return st;
        }
    }
    return VG_OK;
}

/* ---- PDQ ---- */

struct pdq_ctx {
    const vg_hset *h;
    uint32_t list;
    bool trimmed;
    vg_matchbuf *mb;
};

/* One PDQ hit: a match per pertinent entry of the code; per entry the nearest hash is kept
 * (the image's or its trimmed content's, and which dihedral form). */
static vg_status on_pdq_hit(void *ctx, const vg_hset_hit *hit) {
    struct pdq_ctx *c = ctx;
    uint64_t first = 0, count = 0;
    if (vg_hset_pdq_entries(c->h, hit->code, &first, &count) != VG_OK)
        return VG_OK;
    for (uint64_t e = first; e < first + count; e++) {
        vg_hset_rec rec;
        if (vg_hset_rec_get(c->h, e, &rec) != VG_OK || rec.known_good || rec.non_pertinent)
            continue;
        size_t i = 0;
        while (i < c->mb->n && !(c->mb->m[i].how == VG_HT_PDQ && c->mb->m[i].list == c->list &&
                                 c->mb->m[i].entry == e))
            i++;
        vg_scan_match m = {.list = c->list,
                           .entry = e,
                           .how = VG_HT_PDQ,
                           .distance = hit->distance,
                           .dihedral = hit->query,
                           .trimmed = c->trimmed};
        if (i < c->mb->n) {
            if (hit->distance < c->mb->m[i].distance)
                c->mb->m[i] = m;
            continue;
        }
        if (vg_match_push(c->mb, &m) != VG_OK)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

vg_status vg_match_pdq(const vg_hset *const *lists, size_t n_lists, const uint8_t *q, size_t nq,
                       unsigned radius, bool trimmed, vg_matchbuf *mb) {
    for (size_t li = 0; li < n_lists; li++) {
        struct pdq_ctx c = {.h = lists[li], .list = (uint32_t)li, .trimmed = trimmed, .mb = mb};
        vg_status st =
            vg_hset_pdq_search_batch(lists[li], q, nq, radius, VG_HSET_SEARCH_AUTO, on_pdq_hit, &c);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}

static vg_status on_probe_hit(void *ctx, const vg_hset_hit *hit) {
    (void)hit;
    *(bool *)ctx = true;
    return VG_OK;
}

vg_status vg_match_probe(const vg_hset *const *lists, size_t n_lists, const uint8_t *q, size_t nq,
                         unsigned radius, bool *candidate) {
    for (size_t li = 0; li < n_lists && !*candidate; li++) {
        vg_status st = vg_hset_pdq_search_batch(lists[li], q, nq, radius, VG_HSET_SEARCH_AUTO,
                                                on_probe_hit, candidate);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}
