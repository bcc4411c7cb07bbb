/*
 * scan_log.c — what an unattended scan tells syslog/journald.
 *
 * Under systemd a program's stderr reaches the journal at one level unless each line carries a
 * "<N>" prefix, and monitoring then misses errors (ClamAV #269, UX_RESEARCH.md §6.3). syslog(3)
 * with explicit priorities works the same under journald, rsyslog and cron. Lines hold only
 * what an administrator may see: paths (escaped as for a terminal), list names, entry ids,
 * counts and reasons. File names that are not printable UTF-8 are quoted, never raw.
 */
#define _DEFAULT_SOURCE /* open_memstream, LOG_PERROR */
#include "scan_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "pathfmt.h"

/* ---- lines ---- */

static void emit(vg_slog *s, int prio, const char *line) {
    if (s->sink)
        s->sink(s->ctx, prio, line);
    else
        syslog(prio, "%s", line);
}

void vg_slog_msg(vg_slog *s, int prio, const char *fmt, ...) {
    if (!s->on)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, started above */
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    emit(s, prio, line);
}

/* name escaped for people (pathfmt.h); malloc'd, or NULL. */
static char *escaped(const char *name) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return NULL;
    vg_shell_write_name(f, name ? name : "");
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* ---- the run ---- */

void vg_slog_open(vg_slog *s, bool on, vg_slog_sink sink, void *ctx) {
    memset(s, 0, sizeof *s);
    s->on = on;
    s->sink = sink;
    s->ctx = ctx;
    if (on && !sink) {
        const char *e = getenv("VIGIL_SYSLOG_STDERR");
        openlog("vigil", LOG_PID | (e && !strcmp(e, "1") ? LOG_PERROR : 0), LOG_DAEMON);
    }
}

void vg_slog_start(vg_slog *s, const char *conf, size_t n_roots, size_t n_lists,
                   const char *report_dir) {
    if (!s->on)
        return;
    char *c = escaped(conf ? conf : "none"), *d = escaped(report_dir);
    vg_slog_msg(s, LOG_INFO, "scan started: config %s, %zu paths, %zu hash lists, report %s",
                c ? c : "?", n_roots, n_lists, d ? d : "?");
    free(c);
    free(d);
}

static const char *how_name(vg_hash_type t) {
    switch (t) {
    case VG_HT_MD5:
        return "md5";
    case VG_HT_SHA1:
        return "sha1";
    case VG_HT_SHA256:
        return "sha256";
    case VG_HT_PDQ:
        return "pdq";
    default:
        return "other";
    }
}

static void log_match(vg_slog *s, const char *path, const vg_scan_match *m,
                      const vg_hset *const *lists) {
    vg_hset_rec e = {0};
    vg_hset_list l = {0};
    if (lists && vg_hset_rec_get(lists[m->list], m->entry, &e) == VG_OK)
        vg_hset_list_get(lists[m->list], e.list, &l);
    char *n = escaped(l.name && *l.name ? l.name : "?");
    char *id = escaped(e.id && *e.id ? e.id : "?");
    if (m->how == VG_HT_PDQ)
        vg_slog_msg(s, LOG_ALERT, "match (probable, pdq distance %u): %s: list %s entry %s",
                    m->distance, path, n ? n : "?", id ? id : "?");
    else
        vg_slog_msg(s, LOG_ALERT, "match (confirmed, %s): %s: list %s entry %s", how_name(m->how),
                    path, n ? n : "?", id ? id : "?");
    free(n);
    free(id);
}

void vg_slog_rec(vg_slog *s, const vg_scan_rec *r, const vg_hset *const *lists) {
    if (!s->on || (r->kind == VG_SCAN_FILE && !r->n_matches) || r->kind == VG_SCAN_SKIP)
        return;
    if (r->kind != VG_SCAN_FILE && s->errors_logged >= VG_SLOG_MAX_ERRORS) {
        s->errors_unlogged++;
        return;
    }
    char *p = escaped(r->path);
    if (r->kind == VG_SCAN_FILE) {
        for (size_t i = 0; i < r->n_matches; i++)
            log_match(s, p ? p : "?", &r->matches[i], lists);
    } else {
        s->errors_logged++;
        vg_slog_msg(s, LOG_WARNING, "%s: %s: %s%s%s", r->kind == VG_SCAN_LIMIT ? "limit" : "error",
                    p ? p : "?", r->reason ? r->reason : "unknown", r->err ? ": " : "",
                    r->err ? strerror(r->err) : "");
    }
    free(p);
}

void vg_slog_end(vg_slog *s, int code, const vg_scan_stats *st, double secs,
                 const char *report_dir) {
    if (!s->on)
        return;
    if (s->errors_unlogged)
        vg_slog_msg(s, LOG_WARNING, "%llu more errors and limits not logged (see the report)",
                    s->errors_unlogged);
    bool incomplete = vg_scan_incomplete(st);
    int prio = st->matches ? LOG_ALERT : incomplete ? LOG_WARNING : LOG_NOTICE;
    char *d = escaped(report_dir);
    vg_slog_msg(s, prio,
                "scan finished: exit %d (%s%s%s), %llu files, %llu archive entries, %llu images, "
                "%.1f MB, %llu matches in %llu files, %llu skipped, %llu errors, %llu limits hit, "
                "%.1f s, report %s",
                code, st->matches ? "matches" : "no match", incomplete ? ", incomplete" : "",
                st->interrupted ? ", interrupted" : "", (unsigned long long)st->files,
                (unsigned long long)st->entries, (unsigned long long)st->images,
                (double)st->bytes / 1e6, (unsigned long long)st->matches,
                (unsigned long long)st->matched, (unsigned long long)st->skipped,
                (unsigned long long)st->errors, (unsigned long long)st->limits, secs, d ? d : "?");
    free(d);
}

void vg_slog_close(vg_slog *s) {
    if (s->on && !s->sink)
        closelog();
    s->on = false;
}
