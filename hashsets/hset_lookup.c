/*
 * hset_lookup.c — exact look-ups in an open index, and reading its lists and entries.
 *
 * A digest is found by its top bits in a bucket table (about 4 keys per bucket), then by a
 * binary search inside the bucket: one or two cache lines per look-up, straight from the
 * mapping. Every offset read from the file is clamped to the section it points into.
 */
#include <string.h>

#include "hset_impl.h"

/* ---- strings and records ---- */

static const char *str_at(const vg_hset *h, uint32_t off) {
    return off < h->str_n ? h->str + off : "";
}

void vg_hset_info_get(const vg_hset *h, vg_hset_info *out) {
    memset(out, 0, sizeof *out);
    out->format_version = h->hdr->version;
    out->file_size = h->hdr->file_size;
    out->created = h->hdr->created;
    out->name = str_at(h, h->hdr->name);
    out->version = str_at(h, h->hdr->build_version);
    memcpy(out->body_sha256, h->hdr->body_sha256, 32);
    out->n_lists = h->n_lists;
    out->n_entries = h->n_ents;
    for (int d = 0; d < VHS_D_N; d++)
        out->n_keys[d] = h->dg[d].n;
    out->n_keys[3] = h->n_pdq;
}

vg_status vg_hset_list_get(const vg_hset *h, uint64_t i, vg_hset_list *out) {
    if (i >= h->n_lists)
        return VG_E_INVAL;
    struct vhs_list l;
    memcpy(&l, &h->lists[i], sizeof l);
    out->name = str_at(h, l.name);
    out->version = str_at(h, l.version);
    out->date = str_at(h, l.date);
    out->format = str_at(h, l.format);
    out->source = str_at(h, l.source);
    out->role = l.role == VG_ROLE_KNOWN_GOOD ? VG_ROLE_KNOWN_GOOD : VG_ROLE_ALERT;
    out->has_sha256 = l.has_sha256 != 0;
    memcpy(out->sha256, l.sha256, 32);
    out->n_records = l.n_records;
    out->n_stored = l.n_stored;
    out->n_unmatchable = l.n_unmatchable;
    out->n_skipped = l.n_skipped;
    out->n_empty_digest = l.n_empty_digest;
    out->n_all_zero = l.n_all_zero;
    out->n_photodna = l.n_photodna;
    out->n_tmk = l.n_tmk;
    return VG_OK;
}

vg_status vg_hset_rec_get(const vg_hset *h, uint64_t i, vg_hset_rec *out) {
    if (i >= h->n_ents)
        return VG_E_INVAL;
    const struct vhs_entry *e = &h->ents[i];
    out->list = e->list;
    out->id = str_at(h, e->id);
    out->cat_profile = out->cat_code = out->cat_label = "";
    if (e->cat < h->n_cats) {
        out->cat_profile = str_at(h, h->cats[e->cat].profile);
        out->cat_code = str_at(h, h->cats[e->cat].code);
        out->cat_label = str_at(h, h->cats[e->cat].label);
    }
    /* A damaged list index must never turn an entry into an alert: treat it as known-good. */
    out->non_pertinent = (e->flags & VHS_EF_NON_PERTINENT) != 0;
    out->known_good = (e->flags & VHS_EF_KNOWN_GOOD) != 0 || e->list >= h->n_lists ||
                      h->lists[e->list].role == VG_ROLE_KNOWN_GOOD;
    out->quality = e->quality;
    return VG_OK;
}

/* ---- exact look-up ---- */

/* Entries [erange[i], erange[i+1]) of a key, clamped to the entries section. */
static void entry_range(const vg_hset *h, const uint32_t *erange, uint64_t i, uint64_t *first,
                        uint64_t *count) {
    uint64_t a = erange[i], b = erange[i + 1];
    if (b > h->n_ents)
        b = h->n_ents;
    *first = a < b ? a : b;
    *count = a < b ? b - a : 0;
}

/* The first 8 bytes of a key as a big-endian number: keys sort as these, then the rest. */
static inline uint64_t head64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return __builtin_bswap64(v);
}

/* Binary search for key among keys [lo, hi) of klen (>= 16) bytes; returns the index or
 * UINT64_MAX. Compares the first 8 bytes as one number (digests rarely share them), then the
 * rest. */
static uint64_t search(const uint8_t *keys, uint32_t klen, uint64_t lo, uint64_t hi,
                       const uint8_t *key) {
    uint64_t k0 = head64(key);
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        const uint8_t *m = keys + mid * klen;
        uint64_t m0 = head64(m);
        int c = m0 < k0 ? -1 : m0 > k0 ? 1 : memcmp(m + 8, key + 8, klen - 8);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return UINT64_MAX;
}

