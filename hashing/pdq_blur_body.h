/*
 * pdq_blur_body.h — PDQ's blur and decimation (luma -> H1 -> V1 -> H2 -> V2 -> 64x64), bit-exact
 * with the reference, written once and compiled once per ISA: pdq_blur_<isa>.c defines
 * PDQ_BLUR_FN and includes this file. Only the instruction set differs between the builds; every
 * float operation and its order are the same (IEEE add, subtract, multiply and divide round
 * identically in SSE2 and AVX2; the files are compiled with -ffp-contract=off, so no FMA).
 *
 * Schedule (pdq.c's header has the why): rows are streamed in blocks of 8. Luma is computed row
 * by row (vectorised across columns), transposed 8x8 so that each vector lane holds one row, and
 * the first horizontal box pass runs on the 8 rows at once (each lane is the reference's own
 * running sum along its row). The result is transposed back into a ring of rows, where the
 * vertical pass keeps one running sum per column (each column sees the reference's sequence of
 * operations). Its output rows are transposed again for the second horizontal pass, of which
 * only the 64 sampled columns are kept, and the second vertical pass runs on those 64 columns.
 */
#ifndef PDQ_BLUR_FN
#error "define PDQ_BLUR_FN before including pdq_blur_body.h"
#endif

#include <string.h>

#ifdef __AVX2__
#include <immintrin.h>
#endif

#include "pdq_impl.h"

#define RB PDQ_RB
typedef float v8f __attribute__((vector_size(32)));
typedef uint8_t v8u8 __attribute__((vector_size(8)));
typedef int32_t v8i __attribute__((vector_size(32)));

/* 8 bytes to 8 floats, exactly (through int32: compilers widen that with pmovzx + cvtdq2ps). */
static inline v8f u8_to_f(v8u8 b) {
    return __builtin_convertvector(__builtin_convertvector(b, v8i), v8f);
}

static inline v8f load8(const float *p) {
    v8f v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void store8(float *p, v8f v) {
    memcpy(p, &v, sizeof v);
}

/* out[j] = column j of the 8x8 block whose rows are in[0..7] (pure data movement). */
static inline void transpose8(const v8f in[8], v8f out[8]) {
    v8f t[8], u[8];
    for (int i = 0; i < 8; i += 2) {
        t[i] = __builtin_shufflevector(in[i], in[i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
        t[i + 1] = __builtin_shufflevector(in[i], in[i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
    }
    for (int i = 0; i < 8; i += 4) {
        u[i] = __builtin_shufflevector(t[i], t[i + 2], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 1] = __builtin_shufflevector(t[i], t[i + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        u[i + 2] = __builtin_shufflevector(t[i + 1], t[i + 3], 0, 1, 8, 9, 4, 5, 12, 13);
        u[i + 3] = __builtin_shufflevector(t[i + 1], t[i + 3], 2, 3, 10, 11, 6, 7, 14, 15);
    }
    for (int j = 0; j < 4; j++) {
        out[j] = __builtin_shufflevector(u[j], u[j + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        out[j + 4] = __builtin_shufflevector(u[j], u[j + 4], 4, 5, 6, 7, 12, 13, 14, 15);
    }
}

/* ---- luma ---- */

#ifdef __AVX2__
/*
 * Luma of RGB pixels c .. up to w, 8 at a time, exactly as the tables: f32(0.299f * R) etc.
 * are IEEE products of the same floats, summed in the same order. Reads 28 bytes per 8 pixels,
 * so it stops 10 pixels before the end of the row. @return the first column not done.
 */
static uint32_t luma_rgb_avx2(const uint8_t *row, uint32_t c, uint32_t w, float *dst) {
    const __m256i split = _mm256_setr_epi8(0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, -1, -1, -1, -1, 0,
                                           3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11, -1, -1, -1, -1);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    const __m256 kr = _mm256_set1_ps(0.299f), kg = _mm256_set1_ps(0.587f),
                 kb = _mm256_set1_ps(0.114f);
    for (; c + 10 <= w; c += 8) {
        const uint8_t *px = row + 3 * (size_t)c;
        __m256i v = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)(const void *)(px + 12)),
                                     _mm_loadu_si128((const __m128i *)(const void *)px));
        v = _mm256_permutevar8x32_epi32(_mm256_shuffle_epi8(v, split), order);
        __m128i rg = _mm256_castsi256_si128(v), b = _mm256_extracti128_si256(v, 1);
        __m256 fr = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(rg)), kr);
        __m256 fg =
            _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(rg, 8))), kg);
        __m256 fb = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)), kb);
        _mm256_storeu_ps(dst + c, _mm256_add_ps(_mm256_add_ps(fr, fg), fb));
    }
    return c;
}
#endif

