/* test_import_detect.c — content detection of every sample, forcing a format, options as the
 * CLI spells them, and the reader's edge cases (1 MB line, NUL, BOM, CRLF, no final newline,
 * buffer refills, provenance digest). */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "import_helpers.h"
#include "vigil/digest.h"

/* ---- detection ---- */

struct detect_case {
    char file[48]; /* plain data: Criterion copies parameters (no pointers, STYLE.md) */
    char format[16];
};

static struct detect_case detect_cases[] = {
    {"plain_md5.txt", "plain"},
    {"md5sum.txt", "sum"},
    {"sha256sum_binary.txt", "sum"},
    {"sha256_bsd_tag.txt", "sum"},
    {"md5deep_size.txt", "sum"},
    {"tool_md5sum.txt", "sum"},
    {"tool_sha1sum_binary.txt", "sum"},
    {"tool_sha256sum.txt", "sum"},
    {"tool_sha256sum_tag.txt", "sum"},
    {"tool_md5deep.txt", "sum"},
    {"tool_md5deep_z.txt", "sum"},
    {"hashdeep.txt", "hashdeep"},
    {"tool_hashdeep.txt", "hashdeep"},
    {"pdq_photo_hasher.csv", "pdq"},
    {"pdq_hash_quality.csv", "pdq"},
    {"threatexchange_local_file.txt", "pdq"},
    {"icse_style.csv", "csv"},
    {"iwf_style.csv", "csv"},
    {"hashkeeper_sample.hsh", "hashkeeper"},
    {"NSRLFile_v2_sample.txt", "nsrl"},
    {"vics20_hashset.json", "vics"},
    {"vics20_case.json", "vics"},
    {"vics13_case.json", "vics"},
    {"clamav_sample.hdb", "clamav"},
    {"clamav_sample.hsb", "clamav"},
    {"vigil_hash.jsonl", "jsonl"},
    {"vigil_hash_hashdeep.txt", "hashdeep"},
};

ParameterizedTestParameters(import_detect, picks_the_right_format) {
    return cr_make_param_array(struct detect_case, detect_cases,
                               sizeof detect_cases / sizeof detect_cases[0]);
}

ParameterizedTest(struct detect_case *c, import_detect, picks_the_right_format) {
    cr_assert_str_eq(th_detect_data(c->file), c->format, "file %s", c->file);
    /* The import itself chooses the same importer and reads the file without error. */
    vg_hset_import *h = th_new();
    vg_hset_import_set_type(h, "sha256");
    cr_assert_eq(th_import_data(h, c->file), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, c->format);
    cr_assert_gt(th_ngot, 0);
    vg_hset_import_free(h);
}

Test(import_detect, unknown_content_is_refused) {
    const char text[] = "hello world\nthis is not a list\n";
    cr_assert_null(vg_hset_import_detect(text, sizeof text - 1));
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_UNSUPPORTED);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "--format"));
    cr_assert_eq(th_import_text(h, "", 0, NULL), VG_E_UNSUPPORTED);
    vg_hset_import_free(h);
}

Test(import_detect, forcing_a_format_skips_detection) {
    /* A plain MD5 list read as the sum format: every line lacks a name, so each is bad. */
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_format(h, "sum"), VG_OK);
    cr_assert_eq(th_import_data(h, "plain_md5.txt"), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "plain_md5.txt:1: "));
    cr_assert_eq(vg_hset_import_set_format(h, "auto"), VG_OK);
    cr_assert_eq(th_import_data(h, "plain_md5.txt"), VG_OK);
    cr_assert_eq(vg_hset_import_set_format(h, "nonsense"), VG_E_INVAL);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "plain"));
    vg_hset_import_free(h);
}

Test(import_detect, format_and_profile_names_are_listed) {
    const char *const *f = vg_hset_import_formats();
    int n = 0;
    bool plain = false;
    for (; f[n]; n++)
        plain = plain || !strcmp(f[n], "plain");
    cr_assert(plain);
    cr_assert_geq(n, 4);
    const char *const *p = vg_hset_category_profiles();
    bool us = false;
    for (; *p; p++)
        us = us || !strcmp(*p, "vics-us");
    cr_assert(us);
}

/* ---- options ---- */

