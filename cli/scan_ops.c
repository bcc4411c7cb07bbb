/*
 * scan_ops.c — `vigil scan` run by a timer or cron: settings from /etc/vigil/vigil.conf, one
 * run per settings file at a time, a syslog trail, low priority, and old reports retired.
 * Kept out of cmd_scan.c so the scan itself stays about scanning; cmd_scan.c only calls in.
 */
#define _DEFAULT_SOURCE /* syscall */
#include "scan_ops.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "vigil/ev_seal.h"

#include "cli.h"
#include "pathfmt.h"
#include "retention.h"

/* ---- the settings file ---- */

/* Whether tok ("--name" or "--name=value") is the long option want, spelled out or as an
 * unambiguous prefix (getopt_long accepts those too). *value: what follows '=' or NULL. */
static bool is_opt(const struct option *table, const char *tok, const char *want,
                   const char **value) {
    if (strncmp(tok, "--", 2) != 0 || !tok[2])
        return false;
    const char *name = tok + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    if (strncmp(want, name, len) != 0)
        return false;
    if (want[len] != '\0')
        for (const struct option *o = table; o->name; o++)
            if (strcmp(o->name, want) != 0 && strncmp(o->name, name, len) == 0)
                return false; /* ambiguous: getopt will say so */
    *value = eq ? eq + 1 : NULL;
    return true;
}

/* The settings file the command line asks for: --config FILE, none (--no-config), or the
 * default when it exists. @return 0, or -1 (message printed). */
static int which_config(scan_ops *o, const struct option *table, int argc, char **argv) {
    bool none = false;
    const char *file = NULL, *v;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (is_opt(table, argv[i], "no-config", &v)) {
            none = true;
        } else if (is_opt(table, argv[i], "config", &v)) {
            file = v ? v : i + 1 < argc ? argv[++i] : NULL;
            if (!file || !*file) {
                vg_cli_err("scan: --config needs a FILE (try 'vigil scan --help')");
                return -1;
            }
        }
    }
    if (none && file) {
        vg_cli_err("scan: --config and --no-config contradict each other");
        return -1;
    }
    if (!none && !file && access(VG_CONF_DEFAULT, F_OK) == 0)
        file = VG_CONF_DEFAULT;
    o->config = none ? NULL : file;
    return 0;
}

int scan_ops_config(scan_ops *o, const struct option *table, const char *shortopts,
                    const char *const *lists, int argc, char **argv) {
    memset(o, 0, sizeof *o);
    o->nice = -1;
    o->lock.fd = -1;
    if (which_config(o, table, argc, argv) != 0)
        return -1;
    if (o->config) {
        char err[512];
        if (vg_conf_load(&o->conf, o->config, table, lists, err, sizeof err) != VG_OK) {
            vg_cli_err("%s", err);
            o->config = NULL;
            return -1;
        }
    }
    if (vg_conf_merge(&o->conf, table, shortopts, argc, argv, &o->argc, &o->argv) != VG_OK) {
        vg_cli_err("scan: out of memory");
        return -1;
    }
    return 0;
}

const char *scan_ops_origin(const scan_ops *o, int optind_now) {
    return vg_conf_origin(&o->conf, optind_now);
}

void scan_ops_bad_value(const char *origin, const char *name, const char *arg) {
    if (origin)
        vg_cli_err("%s: bad value '%s' for %s", origin, arg, name);
    else
        vg_cli_err("scan: bad value '%s' for --%s (try 'vigil scan --help')", arg, name);
}

/* ---- this module's options ---- */

