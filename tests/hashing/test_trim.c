/*
 * test_trim.c — uniform-border detection on synthetic images (padding, letterbox, pillarbox,
 * screenshot bar, frame, noisy bars, none, flat, thin), and the point of it: a photo with a 4%
 * white border is ~100 bits from the original by PDQ, its trimmed content 0 bits.
 */
#include <criterion/criterion.h>

#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/pdq.h"
#include "vigil/trim.h"

static uint64_t rng_state = 7;
static unsigned rnd(void) {
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (unsigned)(rng_state >> 33);
}

/* A w x h RGB image: textured content at (cx, cy, cw, ch), border colour elsewhere, with each
 * border sample moved by up to +-noise. */
struct pic {
    uint8_t *px;
    vg_pdq_image im;
};

static struct pic make(uint32_t w, uint32_t h, vg_trim_rect c, const uint8_t col[3],
                       unsigned noise) {
    struct pic p;
    p.px = malloc((size_t)w * h * 3);
    cr_assert_not_null(p.px);
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *q = p.px + 3 * ((size_t)y * w + x);
            int in = x >= c.x && x < c.x + c.width && y >= c.y && y < c.y + c.height;
            for (int k = 0; k < 3; k++) {
                int v = in ? (int)(rnd() % 256)
                           : col[k] + (noise ? (int)(rnd() % (2 * noise + 1)) - (int)noise : 0);
                q[k] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
            }
        }
    p.im = (vg_pdq_image){p.px, w, h, (size_t)w * 3, 3};
    return p;
}

static void expect_rect(const vg_pdq_image *im, vg_trim_rect want, bool want_trimmed) {
    vg_trim_rect r;
    bool t;
    cr_assert_eq(vg_trim_detect(im, NULL, &r, &t), VG_OK);
    cr_assert_eq(t, want_trimmed);
    cr_assert(r.x == want.x && r.y == want.y && r.width == want.width && r.height == want.height,
              "rect %u,%u %ux%u, want %u,%u %ux%u", r.x, r.y, r.width, r.height, want.x, want.y,
              want.width, want.height);
}

static const uint8_t white[3] = {255, 255, 255}, black[3] = {0, 0, 0}, grey[3] = {60, 62, 70};

Test(trim, padding_on_all_sides_is_removed) {
    vg_trim_rect c = {9, 9, 200, 150};
    struct pic p = make(218, 168, c, white, 0);
    expect_rect(&p.im, c, true);
    free(p.px);
}

Test(trim, letterbox_and_pillarbox_bars_are_removed) {
    vg_trim_rect c = {0, 30, 320, 240};
    struct pic p = make(320, 300, c, black, 0);
    expect_rect(&p.im, c, true);
    free(p.px);
    c = (vg_trim_rect){40, 0, 240, 180};
    p = make(320, 180, c, black, 0);
    expect_rect(&p.im, c, true);
    free(p.px);
}

Test(trim, a_screenshot_bar_on_one_side_is_removed) {
    vg_trim_rect c = {0, 24, 300, 200};
    struct pic p = make(300, 224, c, grey, 0);
    expect_rect(&p.im, c, true);
    free(p.px);
}

Test(trim, caption_bars_with_text_are_removed_up_to_the_picture) {
    vg_trim_rect c = {0, 0, 300, 200};
    struct pic p = make(300, 236, c, white, 0);
    for (uint32_t y = 212; y < 224; y++) /* "text": dark marks on 30% of the bar's middle rows */
        for (uint32_t x = 20; x < 300; x++)
            if (x % 10 < 3)
                memset(p.px + 3 * ((size_t)y * 300 + x), 10, 3);
    expect_rect(&p.im, c, true);
    free(p.px);
}

Test(trim, noisy_bars_within_tolerance_are_removed) {
    vg_trim_rect c = {12, 20, 256, 160};
    struct pic p = make(280, 200, c, grey, 12); /* JPEG-like noise, under the tolerance of 24 */
    expect_rect(&p.im, c, true);
    free(p.px);
}

