/*
 * test_pdq_screen.c — vg_pdq_hash_image(): the exact path equals the reference; the screen
 * never loses a match the exact path finds, on corpus photos and transformed copies made here
 * (re-encode, progressive, mirror, rotate, grey, resize, crop, border, letterbox, caption bar):
 * every screening hash is within the margin of its exact hash, and a list holding codes at
 * distances 0..60 from the exact hashes gets the same matches either way. Borders always take
 * the exact path; small images, other formats, --exact-decode and the CLI convention are never
 * screened; errors are clean.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/pdq_screen.h"

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

TestSuite(pdq_screen, .init = setup, .fini = teardown);

/* ---- a list of codes, searched by brute force, that also records what it was asked ---- */

#define MAX_CODES 64

struct list {
    uint8_t code[MAX_CODES][VG_PDQ_LEN];
    size_t n;
    int calls;
    int worst; /* largest d(screen dihedral k, exact dihedral k) seen, when exact is set */
    const vg_pdq_result *exact;
    vg_status fail; /* returned by the probe when not VG_OK */
};

static vg_status probe(void *ctx, const uint8_t *codes, size_t n, unsigned radius,
                       bool *candidate) {
    struct list *l = ctx;
    l->calls++;
    cr_assert_eq(n, VG_PDQ_NUM_DIHEDRAL);
    cr_assert_eq(radius, VG_PDQ_MATCH_RADIUS + VG_PDQ_SCREEN_MARGIN);
    for (size_t q = 0; q < n; q++) {
        if (l->exact) {
            int d = vg_pdq_distance(codes + q * VG_PDQ_LEN, l->exact->dihedral[q]);
            l->worst = d > l->worst ? d : l->worst;
        }
        for (size_t i = 0; i < l->n; i++)
            *candidate |= vg_pdq_distance(codes + q * VG_PDQ_LEN, l->code[i]) <= (int)radius;
    }
    return l->fail;
}

/* Bit mask of the list codes within the match radius of any dihedral hash of r. */
static uint64_t matches(const struct list *l, const vg_pdq_result *r) {
    uint64_t m = 0;
    for (size_t i = 0; i < l->n; i++)
        for (int k = 0; k < VG_PDQ_NUM_DIHEDRAL; k++)
            if (vg_pdq_distance(r->dihedral[k], l->code[i]) <= VG_PDQ_MATCH_RADIUS)
                m |= 1ull << i;
    return m;
}

/* A code d bits from h (bits spread over the hash). */
static void flip(const uint8_t h[VG_PDQ_LEN], int d, unsigned seed, uint8_t out[VG_PDQ_LEN]) {
    memcpy(out, h, VG_PDQ_LEN);
    for (int i = 0; i < d; i++) {
        unsigned b = (seed * 37u + (unsigned)i * 97u) % 256u;
        while (vg_pdq_bit(out, b) != vg_pdq_bit(h, b))
            b = (b + 1) % 256u;
        out[31 - b / 8] ^= (uint8_t)(1u << (b % 8));
    }
}

/* ---- pixels ---- */

struct pix {
    uint8_t *px;
    uint32_t w, h;
    unsigned ch;
};

static struct pix load(const char *name) {
    char path[512];
    size_t n;
    snprintf(path, sizeof path, "%s/photos/%s", VIGIL_TEST_DATA, name);
    uint8_t *buf = tu_slurp(path, &n);
    cr_assert_not_null(buf, "%s", path);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK);
    struct pix p = {malloc((size_t)im.width * im.height * 3), im.width, im.height, 3};
    for (uint32_t y = 0; y < im.height; y++)
        for (uint32_t x = 0; x < im.width; x++)
            for (unsigned c = 0; c < 3; c++)
                p.px[((size_t)y * im.width + x) * 3 + c] =
                    im.pixels[y * im.stride + x * im.channels + (im.channels == 3 ? c : 0)];
    free(buf);
    return p;
}

enum tx {
    T_Q85,
    T_PROG,
    T_MIRROR,
    T_ROT90,
    T_GREY,
    T_RESIZE,
    T_CROP,
    T_BORDER,
    T_THIN,
    T_LETTERBOX,
    T_CAPTION,
    T_COUNT
};
static const char *const tx_name[T_COUNT] = {
    "q85",  "progressive q90", "mirror",          "rot90",     "grey",       "resize 70%",
    "crop", "border 4%",       "thinnest border", "letterbox", "caption bar"};

