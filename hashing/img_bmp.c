/*
 * img_bmp.c — BMP (Windows bitmap) decoding from memory, by hand, to 8-bit RGB or grey.
 *
 * Why by hand: no Debian library that vigil already uses reads BMP (libjpeg, libpng, libwebp,
 * giflib, libtiff, libheif do not), and the candidates that do (ImageMagick, gdk-pixbuf, libgd,
 * FreeImage, stb_image) bring a large attack surface or global error printing for a format that
 * is a header and rows. This reader is small and strict instead, and is fuzzed (fuzz_img).
 *
 * Accepted: BITMAPCOREHEADER (12 bytes) and BITMAPINFOHEADER and its V2..V5 extensions (40, 52,
 * 56, 108, 124); 1, 4 and 8 bits per pixel with a palette; 16 and 32 bits with BI_RGB (5-5-5,
 * B-G-R-x) or BI_BITFIELDS masks; 24 bits B-G-R; bottom-up rows, or top-down with a negative
 * height. Refused with VG_E_UNSUPPORTED: RLE4/RLE8, embedded JPEG/PNG, CMYK variants, 64 bpp.
 * Every offset and size is checked against the buffer before it is read (truncated: VG_E_FORMAT).
 * Alpha is dropped; a palette index past the palette gives black (as browsers and PIL do). A
 * palette whose every entry is grey gives channels 1, as a grey PNG does.
 */
#include <string.h>

#include "img_impl.h"

enum { BI_RGB = 0, BI_RLE8 = 1, BI_RLE4 = 2, BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6 };

struct bmp {
    uint32_t off;   /* start of the pixel rows */
    uint32_t hsize; /* DIB header size */
    int64_t width, height;
    bool top_down;
    unsigned bpp, compression;
    uint32_t mask[3];   /* R, G, B for 16/32 bpp */
    uint32_t npal;      /* palette entries */
    size_t pal_off;     /* where the palette starts */
    unsigned pal_entry; /* 3 (core header) or 4 bytes */
};

