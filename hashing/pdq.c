/*
 * pdq.c — Meta's PDQ hash (ThreatExchange pdq/cpp/hashing/pdqhashing.cpp), bit-identical.
 *
 * Every float step follows the reference's float32 order (../shared/PDQ.md §2): this file is
 * compiled with -ffp-contract=off and never with fast-math. What differs is only the schedule,
 * never the arithmetic of any one sum:
 *
 *  - The image is streamed in blocks of 8 rows. Luma (from three exact lookup tables:
 *    tR[v] = f32(0.299f * v), ...) and the first horizontal box pass run on the 8 rows at once,
 *    one vector lane per row (each lane is the reference's own running sum along its row).
 *  - The vertical passes keep one running sum per column and walk down the rows (the
 *    reference walks each column separately): each column sees the same sequence of adds,
 *    subtracts and divides. Rows are kept in a ring of wV + 8 rows, so memory is
 *    ~ width * (H/128 + 8) floats instead of two width*height planes.
 *  - Only the 64 columns that decimation samples are kept after the second horizontal pass (its
 *    running sum still visits every column), so the second vertical pass runs on 64 columns.
 *  - The DCT sums run over n ascending, vectorised across the independent outputs.
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "vigil/pdq.h"

#define RB 8 /* rows per block = lanes per vector */
typedef float v8f __attribute__((vector_size(32)));

/* A reusable float buffer, wiped before it is freed (it holds image-derived values). */
struct fbuf {
    float *p;
    size_t cap; /* floats */
};

