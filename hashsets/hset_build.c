/*
 * hset_build.c — collecting hash-list entries for a .vhs index: the string table (every string
 * stored once), the category table, the source lists, and one flat record array per stored
 * hash type. Sorting, merging and writing are in vhs_write.c.
 *
 * Records are fixed-size (key bytes followed by a 16-byte struct vhs_entry) so that 10 M
 * records of a type take one allocation and sort in place.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hset_build_impl.h"

#define EMPTY UINT32_MAX
#define STR_LIMIT ((size_t)UINT32_MAX - 1)

vg_status vg_hset_build_fail(vg_hset_build *b, vg_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b->err, sizeof b->err, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
    va_end(ap);
    return st;
}

/* ---- a set of uint32 values, hashed and compared through callbacks ---- */

typedef uint64_t (*set_hash_fn)(const vg_hset_build *b, uint32_t v);

static vg_status set_grow(const vg_hset_build *b, struct u32_set *s, set_hash_fn hash) {
    size_t cap = s->cap ? 2 * s->cap : 1024;
    uint32_t *slot = malloc(cap * sizeof *slot);
    if (!slot)
        return VG_E_NOMEM;
    memset(slot, 0xff, cap * sizeof *slot);
    for (size_t i = 0; i < s->cap; i++) {
        if (s->slot[i] == EMPTY)
            continue;
        size_t j = (size_t)hash(b, s->slot[i]) & (cap - 1);
        while (slot[j] != EMPTY)
            j = (j + 1) & (cap - 1);
        slot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
    return VG_OK;
}

static uint64_t hash_bytes(const void *p, size_t n) {
    const uint8_t *s = p;
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a, then a final mix */
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 0x100000001b3u;
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    return h ^ (h >> 32);
}

static uint64_t str_hash(const vg_hset_build *b, uint32_t off) {
    return hash_bytes(b->str + off, strlen(b->str + off));
}

static uint64_t cat_hash(const vg_hset_build *b, uint32_t i) {
    return hash_bytes(&b->cats[i], sizeof b->cats[i]);
}

/* ---- strings ---- */

/* Offset of s in the string table, adding it once. NULL gives VHS_NONE. */
static vg_status intern(vg_hset_build *b, const char *s, uint32_t *out) {
    *out = VHS_NONE;
    if (!s)
        return VG_OK;
    size_t len = strlen(s);
    if (2 * (b->str_set.n + 1) > b->str_set.cap && set_grow(b, &b->str_set, str_hash) != VG_OK)
        return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (string table)");
    size_t mask = b->str_set.cap - 1, j = (size_t)hash_bytes(s, len) & mask;
    for (; b->str_set.slot[j] != EMPTY; j = (j + 1) & mask) {
        if (!strcmp(b->str + b->str_set.slot[j], s)) {
            *out = b->str_set.slot[j];
            return VG_OK;
        }
    }
    if (b->str_n + len + 1 > STR_LIMIT)
        return vg_hset_build_fail(b, VG_E_LIMIT, "string table over 4 GiB");
    if (b->str_n + len + 1 > b->str_cap) {
        size_t cap = b->str_cap * 2 > b->str_n + len + 1 ? b->str_cap * 2 : b->str_n + len + 1;
        char *grown = realloc(b->str, cap);
        if (!grown)
            return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (string table)");
        b->str = grown;
        b->str_cap = cap;
    }
    memcpy(b->str + b->str_n, s, len + 1);
    *out = (uint32_t)b->str_n;
    b->str_set.slot[j] = *out;
    b->str_set.n++;
    b->str_n += len + 1;
    return VG_OK;
}

/* ---- categories ---- */

static vg_status intern_cat(vg_hset_build *b, const vg_hset_entry *e, uint32_t *out) {
    struct vhs_cat c;
    vg_status st;
    *out = VHS_NONE;
    if (!e->cat_profile && !e->cat_code && !e->cat_label)
        return VG_OK;
    if ((st = intern(b, e->cat_profile, &c.profile)) != VG_OK ||
        (st = intern(b, e->cat_code, &c.code)) != VG_OK ||
        (st = intern(b, e->cat_label, &c.label)) != VG_OK)
        return st;
    if (b->n_cats == b->cap_cats) {
        size_t cap = b->cap_cats ? 2 * b->cap_cats : 64;
        struct vhs_cat *grown = realloc(b->cats, cap * sizeof *grown);
        if (!grown)
            return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (categories)");
        b->cats = grown;
        b->cap_cats = cap;
    }
    if (2 * (b->cat_set.n + 1) > b->cat_set.cap && set_grow(b, &b->cat_set, cat_hash) != VG_OK)
        return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (categories)");
    b->cats[b->n_cats] = c; /* staged at the end so cat_hash() can see it */
    size_t mask = b->cat_set.cap - 1, j = (size_t)cat_hash(b, (uint32_t)b->n_cats) & mask;
    for (; b->cat_set.slot[j] != EMPTY; j = (j + 1) & mask) {
        if (!memcmp(&b->cats[b->cat_set.slot[j]], &c, sizeof c)) {
            *out = b->cat_set.slot[j];
            return VG_OK;
        }
    }
    if (b->n_cats >= UINT32_MAX - 1)
        return vg_hset_build_fail(b, VG_E_LIMIT, "too many categories");
    *out = (uint32_t)b->n_cats++;
    b->cat_set.slot[j] = *out;
    b->cat_set.n++;
    return VG_OK;
}

/* ---- lifetime ---- */

vg_status vg_hset_build_new(vg_hset_build **out, const char *name, const char *version) {
    static const size_t klen[BT_N] = {16, 20, 32, 32};
    vg_hset_build *b = calloc(1, sizeof *b);
    *out = NULL;
    if (!b)
        return VG_E_NOMEM;
    for (int t = 0; t < BT_N; t++) {
        b->rec[t].klen = klen[t];
        b->rec[t].size = klen[t] + sizeof(struct vhs_entry);
    }
    b->str = malloc(4096);
    b->str_cap = 4096;
    if (!b->str || set_grow(b, &b->str_set, str_hash) != VG_OK)
        goto fail;
    b->str[0] = '\0';
    b->str_n = 1;
    b->str_set.slot[(size_t)hash_bytes("", 0) & (b->str_set.cap - 1)] = 0;
    b->str_set.n = 1;
    if (intern(b, name, &b->name) != VG_OK || intern(b, version, &b->version) != VG_OK)
        goto fail;
    *out = b;
    return VG_OK;
fail:
    vg_hset_build_free(b);
    return VG_E_NOMEM;
}

void vg_hset_build_free(vg_hset_build *b) {
    if (!b)
        return;
    for (int t = 0; t < BT_N; t++)
        free(b->rec[t].v);
    free(b->lists);
    free(b->cats);
    free(b->cat_set.slot);
    free(b->str_set.slot);
    free(b->str);
    free(b);
}

const char *vg_hset_build_errmsg(const vg_hset_build *b) {
    return b ? b->err : "no builder";
}

void vg_hset_build_stats_get(const vg_hset_build *b, vg_hset_build_stats *out) {
    *out = b->stats;
    out->n_records = b->n_records;
    out->n_unmatchable = b->n_unmatchable;
}

/* ---- lists ---- */

/* Intern info's strings and copy its fields into l (counts untouched). */
static vg_status set_info(vg_hset_build *b, struct vhs_list *l, const vg_hset_list_info *info) {
    vg_status st;
    struct vhs_list n = *l;
    if ((st = intern(b, info->name, &n.name)) != VG_OK ||
        (st = intern(b, info->version, &n.version)) != VG_OK ||
        (st = intern(b, info->date, &n.date)) != VG_OK ||
        (st = intern(b, info->format, &n.format)) != VG_OK ||
        (st = intern(b, info->source, &n.source)) != VG_OK)
        return st;
    n.role = info->role == VG_ROLE_KNOWN_GOOD ? VG_ROLE_KNOWN_GOOD : VG_ROLE_ALERT;
    n.has_sha256 = info->has_sha256;
    memset(n.sha256, 0, sizeof n.sha256);
    if (info->has_sha256)
        memcpy(n.sha256, info->sha256, 32);
    *l = n;
    return VG_OK;
}

vg_status vg_hset_build_list(vg_hset_build *b, const vg_hset_list_info *info) {
    if (b->state != 0 || !info)
        return vg_hset_build_fail(b, VG_E_INVAL, "vg_hset_build_list: %s",
                                  info ? "index already written" : "no list info");
    if (b->n_lists >= UINT32_MAX - 1)
        return vg_hset_build_fail(b, VG_E_LIMIT, "too many lists");
    if (b->n_lists == b->cap_lists) {
        size_t cap = b->cap_lists ? 2 * b->cap_lists : 8;
        struct vhs_list *grown = realloc(b->lists, cap * sizeof *grown);
        if (!grown)
            return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (lists)");
        b->lists = grown;
        b->cap_lists = cap;
    }
    struct vhs_list l;
    memset(&l, 0, sizeof l);
    vg_status st = set_info(b, &l, info);
    if (st == VG_OK)
        b->lists[b->n_lists++] = l;
    return st;
}

/* The current list turned out to be known-good (the importer found an NSRL file): allowed only
 * when every entry it gave is non-pertinent, so no alert entry is silenced. Its entries are the
 * tail of each record array. */
static void become_known_good(vg_hset_build *b, struct vhs_list *l) {
    uint32_t cur = (uint32_t)(b->n_lists - 1);
    for (int pass = 0; pass < 2; pass++)
        for (int t = 0; t < BT_N; t++) {
            struct rec_array *a = &b->rec[t];
            for (size_t i = a->n; i-- > 0;) {
                struct vhs_entry ent;
                uint8_t *r = a->v + i * a->size + a->klen;
                memcpy(&ent, r, sizeof ent);
                if (ent.list != cur)
                    break;
                if (pass == 0 && !(ent.flags & VHS_EF_NON_PERTINENT))
                    return;
                ent.flags |= VHS_EF_KNOWN_GOOD;
                if (pass == 1)
                    memcpy(r, &ent, sizeof ent);
            }
        }
    l->role = VG_ROLE_KNOWN_GOOD;
}

vg_status vg_hset_build_list_done(vg_hset_build *b, const vg_hset_list_info *info,
                                  uint64_t n_skipped, uint64_t n_unmatchable) {
    if (b->state != 0 || b->n_lists == 0)
        return vg_hset_build_fail(b, VG_E_INVAL, "vg_hset_build_list_done: %s",
                                  b->state ? "index already written" : "no list started");
    struct vhs_list *l = &b->lists[b->n_lists - 1];
    vg_list_role was = (vg_list_role)l->role;
    if (info) {
        vg_status st = set_info(b, l, info);
        if (st != VG_OK)
            return st;
        l->role = was;
        if (was == VG_ROLE_ALERT && info->role == VG_ROLE_KNOWN_GOOD)
            become_known_good(b, l);
        l->n_empty_digest += info->n_empty_digest;
        l->n_all_zero += info->n_all_zero;
        l->n_photodna += info->n_photodna;
        l->n_tmk += info->n_tmk;
    }
    l->n_skipped += n_skipped;
    l->n_unmatchable += n_unmatchable;
    l->n_records += n_unmatchable;
    b->n_unmatchable += n_unmatchable;
    return VG_OK;
}

/* ---- entries ---- */

static int stored_type(vg_hash_type t) {
    switch (t) {
    case VG_HT_MD5:
        return BT_MD5;
    case VG_HT_SHA1:
        return BT_SHA1;
    case VG_HT_SHA256:
        return BT_SHA256;
    case VG_HT_PDQ:
        return BT_PDQ;
    default:
        return -1;
    }
}

static vg_status rec_push(vg_hset_build *b, struct rec_array *a, const uint8_t *key,
                          const struct vhs_entry *ent) {
    if (a->n >= UINT32_MAX - 1)
        return vg_hset_build_fail(b, VG_E_LIMIT, "more than 2^32 - 2 records of one type");
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap + a->cap / 2 : 4096;
        uint8_t *grown = realloc(a->v, cap * a->size);
        if (!grown)
            return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (records)");
        a->v = grown;
        a->cap = cap;
    }
    uint8_t *r = a->v + a->n * a->size;
    memcpy(r, key, a->klen);
    memcpy(r + a->klen, ent, sizeof *ent);
    a->n++;
    return VG_OK;
}

