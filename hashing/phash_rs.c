/*
 * phash_rs.c — ClamAV's grey conversion and the image crate's Lanczos3 resize_exact, bit for bit
 * (libclamav_rust/src/fuzzy_hash.rs grayscale(); image 0.25 src/imageops/sample.rs resize,
 * vertical_sample, horizontal_sample). Written from the algorithm, not copied.
 *
 * All arithmetic is float32 in the crate's order, so this file is built with -ffp-contract=off
 * (no fused multiply-add) and relies on sinf() being glibc's, as Rust's f32::sin is on Linux.
 * The vertical pass runs first and keeps float32 sums; the crate walks output rows, this walks
 * source rows once (converting each to grey once) and adds each to the output rows whose window
 * holds it: every sum still receives its terms in ascending source order, so the float32 results
 * are the same.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phash_impl.h"

#define PI_F 3.14159274101257324f /* f32::consts::PI */

/* ---- weights ---- */

static float sinc_f(float t) {
    float a = t * PI_F;
    return t == 0.0f ? 1.0f : sinf(a) / a;
}

static float lanczos3_f(float x) {
    return fabsf(x) < 3.0f ? sinc_f(x) * sinc_f(x / 3.0f) : 0.0f;
}

/* Per output: the source range [left, right) and right - left weights at w + out * stride. */
struct win {
    uint32_t *left, *right;
    float *w;
    size_t stride;
};

static vg_status win_make(struct win *v, uint32_t in, uint32_t out) {
    float ratio = (float)in / (float)out;
    float sratio = ratio < 1.0f ? 1.0f : ratio;
    float support = 3.0f * sratio;
    v->stride = (size_t)ceilf(2.0f * support) + 2;
    v->left = malloc(out * sizeof *v->left);
    v->right = malloc(out * sizeof *v->right);
    v->w = malloc((size_t)out * v->stride * sizeof *v->w);
    if (!v->left || !v->right || !v->w)
        return VG_E_NOMEM;
    for (uint32_t o = 0; o < out; o++) {
        float c = ((float)o + 0.5f) * ratio;
        int64_t l = (int64_t)floorf(c - support), r = (int64_t)ceilf(c + support);
        l = l < 0 ? 0 : l > (int64_t)in - 1 ? (int64_t)in - 1 : l;
        r = r < l + 1 ? l + 1 : r > (int64_t)in ? (int64_t)in : r;
        c -= 0.5f;
        float *w = v->w + o * v->stride, sum = 0.0f;
        for (int64_t i = l; i < r; i++) {
            w[i - l] = lanczos3_f(((float)i - c) / sratio);
            sum += w[i - l];
        }
        for (int64_t i = l; i < r; i++)
            w[i - l] /= sum;
        v->left[o] = (uint32_t)l;
        v->right[o] = (uint32_t)r;
    }
    return VG_OK;
}

static void win_free(struct win *v) {
    free(v->left);
    free(v->right);
    free(v->w);
}

/* ---- grey (fuzzy_hash.rs grayscale(): float32, rounded half away from zero) ---- */

static void grey_row(const vg_phash_image *img, uint32_t y, float *g) {
    const uint8_t *p = img->pixels + (size_t)y * img->stride;
    unsigned step = img->channels;
    for (uint32_t x = 0; x < img->width; x++, p += step) {
        float r = (float)p[0], gg = (float)p[step == 1 ? 0 : 1], b = (float)p[step == 1 ? 0 : 2];
        float l = 0.299f * r + 0.587f * gg + 0.114f * b;
        g[x] = roundf(l); /* a u8 in the crate; 0..255 here */
    }
}

/* ---- passes ---- */

/* vertical_sample: acc[o][x] = sum over the window of grey(x, i) * w, float32, i ascending. */
static vg_status pass_v(const vg_phash_image *img, const struct win *v, uint32_t oh, float *acc) {
    float *g = malloc(img->width * sizeof *g);
    if (!g)
        return VG_E_NOMEM;
    memset(acc, 0, (size_t)oh * img->width * sizeof *acc);
    for (uint32_t i = v->left[0]; i < v->right[oh - 1]; i++) {
        grey_row(img, i, g);
        for (uint32_t o = 0; o < oh; o++) {
            if (i < v->left[o] || i >= v->right[o])
                continue;
            float w = v->w[o * v->stride + (i - v->left[o])], *a = acc + (size_t)o * img->width;
            for (uint32_t x = 0; x < img->width; x++)
                a[x] += g[x] * w;
        }
    }
    free(g);
    return VG_OK;
}

/* horizontal_sample: clamp to 0..255, round half away from zero, to u8. */
static void pass_h(const float *acc, uint32_t width, const struct win *h, uint32_t ow, uint32_t oh,
                   uint8_t *out) {
    for (uint32_t y = 0; y < oh; y++)
        for (uint32_t o = 0; o < ow; o++) {
            const float *a = acc + (size_t)y * width, *w = h->w + o * h->stride;
            float t = 0.0f;
            for (uint32_t i = h->left[o]; i < h->right[o]; i++)
                t += a[i] * w[i - h->left[o]];
            t = t < 0.0f ? 0.0f : t > 255.0f ? 255.0f : t;
            out[(size_t)y * ow + o] = (uint8_t)roundf(t);
        }
}

/* resize() returns a copy when the size is already right. */
static vg_status copy_grey(const vg_phash_image *img, uint8_t *out) {
    float *g = malloc(img->width * sizeof *g);
    if (!g)
        return VG_E_NOMEM;
    for (uint32_t y = 0; y < img->height; y++) {
        grey_row(img, y, g);
        for (uint32_t x = 0; x < img->width; x++)
            out[(size_t)y * img->width + x] = (uint8_t)g[x];
    }
    free(g);
    return VG_OK;
}

vg_status vg_phash_resize_rs(const vg_phash_image *img, uint32_t ow, uint32_t oh, uint8_t *out) {
    if (ow == img->width && oh == img->height)
        return copy_grey(img, out);
    struct win v = {0}, h = {0};
    float *acc = NULL;
    vg_status st = win_make(&v, img->height, oh);
    if (st == VG_OK)
        st = win_make(&h, img->width, ow);
    if (st == VG_OK) {
        acc = malloc((size_t)oh * img->width * sizeof *acc);
        st = acc ? pass_v(img, &v, oh, acc) : VG_E_NOMEM;
    }
    if (st == VG_OK)
        pass_h(acc, img->width, &h, ow, oh, out);
    free(acc);
    win_free(&h);
    win_free(&v);
    return st;
}
