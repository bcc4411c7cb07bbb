/* test_img_formats.c — the optional decoders (WebP, GIF, TIFF, HEIF/AVIF, BMP): corpus photos
 * converted in the test with each format's own encoder must give the original's PDQ (exactly for
 * lossless formats, within the match radius for lossy ones); sniffing; first-frame rules; and
 * hostile input (truncated, bit-flipped with a printed seed, header bombs, magic only). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"

#include "img_encode.h"
#include "img_util.h"

static vg_img_dec *dec;
static vg_pdq *pq;

static void setup(void) {
    cr_assert_eq(vg_img_dec_open(&dec, NULL), VG_OK);
    cr_assert_eq(vg_pdq_open(&pq), VG_OK);
}

static void teardown(void) {
    vg_img_dec_free(dec);
    vg_pdq_free(pq);
}

TestSuite(img_formats, .init = setup, .fini = teardown);

/* ---- helpers ---- */

/* A copy of a decoded image's pixels, tightly packed. */
struct pix {
    uint8_t *px;
    uint32_t w, h;
    unsigned chans;
};

static struct pix load_photo(const char *name) {
    char path[512];
    size_t n;
    snprintf(path, sizeof path, "%s/photos/%s", VIGIL_TEST_DATA, name);
    uint8_t *buf = tu_slurp(path, &n);
    cr_assert_not_null(buf, "cannot read %s", path);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK, "%s", name);
    struct pix p = {malloc(im.stride * im.height), im.width, im.height, im.channels};
    for (uint32_t y = 0; y < im.height; y++)
        memcpy(p.px + (size_t)y * im.width * im.channels, im.pixels + (size_t)y * im.stride,
               (size_t)im.width * im.channels);
    free(buf);
    return p;
}

static void hash_img(const vg_img *im, uint8_t out[VG_PDQ_LEN]) {
    vg_pdq_image pi = {im->pixels, im->width, im->height, im->stride, im->channels};
    vg_pdq_result r;
    cr_assert_eq(vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, 0, &r), VG_OK);
    memcpy(out, r.hash, VG_PDQ_LEN);
}

static void hash_pix(const struct pix *p, uint8_t out[VG_PDQ_LEN]) {
    vg_img im = {.pixels = p->px,
                 .width = p->w,
                 .height = p->h,
                 .stride = (size_t)p->w * p->chans,
                 .channels = p->chans};
    hash_img(&im, out);
}

/* Decode buf, check its format, and return the PDQ distance to want; *same says whether the
 * pixels equal p's (grey decoded as RGB counts as equal when R = G = B = the grey value). */
static int decode_distance(const uint8_t *buf, size_t n, vg_img_format fmt, const struct pix *p,
                           const uint8_t want[VG_PDQ_LEN], int *same) {
    vg_img im;
    cr_assert_eq(vg_img_sniff(buf, n), fmt);
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK, "%s: %s", vg_img_format_name(fmt),
                 vg_img_dec_errmsg(dec));
    cr_assert_eq(im.format, fmt);
    cr_assert(im.width == p->w && im.height == p->h, "%s: %ux%u, want %ux%u",
              vg_img_format_name(fmt), im.width, im.height, p->w, p->h);
    *same = 1;
    for (uint32_t y = 0; y < p->h && *same; y++)
        for (uint32_t x = 0; x < p->w && *same; x++)
            for (unsigned c = 0; c < 3 && *same; c++) {
                uint8_t a = p->px[((size_t)y * p->w + x) * p->chans + (p->chans == 1 ? 0 : c)];
                uint8_t b = im.pixels[(size_t)y * im.stride + (size_t)x * im.channels +
                                      (im.channels == 1 ? 0 : c)];
                *same = a == b;
            }
    uint8_t got[VG_PDQ_LEN];
    hash_img(&im, got);
    return vg_pdq_distance(got, want);
}

static const char *const photos[] = {"sk_astronaut.png", "sk_camera.png", "sk_chelsea.png",
                                     "sk_coffee.png",    "sk_coins.png",  "sk_horse.png",
                                     "sk_page.png",      "sk_rocket.jpg"};
#define NPHOTOS (sizeof photos / sizeof *photos)