/* Row r of the core's image as luma into dst[0..Wp) (columns >= w are zero). */
static void luma_row(const struct pdq_src *s, const struct pdq_tables *t, uint32_t r, float *dst,
                     uint32_t Wp) {
    uint32_t sr = s->h == s->sh ? r : (uint32_t)((uint64_t)r * s->sh / s->h);
    const uint8_t *row = s->pix + (size_t)sr * s->stride;
    uint32_t w = s->w, c = 0;
    if (!s->colmap && s->chans == 1) {
        for (; c + 8 <= w; c += 8) {
            v8u8 b;
            memcpy(&b, row + c, sizeof b);
            store8(dst + c, u8_to_f(b));
        }
        for (; c < w; c++)
            dst[c] = t->tgrey[row[c]];
    } else if (!s->colmap && !s->grey_path) {
        /* Exact f32 products from tables (8 at a time with AVX2, same floats). */
#ifdef __AVX2__
        c = luma_rgb_avx2(row, c, w, dst);
#endif
        for (const uint8_t *px = row + 3 * (size_t)c; c < w; c++, px += 3)
            dst[c] = (t->tr[px[0]] + t->tg[px[1]]) + t->tb[px[2]];
    } else if (s->grey_path) {
        for (; c < w; c++)
            dst[c] = t->tgrey[row[(size_t)(s->colmap ? s->colmap[c] : c) * s->chans]];
    } else {
        for (; c < w; c++) {
            const uint8_t *px = row + (size_t)s->colmap[c] * 3;
            dst[c] = (t->tr[px[0]] + t->tg[px[1]]) + t->tb[px[2]];
        }
    }
    for (; c < Wp; c++)
        dst[c] = 0.0f;
}

/* ---- box filter ---- */

/*
 * One Jarosz box pass along a line of L vectors, 8 independent lines in the lanes, exactly as
 * the reference's box1DFloat: output i is the mean of x[i-(w-half)] .. x[i+half-1] clipped,
 * kept as a running f32 sum (add the entering sample, then subtract the leaving one).
 */
