/* pdq_impl.h — the PDQ blur kernel's interface, shared by pdq.c and pdq_blur_<isa>.c. */
#ifndef VIGIL_PDQ_IMPL_H
#define VIGIL_PDQ_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PDQ_RB 8 /* rows per block = float lanes per vector */

/* Where the core's rows of luma come from (optionally the CLI's 512x512 nearest resize). */
struct pdq_src {
    const uint8_t *pix;
    size_t stride;
    unsigned chans;         /* 1 or 3 */
    bool grey_path;         /* luma = sample value (one-channel input, or CLI's all-grey RGB) */
    uint32_t w, h;          /* size the core sees */
    uint32_t sw, sh;        /* size of the pixels */
    const uint32_t *colmap; /* NULL: identity; else the source column of each core column */
};

/* Exact luma products, built once per hasher: tr[v] = f32(0.299f * v), ..., tgrey[v] = v. */
struct pdq_tables {
    float tr[256], tg[256], tb[256], tgrey[256];
};

/*
 * Work buffers, owned by pdq.c (64-byte aligned; Wp = w rounded up to PDQ_RB; wV = (h+127)/128):
 * lum, lrow, h1, v1, vrows: Wp * PDQ_RB floats each; ring: (wV + PDQ_RB) * Wp; s1: Wp;
 * hs: h * 64. cols64/rows64: the decimation's sampled columns and rows.
 */
struct pdq_work {
    float *lum, *lrow, *h1, *v1, *vrows, *ring, *s1, *hs;
    const uint32_t *cols64, *rows64;
};

/* Blur the source (two Jarosz passes) and decimate it to A, bit-exactly. Same result for every
 * ISA variant; only the speed differs. */
typedef void (*pdq_blur_fn)(const struct pdq_src *s, const struct pdq_tables *t,
                            const struct pdq_work *w, float A[64][64]);
void vg_pdq_blur_base(const struct pdq_src *s, const struct pdq_tables *t, const struct pdq_work *w,
                      float A[64][64]);
#if defined(__x86_64__) || defined(__i386__)
void vg_pdq_blur_avx2(const struct pdq_src *s, const struct pdq_tables *t, const struct pdq_work *w,
                      float A[64][64]);
#endif

#endif
