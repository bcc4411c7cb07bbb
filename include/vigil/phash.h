/* 64-bit perceptual hashes made by other tools: aHash, dHash, pHash (imagehash) and ClamAV
 * fuzzy_img. */
#ifndef VIGIL_PHASH_H
#define VIGIL_PHASH_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * These hashes exist so vigil can match lists made by other tools; PDQ (pdq.h) is vigil's own.
 * Each is defined here step by step, as the tool it copies computes it.
 *
 * aHash, dHash, pHash: Python `imagehash` 4.3 (average_hash, dhash, phash with hash_size 8),
 * on Pillow 9.4 (Debian 12's python3-pil) and scipy:
 *   1. grey ("L"), Pillow's ITU-R 601-2 in 16.16 fixed point:
 *      L = (19595 R + 38470 G + 7471 B + 32768) >> 16; a grey source is used as it is.
 *   2. Pillow's Image.resize(size, LANCZOS) of the grey image, exactly: Lanczos-3 weights
 *      sinc(x) sinc(x/3) on |x| < 3 (support scaled by the reduction ratio), normalised per output
 *      pixel, then 22-bit fixed point; a horizontal pass (rounded and clipped to 8 bits) then a
 *      vertical pass. A side that already has the target size is not resampled.
 *   3. aHash: resize to 8x8; bit = pixel > mean of the 64 pixels.
 *      dHash: resize to 9 wide x 8 high; bit (r, c) = pixel(r, c+1) > pixel(r, c).
 *      pHash: resize to 32x32; 2-D DCT-II (scipy.fftpack.dct along columns, then rows:
 *      X[k] = 2 sum x[n] cos(pi k (2n+1) / 64), in double); keep the top-left 8x8 (rows = vertical
 *      frequency 0..7 including DC); bit = coefficient > median of the 64 (mean of the 32nd and
 *      33rd smallest).
 *   Where it may differ: pHash coefficients are summed directly in double, scipy uses an FFT, so a
 *   coefficient within ~1e-12 of the median (only flat or exactly symmetric images, never seen on
 *   photos) can flip a bit. aHash and dHash are integer-exact. Pillow 10+ and other resamplers
 *   (OpenCV, ImageMagick, image-rs) give different reduced images, hence different hashes.
 *
 * ClamAV fuzzy_img (libclamav_rust fuzzy_hash.rs, ClamAV 1.4, image crate 0.25):
 *   1. grey: L = round(0.299f R + 0.587f G + 0.114f B) in float32, half away from zero.
 *   2. image-rs resize_exact(32, 32, Lanczos3): float32 weights sinc(x) sinc(x/3) (sinf), a
 *      vertical pass kept in float32, then a horizontal pass rounded to 8 bits; then / 255.
 *   3. 2-D DCT-II along columns then rows, each pass x2 (scipy's scale), float32 results; top-left
 *      8x8; median = (32nd + 33rd smallest) / 2 in float32; bit = value > median.
 *   Where it may differ: ClamAV decodes with the image crate (zune-jpeg for JPEG), whose JPEG
 *   pixels are not libjpeg-turbo's, so JPEG hashes can differ by a few bits; PNG pixels are
 *   identical. rustdct's FFT rounding can flip a coefficient within ~1e-6 of the median.
 *
 * Bit order and text, all four: the 64 bits in row-major order (row 0 first), bit i of that
 * order stored at bit 63 - i of the uint64_t, i.e. the first bit is the most significant. The
 * text form is %016llx of that value, lower case: exactly what str(imagehash) prints and what
 * `sigtool --fuzzy-img` prints. Distances: popcount of the XOR (vg_phash_dist()).
 *
 * Threads: every function is thread-safe (no shared state). Each call allocates O((W + H) * 32)
 * bytes of scratch and frees it; nothing is kept.
 */

/* An 8-bit image, borrowed for the call. channels 3: R, G, B interleaved; 4: R, G, B, A (alpha
 * ignored, as Pillow's convert("L") and ClamAV's to_rgb8 do); 1: grey. Row y starts at
 * pixels + y * stride. Same fields as vg_img (img.h), so a decoded image can be passed as is. */
typedef struct vg_phash_image {
    const uint8_t *pixels;
    uint32_t width;
    uint32_t height;
    size_t stride;
    unsigned channels;
} vg_phash_image;

/* Largest side accepted. The resamplers' scratch grows with the sides (about 128 bytes per source
 * column for fuzzy_img's float rows, 24 per column of Lanczos weights), so a hostile 1 x 10^8
 * image is refused rather than given hundreds of MB; 2^20 is far beyond any real photo. */
#define VG_PHASH_MAX_SIDE (1u << 20)

/*
 * imagehash.average_hash(image) (hash_size 8), as defined above.
 * @param[out] out  the hash (bit order above).
 * @return VG_OK; VG_E_INVAL (NULL image or pixels, a zero side, channels not 1, 3 or 4, stride
 *         < width * channels); VG_E_LIMIT (a side > VG_PHASH_MAX_SIDE); VG_E_NOMEM.
 *         *out is 0 on failure.
 */
vg_status vg_phash_ahash(const vg_phash_image *img, uint64_t *out);

/* imagehash.dhash(image) (hash_size 8, horizontal differences). Returns as vg_phash_ahash(). */
vg_status vg_phash_dhash(const vg_phash_image *img, uint64_t *out);

/* imagehash.phash(image) (hash_size 8, highfreq_factor 4). Returns as vg_phash_ahash(). */
vg_status vg_phash_phash(const vg_phash_image *img, uint64_t *out);

/* ClamAV's image fuzzy hash (`fuzzy_img#<hex>` signatures). Returns as vg_phash_ahash(). */
vg_status vg_phash_clamav(const vg_phash_image *img, uint64_t *out);

/*
 * The 16 lower-case hex digits of a hash into out (17 bytes with the NUL).
 * @return out.
 */
char *vg_phash_hex(uint64_t h, char out[17]);

/*
 * Parse 16 hex digits (either case), as printed by imagehash or sigtool.
 * @return VG_OK; VG_E_FORMAT if text is not exactly 16 hex digits (*out is then 0).
 */
vg_status vg_phash_parse(const char *text, uint64_t *out);

/* Hamming distance of two 64-bit hashes, 0..64. */
unsigned vg_phash_dist(uint64_t a, uint64_t b);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_PHASH_H */
