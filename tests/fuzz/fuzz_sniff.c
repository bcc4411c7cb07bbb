/*
 * fuzz_sniff.c — every content sniffer on arbitrary bytes: the scanner's magic numbers
 * (scanner/sniff.c), the image decoder's format sniffing (hashing/img.c) and the hash-list
 * format bidding (hashsets/import_detect.c).
 *
 * Invariants: no crash or read past the bytes given; the type is a known one with a name; no
 * type is both an image and an archive; the answer depends only on the first VG_SNIFF_NEED
 * (VG_IMG_SNIFF_LEN) bytes, but for ISO 9660 descriptors in later sectors and HEIF/AVIF
 * brands late in the ftyp box; a list format named is one of the importers.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/hset_import.h"
#include "vigil/img.h"
#include "vigil/sniff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool known_format(const char *name) {
    for (const char *const *f = vg_hset_import_formats(); *f; f++)
        if (!strcmp(*f, name))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    vg_sniff_type t = vg_sniff(data, size);
    const char *name = vg_sniff_name(t);
    if (!name || !name[0] || (t != VG_SNIFF_OTHER && !strcmp(name, "other")))
        abort();
    if (vg_sniff_is_image(t) && vg_sniff_is_archive(t))
        abort();
    /* ISO 9660 is also looked for in sectors 17 and 18, past VG_SNIFF_NEED */
    if (size > VG_SNIFF_NEED && t != VG_SNIFF_ISO9660 && vg_sniff(data, VG_SNIFF_NEED) != t)
        abort();
    vg_img_format f = vg_img_sniff(data, size);
    if (f > VG_IMG_BMP)
        abort();
    /* HEIF/AVIF brands listed after the first few may need more than VG_IMG_SNIFF_LEN */
    vg_img_format g = size > VG_IMG_SNIFF_LEN ? vg_img_sniff(data, VG_IMG_SNIFF_LEN) : f;
    if (g != f && !(g == VG_IMG_NONE && (f == VG_IMG_HEIF || f == VG_IMG_AVIF)))
        abort();
    const char *list = vg_hset_import_detect(data, size);
    if (list && !known_format(list))
        abort();
    return 0;
}
