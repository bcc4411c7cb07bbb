/*
 * test_verify_hostile.c — reports built to exhaust memory: a record line of hundreds of MiB, a
 * case.jsonld of hundreds of MiB (both sparse files, so they cost no disk). verify must refuse
 * them with a named reason while its memory high-water mark stays far below the file sizes;
 * the writer must refuse to write a record that verify would refuse; the CASE export keeps only
 * the findings and refuses more than its budget.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "vigil/ev_json.h"
#include "vigil/evidence.h"

#include "ev_fixture.h"
#include "report_impl.h"

#define HUGE ((off_t)256 << 20) /* bytes of a hostile file */
#define SLACK ((long)48 << 10)  /* kB of high-water growth allowed (far below HUGE) */

static char *tmp, *dir, key[600];
static vg_ev_pubkey pub;

static void setup(void) {
    tmp = fx_tmpdir();
    fx_keygen(tmp, "sign", &pub);
    snprintf(key, sizeof key, "%s/sign.key", tmp);
    dir = fx_report(tmp, key, NULL, true); /* with case.jsonld */
}

static void teardown(void) {
    fx_rmrf(tmp);
    free(tmp);
    free(dir);
}

TestSuite(verify_hostile, .init = setup, .fini = teardown, .timeout = 120);

/* VmHWM of this process in kB. */
static long hwm_kb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    cr_assert(f != NULL);
    char line[256];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
            break;
    fclose(f);
    cr_assert(kb > 0);
    return kb;
}

/* Append a hole of n zero bytes (no LF) to dir/name without writing them. */
static void append_hole(const char *name, off_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(truncate(path, sb.st_size + n), 0);
}

/* Pin dir/name's current digest and size in summary.json (hashed while streaming) and sign it
 * with the legitimate key, as a key holder forging a report could. */
static void repin(const char *name) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY);
    cr_assert(fd >= 0);
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    cr_assert(EVP_DigestInit_ex(m, EVP_sha256(), NULL) == 1);
    static char buf[1 << 16];
    ssize_t k;
    int64_t total = 0;
    while ((k = read(fd, buf, sizeof buf)) > 0) {
        cr_assert(EVP_DigestUpdate(m, buf, (size_t)k) == 1);
        total += k;
    }
    close(fd);
    uint8_t h[32];
    unsigned hl = 0;
    cr_assert(EVP_DigestFinal_ex(m, h, &hl) == 1);
    EVP_MD_CTX_free(m);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    size_t n;
    char *text = fx_read(dir, "summary.json", &n);
    json_object *sum = json_tokener_parse(text);
    free(text);
    json_object *files = json_object_object_get(sum, "files");
    for (size_t i = 0; i < json_object_array_length(files); i++) {
        json_object *f = json_object_array_get_idx(files, i);
        if (!strcmp(json_object_get_string(json_object_object_get(f, "name")), name)) {
            json_object_object_add(f, "sha256", json_object_new_string(hex));
            json_object_object_add(f, "size", json_object_new_int64(total));
        }
    }
    char *c = NULL;
    size_t cn = 0;
    cr_assert_eq(vg_ev_json_canon(sum, &c, &cn, NULL), VG_OK);
    c = realloc(c, cn + 1);
    c[cn++] = '\n';
    fx_write(dir, "summary.json", c, cn);
    free(c);
    json_object_put(sum);
    snprintf(path, sizeof path, "%s/summary.tsq", dir);
    unlink(path); /* over the old summary */
    fx_sign_as_is(dir, key);
}

Test(verify_hostile, huge_record_line_in_unsealed_report) {
    char path[1024];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/report.sig", dir);
    unlink(path);
    size_t n = 0, lines = 0;
    char *text = fx_read(dir, "records.jsonl", &n);
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    free(text);
    cr_assert(lines > 5);
    append_hole("records.jsonl", HUGE);
    long before = hwm_kb();
    vg_ev_verdict v = fx_verify(dir, &pub, NULL, false);
    long grown = hwm_kb() - before;
    cr_assert_eq(v.outcome, VG_EV_TAMPERED, "%s: %s", v.reason, v.detail);
    cr_assert_str_eq(v.reason, "records.line_too_long", "%s", v.detail);
    cr_assert_eq(v.line, lines + 1, "the line after the %zu records, got %d", lines, (int)v.line);
    cr_assert(grown < SLACK, "verify grew by %ld kB for a %lld-byte line", grown, (long long)HUGE);
}

Test(verify_hostile, huge_record_line_in_resealed_report) {
    append_hole("records.jsonl", HUGE);
    repin("records.jsonl");
    long before = hwm_kb();
    vg_ev_verdict v = fx_verify(dir, &pub, NULL, false);
    long grown = hwm_kb() - before;
    cr_assert_eq(v.outcome, VG_EV_TAMPERED, "%s: %s", v.reason, v.detail);
    cr_assert_str_eq(v.reason, "records.line_too_long", "%s", v.detail);
    cr_assert(grown < SLACK, "verify grew by %ld kB", grown);
}

