/* test_cache.c — the incremental scan cache: hits only for an unchanged identity and tag. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/cache.h"

static char dir[64];
static char path[128];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/vigil-test-cache-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sub/deeper/cache.sqlite", dir);
}

static void teardown(void) {
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(cache, .init = setup, .fini = teardown);

static vg_cache_key key(void) {
    vg_cache_key k = {.dev = 0xfd01,
                      .ino = 0xffffffffffffff01ull,
                      .size = 1234,
                      .mtime_ns = 1700000000123456789,
                      .ctime_ns = 1700000001000000000};
    return k;
}

static vg_cache_val value(char *blob) {
    vg_cache_val v;
    memset(&v, 0, sizeof v);
    for (unsigned i = 0; i < VG_SHA256_LEN; i++)
        v.digests.sha256[i] = (uint8_t)i;
    v.digests.md5[0] = 0xaa;
    v.digests.sha1[19] = 0xbb;
    v.digests.size = 1234;
    v.kind = 2;
    v.blob = blob;
    v.blob_len = strlen(blob);
    return v;
}

Test(cache, stores_and_finds_an_entry_across_reopen) {
    vg_cache *c;
    char err[256];
    cr_assert_eq(vg_cache_open(&c, path, "t1", err, sizeof err), VG_OK, "%s", err);
    vg_cache_key k = key();
    vg_cache_val v = value("pdq-result");
    cr_assert_eq(vg_cache_put(c, &k, &v), VG_OK);
    vg_cache_close(c);

    cr_assert_eq(vg_cache_open(&c, path, "t1", err, sizeof err), VG_OK, "%s", err);
    char buf[64];
    vg_cache_val got = {.blob = buf, .blob_cap = sizeof buf};
    bool found = false;
    cr_assert_eq(vg_cache_get(c, &k, &got, &found), VG_OK);
    cr_assert(found);
    cr_assert_arr_eq(got.digests.md5, v.digests.md5, VG_MD5_LEN);
    cr_assert_arr_eq(got.digests.sha1, v.digests.sha1, VG_SHA1_LEN);
    cr_assert_arr_eq(got.digests.sha256, v.digests.sha256, VG_SHA256_LEN);
    cr_assert_eq(got.digests.size, 1234);
    cr_assert_eq(got.kind, 2);
    cr_assert_eq(got.blob_len, strlen("pdq-result"));
    cr_assert_arr_eq(buf, "pdq-result", got.blob_len);
    uint64_t n = 0;
    cr_assert_eq(vg_cache_count(c, &n), VG_OK);
    cr_assert_eq(n, 1);
    vg_cache_close(c);
}

Test(cache, any_change_of_identity_or_tag_is_a_miss) {
    vg_cache *c;
    cr_assert_eq(vg_cache_open(&c, path, "t1", NULL, 0), VG_OK);
    vg_cache_key k = key();
    vg_cache_val v = value("x");
    cr_assert_eq(vg_cache_put(c, &k, &v), VG_OK);
    char buf[16];
    vg_cache_val got = {.blob = buf, .blob_cap = sizeof buf};
    bool found = true;
    vg_cache_key changed[4] = {k, k, k, k};
    changed[0].size++;
    changed[1].mtime_ns++;
    changed[2].ctime_ns++;
    changed[3].ino++;
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(vg_cache_get(c, &changed[i], &got, &found), VG_OK);
        cr_assert_not(found, "change %d still hit", i);
    }
    vg_cache_close(c);
    cr_assert_eq(vg_cache_open(&c, path, "t2", NULL, 0), VG_OK);
    cr_assert_eq(vg_cache_get(c, &k, &got, &found), VG_OK);
    cr_assert_not(found, "another tag must not see the entry");
    vg_cache_close(c);
}

Test(cache, a_rewritten_file_replaces_its_row) {
    vg_cache *c;
    cr_assert_eq(vg_cache_open(&c, path, "t", NULL, 0), VG_OK);
    vg_cache_key k = key();
    vg_cache_val v = value("old");
    cr_assert_eq(vg_cache_put(c, &k, &v), VG_OK);
    k.ctime_ns += 5;
    v = value("new");
    cr_assert_eq(vg_cache_put(c, &k, &v), VG_OK);
    uint64_t n = 0;
    cr_assert_eq(vg_cache_count(c, &n), VG_OK);
    cr_assert_eq(n, 1);
    char buf[16];
    vg_cache_val got = {.blob = buf, .blob_cap = sizeof buf};
    bool found = false;
    cr_assert_eq(vg_cache_get(c, &k, &got, &found), VG_OK);
    cr_assert(found);
    cr_assert_arr_eq(buf, "new", 3);
    vg_cache_close(c);
}

Test(cache, oversized_blobs_are_refused_both_ways) {
    vg_cache *c;
    cr_assert_eq(vg_cache_open(&c, path, "t", NULL, 0), VG_OK);
    vg_cache_key k = key();
    static char big[VG_CACHE_MAX_BLOB + 2];
    memset(big, 'b', sizeof big - 1);
    vg_cache_val v = value(big);
    cr_assert_eq(vg_cache_put(c, &k, &v), VG_E_LIMIT);
    v = value("twelve bytes");
    cr_assert_eq(vg_cache_put(c, &k, &v), VG_OK);
    char small[4];
    vg_cache_val got = {.blob = small, .blob_cap = sizeof small};
    bool found = true;
    cr_assert_eq(vg_cache_get(c, &k, &got, &found), VG_E_LIMIT);
    cr_assert_not(found);
    vg_cache_close(c);
}

Test(cache, files_are_private_and_foreign_files_refused) {
    vg_cache *c;
    cr_assert_eq(vg_cache_open(&c, path, "t", NULL, 0), VG_OK);
    vg_cache_close(c);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600);
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    cr_assert_eq(stat(sub, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0700);

    char junk[128], err[256] = "";
    snprintf(junk, sizeof junk, "%s/junk.sqlite", dir);
    FILE *f = fopen(junk, "w");
    cr_assert_not_null(f);
    fputs("this is not a database, it is a text file long enough to be read as a header\n", f);
    fclose(f);
    cr_assert_eq(vg_cache_open(&c, junk, "t", err, sizeof err), VG_E_FORMAT);
    cr_assert_null(c);
    cr_assert(strstr(err, "cache:") != NULL, "message: %s", err);
}

Test(cache, default_path_follows_root_or_xdg) {
    char buf[256];
    setenv("XDG_CACHE_HOME", "/x/cache", 1);
    cr_assert_eq(vg_cache_default_path(buf, sizeof buf), VG_OK);
    if (geteuid() == 0)
        cr_assert_str_eq(buf, "/var/lib/vigil/cache.sqlite");
    else
        cr_assert_str_eq(buf, "/x/cache/vigil/cache.sqlite");
    cr_assert_eq(vg_cache_default_path(buf, 8), VG_E_LIMIT);
}
