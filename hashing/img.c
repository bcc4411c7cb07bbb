/*
 * img.c — image format sniffing, the decoder handle, its reusable buffers and its limits.
 *
 * Buffers are grown, never shrunk, and reused across images: on this class of VM a fresh page
 * costs ~25 us on first touch, more than decoding it (PERF.md §5). Every buffer that held
 * pixels is wiped with OPENSSL_cleanse before it is freed or replaced.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "img_impl.h"

/* ---- sniffing ---- */

vg_img_format vg_img_sniff(const void *buf, size_t n) {
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    const uint8_t *b = buf;
    if (!b)
        return VG_IMG_NONE;
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return VG_IMG_JPEG;
    if (n >= 8 && memcmp(b, png_magic, 8) == 0)
        return VG_IMG_PNG;
    return VG_IMG_NONE;
}

const char *vg_img_format_name(vg_img_format f) {
    switch (f) {
    case VG_IMG_JPEG:
        return "jpeg";
    case VG_IMG_PNG:
        return "png";
    case VG_IMG_NONE:
        break;
    }
    return "none";
}

/* ---- handle ---- */

vg_status vg_img_dec_open(vg_img_dec **out, const vg_img_limits *lim) {
    *out = NULL;
    vg_img_dec *d = calloc(1, sizeof *d);
    if (!d)
        return VG_E_NOMEM;
    if (lim)
        d->lim = *lim;
    if (!d->lim.max_pixels)
        d->lim.max_pixels = VG_IMG_MAX_PIXELS_DEFAULT;
    if (!d->lim.max_bytes)
        d->lim.max_bytes = VG_IMG_MAX_BYTES_DEFAULT;
    if (!d->lim.max_scans)
        d->lim.max_scans = VG_IMG_MAX_SCANS_DEFAULT;
    *out = d;
    return VG_OK;
}

static void buf_release(struct img_buf *b) {
    if (b->p) {
        OPENSSL_cleanse(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->cap = 0;
}

void vg_img_dec_wipe(vg_img_dec *d) {
    if (!d)
        return;
    if (d->pix.p)
        OPENSSL_cleanse(d->pix.p, d->pix.cap);
    if (d->scratch.p)
        OPENSSL_cleanse(d->scratch.p, d->scratch.cap);
}

void vg_img_dec_free(vg_img_dec *d) {
    if (!d)
        return;
    buf_release(&d->pix);
    buf_release(&d->scratch);
    free(d);
}

const char *vg_img_dec_errmsg(const vg_img_dec *d) {
    return d ? d->errmsg : "";
}

/* ---- helpers for the format files ---- */

vg_status vg_img_fail(vg_img_dec *d, vg_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started above */
    vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

vg_status vg_img_buf_reserve(vg_img_dec *d, struct img_buf *b, size_t n) {
    if (n <= b->cap)
        return VG_OK;
    /* Grow with headroom so a folder of slightly different sizes settles on one buffer. */
    size_t want = n + n / 4;
    if (want < n || want > d->lim.max_bytes)
        want = n;
    buf_release(b);
    b->p = malloc(want);
    if (!b->p)
        return vg_img_fail(d, VG_E_NOMEM, "out of memory for %zu bytes of pixels", want);
    b->cap = want;
    return VG_OK;
}

vg_status vg_img_check_size(vg_img_dec *d, const char *fmt, uint64_t w, uint64_t h,
                            uint64_t bytes) {
    if (w == 0 || h == 0)
        return vg_img_fail(d, VG_E_FORMAT, "%s: image has zero width or height", fmt);
    if (w > UINT32_MAX || h > UINT32_MAX || w * h > d->lim.max_pixels)
        return vg_img_fail(
            d, VG_E_LIMIT, "%s: image claims %llux%llu pixels, above the limit of %llu pixels", fmt,
            (unsigned long long)w, (unsigned long long)h, (unsigned long long)d->lim.max_pixels);
    if (bytes > d->lim.max_bytes || bytes > SIZE_MAX / 2)
        return vg_img_fail(d, VG_E_LIMIT,
                           "%s: decoding %llux%llu needs %llu bytes, above the budget of %llu", fmt,
                           (unsigned long long)w, (unsigned long long)h, (unsigned long long)bytes,
                           (unsigned long long)d->lim.max_bytes);
    return VG_OK;
}

/* ---- decoding entry points ---- */

static vg_status dispatch(vg_img_dec *d, const void *buf, size_t n, unsigned denom,
                          uint32_t min_side, vg_img *img) {
    memset(img, 0, sizeof *img);
    d->errmsg[0] = '\0';
    vg_status st;
    switch (vg_img_sniff(buf, n)) {
    case VG_IMG_JPEG:
        st = vg_img_jpeg_decode(d, buf, n, denom, min_side, img);
        break;
    case VG_IMG_PNG:
        st = vg_img_png_decode(d, buf, n, denom == 0, img);
        break;
    default:
        return vg_img_fail(d, VG_E_UNSUPPORTED, "not a JPEG or PNG image (%zu bytes)", n);
    }
    if (st != VG_OK)
        memset(img, 0, sizeof *img);
    return st;
}

vg_status vg_img_decode(vg_img_dec *d, const void *buf, size_t n, vg_img *img) {
    return dispatch(d, buf, n, 1, 0, img);
}

vg_status vg_img_decode_scaled(vg_img_dec *d, const void *buf, size_t n, unsigned scale_denom,
                               uint32_t min_side, vg_img *img) {
    if (scale_denom != 0 && scale_denom != 1 && scale_denom != 2 && scale_denom != 4 &&
        scale_denom != 8) {
        memset(img, 0, sizeof *img);
        return vg_img_fail(d, VG_E_INVAL, "vg_img_decode_scaled: scale_denom %u not 0/1/2/4/8",
                           scale_denom);
    }
    /* 0 is "choose"; the JPEG decoder receives 16 for that, 0 being "probe". */
    return dispatch(d, buf, n, scale_denom ? scale_denom : 16, min_side, img);
}

vg_status vg_img_probe(vg_img_dec *d, const void *buf, size_t n, vg_img *img) {
    return dispatch(d, buf, n, 0, 0, img);
}