Test(verify_hostile, huge_case_export_in_resealed_report) {
    vg_ev_verdict v = fx_verify(dir, &pub, NULL, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    append_hole("case.jsonld", HUGE);
    repin("case.jsonld");
    long before = hwm_kb();
    v = fx_verify(dir, &pub, NULL, false);
    long grown = hwm_kb() - before;
    cr_assert_eq(v.outcome, VG_EV_TAMPERED, "%s: %s", v.reason, v.detail);
    cr_assert_str_eq(v.reason, "xref.case_export", "%s", v.detail);
    cr_assert(grown < SLACK, "verify grew by %ld kB for a %lld-byte case.jsonld", grown,
              (long long)HUGE);
}

/* What the writer writes, verify reads: a file/error record too long becomes a max-record-size
 * limit record (the scan goes on), any other record too long is refused outright, and every
 * line written fits the reader's bound. */
Test(verify_hostile, writer_never_writes_a_line_verify_refuses) {
    vg_ev_opts o = {.parent = tmp, .sign_key = key};
    vg_ev_report *r = NULL;
    const char *err = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, &err), VG_OK, "%s", err ? err : "");
    char *argv[] = {"vigil", "scan"};
    vg_ev_list list = {.name = "L1", .entries = 1};
    vg_ev_scan_info in = {.tool_version = "0.1.0",
                          .tool_build = "abc",
                          .argc = 2,
                          .argv = argv,
                          .lists = &list,
                          .n_lists = 1};
    cr_assert_eq(vg_ev_report_scan_start(r, &in), VG_OK, "%s", vg_ev_report_errmsg(r));
    size_t n = VG_EV_RECORD_MAX + 10;
    char *name = malloc(n + 1);
    memset(name, 'a', n);
    name[0] = '/';
    name[n] = '\0';
    vg_ev_where w = {.path = name};
    cr_assert_eq(vg_ev_report_error(r, &w, "unreadable", 5, NULL), VG_E_LIMIT);
    vg_ev_file f = {.where = {.path = "/x.jpg"},
                    .outcome = "matched",
                    .kind = "jpeg",
                    .size = 1,
                    .has_digests = true,
                    .digests = {.size = 1}};
    uint64_t seq = 0;
    cr_assert_eq(vg_ev_report_file(r, &f, &seq), VG_OK, "%s", vg_ev_report_errmsg(r));
    vg_ev_match m = {.file_seq = seq, .list = "L1", .entry = name, .how = "sha256"};
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_E_LIMIT);
    cr_assert(strstr(vg_ev_report_errmsg(r), "not written") != NULL, "%s", vg_ev_report_errmsg(r));
    name[4096] = '\0'; /* a long but ordinary entry name is written */
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_OK, "%s", vg_ev_report_errmsg(r));
    free(name);
    cr_assert_eq(vg_ev_report_scan_end(r, false), VG_OK);
    cr_assert_eq(vg_ev_report_seal(r), VG_OK, "%s", vg_ev_report_errmsg(r));
    char *rdir = strdup(vg_ev_report_dir(r));
    vg_ev_report_free(r);
    size_t len = 0;
    char *text = fx_read(rdir, "records.jsonl", &len);
    for (char *line = text, *nl; (nl = memchr(line, '\n', len - (size_t)(line - text)));
         line = nl + 1)
        cr_assert((size_t)(nl - line) <= VG_EV_MAX_LINE, "a %zu-byte line", (size_t)(nl - line));
    cr_assert(strstr(text, "max-record-size") != NULL, "the long error became a limit record");
    free(text);
    vg_ev_verdict v = fx_verify(rdir, &pub, NULL, false);
    cr_assert_eq(v.outcome, VG_EV_VERIFIED, "%s: %s", v.reason, v.detail);
    free(rdir);
}

Test(verify_hostile, case_export_keeps_only_findings_within_budget) {
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    cr_assert(dfd >= 0);
    vg_ev_buf out = {0};
    cr_assert_eq(vg_ev_case_render_file(dfd, "records.jsonl", VG_EV_CASE_MAX_KEPT, &out), VG_OK);
    size_t n;
    char *have = fx_read(dir, "case.jsonld", &n);
    cr_assert_eq(out.n, n);
    cr_assert(memcmp(out.p, have, n) == 0, "the streamed export is the written one");
    free(have);
    vg_ev_buf_free(&out);
    /* the sample's matched records take a few hundred bytes: a tiny budget refuses them */
    cr_assert_eq(vg_ev_case_render_file(dfd, "records.jsonl", 64, &out), VG_E_LIMIT);
    vg_ev_buf_free(&out);
    cr_assert_eq(vg_ev_case_render_file(dfd, "no-such-file", VG_EV_CASE_MAX_KEPT, &out),
                 VG_E_NOTFOUND);
    vg_ev_buf_free(&out);
    close(dfd);
}
