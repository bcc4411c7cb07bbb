/* hset_build_impl.h — the builder's state, shared by hset_build.c (collecting entries) and
 * vhs_write.c (sorting, merging and writing them). Internal to hashsets/. */
#ifndef VIGIL_HSET_BUILD_IMPL_H
#define VIGIL_HSET_BUILD_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/hset_build.h"

#include "vhs_format.h"

/* Record arrays: one per stored type, records = key bytes then struct vhs_entry. */
enum { BT_MD5, BT_SHA1, BT_SHA256, BT_PDQ, BT_N };

struct rec_array {
    uint8_t *v;
    size_t n, cap; /* records */
    size_t klen;   /* key bytes */
    size_t size;   /* record bytes: klen + sizeof(struct vhs_entry) */
};

/* An open-addressing set of uint32 values (string offsets or category indices). */
struct u32_set {
    uint32_t *slot; /* UINT32_MAX = empty */
    size_t cap, n;  /* cap is a power of two */
};

struct vg_hset_build {
    char err[256];
    int state; /* 0 collecting, 1 written (or failed writing) */
    uint32_t name, version;

    char *str; /* string table; offset 0 is "" */
    size_t str_n, str_cap;
    struct u32_set str_set;

    struct vhs_cat *cats;
    size_t n_cats, cap_cats;
    struct u32_set cat_set;

    struct vhs_list *lists;
    size_t n_lists, cap_lists;

    struct rec_array rec[BT_N];
    uint64_t n_records, n_unmatchable;
    vg_hset_build_stats stats;
};

/* Set b's message; returns st so callers can `return fail(b, st, ...)`. */
vg_status vg_hset_build_fail(vg_hset_build *b, vg_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* VIGIL_HSET_BUILD_IMPL_H */
