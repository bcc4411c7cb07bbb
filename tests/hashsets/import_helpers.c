/* import_helpers.c — see import_helpers.h. */
#include "import_helpers.h"

#include <criterion/criterion.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char th_got[TH_MAX][400];
int th_ngot;
char th_reports[TH_MAX][600];
int th_nreports;

static const char *const type_names[] = {"none", "md5",   "sha1",  "sha256", "pdq",  "photodna",
                                         "tmk",  "phash", "dhash", "ahash",  "other"};

static vg_status sink(void *ctx, const vg_hset_entry *e) {
    (void)ctx;
    if (th_ngot >= TH_MAX)
        return VG_OK;
    char *s = th_got[th_ngot++];
    size_t cap = sizeof th_got[0];
    int k = snprintf(s, cap, "%s ", type_names[e->type]);
    for (size_t i = 0; i < e->hash_len; i++)
        k += snprintf(s + k, cap - (size_t)k, "%02x", e->hash[i]);
    if (e->quality >= 0)
        k += snprintf(s + k, cap - (size_t)k, " q=%d", e->quality);
    if (e->id)
        k += snprintf(s + k, cap - (size_t)k, " id=%s", e->id);
    if (e->cat_code || e->cat_profile)
        k +=
            snprintf(s + k, cap - (size_t)k, " cat=%s/%s/%s", e->cat_profile ? e->cat_profile : "-",
                     e->cat_code ? e->cat_code : "-", e->cat_label ? e->cat_label : "-");
    if (e->non_pertinent)
        k += snprintf(s + k, cap - (size_t)k, " np");
    if (e->size != UINT64_MAX)
        k += snprintf(s + k, cap - (size_t)k, " size=%llu", (unsigned long long)e->size);
    if (e->name)
        k += snprintf(s + k, cap - (size_t)k, " name=%s", e->name);
    snprintf(s + k, cap - (size_t)k, " line=%llu", (unsigned long long)e->line);
    return VG_OK;
}

static void report(void *ctx, const char *msg) {
    (void)ctx;
    if (th_nreports < TH_MAX)
        snprintf(th_reports[th_nreports++], sizeof th_reports[0], "%s", msg);
}

vg_hset_import *th_new(void) {
    vg_hset_import *h = vg_hset_import_new();
    cr_assert_not_null(h);
    vg_hset_import_set_report(h, report, NULL);
    return h;
}

const char *th_data(const char *name) {
    static char path[512];
    snprintf(path, sizeof path, "%s/hashlists/%s", VIGIL_TEST_DATA, name);
    return path;
}

vg_status th_import_path(vg_hset_import *h, const char *path) {
    th_ngot = 0;
    th_nreports = 0;
    return vg_hset_import_file(h, path, sink, NULL);
}

vg_status th_import_data(vg_hset_import *h, const char *name) {
    return th_import_path(h, th_data(name));
}

vg_status th_import_text(vg_hset_import *h, const char *text, size_t len, char *path_out) {
    char path[64] = "/tmp/vigil-import-test-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, len), (ssize_t)len);
    close(fd);
    if (path_out)
        strcpy(path_out, path);
    vg_status st = th_import_path(h, path);
    unlink(path);
    return st;
}

const char *th_detect_data(const char *name) {
    static char buf[256 * 1024];
    FILE *f = fopen(th_data(name), "rb");
    cr_assert_not_null(f, "cannot open %s", name);
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *fmt = vg_hset_import_detect(buf, n);
    return fmt ? fmt : "(none)";
}
