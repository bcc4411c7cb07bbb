/*
 * import_hashdeep.c — hashdeep 1.0 files (jessek/hashdeep FILEFORMAT and src/hashlist.cpp,
 * HASHLISTS.md §7.1): line 1 "%%%% HASHDEEP-1.0", line 2 "%%%% size,<alg>,...,filename"
 * (first 10 characters compared case-insensitively; algorithm names lower-cased with dashes
 * removed), '#' comment lines, then records "size,hash,...,filename" where the file name is
 * everything after the last hash column. Tiger and Whirlpool columns are valid but unusable
 * (counted). A repeated header (concatenated outputs) starts a new column layout.
 *
 * `vigil hash` writes the same format with extra columns before the file name: pdq and
 * pdq_quality (empty for files that are not images, or whose PDQ failed) and, with
 * --dihedral, pdq_dihedral (8 ':'-joined codes, validated but not stored: the scan side
 * computes the dihedral hashes of what it finds).
 *
 * Each entry's id is the record's file name (its only stable identifier, the same for every
 * hash column of the record), so a match names the file the list was made from.
 */
#include "import_impl.h"

#include <ctype.h>
#include <string.h>

#define MAX_ALGS 8

/* Column kinds besides the digests (VG_HT_* values): vigil's PDQ columns. */
enum { COL_PDQ_QUALITY = -1, COL_PDQ_DIHEDRAL = -2 };

typedef struct layout {
    size_t nalg;
    int t[MAX_ALGS]; /* a vg_hash_type, or COL_PDQ_QUALITY / COL_PDQ_DIHEDRAL */
    size_t hexlen[MAX_ALGS];
    bool optional; /* vigil's PDQ columns may be empty */
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
static bool alg_column(const char *s, size_t n, int *t, size_t *hexlen) {
    char name[16];
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < sizeof name; i++)
        if (s[i] != '-')
            name[k++] = (char)tolower((unsigned char)s[i]);
    name[k] = '\0';
    static const struct {
        const char *name;
        int t;
        size_t hexlen;
    } algs[] = {{"md5", VG_HT_MD5, 32},
                {"sha1", VG_HT_SHA1, 40},
                {"sha256", VG_HT_SHA256, 64},
                {"tiger", VG_HT_OTHER, 48},
                {"whirlpool", VG_HT_OTHER, 128},
                {"pdq", VG_HT_PDQ, 64},
                {"pdq_quality", COL_PDQ_QUALITY, 0},
                {"pdq_dihedral", COL_PDQ_DIHEDRAL, 8 * 65 - 1}};
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
    lay->optional = false;
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
        if (lay->t[lay->nalg] == VG_HT_PDQ || lay->t[lay->nalg] < 0)
            lay->optional = true;
        lay->nalg++;
        s = c + 1;
    }
}

/* A decimal number of at most maxdig digits, or false. */
static bool number(const char *s, size_t n, size_t maxdig, uint64_t *out) {
    if (n == 0 || n > maxdig)
        return false;
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

/* vigil's pdq_dihedral column: 8 codes of 64 hex digits joined by ':'. */
static bool dihedral_ok(const char *s, size_t n) {
    if (n != 8 * 65 - 1)
        return false;
    for (size_t i = 0; i < 8; i++)
        if (!imp_is_hex(s + 65 * i, 64) || (i < 7 && s[65 * i + 64] != ':'))
            return false;
    return true;
}

/* Why column a (field f of fl bytes) is bad, or NULL; sets *quality from pdq_quality. */
static const char *column_problem(const layout *lay, size_t a, const char *f, size_t fl,
                                  bool pdq_empty, int *quality) {
    int t = lay->t[a];
    if (fl == 0 && (t == VG_HT_PDQ || t < 0))
        return NULL;
    if (t < 0 && pdq_empty)
        return "is set but the pdq column is empty";
    if (t == COL_PDQ_QUALITY) {
        uint64_t q;
        if (!number(f, fl, 3, &q) || q > 100)
            return "is not a PDQ quality 0..100";
        *quality = (int)q;
        return NULL;
    }
    if (t == COL_PDQ_DIHEDRAL)
        return dihedral_ok(f, fl) ? NULL : "is not 8 ':'-joined PDQ codes";
    if (fl != lay->hexlen[a] || !imp_is_hex(f, fl))
        return "is not hex of the right length";
    return NULL;
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
    if (!number(f[0], fl[0], 19, &size))
        return imp_bad(h, ln, "size is not a number");
    bool pdq_empty = true;
    for (size_t a = 0; a < lay->nalg; a++)
        if (lay->t[a] == VG_HT_PDQ && fl[a + 1] > 0)
            pdq_empty = false;
    int quality = -1;
    for (size_t a = 0; a < lay->nalg; a++) {
        const char *why = column_problem(lay, a, f[a + 1], fl[a + 1], pdq_empty, &quality);
        if (why && lay->t[a] > 0 && lay->t[a] != VG_HT_PDQ)
            return imp_bad(h, ln, "column %zu is not %zu hex digits", a + 2, lay->hexlen[a]);
        if (why)
            return imp_bad(h, ln, "column %zu %s", a + 2, why);
    }
    for (size_t a = 0; a < lay->nalg; a++) {
        if (lay->t[a] < 0 || fl[a + 1] == 0)
            continue;
        vg_hset_entry e;
        imp_entry_init(&e, ln);
        imp_set_hash(&e, (vg_hash_type)lay->t[a], f[a + 1], fl[a + 1]);
        if (lay->t[a] == VG_HT_PDQ)
            e.quality = quality;
        e.name = s;
        e.id = *s ? s : NULL; /* the file name: hashdeep records carry no other identifier */
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
