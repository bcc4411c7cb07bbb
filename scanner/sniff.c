/*
 * sniff.c — content type by magic bytes, in the manner of libarchive's format "bids": each
 * rule looks only at bytes, never at the name, so a JPEG renamed to .txt is still an image and
 * a zip renamed to .jpg is still opened as an archive.
 *
 * Magic numbers: JPEG (ITU T.81 SOI + marker), PNG (RFC 2083 signature), GIF87a/89a, RIFF/WEBP,
 * BMP (BITMAPFILEHEADER with a known DIB header size), TIFF (II*\0 / MM\0*), zip local/empty/
 * spanned headers, gzip (RFC 1952), bzip2, xz, zstd frame, 7z, RAR 4 and 5, POSIX/GNU tar
 * ("ustar" at 257, or a pre-POSIX header whose checksum verifies), cpio (odc, newc, crc,
 * binary both byte orders), ISO 9660 ("CD001" in volume descriptor sectors 16..18), compress,
 * lzip; HEIF/AVIF (ISO BMFF `ftyp` brands) and BigTIFF as the image library recognises them;
 * PDF ("%PDF-" anywhere in the first 1024 bytes, as readers accept it).
 */
#include "vigil/sniff.h"

#include <string.h>

#include "vigil/img.h"

struct magic {
    vg_sniff_type type;
    size_t off;
    size_t len;
    const char *bytes;
};

static const struct magic magics[] = {
    {VG_SNIFF_JPEG, 0, 3, "\xff\xd8\xff"},
    {VG_SNIFF_PNG, 0, 8, "\x89PNG\r\n\x1a\n"},
    {VG_SNIFF_GIF, 0, 6, "GIF87a"},
    {VG_SNIFF_GIF, 0, 6, "GIF89a"},
    {VG_SNIFF_TIFF, 0, 4, "II*\0"},
    {VG_SNIFF_TIFF, 0, 4, "MM\0*"},
    {VG_SNIFF_ZIP, 0, 4, "PK\3\4"},
    {VG_SNIFF_ZIP, 0, 4, "PK\5\6"},
    {VG_SNIFF_ZIP, 0, 4, "PK\7\x8"},
    {VG_SNIFF_GZIP, 0, 2, "\x1f\x8b"},
    {VG_SNIFF_XZ, 0, 6,
     "\xfd"
     "7zXZ\0"},
    {VG_SNIFF_ZSTD, 0, 4, "\x28\xb5\x2f\xfd"},
    {VG_SNIFF_7Z, 0, 6, "7z\xbc\xaf\x27\x1c"},
    {VG_SNIFF_RAR, 0, 7, "Rar!\x1a\x07\x00"},
    {VG_SNIFF_RAR, 0, 8, "Rar!\x1a\x07\x01\x00"},
    {VG_SNIFF_TAR, 257, 6, "ustar\0"},
    {VG_SNIFF_TAR, 257, 8, "ustar  \0"},
    {VG_SNIFF_CPIO, 0, 6, "070707"},
    {VG_SNIFF_CPIO, 0, 6, "070701"},
    {VG_SNIFF_CPIO, 0, 6, "070702"},
    {VG_SNIFF_CPIO, 0, 2, "\xc7\x71"},
    {VG_SNIFF_CPIO, 0, 2, "\x71\xc7"},
    {VG_SNIFF_COMPRESS, 0, 2, "\x1f\x9d"},
    {VG_SNIFF_LZIP, 0, 4, "LZIP"},
    {VG_SNIFF_ISO9660, 32769, 5, "CD001"},
    {VG_SNIFF_ISO9660, 34817, 5, "CD001"},
    {VG_SNIFF_ISO9660, 36865, 5, "CD001"},
};

static bool at(const uint8_t *buf, size_t n, size_t off, const char *bytes, size_t len) {
    return n >= off + len && memcmp(buf + off, bytes, len) == 0;
}

/* bzip2: "BZh" + block size '1'..'9' + the first block's magic (pi) or the end-of-stream one. */
static bool is_bzip2(const uint8_t *b, size_t n) {
    if (!at(b, n, 0, "BZh", 3) || n < 10 || b[3] < '1' || b[3] > '9')
        return false;
    return at(b, n, 4, "\x31\x41\x59\x26\x53\x59", 6) || at(b, n, 4, "\x17\x72\x45\x38\x50\x90", 6);
}

/* RIFF container whose form type is WEBP. */
static bool is_webp(const uint8_t *b, size_t n) {
    return at(b, n, 0, "RIFF", 4) && at(b, n, 8, "WEBP", 4);
}

