/* Sealed evidence reports: the writer the scanner calls (open, append records, preserve matched
 * files, seal), and the "never display content" process helpers. Format: EVIDENCE.md §5. */
#ifndef VIGIL_EVIDENCE_H
#define VIGIL_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "vigil/digest.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VG_EV_FORMAT "vigil-report/1"
/* Default per-object cap for preserved files: decryption is in memory (EVIDENCE.md §3.5). */
#define VG_EV_PRESERVE_CAP_DEFAULT (1024ull * 1024 * 1024)
/* Default budget for the whole preserved/ folder (vg_ev_opts.max_preserve_size): a device full
 * of matches cannot fill the disk the reports are kept on. */
#define VG_EV_MAX_PRESERVE_DEFAULT (16ull * 1024 * 1024 * 1024)
/* Default size at which records.jsonl stops growing (vg_ev_opts.max_report_size): about
 * 8 million file records. A hostile tree (deep paths, long archive entry names, millions of
 * unreadable files) cannot fill the disk the reports are kept on. */
#define VG_EV_MAX_REPORT_DEFAULT (4ull * 1024 * 1024 * 1024)
/* The longest line (record + LF) the writer puts in records.jsonl, so a reader may refuse
 * longer ones: a record with a path or entry names longer than that is not written (a
 * "max-record-size" limit record instead; see vg_ev_report_file). */
#define VG_EV_RECORD_MAX (1024u * 1024)

/*
 * THREADS: a report handle is used by ONE writer thread. Workers hand their results to that
 * thread (a queue), which calls the vg_ev_report_* functions in order; records are numbered and
 * chained in call order. No function here is safe to call concurrently on one handle.
 *
 * CALL ORDER: vg_ev_report_open → vg_ev_report_scan_start → any number of file / match /
 * error / limit / preserve calls → vg_ev_report_scan_end → vg_ev_report_seal →
 * vg_ev_report_free. A call out of order returns VG_E_INVAL (see vg_ev_report_errmsg()).
 * Freeing a handle before the seal leaves an unsealed report that `vigil verify` calls
 * incomplete (exit 2) — the same state a crash leaves.
 *
 * STRINGS are borrowed for the duration of the call only. Paths and archive entry names are
 * arbitrary bytes (NUL-terminated); invalid UTF-8 is kept exactly in a *_b64 twin. Other strings
 * (reasons, list names, versions) must be UTF-8.
 */
typedef struct vg_ev_report vg_ev_report;

/* Options for vg_ev_report_open(). Zero-initialise, then set what you need. */
typedef struct vg_ev_opts {
    const char *parent;         /* folder in which the report folder is created (required) */
    const char *sign_key;       /* PKCS#8 PEM Ed25519 private key (vigil keygen) (required) */
    const char *recipient_cert; /* PEM X.509 investigator certificate; NULL: no preservation */
    uint64_t preserve_cap;      /* max bytes per preserved file; 0: VG_EV_PRESERVE_CAP_DEFAULT */
    uint64_t max_preserve_size; /* max bytes of all containers in preserved/ together (see
                                   vg_ev_report_preserve_cb); 0: VG_EV_MAX_PRESERVE_DEFAULT */
    uint64_t max_report_size;   /* records.jsonl stops near this size (see vg_ev_report_file);
                                   0: VG_EV_MAX_REPORT_DEFAULT */
    bool write_tsq;             /* also write summary.tsq (RFC 3161 request, made offline) */
    bool write_case;            /* also write case.jsonld (CASE/UCO 1.4 JSON-LD of the findings) */
    bool summary_names;         /* list matched file paths in summary.txt (default: no names) */
} vg_ev_opts;

/* One hash list the scan used. */
typedef struct vg_ev_list {
    const char *name;              /* as supplied (the id matches refer to) */
    const char *version;           /* version or date; NULL if unknown */
    const char *source;            /* file it was loaded from; NULL if none */
    uint8_t sha256[VG_SHA256_LEN]; /* SHA-256 of that file */
    int64_t entries;               /* number of entries; -1 if unknown */
} vg_ev_list;