/* A transformed copy of p (RGB, or grey for T_GREY). */
static struct pix transform(const struct pix *p, enum tx t) {
    uint32_t w = p->w, h = p->h, pad = 0, padx = 0, pady = 0, top = 0, bottom = 0;
    if (t == T_ROT90)
        w = p->h, h = p->w;
    if (t == T_RESIZE)
        w = p->w * 7 / 10, h = p->h * 7 / 10;
    if (t == T_CROP)
        w = p->w * 9 / 10, h = p->h * 9 / 10;
    if (t == T_BORDER)
        pad = p->w / 25, w += 2 * pad, h += 2 * pad;
    if (t == T_THIN) { /* the thinnest white border vg_trim_detect() accepts: side / 200 px */
        while (padx < 2 || padx < (p->w + 2 * padx) / 200)
            padx++;
        while (pady < 2 || pady < (p->h + 2 * pady) / 200)
            pady++;
        w += 2 * padx, h += 2 * pady;
    }
    if (t == T_LETTERBOX)
        top = bottom = p->h / 8, h += top + bottom;
    if (t == T_CAPTION)
        bottom = p->h / 10, h += bottom;
    struct pix q = {malloc((size_t)w * h * 3), w, h, t == T_GREY ? 1 : 3};
    for (uint32_t y = 0; y < h; y++)
        for (uint32_t x = 0; x < w; x++) {
            uint8_t *o = q.px + ((size_t)y * w + x) * q.ch;
            int64_t sx = x, sy = y;
            if (t == T_MIRROR)
                sx = p->w - 1 - x;
            if (t == T_ROT90)
                sx = p->w - 1 - y, sy = x;
            if (t == T_RESIZE)
                sx = x * 10 / 7, sy = y * 10 / 7;
            if (t == T_CROP)
                sx = x + p->w / 20, sy = y + p->h / 20;
            sx -= pad + padx;
            sy -= pad + pady + top;
            bool in = sx >= 0 && sy >= 0 && sx < p->w && sy < p->h;
            const uint8_t *s = p->px + ((size_t)sy * p->w + (size_t)sx) * 3;
            if (t == T_GREY) {
                o[0] = (uint8_t)((299 * s[0] + 587 * s[1] + 114 * s[2] + 500) / 1000);
                continue;
            }
            bool text =
                t == T_CAPTION && !in && y % 40 > 10 && y % 40 < 24 && x % 16 < 9 && x < w / 3;
            for (unsigned c = 0; c < 3; c++)
                o[c] = in ? s[c] : t == T_LETTERBOX ? 0 : text ? 30 : 255;
        }
    return q;
}

/* ---- the property ---- */

/* Hash the copy both ways against a list near its exact hashes; they must agree. */
static void check_copy(const uint8_t *jpg, size_t n, const char *what, int *screened_out,
                       bool bordered) {
    vg_pdq_hashes e, s;
    vg_pdq_screen_opts o = {.trim = true};
    cr_assert_eq(vg_pdq_hash_image(dec, pq, jpg, n, &o, &e), VG_OK, "%s", what);
    cr_assert(e.exact && !e.screened, "%s", what);
    if (bordered)
        cr_expect(e.trimmed, "%s: the exact path finds the border", what);
    static const int dist[] = {0, 16, 31, 32, 40, 47, 48, 60};
    for (int with_unrelated = 0; with_unrelated < 2; with_unrelated++) {
        struct list l = {.exact = &e.plain};
        for (size_t i = 0; i < sizeof dist / sizeof *dist; i++) {
            flip(e.plain.dihedral[i % 8], dist[i], (unsigned)i, l.code[l.n++]);
            if (e.trimmed)
                flip(e.trim.dihedral[(i + 3) % 8], dist[i], (unsigned)i + 9, l.code[l.n++]);
        }
        if (with_unrelated) /* only codes far away: the screen should find nothing */
            for (size_t i = 0; i < l.n; i++)
                flip(e.plain.dihedral[0], 100 + (int)i, (unsigned)i, l.code[i]);
        uint64_t want = matches(&l, &e.plain) | (e.trimmed ? matches(&l, &e.trim) : 0);
        o.probe = probe;
        o.probe_ctx = &l;
        cr_assert_eq(vg_pdq_hash_image(dec, pq, jpg, n, &o, &s), VG_OK, "%s", what);
        uint64_t got = 0;
        if (s.exact) {
            cr_assert_eq(memcmp(&s.plain, &e.plain, sizeof e.plain), 0, "%s", what);
            cr_assert_eq(s.trimmed, e.trimmed, "%s", what);
            got = matches(&l, &s.plain) | (s.trimmed ? matches(&l, &s.trim) : 0);
        } else {
            (*screened_out)++;
        }
        cr_expect_eq(got, want, "%s: screened matches %llx, exact %llx", what,
                     (unsigned long long)got, (unsigned long long)want);
        cr_expect_leq(l.worst, VG_PDQ_SCREEN_MARGIN, "%s: screen %d bits from exact", what,
                      l.worst);
        if (e.trimmed)
            cr_expect_eq(l.calls, 0, "%s: a border must take the exact path", what);
        if (!e.trimmed && !with_unrelated)
            cr_expect(s.screened && s.screen_denom >= 2, "%s: large JPEG screened", what);
    }
}