/* "BM", reserved words zero, and a DIB header size that some BMP version defines. */
static bool is_bmp(const uint8_t *b, size_t n) {
    if (!at(b, n, 0, "BM", 2) || n < 18 || b[6] | b[7] | b[8] | b[9])
        return false;
    uint32_t dib =
        (uint32_t)b[14] | (uint32_t)b[15] << 8 | (uint32_t)b[16] << 16 | (uint32_t)b[17] << 24;
    return dib == 12 || dib == 40 || dib == 52 || dib == 56 || dib == 64 || dib == 108 ||
           dib == 124;
}

/* PDF: the header "%PDF-" must start within the first 1024 bytes (ISO 32000-1 annex H). */
static bool is_pdf(const uint8_t *b, size_t n) {
    size_t lim = n < 1024 + 5 ? n : 1024 + 5;
    for (size_t i = 0; i + 5 <= lim; i++)
        if (b[i] == '%' && memcmp(b + i, "%PDF-", 5) == 0)
            return true;
    return false;
}

/* Pre-POSIX (v7) tar: the header checksum (octal at 148, computed with its own field as
 * spaces) verifies and the name is not empty. */
static bool is_v7_tar(const uint8_t *b, size_t n) {
    if (n < 512 || b[0] == 0)
        return false;
    unsigned long want = 0;
    size_t i = 148;
    while (i < 156 && b[i] == ' ')
        i++;
    if (i == 156 || b[i] < '0' || b[i] > '7')
        return false;
    for (; i < 156 && b[i] >= '0' && b[i] <= '7'; i++)
        want = want * 8 + (unsigned long)(b[i] - '0');
    unsigned long sum = 0;
    for (i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : b[i];
    return sum == want;
}

vg_sniff_type vg_sniff(const uint8_t *buf, size_t n) {
    for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++)
        if (at(buf, n, magics[i].off, magics[i].bytes, magics[i].len))
            return magics[i].type;
    if (is_bzip2(buf, n))
        return VG_SNIFF_BZIP2;
    if (is_webp(buf, n))
        return VG_SNIFF_WEBP;
    if (is_bmp(buf, n))
        return VG_SNIFF_BMP;
    if (is_v7_tar(buf, n))
        return VG_SNIFF_TAR;
    switch (vg_img_sniff(buf, n)) {
    case VG_IMG_HEIF:
        return VG_SNIFF_HEIF;
    case VG_IMG_AVIF:
        return VG_SNIFF_AVIF;
    case VG_IMG_TIFF:
        return VG_SNIFF_TIFF; /* BigTIFF */
    default:
        break;
    }
    if (is_pdf(buf, n))
        return VG_SNIFF_PDF;
    return VG_SNIFF_OTHER;
}

bool vg_sniff_is_image(vg_sniff_type t) {
    return t >= VG_SNIFF_JPEG && t <= VG_SNIFF_AVIF;
}

bool vg_sniff_has_embedded(vg_sniff_type t) {
    return t == VG_SNIFF_JPEG || t == VG_SNIFF_HEIF || t == VG_SNIFF_AVIF || t == VG_SNIFF_PDF;
}

bool vg_sniff_is_archive(vg_sniff_type t) {
    return t >= VG_SNIFF_ZIP && t <= VG_SNIFF_LZIP;
}

const char *vg_sniff_name(vg_sniff_type t) {
    switch (t) {
    case VG_SNIFF_OTHER:
        return "other";
    case VG_SNIFF_JPEG:
        return "jpeg";
    case VG_SNIFF_PNG:
        return "png";
    case VG_SNIFF_GIF:
        return "gif";
    case VG_SNIFF_WEBP:
        return "webp";
    case VG_SNIFF_BMP:
        return "bmp";
    case VG_SNIFF_TIFF:
        return "tiff";
    case VG_SNIFF_HEIF:
        return "heif";
    case VG_SNIFF_AVIF:
        return "avif";
    case VG_SNIFF_PDF:
        return "pdf";
    case VG_SNIFF_ZIP:
        return "zip";
    case VG_SNIFF_GZIP:
        return "gzip";
    case VG_SNIFF_BZIP2:
        return "bzip2";
    case VG_SNIFF_XZ:
        return "xz";
    case VG_SNIFF_ZSTD:
        return "zstd";
    case VG_SNIFF_7Z:
        return "7z";
    case VG_SNIFF_RAR:
        return "rar";
    case VG_SNIFF_TAR:
        return "tar";
    case VG_SNIFF_CPIO:
        return "cpio";
    case VG_SNIFF_ISO9660:
        return "iso9660";
    case VG_SNIFF_COMPRESS:
        return "compress";
    case VG_SNIFF_LZIP:
        return "lzip";
    }
    return "other";
}
