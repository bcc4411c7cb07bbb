/* test_import_hashdeep.c — hashdeep 1.0 files: the real tool's output, the shared sample, and
 * malformed headers and records. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "import_helpers.h"

Test(import_hashdeep, real_hashdeep_output_gives_three_types_per_file) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "tool_hashdeep.txt"), VG_OK, "%s", vg_hset_import_errmsg(h));
    const vg_hset_import_stats *st = vg_hset_import_stats_get(h);
    cr_assert_eq(st->records, 5);
    cr_assert_eq(st->empty_digest, 3);
    cr_assert_eq(th_ngot, 12);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " id=/home/example/photos/sample1.jpg size=15 "
                                "name=/home/example/photos/sample1.jpg line=6");
    cr_assert_str_eq(th_got[1], "sha1 " S1_SHA1 " id=/home/example/photos/sample1.jpg size=15 "
                                "name=/home/example/photos/sample1.jpg line=6");
    cr_assert_str_eq(th_got[2], "sha256 " S1_SHA256 " id=/home/example/photos/sample1.jpg size=15 "
                                "name=/home/example/photos/sample1.jpg line=6");
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
    cr_assert_str_eq(th_got[1],
                     "sha256 " S1_SHA256 " id=/a,b,c.jpg size=15 name=/a,b,c.jpg line=3");
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

/* `vigil hash` writes hashdeep with its PDQ columns (empty for files that are not images). */
Test(import_hashdeep, vigil_hash_pdq_columns) {
    const char text[] = "%%%% HASHDEEP-1.0\n"
                        "%%%% size,md5,sha1,sha256,pdq,pdq_quality,filename\n"
                        "## Invoked from: /tmp\n## $ vigil hash a.png notes.txt\n## \n"
                        "15," S1_MD5 "," S1_SHA1 "," S1_SHA256 "," PDQ1 ",87,a.png\n"
                        "15," S2_MD5 "," S2_SHA1 "," S2_SHA256 ",,,notes.txt\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 7);
    cr_assert_str_eq(th_got[3], "pdq " PDQ1 " q=87 id=a.png size=15 name=a.png line=6");
    cr_assert_str_eq(th_got[6], "sha256 " S2_SHA256 " id=notes.txt size=15 name=notes.txt line=7");
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_PDQ], 1);
    vg_hset_import_free(h);
}

Test(import_hashdeep, vigil_hash_dihedral_column_is_checked_not_stored) {
    char dih[8 * 65];
    for (int i = 0; i < 8; i++) {
        memcpy(dih + 65 * i, i % 2 ? PDQ2 : PDQ3, 64);
        dih[65 * i + 64] = i < 7 ? ':' : '\0';
    }
    char text[1400];
    int n = snprintf(text, sizeof text,
                     "%%%%%%%% HASHDEEP-1.0\n"
                     "%%%%%%%% size,md5,sha1,sha256,pdq,pdq_quality,pdq_dihedral,filename\n"
                     "15,%s,%s,%s,%s,100,%s,a.png\n"
                     "15,%s,%s,%s,,,,b.txt\n",
                     S1_MD5, S1_SHA1, S1_SHA256, PDQ1, dih, S2_MD5, S2_SHA1, S2_SHA256);
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, (size_t)n, NULL), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 7);
    cr_assert_str_eq(th_got[3], "pdq " PDQ1 " q=100 id=a.png size=15 name=a.png line=3");
    dih[100] = 'x'; /* a damaged dihedral code: the whole record is bad */
    n = snprintf(text, sizeof text,
                 "%%%%%%%% HASHDEEP-1.0\n"
                 "%%%%%%%% size,md5,sha1,sha256,pdq,pdq_quality,pdq_dihedral,filename\n"
                 "15,%s,%s,%s,%s,100,%s,a.png\n",
                 S1_MD5, S1_SHA1, S1_SHA256, PDQ1, dih);
    cr_assert_eq(th_import_text(h, text, (size_t)n, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":3: column 7 "));
    cr_assert_null(strstr(vg_hset_import_errmsg(h), PDQ2));
    vg_hset_import_free(h);
}

Test(import_hashdeep, vigil_pdq_columns_are_validated) {
    const char text[] = "%%%% HASHDEEP-1.0\n"
                        "%%%% size,md5,pdq,pdq_quality,filename\n"
                        "15," S1_MD5 "," PDQ1 ",101,quality-too-high\n"
                        "15," S2_MD5 ",,50,quality-without-pdq\n"
                        "15," S3_MD5 "," PDQ2 "0,0,pdq-too-long\n"
                        "15," S3_MD5 "," PDQ3 ",,no-quality\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_nreports, 3);
    cr_assert_not_null(strstr(th_reports[0], ":3: column 4 is not a PDQ quality"));
    cr_assert_not_null(strstr(th_reports[1], ":4: column 4 is set but the pdq column is empty"));
    cr_assert_not_null(strstr(th_reports[2], ":5: column 3 "));
    cr_assert_null(strstr(th_reports[2], PDQ2));
    cr_assert_eq(th_ngot, 2); /* the last record: its MD5, and its PDQ with no quality */
    cr_assert_str_eq(th_got[1], "pdq " PDQ3 " id=no-quality size=15 name=no-quality line=6");
    vg_hset_import_free(h);
}