static void box_lanes(const float *xf, float *yf, uint32_t L, uint32_t w) {
    const v8f *x = (const v8f *)(const void *)xf;
    v8f *y = (v8f *)(void *)yf;
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
 * The same pass, but only the outputs at the sorted indices want[0..63] are divided out (into
 * y[0..63]); the running sum still visits every sample, so those outputs are the reference's.
 */
static void box_lanes_at(const float *xf, v8f y[64], uint32_t L, uint32_t w,
                         const uint32_t want[64]) {
    const v8f *x = (const v8f *)(const void *)xf;
    uint32_t half = (w + 2) / 2, n = 0, i = 0;
    unsigned j = 0;
    v8f s = {0, 0, 0, 0, 0, 0, 0, 0};
    for (uint32_t k = 0; k + 2 <= half; k++, n++)
        s += x[k];
    for (; i <= w - half; i++) {
        s += x[i + half - 1];
        n++;
        for (; j < 64 && want[j] == i; j++)
            y[j] = s / (float)n;
    }
    const float fw = (float)w;
    for (; i <= L - half; i++) {
        s += x[i + half - 1];
        s -= x[i + half - 1 - w];
        for (; j < 64 && want[j] == i; j++)
            y[j] = s / fw;
    }
    for (; i < L; i++) {
        s -= x[i + half - 1 - w];
        n--;
        for (; j < 64 && want[j] == i; j++)
            y[j] = s / (float)n;
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

/* ---- the pipeline ---- */

struct run {
    const struct pdq_src *s;
    const struct pdq_tables *t;
    const struct pdq_work *b;
    uint32_t W, H, Wp, wH, wV, nslots;
    struct vpass v1;
};

static float *ring_row(const struct run *R, uint32_t r) {
    return R->b->ring + (size_t)(r % R->nslots) * R->Wp;
}

/* Luma + first horizontal pass for rows r0 .. r0+nb-1, stored row-major in the ring. */
static void feed_block(const struct run *R, uint32_t r0, unsigned nb) {
    const struct pdq_work *b = R->b;
    for (unsigned k = 0; k < RB; k++) {
        if (k < nb)
            luma_row(R->s, R->t, r0 + k, b->lrow + (size_t)k * R->Wp, R->Wp);
        else
            memset(b->lrow + (size_t)k * R->Wp, 0, (size_t)R->Wp * sizeof(float));
    }
    for (uint32_t c0 = 0; c0 < R->Wp; c0 += RB) {
        v8f in[RB], out[RB];
        for (unsigned k = 0; k < RB; k++)
            in[k] = load8(b->lrow + (size_t)k * R->Wp + c0);
        transpose8(in, out);
        for (unsigned j = 0; j < RB; j++)
            store8(b->lum + (size_t)(c0 + j) * RB, out[j]);
    }
    box_lanes(b->lum, b->h1, R->W, R->wH);
    memset(b->h1 + (size_t)R->W * RB, 0, (size_t)(R->Wp - R->W) * RB * sizeof(float));
    for (uint32_t c0 = 0; c0 < R->Wp; c0 += RB) {
        v8f in[RB], out[RB];
        for (unsigned j = 0; j < RB; j++)
            in[j] = load8(b->h1 + (size_t)(c0 + j) * RB);
        transpose8(in, out);
        for (unsigned k = 0; k < nb; k++)
            store8(ring_row(R, r0 + k) + c0, out[k]);
    }
}

/* V1 produced output row i (in vrows): at the end of a block of 8, transpose the block into
 * lanes, run the second horizontal pass and keep its 64 sampled columns. */
static void emit_v1(const struct run *R, uint32_t i) {
    const struct pdq_work *b = R->b;
    unsigned k = i % RB;
    if (k != RB - 1 && i != R->H - 1)
        return;
    for (uint32_t c0 = 0; c0 < R->Wp; c0 += RB) {
        v8f in[RB], out[RB];
        for (unsigned l = 0; l < RB; l++)
            in[l] = load8(b->vrows + (size_t)l * R->Wp + c0);
        transpose8(in, out);
        for (unsigned j = 0; j < RB; j++)
            store8(b->v1 + (size_t)(c0 + j) * RB, out[j]);
    }
    v8f y[64];
    box_lanes_at(b->v1, y, R->W, R->wH, b->cols64);
    uint32_t first = i - k;
    for (unsigned l = 0; l <= k; l++) {
        float *hs = b->hs + (size_t)(first + l) * 64;
        for (int j = 0; j < 64; j++)
            hs[j] = y[j][l];
    }
}

static void run_v1(struct run *R) {
    for (uint32_t r0 = 0; r0 < R->H; r0 += RB) {
        unsigned nb = R->H - r0 < RB ? R->H - r0 : RB;
        feed_block(R, r0, nb);
        for (unsigned k = 0; k < nb; k++) {
            uint32_t r = r0 + k;
            int64_t oi;
            enum vop op = vplan(&R->v1, r, &oi);
            const float *old = op == V_SLIDE ? ring_row(R, r - R->wV) : NULL;
            float *out = oi >= 0 ? R->b->vrows + (size_t)(oi % RB) * R->Wp : NULL;
            vstep(&R->v1, op, ring_row(R, r), old, out);
            if (oi >= 0)
                emit_v1(R, (uint32_t)oi);
        }
    }
    for (uint32_t i = R->H - R->v1.half + 1; i < R->H; i++) {
        float *out = R->b->vrows + (size_t)(i % RB) * R->Wp;
        vstep(&R->v1, V_DROP, NULL, ring_row(R, i + R->v1.half - 1 - R->wV), out);
        emit_v1(R, i);
    }
}

/* Second vertical pass over the 64 kept columns; the sampled rows land in A. */
static void run_v2(const struct run *R, float A[64][64]) {
    float S[64] __attribute__((aligned(32))) = {0};
    float out[64] __attribute__((aligned(32))) = {0};
    struct vpass v = {.S = S, .width = 64, .L = R->H, .w = R->wV, .half = (R->wV + 2) / 2};
    const float *hs = R->b->hs;
    const uint32_t *rows64 = R->b->rows64;
    unsigned jr = 0;
    for (uint32_t r = 0; r < R->H + v.half - 1; r++) {
        int64_t oi;
        enum vop op = r < R->H ? vplan(&v, r, &oi) : V_DROP;
        if (op == V_DROP)
            oi = (int64_t)r - v.half + 1;
        bool need = oi >= 0 && jr < 64 && rows64[jr] == (uint32_t)oi;
        const float *old = op != V_ADD ? hs + (size_t)((uint32_t)oi + v.half - 1 - v.w) * 64 : NULL;
        vstep(&v, op, r < R->H ? hs + (size_t)r * 64 : NULL, old, need ? out : NULL);
        while (need && jr < 64 && rows64[jr] == (uint32_t)oi)
            memcpy(A[jr++], out, sizeof out);
    }
}

void PDQ_BLUR_FN(const struct pdq_src *s, const struct pdq_tables *t, const struct pdq_work *w,
                 float A[64][64]) {
    struct run R = {.s = s, .t = t, .b = w, .W = s->w, .H = s->h};
    R.Wp = (R.W + RB - 1) / RB * RB;
    R.wH = (R.W + 127) / 128;
    R.wV = (R.H + 127) / 128;
    R.nslots = R.wV + RB;
    memset(w->s1, 0, (size_t)R.Wp * sizeof(float));
    R.v1 = (struct vpass){.S = w->s1, .width = R.Wp, .L = R.H, .w = R.wV, .half = (R.wV + 2) / 2};
    run_v1(&R);
    run_v2(&R, A);
}
