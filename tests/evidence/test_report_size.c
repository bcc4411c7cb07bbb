/*
 * test_report_size.c — records.jsonl stops growing at max_report_size: the record that would
 * cross it becomes one "max-report-size" limit record, later file / error / limit calls return
 * VG_E_LIMIT and write nothing, matches of files already written and scan_end still go in, and
 * the report seals and verifies (with the limit counted, so it reads as incomplete coverage).
 * No line is ever longer than VG_EV_RECORD_MAX (what a reader may allow): a longer record is a
 * "max-record-size" limit record instead, and writing goes on.
 * preserved/ stops at max_preserve_size: a container that would cross it is never more than
 * what is left of it on disk, is removed, and its file gets a "not_preserved" record with the
 * reason "limit max-preserve-size"; a later file whose container fits exactly is still kept.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>

#include "vigil/evidence.h"

#include "ev_fixture.h"

static char *tmp, key[600];
static vg_ev_pubkey pub;

static void setup(void) {
    tmp = fx_tmpdir();
    fx_keygen(tmp, "sign", &pub);
    snprintf(key, sizeof key, "%s/sign.key", tmp);
}

static void teardown(void) {
    fx_rmrf(tmp);
    free(tmp);
}

TestSuite(report_size, .init = setup, .fini = teardown, .timeout = 120);

static char *argv0[] = {"vigil"};

/* A started report with options o (its parent and key set here), with one list "L1". */
static vg_ev_report *open_with(vg_ev_opts o) {
    o.parent = tmp;
    o.sign_key = key;
    vg_ev_report *r = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, NULL), VG_OK);
    vg_ev_list l = {.name = "L1", .entries = 1};
    vg_ev_scan_info in = {.argc = 1, .argv = argv0, .lists = &l, .n_lists = 1};
    cr_assert_eq(vg_ev_report_scan_start(r, &in), VG_OK);
    return r;
}

/* A started report capped at max bytes. */
static vg_ev_report *open_capped(uint64_t max) {
    return open_with((vg_ev_opts){.max_report_size = max});
}

static off_t records_size(const char *d) {
    char p[1024];
    struct stat s;
    snprintf(p, sizeof p, "%s/records.jsonl", d);
    cr_assert_eq(stat(p, &s), 0);
    return s.st_size;
}

/* The last line of records.jsonl (malloc'd, without LF). */
static char *last_line(const char *d) {
    size_t n;
    char *t = fx_read(d, "records.jsonl", &n);
    cr_assert(n > 0 && t[n - 1] == '\n');
    t[n - 1] = '\0';
    char *nl = strrchr(t, '\n');
    char *out = strdup(nl ? nl + 1 : t);
    free(t);
    return out;
}

static vg_ev_file file_at(const char *path, const char *outcome) {
    vg_ev_file f = {.where = {.path = path}, .size = 1, .kind = "other", .outcome = outcome};
    return f;
}

