/*
 * img_webp.c — WebP decoding from memory with libwebp, to 8-bit RGB.
 *
 * Still images (lossy, lossless, with or without alpha) are decoded straight into the output
 * buffer by WebPDecodeRGBInto: alpha is dropped, never composited, as for PNG (the stored colour
 * of a transparent pixel is what is hashed). WebP has no greyscale mode: channels is always 3.
 *
 * Animated files: the FIRST FRAME only, as libwebp's WebPAnimDecoder renders it on the canvas
 * (the canvas size from the VP8X header; outside the first frame's rectangle the canvas is
 * transparent black, i.e. 0,0,0 once alpha is dropped; the first frame is a key frame, so its
 * pixels are copied, not blended). That is what `dwebp`/`anim_dump -frame 0`, ImageMagick's
 * `file.webp[0]` and PIL's first frame give, so a list made with standard tools matches. Later
 * frames are not hashed: an animation's frames are mostly near-duplicates of the first and
 * every extra frame multiplies the decode cost; a caller wanting them can be added later.
 *
 * libwebp prints nothing and does not longjmp. Limits are checked from the header (VP8X canvas or
 * the bitstream's frame size) before anything is allocated. The animation decoder's canvas is
 * wiped once copied. Not wiped (libwebp has no allocator hook): its working memory (rows, the
 * lossless ARGB cache) and the animation decoder's copy of the previous canvas.
 */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <webp/decode.h>
#include <webp/demux.h>

#include "img_impl.h"

void vg_img_webp_version(char *buf, size_t cap) {
    int v = WebPGetDecoderVersion();
    snprintf(buf, cap, "libwebp %d.%d.%d", (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff);
}

static const char *status_name(VP8StatusCode c) {
    switch (c) {
    case VP8_STATUS_OUT_OF_MEMORY:
        return "out of memory";
    case VP8_STATUS_INVALID_PARAM:
        return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR:
        return "bitstream error";
    case VP8_STATUS_UNSUPPORTED_FEATURE:
        return "unsupported feature";
    case VP8_STATUS_NOT_ENOUGH_DATA:
        return "truncated";
    default:
        return "decoding failed";
    }
}

static vg_status webp_fail(vg_img_dec *d, VP8StatusCode c) {
    return vg_img_fail(d, c == VP8_STATUS_OUT_OF_MEMORY ? VG_E_NOMEM : VG_E_FORMAT, "webp: %s",
                       status_name(c));
}

/* Copy RGBA rows to the output as RGB, then wipe the source. */
static void rgba_to_rgb(uint8_t *rgba, uint8_t *out, size_t npix) {
    for (size_t i = 0; i < npix; i++) {
        out[3 * i] = rgba[4 * i];
        out[3 * i + 1] = rgba[4 * i + 1];
        out[3 * i + 2] = rgba[4 * i + 2];
    }
    OPENSSL_cleanse(rgba, npix * 4);
}

/* The first frame of an animation, rendered on its canvas by WebPAnimDecoder. */
static vg_status decode_anim(vg_img_dec *d, const uint8_t *buf, size_t n, vg_img *img) {
    WebPAnimDecoderOptions opt;
    if (!WebPAnimDecoderOptionsInit(&opt))
        return vg_img_fail(d, VG_E_FORMAT, "webp: library version mismatch");
    opt.color_mode = MODE_RGBA;
    opt.use_threads = 0;
    WebPData data = {buf, n};
    WebPAnimDecoder *ad = WebPAnimDecoderNew(&data, &opt);
    if (!ad)
        return vg_img_fail(d, VG_E_FORMAT, "webp: invalid animation");
    WebPAnimInfo info;
    uint8_t *rgba = NULL;
    int ts = 0;
    vg_status st = VG_OK;
    if (!WebPAnimDecoderGetInfo(ad, &info) || info.canvas_width != img->width ||
        info.canvas_height != img->height || info.frame_count == 0)
        st = vg_img_fail(d, VG_E_FORMAT, "webp: inconsistent animation header");
    else if (!WebPAnimDecoderGetNext(ad, &rgba, &ts) || !rgba)
        st = vg_img_fail(d, VG_E_FORMAT, "webp: first frame does not decode");
    else
        rgba_to_rgb(rgba, d->pix.p, (size_t)img->width * img->height);
    WebPAnimDecoderDelete(ad);
    return st;
}

vg_status vg_img_webp_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img) {
    WebPBitstreamFeatures ft;
    VP8StatusCode c = WebPGetFeatures(buf, n, &ft);
    if (c != VP8_STATUS_OK)
        return webp_fail(d, c);
    img->format = VG_IMG_WEBP;
    img->width = img->full_width = (uint32_t)ft.width;
    img->height = img->full_height = (uint32_t)ft.height;
    img->channels = 3;
    img->scale_denom = 1;
    img->stride = (size_t)img->width * 3u;
    uint64_t w = (uint64_t)ft.width, h = (uint64_t)ft.height;
    /* output + the lossless ARGB cache (or an alpha plane and rows for lossy); an animation also
     * holds two RGBA canvases. */
    uint64_t bytes = w * h * 3u + w * h * 5u + 65536u;
    if (ft.has_animation)
        bytes += w * h * 8u;
    vg_status st = vg_img_check_size(d, "webp", w, h, bytes);
    if (st != VG_OK || probe)
        return st;
    if ((st = vg_img_buf_reserve(d, &d->pix, img->stride * img->height)) != VG_OK)
        return st;
    if (ft.has_animation) {
        st = decode_anim(d, buf, n, img);
    } else if (!WebPDecodeRGBInto(buf, n, d->pix.p, img->stride * img->height, (int)img->stride)) {
        st = vg_img_fail(d, VG_E_FORMAT, "webp: corrupt or truncated image data");
    }
    if (st == VG_OK)
        img->pixels = d->pix.p;
    return st;
}
