/* Scanning trees: walk -> bounded queue -> N hashing workers -> one writer, matching every
 * digest (and every image's PDQ) against the hash lists. */
#ifndef VIGIL_SCAN_H
#define VIGIL_SCAN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/arc.h"
#include "vigil/digest.h"
#include "vigil/hset.h"
#include "vigil/pdq.h"
#include "vigil/img.h"
#include "vigil/sniff.h"
#include "vigil/status.h"
#include "vigil/walk.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vg_cache vg_cache;

/* Options of a scan. Start from vg_scan_opts_default(). Everything pointed to is borrowed and
 * must outlive vg_scan_run(). */
typedef struct vg_scan_opts {
    vg_walk_opts walk;
    vg_arc_limits limits;        /* archives; max_entry_bytes also caps an image read whole */
    unsigned jobs;               /* hashing threads; 0: the online CPUs */
    const vg_hset *const *lists; /* indexes to match against (thread-safe, shared) */
    size_t n_lists;
    unsigned pdq_threshold; /* largest PDQ distance reported as a match (31) */
    int min_quality;        /* PDQ quality below which a hash is recorded, not matched (50) */
    vg_pdq_convention pdq_convention; /* VG_PDQ_FULLRES (default) or VG_PDQ_CLI */
    bool no_dihedral;                 /* match the PDQ as is only (default: its 8 forms) */
    bool keep_matched;   /* give the writer each matched item's content (see vg_scan_rec) */
    vg_cache *cache;     /* incremental cache (opened with vg_scan_producer()'s tag), or NULL */
    atomic_bool *cancel; /* set (e.g. by a signal handler) to stop; the scan sets it too
                            when the record callback fails. NULL: an internal flag. */
    vg_img_limits img;   /* per-image pixels and decoder memory (0: vigil/img.h defaults) */
    bool exact_decode;   /* never screen: every image gets its exact PDQ (vigil/pdq_screen.h) */
    bool no_trim;        /* no second PDQ of the content inside uniform borders (vigil/trim.h) */
} vg_scan_opts;

/* What a record is about. */
typedef enum vg_scan_kind {
    VG_SCAN_FILE = 0,  /* a file or archive entry that was hashed (digests valid) */
    VG_SCAN_SKIP = 1,  /* deliberately not hashed (excluded, symlink, special file, ...) */
    VG_SCAN_ERROR = 2, /* could not be hashed or read: the scan is incomplete */
    VG_SCAN_LIMIT = 3  /* a limit stopped hashing or opening it: the scan is incomplete */
} vg_scan_kind;

/* One match of a hashed file against a list entry. */
typedef struct vg_scan_match {
    uint32_t list;     /* index into vg_scan_opts.lists */
    uint64_t entry;    /* entry index in that index (vg_hset_rec_get()) */
    vg_hash_type how;  /* VG_HT_MD5 / SHA1 / SHA256 (exact, confirmed) or VG_HT_PDQ */
    unsigned distance; /* PDQ: Hamming distance; 0 for digests */
    unsigned dihedral; /* PDQ: which of the 8 dihedral forms matched (0 = as is) */
    bool trimmed;      /* PDQ: the trimmed content's hash matched (pdq_trim), not the image's */
} vg_scan_match;

/*
 * One record for the report. Every pointer is borrowed for the callback only. path is the
 * display path ("disk/path!entry!entry"); root_path the file on disk and inner[0..n_inner)
 * the entry names inside archives, outermost first.
 */