/* One configuration item, recorded as given (e.g. {"max-depth", "8"}). */
typedef struct vg_ev_kv {
    const char *name, *value;
} vg_ev_kv;

/* What the scan_start record states beyond what the writer finds itself (host name,
 * /etc/machine-id, OS, kernel, user, clock synchronisation, SHA-256 of /proc/self/exe). */
typedef struct vg_ev_scan_info {
    const char *tool_version; /* e.g. "0.1.0" */
    const char *tool_build;   /* build (git) hash */
    int argc;                 /* command line, recorded byte-exact */
    char *const *argv;
    const char *const *roots; /* the paths scanned */
    size_t n_roots;
    const vg_ev_kv *config; /* the full effective configuration */
    size_t n_config;
    const vg_ev_list *lists;
    size_t n_lists;
    const char *case_ref; /* operator-supplied case reference; NULL if none */
    const char *exhibit;  /* exhibit number; NULL if none */
} vg_ev_scan_info;

/* Where a file is: path on disk, then (inside archives) the chain of entry names. */
typedef struct vg_ev_where {
    const char *path;
    const char *const *inner; /* entry names, outermost archive first; NULL if n_inner == 0 */
    size_t n_inner;
} vg_ev_where;

/* A file examined. */
typedef struct vg_ev_file {
    vg_ev_where where;
    uint64_t size;
    bool has_stat; /* the fields below come from stat() of the outer file */
    struct timespec mtime, ctime, atime;
    uint64_t dev, ino;
    uint32_t uid, gid, mode;
    bool has_digests;
    vg_digests digests;
    bool has_pdq;
    uint8_t pdq[32];
    int pdq_quality;
    /* An image with uniform borders: the exact PDQ of the content inside them, and where that
     * content is (pixels of the decoded image): "pdq_trimmed", "pdq_trimmed_quality",
     * "pdq_trimmed_from": {"x", "y", "width", "height"}. */
    bool has_pdq_trim;
    uint8_t pdq_trim[32];
    int pdq_trim_quality;
    uint32_t trim_x, trim_y, trim_w, trim_h;
    /* The fast screen cleared the image (no list code near its screening hashes), so it has no
     * exact PDQ: "pdq_screened": true. A screening hash is never written. */
    bool pdq_screened;
    const char *kind;    /* sniffed content type ("jpeg", "png", "zip", "other", ...) */
    const char *outcome; /* "clean", "matched", "skipped", "error", "limit" */
} vg_ev_file;

/* A match of a file record against a list entry. */
typedef struct vg_ev_match {
    uint64_t file_seq;    /* seq of the file record (returned by vg_ev_report_file) */
    const char *list;     /* list name; must be one of scan_start's lists */
    const char *entry;    /* entry id within the list */
    const char *category; /* category as the list supplies it; NULL if none */
    const char *how;      /* "md5", "sha1", "sha256" (kind "confirmed") or "pdq" ("probable") */
    int distance;         /* PDQ Hamming distance (how = "pdq"); ignored otherwise */
    int quality;          /* PDQ quality of the file's hash (how = "pdq") */
    /* how = "pdq", how the matching hash was derived (each written when not NULL): "pdq_of"
     * ("image", or "trimmed": the PDQ of the content inside uniform borders) and "dihedral"
     * (which of its 8 dihedral forms matched: "original", "rotate90", ..., "flipminus1"). */
    const char *pdq_of;
    const char *dihedral;
} vg_ev_match;

/*
 * Create a report folder PARENT/vigil-<host>-<YYYYmmddTHHMMSSZ>-<report_id>/ (0700) and open
 * records.jsonl (0600). The signing key (and the recipient certificate) are loaded now, so a bad
 * key fails before any scanning.
 * @param[out] out  the handle (vg_ev_report_free()); NULL on failure.
 * @param[out] err  if not NULL, a static or thread-local message on failure.
 * @return VG_OK; VG_E_INVAL (missing option); VG_E_IO (folder not creatable, key unreadable);
 *         VG_E_FORMAT (key or certificate not usable); VG_E_NOMEM; VG_E_CRYPTO.
 */
