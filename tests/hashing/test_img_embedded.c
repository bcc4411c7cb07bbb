/* test_img_embedded.c — images inside other files, found without decoding: a JPEG's EXIF
 * thumbnail (vg_img_exif_thumbnail) and a PDF's JPEG streams (vg_img_pdf_next_jpeg). Each found
 * image must decode and match its source photo's PDQ; hostile pointers, truncations and bit
 * flips (seeded, printed) must never read out of bounds (ASan) and give only the documented
 * answers. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"

#include "img_embed.h"
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

TestSuite(img_embedded, .init = setup, .fini = teardown);

/* ---- helpers ---- */

static unsigned test_seed(const char *test) {
    const char *e = getenv("VIGIL_TEST_SEED");
    unsigned seed = e ? (unsigned)strtoul(e, NULL, 10) : 20261123u;
    printf("%s: seed %u (set VIGIL_TEST_SEED to replay)\n", test, seed);
    return seed;
}

static void pdq_of(const uint8_t *buf, size_t n, uint8_t out[VG_PDQ_LEN], uint32_t *w) {
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK, "%s", vg_img_dec_errmsg(dec));
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    vg_pdq_result r;
    cr_assert_eq(vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, 0, &r), VG_OK);
    memcpy(out, r.hash, VG_PDQ_LEN);
    if (w)
        *w = im.width;
}

/* A corpus photo as a JPEG (quality 90), and a 1/4-size box-filtered thumbnail of it as a JPEG
 * (quality 80), as a camera would store it. */
static void photo_and_thumb(const char *name, uint8_t **jpg, size_t *n, uint8_t **thumb, size_t *tn,
                            uint32_t *w, uint32_t *h) {
    char path[512];
    size_t fn;
    snprintf(path, sizeof path, "%s/photos/%s", VIGIL_TEST_DATA, name);
    uint8_t *file = tu_slurp(path, &fn);
    cr_assert_not_null(file, "%s", path);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, file, fn, &im), VG_OK);
    cr_assert_eq(im.channels, 3);
    uint32_t tw = im.width / 4, th = im.height / 4;
    uint8_t *px = malloc((size_t)im.width * im.height * 3);
    for (uint32_t y = 0; y < im.height; y++)
        memcpy(px + (size_t)y * im.width * 3, im.pixels + y * im.stride, (size_t)im.width * 3);
    uint8_t *small = te_quarter(px, im.width, im.height, 3);
    *w = im.width;
    *h = im.height;
    *jpg = tu_jpeg_encode(im.width, im.height, 3, px, 90, 0, 0, n);
    *thumb = tu_jpeg_encode(tw, th, 3, small, 80, 0, 0, tn);
    cr_assert(*jpg && *thumb);
    free(small);
    free(px);
    free(file);
}

/* ---- EXIF thumbnails ---- */

Test(img_embedded, exif_thumbnail_found_and_matches_the_photo) {
    uint8_t *jpg, *thumb, main_hash[VG_PDQ_LEN], th_hash[VG_PDQ_LEN];
    size_t n, tn, off, len;
    uint32_t w, h, tw;
    photo_and_thumb("sk_chelsea.png", &jpg, &n, &thumb, &tn, &w, &h);
    cr_assert_eq(vg_img_exif_thumbnail(jpg, n, &off, &len), VG_E_NOTFOUND, "no Exif segment");
    pdq_of(jpg, n, main_hash, NULL);
    for (int be = 0; be <= 1; be++) {
        size_t en;
        uint8_t *ex = te_jpeg_with_exif(jpg, n, thumb, tn, be, &en);
        cr_assert_eq(vg_img_exif_thumbnail(ex, en, &off, &len), VG_OK, "%s", be ? "MM" : "II");
        cr_assert_eq(off, TE_EXIF_TIFF_AT + TE_EXIF_THUMB_DATA);
        cr_assert_eq(len, tn);
        cr_assert_arr_eq(ex + off, thumb, tn);
        pdq_of(ex + off, len, th_hash, &tw);
        cr_assert_eq(tw, w / 4);
        int d = vg_pdq_distance(main_hash, th_hash);
        printf("exif thumbnail %ux (%s): PDQ distance to the photo %d\n", tw,
               be ? "big-endian" : "little-endian", d);
        cr_expect_leq(d, VG_PDQ_MATCH_RADIUS);
        pdq_of(ex, en, th_hash, NULL);
        cr_expect_arr_eq(th_hash, main_hash, VG_PDQ_LEN, "the photo itself is unchanged");
        free(ex);
    }
    cr_assert_eq(vg_img_exif_thumbnail(thumb, tn, &off, &len), VG_E_NOTFOUND);
    cr_assert_eq(vg_img_exif_thumbnail("\x89PNG\r\n\x1a\n", 8, &off, &len), VG_E_NOTFOUND);
    cr_assert_eq(vg_img_exif_thumbnail(NULL, 0, &off, &len), VG_E_NOTFOUND);
    free(jpg);
    free(thumb);
}