static vg_status lookup_digest(const vg_hset *h, const struct hset_digest *g, const uint8_t *key,
                               uint64_t *first, uint64_t *count) {
    uint32_t p = vhs_prefix(key, g->bits);
    uint64_t lo = g->buckets[p], hi = g->buckets[p + 1];
    if (hi > g->n)
        hi = g->n;
    /* The key's entry range is next to erange[lo]: fetch it while the keys are searched. */
    __builtin_prefetch(g->erange + (lo < g->n ? lo : g->n));
    uint64_t i = search(g->keys, g->klen, lo, hi, key);
    if (i != UINT64_MAX)
        entry_range(h, g->erange, i, first, count);
    return VG_OK;
}

vg_status vg_hset_lookup(const vg_hset *h, vg_hash_type type, const uint8_t *hash, size_t len,
                         uint64_t *first, uint64_t *count) {
    *first = *count = 0;
    int d = type == VG_HT_MD5 ? VHS_D_MD5 : type == VG_HT_SHA1 ? VHS_D_SHA1 : VHS_D_SHA256;
    if (type == VG_HT_PDQ) {
        if (len != VHS_PDQ_LEN)
            return VG_E_INVAL;
        uint64_t i = search(h->codes, VHS_PDQ_LEN, 0, h->n_pdq, hash);
        if (i != UINT64_MAX)
            entry_range(h, h->pdq_erange, i, first, count);
        return VG_OK;
    }
    if ((type != VG_HT_MD5 && type != VG_HT_SHA1 && type != VG_HT_SHA256) || len != h->dg[d].klen)
        return VG_E_INVAL;
    return lookup_digest(h, &h->dg[d], hash, first, count);
}

/* Look-ups in flight together: enough to overlap their memory reads, few enough that what the
 * first stage fetched is still cached when the last stage uses it. */
#define BATCH_GROUP 32u

/* The digest table of a query, or NULL when its type or length is not a stored digest. */
static const struct hset_digest *digest_of(const vg_hset *h, const vg_hset_query *q) {
    int d = q->type == VG_HT_MD5      ? VHS_D_MD5
            : q->type == VG_HT_SHA1   ? VHS_D_SHA1
            : q->type == VG_HT_SHA256 ? VHS_D_SHA256
                                      : -1;
    return d >= 0 && q->hash && q->len == h->dg[d].klen ? &h->dg[d] : NULL;
}

/* One group: fetch every bucket bound, then every key range and entry range, then search;
 * each stage's reads are issued for the whole group before any is waited for. */
static vg_status lookup_group(const vg_hset *h, vg_hset_query *q, size_t n) {
    const struct hset_digest *g[BATCH_GROUP];
    uint32_t p[BATCH_GROUP];
    uint64_t lo[BATCH_GROUP], hi[BATCH_GROUP];
    vg_status st = VG_OK;
    for (size_t i = 0; i < n; i++) {
        q[i].first = q[i].count = 0;
        g[i] = digest_of(h, &q[i]);
        if (!g[i])
            continue;
        p[i] = vhs_prefix(q[i].hash, g[i]->bits);
        __builtin_prefetch(g[i]->buckets + p[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!g[i])
            continue;
        lo[i] = g[i]->buckets[p[i]];
        hi[i] = g[i]->buckets[p[i] + 1];
        if (hi[i] > g[i]->n)
            hi[i] = g[i]->n;
        if (lo[i] >= hi[i])
            continue;
        __builtin_prefetch(g[i]->keys + lo[i] * g[i]->klen);
        __builtin_prefetch(g[i]->keys + hi[i] * g[i]->klen - 1);
        __builtin_prefetch(g[i]->erange + lo[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!g[i]) {
            if (q[i].type != VG_HT_PDQ || !q[i].hash ||
                vg_hset_lookup(h, q[i].type, q[i].hash, q[i].len, &q[i].first, &q[i].count) !=
                    VG_OK)
                st = VG_E_INVAL;
            continue;
        }
        uint64_t k =
            lo[i] < hi[i] ? search(g[i]->keys, g[i]->klen, lo[i], hi[i], q[i].hash) : UINT64_MAX;
        if (k != UINT64_MAX)
            entry_range(h, g[i]->erange, k, &q[i].first, &q[i].count);
    }
    return st;
}

vg_status vg_hset_lookup_batch(const vg_hset *h, vg_hset_query *q, size_t n) {
    vg_status st = VG_OK;
    for (size_t i = 0; i < n; i += BATCH_GROUP) {
        vg_status s = lookup_group(h, q + i, n - i < BATCH_GROUP ? n - i : BATCH_GROUP);
        if (s != VG_OK)
            st = s;
    }
    return st;
}

const uint8_t *vg_hset_pdq_code(const vg_hset *h, uint64_t i) {
    return i < h->n_pdq ? h->codes + i * VHS_PDQ_LEN : NULL;
}

vg_status vg_hset_pdq_entries(const vg_hset *h, uint64_t i, uint64_t *first, uint64_t *count) {
    *first = *count = 0;
    if (i >= h->n_pdq)
        return VG_E_INVAL;
    entry_range(h, h->pdq_erange, i, first, count);
    return VG_OK;
}
