/*
 * import.c — the import handle: options as the CLI spells them, the per-file driver (open,
 * detect, run one importer, digest the file), and the record helpers every importer shares
 * (hex decoding, rejection of empty-file and all-zero digests, bad-record reporting that never
 * quotes a value, categories through the profile tables).
 */
#include "import_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const col_key_names[COL_N] = {"md5",      "sha1", "sha256",  "pdq",
                                          "photodna", "hash", "quality", "category",
                                          "id",       "name", "size"};

/* ---- lifetime and options ---- */

vg_hset_import *vg_hset_import_new(void) {
    vg_hset_import *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->type64 = VG_HT_NONE;
    h->role = VG_ROLE_ALERT;
    h->rd.fd = -1;
    return h;
}

static void clear_columns(vg_hset_import *h) {
    for (int i = 0; i < COL_N; i++) {
        free(h->colmap[i]);
        h->colmap[i] = NULL;
    }
}

void vg_hset_import_free(vg_hset_import *h) {
    if (!h)
        return;
    clear_columns(h);
    rd_close(&h->rd);
    free(h);
}

vg_status vg_hset_import_set_format(vg_hset_import *h, const char *name) {
    h->errmsg[0] = '\0';
    if (!name || !strcmp(name, "auto")) {
        h->forced = NULL;
        return VG_OK;
    }
    const imp_format *f = imp_format_find(name);
    if (!f) {
        char list[256] = "";
        for (const char *const *n = vg_hset_import_formats(); *n; n++) {
            strncat(list, " ", sizeof list - strlen(list) - 1);
            strncat(list, *n, sizeof list - strlen(list) - 1);
        }
        return imp_fail(h, VG_E_INVAL, 0, "unknown list format (known: auto%s)", list);
    }
    h->forced = f;
    return VG_OK;
}

vg_status vg_hset_import_set_type(vg_hset_import *h, const char *name) {
    h->errmsg[0] = '\0';
    if (name && !strcasecmp(name, "sha256"))
        h->type64 = VG_HT_SHA256;
    else if (name && !strcasecmp(name, "pdq"))
        h->type64 = VG_HT_PDQ;
    else
        return imp_fail(h, VG_E_INVAL, 0, "--type must be sha256 or pdq");
    return VG_OK;
}

/* Parse one "key=Header" item of a --columns spec. */
static vg_status column_item(vg_hset_import *h, const char *s, size_t n) {
    const char *eq = memchr(s, '=', n);
    if (!eq || eq == s || eq == s + n - 1)
        return imp_fail(h, VG_E_INVAL, 0, "--columns: each item must be key=Header");
    size_t kl = (size_t)(eq - s);
    for (int k = 0; k < COL_N; k++) {
        if (!imp_eq_nocase(s, kl, col_key_names[k]))
            continue;
        if (h->colmap[k])
            return imp_fail(h, VG_E_INVAL, 0, "--columns: key %s given twice", col_key_names[k]);
        size_t vl = n - kl - 1;
        h->colmap[k] = malloc(vl + 1);
        if (!h->colmap[k])
            return VG_E_NOMEM;
        memcpy(h->colmap[k], eq + 1, vl);
        h->colmap[k][vl] = '\0';
        return VG_OK;
    }
    return imp_fail(h, VG_E_INVAL, 0,
                    "--columns: unknown key '%.*s' (keys: md5 sha1 sha256 pdq photodna hash "
                    "quality category id name size)",
                    (int)(kl > 32 ? 32 : kl), s);
}

vg_status vg_hset_import_set_columns(vg_hset_import *h, const char *spec) {
    h->errmsg[0] = '\0';
    clear_columns(h);
    if (!spec || !*spec)
        return VG_OK;
    const char *s = spec;
    for (;;) {
        const char *comma = strchr(s, ',');
        size_t n = comma ? (size_t)(comma - s) : strlen(s);
        vg_status st = column_item(h, s, n);
        if (st != VG_OK) {
            clear_columns(h);
            return st;
        }
        if (!comma)
            return VG_OK;
        s = comma + 1;
    }
}

vg_status vg_hset_import_set_role(vg_hset_import *h, const char *name) {
    h->errmsg[0] = '\0';
    if (name && !strcmp(name, "alert"))
        h->role = VG_ROLE_ALERT;
    else if (name && !strcmp(name, "known-good"))
        h->role = VG_ROLE_KNOWN_GOOD;
    else
        return imp_fail(h, VG_E_INVAL, 0, "--role must be alert or known-good");
    return VG_OK;
}

vg_list_role vg_hset_import_role(const vg_hset_import *h) {
    return h->role;
}

void vg_hset_import_set_skip_bad(vg_hset_import *h, bool skip) {
    h->skip_bad = skip;
}

vg_status vg_hset_import_set_category_profile(vg_hset_import *h, const char *name) {
    h->errmsg[0] = '\0';
    const cat_profile *p = name ? cat_find(name) : NULL;
    if (!p)
        return imp_fail(h, VG_E_INVAL, 0, "unknown --category-profile");
    h->profile_override = p;
    return VG_OK;
}

