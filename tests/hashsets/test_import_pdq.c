/* test_import_pdq.c — PDQ lists: pdq-photo-hasher output, hash,quality with a header, the -d
 * and dihedral forms, python-threatexchange local files, bad quality and hashes. */
#include <criterion/criterion.h>

#include <string.h>

#include "import_helpers.h"

Test(import_pdq, photo_hasher_output) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "pdq_photo_hasher.csv"), VG_OK, "%s", vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "pdq " PDQ1 " q=100 name=sample1.jpg line=1");
    cr_assert_str_eq(th_got[2], "pdq " PDQ3 " q=42 name=sample3.jpg line=3");
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_PDQ], 3);
    cr_assert_str_eq(vg_hset_import_provenance(h)->format, "pdq");
    vg_hset_import_free(h);
}

Test(import_pdq, hash_quality_with_header) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "pdq_hash_quality.csv"), VG_OK);
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[1], "pdq " PDQ2 " q=87 line=3");
    vg_hset_import_free(h);
}

Test(import_pdq, header_in_another_order_and_names_with_commas) {
    const char text[] = "quality,hash\n90," PDQ1 "\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_format(h, "pdq"), VG_OK);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "pdq " PDQ1 " q=90 line=2");
    const char names[] = PDQ2 ",50,a,b.jpg\n" PDQ3 "\n";
    cr_assert_eq(th_import_text(h, names, sizeof names - 1, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "pdq " PDQ2 " q=50 name=a,b.jpg line=1");
    cr_assert_str_eq(th_got[1], "pdq " PDQ3 " line=2");
    vg_hset_import_free(h);
}

Test(import_pdq, detail_and_dihedral_forms) {
    const char text[] = "hash=" PDQ1 ",norm=128,delta=0,quality=100,filename=x.jpg\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    cr_assert_str_eq(th_got[0], "pdq " PDQ1 " q=100 name=x.jpg line=1");
    const char dih[] =
        PDQ1 "," PDQ2 "," PDQ3 "," PDQ1 "," PDQ2 "," PDQ3 "," PDQ1 "," PDQ2 ",77,y.jpg\n";
    cr_assert_eq(th_import_text(h, dih, sizeof dih - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 8);
    cr_assert_str_eq(th_got[7], "pdq " PDQ2 " q=77 name=y.jpg line=1");
    vg_hset_import_free(h);
}

Test(import_pdq, threatexchange_local_file) {
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_data(h, "threatexchange_local_file.txt"), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 4);
    cr_assert_str_eq(th_got[0], "pdq " PDQ1 " line=1");
    cr_assert_str_eq(th_got[3], "md5 " S1_MD5 " line=4");
    const char other[] = "pdq " PDQ1 "\nurl_md5 " S2_MD5 "\nraw_text hello\n";
    cr_assert_eq(th_import_text(h, other, sizeof other - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_OTHER], 2);
    vg_hset_import_free(h);
}

Test(import_pdq, sum_style_lines_give_hash_and_name) {
    const char text[] = PDQ1 "  photos/a b.jpg\n" PDQ2 " *c.jpg\n\\" PDQ3 "  d\\\\e\\nf.jpg\n" PDQ1
                             "\tg.jpg\n" PDQ2 " h.jpg\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(vg_hset_import_set_format(h, "pdq"), VG_OK);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    cr_assert_eq(th_ngot, 5);
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_OTHER], 0);
    cr_assert_str_eq(th_got[0], "pdq " PDQ1 " name=photos/a b.jpg line=1");
    cr_assert_str_eq(th_got[1], "pdq " PDQ2 " name=c.jpg line=2");
    cr_assert_str_eq(th_got[2], "pdq " PDQ3 " name=d\\e\nf.jpg line=3");
    cr_assert_str_eq(th_got[3], "pdq " PDQ1 " name=g.jpg line=4");
    cr_assert_str_eq(th_got[4], "pdq " PDQ2 " name=h.jpg line=5");
    vg_hset_import_free(h);
}

Test(import_pdq, damaged_sum_style_hash_is_a_bad_record_not_a_signal_type) {
    /* 63 and 65 hex digits before the name */
    const char text[] =
        "6ecc9471a9b500ce7b53354c7959a503b58fda1a3872b07eac71d31603aa6f5  x.jpg\n"
        "6ecc9471a9b500ce7b53354c7959a503b58fda1a3872b07eac71d31603aa6f580  y\n" PDQ3 "  z.jpg\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "pdq");
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_str_eq(th_got[0], "pdq " PDQ3 " name=z.jpg line=3");
    cr_assert_eq(th_nreports, 2);
    cr_assert_eq(vg_hset_import_stats_get(h)->by_type[VG_HT_OTHER], 0);
    cr_assert_not_null(strstr(th_reports[1], ":2: PDQ hash"));
    cr_assert_null(strstr(th_reports[0], "6ecc9471"));
    vg_hset_import_free(h);
}

Test(import_pdq, bad_quality_and_short_hash) {
    const char text[] = PDQ1 ",101\n" PDQ2 ",-1\n"
                             "6ecc9471a9b500ce,50\n" PDQ3 ",49\n";
    vg_hset_import *h = th_new();
    vg_hset_import_set_format(h, "pdq");
    vg_hset_import_set_skip_bad(h, true);
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 1);
    cr_assert_str_eq(th_got[0], "pdq " PDQ3 " q=49 line=4");
    cr_assert_eq(th_nreports, 3);
    cr_assert_not_null(strstr(th_reports[0], ":1: quality"));
    cr_assert_not_null(strstr(th_reports[2], ":3: PDQ hash"));
    cr_assert_null(strstr(th_reports[2], "6ecc9471"));
    vg_hset_import_free(h);
}

Test(import_pdq, all_zero_pdq_is_rejected) {
    const char text[] = "0000000000000000000000000000000000000000000000000000000000000000,100\n";
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, text, sizeof text - 1, NULL), VG_OK);
    cr_assert_eq(th_ngot, 0);
    cr_assert_eq(vg_hset_import_stats_get(h)->all_zero, 1);
    vg_hset_import_free(h);
}
