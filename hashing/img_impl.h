/* img_impl.h — the decoder handle shared by img.c and the per-format img_<format>.c (internal). */
#ifndef VIGIL_IMG_IMPL_H
#define VIGIL_IMG_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/img.h"

/* A reusable, wiped-before-free byte buffer. */
struct img_buf {
    uint8_t *p;
    size_t cap;
    size_t used; /* the most bytes reserved since the last wipe: all a wipe must clear */
};

struct vg_img_dec {
    vg_img_limits lim;
    struct img_buf pix;     /* the output pixels */
    struct img_buf scratch; /* a CMYK row, ... */
    bool screen;            /* vg_img_decode_screen(): JPEG luma only, fast IDCT */
    char errmsg[256];
    vg_img_limit hit; /* the limit behind the last VG_E_LIMIT (vg_img_dec_limit()) */
    uint64_t hit_value, hit_max;
};

/* Set the handle's message (printf-style) and return st; no limit was hit. */
vg_status vg_img_fail(vg_img_dec *d, vg_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set the handle's message (printf-style) and the limit hit; return VG_E_LIMIT. */
vg_status vg_img_fail_limit(vg_img_dec *d, vg_img_limit which, uint64_t value, uint64_t max,
                            const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Make b hold at least n bytes (old contents are wiped, not kept). */
vg_status vg_img_buf_reserve(vg_img_dec *d, struct img_buf *b, size_t n);

/* Check a header's size against the limits; bytes is the memory the decode will need. */
vg_status vg_img_check_size(vg_img_dec *d, const char *fmt, uint64_t w, uint64_t h, uint64_t bytes);

/* Per-format entry points. denom 0 = probe only (header), 1 = full, 2/4/8 = DCT scaled. */
vg_status vg_img_jpeg_decode(vg_img_dec *d, const uint8_t *buf, size_t n, unsigned denom,
                             uint32_t min_side, vg_img *img);
vg_status vg_img_png_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img);

/* Optional formats (built when VIGIL_HAVE_<LIB> is defined), same contract as PNG's. The HEIF
 * decoder serves HEIF and AVIF (fmt says which was sniffed). *_version write the library's
 * name and run-time version into buf. */
vg_status vg_img_webp_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img);
vg_status vg_img_gif_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img);
vg_status vg_img_tiff_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img);
vg_status vg_img_heif_decode(vg_img_dec *d, const uint8_t *buf, size_t n, vg_img_format fmt,
                             bool probe, bool thumb, vg_img *img);
vg_status vg_img_bmp_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img);
void vg_img_webp_version(char *buf, size_t cap);
void vg_img_gif_version(char *buf, size_t cap);
void vg_img_tiff_version(char *buf, size_t cap);
void vg_img_heif_version(char *buf, size_t cap);

#endif
