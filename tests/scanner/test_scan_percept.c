/*
 * test_scan_percept.c — the scanner's perceptual step (vg_pdq_hash_image()) and what the cache
 * keeps of it: a large JPEG far from every list code is cleared by the screen (no PDQ) unless
 * exact_decode; one near a list code is re-hashed exactly and matches at its exact distance,
 * mirrored too, with the same matches as exact_decode; a copy with a white border matches
 * through the PDQ of its trimmed content. The cache keeps a cleared image's screening hashes
 * (flagged) and re-probes them: when a list gains a code near it, the re-scan reads the file
 * again and matches it exactly. Files with embedded images (EXIF thumbnail, a PDF's JPEGs)
 * are served from the cache with all their items.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/cache.h"
#include "vigil/hset_build.h"
#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/scan.h"

#include "../hashing/img_embed.h"
#include "../hashing/img_util.h"

struct rec {
    char path[512];
    bool has_pdq, has_pdq_trim, screened, has_screen, cached, has_digests, content;
    uint8_t pdq[32], sha256[32];
    uint32_t trim[4];
    size_t n_matches;
    vg_scan_match m[4];
};

#define MAX_REC 16
static char root[256], tree[300], cache_db[300];
static struct rec recs[MAX_REC];
static size_t n_rec;
static vg_hset *hs;
static bool keep_matched; /* vg_scan_opts.keep_matched for run_with() */

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static void setup(void) {
    snprintf(root, sizeof root, "/tmp/vigil_scanp_%d", (int)getpid());
    snprintf(tree, sizeof tree, "%s/tree", root);
    snprintf(cache_db, sizeof cache_db, "%s/cache.sqlite", root);
    nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
    cr_assert_eq(mkdir(root, 0700), 0, "%s", strerror(errno));
    cr_assert_eq(mkdir(tree, 0700), 0, "%s", strerror(errno));
    n_rec = 0;
    hs = NULL;
    keep_matched = false;
}

