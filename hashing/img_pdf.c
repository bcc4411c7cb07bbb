/*
 * img_pdf.c — finding the JPEG images stored inside a PDF, without rendering or parsing it.
 *
 * A PDF keeps a JPEG photo as a stream whose only filter is DCTDecode: the stream's bytes are
 * the JPEG file itself (ISO 32000-1, 7.4.8). Each `stream` keyword is found by a forward
 * search; the dictionary before it (back to its object's `obj` keyword, at most DICT_MAX bytes)
 * must name /DCTDecode and the data must start with a JPEG SOI. The data's length is the
 * dictionary's direct /Length when that lands on `endstream`, else the bytes up to the next
 * `endstream` (an indirect `/Length 12 0 R` is not resolved: that needs the xref table, which
 * a damaged or hostile file may not have). Streams with another filter before DCTDecode
 * (Flate then DCT), encrypted files and images in compressed object streams' filters do not
 * start with SOI and are passed over. Nothing is allocated; every index is checked against n.
 */
#include <string.h>

#include "img_impl.h"

#define DICT_MAX 4096u /* a stream dictionary larger than this is not looked into */

/* First occurrence of s (len k) in b[from, n), or n. */
static size_t find(const uint8_t *b, size_t n, size_t from, const char *s, size_t k) {
    if (k == 0 || n < k)
        return n;
    for (size_t i = from; i + k <= n; i++) {
        const uint8_t *p = memchr(b + i, s[0], n - k + 1 - i);
        if (!p)
            return n;
        i = (size_t)(p - b);
        if (memcmp(p, s, k) == 0)
            return i;
    }
    return n;
}

/* Last occurrence of s (len k) in b[from, to), or to. */
static size_t rfind(const uint8_t *b, size_t from, size_t to, const char *s, size_t k) {
    for (size_t i = to; i >= from + k; i--)
        if (memcmp(b + i - k, s, k) == 0)
            return i - k;
    return to;
}

static bool is_delim(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\0' || c == '/' ||
           c == '<' || c == '>' || c == '[' || c == ']' || c == '(' || c == ')';
}

/* The direct value of /Length in d[0, n), or -1 when absent or an indirect reference. */
static long long direct_length(const uint8_t *d, size_t n) {
    size_t k = find(d, n, 0, "/Length", 7);
    if (k == n || k + 7 >= n || !is_delim(d[k + 7]))
        return -1;
    size_t i = k + 7;
    while (i < n && (d[i] == ' ' || d[i] == '\r' || d[i] == '\n' || d[i] == '\t'))
        i++;
    long long v = 0;
    size_t digits = 0;
    for (; i < n && d[i] >= '0' && d[i] <= '9' && digits < 15; i++, digits++)
        v = v * 10 + (d[i] - '0');
    if (digits == 0)
        return -1;
    while (i < n && (d[i] == ' ' || d[i] == '\r' || d[i] == '\n'))
        i++;
    if (i < n && d[i] >= '0' && d[i] <= '9')
        return -1; /* "12 0 R": indirect */
    return v;
}

/* Whether the dictionary names DCTDecode as a filter (the data's SOI is checked separately). */
static bool names_dct(const uint8_t *d, size_t n) {
    size_t k = find(d, n, 0, "/DCTDecode", 10);
    return k < n && (k + 10 == n || is_delim(d[k + 10]));
}

/* Bytes of the stream starting at data: the direct length if it ends at `endstream`, else up
 * to the next `endstream` less its end-of-line. 0 when there is no end. */
static size_t stream_len(const uint8_t *b, size_t n, size_t data, long long direct) {
    if (direct > 0 && (unsigned long long)direct <= n - data) {
        size_t e = data + (size_t)direct;
        while (e < n && (b[e] == '\r' || b[e] == '\n' || b[e] == ' '))
            e++;
        if (e + 9 <= n && memcmp(b + e, "endstream", 9) == 0)
            return (size_t)direct;
    }
    size_t e = find(b, n, data, "endstream", 9);
    if (e == n)
        return 0;
    if (e > data && b[e - 1] == '\n')
        e--;
    if (e > data && b[e - 1] == '\r')
        e--;
    return e - data;
}

vg_status vg_img_pdf_next_jpeg(const void *buf, size_t n, size_t *pos, size_t *off, size_t *len) {
    const uint8_t *b = buf;
    *off = 0;
    *len = 0;
    if (!b || *pos >= n)
        return VG_E_NOTFOUND;
    size_t at = *pos;
    for (;;) {
        size_t s = find(b, n, at, "stream", 6);
        if (s == n) {
            *pos = n;
            return VG_E_NOTFOUND;
        }
        at = s + 6;
        if ((s >= 3 && memcmp(b + s - 3, "end", 3) == 0) || s == 0 || !is_delim(b[s - 1]))
            continue; /* "endstream", or part of a longer word */
        size_t data = s + 6;
        if (data < n && b[data] == '\r')
            data++;
        if (data < n && b[data] == '\n')
            data++;
        if (data == s + 6 || n - data < 4 || b[data] != 0xff || b[data + 1] != 0xd8 ||
            b[data + 2] != 0xff)
            continue;
        size_t from = s > DICT_MAX ? s - DICT_MAX : 0;
        size_t o = rfind(b, from, s, "obj", 3);
        size_t dstart = o == s ? from : o + 3;
        if (!names_dct(b + dstart, s - dstart))
            continue;
        size_t l = stream_len(b, n, data, direct_length(b + dstart, s - dstart));
        if (l < 4)
            continue;
        *off = data;
        *len = l;
        *pos = data + l;
        return VG_OK;
    }
}
