/* Incremental scan cache (SQLite): what a file hashed to, keyed by what stat() says about it. */
#ifndef VIGIL_CACHE_H
#define VIGIL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/digest.h"
#include "vigil/sniff.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most rows one file may have: itself and up to VG_CACHE_MAX_ITEMS - 1 embedded images (a file
 * with more is not cached). */
#define VG_CACHE_MAX_ITEMS 257

/*
 * What the cache keeps for one item of a file: the file itself (row 0) or an image embedded in
 * it (rows 1..n: an EXIF or HEIF thumbnail, a PDF's JPEG), each with its suffix. A plain value.
 */
typedef struct vg_cache_val {
    vg_sniff_type type;
    bool no_digests; /* a HEIF thumbnail: it has no bytes of its own, so no digests */
    vg_digests dg;
    bool has_pdq;      /* pdq[0] (and with has_dihedral pdq[1..7]) hold hashes */
    bool has_dihedral; /* pdq[1..7] are valid */
    /* pdq[] are the SCREENING hashes of an image the fast screen cleared (vigil/pdq_screen.h),
     * not its PDQ: never report them. A reader probes them at the threshold + margin against
     * today's lists; a candidate makes the entry a miss (read the file, hash it exactly). */
    bool screen;
    int pdq_quality;
    uint8_t pdq[8][32]; /* PDQ as is [0] and its 7 other dihedral forms */
    bool has_trim;      /* exact PDQ of the content inside uniform borders (trim[0..7]) */
    int trim_quality;
    uint32_t trim_x, trim_y, trim_w, trim_h;
    uint8_t trim[8][32];
    char suffix[40]; /* an embedded item's path suffix ("#exif-thumbnail"); "" for row 0 */
} vg_cache_val;

/* The key: a file is unchanged when all five are equal (a rewrite moves mtime or ctime). */
typedef struct vg_cache_key {
    uint64_t dev, ino, size;
    int64_t mtime_ns, ctime_ns;
} vg_cache_key;

/*
 * An open cache. Thread-safe: one handle may be used from any threads (calls are serialised by
 * an internal mutex; stores are batched into transactions).
 */
typedef struct vg_cache vg_cache;

/*
 * Open or create the cache database at path (0600; its folder is created 0700 when missing).
 * Entries are served only to the same producer (vg_scan_producer()): hashes made by another
 * vigil or with other result-affecting settings are misses, and are replaced when stored.
 * @param[in]  producer  the tag of this scan's hashes (copied).
 * @param[out] err  a message on failure (may be NULL).
 * @return VG_OK; VG_E_IO (cannot create or open); VG_E_FORMAT (not a vigil cache); VG_E_NOMEM.
 */
vg_status vg_cache_open(vg_cache **out, const char *path, const char *producer, char *err,
                        size_t errcap);

/*
 * The default location: /var/lib/vigil/cache.sqlite for root, else
 * $XDG_CACHE_HOME/vigil/cache.sqlite (or ~/.cache/vigil/cache.sqlite).
 * @return VG_OK, or VG_E_NOTFOUND when no home is known; VG_E_LIMIT when cap is too small.
 */
vg_status vg_cache_default_path(char *buf, size_t cap);

/* Look a file up. @return true with *out filled when an entry with exactly this key exists and
 * has no embedded items (else vg_cache_get_items()). */
bool vg_cache_get(vg_cache *c, const vg_cache_key *k, vg_cache_val *out);

/*
 * Look a file and its embedded items up: out[0] the file, out[1..*n) its embedded items in
 * the order they were stored. @return true when every row is there with exactly this key and
 * producer and they fit in cap; false (a miss) otherwise.
 */
bool vg_cache_get_items(vg_cache *c, const vg_cache_key *k, vg_cache_val *out, size_t cap,
                        size_t *n);

/* Store (or replace) the entry of a file without embedded items. @return VG_OK or VG_E_IO. */
vg_status vg_cache_put(vg_cache *c, const vg_cache_key *k, const vg_cache_val *v);

/*
 * Store (or replace) a file's entry: v[0] the file, v[1..n) its embedded items (n at most
 * VG_CACHE_MAX_ITEMS). Rows of an earlier version of the file go.
 * @return VG_OK; VG_E_INVAL (n is 0 or too large); VG_E_IO.
 */
vg_status vg_cache_put_items(vg_cache *c, const vg_cache_key *k, const vg_cache_val *v, size_t n);

/* Commit what is pending and close; NULL is accepted. */
void vg_cache_close(vg_cache *c);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_CACHE_H */