static void teardown(void) {
    vg_hset_close(hs);
    nftw(root, rm_cb, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(scan_percept, .init = setup, .fini = teardown, .timeout = 300);

static vg_status record(void *ctx, const vg_scan_rec *r) {
    (void)ctx;
    cr_assert_eq(r->kind, VG_SCAN_FILE, "%s: %s", r->path, r->reason ? r->reason : "");
    cr_assert_lt(n_rec, MAX_REC);
    struct rec *o = &recs[n_rec++];
    memset(o, 0, sizeof *o);
    const char *base = strrchr(r->path, '/');
    snprintf(o->path, sizeof o->path, "%s", base ? base + 1 : r->path);
    o->has_pdq = r->has_pdq;
    o->has_pdq_trim = r->has_pdq_trim;
    o->screened = r->pdq_screened;
    o->has_screen = r->has_screen;
    o->cached = r->cached;
    o->has_digests = r->has_digests;
    o->content = r->content_len > 0 || r->has_content_fd;
    memcpy(o->pdq, r->pdq, 32);
    memcpy(o->sha256, r->dg.sha256, 32);
    o->trim[0] = r->trim_x, o->trim[1] = r->trim_y, o->trim[2] = r->trim_w, o->trim[3] = r->trim_h;
    o->n_matches = r->n_matches;
    for (size_t i = 0; i < r->n_matches && i < 4; i++)
        o->m[i] = r->matches[i];
    return VG_OK;
}

static const struct rec *find(const char *name) {
    for (size_t i = 0; i < n_rec; i++)
        if (!strcmp(recs[i].path, name))
            return &recs[i];
    cr_assert_fail("no record for %s", name);
    return NULL;
}

/* ---- fixtures ---- */

struct pix {
    uint8_t *px;
    uint32_t w, h;
};

static uint8_t *photo(const char *name, size_t *n) {
    char p[1024];
    snprintf(p, sizeof p, "%s/photos/%s", VIGIL_TEST_DATA, name);
    uint8_t *b = tu_slurp(p, n);
    cr_assert_not_null(b, "%s", p);
    return b;
}

/* RGB pixels of a photo, with a white border of `border` px and mirrored if asked. */
static struct pix pixels(const char *name, uint32_t border, bool mirror) {
    size_t n;
    uint8_t *b = photo(name, &n);
    vg_img_dec *d;
    vg_img im;
    cr_assert_eq(vg_img_dec_open(&d, NULL), VG_OK);
    cr_assert_eq(vg_img_decode(d, b, n, &im), VG_OK);
    struct pix p = {NULL, im.width + 2 * border, im.height + 2 * border};
    p.px = malloc((size_t)p.w * p.h * 3);
    memset(p.px, 255, (size_t)p.w * p.h * 3);
    for (uint32_t y = 0; y < im.height; y++)
        for (uint32_t x = 0; x < im.width; x++) {
            uint32_t sx = mirror ? im.width - 1 - x : x;
            for (unsigned c = 0; c < 3; c++)
                p.px[((size_t)(y + border) * p.w + x + border) * 3 + c] =
                    im.pixels[y * im.stride + sx * im.channels + (im.channels == 3 ? c : 0)];
        }
    vg_img_dec_free(d);
    free(b);
    return p;
}

/* The exact PDQ (convention B) of an encoded image held in memory. */
static void exact_pdq_of(const uint8_t *b, size_t n, uint8_t out[32]) {
    vg_img_dec *d;
    vg_pdq *p;
    vg_img im;
    vg_pdq_result r;
    cr_assert_eq(vg_img_dec_open(&d, NULL), VG_OK);
    cr_assert_eq(vg_pdq_open(&p), VG_OK);
    cr_assert_eq(vg_img_decode(d, b, n, &im), VG_OK);
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    cr_assert_eq(vg_pdq_hash(p, &pi, VG_PDQ_FULLRES, 0, &r), VG_OK);
    memcpy(out, r.hash, 32);
    vg_pdq_free(p);
    vg_img_dec_free(d);
}

static void exact_pdq(const char *name, uint8_t out[32]) {
    size_t n;
    uint8_t *b = photo(name, &n);
    exact_pdq_of(b, n, out);
    free(b);
}

static void put(const char *name, const void *data, size_t len) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", tree, name);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void put_photo(const char *name, const char *as) {
    size_t n;
    uint8_t *b = photo(name, &n);
    put(as, b, n);
    free(b);
}

/* Replace the index with one holding these PDQ codes and SHA-256 digests. */
static void index_of(const uint8_t *pdq, size_t n_pdq, const uint8_t *sha, size_t n_sha) {
    vg_hset_close(hs);
    hs = NULL;
    vg_hset_build *b;
    cr_assert_eq(vg_hset_build_new(&b, "test", "1"), VG_OK);
    vg_hset_list_info li = {.name = "alert", .role = VG_ROLE_ALERT};
    cr_assert_eq(vg_hset_build_list(b, &li), VG_OK);
    for (size_t i = 0; i < n_pdq + n_sha; i++) {
        bool p = i < n_pdq;
        vg_hset_entry e = {.type = p ? VG_HT_PDQ : VG_HT_SHA256,
                           .hash_len = 32,
                           .quality = -1,
                           .id = p ? "by-pdq" : "by-sha256",
                           .size = UINT64_MAX};
        memcpy(e.hash, p ? pdq + 32 * i : sha + 32 * (i - n_pdq), 32);
        cr_assert_eq(vg_hset_build_add(b, &e), VG_OK);
    }
    char path[600];
    snprintf(path, sizeof path, "%s/lists.vhs", root);
    cr_assert_eq(vg_hset_build_write(b, path), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    char err[200];
    cr_assert_eq(vg_hset_open(&hs, path, 0, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(unlink(path), 0);
}

static void index_pdq(const uint8_t pdq[32]) {
    index_of(pdq, 1, NULL, 0);
}

static vg_scan_stats run_with(bool exact_decode, bool cache) {
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = 1;
    o.exact_decode = exact_decode;
    o.keep_matched = keep_matched;
    const vg_hset *lists[] = {hs};
    o.lists = lists;
    o.n_lists = 1;
    char producer[512], err[256] = "";
    if (cache) {
        cr_assert_eq(vg_scan_producer(&o, "test", producer, sizeof producer), VG_OK);
        cr_assert_eq(vg_cache_open(&o.cache, cache_db, producer, err, sizeof err), VG_OK, "%s",
                     err);
    }
    const char *roots[] = {tree};
    vg_scan_stats st;
    n_rec = 0;
    cr_assert_eq(vg_scan_run(&o, roots, 1, record, NULL, &st), VG_OK);
    vg_cache_close(o.cache);
    cr_assert_eq(st.cache_errors, 0);
    return st;
}

static void run(bool exact_decode) {
    run_with(exact_decode, false);
}

/* The kite photo's exact PDQ with `bits` bits flipped: a list code at that distance. */
static void kite_code(unsigned bits, uint8_t code[32]) {
    exact_pdq("kde_Kite_2560x1600.jpg", code);
    for (unsigned i = 0; i < bits; i++)
        code[i * 3 % 32] ^= (uint8_t)(1u << (i % 8));
}

/* ---- the screen ---- */

Test(scan_percept, far_from_every_list_code_the_screen_clears_a_large_jpeg) {
    uint8_t code[32];
    exact_pdq("sk_coffee.png", code);
    index_pdq(code);
    put_photo("kde_Kite_2560x1600.jpg", "kite.jpg");
    run(false);
    const struct rec *r = find("kite.jpg");
    cr_assert(r->screened && r->has_screen && !r->has_pdq && r->n_matches == 0);
    run(true); /* --exact-decode */
    r = find("kite.jpg");
    cr_assert(r->has_pdq && !r->screened && r->n_matches == 0);
    uint8_t want[32];
    exact_pdq("kde_Kite_2560x1600.jpg", want);
    cr_assert_arr_eq(r->pdq, want, 32, "the reported PDQ is the exact one");
}

Test(scan_percept, a_candidate_is_rehashed_exactly_and_reported_at_its_exact_distance) {
    uint8_t code[32], exact[32];
    kite_code(3, code);
    index_pdq(code);
    put_photo("kde_Kite_2560x1600.jpg", "kite.jpg");
    run(false);
    const struct rec *r = find("kite.jpg");
    exact_pdq("kde_Kite_2560x1600.jpg", exact);
    cr_assert(r->has_pdq && !r->screened);
    cr_assert_arr_eq(r->pdq, exact, 32, "never the screening hash");
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->m[0].how, VG_HT_PDQ);
    cr_assert_eq(r->m[0].distance, 3);
    cr_assert_eq(r->m[0].dihedral, VG_PDQ_ORIGINAL);
    cr_assert_not(r->m[0].trimmed);
}

static bool same_match(const vg_scan_match *a, const vg_scan_match *b) {
    return a->list == b->list && a->entry == b->entry && a->how == b->how &&
           a->distance == b->distance && a->dihedral == b->dihedral && a->trimmed == b->trimmed;
}

Test(scan_percept, exact_decode_gives_the_same_matches) {
    uint8_t codes[2][32];
    kite_code(5, codes[0]);
    exact_pdq("sk_coffee.png", codes[1]);
    index_of(&codes[0][0], 2, NULL, 0);
    put_photo("kde_Kite_2560x1600.jpg", "kite.jpg");
    put_photo("kde_summer_1am_2560x1600.jpg", "summer.jpg");
    struct pix m = pixels("kde_Kite_2560x1600.jpg", 0, true);
    size_t n;
    uint8_t *mj = tu_jpeg_encode(m.w, m.h, 3, m.px, 90, 0, 0, &n);
    put("kite-mirrored.jpg", mj, n);
    free(mj);
    free(m.px);
    put_photo("kde_Grey_2560x1600.jpg", "grey.jpg");
    const char *names[] = {"kite.jpg", "summer.jpg", "kite-mirrored.jpg", "grey.jpg"};
    struct rec screened[4];
    run(false);
    for (size_t i = 0; i < 4; i++)
        screened[i] = *find(names[i]);
    cr_assert(screened[3].screened, "grey.jpg is far from both codes");
    cr_assert(screened[1].has_pdq_trim, "summer.jpg has a border: hashed exactly, trimmed too");
    cr_assert_eq(screened[2].n_matches, 1);
    cr_assert_eq(screened[2].m[0].dihedral, VG_PDQ_FLIPY, "the mirror matches through flipy");
    run(true);
    for (size_t i = 0; i < 4; i++) {
        const struct rec *e = find(names[i]);
        cr_assert_eq(e->n_matches, screened[i].n_matches, "%s", names[i]);
        for (size_t k = 0; k < e->n_matches; k++)
            cr_assert(same_match(&e->m[k], &screened[i].m[k]), "%s", names[i]);
        if (screened[i].has_pdq)
            cr_assert_arr_eq(e->pdq, screened[i].pdq, 32, "%s", names[i]);
    }
}

/* ---- trimmed content ---- */

Test(scan_percept, a_bordered_copy_matches_through_its_trimmed_content) {
    uint8_t code[32];
    exact_pdq("sk_coffee.png", code);
    index_pdq(code);
    struct pix b = pixels("sk_coffee.png", 24, false); /* 600x400 + 4% white border */
    size_t n;
    uint8_t *jpg = tu_jpeg_encode(b.w, b.h, 3, b.px, 95, 0, 0, &n);
    put("coffee-framed.jpg", jpg, n);
    free(jpg);
    free(b.px);
    run_with(false, true);
    const struct rec *r = find("coffee-framed.jpg");
    cr_assert(r->has_pdq && r->has_pdq_trim && !r->cached);
    cr_assert(r->trim[0] == 24 && r->trim[1] == 24 && r->trim[2] == 600 && r->trim[3] == 400,
              "trim %u,%u %ux%u", r->trim[0], r->trim[1], r->trim[2], r->trim[3]);
    cr_assert_eq(r->n_matches, 1);
    cr_assert(r->m[0].trimmed);
    cr_assert_leq(r->m[0].distance, 16);
    struct rec first = *r;
    run_with(false, true); /* the cache keeps the trimmed hash too */
    r = find("coffee-framed.jpg");
    cr_assert(r->cached && r->has_pdq_trim);
    cr_assert_eq(r->n_matches, 1);
    cr_assert(same_match(&r->m[0], &first.m[0]));
    cr_assert_arr_eq(r->trim, first.trim, sizeof r->trim);
}

/* ---- the cache ---- */

Test(scan_percept, a_cleared_image_is_found_on_rescan_when_a_list_gains_a_code_near_it) {
    uint8_t code[32], near[32];
    exact_pdq("sk_coffee.png", code);
    index_pdq(code);
    put_photo("kde_Kite_2560x1600.jpg", "kite.jpg");
    vg_scan_stats st = run_with(false, true);
    cr_assert(find("kite.jpg")->screened && !find("kite.jpg")->cached);
    st = run_with(false, true); /* unchanged lists: served from the cache, still cleared */
    const struct rec *r = find("kite.jpg");
    cr_assert(r->cached && r->screened && !r->has_pdq && r->n_matches == 0);
    cr_assert_eq(st.cached, 1);
    kite_code(4, near);
    uint8_t codes[2][32];
    memcpy(codes[0], code, 32);
    memcpy(codes[1], near, 32);
    index_of(&codes[0][0], 2, NULL, 0); /* the list gains a code 4 bits from the kite */
    st = run_with(false, true);
    r = find("kite.jpg");
    cr_assert_not(r->cached, "a screening candidate is a miss: the file is read again");
    cr_assert_eq(st.cached, 0);
    cr_assert(r->has_pdq && !r->screened);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->m[0].distance, 4);
    st = run_with(false, true); /* now cached with its exact PDQ */
    r = find("kite.jpg");
    cr_assert(r->cached && r->has_pdq && r->n_matches == 1 && r->m[0].distance == 4);
}

Test(scan_percept, exact_decode_and_trim_are_part_of_the_producer_tag) {
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    char a[512], b[512], c[512];
    cr_assert_eq(vg_scan_producer(&o, "t", a, sizeof a), VG_OK);
    o.exact_decode = true;
    cr_assert_eq(vg_scan_producer(&o, "t", b, sizeof b), VG_OK);
    o.exact_decode = false;
    o.no_trim = true;
    cr_assert_eq(vg_scan_producer(&o, "t", c, sizeof c), VG_OK);
    cr_assert_str_neq(a, b);
    cr_assert_str_neq(a, c);
    cr_assert_str_neq(b, c);
    /* A cleared image cached by a screening scan is not served to an --exact-decode scan. */
    uint8_t code[32];
    exact_pdq("sk_coffee.png", code);
    index_pdq(code);
    put_photo("kde_Kite_2560x1600.jpg", "kite.jpg");
    run_with(false, true);
    run_with(true, true);
    cr_assert(!find("kite.jpg")->cached && find("kite.jpg")->has_pdq);
}

/* ---- embedded images ---- */

Test(scan_percept, a_photo_with_an_exif_thumbnail_is_served_from_the_cache_with_it) {
    struct pix c = pixels("sk_coffee.png", 0, false);
    struct pix h = pixels("sk_horse.png", 0, false);
    size_t n, tn, en;
    uint8_t *jpg = tu_jpeg_encode(c.w, c.h, 3, c.px, 90, 0, 0, &n);
    uint8_t *q = te_quarter(h.px, h.w, h.h, 3);
    uint8_t *thumb = tu_jpeg_encode(h.w / 4, h.h / 4, 3, q, 80, 0, 0, &tn);
    uint8_t *exif = te_jpeg_with_exif(jpg, n, thumb, tn, 1, &en);
    cr_assert_not_null(exif);
    put("phone.jpg", exif, en);
    index_of(NULL, 0, NULL, 0);
    vg_scan_stats st = run_with(false, true);
    cr_assert_eq(n_rec, 2);
    struct rec t0 = *find("phone.jpg#exif-thumbnail"), p0 = *find("phone.jpg");
    cr_assert(!t0.cached && t0.has_pdq && t0.has_digests && !p0.cached);
    st = run_with(false, true);
    cr_assert_eq(n_rec, 2);
    cr_assert_eq(st.cached, 1);
    const struct rec *t = find("phone.jpg#exif-thumbnail"), *p = find("phone.jpg");
    cr_assert(t->cached && p->cached, "the file is not read again");
    cr_assert(t->has_pdq && t->has_digests);
    cr_assert_arr_eq(t->pdq, t0.pdq, 32);
    cr_assert_arr_eq(t->sha256, t0.sha256, 32);
    cr_assert_arr_eq(p->pdq, p0.pdq, 32);
    /* A list gaining the thumbnail's digest finds it, still from the cache. */
    index_of(NULL, 0, t0.sha256, 1);
    run_with(false, true);
    t = find("phone.jpg#exif-thumbnail");
    cr_assert(t->cached);
    cr_assert_eq(t->n_matches, 1);
    cr_assert_eq(t->m[0].how, VG_HT_SHA256);
    cr_assert_eq(find("phone.jpg")->n_matches, 0);
    cr_assert_not(t->content, "no content to preserve unless asked");
    /* Preserving matches: an embedded image's bytes are needed, so the file is read again. */
    keep_matched = true;
    st = run_with(false, true);
    t = find("phone.jpg#exif-thumbnail");
    cr_assert_not(t->cached);
    cr_assert_eq(st.cached, 0);
    cr_assert(t->n_matches == 1 && t->content);
    free(exif);
    free(thumb);
    free(q);
    free(jpg);
    free(h.px);
    free(c.px);
}

Test(scan_percept, a_pdf_is_served_from_the_cache_with_each_of_its_jpegs) {
    struct pix c = pixels("sk_coffee.png", 0, false);
    struct pix h = pixels("sk_chelsea.png", 0, false);
    size_t n1, n2, pn;
    uint8_t *j1 = tu_jpeg_encode(c.w, c.h, 3, c.px, 90, 0, 0, &n1);
    uint8_t *j2 = tu_jpeg_encode(h.w, h.h, 3, h.px, 90, 0, 0, &n2);
    te_pdf_img imgs[] = {{j1, n1, c.w, c.h}, {j2, n2, h.w, h.h}};
    uint8_t *pdf = te_pdf_with_jpegs(imgs, 2, 0, &pn);
    cr_assert_not_null(pdf);
    put("doc.pdf", pdf, pn);
    uint8_t code[32];
    exact_pdq_of(j2, n2, code);
    index_pdq(code);
    run_with(false, true);
    cr_assert_eq(n_rec, 3);
    struct rec first[3];
    memcpy(first, recs, sizeof first);
    run_with(false, true);
    cr_assert_eq(n_rec, 3);
    size_t matched = 0;
    for (size_t i = 0; i < 3; i++) {
        cr_assert(recs[i].cached, "%s", recs[i].path);
        cr_assert_str_eq(recs[i].path, first[i].path, "same items, same order");
        cr_assert_eq(recs[i].n_matches, first[i].n_matches, "%s", recs[i].path);
        matched += recs[i].n_matches;
    }
    cr_assert_eq(matched, 1, "the second JPEG matches, from the cache too");
    free(pdf);
    free(j2);
    free(j1);
    free(h.px);
    free(c.px);
}