static uint32_t le16(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t le32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- header ---- */

static vg_status read_masks(vg_img_dec *d, struct bmp *b, const uint8_t *buf, size_t n) {
    if (b->compression == BI_RGB) {
        if (b->bpp == 16) {
            b->mask[0] = 0x7c00;
            b->mask[1] = 0x03e0;
            b->mask[2] = 0x001f;
        } else {
            b->mask[0] = 0xff0000;
            b->mask[1] = 0x00ff00;
            b->mask[2] = 0x0000ff;
        }
        return VG_OK;
    }
    /* BITFIELDS: the masks are in a V2+ header, or follow a 40-byte header */
    size_t at = 14 + 40;
    if (at + 12 > n)
        return vg_img_fail(d, VG_E_FORMAT, "bmp: truncated colour masks");
    for (int i = 0; i < 3; i++) {
        uint32_t m = le32(buf + at + 4 * (size_t)i);
        if (m == 0 || (m & (m + (m & (0u - m)))) != 0) /* non-zero and contiguous */
            return vg_img_fail(d, VG_E_FORMAT, "bmp: bad colour mask %08x", m);
        if (b->bpp == 16 && m > 0xffff)
            return vg_img_fail(d, VG_E_FORMAT, "bmp: 16-bit mask %08x too wide", m);
        b->mask[i] = m;
    }
    if (b->hsize == 40)
        b->pal_off += b->compression == BI_ALPHABITFIELDS ? 16 : 12;
    return VG_OK;
}

static vg_status parse_header(vg_img_dec *d, const uint8_t *buf, size_t n, struct bmp *b) {
    memset(b, 0, sizeof *b);
    if (n < 26)
        return vg_img_fail(d, VG_E_FORMAT, "bmp: truncated header (%zu bytes)", n);
    b->off = le32(buf + 10);
    b->hsize = le32(buf + 14);
    if (b->hsize != 12 && b->hsize != 40 && b->hsize != 52 && b->hsize != 56 && b->hsize != 108 &&
        b->hsize != 124)
        return vg_img_fail(d, VG_E_UNSUPPORTED, "bmp: header size %u", b->hsize);
    if (n < 14 + (size_t)b->hsize)
        return vg_img_fail(d, VG_E_FORMAT, "bmp: truncated header (%zu bytes)", n);
    const uint8_t *h = buf + 14;
    if (b->hsize == 12) {
        b->width = le16(h + 4);
        b->height = le16(h + 6);
        b->bpp = le16(h + 10);
        b->pal_entry = 3;
    } else {
        b->width = (int32_t)le32(h + 4);
        b->height = (int32_t)le32(h + 8);
        b->bpp = le16(h + 14);
        b->compression = le32(h + 16);
        b->npal = le32(h + 32);
        b->pal_entry = 4;
    }
    b->pal_off = 14 + (size_t)b->hsize;
    if (b->height < 0) {
        b->top_down = true;
        b->height = -b->height;
    }
    if (b->width <= 0 || b->height <= 0)
        return vg_img_fail(d, VG_E_FORMAT, "bmp: bad size %lldx%lld", (long long)b->width,
                           (long long)b->height);
    if (b->compression == BI_RLE8 || b->compression == BI_RLE4)
        return vg_img_fail(d, VG_E_UNSUPPORTED, "bmp: RLE compression is not supported");
    if (b->compression != BI_RGB && b->compression != BI_BITFIELDS &&
        b->compression != BI_ALPHABITFIELDS)
        return vg_img_fail(d, VG_E_UNSUPPORTED, "bmp: compression %u is not supported",
                           b->compression);
    bool ok = b->bpp == 1 || b->bpp == 4 || b->bpp == 8 || b->bpp == 24 ||
              ((b->bpp == 16 || b->bpp == 32) && b->hsize != 12);
    if (!ok || (b->compression != BI_RGB && b->bpp != 16 && b->bpp != 32))
        return vg_img_fail(d, VG_E_UNSUPPORTED, "bmp: %u bits per pixel with compression %u",
                           b->bpp, b->compression);
    if (b->bpp > 8)
        return read_masks(d, b, buf, n);
    uint32_t max = 1u << b->bpp;
    if (b->npal == 0 || b->npal > max)
        b->npal = max;
    return VG_OK;
}

/* ---- pixels ---- */

static uint8_t scale(uint32_t v, uint32_t mask) {
    unsigned shift = 0;
    while (!((mask >> shift) & 1u))
        shift++;
    uint64_t max = mask >> shift;
    return (uint8_t)(((uint64_t)((v & mask) >> shift) * 255u + max / 2) / max);
}

static bool palette_is_grey(const struct bmp *b, const uint8_t *pal) {
    for (uint32_t i = 0; i < b->npal; i++) {
        const uint8_t *e = pal + (size_t)i * b->pal_entry;
        if (e[0] != e[1] || e[1] != e[2])
            return false;
    }
    return true;
}

static void index_row(const struct bmp *b, const uint8_t *src, const uint8_t *pal, uint8_t *dst,
                      unsigned chans, uint32_t w) {
    unsigned per = 8 / b->bpp, mask = (1u << b->bpp) - 1;
    for (uint32_t x = 0; x < w; x++) {
        unsigned shift = (per - 1 - x % per) * b->bpp;
        uint32_t idx = ((uint32_t)src[x / per] >> shift) & mask;
        const uint8_t *e = idx < b->npal ? pal + (size_t)idx * b->pal_entry : NULL;
        for (unsigned c = 0; c < chans; c++)
            dst[(size_t)x * chans + c] = e ? e[2 - c] : 0; /* palette entries are B, G, R */
    }
}

static void direct_row(const struct bmp *b, const uint8_t *src, uint8_t *dst, uint32_t w) {
    for (uint32_t x = 0; x < w; x++, dst += 3) {
        if (b->bpp == 24) {
            const uint8_t *p = src + (size_t)x * 3;
            dst[0] = p[2];
            dst[1] = p[1];
            dst[2] = p[0];
            continue;
        }
        uint32_t v = b->bpp == 16 ? le16(src + (size_t)x * 2) : le32(src + (size_t)x * 4);
        for (int c = 0; c < 3; c++)
            dst[c] = scale(v, b->mask[c]);
    }
}

vg_status vg_img_bmp_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img) {
    struct bmp b;
    vg_status st = parse_header(d, buf, n, &b);
    if (st != VG_OK)
        return st;
    uint64_t w = (uint64_t)b.width, h = (uint64_t)b.height;
    uint64_t rowlen = (w * b.bpp + 31) / 32 * 4;
    const uint8_t *pal = buf + b.pal_off;
    if (b.bpp <= 8 && b.pal_off + (uint64_t)b.npal * b.pal_entry > n)
        return vg_img_fail(d, VG_E_FORMAT, "bmp: truncated palette");
    img->format = VG_IMG_BMP;
    img->channels = b.bpp <= 8 && palette_is_grey(&b, pal) ? 1 : 3;
    img->scale_denom = 1;
    if ((st = vg_img_check_size(d, "bmp", w, h, w * h * img->channels)) != VG_OK)
        return st;
    img->width = img->full_width = (uint32_t)w;
    img->height = img->full_height = (uint32_t)h;
    img->stride = (size_t)w * img->channels;
    if (probe)
        return VG_OK;
    if (b.off < b.pal_off || b.off > n || rowlen * h > n - b.off)
        return vg_img_fail(d, VG_E_FORMAT, "bmp: truncated pixel data (%llu of %zu bytes)",
                           (unsigned long long)rowlen * h, n - (b.off < n ? b.off : n));
    if ((st = vg_img_buf_reserve(d, &d->pix, img->stride * img->height)) != VG_OK)
        return st;
    for (uint32_t y = 0; y < img->height; y++) {
        const uint8_t *src = buf + b.off + (size_t)rowlen * (b.top_down ? y : img->height - 1 - y);
        uint8_t *dst = d->pix.p + (size_t)y * img->stride;
        if (b.bpp <= 8)
            index_row(&b, src, pal, dst, img->channels, img->width);
        else
            direct_row(&b, src, dst, img->width);
    }
    img->pixels = d->pix.p;
    return VG_OK;
}
