/*
 * canon_json.c — canonical JSON (the strict RFC 8785 subset of EVIDENCE.md §5.3): a builder
 * for the records vigil writes and a checker for the records `vigil verify` reads.
 *
 * The builder keeps one frame per open object/array. An object's members are stored as
 * (name, serialised value) pairs and sorted when it closes, so callers may add members in any
 * order. The checker does not parse JSON itself: json-c (Debian's libjson-c) parses in strict
 * mode, then the parsed value is re-serialised by the same rules and compared byte for byte.
 */
#include "vigil/ev_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "ev_util.h"

#define MAX_DEPTH 16
#define MAX_KEY 64

/* ---- byte buffers ---- */

vg_status vg_ev_buf_add(vg_ev_buf *b, const void *p, size_t n) {
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *grown = realloc(b->p, cap);
        if (!grown)
            return VG_E_NOMEM;
        b->p = grown;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
    b->p[b->n] = '\0';
    return VG_OK;
}

vg_status vg_ev_buf_str(vg_ev_buf *b, const char *s) {
    return vg_ev_buf_add(b, s, strlen(s));
}

void vg_ev_buf_free(vg_ev_buf *b) {
    free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
}

/* ---- UTF-8 ---- */

size_t vg_ev_utf8_seq(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    unsigned cp = c & (0x7fu >> len);
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3fu);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

bool vg_ev_utf8_valid(const void *s, size_t n) {
    const unsigned char *p = s;
    while (n > 0) {
        size_t k = vg_ev_utf8_seq(p, n);
        if (k == 0)
            return false;
        p += k;
        n -= k;
    }
    return true;
}

/* ---- scalar encoders ---- */

/* Append s[0..n) (valid UTF-8) as a JCS string literal. */
static vg_status put_string(vg_ev_buf *b, const char *s, size_t n) {
    static const char hexd[] = "0123456789abcdef";
    vg_status st = vg_ev_buf_add(b, "\"", 1);
    size_t run = 0; /* bytes copied literally in one go */
    for (size_t i = 0; i < n && st == VG_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        st = vg_ev_buf_add(b, s + run, i - run);
        run = i + 1;
        char e[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"':
            e[1] = '"';
            break;
        case '\\':
            e[1] = '\\';
            break;
        case '\b':
            e[1] = 'b';
            break;
        case '\t':
            e[1] = 't';
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\f':
            e[1] = 'f';
            break;
        case '\r':
            e[1] = 'r';
            break;
        default:
            e[1] = 'u';
            e[2] = e[3] = '0';
            e[4] = hexd[c >> 4];
            e[5] = hexd[c & 15];
            el = 6;
        }
        if (st == VG_OK)
            st = vg_ev_buf_add(b, e, el);
    }
    if (st == VG_OK)
        st = vg_ev_buf_add(b, s + run, n - run);
    if (st == VG_OK)
        st = vg_ev_buf_add(b, "\"", 1);
    return st;
}

static vg_status put_int(vg_ev_buf *b, int64_t v) {
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    return vg_ev_buf_add(b, tmp, (size_t)k);
}

static bool int_ok(int64_t v) {
    return v >= -VG_EV_JSON_MAX_INT && v <= VG_EV_JSON_MAX_INT;
}

