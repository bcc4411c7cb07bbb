/*
 * import_pdq.c — PDQ lists (HASHLISTS.md §9.1, §9.2), one hash per line:
 *   HASH[,QUALITY[,NAME]]      Meta pdq-photo-hasher output, optionally with a header row
 *                              naming hash/quality columns (vigil DESIGN form);
 *   hash=H,norm=..,quality=Q,filename=N   pdq-photo-hasher -d;
 *   H0,...,H7,QUALITY,NAME     pdq-photo-hasher --pdqdih-across (eight dihedral hashes);
 *   HASH  NAME, HASH *NAME     a sha256sum-style line (`vigil hash --format=sum` with a PDQ, or
 *                              any "HASH NAME" list), coreutils' leading '\' escape included;
 *   SIGNAL VALUE               python-threatexchange local file ("pdq <hex>"); video_md5 and
 *                              video_sha256 are file digests (MD5/SHA-256); other signal types
 *                              are counted as unusable.
 * PDQ hex is 64 digits (lower case per python-threatexchange; upper case is accepted and
 * normalised); quality is an integer 0..100.
 */
#include "import_impl.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#define MAX_FIELDS 12

typedef struct fields {
    size_t n;
    char *f[MAX_FIELDS];
    size_t len[MAX_FIELDS];
} fields;

/* Column positions: from a header row, or the pdq-photo-hasher defaults. */
typedef struct cols {
    bool header;
    size_t hash, quality, name; /* SIZE_MAX: absent */
} cols;

/* Split at commas into at most max fields; the last takes the rest of the line. */
static void split(char *s, size_t n, size_t max, fields *fs) {
    char *end = s + n;
    fs->n = 0;
    while (fs->n < max) {
        char *c = fs->n + 1 < max ? memchr(s, ',', (size_t)(end - s)) : NULL;
        fs->f[fs->n] = s;
        fs->len[fs->n] = c ? (size_t)(c - s) : (size_t)(end - s);
        fs->n++;
        if (!c)
            break;
        s = c + 1;
    }
}

/* Strip a "key=" prefix (pdq-photo-hasher -d) from a field. */
static void strip_key(char **f, size_t *n, const char *key) {
    size_t k = strlen(key);
    if (*n > k && !strncmp(*f, key, k)) {
        *f += k;
        *n -= k;
    }
}

static bool is_pdq_hex(const char *s, size_t n) {
    return n == 64 && imp_is_hex(s, n);
}

/* A threatexchange line "type value": true and the length of the type. */
static bool te_line(const char *l, size_t n, size_t *typelen) {
    const char *sp = memchr(l, ' ', n);
    if (!sp || sp == l || memchr(l, ',', n))
        return false;
    for (const char *c = l; c < sp; c++)
        if (!islower((unsigned char)*c) && *c != '_' && !isdigit((unsigned char)*c))
            return false;
    *typelen = (size_t)(sp - l);
    /* a long run of hex is a (damaged) hash with a name, not a signal type */
    return *typelen < 32 || !imp_is_hex(l, *typelen);
}

int imp_pdq_bid(const imp_prefix *pf) {
    const char *l;
    size_t n, tl;
    if (!pf_first_data(pf, &l, &n))
        return 0;
    if (n >= 69 && !strncmp(l, "hash=", 5) && is_pdq_hex(l + 5, 64))
        return 70;
    if (n >= 12 && imp_eq_nocase(l, 12, "hash,quality"))
        return 70;
    if (te_line(l, n, &tl) && imp_eq_nocase(l, tl, "pdq") && n == tl + 65 &&
        is_pdq_hex(l + tl + 1, 64))
        return 70;
    if (n > 65 && is_pdq_hex(l, 64) && l[64] == ',' && isdigit((unsigned char)l[65]))
        return 45;
    return 0;
}

/* ---- reading ---- */

static bool field_is(const char *f, size_t n, const char *const *names) {
    while (n > 0 && (*f == ' ' || *f == '"')) {
        f++;
        n--;
    }
    while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '"'))
        n--;
    for (; *names; names++)
        if (imp_eq_nocase(f, n, *names))
            return true;
    return false;
}

/* A header row: no field is a PDQ hash and one names the hash column. */
static bool parse_header(char *l, size_t n, cols *out) {
    static const char *const hash_names[] = {"hash", "pdq", "pdq_hash", "pdqhash", NULL};
    static const char *const q_names[] = {"quality", "pdq_quality", NULL};
    static const char *const name_names[] = {"filename", "file_name", "name", "file", NULL};
    fields fs;
    cols tmp, *c = &tmp;
    split(l, n, MAX_FIELDS, &fs);
    c->hash = c->quality = c->name = SIZE_MAX;
    for (size_t i = fs.n; i-- > 0;) {
        if (is_pdq_hex(fs.f[i], fs.len[i]))
            return false;
        if (field_is(fs.f[i], fs.len[i], hash_names))
            c->hash = i;
        else if (field_is(fs.f[i], fs.len[i], q_names))
            c->quality = i;
        else if (field_is(fs.f[i], fs.len[i], name_names))
            c->name = i;
    }
    c->header = c->hash != SIZE_MAX;
    if (c->header)
        *out = tmp;
    return c->header;
}

/* Quality field: empty (none), or an integer 0..100. */
static bool parse_quality(char *f, size_t n, int *q) {
    strip_key(&f, &n, "quality=");
    if (n == 0)
        return true;
    if (n > 3)
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)f[i]))
            return false;
        v = v * 10 + (f[i] - '0');
    }
    if (v > 100)
        return false;
    *q = v;
    return true;
}

