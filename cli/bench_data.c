/*
 * bench_data.c — synthetic inputs for `vigil bench` (see bench_data.h): nothing the benchmark
 * measures is read from the device, so every device class runs exactly the same work and no
 * user data is ever touched.
 */
#define _XOPEN_SOURCE 700 /* nftw, mkdtemp */
#include "bench_data.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>

/* ---- pseudo-random data ---- */

uint64_t bench_rng_next(bench_rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void bench_rng_fill(bench_rng *r, uint8_t *p, size_t n) {
    while (n >= 8) {
        uint64_t v = bench_rng_next(r);
        memcpy(p, &v, 8);
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t v = bench_rng_next(r);
        memcpy(p, &v, n);
    }
}

void bench_code(uint64_t seed, uint64_t i, uint8_t out[32]) {
    bench_rng r = {seed ^ (i * 0xD1B54A32D192ED03ULL)};
    bench_rng_fill(&r, out, 32);
}

/* ---- JPEG ---- */

struct jerr {
    struct jpeg_error_mgr mgr;
    jmp_buf jb;
};

static void on_jpeg_error(j_common_ptr c) {
    longjmp(((struct jerr *)c->err)->jb, 1);
}

/* One row of the picture: gradients, a bright disc, a pattern and noise, like a photo's mix of
 * smooth areas and detail (pure noise would encode far larger and slower than a photo). No
 * edge is uniform, so the screen never suspects a border (which would send it to exact work). */
static void paint_row(bench_rng *r, uint8_t *row, unsigned w, unsigned h, unsigned y,
                      const unsigned disc[3]) {
    long dy = (long)y - (long)disc[1], rad = (long)disc[2];
    for (unsigned x = 0; x < w; x++) {
        long dx = (long)x - (long)disc[0];
        unsigned noise = (unsigned)(bench_rng_next(r) >> 60);
        bool in = dx * dx + dy * dy < rad * rad;
        row[3 * x] = (uint8_t)(x * 240u / w + noise);
        row[3 * x + 1] = (uint8_t)(in ? 230u + noise : ((y * 180u / h) ^ ((x / 7u) & 63u)) + noise);
        row[3 * x + 2] = (uint8_t)((((x / 32u) ^ (y / 32u)) & 1u) * 120u + noise);
    }
}

vg_status bench_jpeg(uint64_t seed, unsigned w, unsigned h, unsigned char **out,
                     unsigned long *len) {
    struct jpeg_compress_struct c;
    struct jerr e;
    bench_rng r = {seed};
    uint8_t *volatile row = NULL;
    *out = NULL;
    *len = 0;
    if (!w || !h || w > 65500 || h > 65500)
        return VG_E_INVAL;
    c.err = jpeg_std_error(&e.mgr);
    e.mgr.error_exit = on_jpeg_error;
    if (setjmp(e.jb)) { /* libjpeg failed (out of memory): nothing escapes */
        jpeg_destroy_compress(&c);
        free(row);
        free(*out);
        *out = NULL;
        return VG_E_NOMEM;
    }
    jpeg_create_compress(&c);
    jpeg_mem_dest(&c, out, len);
    c.image_width = w;
    c.image_height = h;
    c.input_components = 3;
    c.in_color_space = JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 90, TRUE);
    if (!(row = malloc((size_t)w * 3)))
        longjmp(e.jb, 1);
    unsigned disc[3] = {(unsigned)(bench_rng_next(&r) % w), (unsigned)(bench_rng_next(&r) % h),
                        h / 4 + 1};
    jpeg_start_compress(&c, TRUE);
    while (c.next_scanline < h) {
        JSAMPROW rp = row;
        paint_row(&r, row, w, h, c.next_scanline, disc);
        jpeg_write_scanlines(&c, &rp, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(row);
    return VG_OK;
}

/* ---- the temporary folder ---- */

vg_status bench_tmpdir(const char *parent, char **out) {
    static const char tail[] = "/vigil-bench-XXXXXX";
    if (!parent || !*parent)
        parent = getenv("TMPDIR");
    if (!parent || !*parent)
        parent = "/tmp";
    size_t n = strlen(parent) + sizeof tail;
    char *p = malloc(n);
    if (!p)
        return VG_E_NOMEM;
    snprintf(p, n, "%s%s", parent, tail);
    if (!mkdtemp(p)) {
        free(p);
        *out = NULL;
        return VG_E_IO;
    }
    *out = p;
    return VG_OK;
}

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *f) {
    (void)sb;
    (void)f;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) == 0 ? 0 : -1;
}

vg_status bench_rmtree(const char *dir) {
    return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0 ? VG_OK : VG_E_IO;
}

vg_status bench_write_file(const char *path, const void *buf, size_t n) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return VG_E_IO;
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            errno = e;
            return VG_E_IO;
        }
        p += w;
        n -= (size_t)w;
    }
    return close(fd) == 0 ? VG_OK : VG_E_IO;
}
