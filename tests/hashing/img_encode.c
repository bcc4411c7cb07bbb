/* img_encode.c — in-memory encoders for the format tests (see img_encode.h). Each section is
 * built only when its library was found (the same VIGIL_HAVE_<LIB> as the decoders). */
#include "img_encode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growable output buffer with a position, for the libraries' write callbacks. */
struct mem {
    uint8_t *p;
    size_t len, cap, pos;
};

static int mem_write(struct mem *m, const void *data, size_t len) {
    if (m->pos + len > m->cap) {
        size_t cap = (m->pos + len) * 2 + 4096;
        uint8_t *p = realloc(m->p, cap);
        if (!p)
            return -1;
        memset(p + m->cap, 0, cap - m->cap);
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->pos, data, len);
    m->pos += len;
    if (m->pos > m->len)
        m->len = m->pos;
    return 0;
}

static uint8_t *to_rgb(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px) {
    uint8_t *rgb = malloc((size_t)w * h * 3);
    for (size_t i = 0; rgb && i < (size_t)w * h; i++)
        for (int c = 0; c < 3; c++)
            rgb[3 * i + (size_t)c] = chans == 1 ? px[i] : px[3 * i + (size_t)c];
    return rgb;
}

/* ---- WebP ---- */
#ifdef VIGIL_HAVE_WEBP
#include <webp/encode.h>
#include <webp/mux.h>

uint8_t *te_webp_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int lossless,
                        int quality, size_t *n) {
    uint8_t *rgb = to_rgb(w, h, chans, px), *out = NULL, *copy = NULL;
    size_t len = lossless ? WebPEncodeLosslessRGB(rgb, (int)w, (int)h, (int)w * 3, &out)
                          : WebPEncodeRGB(rgb, (int)w, (int)h, (int)w * 3, (float)quality, &out);
    if (len) {
        copy = malloc(len);
        memcpy(copy, out, len);
        *n = len;
    }
    WebPFree(out);
    free(rgb);
    return copy;
}

uint8_t *te_webp_anim_encode(uint32_t w, uint32_t h, const uint8_t *const *frames, int nframes,
                             size_t *n) {
    WebPAnimEncoderOptions eo;
    WebPConfig cfg;
    if (!WebPAnimEncoderOptionsInit(&eo) || !WebPConfigInit(&cfg))
        return NULL;
    cfg.lossless = 1;
    WebPAnimEncoder *enc = WebPAnimEncoderNew((int)w, (int)h, &eo);
    uint8_t *copy = NULL;
    int ts = 0, ok = enc != NULL;
    for (int f = 0; ok && f < nframes; f++, ts += 100) {
        WebPPicture pic;
        ok = WebPPictureInit(&pic);
        pic.width = (int)w;
        pic.height = (int)h;
        pic.use_argb = 1;
        ok = ok && WebPPictureImportRGB(&pic, frames[f], (int)w * 3) &&
             WebPAnimEncoderAdd(enc, &pic, ts, &cfg);
        WebPPictureFree(&pic);
    }
    WebPData data;
    WebPDataInit(&data);
    if (ok && WebPAnimEncoderAdd(enc, NULL, ts, NULL) && WebPAnimEncoderAssemble(enc, &data)) {
        copy = malloc(data.size);
        memcpy(copy, data.bytes, data.size);
        *n = data.size;
    }
    WebPDataClear(&data);
    WebPAnimEncoderDelete(enc);
    return copy;
}
#endif

/* ---- GIF ---- */
#ifdef VIGIL_HAVE_GIF
#include <gif_lib.h>

static int gif_out(GifFileType *g, const GifByteType *b, int len) {
    return mem_write(g->UserData, b, (size_t)len) == 0 ? len : 0;
}

/* Indices and colour map for the pixels: a grey ramp, or giflib's median-cut quantiser. */
static ColorMapObject *gif_index(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px,
                                 uint8_t *idx) {
    size_t np = (size_t)w * h;
    ColorMapObject *map = GifMakeMapObject(256, NULL);
    if (chans == 1) {
        for (int i = 0; i < 256; i++)
            map->Colors[i] = (GifColorType){(GifByteType)i, (GifByteType)i, (GifByteType)i};
        memcpy(idx, px, np);
        return map;
    }
    uint8_t *r = malloc(np), *g = malloc(np), *b = malloc(np);
    for (size_t i = 0; i < np; i++) {
        r[i] = px[3 * i];
        g[i] = px[3 * i + 1];
        b[i] = px[3 * i + 2];
    }
    int size = 256;
    if (GifQuantizeBuffer(w, h, &size, r, g, b, idx, map->Colors) == GIF_ERROR) {
        GifFreeMapObject(map);
        map = NULL;
    }
    free(r);
    free(g);
    free(b);
    return map;
}

