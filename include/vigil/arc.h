/* Looking inside archives (libarchive), recursively, within limits, never truncating. */
#ifndef VIGIL_ARC_H
#define VIGIL_ARC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/digest.h"
#include "vigil/sniff.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Defaults: ClamAV 1.4's (UX.md), plus a compression-ratio guard it lacks. */
#define VG_ARC_MAX_DEPTH 17u
#define VG_ARC_MAX_FILES 10000u
#define VG_ARC_MAX_ENTRY_BYTES (100ull << 20)
#define VG_ARC_MAX_TOTAL_BYTES (400ull << 20)
#define VG_ARC_MAX_RATIO 1000u
#define VG_ARC_RATIO_MIN_BYTES (10ull << 20)
#define VG_ARC_MAX_TIME_MS 120000u

/* Limits for one top-level file and everything nested in it. 0 in a field means "off",
 * except max_depth (0: no archive is opened). */
typedef struct vg_arc_limits {
    unsigned max_depth;       /* archive nesting depth (MaxRecursion) */
    uint64_t max_files;       /* entries examined, all depths (MaxFiles) */
    uint64_t max_entry_bytes; /* bytes expanded from one entry (MaxFileSize) */
    uint64_t max_total_bytes; /* bytes expanded in total, all depths (MaxScanSize) */
    uint32_t max_ratio;       /* expanded : compressed bytes read, checked once ... */
    uint64_t ratio_min_bytes; /* ... this many bytes have been expanded */
    uint64_t max_time_ms;     /* wall time (MaxScanTime) */
} vg_arc_limits;

/* Which limit was hit. Values reach reports: append only. */
typedef enum vg_arc_limit {
    VG_LIM_NONE = 0,
    VG_LIM_DEPTH = 1,
    VG_LIM_FILES = 2,
    VG_LIM_ENTRY_BYTES = 3,
    VG_LIM_TOTAL_BYTES = 4,
    VG_LIM_RATIO = 5,
    VG_LIM_TIME = 6,
    /* An image's, in or out of archives (vigil/img.h's vg_img_limit) */
    VG_LIM_PIXELS = 7,        /* width * height (--max-pixels) */
    VG_LIM_IMAGE_MEMORY = 8,  /* decode memory (--max-image-memory) */
    VG_LIM_JPEG_SCANS = 9,    /* progressive JPEG scans (fixed) */
    VG_LIM_IMAGE_DECODER = 10 /* a decoder library's own security limit; no figures */
} vg_arc_limit;

/* What happened to one entry (or to an archive as a whole, for LIMIT and ERROR). */
typedef enum vg_arc_kind {
    VG_ARC_ENTRY = 0,     /* a regular entry, hashed: dg is valid */
    VG_ARC_SKIP = 1,      /* an entry that is no regular file (symlink, device, ...): detail */
    VG_ARC_ENCRYPTED = 2, /* not hashed: encrypted */
    VG_ARC_LIMIT = 3,     /* not hashed / not opened / rest not examined: limit, detail */
    VG_ARC_ERROR = 4      /* not hashed or archive unreadable: detail is libarchive's message */
} vg_arc_kind;

/*
 * One event. Pointers are borrowed, valid during the callback only. path names the entry as
 * "outer.zip!dir/inner.tar.gz!a/b.jpg" (the top-level path, then "!" + the name inside each
 * archive); inner[0..n_inner) holds the same names unambiguously (a name may contain '!').
 * For VG_ARC_ENTRY, data holds the whole content when it was buffered (images), so the caller
 * can decode it; otherwise data is NULL and only the digests are known.
 */
typedef struct vg_arc_event {
    vg_arc_kind kind;
    const char *path;
    const char *const *inner;
    size_t n_inner;
    unsigned depth; /* = n_inner: 0 names the top-level file, 1 its entries, ... */
    vg_sniff_type type;
    vg_digests dg;
    const uint8_t *data;
    size_t data_len;
    vg_arc_limit limit;
    uint64_t limit_value; /* what broke the limit (bytes, entries, depth, ratio, ms) */
    uint64_t limit_max;   /* the configured maximum */
    const char *detail;
} vg_arc_event;

/* Receives each event, in archive order. Return VG_OK to go on; anything else stops the scan
 * of this top-level file and is returned by vg_arc_scan_*(). */
typedef vg_status (*vg_arc_fn)(void *ctx, const vg_arc_event *ev);

typedef struct vg_arc vg_arc;

/* Fill *l with the defaults above. */
void vg_arc_limits_default(vg_arc_limits *l);

/*
 * Create an archive scanner with its own reusable buffers and digest contexts. Single-threaded:
 * one per worker. cancel (may be NULL) is polled between blocks: when it becomes true, the
 * scan stops with VG_E_INTERRUPTED.
 * @return VG_OK; VG_E_NOMEM; VG_E_CRYPTO.
 */
vg_status vg_arc_new(vg_arc **out, const vg_arc_limits *lim, const atomic_bool *cancel);

/*
 * Scan the archive in fd (read from offset 0; seeks allowed) named path. The top-level file's
 * own digests are the caller's business; this reports what is inside.
 * @return VG_OK when the file was handled (problems inside are events, not failures); the
 *         callback's status if it stopped; VG_E_INTERRUPTED; VG_E_NOMEM.
 */
vg_status vg_arc_scan_fd(vg_arc *a, int fd, const char *path, vg_arc_fn fn, void *ctx);

/* As vg_arc_scan_fd(), for an archive held in memory (buf is borrowed for the call). */
vg_status vg_arc_scan_mem(vg_arc *a, const void *buf, size_t n, const char *path, vg_arc_fn fn,
                          void *ctx);

/* Short stable name of a limit ("max-depth", "max-files", ...). Static; never NULL. */
const char *vg_arc_limit_str(vg_arc_limit l);

/* Release; NULL is accepted. */
void vg_arc_free(vg_arc *a);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_ARC_H */
