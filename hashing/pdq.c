/*
 * pdq.c — Meta's PDQ hash (ThreatExchange pdq/cpp/hashing/pdqhashing.cpp), bit-identical.
 *
 * Every float step follows the reference's float32 order (../shared/PDQ.md §2): this file is
 * compiled with -ffp-contract=off and never with fast-math. What differs is only the schedule,
 * never the arithmetic of any one sum:
 *
 *  - The blur (pdq_blur_body.h, built once per ISA) streams the image through a few rows: the
 *    horizontal passes run on 8 rows at once, one vector lane per row, and the vertical passes
 *    keep one running sum per column and walk down the rows (the reference walks each column
 *    separately): each sum sees the same sequence of adds, subtracts and divides. Memory is
 *    ~ width * (H/128 + 16) floats instead of two width*height planes; only the 64 columns that
 *    decimation samples are kept after the second horizontal pass.
 *  - The DCT sums run over n ascending, vectorised across the independent outputs.
 *
 * vg_pdq_hash_reduced() (screening only, never reported) is the one part that is not exact: it
 * estimates the exact path's 64x64 samples from a DCT-scaled copy, then shares the DCT,
 * threshold and dihedral code.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vigil/pdq.h"

#include "pdq_impl.h"

#define RB PDQ_RB

/* A reusable float buffer, wiped before it is freed (it holds image-derived values). */
struct fbuf {
    float *p;
    size_t cap; /* floats */
};

struct vg_pdq {
    struct pdq_tables t; /* exact luma products */
    float dct[16][64];   /* D[k][n] */
    float dctt[64][16];  /* D transposed */
    struct fbuf lum, lrow, h1, v1, vrows, ring, s1, hs;
    struct fbuf taps; /* vg_pdq_hash_reduced(): the weights of both axes */
    uint32_t *colmap; /* convention A: source column of each of the 512 columns */
    uint32_t cols64[64], rows64[64];
    pdq_blur_fn blur; /* the blur kernel for this CPU (all give the same bits) */
};

/* ---- buffers ---- */

static int fbuf_reserve(struct fbuf *b, size_t n) {
    if (n <= b->cap)
        return 0;
    if (b->p) {
        OPENSSL_cleanse(b->p, b->cap * sizeof(float));
        free(b->p);
    }
    b->p = NULL;
    b->cap = 0;
    void *p = NULL;
    if (posix_memalign(&p, 64, n * sizeof(float)) != 0)
        return -1;
    b->p = p;
    b->cap = n;
    return 0;
}

static void fbuf_release(struct fbuf *b) {
    if (b->p) {
        OPENSSL_cleanse(b->p, b->cap * sizeof(float));
        free(b->p);
    }
    b->p = NULL;
    b->cap = 0;
}

/* ---- open / free ---- */

static void build_dct(vg_pdq *p) {
    /* D[k][n] = f32(f64(f32(sqrt(2/64))) * cos((pi / 2 / 64) * (k+1) * (2n+1))), in double. */
    const double pi = 3.14159265358979323846;
    float scale = (float)sqrt(2.0 / 64.0);
    for (int k = 0; k < 16; k++)
        for (int n = 0; n < 64; n++) {
            double arg = (pi / 2.0 / 64.0) * (double)(k + 1) * (double)(2 * n + 1);
            p->dct[k][n] = (float)((double)scale * cos(arg));
            p->dctt[n][k] = p->dct[k][n];
        }
}

/* AVX2 when the CPU and OS have it, unless VIGIL_SIMD forces a level below it. */
static pdq_blur_fn choose_blur(void) {
#if defined(__x86_64__) || defined(__i386__)
    const char *env = getenv("VIGIL_SIMD");
    bool below = env && (!strcmp(env, "scalar") || !strcmp(env, "popcnt"));
    __builtin_cpu_init();
    if (!below && __builtin_cpu_supports("avx2"))
        return vg_pdq_blur_avx2;
#endif
    return vg_pdq_blur_base;
}

