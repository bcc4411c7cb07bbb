/* test_sniff.c — content types from magic bytes, on generated archives and real photos. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/sniff.h"

#include "arcgen.h"

static vg_sniff_type sniff_generated(const char *format, const char *filter) {
    arcgen *g = arcgen_new(format, filter, NULL);
    arcgen_add(g, "dir/file.txt", "hello, world\n", 13);
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    vg_sniff_type t = vg_sniff(buf, len);
    free(buf);
    return t;
}

Test(sniff, archives_written_by_libarchive) {
    cr_assert_eq(sniff_generated("zip", NULL), VG_SNIFF_ZIP);
    cr_assert_eq(sniff_generated("7zip", NULL), VG_SNIFF_7Z);
    cr_assert_eq(sniff_generated("ustar", NULL), VG_SNIFF_TAR);
    cr_assert_eq(sniff_generated("gnutar", NULL), VG_SNIFF_TAR);
    cr_assert_eq(sniff_generated("v7tar", NULL), VG_SNIFF_TAR);
    cr_assert_eq(sniff_generated("cpio", NULL), VG_SNIFF_CPIO);
    cr_assert_eq(sniff_generated("newc", NULL), VG_SNIFF_CPIO);
    cr_assert_eq(sniff_generated("iso9660", NULL), VG_SNIFF_ISO9660);
    cr_assert_eq(sniff_generated("ustar", "gzip"), VG_SNIFF_GZIP);
    cr_assert_eq(sniff_generated("ustar", "bzip2"), VG_SNIFF_BZIP2);
    cr_assert_eq(sniff_generated("ustar", "xz"), VG_SNIFF_XZ);
    cr_assert_eq(sniff_generated("ustar", "zstd"), VG_SNIFF_ZSTD);
    cr_assert_eq(sniff_generated("ustar", "lzip"), VG_SNIFF_LZIP);
    cr_assert_eq(sniff_generated("ustar", "compress"), VG_SNIFF_COMPRESS);
}

Test(sniff, photos_by_content_not_name) {
    static const struct {
        const char *file;
        vg_sniff_type want;
    } cases[] = {{"photos/sk_rocket.jpg", VG_SNIFF_JPEG}, {"photos/sk_coffee.png", VG_SNIFF_PNG}};
    for (size_t i = 0; i < 2; i++) {
        char p[1024];
        size_t len;
        snprintf(p, sizeof p, "%s/%s", VIGIL_TEST_DATA, cases[i].file);
        uint8_t *b = arcgen_slurp(p, &len);
        cr_assert_not_null(b, "%s", p);
        cr_assert_eq(vg_sniff(b, len), cases[i].want);
        cr_assert(vg_sniff_is_image(cases[i].want));
        cr_assert_not(vg_sniff_is_archive(cases[i].want));
        free(b);
    }
}

Test(sniff, small_magic_strings) {
    cr_assert_eq(vg_sniff((const uint8_t *)"GIF89a....", 10), VG_SNIFF_GIF);
    cr_assert_eq(vg_sniff((const uint8_t *)"RIFF\x10\0\0\0WEBPVP8 ", 16), VG_SNIFF_WEBP);
    cr_assert_eq(vg_sniff((const uint8_t *)"RIFF\x10\0\0\0WAVEfmt ", 16), VG_SNIFF_OTHER);
    cr_assert_eq(vg_sniff((const uint8_t *)"II*\0\x08\0\0\0", 8), VG_SNIFF_TIFF);
    cr_assert_eq(vg_sniff((const uint8_t *)"Rar!\x1a\x07\x01\x00", 8), VG_SNIFF_RAR);
    cr_assert_eq(vg_sniff((const uint8_t *)"Rar!\x1a\x07\x00", 7), VG_SNIFF_RAR);
    cr_assert_eq(vg_sniff((const uint8_t *)"BZh91AY&SY", 10), VG_SNIFF_BZIP2);
    cr_assert_eq(vg_sniff((const uint8_t *)"BZh is not bzip2", 16), VG_SNIFF_OTHER);
    cr_assert_eq(vg_sniff((const uint8_t *)"BM\x36\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0", 18),
                 VG_SNIFF_BMP);
    cr_assert_eq(vg_sniff((const uint8_t *)"BM and then some text", 21), VG_SNIFF_OTHER);
}

Test(sniff, truncated_and_plain_data_are_other) {
    cr_assert_eq(vg_sniff((const uint8_t *)"\xff\xd8", 2), VG_SNIFF_OTHER);
    cr_assert_eq(vg_sniff((const uint8_t *)"", 0), VG_SNIFF_OTHER);
    cr_assert_eq(vg_sniff((const uint8_t *)"PK", 2), VG_SNIFF_OTHER);
    uint8_t text[600];
    memset(text, 'a', sizeof text);
    cr_assert_eq(vg_sniff(text, sizeof text), VG_SNIFF_OTHER);
    cr_assert_str_eq(vg_sniff_name(VG_SNIFF_ISO9660), "iso9660");
    cr_assert_str_eq(vg_sniff_name(VG_SNIFF_OTHER), "other");
}
