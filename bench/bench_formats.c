/*
 * bench_formats.c — images per second per format: the exact per-image work of a scan worker
 * (MD5+SHA-1+SHA-256 of the file bytes, full decode, PDQ with its 8 dihedral hashes) on the same
 * photos converted into every format this build decodes, with each format's own encoder (the
 * tests' img_encode.c), plus the two embedded kinds: a JPEG's EXIF thumbnail (locate, digest,
 * decode, hash) and a PDF's JPEG stream (extract, digest, decode, hash).
 *
 * Each (photo, format) is timed as the best of R rounds of process CPU time (the machine is
 * shared); a format's figure is its photos' count over the sum of their best times, and its
 * ratio is against JPEG in the same run.
 *   usage: bench_formats [rounds=3] [max_photos=6] [FOLDER]
 *          (default folder: /work/shared/corpus/photos; photos of 0.1 MP or more)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/digest.h"
#include "vigil/img.h"
#include "vigil/pdq.h"

#include "img_embed.h"
#include "img_encode.h"
#include "img_util.h"

#ifdef VIGIL_HAVE_TIFF
#include <tiffio.h>
#endif

#define MAX_PHOTOS 64

enum fmt {
    F_JPEG,
    F_PNG,
    F_WEBP,
    F_WEBP_LL,
    F_GIF,
    F_TIFF,
    F_HEIC,
    F_AVIF,
    F_BMP,
    F_EXIF,
    F_PDF,
    F_COUNT
};
static const char *const names[F_COUNT] = {"jpeg q85", "png",        "webp q80", "webp lossless",
                                           "gif",      "tiff lzw",   "heic q70", "avif q70",
                                           "bmp 24",   "exif thumb", "pdf jpeg"};

struct photo {
    uint8_t *px;
    uint32_t w, h;
    unsigned chans;
};

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t load_photos(const char *dir, vg_img_dec *dec, struct photo *ph, size_t max) {
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t count = 0;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL && count < max) {
        char path[4096];
        size_t n;
        vg_img im;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        uint8_t *buf = de->d_name[0] == '.' ? NULL : tu_slurp(path, &n);
        if (buf && vg_img_decode(dec, buf, n, &im) == VG_OK && im.channels == 3 &&
            (uint64_t)im.width * im.height >= 100000u) {
            struct photo *p = &ph[count++];
            p->w = im.width;
            p->h = im.height;
            p->chans = 3;
            p->px = malloc((size_t)im.width * im.height * 3);
            for (uint32_t y = 0; y < im.height; y++)
                memcpy(p->px + (size_t)y * im.width * 3, im.pixels + y * im.stride,
                       (size_t)im.width * 3);
        }
        free(buf);
    }
    closedir(d);
    return count;
}

/* PNG through libpng's encoder (tu_png_encode takes 16-bit samples). */
static uint8_t *png_of(const struct photo *p, size_t *n) {
    size_t k = (size_t)p->w * p->h * 3;
    uint16_t *s = malloc(k * sizeof *s);
    for (size_t i = 0; i < k; i++)
        s[i] = (uint16_t)(p->px[i] * 257u);
    uint8_t *out = tu_png_encode(p->w, p->h, 2, 8, 0, s, n);
    free(s);
    return out;
}

/* A 1/4-size box-filtered thumbnail as a JPEG inside a JPEG of the photo. */
static uint8_t *exif_of(const struct photo *p, size_t *n) {
    uint32_t tw = p->w / 4, th = p->h / 4;
    uint8_t *q = te_quarter(p->px, p->w, p->h, 3), *out = NULL;
    size_t tn, jn;
    uint8_t *thumb = tu_jpeg_encode(tw, th, 3, q, 80, 0, 0, &tn);
    uint8_t *jpg = tu_jpeg_encode(p->w, p->h, 3, p->px, 85, 0, 0, &jn);
    if (thumb && jpg)
        out = te_jpeg_with_exif(jpg, jn, thumb, tn, 1, n);
    free(thumb);
    free(jpg);
    free(q);
    return out;
}