static bool name_ok(const char *k, size_t n) {
    if (n == 0 || n >= MAX_KEY)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

/* ---- sorting members ---- */

struct member {
    size_t key_off, key_len, val_off, val_len;
    const char *key; /* base + key_off, set just before sorting (the base may move before) */
};

static int cmp_member(const void *a, const void *b) {
    const struct member *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, n);
    if (c)
        return c;
    return (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* Sort members whose names live in base; false if two names are equal. */
static bool sort_members(const char *base, struct member *m, size_t n) {
    for (size_t i = 0; i < n; i++)
        m[i].key = base + m[i].key_off;
    qsort(m, n, sizeof *m, cmp_member);
    for (size_t i = 1; i < n; i++)
        if (m[i].key_len == m[i - 1].key_len &&
            !memcmp(base + m[i].key_off, base + m[i - 1].key_off, m[i].key_len))
            return false;
    return true;
}

/* Emit {"k":v,...} from members stored in data. */
static vg_status emit_object(vg_ev_buf *out, const char *data, const struct member *m, size_t n) {
    vg_status st = vg_ev_buf_add(out, "{", 1);
    for (size_t i = 0; i < n && st == VG_OK; i++) {
        if (i)
            st = vg_ev_buf_add(out, ",", 1);
        if (st == VG_OK)
            st = put_string(out, data + m[i].key_off, m[i].key_len);
        if (st == VG_OK)
            st = vg_ev_buf_add(out, ":", 1);
        if (st == VG_OK)
            st = vg_ev_buf_add(out, data + m[i].val_off, m[i].val_len);
    }
    return st == VG_OK ? vg_ev_buf_add(out, "}", 1) : st;
}

/* ---- the builder ---- */

struct frame {
    bool arr;
    char key[MAX_KEY]; /* this container's name in its parent object ("" if none) */
    vg_ev_buf data;    /* object: names and values back to back; array: "v,v,..." */
    struct member *m;
    size_t nm, capm, count;
};

struct vg_ev_json {
    struct frame f[MAX_DEPTH + 1]; /* f[0] is the root, which holds one value */
    int depth;
    vg_status err;
    vg_ev_buf out;
};

vg_ev_json *vg_ev_json_new(void) {
    return calloc(1, sizeof(vg_ev_json));
}

void vg_ev_json_reset(vg_ev_json *j) {
    for (int i = 0; i <= MAX_DEPTH; i++) {
        j->f[i].data.n = 0;
        j->f[i].nm = j->f[i].count = 0;
    }
    j->depth = 0;
    j->err = VG_OK;
    j->out.n = 0;
}

void vg_ev_json_free(vg_ev_json *j) {
    if (!j)
        return;
    for (int i = 0; i <= MAX_DEPTH; i++) {
        vg_ev_buf_free(&j->f[i].data);
        free(j->f[i].m);
    }
    vg_ev_buf_free(&j->out);
    free(j);
}

static vg_status fail(vg_ev_json *j, vg_status st) {
    if (j->err == VG_OK)
        j->err = st;
    return j->err;
}

/* Check that key fits the innermost container (name in objects, none elsewhere). */
static vg_status check_key(vg_ev_json *j, const char *key) {
    struct frame *f = &j->f[j->depth];
    bool in_obj = j->depth > 0 && !f->arr;
    if (in_obj != (key != NULL))
        return VG_E_INVAL;
    if (key && !name_ok(key, strlen(key)))
        return VG_E_INVAL;
    if (j->depth == 0 && f->count > 0)
        return VG_E_INVAL; /* one top-level value only */
    return VG_OK;
}

/* Add a serialised value v[0..n) under key in the innermost container. */
static vg_status add_raw(vg_ev_json *j, const char *key, const char *v, size_t n) {
    struct frame *f = &j->f[j->depth];
    vg_status st;
    if (j->depth > 0 && !f->arr) {
        if (f->nm == f->capm) {
            size_t cap = f->capm ? 2 * f->capm : 16;
            struct member *g = realloc(f->m, cap * sizeof *g);
            if (!g)
                return VG_E_NOMEM;
            f->m = g;
            f->capm = cap;
        }
        struct member *m = &f->m[f->nm];
        m->key_off = f->data.n;
        m->key_len = strlen(key);
        st = vg_ev_buf_add(&f->data, key, m->key_len);
        m->val_off = f->data.n;
        m->val_len = n;
        if (st == VG_OK)
            st = vg_ev_buf_add(&f->data, v, n);
        if (st == VG_OK)
            f->nm++;
    } else {
        st = f->count ? vg_ev_buf_add(&f->data, ",", 1) : VG_OK;
        if (st == VG_OK)
            st = vg_ev_buf_add(&f->data, v, n);
    }
    if (st == VG_OK)
        f->count++;
    return st;
}

static vg_status open_container(vg_ev_json *j, const char *key, bool arr) {
    if (j->err)
        return j->err;
    if (check_key(j, key) != VG_OK || j->depth == MAX_DEPTH)
        return fail(j, VG_E_INVAL);
    struct frame *f = &j->f[++j->depth];
    f->arr = arr;
    snprintf(f->key, sizeof f->key, "%s", key ? key : "");
    f->data.n = 0;
    f->nm = f->count = 0;
    return VG_OK;
}

vg_status vg_ev_json_obj(vg_ev_json *j, const char *key) {
    return open_container(j, key, false);
}

vg_status vg_ev_json_arr(vg_ev_json *j, const char *key) {
    return open_container(j, key, true);
}

vg_status vg_ev_json_end(vg_ev_json *j) {
    if (j->err)
        return j->err;
    if (j->depth == 0)
        return fail(j, VG_E_INVAL);
    struct frame *f = &j->f[j->depth];
    vg_ev_buf *tmp = &j->out; /* scratch: the result is only built by finish() */
    tmp->n = 0;
    vg_status st;
    if (f->arr) {
        st = vg_ev_buf_add(tmp, "[", 1);
        if (st == VG_OK)
            st = vg_ev_buf_add(tmp, f->data.p, f->data.n);
        if (st == VG_OK)
            st = vg_ev_buf_add(tmp, "]", 1);
    } else {
        if (!sort_members(f->data.p, f->m, f->nm))
            return fail(j, VG_E_INVAL);
        st = emit_object(tmp, f->data.p, f->m, f->nm);
    }
    if (st != VG_OK)
        return fail(j, st);
    j->depth--;
    st = add_raw(j, f->key[0] ? f->key : NULL, tmp->p, tmp->n);
    tmp->n = 0;
    return st == VG_OK ? VG_OK : fail(j, st);
}

/* Add a scalar already serialised in s. */
static vg_status add_scalar(vg_ev_json *j, const char *key, const char *s, size_t n) {
    if (j->err)
        return j->err;
    if (check_key(j, key) != VG_OK)
        return fail(j, VG_E_INVAL);
    vg_status st = add_raw(j, key, s, n);
    return st == VG_OK ? VG_OK : fail(j, st);
}

vg_status vg_ev_json_strn(vg_ev_json *j, const char *key, const char *s, size_t n) {
    if (j->err)
        return j->err;
    if (!vg_ev_utf8_valid(s, n))
        return fail(j, VG_E_INVAL);
    vg_ev_buf b = {0};
    vg_status st = put_string(&b, s, n);
    if (st == VG_OK)
        st = add_scalar(j, key, b.p, b.n);
    vg_ev_buf_free(&b);
    return st == VG_OK ? VG_OK : fail(j, st);
}

vg_status vg_ev_json_str(vg_ev_json *j, const char *key, const char *s) {
    return vg_ev_json_strn(j, key, s, strlen(s));
}

vg_status vg_ev_json_name(vg_ev_json *j, const char *key, const void *bytes, size_t n) {
    if (j->err)
        return j->err;
    if (vg_ev_utf8_valid(bytes, n))
        return vg_ev_json_strn(j, key, bytes, n);
    if (!key || strlen(key) + 4 >= MAX_KEY)
        return fail(j, VG_E_INVAL);
    vg_ev_buf disp = {0};
    char *b64 = NULL;
    const unsigned char *p = bytes;
    vg_status st = VG_OK;
    for (size_t i = 0; i < n && st == VG_OK;) {
        size_t k = vg_ev_utf8_seq(p + i, n - i);
        st = k ? vg_ev_buf_add(&disp, p + i, k) : vg_ev_buf_add(&disp, "\xef\xbf\xbd", 3);
        i += k ? k : 1;
    }
    if (st == VG_OK)
        st = vg_ev_json_strn(j, key, disp.p, disp.n);
    if (st == VG_OK)
        st = vg_ev_b64(bytes, n, &b64);
    if (st == VG_OK) {
        char k64[MAX_KEY];
        snprintf(k64, sizeof k64, "%s_b64", key);
        st = vg_ev_json_str(j, k64, b64);
    }
    vg_ev_buf_free(&disp);
    free(b64);
    return st == VG_OK ? VG_OK : fail(j, st);
}

vg_status vg_ev_json_int(vg_ev_json *j, const char *key, int64_t v) {
    if (!int_ok(v))
        return fail(j, VG_E_INVAL);
    char tmp[24];
    int k = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    return add_scalar(j, key, tmp, (size_t)k);
}

vg_status vg_ev_json_bool(vg_ev_json *j, const char *key, bool v) {
    return add_scalar(j, key, v ? "true" : "false", v ? 4 : 5);
}

vg_status vg_ev_json_hex(vg_ev_json *j, const char *key, const uint8_t *bytes, size_t n) {
    static const char hexd[] = "0123456789abcdef";
    char *h = malloc(2 * n + 3);
    if (!h)
        return fail(j, VG_E_NOMEM);
    h[0] = '"';
    for (size_t i = 0; i < n; i++) {
        h[1 + 2 * i] = hexd[bytes[i] >> 4];
        h[2 + 2 * i] = hexd[bytes[i] & 15];
    }
    h[2 * n + 1] = '"';
    vg_status st = add_scalar(j, key, h, 2 * n + 2);
    free(h);
    return st;
}

vg_status vg_ev_json_finish(vg_ev_json *j, const char **out, size_t *len) {
    if (j->err)
        return j->err;
    if (j->depth != 0 || j->f[0].count != 1)
        return fail(j, VG_E_INVAL);
    *out = j->f[0].data.p;
    *len = j->f[0].data.n;
    return VG_OK;
}

/* ---- canonical serialisation of a parsed (json-c) value ---- */

static vg_status canon_value(vg_ev_buf *b, struct json_object *v, int depth, const char **why);

static vg_status canon_object(vg_ev_buf *b, struct json_object *v, int depth, const char **why) {
    size_t n = (size_t)json_object_object_length(v), i = 0;
    struct member *m = calloc(n ? n : 1, sizeof *m);
    struct json_object **vals = calloc(n ? n : 1, sizeof(struct json_object *));
    vg_ev_buf names = {0};
    vg_status st = (m && vals) ? VG_OK : VG_E_NOMEM;
    json_object_object_foreach(v, k, val) {
        if (st != VG_OK || i >= n)
            break;
        size_t kl = strlen(k);
        if (!name_ok(k, kl)) {
            *why = "member name outside [a-z0-9_]+";
            st = VG_E_FORMAT;
            break;
        }
        m[i] = (struct member){names.n, kl, i, 0, NULL};
        vals[i++] = val;
        st = vg_ev_buf_add(&names, k, kl);
    }
    if (st == VG_OK && !sort_members(names.p, m, i)) {
        *why = "duplicate member name";
        st = VG_E_FORMAT;
    }
    if (st == VG_OK)
        st = vg_ev_buf_add(b, "{", 1);
    for (size_t q = 0; q < i && st == VG_OK; q++) {
        if (q)
            st = vg_ev_buf_add(b, ",", 1);
        if (st == VG_OK)
            st = put_string(b, names.p + m[q].key_off, m[q].key_len);
        if (st == VG_OK)
            st = vg_ev_buf_add(b, ":", 1);
        if (st == VG_OK)
            st = canon_value(b, vals[m[q].val_off], depth + 1, why);
    }
    if (st == VG_OK)
        st = vg_ev_buf_add(b, "}", 1);
    vg_ev_buf_free(&names);
    free(m);
    free(vals);
    return st;
}

static vg_status canon_value(vg_ev_buf *b, struct json_object *v, int depth, const char **why) {
    if (depth > MAX_DEPTH) {
        *why = "nested too deeply";
        return VG_E_FORMAT;
    }
    switch (json_object_get_type(v)) {
    case json_type_null:
        *why = "null value (absent members are omitted)";
        return VG_E_FORMAT;
    case json_type_boolean:
        return vg_ev_buf_str(b, json_object_get_boolean(v) ? "true" : "false");
    case json_type_double:
        *why = "number is not an integer";
        return VG_E_FORMAT;
    case json_type_int: {
        int64_t x = json_object_get_int64(v);
        if (!int_ok(x) || (x == INT64_MAX && json_object_get_uint64(v) != (uint64_t)INT64_MAX)) {
            *why = "integer outside +-(2^53-1)";
            return VG_E_FORMAT;
        }
        return put_int(b, x);
    }
    case json_type_string: {
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        if (!vg_ev_utf8_valid(s, n)) {
            *why = "string is not valid UTF-8";
            return VG_E_FORMAT;
        }
        return put_string(b, s, n);
    }
    case json_type_array: {
        size_t n = json_object_array_length(v);
        vg_status st = vg_ev_buf_add(b, "[", 1);
        for (size_t i = 0; i < n && st == VG_OK; i++) {
            if (i)
                st = vg_ev_buf_add(b, ",", 1);
            if (st == VG_OK)
                st = canon_value(b, json_object_array_get_idx(v, i), depth + 1, why);
        }
        return st == VG_OK ? vg_ev_buf_add(b, "]", 1) : st;
    }
    case json_type_object:
        return canon_object(b, v, depth, why);
    }
    *why = "unknown JSON type";
    return VG_E_FORMAT;
}

vg_status vg_ev_json_canon(void *jc_value, char **out, size_t *len, const char **why) {
    const char *dummy;
    vg_ev_buf b = {0};
    *out = NULL;
    *len = 0;
    vg_status st = canon_value(&b, jc_value, 0, why ? why : &dummy);
    if (st == VG_OK && !b.p)
        st = VG_E_NOMEM;
    if (st != VG_OK) {
        vg_ev_buf_free(&b);
        return st;
    }
    *out = b.p;
    *len = b.n;
    return VG_OK;
}

/* ---- the checker ---- */

vg_status vg_ev_json_check(const char *line, size_t n, void **parsed, const char **why) {
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    if (parsed)
        *parsed = NULL;
    if (n == 0 || n > (size_t)INT32_MAX || memchr(line, '\0', n)) {
        *why = n == 0 ? "empty line" : "NUL byte or line too long";
        return VG_E_FORMAT;
    }
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return VG_E_NOMEM;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *v = json_tokener_parse_ex(tok, line, (int)n);
    bool whole = v && json_tokener_get_error(tok) == json_tokener_success &&
                 json_tokener_get_parse_end(tok) == n;
    json_tokener_free(tok);
    if (!whole || !json_object_is_type(v, json_type_object)) {
        json_object_put(v);
        *why = whole ? "not a JSON object" : "not valid JSON";
        return VG_E_FORMAT;
    }
    char *canon = NULL;
    size_t clen = 0;
    vg_status st = vg_ev_json_canon(v, &canon, &clen, why);
    if (st == VG_OK && (clen != n || memcmp(canon, line, n) != 0)) {
        *why = "bytes differ from the canonical form";
        st = VG_E_FORMAT;
    }
    free(canon);
    if (st == VG_OK && parsed)
        *parsed = v;
    else
        json_object_put(v);
    return st;
}