uint8_t *te_gif_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int interlace,
                       size_t *n) {
    static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    struct mem m = {0};
    uint8_t *idx = malloc((size_t)w * h);
    ColorMapObject *map = gif_index(w, h, chans, px, idx);
    int err = 0;
    GifFileType *g = map ? EGifOpen(&m, gif_out, &err) : NULL;
    int ok = g && EGifPutScreenDesc(g, (int)w, (int)h, 8, 0, map) == GIF_OK &&
             EGifPutImageDesc(g, 0, 0, (int)w, (int)h, interlace != 0, NULL) == GIF_OK;
    for (int p = 0; ok && p < (interlace ? 4 : 1); p++)
        for (uint32_t y = interlace ? (uint32_t)start[p] : 0; ok && y < h;
             y += interlace ? (uint32_t)step[p] : 1)
            ok = EGifPutLine(g, idx + (size_t)y * w, (int)w) == GIF_OK;
    if (g && EGifCloseFile(g, &err) != GIF_OK)
        ok = 0;
    GifFreeMapObject(map);
    free(idx);
    if (!ok) {
        free(m.p);
        return NULL;
    }
    *n = m.len;
    return m.p;
}
#endif

/* ---- TIFF ---- */
#ifdef VIGIL_HAVE_TIFF
#include <tiffio.h>

static tmsize_t t_read(thandle_t h, void *b, tmsize_t len) {
    struct mem *m = h;
    size_t k = m->pos < m->len ? m->len - m->pos : 0;
    if ((size_t)len < k)
        k = (size_t)len;
    memcpy(b, m->p + m->pos, k);
    m->pos += k;
    return (tmsize_t)k;
}
static tmsize_t t_write(thandle_t h, void *b, tmsize_t len) {
    return mem_write(h, b, (size_t)len) == 0 ? len : -1;
}
static toff_t t_seek(thandle_t h, toff_t off, int whence) {
    struct mem *m = h;
    m->pos = (size_t)(whence == SEEK_CUR ? m->pos + off : whence == SEEK_END ? m->len + off : off);
    return m->pos;
}
static int t_close(thandle_t h) {
    (void)h;
    return 0;
}
static toff_t t_size(thandle_t h) {
    return ((struct mem *)h)->len;
}
static int t_map(thandle_t h, void **b, toff_t *s) {
    (void)h, (void)b, (void)s;
    return 0;
}
static void t_unmap(thandle_t h, void *b, toff_t s) {
    (void)h, (void)b, (void)s;
}

uint8_t *te_tiff_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int compression,
                        int bits16, size_t *n) {
    struct mem m = {0};
    TIFF *t =
        TIFFClientOpen("mem", "w", &m, t_read, t_write, t_seek, t_close, t_size, t_map, t_unmap);
    if (!t)
        return NULL;
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, chans);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, bits16 ? 16 : 8);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, compression);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, chans == 1 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB);
    if (compression == COMPRESSION_JPEG)
        TIFFSetField(t, TIFFTAG_JPEGQUALITY, 90);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 16);
    size_t rowlen = (size_t)w * chans * (bits16 ? 2 : 1);
    uint8_t *row = malloc(rowlen);
    int ok = 1;
    for (uint32_t y = 0; ok && y < h; y++) {
        const uint8_t *src = px + (size_t)y * w * chans;
        for (size_t i = 0; i < (size_t)w * chans; i++) {
            if (bits16) {
                uint16_t v = (uint16_t)(src[i] * 257u);
                memcpy(row + 2 * i, &v, 2);
            } else {
                row[i] = src[i];
            }
        }
        ok = TIFFWriteScanline(t, row, y, 0) == 1;
    }
    TIFFClose(t);
    free(row);
    if (!ok) {
        free(m.p);
        return NULL;
    }
    *n = m.len;
    return m.p;
}
#endif

/* ---- HEIF / AVIF ---- */
#ifdef VIGIL_HAVE_HEIF
#include <libheif/heif.h>

static struct heif_error h_write(struct heif_context *ctx, const void *data, size_t size,
                                 void *user) {
    (void)ctx;
    struct heif_error e = {heif_error_Ok, heif_suberror_Unspecified, "ok"};
    if (mem_write(user, data, size) != 0)
        e.code = heif_error_Memory_allocation_error;
    return e;
}

