/*
 * trim.c — finds uniform borders around an image's content (the rule is in vigil/trim.h). Each
 * side walks inward line by line and stops at the first line that is not the border colour, so
 * the cost is the border's area plus one line per side.
 */
#include "vigil/trim.h"

#include <string.h>

/* A line of n pixels: first at p, the next one step bytes on. */
struct line {
    const uint8_t *p;
    size_t step;
    uint32_t n;
};

struct cfg {
    unsigned ch, tol;
    double min_match;
};

static struct line row(const vg_pdq_image *im, uint32_t y, uint32_t x0, uint32_t n) {
    struct line l = {im->pixels + (size_t)y * im->stride + (size_t)x0 * im->channels, im->channels,
                     n};
    return l;
}

static struct line col(const vg_pdq_image *im, uint32_t x, uint32_t y0, uint32_t n) {
    struct line l = {im->pixels + (size_t)y0 * im->stride + (size_t)x * im->channels, im->stride,
                     n};
    return l;
}

static void mean_colour(const struct line *l, unsigned ch, unsigned ref[3]) {
    uint64_t sum[3] = {0, 0, 0};
    for (uint32_t i = 0; i < l->n; i++)
        for (unsigned c = 0; c < ch; c++)
            sum[c] += l->p[i * l->step + c];
    for (unsigned c = 0; c < ch; c++)
        ref[c] = (unsigned)((sum[c] + l->n / 2) / l->n);
}

/* Share of the line's pixels within tol of ref on every channel. */
static double share(const struct line *l, const struct cfg *k, const unsigned ref[3]) {
    uint64_t ok = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        const uint8_t *px = l->p + i * l->step;
        unsigned c = 0;
        while (c < k->ch && (px[c] > ref[c] ? px[c] - ref[c] : ref[c] - px[c]) <= k->tol)
            c++;
        ok += c == k->ch;
    }
    return (double)ok / l->n;
}

/* ---- one side ---- */

enum { TOP, BOTTOM, LEFT, RIGHT };

/* Line i of a side (0 = outermost), over [a, a + n) of the other axis. */
static struct line side_line(const vg_pdq_image *im, int side, uint32_t i, uint32_t a, uint32_t n) {
    switch (side) {
    case TOP:
        return row(im, i, a, n);
    case BOTTOM:
        return row(im, im->height - 1 - i, a, n);
    case LEFT:
        return col(im, i, a, n);
    default:
        return col(im, im->width - 1 - i, a, n);
    }
}

/* Border lines on a side, at most limit; the colour is the outermost line's mean. A band goes on
 * through lines that are mostly border colour (text, icons) and ends at its last full line. */
static uint32_t border(const vg_pdq_image *im, int side, uint32_t a, uint32_t n, uint32_t limit,
                       const struct cfg *k) {
    struct line l = side_line(im, side, 0, a, n);
    unsigned ref[3] = {0, 0, 0};
    uint32_t full = 0;
    mean_colour(&l, k->ch, ref);
    for (uint32_t i = 0; i < limit; i++) {
        l = side_line(im, side, i, a, n);
        double f = share(&l, k, ref);
        if (f >= k->min_match)
            full = i + 1;
        else if (i == 0 || f < VG_TRIM_BAR_MATCH)
            break;
    }
    return full;
}

/* Both borders of one axis (dimension dim, lines of n pixels from a), or false when the content
 * left would be under the minimum: then the image is flat along this axis. Thin borders -> 0. */
static bool axis(const vg_pdq_image *im, int s0, uint32_t dim, uint32_t a, uint32_t n,
                 const struct cfg *k, double min_content, uint32_t out[2]) {
    uint32_t min = (uint32_t)(min_content * dim + 0.999999);
    min = min < 16 ? 16 : min;
    if (dim <= min) {
        out[0] = out[1] = 0;
        return true;
    }
    uint32_t limit = dim - min,
             thin = dim / 200 > VG_TRIM_MIN_BORDER ? dim / 200 : VG_TRIM_MIN_BORDER;
    out[0] = border(im, s0, a, n, limit, k);
    if (out[0] == limit)
        return false;
    out[1] = border(im, s0 + 1, a, n, limit - out[0], k);
    if (out[0] + out[1] == limit)
        return false;
    for (int i = 0; i < 2; i++)
        out[i] = out[i] < thin ? 0 : out[i];
    return true;
}