vg_status vg_ev_report_open(vg_ev_report **out, const vg_ev_opts *opts, const char **err);

/*
 * Load an investigator's certificate as vg_ev_report_open() does for recipient_cert, to check
 * it without a report (`vigil config check`): PEM X.509 with an RSA >= 2048-bit or EC P-256 key.
 * @param[out] transport  on success, the key transport a report would record (static string:
 *                        "rsa-oaep-sha256" or "ecdh-p256-sha256kdf").
 * @param[out] why        on failure, a static reason.
 * @return VG_OK; VG_E_IO (unreadable); VG_E_FORMAT (not a usable certificate); VG_E_NOMEM.
 *         Thread-safe.
 */
vg_status vg_ev_recipient_check(const char *pem_path, const char **transport, const char **why);

/* The report folder's path; valid until vg_ev_report_free(). */
const char *vg_ev_report_dir(const vg_ev_report *r);
/* The report id (UUID text); valid until vg_ev_report_free(). */
const char *vg_ev_report_id(const vg_ev_report *r);
/* Message of the last failure on this handle; valid until the next call on it. */
const char *vg_ev_report_errmsg(const vg_ev_report *r);

/* Record 1: scan_start. @return VG_OK; VG_E_INVAL (order, bad UTF-8); VG_E_IO; VG_E_NOMEM. */
vg_status vg_ev_report_scan_start(vg_ev_report *r, const vg_ev_scan_info *info);

/* A file examined; *seq (may be NULL) gets its record number for matches and preservation.
 * REPORT SIZE: a file, error or limit record that would take records.jsonl past
 * max_report_size is not written; in its place comes one record {"type": "limit", "limit":
 * "max-report-size", "value": the size it would have made, "max": max_report_size} (no path),
 * and from then on every file, error and limit call returns VG_E_LIMIT without writing
 * (vg_ev_report_full() says so). The caller stops scanning; match, preservation and scan_end
 * records still go in (so the file may end a little past the maximum), and the report seals as
 * usual. Likewise one file, error or limit record longer than VG_EV_RECORD_MAX is not written:
 * a {"limit": "max-record-size"} record instead, VG_E_LIMIT, and the scan may go on.
 * @return as vg_ev_report_scan_start(); VG_E_LIMIT (not written, see above). */
vg_status vg_ev_report_file(vg_ev_report *r, const vg_ev_file *f, uint64_t *seq);

/* True once records.jsonl is full (max_report_size): file, error and limit calls write nothing. */
bool vg_ev_report_full(const vg_ev_report *r);

/* A match (file_seq must name an earlier file record; list must be a scan_start list). */
vg_status vg_ev_report_match(vg_ev_report *r, const vg_ev_match *m, uint64_t *seq);

/* An error at a place (where may be NULL for errors not tied to a file); reason is a short
 * stable text, err an errno value or 0. VG_E_LIMIT: the report is full (vg_ev_report_file). */
vg_status vg_ev_report_error(vg_ev_report *r, const vg_ev_where *where, const char *reason, int err,
                             uint64_t *seq);

/* A limit hit (e.g. limit "archive-depth", value 9, max 8). */
vg_status vg_ev_report_limit(vg_ev_report *r, const vg_ev_where *where, const char *limit,
                             int64_t value, int64_t max, uint64_t *seq);

/*
 * Reader callback for vg_ev_report_preserve_cb(): fill buf with up to cap bytes; return the
 * count, 0 at end, or -1 on error.
 */
typedef long (*vg_ev_read_fn)(void *ctx, void *buf, size_t cap);