static void check_photo(const char *name, int min_screened_out) {
    struct pix p = load(name);
    int screened_out = 0;
    for (int t = 0; t < T_COUNT; t++) {
        struct pix q = transform(&p, (enum tx)t);
        size_t n;
        uint8_t *jpg =
            tu_jpeg_encode(q.w, q.h, q.ch, q.px, t == T_PROG ? 90 : 85, t == T_PROG, 0, &n);
        char what[128];
        snprintf(what, sizeof what, "%s %s", name, tx_name[t]);
        check_copy(jpg, n, what, &screened_out, t == T_BORDER || t == T_THIN);
        free(jpg);
        free(q.px);
    }
    /* The unrelated lists let the screen skip the exact work (unless a side may be a border). */
    cr_expect_geq(screened_out, min_screened_out, "%s: screened out %d times", name, screened_out);
    free(p.px);
}

Test(pdq_screen, never_loses_a_match_kite, .timeout = 240) {
    check_photo("kde_Kite_2560x1600.jpg", 3);
}

Test(pdq_screen, never_loses_a_match_grey_jpeg, .timeout = 240) {
    check_photo("kde_Grey_2560x1600.jpg", 0);
}

Test(pdq_screen, never_loses_a_match_flow, .timeout = 240) {
    check_photo("kde_Flow_720x1440.jpg", 0);
}

Test(pdq_screen, never_loses_a_match_hubble, .timeout = 240) {
    check_photo("sk_hubble_deep_field.jpg", 0);
}

/* ---- the paths ---- */

static uint8_t *data(const char *rel, size_t *n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", VIGIL_TEST_DATA, rel);
    uint8_t *b = tu_slurp(path, n);
    cr_assert_not_null(b, "%s", path);
    return b;
}

Test(pdq_screen, exact_path_equals_reference_tsv) {
    size_t n;
    uint8_t *b = data("photos/kde_Kite_2560x1600.jpg", &n);
    vg_pdq_hashes h;
    char hex[65];
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, NULL, &h), VG_OK);
    cr_assert(h.exact && !h.screened && !h.trimmed);
    cr_assert_eq(h.format, VG_IMG_JPEG);
    cr_assert(h.width == 2560 && h.height == 1600);
    /* pdq_reference_fullres.tsv, kde_Kite_2560x1600.jpg */
    tu_tsv t;
    char path[512];
    snprintf(path, sizeof path, "%s/photos/pdq_reference_fullres.tsv", VIGIL_TEST_DATA);
    cr_assert_eq(tu_tsv_load(path, &t), 0);
    size_t r = 1;
    while (r < t.nrows && strcmp(tu_tsv_get(&t, r, "filename"), "kde_Kite_2560x1600.jpg"))
        r++;
    cr_assert_lt(r, t.nrows);
    cr_expect_str_eq(vg_pdq_to_hex(h.plain.hash, hex), tu_tsv_get(&t, r, "pdq_hex_fullres"));
    cr_expect_str_eq(vg_pdq_to_hex(h.plain.dihedral[5], hex), tu_tsv_get(&t, r, "dih_flipy"));
    cr_expect_eq(h.plain.quality, atoi(tu_tsv_get(&t, r, "quality_fullres")));
    tu_tsv_free(&t);
    free(b);
}

