/* scan_report.h — the report folder `vigil scan` writes: records as JSON lines (internal to
 * cli/). Interim writer in the record shapes of EVIDENCE.md §5.2, until the sealed evidence
 * writer (vigil/evidence.h) replaces it. */
#ifndef VIGIL_CLI_SCAN_REPORT_H
#define VIGIL_CLI_SCAN_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "vigil/hset.h"
#include "vigil/scan.h"

typedef struct scan_report {
    char *dir; /* the report folder */
    FILE *f;   /* records.jsonl */
    unsigned long long seq;
    const vg_hset *const *lists;
    const char *const *list_paths;
    size_t n_lists;
    unsigned long long confirmed, probable; /* match records by kind */
} scan_report;

/* Create PARENT (if missing) and a new 0700 folder vigil-<host>-<UTC time>-<pid> in it, with
 * records.jsonl (0600). @return 0, or -1 with a message printed. */
int scan_report_open(scan_report *r, const char *parent);

/* The scan_start record: tool, roots, lists, options (name=value pairs). */
int scan_report_start(scan_report *r, const char *const *roots, size_t n_roots,
                      const char *const *opts, size_t n_opts);

/* One record from the scan (and its match records). @return VG_OK or VG_E_IO. */
vg_status scan_report_rec(void *ctx, const vg_scan_rec *rec);

/* The scan_end record with the counts; flush and fsync. @return 0 or -1. */
int scan_report_end(scan_report *r, const vg_scan_stats *st);

/* Close and release (the folder stays). */
void scan_report_close(scan_report *r);

#endif
