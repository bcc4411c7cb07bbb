/* config.h — vigil.conf: INI settings for `vigil scan`, turned into long options (cli/ only). */
#ifndef VIGIL_CLI_CONFIG_H
#define VIGIL_CLI_CONFIG_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

#include "vigil/status.h"

/* The default configuration file. */
#define VG_CONF_DEFAULT "/etc/vigil/vigil.conf"

/*
 * A loaded configuration: each setting as the long option it stands for ("--jobs=2",
 * "--follow-symlinks") with where it came from ("/etc/vigil/vigil.conf:12"), plus the scan
 * paths given by `path = ...` lines.
 */
typedef struct vg_conf {
    char **opt;    /* n_opt long options */
    char **origin; /* "FILE:LINE" of each */
    size_t n_opt, cap_opt;
    char **path; /* n_path scan roots */
    char **path_origin;
    size_t n_path, cap_path;
    /* Set by vg_conf_merge(): off[i] when the command line switched opt[i] off; the merged
     * argument vector holds, after argv[0], the n_kept options opt[kept[0..n_kept)]. */
    bool *off;
    size_t *kept;
    size_t n_kept;
} vg_conf;

/* The effective settings as "name=value" strings, for the scan_start record and `vigil config
 * check`: each as long as it needs to be (never cut). */
typedef struct vg_conf_text {
    char **s;
    size_t n, cap;
    bool nomem; /* an add failed: the list is incomplete */
} vg_conf_text;

/*
 * Read an INI file: settings in a [scan] section, one `key = value` per line, `#` or `;`
 * comments. A key is the name of one of the command's long options (without "--"); an option
 * that takes no argument takes a boolean (true/false, yes/no, on/off, 1/0); `path` adds a scan
 * root; options named in `lists` may repeat. An unknown section or key, a repeated single-value
 * key, a bad boolean, a missing value or an over-long line is an error naming FILE:LINE.
 * @param[in] known   the command's long options (getopt_long table); help, version and config
 *                    are never settable.
 * @param[in] lists   NULL-terminated names of options that may repeat.
 * @param[out] err    "FILE:LINE: reason" (or "FILE: reason") on failure.
 * @return VG_OK; VG_E_IO (cannot read the file); VG_E_FORMAT (a bad line); VG_E_NOMEM.
 *         On failure c is left empty.
 */
vg_status vg_conf_load(vg_conf *c, const char *path, const struct option *known,
                       const char *const *lists, char *err, size_t errcap);

/*
 * Build the argument vector a command parses: argv[0], the file's options still in effect
 * (each one "--key[=value]" token), then argv[1..argc). Parsed in order with getopt_long, a
 * command-line option therefore overrides the file's for single-value options, and an option
 * was read from the file exactly when, right after getopt_long returned it, vg_conf_origin()
 * names its line. List options given on the command line should replace the file's values: the
 * command clears a list the first time the command line adds to it. The file's roots (c->path)
 * are used only when the command line gives none.
 *
 * Yes/no settings can be switched off on the command line (before any "--"):
 *   --no-KEY  for a yes/no option KEY (--no-follow-symlinks, --no-syslog), and
 *   --KEY     for a yes/no option named no-KEY (--dihedral for no-dihedral),
 * when the table has no option of that name: the token is taken out of the vector and every
 * --KEY before it (from the file, or earlier on the command line) is dropped. And any
 * command-line option whose name is the opposite of a yes/no setting of the file (--cache FILE
 * against no-cache = yes) drops that setting. Dropped file options are marked in c->off.
 * Only full option names are recognised for this (no abbreviations).
 * @param[in] known      the command's getopt_long table; shortopts its short options ("j:qh"),
 *                       so that option values are never taken for options.
 * Strings are borrowed from c and argv; free only *out.
 * @return VG_OK or VG_E_NOMEM.
 */
vg_status vg_conf_merge(vg_conf *c, const struct option *known, const char *shortopts, int argc,
                        char **argv, int *out_argc, char ***out);

/* "FILE:LINE" of the option getopt_long just returned, or NULL if it came from the command
 * line (see vg_conf_merge()). */
const char *vg_conf_origin(const vg_conf *c, int optind_now);

/* Append one "name=value" setting, formatted; on failure t->nomem is set. */
void vg_conf_text_add(vg_conf_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Release t's strings; t is left empty. */
void vg_conf_text_free(vg_conf_text *t);

/* Release what vg_conf_load() allocated; c is left empty. */
void vg_conf_free(vg_conf *c);

#endif
