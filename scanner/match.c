/*
 * match.c — every digest of a file against every list (the matching policy: "every
 * digest is looked up in every list"). Exact look-ups go straight to the memory-mapped index;
 * each list entry that names the digest becomes its own match, so the report can say which
 * list and which entry.
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
