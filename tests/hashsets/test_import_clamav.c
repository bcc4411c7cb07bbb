/* test_import_clamav.c — ClamAV .hdb/.hsb hash signatures: sizes, '*' with a functionality
 * level, names as ids, and the refused forms (.mdb order, bad sizes). */
#include <criterion/criterion.h>

#include <string.h>

#include "import_helpers.h"

Test(import_clamav, hdb_sample) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "clamav_sample.hdb"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "clamav");
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=Vigil.Test.Sample1 size=15 line=1");
    vg_hset_import_free(h);
}

Test(import_clamav, hsb_sample_sha256_sha1_and_any_size) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "clamav_sample.hsb"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[0], "sha256 " S1_SHA256 " id=Vigil.Test.Sample1 size=15 line=1");
    cr_assert_str_eq(th_got[3], "sha1 " S1_SHA1 " id=Vigil.Test.AnySize line=4");
    vg_hset_import_free(h);
}

Test(import_clamav, malformed_lines_are_bad_records) {
    const char text[] =
        S1_MD5 ":15:Ok\n"
               "15:" S2_MD5 ":PeSection\n" S2_MD5 ":*:AnyNoLevel\n" S2_MD5 ":1x:BadSize\n" S2_MD5
               ":15\n" S2_MD5 "0:15:LongHash\n" S3_MD5 ":15:Ok3:51:255\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "clamav");
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_eq(th_nreports, 5);
    cr_assert_not_null(strstr(th_reports[0], ":2: SIZE:HASH:NAME"));
    cr_assert_not_null(strstr(th_reports[1], ":3: size '*'"));
    cr_assert_not_null(strstr(th_reports[2], ":4: size"));
    cr_assert_not_null(strstr(th_reports[3], ":5: expected"));
    cr_assert_not_null(strstr(th_reports[4], ":6: hash"));
    for (int i = 0; i < th_nreports; i++)
        cr_assert_null(strstr(th_reports[i], "fd65838f"), "%s", th_reports[i]);
    vg_hset_import_free(h);
}
