/*
 * import_vics.c — Project VIC VICS JSON 1.x and 2.0 (HASHLISTS.md §3), both shapes:
 *   hash set  {"@odata.context": ".../2.0.xml/<Profile>/$metadata#Media", "value": [Media...]}
 *   case      {"@odata.context": "...#Cases", "value": [{..., "Media": [Media...]}]}
 * with 1.x writing "odata.metadata" ("…/DataModels/1.3.xml#Cases"). Version and regional
 * profile come from that URL; categories are mapped through the profile's table (US code 0 is
 * non-pertinent; UK and other profiles are not public and stay unmapped). PhotoDNA (Media
 * field in 2.0, AlternativeHashes in 1.x) is counted, SHA-256 is taken from AlternativeHashes.
 * Keys are matched case-insensitively; strings or numbers are accepted where exporters differ.
 *
 * The file is parsed as a stream with yajl's event parser (Debian libyajl), fed one line (or
 * one buffer) at a time so records and errors carry line numbers. Memory stays bounded: a
 * record keeps fixed-size fields, nesting is capped, and a single JSON token may not exceed
 * VICS_TOKEN_MAX bytes (yajl buffers a token across pieces). yajl's error text is taken in its
 * non-verbose form, which never quotes the input.
 */
#include "import_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#define MAXD 64
#define VICS_TOKEN_MAX (1024u * 1024u)
#define MAX_SHA256 4
#define HEXCAP 72 /* longer values are kept as "too long" and fail validation */

enum kind { K_OTHER, K_TOP, K_VALUE, K_ITEM, K_MEDIA_ARR, K_MEDIA, K_ALT_ARR, K_ALT };

typedef struct hexval {
    char s[HEXCAP];
    size_t n; /* SIZE_MAX: longer than HEXCAP */
} hexval;

typedef struct media {
    bool has_md5, looks_media, cat_given;
    hexval md5, sha1, sha256[MAX_SHA256];
    size_t nsha256;
    char id[64];
    char cat[32];
    uint64_t size;
    uint64_t photodna, other;
    uint64_t line;
    char alt_name[32];
    hexval alt_value;
} media;

typedef struct vics {
    vg_hset_import *h;
    int depth;
    unsigned char kind[MAXD + 1];
    char key[32]; /* last key in the current map, lower case; "" when too long */
    media m;
    uint64_t line; /* line of the piece being parsed */
    vg_status st;  /* failure raised inside a callback */
    bool called;   /* a callback ran during the current piece */
} vics;

/* ---- detection ---- */

int imp_vics_bid(const imp_prefix *pf) {
    size_t i = 0, n = pf->n < 4096 ? pf->n : 4096;
    while (i < n && isspace((unsigned char)pf->p[i]))
        i++;
    if (i >= n || pf->p[i] != '{')
        return 0;
    for (; i + 16 <= n; i++)
        if (!memcmp(pf->p + i, "\"@odata.context\"", 16) ||
            !memcmp(pf->p + i, "\"odata.metadata\"", 16))
            return 90;
    return 0;
}

/* ---- small helpers ---- */

static void set_hex(hexval *v, const unsigned char *s, size_t n) {
    if (n >= HEXCAP) {
        v->n = SIZE_MAX;
        return;
    }
    memcpy(v->s, s, n);
    v->s[n] = '\0';
    v->n = n;
}

static void set_str(char *dst, size_t cap, const unsigned char *s, size_t n) {
    imp_copy(dst, cap, (const char *)s, n);
}

static enum kind parent(const vics *v) {
    return v->depth > 0 ? (enum kind)v->kind[v->depth] : K_OTHER;
}

static bool at_record(const vics *v) {
    return parent(v) == K_ITEM || parent(v) == K_MEDIA;
}

