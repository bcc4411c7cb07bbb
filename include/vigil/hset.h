/* Opening a compiled hash-set index (.vhs) and looking hashes up in it. */
#ifndef VIGIL_HSET_H
#define VIGIL_HSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/hset_entry.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * An open index: the file mapped read-only and used in place (no load step). Immutable once
 * open, so one handle may be shared by any number of threads for every call below.
 */
typedef struct vg_hset vg_hset;

/* Flags for vg_hset_open(). */
#define VG_HSET_OPEN_FAST 0x1u     /* skip the body's SHA-256 (never the bounds checks) */
#define VG_HSET_OPEN_POPULATE 0x2u /* pre-fault the whole mapping now (MAP_POPULATE) */

/* The largest radius vg_hset_pdq_search() accepts. */
#define VG_HSET_MAX_RADIUS 256u

/*
 * Map and check an index: magic, format version, the header's own SHA-256, the bounds and
 * sizes of every section against its counts and the file size, the string table's end, and
 * (unless VG_HSET_OPEN_FAST) the SHA-256 of the body.
 * @param[out] out    the handle, owned by the caller (vg_hset_close()); NULL on failure.
 * @param[in]  path   the .vhs file.
 * @param[in]  flags  VG_HSET_OPEN_*.
 * @param[out] err    on failure, a message naming the reason (may be NULL).
 * @param[in]  errcap size of err.
 * @return VG_OK; VG_E_IO (open/stat/mmap failed); VG_E_FORMAT (not a .vhs, truncated, bad
 *         offsets or counts); VG_E_UNSUPPORTED (a format version this build cannot read);
 *         VG_E_VERIFY (a SHA-256 does not match: the file was edited or damaged); VG_E_NOMEM.
 */
vg_status vg_hset_open(vg_hset **out, const char *path, unsigned flags, char *err, size_t errcap);

/* Counts and identity of an index. Strings point into the mapping: valid until close. */
typedef struct vg_hset_info {
    uint32_t format_version;
    uint64_t file_size;
    int64_t created;
    const char *name;    /* "" when none */
    const char *version; /* "" when none */
    uint8_t body_sha256[32];
    uint64_t n_lists;
    uint64_t n_entries;
    uint64_t n_keys[4]; /* unique MD5, SHA-1, SHA-256, PDQ */
} vg_hset_info;

void vg_hset_info_get(const vg_hset *h, vg_hset_info *out);

/* One source list. Strings point into the mapping (valid until close); "" when not given. */
typedef struct vg_hset_list {
    const char *name, *version, *date, *format, *source;
    vg_list_role role;
    bool has_sha256;
    uint8_t sha256[32];
    uint64_t n_records, n_stored, n_unmatchable, n_skipped;
    uint64_t n_empty_digest, n_all_zero; /* rejected by the importer (0: none or not recorded) */
    uint64_t n_photodna, n_tmk;          /* part of n_unmatchable */
} vg_hset_list;

/* @return VG_OK, or VG_E_INVAL when i >= n_lists. */
vg_status vg_hset_list_get(const vg_hset *h, uint64_t i, vg_hset_list *out);

/* One entry: who named a hash and how. Strings point into the mapping; "" when not given. */
typedef struct vg_hset_rec {
    uint32_t list;
    const char *id;
    const char *cat_profile, *cat_code, *cat_label;
    bool non_pertinent; /* never an illegal match */
    bool known_good;    /* its list is a known-good list: it only reduces work */
    int quality;        /* PDQ quality, or -1 */
} vg_hset_rec;

/* @return VG_OK, or VG_E_INVAL when i >= n_entries. */
vg_status vg_hset_rec_get(const vg_hset *h, uint64_t i, vg_hset_rec *out);

/*
 * Exact look-up of an MD5, SHA-1 or SHA-256 digest (or of a PDQ code, at distance 0).
 * @param[out] first, count  the entries that name it: [first, first + count); count = 0 when
 *                           the hash is not in the index.
 * @return VG_OK (found or not); VG_E_INVAL for another type or a wrong length.
 */
