/*
 * cmd_config.c — `vigil config check [--config FILE]`: check a settings file the way a
 * scheduled scan would read it (every key, value, list and the signing key), without scanning,
 * and print the effective settings. Secrets are never printed: keys and the recipient's
 * certificate by path (and key id) only.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"

static void config_usage(FILE *f) {
    fputs("Usage: vigil config check [--config FILE]\n"
          "Check a settings file for `vigil scan` (default " VG_CONF_DEFAULT ") as a\n"
          "scheduled scan reads it: every key and value, that the paths, hash lists, report\n"
          "folder and signing key are set, that every hash list opens (and verifies against\n"
          "hashlist-pubkey when set), that the keys and the recipient certificate load.\n"
          "Print the effective settings; keys and certificates only by path and key id.\n\n"
          "  -c, --config FILE   the settings file to check\n"
          "  -h, --help          show this help\n\n"
          "Errors name the file and line: FILE:LINE: reason.\n"
          "Exit status: 0 the settings would scan, 4 they would not (as vigil scan's 4),\n"
          "3 bad usage.\n",
          f);
}

int vg_cmd_config(int argc, char **argv) {
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *file = VG_CONF_DEFAULT;
    int c;
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")))
        return config_usage(stdout), 0;
    if (argc < 2 || strcmp(argv[1], "check") != 0) {
        vg_cli_err("config: expected 'check' (try 'vigil config --help')");
        return 3;
    }
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "c:h", opts, NULL)) != -1) {
        if (c == 'c')
            file = optarg;
        else if (c == 'h')
            return config_usage(stdout), 0;
        else
            return fputs("Try 'vigil config --help'.\n", stderr), 3;
    }
    if (optind < argc - 1) {
        vg_cli_err("config: unexpected argument '%s'", argv[1 + optind]);
        return 3;
    }
    char *scan_argv[] = {"scan", "--config", (char *)file, NULL};
    return vg_scan_check(3, scan_argv);
}
