/* cli.h — the vigil command's sub-commands and shared helpers (internal to cli/). */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

#include <stdbool.h>
#include <stdio.h>

/* Exit codes shared by every sub-command; each command documents its own meaning of 1 and 2. */
enum {
    VG_EXIT_OK = 0,
    VG_EXIT_USAGE_HASH = 3 /* `vigil hash`: bad usage */
};

/* Each sub-command gets argv with argv[0] = its own name; returns the process exit code. */
int vg_cmd_hash(int argc, char **argv);
int vg_cmd_hashlist(int argc, char **argv);
int vg_cmd_keygen(int argc, char **argv);
int vg_cmd_verify(int argc, char **argv);
int vg_cmd_scan(int argc, char **argv);
int vg_cmd_config(int argc, char **argv);
int vg_cmd_bench(int argc, char **argv);

/* `vigil config check`: read and check the settings as `vigil scan argv...` would (lists
 * opened, signing key loaded, nothing scanned) and print the effective settings.
 * @return 0, or the scan's exit status 4. */
int vg_scan_check(int argc, char **argv);

/* When true, vg_cli_err() and vg_cli_path_err() also send their message to syslog(3) at
 * LOG_ERR (set by `vigil scan --syslog` once the log is open). */
extern bool vg_cli_syslog;

/* The whole command line as main() got it (argv[0] = the program as invoked), for the report's
 * scan_start record; sub-commands get argv from their own name on. */
extern int vg_cli_argc;
extern char **vg_cli_argv;

/* Print "vigil: " + fmt to stderr. */
void vg_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "vigil: PATH: reason" to stderr with PATH escaped for a terminal. */
void vg_cli_path_err(const char *path, const char *reason);

/* The --version text: vigil, build, and every library with its version. */
void vg_cli_version(FILE *f);

#endif
