/*
 * vhs_write.c — sorting, merging and writing a .vhs index (layout: vhs_format.h).
 *
 * Each type's records are sorted in place by (key, entry) and exact duplicates dropped, so a
 * key named by several lists or categories keeps one entry for each, contiguous. The sections
 * are then streamed to a temporary file in order while the body's SHA-256 is computed; the
 * multi-index tables are built one at a time (a counting sort per 16-bit chunk) so only one
 * table is ever in memory. The header goes in last, then fsync, rename, fsync of the directory.
 */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hset_build_impl.h"

#define WBUF (1u << 20)

/* ---- a buffered, hashing writer ---- */

struct writer {
    vg_hset_build *b;
    int fd;
    uint64_t off; /* bytes written so far (file offset) */
    EVP_MD_CTX *sha;
    uint8_t *buf;
    size_t n;
};

static vg_status w_flush(struct writer *w) {
    size_t done = 0;
    if (w->n && !EVP_DigestUpdate(w->sha, w->buf, w->n))
        return vg_hset_build_fail(w->b, VG_E_CRYPTO, "SHA-256 failed");
    while (done < w->n) {
        ssize_t k = write(w->fd, w->buf + done, w->n - done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return vg_hset_build_fail(w->b, VG_E_IO, "write: %s", strerror(k < 0 ? errno : EIO));
        done += (size_t)k;
    }
    w->n = 0;
    return VG_OK;
}

static vg_status w_bytes(struct writer *w, const void *p, size_t n) {
    const uint8_t *s = p;
    while (n) {
        size_t k = WBUF - w->n < n ? WBUF - w->n : n;
        memcpy(w->buf + w->n, s, k);
        w->n += k;
        w->off += k;
        s += k;
        n -= k;
        if (w->n == WBUF) {
            vg_status st = w_flush(w);
            if (st != VG_OK)
                return st;
        }
    }
    return VG_OK;
}

static vg_status w_u32(struct writer *w, uint32_t v) {
    return w_bytes(w, &v, sizeof v);
}

/* Pad with zeros to the next VHS_ALIGN boundary. */
static vg_status w_align(struct writer *w) {
    static const uint8_t zero[VHS_ALIGN];
    size_t pad = (size_t)((VHS_ALIGN - w->off % VHS_ALIGN) % VHS_ALIGN);
    return w_bytes(w, zero, pad);
}

/* Start section s at the current (aligned) offset. */
static vg_status sec_begin(struct writer *w, struct vhs_header *h, int s) {
    vg_status st = w_align(w);
    h->sec[s].offset = w->off;
    return st;
}

static void sec_end(struct writer *w, struct vhs_header *h, int s, uint64_t count) {
    h->sec[s].size = w->off - h->sec[s].offset;
    h->sec[s].count = count;
}

/* ---- sorting and merging ---- */

static int cmp32(const void *a, const void *b) {
    return memcmp(a, b, 32);
}
static int cmp36(const void *a, const void *b) {
    return memcmp(a, b, 36);
}
static int cmp48(const void *a, const void *b) {
    return memcmp(a, b, 48);
}

/* Sort a's records by (key, entry bytes), drop exact duplicates, and list where each unique
 * key starts: (*starts)[i] for i < *n_keys, plus (*starts)[*n_keys] = a->n. */
static vg_status sort_merge(vg_hset_build *b, struct rec_array *a, uint32_t **starts,
                            size_t *n_keys) {
    int (*cmp)(const void *, const void *) = a->size == 32 ? cmp32 : a->size == 36 ? cmp36 : cmp48;
    if (a->n > 1)
        qsort(a->v, a->n, a->size, cmp);
    size_t n = 0, k = 0;
    for (size_t i = 0; i < a->n; i++) {
        if (n && memcmp(a->v + (n - 1) * a->size, a->v + i * a->size, a->size) == 0)
            continue;
        if (n != i)
            memcpy(a->v + n * a->size, a->v + i * a->size, a->size);
        n++;
    }
    a->n = n;
    for (size_t i = 0; i < n; i++)
        if (!i || memcmp(a->v + (i - 1) * a->size, a->v + i * a->size, a->klen) != 0)
            k++;
    *starts = malloc((k + 1) * sizeof **starts);
    if (!*starts)
        return vg_hset_build_fail(b, VG_E_NOMEM, "out of memory (merging)");
    k = 0;
    for (size_t i = 0; i < n; i++)
        if (!i || memcmp(a->v + (i - 1) * a->size, a->v + i * a->size, a->klen) != 0)
            (*starts)[k++] = (uint32_t)i;
    (*starts)[k] = (uint32_t)n;
    *n_keys = k;
    return VG_OK;
}

/* Prefix bits for the bucket table: about 4 keys per bucket, at most 2^24 buckets. */
static uint32_t bucket_bits(size_t n) {
    uint32_t bits = 0;
    while (bits < 24 && ((size_t)1 << (bits + 2)) < n)
        bits++;
    return bits;
}

/* ---- sections ---- */

static vg_status write_digest(struct writer *w, struct vhs_header *h, int d,
                              const struct rec_array *a, const uint32_t *starts, size_t nk,
                              uint32_t ebase) {
    vg_status st;
    if ((st = sec_begin(w, h, VHS_S_KEYS(d))) != VG_OK)
        return st;
    for (size_t i = 0; i < nk; i++)
        if ((st = w_bytes(w, a->v + (size_t)starts[i] * a->size, a->klen)) != VG_OK)
            return st;
    sec_end(w, h, VHS_S_KEYS(d), nk);

    uint32_t bits = bucket_bits(nk);
    if ((st = sec_begin(w, h, VHS_S_BUCKETS(d))) != VG_OK)
        return st;
    size_t i = 0;
    for (uint32_t p = 0; p <= (1u << bits); p++) {
        while (i < nk && vhs_prefix(a->v + (size_t)starts[i] * a->size, bits) < p)
            i++;
        if ((st = w_u32(w, (uint32_t)i)) != VG_OK)
            return st;
    }
    sec_end(w, h, VHS_S_BUCKETS(d), (1u << bits) + 1);
    h->sec[VHS_S_BUCKETS(d)].param = bits;

    if ((st = sec_begin(w, h, VHS_S_ERANGE(d))) != VG_OK)
        return st;
    for (i = 0; i <= nk; i++)
        if ((st = w_u32(w, ebase + starts[i])) != VG_OK)
            return st;
    sec_end(w, h, VHS_S_ERANGE(d), nk + 1);
    return VG_OK;
}

/* The 16 multi-index tables, one counting sort each, through reused ids and pair buffers. */
static vg_status write_mih(struct writer *w, struct vhs_header *h, const struct rec_array *a,
                           const uint32_t *starts, size_t nk) {
    vg_status st = VG_OK;
    uint32_t *off = malloc((VHS_MIH_KEYS + 1) * sizeof *off);
    uint32_t *pos = malloc(VHS_MIH_KEYS * sizeof *pos);
    uint32_t *ids = malloc((nk ? nk : 1) * sizeof *ids);
    uint16_t *pair = calloc(nk + 1, sizeof *pair); /* + 1: the pad of an odd count */
    if (!off || !pos || !ids || !pair) {
        st = vg_hset_build_fail(w->b, VG_E_NOMEM, "out of memory (multi-index)");
        goto done;
    }
    if ((st = sec_begin(w, h, VHS_S_MIH)) != VG_OK)
        goto done;
    for (unsigned k = 0; k < VHS_MIH_CHUNKS && nk > 0; k++) {
        memset(off, 0, (VHS_MIH_KEYS + 1) * sizeof *off);
        for (size_t i = 0; i < nk; i++)
            off[vhs_chunk(a->v + (size_t)starts[i] * a->size, k) + 1]++;
        for (size_t v = 0; v < VHS_MIH_KEYS; v++)
            off[v + 1] += off[v];
        memcpy(pos, off, VHS_MIH_KEYS * sizeof *pos);
        for (size_t i = 0; i < nk; i++) {
            const uint8_t *code = a->v + (size_t)starts[i] * a->size;
            uint32_t p = pos[vhs_chunk(code, k)]++;
            ids[p] = (uint32_t)i;
            pair[p] = (uint16_t)vhs_chunk(code, k ^ 1u);
        }
        if ((st = w_bytes(w, off, (VHS_MIH_KEYS + 1) * sizeof *off)) != VG_OK ||
            (st = w_bytes(w, ids, nk * sizeof *ids)) != VG_OK ||
            (st = w_bytes(w, pair, (nk + (nk & 1)) * sizeof *pair)) != VG_OK)
            goto done;
    }
    sec_end(w, h, VHS_S_MIH, nk);
    h->sec[VHS_S_MIH].param = VHS_MIH_CHUNKS;
done:
    free(pair);
    free(ids);
    free(pos);
    free(off);
    return st;
}

static vg_status write_head_sections(struct writer *w, struct vhs_header *h) {
    vg_hset_build *b = w->b;
    vg_status st;
    if ((st = sec_begin(w, h, VHS_S_STRTAB)) != VG_OK ||
        (st = w_bytes(w, b->str, b->str_n)) != VG_OK)
        return st;
    sec_end(w, h, VHS_S_STRTAB, b->str_n);
    if ((st = sec_begin(w, h, VHS_S_LISTS)) != VG_OK ||
        (st = w_bytes(w, b->lists, b->n_lists * sizeof *b->lists)) != VG_OK)
        return st;
    sec_end(w, h, VHS_S_LISTS, b->n_lists);
    if ((st = sec_begin(w, h, VHS_S_CATS)) != VG_OK ||
        (st = w_bytes(w, b->cats, b->n_cats * sizeof *b->cats)) != VG_OK)
        return st;
    sec_end(w, h, VHS_S_CATS, b->n_cats);
    if ((st = sec_begin(w, h, VHS_S_ENTRIES)) != VG_OK)
        return st;
    uint64_t n = 0;
    for (int t = 0; t < BT_N; t++) {
        const struct rec_array *a = &b->rec[t];
        for (size_t i = 0; i < a->n; i++)
            if ((st = w_bytes(w, a->v + i * a->size + a->klen, sizeof(struct vhs_entry))) != VG_OK)
                return st;
        n += a->n;
    }
    sec_end(w, h, VHS_S_ENTRIES, n);
    return VG_OK;
}

static vg_status write_body(struct writer *w, struct vhs_header *h) {
    vg_hset_build *b = w->b;
    uint32_t *starts[BT_N] = {NULL};
    size_t nk[BT_N] = {0};
    vg_status st = VG_OK;
    for (int t = 0; t < BT_N && st == VG_OK; t++)
        st = sort_merge(b, &b->rec[t], &starts[t], &nk[t]);
    if (st == VG_OK &&
        (uint64_t)b->rec[0].n + b->rec[1].n + b->rec[2].n + b->rec[3].n >= UINT32_MAX)
        st = vg_hset_build_fail(b, VG_E_LIMIT, "more than 2^32 - 1 entries");
    if (st == VG_OK)
        st = write_head_sections(w, h);
    uint32_t ebase = 0;
    for (int d = 0; d < VHS_D_N && st == VG_OK; d++) {
        st = write_digest(w, h, d, &b->rec[d], starts[d], nk[d], ebase);
        ebase += (uint32_t)b->rec[d].n;
    }
    const struct rec_array *p = &b->rec[BT_PDQ];
    if (st == VG_OK && (st = sec_begin(w, h, VHS_S_PDQ_CODES)) == VG_OK) {
        for (size_t i = 0; i < nk[BT_PDQ] && st == VG_OK; i++)
            st = w_bytes(w, p->v + (size_t)starts[BT_PDQ][i] * p->size, VHS_PDQ_LEN);
        sec_end(w, h, VHS_S_PDQ_CODES, nk[BT_PDQ]);
    }
    if (st == VG_OK && (st = sec_begin(w, h, VHS_S_PDQ_ERANGE)) == VG_OK) {
        for (size_t i = 0; i <= nk[BT_PDQ] && st == VG_OK; i++)
            st = w_u32(w, ebase + starts[BT_PDQ][i]);
        sec_end(w, h, VHS_S_PDQ_ERANGE, nk[BT_PDQ] + 1);
    }
    if (st == VG_OK)
        st = write_mih(w, h, p, starts[BT_PDQ], nk[BT_PDQ]);
    if (st == VG_OK)
        st = w_align(w);
    for (int t = 0; t < BT_N; t++) {
        b->stats.n_keys[t] = nk[t];
        b->stats.n_entries += b->rec[t].n;
        free(starts[t]);
    }
    return st;
}

/* ---- the file ---- */

static vg_status finish_header(struct writer *w, struct vhs_header *h, uint8_t *page) {
    unsigned int len = 0;
    memcpy(h->magic, VHS_MAGIC, VHS_MAGIC_LEN);
    h->version = VHS_VERSION;
    h->header_size = VHS_HEADER_SIZE;
    h->file_size = w->off;
    h->body_offset = VHS_HEADER_SIZE;
    h->body_size = w->off - VHS_HEADER_SIZE;
    h->created = (int64_t)time(NULL);
    h->name = w->b->name;
    h->build_version = w->b->version;
    h->n_sections = VHS_S_N;
    if (!EVP_DigestFinal_ex(w->sha, h->body_sha256, &len))
        return vg_hset_build_fail(w->b, VG_E_CRYPTO, "SHA-256 failed");
    memset(page, 0, VHS_HEADER_SIZE);
    memcpy(page, h, sizeof *h);
    if (!EVP_Digest(page, VHS_HEADER_SIZE, h->header_sha256, &len, EVP_sha256(), NULL))
        return vg_hset_build_fail(w->b, VG_E_CRYPTO, "SHA-256 failed");
    memcpy(page, h, sizeof *h);
    return VG_OK;
}

static vg_status write_all(struct writer *w) {
    struct vhs_header h;
    vg_status st;
    memset(&h, 0, sizeof h);
    memset(w->buf, 0, VHS_HEADER_SIZE);
    if (pwrite(w->fd, w->buf, VHS_HEADER_SIZE, 0) != (ssize_t)VHS_HEADER_SIZE ||
        lseek(w->fd, VHS_HEADER_SIZE, SEEK_SET) != (off_t)VHS_HEADER_SIZE)
        return vg_hset_build_fail(w->b, VG_E_IO, "write: %s", strerror(errno));
    w->off = VHS_HEADER_SIZE;
    if (!EVP_DigestInit_ex(w->sha, EVP_sha256(), NULL))
        return vg_hset_build_fail(w->b, VG_E_CRYPTO, "SHA-256 failed");
    if ((st = write_body(w, &h)) != VG_OK || (st = w_flush(w)) != VG_OK ||
        (st = finish_header(w, &h, w->buf)) != VG_OK)
        return st;
    if (pwrite(w->fd, w->buf, VHS_HEADER_SIZE, 0) != (ssize_t)VHS_HEADER_SIZE)
        return vg_hset_build_fail(w->b, VG_E_IO, "write: %s", strerror(errno));
    if (fsync(w->fd) != 0)
        return vg_hset_build_fail(w->b, VG_E_IO, "fsync: %s", strerror(errno));
    w->b->stats.file_size = w->off;
    return VG_OK;
}

/* fsync the directory holding path, so the rename itself is durable. */
static void sync_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir)
        return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

