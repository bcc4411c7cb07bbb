/*
 * import_clamav.c — ClamAV hash signatures .hdb/.hsb (and the .fp/.sfp allow-lists, which use
 * the same syntax: give --role known-good) (HASHLISTS.md §8.1; clamav-documentation
 * HashSignatures.md, libclamav/readdb.c cli_loadhash): HASH:SIZE:NAME[:MINFL[:MAXFL]], hash =
 * MD5, SHA-1 or SHA-256 of the whole file told apart by length, SIZE a byte count or '*' (any
 * size, valid only with a minimum functionality level >= 73). The signature name becomes the
 * entry's id. .mdb/.msb lines (SIZE:HASH:NAME) hash a PE section, not a file, and are refused.
 */
#include "import_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOKENS 6

typedef struct tokens {
    size_t n;
    char *t[MAX_TOKENS];
    size_t len[MAX_TOKENS];
} tokens;

/* Split at ':' (NUL-terminating each token in place); at most MAX_TOKENS are kept. */
static void split(char *s, size_t n, tokens *tk) {
    char *end = s + n;
    tk->n = 0;
    for (;;) {
        char *c = memchr(s, ':', (size_t)(end - s));
        if (tk->n < MAX_TOKENS) {
            tk->t[tk->n] = s;
            tk->len[tk->n] = c ? (size_t)(c - s) : (size_t)(end - s);
        }
        tk->n++;
        if (!c)
            return;
        *c = '\0';
        s = c + 1;
    }
}

static bool digits(const char *s, size_t n) {
    if (n == 0 || n > 19)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool hash_len_ok(size_t n) {
    return n == 32 || n == 40 || n == 64;
}

int imp_clamav_bid(const imp_prefix *pf) {
    char line[512];
    const char *l;
    size_t n;
    tokens tk;
    if (!pf_first_data(pf, &l, &n) || n >= sizeof line)
        return 0;
    imp_copy(line, sizeof line, l, n);
    split(line, n, &tk);
    if (tk.n < 3 || tk.n > 5 || !hash_len_ok(tk.len[0]) || !imp_is_hex(tk.t[0], tk.len[0]))
        return 0;
    return digits(tk.t[1], tk.len[1]) || !strcmp(tk.t[1], "*") ? 50 : 0;
}

static vg_status record(vg_hset_import *h, char *l, size_t n, uint64_t ln) {
    tokens tk;
    vg_hset_entry e;
    h->st.records++;
    split(l, n, &tk);
    if (tk.n < 3 || tk.n > 5)
        return imp_bad(h, ln, "expected HASH:SIZE:NAME[:MINFL[:MAXFL]]");
    if (digits(tk.t[0], tk.len[0]) && imp_is_hex(tk.t[1], tk.len[1]) && hash_len_ok(tk.len[1]))
        return imp_bad(h, ln,
                       "SIZE:HASH:NAME is a PE-section signature (.mdb/.msb), not a "
                       "file hash");
    if (!hash_len_ok(tk.len[0]) || !imp_is_hex(tk.t[0], tk.len[0]))
        return imp_bad(h, ln, "hash is not 32, 40 or 64 hex digits");
    for (size_t i = 3; i < tk.n; i++)
        if (!digits(tk.t[i], tk.len[i]))
            return imp_bad(h, ln, "functionality level is not a number");
    imp_entry_init(&e, ln);
    if (!strcmp(tk.t[1], "*")) {
        if (tk.n < 4 || strtoul(tk.t[3], NULL, 10) < 73)
            return imp_bad(h, ln, "size '*' needs a minimum functionality level of 73 or more");
    } else if (!digits(tk.t[1], tk.len[1])) {
        return imp_bad(h, ln, "size is not a number");
    } else {
        e.size = strtoull(tk.t[1], NULL, 10);
    }
    if (tk.len[2] == 0)
        return imp_bad(h, ln, "empty signature name");
    vg_hash_type t = tk.len[0] == 32 ? VG_HT_MD5 : tk.len[0] == 40 ? VG_HT_SHA1 : VG_HT_SHA256;
    imp_set_hash(&e, t, tk.t[0], tk.len[0]);
    e.id = tk.t[2];
    return imp_emit(h, &e);
}

vg_status imp_clamav_read(vg_hset_import *h) {
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
