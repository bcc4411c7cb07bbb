/* mkformat.c — test tool: write a harmless photo in another format with that format's own
 * encoder (img_encode.c), or inside another file (img_embed.c), for the scan tests.
 * Usage: mkformat FORMAT OUT PHOTO [PHOTO2]
 *   webp, webp-lossless, gif, tiff, heic, avif, bmp, jpeg: PHOTO converted;
 *   exif: a JPEG of PHOTO2 whose EXIF thumbnail (1/4 size) is PHOTO ("an edited photo whose
 *         thumbnail still shows the original");
 *   pdf:  a one-page PDF holding PHOTO as a JPEG (DCTDecode) image with an indirect /Length;
 *   heic-thumb: a HEIC of PHOTO2 whose thumbnail (160 px) is PHOTO.
 * Exit 0; 1 on failure; 3 when this build lacks the format's library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"

#include "img_embed.h"
#include "img_encode.h"
#include "img_util.h"

#ifdef VIGIL_HAVE_TIFF
#include <tiffio.h>
#endif

struct pix {
    uint8_t *px;
    uint32_t w, h;
    unsigned chans;
};

static int load(const char *path, struct pix *p) {
    size_t n;
    uint8_t *buf = tu_slurp(path, &n);
    vg_img_dec *d = NULL;
    vg_img im;
    int rc = -1;
    if (buf && vg_img_dec_open(&d, NULL) == VG_OK && vg_img_decode(d, buf, n, &im) == VG_OK) {
        p->w = im.width;
        p->h = im.height;
        p->chans = im.channels;
        p->px = malloc((size_t)im.width * im.height * im.channels);
        for (uint32_t y = 0; p->px && y < im.height; y++)
            memcpy(p->px + (size_t)y * im.width * im.channels, im.pixels + y * im.stride,
                   (size_t)im.width * im.channels);
        rc = p->px ? 0 : -1;
    }
    vg_img_dec_free(d);
    free(buf);
    return rc;
}

/* A 1/4-size box-filtered copy (what a camera stores as its thumbnail). */
static struct pix quarter(const struct pix *p) {
    struct pix q = {te_quarter(p->px, p->w, p->h, p->chans), p->w / 4, p->h / 4, p->chans};
    return q;
}

static uint8_t *embed(const char *fmt, const struct pix *p, const char *photo2, size_t *n) {
    uint8_t *jpg = tu_jpeg_encode(p->w, p->h, p->chans, p->px, 85, 0, 0, n), *out = NULL;
    if (!jpg)
        return NULL;
    if (!strcmp(fmt, "pdf")) {
        te_pdf_img img = {jpg, *n, p->w, p->h};
        out = te_pdf_with_jpegs(&img, 1, 1, n);
    } else if (photo2) {
        struct pix main = {0}, q = quarter(p);
        size_t tn = 0, mn = 0;
        uint8_t *thumb = q.px ? tu_jpeg_encode(q.w, q.h, q.chans, q.px, 80, 0, 0, &tn) : NULL;
        uint8_t *mj = load(photo2, &main) == 0
                          ? tu_jpeg_encode(main.w, main.h, main.chans, main.px, 85, 0, 0, &mn)
                          : NULL;
        if (thumb && mj)
            out = te_jpeg_with_exif(mj, mn, thumb, tn, 1, n);
        free(mj);
        free(thumb);
        free(main.px);
        free(q.px);
    }
    free(jpg);
    return out;
}

static uint8_t *convert(const char *fmt, const struct pix *p, const char *photo2, size_t *n,
                        int *missing) {
    *missing = 0;
    if (!strcmp(fmt, "jpeg"))
        return tu_jpeg_encode(p->w, p->h, p->chans, p->px, 85, 0, 0, n);
    if (!strcmp(fmt, "bmp"))
        return te_bmp_encode(p->w, p->h, p->chans, p->px, p->chans == 3 ? 24 : 8, 0, n);
#ifdef VIGIL_HAVE_WEBP
    if (!strcmp(fmt, "webp") || !strcmp(fmt, "webp-lossless"))
        return te_webp_encode(p->w, p->h, p->chans, p->px, !strcmp(fmt, "webp-lossless"), 80, n);
#endif
#ifdef VIGIL_HAVE_GIF
    if (!strcmp(fmt, "gif"))
        return te_gif_encode(p->w, p->h, p->chans, p->px, 0, n);
#endif
#ifdef VIGIL_HAVE_TIFF
    if (!strcmp(fmt, "tiff"))
        return te_tiff_encode(p->w, p->h, p->chans, p->px, COMPRESSION_LZW, 0, n);
#endif
#ifdef VIGIL_HAVE_HEIF
    if (!strcmp(fmt, "heic-thumb") && photo2) {
        struct pix main = {0};
        te_heif_thumb th = {p->w, p->h, p->chans, p->px, 160};
        uint8_t *out = load(photo2, &main) == 0 ? te_heif_encode_thumb(main.w, main.h, main.chans,
                                                                       main.px, &th, 0, 70, n)
                                                : NULL;
        free(main.px);
        return out;
    }
    if (!strcmp(fmt, "heic") || !strcmp(fmt, "avif"))
        return te_heif_encode(p->w, p->h, p->chans, p->px, !strcmp(fmt, "avif"), 70, n);
#endif
    *missing = 1;
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 4)
        return fputs("usage: mkformat FORMAT OUT PHOTO [PHOTO2]\n", stderr), 1;
    const char *fmt = argv[1];
    struct pix p = {0};
    if (load(argv[3], &p) != 0)
        return fprintf(stderr, "mkformat: cannot decode %s\n", argv[3]), 1;
    size_t n = 0;
    int missing = 0;
    uint8_t *out = !strcmp(fmt, "pdf") || !strcmp(fmt, "exif")
                       ? embed(fmt, &p, argc > 4 ? argv[4] : NULL, &n)
                       : convert(fmt, &p, argc > 4 ? argv[4] : NULL, &n, &missing);
    free(p.px);
    if (!out)
        return fprintf(stderr, "mkformat: %s: %s\n", fmt, missing ? "not built in" : "failed"),
               missing ? 3 : 1;
    FILE *f = fopen(argv[2], "wb");
    int rc = f && fwrite(out, 1, n, f) == n ? 0 : 1;
    if (f && fclose(f) != 0)
        rc = 1;
    free(out);
    return rc;
}
