/* Content type of a file from its first bytes (magic numbers), never from its name. */
#ifndef VIGIL_SNIFF_H
#define VIGIL_SNIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes needed to recognise every type: ISO 9660's "CD001" lies at offset 32769 (sector 16). */
#define VG_SNIFF_NEED 32774u

/* Types vigil tells apart. Values reach reports and the cache: append only. */
typedef enum vg_sniff_type {
    VG_SNIFF_OTHER = 0,
    VG_SNIFF_JPEG = 1,
    VG_SNIFF_PNG = 2,
    VG_SNIFF_GIF = 3,
    VG_SNIFF_WEBP = 4,
    VG_SNIFF_BMP = 5,
    VG_SNIFF_TIFF = 6,
    VG_SNIFF_HEIF = 7, /* ISO BMFF "ftyp" with a HEIF brand (HEIC from phones) */
    VG_SNIFF_AVIF = 8, /* ISO BMFF "ftyp" with an AVIF brand */
    VG_SNIFF_ZIP = 20,
    VG_SNIFF_GZIP = 21,
    VG_SNIFF_BZIP2 = 22,
    VG_SNIFF_XZ = 23,
    VG_SNIFF_ZSTD = 24,
    VG_SNIFF_7Z = 25,
    VG_SNIFF_RAR = 26,
    VG_SNIFF_TAR = 27,
    VG_SNIFF_CPIO = 28,
    VG_SNIFF_ISO9660 = 29,
    VG_SNIFF_COMPRESS = 30, /* Unix compress (.Z) */
    VG_SNIFF_LZIP = 31,
    VG_SNIFF_PDF = 40 /* "%PDF-" in the first 1024 bytes: its JPEG streams are images */
} vg_sniff_type;

/*
 * Recognise the type of a byte string from its first n bytes (pass at least VG_SNIFF_NEED, or
 * the whole content if shorter). Pure and thread-safe.
 * @return the type; VG_SNIFF_OTHER when nothing matches.
 */
vg_sniff_type vg_sniff(const uint8_t *buf, size_t n);

/* True for the image types (whether vigil can decode them is the image library's business). */
bool vg_sniff_is_image(vg_sniff_type t);

/* True for types that may carry images of their own, hashed as items of their own: a JPEG's
 * EXIF thumbnail, a HEIF/AVIF file's thumbnail, a PDF's JPEG (DCTDecode) streams. Such content is
 * kept whole in memory, within the same limit as an image. */
bool vg_sniff_has_embedded(vg_sniff_type t);

/* True for containers and compressed streams that vigil opens with libarchive. */
bool vg_sniff_is_archive(vg_sniff_type t);

/* Short stable lower-case name ("jpeg", "zip", "other"). Static; never NULL. */
const char *vg_sniff_name(vg_sniff_type t);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_SNIFF_H */