Test(trim, no_border_flat_image_and_thin_border_give_the_whole_image) {
    vg_trim_rect all = {0, 0, 120, 90};
    struct pic p = make(120, 90, all, black, 0); /* all content */
    expect_rect(&p.im, all, false);
    free(p.px);
    p = make(120, 90, (vg_trim_rect){0, 0, 0, 0}, grey, 0); /* all border: flat */
    expect_rect(&p.im, all, false);
    free(p.px);
    p = make(120, 90, (vg_trim_rect){1, 1, 118, 88}, white, 0); /* 1 px frame: edge noise */
    expect_rect(&p.im, all, false);
    free(p.px);
}

Test(trim, grey_images_are_trimmed_too) {
    uint8_t px[64 * 48];
    for (int i = 0; i < 64 * 48; i++) {
        px[i] = (uint8_t)(i / 64 < 6 ? 250 : rnd() % 256); /* 6 rows of near-white on top */
    }
    vg_pdq_image im = {px, 64, 48, 64, 1};
    expect_rect(&im, (vg_trim_rect){0, 6, 64, 42}, true);
}

Test(trim, apply_gives_the_sub_image_in_place_and_checks_the_rect) {
    uint8_t px[10 * 8 * 3] = {0};
    vg_pdq_image im = {px, 10, 8, 30, 3}, sub;
    cr_assert_eq(vg_trim_apply(&im, &(vg_trim_rect){2, 3, 5, 4}, &sub), VG_OK);
    cr_assert(sub.pixels == px + 3 * 30 + 2 * 3 && sub.width == 5 && sub.height == 4);
    cr_assert_eq(sub.stride, 30);
    cr_assert_eq(vg_trim_apply(&im, &(vg_trim_rect){2, 3, 9, 4}, &sub), VG_E_INVAL);
    cr_assert_null(sub.pixels);
    cr_assert_eq(vg_trim_apply(&im, &(vg_trim_rect){0, 0, 0, 4}, &sub), VG_E_INVAL);
    vg_trim_rect r;
    bool t;
    vg_pdq_image bad = {px, 10, 8, 30, 4};
    cr_assert_eq(vg_trim_detect(&bad, NULL, &r, &t), VG_E_INVAL);
    vg_trim_opts o = {0, 1.5, 0};
    cr_assert_eq(vg_trim_detect(&im, &o, &r, &t), VG_E_INVAL);
}

/* ---- the gain, on a real photo ---- */

static uint8_t *read_png_rgb(const char *path, uint32_t *w, uint32_t *h) {
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    cr_assert(png_image_begin_read_from_file(&pi, path), "%s", pi.message);
    pi.format = PNG_FORMAT_RGB;
    uint8_t *p = malloc(PNG_IMAGE_SIZE(pi));
    cr_assert_not_null(p);
    cr_assert(png_image_finish_read(&pi, NULL, p, 0, NULL), "%s", pi.message);
    *w = pi.width;
    *h = pi.height;
    return p;
}

