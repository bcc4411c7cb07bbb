/*
 * import_sum.c — checksum-tool output, line by line (HASHLISTS.md §7.2, §7.3):
 *   GNU md5sum/sha1sum/sha256sum   HEX␠␠NAME or HEX␠*NAME; a leading '\' marks an escaped
 *                                  name (\\ and \n, coreutils also \r);
 *   BSD / --tag                    ALG (NAME) = HEX, also with the leading '\';
 *   md5deep -z                     right-aligned SIZE␠␠HEX␠␠NAME.
 * The type comes from the tag or the length (32 MD5, 40 SHA-1, 64 SHA-256: sum tools write no
 * PDQ, but `vigil hash --format=sum --algo=pdq` writes PDQ codes in the same form, so an
 * untagged 64-hex digest is what --type says when given); SHA-224/384/512 and BLAKE2 lines are
 * valid but counted as unusable.
 */
#include "import_impl.h"

#include <stdlib.h>
#include <string.h>

typedef struct sum_rec {
    const char *hex;
    size_t hexlen;
    vg_hash_type tagged; /* VG_HT_NONE unless the BSD tag names it */
    char *name;
    size_t namelen;
    uint64_t size;
    bool escaped;
} sum_rec;

static size_t hex_run(const char *s, size_t n) {
    size_t i = 0;
    while (i < n && imp_is_hex(s + i, 1))
        i++;
    return i;
}

/* Sum tools write no PDQ: 64 hex digits are SHA-256. */
static vg_hash_type type_of_len(size_t n) {
    return imp_type_of_hexlen(n, VG_HT_SHA256);
}

/* Tag of a BSD line: the type and the hex length it implies (0: any). */
static bool tag_type(const char *s, size_t n, vg_hash_type *t, size_t *want) {
    static const struct {
        const char *tag;
        vg_hash_type t;
        size_t len;
    } tags[] = {{"MD5", VG_HT_MD5, 32},       {"SHA1", VG_HT_SHA1, 40},
                {"SHA256", VG_HT_SHA256, 64}, {"SHA224", VG_HT_OTHER, 56},
                {"SHA384", VG_HT_OTHER, 96},  {"SHA512", VG_HT_OTHER, 128}};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (imp_eq_nocase(s, n, tags[i].tag)) {
            *t = tags[i].t;
            *want = tags[i].len;
            return true;
        }
    if (n >= 7 && !strncmp(s, "BLAKE2b", 7)) {
        *t = VG_HT_OTHER;
        *want = 0;
        return true;
    }
    return false;
}

/* "ALG (NAME) = HEX": the hash follows the last ") = ". */
static bool parse_bsd(char *s, size_t n, sum_rec *r) {
    char *sp = memchr(s, ' ', n);
    if (!sp || sp == s || (size_t)(sp - s) + 2 > n || sp[1] != '(')
        return false;
    size_t want;
    if (!tag_type(s, (size_t)(sp - s), &r->tagged, &want))
        return false;
    char *eq = NULL;
    for (char *q = s; (q = strstr(q, ") = ")) != NULL; q++)
        eq = q;
    if (!eq || eq < sp + 2)
        return false;
    r->name = sp + 2;
    r->namelen = (size_t)(eq - r->name);
    r->hex = eq + 4;
    r->hexlen = n - (size_t)(r->hex - s);
    (void)want;
    return r->hexlen > 0;
}

/* "HEX␠␠NAME" / "HEX␠*NAME". */
static bool parse_gnu(char *s, size_t n, sum_rec *r) {
    size_t k = hex_run(s, n);
    if (k == 0 || type_of_len(k) == VG_HT_NONE || k + 2 > n || s[k] != ' ' ||
        (s[k + 1] != ' ' && s[k + 1] != '*'))
        return false;
    r->hex = s;
    r->hexlen = k;
    r->name = s + k + 2;
    r->namelen = n - k - 2;
    return true;
}

/* "      15  HEX  NAME" (md5deep -z). */
static bool parse_sized(char *s, size_t n, sum_rec *r) {
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    size_t d = i;
    uint64_t size = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9' && i - d < 19)
        size = size * 10 + (uint64_t)(s[i++] - '0');
    if (i == d || i + 2 > n || s[i] != ' ' || s[i + 1] != ' ')
        return false;
    if (!parse_gnu(s + i + 2, n - i - 2, r) || r->name[-1] != ' ')
        return false;
    r->size = size;
    return true;
}

static bool parse_line(char *s, size_t n, sum_rec *r) {
    memset(r, 0, sizeof *r);
    r->size = UINT64_MAX;
    if (n > 0 && s[0] == '\\') {
        r->escaped = true;
        s++;
        n--;
    }
    if (parse_gnu(s, n, r) || parse_bsd(s, n, r))
        return true;
    return !r->escaped && parse_sized(s, n, r);
}

int imp_sum_bid(const imp_prefix *pf) {
    char line[512];
    size_t off = 0, good = 0, bad = 0;
    const char *l;
    size_t n;
    /* A few bad records must not hide the format: most lines decide. */
    while (good + bad < 16 && pf_line(pf, &off, &l, &n)) {
        if (n == 0 || l[0] == '#' || n >= sizeof line)
            continue;
        sum_rec r;
        imp_copy(line, sizeof line, l, n);
        if (parse_line(line, n, &r))
            good++;
        else
            bad++;
    }
    return good > bad ? 40 : 0;
}

void imp_sum_unescape(char *s, size_t *n) {
    size_t o = 0;
    for (size_t i = 0; i < *n; i++) {
        char c = s[i];
        if (c == '\\' && i + 1 < *n) {
            char x = s[++i];
            c = (char)(x == 'n' ? '\n' : x == 'r' ? '\r' : x);
        }
        s[o++] = c;
    }
    s[o] = '\0';
    *n = o;
}

static vg_status record(vg_hset_import *h, char *s, size_t n, uint64_t ln) {
    sum_rec r;
    vg_hset_entry e;
    h->st.records++;
    if (!parse_line(s, n, &r))
        return imp_bad(h, ln, "not a checksum line (HEX  NAME, ALG (NAME) = HEX)");
    vg_hash_type t = r.tagged != VG_HT_NONE ? r.tagged : type_of_len(r.hexlen);
    if (r.tagged == VG_HT_NONE && r.hexlen == 64 && h->type64 != VG_HT_NONE)
        t = h->type64;
    if (!imp_is_hex(r.hex, r.hexlen))
        return imp_bad(h, ln, "digest is not hex");
    if (t == VG_HT_NONE || (imp_hash_len(t) && r.hexlen != 2 * imp_hash_len(t)))
        return imp_bad(h, ln, "digest has the wrong length (%zu hex digits)", r.hexlen);
    if (r.namelen == 0)
        return imp_bad(h, ln, "no file name after the digest");
    imp_entry_init(&e, ln);
    imp_set_hash(&e, t, r.hex, r.hexlen);
    r.name[r.namelen] = '\0'; /* ends the name; the hex before it is already decoded */
    if (r.escaped)
        imp_sum_unescape(r.name, &r.namelen);
    e.name = r.name;
    e.size = r.size;
    return imp_emit(h, &e);
}

vg_status imp_sum_read(vg_hset_import *h) {
    for (;;) {
        char *p;
        size_t n;
        uint64_t ln;
        vg_status st = imp_line(h, &p, &n, &ln);
        if (st != VG_OK || !p)
            return st;
        if (n == 0 || p[0] == '#')
            continue;
        st = record(h, p, n, ln);
        if (st != VG_OK)
            return st;
    }
}
