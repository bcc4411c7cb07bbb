/* scan_report.h — the sealed report `vigil scan` writes through the evidence writer
 * (vigil/evidence.h), fed from the scanner's one writer thread (internal to cli/). */
#ifndef VIGIL_CLI_SCAN_REPORT_H
#define VIGIL_CLI_SCAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/evidence.h"
#include "vigil/hset.h"
#include "vigil/scan.h"

#define SCAN_REPORT_ERRNOS 160 /* errno values counted one by one (larger ones in [0]) */

typedef struct scan_report {
    vg_ev_report *ev;
    const char *dir; /* the report folder (owned by ev) */
    const vg_hset *const *lists;
    const char *const *list_paths;
    size_t n_lists;
    unsigned long long confirmed, probable; /* match records by kind */
    bool preserve;                          /* preserve matched files (a recipient is set) */
    unsigned long long preserved, not_preserved;
    unsigned long long err_by_errno[SCAN_REPORT_ERRNOS]; /* error records; [0]: no errno */
    bool full; /* records.jsonl reached max-report-size: the scan stopped (a limit record) */
    unsigned long long record_limits; /* records too long to write (max-record-size records) */
} scan_report;

/* Create o->parent (0700) when missing and the report folder in it, sealed with the key
 * o->sign_key; with o->recipient_cert, matched files are preserved (records carrying their
 * content: vg_scan_opts.keep_matched). @return 0, or -1 with a message printed. */
int scan_report_open(scan_report *r, const vg_ev_opts *o);

/* The scan_start record: tool, command line, roots, lists, options ("name=value" strings). */
int scan_report_start(scan_report *r, const char *const *roots, size_t n_roots,
                      const char *const *opts, size_t n_opts, int argc, char **argv);

/* One record from the scan (and its match records). @return VG_OK or the writer's status;
 * VG_E_LIMIT with r->full set when the report is full (the scan must stop; still seal it). A
 * record too long to write (VG_EV_RECORD_MAX) is counted in r->record_limits; VG_OK. */
vg_status scan_report_rec(void *ctx, const vg_scan_rec *rec);

/* scan_end, then the seal. @return 0 or -1 (message printed). */
int scan_report_end(scan_report *r, const vg_scan_stats *st);

/* Release (an unsealed report stays on disk, incomplete). */
void scan_report_close(scan_report *r);

#endif
