/* Meta's PDQ perceptual hash, bit-identical to the reference, with its 8 dihedral hashes. */
#ifndef VIGIL_PDQ_H
#define VIGIL_PDQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A PDQ code is 32 bytes: byte i holds hex digits 2i..2i+1 of the reference's 64-digit hex
 * string, i.e. the 256-bit big-endian integer whose bit k is hash bit k (bit k lives in bit k%8 of
 * byte 31 - k/8). Hash bit 16*r + c is 1 iff DCT coefficient (row r, column c) exceeds the
 * median. This is VG_HT_PDQ's layout in vigil/hset_entry.h.
 */
#define VG_PDQ_LEN 32
#define VG_PDQ_HEX_LEN 64
/* Meta: discard hashes of quality <= 49. vigil reports them, flagged, and does not match them
 * by default. */
#define VG_PDQ_QUALITY_MIN 50
/* Meta's recommended match threshold (Hamming distance <= 31). */
#define VG_PDQ_MATCH_RADIUS 31
#define VG_PDQ_NUM_DIHEDRAL 8

/*
 * Screening margin, in bits, and the screen's smallest reduced side (vigil/pdq_screen.h states
 * the rule and the measurements behind both). The lists are searched with the match radius
 * PLUS this margin; every candidate is re-hashed exactly. Worst case measured: 12 bits.
 */
#define VG_PDQ_SCREEN_MARGIN 16
#define VG_PDQ_SCREEN_MIN_SIDE 200

/* Which "reference" the hash reproduces (../shared/PDQ.md §6). */
typedef enum vg_pdq_convention {
    /* B: the core on the full-resolution pixels: Java reference, pdqhash-python,
     * python-threatexchange / HMA. vigil's default. */
    VG_PDQ_FULLRES = 0,
    /* A: the C++ CLI pdq-photo-hasher: an image with a side > 512 is first resized to exactly
     * 512x512 by nearest neighbour (src = floor(dst * old / 512)); and, as ImageMagick hands the
     * CLI one channel when every pixel has R = G = B, such RGB input uses the grey luma path. */
    VG_PDQ_CLI = 1
} vg_pdq_convention;

/* The reference's dihedral order (--pdqdih): index into vg_pdq_result.dihedral. */
enum {
    VG_PDQ_ORIGINAL = 0,
    VG_PDQ_ROTATE90 = 1, /* 90 degrees counter-clockwise */
    VG_PDQ_ROTATE180 = 2,
    VG_PDQ_ROTATE270 = 3, /* 90 degrees clockwise */
    VG_PDQ_FLIPX = 4,     /* top and bottom swapped */
    VG_PDQ_FLIPY = 5,     /* mirror: left and right swapped */
    VG_PDQ_FLIPPLUS1 = 6, /* transpose about the main diagonal */
    VG_PDQ_FLIPMINUS1 = 7 /* transpose about the anti-diagonal */
};

/* Flags for vg_pdq_hash(). */
#define VG_PDQ_DIHEDRAL 1u /* also compute the 8 dihedral hashes */

/*
 * Pixels to hash, borrowed for the call: 8-bit samples, channels 3 (interleaved R, G, B) or 1
 * (grey: luma = the sample, as the reference does for one-channel input). Row y starts at
 * pixels + y * stride, so a sub-rectangle of a larger image (a trimmed border) is hashed in
 * place: point at its first pixel and keep the parent's stride.
 */
typedef struct vg_pdq_image {
    const uint8_t *pixels;
    uint32_t width;
    uint32_t height;
    size_t stride;
    unsigned channels;
} vg_pdq_image;

/* The hash of one image. A plain value: copy freely. */
typedef struct vg_pdq_result {
    uint8_t hash[VG_PDQ_LEN];
    int quality;      /* 0..100 */
    bool low_quality; /* quality < VG_PDQ_QUALITY_MIN: reported, never matched by default */
    bool too_small;   /* a side < 5 px: hash all zero, quality 0 (as the reference); never match */
    bool has_dihedral;
    uint8_t dihedral[VG_PDQ_NUM_DIHEDRAL][VG_PDQ_LEN]; /* with VG_PDQ_DIHEDRAL */
} vg_pdq_result;

/* A hasher with its reusable float buffers. Single-threaded: one per worker. */
typedef struct vg_pdq vg_pdq;

