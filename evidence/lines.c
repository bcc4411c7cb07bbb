/*
 * lines.c — bounded reading of report files that may be hostile: one line at a time with a
 * maximum length (a record longer than VG_EV_MAX_LINE is refused without being read into
 * memory), and a streamed comparison of a file with bytes in memory. verify, the CASE export
 * and the seal use them so that memory stays bounded whatever the size of the files.
 */
#define _GNU_SOURCE /* O_CLOEXEC */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev_util.h"

vg_status vg_ev_lines_open(vg_ev_lines *l, int dirfd, const char *name, size_t max) {
    memset(l, 0, sizeof *l);
    l->fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (l->fd < 0)
        return errno == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    l->max = max;
    l->cap = 1u << 16;
    l->buf = malloc(l->cap);
    return l->buf ? VG_OK : VG_E_NOMEM;
}

/* Refill: move the unread tail to the front and read more; *got 0 at end of file. */
static vg_status refill(vg_ev_lines *l, size_t *got) {
    if (l->pos > 0) {
        memmove(l->buf, l->buf + l->pos, l->len - l->pos);
        l->len -= l->pos;
        l->pos = 0;
    }
    if (l->len == l->cap) {
        size_t cap = l->cap * 2 > l->max + 1 ? l->max + 1 : l->cap * 2;
        char *g = cap > l->cap ? realloc(l->buf, cap) : NULL;
        if (!g)
            return cap > l->cap ? VG_E_NOMEM : VG_E_LIMIT;
        l->buf = g;
        l->cap = cap;
    }
    for (;;) {
        ssize_t k = read(l->fd, l->buf + l->len, l->cap - l->len);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return VG_E_IO;
        l->len += (size_t)k;
        *got = (size_t)k;
        return VG_OK;
    }
}

vg_status vg_ev_lines_next(vg_ev_lines *l, const char **line, size_t *n, bool *lf) {
    size_t scanned = 0;
    for (;;) {
        const char *start = l->buf + l->pos;
        size_t avail = l->len - l->pos;
        const char *nl = memchr(start + scanned, '\n', avail - scanned);
        if (nl) {
            *line = start;
            *n = (size_t)(nl - start);
            *lf = true;
            l->pos += *n + 1;
            return *n > l->max ? VG_E_LIMIT : VG_OK;
        }
        if (avail > l->max)
            return VG_E_LIMIT;
        scanned = avail;
        size_t got = 0;
        vg_status st = refill(l, &got);
        if (st != VG_OK)
            return st;
        if (got == 0) {
            if (l->len == l->pos)
                return VG_E_NOTFOUND;
            *line = l->buf + l->pos;
            *n = l->len - l->pos;
            *lf = false;
            l->pos = l->len;
            return VG_OK;
        }
    }
}

void vg_ev_lines_close(vg_ev_lines *l) {
    if (l->fd >= 0)
        close(l->fd);
    free(l->buf);
    memset(l, 0, sizeof *l);
    l->fd = -1;
}

vg_status vg_ev_file_equals(int dirfd, const char *name, const void *p, size_t n, bool *equal) {
    *equal = false;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    struct stat sb;
    char *buf = malloc(1u << 16);
    vg_status st = buf && fstat(fd, &sb) == 0 ? VG_OK : (buf ? VG_E_IO : VG_E_NOMEM);
    size_t off = 0;
    bool same = st == VG_OK && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size == n;
    while (st == VG_OK && same) {
        ssize_t k = read(fd, buf, 1u << 16);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            st = VG_E_IO;
        if (k <= 0)
            break;
        same = (size_t)k <= n - off && memcmp(buf, (const char *)p + off, (size_t)k) == 0;
        off += (size_t)k;
    }
    *equal = st == VG_OK && same && off == n;
    free(buf);
    close(fd);
    return st;
}
