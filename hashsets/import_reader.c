/*
 * import_reader.c — the streaming reader under every importer: one fixed buffer, lines of at
 * most VG_HSET_LINE_MAX bytes (longer ones are consumed without being stored), pieces for the
 * JSON parser, and a SHA-256 of every byte read so the report can name the exact list used.
 * Memory stays at RD_BUF whatever the file size.
 */
#include "import_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- lifetime ---- */

static vg_status fill(imp_reader *r);

vg_status rd_open(imp_reader *r, const char *path) {
    memset(r, 0, sizeof *r);
    r->fd = -1;
    r->buf = malloc(RD_BUF + 1);
    r->sha = EVP_MD_CTX_new();
    if (!r->buf || !r->sha)
        return VG_E_NOMEM;
    if (!EVP_DigestInit_ex2(r->sha, EVP_sha256(), NULL))
        return VG_E_CRYPTO;
    if (!strcmp(path, "-")) {
        r->fd = STDIN_FILENO;
    } else {
        r->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (r->fd < 0)
            return VG_E_IO;
        r->own_fd = true;
    }
    while (!r->eof && r->end < RD_BUF) {
        vg_status st = fill(r);
        if (st != VG_OK)
            return st;
    }
    return VG_OK;
}

void rd_close(imp_reader *r) {
    if (r->own_fd && r->fd >= 0)
        close(r->fd);
    free(r->buf);
    EVP_MD_CTX_free(r->sha);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}

/* Move unread bytes to the front and read more after them. */
static vg_status fill(imp_reader *r) {
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    if (r->end == RD_BUF || r->eof)
        return VG_OK;
    ssize_t got;
    do {
        got = read(r->fd, r->buf + r->end, RD_BUF - r->end);
    } while (got < 0 && errno == EINTR);
    if (got < 0)
        return VG_E_IO;
    if (got == 0) {
        r->eof = true;
        return VG_OK;
    }
    if (!EVP_DigestUpdate(r->sha, r->buf + r->end, (size_t)got))
        return VG_E_CRYPTO;
    r->end += (size_t)got;
    r->bytes += (uint64_t)got;
    return VG_OK;
}

void rd_skip_bom(imp_reader *r) {
    if (r->end - r->pos >= 3 && !memcmp(r->buf + r->pos, "\xEF\xBB\xBF", 3))
        r->pos += 3;
}

/* ---- lines ---- */

/* Drop bytes up to and including the next line end (or to the end of input). */
static vg_status discard_line(imp_reader *r) {
    for (;;) {
        unsigned char *lf = memchr(r->buf + r->pos, '\n', r->end - r->pos);
        if (lf) {
            r->pos = (size_t)(lf - r->buf) + 1;
            return VG_OK;
        }
        r->pos = r->end;
        if (r->eof)
            return VG_OK;
        vg_status st = fill(r);
        if (st != VG_OK)
            return st;
    }
}

vg_status rd_line(imp_reader *r, char **p, size_t *n, uint64_t *lineno, int *flags) {
    *p = NULL;
    *n = 0;
    *flags = 0;
    for (;;) {
        unsigned char *start = r->buf + r->pos;
        size_t avail = r->end - r->pos;
        unsigned char *lf = memchr(start, '\n', avail);
        size_t len = lf ? (size_t)(lf - start) : avail;
        if (len > VG_HSET_LINE_MAX) {
            *flags = RD_TOOLONG;
            *lineno = ++r->nl;
            *p = (char *)start;
            return discard_line(r);
        }
        if (lf || (r->eof && avail > 0)) {
            start[len] = '\0'; /* the LF, or the spare byte after the buffer */
            r->pos += lf ? len + 1 : len;
            if (len > 0 && start[len - 1] == '\r')
                start[--len] = '\0';
            if (memchr(start, '\0', len))
                *flags = RD_NUL;
            *p = (char *)start;
            *n = len;
            *lineno = ++r->nl;
            return VG_OK;
        }
        if (r->eof)
            return VG_OK;
        vg_status st = fill(r);
        if (st != VG_OK)
            return st;
    }
}

vg_status rd_chunk(imp_reader *r, const unsigned char **p, size_t *n, uint64_t *lineno) {
    *p = NULL;
    *n = 0;
    if (r->pos == r->end) {
        vg_status st = fill(r);
        if (st != VG_OK)
            return st;
        if (r->pos == r->end)
            return VG_OK;
    }
    unsigned char *start = r->buf + r->pos;
    size_t avail = r->end - r->pos;
    unsigned char *lf = memchr(start, '\n', avail);
    size_t len = lf ? (size_t)(lf - start) + 1 : avail;
    *lineno = r->nl + 1;
    if (lf)
        r->nl++;
    r->pos += len;
    *p = start;
    *n = len;
    return VG_OK;
}

vg_status rd_finish(imp_reader *r, uint8_t sha256[32]) {
    while (!r->eof) {
        r->pos = r->end;
        vg_status st = fill(r);
        if (st != VG_OK)
            return st;
    }
    unsigned int len = 0;
    if (!EVP_DigestFinal_ex(r->sha, sha256, &len) || len != 32)
        return VG_E_CRYPTO;
    return VG_OK;
}

vg_status rd_bytes(imp_reader *r, size_t n, const unsigned char **p, size_t *got) {
    *p = NULL;
    *got = 0;
    while (r->end - r->pos < n && !r->eof) {
        vg_status st = fill(r);
        if (st != VG_OK)
            return st;
    }
    size_t avail = r->end - r->pos;
    *got = avail < n ? avail : n;
    *p = r->buf + r->pos;
    r->pos += *got;
    return VG_OK;
}
