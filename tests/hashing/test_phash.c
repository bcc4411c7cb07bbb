/*
 * test_phash.c — aHash, dHash, pHash against Python imagehash (Pillow 9.4 + scipy) and
 * fuzzy_img against ClamAV 1.4's sigtool, on photos and on synthetic images of awkward sizes
 * (tests/data/phash/vectors.tsv, made by phash_vectors.py); hand-derived hashes of images that
 * need no resampling; hex text; argument errors.
 */
#include <criterion/criterion.h>

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/phash.h"

/* ---- images ---- */

/* The formula of phash_vectors.py's synth(). */
static uint8_t *synth(uint32_t w, uint32_t h) {
    uint8_t *p = malloc((size_t)w * h * 3 + 1);
    cr_assert_not_null(p);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *q = p + 3 * ((size_t)y * w + x);
            q[0] = (uint8_t)((x * 37 + y * 11) % 256);
            q[1] = (uint8_t)((x * x + 5 * y) % 256);
            q[2] = (uint8_t)((x * y + 3 * x) % 256);
        }
    return p;
}

/* A PNG as 8-bit RGBA (vigil's alpha-ignoring 4-channel input), via libpng's simplified API. */
static uint8_t *read_png(const char *path, uint32_t *w, uint32_t *h) {
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_file(&im, path), "%s: %s", path, im.message);
    im.format = PNG_FORMAT_RGBA;
    uint8_t *p = malloc(PNG_IMAGE_SIZE(im));
    cr_assert_not_null(p);
    cr_assert(png_image_finish_read(&im, NULL, p, 0, NULL), "%s: %s", path, im.message);
    *w = im.width;
    *h = im.height;
    return p;
}

/* ---- reference vectors ---- */

typedef vg_status (*hash_fn)(const vg_phash_image *, uint64_t *);

static void check_row(char *line) {
    char *f[7];
    char *save = NULL;
    f[0] = strtok_r(line, "\t\n", &save);
    for (int i = 1; i < 7; i++)
        f[i] = strtok_r(NULL, "\t\n", &save);
    cr_assert_not_null(f[6], "short row %s", f[0]);
    uint32_t w = (uint32_t)atoi(f[1]), h = (uint32_t)atoi(f[2]), pw, ph;
    vg_phash_image img = {NULL, w, h, (size_t)w * 3, 3};
    uint8_t *px;
    if (!strncmp(f[0], "synth_", 6)) {
        px = synth(w, h);
    } else {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", VIGIL_TEST_DATA, f[0]);
        px = read_png(path, &pw, &ph);
        cr_assert(pw == w && ph == h, "%s: size", f[0]);
        img.stride = (size_t)w * 4;
        img.channels = 4;
    }
    img.pixels = px;
    const hash_fn fns[4] = {vg_phash_ahash, vg_phash_dhash, vg_phash_phash, vg_phash_clamav};
    const char *names[4] = {"ahash", "dhash", "phash", "fuzzy_img"};
    for (int i = 0; i < 4; i++) {
        uint64_t hv;
        char hex[17];
        cr_assert_eq(fns[i](&img, &hv), VG_OK);
        cr_expect_str_eq(vg_phash_hex(hv, hex), f[3 + i], "%s %s", f[0], names[i]);
    }
    free(px);
}

Test(phash, matches_imagehash_and_sigtool_vectors) {
    FILE *f = fopen(VIGIL_TEST_DATA "/phash/vectors.tsv", "r");
    cr_assert_not_null(f);
    char line[512];
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strncmp(line, "name\t", 5))
            continue;
        check_row(line);
        rows++;
    }
    fclose(f);
    cr_assert_geq(rows, 12);
}

/* ---- hand-derived: sizes that need no resampling ---- */

Test(phash, ahash_of_an_8x8_image_is_its_threshold_map) {
    /* Left half pure red 200, right half pure blue 200: Pillow's L = (19595 * 200 + 32768) >> 16
     * = 60 and (7471 * 200 + 32768) >> 16 = 23; mean 41.5; so each row is 11110000. */
    uint8_t px[8 * 8 * 3] = {0};
    for (int i = 0; i < 64; i++)
        px[3 * i + (i % 8 < 4 ? 0 : 2)] = 200;
    vg_phash_image img = {px, 8, 8, 24, 3};
    uint64_t h;
    char hex[17];
    cr_assert_eq(vg_phash_ahash(&img, &h), VG_OK);
    cr_assert_str_eq(vg_phash_hex(h, hex), "f0f0f0f0f0f0f0f0");
}