static void put_le(uint8_t *p, uint32_t v, int bytes) {
    for (int i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

Test(img_embedded, exif_thumbnail_hostile_pointers) {
    uint8_t *jpg, *thumb;
    size_t n, tn, en, off, len;
    uint32_t w, h;
    photo_and_thumb("sk_astronaut.png", &jpg, &n, &thumb, &tn, &w, &h);
    uint8_t *ex = te_jpeg_with_exif(jpg, n, thumb, tn, 0, &en), *bad = malloc(en);
    static const struct {
        size_t at;
        uint32_t v;
        int bytes;
        vg_status want;
        const char *what;
    } cases[] = {
        {TE_EXIF_THUMB_OFF, 0xfffffff0u, 4, VG_E_FORMAT, "thumbnail offset past the segment"},
        {TE_EXIF_THUMB_LEN, 0xfffffff0u, 4, VG_E_FORMAT, "thumbnail length past the segment"},
        {TE_EXIF_THUMB_LEN, 2, 4, VG_E_FORMAT, "thumbnail of 2 bytes"},
        {TE_EXIF_THUMB_OFF, TE_EXIF_THUMB_DATA + 1, 4, VG_E_FORMAT, "offset not at a SOI"},
        {22, 0xffffff00u, 4, VG_E_NOTFOUND, "IFD1 offset past the segment"},
        {TE_EXIF_IFD1_AT, 0xffff, 2, VG_E_FORMAT, "IFD1 entry count past the segment"},
        {8, 0xffff, 2, VG_E_NOTFOUND, "IFD0 entry count past the segment"},
        {4, 0xfffffff0u, 4, VG_E_NOTFOUND, "IFD0 offset past the segment"},
        {2, 43, 2, VG_E_FORMAT, "not TIFF magic 42"},
        {30, 7, 2, VG_E_FORMAT, "offset entry of type SRATIONAL"},
        {28, 0x0100, 2, VG_E_FORMAT, "length without offset"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        memcpy(bad, ex, en);
        put_le(bad + TE_EXIF_TIFF_AT + cases[i].at, cases[i].v, cases[i].bytes);
        cr_expect_eq(vg_img_exif_thumbnail(bad, en, &off, &len), cases[i].want, "%s",
                     cases[i].what);
    }
    memcpy(bad, ex, en);
    bad[4] = bad[5] = 0xff; /* the segment's length claiming past the file */
    cr_expect_eq(vg_img_exif_thumbnail(bad, 40, &off, &len), VG_E_NOTFOUND);
    for (size_t cut = 0; cut < 200 && cut < en; cut++) {
        vg_status st = vg_img_exif_thumbnail(ex, cut, &off, &len);
        cr_expect(st == VG_E_NOTFOUND || st == VG_E_FORMAT, "cut %zu: %d", cut, st);
    }
    unsigned seed = test_seed("exif_thumbnail_hostile_pointers");
    for (int it = 0; it < 2000; it++) {
        memcpy(bad, ex, en);
        for (int k = 0; k < 4; k++)
            bad[2 + rand_r(&seed) % 80] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
        vg_status st = vg_img_exif_thumbnail(bad, en, &off, &len);
        if (st == VG_OK)
            cr_assert(off + len <= en && bad[off] == 0xff && bad[off + 1] == 0xd8);
        else
            cr_assert(st == VG_E_NOTFOUND || st == VG_E_FORMAT);
    }
    free(bad);
    free(ex);
    free(jpg);
    free(thumb);
}

/* ---- JPEG streams in PDFs ---- */

/* Every JPEG vg_img_pdf_next_jpeg() finds in pdf, as (offset, length) pairs. */
static int all_jpegs(const uint8_t *pdf, size_t n, size_t offs[8], size_t lens[8]) {
    size_t pos = 0, off, len;
    int k = 0;
    while (k < 8 && vg_img_pdf_next_jpeg(pdf, n, &pos, &off, &len) == VG_OK) {
        cr_assert_leq(off + len, n);
        offs[k] = off;
        lens[k++] = len;
    }
    return k;
}

Test(img_embedded, pdf_jpegs_found_and_match_the_photos) {
    uint8_t *jpg[2], *thumb[2], want[2][VG_PDQ_LEN], got[VG_PDQ_LEN];
    size_t n[2], tn[2];
    uint32_t w[2], h[2];
    photo_and_thumb("sk_chelsea.png", &jpg[0], &n[0], &thumb[0], &tn[0], &w[0], &h[0]);
    photo_and_thumb("sk_coffee.png", &jpg[1], &n[1], &thumb[1], &tn[1], &w[1], &h[1]);
    te_pdf_img imgs[2] = {{jpg[0], n[0], w[0], h[0]}, {jpg[1], n[1], w[1], h[1]}};
    for (int i = 0; i < 2; i++)
        pdq_of(jpg[i], n[i], want[i], NULL);
    for (int indirect = 0; indirect <= 1; indirect++) {
        size_t pn, offs[8], lens[8];
        uint8_t *pdf = te_pdf_with_jpegs(imgs, 2, indirect, &pn);
        cr_assert_not_null(pdf);
        cr_assert_eq(all_jpegs(pdf, pn, offs, lens), 2, "%s /Length",
                     indirect ? "indirect" : "direct");
        for (int i = 0; i < 2; i++) {
            cr_assert_eq(lens[i], n[i]);
            cr_assert_arr_eq(pdf + offs[i], jpg[i], n[i], "the JPEG's bytes exactly");
            pdq_of(pdf + offs[i], lens[i], got, NULL);
            cr_expect_arr_eq(got, want[i], VG_PDQ_LEN);
        }
        free(pdf);
    }
    for (int i = 0; i < 2; i++) {
        free(jpg[i]);
        free(thumb[i]);
    }
}

Test(img_embedded, pdf_streams_that_are_not_plain_jpegs_are_passed_over) {
    static const char pdf[] =
        "%PDF-1.7\n"
        "1 0 obj\n<< /Length 10 >>\nstream\n\xff\xd8\xff\xe0 not a DCT stream\nendstream\nendobj\n"
        "2 0 obj\n<< /Filter [/FlateDecode /DCTDecode] /Length 6 >>\nstream\nx\x9c\x01\x02\x03\x04"
        "\nendstream\nendobj\n"
        "3 0 obj\n<< /Filter /DCTDecodeX /Length 6 >>\nstream\n\xff\xd8\xff\xd9\x00\x00"
        "\nendstream\nendobj\n"
        "4 0 obj\n<< /Filter /DCTDecode >>\nupstream\n\xff\xd8\xff\xd9\x00\x00\nendstream\nendobj\n"
        "5 0 obj\n<< /Filter /DCTDecode /Length 99999 >>\nstream\r\n\xff\xd8\xff\xd9\xaa\xbb\r\n"
        "endstream\nendobj\n"
        "6 0 obj\n<< /Filter /DCTDecode >>\nstream\n\xff\xd8\xff\xd9 and no end";
    size_t n = sizeof pdf - 1, offs[8], lens[8];
    cr_assert_eq(all_jpegs((const uint8_t *)pdf, n, offs, lens), 1,
                 "only object 5: DCTDecode alone, data at SOI, a wrong /Length ignored");
    cr_assert_eq(lens[0], 6);
    cr_assert_eq(memcmp(pdf + offs[0], "\xff\xd8\xff\xd9\xaa\xbb", 6), 0);
    size_t pos = 0, off, len;
    cr_assert_eq(vg_img_pdf_next_jpeg(NULL, 0, &pos, &off, &len), VG_E_NOTFOUND);
    cr_assert_eq(vg_img_pdf_next_jpeg("stream", 6, &pos, &off, &len), VG_E_NOTFOUND);
}

Test(img_embedded, pdf_truncations_and_flips_stay_in_bounds) {
    uint8_t *jpg, *thumb;
    size_t n, tn, pn, offs[8], lens[8];
    uint32_t w, h;
    photo_and_thumb("sk_horse.png", &jpg, &n, &thumb, &tn, &w, &h);
    te_pdf_img img[2] = {{thumb, tn, w / 4, h / 4}, {thumb, tn, w / 4, h / 4}};
    uint8_t *pdf = te_pdf_with_jpegs(img, 2, 0, &pn), *bad = malloc(pn);
    cr_assert_eq(all_jpegs(pdf, pn, offs, lens), 2);
    /* every truncation is a shorter exact-size buffer, so ASan sees any read past the end */
    for (size_t cut = 0; cut <= pn; cut += cut < 600 || pn - cut < 600 ? 1 : 97) {
        uint8_t *c = malloc(cut ? cut : 1);
        memcpy(c, pdf, cut);
        int k = all_jpegs(c, cut, offs, lens);
        cr_assert_leq(k, 2, "cut %zu", cut);
        for (int i = 0; i < k; i++)
            cr_assert(c[offs[i]] == 0xff && c[offs[i] + 1] == 0xd8, "cut %zu", cut);
        free(c);
    }
    unsigned seed = test_seed("pdf_truncations_and_flips_stay_in_bounds");
    for (int it = 0; it < 500; it++) {
        memcpy(bad, pdf, pn);
        for (int k = 0; k < 8; k++)
            bad[rand_r(&seed) % pn] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
        int k = all_jpegs(bad, pn, offs, lens);
        for (int i = 0; i < k; i++)
            cr_assert(bad[offs[i]] == 0xff && bad[offs[i] + 1] == 0xd8 && lens[i] >= 4);
    }
    free(bad);
    free(pdf);
    free(jpg);
    free(thumb);
}
