/* test_import_plain.c — plain hex lists: types by length, --type for 64 hex, header lines,
 * comments, rejected digests, bad records. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "import_helpers.h"

Test(import_plain, sample_md5_list_gives_three_md5_entries) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "plain_md5.txt"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " line=1");
    cr_assert_str_eq(th_got[2], "md5 " S3_MD5 " line=3");
    cr_assert_eq(st->by_type[VG_HT_MD5], 3);
    cr_assert_eq(st->entries, 3);
    cr_assert_eq(st->bad, 0);
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "plain");
    vg_hset_import_free(h);
}

Test(import_plain, mixed_lengths_comments_blanks_and_crlf) {
    const char text[] = "# a comment\r\n\r\n  " S1_MD5 "  \r\n" S2_SHA1 "\r\n"
                        "# another\n" S3_MD5 "\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " line=3");
    cr_assert_str_eq(th_got[1], "sha1 " S2_SHA1 " line=4");
    cr_assert_str_eq(th_got[2], "md5 " S3_MD5 " line=6");
    vg_hset_import_free(h);
}

Test(import_plain, uppercase_hex_is_normalised) {
    const char text[] = "116DE40B77B54B95133C9291391DF63B\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " line=1");
    vg_hset_import_free(h);
}

Test(import_plain, sixty_four_hex_needs_type) {
    const char text[] = S1_SHA256 "\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_INVAL);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "--type"));
    cr_assert_null(strstr(vg_hset_import_errmsg(h), S1_SHA256));
    cr_assert_eq(th_ngot, 0);
    cr_assert_eq(vg_hset_import_set_type(h, "sha256"), VG_OK);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "sha256 " S1_SHA256 " line=1");
    cr_assert_eq(vg_hset_import_set_type(h, "pdq"), VG_OK);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "pdq " S1_SHA256 " line=1");
    cr_assert_eq(vg_hset_import_set_type(h, "sha512"), VG_E_INVAL);
    vg_hset_import_free(h);
}

Test(import_plain, header_line_names_the_type) {
    const char text[] = "SHA-256\n" S2_SHA256 "\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_str_eq(th_got[0], "sha256 " S2_SHA256 " line=2");
    /* A header fixes the length: an MD5 under a SHA-1 header is a bad record. */
    const char wrong[] = "SHA-1\n" S1_MD5 "\n";
    cr_assert_eq(th_import_text(h, wrong, sizeof wrong - 1, NULL), VG_E_FORMAT);
    vg_hset_import_free(h);
}

Test(import_plain, empty_file_digests_and_all_zero_are_rejected_and_counted) {
    const char text[] = "d41d8cd98f00b204e9800998ecf8427e\n"
                        "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709\n"
                        "00000000000000000000000000000000\n" S1_MD5 "\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(th_ngot, 1);
    cr_assert_eq(st->empty_digest, 2);
    cr_assert_eq(st->all_zero, 1);
    cr_assert_eq(st->records, 4);
    cr_assert_eq(st->entries, 1);
    vg_hset_import_set_type(h, "sha256");
    const char e256[] = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n";
    cr_assert_eq(th_import_text(h, e256, sizeof e256 - 1, NULL), VG_OK);
    cr_assert_eq(vg_hset_import_stats_get(h)->empty_digest, 1);
    cr_assert_eq(th_ngot, 0);
    vg_hset_import_free(h);
}

Test(import_plain, sha512_lengths_are_counted_not_claimed) {
    char text[200];
    memset(text, 'a', 128);
    text[128] = '\n';
    strcpy(text + 129, S1_MD5 "\n");
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, strlen(text), NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_OTHER], 1);
    vg_hset_import_free(h);
}

Test(import_plain, bad_hex_fails_naming_file_and_line_but_not_the_value) {
    const char text[] = S1_MD5 "\n"
                               "116de40b77b54b95133c9291391dfXYZ\n" S3_MD5 "\n";
    char path[64];
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "plain");
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, path), VG_E_FORMAT);
    char want[128];
    snprintf(want, sizeof want, "%s:2: ", path);
    const char *msg = vg_hset_import_errmsg(h);
    cr_assert_eq(strncmp(msg, want, strlen(want)), 0, "message: %s", msg);
    cr_assert_null(strstr(msg, "116de40b"), "message quotes the value: %s", msg);
    cr_assert_eq(th_nreports, 1);
    cr_assert_str_eq(th_reports[0], msg);
    cr_assert_eq(th_ngot, 1); /* entries before the bad record were passed on */
    vg_hset_import_free(h);
}

Test(import_plain, skip_bad_counts_and_goes_on) {
    const char text[] = S1_MD5 "\n"
                               "116de40b77b54b95133c9291391df6\n" S2_SHA1 "x\n" S3_MD5 "\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "plain");
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(th_ngot, 2);
    cr_assert_eq(st->bad, 2);
    cr_assert_eq(st->skipped, 2);
    cr_assert_eq(th_nreports, 2);
    cr_assert_not_null(strstr(th_reports[0], ":2: "));
    cr_assert_not_null(strstr(th_reports[1], ":3: "));
    cr_assert_null(strstr(th_reports[1], "ce4d6621"));
    vg_hset_import_free(h);
}
