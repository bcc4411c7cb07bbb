/*
 * img_heif.c — HEIF/HEIC and AVIF decoding from memory with libheif, to 8-bit RGB: the PRIMARY
 * image.
 *
 * libheif parses the ISO BMFF container and hands the coded image to its codec (Debian 12's
 * libheif 1.15 has libde265 built in for HEVC = HEIC, and dav1d / libaom for AV1 = AVIF). The
 * primary image is decoded as every viewer shows it: grid tiles assembled, and the container's
 * mandatory transformations (clean-aperture crop, rotation, mirror) applied, as `heif-convert`,
 * ImageMagick and iOS do. Colour is converted by libheif to interleaved 8-bit RGB (HDR / 10-bit
 * images reduced to 8 bits by libheif), alpha dropped; channels is always 3. The primary image's
 * first thumbnail (a "thmb" item: phones store one, and it can outlive an edit of the main image)
 * is decoded the same way on request (vg_img_decode_thumbnail). Depth maps and other images in the
 * file are not decoded.
 *
 * libheif returns errors as values (no longjmp, nothing printed). Limits: the primary image's
 * size (after transformations) is checked against the decoder's limits before decoding; libheif's
 * own per-side limit (32768, or lower with a lower pixel limit) refuses a huge tile or grid
 * inside libheif too. libheif's decoded planes are wiped before release; the codecs' internal frame
 * buffers are not (no hook).
 */
#include <stdio.h>
#include <string.h>

#include <libheif/heif.h>
#include <openssl/crypto.h>

#include "img_impl.h"

void vg_img_heif_version(char *buf, size_t cap) {
    snprintf(buf, cap, "libheif %s (HEVC %s, AV1 %s)", heif_get_version(),
             heif_have_decoder_for_format(heif_compression_HEVC) ? "yes" : "no",
             heif_have_decoder_for_format(heif_compression_AV1) ? "yes" : "no");
}

static vg_status heif_fail(vg_img_dec *d, struct heif_error e, const char *what) {
    vg_status st = e.code == heif_error_Memory_allocation_error ? VG_E_NOMEM
                   : e.code == heif_error_Unsupported_feature ||
                           e.code == heif_error_Unsupported_filetype ||
                           e.code == heif_error_Plugin_loading_error
                       ? VG_E_UNSUPPORTED
                       : VG_E_FORMAT;
    if (e.code == heif_error_Memory_allocation_error &&
        e.subcode == heif_suberror_Security_limit_exceeded)
        return vg_img_fail_limit(d, VG_IMG_LIM_DECODER, 0, 0, "heif: %s: %s", what,
                                 e.message ? e.message : "failed");
    return vg_img_fail(d, st, "heif: %s: %s", what, e.message ? e.message : "failed");
}

/* Copy libheif's interleaved RGB plane to the output, then wipe the plane. */
static vg_status take_pixels(vg_img_dec *d, struct heif_image *him, vg_img *img) {
    int stride = 0;
    uint8_t *plane = heif_image_get_plane(him, heif_channel_interleaved, &stride);
    int w = heif_image_get_width(him, heif_channel_interleaved);
    int h = heif_image_get_height(him, heif_channel_interleaved);
    if (!plane || w <= 0 || h <= 0 || stride < w * 3 ||
        heif_image_get_bits_per_pixel_range(him, heif_channel_interleaved) != 8)
        return vg_img_fail(d, VG_E_FORMAT, "heif: decoder gave no 8-bit RGB plane");
    vg_status st =
        vg_img_check_size(d, "heif", (uint64_t)w, (uint64_t)h, (uint64_t)w * (uint64_t)h * 6u);
    if (st == VG_OK)
        st = vg_img_buf_reserve(d, &d->pix, (size_t)w * (size_t)h * 3u);
    if (st == VG_OK) {
        img->width = (uint32_t)w;
        img->height = (uint32_t)h;
        img->stride = (size_t)w * 3u;
        for (int y = 0; y < h; y++)
            memcpy(d->pix.p + (size_t)y * img->stride, plane + (size_t)y * (size_t)stride,
                   img->stride);
        img->pixels = d->pix.p;
    }
    OPENSSL_cleanse(plane, (size_t)stride * (size_t)h);
    return st;
}

/* dav1d (libheif's preferred AV1 decoder) writes its errors to stderr and libheif gives it no
 * logger; libaom prints nothing. Use libaom for AV1 when this libheif has it. */
