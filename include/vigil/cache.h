/* Incremental scan cache: a file's identity from stat() -> what hashing it produced before. */
#ifndef VIGIL_CACHE_H
#define VIGIL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/digest.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A SQLite database (WAL mode, file 0600) mapping a file's identity to its digests and an
 * opaque result blob (the scanner's perceptual hashes and image outcome). A re-scan of an
 * unchanged tree then needs only stat() and a look-up per file, and re-matches the cached hashes
 * against the current lists, so new list entries still find old files.
 *
 * Identity is (device, inode, size, mtime ns, ctime ns): any write to a file changes its ctime,
 * which user space cannot set back, so a changed file is never served from the cache. The tag
 * names what produced an entry (schema, vigil version, PDQ convention, ...): entries under
 * another tag are ignored, so changing how files are hashed never reuses stale results.
 *
 * A handle is single-threaded: use one per thread (SQLite serialises the writers).
 */
typedef struct vg_cache vg_cache;

/* Identity of a file, from fstat()/fstatat(). */
typedef struct vg_cache_key {
    uint64_t dev;
    uint64_t ino;
    uint64_t size;
    int64_t mtime_ns;
    int64_t ctime_ns;
} vg_cache_key;

/* Largest result blob stored (bytes). */
#define VG_CACHE_MAX_BLOB 4096u

/*
 * What was cached for a file. In vg_cache_get() the blob is copied into the caller's buffer
 * (blob, blob_cap) and blob_len set; in vg_cache_put() (blob, blob_len) is read.
 */
typedef struct vg_cache_val {
    vg_digests digests;
    uint32_t kind; /* the caller's own classification (e.g. image / archive / other) */
    void *blob;
    size_t blob_len;
    size_t blob_cap;
} vg_cache_val;

/*
 * Open (creating when missing, with its directory 0700 and the file 0600) a cache.
 * @param[out] out  the handle (vg_cache_close()); NULL on failure.
 * @param[in]  path the database file.
 * @param[in]  tag  what produces the entries (copied); entries under other tags are ignored.
 * @param[out] err  a message on failure (may be NULL).
 * @return VG_OK; VG_E_IO (cannot create or open: err says why); VG_E_FORMAT (the file is not a
 *         vigil cache or is corrupt); VG_E_NOMEM.
 */
vg_status vg_cache_open(vg_cache **out, const char *path, const char *tag, char *err,
                        size_t errcap);

/*
 * Look a file up.
 * @param[out] found  whether an entry exists for this key under this handle's tag.
 * @param[in,out] val on a hit: digests, kind and the blob (truncated to blob_cap is never done:
 *                    a blob larger than blob_cap gives VG_E_LIMIT and found = false).
 * @return VG_OK (hit or miss); VG_E_LIMIT; VG_E_IO (SQLite failed: vg_cache_errmsg()).
 */
vg_status vg_cache_get(vg_cache *c, const vg_cache_key *k, vg_cache_val *val, bool *found);

/*
 * Store (or replace) the entry of a file. Writes are grouped in transactions of many puts,
 * committed by vg_cache_flush(), by vg_cache_close() and every few thousand puts, so a crash
 * loses at most the latest group (a cache miss, never a wrong hit).
 * @return VG_OK; VG_E_LIMIT (blob_len > VG_CACHE_MAX_BLOB); VG_E_IO.
 */
vg_status vg_cache_put(vg_cache *c, const vg_cache_key *k, const vg_cache_val *val);

/* Commit pending puts. @return VG_OK or VG_E_IO. */
vg_status vg_cache_flush(vg_cache *c);

/* Number of entries under this handle's tag. @return VG_OK or VG_E_IO. */
vg_status vg_cache_count(vg_cache *c, uint64_t *n);

/* Why the last call on c failed ("" if it did not). Valid until the next call on c. */
const char *vg_cache_errmsg(const vg_cache *c);

/*
 * The default cache file: /var/lib/vigil/cache.sqlite when running as root, else
 * $XDG_CACHE_HOME/vigil/cache.sqlite (or $HOME/.cache/vigil/cache.sqlite).
 * @return VG_OK; VG_E_LIMIT when it does not fit in cap; VG_E_NOTFOUND when neither
 *         XDG_CACHE_HOME nor HOME is set for a non-root user.
 */
vg_status vg_cache_default_path(char *buf, size_t cap);

/* Commit pending puts and close; NULL is accepted. */
void vg_cache_close(vg_cache *c);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_CACHE_H */