Test(import_options, bad_values_are_refused_with_a_message) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_role(h, "good"), VG_E_INVAL);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "--role"));
    cr_assert_eq(vg_hset_import_set_role(h, "known-good"), VG_OK);
    cr_assert_eq(vg_hset_import_role(h), VG_ROLE_KNOWN_GOOD);
    cr_assert_eq(vg_hset_import_set_category_profile(h, "martian"), VG_E_INVAL);
    cr_assert_eq(vg_hset_import_set_category_profile(h, "uk-abc"), VG_OK);
    cr_assert_eq(vg_hset_import_set_columns(h, "md5"), VG_E_INVAL);
    cr_assert_eq(vg_hset_import_set_columns(h, "colour=Red"), VG_E_INVAL);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "colour"));
    cr_assert_eq(vg_hset_import_set_columns(h, "md5=A,md5=B"), VG_E_INVAL);
    cr_assert_eq(vg_hset_import_set_columns(h, "md5=MD5,sha1=SHA1,category=Grade,id=ImageID"),
                 VG_OK);
    cr_assert_eq(vg_hset_import_set_columns(h, ""), VG_OK);
    vg_hset_import_free(h);
}

Test(import_options, known_good_role_marks_every_entry_non_pertinent) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_role(h, "known-good"), VG_OK);
    cr_assert_eq(th_import_data(h, "plain_md5.txt"), VG_OK);
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " np line=1");
    cr_assert_eq(vg_hset_import_stats_get(h)->non_pertinent, 3);
    vg_hset_import_free(h);
}

Test(import_options, missing_file_is_an_io_error) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_path(h, "/nonexistent/list.txt"), VG_E_IO);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "/nonexistent/list.txt"));
    vg_hset_import_free(h);
}

/* ---- reader edge cases ---- */

Test(import_reader, megabyte_line_is_a_bad_record_and_reading_resumes) {
    size_t big = 1024 * 1024;
    size_t cap = big + 200;
    char *text = malloc(cap);
    cr_assert_not_null(text);
    size_t n = (size_t)snprintf(text, cap, "%s\n", S1_MD5);
    memset(text + n, 'a', big);
    n += big;
    n += (size_t)snprintf(text + n, cap - n, "\n%s\n", S2_MD5);
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "plain");
    cr_assert_eq(th_import_text(h, text, n, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":2: line longer than"));
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, n, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[1], "md5 " S2_MD5 " line=3");
    cr_assert_eq(vg_hset_import_stats_get(h)->skipped, 1);
    free(text);
    vg_hset_import_free(h);
}

Test(import_reader, nul_byte_is_a_bad_record) {
    const char text[] = S1_MD5 "\n116de40b77b54b95\0"
                               "33c9291391df63b\n" S3_MD5 "\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "plain");
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":2: NUL byte"));
    cr_assert_null(strstr(vg_hset_import_errmsg(h), "116de40b"));
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    vg_hset_import_free(h);
}

Test(import_reader, bom_crlf_and_missing_final_newline) {
    const char text[] = "\xEF\xBB\xBF" S1_MD5 "\r\n" S2_MD5;
    cr_assert_str_eq(vg_hset_import_detect(text, sizeof text - 1), "plain");
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " line=1");
    cr_assert_str_eq(th_got[1], "md5 " S2_MD5 " line=2");
    vg_hset_import_free(h);
}

static uint64_t counted;
static vg_status count_sink(void *ctx, const vg_hset_entry *e) {
    (void)ctx;
    counted++;
    cr_assert_eq(e->line, counted);
    return VG_OK;
}

Test(import_reader, many_lines_across_buffer_refills_and_provenance_digest) {
    size_t lines = 60000, n = 0;
    char *text = malloc(lines * 34);
    cr_assert_not_null(text);
    for (size_t i = 0; i < lines; i++)
        n += (size_t)snprintf(text + n, 34, "%016zx%016zx\n", i + 1, i * 7919);
    char path[] = "/tmp/vigil-import-big-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    cr_assert_eq(fwrite(text, 1, n, f), n);
    fclose(f);
    vg_hset_import *h = th_new();
    counted = 0;
    cr_assert_eq(vg_hset_import_file(h, path, count_sink, NULL), VG_OK);
    unlink(path);
    cr_assert_eq(counted, lines);
    const vg_hset_provenance *p = vg_hset_import_provenance(h);
    cr_assert_eq(p->bytes, n);
    vg_digest *d;
    vg_digests want;
    cr_assert_eq(vg_digest_open(&d), VG_OK);
    cr_assert_eq(vg_digest_buffer(d, text, n, &want), VG_OK);
    vg_digest_free(d);
    cr_assert_arr_eq(p->sha256, want.sha256, 32);
    free(text);
    vg_hset_import_free(h);
}

static vg_status stop_sink(void *ctx, const vg_hset_entry *e) {
    (void)e;
    int *calls = ctx;
    return ++*calls == 2 ? VG_E_INTERRUPTED : VG_OK;
}

Test(import_reader, sink_status_stops_the_import) {
    vg_hset_import *h = th_new();
    int calls = 0;
    cr_assert_eq(vg_hset_import_file(h, th_data("plain_md5.txt"), stop_sink, &calls),
                 VG_E_INTERRUPTED);
    cr_assert_eq(calls, 2);
    vg_hset_import_free(h);
}
