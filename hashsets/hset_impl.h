/* hset_impl.h — an open .vhs index as the look-up code sees it: pointers into the mapping,
 * set up and bounds-checked by vhs_read.c. Internal to hashsets/. */
#ifndef VIGIL_HSET_IMPL_H
#define VIGIL_HSET_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/hset.h"

#include "vhs_format.h"

struct hset_digest {
    const uint8_t *keys;     /* n * klen bytes, sorted */
    const uint32_t *buckets; /* 2^bits + 1 */
    const uint32_t *erange;  /* n + 1 */
    uint64_t n;
    uint32_t bits, klen;
};

struct vg_hset {
    void *base; /* the mapping, for munmap */
    const uint8_t *map;
    size_t size;
    const struct vhs_header *hdr;
    const char *str;
    uint64_t str_n;
    const struct vhs_list *lists;
    uint64_t n_lists;
    const struct vhs_cat *cats;
    uint64_t n_cats;
    const struct vhs_entry *ents;
    uint64_t n_ents;
    struct hset_digest dg[VHS_D_N];
    const uint8_t *codes; /* n_pdq * 32 bytes, sorted */
    const uint32_t *pdq_erange;
    uint64_t n_pdq;
    const uint8_t *mih; /* 16 x (off[65537], ids[n_pdq], pair[n_pdq], pad) */
};

/* Off[65537] of MIH table k; its ids follow. */
static inline const uint32_t *hset_mih_table(const vg_hset *h, unsigned k) {
    return (const uint32_t *)(const void *)(h->mih + (size_t)k * vhs_mih_table_size(h->n_pdq));
}

/* Pair[n_pdq] of MIH table k: chunk k ^ 1 of the code each of its ids names. */
static inline const uint16_t *hset_mih_pairs(const vg_hset *h, unsigned k) {
    return (const uint16_t *)(const void *)(hset_mih_table(h, k) + VHS_MIH_KEYS + 1 + h->n_pdq);
}

#endif /* VIGIL_HSET_IMPL_H */
