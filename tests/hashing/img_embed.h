/* img_embed.h — test helpers: images inside other files, built byte by byte: a JPEG carrying an
 * EXIF thumbnail (APP1 "Exif", IFD1 JPEGInterchangeFormat), and a PDF whose image XObjects are
 * JPEG (DCTDecode) streams. Each returns a malloc'd buffer and its size in *n, or NULL. */
#ifndef VIGIL_TEST_IMG_EMBED_H
#define VIGIL_TEST_IMG_EMBED_H

#include <stddef.h>
#include <stdint.h>

/* Offsets inside the TIFF structure te_jpeg_with_exif() writes (from the "II"/"MM" header),
 * for tests that corrupt one field; the TIFF header starts at byte TE_EXIF_TIFF_AT of the file. */
#define TE_EXIF_TIFF_AT 12u
#define TE_EXIF_IFD1_AT 26u    /* IFD1's entry count */
#define TE_EXIF_THUMB_OFF 36u  /* JPEGInterchangeFormat's value */
#define TE_EXIF_THUMB_LEN 48u  /* JPEGInterchangeFormatLength's value */
#define TE_EXIF_THUMB_DATA 56u /* where the thumbnail's bytes start */

/* jpg (a JPEG file) with an APP1 Exif segment inserted after its SOI: IFD0 with one entry
 * (Orientation 1), IFD1 pointing at thumb (JPEGInterchangeFormat / Length), in big-endian ("MM")
 * or little-endian ("II") byte order, as cameras write it. tn must leave the segment < 64 KiB. */
uint8_t *te_jpeg_with_exif(const uint8_t *jpg, size_t n, const uint8_t *thumb, size_t tn, int be,
                           size_t *out_n);

/* A 1/4-size box-filtered copy of w x h pixels of chans channels (what a camera stores as its
 * thumbnail): (w / 4) x (h / 4), malloc'd, or NULL. */
uint8_t *te_quarter(const uint8_t *px, uint32_t w, uint32_t h, unsigned chans);

/* A JPEG to put in a PDF: its bytes and its size in pixels. */
typedef struct te_pdf_img {
    const uint8_t *jpg;
    size_t n;
    uint32_t w, h;
} te_pdf_img;

/* A one-page PDF 1.4 (catalog, pages, page, content stream, xref, trailer) drawing each image,
 * each an image XObject with /Filter /DCTDecode; indirect_length: its /Length is an indirect
 * object ("/Length 7 0 R", as many writers do) instead of a number. */
uint8_t *te_pdf_with_jpegs(const te_pdf_img *imgs, int count, int indirect_length, size_t *n);

#endif
