/* test_cache.c — the incremental cache: exact key, round trip of digests and PDQ (with and
 * without dihedral forms), screening hashes keep their flag, trimmed hashes and their
 * rectangle, a file's embedded items (all or nothing), and the producer tag: hashes made by
 * another vigil or with other result-affecting settings are never served; earlier layouts
 * (no producer; one row per file) are dropped. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "vigil/cache.h"
#include "vigil/scan.h"

static char dir[64], db[128];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/vigil-cache.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/sub/cache.sqlite", dir);
}

static void teardown(void) {
    char p[160];
    const char *sfx[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", db, sfx[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/sub", dir);
    rmdir(p);
    rmdir(dir);
}

TestSuite(cache, .init = setup, .fini = teardown);

static const vg_cache_key key = {.dev = 7, .ino = 42, .size = 1000, .mtime_ns = 5, .ctime_ns = 6};

static vg_cache_val sample(bool dihedral) {
    vg_cache_val v = {.type = VG_SNIFF_JPEG, .has_pdq = true, .has_dihedral = dihedral};
    v.pdq_quality = 87;
    v.dg.size = 1000;
    for (size_t i = 0; i < sizeof v.dg.sha256; i++)
        v.dg.sha256[i] = (uint8_t)i;
    for (size_t d = 0; d < 8; d++)
        memset(v.pdq[d], (int)(0x10 + d), sizeof v.pdq[d]);
    v.dg.md5[0] = 0xaa;
    v.dg.sha1[0] = 0xbb;
    return v;
}

static vg_cache *open_as(const char *producer) {
    vg_cache *c = NULL;
    char err[256] = "";
    cr_assert_eq(vg_cache_open(&c, db, producer, err, sizeof err), VG_OK, "%s", err);
    return c;
}

Test(cache, round_trip_with_the_same_producer) {
    vg_cache *c = open_as("vigil 1; pdq=full");
    vg_cache_val in = sample(true), out;
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    vg_cache_close(c);
    c = open_as("vigil 1; pdq=full");
    cr_assert(vg_cache_get(c, &key, &out));
    cr_assert_eq(out.type, VG_SNIFF_JPEG);
    cr_assert_eq(out.pdq_quality, 87);
    cr_assert_eq(out.dg.size, 1000);
    cr_assert(out.has_pdq && out.has_dihedral);
    cr_assert_arr_eq(out.dg.sha256, in.dg.sha256, sizeof in.dg.sha256);
    cr_assert_arr_eq(out.dg.md5, in.dg.md5, sizeof in.dg.md5);
    cr_assert_arr_eq(out.dg.sha1, in.dg.sha1, sizeof in.dg.sha1);
    cr_assert_arr_eq(out.pdq, in.pdq, sizeof in.pdq);
    vg_cache_close(c);
}

Test(cache, any_key_field_changed_is_a_miss) {
    vg_cache *c = open_as("p");
    vg_cache_val in = sample(true), out;
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    vg_cache_key k = key;
    k.mtime_ns++;
    cr_assert_not(vg_cache_get(c, &k, &out));
    k = key;
    k.ctime_ns++;
    cr_assert_not(vg_cache_get(c, &k, &out));
    k = key;
    k.size++;
    cr_assert_not(vg_cache_get(c, &k, &out));
    cr_assert(vg_cache_get(c, &key, &out));
    vg_cache_close(c);
}

Test(cache, without_dihedral_forms) {
    vg_cache *c = open_as("p");
    vg_cache_val in = sample(false), out;
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    cr_assert(vg_cache_get(c, &key, &out));
    cr_assert(out.has_pdq);
    cr_assert_not(out.has_dihedral);
    cr_assert_arr_eq(out.pdq[0], in.pdq[0], sizeof in.pdq[0]);
    vg_cache_close(c);
}

Test(cache, another_producer_is_never_served) {
    vg_cache *c = open_as("vigil 1; pdq=full");
    vg_cache_val in = sample(true), out;
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    vg_cache_close(c);
    c = open_as("vigil 1; pdq=cli");
    cr_assert_not(vg_cache_get(c, &key, &out));
    in.pdq_quality = 55; /* the other producer's hashes replace the entry */
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    cr_assert(vg_cache_get(c, &key, &out));
    cr_assert_eq(out.pdq_quality, 55);
    vg_cache_close(c);
    c = open_as("vigil 1; pdq=full");
    cr_assert_not(vg_cache_get(c, &key, &out));
    vg_cache_close(c);
}

