/*
 * pathfmt.c — escaping of file names for every output vigil prints.
 *
 * File names are arbitrary bytes. A raw newline would forge an extra record in line-based
 * output, and invalid UTF-8 breaks JSON, so each output format has one escaping rule here,
 * modelled on what coreutils does (sha256sum's leading-backslash lines, ls's shell-escape).
 */
#include "pathfmt.h"

#include <string.h>

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
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

bool vg_utf8_valid(const char *s, size_t n) {
    const unsigned char *p = (const unsigned char *)s;
    while (n > 0) {
        size_t k = utf8_seq(p, n);
        if (k == 0)
            return false;
        p += k;
        n -= k;
    }
    return true;
}

static bool is_ctl(unsigned char c) {
    return c < 0x20 || c == 0x7f;
}

/* A control character in a valid k-byte sequence at p: C0, DEL or C1 (U+0080..U+009F, which
 * some terminals obey as escape sequences). */
static bool seq_ctl(const unsigned char *p, size_t k) {
    return (k == 1 && is_ctl(p[0])) || (k == 2 && p[0] == 0xc2 && p[1] < 0xa0);
}

/* ---- sha256sum style ---- */

/* True if name is valid UTF-8 without control characters. */
static bool plain_name(const char *name) {
    const unsigned char *p = (const unsigned char *)name;
    size_t n = strlen(name);
    while (n > 0) {
        size_t k = utf8_seq(p, n);
        if (k == 0 || seq_ctl(p, k))
            return false;
        p += k;
        n -= k;
    }
    return true;
}

bool vg_sum_needs_escape(const char *name) {
    return !plain_name(name) || strchr(name, '\\') != NULL;
}

void vg_sum_write_name(FILE *f, const char *name) {
    const unsigned char *p = (const unsigned char *)name;
    size_t n = strlen(name);
    while (n > 0) {
        size_t k = utf8_seq(p, n);
        if (k == 1 && *p == '\\')
            fputs("\\\\", f);
        else if (k == 1 && *p == '\n')
            fputs("\\n", f);
        else if (k == 1 && *p == '\r')
            fputs("\\r", f);
        else if (k == 0 || (k == 1 && is_ctl(*p)))
            fprintf(f, "\\x%02x", *p);
        else if (seq_ctl(p, k))
            fprintf(f, "\\x%02x\\x%02x", p[0], p[1]);
        else
            fwrite(p, 1, k, f);
        k = k ? k : 1;
        p += k;
        n -= k;
    }
}

/* ---- ls shell-escape style ---- */

void vg_shell_write_name(FILE *f, const char *name) {
    size_t n = strlen(name);
    if (plain_name(name)) {
        fputs(name, f);
        return;
    }
    const unsigned char *p = (const unsigned char *)name;
    bool quoted = false; /* inside a '...' run */
    while (n > 0) {
        size_t k = utf8_seq(p, n);
        if (k == 2 && seq_ctl(p, k)) {
            if (quoted)
                fputc('\'', f);
            quoted = false;
            fprintf(f, "$'\\%03o\\%03o'", p[0], p[1]);
        } else if (k == 0 || (k == 1 && is_ctl(*p))) {
            if (quoted)
                fputc('\'', f);
            quoted = false;
            if (*p == '\n')
                fputs("$'\\n'", f);
            else if (*p == '\r')
                fputs("$'\\r'", f);
            else if (*p == '\t')
                fputs("$'\\t'", f);
            else
                fprintf(f, "$'\\%03o'", *p);
            k = 1;
        } else {
            if (!quoted)
                fputc('\'', f);
            quoted = true;
            if (*p == '\'')
                fputs("'\\''", f);
            else
                fwrite(p, 1, k, f);
        }
        p += k;
        n -= k;
    }
    if (quoted)
        fputc('\'', f);
}

/* ---- JSON ---- */

void vg_json_write_str(FILE *f, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    fputc('"', f);
    while (n > 0) {
        size_t k = utf8_seq(p, n);
        if (k == 0) {
            fputs("\\ufffd", f);
            k = 1;
        } else if (*p == '"' || *p == '\\') {
            fputc('\\', f);
            fputc(*p, f);
        } else if (*p == '\n') {
            fputs("\\n", f);
        } else if (*p == '\r') {
            fputs("\\r", f);
        } else if (*p == '\t') {
            fputs("\\t", f);
        } else if (*p == '\b') {
            fputs("\\b", f);
        } else if (*p == '\f') {
            fputs("\\f", f);
        } else if (seq_ctl(p, k)) {
            fprintf(f, "\\u%04x", k == 1 ? *p : p[1]);
        } else {
            fwrite(p, 1, k, f);
        }
        p += k;
        n -= k;
    }
    fputc('"', f);
}

void vg_json_write_b64(FILE *f, const unsigned char *s, size_t n) {
    static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    fputc('"', f);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        fputc(t[(v >> 18) & 63], f);
        fputc(t[(v >> 12) & 63], f);
        fputc(i + 1 < n ? t[(v >> 6) & 63] : '=', f);
        fputc(i + 2 < n ? t[v & 63] : '=', f);
    }
    fputc('"', f);
}
