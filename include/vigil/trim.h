/* Uniform-border detection (letterboxing, padding, frames, screenshot bars) for a second PDQ. */
#ifndef VIGIL_TRIM_H
#define VIGIL_TRIM_H

#include <stdbool.h>
#include <stdint.h>

#include "vigil/pdq.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Why: PDQ of a copy with a 4% white border is ~100 bits from the original's, so a reposted
 * copy with padding, letterbox bars or a frame is missed. vigil hashes such an image twice: as it
 * is, and its content rectangle found here (the scanner reports the second hash with how it was
 * derived). Trimming only ever adds a hash; it never replaces the plain one.
 *
 * Rule, per side: the outermost line (row or column) is a border line when at least min_match of
 * its pixels are within `tolerance` (every channel) of that line's mean colour; the next lines
 * inward stay border while they match the same colour in the same way. A band may carry sparse
 * marks (a caption's text, a status bar's icons): a line with at least VG_TRIM_BAR_MATCH of its
 * pixels in the border colour does not end the band, and the trim stops after the band's last
 * fully matching line (the margin between the marks and the picture). Top and bottom are
 * trimmed first over full rows, then left and right over the remaining rows, so a frame is
 * removed on all four sides. A border thinner than the larger of VG_TRIM_MIN_BORDER px and 0.5% of
 * its dimension is left alone (edge noise). If the content left would be smaller than
 * max(16 px, min_content x the side), nothing is trimmed (a flat image has no "content").
 */

#define VG_TRIM_TOLERANCE_DEFAULT 24u   /* per channel, out of 255: JPEG noise in flat bars */
#define VG_TRIM_MIN_MATCH_DEFAULT 0.97  /* share of a line's pixels that must match */
#define VG_TRIM_MIN_CONTENT_DEFAULT 0.2 /* content keeps at least this share of each side */
#define VG_TRIM_MIN_BORDER 2u           /* px: thinner borders are ignored */
#define VG_TRIM_BAR_MATCH 0.5           /* share that keeps a band going through text or icons */

/* Zero in a field means its default. */
typedef struct vg_trim_opts {
    unsigned tolerance;
    double min_match;
    double min_content;
} vg_trim_opts;

/* The content rectangle, in pixels of the image given. */
typedef struct vg_trim_rect {
    uint32_t x, y, width, height;
} vg_trim_rect;

/*
 * Find the content rectangle inside uniform borders.
 * @param[in]  im       the image (channels 1 or 3; borrowed for the call).
 * @param[in]  opts     thresholds, or NULL for the defaults.
 * @param[out] rect     the content rectangle; the whole image when *trimmed is false.
 * @param[out] trimmed  true when at least one side has a border to remove.
 * @return VG_OK (whether or not a border was found); VG_E_INVAL (NULL pixels, a zero side,
 *         channels not 1 or 3, stride too small, min_match or min_content outside 0..1).
 * Thread-safe; allocates nothing; reads only border lines and the first content line per side.
 */
vg_status vg_trim_detect(const vg_pdq_image *im, const vg_trim_opts *opts, vg_trim_rect *rect,
                         bool *trimmed);

/*
 * A cheap, loose test used by the PDQ screen (vigil/pdq_screen.h) on an approximate decode (DCT-
 * scaled luma): could vg_trim_detect() find a border on the exact pixels? True when the
 * outermost line of any side has at least VG_TRIM_MAYBE_MATCH of its pixels within
 * VG_TRIM_MAYBE_TOLERANCE of that line's mean (every channel). vg_trim_detect() needs 0.97
 * within 24 on that line, DCT scaling only averages the border's lines together and luma is a
 * weighted mean of the channels, so this holds whenever the exact image has a border that
 * covers whole rows of the scaled copy (the screen keeps >= 200 px a side for that: see
 * vigil/pdq_screen.h). Measured (bench/bench_screen -m 200, the 1497 screened JPEGs of
 * pdq_screen.h's note, 1272 of them thin-border copies): the exact decode found a border in
 * 1333, this test fired on 1435, missing none; it fired on 102 of the 164 without one (skies,
 * dark edges, borders just too noisy for the exact test), which then take the exact path.
 * @param[in] opts  tolerance and min_match to use instead (measurements), or NULL.
 * @return VG_OK; VG_E_INVAL as vg_trim_detect(). Thread-safe; allocates nothing.
 */
#define VG_TRIM_MAYBE_TOLERANCE 28u
#define VG_TRIM_MAYBE_MATCH 0.95
vg_status vg_trim_maybe(const vg_pdq_image *im, const vg_trim_opts *opts, bool *maybe);

/*
 * The sub-image of im inside rect, in place (same pixels, same stride), ready for vg_pdq_hash().
 * rect must lie inside im (as vg_trim_detect() returns it).
 * @return VG_OK or VG_E_INVAL (rect outside the image or empty; *sub is then zeroed).
 */
vg_status vg_trim_apply(const vg_pdq_image *im, const vg_trim_rect *rect, vg_pdq_image *sub);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_TRIM_H */
