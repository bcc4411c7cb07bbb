/*
 * scan_ops.h — what `vigil scan` adds for unattended runs (cli/ only): the configuration file,
 * the lock, syslog, CPU and I/O priority, and report retention. cmd_scan.c calls, in order:
 * scan_ops_config() (before getopt), scan_ops_opt() for each VG_OPS_* option getopt returns,
 * scan_ops_begin() (before anything is opened), scan_ops_retain() (after a sealed report), and
 * scan_ops_end().
 */
#ifndef VIGIL_CLI_SCAN_OPS_H
#define VIGIL_CLI_SCAN_OPS_H

#include <getopt.h>
#include <stdbool.h>

#include "config.h"
#include "lock.h"
#include "scan_log.h"

/* getopt values of this module's options (above the command's own). */
enum {
    VG_OPS_CONFIG = 512,
    VG_OPS_NO_CONFIG,
    VG_OPS_SYSLOG,
    VG_OPS_LOCK,
    VG_OPS_KEEP_REPORTS,
    VG_OPS_NICE,
    VG_OPS_IONICE,
    VG_OPS_END
};

/* Exit status of a run that did not scan because another run holds the lock. A bit of its own,
 * never combined with the scan's 1, 2 and 4, so `status & 1` still means "matches". */
#define VG_EXIT_LOCKED 8

/* clang-format off */
/* Entries for the command's getopt_long table. */
#define VG_OPS_LONGOPTS                                                  \
    {"config", required_argument, NULL, VG_OPS_CONFIG},                  \
    {"no-config", no_argument, NULL, VG_OPS_NO_CONFIG},                  \
    {"syslog", no_argument, NULL, VG_OPS_SYSLOG},                        \
    {"lock", required_argument, NULL, VG_OPS_LOCK},                      \
    {"keep-reports", required_argument, NULL, VG_OPS_KEEP_REPORTS},      \
    {"nice", required_argument, NULL, VG_OPS_NICE},                      \
    {"ionice", required_argument, NULL, VG_OPS_IONICE}

/* The options' lines for the command's --help. */
#define VG_OPS_HELP                                                                         \
    "Unattended runs:\n"                                                                    \
    "      --config FILE      settings file (default /etc/vigil/vigil.conf if it exists);\n" \
    "                         command-line options win, a list option given here replaces\n" \
    "                         the file's list, its paths are used when no PATH is given\n" \
    "      --no-config        read no settings file\n"                                     \
    "      --no-KEY           switch off a yes/no setting KEY (--no-syslog, --no-preserve,\n" \
    "                         --no-follow-symlinks, ...); --dihedral undoes no-dihedral,\n"  \
    "                         --cache FILE undoes no-cache\n"                              \
    "      --syslog           log start, each match and error, and the end to syslog\n"    \
    "      --lock FILE        lock file (default: one per settings file, in /run/vigil\n"  \
    "                         as root); another run holding it: exit 8\n"                  \
    "      --keep-reports N   keep the N newest reports in --report; remove older ones\n"  \
    "                         that verify (never one that does not, never the newest)\n"  \
    "      --nice N           lower the CPU priority to nice N (0-19)\n"                   \
    "      --ionice CLASS     I/O priority: idle, or best-effort[:0-7]\n"
/* clang-format on */

typedef struct scan_ops {
    const char *config; /* the settings file read, or NULL */
    vg_conf conf;
    char **argv; /* the merged argument vector (vg_conf_merge()) */
    int argc;
    bool syslog;
    const char *lock_path; /* --lock, or NULL: the settings file's default */
    char lock_buf[4096];
    unsigned keep_reports; /* 0: keep every report */
    int nice;              /* -1: unchanged */
    int io_class;          /* 0: unchanged; 2 best-effort, 3 idle */
    int io_level;
    vg_lock lock;
    vg_slog log;
} scan_ops;

/*
 * Find --config FILE / --no-config on the command line (before "--"), read the settings file
 * (the default one only if it exists), and build the argument vector to parse: the file's
 * options, then the command line's (vg_conf_merge(): --no-KEY switches a yes/no setting off),
 * in o->argc / o->argv.
 * @param[in] table  the command's getopt table; shortopts: its short options; lists: its
 *                   repeatable options.
 * @return 0, or -1 with the error (FILE:LINE: reason) printed.
 */
int scan_ops_config(scan_ops *o, const struct option *table, const char *shortopts,
                    const char *const *lists, int argc, char **argv);

/* "FILE:LINE" of the option getopt_long just returned, or NULL (the command line). */
const char *scan_ops_origin(const scan_ops *o, int optind_now);

/* Print "vigil: ORIGIN: bad value 'arg' for NAME" (origin NULL: "scan:"). */
void scan_ops_bad_value(const char *origin, const char *name, const char *arg);

/* One of this module's options (c in [VG_OPS_CONFIG, VG_OPS_END)). @return false (message
 * printed) on a bad value. */
bool scan_ops_opt(scan_ops *o, int c, const char *arg, const char *origin);

/* Append this module's settings ("syslog=yes", "keep-reports=30", ...) to the scan_start
 * configuration t. */
void scan_ops_config_text(const scan_ops *o, vg_conf_text *t);

/*
 * Before anything is opened: lower the CPU and I/O priority (only ever lowered; a failure is
 * a warning), start syslog, and take the lock (--lock, or the settings file's own; no lock
 * without either).
 * @return 0; VG_EXIT_LOCKED (another run holds it: message printed and logged); 4 (the lock
 *         file cannot be used).
 */
int scan_ops_begin(scan_ops *o);

/* After a report was sealed in parent (newest = its folder), sealed with sign_key: apply
 * --keep-reports, saying what was removed and what was kept. */
void scan_ops_retain(scan_ops *o, const char *parent, const char *newest, const char *sign_key);

/* Release the lock, close syslog, free the settings. */
void scan_ops_end(scan_ops *o);

#endif
