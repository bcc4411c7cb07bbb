/* test_archive.c — archives generated in memory: entries hashed and named, nesting, every limit
 * hit recorded, bombs stopped without expanding them. */
#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/arc.h"
#include "vigil/digest.h"

#include "arcgen.h"

#define MAX_EV 256

struct ev {
    vg_arc_kind kind;
    char path[512];
    unsigned depth;
    vg_sniff_type type;
    vg_arc_limit limit;
    char sha256[65];
    uint64_t size;
    size_t data_len;
    char detail[200];
    char inner[512]; /* inner names joined with '|' */
    uint64_t limit_value, limit_max;
};

static struct ev evs[MAX_EV];
static size_t n_ev;
static vg_digest *dg;

static void setup(void) {
    n_ev = 0;
    cr_assert_eq(vg_digest_open(&dg), VG_OK);
}
static void teardown(void) {
    vg_digest_free(dg);
}
TestSuite(arc, .init = setup, .fini = teardown, .timeout = 120);

static vg_status record(void *ctx, const vg_arc_event *e) {
    (void)ctx;
    cr_assert_lt(n_ev, MAX_EV);
    struct ev *r = &evs[n_ev++];
    r->kind = e->kind;
    snprintf(r->path, sizeof r->path, "%s", e->path);
    r->depth = e->depth;
    r->type = e->type;
    r->limit = e->limit;
    r->sha256[0] = '\0';
    if (e->kind == VG_ARC_ENTRY) {
        vg_hex(e->dg.sha256, VG_SHA256_LEN, r->sha256);
        r->size = e->dg.size;
    }
    r->data_len = e->data ? e->data_len : 0;
    r->inner[0] = '\0';
    cr_assert_eq(e->n_inner, e->depth);
    for (size_t i = 0; i < e->n_inner; i++) {
        strncat(r->inner, i ? "|" : "", sizeof r->inner - strlen(r->inner) - 1);
        strncat(r->inner, e->inner[i], sizeof r->inner - strlen(r->inner) - 1);
    }
    r->limit_value = e->limit_value;
    r->limit_max = e->limit_max;
    snprintf(r->detail, sizeof r->detail, "%s", e->detail ? e->detail : "");
    return VG_OK;
}

static const struct ev *find(const char *path) {
    for (size_t i = 0; i < n_ev; i++)
        if (!strcmp(evs[i].path, path))
            return &evs[i];
    return NULL;
}

static size_t count(vg_arc_kind k) {
    size_t n = 0;
    for (size_t i = 0; i < n_ev; i++)
        n += evs[i].kind == k;
    return n;
}

static void dump(void) {
    for (size_t i = 0; i < n_ev; i++)
        fprintf(stderr, "  ev %zu: kind %d depth %u limit %d %s [%s]\n", i, evs[i].kind,
                evs[i].depth, evs[i].limit, evs[i].path, evs[i].detail);
}

static void sha256_of(const void *buf, size_t n, char *hex) {
    vg_digests d;
    cr_assert_eq(vg_digest_buffer(dg, buf, n, &d), VG_OK);
    vg_hex(d.sha256, VG_SHA256_LEN, hex);
}

static vg_status scan_mem_lim(const uint8_t *buf, size_t n, const char *name,
                              const vg_arc_limits *lim) {
    vg_arc *a;
    cr_assert_eq(vg_arc_new(&a, lim, NULL), VG_OK);
    vg_status st = vg_arc_scan_mem(a, buf, n, name, record, NULL);
    vg_arc_free(a);
    return st;
}

static vg_status scan_mem(const uint8_t *buf, size_t n, const char *name) {
    return scan_mem_lim(buf, n, name, NULL);
}

static void build(const char *format, const char *filter, uint8_t **out, size_t *len) {
    arcgen *g = arcgen_new(format, filter, NULL);
    arcgen_add(g, "dir/a.txt", "alpha\n", 6);
    arcgen_add(g, "b.bin", "\x01\x02\x03", 3);
    arcgen_finish(g, out, len);
}

/* ---- formats ---- */

static void check_two_entries(const char *outer) {
    char want[65], p[256];
    cr_assert_eq(count(VG_ARC_ENTRY), 2);
    snprintf(p, sizeof p, "%s!dir/a.txt", outer);
    const struct ev *e = find(p);
    cr_assert_not_null(e, "no %s", p);
    sha256_of("alpha\n", 6, want);
    cr_assert_str_eq(e->sha256, want);
    cr_assert_eq(e->size, 6);
    cr_assert_eq(e->depth, 1);
    snprintf(p, sizeof p, "%s!b.bin", outer);
    cr_assert_not_null(find(p), "no %s", p);
}