Test(trim, a_four_percent_white_border_defeats_pdq_and_trimming_restores_it) {
    uint32_t w, h;
    uint8_t *orig = read_png_rgb(VIGIL_TEST_DATA "/photos/sk_coffee.png", &w, &h);
    uint32_t b = w * 4 / 100, bw = w + 2 * b, bh = h + 2 * b;
    uint8_t *big = malloc((size_t)bw * bh * 3);
    cr_assert_not_null(big);
    memset(big, 255, (size_t)bw * bh * 3);
    for (uint32_t y = 0; y < h; y++)
        memcpy(big + ((size_t)(y + b) * bw + b) * 3, orig + (size_t)y * w * 3, (size_t)w * 3);
    vg_pdq_image a = {orig, w, h, (size_t)w * 3, 3}, bordered = {big, bw, bh, (size_t)bw * 3, 3};
    vg_pdq_image sub;
    vg_pdq *pdq;
    vg_pdq_result ra, rb, rt;
    vg_trim_rect r;
    bool t;
    cr_assert_eq(vg_pdq_open(&pdq), VG_OK);
    cr_assert_eq(vg_pdq_hash(pdq, &a, VG_PDQ_FULLRES, 0, &ra), VG_OK);
    cr_assert_eq(vg_pdq_hash(pdq, &bordered, VG_PDQ_FULLRES, 0, &rb), VG_OK);
    cr_assert_eq(vg_trim_detect(&bordered, NULL, &r, &t), VG_OK);
    cr_assert(t);
    cr_assert(r.x == b && r.y == b && r.width == w && r.height == h);
    cr_assert_eq(vg_trim_apply(&bordered, &r, &sub), VG_OK);
    cr_assert_eq(vg_pdq_hash(pdq, &sub, VG_PDQ_FULLRES, 0, &rt), VG_OK);
    int plain = vg_pdq_distance(ra.hash, rb.hash), trimmed = vg_pdq_distance(ra.hash, rt.hash);
    cr_log_info("4%% border: plain PDQ distance %d, trimmed %d", plain, trimmed);
    cr_assert_gt(plain, VG_PDQ_MATCH_RADIUS);
    cr_assert_eq(trimmed, 0);
    vg_pdq_free(pdq);
    free(big);
    free(orig);
}

/* ---- the screen's loose test ---- */

/* Whenever vg_trim_detect() trims, vg_trim_maybe() says so, also on a 2x box-averaged copy
 * (what a DCT-scaled decode does to a border); pure content says no. */
Test(trim, maybe_is_true_whenever_detect_trims) {
    const struct {
        vg_trim_rect c;
        uint32_t w, h;
        const uint8_t *col;
        unsigned noise;
    } cases[] = {{{9, 9, 200, 150}, 218, 168, white, 0},   {{0, 30, 320, 240}, 320, 300, black, 0},
                 {{40, 0, 240, 180}, 320, 180, black, 0},  {{0, 24, 300, 200}, 300, 224, grey, 0},
                 {{12, 20, 256, 160}, 280, 200, grey, 12}, {{0, 0, 120, 90}, 120, 90, black, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct pic p = make(cases[i].w, cases[i].h, cases[i].c, cases[i].col, cases[i].noise);
        vg_trim_rect r;
        bool t, m, m2;
        cr_assert_eq(vg_trim_detect(&p.im, NULL, &r, &t), VG_OK);
        cr_assert_eq(vg_trim_maybe(&p.im, NULL, &m), VG_OK);
        cr_expect_eq(m, t, "case %zu: maybe %d, trimmed %d", i, m, t);
        uint32_t w2 = cases[i].w / 2, h2 = cases[i].h / 2;
        uint8_t *half = malloc((size_t)w2 * h2 * 3);
        for (uint32_t y = 0; y < h2; y++)
            for (uint32_t x = 0; x < w2; x++)
                for (int k = 0; k < 3; k++) {
                    const uint8_t *s = p.px + ((size_t)2 * y * cases[i].w + 2 * x) * 3 + k;
                    size_t row = (size_t)cases[i].w * 3;
                    half[((size_t)y * w2 + x) * 3 + k] =
                        (uint8_t)((s[0] + s[3] + s[row] + s[row + 3] + 2) / 4);
                }
        vg_pdq_image hi = {half, w2, h2, (size_t)w2 * 3, 3};
        cr_assert_eq(vg_trim_maybe(&hi, NULL, &m2), VG_OK);
        cr_expect(!t || m2, "case %zu: border lost at half size", i);
        free(half);
        free(p.px);
    }
    uint8_t px[4 * 4 * 3] = {0};
    vg_pdq_image bad = {px, 4, 4, 12, 2};
    bool m;
    cr_assert_eq(vg_trim_maybe(&bad, NULL, &m), VG_E_INVAL);
}