vg_status vg_hset_lookup(const vg_hset *h, vg_hash_type type, const uint8_t *hash, size_t len,
                         uint64_t *first, uint64_t *count);

/* One look-up of a batch: the caller fills type, hash and len; the batch fills first and count
 * exactly as vg_hset_lookup() would. */
typedef struct vg_hset_query {
    vg_hash_type type;
    const uint8_t *hash;
    size_t len;
    uint64_t first, count; /* out: the entries that name the hash; count 0 when not indexed */
} vg_hset_query;

/*
 * Exact look-ups of n hashes at once (MD5, SHA-1, SHA-256, or PDQ at distance 0): the same
 * answers as n calls of vg_hset_lookup(), faster because the memory reads of up to 32 look-ups
 * are issued together instead of one after another (a scanner checking the three digests of
 * a file, or of several files, gains most on indexes much larger than the CPU caches).
 * @return VG_OK; VG_E_INVAL when some query has another type or a wrong length (its count is
 *         0; every other query is still answered).
 */
vg_status vg_hset_lookup_batch(const vg_hset *h, vg_hset_query *q, size_t n);

/* One PDQ code within the radius of a query. */
typedef struct vg_hset_hit {
    uint32_t query;    /* index of the query in the batch (0 for a single query) */
    uint32_t code;     /* index of the PDQ code in the index */
    uint32_t distance; /* Hamming distance, <= radius */
} vg_hset_hit;

/* Receives hits; return VG_OK to go on, anything else stops the search and is returned. */
typedef vg_status (*vg_hset_hit_fn)(void *ctx, const vg_hset_hit *hit);

/* How vg_hset_pdq_search() finds candidates. AUTO is right for every caller; the others exist
 * so tests and benchmarks can compare the two ways on the same index. */
typedef enum vg_hset_search_mode {
    VG_HSET_SEARCH_AUTO = 0, /* multi-index, or a scan when that is cheaper */
    VG_HSET_SEARCH_MIH = 1,  /* always the multi-index tables (radius <= 47 only) */
    VG_HSET_SEARCH_SCAN = 2  /* always a scan of every code */
} vg_hset_search_mode;

/*
 * Every PDQ code within Hamming distance radius of q, each exactly once, in no set order. Uses
 * the multi-index tables (each 16-bit chunk probed at radius floor(radius / 16), entries kept
 * when their 32-bit chunk pair is within floor(radius / 8)) and verifies each remaining
 * candidate with the full distance; when the candidates would outnumber a scan (a dense or
 * clustered index, or a large radius) it scans the codes instead. Either way the result is
 * exact. Allocates nothing.
 * @return VG_OK; VG_E_INVAL (radius > VG_HSET_MAX_RADIUS, or MIH forced with radius > 47);
 *         or what fn returned.
 */
vg_status vg_hset_pdq_search(const vg_hset *h, const uint8_t q[32], unsigned radius,
                             vg_hset_search_mode mode, vg_hset_hit_fn fn, void *ctx);

/*
 * The same for nq queries at once (q holds 32 * nq bytes): queries whose candidate count makes
 * the multi-index slower than a scan are answered together by one pass over the codes in
 * cache-sized tiles; the others by the multi-index. hit->query tells which query matched.
 * @return as vg_hset_pdq_search(), and VG_E_NOMEM.
 */
vg_status vg_hset_pdq_search_batch(const vg_hset *h, const uint8_t *q, size_t nq, unsigned radius,
                                   vg_hset_search_mode mode, vg_hset_hit_fn fn, void *ctx);

/* The PDQ code with index i (32 bytes inside the mapping), or NULL when i >= n_keys[3]. */
const uint8_t *vg_hset_pdq_code(const vg_hset *h, uint64_t i);

/* The entries that name PDQ code i: [first, first + count). @return VG_OK or VG_E_INVAL. */
vg_status vg_hset_pdq_entries(const vg_hset *h, uint64_t i, uint64_t *first, uint64_t *count);

/* Release the mapping; NULL is accepted. Every pointer obtained from h becomes invalid. */
void vg_hset_close(vg_hset *h);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_HSET_H */
