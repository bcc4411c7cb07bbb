/* scan_report.h — the sealed report `vigil scan` writes through the evidence writer
 * (vigil/evidence.h), fed from the scanner's one writer thread (internal to cli/). */
#ifndef VIGIL_CLI_SCAN_REPORT_H
#define VIGIL_CLI_SCAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/evidence.h"
#include "vigil/hset.h"
#include "vigil/scan.h"

typedef struct scan_report {
    vg_ev_report *ev;
    const char *dir; /* the report folder (owned by ev) */
    const vg_hset *const *lists;
    const char *const *list_paths;
    size_t n_lists;
    unsigned long long confirmed, probable; /* match records by kind */
} scan_report;

/* Create the report folder in PARENT, sealed with the Ed25519 key in key_path; recipient is an
 * investigator certificate or NULL. @return 0, or -1 with a message printed. */
int scan_report_open(scan_report *r, const char *parent, const char *key_path,
                     const char *recipient);

/* The scan_start record: tool, command line, roots, lists, options ("name=value" strings). */
int scan_report_start(scan_report *r, const char *const *roots, size_t n_roots,
                      const char *const *opts, size_t n_opts, int argc, char **argv);

/* One record from the scan (and its match records). @return VG_OK or the writer's status. */
vg_status scan_report_rec(void *ctx, const vg_scan_rec *rec);

/* scan_end, then the seal. @return 0 or -1 (message printed). */
int scan_report_end(scan_report *r, const vg_scan_stats *st);

/* Release (an unsealed report stays on disk, incomplete). */
void scan_report_close(scan_report *r);

#endif