vg_status vg_hset_build_add(vg_hset_build *b, const vg_hset_entry *e) {
    vg_status st;
    if (b->state != 0 || b->n_lists == 0 || !e)
        return vg_hset_build_fail(b, VG_E_INVAL, "vg_hset_build_add: %s",
                                  b->state ? "index already written"
                                  : !e     ? "no entry"
                                           : "no list started (vg_hset_build_list)");
    struct vhs_list *l = &b->lists[b->n_lists - 1];
    int t = stored_type(e->type);
    l->n_records++;
    if (t < 0) {
        l->n_unmatchable++;
        b->n_unmatchable++;
        return VG_OK;
    }
    struct rec_array *a = &b->rec[t];
    if (e->hash_len != a->klen)
        return vg_hset_build_fail(b, VG_E_INVAL, "entry at line %llu: hash length %zu, want %zu",
                                  (unsigned long long)e->line, e->hash_len, a->klen);
    struct vhs_entry ent;
    memset(&ent, 0, sizeof ent);
    ent.list = (uint32_t)(b->n_lists - 1);
    ent.flags = (uint16_t)((e->non_pertinent ? VHS_EF_NON_PERTINENT : 0) |
                           (l->role == VG_ROLE_KNOWN_GOOD ? VHS_EF_KNOWN_GOOD : 0));
    ent.quality = (int16_t)(e->quality >= 0 && e->quality <= 100 ? e->quality : -1);
    if ((st = intern(b, e->id, &ent.id)) != VG_OK || (st = intern_cat(b, e, &ent.cat)) != VG_OK ||
        (st = rec_push(b, a, e->hash, &ent)) != VG_OK)
        return st;
    l->n_stored++;
    b->n_records++;
    return VG_OK;
}

vg_status vg_hset_build_sink(void *ctx, const vg_hset_entry *e) {
    return vg_hset_build_add(ctx, e);
}
