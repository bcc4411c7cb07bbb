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

/* Issue 9: every image format vigil decodes is an image to the scanner, and PDFs carry images. */
Test(sniff, heif_avif_bigtiff_and_pdf) {
    static const uint8_t heic[] = "\0\0\0\x18"
                                  "ftypheic\0\0\0\0mif1heic";
    static const uint8_t avif[] = "\0\0\0\x1c"
                                  "ftypavif\0\0\0\0avifmif1miaf";
    static const uint8_t mif1_avif[] = "\0\0\0\x18"
                                       "ftypmif1\0\0\0\0avifmiaf";
    static const uint8_t mp4[] = "\0\0\0\x18"
                                 "ftypisom\0\0\0\0isomavc1";
    cr_assert_eq(vg_sniff(heic, sizeof heic - 1), VG_SNIFF_HEIF);
    cr_assert_eq(vg_sniff(avif, sizeof avif - 1), VG_SNIFF_AVIF);
    cr_assert_eq(vg_sniff(mif1_avif, sizeof mif1_avif - 1), VG_SNIFF_HEIF,
                 "major mif1: HEIF, as libheif's MIME type says (decoded the same way)");
    cr_assert_eq(vg_sniff(mp4, sizeof mp4 - 1), VG_SNIFF_OTHER, "a video is not an image");
    cr_assert_eq(vg_sniff((const uint8_t *)"II+\0\x08\0\0\0", 8), VG_SNIFF_TIFF, "BigTIFF");
    cr_assert_eq(vg_sniff((const uint8_t *)"MM\0+\0\x08\0\0", 8), VG_SNIFF_TIFF, "BigTIFF");
    for (vg_sniff_type t = VG_SNIFF_JPEG; t <= VG_SNIFF_AVIF; t++) {
        cr_assert(vg_sniff_is_image(t), "%s", vg_sniff_name(t));
        cr_assert_not(vg_sniff_is_archive(t));
    }
    cr_assert_str_eq(vg_sniff_name(VG_SNIFF_HEIF), "heif");
    cr_assert_str_eq(vg_sniff_name(VG_SNIFF_AVIF), "avif");
    cr_assert_str_eq(vg_sniff_name(VG_SNIFF_PDF), "pdf");

    cr_assert_eq(vg_sniff((const uint8_t *)"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 17), VG_SNIFF_PDF);
    uint8_t junk[1100];
    memset(junk, ' ', sizeof junk);
    memcpy(junk + 1024, "%PDF-1.4", 8);
    cr_assert_eq(vg_sniff(junk, sizeof junk), VG_SNIFF_PDF, "header within the first 1024");
    memcpy(junk + 1024, "x%PDF-1.", 8);
    cr_assert_eq(vg_sniff(junk, sizeof junk), VG_SNIFF_OTHER, "header beyond 1024");
    cr_assert_eq(vg_sniff((const uint8_t *)"%PDF", 4), VG_SNIFF_OTHER);
    cr_assert_not(vg_sniff_is_image(VG_SNIFF_PDF));
    cr_assert_not(vg_sniff_is_archive(VG_SNIFF_PDF));
    cr_assert(vg_sniff_has_embedded(VG_SNIFF_PDF));
    cr_assert(vg_sniff_has_embedded(VG_SNIFF_JPEG));
    cr_assert_not(vg_sniff_has_embedded(VG_SNIFF_PNG));
    cr_assert_not(vg_sniff_has_embedded(VG_SNIFF_ZIP));
}
