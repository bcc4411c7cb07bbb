/* test_scan.c — the whole pipeline on a generated tree against a generated index: known
 * images found by digest and by PDQ (renamed, inside nested archives), known-good lists,
 * special files and limits as records, counts, cancellation. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/hset.h"
#include "vigil/hset_build.h"
#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/scan.h"

#include "arcgen.h"

#define MAX_REC 512

struct rec {
    vg_scan_kind kind;
    char path[512];
    size_t n_inner;
    vg_sniff_type type;
    char sha256[65];
    bool has_pdq, known_good, changed;
    size_t n_matches;
    vg_scan_match m[4];
    char reason[128];
    int err;
};

static char root[256];
static struct rec recs[MAX_REC];
static size_t n_rec;
static vg_hset *hs;
static vg_digest *dg;

static void rm_tree(const char *p) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", p);
    (void)system(cmd); /* test clean-up only; the path is our own mkdtemp name */
}

static void setup(void) {
    snprintf(root, sizeof root, "/tmp/vigil-scan.XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    n_rec = 0;
    hs = NULL;
    cr_assert_eq(vg_digest_open(&dg), VG_OK);
}

static void teardown(void) {
    vg_hset_close(hs);
    vg_digest_free(dg);
    rm_tree(root);
}

TestSuite(scan, .init = setup, .fini = teardown, .timeout = 120);

static vg_status record(void *ctx, const vg_scan_rec *r) {
    (void)ctx;
    cr_assert_lt(n_rec, MAX_REC);
    struct rec *o = &recs[n_rec++];
    memset(o, 0, sizeof *o);
    o->kind = r->kind;
    snprintf(o->path, sizeof o->path, "%s", r->path);
    o->n_inner = r->n_inner;
    o->type = r->type;
    if (r->has_digests)
        vg_hex(r->dg.sha256, 32, o->sha256);
    o->has_pdq = r->has_pdq;
    o->known_good = r->known_good;
    o->changed = r->changed;
    o->n_matches = r->n_matches;
    for (size_t i = 0; i < r->n_matches && i < 4; i++)
        o->m[i] = r->matches[i];
    snprintf(o->reason, sizeof o->reason, "%s", r->reason ? r->reason : "");
    o->err = r->err;
    return VG_OK;
}

static const struct rec *find(vg_scan_kind k, const char *rel) {
    char want[600];
    snprintf(want, sizeof want, "%s/%s", root, rel);
    for (size_t i = 0; i < n_rec; i++)
        if (recs[i].kind == k && !strcmp(recs[i].path, want))
            return &recs[i];
    return NULL;
}

static size_t count(vg_scan_kind k) {
    size_t n = 0;
    for (size_t i = 0; i < n_rec; i++)
        n += recs[i].kind == k;
    return n;
}

/* ---- fixtures ---- */

static uint8_t *photo(const char *name, size_t *len) {
    char p[1024];
    snprintf(p, sizeof p, "%s/photos/%s", VIGIL_TEST_DATA, name);
    uint8_t *b = arcgen_slurp(p, len);
    cr_assert_not_null(b, "%s", p);
    return b;
}

static void put(const char *rel, const void *data, size_t len) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f, "%s: %s", p, strerror(errno));
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void mkd(const char *rel) {
    char p[600];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_eq(mkdir(p, 0755), 0);
}

static void pdq_of(const uint8_t *data, size_t len, uint8_t out[32]) {
    vg_img_dec *d;
    vg_pdq *p;
    vg_img img;
    vg_pdq_result res;
    cr_assert_eq(vg_img_dec_open(&d, NULL), VG_OK);
    cr_assert_eq(vg_pdq_open(&p), VG_OK);
    cr_assert_eq(vg_img_decode(d, data, len, &img), VG_OK);
    vg_pdq_image pi = {img.pixels, img.width, img.height, img.stride, img.channels};
    cr_assert_eq(vg_pdq_hash(p, &pi, VG_PDQ_FULLRES, 0, &res), VG_OK);
    memcpy(out, res.hash, 32);
    vg_pdq_free(p);
    vg_img_dec_free(d);
}

static void add(vg_hset_build *b, vg_hash_type t, const uint8_t *h, size_t n, const char *id) {
    vg_hset_entry e = {.type = t, .hash_len = n, .quality = -1, .id = id, .size = UINT64_MAX};
    memcpy(e.hash, h, n);
    cr_assert_eq(vg_hset_build_add(b, &e), VG_OK, "%s", vg_hset_build_errmsg(b));
}

