/* phash_impl.h — grey conversion and resampling shared by the 64-bit perceptual hashes. */
#ifndef VIGIL_PHASH_IMPL_H
#define VIGIL_PHASH_IMPL_H

#include <stdint.h>

#include "vigil/phash.h"

/* pi as in Pillow (M_PI) and as a double for the DCT tables. */
#define VG_PHASH_PI 3.14159265358979323846

/*
 * Check an image argument.
 * @return VG_OK; VG_E_INVAL (NULL, zero side, channels not 1/3/4, stride < width * channels);
 *         VG_E_LIMIT (a side > VG_PHASH_MAX_SIDE).
 */
vg_status vg_phash_check(const vg_phash_image *img);

/*
 * Pillow 9.4: im.convert("L").resize((ow, oh), Image.LANCZOS), exactly (phash_pil.c).
 * @param[out] out  ow * oh grey bytes, row-major.
 * @return VG_OK or VG_E_NOMEM. img must have passed vg_phash_check().
 */
vg_status vg_phash_resize_pil(const vg_phash_image *img, uint32_t ow, uint32_t oh, uint8_t *out);

/*
 * ClamAV 1.4: its grayscale() then image 0.25 resize_exact(ow, oh, Lanczos3), exactly
 * (phash_rs.c).
 * @param[out] out  ow * oh grey bytes, row-major.
 * @return VG_OK or VG_E_NOMEM. img must have passed vg_phash_check().
 */
vg_status vg_phash_resize_rs(const vg_phash_image *img, uint32_t ow, uint32_t oh, uint8_t *out);

#endif /* VIGIL_PHASH_IMPL_H */
