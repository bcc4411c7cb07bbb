/* hset_fixture.h — helpers shared by the hash-set index tests: a seeded generator (printed,
 * overridable with VIGIL_TEST_SEED), a temporary directory, and small builders. */
#ifndef VIGIL_TEST_HSET_FIXTURE_H
#define VIGIL_TEST_HSET_FIXTURE_H

#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <ftw.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/hset.h"
#include "vigil/hset_build.h"

/* splitmix64: small, seedable, good enough for test data. */
static uint64_t fx_state;

static inline uint64_t fx_next(void) {
    uint64_t z = (fx_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Seed from VIGIL_TEST_SEED or the default, and print it so a failure can be replayed. */
static inline uint64_t fx_seed(const char *test, uint64_t dflt) {
    const char *env = getenv("VIGIL_TEST_SEED");
    fx_state = env && *env ? strtoull(env, NULL, 0) : dflt;
    fprintf(stderr, "%s: seed %llu (set VIGIL_TEST_SEED to replay)\n", test,
            (unsigned long long)fx_state);
    return fx_state;
}

static inline void fx_bytes(uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = fx_next();
        memcpy(p + i, &v, n - i < 8 ? n - i : 8);
    }
}

/* Flip d distinct random bits of a 256-bit code. */
static inline void fx_flip(uint8_t *code, unsigned d) {
    uint8_t used[256] = {0};
    for (unsigned k = 0; k < d;) {
        unsigned bit = (unsigned)(fx_next() % 256);
        if (used[bit])
            continue;
        used[bit] = 1;
        code[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        k++;
    }
}

static inline unsigned fx_dist(const uint8_t *a, const uint8_t *b) {
    uint64_t x, y;
    unsigned d = 0;
    for (int i = 0; i < 32; i += 8) {
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        d += (unsigned)__builtin_popcountll(x ^ y);
    }
    return d;
}
/* A fresh directory under /tmp, removed (with its files) by fx_rmdir(). */
static inline void fx_mkdir(char *dir, size_t cap) {
    snprintf(dir, cap, "/tmp/vigil-hset-test.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static inline int fx_rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

/* Remove dir and everything in it (no fork: Criterion pitfall 6). */
static inline void fx_rmdir(const char *dir) {
    cr_assert_eq(nftw(dir, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static inline vg_hset_entry fx_entry(vg_hash_type t, const uint8_t *hash, size_t len,
                                     const char *id) {
    vg_hset_entry e;
    memset(&e, 0, sizeof e);
    e.type = t;
    memcpy(e.hash, hash, len);
    e.hash_len = len;
    e.quality = -1;
    e.id = id;
    e.size = UINT64_MAX;
    return e;
}

/* Start a list with just a name and a role. */
static inline void fx_list(vg_hset_build *b, const char *name, vg_list_role role) {
    vg_hset_list_info li;
    memset(&li, 0, sizeof li);
    li.name = name;
    li.role = role;
    cr_assert_eq(vg_hset_build_list(b, &li), VG_OK, "%s", vg_hset_build_errmsg(b));
}

#endif
