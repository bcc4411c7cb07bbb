/*
 * img_gif.c — GIF decoding from memory with giflib, to 8-bit RGB: the FIRST FRAME.
 *
 * The first image of the file is drawn on a canvas of the logical screen size (grown to hold the
 * frame if the frame reaches past it, as PIL does), at its offset, through its local colour map
 * or else the global one; interlaced rows are put back in order. Pixels outside the frame, and
 * pixels of the transparent index, take the colour of the transparent index if the frame's
 * graphic control extension sets one, else of the screen's background index (alpha dropped, the
 * stored colour hashed, as for PNG). Almost every GIF's first frame covers the whole screen, and
 * then the pixels equal `giftext`/PIL/ImageMagick's first frame. Later frames are not hashed.
 *
 * giflib reads through our callback from the buffer, reports errors by return codes (no longjmp)
 * and prints nothing. Only the first frame is read (no DGifSlurp, which would hold every frame).
 * Limits are checked on the canvas before any pixel memory is allocated. giflib's own buffers
 * hold colour maps and LZW state, never a whole image; one row of indices lives in our scratch
 * buffer, wiped with the rest.
 */
#include <stdio.h>
#include <string.h>

#include <gif_lib.h>

#include "img_impl.h"

struct gifsrc {
    const uint8_t *buf;
    size_t n, pos;
};

void vg_img_gif_version(char *buf, size_t cap) {
    snprintf(buf, cap, "giflib %d.%d.%d", GIFLIB_MAJOR, GIFLIB_MINOR, GIFLIB_RELEASE);
}

static int on_read(GifFileType *g, GifByteType *out, int len) {
    struct gifsrc *s = g->UserData;
    size_t want = len > 0 ? (size_t)len : 0, left = s->n - s->pos;
    if (want > left)
        want = left;
    memcpy(out, s->buf + s->pos, want);
    s->pos += want;
    return (int)want;
}

static vg_status gif_fail(vg_img_dec *d, int code) {
    const char *why = GifErrorString(code);
    return vg_img_fail(d, code == D_GIF_ERR_NOT_ENOUGH_MEM ? VG_E_NOMEM : VG_E_FORMAT, "gif: %s",
                       why ? why : "decoding failed");
}

/* ---- records before the first image ---- */

/* Skip extensions up to the first image descriptor; *transp gets the GCE's transparent index. */
static vg_status seek_image(vg_img_dec *d, GifFileType *g, int *transp) {
    for (;;) {
        GifRecordType rt;
        if (DGifGetRecordType(g, &rt) == GIF_ERROR)
            return gif_fail(d, g->Error);
        if (rt == IMAGE_DESC_RECORD_TYPE)
            return DGifGetImageDesc(g) == GIF_ERROR ? gif_fail(d, g->Error) : VG_OK;
        if (rt == TERMINATE_RECORD_TYPE)
            return vg_img_fail(d, VG_E_FORMAT, "gif: no image in the file");
        if (rt != EXTENSION_RECORD_TYPE)
            return vg_img_fail(d, VG_E_FORMAT, "gif: unknown record");
        int code;
        GifByteType *ext;
        if (DGifGetExtension(g, &code, &ext) == GIF_ERROR)
            return gif_fail(d, g->Error);
        while (ext) {
            GraphicsControlBlock gcb;
            if (code == GRAPHICS_EXT_FUNC_CODE && ext[0] == 4 &&
                DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK)
                *transp = gcb.TransparentColor;
            if (DGifGetExtensionNext(g, &ext) == GIF_ERROR)
                return gif_fail(d, g->Error);
        }
    }
}

/* ---- pixels ---- */

struct frame {
    const ColorMapObject *map;
    uint8_t fill[3];
    int transp;
};

static void map_color(const struct frame *f, int idx, uint8_t *out) {
    if (idx == f->transp || !f->map || idx < 0 || idx >= f->map->ColorCount) {
        memcpy(out, f->fill, 3);
        return;
    }
    const GifColorType *c = &f->map->Colors[idx];
    out[0] = c->Red;
    out[1] = c->Green;
    out[2] = c->Blue;
}

