/* scan_log.h — syslog/journald lines for unattended scans: start, each match and error, end
 * (cli/ only). Paths, list names, entry ids, counts and reasons: never content. */
#ifndef VIGIL_CLI_SCAN_LOG_H
#define VIGIL_CLI_SCAN_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/hset.h"
#include "vigil/scan.h"

/* ERROR and LIMIT records logged one by one per run; the rest are counted in one line. */
#define VG_SLOG_MAX_ERRORS 100

/* Where lines go: syslog(3) unless a test gives its own. prio is a syslog priority. */
typedef void (*vg_slog_sink)(void *ctx, int prio, const char *line);

typedef struct vg_slog {
    bool on;
    vg_slog_sink sink; /* NULL: syslog(3) */
    void *ctx;
    unsigned long long errors_logged, errors_unlogged;
} vg_slog;

/*
 * Start logging when on is true (otherwise every call below does nothing): openlog("vigil",
 * LOG_PID, LOG_DAEMON), or the given sink. With VIGIL_SYSLOG_STDERR=1 in the environment each
 * line is also copied to standard error (LOG_PERROR), to check a configuration by hand.
 */
void vg_slog_open(vg_slog *s, bool on, vg_slog_sink sink, void *ctx);

/* One line at prio: printf-style. */
void vg_slog_msg(vg_slog *s, int prio, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* "scan started: ..." with the configuration file (or NULL), counts and the report folder. */
void vg_slog_start(vg_slog *s, const char *conf, size_t n_roots, size_t n_lists,
                   const char *report_dir);

/* A record from the scan: one LOG_ALERT line per match (path, how, list, entry id), one
 * LOG_WARNING line per error or limit (path, reason) up to VG_SLOG_MAX_ERRORS; nothing for
 * clean files and skips. lists are the scan's indexes (for list names and entry ids). */
void vg_slog_rec(vg_slog *s, const vg_scan_rec *r, const vg_hset *const *lists);

/* "scan finished: ..." with the exit status, the counts and the report folder: LOG_NOTICE when
 * clean and complete, LOG_ALERT with matches, LOG_WARNING when incomplete. */
void vg_slog_end(vg_slog *s, int code, const vg_scan_stats *st, double secs,
                 const char *report_dir);

/* closelog(); s is off afterwards. */
void vg_slog_close(vg_slog *s);

#endif
