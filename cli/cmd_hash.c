/*
 * cmd_hash.c — `vigil hash [OPTIONS] PATH...`: digests of files in formats other tools read, and
 * the exact PDQ hash of images.
 *
 * Default output is hashdeep's (`hashdeep -l -c md5,sha1,sha256`) with two more columns, pdq and
 * pdq_quality (plus pdq_dihedral with --dihedral); `--no-pdq` gives hashdeep's format byte for
 * byte. `--format=sum` is exactly what md5sum/sha1sum/sha256sum print (`--algo=pdq` prints the
 * PDQ of each image in the same shape), and `--format=jsonl` is one JSON object per file.
 *
 * Every file is read once: the first bytes are sniffed (magic bytes, never the name); an image
 * is read whole into a reused, growing buffer (at most IMAGE_FILE_MAX bytes) that feeds both the
 * digests and the decoder; anything else streams through the digests in chunks. Decoded pixels
 * never leave memory and are wiped when the decoder is freed. Names are escaped (pathfmt.c),
 * never printed raw.
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

#include <openssl/crypto.h>

#include "vigil/digest.h"
#include "vigil/img.h"
#include "vigil/pdq.h"

#include "cli.h"
#include "pathfmt.h"

enum fmt { FMT_HASHDEEP, FMT_SUM, FMT_JSONL };
enum algo { ALGO_MD5, ALGO_SHA1, ALGO_SHA256, ALGO_PDQ };

/* An image file larger than this is digested but not decoded (pdq_error says why). */
#define IMAGE_FILE_MAX (256u * 1024u * 1024u)

struct hash_run {
    enum fmt fmt;
    enum algo algo;
    bool recursive;
    bool pdq;      /* compute PDQ of images (default; --no-pdq turns it off) */
    bool dihedral; /* --dihedral */
    vg_pdq_convention conv;
    vg_digest *dg;
    vg_img_dec *dec;
    vg_pdq *pq;
    uint8_t *buf; /* reused read buffer: VG_DIGEST_CHUNK, grown for whole images */
    size_t cap;
    int failed; /* number of paths that could not be read */
};

/* What was learnt about one file's image content. */
struct pdq_out {
    bool image;    /* sniffed as an image */
    bool ok;       /* res holds a hash */
    char err[300]; /* why not, when image && !ok */
    vg_pdq_result res;
};

/* ---- output ---- */

static void print_header(const struct hash_run *r, int argc, char **argv) {
    if (r->fmt != FMT_HASHDEEP)
        return;
    char cwd[4096];
    printf("%%%%%%%% HASHDEEP-1.0\n%%%%%%%% size,md5,sha1,sha256,%sfilename\n",
           !r->pdq       ? ""
           : r->dihedral ? "pdq,pdq_quality,pdq_dihedral,"
                         : "pdq,pdq_quality,");
    printf("## Invoked from: ");
    vg_shell_write_name(stdout, getcwd(cwd, sizeof cwd) ? cwd : "?");
    printf("\n## $ vigil hash");
    for (int i = 1; i < argc; i++) {
        putchar(' ');
        vg_shell_write_name(stdout, argv[i]);
    }
    printf("\n## \n");
}

/* The PDQ fields of hashdeep output: "hash,quality," (+ "d1:d2:...:d8,"), empty if none. */
static void print_pdq_columns(const struct hash_run *r, const struct pdq_out *po) {
    char hex[VG_PDQ_HEX_LEN + 1];
    if (!po->ok) {
        fputs(r->dihedral ? ",,," : ",,", stdout);
        return;
    }
    printf("%s,%d,", vg_pdq_to_hex(po->res.hash, hex), po->res.quality);
    if (!r->dihedral)
        return;
    for (int i = 0; i < VG_PDQ_NUM_DIHEDRAL; i++)
        printf("%s%s", i ? ":" : "", vg_pdq_to_hex(po->res.dihedral[i], hex));
    putchar(',');
}