struct variant {
    const char *name;
    vg_img_format fmt;
    int lossless; /* pixels must be identical */
};

/* Encode p as variant k; NULL when this build has no such format. */
static uint8_t *encode_variant(int k, const struct pix *p, size_t *n);

static const struct variant variants[] = {
    {"webp-lossy-q80", VG_IMG_WEBP, 0},
    {"webp-lossless", VG_IMG_WEBP, 1},
    {"gif", VG_IMG_GIF, 0},
    {"gif-interlaced", VG_IMG_GIF, 0},
    {"tiff-none", VG_IMG_TIFF, 1},
    {"tiff-lzw", VG_IMG_TIFF, 1},
    {"tiff-deflate-16bit", VG_IMG_TIFF, 1},
    {"tiff-jpeg", VG_IMG_TIFF, 0},
    {"heic-q60", VG_IMG_HEIF, 0},
    {"avif-q60", VG_IMG_AVIF, 0},
    {"bmp-24", VG_IMG_BMP, 1},
    {"bmp-24-topdown", VG_IMG_BMP, 1},
};
#define NVARIANTS (int)(sizeof variants / sizeof *variants)

#ifdef VIGIL_HAVE_TIFF
#include <tiffio.h>
#endif

static uint8_t *encode_variant(int k, const struct pix *p, size_t *n) {
    switch (k) {
#ifdef VIGIL_HAVE_WEBP
    case 0:
    case 1:
        return te_webp_encode(p->w, p->h, p->chans, p->px, k == 1, 80, n);
#endif
#ifdef VIGIL_HAVE_GIF
    case 2:
    case 3:
        return te_gif_encode(p->w, p->h, p->chans, p->px, k == 3, n);
#endif
#ifdef VIGIL_HAVE_TIFF
    case 4:
        return te_tiff_encode(p->w, p->h, p->chans, p->px, COMPRESSION_NONE, 0, n);
    case 5:
        return te_tiff_encode(p->w, p->h, p->chans, p->px, COMPRESSION_LZW, 0, n);
    case 6:
        return te_tiff_encode(p->w, p->h, p->chans, p->px, COMPRESSION_ADOBE_DEFLATE, 1, n);
    case 7:
        return te_tiff_encode(p->w, p->h, p->chans, p->px, COMPRESSION_JPEG, 0, n);
#endif
#ifdef VIGIL_HAVE_HEIF
    case 8:
    case 9:
        return te_heif_encode(p->w, p->h, p->chans, p->px, k == 9, 60, n);
#endif
#ifdef VIGIL_HAVE_BMP
    case 10:
    case 11:
        return te_bmp_encode(p->w, p->h, p->chans, p->px, 24, k == 11, n);
#endif
    default:
        (void)p;
        (void)n;
        return NULL;
    }
}

/* ---- every photo in every format ---- */

Test(img_formats, photos_in_every_format_match_their_original) {
    int tested = 0;
    for (size_t i = 0; i < NPHOTOS; i++) {
        struct pix p = load_photo(photos[i]);
        uint8_t want[VG_PDQ_LEN];
        hash_pix(&p, want);
        for (int k = 0; k < NVARIANTS; k++) {
            const struct variant *v = &variants[k];
            if (v->fmt >= VG_IMG_HEIF && v->fmt <= VG_IMG_AVIF && i % 2 == 1)
                continue; /* HEVC / AV1 encoding is slow: every other photo is enough */
            size_t n = 0;
            uint8_t *buf = encode_variant(k, &p, &n);
            if (!buf) {
                cr_assert(!vg_img_format_supported(v->fmt) || v->fmt == VG_IMG_BMP,
                          "%s: the encoder failed", v->name);
                continue;
            }
            int same = 0, d = decode_distance(buf, n, v->fmt, &p, want, &same);
            printf("%-22s %-18s %7zu bytes  PDQ distance %3d%s\n", photos[i], v->name, n, d,
                   same ? "  (pixels identical)" : "");
            cr_expect_leq(d, VG_PDQ_MATCH_RADIUS, "%s as %s: distance %d", photos[i], v->name, d);
            if (v->lossless) {
                cr_expect(same, "%s as %s: lossless copy decodes to other pixels", photos[i],
                          v->name);
                cr_expect_eq(d, 0, "%s as %s", photos[i], v->name);
            }
            tested++;
            free(buf);
        }
        free(p.px);
    }
    cr_assert_gt(tested, 0);
}