typedef struct vg_scan_rec {
    vg_scan_kind kind;
    const char *path;
    const char *root_path;
    const char *const *inner;
    size_t n_inner;
    vg_sniff_type type;
    bool has_stat; /* stat of the file on disk (for entries: of the outer file) */
    uint64_t dev, ino, size;
    int64_t mtime_ns, ctime_ns, atime_ns;
    uint32_t uid, gid, mode;
    bool has_digests;
    vg_digests dg; /* dg.size is the number of bytes hashed */
    bool has_pdq;
    uint8_t pdq[32];
    int pdq_quality;
    bool has_dihedral;
    uint8_t pdq_dihedral[8][32]; /* the PDQ of the 8 dihedral forms ([0] = pdq) */
    /* The image has uniform borders: the exact PDQ of the content inside them, at x, y, w, h
     * (pixels of the decoded image), found by vg_trim_detect(). */
    bool has_pdq_trim;
    uint8_t pdq_trim[32];
    uint8_t pdq_trim_dihedral[8][32]; /* with has_dihedral: its 8 dihedral forms ([0] = pdq_trim) */
    int pdq_trim_quality;
    uint32_t trim_x, trim_y, trim_w, trim_h;
    /* The fast screen found no list code within the threshold + margin of the image's screening
     * hashes (vigil/pdq_screen.h): no exact PDQ was computed (has_pdq is false), none can match.
     * The screening hashes are never reported; the cache keeps them, flagged, to probe again. */
    bool pdq_screened;
    bool has_screen;
    uint8_t screen[8][32];
    bool cached;     /* digests and hashes came from the cache (the file was only stat'ed) */
    bool changed;    /* size or mtime changed while it was read: hashed what was read */
    bool known_good; /* its digest is on a known-good list (perceptual hashing skipped) */
    bool cacheable;  /* complete hashes of an unchanged plain file, or of an image embedded in
                        one (the cache keeps them with the file's other items) */
    const vg_scan_match *matches;
    size_t n_matches;
    /* With keep_matched, a FILE record with matches carries its content for preservation:
     * a file on disk as a descriptor (read it with pread from offset 0: the worker may still
     * be reading it; closed by the scan after the callback), an archive entry held whole
     * (images) as bytes. Neither for an entry that was streamed. */
    bool has_content_fd;
    int content_fd;
    const uint8_t *content;
    size_t content_len;
    const char *reason;         /* SKIP / ERROR / LIMIT: short stable text */
    vg_walk_reason walk_reason; /* SKIP and ERROR records from the walk */
    int err;                    /* errno, or 0 */
    vg_arc_limit limit;         /* LIMIT records from archives */
    uint64_t limit_value, limit_max;
} vg_scan_rec;

/* Receives every record, from one thread (the writer), in no set order across files. Return
 * VG_OK to go on; anything else stops the scan and is returned by vg_scan_run(). */
typedef vg_status (*vg_scan_fn)(void *ctx, const vg_scan_rec *r);

/* Counts of a finished scan. */
typedef struct vg_scan_stats {
    uint64_t files;              /* files on disk hashed (including archives) */
    uint64_t entries;            /* archive entries hashed */
    uint64_t bytes;              /* bytes hashed (files and entries) */
    uint64_t images;             /* files and entries sniffed as images */
    uint64_t archives;           /* files and entries sniffed as archives */
    uint64_t cached;             /* files served from the cache */
    uint64_t changed;            /* files that changed while read */
    uint64_t matched;            /* files and entries with at least one match */
    uint64_t matches;            /* match records */
    uint64_t skipped;            /* SKIP records */
    uint64_t errors;             /* ERROR records */
    uint64_t limits;             /* LIMIT records */
    uint64_t skip_by_reason[16]; /* SKIP records by vg_walk_reason */
    uint64_t cache_errors;       /* hashes that could not be stored in the cache */
    bool interrupted;
} vg_scan_stats;

/* Defaults: ClamAV-like archive limits, PDQ threshold 31, quality 50, jobs = CPUs. */
void vg_scan_opts_default(vg_scan_opts *o);

/*
 * Scan every root (files or directories). Blocks until done or stopped; records go to fn.
 * Memory is bounded by jobs x (per-file buffers + archive limits) plus fixed-size queues,
 * whatever the size of the tree.
 * @param[out] stats  counts (may be NULL); valid also when the scan was interrupted.
 * @return VG_OK (problems with single paths are records); VG_E_INTERRUPTED when *cancel was
 *         set; the status fn returned; VG_E_NOMEM; VG_E_IO if threads could not start.
 */
vg_status vg_scan_run(const vg_scan_opts *o, const char *const *roots, size_t n_roots,
                      vg_scan_fn fn, void *ctx, vg_scan_stats *stats);

/*
 * The producer tag of the hashes a scan with these options computes: the tool (e.g.
 * "vigil 0.1.0 build abc123") and every option that changes what is hashed or matched (PDQ
 * convention, dihedral forms, exact decode, trimming, quality threshold, limits). The cache keeps
 * it with each entry and serves an entry only to a scan with the same tag.
 * @return VG_OK, or VG_E_LIMIT when cap is too small.
 */
vg_status vg_scan_producer(const vg_scan_opts *o, const char *tool, char *buf, size_t cap);

/* True when a scan with these counts left something unexamined (exit bit 2). */
bool vg_scan_incomplete(const vg_scan_stats *s);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_SCAN_H */