vg_status vg_pdq_open(vg_pdq **out) {
    *out = NULL;
    vg_pdq *p = calloc(1, sizeof *p);
    if (!p)
        return VG_E_NOMEM;
    for (int v = 0; v < 256; v++) {
        p->t.tr[v] = 0.299f * (float)v;
        p->t.tg[v] = 0.587f * (float)v;
        p->t.tb[v] = 0.114f * (float)v;
        p->t.tgrey[v] = (float)v;
    }
    build_dct(p);
    p->blur = choose_blur();
    p->colmap = malloc(512 * sizeof *p->colmap);
    if (!p->colmap) {
        free(p);
        return VG_E_NOMEM;
    }
    *out = p;
    return VG_OK;
}

void vg_pdq_free(vg_pdq *p) {
    if (!p)
        return;
    struct fbuf *bufs[9] = {&p->lum,  &p->lrow, &p->h1, &p->v1,  &p->vrows,
                            &p->ring, &p->s1,   &p->hs, &p->taps};
    for (size_t i = 0; i < 9; i++)
        fbuf_release(bufs[i]);
    free(p->colmap);
    free(p);
}

/* ---- from the 64x64 image to the hash ---- */

static int quality_of(float A[64][64]) {
    int sum = 0;
    for (int i = 0; i < 63; i++)
        for (int j = 0; j < 64; j++) {
            int d = (int)((A[i][j] - A[i + 1][j]) * 100.0f / 255.0f);
            sum += abs(d);
        }
    for (int i = 0; i < 64; i++)
        for (int j = 0; j < 63; j++) {
            int d = (int)((A[i][j] - A[i][j + 1]) * 100.0f / 255.0f);
            sum += abs(d);
        }
    int q = sum / 90;
    return q > 100 ? 100 : q;
}

/* B = D * A * D^T (16x16); every sum over n ascending, as the reference. */
static void dct16(const vg_pdq *p, float A[64][64], float B[16][16]) {
    float T[16][64];
    for (int k = 0; k < 16; k++) {
        float acc[64] = {0};
        for (int n = 0; n < 64; n++) {
            float d = p->dct[k][n];
            for (int c = 0; c < 64; c++)
                acc[c] += d * A[n][c];
        }
        memcpy(T[k], acc, sizeof acc);
    }
    for (int k = 0; k < 16; k++) {
        float acc[16] = {0};
        for (int n = 0; n < 64; n++) {
            float t = T[k][n];
            for (int l = 0; l < 16; l++)
                acc[l] += t * p->dctt[n][l];
        }
        memcpy(B[k], acc, sizeof acc);
    }
}