static void print_pdq_json(const struct hash_run *r, const struct pdq_out *po) {
    char hex[VG_PDQ_HEX_LEN + 1];
    if (!po->image || !r->pdq)
        return;
    if (!po->ok) {
        fputs(",\"pdq_error\":", stdout);
        vg_json_write_str(stdout, po->err);
        return;
    }
    printf(",\"pdq\":\"%s\",\"pdq_quality\":%d", vg_pdq_to_hex(po->res.hash, hex), po->res.quality);
    if (po->res.low_quality)
        fputs(",\"pdq_low_quality\":true", stdout);
    if (r->dihedral) {
        fputs(",\"pdq_dihedral\":[", stdout);
        for (int i = 0; i < VG_PDQ_NUM_DIHEDRAL; i++)
            printf("%s\"%s\"", i ? "," : "", vg_pdq_to_hex(po->res.dihedral[i], hex));
        putchar(']');
    }
}

static void print_sum_line(const char *hex, const char *path) {
    bool esc = vg_sum_needs_escape(path);
    printf("%s%s  ", esc ? "\\" : "", hex);
    if (esc)
        vg_sum_write_name(stdout, path);
    else
        fputs(path, stdout);
    putchar('\n');
}

static void print_digests(const struct hash_run *r, const char *path, const vg_digests *d,
                          const struct pdq_out *po) {
    char md5[2 * VG_MD5_LEN + 1], sha1[2 * VG_SHA1_LEN + 1], sha256[2 * VG_SHA256_LEN + 1];
    char hex[VG_PDQ_HEX_LEN + 1];
    vg_hex(d->md5, VG_MD5_LEN, md5);
    vg_hex(d->sha1, VG_SHA1_LEN, sha1);
    vg_hex(d->sha256, VG_SHA256_LEN, sha256);
    if (r->fmt == FMT_HASHDEEP) {
        printf("%llu,%s,%s,%s,", (unsigned long long)d->size, md5, sha1, sha256);
        if (r->pdq)
            print_pdq_columns(r, po);
        vg_shell_write_name(stdout, path);
        putchar('\n');
    } else if (r->fmt == FMT_SUM) {
        if (r->algo == ALGO_PDQ) {
            if (po->ok)
                print_sum_line(vg_pdq_to_hex(po->res.hash, hex), path);
            return;
        }
        print_sum_line(r->algo == ALGO_MD5 ? md5 : r->algo == ALGO_SHA1 ? sha1 : sha256, path);
    } else {
        fputs("{\"path\":", stdout);
        vg_json_write_str(stdout, path);
        if (!vg_utf8_valid(path, strlen(path))) {
            fputs(",\"path_b64\":", stdout);
            vg_json_write_b64(stdout, (const unsigned char *)path, strlen(path));
        }
        printf(",\"size\":%llu,\"md5\":\"%s\",\"sha1\":\"%s\",\"sha256\":\"%s\"",
               (unsigned long long)d->size, md5, sha1, sha256);
        print_pdq_json(r, po);
        fputs("}\n", stdout);
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

/* read() until n bytes or end of file, retrying EINTR; returns bytes read or -1 (errno). */
static ssize_t read_full(int fd, uint8_t *p, size_t n) {
    size_t got = 0;
    while (got < n) {
        ssize_t k = read(fd, p + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            break;
        got += (size_t)k;
    }
    return (ssize_t)got;
}

/* Make the read buffer hold n bytes, keeping the first `keep`. Old contents are wiped. */
static bool grow_buf(struct hash_run *r, size_t n, size_t keep) {
    if (n <= r->cap)
        return true;
    size_t want = n < IMAGE_FILE_MAX / 2 ? n * 2 : IMAGE_FILE_MAX;
    uint8_t *nb = malloc(want);
    if (!nb)
        return false;
    memcpy(nb, r->buf, keep);
    OPENSSL_cleanse(r->buf, r->cap);
    free(r->buf);
    r->buf = nb;
    r->cap = want;
    return true;
}

/* Decode the image in r->buf[0..n) and hash it; the outcome goes to po. */
static void hash_image(struct hash_run *r, size_t n, const char *path, struct pdq_out *po) {
    vg_img im;
    vg_status st = vg_img_decode(r->dec, r->buf, n, &im);
    if (st == VG_OK) {
        vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
        st = vg_pdq_hash(r->pq, &pi, r->conv, r->dihedral ? VG_PDQ_DIHEDRAL : 0, &po->res);
        if (st == VG_OK && po->res.too_small)
            snprintf(po->err, sizeof po->err, "image %ux%u is too small for PDQ (< 5 px)", im.width,
                     im.height);
        else if (st == VG_OK)
            po->ok = true;
        else
            snprintf(po->err, sizeof po->err, "pdq: %s", vg_status_str(st));
    } else {
        snprintf(po->err, sizeof po->err, "%s", vg_img_dec_errmsg(r->dec));
    }
    if (!po->ok) {
        char msg[340];
        snprintf(msg, sizeof msg, "no PDQ: %s", po->err);
        vg_cli_path_err(path, msg);
    }
}

/*
 * Read fd once. The first chunk is sniffed; an image is read whole (up to IMAGE_FILE_MAX) into
 * the reused buffer, digested from it and decoded; anything else streams through the digests.
 */
static vg_status read_and_digest(struct hash_run *r, int fd, const char *path, vg_digests *d,
                                 struct pdq_out *po, int *err) {
    ssize_t k = read_full(fd, r->buf, VG_DIGEST_CHUNK);
    if (k < 0)
        return *err = errno, VG_E_IO;
    size_t n = (size_t)k;
    bool eof = n < VG_DIGEST_CHUNK;
    po->image = r->pdq && vg_img_sniff(r->buf, n) != VG_IMG_NONE;
    while (po->image && !eof && r->cap < IMAGE_FILE_MAX && grow_buf(r, r->cap + 1, n)) {
        if ((k = read_full(fd, r->buf + n, r->cap - n)) < 0)
            return *err = errno, VG_E_IO;
        n += (size_t)k;
        eof = n < r->cap;
    }
    vg_status st = vg_digest_reset(r->dg);
    if (st == VG_OK)
        st = vg_digest_update(r->dg, r->buf, n);
    if (po->image && eof)
        hash_image(r, n, path, po);
    else if (po->image)
        snprintf(po->err, sizeof po->err, "image file larger than %u MiB: not decoded",
                 IMAGE_FILE_MAX >> 20);
    while (st == VG_OK && !eof) {
        if ((k = read_full(fd, r->buf, VG_DIGEST_CHUNK)) < 0)
            return *err = errno, VG_E_IO;
        st = vg_digest_update(r->dg, r->buf, (size_t)k);
        eof = (size_t)k < VG_DIGEST_CHUNK;
    }
    return st == VG_OK ? vg_digest_final(r->dg, d) : st;
}

static void hash_fd(struct hash_run *r, int fd, const char *path) {
    vg_digests d;
    struct pdq_out po = {0};
    int err = 0;
    vg_status st = read_and_digest(r, fd, path, &d, &po, &err);
    if (st == VG_OK)
        print_digests(r, path, &d, &po);
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
          "Print the MD5, SHA-1 and SHA-256 of each regular file, read once, and the exact\n"
          "PDQ perceptual hash of each image (JPEG, PNG, WebP, GIF, TIFF, HEIF/HEIC, AVIF,\n"
          "BMP as built in: see vigil --version), recognised by content, not name.\n\n"
          "  -r, --recursive       hash the files under directories (symlinks inside are\n"
          "                        not followed; FIFOs, sockets and devices never opened)\n"
          "      --format=FORMAT   hashdeep (default): hashdeep -l -c md5,sha1,sha256 format\n"
          "                        with columns pdq,pdq_quality[,pdq_dihedral] before the\n"
          "                        filename (empty for non-images); see --no-pdq\n"
          "                        sum: exactly what md5sum/sha1sum/sha256sum print\n"
          "                        jsonl: one JSON object per file (path, size, md5, sha1,\n"
          "                        sha256; images: pdq, pdq_quality, pdq_low_quality when\n"
          "                        quality < 50, pdq_dihedral, or pdq_error; error for a\n"
          "                        file that could not be read)\n"
          "      --algo=ALGO       md5, sha1, sha256 (default) or pdq for --format=sum;\n"
          "                        pdq prints 'PDQHEX  NAME' for each image only\n"
          "      --dihedral        also the 8 dihedral PDQ hashes, in the reference's order\n"
          "                        (original, rotate90, rotate180, rotate270, flipx, flipy,\n"
          "                        flipplus1, flipminus1); hashdeep: one column, ':'-joined\n"
          "      --pdq-convention=full|cli\n"
          "                        full (default): full-resolution pixels, as the Java\n"
          "                        reference, pdqhash and python-threatexchange; cli: as\n"
          "                        Meta's C++ pdq-photo-hasher (512x512 pre-resize)\n"
          "      --no-pdq          digests only; hashdeep output is then hashdeep's exactly\n"
          "  -h, --help            show this help\n"
          "      --version         show version and libraries\n\n"
          "PATH '-' reads standard input. Names with control bytes or invalid UTF-8 are\n"
          "escaped, never printed raw (sum: as sha256sum does, with \\xHH for invalid bytes;\n"
          "hashdeep and messages: as ls --quoting-style=shell-escape; jsonl: path_b64 twin).\n"
          "The PDQ printed is always the exact one, bit-identical to Meta's reference; an\n"
          "image that cannot be decoded is reported on stderr ('no PDQ: reason') and its\n"
          "digests are still printed. No pixel ever leaves memory.\n\n"
          "Exit status: 0 all files read and hashed (including images whose PDQ could not\n"
          "be computed: their digests are complete), 2 some paths could not be read (each\n"
          "reported on stderr), 3 bad usage.\n",
          f);
}

static int parse_opts(struct hash_run *r, int argc, char **argv) {
    static const struct option opts[] = {{"recursive", no_argument, NULL, 'r'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"algo", required_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"version", no_argument, NULL, 'V'},
                                         {"dihedral", no_argument, NULL, 'D'},
                                         {"no-pdq", no_argument, NULL, 'N'},
                                         {"pdq-convention", required_argument, NULL, 'C'},
                                         {NULL, 0, NULL, 0}};
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
            else if (!strcmp(optarg, "pdq"))
                r->algo = ALGO_PDQ;
            else
                return vg_cli_err("hash: unknown --algo '%s' (md5, sha1, sha256, pdq)", optarg), -1;
        } else if (c == 'D') {
            r->dihedral = true;
        } else if (c == 'N') {
            r->pdq = false;
        } else if (c == 'C') {
            if (!strcmp(optarg, "full"))
                r->conv = VG_PDQ_FULLRES;
            else if (!strcmp(optarg, "cli"))
                r->conv = VG_PDQ_CLI;
            else
                return vg_cli_err("hash: unknown --pdq-convention '%s' (full, cli)", optarg), -1;
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
    if (r->algo == ALGO_PDQ && !r->pdq) {
        vg_cli_err("hash: --algo=pdq needs PDQ (drop --no-pdq)");
        return -1;
    }
    return 0;
}

static void run_free(struct hash_run *r) {
    vg_digest_free(r->dg);
    vg_img_dec_free(r->dec);
    vg_pdq_free(r->pq);
    if (r->buf)
        OPENSSL_cleanse(r->buf, r->cap); /* it held image files */
    free(r->buf);
}

int vg_cmd_hash(int argc, char **argv) {
    struct hash_run r = {.fmt = FMT_HASHDEEP, .algo = ALGO_SHA256, .pdq = true};
    int rc = parse_opts(&r, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : VG_EXIT_USAGE_HASH;
    vg_status st = vg_digest_open(&r.dg);
    if (st == VG_OK)
        st = vg_img_dec_open(&r.dec, NULL);
    if (st == VG_OK)
        st = vg_pdq_open(&r.pq);
    r.buf = malloc(VG_DIGEST_CHUNK);
    r.cap = VG_DIGEST_CHUNK;
    if (st != VG_OK || !r.buf) {
        vg_cli_err("hash: %s", vg_status_str(st != VG_OK ? st : VG_E_NOMEM));
        run_free(&r);
        return 2;
    }
    print_header(&r, argc, argv);
    for (int i = optind; i < argc; i++) {
        if (!strcmp(argv[i], "-"))
            hash_fd(&r, STDIN_FILENO, "-");
        else
            hash_at(&r, AT_FDCWD, argv[i], argv[i], true);
    }
    run_free(&r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        vg_cli_err("hash: write error: %s", strerror(errno));
        return 2;
    }
    return r.failed ? 2 : 0;
}