vg_status vg_hset_build_write(vg_hset_build *b, const char *path) {
    struct writer w = {.b = b, .fd = -1};
    vg_status st;
    char *tmp = NULL;
    int created = 0;
    if (b->state != 0 || !path)
        return vg_hset_build_fail(b, VG_E_INVAL, "vg_hset_build_write: %s",
                                  path ? "already written" : "no path");
    b->state = 1;
    size_t len = strlen(path) + sizeof ".tmp.XXXXXX";
    tmp = malloc(len);
    w.buf = malloc(WBUF);
    w.sha = EVP_MD_CTX_new();
    if (!tmp || !w.buf || !w.sha) {
        st = vg_hset_build_fail(b, VG_E_NOMEM, "out of memory");
        goto fail;
    }
    snprintf(tmp, len, "%s.tmp.XXXXXX", path);
    w.fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
    if (w.fd < 0) {
        st = vg_hset_build_fail(b, VG_E_IO, "cannot create a file beside the index: %s",
                                strerror(errno));
        goto fail;
    }
    created = 1;
    if ((st = write_all(&w)) != VG_OK)
        goto fail;
    if (close(w.fd) != 0) {
        w.fd = -1;
        st = vg_hset_build_fail(b, VG_E_IO, "close: %s", strerror(errno));
        goto fail;
    }
    w.fd = -1;
    if (rename(tmp, path) != 0) {
        st = vg_hset_build_fail(b, VG_E_IO, "rename: %s", strerror(errno));
        goto fail;
    }
    sync_dir(path);
    EVP_MD_CTX_free(w.sha);
    free(w.buf);
    free(tmp);
    return VG_OK;
fail:
    if (w.fd >= 0)
        close(w.fd);
    if (created)
        unlink(tmp);
    EVP_MD_CTX_free(w.sha);
    free(w.buf);
    free(tmp);
    return st;
}