static uint8_t *encode(enum fmt f, const struct photo *p, size_t *n) {
    const uint8_t *px = p->px;
    switch (f) {
    case F_JPEG:
        return tu_jpeg_encode(p->w, p->h, 3, px, 85, 0, 0, n);
    case F_PNG:
        return png_of(p, n);
    case F_BMP:
        return te_bmp_encode(p->w, p->h, 3, px, 24, 0, n);
    case F_EXIF:
        return exif_of(p, n);
    case F_PDF: {
        size_t jn;
        uint8_t *jpg = tu_jpeg_encode(p->w, p->h, 3, px, 85, 0, 0, &jn);
        te_pdf_img img = {jpg, jn, p->w, p->h};
        uint8_t *out = jpg ? te_pdf_with_jpegs(&img, 1, 1, n) : NULL;
        free(jpg);
        return out;
    }
#ifdef VIGIL_HAVE_WEBP
    case F_WEBP:
    case F_WEBP_LL:
        return te_webp_encode(p->w, p->h, 3, px, f == F_WEBP_LL, 80, n);
#endif
#ifdef VIGIL_HAVE_GIF
    case F_GIF:
        return te_gif_encode(p->w, p->h, 3, px, 0, n);
#endif
#ifdef VIGIL_HAVE_TIFF
    case F_TIFF:
        return te_tiff_encode(p->w, p->h, 3, px, COMPRESSION_LZW, 0, n);
#endif
#ifdef VIGIL_HAVE_HEIF
    case F_HEIC:
    case F_AVIF:
        return te_heif_encode(p->w, p->h, 3, px, f == F_AVIF, 70, n);
#endif
    default:
        return NULL;
    }
}

struct tools {
    vg_img_dec *dec;
    vg_pdq *pq;
    vg_digest *dg;
};

/* The scan worker's work on one file of format f: digests, then decode + PDQ of the image; for
 * the embedded kinds, the work of the extra item only: locate it, digest its bytes, decode and
 * hash it (the container itself is a JPEG or a plain file). @return 0 or -1. */
static int work(struct tools *t, enum fmt f, const uint8_t *buf, size_t n) {
    vg_digests dg;
    size_t off = 0, len = n, pos = 0;
    if (f != F_EXIF && f != F_PDF && vg_digest_buffer(t->dg, buf, n, &dg) != VG_OK)
        return -1;
    if (f == F_EXIF && vg_img_exif_thumbnail(buf, n, &off, &len) != VG_OK)
        return -1;
    if (f == F_PDF && vg_img_pdf_next_jpeg(buf, n, &pos, &off, &len) != VG_OK)
        return -1;
    if ((f == F_EXIF || f == F_PDF) && vg_digest_buffer(t->dg, buf + off, len, &dg) != VG_OK)
        return -1;
    vg_img im;
    if (vg_img_decode(t->dec, buf + off, len, &im) != VG_OK)
        return -1;
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    vg_pdq_result r;
    return vg_pdq_hash(t->pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r) == VG_OK ? 0 : -1;
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 3;
    size_t maxp = argc > 2 ? (size_t)atoi(argv[2]) : 6;
    const char *dir = argc > 3 ? argv[3] : "/work/shared/corpus/photos";
    struct tools t = {0};
    static struct photo ph[MAX_PHOTOS];
    if (rounds < 1 || maxp < 1 || maxp > MAX_PHOTOS || vg_img_dec_open(&t.dec, NULL) != VG_OK ||
        vg_pdq_open(&t.pq) != VG_OK || vg_digest_open(&t.dg) != VG_OK)
        return fputs("usage: bench_formats [rounds=3] [max_photos=6] [FOLDER]\n", stderr), 2;
    size_t np = load_photos(dir, t.dec, ph, maxp);
    double mp = 0;
    for (size_t i = 0; i < np; i++)
        mp += (double)ph[i].w * ph[i].h / 1e6;
    printf("bench_formats: %zu RGB photos (%.1f MP) from %s, best of %d rounds, process CPU time\n",
           np, mp, dir, rounds);
    printf("  per image: MD5+SHA-1+SHA-256 of the bytes, full decode, PDQ + 8 dihedral\n");
    double jpeg_rate = 0;
    for (int f = 0; f < F_COUNT; f++) {
        double total = 0, bytes = 0;
        size_t done = 0;
        for (size_t i = 0; i < np; i++) {
            size_t n = 0;
            uint8_t *buf = encode((enum fmt)f, &ph[i], &n);
            double best = 1e9;
            for (int r = 0; buf && r < rounds; r++) {
                double t0 = cpu_now();
                if (work(&t, (enum fmt)f, buf, n) != 0) {
                    best = -1;
                    break;
                }
                double dt = cpu_now() - t0;
                best = dt < best ? dt : best;
            }
            if (buf && best >= 0) {
                total += best;
                bytes += (double)n;
                done++;
            }
            free(buf);
        }
        if (!done) {
            printf("  %-14s not built in\n", names[f]);
            continue;
        }
        double rate = (double)done / total;
        if (f == F_JPEG)
            jpeg_rate = rate;
        printf("  %-14s %7.1f images/s  %6.1f ms/image  %6.1f KiB/image  %5.2fx JPEG's time\n",
               names[f], rate, 1e3 / rate, bytes / done / 1024, jpeg_rate / rate);
    }
    for (size_t i = 0; i < np; i++)
        free(ph[i].px);
    vg_img_dec_free(t.dec);
    vg_pdq_free(t.pq);
    vg_digest_free(t.dg);
    return 0;
}
