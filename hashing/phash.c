/*
 * phash.c — aHash, dHash and pHash as Python imagehash 4.3 computes them, and ClamAV's
 * fuzzy_img, from the reduced grey images of phash_pil.c and phash_rs.c; hex text and distance.
 * Definitions, sources and known differences: include/vigil/phash.h.
 */
#include "vigil/phash.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "phash_impl.h"

/* ---- arguments ---- */

vg_status vg_phash_check(const vg_phash_image *img) {
    if (!img || !img->pixels || img->width == 0 || img->height == 0)
        return VG_E_INVAL;
    if (img->channels != 1 && img->channels != 3 && img->channels != 4)
        return VG_E_INVAL;
    if (img->stride / img->channels < img->width)
        return VG_E_INVAL;
    if (img->width > VG_PHASH_MAX_SIDE || img->height > VG_PHASH_MAX_SIDE)
        return VG_E_LIMIT;
    return VG_OK;
}

/* Bits in row-major order, the first one most significant. */
static uint64_t pack(const int *bits) {
    uint64_t h = 0;
    for (int i = 0; i < 64; i++)
        h = (h << 1) | (uint64_t)(bits[i] != 0);
    return h;
}

/* ---- aHash, dHash ---- */

vg_status vg_phash_ahash(const vg_phash_image *img, uint64_t *out) {
    uint8_t p[64];
    int bits[64];
    unsigned sum = 0;
    *out = 0;
    vg_status st = vg_phash_check(img);
    if (st == VG_OK)
        st = vg_phash_resize_pil(img, 8, 8, p);
    if (st != VG_OK)
        return st;
    for (int i = 0; i < 64; i++)
        sum += p[i];
    for (int i = 0; i < 64; i++) /* pixel > sum / 64, exactly as numpy's float mean */
        bits[i] = 64u * p[i] > sum;
    *out = pack(bits);
    return VG_OK;
}

vg_status vg_phash_dhash(const vg_phash_image *img, uint64_t *out) {
    uint8_t p[72];
    int bits[64];
    *out = 0;
    vg_status st = vg_phash_check(img);
    if (st == VG_OK)
        st = vg_phash_resize_pil(img, 9, 8, p);
    if (st != VG_OK)
        return st;
    for (int r = 0; r < 8; r++)
        for (int c = 0; c < 8; c++)
            bits[8 * r + c] = p[9 * r + c + 1] > p[9 * r + c];
    *out = pack(bits);
    return VG_OK;
}

/* ---- DCT-II of a 32x32 block, low 8x8 ---- */

/*
 * X[k] = sum x[i] cos(pi k (2i + 1) / 2n) for k < kmax, by the even/odd split FFT-based DCTs
 * use: even outputs are the half-size DCT of x[i] + x[n-1-i], odd ones sum x[i] - x[n-1-i]. Like
 * scipy's and rustdct's, it gives exact zeros where the input is symmetric (a constant column,
 * a one-row image), so such near-ties break the way theirs do; a direct sum would leave noise.
 */
static void dct_ii(const double *x, int n, double *out, int kmax) {
    assert(n >= 1 && n <= 32 && (n & (n - 1)) == 0 && kmax >= 1 && kmax <= n);
    if (n == 1) {
        out[0] = x[0];
        return;
    }
    double u[16], v[16], even[8];
    for (int i = 0; i < n / 2; i++) {
        u[i] = x[i] + x[n - 1 - i];
        v[i] = x[i] - x[n - 1 - i];
    }
    int ne = (kmax + 1) / 2 < n / 2 ? (kmax + 1) / 2 : n / 2;
    dct_ii(u, n / 2, even, ne);
    for (int m = 0; m < ne; m++)
        out[2 * m] = even[m];
    for (int k = 1; k < kmax && k < n; k += 2) {
        double s = 0.0;
        for (int i = 0; i < n / 2; i++)
            s += v[i] * cos(VG_PHASH_PI * k * (2 * i + 1) / (2.0 * n));
        out[k] = s;
    }
}

/* Along columns (vertical frequency k), then rows (l), each scaled by 2 as scipy does; out[k][l].
 * round_f32: round each pass's results to float32, as ClamAV's rustdct pipeline holds them. */
static void dct8(const double in[32][32], double out[8][8], int round_f32) {
    double col[32], d[8], c[8][32];
    for (int x = 0; x < 32; x++) {
        for (int y = 0; y < 32; y++)
            col[y] = in[y][x];
        dct_ii(col, 32, d, 8);
        for (int k = 0; k < 8; k++)
            c[k][x] = round_f32 ? 2.0 * (double)(float)d[k] : 2.0 * d[k];
    }
    for (int k = 0; k < 8; k++) {
        dct_ii(c[k], 32, d, 8);
        for (int l = 0; l < 8; l++)
            out[k][l] = round_f32 ? 2.0 * (double)(float)d[l] : 2.0 * d[l];
    }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of the 64 (mean of the two middle values), bits = value > median. */
static uint64_t threshold(const double v[8][8], int f32_median) {
    double s[64];
    int bits[64];
    for (int i = 0; i < 64; i++)
        s[i] = v[i / 8][i % 8];
    qsort(s, 64, sizeof s[0], cmp_double);
    double med = f32_median ? (double)(((float)s[31] + (float)s[32]) / 2.0f) : (s[31] + s[32]) / 2;
    for (int i = 0; i < 64; i++)
        bits[i] = v[i / 8][i % 8] > med;
    return pack(bits);
}

/* ---- pHash, ClamAV ---- */

/* The two DCT hashes differ in resampler, input scale and float32 rounding (phash.h). */
static vg_status dct_hash(const vg_phash_image *img, int clamav, uint64_t *out) {
    uint8_t p[32 * 32];
    double in[32][32], d[8][8];
    *out = 0;
    vg_status st = vg_phash_check(img);
    if (st == VG_OK)
        st = clamav ? vg_phash_resize_rs(img, 32, 32, p) : vg_phash_resize_pil(img, 32, 32, p);
    if (st != VG_OK)
        return st;
    for (int i = 0; i < 1024; i++) /* ClamAV: to_luma32f, u8 / 255 in float32 */
        in[i / 32][i % 32] = clamav ? (double)((float)p[i] / 255.0f) : p[i];
    dct8(in, d, clamav);
    *out = threshold(d, clamav);
    return VG_OK;
}

vg_status vg_phash_phash(const vg_phash_image *img, uint64_t *out) {
    return dct_hash(img, 0, out);
}

vg_status vg_phash_clamav(const vg_phash_image *img, uint64_t *out) {
    return dct_hash(img, 1, out);
}

/* ---- text, distance ---- */

char *vg_phash_hex(uint64_t h, char out[17]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--, h >>= 4)
        out[i] = digits[h & 0xf];
    out[16] = '\0';
    return out;
}

vg_status vg_phash_parse(const char *text, uint64_t *out) {
    uint64_t h = 0;
    *out = 0;
    if (!text || strlen(text) != 16)
        return VG_E_FORMAT;
    for (int i = 0; i < 16; i++) {
        char c = text[i];
        unsigned v = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (v > 15)
            return VG_E_FORMAT;
        h = (h << 4) | v;
    }
    *out = h;
    return VG_OK;
}

unsigned vg_phash_dist(uint64_t a, uint64_t b) {
    return (unsigned)__builtin_popcountll(a ^ b);
}
