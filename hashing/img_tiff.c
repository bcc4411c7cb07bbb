/*
 * img_tiff.c — TIFF decoding from memory with libtiff, to 8-bit RGB or grey: the FIRST PAGE.
 *
 * libtiff's RGBA interface (TIFFReadRGBAImageOriented, the path `tiff2rgba` and ImageMagick's
 * generic TIFF method use) decodes every photometric interpretation and compression libtiff
 * knows into 8-bit RGBA, top-left origin (libtiff applies a flip-type Orientation tag itself);
 * 16-bit samples are scaled to 8 bits by libtiff; alpha is dropped, not composited. A one-sample
 * min-is-black or min-is-white page gives channels 1 (as a grey PNG does), else channels 3. Only
 * the first directory (page) is read; later pages and sub-IFDs are not hashed.
 *
 * libtiff is opened with per-handle options (libtiff >= 4.5): its errors and warnings come to our
 * handlers, which keep the first error as the reason and print nothing (the global handlers are
 * never called); no longjmp; the largest single allocation libtiff may make is capped by the
 * decoder's memory budget. Limits are checked from the directory before the raster is allocated.
 * The raster (our scratch buffer) is wiped with the decoder; libtiff's strip buffers are not.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <tiffio.h>

#include "img_impl.h"

struct tiffsrc {
    const uint8_t *buf;
    size_t n, pos;
    vg_img_dec *d;
    bool failed; /* an error message is in d->errmsg */
};

void vg_img_tiff_version(char *buf, size_t cap) {
    const char *v = TIFFGetVersion(), *p = v ? strstr(v, "Version ") : NULL;
    if (!p) {
        snprintf(buf, cap, "libtiff");
        return;
    }
    p += strlen("Version ");
    snprintf(buf, cap, "libtiff %.*s", (int)strcspn(p, "\n \t"), p);
}

/* ---- client I/O over the buffer ---- */

static tmsize_t on_read(thandle_t h, void *out, tmsize_t len) {
    struct tiffsrc *s = h;
    size_t want = len > 0 ? (size_t)len : 0, left = s->n - s->pos;
    if (want > left)
        want = left;
    memcpy(out, s->buf + s->pos, want);
    s->pos += want;
    return (tmsize_t)want;
}

static tmsize_t on_write(thandle_t h, void *in, tmsize_t len) {
    (void)h;
    (void)in;
    (void)len;
    return 0; /* read-only */
}

static toff_t on_seek(thandle_t h, toff_t off, int whence) {
    struct tiffsrc *s = h;
    uint64_t base = whence == SEEK_CUR ? s->pos : whence == SEEK_END ? s->n : 0;
    if (off > UINT64_MAX - base || base + off > s->n)
        return (toff_t)-1;
    s->pos = (size_t)(base + off);
    return (toff_t)s->pos;
}

static int on_close(thandle_t h) {
    (void)h;
    return 0;
}

static toff_t on_size(thandle_t h) {
    return (toff_t)((struct tiffsrc *)h)->n;
}

static int on_map(thandle_t h, void **base, toff_t *size) {
    (void)h;
    (void)base;
    (void)size;
    return 0; /* no mapping: libtiff reads through on_read */
}

static void on_unmap(thandle_t h, void *base, toff_t size) {
    (void)h;
    (void)base;
    (void)size;
}

__attribute__((format(printf, 4, 0))) static int on_error(TIFF *tif, void *user, const char *module,
                                                          const char *fmt, va_list ap) {
    (void)tif;
    (void)module;
    struct tiffsrc *s = user;
    if (!s->failed) {
        char msg[200];
        vsnprintf(msg, sizeof msg, fmt, ap);
        vg_img_fail(s->d, VG_E_FORMAT, "tiff: %s", msg);
        s->failed = true;
    }
    return 1; /* handled: libtiff's global handler (stderr) is not called */
}

static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap) {
    (void)tif;
    (void)user;
    (void)module;
    (void)fmt;
    (void)ap;
    return 1; /* never print */
}

/* ---- decode ---- */