/* "…/DataModels/2.0.xml/US/$metadata#Media" -> version "2.0", profile vics-us. */
static void context(vics *v, const unsigned char *s, size_t n) {
    static const struct {
        const char *url, *profile;
    } profiles[] = {{"US", "vics-us"},     {"UK", "vics-uk"},           {"CA", "vics-ca"},
                    {"Canada", "vics-ca"}, {"Default", "vics-default"}, {"CUSTOM", "vics-custom"}};
    char url[256];
    set_str(url, sizeof url, s, n);
    const char *dm = strstr(url, "DataModels/");
    const char *xml = dm ? strstr(dm, ".xml") : NULL;
    if (!xml)
        return;
    dm += 11;
    imp_copy(v->h->prov.version, sizeof v->h->prov.version, dm, (size_t)(xml - dm));
    const char *prof = "vics-1";
    if (dm[0] != '1') {
        prof = "vics-unknown";
        const char *p = xml[4] == '/' ? xml + 5 : NULL;
        const char *e = p ? strchr(p, '/') : NULL;
        for (size_t i = 0; e && i < sizeof profiles / sizeof profiles[0]; i++)
            if (imp_eq_nocase(p, (size_t)(e - p), profiles[i].url))
                prof = profiles[i].profile;
    }
    imp_set_profile(v->h, cat_find(prof));
}

/* ---- records ---- */

static bool hex_ok(const hexval *x, size_t want) {
    return x->n == want && imp_is_hex(x->s, x->n);
}

static vg_status emit_one(vics *v, const vg_hset_entry *e0, vg_hash_type t, const hexval *x) {
    vg_hset_entry e = *e0;
    imp_set_hash(&e, t, x->s, x->n);
    return imp_emit(v->h, &e);
}

/* A Media record ended: validate it whole, then pass each hash on. */
static vg_status record_end(vics *v) {
    vg_hset_import *h = v->h;
    media *m = &v->m;
    if (!m->has_md5 && !m->looks_media)
        return VG_OK; /* a Case object, or an empty one */
    h->st.records++;
    if (!m->has_md5)
        return imp_bad(h, m->line, "Media record without MD5");
    if (!hex_ok(&m->md5, 32))
        return imp_bad(h, m->line, "Media record: MD5 is not 32 hex digits");
    if (m->sha1.n != 0 && !hex_ok(&m->sha1, 40))
        return imp_bad(h, m->line, "Media record: SHA1 is not 40 hex digits");
    for (size_t i = 0; i < m->nsha256; i++)
        if (!hex_ok(&m->sha256[i], 64))
            return imp_bad(h, m->line, "Media record: SHA256 alternative hash is not 64 hex");
    vg_hset_entry e0;
    imp_entry_init(&e0, m->line);
    e0.id = m->id[0] ? m->id : NULL;
    e0.size = m->size;
    imp_category(h, &e0, m->cat_given ? m->cat : NULL);
    h->st.by_type[VG_HT_PHOTODNA] += m->photodna;
    h->st.by_type[VG_HT_OTHER] += m->other;
    vg_status st = emit_one(v, &e0, VG_HT_MD5, &m->md5);
    if (st == VG_OK && m->sha1.n != 0)
        st = emit_one(v, &e0, VG_HT_SHA1, &m->sha1);
    for (size_t i = 0; st == VG_OK && i < m->nsha256; i++)
        st = emit_one(v, &e0, VG_HT_SHA256, &m->sha256[i]);
    return st;
}

static void record_begin(vics *v) {
    memset(&v->m, 0, sizeof v->m);
    v->m.size = UINT64_MAX;
    v->m.line = v->line;
}