/*
 * Preserve the matched file of record file_seq (a file record with outcome "matched"): stream
 * its bytes (fd from its current offset to
 * EOF, or from read_fn) through a CMS AuthEnvelopedData encoder (AES-256-GCM, to the recipient
 * certificate; RSA-OAEP-SHA256 or ECDH-P256 with a SHA-256 KDF) into preserved/NNNNNN.cms, so no
 * plaintext copy touches disk; then append a "preserved" record with the plaintext and container
 * SHA-256. A file over the size cap (known in advance or found while streaming), one that
 * cannot be read, or one whose bytes no longer have the SHA-256 of its file record (changed
 * since it was hashed) gets a "not_preserved" record with the reason instead, no container is
 * kept, and VG_OK is returned. So does a file whose container would take preserved/ past
 * max_preserve_size (reason "limit max-preserve-size"): the container is written only up to
 * what is left of that budget, then removed; later files are still tried, and a smaller one may
 * fit. Which files fit therefore depends on the order they are preserved in.
 * @param[out] preserved  true if a container was written (may be NULL).
 * @return VG_OK; VG_E_INVAL (no recipient configured, bad file_seq, order); VG_E_IO (the report
 *         folder could not be written); VG_E_CRYPTO; VG_E_NOMEM.
 */
vg_status vg_ev_report_preserve_fd(vg_ev_report *r, uint64_t file_seq, int fd, bool *preserved);
vg_status vg_ev_report_preserve_cb(vg_ev_report *r, uint64_t file_seq, vg_ev_read_fn read_fn,
                                   void *ctx, bool *preserved);

/*
 * Record that the matched file of record file_seq was not preserved, and why (a short stable
 * text, e.g. "inside an archive", "cannot open: EACCES"), when the caller cannot even start
 * vg_ev_report_preserve_fd() / _cb(). Needs no recipient certificate.
 * @return VG_OK; VG_E_INVAL (file_seq is not a matched file record, order); VG_E_IO; VG_E_NOMEM.
 */
vg_status vg_ev_report_not_preserved(vg_ev_report *r, uint64_t file_seq, const char *reason);

/* Last record: scan_end with the counts by outcome, the duration, and whether the scan was
 * interrupted. */
vg_status vg_ev_report_scan_end(vg_ev_report *r, bool interrupted);

/*
 * Seal: fsync records.jsonl; write summary.txt, case.jsonld (if asked), summary.json (counts,
 * lists, host, times, chain head, Merkle root, SHA-256 of every other file), report.sig
 * (minisign), then summary.tsq (if asked) — each to a temporary name, fsynced, renamed.
 * @return VG_OK; VG_E_INVAL (scan_end not written); VG_E_IO; VG_E_CRYPTO; VG_E_NOMEM.
 */
vg_status vg_ev_report_seal(vg_ev_report *r);

/* Close the handle (an unsealed report stays on disk, incomplete). NULL is accepted. */
void vg_ev_report_free(vg_ev_report *r);

/*
 * The CASE 1.4 / UCO 1.4 JSON-LD export (case.jsonld) of a complete records.jsonl: tool, device,
 * hash lists, matched files with their digests, one annotation per match, the investigative
 * action and a provenance record. Deterministic (identifiers are UUIDv5 over the report id), so
 * `vigil verify` re-derives it and compares. Only matched files are exported; never content.
 * @param[out] out, len  new malloc'd NUL-terminated text (caller frees).
 * @return VG_OK; VG_E_FORMAT (not records vigil wrote); VG_E_NOMEM. Thread-safe.
 */
vg_status vg_ev_case_export(const char *records, size_t n, char **out, size_t *len);

/* ---- never display content ---- */

/*
 * Call once at the start of a scan, before any file is read: sets RLIMIT_CORE to 0 and
 * prctl(PR_SET_DUMPABLE, 0), so a crash cannot write a core dump holding decoded images (a core
 * file would be a "made" copy). Not undone. @return VG_OK or VG_E_IO (errno kept).
 */
vg_status vg_ev_nodump_process(void);

/*
 * Mark a buffer that will hold file bytes or decoded pixels MADV_DONTDUMP (whole pages
 * covering [p, p+n) — allocate such buffers page-aligned, e.g. with vg_ev_secure_alloc()).
 * @return VG_OK or VG_E_IO.
 */
vg_status vg_ev_nodump_buffer(void *p, size_t n);

/* Allocate n bytes page-aligned and MADV_DONTDUMP; NULL if out of memory. Free with
 * vg_ev_secure_free(p, n), which wipes the bytes first (OPENSSL_cleanse). */
void *vg_ev_secure_alloc(size_t n);
void vg_ev_secure_free(void *p, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_EVIDENCE_H */
