/* test_img.c — decoding: pixels equal the reference decoders' (corpus SHA-256s), every PNG
 * colour type, JPEG variants, limits, and hostile input (truncated, bit-flipped, bombs). */
#include <criterion/criterion.h>
#include <png.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"

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

TestSuite(img, .init = setup, .fini = teardown);

static uint8_t *data_file(const char *rel, size_t *n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VIGIL_TEST_DATA, rel);
    uint8_t *b = tu_slurp(path, n);
    cr_assert_not_null(b, "cannot read %s", path);
    return b;
}

/* A hash of whatever decoded must never crash; returns the decode status. */
static vg_status decode_and_hash(vg_img_dec *d, const uint8_t *buf, size_t n) {
    vg_img im;
    vg_status st = vg_img_decode(d, buf, n, &im);
    if (st == VG_OK) {
        vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
        vg_pdq_result r;
        cr_assert_eq(vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r), VG_OK);
        cr_assert_eq(vg_pdq_hash(pq, &pi, VG_PDQ_CLI, 0, &r), VG_OK);
    } else {
        cr_assert(st == VG_E_FORMAT || st == VG_E_UNSUPPORTED || st == VG_E_LIMIT, "status %d", st);
        cr_assert_neq(vg_img_dec_errmsg(d)[0], '\0', "a failure has a reason");
        cr_assert_null(im.pixels);
    }
    return st;
}

Test(img, sniff_by_magic_bytes) {
    const uint8_t jpg[] = {0xff, 0xd8, 0xff, 0xe0}, png[] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    cr_assert_eq(vg_img_sniff(jpg, 4), VG_IMG_JPEG);
    cr_assert_eq(vg_img_sniff(jpg, 2), VG_IMG_NONE);
    cr_assert_eq(vg_img_sniff(png, 8), VG_IMG_PNG);
    cr_assert_eq(vg_img_sniff(png, 7), VG_IMG_NONE);
    cr_assert_eq(vg_img_sniff("GIF89a..", 8), VG_IMG_GIF);
    cr_assert_eq(vg_img_sniff("GIF99a..", 8), VG_IMG_NONE);
    cr_assert_eq(vg_img_sniff(NULL, 0), VG_IMG_NONE);
    cr_assert_str_eq(vg_img_format_name(VG_IMG_PNG), "png");
}

/* The reference was fed libjpeg-turbo (ISLOW, fancy upsampling) / libpng pixels: prove ours
 * are the same bytes for every corpus photo we ship. */
Test(img, decoded_pixels_equal_reference_sha256) {
    char path[512], hex[65];
    tu_tsv t;
    snprintf(path, sizeof path, "%s/photos/pdq_reference_fullres.tsv", VIGIL_TEST_DATA);
    cr_assert_eq(tu_tsv_load(path, &t), 0);
    cr_assert_geq(t.nrows, 11);
    int progressive = 0, grey = 0;
    for (size_t r = 1; r < t.nrows; r++) {
        const char *file = tu_tsv_get(&t, r, "filename");
        char rel[300];
        size_t n;
        snprintf(rel, sizeof rel, "photos/%s", file);
        uint8_t *buf = data_file(rel, &n);
        vg_img im;
        cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK, "%s: %s", file,
                     vg_img_dec_errmsg(dec));
        cr_expect_eq(im.width, (uint32_t)atoi(tu_tsv_get(&t, r, "width")), "%s", file);
        cr_expect_eq(im.height, (uint32_t)atoi(tu_tsv_get(&t, r, "height")), "%s", file);
        tu_rgb_sha256(&im, hex);
        cr_expect_str_eq(hex, tu_tsv_get(&t, r, "decoded_rgb_sha256"), "%s", file);
        progressive += im.progressive;
        grey += im.channels == 1;
        free(buf);
    }
    cr_expect_geq(progressive, 1, "a progressive JPEG is covered");
    cr_expect_geq(grey, 2, "grey JPEG and PNG are covered");
    tu_tsv_free(&t);
}