static const char *av1_decoder(void) {
    const struct heif_decoder_descriptor *ds[8];
    int k = heif_get_decoder_descriptors(heif_compression_AV1, ds, 8);
    for (int i = 0; i < k; i++)
        if (strcmp(heif_decoder_descriptor_get_id_name(ds[i]), "aom") == 0)
            return "aom";
    return NULL;
}

static vg_status decode_handle(vg_img_dec *d, struct heif_image_handle *hd, const char *what,
                               vg_img *img) {
    struct heif_decoding_options *opt = heif_decoding_options_alloc();
    if (!opt)
        return vg_img_fail(d, VG_E_NOMEM, "heif: out of memory");
    opt->convert_hdr_to_8bit = 1;
    opt->decoder_id = av1_decoder(); /* used only for AV1-coded images */
    opt->strict_decoding = 1;        /* an error, not a best-effort image, for invalid input */
    struct heif_image *him = NULL;
    struct heif_error e =
        heif_decode_image(hd, &him, heif_colorspace_RGB, heif_chroma_interleaved_RGB, opt);
    heif_decoding_options_free(opt);
    if (e.code != heif_error_Ok) {
        heif_image_release(him);
        return heif_fail(d, e, what);
    }
    vg_status st = take_pixels(d, him, img);
    heif_image_release(him);
    return st;
}

/* Replace *hd by the handle of its first thumbnail. VG_E_NOTFOUND when it has none. */
static vg_status to_thumbnail(vg_img_dec *d, struct heif_image_handle **hd) {
    heif_item_id id;
    struct heif_image_handle *th = NULL;
    if (heif_image_handle_get_list_of_thumbnail_IDs(*hd, &id, 1) < 1)
        return vg_img_fail(d, VG_E_NOTFOUND, "heif: the primary image has no thumbnail");
    struct heif_error e = heif_image_handle_get_thumbnail(*hd, id, &th);
    if (e.code != heif_error_Ok)
        return heif_fail(d, e, "reading the thumbnail");
    heif_image_handle_release(*hd);
    *hd = th;
    return VG_OK;
}

vg_status vg_img_heif_decode(vg_img_dec *d, const uint8_t *buf, size_t n, vg_img_format fmt,
                             bool probe, bool thumb, vg_img *img) {
    struct heif_context *ctx = heif_context_alloc();
    if (!ctx)
        return vg_img_fail(d, VG_E_NOMEM, "heif: out of memory");
    /* libheif's per-side limit: its default (32768) or the pixel limit, whichever is lower */
    uint64_t side = d->lim.max_pixels < 32768u ? d->lim.max_pixels : 32768u;
    heif_context_set_maximum_image_size_limit(ctx, (int)side);
    heif_context_set_max_decoding_threads(ctx, 0);
    struct heif_image_handle *hd = NULL;
    vg_status st = VG_OK;
    struct heif_error e = heif_context_read_from_memory_without_copy(ctx, buf, n, NULL);
    if (e.code != heif_error_Ok)
        st = heif_fail(d, e, "reading the container");
    else if ((e = heif_context_get_primary_image_handle(ctx, &hd)).code != heif_error_Ok)
        st = heif_fail(d, e, "no primary image");
    if (st == VG_OK && thumb)
        st = to_thumbnail(d, &hd);
    if (st == VG_OK) {
        int w = heif_image_handle_get_width(hd), h = heif_image_handle_get_height(hd);
        img->format = fmt;
        img->channels = 3;
        img->scale_denom = 1;
        img->width = img->full_width = w > 0 ? (uint32_t)w : 0;
        img->height = img->full_height = h > 0 ? (uint32_t)h : 0;
        img->stride = (size_t)img->width * 3u;
        uint64_t np = (uint64_t)img->width * img->height;
        /* output + libheif's RGB plane + the codec's YCbCr planes at up to 16 bits */
        st = vg_img_check_size(d, fmt == VG_IMG_AVIF ? "avif" : "heif", img->width, img->height,
                               np * 12u + 65536u);
        if (st == VG_OK && !probe)
            st = decode_handle(
                d, hd, thumb ? "decoding the thumbnail" : "decoding the primary image", img);
    }
    heif_image_handle_release(hd);
    heif_context_free(ctx);
    return st;
}
