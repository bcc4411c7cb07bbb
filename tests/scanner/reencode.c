/* reencode.c — test tool: decode an image (JPEG or PNG) and write it as a JPEG at a quality,
 * optionally mirrored or inside a white border of N pixels, so script tests can check that a
 * re-encoded copy is still found by PDQ. Usage: reencode IN OUT QUALITY [mirror | border=N] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "vigil/img.h"

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len);
    *n = b ? fread(b, 1, (size_t)len, f) : 0;
    fclose(f);
    return b;
}

int main(int argc, char **argv) {
    if (argc < 4)
        return 2;
    size_t n;
    unsigned char *in = slurp(argv[1], &n);
    vg_img_dec *d;
    vg_img img;
    if (!in || vg_img_dec_open(&d, NULL) != VG_OK || vg_img_decode(d, in, n, &img) != VG_OK)
        return fprintf(stderr, "reencode: cannot decode %s\n", argv[1]), 1;
    bool mirror = argc > 4 && !strcmp(argv[4], "mirror");
    uint32_t border = argc > 4 && !strncmp(argv[4], "border=", 7) ? (uint32_t)atoi(argv[4] + 7) : 0;
    FILE *out = fopen(argv[2], "wb");
    if (!out)
        return 1;
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, out);
    c.image_width = img.width + 2 * border;
    c.image_height = img.height + 2 * border;
    c.input_components = (int)img.channels;
    c.in_color_space = img.channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, atoi(argv[3]), TRUE);
    jpeg_start_compress(&c, TRUE);
    size_t rw = (size_t)c.image_width * img.channels;
    unsigned char *row = malloc(rw);
    for (uint32_t y = 0; y < c.image_height; y++) {
        memset(row, 255, rw);
        if (y >= border && y - border < img.height) {
            const unsigned char *src = img.pixels + (size_t)(y - border) * img.stride;
            for (uint32_t x = 0; x < img.width; x++) {
                uint32_t sx = mirror ? img.width - 1 - x : x;
                memcpy(row + (size_t)(x + border) * img.channels, src + (size_t)sx * img.channels,
                       img.channels);
            }
        }
        JSAMPROW rp = row;
        jpeg_write_scanlines(&c, &rp, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(out);
    free(row);
    free(in);
    vg_img_dec_free(d);
    return 0;
}