static int cmp_float(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* bit 16k+l = B[k][l] > median, the median being the 128th smallest of the 256. */
static void threshold(float B[16][16], uint8_t out[VG_PDQ_LEN]) {
    float sorted[256];
    memcpy(sorted, B, sizeof sorted);
    qsort(sorted, 256, sizeof(float), cmp_float);
    float m = sorted[127];
    memset(out, 0, VG_PDQ_LEN);
    for (unsigned k = 0; k < 16; k++)
        for (unsigned l = 0; l < 16; l++)
            if (B[k][l] > m) {
                unsigned b = 16 * k + l;
                out[31 - b / 8] |= (uint8_t)(1u << (b % 8));
            }
}

/*
 * The 8 dihedral variants of B (PDQ.md §2.11): for variant t, B'[i][j] = +-B[i][j] or
 * +-B[j][i]; `transpose` says which, `sign` says when to negate (by the parity of the row,
 * column, or their sum of the SOURCE index k, l).
 */
enum sign_rule { KEEP, NEG_ROW_EVEN, NEG_COL_EVEN, NEG_SUM_ODD };
static const struct {
    bool transpose;
    enum sign_rule sign;
} dih[VG_PDQ_NUM_DIHEDRAL] = {
    {false, KEEP},         /* original */
    {true, NEG_COL_EVEN},  /* rotate90: B'[l][k] = l odd ? B[k][l] : -B[k][l] */
    {false, NEG_SUM_ODD},  /* rotate180 */
    {true, NEG_ROW_EVEN},  /* rotate270: B'[l][k] = k odd ? B[k][l] : -B[k][l] */
    {false, NEG_ROW_EVEN}, /* flipx */
    {false, NEG_COL_EVEN}, /* flipy */
    {true, KEEP},          /* flipplus1 */
    {true, NEG_SUM_ODD},   /* flipminus1 */
};

static void dihedrals(float B[16][16], uint8_t out[VG_PDQ_NUM_DIHEDRAL][VG_PDQ_LEN]) {
    for (int t = 0; t < VG_PDQ_NUM_DIHEDRAL; t++) {
        float Bt[16][16];
        for (unsigned k = 0; k < 16; k++)
            for (unsigned l = 0; l < 16; l++) {
                bool neg = (dih[t].sign == NEG_ROW_EVEN && k % 2 == 0) ||
                           (dih[t].sign == NEG_COL_EVEN && l % 2 == 0) ||
                           (dih[t].sign == NEG_SUM_ODD && (k + l) % 2 == 1);
                float v = neg ? -B[k][l] : B[k][l];
                if (dih[t].transpose)
                    Bt[l][k] = v;
                else
                    Bt[k][l] = v;
            }
        threshold(Bt, out[t]);
    }
}

/* ---- entry point ---- */

/* Convention A: ImageMagick hands the CLI one channel when every pixel has R = G = B. */
static bool all_grey(const vg_pdq_image *im) {
    for (uint32_t y = 0; y < im->height; y++) {
        const uint8_t *px = im->pixels + (size_t)y * im->stride;
        for (uint32_t x = 0; x < im->width; x++, px += 3)
            if (px[0] != px[1] || px[1] != px[2])
                return false;
    }
    return true;
}

static vg_status reserve_all(vg_pdq *p, uint32_t Wp, uint32_t H, struct pdq_work *w) {
    size_t lanes = (size_t)Wp * RB, nslots = (H + 127) / 128 + RB;
    struct {
        struct fbuf *b;
        size_t n;
        float **dst;
    } need[] = {{&p->lum, lanes, &w->lum},     {&p->lrow, lanes, &w->lrow},
                {&p->h1, lanes, &w->h1},       {&p->v1, lanes, &w->v1},
                {&p->vrows, lanes, &w->vrows}, {&p->ring, nslots * Wp, &w->ring},
                {&p->s1, Wp, &w->s1},          {&p->hs, (size_t)H * 64, &w->hs}};
    for (size_t i = 0; i < sizeof need / sizeof *need; i++) {
        if (fbuf_reserve(need[i].b, need[i].n))
            return VG_E_NOMEM;
        *need[i].dst = need[i].b->p;
    }
    return VG_OK;
}

/* Blur and decimate the source to the 64x64 image A. */
static vg_status blur_decimate(vg_pdq *p, const struct pdq_src *s, float A[64][64]) {
    struct pdq_work w = {.cols64 = p->cols64, .rows64 = p->rows64};
    if (reserve_all(p, (s->w + RB - 1) / RB * RB, s->h, &w) != VG_OK)
        return VG_E_NOMEM;
    for (int j = 0; j < 64; j++) {
        p->cols64[j] = (uint32_t)(((j + 0.5) * (double)s->w) / 64.0);
        p->rows64[j] = (uint32_t)(((j + 0.5) * (double)s->h) / 64.0);
    }
    p->blur(s, &p->t, &w, A);
    return VG_OK;
}

/* The reference's single-hash shortcut for a 64x64 input: the luma itself, unblurred. */
static void luma64(const vg_pdq *p, const struct pdq_src *s, float A[64][64]) {
    for (uint32_t r = 0; r < 64; r++) {
        const uint8_t *px = s->pix + (size_t)r * s->stride;
        for (int c = 0; c < 64; c++, px += s->chans)
            A[r][c] = s->grey_path ? p->t.tgrey[px[0]]
                                   : (p->t.tr[px[0]] + p->t.tg[px[1]]) + p->t.tb[px[2]];
    }
}

static bool image_ok(const vg_pdq_image *im) {
    return im && im->pixels && (im->channels == 1 || im->channels == 3) && im->width > 0 &&
           im->height > 0 && im->width <= (1u << 30) && im->height <= (1u << 30) &&
           im->stride >= (size_t)im->width * im->channels;
}

static void setup_src(vg_pdq *p, const vg_pdq_image *im, vg_pdq_convention conv,
                      struct pdq_src *s) {
    *s = (struct pdq_src){.pix = im->pixels,
                          .stride = im->stride,
                          .chans = im->channels,
                          .w = im->width,
                          .h = im->height,
                          .sw = im->width,
                          .sh = im->height};
    s->grey_path = im->channels == 1 || (conv == VG_PDQ_CLI && all_grey(im));
    if (conv == VG_PDQ_CLI && (im->width > 512 || im->height > 512)) {
        s->w = s->h = 512;
        for (uint32_t c = 0; c < 512; c++)
            p->colmap[c] = (uint32_t)((uint64_t)c * im->width / 512);
        s->colmap = p->colmap;
    }
}

vg_status vg_pdq_hash(vg_pdq *p, const vg_pdq_image *im, vg_pdq_convention conv, unsigned flags,
                      vg_pdq_result *out) {
    memset(out, 0, sizeof *out);
    if (!p || !image_ok(im) || (conv != VG_PDQ_FULLRES && conv != VG_PDQ_CLI))
        return VG_E_INVAL;
    struct pdq_src s;
    setup_src(p, im, conv, &s);
    out->has_dihedral = (flags & VG_PDQ_DIHEDRAL) != 0;
    if (s.w < 5 || s.h < 5) {
        out->too_small = true;
        out->low_quality = true;
        return VG_OK;
    }
    float A[64][64], B[16][16];
    if (blur_decimate(p, &s, A) != VG_OK)
        return VG_E_NOMEM;
    dct16(p, A, B);
    if (out->has_dihedral)
        dihedrals(B, out->dihedral);
    if (s.w == 64 && s.h == 64) {
        luma64(p, &s, A);
        dct16(p, A, B);
    }
    out->quality = quality_of(A);
    out->low_quality = out->quality < VG_PDQ_QUALITY_MIN;
    threshold(B, out->hash);
    OPENSSL_cleanse(A, sizeof A);
    return VG_OK;
}

/* ---- screening: an estimate from a reduced copy ---- */

/* One axis of the reduction: for each of the 64 samples, weights over `count` reduced pixels
 * from `first` (row j of w, `cap` floats per row). */
struct taps {
    uint32_t first[64], count[64], cap;
    float *w;
};

/* The most reduced pixels one sample's window can touch. */
static uint32_t taps_cap(uint32_t full, uint32_t reduced, unsigned denom) {
    uint64_t win = (full + 127u) / 128u, cap = (2u * win - 2u) / denom + 2u;
    return (uint32_t)(cap < reduced ? cap : reduced);
}

/*
 * The exact path samples the blurred image at c = floor((j + 0.5) * full / 64); its two box
 * passes of window win = ceil(full / 128) weigh the pixel at c + e by (win - |e|), |e| < win,
 * centred one pixel further for an even window (PDQ.md §2.5). Each full-size pixel's weight is
 * credited to the reduced pixel covering it (pixel x lies in reduced pixel x / denom), then the
 * weights are normalised: the sample is the weighted mean of the reduced pixels.
 */
static void build_taps(uint32_t full, uint32_t reduced, unsigned denom, struct taps *t) {
    int64_t win = (full + 127) / 128, last = (int64_t)full - 1;
    for (int j = 0; j < 64; j++) {
        int64_t c = (int64_t)(((j + 0.5) * (double)full) / 64.0) + (win % 2 == 0);
        int64_t lo = c - win + 1 < 0 ? 0 : c - win + 1,
                hi = c + win - 1 > last ? last : c + win - 1;
        uint32_t first = (uint32_t)(lo / denom), end = (uint32_t)(hi / denom);
        end = end < reduced ? end : reduced - 1;
        first = first <= end ? first : end;
        float *w = t->w + (size_t)j * t->cap;
        memset(w, 0, (size_t)t->cap * sizeof *w);
        double sum = 0;
        for (int64_t x = lo; x <= hi; x++) {
            uint32_t r = (uint32_t)(x / denom);
            float e = (float)(win - (x > c ? x - c : c - x));
            w[(r < end ? r : end) - first] += e;
            sum += e;
        }
        t->first[j] = first;
        t->count[j] = end - first + 1;
        for (uint32_t k = 0; k < t->count[j]; k++)
            w[k] = (float)(w[k] / sum);
    }
}

/* The reduced image's rows through the horizontal taps into hs (rows x 64), then the vertical
 * taps into A. */
static void reduce64(const vg_pdq *p, const struct pdq_src *s, const struct taps *tx,
                     const struct taps *ty, float *row, float *hs, float A[64][64]) {
    for (uint32_t y = 0; y < s->sh; y++) {
        const uint8_t *px = s->pix + (size_t)y * s->stride;
        for (uint32_t x = 0; x < s->sw; x++, px += s->chans)
            row[x] = s->chans == 1 ? p->t.tgrey[px[0]]
                                   : (p->t.tr[px[0]] + p->t.tg[px[1]]) + p->t.tb[px[2]];
        for (int j = 0; j < 64; j++) {
            const float *w = tx->w + (size_t)j * tx->cap, *v = row + tx->first[j];
            float acc = 0;
            for (uint32_t k = 0; k < tx->count[j]; k++)
                acc += w[k] * v[k];
            hs[(size_t)y * 64 + (size_t)j] = acc;
        }
    }
    for (int i = 0; i < 64; i++) {
        const float *w = ty->w + (size_t)i * ty->cap;
        float acc[64] = {0};
        for (uint32_t k = 0; k < ty->count[i]; k++) {
            const float *h = hs + (size_t)(ty->first[i] + k) * 64;
            for (int j = 0; j < 64; j++)
                acc[j] += w[k] * h[j];
        }
        memcpy(A[i], acc, sizeof acc);
    }
}

vg_status vg_pdq_hash_reduced(vg_pdq *p, const vg_pdq_image *im, uint32_t full_w, uint32_t full_h,
                              unsigned denom, unsigned flags, vg_pdq_result *out) {
    memset(out, 0, sizeof *out);
    if (!p || !image_ok(im) || denom < 1 || denom > 64 ||
        ((uint64_t)full_w + denom - 1) / denom != im->width ||
        ((uint64_t)full_h + denom - 1) / denom != im->height)
        return VG_E_INVAL;
    out->has_dihedral = (flags & VG_PDQ_DIHEDRAL) != 0;
    if (full_w < 5 || full_h < 5) {
        out->too_small = out->low_quality = true;
        return VG_OK;
    }
    struct pdq_src s;
    setup_src(p, im, VG_PDQ_FULLRES, &s);
    struct taps tx = {.cap = taps_cap(full_w, im->width, denom)},
                ty = {.cap = taps_cap(full_h, im->height, denom)};
    if (fbuf_reserve(&p->taps, 64 * ((size_t)tx.cap + ty.cap)) ||
        fbuf_reserve(&p->lum, im->width) || fbuf_reserve(&p->hs, (size_t)im->height * 64))
        return VG_E_NOMEM;
    tx.w = p->taps.p;
    ty.w = p->taps.p + 64 * (size_t)tx.cap;
    build_taps(full_w, im->width, denom, &tx);
    build_taps(full_h, im->height, denom, &ty);
    float A[64][64], B[16][16];
    reduce64(p, &s, &tx, &ty, p->lum.p, p->hs.p, A);
    dct16(p, A, B);
    if (out->has_dihedral)
        dihedrals(B, out->dihedral);
    out->quality = quality_of(A);
    out->low_quality = out->quality < VG_PDQ_QUALITY_MIN;
    threshold(B, out->hash);
    OPENSSL_cleanse(A, sizeof A);
    return VG_OK;
}

/* ---- text form and distance ---- */

char *vg_pdq_to_hex(const uint8_t hash[VG_PDQ_LEN], char out[VG_PDQ_HEX_LEN + 1]) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < VG_PDQ_LEN; i++) {
        out[2 * i] = digits[hash[i] >> 4];
        out[2 * i + 1] = digits[hash[i] & 15];
    }
    out[VG_PDQ_HEX_LEN] = '\0';
    return out;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

vg_status vg_pdq_from_hex(const char *hex, size_t len, uint8_t hash[VG_PDQ_LEN]) {
    uint8_t tmp[VG_PDQ_LEN];
    if (!hex || len != VG_PDQ_HEX_LEN)
        return VG_E_FORMAT;
    for (int i = 0; i < VG_PDQ_LEN; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return VG_E_FORMAT;
        tmp[i] = (uint8_t)(hi << 4 | lo);
    }
    memcpy(hash, tmp, VG_PDQ_LEN);
    return VG_OK;
}

int vg_pdq_distance(const uint8_t a[VG_PDQ_LEN], const uint8_t b[VG_PDQ_LEN]) {
    int d = 0;
    for (int i = 0; i < VG_PDQ_LEN; i++)
        d += __builtin_popcount((unsigned)(a[i] ^ b[i]));
    return d;
}