Test(arc, zip_tar_gz_7z_cpio_iso_entries_are_hashed_and_named) {
    static const struct {
        const char *format, *filter, *name;
    } cases[] = {
        {"zip", NULL, "o.zip"},   {"ustar", "gzip", "o.tgz"},  {"ustar", "bzip2", "o.tbz"},
        {"ustar", "xz", "o.txz"}, {"ustar", "zstd", "o.tzst"}, {"7zip", NULL, "o.7z"},
        {"newc", NULL, "o.cpio"}, {"ustar", NULL, "o.tar"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *buf;
        size_t len;
        n_ev = 0;
        build(cases[i].format, cases[i].filter, &buf, &len);
        cr_assert_eq(scan_mem(buf, len, cases[i].name), VG_OK);
        check_two_entries(cases[i].name);
        free(buf);
    }
}

Test(arc, iso9660_entries_are_found) {
    uint8_t *buf;
    size_t len;
    arcgen *g = arcgen_new("iso9660", NULL, NULL);
    arcgen_add(g, "a.txt", "alpha\n", 6);
    arcgen_finish(g, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "cd.iso"), VG_OK);
    const struct ev *e = find("cd.iso!a.txt");
    if (!e)
        dump();
    cr_assert_not_null(e);
    cr_assert_eq(e->size, 6);
    free(buf);
}

Test(arc, top_level_file_descriptor_is_read_with_seeking) {
    uint8_t *buf;
    size_t len;
    build("zip", NULL, &buf, &len);
    char path[] = "/tmp/vigil-arc.XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    unlink(path);
    cr_assert_eq(write(fd, buf, len), (ssize_t)len);
    vg_arc *a;
    cr_assert_eq(vg_arc_new(&a, NULL, NULL), VG_OK);
    cr_assert_eq(vg_arc_scan_fd(a, fd, "disk.zip", record, NULL), VG_OK);
    vg_arc_free(a);
    close(fd);
    check_two_entries("disk.zip");
    free(buf);
}

Test(arc, images_are_handed_over_whole_with_their_type) {
    char p[1024];
    size_t plen;
    snprintf(p, sizeof p, "%s/photos/sk_coffee.png", VIGIL_TEST_DATA);
    uint8_t *png = arcgen_slurp(p, &plen);
    cr_assert_not_null(png);
    arcgen *g = arcgen_new("ustar", "gzip", NULL);
    arcgen_add(g, "pics/renamed.txt", png, plen);
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "p.tgz"), VG_OK);
    const struct ev *e = find("p.tgz!pics/renamed.txt");
    cr_assert_not_null(e);
    cr_assert_eq(e->type, VG_SNIFF_PNG);
    cr_assert_eq(e->data_len, plen);
    char want[65];
    sha256_of(png, plen, want);
    cr_assert_str_eq(e->sha256, want);
    free(png);
    free(buf);
}

Test(arc, bare_gzip_names_its_entry_after_the_outer_file) {
    arcgen *g = arcgen_new("raw", "gzip", NULL);
    arcgen_add(g, "data", "payload", 7);
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "dir/photo.jpg.gz"), VG_OK);
    cr_assert_eq(n_ev, 1);
    cr_assert_str_eq(evs[0].path, "dir/photo.jpg.gz!photo.jpg");
    cr_assert_eq(evs[0].size, 7);
    free(buf);
}

Test(arc, symlink_entries_are_reported_not_dropped) {
    arcgen *g = arcgen_new("ustar", NULL, NULL);
    arcgen_add(g, "f", "x", 1);
    arcgen_add_symlink(g, "l", "/etc/passwd");
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "s.tar"), VG_OK);
    cr_assert_eq(find("s.tar!l")->kind, VG_ARC_SKIP);
    cr_assert_eq(count(VG_ARC_ENTRY), 1);
    free(buf);
}

/* ---- nesting ---- */