/* ---- sniffing ---- */

Test(img_formats, sniff_every_magic) {
    const uint8_t webp[12] = {'R', 'I', 'F', 'F', 9, 9, 0, 0, 'W', 'E', 'B', 'P'};
    cr_assert_eq(vg_img_sniff(webp, 12), VG_IMG_WEBP);
    cr_assert_eq(vg_img_sniff(webp, 11), VG_IMG_NONE);
    cr_assert_eq(vg_img_sniff("GIF87a", 6), VG_IMG_GIF);
    cr_assert_eq(vg_img_sniff("GIF89a", 6), VG_IMG_GIF);
    cr_assert_eq(vg_img_sniff("GIF90a", 6), VG_IMG_NONE);
    cr_assert_eq(vg_img_sniff("II*\0", 4), VG_IMG_TIFF);
    cr_assert_eq(vg_img_sniff("MM\0*", 4), VG_IMG_TIFF);
    cr_assert_eq(vg_img_sniff("II+\0", 4), VG_IMG_TIFF, "BigTIFF");
    const uint8_t heic[24] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                              0, 0, 0, 0,  'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
    cr_assert_eq(vg_img_sniff(heic, 24), VG_IMG_HEIF);
    const uint8_t avif[24] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'a', 'v', 'i', 'f',
                              0, 0, 0, 0,  'm', 'i', 'f', '1', 'm', 'i', 'a', 'f'};
    cr_assert_eq(vg_img_sniff(avif, 24), VG_IMG_AVIF);
    const uint8_t mif1_avif[24] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'm', 'i', 'f', '1',
                                   0, 0, 0, 0,  'm', 'i', 'a', 'f', 'a', 'v', 'i', 'f'};
    cr_assert_eq(vg_img_sniff(mif1_avif, 24), VG_IMG_HEIF, "mif1 major: HEIF family first");
    const uint8_t mp4[24] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm',
                             0, 0, 0, 0,  'i', 's', 'o', 'm', 'm', 'p', '4', '1'};
    cr_assert_eq(vg_img_sniff(mp4, 24), VG_IMG_NONE, "an MP4 video is not an image");
    const uint8_t bmp[18] = {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 54, 0, 0, 0, 40, 0, 0, 0};
    cr_assert_eq(vg_img_sniff(bmp, 18), VG_IMG_BMP);
    cr_assert_eq(vg_img_sniff("BMW motorcycles are fast", 24), VG_IMG_NONE, "text is not BMP");
    cr_assert_str_eq(vg_img_format_name(VG_IMG_AVIF), "avif");
    cr_assert_str_eq(vg_img_format_name(VG_IMG_BMP), "bmp");
}

Test(img_formats, library_names_for_built_formats) {
    char lib[128];
    for (int f = VG_IMG_JPEG; f <= VG_IMG_BMP; f++) {
        const char *v = vg_img_format_library((vg_img_format)f, lib, sizeof lib);
        cr_assert_eq(v != NULL, vg_img_format_supported((vg_img_format)f));
    }
    cr_assert(vg_img_format_supported(VG_IMG_JPEG) && vg_img_format_supported(VG_IMG_PNG));
    cr_assert_null(vg_img_format_library(VG_IMG_NONE, lib, sizeof lib));
#ifdef VIGIL_HAVE_WEBP
    cr_assert(strstr(vg_img_format_library(VG_IMG_WEBP, lib, sizeof lib), "libwebp "));
#endif
#ifdef VIGIL_HAVE_HEIF
    cr_assert(strstr(vg_img_format_library(VG_IMG_AVIF, lib, sizeof lib), "libheif "));
#endif
}

/* ---- hostile input, per format ---- */

/* A small photo in format k (variants[]), or NULL if not built in. */
static uint8_t *small_file(int k, size_t *n) {
    struct pix p = load_photo("sk_horse.png");
    uint8_t *buf = encode_variant(k, &p, n);
    free(p.px);
    return buf;
}