Test(cache, first_layout_without_producer_is_dropped) {
    char sub[140];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    sqlite3 *d;
    cr_assert_eq(sqlite3_open(db, &d), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(d,
                              "CREATE TABLE files(dev INTEGER, ino INTEGER, size INTEGER,"
                              " mtime_ns INTEGER, ctime_ns INTEGER, type INTEGER, md5 BLOB,"
                              " sha1 BLOB, sha256 BLOB, hashed_size INTEGER, pdq BLOB,"
                              " pdq_quality INTEGER, PRIMARY KEY(dev, ino));"
                              "INSERT INTO files VALUES(7,42,1000,5,6,1,x'00',x'00',x'00',1000,"
                              "NULL,NULL);",
                              NULL, NULL, NULL),
                 SQLITE_OK);
    sqlite3_close(d);
    vg_cache *c = open_as("p");
    vg_cache_val out;
    cr_assert_not(vg_cache_get(c, &key, &out));
    vg_cache_close(c);
    cr_assert_eq(sqlite3_open(db, &d), SQLITE_OK);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(d, "SELECT count(*) FROM sqlite_master WHERE name='files'", -1,
                                    &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(d);
}

/* Every setting that changes what is hashed or matched changes the tag. */
Test(cache, producer_tag_names_every_result_setting) {
    vg_scan_opts base, o;
    vg_scan_opts_default(&base);
    char a[512], b[512];
    cr_assert_eq(vg_scan_producer(&base, "vigil 1.0 build x", a, sizeof a), VG_OK);
    cr_assert(strstr(a, "vigil 1.0 build x") != NULL);
    cr_assert_eq(vg_scan_producer(&base, "vigil 1.1 build y", b, sizeof b), VG_OK);
    cr_assert_str_neq(a, b);
    for (int i = 0; i < 10; i++) {
        o = base;
        switch (i) {
        case 0:
            o.pdq_convention = VG_PDQ_CLI;
            break;
        case 1:
            o.no_dihedral = true;
            break;
        case 2:
            o.min_quality = 10;
            break;
        case 3:
            o.limits.max_entry_bytes /= 2;
            break;
        case 4:
            o.limits.max_total_bytes /= 2;
            break;
        case 5:
            o.limits.max_depth = 3;
            break;
        case 6:
            o.limits.max_files = 5;
            break;
        case 7:
            o.limits.max_ratio = 7;
            break;
        case 8:
            o.exact_decode = true;
            break;
        case 9:
            o.no_trim = true;
            break;
        }
        cr_assert_eq(vg_scan_producer(&o, "vigil 1.0 build x", b, sizeof b), VG_OK);
        cr_assert_str_neq(a, b, "setting %d does not change the tag", i);
    }
    o = base;
    o.jobs = 7; /* does not change results: same tag */
    o.pdq_threshold = 10;
    cr_assert_eq(vg_scan_producer(&o, "vigil 1.0 build x", b, sizeof b), VG_OK);
    cr_assert_str_eq(a, b);
    cr_assert_eq(vg_scan_producer(&base, "vigil 1.0 build x", b, 16), VG_E_LIMIT);
}

Test(cache, screening_hashes_keep_their_flag_and_trimmed_hashes_their_rectangle) {
    vg_cache *c = open_as("p");
    vg_cache_val in = sample(true), out;
    in.screen = true;
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    cr_assert(vg_cache_get(c, &key, &out));
    cr_assert(out.has_pdq && out.screen && out.has_dihedral && !out.has_trim);
    cr_assert_arr_eq(out.pdq, in.pdq, sizeof in.pdq);
    in = sample(true);
    in.has_trim = true;
    in.trim_quality = 64;
    in.trim_x = 24, in.trim_y = 25, in.trim_w = 600, in.trim_h = 401;
    for (size_t d = 0; d < 8; d++)
        memset(in.trim[d], (int)(0x40 + d), sizeof in.trim[d]);
    cr_assert_eq(vg_cache_put(c, &key, &in), VG_OK);
    cr_assert(vg_cache_get(c, &key, &out));
    cr_assert_not(out.screen, "an exact PDQ replaced the screening hashes");
    cr_assert(out.has_trim);
    cr_assert_eq(out.trim_quality, 64);
    cr_assert(out.trim_x == 24 && out.trim_y == 25 && out.trim_w == 600 && out.trim_h == 401);
    cr_assert_arr_eq(out.trim, in.trim, sizeof in.trim);
    vg_cache_close(c);
}

Test(cache, a_file_and_its_embedded_items_all_or_nothing) {
    vg_cache *c = open_as("p");
    vg_cache_val in[3] = {sample(true), sample(false), sample(true)}, out[4];
    in[1].no_digests = true; /* a HEIF thumbnail */
    snprintf(in[1].suffix, sizeof in[1].suffix, "#heif-thumbnail");
    snprintf(in[2].suffix, sizeof in[2].suffix, "#jpeg@1234");
    in[2].pdq_quality = 71;
    cr_assert_eq(vg_cache_put_items(c, &key, in, 3), VG_OK);
    size_t n = 0;
    cr_assert_not(vg_cache_get(c, &key, out), "vg_cache_get is for files without items");
    cr_assert_not(vg_cache_get_items(c, &key, out, 2, &n), "more rows than room: a miss");
    cr_assert(vg_cache_get_items(c, &key, out, 4, &n));
    cr_assert_eq(n, 3);
    cr_assert_str_eq(out[0].suffix, "");
    cr_assert_str_eq(out[1].suffix, "#heif-thumbnail");
    cr_assert_str_eq(out[2].suffix, "#jpeg@1234");
    cr_assert(out[1].no_digests && !out[0].no_digests && !out[2].no_digests);
    cr_assert_eq(out[2].pdq_quality, 71);
    cr_assert_arr_eq(out[2].dg.sha256, in[2].dg.sha256, sizeof in[2].dg.sha256);
    /* A new version of the file with one row: the old items go. */
    vg_cache_key k2 = key;
    k2.mtime_ns++;
    cr_assert_eq(vg_cache_put(c, &k2, &in[0]), VG_OK);
    cr_assert_not(vg_cache_get_items(c, &key, out, 4, &n));
    cr_assert(vg_cache_get_items(c, &k2, out, 4, &n));
    cr_assert_eq(n, 1);
    cr_assert_eq(vg_cache_put_items(c, &key, in, 0), VG_E_INVAL);
    cr_assert_eq(vg_cache_put_items(c, &key, in, VG_CACHE_MAX_ITEMS + 1), VG_E_INVAL);
    vg_cache_close(c);
}

Test(cache, a_missing_item_row_is_a_miss) {
    vg_cache *c = open_as("p");
    vg_cache_val in[3] = {sample(true), sample(true), sample(true)}, out[4];
    cr_assert_eq(vg_cache_put_items(c, &key, in, 3), VG_OK);
    vg_cache_close(c);
    sqlite3 *d;
    cr_assert_eq(sqlite3_open(db, &d), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(d, "DELETE FROM items WHERE idx=1", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(d);
    c = open_as("p");
    size_t n = 0;
    cr_assert_not(vg_cache_get_items(c, &key, out, 4, &n));
    vg_cache_close(c);
}

Test(cache, the_one_row_per_file_layout_is_dropped) {
    char sub[140];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    sqlite3 *d;
    cr_assert_eq(sqlite3_open(db, &d), SQLITE_OK);
    cr_assert_eq(
        sqlite3_exec(d, "CREATE TABLE hashes(dev INTEGER, ino INTEGER);", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(d);
    vg_cache *c = open_as("p");
    vg_cache_close(c);
    cr_assert_eq(sqlite3_open(db, &d), SQLITE_OK);
    sqlite3_stmt *q;
    cr_assert_eq(sqlite3_prepare_v2(d, "SELECT count(*) FROM sqlite_master WHERE name='hashes'", -1,
                                    &q, NULL),
                 SQLITE_OK);
    cr_assert_eq(sqlite3_step(q), SQLITE_ROW);
    cr_assert_eq(sqlite3_column_int(q, 0), 0);
    sqlite3_finalize(q);
    sqlite3_close(d);
}