Test(pdq_screen, no_candidate_means_no_exact_work) {
    size_t n;
    uint8_t *b = data("photos/kde_Kite_2560x1600.jpg", &n);
    struct list l = {0};
    vg_pdq_screen_opts o = {.trim = true, .probe = probe, .probe_ctx = &l};
    vg_pdq_hashes h;
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, &o, &h), VG_OK);
    cr_assert_eq(l.calls, 1);
    cr_assert(h.screened && !h.exact && h.screen_denom == 8, "1600 / 8 = 200 >= 200");
    cr_assert(h.has_screen, "the screening hashes are given for a cache");
    vg_pdq_hashes e;
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, NULL, &e), VG_OK);
    for (int k = 0; k < VG_PDQ_NUM_DIHEDRAL; k++)
        cr_expect_leq(vg_pdq_distance(h.screen[k], e.plain.dihedral[k]), VG_PDQ_SCREEN_MARGIN);
    cr_assert(h.width == 2560 && h.height == 1600 && h.format == VG_IMG_JPEG);
    static const uint8_t zero[VG_PDQ_LEN];
    cr_assert_eq(memcmp(h.plain.hash, zero, VG_PDQ_LEN), 0, "no hash is given out");
    /* --exact-decode and the CLI convention never screen. */
    o.exact_decode = true;
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, &o, &h), VG_OK);
    o.exact_decode = false;
    o.conv = VG_PDQ_CLI;
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, &o, &h), VG_OK);
    cr_assert(h.exact && !h.screened);
    cr_assert_eq(l.calls, 1);
    free(b);
}

Test(pdq_screen, screened_at_the_largest_scale_keeping_200_px) {
    /* Both sides >= 2 x 200 px: the largest of 1/8, 1/4, 1/2 keeping both sides >= 200 px. */
    static const struct {
        const char *file;
        unsigned denom;
    } want[] = {{"photos/kde_Kite_2560x1600.jpg", 8},
                {"photos/kde_Flow_720x1440.jpg", 2},
                {"photos/sk_hubble_deep_field.jpg", 4},
                {"photos/sk_rocket.jpg", 2}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        size_t n;
        uint8_t *b = data(want[i].file, &n);
        struct list l = {0};
        vg_pdq_screen_opts o = {.probe = probe, .probe_ctx = &l};
        vg_pdq_hashes h;
        cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, &o, &h), VG_OK, "%s", want[i].file);
        cr_expect(h.screened && !h.exact && l.calls == 1, "%s", want[i].file);
        cr_expect_eq(h.screen_denom, want[i].denom, "%s", want[i].file);
        free(b);
    }
}

Test(pdq_screen, small_jpeg_and_png_are_not_screened) {
    const char *files[] = {"photos/kde_Autumn_screenshot.jpg", "photos/sk_astronaut.png",
                           "photos/kde_MilkyWay_1080x1920.png"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        size_t n;
        uint8_t *b = data(files[i], &n);
        struct list l = {0};
        vg_pdq_screen_opts o = {.probe = probe, .probe_ctx = &l};
        vg_pdq_hashes h;
        cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, &o, &h), VG_OK, "%s", files[i]);
        cr_expect(h.exact && !h.screened && l.calls == 0, "%s", files[i]);
        free(b);
    }
}

Test(pdq_screen, errors_are_clean) {
    size_t n;
    uint8_t *b = data("photos/kde_Kite_2560x1600.jpg", &n);
    struct list l = {.fail = VG_E_IO};
    vg_pdq_screen_opts o = {.probe = probe, .probe_ctx = &l};
    vg_pdq_hashes h;
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n, &o, &h), VG_E_IO, "the probe's status");
    cr_assert(!h.exact && !h.screened);
    l.fail = VG_OK;
    /* Truncated: the screen's decode fails, the exact path reports why. */
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, n / 2, &o, &h), VG_E_FORMAT);
    cr_assert_neq(vg_img_dec_errmsg(dec)[0], '\0');
    cr_assert(!h.exact && !h.screened);
    cr_assert_eq(vg_pdq_hash_image(dec, pq, "", 0, &o, &h), VG_E_UNSUPPORTED);
    cr_assert_eq(vg_pdq_hash_image(dec, pq, b, 3, &o, &h), VG_E_FORMAT);
    free(b);
}

/* ---- vg_pdq_hash_reduced() ---- */

static int max_dist(const vg_pdq_result *a, const vg_pdq_result *b) {
    int m = 0;
    for (int k = 0; k < VG_PDQ_NUM_DIHEDRAL; k++) {
        int d = vg_pdq_distance(a->dihedral[k], b->dihedral[k]);
        m = d > m ? d : m;
    }
    return m;
}

/* From DCT-scaled decodes of a photo (exact IDCT RGB, and the screen's luma), the estimate
 * stays near the exact hash at every scale the screen uses (sides >= 128 px, up to max_denom),
 * nearer than plain PDQ of the small copy. */
