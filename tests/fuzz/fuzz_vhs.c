/*
 * fuzz_vhs.c — opening and searching arbitrary .vhs files (hashsets/vhs_read.c, hset_lookup.c,
 * hset_pdq.c).
 *
 * The input is treated as an index file whose checksums the harness recomputes (body, then
 * header) and whose stated sizes it sets, so the fuzzer reaches the section checks and the
 * look-ups instead of stopping at a SHA-256 it cannot forge. The invariant is memory safety:
 * whatever a file claims, an open either fails with a status or every look-up stays inside the
 * mapping (ASan checks each access).
 */
#define _GNU_SOURCE /* memfd_create */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vigil/hset.h"

#include "../../hashsets/hset_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_status count_hit(void *ctx, const vg_hset_hit *hit) {
    (void)hit;
    ++*(uint64_t *)ctx;
    return VG_OK;
}

/* Recompute what a forger would: sizes, the body's SHA-256, the header's own SHA-256. */
static void reseal(uint8_t *buf, size_t size) {
    struct vhs_header h;
    unsigned int len;
    memcpy(&h, buf, sizeof h);
    h.file_size = size;
    h.body_size = size - h.body_offset;
    if (h.body_offset <= size)
        EVP_Digest(buf + h.body_offset, size - h.body_offset, h.body_sha256, &len, EVP_sha256(),
                   NULL);
    memset(h.header_sha256, 0, 32);
    memcpy(buf, &h, sizeof h);
    EVP_Digest(buf, VHS_HEADER_SIZE, h.header_sha256, &len, EVP_sha256(), NULL);
    memcpy(buf, &h, sizeof h);
}

static void exercise(vg_hset *x) {
    vg_hset_info in;
    vg_hset_rec r;
    vg_hset_list l;
    uint64_t first, count, hits = 0;
    vg_hset_info_get(x, &in);
    for (uint64_t i = 0; i < in.n_lists && i < 64; i++)
        vg_hset_list_get(x, i, &l);
    for (uint64_t i = 0; i < in.n_entries && i < 256; i++)
        vg_hset_rec_get(x, i, &r);
    static const vg_hash_type t[3] = {VG_HT_MD5, VG_HT_SHA1, VG_HT_SHA256};
    uint8_t keys[VHS_D_N * 16][32] = {{0}};
    vg_hset_query q[VHS_D_N * 16 + 1];
    uint64_t want[VHS_D_N * 16][2];
    size_t nq = 0;
    for (int d = 0; d < VHS_D_N; d++)
        for (uint64_t i = 0; i < x->dg[d].n && i < 32; i++) {
            uint8_t key[32];
            memcpy(key, x->dg[d].keys + i * x->dg[d].klen, x->dg[d].klen);
            vg_hset_lookup(x, t[d], key, x->dg[d].klen, &first, &count);
            for (uint64_t e = first; e < first + count && e < first + 8; e++)
                vg_hset_rec_get(x, e, &r);
            for (int flip = 0; flip < 2 && i < 8; flip++) { /* the batch must agree */
                memcpy(keys[nq], key, x->dg[d].klen);
                if (flip)
                    keys[nq][x->dg[d].klen - 1] ^= 1;
                vg_hset_lookup(x, t[d], keys[nq], x->dg[d].klen, &want[nq][0], &want[nq][1]);
                q[nq] = (vg_hset_query){.type = t[d], .hash = keys[nq], .len = x->dg[d].klen};
                nq++;
            }
            key[x->dg[d].klen - 1] ^= 1;
            vg_hset_lookup(x, t[d], key, x->dg[d].klen, &first, &count);
        }
    if (vg_hset_lookup_batch(x, q, nq) != VG_OK)
        abort();
    for (size_t i = 0; i < nq; i++)
        if (q[i].count != want[i][1] || (want[i][1] && q[i].first != want[i][0]))
            abort();
    q[0] = (vg_hset_query){.type = VG_HT_MD5, .hash = keys[0], .len = 3}; /* a wrong length */
    if (vg_hset_lookup_batch(x, q, 1) != VG_E_INVAL || q[0].count != 0)
        abort();
    for (uint64_t i = 0; i < in.n_keys[3] && i < 4; i++) {
        const uint8_t *c = vg_hset_pdq_code(x, i);
        vg_hset_pdq_entries(x, i, &first, &count);
        for (int mode = 0; mode < 3; mode++)
            vg_hset_pdq_search(x, c, 31, (vg_hset_search_mode)mode, count_hit, &hits);
        vg_hset_pdq_search_batch(x, c, 1, 40, VG_HSET_SEARCH_AUTO, count_hit, &hits);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64], err[256];
    if (size < VHS_HEADER_SIZE || size > (64u << 20))
        return 0;
    uint8_t *buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    reseal(buf, size);
    int fd = memfd_create("vhs", 0);
    if (fd >= 0 && write(fd, buf, size) == (ssize_t)size) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        for (unsigned flags = 0; flags < 2; flags++) {
            vg_hset *x = NULL;
            if (vg_hset_open(&x, path, flags ? VG_HSET_OPEN_FAST : 0, err, sizeof err) == VG_OK)
                exercise(x);
            else if (x || !err[0])
                abort(); /* a failed open leaves nothing and always says why */
            vg_hset_close(x);
        }
    }
    if (fd >= 0)
        close(fd);
    free(buf);
    return 0;
}