Test(img, zero_length_and_garbage_are_clean_errors) {
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, "", 0, &im), VG_E_UNSUPPORTED);
    cr_assert_eq(vg_img_decode(dec, "hello world", 11, &im), VG_E_UNSUPPORTED);
    const uint8_t jpg3[] = {0xff, 0xd8, 0xff};
    cr_assert_eq(vg_img_decode(dec, jpg3, 3, &im), VG_E_FORMAT);
    const uint8_t png8[] = {0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    cr_assert_eq(vg_img_decode(dec, png8, 8, &im), VG_E_FORMAT);
    cr_assert_null(im.pixels);
}

/* Policy: a truncated image is an error with a reason, never a hash of a partial decode. */
Test(img, truncated_files_fail_with_reason) {
    const char *files[] = {"photos/sk_rocket.jpg", "photos/kde_Autumn_screenshot.jpg",
                           "photos/sk_coins.png", "pdq/wee.jpg"};
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t n;
        uint8_t *buf = data_file(files[f], &n);
        for (int k = 1; k < 8; k++) {
            vg_img im;
            size_t cut = n * (size_t)k / 8;
            vg_status st = vg_img_decode(dec, buf, cut, &im);
            cr_expect_eq(st, VG_E_FORMAT, "%s cut at %zu", files[f], cut);
            cr_expect(strstr(vg_img_dec_errmsg(dec), "truncated") ||
                          strstr(vg_img_dec_errmsg(dec), "Not enough image data") ||
                          strstr(vg_img_dec_errmsg(dec), "Premature"),
                      "%s: %s", files[f], vg_img_dec_errmsg(dec));
        }
        free(buf);
    }
}

Test(img, bit_flipped_files_never_crash) {
    unsigned seed =
        getenv("VIGIL_TEST_SEED") ? (unsigned)atoi(getenv("VIGIL_TEST_SEED")) : 20261123u;
    printf("bit_flipped_files_never_crash: seed %u (set VIGIL_TEST_SEED to replay)\n", seed);
    const char *files[] = {"pdq/wee.jpg", "photos/sk_green_palette.png", "pdq/small.jpg",
                           "photos/sk_microaneurysms.png"};
    int ok = 0, failed = 0;
    for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
        size_t n;
        uint8_t *orig = data_file(files[f], &n), *buf = malloc(n);
        for (int it = 0; it < 150; it++) {
            memcpy(buf, orig, n);
            int flips = 1 + (int)(rand_r(&seed) % 8);
            for (int k = 0; k < flips; k++)
                buf[rand_r(&seed) % n] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
            if (decode_and_hash(dec, buf, n) == VG_OK)
                ok++;
            else
                failed++;
        }
        free(buf);
        free(orig);
    }
    cr_expect_gt(ok, 0);
    cr_expect_gt(failed, 0);
}

static uint32_t crc32_png(const uint8_t *p, size_t n) {
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
    }
    return ~c;
}

static void put32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

