/*
 * import_hashdeep.c — hashdeep 1.0 files (jessek/hashdeep FILEFORMAT and src/hashlist.cpp,
 * HASHLISTS.md §7.1): line 1 "%%%% HASHDEEP-1.0", line 2 "%%%% size,<alg>,...,filename"
 * (first 10 characters compared case-insensitively; algorithm names lower-cased with dashes
 * removed), '#' comment lines, then records "size,hash,...,filename" where the file name is
 * everything after the last hash column. Tiger and Whirlpool columns are valid but unusable
 * (counted). A repeated header (concatenated outputs) starts a new column layout.
 */
#include "import_impl.h"

#include <ctype.h>
#include <string.h>

#define MAX_ALGS 8

typedef struct layout {
    size_t nalg;
    vg_hash_type t[MAX_ALGS];
    size_t hexlen[MAX_ALGS];
} layout;

static bool is_magic(const char *l, size_t n) {
    return n >= 17 && !memcmp(l, "%%%% HASHDEEP-1.0", 17);
}

int imp_hashdeep_bid(const imp_prefix *pf) {
    size_t off = 0;
    const char *l;
    size_t n;
    return pf_line(pf, &off, &l, &n) && is_magic(l, n) ? 85 : 0;
}

/* One algorithm column name, normalised as hashdeep does. */
static bool alg_column(const char *s, size_t n, vg_hash_type *t, size_t *hexlen) {
    char name[16];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof name; i++)
        if (s[i] != '-')
            name[k++] = (char)tolower((unsigned char)s[i]);
    name[k] = '\0';
    static const struct {
        const char *name;
        vg_hash_type t;
        size_t hexlen;
    } algs[] = {{"md5", VG_HT_MD5, 32},
                {"sha1", VG_HT_SHA1, 40},
                {"sha256", VG_HT_SHA256, 64},
                {"tiger", VG_HT_OTHER, 48},
                {"whirlpool", VG_HT_OTHER, 128}};
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++)
        if (!strcmp(name, algs[i].name)) {
            *t = algs[i].t;
            *hexlen = algs[i].hexlen;
            return true;
        }
    return false;
}

/* "%%%% size,md5,...,filename" -> layout. */
static vg_status parse_header(vg_hset_import *h, const char *l, size_t n, uint64_t ln,
                              layout *lay) {
    if (n < 10 || !imp_eq_nocase(l, 10, "%%%% size,"))
        return imp_fail(h, VG_E_FORMAT, ln, "hashdeep header must start with '%%%%%%%% size,'");
    lay->nalg = 0;
    const char *s = l + 10, *end = l + n;
    for (;;) {
        const char *c = memchr(s, ',', (size_t)(end - s));
        size_t k = c ? (size_t)(c - s) : (size_t)(end - s);
        if (!c) {
            if (!imp_eq_nocase(s, k, "filename") || lay->nalg == 0)
                return imp_fail(h, VG_E_FORMAT, ln,
                                "hashdeep header: needs hash columns and 'filename' last");
            return VG_OK;
        }
        if (lay->nalg == MAX_ALGS || !alg_column(s, k, &lay->t[lay->nalg], &lay->hexlen[lay->nalg]))
            return imp_fail(h, VG_E_FORMAT, ln, "hashdeep header: unknown column %zu",
                            lay->nalg + 2);
        lay->nalg++;
        s = c + 1;
    }
}

/* "size,hash,...,filename": validate every field, then emit each hash. */
static vg_status record(vg_hset_import *h, char *l, size_t n, uint64_t ln, const layout *lay) {
    const char *f[MAX_ALGS + 1];
    size_t fl[MAX_ALGS + 1];
    char *s = l, *end = l + n;
    h->st.records++;
    for (size_t i = 0; i <= lay->nalg; i++) {
        char *c = memchr(s, ',', (size_t)(end - s));
        if (!c)
            return imp_bad(h, ln, "expected %zu fields before the file name", lay->nalg + 1);
        f[i] = s;
        fl[i] = (size_t)(c - s);
        s = c + 1;
    }
    uint64_t size = 0;
    if (fl[0] == 0 || fl[0] > 19)
        return imp_bad(h, ln, "size is not a number");
    for (size_t i = 0; i < fl[0]; i++) {
        if (!isdigit((unsigned char)f[0][i]))
            return imp_bad(h, ln, "size is not a number");
        size = size * 10 + (uint64_t)(f[0][i] - '0');
    }
    for (size_t a = 0; a < lay->nalg; a++)
        if (fl[a + 1] != lay->hexlen[a] || !imp_is_hex(f[a + 1], fl[a + 1]))
            return imp_bad(h, ln, "column %zu is not %zu hex digits", a + 2, lay->hexlen[a]);
    for (size_t a = 0; a < lay->nalg; a++) {
        vg_hset_entry e;
        imp_entry_init(&e, ln);
        imp_set_hash(&e, lay->t[a], f[a + 1], fl[a + 1]);
        e.name = s;
        e.size = size;
        vg_status st = imp_emit(h, &e);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}

vg_status imp_hashdeep_read(vg_hset_import *h) {
    layout lay = {0};
    bool magic = false, have_layout = false;
    for (;;) {
        char *p;
        size_t n;
        uint64_t ln;
        vg_status st = imp_line(h, &p, &n, &ln);
        if (st != VG_OK || !p)
            return st;
        if (is_magic(p, n)) {
            magic = true;
            have_layout = false;
            imp_copy(h->prov.version, sizeof h->prov.version, "1.0", 3);
            continue;
        }
        if (!magic)
            return imp_fail(h, VG_E_FORMAT, ln, "not a hashdeep file: no %%%%%%%% HASHDEEP-1.0");
        if (n >= 4 && !memcmp(p, "%%%%", 4)) {
            st = parse_header(h, p, n, ln, &lay);
            have_layout = st == VG_OK;
        } else if (n == 0 || p[0] == '#') {
            continue;
        } else if (!have_layout) {
            return imp_fail(h, VG_E_FORMAT, ln, "hashdeep record before the column header");
        } else {
            st = record(h, p, n, ln, &lay);
        }
        if (st != VG_OK)
            return st;
    }
}
