/*
 * pdq_screen.c — one encoded image's perceptual work. The exact path is what vigil reports:
 * full decode, PDQ with 8 dihedral hashes, and PDQ of the content inside uniform borders. The
 * screen in front of it is a cheaper guess at those same hashes (a DCT-scaled, luma-only
 * decode), asked against the lists with the radius widened by the margin; by the triangle
 * inequality nothing within the radius of an exact hash can be missed while every screening
 * hash stays within the margin of its exact counterpart (pdq.h has the measurements).
 */
#include <string.h>

#include "vigil/pdq_screen.h"

/* Hash an image and, when asked and it has a border, its content. */
static vg_status hash_pixels(vg_pdq *p, const vg_img *im, vg_pdq_convention conv, bool trim,
                             vg_pdq_hashes *out) {
    vg_pdq_image pi = {.pixels = im->pixels,
                       .width = im->width,
                       .height = im->height,
                       .stride = im->stride,
                       .channels = im->channels};
    vg_status st = vg_pdq_hash(p, &pi, conv, VG_PDQ_DIHEDRAL, &out->plain);
    if (st != VG_OK || !trim)
        return st;
    bool found = false;
    st = vg_trim_detect(&pi, NULL, &out->rect, &found);
    if (st != VG_OK || !found)
        return st;
    vg_pdq_image sub;
    st = vg_trim_apply(&pi, &out->rect, &sub);
    if (st == VG_OK)
        st = vg_pdq_hash(p, &sub, conv, VG_PDQ_DIHEDRAL, &out->trim);
    out->trimmed = st == VG_OK;
    return st;
}

static vg_status exact(vg_img_dec *d, vg_pdq *p, const void *buf, size_t n,
                       const vg_pdq_screen_opts *o, vg_pdq_hashes *out) {
    vg_img im;
    vg_status st = vg_img_decode(d, buf, n, &im);
    if (st != VG_OK)
        return st;
    out->format = im.format;
    out->width = im.width;
    out->height = im.height;
    st = hash_pixels(p, &im, o->conv, o->trim, out);
    vg_img_dec_wipe(d);
    out->exact = st == VG_OK;
    return st;
}

/*
 * The screen, for a JPEG whose decode can be DCT-scaled (both sides >= 2 x min_side; smaller
 * ones are not screened). @return VG_OK with *need_exact set when the exact work must follow:
 * a candidate; with trimming, a side that may be a border (vg_trim_maybe()); a failed screening
 * decode. Another status (the probe's) stops everything.
 */
static vg_status screen(vg_img_dec *d, vg_pdq *p, const void *buf, size_t n,
                        const vg_pdq_screen_opts *o, vg_pdq_hashes *out, bool *need_exact) {
    vg_img im;
    uint32_t min_side = o->min_side ? o->min_side : VG_PDQ_SCREEN_MIN_SIDE;
    *need_exact = true;
    /* Only a DCT-scaled decode is worth it, and only those are measured for the margin. */
    if (vg_img_probe(d, buf, n, &im) != VG_OK || im.width / 2 < min_side ||
        im.height / 2 < min_side)
        return VG_OK;
    if (vg_img_decode_screen(d, buf, n, min_side, &im) != VG_OK)
        return VG_OK;
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    bool maybe_border = false;
    vg_pdq_result r;
    vg_status st = o->trim ? vg_trim_maybe(&pi, NULL, &maybe_border) : VG_OK;
    if (st == VG_OK && !maybe_border)
        st = vg_pdq_hash_reduced(p, &pi, im.full_width, im.full_height, im.scale_denom,
                                 VG_PDQ_DIHEDRAL, &r);
    vg_img_dec_wipe(d);
    if (st != VG_OK)
        return st;
    out->screened = true;
    out->screen_denom = im.scale_denom;
    if (maybe_border)
        return VG_OK; /* a border's hash is only ever exact: do the exact work */
    unsigned radius = (o->radius ? o->radius : VG_PDQ_MATCH_RADIUS) +
                      (o->margin ? o->margin : VG_PDQ_SCREEN_MARGIN);
    bool candidate = false;
    st = o->probe(o->probe_ctx, &r.dihedral[0][0], VG_PDQ_NUM_DIHEDRAL, radius, &candidate);
    out->has_screen = true;
    memcpy(out->screen, r.dihedral, sizeof out->screen);
    memset(&r, 0, sizeof r);
    if (st != VG_OK)
        return st;
    out->format = im.format;
    out->width = im.full_width;
    out->height = im.full_height;
    *need_exact = candidate;
    return VG_OK;
}

vg_status vg_pdq_hash_image(vg_img_dec *d, vg_pdq *p, const void *buf, size_t n,
                            const vg_pdq_screen_opts *o, vg_pdq_hashes *out) {
    static const vg_pdq_screen_opts exact_only = {.conv = VG_PDQ_FULLRES};
    memset(out, 0, sizeof *out);
    if (!o)
        o = &exact_only;
    bool need_exact = true;
    vg_status st = VG_OK;
    if (o->probe && !o->exact_decode && o->conv == VG_PDQ_FULLRES &&
        vg_img_sniff(buf, n) == VG_IMG_JPEG)
        st = screen(d, p, buf, n, o, out, &need_exact);
    if (st == VG_OK && need_exact)
        st = exact(d, p, buf, n, o, out);
    if (st != VG_OK) {
        vg_img_dec_wipe(d);
        memset(out, 0, sizeof *out);
    }
    return st;
}
