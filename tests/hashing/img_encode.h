/* img_encode.h — test helpers: encode 8-bit pixels in memory with each format's own library
 * (libwebp, giflib, libtiff, libheif) or, for BMP, by hand. Each returns a malloc'd buffer and
 * its size in *n, or NULL on failure. px is row-major, chans 1 (grey) or 3 (RGB), tightly packed.
 */
#ifndef VIGIL_TEST_IMG_ENCODE_H
#define VIGIL_TEST_IMG_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* WebP: lossless (quality ignored) or lossy at quality 0..100. Grey is expanded to RGB. */
uint8_t *te_webp_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int lossless,
                        int quality, size_t *n);
/* Animated WebP (libwebpmux's WebPAnimEncoder): nframes frames of w x h RGB each, in order. */
uint8_t *te_webp_anim_encode(uint32_t w, uint32_t h, const uint8_t *const *frames, int nframes,
                             size_t *n);
/* GIF: RGB quantised to 256 colours by giflib (GifQuantizeBuffer), or grey as a 256-grey map.
 * interlace: write the rows in the 4-pass interlaced order. */
uint8_t *te_gif_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int interlace,
                       size_t *n);
/* TIFF with the given libtiff COMPRESSION_* (NONE, LZW, ADOBE_DEFLATE, JPEG, PACKBITS);
 * bits16: write 16-bit samples (v * 257). */
uint8_t *te_tiff_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int compression,
                        int bits16, size_t *n);
/* HEIF (HEVC via x265) or AVIF (AV1 via libaom), av1 selecting which, at a lossy quality. */
uint8_t *te_heif_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int av1,
                        int quality, size_t *n);
/* The same with a thumbnail (heif_context_encode_thumbnail): the pixels of thumb, scaled by
 * libheif to fit bbox x bbox, as the primary image's thumbnail ("thmb" reference). The thumbnail
 * may show other pixels than the primary image: an edit that kept the old thumbnail. */
typedef struct te_heif_thumb {
    uint32_t w, h;
    unsigned chans;
    const uint8_t *px;
    unsigned bbox;
} te_heif_thumb;
uint8_t *te_heif_encode_thumb(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px,
                              const te_heif_thumb *thumb, int av1, int quality, size_t *n);
/* BMP: bpp 24 (BI_RGB, bottom-up unless top_down) or 8 (grey palette). */
uint8_t *te_bmp_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int bpp,
                       int top_down, size_t *n);

#endif