/* An AlternativeHashes entry ended. */
static void alt_end(vics *v) {
    media *m = &v->m;
    char name[32];
    imp_copy(name, sizeof name, m->alt_name, strlen(m->alt_name));
    for (char *c = name; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    if (!strcmp(name, "sha256") || !strcmp(name, "sha-256")) {
        if (m->nsha256 < MAX_SHA256 && m->alt_value.n != 0)
            m->sha256[m->nsha256++] = m->alt_value;
    } else if (!strcmp(name, "photodna")) {
        m->photodna += m->alt_value.n != 0;
    } else if (strcmp(name, "md5") != 0 && strcmp(name, "sha1") != 0 && name[0]) {
        m->other++;
    }
}

/* ---- yajl callbacks ---- */

/* A failure inside a callback: keep it and stop the parser. */
static int stop(vics *v, vg_status st) {
    v->st = st;
    return st == VG_OK;
}

/* A scalar value for v->key in the current container. s is NULL for null/booleans. */
static int scalar(vics *v, const unsigned char *s, size_t n, bool is_string) {
    media *m = &v->m;
    const char *k = v->key;
    v->called = true;
    if (parent(v) == K_TOP && s && (!strcmp(k, "@odata.context") || !strcmp(k, "odata.metadata")))
        context(v, s, n);
    if (parent(v) == K_ALT && s) {
        if (!strcmp(k, "hashname"))
            set_str(m->alt_name, sizeof m->alt_name, s, n);
        else if (!strcmp(k, "hashvalue"))
            set_hex(&m->alt_value, s, n);
    }
    if (!at_record(v))
        return 1;
    if (!strcmp(k, "md5")) {
        if (s && is_string) {
            m->has_md5 = true;
            set_hex(&m->md5, s, n);
        }
    } else if (!strcmp(k, "sha1")) {
        m->looks_media = true;
        if (s && is_string)
            set_hex(&m->sha1, s, n);
    } else if (!strcmp(k, "mediaid")) {
        m->looks_media = true;
        if (s)
            set_str(m->id, sizeof m->id, s, n);
    } else if (!strcmp(k, "category")) {
        m->looks_media = true;
        m->cat_given = s != NULL && n > 0;
        if (s)
            set_str(m->cat, sizeof m->cat, s, n);
    } else if (!strcmp(k, "mediasize") && s) {
        char num[24];
        set_str(num, sizeof num, s, n);
        char *end;
        unsigned long long sz = strtoull(num, &end, 10);
        if (end != num && *end == '\0' && num[0] != '-')
            m->size = sz;
    } else if (!strcmp(k, "photodna") && s && n > 0) {
        m->photodna++;
    } else if (!strcmp(k, "dateupdated") && s && is_string) {
        char d[40];
        set_str(d, sizeof d, s, n);
        if (strcmp(d, v->h->prov.date) > 0)
            imp_copy(v->h->prov.date, sizeof v->h->prov.date, d, strlen(d));
    }
    return 1;
}

static int cb_null(void *ctx) {
    return scalar(ctx, NULL, 0, false);
}

static int cb_boolean(void *ctx, int b) {
    (void)b;
    return scalar(ctx, NULL, 0, false);
}

static int cb_number(void *ctx, const char *s, size_t n) {
    return scalar(ctx, (const unsigned char *)s, n, false);
}

static int cb_string(void *ctx, const unsigned char *s, size_t n) {
    return scalar(ctx, s, n, true);
}

static int cb_key(void *ctx, const unsigned char *s, size_t n) {
    vics *v = ctx;
    v->called = true;
    if (n >= sizeof v->key) {
        v->key[0] = '\0';
        return 1;
    }
    for (size_t i = 0; i < n; i++)
        v->key[i] = (char)tolower(s[i]);
    v->key[n] = '\0';
    return 1;
}

/* What a new container is, from where it opens. */
static enum kind child(const vics *v, bool is_map) {
    enum kind p = parent(v);
    if (v->depth == 0)
        return is_map ? K_TOP : K_OTHER;
    if (p == K_TOP && !is_map && !strcmp(v->key, "value"))
        return K_VALUE;
    if (p == K_VALUE && is_map)
        return K_ITEM;
    if (p == K_ITEM && !is_map && !strcmp(v->key, "media"))
        return K_MEDIA_ARR;
    if (p == K_MEDIA_ARR && is_map)
        return K_MEDIA;
    if ((p == K_ITEM || p == K_MEDIA) && !is_map && !strcmp(v->key, "alternativehashes"))
        return K_ALT_ARR;
    if (p == K_ALT_ARR && is_map)
        return K_ALT;
    return K_OTHER;
}

static int open_container(vics *v, bool is_map) {
    v->called = true;
    if (v->depth == MAXD)
        return stop(v, imp_fail(v->h, VG_E_FORMAT, v->line, "JSON nested deeper than %d", MAXD));
    enum kind k = child(v, is_map);
    v->kind[++v->depth] = (unsigned char)k;
    v->key[0] = '\0';
    if (k == K_ITEM || k == K_MEDIA)
        record_begin(v);
    if (k == K_ALT) {
        v->m.alt_name[0] = '\0';
        v->m.alt_value.n = 0;
    }
    return 1;
}

static int close_container(vics *v) {
    enum kind k = parent(v);
    v->called = true;
    v->depth--;
    v->key[0] = '\0';
    if (k == K_ALT)
        alt_end(v);
    if (k == K_ITEM || k == K_MEDIA) {
        vg_status st = record_end(v);
        record_begin(v);
        if (st != VG_OK)
            return stop(v, st);
    }
    return 1;
}

static int cb_start_map(void *ctx) {
    return open_container(ctx, true);
}

static int cb_start_array(void *ctx) {
    return open_container(ctx, false);
}

static int cb_end(void *ctx) {
    return close_container(ctx);
}

static const yajl_callbacks callbacks = {cb_null,   cb_boolean,     NULL,         NULL,
                                         cb_number, cb_string,      cb_start_map, cb_key,
                                         cb_end,    cb_start_array, cb_end};

/* ---- driver ---- */

/* yajl's own message (non-verbose: it never quotes the input). */
static vg_status syntax_error(vics *v, yajl_handle y) {
    unsigned char *e = yajl_get_error(y, 0, NULL, 0);
    vg_status st =
        imp_fail(v->h, VG_E_FORMAT, v->line, "JSON: %s", e ? (const char *)e : "syntax error");
    if (e)
        yajl_free_error(y, e);
    return st;
}

static vg_status feed(vics *v, yajl_handle y, size_t *since_cb) {
    for (;;) {
        const unsigned char *p;
        size_t n;
        vg_status st = rd_chunk(&v->h->rd, &p, &n, &v->line);
        if (st != VG_OK)
            return st;
        if (!p)
            return VG_OK;
        v->called = false;
        yajl_status ys = yajl_parse(y, p, n);
        if (ys == yajl_status_client_canceled)
            return v->st;
        if (ys != yajl_status_ok)
            return syntax_error(v, y);
        *since_cb = v->called ? 0 : *since_cb + n;
        if (*since_cb > VICS_TOKEN_MAX)
            return imp_fail(v->h, VG_E_LIMIT, v->line, "JSON token longer than %u bytes",
                            VICS_TOKEN_MAX);
    }
}

vg_status imp_vics_read(vg_hset_import *h) {
    vics *v = calloc(1, sizeof *v);
    if (!v)
        return VG_E_NOMEM;
    v->h = h;
    v->m.size = UINT64_MAX;
    imp_set_profile(h, cat_find("vics-unknown"));
    yajl_handle y = yajl_alloc(&callbacks, NULL, v);
    if (!y) {
        free(v);
        return VG_E_NOMEM;
    }
    size_t since_cb = 0;
    vg_status st = feed(v, y, &since_cb);
    if (st == VG_OK) {
        v->called = false;
        yajl_status ys = yajl_complete_parse(y);
        if (ys == yajl_status_client_canceled)
            st = v->st;
        else if (ys != yajl_status_ok)
            st = syntax_error(v, y);
    }
    yajl_free(y);
    free(v);
    return st;
}
