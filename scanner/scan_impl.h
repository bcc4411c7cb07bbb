/* scan_impl.h — the scan's shared state, its jobs and its workers (internal to scanner/). */
#ifndef VIGIL_SCANNER_SCAN_IMPL_H
#define VIGIL_SCANNER_SCAN_IMPL_H

#include <stdatomic.h>
#include <sys/stat.h>

#include "vigil/arc.h"
#include "vigil/cache.h"
#include "vigil/digest.h"
#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/scan.h"

#include "match_impl.h"
#include "pool_impl.h"

/* One scan in progress: read-only after start, except where noted. */
struct scan {
    const vg_scan_opts *o;
    atomic_bool own_cancel;
    atomic_bool *cancel; /* o->cancel or &own_cancel */
    vg_queue *jobs;      /* struct job *: walker -> workers */
    vg_queue *recs;      /* struct qrec *: workers and walker -> writer */
    vg_scan_fn fn;
    void *ctx;
    struct worker *workers;
    unsigned n_workers;
    atomic_uint_fast64_t cache_errors; /* file entries the workers could not store */
    vg_cache_val *cache_vals;          /* the walker's look-up buffer (VG_CACHE_MAX_ITEMS) */
    /* writer-only */
    vg_scan_stats stats;
    vg_status fn_status;
};

/* A regular file, opened by the walker, for one worker. */
struct job {
    int fd; /* -1 when served from the cache */
    struct stat st;
    bool cached;
    vg_scan_rec cached_rec; /* digests and hashes from the cache (cached only) */
    vg_cache_val *emb;      /* cached only: its embedded items (n_emb), owned by the job */
    size_t n_emb;
    char path[];
};

/* Per-worker state, reused across files (PERF.md: fresh pages cost ~25 us each). */
struct worker {
    struct scan *s;
    vg_digest *dg;
    uint8_t *buf; /* file bytes: a chunk, or a whole image */
    size_t cap;
    vg_arc *arc;
    vg_img_dec *img;
    vg_pdq *pdq;
    vg_matchbuf mb;
    const struct job *job; /* the file being scanned */
    unsigned problems;     /* error and limit records emitted for it */
    /* The cache entry of the file being read: [0] the file, then its embedded items. collect
     * is cleared when the file cannot be cached (changed, an archive, too many items). */
    vg_cache_val *items; /* VG_CACHE_MAX_ITEMS, when the scan has a cache */
    size_t n_items;
    bool collect;
};

/* Create and release a worker's state. @return VG_OK, VG_E_NOMEM or VG_E_CRYPTO. */
vg_status vg_scan_worker_init(struct worker *w, struct scan *s);
void vg_scan_worker_fini(struct worker *w);

/* Hash, sniff, look inside and match one file; every outcome becomes records. */
void vg_scan_worker_file(struct worker *w, const struct job *j);

/* Hand a record to the writer (deep copy). @return false when the scan is stopping. */
bool vg_scan_emit(struct scan *s, const vg_scan_rec *r);

/* Fill the hash fields of r from what the cache kept (and set r->cached). */
void vg_scan_rec_from_cache(vg_scan_rec *r, const vg_cache_val *v);

/* Fill the stat fields of r from st. */
void vg_scan_rec_stat(vg_scan_rec *r, const struct stat *st);

#endif
