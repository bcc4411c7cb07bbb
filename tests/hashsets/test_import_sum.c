/* test_import_sum.c — md5sum/sha1sum/sha256sum output (text, binary, escaped, --tag) and
 * md5deep lists, on files the real tools wrote (tests/data/hashlists/tool_*). */
#include <criterion/criterion.h>

#include <string.h>

#include "import_helpers.h"

Test(import_sum, md5sum_output_with_escaped_name) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_md5sum.txt"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " name=photos/back\\slash.jpg line=1");
    cr_assert_str_eq(th_got[1], "md5 " S1_MD5 " name=photos/sample1.jpg line=3");
    cr_assert_str_eq(th_got[3], "md5 " S3_MD5 " name=photos/sample3.jpg line=5");
    cr_assert_eq(st->empty_digest, 1);
    cr_assert_eq(st->records, 5);
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "sum");
    vg_hset_import_free(h);
}

Test(import_sum, sha1sum_binary_mode) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_sha1sum_binary.txt"), VG_OK);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[2], "sha1 " S2_SHA1 " name=photos/sample2.jpg line=4");
    vg_hset_import_free(h);
}

Test(import_sum, sha256sum_is_sha256_without_type) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_sha256sum.txt"), VG_OK);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[3], "sha256 " S3_SHA256 " name=photos/sample3.jpg line=5");
    cr_assert_eq(vg_hset_import_stats_get(h)->empty_digest, 1);
    vg_hset_import_free(h);
}

/* `vigil hash --format=sum --algo=pdq` writes PDQ codes as sha256sum writes digests. */
Test(import_sum, type_pdq_reads_untagged_64_hex_as_pdq) {
    const char text[] = PDQ1 "  photos/a.jpg\n" PDQ2 "  photos/b.png\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_type(h, "pdq"), VG_OK);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[1], "pdq " PDQ2 " name=photos/b.png line=2");
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "sum");
    /* a BSD tag still names the type, whatever --type says */
    const char tag[] = "SHA256 (a.jpg) = " S1_SHA256 "\n";
    cr_assert_eq(th_import_text(h, tag, sizeof tag - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "sha256 " S1_SHA256 " name=a.jpg line=1");
    vg_hset_import_free(h);
}

Test(import_sum, bsd_tag_form_with_escape) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_sha256sum_tag.txt"), VG_OK);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[0], "sha256 " S1_SHA256 " name=photos/back\\slash.jpg line=1");
    cr_assert_str_eq(th_got[2], "sha256 " S2_SHA256 " name=photos/sample2.jpg line=4");
    vg_hset_import_free(h);
}

Test(import_sum, shared_samples) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "md5sum.txt"), VG_OK);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[3], "md5 " S1_MD5 " name=dir\\odd\nname.jpg line=4");
    cr_assert_eq(th_import_data(h, "sha256sum_binary.txt"), VG_OK);
    cr_assert_eq(th_ngot, 3);
    cr_assert_eq(th_import_data(h, "sha256_bsd_tag.txt"), VG_OK);
    cr_assert_str_eq(th_got[1], "sha256 " S2_SHA256 " name=sample2.jpg line=2");
    vg_hset_import_free(h);
}

Test(import_sum, md5deep_plain_and_size_forms) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_md5deep.txt"), VG_OK);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " name=/home/example/photos/back\\slash.jpg line=1");
    cr_assert_eq(th_import_data(h, "tool_md5deep_z.txt"), VG_OK);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[1],
                     "md5 " S1_MD5 " size=15 name=/home/example/photos/sample1.jpg line=3");
    cr_assert_eq(th_import_data(h, "md5deep_size.txt"), VG_OK);
    cr_assert_eq(th_ngot, 3);
    vg_hset_import_free(h);
}

Test(import_sum, tag_with_wrong_length_and_missing_name_are_bad) {
    const char text[] = "MD5 (a) = " S1_SHA1 "\n" S1_MD5 "  \n" S1_MD5 " x\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "sum");
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 0);
    cr_assert_eq(vg_hset_import_stats_get(h)->bad, 3);
    for (int i = 0; i < th_nreports; i++) {
        cr_assert_null(strstr(th_reports[i], "116de40b"), "%s", th_reports[i]);
        cr_assert_null(strstr(th_reports[i], "2d376f58"), "%s", th_reports[i]);
    }
    vg_hset_import_free(h);
}