static bool small_number(const char *s, long lo, long hi, long *out) {
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

static bool ionice_value(scan_ops *o, const char *arg) {
    long level = 7;
    if (!strcmp(arg, "idle")) {
        o->io_class = 3;
        o->io_level = 0;
        return true;
    }
    if (strncmp(arg, "best-effort", 11) != 0 ||
        (arg[11] && (arg[11] != ':' || !small_number(arg + 12, 0, 7, &level))))
        return false;
    o->io_class = 2;
    o->io_level = (int)level;
    return true;
}

bool scan_ops_opt(scan_ops *o, int c, const char *arg, const char *origin) {
    long v;
    switch (c) {
    case VG_OPS_SYSLOG:
        o->syslog = true;
        return true;
    case VG_OPS_LOCK:
        o->lock_path = arg;
        return true;
    case VG_OPS_KEEP_REPORTS:
        if (!small_number(arg, 1, 1000000, &v))
            return scan_ops_bad_value(origin, "keep-reports", arg), false;
        o->keep_reports = (unsigned)v;
        return true;
    case VG_OPS_NICE:
        if (!small_number(arg, 0, 19, &v))
            return scan_ops_bad_value(origin, "nice", arg), false;
        o->nice = (int)v;
        return true;
    case VG_OPS_IONICE:
        if (!ionice_value(o, arg))
            return scan_ops_bad_value(origin, "ionice", arg), false;
        return true;
    default: /* --config, --no-config: read before getopt */
        return true;
    }
}

void scan_ops_config_text(const scan_ops *o, vg_conf_text *t) {
    vg_conf_text_add(t, "syslog=%s", o->syslog ? "yes" : "no");
    vg_conf_text_add(t, "keep-reports=%u", o->keep_reports);
    if (o->nice >= 0)
        vg_conf_text_add(t, "nice=%d", o->nice);
    if (o->io_class)
        vg_conf_text_add(t, "ionice=%s:%d", o->io_class == 3 ? "idle" : "best-effort", o->io_level);
    if (o->lock.fd >= 0)
        vg_conf_text_add(t, "lock=%s", o->lock_path ? o->lock_path : o->lock_buf);
}

/* ---- starting: priority, syslog, lock ---- */

/* Lower (never raise) the CPU priority; set the I/O priority. Threads started later inherit
 * both (Linux keeps them per thread), so this runs before the scan starts its workers. */
static void lower_priority(const scan_ops *o) {
    if (o->nice >= 0) {
        errno = 0;
        int cur = getpriority(PRIO_PROCESS, 0);
        if (errno == 0 && o->nice > cur && setpriority(PRIO_PROCESS, 0, o->nice) != 0)
            vg_cli_err("scan: cannot set nice %d: %s", o->nice, strerror(errno));
    }
    if (o->io_class) {
        enum { WHO_PROCESS = 1, CLASS_SHIFT = 13 };
        long prio = ((long)o->io_class << CLASS_SHIFT) | o->io_level;
        if (syscall(SYS_ioprio_set, WHO_PROCESS, 0, prio) != 0)
            vg_cli_err("scan: cannot set the I/O priority: %s", strerror(errno));
    }
}

static int take_lock(scan_ops *o) {
    const char *path = o->lock_path;
    if (!path && o->config) {
        if (vg_lock_default_path(o->config, o->lock_buf, sizeof o->lock_buf) != VG_OK) {
            vg_cli_err("scan: no usable lock folder for %s", o->config);
            return 4;
        }
        path = o->lock_buf;
    }
    if (!path)
        return 0;
    char err[256];
    if (vg_lock_take(&o->lock, path, err, sizeof err) != VG_OK) {
        vg_cli_path_err(path, err);
        return 4;
    }
    if (o->lock.fd < 0) {
        vg_cli_err("scan: another scan with these settings is running (PID %ld, lock %s); not "
                   "scanning",
                   (long)o->lock.holder, path);
        return VG_EXIT_LOCKED;
    }
    if (o->lock.stale)
        vg_slog_msg(&o->log, LOG_NOTICE, "took over the lock of PID %ld, which is gone",
                    (long)o->lock.stale);
    return 0;
}

int scan_ops_begin(scan_ops *o) {
    lower_priority(o);
    vg_slog_open(&o->log, o->syslog, NULL, NULL);
    vg_cli_syslog = o->syslog; /* every "vigil: ..." message from now on goes to syslog too */
    return take_lock(o);
}

/* ---- retention ---- */

static void on_old_report(void *ctx, const char *dir, bool removed, const vg_ev_verdict *v) {
    scan_ops *o = ctx;
    if (removed) {
        vg_slog_msg(&o->log, LOG_INFO, "removed old report %s (--keep-reports %u)", dir,
                    o->keep_reports);
        return;
    }
    char why[128];
    snprintf(why, sizeof why, "old report kept: it does not verify (%s)",
             v->reason[0] ? v->reason : "unreadable");
    vg_cli_path_err(dir, why);
}

void scan_ops_retain(scan_ops *o, const char *parent, const char *newest, const char *sign_key) {
    if (!o->keep_reports)
        return;
    vg_ev_signer *signer = NULL;
    vg_ev_pubkey pub;
    if (vg_ev_signer_load(sign_key, &signer) != VG_OK) {
        vg_cli_path_err(sign_key, "cannot read the signing key again; old reports kept");
        return;
    }
    vg_ev_signer_pubkey(signer, &pub);
    vg_ev_signer_free(signer);
    unsigned removed = 0;
    vg_status st = vg_retain(parent, newest, o->keep_reports, &pub, on_old_report, o, &removed);
    if (st != VG_OK)
        vg_cli_path_err(parent, "could not apply --keep-reports to every old report");
}

void scan_ops_end(scan_ops *o) {
    vg_cli_syslog = false;
    vg_lock_release(&o->lock);
    vg_slog_close(&o->log);
    vg_conf_free(&o->conf);
    free(o->argv);
    o->argv = NULL;
}
