/* test_import_encase.c — EnCase legacy binary hash sets, synthesised byte by byte (the layout of
 * HASHLISTS.md §7.5, as in the shared sample): names, Known/Notable, truncation, wrong counts. */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "import_helpers.h"

static const unsigned char md5s[3][16] = {
    {0x11, 0x6d, 0xe4, 0x0b, 0x77, 0xb5, 0x4b, 0x95, 0x13, 0x3c, 0x92, 0x91, 0x39, 0x1d, 0xf6,
     0x3b},
    {0x8d, 0x2c, 0x0f, 0xf2, 0x09, 0x71, 0xd4, 0xb7, 0xd9, 0x10, 0xad, 0x98, 0x55, 0x31, 0x58,
     0xf8},
    {0xfd, 0x65, 0x83, 0x8f, 0x86, 0xac, 0xa4, 0x92, 0x39, 0xd3, 0x39, 0x36, 0x53, 0x05, 0xe8,
     0x88},
};

/* A set of n records (count field = count), named name, of type type; returns its size. */
static size_t make_set(unsigned char *buf, int n, unsigned count, const char *name,
                       const char *type) {
    memset(buf, 0, 0x480 + 18 * 3);
    memcpy(buf, "HASH\r\n\xff\0", 8);
    buf[8] = 2;
    buf[12] = 1;
    buf[16] = (unsigned char)count;
    for (size_t i = 0; name[i]; i++)
        buf[0x408 + 2 * i] = (unsigned char)name[i];
    for (size_t i = 0; type[i]; i++)
        buf[0x458 + 2 * i] = (unsigned char)type[i];
    for (int i = 0; i < n; i++)
        memcpy(buf + 0x480 + 18 * i, md5s[i], 16);
    return 0x480 + 18 * (size_t)n;
}

Test(import_encase, notable_set_gives_md5_entries_and_its_name) {
    unsigned char buf[0x480 + 54];
    size_t n = make_set(buf, 3, 3, "Vigil sample set", "Notable");
    cr_assert_str_eq(vg_hset_import_detect(buf, n), "encase");
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, (const char *)buf, n, NULL), VG_OK, "%s",
                 vg_hset_import_errmsg(h));
    const vg_hset_provenance *p = vg_hset_import_provenance(h);
    cr_assert_str_eq(p->format, "encase");
    cr_assert_str_eq(p->name, "Vigil sample set");
    cr_assert_str_eq(p->version, "2");
    cr_assert_eq(th_ngot, 3);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " line=1");
    cr_assert_str_eq(th_got[1], "md5 " S3_MD5 " line=2");
    cr_assert_str_eq(th_got[2], "md5 " S2_MD5 " line=3");
    vg_hset_import_free(h);
}

Test(import_encase, known_set_is_known_good) {
    unsigned char buf[0x480 + 54];
    size_t n = make_set(buf, 1, 1, "NSRL-ish", "Known");
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, (const char *)buf, n, NULL), VG_OK);
    cr_assert_str_eq(th_got[0], "md5 " S1_MD5 " np line=1");
    vg_hset_import_free(h);
}

Test(import_encase, truncation_and_wrong_count_are_bad) {
    unsigned char buf[0x480 + 54];
    size_t n = make_set(buf, 3, 3, "x", "Notable");
    vg_hset_import *h = th_new();
    cr_assert_eq(th_import_text(h, (const char *)buf, n - 5, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), ":3: record truncated"));
    cr_assert_eq(th_ngot, 2);
    n = make_set(buf, 2, 3, "x", "Notable");
    cr_assert_eq(th_import_text(h, (const char *)buf, n, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "header says 3 hashes"));
    cr_assert_eq(th_import_text(h, (const char *)buf, 0x300, NULL), VG_E_FORMAT);
    cr_assert_not_null(strstr(vg_hset_import_errmsg(h), "not an EnCase hash set"));
    vg_hset_import_free(h);
}