Test(phash, dhash_of_a_9x8_image_compares_neighbours) {
    /* Even rows rise left to right (all 8 bits set), odd rows fall (none). Grey input. */
    uint8_t px[9 * 8];
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 9; c++)
            px[9 * r + c] = (uint8_t)(r % 2 ? 200 - 10 * c : 10 + 10 * c);
    vg_phash_image img = {px, 9, 8, 9, 1};
    uint64_t h;
    char hex[17];
    cr_assert_eq(vg_phash_dhash(&img, &h), VG_OK);
    cr_assert_str_eq(vg_phash_hex(h, hex), "ff00ff00ff00ff00");
}

Test(phash, grey_input_equals_rgb_with_equal_channels_and_stride_padding_is_ignored) {
    const uint32_t w = 37, h = 23;
    uint8_t *rgb = synth(w, h), *grey = malloc(w * h), *padded = malloc((size_t)(w * 3 + 5) * h);
    cr_assert(grey && padded);
    for (uint32_t i = 0; i < w * h; i++) /* make R = G = B */
        grey[i] = rgb[3 * i + 1] = rgb[3 * i + 2] = rgb[3 * i];
    for (uint32_t y = 0; y < h; y++) {
        memcpy(padded + (size_t)y * (w * 3 + 5), rgb + (size_t)y * w * 3, w * 3);
        memset(padded + (size_t)y * (w * 3 + 5) + w * 3, 0xa5, 5);
    }
    vg_phash_image a = {rgb, w, h, w * 3, 3}, b = {grey, w, h, w, 1},
                   c = {padded, w, h, w * 3 + 5, 3};
    const hash_fn fns[4] = {vg_phash_ahash, vg_phash_dhash, vg_phash_phash, vg_phash_clamav};
    for (int i = 0; i < 4; i++) {
        uint64_t ha, hb, hc;
        cr_assert_eq(fns[i](&a, &ha), VG_OK);
        cr_assert_eq(fns[i](&b, &hb), VG_OK);
        cr_assert_eq(fns[i](&c, &hc), VG_OK);
        cr_assert_eq(ha, hb, "hash %d: grey differs from R = G = B", i);
        cr_assert_eq(ha, hc, "hash %d: stride padding changed the hash", i);
    }
    free(rgb);
    free(grey);
    free(padded);
}

/* ---- text, distance, errors ---- */

Test(phash, hex_round_trips_and_distance_counts_bits) {
    uint64_t h;
    char hex[17];
    cr_assert_eq(vg_phash_parse("C2924C5532bddfc8", &h), VG_OK);
    cr_assert_eq(h, 0xc2924c5532bddfc8u);
    cr_assert_str_eq(vg_phash_hex(h, hex), "c2924c5532bddfc8");
    cr_assert_str_eq(vg_phash_hex(1, hex), "0000000000000001");
    cr_assert_eq(vg_phash_parse("c2924c5532bddfc", &h), VG_E_FORMAT);
    cr_assert_eq(h, 0);
    cr_assert_eq(vg_phash_parse("c2924c5532bddfcg", &h), VG_E_FORMAT);
    cr_assert_eq(vg_phash_parse("c2924c5532bddfc80", &h), VG_E_FORMAT);
    cr_assert_eq(vg_phash_dist(0, ~0ull), 64);
    cr_assert_eq(vg_phash_dist(0xf0, 0x0f), 8);
}

Test(phash, bad_images_are_refused_and_zero_the_output) {
    uint8_t px[12] = {0};
    uint64_t h = 1;
    vg_phash_image ok = {px, 2, 2, 6, 3};
    vg_phash_image bad[] = {
        {NULL, 2, 2, 6, 3}, {px, 0, 2, 6, 3}, {px, 2, 0, 6, 3}, {px, 2, 2, 6, 2}, {px, 2, 2, 5, 3},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cr_assert_eq(vg_phash_phash(&bad[i], &h), VG_E_INVAL, "case %zu", i);
        cr_assert_eq(h, 0);
        h = 1;
    }
    cr_assert_eq(vg_phash_ahash(NULL, &h), VG_E_INVAL);
    vg_phash_image wide = {px, VG_PHASH_MAX_SIDE + 1, 1, 3 * ((size_t)VG_PHASH_MAX_SIDE + 1), 3};
    cr_assert_eq(vg_phash_clamav(&wide, &h), VG_E_LIMIT);
    cr_assert_eq(vg_phash_dhash(&ok, &h), VG_OK);
}