/* An RGB heif_image of the pixels, or NULL. */
static struct heif_image *heif_rgb(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px) {
    struct heif_image *img = NULL;
    if (heif_image_create((int)w, (int)h, heif_colorspace_RGB, heif_chroma_interleaved_RGB, &img)
                .code != heif_error_Ok ||
        heif_image_add_plane(img, heif_channel_interleaved, (int)w, (int)h, 8).code !=
            heif_error_Ok) {
        heif_image_release(img);
        return NULL;
    }
    int stride;
    uint8_t *plane = heif_image_get_plane(img, heif_channel_interleaved, &stride);
    uint8_t *rgb = to_rgb(w, h, chans, px);
    for (uint32_t y = 0; y < h; y++)
        memcpy(plane + (size_t)y * (size_t)stride, rgb + (size_t)y * w * 3, (size_t)w * 3);
    free(rgb);
    return img;
}

uint8_t *te_heif_encode_thumb(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px,
                              const te_heif_thumb *thumb, int av1, int quality, size_t *n) {
    struct heif_context *ctx = heif_context_alloc();
    struct heif_encoder *enc = NULL;
    struct heif_image *img = heif_rgb(w, h, chans, px), *timg = NULL;
    struct heif_image_handle *main = NULL, *th = NULL;
    struct mem m = {0};
    int ok = img && heif_context_get_encoder_for_format(
                        ctx, av1 ? heif_compression_AV1 : heif_compression_HEVC, &enc)
                            .code == heif_error_Ok;
    if (ok) {
        heif_encoder_set_lossy_quality(enc, quality);
        if (av1)
            heif_encoder_set_parameter_integer(enc, "speed", 8); /* keep the test fast */
        ok = heif_context_encode_image(ctx, img, enc, NULL, &main).code == heif_error_Ok;
    }
    if (ok && thumb) {
        timg = heif_rgb(thumb->w, thumb->h, thumb->chans, thumb->px);
        ok =
            timg &&
            heif_context_encode_thumbnail(ctx, timg, main, enc, NULL, (int)thumb->bbox, &th).code ==
                heif_error_Ok;
    }
    if (ok) {
        struct heif_writer wr = {1, h_write};
        ok = heif_context_write(ctx, &wr, &m).code == heif_error_Ok;
    }
    heif_image_handle_release(th);
    heif_image_handle_release(main);
    heif_image_release(timg);
    heif_image_release(img);
    if (enc)
        heif_encoder_release(enc);
    heif_context_free(ctx);
    if (!ok) {
        free(m.p);
        return NULL;
    }
    *n = m.len;
    return m.p;
}

uint8_t *te_heif_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int av1,
                        int quality, size_t *n) {
    return te_heif_encode_thumb(w, h, chans, px, NULL, av1, quality, n);
}
#endif

/* ---- BMP (by hand: the format is a header and rows) ---- */

static void le16(struct mem *m, uint32_t v) {
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    mem_write(m, b, 2);
}
static void le32(struct mem *m, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    mem_write(m, b, 4);
}

uint8_t *te_bmp_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int bpp,
                       int top_down, size_t *n) {
    struct mem m = {0};
    uint32_t rowlen = ((uint32_t)w * (uint32_t)bpp / 8 + 3) & ~3u;
    uint32_t palette = bpp == 8 ? 1024 : 0, off = 14 + 40 + palette;
    mem_write(&m, "BM", 2);
    le32(&m, off + rowlen * h);
    le32(&m, 0);
    le32(&m, off);
    le32(&m, 40);
    le32(&m, w);
    le32(&m, top_down ? (uint32_t)(-(int32_t)h) : h);
    le16(&m, 1);
    le16(&m, (uint32_t)bpp);
    le32(&m, 0); /* BI_RGB */
    le32(&m, rowlen * h);
    le32(&m, 2835);
    le32(&m, 2835);
    le32(&m, bpp == 8 ? 256 : 0);
    le32(&m, 0);
    for (uint32_t i = 0; i < palette / 4; i++)
        le32(&m, i * 0x010101u);
    uint8_t *row = calloc(1, rowlen);
    for (uint32_t r = 0; r < h; r++) {
        uint32_t y = top_down ? r : h - 1 - r;
        for (uint32_t x = 0; x < w; x++) {
            const uint8_t *p = px + ((size_t)y * w + x) * chans;
            if (bpp == 8) {
                row[x] = chans == 1 ? p[0] : (uint8_t)((p[0] + p[1] + p[2]) / 3);
            } else {
                row[3 * x] = chans == 1 ? p[0] : p[2]; /* B, G, R */
                row[3 * x + 1] = chans == 1 ? p[0] : p[1];
                row[3 * x + 2] = p[0];
            }
        }
        mem_write(&m, row, rowlen);
    }
    free(row);
    *n = m.len;
    return m.p;
}
