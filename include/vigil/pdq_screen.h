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
 * With a probe, a JPEG is first decoded for screening (vg_img_decode_screen(): DCT-scaled
 * luma) and hashed the same way (plain and trimmed, 8 dihedral each); the probe is asked for
 * codes within radius + margin of those 8 or 16 screening hashes; only when it says yes is the
 * exact work done. If the screening decode fails, the exact work runs (and reports the error).
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