/* A tar.gz inside a zip inside a tar: streamed and buffered levels mixed. */
Test(arc, nested_archives_are_opened_and_named_with_bangs) {
    uint8_t *tgz, *zip, *tar;
    size_t ltgz, lzip, ltar;
    build("ustar", "gzip", &tgz, &ltgz);
    arcgen *g = arcgen_new("zip", NULL, NULL);
    arcgen_add(g, "in/inner.tgz", tgz, ltgz);
    arcgen_finish(g, &zip, &lzip);
    g = arcgen_new("ustar", NULL, NULL);
    arcgen_add(g, "mid.zip", zip, lzip);
    arcgen_finish(g, &tar, &ltar);
    cr_assert_eq(scan_mem(tar, ltar, "top.tar"), VG_OK);
    char want[65];
    const struct ev *e = find("top.tar!mid.zip!in/inner.tgz!dir/a.txt");
    if (!e)
        dump();
    cr_assert_not_null(e);
    cr_assert_eq(e->depth, 3);
    cr_assert_str_eq(e->inner, "mid.zip|in/inner.tgz|dir/a.txt");
    sha256_of("alpha\n", 6, want);
    cr_assert_str_eq(e->sha256, want);
    /* The containers themselves are hashed too, over their exact bytes. */
    e = find("top.tar!mid.zip!in/inner.tgz");
    cr_assert_not_null(e);
    cr_assert_eq(e->type, VG_SNIFF_GZIP);
    sha256_of(tgz, ltgz, want);
    cr_assert_str_eq(e->sha256, want);
    e = find("top.tar!mid.zip");
    sha256_of(zip, lzip, want);
    cr_assert_str_eq(e->sha256, want);
    cr_assert_eq(count(VG_ARC_ENTRY), 4);
    cr_assert_eq(n_ev, 4);
    free(tgz);
    free(zip);
    free(tar);
}

/* n zips, each holding the previous one; the innermost holds "core.txt". */
static void nested_zips(int n, uint8_t **out, size_t *len) {
    arcgen *g = arcgen_new("zip", NULL, NULL);
    arcgen_add(g, "core.txt", "core", 4);
    arcgen_finish(g, out, len);
    for (int i = 1; i < n; i++) {
        uint8_t *next;
        size_t nlen;
        g = arcgen_new(i % 2 ? "zip" : "ustar", i % 2 ? NULL : "gzip", NULL);
        arcgen_add(g, "l.zip", *out, *len);
        arcgen_finish(g, &next, &nlen);
        free(*out);
        *out = next;
        *len = nlen;
    }
}

Test(arc, fifty_deep_nesting_is_walked_when_the_limit_allows) {
    uint8_t *buf;
    size_t len;
    nested_zips(50, &buf, &len);
    vg_arc_limits lim;
    vg_arc_limits_default(&lim);
    lim.max_depth = 60;
    cr_assert_eq(scan_mem_lim(buf, len, "n.zip", &lim), VG_OK);
    const struct ev *core = NULL;
    for (size_t i = 0; i < n_ev; i++)
        if (strstr(evs[i].path, "!core.txt"))
            core = &evs[i];
    cr_assert_not_null(core);
    cr_assert_eq(core->depth, 50);
    cr_assert_eq(count(VG_ARC_LIMIT), 0);
    cr_assert_eq(count(VG_ARC_ERROR), 0);
    free(buf);
}

Test(arc, fifty_deep_nesting_stops_at_the_default_depth_with_a_record) {
    uint8_t *buf;
    size_t len;
    nested_zips(50, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "n.zip"), VG_OK);
    cr_assert_eq(count(VG_ARC_LIMIT), 1);
    for (size_t i = 0; i < n_ev; i++)
        if (evs[i].kind == VG_ARC_LIMIT) {
            cr_assert_eq(evs[i].limit, VG_LIM_DEPTH);
            cr_assert_eq(evs[i].depth, VG_ARC_MAX_DEPTH);
            cr_assert_str_eq(evs[i].detail, "archive not opened: limit max-depth");
            cr_assert_eq(evs[i].limit_value, VG_ARC_MAX_DEPTH + 1);
            cr_assert_eq(evs[i].limit_max, VG_ARC_MAX_DEPTH);
        }
    /* Every level up to the limit was still hashed, the last one included. */
    cr_assert_eq(count(VG_ARC_ENTRY), VG_ARC_MAX_DEPTH);
    free(buf);
}

/* ---- limits ---- */

