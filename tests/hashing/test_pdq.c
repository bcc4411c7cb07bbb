/* test_pdq.c — PDQ bit-identical to Meta's reference: corpus TSVs (both conventions, all 8
 * dihedral hashes, quality), Meta's published vectors, layout, sub-rectangles, edge sizes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"

#include "img_util.h"

static const char *const dih_cols[8] = {"dih_original",  "dih_rotate90",  "dih_rotate180",
                                        "dih_rotate270", "dih_flipx",     "dih_flipy",
                                        "dih_flipplus1", "dih_flipminus1"};

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

TestSuite(pdq, .init = setup, .fini = teardown);

/* Decode dir/file and hash it. */
static void hash_file(const char *dir, const char *file, vg_pdq_convention conv, vg_pdq_result *r) {
    char path[512];
    size_t n;
    snprintf(path, sizeof path, "%s/%s/%s", VIGIL_TEST_DATA, dir, file);
    uint8_t *buf = tu_slurp(path, &n);
    cr_assert_not_null(buf, "cannot read %s", path);
    vg_img im;
    cr_assert_eq(vg_img_decode(dec, buf, n, &im), VG_OK, "%s: %s", file, vg_img_dec_errmsg(dec));
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    cr_assert_eq(vg_pdq_hash(pq, &pi, conv, VG_PDQ_DIHEDRAL, r), VG_OK);
    free(buf);
}

static void check_tsv(const char *tsv, const char *hash_col, const char *q_col,
                      vg_pdq_convention conv) {
    char path[512];
    tu_tsv t;
    snprintf(path, sizeof path, "%s/photos/%s", VIGIL_TEST_DATA, tsv);
    cr_assert_eq(tu_tsv_load(path, &t), 0);
    cr_assert_geq(t.nrows, 11, "too few rows in %s", tsv);
    for (size_t r = 1; r < t.nrows; r++) {
        const char *file = tu_tsv_get(&t, r, "filename");
        vg_pdq_result res;
        char hex[65];
        hash_file("photos", file, conv, &res);
        cr_expect_str_eq(vg_pdq_to_hex(res.hash, hex), tu_tsv_get(&t, r, hash_col), "%s", file);
        cr_expect_eq(res.quality, atoi(tu_tsv_get(&t, r, q_col)), "%s quality", file);
        for (int d = 0; d < 8; d++)
            cr_expect_str_eq(vg_pdq_to_hex(res.dihedral[d], hex), tu_tsv_get(&t, r, dih_cols[d]),
                             "%s %s", file, dih_cols[d]);
    }
    tu_tsv_free(&t);
}

Test(pdq, fullres_equals_reference_tsv) {
    check_tsv("pdq_reference_fullres.tsv", "pdq_hex_fullres", "quality_fullres", VG_PDQ_FULLRES);
}

Test(pdq, cli_convention_equals_reference_cli_tsv) {
    check_tsv("pdq_reference_cli.tsv", "pdq_hex", "quality", VG_PDQ_CLI);
}

Test(pdq, meta_published_vectors) {
    char path[512];
    tu_tsv t;
    snprintf(path, sizeof path, "%s/pdq/published_vectors.tsv", VIGIL_TEST_DATA);
    cr_assert_eq(tu_tsv_load(path, &t), 0);
    cr_assert_geq(t.nrows, 12);
    for (size_t r = 1; r < t.nrows; r++) {
        const char *file = tu_tsv_get(&t, r, "file");
        bool cli = !strcmp(tu_tsv_get(&t, r, "convention"), "cli");
        vg_pdq_result res;
        char hex[65];
        hash_file("pdq", file, cli ? VG_PDQ_CLI : VG_PDQ_FULLRES, &res);
        cr_expect_str_eq(vg_pdq_to_hex(res.hash, hex), tu_tsv_get(&t, r, "published_hash"),
                         "%s (%s)", file, tu_tsv_get(&t, r, "source"));
    }
    tu_tsv_free(&t);
}

/* Java PDQHasherTest: distance(bridge-1, bridge-2) = 120; CLI dihedrals of bridge-1 (PDQ.md §5). */
Test(pdq, bridge_distance_and_cli_dihedrals) {
    static const char *const want[8] = {
        "d8f8f0cee0f4a84f0637022a078f67f0b36e2ed596621e1d33e6339c4e9c9b22",
        "f0a10efd51c83d429053d48d0fffbc52e34e0e17ada956a9d29685211ea9e58f",
        "adad5a64b5a102e55b62a88052dacd5ae63b847fc337b4b766b399361bc93188",
        "a5f0b457248995e8c1065c275aaa56d8b61ba4bdf8fcfc0383c32f8b0bfc4f05",
        "d8f80f31e0f457b00637f5d5038f980fb36ed12a9662c1e233e64c634e9c64dd",
        "8dada49991a1bd1a5362577742da32a5e63b7b80c2364b4866b346c91bc9ce77",
        "f0a1e10271ccc0bd90530b720fff038de34ef1e8ada9a956d6967ade5ea91a50",
        "a5f44ba8a4996a17cd06a1d85aaaa927b61b5b42f8fc03fc83c3d0740bfcb0fa"};
    vg_pdq_result a, b;
    char hex[65];
    hash_file("pdq", "bridge-1-original.jpg", VG_PDQ_FULLRES, &a);
    hash_file("pdq", "bridge-2-rotate-90.jpg", VG_PDQ_FULLRES, &b);
    cr_expect_eq(vg_pdq_distance(a.hash, b.hash), 120);
    hash_file("pdq", "bridge-1-original.jpg", VG_PDQ_CLI, &a);
    cr_expect_eq(a.quality, 100);
    for (int d = 0; d < 8; d++)
        cr_expect_str_eq(vg_pdq_to_hex(a.dihedral[d], hex), want[d], "dihedral %d", d);
}

