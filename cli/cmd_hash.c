/*
 * cmd_hash.c — `vigil hash [OPTIONS] PATH...`: digests of files in formats other tools read.
 *
 * Default output is hashdeep's (`hashdeep -l -c md5,sha1,sha256`), `--format=sum` is exactly
 * what md5sum/sha1sum/sha256sum print, and `--format=jsonl` is one JSON object per file. Every
 * file is read once through a reused buffer; names are escaped (pathfmt.c), never printed raw.
 */
#define _GNU_SOURCE /* O_NOATIME */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/digest.h"

#include "cli.h"
#include "pathfmt.h"

enum fmt { FMT_HASHDEEP, FMT_SUM, FMT_JSONL };
enum algo { ALGO_MD5, ALGO_SHA1, ALGO_SHA256 };

struct hash_run {
    enum fmt fmt;
    enum algo algo;
    bool recursive;
    vg_digest *dg;
    void *buf;
    int failed; /* number of paths that could not be read */
};

/* ---- output ---- */

static void print_header(const struct hash_run *r, int argc, char **argv) {
    if (r->fmt != FMT_HASHDEEP)
        return;
    char cwd[4096];
    printf("%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha1,sha256,filename\n");
    printf("## Invoked from: ");
    vg_shell_write_name(stdout, getcwd(cwd, sizeof cwd) ? cwd : "?");
    printf("\n## $ vigil hash");
    for (int i = 1; i < argc; i++) {
        putchar(' ');
        vg_shell_write_name(stdout, argv[i]);
    }
    printf("\n## \n");
}

static void print_digests(const struct hash_run *r, const char *path, const vg_digests *d) {
    char md5[2 * VG_MD5_LEN + 1], sha1[2 * VG_SHA1_LEN + 1], sha256[2 * VG_SHA256_LEN + 1];
    vg_hex(d->md5, VG_MD5_LEN, md5);
    vg_hex(d->sha1, VG_SHA1_LEN, sha1);
    vg_hex(d->sha256, VG_SHA256_LEN, sha256);
    if (r->fmt == FMT_HASHDEEP) {
        printf("%llu,%s,%s,%s,", (unsigned long long)d->size, md5, sha1, sha256);
        vg_shell_write_name(stdout, path);
        putchar('\n');
    } else if (r->fmt == FMT_SUM) {
        const char *hex = r->algo == ALGO_MD5 ? md5 : r->algo == ALGO_SHA1 ? sha1 : sha256;
        bool esc = vg_sum_needs_escape(path);
        printf("%s%s  ", esc ? "\\" : "", hex);
        if (esc)
            vg_sum_write_name(stdout, path);
        else
            fputs(path, stdout);
        putchar('\n');
    } else {
        fputs("{\"path\":", stdout);
        vg_json_write_str(stdout, path);
        if (!vg_utf8_valid(path, strlen(path))) {
            fputs(",\"path_b64\":", stdout);
            vg_json_write_b64(stdout, (const unsigned char *)path, strlen(path));
        }
        printf(",\"size\":%llu,\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\"}\n",
               (unsigned long long)d->size, md5, sha1, sha256);
    }
}

/* Report a path that could not be hashed: stderr always, and a record in JSON output. */
static void fail_path(struct hash_run *r, const char *path, const char *reason) {
    r->failed++;
    vg_cli_path_err(path, reason);
    if (r->fmt == FMT_JSONL) {
        fputs("{\"path\":", stdout);
        vg_json_write_str(stdout, path);
        if (!vg_utf8_valid(path, strlen(path))) {
            fputs(",\"path_b64\":", stdout);
            vg_json_write_b64(stdout, (const unsigned char *)path, strlen(path));
        }
        fputs(",\"error\":", stdout);
        vg_json_write_str(stdout, reason);
        fputs("}\n", stdout);
    }
}

/* ---- files ---- */