/* An index with one alert list and one known-good list. */
static void make_index(const vg_digests *alert_sha256, const vg_digests *alert_md5,
                       const uint8_t pdq[32], const vg_digests *good) {
    vg_hset_build *b;
    cr_assert_eq(vg_hset_build_new(&b, "test", "1"), VG_OK);
    vg_hset_list_info li = {.name = "alert", .role = VG_ROLE_ALERT};
    cr_assert_eq(vg_hset_build_list(b, &li), VG_OK);
    add(b, VG_HT_SHA256, alert_sha256->sha256, 32, "by-sha256");
    add(b, VG_HT_MD5, alert_md5->md5, 16, "by-md5");
    add(b, VG_HT_PDQ, pdq, 32, "by-pdq");
    vg_hset_list_info lg = {.name = "good", .role = VG_ROLE_KNOWN_GOOD};
    cr_assert_eq(vg_hset_build_list(b, &lg), VG_OK);
    add(b, VG_HT_SHA1, good->sha1, 20, "good-1");
    char p[600];
    snprintf(p, sizeof p, "%s/lists.vhs", root);
    cr_assert_eq(vg_hset_build_write(b, p), VG_OK, "%s", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    char err[200];
    cr_assert_eq(vg_hset_open(&hs, p, 0, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(unlink(p), 0); /* the mapping stays; the tree then holds only the test files */
}

static vg_status run(unsigned jobs, vg_scan_stats *st) {
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = jobs;
    const vg_hset *lists[] = {hs};
    o.lists = lists;
    o.n_lists = 1;
    const char *roots[] = {root};
    return vg_scan_run(&o, roots, 1, record, NULL, st);
}

/* ---- tests ---- */

Test(scan, known_files_found_by_digest_and_by_pdq_renamed_and_nested) {
    size_t lj, lp, la;
    uint8_t *jpg = photo("sk_rocket.jpg", &lj);
    uint8_t *png = photo("sk_coffee.png", &lp);
    uint8_t *astro = photo("sk_astronaut.png", &la);
    vg_digests djpg, dtxt, dgood;
    cr_assert_eq(vg_digest_buffer(dg, jpg, lj, &djpg), VG_OK);
    cr_assert_eq(vg_digest_buffer(dg, "known text\n", 11, &dtxt), VG_OK);
    cr_assert_eq(vg_digest_buffer(dg, astro, la, &dgood), VG_OK);
    uint8_t code[32];
    pdq_of(png, lp, code);
    code[0] ^= 0x0f; /* a near copy: 4 bits away */
    make_index(&djpg, &dtxt, code, &dgood);

    mkd("a");
    put("a/holiday.txt", jpg, lj); /* renamed: found by content */
    put("a/notes.md", "known text\n", 11);
    put("a/astronaut.png", astro, la); /* on the known-good list */
    arcgen *g = arcgen_new("zip", NULL, NULL);
    arcgen_add(g, "deep/coffee.dat", png, lp);
    uint8_t *zip, *tgz;
    size_t lzip, ltgz;
    arcgen_finish(g, &zip, &lzip);
    g = arcgen_new("ustar", "gzip", NULL);
    arcgen_add(g, "inner.zip", zip, lzip);
    arcgen_finish(g, &tgz, &ltgz);
    put("a/backup.bin", tgz, ltgz);
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/a/pipe", root);
    cr_assert_eq(mkfifo(fifo, 0644), 0);

    vg_scan_stats st;
    cr_assert_eq(run(2, &st), VG_OK);

    const struct rec *r = find(VG_SCAN_FILE, "a/holiday.txt");
    cr_assert_not_null(r);
    cr_assert_eq(r->type, VG_SNIFF_JPEG);
    cr_assert(r->has_pdq);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->m[0].how, VG_HT_SHA256);

    r = find(VG_SCAN_FILE, "a/notes.md");
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->m[0].how, VG_HT_MD5);

    r = find(VG_SCAN_FILE, "a/astronaut.png");
    cr_assert(r->known_good);
    cr_assert_not(r->has_pdq);
    cr_assert_eq(r->n_matches, 0);

    r = find(VG_SCAN_FILE, "a/backup.bin!inner.zip!deep/coffee.dat");
    cr_assert_not_null(r);
    cr_assert_eq(r->n_inner, 2);
    cr_assert_eq(r->type, VG_SNIFF_PNG);
    cr_assert(r->has_pdq);
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->m[0].how, VG_HT_PDQ);
    cr_assert_eq(r->m[0].distance, 4);
    cr_assert_eq(r->m[0].dihedral, 0);

    r = find(VG_SCAN_SKIP, "a/pipe");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->reason, "special file: fifo");

    cr_assert_eq(st.files, 4);
    cr_assert_eq(st.entries, 2);
    cr_assert_eq(st.matched, 3);
    cr_assert_eq(st.skipped, 1);
    cr_assert_eq(st.errors, 0);
    cr_assert_eq(st.limits, 0);
    cr_assert_not(vg_scan_incomplete(&st));
    free(jpg);
    free(png);
    free(astro);
    free(zip);
    free(tgz);
}