Test(report_size, stops_at_the_maximum_and_still_seals) {
    const uint64_t max = 16384;
    vg_ev_report *r = open_capped(max);
    char *d = strdup(vg_ev_report_dir(r));
    cr_assert_lt(records_size(d), (off_t)max, "scan_start alone fits");
    char path[64];
    uint64_t written = 0, matched_seq = 0;
    vg_status st = VG_OK;
    while (st == VG_OK && written < 10000) {
        snprintf(path, sizeof path, "/data/file-%06llu", (unsigned long long)written);
        vg_ev_file f = file_at(path, written == 3 ? "matched" : "clean");
        uint64_t seq = 0;
        off_t before = records_size(d);
        st = vg_ev_report_file(r, &f, &seq);
        if (st == VG_OK) {
            cr_assert_leq(records_size(d), (off_t)max, "a written record fits");
            written++;
            if (written == 4) { /* a matched file: its match follows at once */
                matched_seq = seq;
                vg_ev_match m = {.file_seq = seq, .list = "L1", .entry = "e1", .how = "sha256"};
                cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_OK);
            }
        } else {
            cr_assert_gt(records_size(d), before, "the limit record was written instead");
        }
    }
    cr_assert_eq(st, VG_E_LIMIT, "%s", vg_ev_report_errmsg(r));
    cr_assert(strstr(vg_ev_report_errmsg(r), "max-report-size") != NULL);
    cr_assert_gt(written, 10);
    cr_assert_gt(matched_seq, 0);
    char *lim = last_line(d);
    cr_assert(strstr(lim, "\"type\":\"limit\"") && strstr(lim, "\"limit\":\"max-report-size\"") &&
                  strstr(lim, "\"max\":16384") && !strstr(lim, "\"path\""),
              "%s", lim);
    free(lim);

    /* Full: nothing more of a file, an error or a limit; the size does not move. */
    off_t full = records_size(d);
    vg_ev_file f = file_at("/data/late", "clean");
    vg_ev_where w = {.path = "/data/late"};
    cr_assert_eq(vg_ev_report_file(r, &f, NULL), VG_E_LIMIT);
    cr_assert_eq(vg_ev_report_error(r, &w, "EACCES", 13, NULL), VG_E_LIMIT);
    cr_assert_eq(vg_ev_report_limit(r, &w, "max-depth", 18, 17, NULL), VG_E_LIMIT);
    cr_assert_eq(records_size(d), full);

    cr_assert_eq(vg_ev_report_scan_end(r, true), VG_OK, "%s", vg_ev_report_errmsg(r));
    cr_assert_eq(vg_ev_report_seal(r), VG_OK, "%s", vg_ev_report_errmsg(r));
    vg_ev_report_free(r);
    char *end = last_line(d);
    cr_assert(strstr(end, "\"limits\":1") != NULL, "%s", end);
    free(end);
    vg_ev_verdict v = fx_verify(d, &pub, NULL, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    cr_assert_eq(v.records, 1 + written + 1 + 1 + 1, "scan_start, files, match, limit, end");
    free(d);
}

