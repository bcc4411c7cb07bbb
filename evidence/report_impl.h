/* report_impl.h — the report writer's state, shared by report.c (records), summary.c (seal),
 * hostinfo.c and preserve.c. Internal to evidence/. */
#ifndef VIGIL_REPORT_IMPL_H
#define VIGIL_REPORT_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "vigil/ev_json.h"
#include "vigil/ev_seal.h"
#include "vigil/evidence.h"

#include "ev_util.h"

/* Facts about the machine and the process, collected once at scan start. */
typedef struct vg_ev_host {
    char hostname[256];
    char machine_id[64];
    char os[256];
    char kernel[512];
    char arch[64];
    char user[256];
    uint32_t uid;
    bool clock_synced;     /* ntp_adjtime() did not report TIME_ERROR */
    char clock_status[32]; /* "synchronised", "unsynchronised" or "unknown" */
    bool has_exe;
    uint8_t exe_sha256[32]; /* SHA-256 of /proc/self/exe */
} vg_ev_host;

void vg_ev_host_collect(vg_ev_host *h);

/* The outcomes a file record may state (vg_ev_file.outcome), in canonical (sorted) order. */
enum {
    VG_EV_OUT_CLEAN,
    VG_EV_OUT_ERROR,
    VG_EV_OUT_LIMIT,
    VG_EV_OUT_MATCHED,
    VG_EV_OUT_SKIPPED,
    VG_EV_N_OUTCOMES
};
extern const char *const vg_ev_outcomes[VG_EV_N_OUTCOMES];
/* Index of outcome s in vg_ev_outcomes, or -1 if it is not one of them. */
int vg_ev_outcome_index(const char *s);

/* Counts by outcome; recomputed from the records by `vigil verify`. */
typedef struct vg_ev_counts {
    int64_t examined, matched_files, matches_confirmed, matches_probable, errors, limits, preserved,
        not_preserved;
    int64_t outcomes[VG_EV_N_OUTCOMES]; /* file records by outcome */
} vg_ev_counts;

/* Emit the counts as object "counts" into j. */
vg_status vg_ev_counts_emit(vg_ev_json *j, const vg_ev_counts *c);

/* A report file written besides records.jsonl, pinned in summary.json. */
typedef struct vg_ev_pinned {
    char name[64];
    uint8_t sha256[32];
    uint64_t size;
} vg_ev_pinned;

/* A recipient for preserved files (preserve.c). */
typedef struct vg_ev_recipient vg_ev_recipient;
vg_status vg_ev_recipient_load(const char *pem_path, vg_ev_recipient **out, const char **why);
void vg_ev_recipient_free(vg_ev_recipient *rc);
const char *vg_ev_recipient_transport(const vg_ev_recipient *rc);
const uint8_t *vg_ev_recipient_fingerprint(const vg_ev_recipient *rc);

/* The result of streaming one object through the CMS encoder. */
typedef struct vg_ev_sealed_obj {
    bool over_cap, read_error;
    bool over_budget; /* the container would have been larger than caps.cms */
    uint64_t plain_size, cms_size;
    uint8_t plain_sha256[32], cms_sha256[32];
} vg_ev_sealed_obj;

/* How large one object may be: plain bytes read (the per-file cap), and bytes of the container
 * written (what is left of the preserved/ budget). */
typedef struct vg_ev_caps {
    uint64_t plain, cms;
} vg_ev_caps;

/* Encrypt everything read_fn yields into dirfd/name (via name.tmp, fsync, rename). When the
 * input exceeds caps.plain or cannot be read, or the container would exceed caps.cms (a write
 * that would cross it is refused, so name.tmp never grows past it), nothing is left on disk,
 * out->over_cap/read_error/over_budget is set and VG_OK is returned. */
vg_status vg_ev_preserve_stream(const vg_ev_recipient *rc, vg_ev_read_fn read_fn, void *ctx,
                                int dirfd, const char *name, vg_ev_caps caps,
                                vg_ev_sealed_obj *out);