/*
 * Create a hasher.
 * @param[out] out  receives it, owned by the caller (vg_pdq_free()).
 * @return VG_OK or VG_E_NOMEM (*out is then NULL).
 */
vg_status vg_pdq_open(vg_pdq **out);

/*
 * Hash an image exactly as Meta's reference does for the same pixels, following its float32
 * order of operations step by step (PDQ.md §2): luma, two Jarosz box-blur passes with windows
 * ceil(W/128) and ceil(H/128), 64x64 point decimation, quality, 16x16 partial DCT, median
 * threshold. The blur is streamed through a few rows (memory ~ width * H/128 floats, not
 * width * height), and vectorised only across independent sums, so results stay bit-exact.
 * As the reference, a 64x64 image's main hash skips the blur (its dihedral hashes do not).
 * @param[in]  im     the pixels (borrowed for the call).
 * @param[in]  conv   VG_PDQ_FULLRES (default) or VG_PDQ_CLI.
 * @param[in]  flags  VG_PDQ_DIHEDRAL or 0.
 * @param[out] out    the result.
 * @return VG_OK; VG_E_INVAL (NULL pixels, channels not 1 or 3, stride too small, a side
 *         > 2^30); VG_E_NOMEM. On failure *out is zeroed.
 */
vg_status vg_pdq_hash(vg_pdq *p, const vg_pdq_image *im, vg_pdq_convention conv, unsigned flags,
                      vg_pdq_result *out);

/*
 * A SCREENING hash (vigil/pdq_screen.h), never to be reported: an estimate of
 * vg_pdq_hash(full-size image, VG_PDQ_FULLRES) made from a copy reduced by `denom`, each of
 * its pixels standing for a denom x denom block of the full-size image (a DCT-scaled JPEG
 * decode: libjpeg's output side is ceil(full / denom)). It does not run the exact path on the
 * small copy (whose blur window and sample points would differ); it emulates the exact path at
 * full size: each of the 64x64 samples is the mean of the reduced pixels weighted by the exact
 * path's two-box-pass (tent) window at that sample's full-size position. Then the same
 * quality, DCT, median threshold and dihedral hashes. Not bit-exact by design; its distance to
 * the exact hash is measured for VG_PDQ_SCREEN_MARGIN.
 * @param[in]  im      the reduced pixels (1 or 3 channels, as vg_pdq_hash()).
 * @param[in]  full_w, full_h  the full-size image's sides: ceil(full / denom) must equal the
 *                     reduced sides.
 * @param[in]  denom   1..64.
 * @param[in]  flags   VG_PDQ_DIHEDRAL or 0.
 * @param[out] out     the result (too_small when a full-size side is < 5 px, as the exact hash).
 * @return VG_OK; VG_E_INVAL (as vg_pdq_hash(), or sizes that do not fit denom); VG_E_NOMEM.
 *         On failure *out is zeroed.
 */
vg_status vg_pdq_hash_reduced(vg_pdq *p, const vg_pdq_image *im, uint32_t full_w, uint32_t full_h,
                              unsigned denom, unsigned flags, vg_pdq_result *out);

/* Wipe (OPENSSL_cleanse) and release everything; NULL is accepted. */
void vg_pdq_free(vg_pdq *p);

/*
 * The reference's text form: 64 lower-case hex digits into out (65 bytes, NUL-terminated).
 * @return out.
 */
char *vg_pdq_to_hex(const uint8_t hash[VG_PDQ_LEN], char out[VG_PDQ_HEX_LEN + 1]);

/*
 * Parse exactly 64 hex digits (either case, as the reference's parser; nothing else).
 * @return VG_OK, or VG_E_FORMAT (hash untouched).
 */
vg_status vg_pdq_from_hex(const char *hex, size_t len, uint8_t hash[VG_PDQ_LEN]);

/* Hamming distance between two codes (0..256). Portable; vigil/hamming.h has the fast kernels. */
int vg_pdq_distance(const uint8_t a[VG_PDQ_LEN], const uint8_t b[VG_PDQ_LEN]);

/* Value of hash bit k (0..255) in the layout above. */
static inline int vg_pdq_bit(const uint8_t hash[VG_PDQ_LEN], unsigned k) {
    return (hash[31 - k / 8] >> (k % 8)) & 1;
}

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_PDQ_H */