Test(img, header_bombs_refused_before_allocation) {
    uint16_t px[3] = {1, 2, 3};
    size_t n;
    uint8_t *png = tu_png_encode(1, 1, PNG_COLOR_TYPE_RGB, 8, 0, px, &n);
    put32(png + 16, 100000); /* IHDR width, height; then fix the chunk CRC */
    put32(png + 20, 100000);
    put32(png + 29, crc32_png(png + 12, 17));
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, png, n, &im), VG_E_LIMIT, "%s", vg_img_dec_errmsg(dec));
    cr_assert(strstr(vg_img_dec_errmsg(dec), "100000x100000"), "%s", vg_img_dec_errmsg(dec));
    uint64_t value = 0, max = 0;
    cr_assert_eq(vg_img_dec_limit(dec, &value, &max), VG_IMG_LIM_PIXELS);
    cr_assert_eq(value, 100000ull * 100000ull);
    cr_assert_eq(max, VG_IMG_MAX_PIXELS_DEFAULT);
    cr_assert_eq(vg_img_probe(dec, png, n, &im), VG_E_LIMIT);
    free(png);

    uint8_t grey[64];
    memset(grey, 100, sizeof grey);
    uint8_t *jpg = tu_jpeg_encode(8, 8, 1, grey, 90, 0, 0, &n);
    size_t sof = 2;
    while (sof + 9 < n && !(jpg[sof] == 0xff && jpg[sof + 1] == 0xc0))
        sof++;
    cr_assert_lt(sof + 9, n);
    jpg[sof + 5] = jpg[sof + 7] = 0xff; /* 65500 x 65500 */
    jpg[sof + 6] = jpg[sof + 8] = 0xdc;
    cr_assert_eq(vg_img_decode(dec, jpg, n, &im), VG_E_LIMIT, "%s", vg_img_dec_errmsg(dec));
    cr_assert(strstr(vg_img_dec_errmsg(dec), "65500x65500"), "%s", vg_img_dec_errmsg(dec));
    cr_assert_eq(vg_img_dec_limit(dec, &value, NULL), VG_IMG_LIM_PIXELS);
    cr_assert_eq(value, 65500ull * 65500ull);

    /* A failure that is no limit, and a success, leave no limit behind. */
    cr_assert_eq(vg_img_decode(dec, jpg, 10, &im), VG_E_FORMAT, "%s", vg_img_dec_errmsg(dec));
    cr_assert_eq(vg_img_dec_limit(dec, &value, &max), VG_IMG_LIM_NONE);
    cr_assert_eq(value, 0);
    cr_assert_eq(max, 0);
    free(jpg);

    /* Within the pixel limit but above the memory budget: VG_IMG_LIM_MEMORY with its figures. */
    vg_img_limits lim = {.max_bytes = 1000};
    vg_img_dec *d2;
    cr_assert_eq(vg_img_dec_open(&d2, &lim), VG_OK);
    uint8_t flat[64 * 64];
    memset(flat, 90, sizeof flat);
    jpg = tu_jpeg_encode(64, 64, 1, flat, 90, 0, 0, &n);
    cr_assert_not_null(jpg);
    cr_assert_eq(vg_img_decode(d2, jpg, n, &im), VG_E_LIMIT, "%s", vg_img_dec_errmsg(d2));
    cr_assert_eq(vg_img_dec_limit(d2, &value, &max), VG_IMG_LIM_MEMORY, "%s",
                 vg_img_dec_errmsg(d2));
    cr_assert_gt(value, 1000);
    cr_assert_eq(max, 1000);
    cr_assert_eq(vg_img_decode(dec, jpg, n, &im), VG_OK);
    cr_assert_eq(vg_img_dec_limit(dec, NULL, NULL), VG_IMG_LIM_NONE);
    vg_img_dec_free(d2);
    free(jpg);
}

Test(img, tiny_and_thin_images) {
    const uint32_t sizes[][2] = {{1, 1}, {4, 1000}, {1000, 4}, {65535, 1}, {5, 5}};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        uint32_t w = sizes[i][0], h = sizes[i][1];
        uint16_t *s = malloc((size_t)w * h * 3 * sizeof *s);
        for (size_t k = 0; k < (size_t)w * h * 3; k++)
            s[k] = (uint16_t)(k * 37 % 256);
        size_t n;
        uint8_t *png = tu_png_encode(w, h, PNG_COLOR_TYPE_RGB, 8, 0, s, &n);
        cr_assert_eq(decode_and_hash(dec, png, n), VG_OK, "%ux%u", w, h);
        uint8_t *g = malloc((size_t)w * h);
        for (size_t k = 0; k < (size_t)w * h; k++)
            g[k] = (uint8_t)s[k];
        uint32_t jw = w > 65500 ? 65500 : w; /* JPEG's maximum side */
        uint8_t *jpg = tu_jpeg_encode(jw, h, 1, g, 80, 0, 0, &n);
        cr_assert_eq(decode_and_hash(dec, jpg, n), VG_OK, "%ux%u jpeg", jw, h);
        free(jpg);
        free(g);
        free(png);
        free(s);
    }
}

/* ---- PNG colour types and depths ---- */

static void decode_png(uint32_t w, uint32_t h, int ct, int depth, int interlace, const uint16_t *s,
                       vg_img *im) {
    size_t n;
    uint8_t *png = tu_png_encode(w, h, ct, depth, interlace, s, &n);
    cr_assert_not_null(png);
    cr_assert_eq(vg_img_decode(dec, png, n, im), VG_OK, "%s", vg_img_dec_errmsg(dec));
    free(png);
}