enum report_state { RS_OPEN, RS_STARTED, RS_ENDED, RS_SEALED, RS_BROKEN };

struct vg_ev_report {
    enum report_state state;
    vg_ev_opts opts; /* strings not kept: only flags and cap are used after open */
    char *dir;
    int dirfd, recfd;
    uint8_t id[16];
    char id_text[37];
    vg_ev_signer *signer;
    vg_ev_recipient *recip;
    uint64_t preserve_cap;
    uint64_t max_preserve;   /* budget for the bytes of preserved/ (max_preserve_size) */
    uint64_t preserved_size; /* bytes of the containers kept so far */

    uint64_t seq; /* records written */

    uint64_t rec_bytes;     /* size of records.jsonl so far */
    uint64_t max_rec_bytes; /* file, error and limit records stop here (max_report_size) */
    bool full;              /* the max-report-size limit record is written */
    uint8_t genesis[32], prev[32];
    vg_ev_merkle merkle;
    vg_ev_json *j;

    vg_ev_host host;
    char start[31], end[31];
    struct timespec t0;
    int64_t duration_ms;
    bool interrupted;
    vg_ev_counts counts;

    char *tool_version, *tool_build;
    char *case_ref, *exhibit;
    char **roots; /* copies of the scanned paths (summary.json, summary.txt) */
    size_t n_roots;
    struct kept_list {
        char *name, *version, *source; /* copies; version, source may be NULL */
        uint8_t sha256[32];
        int64_t entries;
    } * lists;
    size_t n_lists;
    uint8_t *is_file; /* is_file[seq] != 0 for file records (match/preserve checks) */
    size_t is_file_cap;
    vg_ev_digtab matched_sha256; /* SHA-256 of matched file records, to check preserved bytes */
    vg_ev_buf matched;           /* "seq\tpath\n" of matched files, for summary.txt */

    vg_ev_pinned *pinned;
    size_t n_pinned, cap_pinned;
    unsigned next_cms;
    char errmsg[256];
};

/* True if record seq is a file record. */
bool vg_ev_report_is_file(const vg_ev_report *r, uint64_t seq);

/* Set the handle's message and return st. */
vg_status vg_ev_report_fail(vg_ev_report *r, vg_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Emit the tool / host / operator / lists objects shared by scan_start and summary.json. */
vg_status vg_ev_emit_facts(vg_ev_report *r, vg_ev_json *j);

/* Pin a written file (name relative to the report folder) for summary.json. */
vg_status vg_ev_report_pin(vg_ev_report *r, const char *name, const uint8_t sha256[32],
                           uint64_t size);

/* summary.c: write summary.txt, summary.json, report.sig, summary.tsq. */
vg_status vg_ev_report_write_seal(vg_ev_report *r);

/* case_export.c: render case.jsonld from the complete records.jsonl (deterministic). Only
 * scan_start, scan_end, matches and matched file records are kept while reading; when those
 * take more than the budget (VG_EV_CASE_MAX_KEPT bytes of record lines) the export is refused
 * with VG_E_LIMIT, so memory stays bounded whatever the report holds. */
#define VG_EV_CASE_MAX_KEPT ((size_t)64 << 20)
vg_status vg_ev_case_render(const char *records, size_t n, vg_ev_buf *out);
/* The same, streamed from dirfd/name (lines of at most VG_EV_MAX_LINE bytes, else
 * VG_E_LIMIT) with the given budget. VG_E_NOTFOUND if the file is missing or empty. */
vg_status vg_ev_case_render_file(int dirfd, const char *name, size_t budget, vg_ev_buf *out);

/* tsq.c: an RFC 3161 TimeStampReq (SHA-256 imprint of data, random nonce, certReq) as DER. */
vg_status vg_ev_tsq_make(const void *data, size_t n, vg_ev_buf *der);

#endif
