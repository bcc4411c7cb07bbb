/* test_import_jsonl.c — what `vigil hash --format=jsonl` writes, read back as a list; lines
 * that are not such records, files the hashing could not read, and damaged fields. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_helpers.h"

Test(import_jsonl, vigil_hash_output_gives_every_digest_and_the_pdq) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "vigil_hash.jsonl"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "jsonl");
    cr_assert_eq(th_ngot, 7);
    cr_assert_str_eq(th_got[0],
                     "md5 " S1_MD5 " id=photos/sample1.jpg size=15 name=photos/sample1.jpg line=1");
    cr_assert_str_eq(th_got[3],
                     "pdq " PDQ1
                     " q=100 id=photos/sample1.jpg size=15 name=photos/sample1.jpg line=1");
    cr_assert_str_eq(th_got[6], "sha256 " S2_SHA256
                                " id=photos/notes.txt size=15 name=photos/notes.txt line=2");
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(st->records, 2);
    cr_assert_eq(st->by_type[VG_HT_PDQ], 1);
    vg_hset_import_free(h);
}

Test(import_jsonl, pdq_error_low_quality_dihedral_and_unknown_keys) {
    const char text[] = "{\"path\":\"a.jpg\",\"size\":15,\"md5\":\"" S1_MD5
                        "\",\"pdq_error\":\"jpeg: truncated\"}\n"
                        "\n"
                        "{\"path\":\"b.png\",\"size\":15,\"sha1\":\"" S2_SHA1 "\",\"pdq\":\"" PDQ2
                        "\",\"pdq_quality\":20,\"pdq_low_quality\":true,\"pdq_dihedral\":[\"" PDQ1
                        "\",\"" PDQ1 "\",\"" PDQ1 "\",\"" PDQ1 "\",\"" PDQ1 "\",\"" PDQ1
                        "\",\"" PDQ1 "\",\"" PDQ1 "\"],\"later_field\":{\"x\":[1,2]}}\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 3); /* the dihedral codes are checked, not stored */
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=a.jpg size=15 name=a.jpg line=1");
    cr_assert_str_eq(th_got[2], "pdq " PDQ2 " q=20 id=b.png size=15 name=b.png line=3");
    vg_hset_import_free(h);
}

Test(import_jsonl, bad_lines_name_the_line_and_field_never_the_value) {
    const char text[] = "{\"path\":\"ok\",\"md5\":\"" S1_MD5 "\"}\n"
                        "{\"path\":\"gone.jpg\",\"error\":\"No such file or directory\"}\n"
                        "{\"path\":\"short\",\"md5\":\"" S2_MD5 "0\"}\n"
                        "{\"path\":\"trunc\",\"sha1\":\"" S2_SHA1 "\"\n"
                        "[\"" S3_MD5 "\"]\n"
                        "{\"path\":\"nohash\",\"size\":3}\n"
                        "{\"path\":\"q\",\"pdq\":\"" PDQ3 "\",\"pdq_quality\":101}\n"
                        "{\"path\":\"n\",\"md5\":\"" S3_MD5 "\",\"size\":-1}\n"
                        "{\"path\":\"d\",\"pdq\":\"" PDQ3 "\",\"pdq_dihedral\":[\"" PDQ3 "\"]}\n"
                        "{\"path\":\"x\",\"md5\":\"" S3_MD5 "\"} trailing\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":2: line names a file that could not"));
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_eq(th_nreports, 9);
    static const char *const want[] = {
        ":2: line names a file",     ":3: field \"md5\" is not hex",
        ":4: not valid JSON",        ":5: line is not a JSON object",
        ":6: line has no md5",       ":7: field \"pdq_quality\" is not a PDQ quality",
        ":8: field \"size\" is not", ":9: field \"pdq_dihedral\" is not 8 PDQ codes",
        ":10: not valid JSON"};
    for (int i = 0; i < th_nreports; i++) {
        cr_assert_not_null(strstr(th_reports[i], want[i]), "%s", th_reports[i]);
        cr_assert_null(strstr(th_reports[i], "fd65838f"));
        cr_assert_null(strstr(th_reports[i], "ce4d6621"));
        cr_assert_null(strstr(th_reports[i], "8d2c0ff2"));
        cr_assert_null(strstr(th_reports[i], "f32c49e5"));
    }
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(st->skipped, 9);
    cr_assert_eq(st->records, 10);
    vg_hset_import_free(h);
}

Test(import_jsonl, nul_byte_and_megabyte_line_are_bad_records) {
    char *text = malloc(2u << 20);
    cr_assert_not_null(text);
    size_t n = 0;
    n += (size_t)sprintf(text + n, "{\"path\":\"a\",\"md5\":\"%s\"}\n", S1_MD5);
    static const char nul[] = "{\"path\":\"b\0\",\"md5\":\"" S2_MD5 "\"}\n";
    memcpy(text + n, nul, sizeof nul - 1);
    n += sizeof nul - 1;
    n += (size_t)sprintf(text + n, "{\"path\":\"");
    memset(text + n, 'x', 1u << 20);
    n += 1u << 20;
    n += (size_t)sprintf(text + n, "\",\"md5\":\"%s\"}\n", S2_MD5);
    n += (size_t)sprintf(text + n, "{\"path\":\"c\",\"md5\":\"%s\"}\n", S3_MD5);
    vg_hset_import *h = th_new();
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(vg_hset_import_set_format(h, "jsonl"), VG_OK);
    cr_assert_eq(th_import_text(h, text, n, NULL), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 2);
    cr_assert_eq(th_nreports, 2);
    cr_assert_not_null(strstr(th_reports[0], ":2: NUL byte"));
    cr_assert_not_null(strstr(th_reports[1], ":3: line longer"));
    cr_assert_str_eq(th_got[1], "md5 " S3_MD5 " id=c name=c line=4");
    vg_hset_import_free(h);
    free(text);
}
