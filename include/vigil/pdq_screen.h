/* One encoded image's perceptual work: exact PDQ (and of its trimmed content), behind a fast
 * screen that skips the exact work when no list code is near. */
#ifndef VIGIL_PDQ_SCREEN_H
#define VIGIL_PDQ_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/status.h"
#include "vigil/trim.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * THE SCREEN AND ITS MARGIN. A JPEG whose sides are both >= 2 x VG_PDQ_SCREEN_MIN_SIDE (400 px)
 * is first decoded DCT-scaled (vg_img_decode_screen(): luma only, fast IDCT, the largest of 1/8,
 * 1/4, 1/2 that keeps both sides >= 200 px), and vg_pdq_hash_reduced() estimates its exact PDQ
 * and 8 dihedral hashes from that copy. The probe asks the lists for codes within radius +
 * VG_PDQ_SCREEN_MARGIN (16) of those 8. By the triangle inequality the screen loses no match of
 * the exact hash as long as d(screening, exact) <= margin for each dihedral hash.
 * Why 200 px: the exact border test (vigil/trim.h) accepts borders down to max(2, side / 200)
 * px, so at >= 200 px a side every such border covers whole rows of the small copy, which the
 * screen's loose border test needs; at 128 px, 2-px borders on ~520 px images were missed (13
 * of 408 thin-border copies) and copies of ~130 px drifted up to 18 bits.
 * Evidence (bench/bench_screen -m 200, the largest of the 8 distances per image) over 1592
 * JPEGs: the corpus photos, Meta's bridge images (bridge-mods, dih, misc), 234 copies of the
 * corpus photos (re-encoded q85/q60, progressive, 75% resize, 10% crop, 90-degree rotation,
 * mirror, grey, 4% border, letterbox, caption bar, frame, 2x and 1.6x upscales), 56 copies
 * upscaled past 4096 px (plain, progressive, mirrored + rotated 3 degrees, border, caption,
 * mid-size, grey), and 1272 thin-border copies (white, black, grey borders of exactly and just
 * above the smallest width the exact test accepts, and 0.6-2 %, on copies resized so that a side
 * lands just above 400/800/1600 px, and 520-1300 px). Of the 1497 screened: 1/2: 541 images,
 * mean 2.2, max 10 bits; 1/4: 552, mean 2.7, max 10; 1/8: 404, mean 2.7, max 12 (a caption-bar
 * and a thin-border copy of kde_summer_1am). 16 leaves 4 bits above the worst case; 31 + 16 = 47
 * still suits 16 x 16-bit multi-index hashing (per-slot radius 2). Borders: the exact decode
 * found one in 1333, the screen's loose test fired on 1435, missing none.
 * Why the estimate and not plain PDQ of the small copy (the previous screen, bench_screen -p 1,
 * min side 128, the first 320 JPEGs): that drifts 14.4 mean / 34 max bits at 1/4 and 13.3 / 38
 * at 1/8, because the small copy's blur window and sample points are not the exact path's; it
 * forced 1/2 scaling on 1-4 MP photos (min side 512), whose decode costs almost a full one.
 * tests/hashing/test_pdq_screen.c checks the bound on copies it makes and that matches are
 * never lost. Cost: README, "Benchmarks" (bench/bench_hash).
 */

/*
 * Asks the caller's lists: is any code that could be reported within `radius` of one of the n
 * codes (32 bytes each)? Set *candidate (it starts false). Any status but VG_OK stops the work
 * and is returned by vg_pdq_hash_image().
 */
typedef vg_status (*vg_pdq_probe_fn)(void *ctx, const uint8_t *codes, size_t n, unsigned radius,
                                     bool *candidate);

/* Zero in a number means its default. */
typedef struct vg_pdq_screen_opts {
    vg_pdq_convention conv; /* of the exact hashes; VG_PDQ_CLI never screens */
    bool exact_decode;      /* never screen (--exact-decode) */
    bool trim;              /* also hash the content inside uniform borders (vigil/trim.h) */
    unsigned radius;        /* the match radius the caller will use (VG_PDQ_MATCH_RADIUS) */
    unsigned margin;        /* added to radius for the screen (VG_PDQ_SCREEN_MARGIN) */
    uint32_t min_side;      /* smallest side of a DCT-scaled decode (VG_PDQ_SCREEN_MIN_SIDE) */
    vg_pdq_probe_fn probe;  /* NULL: no screen, always exact */
    void *probe_ctx;
} vg_pdq_screen_opts;

/* What vg_pdq_hash_image() found. A plain value. */
typedef struct vg_pdq_hashes {
    vg_img_format format;
    uint32_t width, height; /* of the image (full size) */
    bool screened;          /* a screening hash was computed (and never reported) */
    unsigned screen_denom;  /* its DCT scale, 1 / 2 / 4 / 8 */
    /* true: `plain` (and `trimmed`) are exact, bit-identical to the reference. false: the screen
     * found no code within radius + margin, so no exact hash was computed and none is
     * reported; no list code can be within radius of the exact hashes (see pdq.h's margin). */
    bool exact;
    /* With `screened` and no border suspected: the 8 screening hashes the probe was asked
     * about. NEVER report them. A cache may keep them (flagged as screening hashes) in place of
     * the exact PDQ of an image the screen cleared: a later scan probes them again at radius +
     * margin, and a candidate then means "read the file and hash it exactly". */
    bool has_screen;
    uint8_t screen[VG_PDQ_NUM_DIHEDRAL][VG_PDQ_LEN];
    vg_pdq_result plain; /* PDQ of the whole image with its 8 dihedral hashes */
    bool trimmed;        /* a uniform border was found: `trim` is PDQ of the content */
    vg_trim_rect rect;   /* that content, in pixels of the full-size image */
    vg_pdq_result trim;
} vg_pdq_hashes;

/*
 * Decode an image held in memory and hash it. Without a probe (or with exact_decode, the CLI
 * convention, or a format other than JPEG) this is: full decode, exact PDQ with 8 dihedral
 * hashes, and with opts->trim the exact PDQ of the trimmed content when there is a border.
 * With a probe, a JPEG large enough (see above) is first decoded for screening and its 8
 * dihedral hashes estimated (vg_pdq_hash_reduced()); with opts->trim, an image whose reduced copy
 * may have a border (vg_trim_maybe()) goes straight to the exact work. The probe is asked for
 * codes within radius + margin of those 8 screening hashes; only when it says yes is the exact
 * work done. If the screening decode fails, the exact work runs (and reports the error).
 * The pixels are wiped (vg_img_dec_wipe()) before returning.
 * @param[in]  d, p  the caller's decoder and hasher (reused buffers; one per thread).
 * @param[in]  buf, n  the encoded image, borrowed for the call.
 * @param[in]  o     options (NULL: exact, no trim, convention B).
 * @param[out] out   the hashes (zeroed on failure).
 * @return VG_OK; a decoding status of vg_img_decode() (message in vg_img_dec_errmsg(d));
 *         VG_E_NOMEM; a status the probe returned.
 */
vg_status vg_pdq_hash_image(vg_img_dec *d, vg_pdq *p, const void *buf, size_t n,
                            const vg_pdq_screen_opts *o, vg_pdq_hashes *out);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_PDQ_SCREEN_H */
