/*
 * nocontent.c — test helper for "never display content": looks for any trace of the given
 * (harmless test) images in every byte under the given paths. A trace is a 48-byte window of
 * the image file's raw bytes, or of its decoded pixels (a full decode and, for JPEG, the DCT-
 * scaled decodes the screening path uses), taken at ~160 places spread over each buffer;
 * windows of fewer than 12 distinct byte values (flat areas) are not used.
 *   ev_nocontent IMAGE... -- PATH...     exit 0: no trace; 1: a trace (named); 2: usage/IO
 *   ev_nocontent --sample IMAGE OUT      write 4 KiB of IMAGE's decoded pixels to OUT (for the
 *                                        test that shows a trace IS found)
 */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vigil/img.h"

enum { WIN = 48, PER_BUF = 160, MAX_WINDOWS = 1u << 15 };

struct window {
    unsigned char b[WIN];
    const char *image, *what;
};

static struct window *wins;
static size_t nwin;
static unsigned long long files_read, bytes_read;

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct stat sb;
    unsigned char *p = NULL;
    if (fstat(fileno(f), &sb) == 0 && (p = malloc((size_t)sb.st_size + 1)) != NULL)
        *n = fread(p, 1, (size_t)sb.st_size, f);
    fclose(f);
    return p;
}

static int distinct(const unsigned char *p) {
    unsigned char seen[256] = {0};
    int k = 0;
    for (int i = 0; i < WIN; i++)
        k += !seen[p[i]]++;
    return k;
}

/* Take windows spread over buf[0..n). */
static void add_windows(const unsigned char *buf, size_t n, const char *image, const char *what) {
    if (n < WIN)
        return;
    size_t step = (n - WIN) / PER_BUF + 1;
    for (size_t off = 0; off + WIN <= n && nwin < MAX_WINDOWS; off += step)
        if (distinct(buf + off) >= 12) {
            memcpy(wins[nwin].b, buf + off, WIN);
            wins[nwin].image = image;
            wins[nwin++].what = what;
        }
}

/* The pixel rows of img packed (no stride padding). malloc'd; *n its size. */
static unsigned char *packed(const vg_img *img, size_t *n) {
    size_t row = (size_t)img->width * img->channels;
    unsigned char *p = malloc(row * img->height + 1);
    if (!p)
        return NULL;
    for (uint32_t y = 0; y < img->height; y++)
        memcpy(p + y * row, img->pixels + y * img->stride, row);
    *n = row * img->height;
    return p;
}

static int add_image(vg_img_dec *d, const char *path) {
    static const char *const scaled[] = {"pixels 1/2", "pixels 1/4", "pixels 1/8"};
    size_t n = 0, pn = 0;
    unsigned char *buf = slurp(path, &n), *pix;
    vg_img img;
    if (!buf || vg_img_decode(d, buf, n, &img) != VG_OK || !(pix = packed(&img, &pn))) {
        fprintf(stderr, "ev_nocontent: cannot decode %s\n", path);
        free(buf);
        return -1;
    }
    add_windows(buf, n, path, "file bytes");
    add_windows(pix, pn, path, "decoded pixels");
    free(pix);
    for (unsigned k = 0; img.format == VG_IMG_JPEG && k < 3; k++) {
        if (vg_img_decode_scaled(d, buf, n, 2u << k, 1, &img) != VG_OK ||
            !(pix = packed(&img, &pn)))
            continue;
        add_windows(pix, pn, path, scaled[k]);
        free(pix);
    }
    vg_img_dec_wipe(d);
    free(buf);
    return 0;
}

/* 0: no trace in path (recursively); 1: a trace (printed); 2: unreadable. */
static int search(const char *path) {
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return fprintf(stderr, "ev_nocontent: cannot stat %s\n", path), 2;
    if (S_ISDIR(sb.st_mode)) {
        DIR *dir = opendir(path);
        struct dirent *e;
        int rc = dir ? 0 : 2;
        while (rc == 0 && dir && (e = readdir(dir)) != NULL) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rc = search(sub);
        }
        if (dir)
            closedir(dir);
        return rc;
    }
    if (!S_ISREG(sb.st_mode))
        return 0;
    size_t n = 0;
    unsigned char *p = slurp(path, &n);
    if (!p)
        return fprintf(stderr, "ev_nocontent: cannot read %s\n", path), 2;
    files_read++;
    bytes_read += n;
    for (size_t i = 0; i < nwin; i++) {
        const unsigned char *hit = memmem(p, n, wins[i].b, WIN);
        if (hit) {
            printf("TRACE: %s of %s in %s at offset %zu\n", wins[i].what, wins[i].image, path,
                   (size_t)(hit - p));
            free(p);
            return 1;
        }
    }
    free(p);
    return 0;
}

static int sample(vg_img_dec *d, const char *image, const char *out) {
    size_t n = 0, pn = 0;
    unsigned char *buf = slurp(image, &n), *pix = NULL;
    vg_img img;
    FILE *f = NULL;
    int rc = 2;
    if (buf && vg_img_decode(d, buf, n, &img) == VG_OK && (pix = packed(&img, &pn)) != NULL &&
        pn >= 8192 && (f = fopen(out, "wb")) != NULL && fwrite(pix + pn / 2, 1, 4096, f) == 4096)
        rc = 0;
    if (f && fclose(f) != 0)
        rc = 2;
    free(pix);
    free(buf);
    return rc;
}

int main(int argc, char **argv) {
    vg_img_dec *d = NULL;
    int rc = 2, sep = 1;
    while (sep < argc && strcmp(argv[sep], "--") != 0)
        sep++;
    wins = malloc(sizeof *wins * MAX_WINDOWS);
    if (!wins || vg_img_dec_open(&d, NULL) != VG_OK)
        goto done;
    if (argc == 4 && !strcmp(argv[1], "--sample")) {
        rc = sample(d, argv[2], argv[3]);
        goto done;
    }
    if (sep < 2 || sep >= argc - 1) {
        fputs("usage: ev_nocontent IMAGE... -- PATH... | --sample IMAGE OUT\n", stderr);
        goto done;
    }
    for (int i = 1; i < sep; i++)
        if (add_image(d, argv[i]) != 0)
            goto done;
    rc = 0;
    for (int i = sep + 1; i < argc && rc == 0; i++)
        rc = search(argv[i]);
    if (rc == 0)
        printf("no trace: %zu windows of %d images, %llu files, %llu bytes searched\n", nwin,
               sep - 1, files_read, bytes_read);
done:
    vg_img_dec_free(d);
    free(wins);
    return rc;
}
