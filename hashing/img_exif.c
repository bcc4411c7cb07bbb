/*
 * img_exif.c — locating the EXIF thumbnail embedded in a JPEG, without decoding anything.
 *
 * A camera or phone writes a small JPEG of the photo into the APP1 "Exif" segment: IFD1 of the
 * segment's TIFF structure holds JPEGInterchangeFormat (tag 0x0201, the thumbnail's offset from
 * the TIFF header) and JPEGInterchangeFormatLength (0x0202). The thumbnail can outlive an edit of
 * the main image (a crop or a blur often leaves it untouched), so the scanner hashes it as an item
 * of its own. Only marker segments before the first SOS are walked; every offset and count is
 * checked against the segment before it is read (64-bit arithmetic, no overflow); nothing is
 * allocated. Written from the TIFF 6.0 and Exif 2.3 layouts (CIPA DC-008).
 */
#include <string.h>

#include "img_impl.h"

#define TAG_JPEG_OFFSET 0x0201u
#define TAG_JPEG_LENGTH 0x0202u
#define TYPE_SHORT 3u
#define TYPE_LONG 4u

struct tiff {
    const uint8_t *p;
    uint64_t n;
    bool le; /* "II": little-endian */
};

static uint32_t rd16(const struct tiff *t, uint64_t at) {
    const uint8_t *b = t->p + at;
    return t->le ? (uint32_t)b[0] | (uint32_t)b[1] << 8 : (uint32_t)b[0] << 8 | b[1];
}

static uint32_t rd32(const struct tiff *t, uint64_t at) {
    const uint8_t *b = t->p + at;
    return t->le
               ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
               : (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Offset of the IFD after the one at `ifd`, or 0 when absent or out of bounds. */
static uint64_t next_ifd(const struct tiff *t, uint64_t ifd, uint32_t *count) {
    if (ifd < 8 || ifd + 2 > t->n)
        return 0;
    *count = rd16(t, ifd);
    uint64_t end = ifd + 2 + 12u * (uint64_t)*count;
    if (end + 4 > t->n)
        return 0;
    return rd32(t, end);
}

/* The value of a one-element SHORT or LONG entry. */
static bool entry_value(const struct tiff *t, uint64_t e, uint32_t *v) {
    uint32_t type = rd16(t, e + 2), count = rd32(t, e + 4);
    if (count != 1 || (type != TYPE_SHORT && type != TYPE_LONG))
        return false;
    *v = type == TYPE_SHORT ? rd16(t, e + 8) : rd32(t, e + 8);
    return true;
}

/* Find the thumbnail inside the TIFF structure of an Exif segment. */
static vg_status thumb_in_tiff(const struct tiff *t, uint64_t *off, uint64_t *len) {
    if (t->n < 8 || rd16(t, 2) != 42)
        return VG_E_FORMAT;
    uint32_t count0 = 0, count1 = 0;
    uint64_t ifd1 = next_ifd(t, rd32(t, 4), &count0);
    if (ifd1 == 0 || ifd1 + 2 > t->n)
        return VG_E_NOTFOUND;
    count1 = rd16(t, ifd1);
    if (ifd1 + 2 + 12u * (uint64_t)count1 > t->n)
        return VG_E_FORMAT;
    uint32_t o = 0, l = 0;
    bool have_o = false, have_l = false;
    for (uint32_t i = 0; i < count1; i++) {
        uint64_t e = ifd1 + 2 + 12u * (uint64_t)i;
        uint32_t tag = rd16(t, e);
        if (tag == TAG_JPEG_OFFSET)
            have_o = entry_value(t, e, &o);
        else if (tag == TAG_JPEG_LENGTH)
            have_l = entry_value(t, e, &l);
    }
    if (!have_o && !have_l)
        return VG_E_NOTFOUND; /* IFD1 without a JPEG thumbnail (e.g. an uncompressed one) */
    if (!have_o || !have_l || l < 4 || (uint64_t)o + l > t->n)
        return VG_E_FORMAT;
    if (t->p[o] != 0xff || t->p[o + 1] != 0xd8)
        return VG_E_FORMAT;
    *off = o;
    *len = l;
    return VG_OK;
}

vg_status vg_img_exif_thumbnail(const void *buf, size_t n, size_t *off, size_t *len) {
    const uint8_t *b = buf;
    *off = 0;
    *len = 0;
    if (!b || vg_img_sniff(b, n) != VG_IMG_JPEG)
        return VG_E_NOTFOUND;
    uint64_t pos = 2;
    while (pos + 4 <= n) {
        if (b[pos] != 0xff)
            return VG_E_NOTFOUND; /* not at a marker: stop looking */
        unsigned m = b[pos + 1];
        if (m == 0xff) { /* fill byte */
            pos++;
            continue;
        }
        if (m == 0xda || m == 0xd9) /* SOS or EOI: the headers are over */
            return VG_E_NOTFOUND;
        if (m == 0x01 || (m >= 0xd0 && m <= 0xd8)) { /* stand-alone markers */
            pos += 2;
            continue;
        }
        uint64_t seg = (uint64_t)b[pos + 2] << 8 | b[pos + 3];
        if (seg < 2 || pos + 2 + seg > n)
            return VG_E_NOTFOUND;
        if (m == 0xe1 && seg >= 2 + 6 + 8 && memcmp(b + pos + 4, "Exif\0\0", 6) == 0 &&
            (memcmp(b + pos + 10, "II", 2) == 0 || memcmp(b + pos + 10, "MM", 2) == 0)) {
            struct tiff t = {b + pos + 10, seg - 8, b[pos + 10] == 'I'};
            uint64_t o = 0, l = 0;
            vg_status st = thumb_in_tiff(&t, &o, &l);
            if (st == VG_OK) {
                *off = (size_t)(pos + 10 + o);
                *len = (size_t)l;
            }
            return st;
        }
        pos += 2 + seg;
    }
    return VG_E_NOTFOUND;
}
