/* img_util.h — helpers shared by the image and PDQ suites: files, TSVs, synthesised images. */
#ifndef VIGIL_TEST_IMG_UTIL_H
#define VIGIL_TEST_IMG_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/img.h"

/* Read a whole file (malloc'd; NULL on error). */
uint8_t *tu_slurp(const char *path, size_t *n);

/* A parsed TSV: rows of tab-separated fields; lines starting with '#' skipped; row 0 = header. */
typedef struct tu_tsv {
    char *text;
    char **cells;
    size_t nrows, ncols;
} tu_tsv;
int tu_tsv_load(const char *path, tu_tsv *t);
/* Field of row r (>= 1) in the column named col; NULL if no such column. */
const char *tu_tsv_get(const tu_tsv *t, size_t r, const char *col);
void tu_tsv_free(tu_tsv *t);

/* SHA-256 (hex) of the image as 8-bit RGB (grey expanded to R = G = B), the TSVs' form. */
char *tu_rgb_sha256(const vg_img *im, char hex[65]);

/* Encode pixels as PNG in memory (libpng). color_type/bit_depth as libpng; samples are given
 * as 16-bit values per channel (scaled down for 8-bit and below), row-major, width*chans each. */
uint8_t *tu_png_encode(uint32_t w, uint32_t h, int color_type, int bit_depth, int interlace,
                       const uint16_t *samples, size_t *n);
/* Encode 8-bit pixels as JPEG (libjpeg): chans 1, 3 or 4 (CMYK); quality; progressive;
 * restart_rows (0 = none). */
uint8_t *tu_jpeg_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int quality,
                        int progressive, unsigned restart_rows, size_t *n);

#endif