void vg_hset_import_set_report(vg_hset_import *h, vg_hset_report_fn fn, void *ctx) {
    h->report = fn;
    h->report_ctx = ctx;
}

const vg_hset_import_stats *vg_hset_import_stats_get(const vg_hset_import *h) {
    return &h->st;
}

const vg_hset_provenance *vg_hset_import_provenance(const vg_hset_import *h) {
    return &h->prov;
}

const char *vg_hset_import_errmsg(const vg_hset_import *h) {
    return h->errmsg;
}

/* ---- one file ---- */

/* Choose the importer: the forced one; csv when --columns was given; else the best bidder. */
static vg_status choose(vg_hset_import *h, const imp_format **out) {
    imp_prefix pf = {(const char *)h->rd.buf + h->rd.pos, h->rd.end - h->rd.pos, h->rd.eof};
    const imp_format *f = h->forced;
    for (int k = 0; !f && k < COL_N; k++)
        if (h->colmap[k])
            f = imp_format_find("csv");
    if (!f)
        f = imp_detect(&pf);
    if (!f)
        return imp_fail(h, VG_E_UNSUPPORTED, 0,
                        "not a hash-list format vigil recognises (use --format to force one)");
    *out = f;
    return VG_OK;
}

vg_status vg_hset_import_file(vg_hset_import *h, const char *path, vg_hset_sink sink, void *ctx) {
    const imp_format *f = NULL;
    vg_status st;
    memset(&h->st, 0, sizeof h->st);
    memset(&h->prov, 0, sizeof h->prov);
    h->errmsg[0] = '\0';
    h->path = path;
    h->sink = sink;
    h->sink_ctx = ctx;
    h->file_role = h->role;
    h->profile = NULL;
    imp_set_profile(h, NULL);
    st = rd_open(&h->rd, path);
    if (st != VG_OK) {
        if (st == VG_E_IO)
            imp_fail(h, st, 0, "cannot open: %s", strerror(errno));
        goto done;
    }
    rd_skip_bom(&h->rd);
    st = choose(h, &f);
    if (st != VG_OK)
        goto done;
    imp_copy(h->prov.format, sizeof h->prov.format, f->name, strlen(f->name));
    st = f->read(h);
    if (st != VG_OK)
        goto done;
    st = rd_finish(&h->rd, h->prov.sha256);
    if (st == VG_E_IO)
        imp_fail(h, st, 0, "read failed: %s", strerror(errno));
done:
    if (st == VG_E_IO && !h->errmsg[0])
        imp_fail(h, st, 0, "read failed: %s", strerror(errno));
    h->prov.bytes = h->rd.bytes;
    h->prov.role = h->file_role;
    rd_close(&h->rd);
    h->path = NULL;
    return st;
}

/* ---- messages ---- */

/* Write "FILE:LINE: " (or "FILE: ") into buf; returns its length. */
static size_t prefix(const vg_hset_import *h, char *buf, size_t cap, uint64_t line) {
    const char *path = h->path ? h->path : "?";
    int k = line ? snprintf(buf, cap, "%s:%llu: ", path, (unsigned long long)line)
                 : snprintf(buf, cap, "%s: ", path);
    return k < 0 || (size_t)k >= cap ? 0 : (size_t)k;
}

vg_status imp_fail(vg_hset_import *h, vg_status st, uint64_t line, const char *fmt, ...) {
    size_t k = h->path ? prefix(h, h->errmsg, sizeof h->errmsg, line) : 0;
    va_list ap;
    va_start(ap, fmt);
    /* The NOLINT: a clang-analyzer false positive when clang-tidy analyses several files in
     * one run (scripts/lint batches them); ap is started just above. */
    vsnprintf(h->errmsg + k, sizeof h->errmsg - k, fmt, ap); /* NOLINT */
    va_end(ap);
    return st;
}

vg_status imp_bad(vg_hset_import *h, uint64_t line, const char *fmt, ...) {
    char msg[sizeof h->errmsg];
    size_t k = prefix(h, msg, sizeof msg, line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg + k, sizeof msg - k, fmt, ap); /* NOLINT: as in imp_fail */
    va_end(ap);
    h->st.bad++;
    if (h->report)
        h->report(h->report_ctx, msg);
    if (h->skip_bad) {
        h->st.skipped++;
        return VG_OK;
    }
    memcpy(h->errmsg, msg, sizeof msg);
    return VG_E_FORMAT;
}

vg_status imp_line(vg_hset_import *h, char **p, size_t *n, uint64_t *lineno) {
    for (;;) {
        int flags;
        vg_status st = rd_line(&h->rd, p, n, lineno, &flags);
        if (st != VG_OK || !*p || !flags)
            return st;
        if (flags & RD_TOOLONG)
            st = imp_bad(h, *lineno, "line longer than %u bytes", VG_HSET_LINE_MAX);
        else
            st = imp_bad(h, *lineno, "NUL byte in line");
        h->st.records++;
        if (st != VG_OK)
            return st;
    }
}