Test(arc, entry_over_the_size_limit_is_not_hashed_and_the_next_one_is) {
    static const char *formats[][2] = {{"zip", NULL}, {"ustar", "gzip"}, {"ustar", NULL}};
    for (size_t i = 0; i < 3; i++) {
        n_ev = 0;
        arcgen *g = arcgen_new(formats[i][0], formats[i][1], NULL);
        arcgen_add(g, "big", NULL, 3u << 20);
        arcgen_add(g, "small", "s", 1);
        uint8_t *buf;
        size_t len;
        arcgen_finish(g, &buf, &len);
        vg_arc_limits lim;
        vg_arc_limits_default(&lim);
        lim.max_entry_bytes = 1u << 20;
        cr_assert_eq(scan_mem_lim(buf, len, "l", &lim), VG_OK);
        cr_assert_eq(find("l!big")->kind, VG_ARC_LIMIT);
        cr_assert_eq(find("l!big")->limit, VG_LIM_ENTRY_BYTES);
        cr_assert_str_eq(find("l!big")->detail, "not hashed: limit max-entry-size");
        cr_assert_gt(find("l!big")->limit_value, 1u << 20);
        cr_assert_eq(find("l!big")->limit_max, 1u << 20);
        cr_assert_eq(find("l!small")->kind, VG_ARC_ENTRY);
        cr_assert_eq(n_ev, 2);
        free(buf);
    }
}

Test(arc, entry_count_limit_is_recorded_for_the_file) {
    arcgen *g = arcgen_new("zip", NULL, NULL);
    for (int i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "f%02d", i);
        arcgen_add(g, name, name, 3);
    }
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    vg_arc_limits lim;
    vg_arc_limits_default(&lim);
    lim.max_files = 5;
    cr_assert_eq(scan_mem_lim(buf, len, "many.zip", &lim), VG_OK);
    cr_assert_eq(count(VG_ARC_ENTRY), 5);
    cr_assert_eq(count(VG_ARC_LIMIT), 1);
    const struct ev *e = find("many.zip");
    cr_assert_not_null(e);
    cr_assert_eq(e->limit, VG_LIM_FILES);
    cr_assert_str_eq(e->detail, "entries not examined: limit max-files");
    cr_assert_eq(e->depth, 0);
    cr_assert_eq(e->limit_value, 6);
    free(buf);
}

/* Concatenated gzip members of 1 MiB of one byte value each: a 2 GiB gzip stream in ~2 MiB,
 * generated here, never committed. */
static void fill_gzip(size_t mib, int fill, uint8_t **out, size_t *len) {
    uint8_t *mb = malloc(1u << 20);
    memset(mb, fill, 1u << 20);
    arcgen *g = arcgen_new("raw", "gzip", NULL);
    arcgen_add(g, "data", mb, 1u << 20);
    free(mb);
    uint8_t *one;
    size_t lone;
    arcgen_finish(g, &one, &lone);
    *out = malloc(lone * mib);
    for (size_t i = 0; i < mib; i++)
        memcpy(*out + i * lone, one, lone);
    *len = lone * mib;
    free(one);
}

/* Zeros read as an empty tar archive (two zero blocks end a tar): nothing to expand. */
Test(arc, two_gib_of_zeros_gzip_is_an_empty_tar_and_ends_at_once) {
    uint8_t *buf;
    size_t len;
    fill_gzip(2048, 0, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "zeros.gz"), VG_OK);
    cr_assert_eq(n_ev, 0);
    free(buf);
}

Test(arc, two_gib_gzip_bomb_stops_at_a_limit_quickly) {
    uint8_t *buf;
    size_t len;
    fill_gzip(2048, 'z', &buf, &len);
    cr_assert_lt(len, 8u << 20);
    cr_assert_eq(scan_mem(buf, len, "zeros.gz"), VG_OK);
    cr_assert_eq(count(VG_ARC_ENTRY), 0);
    cr_assert_geq(count(VG_ARC_LIMIT), 1);
    const struct ev *e = find("zeros.gz!zeros");
    if (!e)
        dump();
    cr_assert_not_null(e);
    cr_assert_eq(e->kind, VG_ARC_LIMIT);
    cr_assert(e->limit == VG_LIM_RATIO || e->limit == VG_LIM_ENTRY_BYTES);
    free(buf);
}

Test(arc, ratio_guard_stops_a_small_bomb) {
    uint8_t *buf;
    size_t len;
    fill_gzip(64, 'z', &buf, &len);
    vg_arc_limits lim;
    vg_arc_limits_default(&lim);
    lim.max_ratio = 100;
    lim.ratio_min_bytes = 1u << 20;
    cr_assert_eq(scan_mem_lim(buf, len, "z.gz", &lim), VG_OK);
    const struct ev *e = find("z.gz!z");
    cr_assert_not_null(e);
    cr_assert_eq(e->limit, VG_LIM_RATIO);
    cr_assert_not_null(find("z.gz")); /* and the file as a whole says why it stopped */
    cr_assert_eq(find("z.gz")->limit, VG_LIM_RATIO);
    free(buf);
}