static void fill_canvas(vg_img_dec *d, const struct frame *f, const vg_img *img) {
    size_t npix = (size_t)img->width * img->height;
    for (size_t i = 0; i < npix; i++)
        memcpy(d->pix.p + 3 * i, f->fill, 3);
}

/* Read the frame's rows (in file order; interlaced ones in four passes) onto the canvas. */
static vg_status read_frame(vg_img_dec *d, GifFileType *g, const struct frame *f, vg_img *img) {
    static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
    const GifImageDesc *id = &g->Image;
    int npass = id->Interlace ? 4 : 1;
    for (int p = 0; p < npass; p++) {
        int y0 = id->Interlace ? start[p] : 0, dy = id->Interlace ? step[p] : 1;
        for (int y = y0; y < id->Height; y += dy) {
            if (DGifGetLine(g, d->scratch.p, id->Width) == GIF_ERROR)
                return gif_fail(d, g->Error);
            uint8_t *row = d->pix.p + (size_t)(id->Top + y) * img->stride + (size_t)id->Left * 3;
            for (int x = 0; x < id->Width; x++)
                map_color(f, d->scratch.p[x], row + 3 * x);
        }
    }
    return VG_OK;
}

/* ---- decode ---- */

static vg_status decode(vg_img_dec *d, GifFileType *g, bool probe, vg_img *img) {
    int transp = NO_TRANSPARENT_COLOR;
    vg_status st = seek_image(d, g, &transp);
    if (st != VG_OK)
        return st;
    const GifImageDesc *id = &g->Image;
    if (id->Left < 0 || id->Top < 0 || id->Width <= 0 || id->Height <= 0)
        return vg_img_fail(d, VG_E_FORMAT, "gif: bad frame rectangle");
    uint64_t w = (uint64_t)id->Left + (uint64_t)id->Width;
    uint64_t h = (uint64_t)id->Top + (uint64_t)id->Height;
    if (g->SWidth > 0 && (uint64_t)g->SWidth > w)
        w = (uint64_t)g->SWidth;
    if (g->SHeight > 0 && (uint64_t)g->SHeight > h)
        h = (uint64_t)g->SHeight;
    img->format = VG_IMG_GIF;
    img->channels = 3;
    img->scale_denom = 1;
    if ((st = vg_img_check_size(d, "gif", w, h, w * h * 3u + w + 65536u)) != VG_OK)
        return st;
    img->width = img->full_width = (uint32_t)w;
    img->height = img->full_height = (uint32_t)h;
    img->stride = (size_t)w * 3u;
    if (probe)
        return VG_OK;
    struct frame f = {.map = id->ColorMap ? id->ColorMap : g->SColorMap, .transp = transp};
    const ColorMapObject *gmap = g->SColorMap;
    int bg = transp != NO_TRANSPARENT_COLOR ? transp : g->SBackGroundColor;
    const ColorMapObject *fmap = transp != NO_TRANSPARENT_COLOR ? f.map : gmap;
    if (fmap && bg >= 0 && bg < fmap->ColorCount)
        memcpy(
            f.fill,
            (const uint8_t[3]){fmap->Colors[bg].Red, fmap->Colors[bg].Green, fmap->Colors[bg].Blue},
            3);
    if ((st = vg_img_buf_reserve(d, &d->pix, img->stride * img->height)) != VG_OK ||
        (st = vg_img_buf_reserve(d, &d->scratch, (size_t)id->Width)) != VG_OK)
        return st;
    fill_canvas(d, &f, img);
    if ((st = read_frame(d, g, &f, img)) != VG_OK)
        return st;
    img->pixels = d->pix.p;
    return VG_OK;
}

vg_status vg_img_gif_decode(vg_img_dec *d, const uint8_t *buf, size_t n, bool probe, vg_img *img) {
    struct gifsrc src = {buf, n, 0};
    int err = 0;
    GifFileType *g = DGifOpen(&src, on_read, &err);
    if (!g)
        return gif_fail(d, err);
    vg_status st = decode(d, g, probe, img);
    DGifCloseFile(g, &err);
    return st;
}
