/* test_import_vics.c — Project VIC VICS JSON 1.3 and 2.0, hash-set and case shapes, profiles
 * and categories, PhotoDNA counting, and malformed input: truncated JSON, bad records, NUL
 * bytes, deep nesting, an oversized token, BOM and CRLF, minified files. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_helpers.h"

#define CTX20(p)                                                                                   \
    "\"@odata.context\": \"http://github.com/VICSDATAMODEL/ProjectVic/DataModels/"                 \
    "2.0.xml/" p "/$metadata#Media\""

Test(import_vics, hash_set_default_profile_keeps_codes_unmapped) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "vics20_hashset.json"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_provenance *p = vg_hset_import_provenance(h);
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_str_eq(p->format, "vics");
    cr_assert_str_eq(p->version, "2.0");
    cr_assert_str_eq(p->profile, "vics-default");
    cr_assert_str_eq(p->date, "2024-01-02T03:04:05.0000Z");
    cr_assert_eq(th_ngot, 6);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=1 cat=vics-default/1/- size=15 line=4");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " id=1 cat=vics-default/1/- size=15 line=4");
    cr_assert_str_eq(th_got[2], "md5 " S2_MD5 " id=2 cat=vics-default/0/- size=15 line=14");
    cr_assert_str_eq(th_got[4], "md5 " S3_MD5 " id=3 size=15 line=23");
    cr_assert_eq(st->records, 3);
    cr_assert_eq(st->by_type[VG_HT_PHOTODNA], 1);
    cr_assert_eq(st->unmapped_category, 2);
    cr_assert_eq(st->uncategorised, 1);
    cr_assert_eq(st->non_pertinent, 0);
    vg_hset_import_free(h);
}

Test(import_vics, us_profile_category_zero_is_non_pertinent) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_category_profile(h, "vics-us"), VG_OK);
    cr_assert_eq(th_import_data(h, "vics20_hashset.json"), VG_OK);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=1 cat=vics-us/1/Child Abuse Material (CAM) "
                                "size=15 line=4");
    cr_assert_str_eq(th_got[2], "md5 " S2_MD5 " id=2 cat=vics-us/0/Non-Pertinent np size=15 "
                                "line=14");
    cr_assert_eq(vg_hset_import_stats_get(h)->non_pertinent, 2);
    /* The profile named in the file is used when there is no override. */
    const char text[] = "{" CTX20("US") ", \"value\": [{\"MediaID\": 5, \"Category\": 0, "
                                        "\"MD5\": \"" S3_MD5 "\"}]}";
    vg_hset_import *g = th_new();
    cr_assert_eq(th_import_text(g, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "md5 " S3_MD5 " id=5 cat=vics-us/0/Non-Pertinent np line=1");
    vg_hset_import_free(g);
    vg_hset_import_free(h);
}

Test(import_vics, case_export_2_0_with_sha256_alternative_hash) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "vics20_case.json"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_str_eq(vg_hset_import_provenance(h)->profile, "vics-us");
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=1 size=15 line=12");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " id=1 size=15 line=12");
    cr_assert_str_eq(th_got[2], "sha256 " S1_SHA256 " id=1 size=15 line=12");
    cr_assert_eq(vg_hset_import_stats_get(h)->records, 1);
    vg_hset_import_free(h);
}

Test(import_vics, case_export_1_3_photodna_in_alternative_hashes) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "vics13_case.json"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_provenance *p = vg_hset_import_provenance(h);
    cr_assert_str_eq(p->version, "1.3");
    cr_assert_str_eq(p->profile, "vics-1");
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[0], "md5 " S2_MD5 " id=0 size=15 line=9");
    cr_assert_str_eq(th_got[1], "sha1 " S2_SHA1 " id=0 size=15 line=9");
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_PHOTODNA], 1);
    vg_hset_import_free(h);
}

/* Read a data file into memory (caller frees). */
static char *slurp(const char *name, size_t *n) {
    FILE *f = fopen(th_data(name), "rb");
    cr_assert_not_null(f);
    char *buf = malloc(1 << 16);
    cr_assert_not_null(buf);
    *n = fread(buf, 1, 1 << 16, f);
    fclose(f);
    return buf;
}

