/* test_import_hashdeep.c — hashdeep 1.0 files: the real tool's output, the shared sample, and
 * malformed headers and records. */
#include <criterion/criterion.h>

#include <string.h>

#include "import_helpers.h"

Test(import_hashdeep, real_hashdeep_output_gives_three_types_per_file) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_hashdeep.txt"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(st->records, 5);
    cr_assert_eq(st->empty_digest, 3);
    cr_assert_eq(th_ngot, 12);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " size=15 name=/home/example/photos/sample1.jpg "
                                "line=6");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " size=15 name=/home/example/photos/sample1.jpg "
                                "line=6");
    cr_assert_str_eq(th_got[2],
                     "sha256 " S1_SHA256 " size=15 name=/home/example/photos/sample1.jpg line=6");
    cr_assert_eq(st->by_type[VG_HT_SHA256], 4);
    cr_assert_str_eq(vg_hset_import_provenance(h)->version, "1.0");
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "hashdeep");
    vg_hset_import_free(h);
}

Test(import_hashdeep, shared_sample_and_commas_in_names) {
    const char text[] = "%%%% HASHDEEP-1.0\n%%%% SIZE,MD5,SHA-256,filename\n"
                        "15," S1_MD5 "," S1_SHA256 ",/a,b,c.jpg\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[1], "sha256 " S1_SHA256 " size=15 name=/a,b,c.jpg line=3");
    cr_assert_eq(th_import_data(h, "hashdeep.txt"), VG_OK);
    cr_assert_eq(th_ngot, 6);
    vg_hset_import_free(h);
}

Test(import_hashdeep, unknown_algorithm_column_fails) {
    const char text[] = "%%%% HASHDEEP-1.0\n%%%% size,md6,filename\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":2: "));
    vg_hset_import_free(h);
}

Test(import_hashdeep, tiger_columns_are_counted_as_unusable) {
    const char text[] = "%%%% HASHDEEP-1.0\n%%%% size,md5,tiger,filename\n"
                        "15," S1_MD5 ",000000000000000000000000000000000000000000000001,x\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_OTHER], 1);
    vg_hset_import_free(h);
}

Test(import_hashdeep, bad_records_name_the_line_only) {
    const char text[] = "%%%% HASHDEEP-1.0\n%%%% size,md5,sha1,filename\n## comment\n"
                        "15," S1_MD5 "," S1_SHA1 ",ok\n"
                        "1x," S2_MD5 "," S2_SHA1 ",badsize\n"
                        "15," S2_MD5 "," S2_SHA1 "0,longsha1\n"
                        "15," S3_MD5 "\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_eq(th_nreports, 3);
    cr_assert_not_null(strstr(th_reports[0], ":5: size"));
    cr_assert_not_null(strstr(th_reports[1], ":6: column 3"));
    cr_assert_not_null(strstr(th_reports[2], ":7: "));
    for (int i = 0; i < th_nreports; i++) {
        cr_assert_null(strstr(th_reports[i], "fd65838f"));
        cr_assert_null(strstr(th_reports[i], "ce4d6621"));
        cr_assert_null(strstr(th_reports[i], "8d2c0ff2"));
    }
    vg_hset_import_free(h);
}

Test(import_hashdeep, forced_on_other_content_fails) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_format(h, "hashdeep"), VG_OK);
    cr_assert_eq(th_import_data(h, "plain_md5.txt"), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "HASHDEEP"));
    vg_hset_import_free(h);
}
