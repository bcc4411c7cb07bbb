/*
 * util.c — small helpers for the evidence component: base64, SHA-256, hex, UUIDs, times and
 * crash-safe writes (temporary name, fsync, rename, fsync of the folder).
 */
#define _GNU_SOURCE /* O_CLOEXEC with openat, vasprintf-free printf into buffers */
#include "ev_util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

vg_status vg_ev_buf_printf(vg_ev_buf *b, const char *fmt, ...) {
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started */
    int k = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (k < 0)
        return VG_E_INVAL;
    if ((size_t)k < sizeof small)
        return vg_ev_buf_add(b, small, (size_t)k);
    char *big = malloc((size_t)k + 1);
    if (!big)
        return VG_E_NOMEM;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started */
    vsnprintf(big, (size_t)k + 1, fmt, ap);
    va_end(ap);
    vg_status st = vg_ev_buf_add(b, big, (size_t)k);
    free(big);
    return st;
}

/* ---- base64 ---- */

vg_status vg_ev_b64(const void *bytes, size_t n, char **out) {
    *out = NULL;
    if (n > (size_t)INT32_MAX / 2)
        return VG_E_LIMIT;
    char *s = malloc(4 * ((n + 2) / 3) + 1);
    if (!s)
        return VG_E_NOMEM;
    EVP_EncodeBlock((unsigned char *)s, bytes, (int)n);
    *out = s;
    return VG_OK;
}

vg_status vg_ev_unb64(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen) {
    if (n == 0 || n % 4 != 0 || n > (size_t)INT32_MAX / 2 || (n / 4) * 3 > cap + 2)
        return VG_E_FORMAT;
    unsigned char *tmp = malloc(n / 4 * 3 + 1);
    if (!tmp)
        return VG_E_NOMEM;
    int k = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)n);
    size_t pad = (size_t)(s[n - 1] == '=') + (size_t)(s[n - 2] == '=');
    vg_status st = VG_E_FORMAT;
    if (k >= 0 && (size_t)k >= pad && (size_t)k - pad <= cap) {
        size_t len = (size_t)k - pad;
        char *again = NULL;
        /* Canonical only: re-encoding must give the same text (no stray bits, no spaces). */
        if (vg_ev_b64(tmp, len, &again) == VG_OK && strlen(again) == n && !memcmp(again, s, n)) {
            memcpy(out, tmp, len);
            *outlen = len;
            st = VG_OK;
        }
        free(again);
    }
    free(tmp);
    return st;
}

/* ---- digests, hex ---- */

vg_status vg_ev_sha256(const void *a, size_t an, const void *b, size_t bn, const void *c, size_t cn,
                       uint8_t out[32]) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned len = 0;
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
              (!an || EVP_DigestUpdate(ctx, a, an)) && (!bn || EVP_DigestUpdate(ctx, b, bn)) &&
              (!cn || EVP_DigestUpdate(ctx, c, cn)) && EVP_DigestFinal_ex(ctx, out, &len);
    EVP_MD_CTX_free(ctx);
    return ok && len == 32 ? VG_OK : VG_E_CRYPTO;
}