/* ---- public ---- */

static vg_status check(const vg_pdq_image *im, const vg_trim_opts *o) {
    if (!im || !im->pixels || im->width == 0 || im->height == 0)
        return VG_E_INVAL;
    if ((im->channels != 1 && im->channels != 3) || im->stride / im->channels < im->width)
        return VG_E_INVAL;
    if (o && (o->min_match < 0 || o->min_match > 1 || o->min_content < 0 || o->min_content > 1))
        return VG_E_INVAL;
    return VG_OK;
}

vg_status vg_trim_detect(const vg_pdq_image *im, const vg_trim_opts *opts, vg_trim_rect *rect,
                         bool *trimmed) {
    memset(rect, 0, sizeof *rect);
    *trimmed = false;
    vg_status st = check(im, opts);
    if (st != VG_OK)
        return st;
    struct cfg k = {im->channels, VG_TRIM_TOLERANCE_DEFAULT, VG_TRIM_MIN_MATCH_DEFAULT};
    double min_content = VG_TRIM_MIN_CONTENT_DEFAULT;
    if (opts && opts->tolerance)
        k.tol = opts->tolerance;
    if (opts && opts->min_match > 0)
        k.min_match = opts->min_match;
    if (opts && opts->min_content > 0)
        min_content = opts->min_content;
    uint32_t tb[2] = {0, 0}, lr[2] = {0, 0};
    *rect = (vg_trim_rect){0, 0, im->width, im->height};
    if (!axis(im, TOP, im->height, 0, im->width, &k, min_content, tb))
        return VG_OK;
    uint32_t h = im->height - tb[0] - tb[1];
    if (!axis(im, LEFT, im->width, tb[0], h, &k, min_content, lr))
        return VG_OK;
    *rect = (vg_trim_rect){lr[0], tb[0], im->width - lr[0] - lr[1], h};
    *trimmed = tb[0] || tb[1] || lr[0] || lr[1];
    return VG_OK;
}

vg_status vg_trim_maybe(const vg_pdq_image *im, const vg_trim_opts *opts, bool *maybe) {
    *maybe = false;
    vg_status st = check(im, opts);
    if (st != VG_OK)
        return st;
    struct cfg k = {im->channels, VG_TRIM_MAYBE_TOLERANCE, VG_TRIM_MAYBE_MATCH};
    if (opts && opts->tolerance)
        k.tol = opts->tolerance;
    if (opts && opts->min_match > 0)
        k.min_match = opts->min_match;
    for (int side = TOP; side <= RIGHT && !*maybe; side++) {
        struct line l = side_line(im, side, 0, 0, side <= BOTTOM ? im->width : im->height);
        unsigned ref[3] = {0, 0, 0};
        mean_colour(&l, k.ch, ref);
        *maybe = share(&l, &k, ref) >= k.min_match;
    }
    return VG_OK;
}

vg_status vg_trim_apply(const vg_pdq_image *im, const vg_trim_rect *rect, vg_pdq_image *sub) {
    memset(sub, 0, sizeof *sub);
    if (!im || !im->pixels || !rect || rect->width == 0 || rect->height == 0)
        return VG_E_INVAL;
    if (rect->x > im->width || rect->width > im->width - rect->x || rect->y > im->height ||
        rect->height > im->height - rect->y)
        return VG_E_INVAL;
    sub->pixels = im->pixels + (size_t)rect->y * im->stride + (size_t)rect->x * im->channels;
    sub->width = rect->width;
    sub->height = rect->height;
    sub->stride = im->stride;
    sub->channels = im->channels;
    return VG_OK;
}