/* ---- values ---- */

static int hexval(int c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool imp_unhex(const char *s, size_t len, uint8_t *out) {
    for (size_t i = 0; i < len; i++) {
        int hi = hexval((unsigned char)s[2 * i]), lo = hexval((unsigned char)s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

bool imp_is_hex(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (hexval((unsigned char)s[i]) < 0)
            return false;
    return true;
}

size_t imp_hash_len(vg_hash_type t) {
    switch (t) {
    case VG_HT_MD5:
        return 16;
    case VG_HT_SHA1:
        return 20;
    case VG_HT_SHA256:
    case VG_HT_PDQ:
        return 32;
    default:
        return 0;
    }
}

vg_hash_type imp_type_of_hexlen(size_t n, vg_hash_type type64) {
    switch (n) {
    case 32:
        return VG_HT_MD5;
    case 40:
        return VG_HT_SHA1;
    case 64:
        return type64;
    case 56:
    case 96:
    case 128:
        return VG_HT_OTHER;
    default:
        return VG_HT_NONE;
    }
}

void imp_entry_init(vg_hset_entry *e, uint64_t line) {
    memset(e, 0, sizeof *e);
    e->quality = -1;
    e->size = UINT64_MAX;
    e->line = line;
}

bool imp_set_hash(vg_hset_entry *e, vg_hash_type t, const char *s, size_t n) {
    size_t len = imp_hash_len(t);
    e->type = t;
    e->hash_len = len;
    if (len == 0)
        return t != VG_HT_NONE;
    return n == 2 * len && imp_unhex(s, len, e->hash);
}

/* Digests of zero bytes: a list naming them would match every empty file. */
static const uint8_t empty_md5[16] = {0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04,
                                      0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e};
static const uint8_t empty_sha1[20] = {0xda, 0x39, 0xa3, 0xee, 0x5e, 0x6b, 0x4b, 0x0d, 0x32, 0x55,
                                       0xbf, 0xef, 0x95, 0x60, 0x18, 0x90, 0xaf, 0xd8, 0x07, 0x09};
static const uint8_t empty_sha256[32] = {
    0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
    0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};

static bool is_empty_digest(const vg_hset_entry *e) {
    switch (e->type) {
    case VG_HT_MD5:
        return !memcmp(e->hash, empty_md5, 16);
    case VG_HT_SHA1:
        return !memcmp(e->hash, empty_sha1, 20);
    case VG_HT_SHA256:
        return !memcmp(e->hash, empty_sha256, 32);
    default:
        return false;
    }
}

vg_status imp_emit(vg_hset_import *h, vg_hset_entry *e) {
    if (e->type <= VG_HT_NONE || e->type >= VG_HSET_NTYPES)
        return VG_OK;
    if (imp_hash_len(e->type) == 0) {
        h->st.by_type[e->type]++; /* counted, never claimed */
        return VG_OK;
    }
    bool zero = true;
    for (size_t i = 0; i < e->hash_len; i++)
        zero = zero && e->hash[i] == 0;
    if (zero) {
        h->st.all_zero++;
        return VG_OK;
    }
    if (is_empty_digest(e)) {
        h->st.empty_digest++;
        return VG_OK;
    }
    if (h->file_role == VG_ROLE_KNOWN_GOOD)
        e->non_pertinent = true;
    if (e->non_pertinent)
        h->st.non_pertinent++;
    h->st.by_type[e->type]++;
    h->st.entries++;
    return h->sink ? h->sink(h->sink_ctx, e) : VG_OK;
}

/* ---- categories ---- */

void imp_set_profile(vg_hset_import *h, const cat_profile *p) {
    h->profile = p;
    const cat_profile *use = h->profile_override ? h->profile_override : p;
    const char *name = use ? use->name : "";
    imp_copy(h->prov.profile, sizeof h->prov.profile, name, strlen(name));
}

void imp_category(vg_hset_import *h, vg_hset_entry *e, const char *code) {
    const cat_profile *p = h->profile_override ? h->profile_override : h->profile;
    if (p && p->all_non_pertinent)
        e->non_pertinent = true;
    while (code && isspace((unsigned char)*code))
        code++;
    if (!code || !*code) {
        h->st.uncategorised++;
        return;
    }
    e->cat_profile = h->prov.profile[0] ? h->prov.profile : NULL;
    e->cat_code = code;
    const cat_def *d = p ? cat_lookup(p, code) : NULL;
    if (!d) {
        h->st.unmapped_category++;
        return;
    }
    e->cat_label = d->label;
    if (d->non_pertinent)
        e->non_pertinent = true;
}

/* ---- small string helpers ---- */

void imp_copy(char *dst, size_t cap, const char *src, size_t n) {
    if (cap == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

bool imp_eq_nocase(const char *s, size_t n, const char *word) {
    return strlen(word) == n && !strncasecmp(s, word, n);
}