/* Open name relative to dirfd for reading without touching its access time where allowed. */
static int open_noatime(int dirfd, const char *name, int flags) {
    int fd = openat(dirfd, name, flags | O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(dirfd, name, flags | O_RDONLY | O_CLOEXEC | O_NOCTTY);
    return fd;
}

static void hash_fd(struct hash_run *r, int fd, const char *path) {
    vg_digests d;
    int err = 0;
    vg_status st = vg_digest_fd(r->dg, fd, r->buf, VG_DIGEST_CHUNK, &d, &err);
    if (st == VG_OK)
        print_digests(r, path, &d);
    else
        fail_path(r, path, st == VG_E_IO ? strerror(err) : vg_status_str(st));
}

static void hash_dir(struct hash_run *r, int dfd, const char *path);

/* Hash one directory entry or command-line operand. follow: whether a symlink is followed. */
static void hash_at(struct hash_run *r, int dirfd, const char *name, const char *path,
                    bool follow) {
    struct stat sb;
    if (fstatat(dirfd, name, &sb, follow ? 0 : AT_SYMLINK_NOFOLLOW) != 0) {
        fail_path(r, path, strerror(errno));
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        if (!r->recursive) {
            fail_path(r, path, "is a directory (use -r)");
            return;
        }
        int dfd = open_noatime(dirfd, name, O_DIRECTORY | (follow ? 0 : O_NOFOLLOW));
        if (dfd < 0)
            fail_path(r, path, strerror(errno));
        else
            hash_dir(r, dfd, path);
        return;
    }
    if (S_ISLNK(sb.st_mode)) {
        vg_cli_path_err(path, "symbolic link not followed");
        return;
    }
    if (!S_ISREG(sb.st_mode)) {
        /* Never open FIFOs, sockets or devices: a read could block or never end. */
        fail_path(r, path, "not a regular file");
        return;
    }
    int fd = open_noatime(dirfd, name, O_NONBLOCK | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0) {
        fail_path(r, path, strerror(errno));
        return;
    }
    hash_fd(r, fd, path);
    close(fd);
}

/* ---- directories ---- */

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read every name in the directory (takes ownership of dfd), sorted bytewise. */
static char **read_names(int dfd, size_t *count, int *err) {
    DIR *dir = fdopendir(dfd);
    char **names = NULL;
    size_t n = 0, cap = 0;
    *err = 0;
    if (!dir) {
        *err = errno;
        close(dfd);
        return NULL;
    }
    struct dirent *de;
    errno = 0;
    while ((de = readdir(dir)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                break;
            names = grown;
        }
        if (!(names[n] = strdup(de->d_name)))
            break;
        n++;
        errno = 0;
    }
    if (errno)
        *err = errno;
    closedir(dir);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    *count = n;
    return names;
}

static void hash_dir(struct hash_run *r, int dfd, const char *path) {
    int walk_fd = dup(dfd); /* fdopendir() takes one descriptor; keep one for openat() */
    size_t n = 0;
    int err = 0;
    char **names = walk_fd < 0 ? NULL : read_names(walk_fd, &n, &err);
    if (walk_fd < 0 || err)
        fail_path(r, path, strerror(walk_fd < 0 ? errno : err));
    size_t plen = strlen(path);
    bool slash = plen > 0 && path[plen - 1] == '/';
    for (size_t i = 0; i < n; i++) {
        size_t len = plen + 1 + strlen(names[i]) + 1;
        char *child = malloc(len);
        if (child) {
            snprintf(child, len, "%s%s%s", path, slash ? "" : "/", names[i]);
            hash_at(r, dfd, names[i], child, false);
        } else {
            fail_path(r, path, strerror(ENOMEM));
        }
        free(child);
        free(names[i]);
    }
    free(names);
    close(dfd);
}

/* ---- options ---- */

static void hash_usage(FILE *f) {
    fputs("Usage: vigil hash [OPTIONS] PATH...\n"
          "Print the MD5, SHA-1 and SHA-256 of each regular file, read once.\n\n"
          "  -r, --recursive       hash the files under directories (symlinks inside are\n"
          "                        not followed; FIFOs, sockets and devices never opened)\n"
          "      --format=FORMAT   hashdeep (default): hashdeep -l -c md5,sha1,sha256 format\n"
          "                        sum: exactly what md5sum/sha1sum/sha256sum print\n"
          "                        jsonl: one JSON object per file (path, size, md5, sha1,\n"
          "                        sha256; error for a file that could not be read)\n"
          "      --algo=ALGO       md5, sha1 or sha256 (default) for --format=sum\n"
          "  -h, --help            show this help\n"
          "      --version         show version and libraries\n\n"
          "PATH '-' reads standard input. Names with control bytes or invalid UTF-8 are\n"
          "escaped, never printed raw (sum: as sha256sum does, with \\xHH for invalid bytes;\n"
          "hashdeep and messages: as ls --quoting-style=shell-escape; jsonl: path_b64 twin).\n\n"
          "Exit status: 0 all hashed, 2 some paths could not be read (each reported on\n"
          "stderr), 3 bad usage.\n",
          f);
}

static int parse_opts(struct hash_run *r, int argc, char **argv) {
    static const struct option opts[] = {
        {"recursive", no_argument, NULL, 'r'},  {"format", required_argument, NULL, 'f'},
        {"algo", required_argument, NULL, 'a'}, {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},    {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "rh", opts, NULL)) != -1) {
        if (c == 'r') {
            r->recursive = true;
        } else if (c == 'f') {
            if (!strcmp(optarg, "hashdeep"))
                r->fmt = FMT_HASHDEEP;
            else if (!strcmp(optarg, "sum"))
                r->fmt = FMT_SUM;
            else if (!strcmp(optarg, "jsonl"))
                r->fmt = FMT_JSONL;
            else
                return vg_cli_err("hash: unknown --format '%s' (hashdeep, sum, jsonl)", optarg), -1;
        } else if (c == 'a') {
            if (!strcmp(optarg, "md5"))
                r->algo = ALGO_MD5;
            else if (!strcmp(optarg, "sha1"))
                r->algo = ALGO_SHA1;
            else if (!strcmp(optarg, "sha256"))
                r->algo = ALGO_SHA256;
            else
                return vg_cli_err("hash: unknown --algo '%s' (md5, sha1, sha256)", optarg), -1;
        } else if (c == 'h') {
            hash_usage(stdout);
            return 1;
        } else if (c == 'V') {
            vg_cli_version(stdout);
            return 1;
        } else {
            fputs("Try 'vigil hash --help'.\n", stderr);
            return -1;
        }
    }
    if (optind >= argc) {
        vg_cli_err("hash: no PATH given (try 'vigil hash --help')");
        return -1;
    }
    return 0;
}

int vg_cmd_hash(int argc, char **argv) {
    struct hash_run r = {.fmt = FMT_HASHDEEP, .algo = ALGO_SHA256};
    int rc = parse_opts(&r, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : VG_EXIT_USAGE_HASH;
    vg_status st = vg_digest_open(&r.dg);
    r.buf = malloc(VG_DIGEST_CHUNK);
    if (st != VG_OK || !r.buf) {
        vg_cli_err("hash: %s", vg_status_str(st != VG_OK ? st : VG_E_NOMEM));
        vg_digest_free(r.dg);
        free(r.buf);
        return 2;
    }
    print_header(&r, argc, argv);
    for (int i = optind; i < argc; i++) {
        if (!strcmp(argv[i], "-"))
            hash_fd(&r, STDIN_FILENO, "-");
        else
            hash_at(&r, AT_FDCWD, argv[i], argv[i], true);
    }
    vg_digest_free(r.dg);
    free(r.buf);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        vg_cli_err("hash: write error: %s", strerror(errno));
        return 2;
    }
    return r.failed ? 2 : 0;
}