Test(scan, mirrored_copy_matches_through_a_dihedral_hash) {
    size_t lp;
    uint8_t *png = photo("sk_chelsea.png", &lp);
    vg_img_dec *d;
    vg_pdq *p;
    vg_img img;
    vg_pdq_result res;
    cr_assert_eq(vg_img_dec_open(&d, NULL), VG_OK);
    cr_assert_eq(vg_pdq_open(&p), VG_OK);
    cr_assert_eq(vg_img_decode(d, png, lp, &img), VG_OK);
    vg_pdq_image pi = {img.pixels, img.width, img.height, img.stride, img.channels};
    cr_assert_eq(vg_pdq_hash(p, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &res), VG_OK);
    vg_pdq_free(p);
    vg_img_dec_free(d);
    /* List the mirrored image's hash; the file holds the original. */
    vg_digests none;
    memset(&none, 0x5a, sizeof none);
    make_index(&none, &none, res.dihedral[VG_PDQ_FLIPY], &none);
    put("cat.png", png, lp);
    vg_scan_stats st;
    cr_assert_eq(run(1, &st), VG_OK);
    const struct rec *r = find(VG_SCAN_FILE, "cat.png");
    cr_assert_eq(r->n_matches, 1);
    cr_assert_eq(r->m[0].dihedral, VG_PDQ_FLIPY);
    cr_assert_eq(r->m[0].distance, 0);
    free(png);
}

Test(scan, truncated_image_and_archive_limits_are_records_and_make_it_incomplete) {
    size_t lj;
    uint8_t *jpg = photo("sk_rocket.jpg", &lj);
    vg_digests none;
    memset(&none, 0x5a, sizeof none);
    uint8_t code[32] = {0};
    make_index(&none, &none, code, &none);
    put("cut.jpg", jpg, lj / 3);
    arcgen *g = arcgen_new("zip", NULL, "pw");
    arcgen_add(g, "secret.jpg", jpg, lj);
    uint8_t *zip;
    size_t lzip;
    arcgen_finish(g, &zip, &lzip);
    put("enc.zip", zip, lzip);
    vg_scan_stats st;
    cr_assert_eq(run(2, &st), VG_OK);
    cr_assert_not_null(find(VG_SCAN_FILE, "cut.jpg")); /* digests of what is there */
    const struct rec *e = find(VG_SCAN_ERROR, "cut.jpg");
    cr_assert_not_null(e);
    cr_assert(strncmp(e->reason, "image not decoded", 17) == 0, "%s", e->reason);
    e = find(VG_SCAN_ERROR, "enc.zip!secret.jpg");
    cr_assert_not_null(e);
    cr_assert_str_eq(e->reason, "not hashed: encrypted");
    cr_assert_eq(st.errors, 2);
    cr_assert(vg_scan_incomplete(&st));
    free(jpg);
    free(zip);
}

static vg_status stop_after_first(void *ctx, const vg_scan_rec *r) {
    atomic_bool *cancel = ctx;
    record(NULL, r);
    atomic_store(cancel, true);
    return VG_OK;
}

Test(scan, cancel_stops_the_scan_and_says_so) {
    vg_digests none;
    memset(&none, 0x5a, sizeof none);
    uint8_t code[32] = {0};
    make_index(&none, &none, code, &none);
    for (int i = 0; i < 200; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%03d", i);
        put(name, name, strlen(name));
    }
    atomic_bool cancel = false;
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = 2;
    o.cancel = &cancel;
    const vg_hset *lists[] = {hs};
    o.lists = lists;
    o.n_lists = 1;
    const char *roots[] = {root};
    vg_scan_stats st;
    cr_assert_eq(vg_scan_run(&o, roots, 1, stop_after_first, &cancel, &st), VG_E_INTERRUPTED);
    cr_assert(st.interrupted);
    cr_assert_lt(st.files, 200);
    cr_assert(vg_scan_incomplete(&st));
}

static vg_status fail_at_once(void *ctx, const vg_scan_rec *r) {
    (void)ctx;
    (void)r;
    return VG_E_IO;
}

Test(scan, a_failing_report_stops_the_scan_with_its_status) {
    for (int i = 0; i < 50; i++) {
        char name[32];
        snprintf(name, sizeof name, "f%03d", i);
        put(name, name, strlen(name));
    }
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = 2;
    const char *roots[] = {root};
    vg_scan_stats st;
    cr_assert_eq(vg_scan_run(&o, roots, 1, fail_at_once, NULL, &st), VG_E_IO);
    cr_assert_not(st.interrupted);
}

Test(scan, missing_root_is_an_error_record) {
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = 1;
    char p[600];
    snprintf(p, sizeof p, "%s/nope", root);
    const char *roots[] = {p};
    vg_scan_stats st;
    cr_assert_eq(vg_scan_run(&o, roots, 1, record, NULL, &st), VG_OK);
    cr_assert_eq(count(VG_SCAN_ERROR), 1);
    cr_assert_eq(recs[0].err, ENOENT);
    cr_assert_eq(st.errors, 1);
}