static vg_status emit_pdq(vg_hset_import *h, uint64_t ln, char *f, size_t n, int q,
                          const char *name) {
    vg_hset_entry e;
    imp_entry_init(&e, ln);
    imp_set_hash(&e, VG_HT_PDQ, f, n); /* validated by the caller */
    e.quality = q;
    e.name = name && *name ? name : NULL;
    return imp_emit(h, &e);
}

/* "type value" (python-threatexchange local file). */
static vg_status te_record(vg_hset_import *h, char *l, size_t n, size_t tl, uint64_t ln) {
    static const struct {
        const char *name;
        vg_hash_type t;
    } types[] = {{"pdq", VG_HT_PDQ}, {"video_md5", VG_HT_MD5}, {"video_sha256", VG_HT_SHA256}};
    vg_hset_entry e;
    vg_hash_type t = VG_HT_OTHER;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (imp_eq_nocase(l, tl, types[i].name))
            t = types[i].t;
    imp_entry_init(&e, ln);
    if (!imp_set_hash(&e, t, l + tl + 1, n - tl - 1))
        return imp_bad(h, ln, "%.*s value has the wrong length or is not hex", (int)tl, l);
    return imp_emit(h, &e);
}

/* "HASH NAME": a PDQ hash, one space or tab, an optional second space or '*' (coreutils' mode
 * marker), then the name; a leading '\' marks an escaped name. False if l is not of that shape
 * (e.g. a threatexchange "pdq HASH" line). */
static bool sum_line(char *l, size_t n, char **name, size_t *namelen, bool *escaped) {
    *escaped = n > 0 && l[0] == '\\';
    char *s = l + (size_t)*escaped;
    size_t k = n - (size_t)*escaped;
    if (k < 65 || !is_pdq_hex(s, 64) || (s[64] != ' ' && s[64] != '\t'))
        return false;
    size_t i = k > 65 && (s[65] == ' ' || s[65] == '*') ? 66 : 65;
    *name = s + i;
    *namelen = k - i;
    return true;
}

/* A line sum_line() accepted: its hash at l (after the escape mark), its name. */
static vg_status sum_record(vg_hset_import *h, uint64_t ln, char *l, char *name, size_t nl,
                            bool esc) {
    char *hex = l + (size_t)esc;
    name[nl] = '\0';
    if (esc)
        imp_sum_unescape(name, &nl);
    return emit_pdq(h, ln, hex, 64, -1, name);
}

/* "HASH,QUALITY,NAME", "hash=..,quality=..,filename=.." or eight dihedral hashes. */
static vg_status csv_record(vg_hset_import *h, char *l, size_t n, uint64_t ln, const cols *c) {
    fields fs;
    int q = -1;
    size_t nh = 1, hq = 1, hn = 2;
    if (c->header) {
        split(l, n, MAX_FIELDS, &fs);
        hq = c->quality;
        hn = c->name;
        if (c->hash >= fs.n)
            return imp_bad(h, ln, "no hash column in this row");
    } else {
        split(l, n, 10, &fs);
        bool dihedral = fs.n == 10;
        for (size_t i = 0; dihedral && i < 8; i++)
            dihedral = is_pdq_hex(fs.f[i], fs.len[i]);
        if (dihedral) {
            nh = 8;
            hq = 8;
            hn = 9;
        } else if (!strncmp(fs.f[0], "hash=", 5)) {
            hq = hn = SIZE_MAX; /* pdq-photo-hasher -d: fields by key */
            for (size_t i = 1; i < fs.n; i++) {
                if (!strncmp(fs.f[i], "quality=", 8))
                    hq = i;
                if (!strncmp(fs.f[i], "filename=", 9))
                    hn = i;
            }
        } else {
            split(l, n, 3, &fs); /* the name may hold commas */
        }
    }
    if (hq < fs.n && !parse_quality(fs.f[hq], fs.len[hq], &q))
        return imp_bad(h, ln, "quality is not an integer 0..100");
    char *name = NULL;
    if (hn < fs.n) {
        name = fs.f[hn];
        size_t nl = fs.len[hn];
        strip_key(&name, &nl, "filename=");
        name[nl] = '\0';
    }
    size_t first = c->header ? c->hash : 0;
    for (size_t i = 0; i < nh; i++) {
        strip_key(&fs.f[first + i], &fs.len[first + i], "hash=");
        if (!is_pdq_hex(fs.f[first + i], fs.len[first + i]))
            return imp_bad(h, ln, "PDQ hash is not 64 hex digits");
    }
    for (size_t i = 0; i < nh; i++) {
        vg_status st = emit_pdq(h, ln, fs.f[first + i], fs.len[first + i], q, name);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}

vg_status imp_pdq_read(vg_hset_import *h) {
    cols c = {false, 0, 1, 2};
    bool first = true;
    for (;;) {
        char *p;
        size_t n, tl;
        uint64_t ln;
        vg_status st = imp_line(h, &p, &n, &ln);
        if (st != VG_OK || !p)
            return st;
        if (n == 0 || p[0] == '#')
            continue;
        if (first) {
            first = false;
            if (!te_line(p, n, &tl) && parse_header(p, n, &c))
                continue;
        }
        h->st.records++;
        char *nm;
        size_t nl;
        bool esc;
        if (!c.header && sum_line(p, n, &nm, &nl, &esc))
            st = sum_record(h, ln, p, nm, nl, esc);
        else if (!c.header && te_line(p, n, &tl))
            st = te_record(h, p, n, tl, ln);
        else
            st = csv_record(h, p, n, ln, &c);
        if (st != VG_OK)
            return st;
    }
}