struct vg_pdq {
    float tr[256], tg[256], tb[256], tgrey[256]; /* exact luma products */
    float dct[16][64];                           /* D[k][n] */
    float dctt[64][16];                          /* D transposed */
    struct fbuf lum, h1, v1, ring, s1, hs, tmp;
    uint32_t *colmap; /* convention A: source column of each of the 512 columns */
    uint32_t cols64[64], rows64[64];
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

vg_status vg_pdq_open(vg_pdq **out) {
    *out = NULL;
    vg_pdq *p = calloc(1, sizeof *p);
    if (!p)
        return VG_E_NOMEM;
    for (int v = 0; v < 256; v++) {
        p->tr[v] = 0.299f * (float)v;
        p->tg[v] = 0.587f * (float)v;
        p->tb[v] = 0.114f * (float)v;
        p->tgrey[v] = (float)v;
    }
    build_dct(p);
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
    fbuf_release(&p->lum);
    fbuf_release(&p->h1);
    fbuf_release(&p->v1);
    fbuf_release(&p->ring);
    fbuf_release(&p->s1);
    fbuf_release(&p->hs);
    fbuf_release(&p->tmp);
    free(p->colmap);
    free(p);
}

/* ---- the source: rows of luma, optionally through the CLI's 512x512 nearest resize ---- */

struct src {
    const uint8_t *pix;
    size_t stride;
    unsigned chans;         /* 1 or 3 */
    bool grey_path;         /* luma = sample value (one-channel input, or CLI's all-grey RGB) */
    uint32_t w, h;          /* size the core sees */
    uint32_t sw, sh;        /* size of the pixels */
    const uint32_t *colmap; /* NULL: identity */
};

/* Luma of row r of the core's image into lane k of dst[0..w-1]. */
static void luma_row(const vg_pdq *p, const struct src *s, uint32_t r, unsigned k, float *dst) {
    uint32_t sr = s->h == s->sh ? r : (uint32_t)((uint64_t)r * s->sh / s->h);
    const uint8_t *row = s->pix + (size_t)sr * s->stride;
    uint32_t w = s->w;
    if (!s->colmap && s->chans == 1) {
        for (uint32_t c = 0; c < w; c++)
            dst[(size_t)c * RB + k] = p->tgrey[row[c]];
    } else if (!s->colmap && !s->grey_path) {
        for (uint32_t c = 0; c < w; c++, row += 3)
            dst[(size_t)c * RB + k] = (p->tr[row[0]] + p->tg[row[1]]) + p->tb[row[2]];
    } else if (s->grey_path) {
        for (uint32_t c = 0; c < w; c++) {
            uint32_t sc = s->colmap ? s->colmap[c] : c;
            dst[(size_t)c * RB + k] = p->tgrey[row[(size_t)sc * s->chans]];
        }
    } else {
        for (uint32_t c = 0; c < w; c++) {
            const uint8_t *px = row + (size_t)s->colmap[c] * 3;
            dst[(size_t)c * RB + k] = (p->tr[px[0]] + p->tg[px[1]]) + p->tb[px[2]];
        }
    }
}

/* ---- box filter ---- */

/*
 * One Jarosz box pass along a line of L vectors, 8 independent lines in the lanes, exactly as
 * the reference's box1DFloat: output i is the mean of x[i-(w-half)] .. x[i+half-1] clipped,
 * kept as a running f32 sum (add the entering sample, then subtract the leaving one).
 */
static void box_lanes(const v8f *x, v8f *y, uint32_t L, uint32_t w) {
    uint32_t half = (w + 2) / 2, n = 0, i = 0;
    v8f s = {0, 0, 0, 0, 0, 0, 0, 0};
    for (uint32_t k = 0; k + 2 <= half; k++, n++)
        s += x[k];
    for (; i <= w - half; i++) {
        s += x[i + half - 1];
        n++;
        y[i] = s / (float)n;
    }
    const float fw = (float)w;
    for (; i <= L - half; i++) {
        s += x[i + half - 1];
        s -= x[i + half - 1 - w];
        y[i] = s / fw;
    }
    for (; i < L; i++) {
        s -= x[i + half - 1 - w];
        n--;
        y[i] = s / (float)n;
    }
}

/*
 * The vertical pass as a stream over rows of `width` floats (a multiple of 8): one running sum
 * per column in S, shared count n. Each column gets the reference's exact op sequence.
 */
struct vpass {
    float *S;
    uint32_t width, L, w, half, n;
};

enum vop { V_ADD, V_SLIDE, V_DROP };

static void vstep(struct vpass *v, enum vop op, const float *cur, const float *old, float *out) {
    v8f *S = (v8f *)(void *)v->S;
    const v8f *a = (const v8f *)(const void *)cur, *b = (const v8f *)(const void *)old;
    uint32_t nv = v->width / RB;
    if (op == V_ADD) {
        for (uint32_t j = 0; j < nv; j++)
            S[j] += a[j];
        v->n++;
    } else if (op == V_SLIDE) {
        for (uint32_t j = 0; j < nv; j++) {
            S[j] += a[j];
            S[j] -= b[j];
        }
    } else {
        for (uint32_t j = 0; j < nv; j++)
            S[j] -= b[j];
        v->n--;
    }
    if (out) {
        v8f *o = (v8f *)(void *)out;
        const float fn = (float)v->n;
        for (uint32_t j = 0; j < nv; j++)
            o[j] = S[j] / fn;
    }
}

/* What to do when input row r arrives; sets *oi to the output row produced (or -1). */
static enum vop vplan(const struct vpass *v, uint32_t r, int64_t *oi) {
    if (r + 2 <= v->half) {
        *oi = -1;
        return V_ADD;
    }
    uint32_t i = r - v->half + 1;
    *oi = i;
    return i <= v->w - v->half ? V_ADD : V_SLIDE;
}

/* ---- the blur pipeline: luma -> H1 -> V1 -> H2 (64 columns kept) -> V2 -> 64x64 ---- */

struct run {
    const struct src *s;
    uint32_t W, H, Wp, wH, wV, nslots;
    struct vpass v1;
    float *orow; /* one V1 output row */
};

static float *ring_row(vg_pdq *p, const struct run *R, uint32_t r) {
    return p->ring.p + (size_t)(r % R->nslots) * R->Wp;
}

/* Luma + first horizontal pass for rows r0.., stored row-major in the ring. */
static void feed_block(vg_pdq *p, const struct run *R, uint32_t r0, unsigned nb) {
    float *lum = p->lum.p;
    for (unsigned k = 0; k < nb; k++)
        luma_row(p, R->s, r0 + k, k, lum);
    for (unsigned k = nb; k < RB; k++)
        for (uint32_t c = 0; c < R->W; c++)
            lum[(size_t)c * RB + k] = 0.0f;
    box_lanes((const v8f *)(void *)lum, (v8f *)(void *)p->h1.p, R->W, R->wH);
    for (unsigned k = 0; k < nb; k++) {
        float *dst = ring_row(p, R, r0 + k);
        const float *h1 = p->h1.p + k;
        for (uint32_t c = 0; c < R->W; c++)
            dst[c] = h1[(size_t)c * RB];
        for (uint32_t c = R->W; c < R->Wp; c++)
            dst[c] = 0.0f;
    }
}

/* V1 produced output row i (in R->orow): put it in its lane; a full block goes through H2. */
static void emit_v1(vg_pdq *p, const struct run *R, uint32_t i) {
    unsigned k = i % RB;
    float *v1 = p->v1.p;
    for (uint32_t c = 0; c < R->W; c++)
        v1[(size_t)c * RB + k] = R->orow[c];
    if (k != RB - 1 && i != R->H - 1)
        return;
    box_lanes((const v8f *)(void *)v1, (v8f *)(void *)p->h1.p, R->W, R->wH);
    uint32_t first = i - k;
    for (unsigned l = 0; l <= k; l++) {
        float *hs = p->hs.p + (size_t)(first + l) * 64;
        for (int j = 0; j < 64; j++)
            hs[j] = p->h1.p[(size_t)p->cols64[j] * RB + l];
    }
}

static void run_v1(vg_pdq *p, struct run *R) {
    for (uint32_t r0 = 0; r0 < R->H; r0 += RB) {
        unsigned nb = R->H - r0 < RB ? R->H - r0 : RB;
        feed_block(p, R, r0, nb);
        for (unsigned k = 0; k < nb; k++) {
            uint32_t r = r0 + k;
            int64_t oi;
            enum vop op = vplan(&R->v1, r, &oi);
            const float *old = op == V_SLIDE ? ring_row(p, R, r - R->wV) : NULL;
            vstep(&R->v1, op, ring_row(p, R, r), old, oi >= 0 ? R->orow : NULL);
            if (oi >= 0)
                emit_v1(p, R, (uint32_t)oi);
        }
    }
    for (uint32_t i = R->H - R->v1.half + 1; i < R->H; i++) {
        vstep(&R->v1, V_DROP, NULL, ring_row(p, R, i + R->v1.half - 1 - R->wV), R->orow);
        emit_v1(p, R, i);
    }
}

/* Second vertical pass over the 64 kept columns; the sampled rows land in A. */
static void run_v2(vg_pdq *p, const struct run *R, float A[64][64]) {
    float S[64] __attribute__((aligned(32))) = {0};
    float out[64] __attribute__((aligned(32))) = {0};
    struct vpass v = {.S = S, .width = 64, .L = R->H, .w = R->wV, .half = (R->wV + 2) / 2};
    const float *hs = p->hs.p;
    unsigned jr = 0;
    for (uint32_t r = 0; r < R->H + v.half - 1; r++) {
        int64_t oi;
        enum vop op = r < R->H ? vplan(&v, r, &oi) : V_DROP;
        if (op == V_DROP)
            oi = (int64_t)r - v.half + 1;
        bool need = oi >= 0 && jr < 64 && p->rows64[jr] == (uint32_t)oi;
        const float *old = op != V_ADD ? hs + (size_t)((uint32_t)oi + v.half - 1 - v.w) * 64 : NULL;
        vstep(&v, op, r < R->H ? hs + (size_t)r * 64 : NULL, old, need ? out : NULL);
        while (need && jr < 64 && p->rows64[jr] == (uint32_t)oi)
            memcpy(A[jr++], out, sizeof out);
    }
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

static vg_status reserve_all(vg_pdq *p, const struct run *R) {
    size_t lanes = (size_t)R->Wp * RB;
    if (fbuf_reserve(&p->lum, lanes) || fbuf_reserve(&p->h1, lanes) ||
        fbuf_reserve(&p->v1, lanes) || fbuf_reserve(&p->ring, (size_t)R->nslots * R->Wp) ||
        fbuf_reserve(&p->s1, R->Wp) || fbuf_reserve(&p->tmp, R->Wp) ||
        fbuf_reserve(&p->hs, (size_t)R->H * 64))
        return VG_E_NOMEM;
    return VG_OK;
}

/* Blur and decimate the source to the 64x64 image A. */
static vg_status blur_decimate(vg_pdq *p, const struct src *s, float A[64][64]) {
    struct run R = {.s = s, .W = s->w, .H = s->h};
    R.Wp = (R.W + RB - 1) / RB * RB;
    R.wH = (R.W + 127) / 128;
    R.wV = (R.H + 127) / 128;
    R.nslots = R.wV + RB;
    if (reserve_all(p, &R) != VG_OK)
        return VG_E_NOMEM;
    memset(p->s1.p, 0, (size_t)R.Wp * sizeof(float));
    R.v1 = (struct vpass){.S = p->s1.p, .width = R.Wp, .L = R.H, .w = R.wV, .half = (R.wV + 2) / 2};
    R.orow = p->tmp.p;
    for (int j = 0; j < 64; j++) {
        p->cols64[j] = (uint32_t)(((j + 0.5) * (double)R.W) / 64.0);
        p->rows64[j] = (uint32_t)(((j + 0.5) * (double)R.H) / 64.0);
    }
    run_v1(p, &R);
    run_v2(p, &R, A);
    return VG_OK;
}

/* The reference's single-hash shortcut for a 64x64 input: the luma itself, unblurred. */
static void luma64(const vg_pdq *p, const struct src *s, float A[64][64]) {
    float lanes[64 * RB];
    for (uint32_t r = 0; r < 64; r++) {
        luma_row(p, s, r, 0, lanes);
        for (int c = 0; c < 64; c++)
            A[r][c] = lanes[c * RB];
    }
}

static bool image_ok(const vg_pdq_image *im) {
    return im && im->pixels && (im->channels == 1 || im->channels == 3) && im->width > 0 &&
           im->height > 0 && im->width <= (1u << 30) && im->height <= (1u << 30) &&
           im->stride >= (size_t)im->width * im->channels;
}

static void setup_src(vg_pdq *p, const vg_pdq_image *im, vg_pdq_convention conv, struct src *s) {
    *s = (struct src){.pix = im->pixels,
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
    struct src s;
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
