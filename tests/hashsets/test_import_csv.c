/* test_import_csv.c — header-driven CSV (IWF/CAID/ICSE-style exports), explicit --columns,
 * delimiters, quoting, BOM and CRLF, missing columns and bad rows; HashKeeper and NSRL. */
#include <criterion/criterion.h>

#include <string.h>

#include "import_helpers.h"

Test(import_csv, icse_semicolon_export) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "icse_style.csv"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "csv");
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=EX-1 line=2");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " id=EX-1 line=2");
    vg_hset_import_free(h);
}

Test(import_csv, iwf_style_bom_crlf_quotes_and_uk_categories) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_category_profile(h, "uk-abc"), VG_OK);
    cr_assert_eq(th_import_data(h, "iwf_style.csv"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=IWF-1 cat=uk-abc/A/Category A: penetrative "
                                "sexual activity; sexual activity with an animal or sadism line=2");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " id=IWF-1 cat=uk-abc/A/Category A: penetrative "
                                "sexual activity; sexual activity with an animal or sadism line=2");
    cr_assert_str_eq(th_got[2], "md5 " S2_MD5 " id=IWF-2 cat=uk-abc/c/Category C: other indecent "
                                "images not falling within A or B line=3");
    cr_assert_str_eq(th_got[3], "sha1 " S3_SHA1 " id=IWF-3 cat=uk-abc/X/- line=4");
    cr_assert_eq(st->unmapped_category, 1);
    cr_assert_eq(st->records, 3);
    cr_assert_str_eq(vg_hset_import_provenance(h)->profile, "uk-abc");
    vg_hset_import_free(h);
}

Test(import_csv, explicit_columns_map_unknown_headers) {
    vg_hset_import *h = th_new();
    /* Without a mapping no hash column is known: refused. */
    cr_assert_eq(vg_hset_import_set_format(h, "csv"), VG_OK);
    cr_assert_eq(th_import_data(h, "caid_style.csv"), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "caid_style.csv:1: no hash column"));
    /* --columns alone selects the CSV importer. */
    cr_assert_eq(vg_hset_import_set_format(h, "auto"), VG_OK);
    cr_assert_eq(vg_hset_import_set_columns(h, "md5=checksum,id=Ref,category=LEVEL"), VG_OK);
    cr_assert_eq(th_import_data(h, "caid_style.csv"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 2);
    cr_assert_str_eq(th_got[0], "md5 " S3_MD5 " id=CAID-7 cat=list/B/- line=2");
    cr_assert_str_eq(th_got[1], "md5 " S2_MD5 " id=CAID-8 line=3");
    cr_assert_eq(vg_hset_import_stats_get(h)->uncategorised, 1);
    vg_hset_import_free(h);
}

Test(import_csv, mapped_column_missing_from_header_fails) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_columns(h, "md5=Checksum,category=Grade"), VG_OK);
    cr_assert_eq(th_import_data(h, "caid_style.csv"), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":1: column 'Grade' (category)"));
    vg_hset_import_free(h);
}

Test(import_csv, short_rows_bad_hex_and_open_quotes_are_bad_records) {
    const char text[] = "md5,sha1,grade\n" S1_MD5 "," S1_SHA1 ",A\n" S2_MD5 "\n"
                        "fd65838f86aca49239d339365305eXYZ,,B\n"
                        "\"" S3_MD5 ",,C\n" S3_MD5 ",,C\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":3: row has 1 fields"));
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 3);
    cr_assert_eq(th_nreports, 3);
    cr_assert_not_null(strstr(th_reports[1], ":4: column md5: not a hex digest"));
    cr_assert_not_null(strstr(th_reports[2], ":5: unterminated quoted field"));
    for (int i = 0; i < th_nreports; i++) {
        cr_assert_null(strstr(th_reports[i], "fd65838f"), "%s", th_reports[i]);
        cr_assert_null(strstr(th_reports[i], "8d2c0ff2"), "%s", th_reports[i]);
    }
    cr_assert_eq(vg_hset_import_stats_get(h)->skipped, 3);
    vg_hset_import_free(h);
}

Test(import_csv, tab_delimiter_hash_column_and_type) {
    const char text[] = "Hash\tCategory\tFile Name\n" S1_SHA256 "\t1\ta.jpg\n" S2_MD5 "\t2\tb\n";
    vg_hset_import *h = th_new();
    cr_assert_str_eq(vg_hset_import_detect(text, sizeof text - 1), "csv");
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_E_INVAL);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "--type"));
    vg_hset_import_set_type(h, "sha256");
    vg_hset_import_set_category_profile(h, "vics-us");
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "sha256 " S1_SHA256 " cat=vics-us/1/Child Abuse Material (CAM) "
                                "name=a.jpg line=2");
    cr_assert_str_eq(th_got[1], "md5 " S2_MD5 " cat=vics-us/2/Child Exploitive (Non-CAM) Age "
                                "Difficult name=b line=3");
    vg_hset_import_free(h);
}

Test(import_csv, photodna_counted_empty_rows_skipped_quality_and_size) {
    const char text[] = "PDQ,Quality,PhotoDNA,Size\n" PDQ1 ",90,AAAA,15\n,,,\n" PDQ2 ",x,,\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(th_ngot, 1);
    cr_assert_str_eq(th_got[0], "pdq " PDQ1 " q=90 size=15 line=2");
    cr_assert_eq(st->by_type[VG_HT_PHOTODNA], 1);
    cr_assert_eq(st->records, 2);
    cr_assert_not_null(strstr(th_reports[0], ":4: column Quality"));
    vg_hset_import_free(h);
}

Test(import_csv, hashkeeper_set) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "hashkeeper_sample.hsh"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "hashkeeper");
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=9001 size=15 name=sample1.jpg line=2");
    vg_hset_import_free(h);
}

Test(import_csv, nsrl_is_always_known_good) {
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_role(h, "alert"), VG_OK);
    cr_assert_eq(th_import_data(h, "NSRLFile_v2_sample.txt"), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    const vg_hset_provenance *p = vg_hset_import_provenance(h);
    cr_assert_str_eq(p->format, "nsrl");
    cr_assert_str_eq(p->version, "2.0");
    cr_assert_str_eq(p->profile, "nsrl");
    cr_assert_eq(th_ngot, 6);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " np size=15 name=sample1.jpg line=2");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " np size=15 name=sample1.jpg line=2");
    cr_assert_eq(vg_hset_import_stats_get(h)->non_pertinent, 6);
    vg_hset_import_free(h);
}