static vg_status tiff_fail(struct tiffsrc *s, const char *what) {
    if (s->failed)
        return VG_E_FORMAT;
    return vg_img_fail(s->d, VG_E_FORMAT, "tiff: %s", what);
}

/* RGBA raster (libtiff's ABGR words) to the output, then wipe the raster. */
static void raster_to_img(vg_img_dec *d, uint32_t *raster, vg_img *img) {
    size_t npix = (size_t)img->width * img->height;
    uint8_t *out = d->pix.p;
    for (size_t i = 0; i < npix; i++) {
        uint32_t p = raster[i];
        if (img->channels == 1) {
            out[i] = (uint8_t)TIFFGetR(p);
        } else {
            out[3 * i] = (uint8_t)TIFFGetR(p);
            out[3 * i + 1] = (uint8_t)TIFFGetG(p);
            out[3 * i + 2] = (uint8_t)TIFFGetB(p);
        }
    }
    OPENSSL_cleanse(raster, npix * 4u);
}

static vg_status decode(struct tiffsrc *s, TIFF *tif, bool probe, vg_img *img) {
    vg_img_dec *d = s->d;
    uint32_t w = 0, h = 0;
    uint16_t photo = 0, spp = 1;
    if (!TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &w) || !TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &h))
        return tiff_fail(s, "no image size");
    TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &spp);
    TIFFGetField(tif, TIFFTAG_PHOTOMETRIC, &photo);
    img->format = VG_IMG_TIFF;
    img->width = img->full_width = w;
    img->height = img->full_height = h;
    img->scale_denom = 1;
    img->channels =
        spp == 1 && (photo == PHOTOMETRIC_MINISBLACK || photo == PHOTOMETRIC_MINISWHITE) ? 1 : 3;
    img->stride = (size_t)w * img->channels;
    uint64_t npix = (uint64_t)w * h;
    /* the RGBA raster + output + a strip or tile of raw and decoded samples */
    vg_status st = vg_img_check_size(d, "tiff", w, h,
                                     npix * 4u + npix * img->channels + (uint64_t)w * 64u + 65536u);
    if (st != VG_OK || probe)
        return st;
    char why[1024];
    if (!TIFFRGBAImageOK(tif, why))
        return s->failed ? VG_E_FORMAT : vg_img_fail(d, VG_E_UNSUPPORTED, "tiff: %s", why);
    if ((st = vg_img_buf_reserve(d, &d->scratch, (size_t)npix * 4u)) != VG_OK ||
        (st = vg_img_buf_reserve(d, &d->pix, img->stride * h)) != VG_OK)
        return st;
    uint32_t *raster = (uint32_t *)(void *)d->scratch.p;
    if (!TIFFReadRGBAImageOriented(tif, w, h, raster, ORIENTATION_TOPLEFT, 1) || s->failed)
        return tiff_fail(s, "corrupt or truncated image data");
    raster_to_img(d, raster, img);
    img->pixels = d->pix.p;
    return VG_OK;
}

vg_status vg_img_tiff_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img) {
    struct tiffsrc s = {.buf = buf, .n = n, .d = d};
    TIFFOpenOptions *opt = TIFFOpenOptionsAlloc();
    if (!opt)
        return vg_img_fail(d, VG_E_NOMEM, "tiff: out of memory");
    uint64_t cap = d->lim.max_bytes < (uint64_t)INT64_MAX ? d->lim.max_bytes : (uint64_t)INT64_MAX;
    TIFFOpenOptionsSetMaxSingleMemAlloc(opt, (tmsize_t)cap);
    TIFFOpenOptionsSetErrorHandlerExtR(opt, on_error, &s);
    TIFFOpenOptionsSetWarningHandlerExtR(opt, on_warning, &s);
    TIFF *tif = TIFFClientOpenExt("memory", "rm", &s, on_read, on_write, on_seek, on_close, on_size,
                                  on_map, on_unmap, opt);
    TIFFOpenOptionsFree(opt);
    if (!tif)
        return tiff_fail(&s, "not a readable TIFF");
    vg_status st = decode(&s, tif, probe, img);
    TIFFClose(tif);
    return st;
}