Test(pdq, hex_layout_and_parse) {
    uint8_t h[32] = {0}, back[32];
    char hex[65];
    h[31] = 1; /* bit 0 */
    cr_assert_str_eq(vg_pdq_to_hex(h, hex),
                     "0000000000000000000000000000000000000000000000000000000000000001");
    cr_assert_eq(vg_pdq_bit(h, 0), 1);
    cr_assert_eq(vg_pdq_bit(h, 1), 0);
    memset(h, 0, sizeof h);
    h[0] = 0xf0; /* bits 255..252: DCT row 15, columns 15..12 */
    cr_assert_eq(vg_pdq_bit(h, 255), 1);
    cr_assert_eq(vg_pdq_bit(h, 251), 0);
    const char *up = "F8F8F0CEE0F4A84F06370A22038F63F0B36E2ED596621E1D33E6B39C4E9C9B22";
    cr_assert_eq(vg_pdq_from_hex(up, 64, back), VG_OK);
    cr_assert_str_eq(vg_pdq_to_hex(back, hex),
                     "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22");
    cr_assert_eq(vg_pdq_from_hex(up, 63, back), VG_E_FORMAT);
    cr_assert_eq(vg_pdq_from_hex("g8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22",
                                 64, back),
                 VG_E_FORMAT);
    cr_assert_eq(vg_pdq_distance(back, back), 0);
}

/* A sub-rectangle hashed in place (parent's stride) equals the same pixels copied out. */
Test(pdq, subrectangle_in_place_equals_copy) {
    const uint32_t W = 300, H = 200, x0 = 17, y0 = 9, w = 250, h = 170;
    uint8_t *big = malloc((size_t)W * H * 3), *sub = malloc((size_t)w * h * 3);
    uint32_t s = 12345;
    for (size_t i = 0; i < (size_t)W * H * 3; i++) {
        s = s * 1103515245u + 12345u;
        big[i] = (uint8_t)((i / 3 % W) + (i / 3 / W) + (s >> 28));
    }
    for (uint32_t y = 0; y < h; y++)
        memcpy(sub + (size_t)y * w * 3, big + ((size_t)(y0 + y) * W + x0) * 3, (size_t)w * 3);
    vg_pdq_image in = {big + ((size_t)y0 * W + x0) * 3, w, h, (size_t)W * 3, 3};
    vg_pdq_image cp = {sub, w, h, (size_t)w * 3, 3};
    vg_pdq_result a, b;
    char ha[65], hb[65];
    cr_assert_eq(vg_pdq_hash(pq, &in, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &a), VG_OK);
    cr_assert_eq(vg_pdq_hash(pq, &cp, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &b), VG_OK);
    cr_assert_str_eq(vg_pdq_to_hex(a.hash, ha), vg_pdq_to_hex(b.hash, hb));
    cr_assert_str_eq(vg_pdq_to_hex(a.dihedral[5], ha), vg_pdq_to_hex(b.dihedral[5], hb));
    cr_assert_eq(a.quality, b.quality);
    free(big);
    free(sub);
}

/* Sizes at the edges: < 5 px gives the reference's zero hash, flagged; 5 px works; a flat
 * image has quality 0 and is flagged low quality; CLI convention stretches 4x1000 to 512x512. */
Test(pdq, edge_sizes_and_flags) {
    uint8_t *px = calloc((size_t)1000 * 1000, 3);
    for (size_t i = 0; i < (size_t)1000 * 1000 * 3; i++)
        px[i] = (uint8_t)(i * 7 % 251);
    vg_pdq_result r;
    char hex[65];
    vg_pdq_image im = {px, 4, 1000, 12, 3};
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r), VG_OK);
    cr_assert(r.too_small && r.low_quality && r.quality == 0);
    cr_assert_str_eq(vg_pdq_to_hex(r.hash, hex),
                     "0000000000000000000000000000000000000000000000000000000000000000");
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_CLI, 0, &r), VG_OK);
    cr_assert(!r.too_small, "CLI resizes 4x1000 to 512x512 before the size check");
    im = (vg_pdq_image){px, 1, 1, 3, 3};
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_FULLRES, 0, &r), VG_OK);
    cr_assert(r.too_small);
    im = (vg_pdq_image){px, 5, 5, 15, 3};
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_FULLRES, 0, &r), VG_OK);
    cr_assert(!r.too_small);
    memset(px, 77, (size_t)1000 * 1000 * 3);
    im = (vg_pdq_image){px, 1000, 1000, 3000, 3};
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_FULLRES, 0, &r), VG_OK);
    cr_assert(r.quality == 0 && r.low_quality && !r.too_small);
    im = (vg_pdq_image){px, 1000, 1000, 2999, 3};
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_FULLRES, 0, &r), VG_E_INVAL);
    im = (vg_pdq_image){px, 10, 10, 30, 2};
    cr_assert_eq(vg_pdq_hash(pq, &im, VG_PDQ_FULLRES, 0, &r), VG_E_INVAL);
    free(px);
}