static void check_reduced(const char *file, unsigned max_denom, int bound) {
    size_t n;
    uint8_t *b = data(file, &n);
    vg_img im;
    vg_pdq_result e, r, plain;
    cr_assert_eq(vg_img_decode(dec, b, n, &im), VG_OK);
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    cr_assert_eq(vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &e), VG_OK);
    cr_assert_eq(vg_pdq_hash_reduced(pq, &pi, im.width, im.height, 1, VG_PDQ_DIHEDRAL, &r), VG_OK);
    cr_expect_leq(max_dist(&r, &e), bound, "%s at 1/1: %d", file, max_dist(&r, &e));
    for (unsigned denom = 2; denom <= max_denom; denom *= 2)
        for (int luma = 0; luma < 2; luma++) {
            if (luma)
                cr_assert_eq(vg_img_decode_screen(dec, b, n, VG_PDQ_SCREEN_MIN_SIDE, &im), VG_OK);
            else
                cr_assert_eq(vg_img_decode_scaled(dec, b, n, denom, 0, &im), VG_OK);
            if (luma && im.scale_denom != denom)
                continue; /* the screen decode takes the largest scale */
            vg_pdq_image si = {im.pixels, im.width, im.height, im.stride, im.channels};
            cr_assert_eq(vg_pdq_hash_reduced(pq, &si, im.full_width, im.full_height, denom,
                                             VG_PDQ_DIHEDRAL, &r),
                         VG_OK);
            cr_assert_eq(vg_pdq_hash(pq, &si, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &plain), VG_OK);
            int dr = max_dist(&r, &e), dp = max_dist(&plain, &e);
            cr_expect_leq(dr, bound, "%s 1/%u luma %d: %d bits", file, denom, luma, dr);
            cr_log_info("%s 1/%u luma %d: estimate %d bits, plain PDQ of the copy %d", file, denom,
                        luma, dr, dp);
            if (denom == max_denom)
                cr_expect_lt(dr, dp, "%s 1/%u: the estimate beats plain PDQ of the copy", file,
                             denom);
            cr_expect_eq(r.quality > 0, true);
        }
    free(b);
}

Test(pdq_screen, reduced_hash_estimates_the_exact_one) {
    check_reduced("photos/kde_Kite_2560x1600.jpg", 8, 6);
    check_reduced("photos/kde_Flow_720x1440.jpg", 2, 6);
    check_reduced("photos/sk_hubble_deep_field.jpg", 4, 8);
}

Test(pdq_screen, reduced_hash_checks_its_arguments) {
    static uint8_t px[40 * 30 * 3];
    for (size_t i = 0; i < sizeof px; i++)
        px[i] = (uint8_t)(i * 7u);
    vg_pdq_image im = {px, 40, 30, 40 * 3, 3};
    vg_pdq_result r;
    cr_assert_eq(vg_pdq_hash_reduced(pq, &im, 320, 240, 8, 0, &r), VG_OK);
    cr_assert(!r.too_small && !r.has_dihedral);
    cr_assert_eq(vg_pdq_hash_reduced(pq, &im, 313, 233, 8, VG_PDQ_DIHEDRAL, &r), VG_OK,
                 "ceil(313 / 8) = 40, ceil(233 / 8) = 30");
    cr_assert(r.has_dihedral);
    cr_assert_eq(vg_pdq_hash_reduced(pq, &im, 321, 240, 8, 0, &r), VG_E_INVAL, "41 columns");
    cr_assert_eq(vg_pdq_hash_reduced(pq, &im, 320, 232, 8, 0, &r), VG_E_INVAL, "29 rows");
    cr_assert_eq(vg_pdq_hash_reduced(pq, &im, 40, 30, 0, 0, &r), VG_E_INVAL);
    cr_assert_eq(vg_pdq_hash_reduced(pq, &im, 40 * 65, 30 * 65, 65, 0, &r), VG_E_INVAL);
    cr_assert_eq(vg_pdq_hash_reduced(NULL, &im, 320, 240, 8, 0, &r), VG_E_INVAL);
    static const uint8_t zero[VG_PDQ_LEN];
    cr_assert_eq(memcmp(r.hash, zero, VG_PDQ_LEN), 0, "zeroed on failure");
    vg_pdq_image tiny = {px, 1, 30, 3, 3};
    cr_assert_eq(vg_pdq_hash_reduced(pq, &tiny, 4, 240, 8, 0, &r), VG_OK);
    cr_assert(r.too_small && r.quality == 0, "a side < 5 px at full size, as the exact hash");
}
