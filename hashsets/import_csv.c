/*
 * import_csv.c — header-driven CSV (HASHLISTS.md §2, §5, §14.8): IWF, CAID and other police
 * exports whose layouts are not public, Interpol ICSE-style exports, GLEAPP's hash[,category].
 * The first line is a header; columns are found by case-insensitive known names (punctuation
 * and spaces ignored: "Image ID" = "imageid") or by an explicit --columns mapping. The
 * delimiter is detected on the header among ',' ';' and TAB; fields may be quoted ("" inside
 * quotes is a quote); CRLF and a UTF-8 BOM are accepted. A quoted field cannot span lines.
 *
 * The same engine reads HashKeeper and NSRL RDSv2 files with fixed layouts
 * (import_hashkeeper.c, import_nsrl.c).
 */
#include "import_impl.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#define MAX_FIELDS 64

typedef struct csv_fields {
    size_t n;
    char *f[MAX_FIELDS]; /* NUL-terminated in place */
    size_t len[MAX_FIELDS];
} csv_fields;

/* ---- splitting ---- */

/* One quoted field starting at s[0] == '"': unquote in place. Returns the index after it, or
 * SIZE_MAX when the closing quote is missing. */
static size_t quoted(char *s, size_t n, char delim, size_t *len) {
    size_t i = 1, o = 0;
    for (;;) {
        if (i >= n)
            return SIZE_MAX;
        if (s[i] == '"') {
            if (i + 1 < n && s[i + 1] == '"') {
                s[o++] = '"';
                i += 2;
                continue;
            }
            i++;
            break;
        }
        s[o++] = s[i++];
    }
    while (i < n && s[i] == ' ')
        i++;
    if (i < n && s[i] != delim)
        return SIZE_MAX;
    *len = o;
    return i;
}

/* Split a line into NUL-terminated fields (unquoted, unquoted ones trimmed). False when a
 * quoted field is not closed or followed by junk. Fields past MAX_FIELDS are ignored. */
static bool csv_split(char *s, size_t n, char delim, csv_fields *fs) {
    size_t i = 0;
    fs->n = 0;
    for (;;) {
        while (i < n && s[i] == ' ')
            i++;
        char *start = s + i;
        size_t len, next;
        if (i < n && s[i] == '"') {
            next = quoted(start, n - i, delim, &len);
            if (next == SIZE_MAX)
                return false;
            next += i;
        } else {
            const char *d = memchr(start, delim, n - i);
            next = d ? (size_t)(d - s) : n;
            len = next - i;
            while (len > 0 && start[len - 1] == ' ')
                len--;
        }
        bool more = next < n;
        start[len] = '\0';
        if (fs->n < MAX_FIELDS) {
            fs->f[fs->n] = start;
            fs->len[fs->n] = len;
            fs->n++;
        }
        if (!more)
            return true;
        i = next + 1;
    }
}

/* Delimiter of a header line: the most frequent of ',' ';' TAB outside quotes (',' on ties). */
static char detect_delim(const char *s, size_t n, size_t *count) {
    size_t c[3] = {0, 0, 0};
    bool inq = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            inq = !inq;
        else if (!inq)
            c[0] += s[i] == ',', c[1] += s[i] == ';', c[2] += s[i] == '\t';
    }
    size_t best = c[1] > c[0] && c[1] >= c[2] ? 1 : c[2] > c[0] && c[2] > c[1] ? 2 : 0;
    *count = c[best];
    return ",;\t"[best];
}

/* ---- column names ---- */

/* Lower-case alphanumerics only: "Image ID" -> "imageid", "SHA-1" -> "sha1". */
static void normalise(const char *s, size_t n, char *out, size_t cap) {
    size_t k = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++)
        if (isalnum((unsigned char)s[i]))
            out[k++] = (char)tolower((unsigned char)s[i]);
    out[k] = '\0';
}

/* Known names per key, normalised, space-separated. */
static const char *const known_names[COL_N] = {
    [COL_MD5] = " md5 md5hash hashmd5 md5sum md5value ",
    [COL_SHA1] = " sha1 sha1hash hashsha1 sha1value ",
    [COL_SHA256] = " sha256 sha256hash hashsha256 sha2256 sha256value ",
    [COL_PDQ] = " pdq pdqhash hashpdq ",
    [COL_PHOTODNA] = " photodna pdna photodnahash ",
    [COL_HASH] = " hash hashvalue ",
    [COL_QUALITY] = " quality pdqquality ",
    [COL_CATEGORY] = " category grade cat classification iwfcategory ukcategory caidcategory ",
    [COL_ID] = " id imageid mediaid hashid itemid fileid uniqueid recordid ",
    [COL_NAME] = " filename name file ",
    [COL_SIZE] = " size filesize mediasize bytes ",
};