void vg_ev_hex(const uint8_t *bytes, size_t n, char *out) {
    static const char hexd[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hexd[bytes[i] >> 4];
        out[2 * i + 1] = hexd[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool vg_ev_unhex(const char *s, size_t slen, uint8_t *out, size_t n) {
    if (slen != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* ---- UUIDs ---- */

static void uuid_text(const uint8_t id[16], char text[37]) {
    char hex[33];
    vg_ev_hex(id, 16, hex);
    snprintf(text, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

vg_status vg_ev_uuid_new(uint8_t id[16], char text[37]) {
    if (RAND_bytes(id, 16) != 1)
        return VG_E_CRYPTO;
    id[6] = (uint8_t)((id[6] & 0x0f) | 0x40);
    id[8] = (uint8_t)((id[8] & 0x3f) | 0x80);
    uuid_text(id, text);
    return VG_OK;
}

bool vg_ev_uuid_parse(const char *text, uint8_t id[16]) {
    char again[37];
    char hex[33];
    if (strlen(text) != 36)
        return false;
    size_t k = 0;
    for (size_t i = 0; i < 36; i++)
        if (i != 8 && i != 13 && i != 18 && i != 23)
            hex[k++] = text[i];
    hex[32] = '\0';
    if (!vg_ev_unhex(hex, 32, id, 16))
        return false;
    uuid_text(id, again);
    return strcmp(again, text) == 0;
}

/* ---- time ---- */

void vg_ev_time_now(char out[31], char *stamp) {
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char tmp[96];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts.tv_nsec);
    snprintf(out, 31, "%.30s", tmp);
    if (stamp) {
        snprintf(tmp, sizeof tmp, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        snprintf(stamp, 17, "%.16s", tmp);
    }
}

/* ---- files ---- */

vg_status vg_ev_write_fd(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return VG_E_IO;
        c += k;
        n -= (size_t)k;
    }
    return VG_OK;
}

vg_status vg_ev_write_atomic(int dirfd, const char *name, const void *data, size_t n) {
    char tmp[512];
    int k = snprintf(tmp, sizeof tmp, "%s.tmp", name);
    if (k < 0 || (size_t)k >= sizeof tmp)
        return VG_E_INVAL;
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return VG_E_IO;
    vg_status st = vg_ev_write_fd(fd, data, n);
    if (st == VG_OK && fsync(fd) != 0)
        st = VG_E_IO;
    if (close(fd) != 0 && st == VG_OK)
        st = VG_E_IO;
    if (st == VG_OK && renameat(dirfd, tmp, dirfd, name) != 0)
        st = VG_E_IO;
    if (st != VG_OK) {
        int e = errno;
        unlinkat(dirfd, tmp, 0);
        errno = e;
        return st;
    }
    return fsync(dirfd) == 0 ? VG_OK : VG_E_IO;
}

vg_status vg_ev_read_all(int dirfd, const char *name, size_t cap, char **out, size_t *n) {
    *out = NULL;
    *n = 0;
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return VG_E_IO;
    }
    if ((uint64_t)sb.st_size > cap) {
        close(fd);
        return VG_E_LIMIT;
    }
    size_t want = (size_t)sb.st_size, got = 0;
    char *p = malloc(want + 1);
    if (!p) {
        close(fd);
        return VG_E_NOMEM;
    }
    while (got < want) {
        ssize_t k = read(fd, p + got, want - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            break;
        got += (size_t)k;
    }
    close(fd);
    if (got != want) {
        free(p);
        return VG_E_IO;
    }
    p[got] = '\0';
    *out = p;
    *n = got;
    return VG_OK;
}

vg_status vg_ev_sha256_file(int dirfd, const char *name, uint8_t out[32], uint64_t *size) {
    int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? VG_E_NOTFOUND : VG_E_IO;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    char *buf = malloc(1u << 16);
    uint64_t total = 0;
    vg_status st = ctx && buf && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ? VG_OK : VG_E_NOMEM;
    while (st == VG_OK) {
        ssize_t k = read(fd, buf, 1u << 16);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            st = VG_E_IO;
        if (k <= 0)
            break;
        total += (uint64_t)k;
        if (!EVP_DigestUpdate(ctx, buf, (size_t)k))
            st = VG_E_CRYPTO;
    }
    unsigned len = 0;
    if (st == VG_OK && (!EVP_DigestFinal_ex(ctx, out, &len) || len != 32))
        st = VG_E_CRYPTO;
    if (size)
        *size = total;
    EVP_MD_CTX_free(ctx);
    free(buf);
    close(fd);
    return st;
}

vg_status vg_ev_digtab_add(vg_ev_digtab *t, uint64_t seq, const uint8_t sha256[32]) {
    if (t->n && t->v[t->n - 1].seq >= seq)
        return VG_E_INVAL;
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 16;
        struct vg_ev_seqdig *g = realloc(t->v, cap * sizeof *g);
        if (!g)
            return VG_E_NOMEM;
        t->v = g;
        t->cap = cap;
    }
    t->v[t->n].seq = seq;
    memcpy(t->v[t->n++].sha256, sha256, 32);
    return VG_OK;
}

const uint8_t *vg_ev_digtab_find(const vg_ev_digtab *t, uint64_t seq) {
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].seq == seq)
            return t->v[mid].sha256;
        if (t->v[mid].seq < seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void vg_ev_digtab_free(vg_ev_digtab *t) {
    free(t->v);
    memset(t, 0, sizeof *t);
}