Test(img, png_16bit_scaled_not_low_byte) {
    const uint16_t s[6] = {0xffff, 0x8000, 0x00ff, 0x0101, 0x7f80, 0x0000};
    vg_img im;
    decode_png(2, 1, PNG_COLOR_TYPE_RGB, 16, 0, s, &im);
    cr_assert_eq(im.channels, 3);
    for (int i = 0; i < 6; i++) {
        unsigned want = (s[i] * 255u + 32767u) / 65535u;
        cr_expect_eq(im.pixels[i], want, "sample %d: got %u want %u", i, im.pixels[i], want);
    }
    cr_expect_eq(im.pixels[2], 1, "0x00ff scales to 1, not 255 (low byte)");
}

Test(img, png_palette_trns_grey_alpha_lowbit) {
    const uint16_t idx[4] = {0, 1, 2, 3};
    vg_img im;
    decode_png(4, 1, PNG_COLOR_TYPE_PALETTE, 8, 0, idx, &im);
    const uint8_t want_pal[12] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};
    cr_assert_eq(im.channels, 3);
    cr_assert_arr_eq(im.pixels, want_pal, 12, "palette expanded, tRNS dropped");
    decode_png(4, 1, PNG_COLOR_TYPE_PALETTE, 2, 0, idx, &im);
    cr_assert_arr_eq(im.pixels, want_pal, 12, "2-bit palette");
    const uint16_t ga[4] = {200, 0, 50, 255};
    decode_png(2, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 8, 0, ga, &im);
    const uint8_t want_ga[2] = {200, 50};
    cr_assert_eq(im.channels, 1);
    cr_assert_arr_eq(im.pixels, want_ga, 2, "grey+alpha: alpha dropped, not composited");
    const uint16_t rgba[8] = {1, 2, 3, 0, 4, 5, 6, 255};
    decode_png(2, 1, PNG_COLOR_TYPE_RGB_ALPHA, 8, 0, rgba, &im);
    const uint8_t want_rgba[6] = {1, 2, 3, 4, 5, 6};
    cr_assert_arr_eq(im.pixels, want_rgba, 6, "RGBA: stored colour of transparent pixel kept");
    const uint16_t bits[8] = {0, 1, 1, 0, 1, 0, 0, 1};
    decode_png(8, 1, PNG_COLOR_TYPE_GRAY, 1, 0, bits, &im);
    const uint8_t want_bits[8] = {0, 255, 255, 0, 255, 0, 0, 255};
    cr_assert_arr_eq(im.pixels, want_bits, 8, "1-bit grey scaled to 0/255");
    const uint16_t g4[2] = {15, 7};
    decode_png(2, 1, PNG_COLOR_TYPE_GRAY, 4, 0, g4, &im);
    const uint8_t want_g4[2] = {255, 119};
    cr_assert_arr_eq(im.pixels, want_g4, 2, "4-bit grey scaled");
    const uint16_t g16[2] = {65535, 257};
    decode_png(2, 1, PNG_COLOR_TYPE_GRAY, 16, 0, g16, &im);
    const uint8_t want_g16[2] = {255, 1};
    cr_assert_arr_eq(im.pixels, want_g16, 2, "16-bit grey scaled");
}

Test(img, png_interlaced_equals_plain) {
    const uint32_t w = 37, h = 23;
    uint16_t s[37 * 23 * 3];
    for (size_t k = 0; k < sizeof s / sizeof *s; k++)
        s[k] = (uint16_t)((k * 131) % 256);
    vg_img im;
    decode_png(w, h, PNG_COLOR_TYPE_RGB, 8, 0, s, &im);
    uint8_t *plain = malloc(w * h * 3);
    memcpy(plain, im.pixels, w * h * 3);
    decode_png(w, h, PNG_COLOR_TYPE_RGB, 8, 1, s, &im);
    cr_assert_arr_eq(im.pixels, plain, w * h * 3);
    free(plain);
}

/* ---- JPEG variants ---- */

static uint8_t *photo_rgb(uint32_t *w, uint32_t *h) {
    size_t n;
    uint8_t *buf = data_file("photos/sk_chelsea.png", &n);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK);
    free(buf);
    *w = im.width;
    *h = im.height;
    uint8_t *px = malloc(im.stride * im.height);
    memcpy(px, im.pixels, im.stride * im.height);
    return px;
}

/* Progressive and restart-marker files hold the same coefficients as the baseline file, so
 * their ISLOW decodes are identical byte for byte. */