static int known_key(const char *norm) {
    char word[40];
    size_t n = strlen(norm);
    if (n == 0 || n + 3 > sizeof word)
        return -1;
    word[0] = ' ';
    memcpy(word + 1, norm, n);
    word[n + 1] = ' ';
    word[n + 2] = '\0';
    for (int k = 0; k < COL_N; k++)
        if (strstr(known_names[k], word))
            return k;
    return -1;
}

static bool is_hash_key(int k) {
    return k >= COL_MD5 && k <= COL_HASH;
}

int imp_csv_bid(const imp_prefix *pf) {
    char line[1024], norm[40];
    const char *l;
    size_t n, off = 0, ndelim;
    csv_fields fs;
    if (!pf_line(pf, &off, &l, &n) || n == 0 || n >= sizeof line)
        return 0;
    char delim = detect_delim(l, n, &ndelim);
    imp_copy(line, sizeof line, l, n);
    if (ndelim == 0 || !csv_split(line, n, delim, &fs))
        return 0;
    for (size_t i = 0; i < fs.n; i++) {
        normalise(fs.f[i], fs.len[i], norm, sizeof norm);
        if (is_hash_key(known_key(norm)))
            return 60;
    }
    return 0;
}

/* ---- the engine ---- */

typedef struct csv_map {
    char delim;
    size_t ncols;
    size_t col[COL_N];    /* SIZE_MAX: absent */
    char name[COL_N][48]; /* header text, for messages (headers are not sensitive) */
} csv_map;

/* Find the column an explicit name refers to: exact (case-insensitive), then normalised. */
static size_t find_column(const csv_fields *hdr, const char *want) {
    char a[40], b[40];
    for (size_t i = 0; i < hdr->n; i++)
        if (imp_eq_nocase(hdr->f[i], hdr->len[i], want))
            return i;
    normalise(want, strlen(want), a, sizeof a);
    for (size_t i = 0; a[0] && i < hdr->n; i++) {
        normalise(hdr->f[i], hdr->len[i], b, sizeof b);
        if (!strcmp(a, b))
            return i;
    }
    return SIZE_MAX;
}

static vg_status map_header(vg_hset_import *h, const imp_csv_preset *ps, char *l, size_t n,
                            uint64_t ln, csv_map *m) {
    csv_fields hdr;
    size_t nd;
    if (ps && ps->delim)
        m->delim = ps->delim;
    else
        m->delim = detect_delim(l, n, &nd);
    if (!csv_split(l, n, m->delim, &hdr))
        return imp_fail(h, VG_E_FORMAT, ln, "header row: unterminated quoted field");
    m->ncols = hdr.n;
    for (int k = 0; k < COL_N; k++) {
        const char *want = ps ? ps->names[k] : h->colmap[k];
        m->col[k] = SIZE_MAX;
        if (want) {
            m->col[k] = find_column(&hdr, want);
            if (m->col[k] == SIZE_MAX)
                return imp_fail(h, VG_E_FORMAT, ln, "column '%.40s' (%s) is not in the header",
                                want, col_key_names[k]);
        }
    }
    for (size_t i = 0; !ps && i < hdr.n; i++) {
        char norm[40];
        normalise(hdr.f[i], hdr.len[i], norm, sizeof norm);
        int k = known_key(norm);
        if (k >= 0 && m->col[k] == SIZE_MAX && !h->colmap[k])
            m->col[k] = i;
    }
    bool any = false;
    for (int k = 0; k < COL_N; k++) {
        if (m->col[k] != SIZE_MAX)
            imp_copy(m->name[k], sizeof m->name[k], hdr.f[m->col[k]], hdr.len[m->col[k]]);
        any = any || (is_hash_key(k) && m->col[k] != SIZE_MAX);
    }
    if (!any)
        return imp_fail(h, VG_E_FORMAT, ln,
                        "no hash column in the header (MD5, SHA1, SHA256, PDQ, PhotoDNA or "
                        "Hash; name others with --columns)");
    return VG_OK;
}

/* Non-negative decimal of at most 19 digits. */
static bool parse_u64(const char *s, size_t n, uint64_t *v) {
    if (n == 0 || n > 19)
        return false;
    *v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        *v = *v * 10 + (uint64_t)(s[i] - '0');
    }
    return true;
}

/* Field of key k in this row, or NULL when the column is absent or the field empty. */
static const char *field(const csv_map *m, const csv_fields *fs, int k, size_t *len) {
    size_t c = m->col[k];
    if (c == SIZE_MAX || c >= fs->n || fs->len[c] == 0)
        return NULL;
    *len = fs->len[c];
    return fs->f[c];
}

