/*
 * phash_pil.c — Pillow's grey conversion and LANCZOS resize, bit for bit (Pillow 9.4,
 * src/libImaging/Convert.c rgb2l and Resample.c), so that aHash, dHash and pHash equal Python
 * imagehash's. Written from the algorithm, not copied.
 *
 * Pillow converts the whole image to "L" first; here each source row is converted when the
 * horizontal pass reads it, so no full-size grey copy is made. The arithmetic is the same:
 * weights in double, normalised, then 22-bit fixed point; each pass rounds (adds half) and clips
 * to 8 bits; the horizontal pass runs first, only over the rows the vertical pass will read.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phash_impl.h"

#define PRECISION_BITS 22 /* Pillow: 32 - 8 - 2, room for negative lobes and overshoot */

/* ---- weights (Resample.c precompute_coeffs + normalize_coeffs_8bpc) ---- */

struct coeffs {
    int kcap;    /* weights stored per output */
    int *bounds; /* per output: first input, count */
    int32_t *k;  /* per output: kcap fixed-point weights */
};

static double sinc(double x) {
    if (x == 0.0)
        return 1.0;
    x = x * VG_PHASH_PI;
    return sin(x) / x;
}

static double lanczos(double x) {
    return (-3.0 <= x && x < 3.0) ? sinc(x) * sinc(x / 3) : 0.0;
}

static int32_t fixed(double w) {
    return (int32_t)(w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
}

/* Weights of output xx; w is scratch for ksize doubles. */
static void coeffs_one(const struct coeffs *c, int xx, double scale, double fscale, int in_size,
                       double *w) {
    double support = 3.0 * fscale, center = (xx + 0.5) * scale, ww = 0.0;
    int xmin = (int)(center - support + 0.5);
    if (xmin < 0)
        xmin = 0;
    int xmax = (int)(center + support + 0.5);
    if (xmax > in_size)
        xmax = in_size;
    xmax -= xmin;
    for (int x = 0; x < xmax; x++) {
        w[x] = lanczos((x + xmin - center + 0.5) * (1.0 / fscale));
        ww += w[x];
    }
    int32_t *k = c->k + (size_t)xx * (size_t)c->kcap;
    memset(k, 0, (size_t)c->kcap * sizeof *k);
    for (int x = 0; x < xmax; x++)
        k[x] = fixed(ww != 0.0 ? w[x] / ww : w[x]);
    c->bounds[2 * xx] = xmin;
    c->bounds[2 * xx + 1] = xmax;
}

static vg_status coeffs_make(struct coeffs *c, uint32_t in_size, uint32_t out_size) {
    double scale = (double)(float)in_size / out_size; /* Pillow: (in1 - in0) in float */
    double fscale = scale < 1.0 ? 1.0 : scale;
    int ksize = (int)ceil(3.0 * fscale) * 2 + 1;
    c->kcap = ksize < (int)in_size ? ksize : (int)in_size;
    c->bounds = malloc(2 * (size_t)out_size * sizeof *c->bounds);
    c->k = malloc((size_t)out_size * (size_t)c->kcap * sizeof *c->k);
    double *w = malloc((size_t)ksize * sizeof *w);
    if (!c->bounds || !c->k || !w) {
        free(w);
        return VG_E_NOMEM;
    }
    for (int xx = 0; xx < (int)out_size; xx++)
        coeffs_one(c, xx, scale, fscale, (int)in_size, w);
    free(w);
    return VG_OK;
}

static void coeffs_free(struct coeffs *c) {
    free(c->bounds);
    free(c->k);
}

/* Pillow's clip8: the sum already holds the rounding half; shift and clip to 0..255. */
static uint8_t clip8(int64_t ss) {
    if (ss < 0)
        return 0;
    ss >>= PRECISION_BITS;
    return (uint8_t)(ss > 255 ? 255 : ss);
}

/* ---- grey (Convert.c rgb2l: ITU-R 601-2 in 16.16 fixed point) ---- */

static void grey_row(const vg_phash_image *img, uint32_t y, uint8_t *g) {
    const uint8_t *p = img->pixels + (size_t)y * img->stride;
    if (img->channels == 1) {
        memcpy(g, p, img->width);
        return;
    }
    for (uint32_t x = 0; x < img->width; x++, p += img->channels)
        g[x] = (uint8_t)((19595u * p[0] + 38470u * p[1] + 7471u * p[2] + 0x8000u) >> 16);
}

/* ---- the two passes ---- */

static void pass_h(const uint8_t *g, const struct coeffs *c, uint32_t ow, uint8_t *out) {
    for (uint32_t xx = 0; xx < ow; xx++) {
        const int32_t *k = c->k + (size_t)xx * (size_t)c->kcap;
        int xmin = c->bounds[2 * xx], n = c->bounds[2 * xx + 1];
        int64_t ss = 1 << (PRECISION_BITS - 1);
        for (int x = 0; x < n; x++)
            ss += (int64_t)g[xmin + x] * k[x];
        out[xx] = clip8(ss);
    }
}

static void pass_v(const uint8_t *tmp, uint32_t ow, const struct coeffs *c, int first, uint32_t oh,
                   uint8_t *out) {
    for (uint32_t yy = 0; yy < oh; yy++) {
        const int32_t *k = c->k + (size_t)yy * (size_t)c->kcap;
        int ymin = c->bounds[2 * yy] - first, n = c->bounds[2 * yy + 1];
        for (uint32_t xx = 0; xx < ow; xx++) {
            int64_t ss = 1 << (PRECISION_BITS - 1);
            for (int y = 0; y < n; y++)
                ss += (int64_t)tmp[(size_t)(ymin + y) * ow + xx] * k[y];
            out[(size_t)yy * ow + xx] = clip8(ss);
        }
    }
}

vg_status vg_phash_resize_pil(const vg_phash_image *img, uint32_t ow, uint32_t oh, uint8_t *out) {
    struct coeffs ch = {0}, cv = {0};
    uint8_t *g = NULL, *tmp = NULL;
    int need_h = ow != img->width, need_v = oh != img->height;
    vg_status st = coeffs_make(&cv, img->height, oh);
    if (st == VG_OK && need_h)
        st = coeffs_make(&ch, img->width, ow);
    if (st != VG_OK)
        goto fail;
    /* Rows the vertical pass reads: from the first output's first to the last output's end. */
    int first = cv.bounds[0], last = cv.bounds[2 * (oh - 1)] + cv.bounds[2 * (oh - 1) + 1];
    g = malloc(img->width);
    tmp = calloc((size_t)(last - first), ow);
    st = VG_E_NOMEM;
    if (!g || !tmp)
        goto fail;
    for (int y = first; y < last; y++) {
        uint8_t *row = tmp + (size_t)(y - first) * ow;
        grey_row(img, (uint32_t)y, need_h ? g : row);
        if (need_h)
            pass_h(g, &ch, ow, row);
    }
    if (need_v)
        pass_v(tmp, ow, &cv, first, oh, out);
    else
        memcpy(out, tmp, (size_t)ow * oh); /* first = 0, last = height = oh */
    st = VG_OK;
fail:
    free(tmp);
    free(g);
    coeffs_free(&ch);
    coeffs_free(&cv);
    return st;
}