Test(img, jpeg_progressive_and_restarts_decode_identically) {
    uint32_t w, h;
    uint8_t *px = photo_rgb(&w, &h);
    size_t nb, np, nr;
    uint8_t *base = tu_jpeg_encode(w, h, 3, px, 85, 0, 0, &nb);
    uint8_t *prog = tu_jpeg_encode(w, h, 3, px, 85, 1, 0, &np);
    uint8_t *rst = tu_jpeg_encode(w, h, 3, px, 85, 0, 1, &nr);
    vg_img im;
    char hb[65], hx[65];
    cr_assert_eq(vg_img_decode(dec, base, nb, &im), VG_OK);
    cr_assert(!im.progressive);
    tu_rgb_sha256(&im, hb);
    cr_assert_eq(vg_img_decode(dec, prog, np, &im), VG_OK);
    cr_assert(im.progressive);
    cr_assert_str_eq(tu_rgb_sha256(&im, hx), hb);
    cr_assert_eq(vg_img_decode(dec, rst, nr, &im), VG_OK, "%s", vg_img_dec_errmsg(dec));
    cr_assert_str_eq(tu_rgb_sha256(&im, hx), hb);

    vg_img_limits lim = {.max_scans = 3};
    vg_img_dec *d2;
    cr_assert_eq(vg_img_dec_open(&d2, &lim), VG_OK);
    cr_assert_eq(vg_img_decode(d2, prog, np, &im), VG_E_LIMIT);
    cr_assert(strstr(vg_img_dec_errmsg(d2), "scans"), "%s", vg_img_dec_errmsg(d2));
    uint64_t value = 0, max = 0;
    cr_assert_eq(vg_img_dec_limit(d2, &value, &max), VG_IMG_LIM_SCANS);
    cr_assert_eq(value, 4);
    cr_assert_eq(max, 3);
    cr_assert_eq(vg_img_decode(d2, base, nb, &im), VG_OK, "baseline is one scan");
    vg_img_dec_free(d2);
    free(base);
    free(prog);
    free(rst);
    free(px);
}

Test(img, jpeg_cmyk_and_grey) {
    uint8_t cmyk[16 * 16 * 4];
    for (size_t i = 0; i < sizeof cmyk; i += 4) {
        /* Adobe-inverted CMYK as libjpeg writes it: 255 = no ink. Red: C full, M and Y none. */
        cmyk[i] = 255;
        cmyk[i + 1] = 0;
        cmyk[i + 2] = 0;
        cmyk[i + 3] = 255;
    }
    size_t n;
    uint8_t *jpg = tu_jpeg_encode(16, 16, 4, cmyk, 100, 0, 0, &n);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, jpg, n, &im), VG_OK, "%s", vg_img_dec_errmsg(dec));
    cr_assert_eq(im.channels, 3);
    cr_expect(im.pixels[0] > 245 && im.pixels[1] < 10 && im.pixels[2] < 10, "%u %u %u",
              im.pixels[0], im.pixels[1], im.pixels[2]);
    free(jpg);
    uint8_t grey[16 * 16];
    memset(grey, 60, sizeof grey);
    jpg = tu_jpeg_encode(16, 16, 1, grey, 100, 0, 0, &n);
    cr_assert_eq(vg_img_decode(dec, jpg, n, &im), VG_OK);
    cr_assert_eq(im.channels, 1);
    cr_assert_eq(im.pixels[0], 60);
    free(jpg);
}

Test(img, scaled_decode_and_probe) {
    size_t n;
    uint8_t *buf = data_file("photos/kde_Grey_2560x1600.jpg", &n);
    vg_img im;
    cr_assert_eq(vg_img_probe(dec, buf, n, &im), VG_OK);
    cr_assert(im.width == 2560 && im.height == 1600 && im.pixels == NULL);
    cr_assert_eq(vg_img_decode_scaled(dec, buf, n, 0, 512, &im), VG_OK);
    cr_assert_eq(im.scale_denom, 2, "1600/4 = 400 < 512, so 1/2");
    cr_assert(im.width == 1280 && im.height == 800 && im.full_width == 2560);
    cr_assert_eq(vg_img_decode_scaled(dec, buf, n, 8, 0, &im), VG_OK);
    cr_assert(im.width == 320 && im.height == 200);
    cr_assert_eq(vg_img_decode_scaled(dec, buf, n, 3, 0, &im), VG_E_INVAL);
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK, "full decode after scaled: reuse");
    cr_assert(im.width == 2560 && im.scale_denom == 1);
    free(buf);
}

