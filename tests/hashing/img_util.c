/* img_util.c — test helpers: files, TSVs, PNG/JPEG synthesis (see img_util.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <openssl/evp.h>
#include <png.h>

#include "vigil/digest.h"

#include "img_util.h"

uint8_t *tu_slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 65536;
            uint8_t *g = realloc(buf, cap);
            if (!g) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = g;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0)
            break;
        len += got;
    }
    fclose(f);
    *n = len;
    return buf;
}

int tu_tsv_load(const char *path, tu_tsv *t) {
    size_t n;
    memset(t, 0, sizeof *t);
    uint8_t *raw = tu_slurp(path, &n);
    if (!raw)
        return -1;
    t->text = malloc(n + 1);
    memcpy(t->text, raw, n);
    t->text[n] = '\0';
    free(raw);
    size_t cap = 0;
    for (char *line = strtok(t->text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '#')
            continue;
        size_t cols = 1;
        for (char *c = line; *c; c++)
            cols += *c == '\t';
        if (t->nrows == 0)
            t->ncols = cols;
        if (cols != t->ncols)
            continue;
        if ((t->nrows + 1) * t->ncols > cap) {
            cap = cap ? cap * 2 : 1024;
            t->cells = realloc(t->cells, cap * sizeof *t->cells);
        }
        char **row = t->cells + t->nrows * t->ncols;
        row[0] = line;
        size_t k = 1;
        for (char *c = line; *c; c++)
            if (*c == '\t') {
                *c = '\0';
                row[k++] = c + 1;
            }
        t->nrows++;
    }
    return 0;
}

const char *tu_tsv_get(const tu_tsv *t, size_t r, const char *col) {
    for (size_t c = 0; c < t->ncols; c++)
        if (!strcmp(t->cells[c], col))
            return t->cells[r * t->ncols + c];
    return NULL;
}

void tu_tsv_free(tu_tsv *t) {
    free(t->cells);
    free(t->text);
    memset(t, 0, sizeof *t);
}

char *tu_rgb_sha256(const vg_img *im, char hex[65]) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t md[32], rgb[3 * 256];
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (uint32_t y = 0; y < im->height; y++) {
        const uint8_t *row = im->pixels + (size_t)y * im->stride;
        if (im->channels == 3) {
            EVP_DigestUpdate(ctx, row, (size_t)im->width * 3);
            continue;
        }
        for (uint32_t x = 0; x < im->width; x += 256) {
            uint32_t k, m = im->width - x < 256 ? im->width - x : 256;
            for (k = 0; k < m; k++)
                rgb[3 * k] = rgb[3 * k + 1] = rgb[3 * k + 2] = row[x + k];
            EVP_DigestUpdate(ctx, rgb, 3 * (size_t)m);
        }
    }
    EVP_DigestFinal_ex(ctx, md, NULL);
    EVP_MD_CTX_free(ctx);
    return vg_hex(md, 32, hex);
}

/* ---- PNG ---- */

struct membuf {
    uint8_t *p;
    size_t n, cap;
};

static void png_write_mem(png_structp png, png_bytep data, size_t len) {
    struct membuf *m = png_get_io_ptr(png);
    if (m->n + len > m->cap) {
        m->cap = (m->n + len) * 2;
        m->p = realloc(m->p, m->cap);
    }
    memcpy(m->p + m->n, data, len);
    m->n += len;
}

static void png_flush_mem(png_structp png) {
    (void)png;
}

static int png_chans(int ct) {
    switch (ct) {
    case PNG_COLOR_TYPE_GRAY:
    case PNG_COLOR_TYPE_PALETTE:
        return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
        return 2;
    case PNG_COLOR_TYPE_RGB:
        return 3;
    default:
        return 4;
    }
}

uint8_t *tu_png_encode(uint32_t w, uint32_t h, int color_type, int bit_depth, int interlace,
                       const uint16_t *samples, size_t *n) {
    struct membuf m = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(m.p);
        return NULL;
    }
    png_set_write_fn(png, &m, png_write_mem, png_flush_mem);
    png_set_IHDR(png, info, w, h, bit_depth, color_type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    if (color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color pal[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
        png_byte trans[2] = {0, 128};
        png_set_PLTE(png, info, pal, 4);
        png_set_tRNS(png, info, trans, 2, NULL);
    }
    png_write_info(png, info);
    if (bit_depth < 8)
        png_set_packing(png);
    if (bit_depth == 16)
        png_set_swap(png); /* rows below are little-endian uint16 */
    int chans = png_chans(color_type);
    size_t rowlen = (size_t)w * (size_t)chans * (bit_depth == 16 ? 2 : 1);
    uint8_t *row = malloc(rowlen ? rowlen : 1);
    int passes = png_set_interlace_handling(png);
    for (int p = 0; p < passes; p++)
        for (uint32_t y = 0; y < h; y++) {
            const uint16_t *s = samples + (size_t)y * w * (size_t)chans;
            for (size_t i = 0; i < (size_t)w * (size_t)chans; i++) {
                if (bit_depth == 16)
                    memcpy(row + 2 * i, &s[i], 2);
                else
                    row[i] = (uint8_t)s[i];
            }
            png_write_row(png, row);
        }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    *n = m.n;
    return m.p;
}

/* ---- JPEG ---- */

uint8_t *tu_jpeg_encode(uint32_t w, uint32_t h, unsigned chans, const uint8_t *px, int quality,
                        int progressive, unsigned restart_rows, size_t *n) {
    struct jpeg_compress_struct ci;
    struct jpeg_error_mgr jerr;
    unsigned char *out = NULL;
    unsigned long len = 0;
    ci.err = jpeg_std_error(&jerr);
    jpeg_create_compress(&ci);
    jpeg_mem_dest(&ci, &out, &len);
    ci.image_width = w;
    ci.image_height = h;
    ci.input_components = (int)chans;
    ci.in_color_space = chans == 1 ? JCS_GRAYSCALE : chans == 3 ? JCS_RGB : JCS_CMYK;
    jpeg_set_defaults(&ci);
    jpeg_set_quality(&ci, quality, TRUE);
    if (progressive)
        jpeg_simple_progression(&ci);
    ci.restart_in_rows = (int)restart_rows;
    jpeg_start_compress(&ci, TRUE);
    while (ci.next_scanline < h) {
        JSAMPROW row = (JSAMPROW)(px + (size_t)ci.next_scanline * w * chans);
        jpeg_write_scanlines(&ci, &row, 1);
    }
    jpeg_finish_compress(&ci);
    jpeg_destroy_compress(&ci);
    *n = len;
    return out;
}