/* Decode whatever comes and hash it if it decodes; failures must be clean. */
static vg_status decode_and_hash(const uint8_t *buf, size_t n) {
    vg_img im;
    vg_status st = vg_img_decode(dec, buf, n, &im);
    if (st == VG_OK) {
        uint8_t h[VG_PDQ_LEN];
        hash_img(&im, h);
    } else {
        cr_assert(st == VG_E_FORMAT || st == VG_E_UNSUPPORTED || st == VG_E_LIMIT, "status %d: %s",
                  st, vg_img_dec_errmsg(dec));
        cr_assert_neq(vg_img_dec_errmsg(dec)[0], '\0', "a failure has a reason");
        cr_assert_null(im.pixels);
        cr_assert_eq(im.width, 0);
    }
    return st;
}

/* Policy (as JPEG/PNG): a truncated image is an error, never a hash of a partial decode. */
Test(img_formats, truncated_files_fail) {
    const int ks[] = {0, 1, 2, 3, 4, 5, 8, 9, 10};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
        size_t n;
        uint8_t *buf = small_file(ks[i], &n);
        if (!buf)
            continue;
        for (int k = 0; k < 8; k++) {
            size_t cut = n * (size_t)k / 8;
            vg_img im;
            vg_status st = vg_img_decode(dec, buf, cut, &im);
            cr_expect(st == VG_E_FORMAT || (cut < 12 && st == VG_E_UNSUPPORTED),
                      "%s cut at %zu of %zu: status %d", variants[ks[i]].name, cut, n, st);
            cr_expect_neq(vg_img_dec_errmsg(dec)[0], '\0');
        }
        free(buf);
    }
}

Test(img_formats, bit_flipped_files_never_crash) {
    unsigned seed =
        getenv("VIGIL_TEST_SEED") ? (unsigned)atoi(getenv("VIGIL_TEST_SEED")) : 20261123u;
    printf("bit_flipped_files_never_crash: seed %u (set VIGIL_TEST_SEED to replay)\n", seed);
    const int ks[] = {0, 1, 2, 5, 8, 9, 10};
    for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
        size_t n;
        uint8_t *orig = small_file(ks[i], &n);
        if (!orig)
            continue;
        uint8_t *buf = malloc(n);
        int ok = 0, failed = 0;
        for (int it = 0; it < 60; it++) {
            memcpy(buf, orig, n);
            int flips = 1 + (int)(rand_r(&seed) % 8);
            for (int k = 0; k < flips; k++)
                buf[rand_r(&seed) % n] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
            if (decode_and_hash(buf, n) == VG_OK)
                ok++;
            else
                failed++;
        }
        printf("%-18s flipped: %d decoded, %d refused\n", variants[ks[i]].name, ok, failed);
        free(buf);
        free(orig);
    }
}

Test(img_formats, magic_only_and_empty) {
    const char *magics[] = {"RIFF\0\0\0\0WEBP", "GIF89a", "II*\0", "MM\0*"};
    const size_t lens[] = {12, 6, 4, 4};
    for (size_t i = 0; i < 4; i++) {
        vg_img im;
        vg_status st = vg_img_decode(dec, magics[i], lens[i], &im);
        cr_expect(st == VG_E_FORMAT || st == VG_E_UNSUPPORTED, "%zu: %d", i, st);
        cr_expect_null(im.pixels);
        st = vg_img_probe(dec, magics[i], lens[i], &im);
        cr_expect(st == VG_E_FORMAT || st == VG_E_UNSUPPORTED, "%zu: %d", i, st);
    }
    const uint8_t heic[24] = {0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c',
                              0, 0, 0, 0,  'm', 'i', 'f', '1', 'h', 'e', 'i', 'c'};
    cr_expect_neq(decode_and_hash(heic, 24), VG_OK);
}