/* 42.zip-like: 16 copies of a zip holding 16 entries of 4 MiB zeros each = 1 GiB expanded. */
Test(arc, recursive_zip_bomb_stops_at_the_total_budget) {
    arcgen *g = arcgen_new("zip", NULL, NULL);
    for (int i = 0; i < 16; i++) {
        char name[16];
        snprintf(name, sizeof name, "z%02d", i);
        arcgen_add(g, name, NULL, 4u << 20);
    }
    uint8_t *inner, *outer;
    size_t linner, louter;
    arcgen_finish(g, &inner, &linner);
    g = arcgen_new("zip", NULL, NULL);
    for (int i = 0; i < 16; i++) {
        char name[16];
        snprintf(name, sizeof name, "in%02d.zip", i);
        arcgen_add(g, name, inner, linner);
    }
    arcgen_finish(g, &outer, &louter);
    vg_arc_limits lim;
    vg_arc_limits_default(&lim);
    lim.max_ratio = 0; /* only the byte budget */
    cr_assert_eq(scan_mem_lim(outer, louter, "42.zip", &lim), VG_OK);
    const struct ev *top = find("42.zip");
    cr_assert_not_null(top);
    cr_assert_eq(top->limit, VG_LIM_TOTAL_BYTES);
    cr_assert_lt(count(VG_ARC_ENTRY), 16 * 16);
    free(inner);
    free(outer);
}

Test(arc, encrypted_entries_are_recorded_not_dropped) {
    arcgen *g = arcgen_new("zip", NULL, "secret");
    arcgen_add(g, "hidden.jpg", "not really a jpeg", 17);
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    cr_assert_eq(scan_mem(buf, len, "enc.zip"), VG_OK);
    const struct ev *e = find("enc.zip!hidden.jpg");
    if (!e)
        dump();
    cr_assert_not_null(e);
    cr_assert_eq(e->kind, VG_ARC_ENCRYPTED);
    cr_assert_str_eq(e->detail, "not hashed: encrypted");
    cr_assert_eq(count(VG_ARC_ENTRY), 0);
    free(buf);
}

Test(arc, truncated_and_bogus_archives_are_errors_with_reasons) {
    uint8_t *buf;
    size_t len;
    build("ustar", "gzip", &buf, &len);
    cr_assert_eq(scan_mem(buf, len / 2, "cut.tgz"), VG_OK);
    cr_assert_geq(count(VG_ARC_ERROR), 1);
    n_ev = 0;
    cr_assert_eq(scan_mem((const uint8_t *)"7z\xbc\xaf\x27\x1c garbage", 15, "bad.7z"), VG_OK);
    cr_assert_eq(count(VG_ARC_ERROR), 1);
    cr_assert_str_eq(evs[0].path, "bad.7z");
    cr_assert_eq(evs[0].depth, 0);
    cr_assert(strncmp(evs[0].detail, "not opened", 10) == 0, "%s", evs[0].detail);
    free(buf);
}

Test(arc, depth_zero_opens_nothing_and_says_so) {
    uint8_t *buf;
    size_t len;
    build("zip", NULL, &buf, &len);
    vg_arc_limits lim;
    vg_arc_limits_default(&lim);
    lim.max_depth = 0;
    cr_assert_eq(scan_mem_lim(buf, len, "x.zip", &lim), VG_OK);
    cr_assert_eq(n_ev, 1);
    cr_assert_eq(evs[0].kind, VG_ARC_LIMIT);
    cr_assert_eq(evs[0].limit, VG_LIM_DEPTH);
    free(buf);
}

Test(arc, cancel_flag_interrupts) {
    uint8_t *buf;
    size_t len;
    build("zip", NULL, &buf, &len);
    atomic_bool cancel = true;
    vg_arc *a;
    cr_assert_eq(vg_arc_new(&a, NULL, &cancel), VG_OK);
    cr_assert_eq(vg_arc_scan_mem(a, buf, len, "x.zip", record, NULL), VG_E_INTERRUPTED);
    vg_arc_free(a);
    cr_assert_eq(count(VG_ARC_ENTRY), 0);
    free(buf);
}