/* Metadata of a row into the template entry e; *bad when the row is a bad record. */
static vg_status row_meta(vg_hset_import *h, const csv_map *m, const csv_fields *fs, uint64_t ln,
                          vg_hset_entry *e, bool *bad) {
    size_t len;
    const char *v;
    *bad = true;
    if ((v = field(m, fs, COL_QUALITY, &len)) != NULL) {
        uint64_t q;
        if (!parse_u64(v, len, &q) || q > 100)
            return imp_bad(h, ln, "column %s: quality is not an integer 0..100",
                           m->name[COL_QUALITY]);
        e->quality = (int)q;
    }
    if ((v = field(m, fs, COL_SIZE, &len)) != NULL && !parse_u64(v, len, &e->size))
        return imp_bad(h, ln, "column %s: size is not a number", m->name[COL_SIZE]);
    *bad = false;
    e->id = field(m, fs, COL_ID, &len);
    e->name = field(m, fs, COL_NAME, &len);
    imp_category(h, e, field(m, fs, COL_CATEGORY, &len));
    return VG_OK;
}

static const vg_hash_type key_type[] = {
    [COL_MD5] = VG_HT_MD5, [COL_SHA1] = VG_HT_SHA1,         [COL_SHA256] = VG_HT_SHA256,
    [COL_PDQ] = VG_HT_PDQ, [COL_PHOTODNA] = VG_HT_PHOTODNA, [COL_HASH] = VG_HT_NONE, /* by length */
};

static vg_status row(vg_hset_import *h, const csv_map *m, char *l, size_t n, uint64_t ln) {
    csv_fields fs;
    vg_hset_entry e0, tmp;
    struct {
        vg_hash_type t;
        const char *v;
        size_t len;
    } hs[COL_HASH + 1];
    size_t nes = 0;
    if (!csv_split(l, n, m->delim, &fs))
        return h->st.records++, imp_bad(h, ln, "unterminated quoted field");
    size_t filled = 0;
    for (size_t i = 0; i < fs.n; i++)
        filled += fs.len[i] > 0;
    if (filled == 0)
        return VG_OK; /* a row of empty fields, as spreadsheets append */
    h->st.records++;
    for (int k = 0; k < COL_N; k++)
        if (m->col[k] != SIZE_MAX && m->col[k] >= fs.n)
            return imp_bad(h, ln, "row has %zu fields; column %s is number %zu", fs.n, m->name[k],
                           m->col[k] + 1);
    imp_entry_init(&e0, ln);
    for (int k = COL_MD5; k <= COL_HASH; k++) {
        size_t len;
        const char *v = field(m, &fs, k, &len);
        if (!v)
            continue;
        vg_hash_type t = k == COL_HASH ? imp_type_of_hexlen(len, h->type64) : key_type[k];
        if (t == VG_HT_NONE && len == 64 && imp_is_hex(v, len))
            return imp_fail(h, VG_E_INVAL, ln,
                            "column %s: 64 hex digits may be SHA-256 or PDQ: give --type "
                            "sha256 or --type pdq",
                            m->name[k]);
        if (t == VG_HT_NONE || !imp_set_hash(&tmp, t, v, len))
            return imp_bad(h, ln, "column %s: not a %s", m->name[k],
                           k == COL_HASH ? "hex digest of a known length"
                                         : "hex digest of the right length");
        hs[nes].t = t;
        hs[nes].v = v;
        hs[nes].len = len;
        nes++;
    }
    if (nes == 0)
        return imp_bad(h, ln, "no hash value in the row");
    bool bad;
    vg_status st = row_meta(h, m, &fs, ln, &e0, &bad);
    for (size_t i = 0; st == VG_OK && !bad && i < nes; i++) {
        vg_hset_entry e = e0;
        imp_set_hash(&e, hs[i].t, hs[i].v, hs[i].len); /* validated above */
        st = imp_emit(h, &e);
    }
    return st;
}

vg_status imp_csv_run(vg_hset_import *h, const imp_csv_preset *ps) {
    csv_map m;
    memset(&m, 0, sizeof m);
    bool have_header = false;
    if (ps && ps->known_good)
        h->file_role = VG_ROLE_KNOWN_GOOD;
    imp_set_profile(h, cat_find(ps && ps->profile ? ps->profile : "list"));
    for (;;) {
        char *p;
        size_t n;
        uint64_t ln;
        vg_status st = imp_line(h, &p, &n, &ln);
        if (st != VG_OK || !p)
            return st;
        if (n == 0)
            continue;
        if (!have_header) {
            st = map_header(h, ps, p, n, ln, &m);
            have_header = true;
        } else {
            st = row(h, &m, p, n, ln);
        }
        if (st != VG_OK)
            return st;
    }
}

vg_status imp_csv_read(vg_hset_import *h) {
    return imp_csv_run(h, NULL);
}
