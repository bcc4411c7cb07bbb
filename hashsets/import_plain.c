/*
 * import_plain.c — plain lists: one hex digest per line, '#' comment lines and blank lines
 * ignored, surrounding blanks trimmed. The type comes from the length (32 MD5, 40 SHA-1; 64 is
 * SHA-256 or PDQ, so it needs --type), or from an optional first line naming the algorithm, as
 * X-Ways and Griffeye exports write it ("MD5", "SHA-1", HASHLISTS.md §7.6). SHA-224/384/512
 * lengths are recognised and counted as unusable.
 */
#include "import_impl.h"

#include <string.h>

/* Algorithm named by a header line, or VG_HT_NONE. */
static vg_hash_type header_type(const char *s, size_t n) {
    if (imp_eq_nocase(s, n, "md5"))
        return VG_HT_MD5;
    if (imp_eq_nocase(s, n, "sha-1") || imp_eq_nocase(s, n, "sha1"))
        return VG_HT_SHA1;
    if (imp_eq_nocase(s, n, "sha-256") || imp_eq_nocase(s, n, "sha256"))
        return VG_HT_SHA256;
    if (imp_eq_nocase(s, n, "pdq"))
        return VG_HT_PDQ;
    return VG_HT_NONE;
}

static void trim(const char **s, size_t *n) {
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static bool known_len(size_t n) {
    return n == 32 || n == 40 || n == 64 || n == 56 || n == 96 || n == 128;
}

int imp_plain_bid(const imp_prefix *pf) {
    size_t off = 0, good = 0, bad = 0;
    const char *l;
    size_t n;
    bool first = true;
    /* A few bad records must not hide the format: most lines decide. */
    while (good + bad < 64 && pf_line(pf, &off, &l, &n)) {
        trim(&l, &n);
        if (n == 0 || l[0] == '#')
            continue;
        bool header = first && header_type(l, n) != VG_HT_NONE;
        first = false;
        if (header || (known_len(n) && imp_is_hex(l, n)))
            good++;
        else
            bad++;
    }
    return good > bad ? 30 : 0;
}

/* One data line; returns VG_OK, a bad-record status, or VG_E_INVAL for a missing --type. */
static vg_status record(vg_hset_import *h, const char *s, size_t n, uint64_t ln,
                        vg_hash_type fixed) {
    vg_hset_entry e;
    h->st.records++;
    if (!imp_is_hex(s, n))
        return imp_bad(h, ln, "not a hex digest");
    vg_hash_type t = fixed != VG_HT_NONE ? fixed : imp_type_of_hexlen(n, h->type64);
    if (t == VG_HT_NONE && n == 64)
        return imp_fail(h, VG_E_INVAL, ln,
                        "64 hex digits may be SHA-256 or PDQ: give --type sha256 or --type pdq");
    if (t == VG_HT_NONE)
        return imp_bad(h, ln, "%zu hex digits is no known digest length", n);
    imp_entry_init(&e, ln);
    if (!imp_set_hash(&e, t, s, n))
        return imp_bad(h, ln, "not %zu hex digits as the header line says", 2 * imp_hash_len(t));
    return imp_emit(h, &e);
}

vg_status imp_plain_read(vg_hset_import *h) {
    vg_hash_type fixed = VG_HT_NONE;
    bool first = true;
    for (;;) {
        char *p;
        size_t n;
        uint64_t ln;
        vg_status st = imp_line(h, &p, &n, &ln);
        if (st != VG_OK || !p)
            return st;
        const char *s = p;
        trim(&s, &n);
        if (n == 0 || s[0] == '#')
            continue;
        if (first) {
            first = false;
            fixed = header_type(s, n);
            if (fixed != VG_HT_NONE)
                continue;
        }
        st = record(h, s, n, ln, fixed);
        if (st != VG_OK)
            return st;
    }
}