Test(report_size, one_record_larger_than_the_maximum) {
    vg_ev_report *r = open_capped(8192);
    char *d = strdup(vg_ev_report_dir(r));
    char *longp = malloc(20000);
    memset(longp, 'a', 19999);
    longp[0] = '/';
    longp[19999] = '\0';
    vg_ev_file f = file_at(longp, "clean");
    cr_assert_eq(vg_ev_report_file(r, &f, NULL), VG_E_LIMIT);
    cr_assert_lt(records_size(d), 8192, "the long path was not written");
    char *lim = last_line(d);
    cr_assert(strstr(lim, "\"limit\":\"max-report-size\"") != NULL, "%s", lim);
    free(lim);
    cr_assert_eq(vg_ev_report_scan_end(r, true), VG_OK);
    cr_assert_eq(vg_ev_report_seal(r), VG_OK);
    vg_ev_report_free(r);
    vg_ev_verdict v = fx_verify(d, &pub, NULL, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    free(longp);
    free(d);
}

Test(report_size, a_record_longer_than_record_max_is_left_out_and_the_scan_goes_on) {
    vg_ev_report *r = open_capped(0);
    char *d = strdup(vg_ev_report_dir(r));
    size_t len = VG_EV_RECORD_MAX + 10;
    char *longp = malloc(len + 1);
    memset(longp, 'b', len);
    longp[0] = '/';
    longp[len] = '\0';
    vg_ev_file f = file_at(longp, "clean");
    cr_assert_eq(vg_ev_report_file(r, &f, NULL), VG_E_LIMIT);
    cr_assert(strstr(vg_ev_report_errmsg(r), "max-record-size") != NULL);
    cr_assert(!vg_ev_report_full(r), "one long record does not fill the report");
    char *lim = last_line(d);
    cr_assert(strstr(lim, "\"limit\":\"max-record-size\"") && !strstr(lim, "\"path\""), "%s", lim);
    free(lim);
    vg_ev_where w = {.path = longp};
    cr_assert_eq(vg_ev_report_error(r, &w, "EACCES", 13, NULL), VG_E_LIMIT);
    vg_ev_file g = file_at("/data/next", "clean");
    cr_assert_eq(vg_ev_report_file(r, &g, NULL), VG_OK, "%s", vg_ev_report_errmsg(r));
    cr_assert_lt(records_size(d), 8192, "no long line written");
    cr_assert_eq(vg_ev_report_scan_end(r, false), VG_OK);
    cr_assert_eq(vg_ev_report_seal(r), VG_OK);
    vg_ev_report_free(r);
    vg_ev_verdict v = fx_verify(d, &pub, NULL, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    cr_assert_eq(v.records, 5, "scan_start, 2 limits, file, scan_end");
    free(longp);
    free(d);
}

Test(report_size, default_is_large) {
    vg_ev_report *r = open_capped(0);
    vg_ev_file f = file_at("/data/one", "clean");
    cr_assert_eq(vg_ev_report_file(r, &f, NULL), VG_OK);
    cr_assert_eq(VG_EV_MAX_REPORT_DEFAULT, 4ull << 30);
    vg_ev_report_free(r);
}

/* ---- the preserved/ budget ---- */

/* Bytes of every file in dir/preserved (containers and any .tmp being written). */
static uint64_t preserved_bytes(const char *d) {
    char p[1024];
    snprintf(p, sizeof p, "%s/preserved", d);
    int fd = open(p, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return 0;
    DIR *dir = fdopendir(fd);
    cr_assert(dir != NULL);
    uint64_t sum = 0;
    struct stat st;
    for (struct dirent *e; (e = readdir(dir));)
        if (e->d_name[0] != '.' && fstatat(fd, e->d_name, &st, 0) == 0)
            sum += (uint64_t)st.st_size;
    closedir(dir);
    return sum;
}

/* A matched file of n bytes (byte value v), read in 1000-byte pieces; each read checks that
 * preserved/ (with the container being written) is still within max. */
struct pfile {
    unsigned char v;
    size_t n, at;
    const char *dir;
    uint64_t max, peak;
};

static long read_pfile(void *ctx, void *buf, size_t cap) {
    struct pfile *f = ctx;
    uint64_t now = preserved_bytes(f->dir);
    f->peak = now > f->peak ? now : f->peak;
    size_t k = f->n - f->at < cap ? f->n - f->at : cap;
    k = k < 1000 ? k : 1000;
    memset(buf, f->v, k);
    f->at += k;
    return (long)k;
}

/* Write the matched file record of f and its match; preserve it; @return whether it was. */
static bool preserve_one(vg_ev_report *r, struct pfile *f) {
    unsigned char *bytes = malloc(f->n + 1);
    memset(bytes, f->v, f->n);
    vg_ev_file rec = file_at("/data/match", "matched");
    rec.size = f->n;
    rec.has_digests = true;
    unsigned len = 0;
    cr_assert(EVP_Digest(bytes, f->n, rec.digests.sha256, &len, EVP_sha256(), NULL) == 1);
    free(bytes);
    uint64_t seq = 0;
    cr_assert_eq(vg_ev_report_file(r, &rec, &seq), VG_OK);
    vg_ev_match m = {.file_seq = seq, .list = "L1", .entry = "e1", .how = "sha256"};
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_OK);
    bool done = false;
    f->at = 0;
    cr_assert_eq(vg_ev_report_preserve_cb(r, seq, read_pfile, f, &done), VG_OK, "%s",
                 vg_ev_report_errmsg(r));
    return done;
}

/* A started report preserving to tmp/inv.crt within budget (0: the default). */
static vg_ev_report *open_budget(uint64_t budget, char **d) {
    char cert[700];
    snprintf(cert, sizeof cert, "%s/inv.crt", tmp);
    vg_ev_report *r = open_with((vg_ev_opts){.recipient_cert = cert, .max_preserve_size = budget});
    *d = strdup(vg_ev_report_dir(r));
    return r;
}

static size_t count_of(const char *hay, const char *needle) {
    size_t k = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        k++;
    return k;
}

/* Preserve A (30000 bytes), B (90000), C (20000), D (1), in that order, within budget;
 * @return the sealed report's folder. */
static char *budget_run(uint64_t budget, bool kept[4], uint64_t peak[4]) {
    char *d = NULL;
    vg_ev_report *r = open_budget(budget, &d);
    struct pfile f[4] = {
        {.v = 'a', .n = 30000}, {.v = 'b', .n = 90000}, {.v = 'c', .n = 20000}, {.v = 'd', .n = 1}};
    for (int i = 0; i < 4; i++) {
        f[i].dir = d;
        kept[i] = preserve_one(r, &f[i]);
        peak[i] = f[i].peak;
        cr_assert_leq(preserved_bytes(d), budget, "file %d", i);
    }
    cr_assert_eq(vg_ev_report_scan_end(r, false), VG_OK);
    cr_assert_eq(vg_ev_report_seal(r), VG_OK, "%s", vg_ev_report_errmsg(r));
    vg_ev_report_free(r);
    return d;
}

Test(report_size, preserved_folder_stops_at_its_budget) {
    fx_recipient(tmp, "inv", true);
    char dkey[700];
    snprintf(dkey, sizeof dkey, "%s/inv.key", tmp);
    /* Container sizes of A and C, from a report with the default budget. */
    char *d0 = NULL;
    vg_ev_report *r = open_budget(0, &d0);
    struct pfile a = {.v = 'a', .n = 30000, .dir = d0}, c = {.v = 'c', .n = 20000, .dir = d0};
    cr_assert(preserve_one(r, &a));
    uint64_t ca = preserved_bytes(d0);
    cr_assert(preserve_one(r, &c));
    uint64_t cc = preserved_bytes(d0) - ca;
    cr_assert_gt(ca, 30000);
    cr_assert_gt(cc, 20000);
    vg_ev_report_free(r);
    free(d0);

    bool kept[4];
    uint64_t peak[4];
    char *d = budget_run(ca + cc, kept, peak);
    cr_assert(kept[0] && !kept[1] && kept[2] && !kept[3], "A kept, B over, C fits exactly, D not");
    cr_assert_eq(preserved_bytes(d), ca + cc, "the budget is used to the byte");
    cr_assert_leq(peak[1], ca + cc, "B's partial container stayed within the budget");
    cr_assert_gt(peak[1], ca, "B's container was seen growing");
    size_t n;
    char *recs = fx_read(d, "records.jsonl", &n);
    cr_assert_eq(count_of(recs, "\"reason\":\"limit max-preserve-size\""), 2, "%s", recs);
    cr_assert_eq(count_of(recs, "\"type\":\"preserved\""), 2);
    cr_assert(strstr(recs, "\"object\":\"preserved/000002.cms\"") != NULL, "no gap in names");
    free(recs);
    char *end = last_line(d);
    cr_assert(strstr(end, "\"not_preserved\":2,") && strstr(end, "},\"preserved\":2"), "%s", end);
    free(end);
    vg_ev_verdict v = fx_verify(d, &pub, dkey, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    cr_assert_eq(v.decrypted, 2);
    free(d);

    /* One byte less: C no longer fits, and D (one byte) then does. */
    d = budget_run(ca + cc - 1, kept, peak);
    cr_assert(kept[0] && !kept[1] && !kept[2] && kept[3], "%d%d%d%d", kept[0], kept[1], kept[2],
              kept[3]);
    cr_assert_leq(peak[2], ca + cc - 1, "C's partial container stayed within the budget");
    v = fx_verify(d, &pub, dkey, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    free(d);
    cr_assert_eq(VG_EV_MAX_PRESERVE_DEFAULT, 16ull << 30);
}
