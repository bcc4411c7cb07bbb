/* main.c — the `vigil` command: dispatch to sub-commands, --help and --version. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <archive.h>
#include <jpeglib.h>
#include <openssl/crypto.h>
#include <png.h>
#include <sqlite3.h>

#include "vigil/hamming.h"
#include "vigil/img.h"

#include "cli.h"
#include "pathfmt.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif
#ifndef VIGIL_GIT_HASH
#define VIGIL_GIT_HASH "unknown"
#endif

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

static const struct command commands[] = {
    {"hash", vg_cmd_hash, "print MD5, SHA-1 and SHA-256 of files (hashdeep, sha*sum or JSON)"},
    {"hashlist", vg_cmd_hashlist, "compile, inspect, search, sign and check hash-list indexes"},
    {"keygen", vg_cmd_keygen, "create the Ed25519 key that seals evidence reports"},
    {"verify", vg_cmd_verify, "check a sealed evidence report against a pinned public key"},
    {"scan", vg_cmd_scan, "find known files and images under paths; write a report"},
    {"config", vg_cmd_config, "check a settings file (/etc/vigil/vigil.conf) for scheduled scans"},
    {"bench", vg_cmd_bench,
     "measure this device: hashing, look-ups and scan rates (synthetic data)"},
};

static void usage(FILE *f) {
    fputs("Usage: vigil COMMAND [OPTIONS] [ARGS]\n"
          "Find known images on a device by hash, without anyone viewing them.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\n  vigil COMMAND --help   shows a command's options and exit codes.\n"
          "  vigil --version        shows the version and the libraries in use.\n",
          f);
}

void vg_cli_version(FILE *f) {
    fprintf(f, "vigil %s (build %s)\n", VIGIL_VERSION, VIGIL_GIT_HASH);
    fprintf(f, "  %s\n", OpenSSL_version(OPENSSL_VERSION));
#ifdef LIBJPEG_TURBO_VERSION
#define VG_STR2(x) #x
#define VG_STR(x) VG_STR2(x)
    fprintf(f, "  libjpeg-turbo %s (libjpeg API %d)\n", VG_STR(LIBJPEG_TURBO_VERSION),
            JPEG_LIB_VERSION);
#else
    fprintf(f, "  libjpeg API %d\n", JPEG_LIB_VERSION);
#endif
    fprintf(f, "  libpng %s\n", png_get_libpng_ver(NULL));
    fprintf(f, "  %s\n", archive_version_details());
    fprintf(f, "  SQLite %s\n", sqlite3_libversion());
    for (int fmt = VG_IMG_WEBP; fmt <= VG_IMG_BMP; fmt++) {
        char lib[128];
        const char *v = vg_img_format_library((vg_img_format)fmt, lib, sizeof lib);
        fprintf(f, "  %s: %s\n", vg_img_format_name((vg_img_format)fmt), v ? v : "not built in");
    }
    fprintf(f, "  hamming kernels: %s\n", vg_hamming_level());
    if (vg_hamming_note())
        fprintf(f, "  (%s)\n", vg_hamming_note());
}

bool vg_cli_syslog;

void vg_cli_err(const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started above */
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "vigil: %s\n", msg);
    if (vg_cli_syslog)
        syslog(LOG_ERR, "%s", msg);
}

void vg_cli_path_err(const char *path, const char *reason) {
    fputs("vigil: ", stderr);
    vg_shell_write_name(stderr, path);
    fprintf(stderr, ": %s\n", reason);
    if (vg_cli_syslog) {
        char name[512];
        FILE *f = fmemopen(name, sizeof name, "w");
        if (f) {
            vg_shell_write_name(f, path);
            fputc('\0', f);
            fclose(f);
            name[sizeof name - 1] = '\0';
        }
        syslog(LOG_ERR, "%s: %s", f ? name : "?", reason);
    }
}

int vg_cli_argc;
char **vg_cli_argv;

int main(int argc, char **argv) {
    vg_cli_argc = argc;
    vg_cli_argv = argv;
    if (argc < 2) {
        usage(stderr);
        return 3;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
        vg_cli_version(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    vg_cli_err("unknown command '%s' (try 'vigil --help')", argv[1]);
    return 3;
}