Test(import_vics, truncated_json_fails_with_a_line_and_no_value) {
    size_t n;
    char *text = slurp("vics20_hashset.json", &n);
    vg_hset_import *h = th_new();
    vg_hset_import_set_skip_bad(h, true); /* a syntax error is never skippable */
    for (size_t cut = 100; cut < n - 2; cut += 97) {
        cr_assert_eq(th_import_text(h, text, cut, NULL), VG_E_FORMAT, "cut at %zu", cut);
        const char *msg = vg_hset_import_errmsg(h);
        cr_assert_not_null(strstr(msg, ": JSON: "), "%s", msg);
        cr_assert_null(strstr(msg, "116DE40B"), "%s", msg);
        cr_assert_null(strstr(msg, "FD65838F"), "%s", msg);
    }
    free(text);
    vg_hset_import_free(h);
}

Test(import_vics, bad_records_name_the_line_and_can_be_skipped) {
    const char text[] =
        "{" CTX20("US") ",\n\"value\": [\n"
                        "{\"MediaID\": 1, \"MD5\": \"" S1_MD5 "\"},\n"
                        "{\"MediaID\": 2, \"MD5\": \"FD65838F86ACA49239D339365305E8\"},\n"
                        "{\"MediaID\": 3, \"SHA1\": \"" S3_SHA1 "\"},\n"
                        "{\"MediaID\": 4, \"MD5\": \"" S2_MD5 "\", \"SHA1\": \"xyz\"},\n"
                        "{\"mediaid\": 5, \"md5\": \"" S3_MD5 "\"}\n]}\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":4: Media record: MD5 is not 32"));
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[1], "md5 " S3_MD5 " id=5 line=7");
    cr_assert_eq(th_nreports, 3);
    cr_assert_not_null(strstr(th_reports[1], ":5: Media record without MD5"));
    cr_assert_not_null(strstr(th_reports[2], ":6: Media record: SHA1"));
    for (int i = 0; i < th_nreports; i++)
        cr_assert_null(strstr(th_reports[i], "FD65838F"), "%s", th_reports[i]);
    vg_hset_import_free(h);
}

Test(import_vics, nul_byte_deep_nesting_and_huge_token_fail) {
    const char nul[] = "{" CTX20("US") ", \"value\": [{\"MD5\": \"" S1_MD5 "\0\"}]}";
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_format(h, "vics"), VG_OK);
    cr_assert_eq(th_import_text(h, nul, sizeof nul - 1, NULL), VG_E_FORMAT);
    char deep[400] = "{" CTX20("US") ", \"x\": ";
    for (int i = 0; i < 80; i++)
        strcat(deep, "[");
    cr_assert_eq(th_import_text(h, deep, strlen(deep), NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "nested deeper"));
    size_t big = 3u << 20;
    char *huge = malloc(big + 200);
    cr_assert_not_null(huge);
    size_t k = (size_t)sprintf(huge, "{" CTX20("US") ", \"value\": [{\"Comments\": \"");
    memset(huge + k, 'a', big);
    strcpy(huge + k + big, "\"}]}");
    cr_assert_eq(th_import_text(h, huge, strlen(huge), NULL), VG_E_LIMIT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "JSON token longer"));
    free(huge);
    vg_hset_import_free(h);
}

Test(import_vics, bom_crlf_and_minified) {
    const char text[] = "\xEF\xBB\xBF{\r\n" CTX20("US") ",\r\n\"value\":[{\"MediaID\":\"7\","
                                                        "\"Category\":\"1\",\"MD5\":\"" S1_MD5
                                                        "\",\"MediaSize\":\"15\"}]}\r\n";
    cr_assert_str_eq(vg_hset_import_detect(text, sizeof text - 1), "vics");
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=7 cat=vics-us/1/Child Abuse Material (CAM) "
                                "size=15 line=3");
    vg_hset_import_free(h);
}
