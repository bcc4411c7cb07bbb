/*
 * img_png.c — PNG decoding from memory with libpng, to 8-bit RGB or grey.
 *
 * Transforms (the pixels then equal pngtopnm's and ImageMagick's for 8-bit files, PDQ.md §3.3):
 * palette expanded to RGB; 1/2/4-bit grey expanded to 0..255; 16-bit samples scaled to 8 bits
 * (png_set_scale_16: round(v * 255 / 65535)); alpha and tRNS dropped, never composited; no gamma
 * or ICC correction. Grey and grey+alpha files give one channel, everything else three.
 * Interlaced files are decoded pass by pass straight into the output buffer.
 *
 * libpng reports errors through our error function, which longjmps back into
 * vg_img_png_decode() only; warnings are dropped, nothing is printed. libpng's allocations go
 * through wrappers that wipe each block before freeing it (rows of pixels pass through them).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <png.h>

#include "img_impl.h"

struct pngctx {
    vg_img_dec *d;
    vg_status st; /* returned after the longjmp */
    const uint8_t *buf;
    size_t n, pos;
};

/* ---- libpng callbacks ---- */

static void on_error(png_structp png, png_const_charp msg) {
    struct pngctx *c = png_get_error_ptr(png);
    vg_img_fail(c->d, c->st, "png: %s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg) {
    (void)png; /* never print */
    (void)msg;
}

static void on_read(png_structp png, png_bytep out, size_t len) {
    struct pngctx *c = png_get_io_ptr(png);
    if (len > c->n - c->pos)
        png_error(png, "file truncated");
    memcpy(out, c->buf + c->pos, len);
    c->pos += len;
}

#define HDR 16 /* keeps the block max-aligned; holds its size */

static png_voidp on_malloc(png_structp png, png_alloc_size_t n) {
    (void)png;
    if (n > SIZE_MAX - HDR)
        return NULL;
    unsigned char *b = malloc(n + HDR);
    if (!b)
        return NULL;
    memcpy(b, &n, sizeof n);
    return b + HDR;
}

static void on_free(png_structp png, png_voidp p) {
    (void)png;
    if (!p)
        return;
    unsigned char *b = (unsigned char *)p - HDR;
    png_alloc_size_t n;
    memcpy(&n, b, sizeof n);
    OPENSSL_cleanse(p, n);
    free(b);
}

/* ---- decode ---- */

/* Set the transforms; returns the output channel count. */
static unsigned set_transforms(png_structp png, png_infop info) {
    int ct = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (ct == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if ((ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA) && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16)
        png_set_scale_16(png);
    png_set_strip_alpha(png);
    return (ct == PNG_COLOR_TYPE_GRAY || ct == PNG_COLOR_TYPE_GRAY_ALPHA) ? 1u : 3u;
}

static vg_status read_pixels(vg_img_dec *d, png_structp png, png_infop info, vg_img *img) {
    int passes = png_set_interlace_handling(png);
    png_read_update_info(png, info);
    size_t rowbytes = png_get_rowbytes(png, info);
    img->stride = (size_t)img->width * img->channels;
    if (rowbytes != img->stride)
        return vg_img_fail(d, VG_E_FORMAT, "png: unexpected row size %zu for %u x %u channels",
                           rowbytes, img->width, img->channels);
    vg_status st = vg_img_buf_reserve(d, &d->pix, img->stride * img->height);
    if (st != VG_OK)
        return st;
    for (int p = 0; p < passes; p++)
        for (uint32_t y = 0; y < img->height; y++)
            png_read_row(png, d->pix.p + (size_t)y * img->stride, NULL);
    img->pixels = d->pix.p;
    return VG_OK;
}

vg_status vg_img_png_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img) {
    struct pngctx c = {.d = d, .st = VG_E_FORMAT, .buf = buf, .n = n};
    png_structp png = png_create_read_struct_2(PNG_LIBPNG_VER_STRING, &c, on_error, on_warning,
                                               NULL, on_malloc, on_free);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return vg_img_fail(d, VG_E_NOMEM, "png: out of memory");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return c.st;
    }
    png_set_read_fn(png, &c, on_read);
    png_read_info(png, info);
    img->format = VG_IMG_PNG;
    img->width = img->full_width = png_get_image_width(png, info);
    img->height = img->full_height = png_get_image_height(png, info);
    img->scale_denom = 1;
    img->channels = set_transforms(png, info);
    uint64_t w = img->width, h = img->height;
    /* pixels + libpng's row buffers (row, previous row, at up to 8 bytes per pixel) */
    vg_status st = vg_img_check_size(d, "png", w, h, w * h * img->channels + w * 16u + 65536u);
    if (st == VG_OK && !probe)
        st = read_pixels(d, png, info, img);
    png_destroy_read_struct(&png, &info, NULL);
    return st;
}
