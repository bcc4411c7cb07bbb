/* test_scan_log.c — the syslog lines of an unattended scan: what is logged, at which level,
 * names quoted, errors capped, nothing when off. Lines are caught by a sink instead of syslog. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "../../cli/scan_log.h"

#define MAXL 128

static struct {
    int n;
    int prio[MAXL];
    char line[MAXL][512];
} got;

static void sink(void *ctx, int prio, const char *line) {
    (void)ctx;
    if (got.n < MAXL) {
        got.prio[got.n] = prio;
        snprintf(got.line[got.n], sizeof got.line[0], "%s", line);
    }
    got.n++;
}

static void reset(void) {
    memset(&got, 0, sizeof got);
}

TestSuite(scan_log, .init = reset);

Test(scan_log, nothing_when_off) {
    vg_slog s;
    vg_slog_open(&s, false, sink, NULL);
    vg_slog_start(&s, "/etc/vigil/vigil.conf", 1, 1, "/r");
    vg_slog_msg(&s, LOG_ERR, "x");
    vg_scan_stats st = {0};
    vg_slog_end(&s, 0, &st, 1.0, "/r");
    vg_slog_close(&s);
    cr_assert_eq(got.n, 0);
}

Test(scan_log, start_and_clean_end) {
    vg_slog s;
    vg_slog_open(&s, true, sink, NULL);
    vg_slog_start(&s, "/etc/vigil/vigil.conf", 2, 3, "/var/lib/vigil/reports/vigil-h-x");
    vg_scan_stats st = {.files = 10, .bytes = 2500000};
    vg_slog_end(&s, 0, &st, 1.25, "/var/lib/vigil/reports/vigil-h-x");
    vg_slog_close(&s);
    cr_assert_eq(got.n, 2);
    cr_assert_eq(got.prio[0], LOG_INFO);
    cr_assert_str_eq(got.line[0], "scan started: config /etc/vigil/vigil.conf, 2 paths, 3 hash "
                                  "lists, report /var/lib/vigil/reports/vigil-h-x");
    cr_assert_eq(got.prio[1], LOG_NOTICE);
    cr_assert_str_eq(got.line[1],
                     "scan finished: exit 0 (no match), 10 files, 0 archive entries, 0 images, "
                     "2.5 MB, 0 matches in 0 files, 0 skipped, 0 errors, 0 limits hit, 1.2 s, "
                     "report /var/lib/vigil/reports/vigil-h-x");
}

Test(scan_log, matches_are_alerts_with_quoted_names) {
    vg_slog s;
    vg_slog_open(&s, true, sink, NULL);
    vg_scan_match m[2] = {{.how = VG_HT_SHA256}, {.how = VG_HT_PDQ, .distance = 7}};
    vg_scan_rec r = {
        .kind = VG_SCAN_FILE, .path = "/home/a/new\nline.jpg", .matches = m, .n_matches = 2};
    vg_slog_rec(&s, &r, NULL);
    vg_scan_rec clean = {.kind = VG_SCAN_FILE, .path = "/home/a/ok.jpg"};
    vg_slog_rec(&s, &clean, NULL);
    vg_scan_rec skip = {.kind = VG_SCAN_SKIP, .path = "/home/a/fifo", .reason = "special"};
    vg_slog_rec(&s, &skip, NULL);
    cr_assert_eq(got.n, 2, "one line per match, none for clean files and skips");
    cr_assert_eq(got.prio[0], LOG_ALERT);
    cr_assert_str_eq(got.line[0],
                     "match (confirmed, sha256): '/home/a/new'$'\\n''line.jpg': list ? entry ?");
    cr_assert_str_eq(got.line[1], "match (probable, pdq distance 7): "
                                  "'/home/a/new'$'\\n''line.jpg': list ? entry ?");
    vg_scan_stats st = {.files = 2, .matches = 2, .matched = 1};
    vg_slog_end(&s, 1, &st, 0.5, "/r");
    cr_assert_eq(got.prio[2], LOG_ALERT);
    cr_assert_not_null(strstr(got.line[2], "exit 1 (matches)"), "%s", got.line[2]);
    vg_slog_close(&s);
}

Test(scan_log, errors_are_warnings_and_capped) {
    vg_slog s;
    vg_slog_open(&s, true, sink, NULL);
    vg_scan_rec e = {.kind = VG_SCAN_ERROR, .path = "/home/b/locked", .reason = "open", .err = 13};
    vg_scan_rec l = {.kind = VG_SCAN_LIMIT, .path = "/home/b/bomb.zip", .reason = "ratio"};
    vg_slog_rec(&s, &e, NULL);
    vg_slog_rec(&s, &l, NULL);
    cr_assert_eq(got.prio[0], LOG_WARNING);
    cr_assert_str_eq(got.line[0], "error: /home/b/locked: open: Permission denied");
    cr_assert_str_eq(got.line[1], "limit: /home/b/bomb.zip: ratio");
    for (int i = 0; i < VG_SLOG_MAX_ERRORS + 48; i++)
        vg_slog_rec(&s, &e, NULL);
    cr_assert_eq(got.n, VG_SLOG_MAX_ERRORS);
    vg_scan_stats st = {.files = 1, .errors = VG_SLOG_MAX_ERRORS + 49, .limits = 1};
    vg_slog_end(&s, 2, &st, 0.5, "/r");
    cr_assert_eq(got.n, VG_SLOG_MAX_ERRORS + 2);
    cr_assert_str_eq(got.line[VG_SLOG_MAX_ERRORS],
                     "50 more errors and limits not logged (see the report)");
    cr_assert_eq(got.prio[VG_SLOG_MAX_ERRORS + 1], LOG_WARNING);
    cr_assert_not_null(strstr(got.line[VG_SLOG_MAX_ERRORS + 1], "exit 2 (no match, incomplete)"),
                       "%s", got.line[VG_SLOG_MAX_ERRORS + 1]);
    vg_slog_close(&s);
}
