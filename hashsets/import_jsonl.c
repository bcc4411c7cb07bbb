/*
 * import_jsonl.c — what `vigil hash --format=jsonl` writes, so an investigator's own hashing of
 * known files can become a list: one JSON object per line,
 *   {"path":..., "size":N, "md5":HEX, "sha1":HEX, "sha256":HEX,
 *    "pdq":HEX, "pdq_quality":Q, "pdq_low_quality":true, "pdq_dihedral":[8 x HEX]}
 * with "pdq_error" instead of the PDQ fields when an image could not be decoded (its digests
 * are still good), and {"path":..., "error":...} for a file that could not be read: that is a
 * bad record (the list would silently lack the file), as is any line that is not such an
 * object. Unknown keys are ignored, so later `vigil hash` fields do not break old builds.
 *
 * Each line (at most VG_HSET_LINE_MAX bytes) is parsed with yajl's tree parser (Debian
 * libyajl); its error text quotes the input, so it is never shown: messages name the line and
 * the field only.
 */
#include "import_impl.h"

#include <string.h>

#include <yajl/yajl_tree.h>

int imp_jsonl_bid(const imp_prefix *pf) {
    const char *l;
    size_t n;
    if (!pf_first_data(pf, &l, &n))
        return 0;
    while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
        n--;
    if (n < 10 || memcmp(l, "{\"path\":", 8) != 0 || l[n - 1] != '}')
        return 0;
    return 80;
}

/* The fields of one line, borrowed from the tree. */
typedef struct jrec {
    const char *hex[VG_HSET_NTYPES]; /* md5, sha1, sha256, pdq by vg_hash_type */
    const char *path;
    uint64_t size;
    int quality;
    bool has_error, has_pdq_fields;
    yajl_val dihedral;
} jrec;

static const struct {
    const char *key;
    vg_hash_type t;
} hash_keys[] = {
    {"md5", VG_HT_MD5}, {"sha1", VG_HT_SHA1}, {"sha256", VG_HT_SHA256}, {"pdq", VG_HT_PDQ}};

/* Read one key/value into r; returns why the value is bad, or NULL. */
static const char *field(jrec *r, const char *k, yajl_val v) {
    for (size_t i = 0; i < sizeof hash_keys / sizeof hash_keys[0]; i++)
        if (!strcmp(k, hash_keys[i].key)) {
            r->hex[hash_keys[i].t] = YAJL_GET_STRING(v);
            return r->hex[hash_keys[i].t] ? NULL : "is not a string";
        }
    if (!strcmp(k, "path")) {
        r->path = YAJL_GET_STRING(v);
        return r->path ? NULL : "is not a string";
    }
    if (!strcmp(k, "size")) {
        if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
            return "is not a file size";
        r->size = (uint64_t)YAJL_GET_INTEGER(v);
    } else if (!strcmp(k, "pdq_quality")) {
        if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0 || YAJL_GET_INTEGER(v) > 100)
            return "is not a PDQ quality 0..100";
        r->quality = (int)YAJL_GET_INTEGER(v);
        r->has_pdq_fields = true;
    } else if (!strcmp(k, "pdq_dihedral")) {
        if (!YAJL_IS_ARRAY(v) || v->u.array.len != 8)
            return "is not 8 PDQ codes";
        r->dihedral = v;
        r->has_pdq_fields = true;
    } else if (!strcmp(k, "error")) {
        r->has_error = true;
    }
    return NULL;
}

/* The dihedral codes are checked but not stored: scans compute the dihedrals of what they find. */
static bool dihedral_ok(yajl_val a) {
    for (size_t i = 0; i < a->u.array.len; i++) {
        const char *s = YAJL_GET_STRING(a->u.array.values[i]);
        if (!s || strlen(s) != 64 || !imp_is_hex(s, 64))
            return false;
    }
    return true;
}

/* Check a parsed line whole; returns why it is bad, or NULL. *bad_key names a field. */
static const char *check(jrec *r, yajl_val root, const char **bad_key) {
    *bad_key = NULL;
    if (!YAJL_IS_OBJECT(root))
        return "is not a JSON object";
    for (size_t i = 0; i < root->u.object.len; i++) {
        const char *why = field(r, root->u.object.keys[i], root->u.object.values[i]);
        if (why) {
            *bad_key = root->u.object.keys[i];
            return why;
        }
    }
    if (r->has_error)
        return "names a file that could not be hashed (its \"error\" field)";
    bool any = false;
    for (size_t i = 0; i < sizeof hash_keys / sizeof hash_keys[0]; i++) {
        const char *s = r->hex[hash_keys[i].t];
        if (!s)
            continue;
        size_t n = strlen(s), want = 2 * imp_hash_len(hash_keys[i].t);
        if (n != want || !imp_is_hex(s, n)) {
            *bad_key = hash_keys[i].key;
            return "is not hex of the right length";
        }
        any = true;
    }
    if (!any)
        return "has no md5, sha1, sha256 or pdq";
    if (r->has_pdq_fields && !r->hex[VG_HT_PDQ])
        return "has PDQ fields but no pdq";
    if (r->dihedral && !dihedral_ok(r->dihedral)) {
        *bad_key = "pdq_dihedral";
        return "is not 8 PDQ codes";
    }
    return NULL;
}

static vg_status emit_all(vg_hset_import *h, const jrec *r, uint64_t ln) {
    for (size_t i = 0; i < sizeof hash_keys / sizeof hash_keys[0]; i++) {
        vg_hash_type t = hash_keys[i].t;
        if (!r->hex[t])
            continue;
        vg_hset_entry e;
        imp_entry_init(&e, ln);
        imp_set_hash(&e, t, r->hex[t], strlen(r->hex[t]));
        if (t == VG_HT_PDQ)
            e.quality = r->quality;
        e.name = r->path;
        e.id = r->path; /* the only stable identifier a vigil hash record has */
        e.size = r->size;
        vg_status st = imp_emit(h, &e);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}

static vg_status record(vg_hset_import *h, const char *line, uint64_t ln) {
    h->st.records++;
    yajl_val root = yajl_tree_parse(line, NULL, 0);
    if (!root)
        return imp_bad(h, ln, "not valid JSON");
    jrec r = {.size = UINT64_MAX, .quality = -1};
    const char *key, *why = check(&r, root, &key);
    vg_status st;
    if (why && key)
        st = imp_bad(h, ln, "field \"%.32s\" %s", key, why);
    else if (why)
        st = imp_bad(h, ln, "line %s", why);
    else
        st = emit_all(h, &r, ln);
    yajl_tree_free(root);
    return st;
}

vg_status imp_jsonl_read(vg_hset_import *h) {
    for (;;) {
        char *p;
        size_t n;
        uint64_t ln;
        vg_status st = imp_line(h, &p, &n, &ln);
        if (st != VG_OK || !p)
            return st;
        size_t i = 0;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        if (i == n)
            continue;
        st = record(h, p, ln);
        if (st != VG_OK)
            return st;
    }
}