/* A wipe clears every byte any decode wrote since the last wipe (not just the last image's),
 * while it only has to touch those (the buffer stays as large as the largest image). */
static bool all_zero(const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

Test(img, wipe_clears_what_every_decode_since_the_last_wrote) {
    size_t nb, ns;
    uint8_t *big = data_file("photos/kde_Kite_2560x1600.jpg", &nb);
    uint8_t *small = data_file("photos/sk_rocket.jpg", &ns);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, big, nb, &im), VG_OK);
    const uint8_t *px = im.pixels;
    size_t bytes = im.stride * im.height;
    cr_assert(!all_zero(px, bytes));
    cr_assert_eq(vg_img_decode(dec, small, ns, &im), VG_OK);
    cr_assert_eq(im.pixels, px, "the buffer is reused");
    cr_assert(!all_zero(px, im.stride * im.height));
    vg_img_dec_wipe(dec);
    cr_assert(all_zero(px, bytes), "the large image's rows are wiped too");
    cr_assert_eq(vg_img_decode(dec, small, ns, &im), VG_OK);
    vg_img_dec_wipe(dec);
    cr_assert(all_zero(px, bytes));
    free(big);
    free(small);
}

Test(img, memory_budget_and_pixel_limit) {
    size_t n;
    uint8_t *buf = data_file("photos/sk_hubble_deep_field.jpg", &n);
    vg_img im;
    vg_img_dec *d2;
    vg_img_limits lim = {.max_bytes = 1000000};
    cr_assert_eq(vg_img_dec_open(&d2, &lim), VG_OK);
    cr_assert_eq(vg_img_decode(d2, buf, n, &im), VG_E_LIMIT);
    cr_assert(strstr(vg_img_dec_errmsg(d2), "budget"), "%s", vg_img_dec_errmsg(d2));
    vg_img_dec_free(d2);
    lim = (vg_img_limits){.max_pixels = 872000 - 1};
    cr_assert_eq(vg_img_dec_open(&d2, &lim), VG_OK);
    cr_assert_eq(vg_img_decode(d2, buf, n, &im), VG_E_LIMIT);
    vg_img_dec_wipe(d2);
    vg_img_dec_free(d2);
    free(buf);
}

/* The VmFlags line of the mapping in /proc/self/smaps that holds p ("" if none). */
static void vm_flags_of(const void *p, char *flags, size_t cap) {
    FILE *f = fopen("/proc/self/smaps", "r");
    cr_assert_not_null(f);
    char line[512];
    bool inside = false;
    flags[0] = '\0';
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' '))
            inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(flags, cap, "%s", line + 8);
            break;
        }
    }
    fclose(f);
}

/* Decoded pixels are kept out of core dumps: the pages holding them carry the "dd" VmFlag
 * (MADV_DONTDUMP). Each image through a fresh decoder, so each allocates its own buffer. */
Test(img, decoded_pixels_are_not_dumpable) {
    const char *files[] = {"photos/sk_rocket.jpg", "photos/sk_coffee.png",
                           "photos/kde_Grey_2560x1600.jpg"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n;
        uint8_t *b = data_file(files[i], &n);
        vg_img_dec *d = NULL;
        cr_assert_eq(vg_img_dec_open(&d, NULL), VG_OK);
        vg_img im;
        cr_assert_eq(vg_img_decode(d, b, n, &im), VG_OK, "%s", files[i]);
        char flags[256];
        vm_flags_of(im.pixels, flags, sizeof flags);
        cr_assert(strstr(flags, " dd") != NULL, "%s: first row's VmFlags:%s", files[i], flags);
        vm_flags_of(im.pixels + (size_t)(im.height - 1) * im.stride, flags, sizeof flags);
        cr_assert(strstr(flags, " dd") != NULL, "%s: last row's VmFlags:%s", files[i], flags);
        vg_img_dec_free(d);
        free(b);
    }
}
