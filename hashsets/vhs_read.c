/*
 * vhs_read.c — opening a .vhs index: map it read-only and check it before any look-up.
 *
 * The checks, in order: size of a header, magic, format version, the header's own SHA-256,
 * the file size the header states, every section's offset, size and count (in bounds, aligned,
 * in order, sizes consistent with counts), the string table's terminator, and unless
 * VG_HSET_OPEN_FAST the body's SHA-256. Look-ups additionally clamp every offset they read
 * from the file (hset_lookup.c, hset_pdq.c), so even a file that passes a fast open with a
 * damaged body can give wrong answers but never an access outside the mapping.
 */
#define _GNU_SOURCE /* MAP_POPULATE */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hset_impl.h"

struct opener {
    char *err;
    size_t cap;
};

static vg_status bad(struct opener *o, vg_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vg_status bad(struct opener *o, vg_status st, const char *fmt, ...) {
    if (o->err && o->cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(o->err, o->cap, fmt, ap); /* NOLINT(clang-analyzer-valist.Uninitialized) */
        va_end(ap);
    }
    return st;
}

static const char *const sec_names[VHS_S_N] = {
    "strings",       "lists",     "categories",   "entries",     "md5 keys",    "md5 buckets",
    "md5 ranges",    "sha1 keys", "sha1 buckets", "sha1 ranges", "sha256 keys", "sha256 buckets",
    "sha256 ranges", "pdq codes", "pdq ranges",   "multi-index"};

/* ---- header ---- */

static vg_status check_header(struct opener *o, const uint8_t *map, size_t size) {
    struct vhs_header h;
    uint8_t page[VHS_HEADER_SIZE], want[32];
    unsigned int len = 0;
    if (size < VHS_HEADER_SIZE)
        return bad(o, VG_E_FORMAT, "truncated: %zu bytes, shorter than a .vhs header", size);
    memcpy(&h, map, sizeof h);
    if (memcmp(h.magic, VHS_MAGIC, VHS_MAGIC_LEN) != 0)
        return bad(o, VG_E_FORMAT, "not a vigil hash-set index (bad magic)");
    if (h.version != VHS_VERSION)
        return bad(o, VG_E_UNSUPPORTED, "format version %u; this vigil reads version %u", h.version,
                   VHS_VERSION);
    memcpy(page, map, VHS_HEADER_SIZE);
    memset(page + offsetof(struct vhs_header, header_sha256), 0, 32);
    if (!EVP_Digest(page, VHS_HEADER_SIZE, want, &len, EVP_sha256(), NULL))
        return bad(o, VG_E_CRYPTO, "SHA-256 failed");
    if (memcmp(want, h.header_sha256, 32) != 0)
        return bad(o, VG_E_VERIFY, "header checksum mismatch: the header was edited or damaged");
    if (h.header_size != VHS_HEADER_SIZE || h.body_offset != VHS_HEADER_SIZE ||
        h.n_sections != VHS_S_N || h.flags != 0)
        return bad(o, VG_E_FORMAT, "bad header fields (size, body offset, sections or flags)");
    if (h.file_size != size)
        return bad(o, VG_E_FORMAT, "truncated or extended: header says %llu bytes, file has %zu",
                   (unsigned long long)h.file_size, size);
    if (h.body_size != h.file_size - h.body_offset)
        return bad(o, VG_E_FORMAT, "bad body size");
    return VG_OK;
}

/* ---- sections ---- */

/* Offsets in bounds, aligned, in order, not overlapping. */
static vg_status check_layout(struct opener *o, const struct vhs_header *h) {
    uint64_t end = h->body_offset;
    for (int s = 0; s < VHS_S_N; s++) {
        const struct vhs_section_ent *e = &h->sec[s];
        if (e->offset % VHS_ALIGN || e->offset < end || e->offset > h->file_size ||
            e->size > h->file_size - e->offset)
            return bad(o, VG_E_FORMAT, "section '%s' lies outside the file or out of order",
                       sec_names[s]);
        end = e->offset + e->size;
    }
    return VG_OK;
}

/* Section s holds count records of rec bytes each (count given, or checked against want). */
static vg_status check_size(struct opener *o, const struct vhs_header *h, int s, uint64_t rec,
                            uint64_t want_count) {
    const struct vhs_section_ent *e = &h->sec[s];
    if (want_count != UINT64_MAX && e->count != want_count)
        return bad(o, VG_E_FORMAT, "section '%s' has %llu records, expected %llu", sec_names[s],
                   (unsigned long long)e->count, (unsigned long long)want_count);
    if (e->count > UINT32_MAX || e->count * rec != e->size)
        return bad(o, VG_E_FORMAT, "section '%s': size %llu does not fit %llu records",
                   sec_names[s], (unsigned long long)e->size, (unsigned long long)e->count);
    return VG_OK;
}

static vg_status check_sections(struct opener *o, const struct vhs_header *h) {
    vg_status st;
    if ((st = check_layout(o, h)) != VG_OK ||
        (st = check_size(o, h, VHS_S_STRTAB, 1, UINT64_MAX)) != VG_OK ||
        (st = check_size(o, h, VHS_S_LISTS, sizeof(struct vhs_list), UINT64_MAX)) != VG_OK ||
        (st = check_size(o, h, VHS_S_CATS, sizeof(struct vhs_cat), UINT64_MAX)) != VG_OK ||
        (st = check_size(o, h, VHS_S_ENTRIES, sizeof(struct vhs_entry), UINT64_MAX)) != VG_OK)
        return st;
    for (int d = 0; d < VHS_D_N; d++) {
        uint64_t n = h->sec[VHS_S_KEYS(d)].count;
        uint32_t bits = h->sec[VHS_S_BUCKETS(d)].param;
        if (bits > 24)
            return bad(o, VG_E_FORMAT, "section '%s': %u prefix bits", sec_names[VHS_S_BUCKETS(d)],
                       bits);
        if ((st = check_size(o, h, VHS_S_KEYS(d), vhs_key_len((unsigned)d), UINT64_MAX)) != VG_OK ||
            (st = check_size(o, h, VHS_S_BUCKETS(d), 4, (1u << bits) + 1u)) != VG_OK ||
            (st = check_size(o, h, VHS_S_ERANGE(d), 4, n + 1)) != VG_OK)
            return st;
    }
    uint64_t np = h->sec[VHS_S_PDQ_CODES].count;
    if ((st = check_size(o, h, VHS_S_PDQ_CODES, VHS_PDQ_LEN, UINT64_MAX)) != VG_OK ||
        (st = check_size(o, h, VHS_S_PDQ_ERANGE, 4, np + 1)) != VG_OK)
        return st;
    if (h->sec[VHS_S_MIH].count != np || h->sec[VHS_S_MIH].param != VHS_MIH_CHUNKS ||
        h->sec[VHS_S_MIH].size != (np ? VHS_MIH_CHUNKS * vhs_mih_table_size(np) : 0))
        return bad(o, VG_E_FORMAT, "section 'multi-index' does not fit %llu codes",
                   (unsigned long long)np);
    return VG_OK;
}

/* ---- opening ---- */

static vg_status check_body(struct opener *o, const uint8_t *map, const struct vhs_header *h) {
    uint8_t got[32];
    unsigned int len = 0;
    if (!EVP_Digest(map + h->body_offset, h->body_size, got, &len, EVP_sha256(), NULL))
        return bad(o, VG_E_CRYPTO, "SHA-256 failed");
    if (memcmp(got, h->body_sha256, 32) != 0)
        return bad(o, VG_E_VERIFY, "body checksum mismatch: the index was edited or damaged");
    return VG_OK;
}

static void point(vg_hset *x) {
    const struct vhs_header *h = x->hdr;
    const uint8_t *m = x->map;
    x->str = (const char *)(m + h->sec[VHS_S_STRTAB].offset);
    x->str_n = h->sec[VHS_S_STRTAB].count;
    x->lists = (const struct vhs_list *)(const void *)(m + h->sec[VHS_S_LISTS].offset);
    x->n_lists = h->sec[VHS_S_LISTS].count;
    x->cats = (const struct vhs_cat *)(const void *)(m + h->sec[VHS_S_CATS].offset);
    x->n_cats = h->sec[VHS_S_CATS].count;
    x->ents = (const struct vhs_entry *)(const void *)(m + h->sec[VHS_S_ENTRIES].offset);
    x->n_ents = h->sec[VHS_S_ENTRIES].count;
    for (int d = 0; d < VHS_D_N; d++) {
        struct hset_digest *g = &x->dg[d];
        g->keys = m + h->sec[VHS_S_KEYS(d)].offset;
        g->n = h->sec[VHS_S_KEYS(d)].count;
        g->klen = vhs_key_len((unsigned)d);
        g->buckets = (const uint32_t *)(const void *)(m + h->sec[VHS_S_BUCKETS(d)].offset);
        g->bits = h->sec[VHS_S_BUCKETS(d)].param;
        g->erange = (const uint32_t *)(const void *)(m + h->sec[VHS_S_ERANGE(d)].offset);
    }
    x->codes = m + h->sec[VHS_S_PDQ_CODES].offset;
    x->n_pdq = h->sec[VHS_S_PDQ_CODES].count;
    x->pdq_erange = (const uint32_t *)(const void *)(m + h->sec[VHS_S_PDQ_ERANGE].offset);
    x->mih = m + h->sec[VHS_S_MIH].offset;
}

static vg_status check_all(struct opener *o, vg_hset *x, unsigned flags) {
    vg_status st;
    if ((st = check_header(o, x->map, x->size)) != VG_OK)
        return st;
    x->hdr = (const struct vhs_header *)(const void *)x->map;
    if ((st = check_sections(o, x->hdr)) != VG_OK)
        return st;
    point(x);
    if (x->str_n == 0 || x->str[0] != '\0' || x->str[x->str_n - 1] != '\0')
        return bad(o, VG_E_FORMAT, "string table is not terminated");
    if (!(flags & VG_HSET_OPEN_FAST) && (st = check_body(o, x->map, x->hdr)) != VG_OK)
        return st;
    return VG_OK;
}

vg_status vg_hset_open(vg_hset **out, const char *path, unsigned flags, char *err, size_t errcap) {
    struct opener o = {err, errcap};
    struct stat sb;
    vg_status st;
    vg_hset *x = NULL;
    *out = NULL;
    if (err && errcap)
        err[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return bad(&o, VG_E_IO, "%s", strerror(errno));
    if (fstat(fd, &sb) != 0) {
        st = bad(&o, VG_E_IO, "%s", strerror(errno));
        goto fail;
    }
    if (!S_ISREG(sb.st_mode)) {
        st = bad(&o, VG_E_IO, "not a regular file");
        goto fail;
    }
    if (!(x = calloc(1, sizeof *x))) {
        st = bad(&o, VG_E_NOMEM, "out of memory");
        goto fail;
    }
    x->size = (size_t)sb.st_size;
    if (x->size < VHS_HEADER_SIZE) {
        st = bad(&o, VG_E_FORMAT, "truncated: %zu bytes, shorter than a .vhs header", x->size);
        goto fail;
    }
    void *m = mmap(NULL, x->size, PROT_READ,
                   MAP_PRIVATE | ((flags & VG_HSET_OPEN_POPULATE) ? MAP_POPULATE : 0), fd, 0);
    if (m == MAP_FAILED) {
        st = bad(&o, VG_E_IO, "mmap: %s", strerror(errno));
        goto fail;
    }
    x->base = m;
    x->map = m;
    if ((st = check_all(&o, x, flags)) != VG_OK)
        goto fail;
    close(fd);
    *out = x;
    return VG_OK;
fail:
    vg_hset_close(x);
    close(fd);
    return st;
}

void vg_hset_close(vg_hset *h) {
    if (!h)
        return;
    if (h->base)
        munmap(h->base, h->size);
    free(h);
}