static void put_le16(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* Expect VG_E_LIMIT from both probe and decode, with the claimed size in the message. */
static void expect_bomb(const uint8_t *buf, size_t n, const char *what, const char *size) {
    vg_img im;
    cr_expect_eq(vg_img_probe(dec, buf, n, &im), VG_E_LIMIT, "%s probe: %s", what,
                 vg_img_dec_errmsg(dec));
    cr_expect_eq(vg_img_decode(dec, buf, n, &im), VG_E_LIMIT, "%s: %s", what,
                 vg_img_dec_errmsg(dec));
    cr_expect(strstr(vg_img_dec_errmsg(dec), size), "%s: %s", what, vg_img_dec_errmsg(dec));
    cr_expect_null(im.pixels);
}

/* Headers claiming images far above the limits are refused before any pixel allocation. */
Test(img_formats, header_bombs_refused_before_allocation) {
    size_t n;
    uint8_t *buf;
    if ((buf = small_file(2, &n))) { /* GIF: logical screen 65535 x 65535 */
        put_le16(buf + 6, 65535);
        put_le16(buf + 8, 65535);
        expect_bomb(buf, n, "gif", "65535x65535");
        free(buf);
    }
    if ((buf = small_file(4, &n))) { /* TIFF: ImageWidth / ImageLength entries set to 100000 */
        uint32_t ifd = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
                       (uint32_t)buf[7] << 24;
        cr_assert_lt(ifd + 2, n);
        unsigned count = buf[ifd] | (unsigned)buf[ifd + 1] << 8, patched = 0;
        for (unsigned e = 0; e < count && ifd + 2 + 12 * (e + 1) <= n; e++) {
            uint8_t *ent = buf + ifd + 2 + 12 * e;
            unsigned tag = ent[0] | (unsigned)ent[1] << 8;
            if (tag == 256 || tag == 257) { /* LONG, count 1, value 100000 */
                put_le16(ent + 2, 4);
                memcpy(ent + 4, "\1\0\0\0\xa0\x86\x01\0", 8);
                patched++;
            }
        }
        cr_assert_eq(patched, 2);
        expect_bomb(buf, n, "tiff", "100000x100000");
        free(buf);
    }
    if ((buf = small_file(8, &n))) { /* HEIF: the primary image's ispe claims 30000 x 30000 */
        for (size_t i = 0; i + 16 < n; i++)
            if (memcmp(buf + i, "ispe", 4) == 0) {
                put_be32(buf + i + 8, 30000);
                put_be32(buf + i + 12, 30000);
            }
        expect_bomb(buf, n, "heif", "30000x30000");
        free(buf);
    }
}

/* ---- BMP variants (the decoder is vigil's own: every branch gets a hand-made file) ---- */

/* A BMP with a 40-byte header; extra (masks or palette) after the header, then rows. */
static size_t make_bmp(uint8_t *out, int32_t w, int32_t h, unsigned bpp, unsigned comp,
                       const uint8_t *extra, size_t nextra, const uint8_t *rows, size_t nrows) {
    size_t off = 14 + 40 + nextra;
    memset(out, 0, off);
    memcpy(out, "BM", 2);
    out[10] = (uint8_t)off;
    out[14] = 40;
    memcpy(out + 18, &w, 4); /* little-endian host (x86-64, AArch64) */
    memcpy(out + 22, &h, 4);
    out[26] = 1;
    out[28] = (uint8_t)bpp;
    out[30] = (uint8_t)comp;
    if (nextra)
        memcpy(out + 54, extra, nextra);
    memcpy(out + off, rows, nrows);
    return off + nrows;
}

Test(img_formats, bmp_depths_masks_and_palettes) {
    uint8_t f[256];
    vg_img im;
    /* 16 bpp 5-6-5 bitfields, 2x1: pure red, pure green (rows padded to 4 bytes) */
    const uint8_t m565[12] = {0x00, 0xf8, 0, 0, 0xe0, 0x07, 0, 0, 0x1f, 0, 0, 0};
    const uint8_t r565[4] = {0x00, 0xf8, 0xe0, 0x07};
    size_t n = make_bmp(f, 2, 1, 16, 3, m565, 12, r565, 4);
    cr_assert_eq(vg_img_decode(dec, f, n, &im), VG_OK, "%s", vg_img_dec_errmsg(dec));
    const uint8_t want565[6] = {255, 0, 0, 0, 255, 0};
    cr_assert_arr_eq(im.pixels, want565, 6);
    /* 16 bpp BI_RGB is 5-5-5: 0x7fff is white */
    const uint8_t r555[4] = {0xff, 0x7f, 0x00, 0x00};
    n = make_bmp(f, 1, 1, 16, 0, NULL, 0, r555, 4);
    cr_assert_eq(vg_img_decode(dec, f, n, &im), VG_OK);
    const uint8_t white[3] = {255, 255, 255};
    cr_assert_arr_eq(im.pixels, white, 3);
    /* 32 bpp BI_RGB: B, G, R, x */
    const uint8_t r32[4] = {3, 2, 1, 99};
    n = make_bmp(f, 1, 1, 32, 0, NULL, 0, r32, 4);
    cr_assert_eq(vg_img_decode(dec, f, n, &im), VG_OK);
    const uint8_t want32[3] = {1, 2, 3};
    cr_assert_arr_eq(im.pixels, want32, 3);
    /* 4 bpp, 2-entry colour palette, 3x2 bottom-up: row 0 in the file is the bottom row */
    const uint8_t pal[8] = {0, 0, 255, 0, 255, 0, 0, 0}; /* red, blue (B, G, R, 0) */
    const uint8_t r4[8] = {0x10, 0x00, 0, 0, 0x01, 0x10, 0, 0};
    n = make_bmp(f, 3, 2, 4, 0, pal, 8, r4, 8);
    f[46] = 2; /* biClrUsed */
    cr_assert_eq(vg_img_decode(dec, f, n, &im), VG_OK, "%s", vg_img_dec_errmsg(dec));
    cr_assert_eq(im.channels, 3);
    /* file row 0 (bottom) 0x10,0x00: indices 1,0,0; file row 1 (top) 0x01,0x10: 0,1,1 */
    const uint8_t want4b[18] = {255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255, 255, 0, 0, 255, 0, 0};
    cr_assert_arr_eq(im.pixels, want4b, 18);
    /* 1 bpp with a grey palette gives one channel */
    const uint8_t gpal[8] = {0, 0, 0, 0, 255, 255, 255, 0};
    const uint8_t r1[4] = {0xa0, 0, 0, 0};
    n = make_bmp(f, 3, 1, 1, 0, gpal, 8, r1, 4);
    cr_assert_eq(vg_img_decode(dec, f, n, &im), VG_OK);
    cr_assert_eq(im.channels, 1);
    const uint8_t want1[3] = {255, 0, 255};
    cr_assert_arr_eq(im.pixels, want1, 3);
    /* top-down (negative height), 8 bpp grey from the test encoder: equals the source */
    uint8_t grey[6] = {0, 50, 100, 150, 200, 250};
    uint8_t *b8 = te_bmp_encode(3, 2, 1, grey, 8, 1, &n);
    cr_assert_eq(vg_img_decode(dec, b8, n, &im), VG_OK);
    cr_assert_arr_eq(im.pixels, grey, 6);
    free(b8);
}

Test(img_formats, bmp_hostile_headers) {
    uint8_t f[256];
    vg_img im;
    const uint8_t row[4] = {0};
    size_t n = make_bmp(f, 100000, 100000, 24, 0, NULL, 0, row, 4);
    expect_bomb(f, n, "bmp", "100000x100000");
    n = make_bmp(f, -5, 1, 24, 0, NULL, 0, row, 4);
    cr_expect_eq(vg_img_decode(dec, f, n, &im), VG_E_FORMAT, "negative width");
    n = make_bmp(f, 1, 1, 8, 1, NULL, 0, row, 4);
    cr_expect_eq(vg_img_decode(dec, f, n, &im), VG_E_UNSUPPORTED, "RLE8");
    cr_expect(strstr(vg_img_dec_errmsg(dec), "RLE"), "%s", vg_img_dec_errmsg(dec));
    const uint8_t badmask[12] = {0x0f, 0xf0, 0, 0, 0xe0, 0x07, 0, 0, 0x1f, 0, 0, 0};
    n = make_bmp(f, 1, 1, 16, 3, badmask, 12, row, 4);
    cr_expect_eq(vg_img_decode(dec, f, n, &im), VG_E_FORMAT, "non-contiguous mask");
    n = make_bmp(f, 2, 2, 24, 0, NULL, 0, row, 4); /* needs 16 bytes of rows, has 4 */
    cr_expect_eq(vg_img_decode(dec, f, n, &im), VG_E_FORMAT, "truncated rows");
    cr_expect_eq(vg_img_probe(dec, f, n, &im), VG_OK, "the header alone is fine");
    n = make_bmp(f, 1, 1, 7, 0, NULL, 0, row, 4);
    cr_expect_eq(vg_img_decode(dec, f, n, &im), VG_E_UNSUPPORTED, "7 bpp");
    n = make_bmp(f, 1, 1, 24, 0, NULL, 0, row, 4);
    f[10] = 250; /* pixel offset past the end */
    cr_expect_eq(vg_img_decode(dec, f, n, &im), VG_E_FORMAT, "offset past the end");
}

/* ---- HEIF thumbnails ---- */

#ifdef VIGIL_HAVE_HEIF
/* An "edited" HEIC (or AVIF): the primary image is an unrelated photo, the thumbnail still shows
 * the original. The thumbnail must decode and match the original; the primary must not. */
Test(img_formats, heif_thumbnail_outlives_an_edit) {
    struct pix orig = load_photo("sk_chelsea.png"), other = load_photo("sk_coffee.png");
    uint8_t want[VG_PDQ_LEN], got[VG_PDQ_LEN];
    hash_pix(&orig, want);
    te_heif_thumb th = {orig.w, orig.h, orig.chans, orig.px, 160};
    for (int av1 = 0; av1 <= 1; av1++) {
        size_t n;
        uint8_t *f =
            te_heif_encode_thumb(other.w, other.h, other.chans, other.px, &th, av1, 70, &n);
        cr_assert_not_null(f, "%s", av1 ? "avif" : "heic");
        vg_img im;
        cr_assert_eq(vg_img_probe_thumbnail(dec, f, n, &im), VG_OK);
        cr_assert(im.pixels == NULL && im.width == 160, "probe: size %u, no pixels", im.width);
        cr_assert_eq(vg_img_decode_thumbnail(dec, f, n, &im), VG_OK, "%s", vg_img_dec_errmsg(dec));
        cr_assert_eq(im.format, av1 ? VG_IMG_AVIF : VG_IMG_HEIF);
        cr_assert(im.width <= 160 && im.height <= 160 && im.pixels, "%ux%u", im.width, im.height);
        hash_img(&im, got);
        int d = vg_pdq_distance(want, got);
        printf("%s thumbnail %ux%u: PDQ distance to the original %d\n", av1 ? "avif" : "heic",
               im.width, im.height, d);
        cr_expect_leq(d, VG_PDQ_MATCH_RADIUS);
        cr_assert_eq(vg_img_decode(dec, f, n, &im), VG_OK);
        cr_assert_eq(im.width, other.w, "the primary image is the edited one");
        hash_img(&im, got);
        cr_expect_gt(vg_pdq_distance(want, got), VG_PDQ_MATCH_RADIUS);
        for (size_t cut = 0; cut < n; cut += 1 + n / 40) {
            vg_status st = vg_img_decode_thumbnail(dec, f, cut, &im);
            cr_expect(st != VG_OK || im.pixels, "cut %zu", cut);
        }
        free(f);
        f = te_heif_encode(other.w, other.h, other.chans, other.px, av1, 70, &n);
        cr_assert_eq(vg_img_decode_thumbnail(dec, f, n, &im), VG_E_NOTFOUND, "no thumbnail");
        cr_assert_eq(vg_img_probe_thumbnail(dec, f, n, &im), VG_E_NOTFOUND);
        cr_assert(im.pixels == NULL && im.width == 0);
        cr_assert_str_neq(vg_img_dec_errmsg(dec), "");
        free(f);
    }
    size_t n;
    uint8_t *jpg = tu_jpeg_encode(orig.w, orig.h, orig.chans, orig.px, 90, 0, 0, &n);
    vg_img im;
    cr_assert_eq(vg_img_decode_thumbnail(dec, jpg, n, &im), VG_E_NOTFOUND, "JPEG: see EXIF");
    free(jpg);
    free(orig.px);
    free(other.px);
}
#endif
