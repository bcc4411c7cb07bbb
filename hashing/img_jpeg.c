/*
 * img_jpeg.c — JPEG decoding from memory with libjpeg-turbo, to 8-bit RGB or grey.
 *
 * libjpeg's defaults are kept (JDCT_ISLOW integer IDCT, fancy upsampling): the pixels then equal
 * djpeg's and ImageMagick's, which is what Meta's PDQ reference was fed (PDQ.md §3.3); the
 * corpus TSVs' decoded-pixel SHA-256s prove it in tests. libjpeg reports errors by calling
 * error_exit, which must not return: ours longjmps back into vg_img_jpeg_decode() only, so no
 * longjmp leaves this file. output_message and emit_message are replaced so nothing reaches
 * stderr. Warnings that mean "the pixels are incomplete or guessed" (premature end of file,
 * corrupt entropy data) are turned into errors: vigil never hashes a partial image.
 *
 * Not wiped: libjpeg's own work memory (a few rows, and the coefficient buffer of a progressive
 * file) is freed by libjpeg without wiping; libjpeg offers no allocator hook.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h> /* before jerror.h: jconfig.h decides which codes exist */

#include <jerror.h>

#include "img_impl.h"

struct jerr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    vg_img_dec *d;
    vg_status st; /* returned after the longjmp */
};

struct jprog {
    struct jpeg_progress_mgr pub;
    unsigned max_scans;
};

/* ---- libjpeg callbacks: never print, never return from an error ---- */

static void jfail(j_common_ptr c, vg_status st, const char *what) {
    struct jerr *e = (struct jerr *)(void *)c->err;
    char msg[JMSG_LENGTH_MAX];
    c->err->format_message(c, msg);
    vg_img_fail(e->d, st, "jpeg: %s%s", msg, what);
    e->st = st;
    longjmp(e->jb, 1);
}

static void on_error_exit(j_common_ptr c) {
    jfail(c, VG_E_FORMAT, "");
}

static void on_output_message(j_common_ptr c) {
    (void)c; /* never print */
}

/* Warnings after which the decoded pixels are not the file's (libjpeg fills in grey). */
static bool warning_is_fatal(int code) {
    switch (code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_MUST_RESYNC:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_NOT_SEQUENTIAL:
        return true;
    default:
        return false;
    }
}

static void on_emit_message(j_common_ptr c, int level) {
    if (level >= 0)
        return; /* trace messages */
    c->err->num_warnings++;
    if (warning_is_fatal(c->err->msg_code))
        jfail(c, VG_E_FORMAT,
              c->err->msg_code == JWRN_JPEG_EOF ? " (truncated)" : " (pixels incomplete)");
}

static void on_progress(j_common_ptr c) {
    struct jprog *p = (struct jprog *)(void *)c->progress;
    j_decompress_ptr di = (j_decompress_ptr)(void *)c;
    if (di->input_scan_number > 0 && (unsigned)di->input_scan_number > p->max_scans) {
        struct jerr *e = (struct jerr *)(void *)c->err;
        vg_img_fail_limit(e->d, VG_IMG_LIM_SCANS, (uint64_t)di->input_scan_number, p->max_scans,
                          "jpeg: more than %u progressive scans", p->max_scans);
        e->st = VG_E_LIMIT;
        longjmp(e->jb, 1);
    }
}

/* ---- sizes ---- */

/* Memory libjpeg will need beyond the output: the whole-image coefficient buffer of a
 * progressive (or multi-scan) file; a few rows otherwise. */
static uint64_t work_bytes(struct jpeg_decompress_struct *ci) {
    uint64_t total = 0;
    for (int i = 0; i < ci->num_components; i++) {
        const jpeg_component_info *cp = &ci->comp_info[i];
        uint64_t bw = ((uint64_t)ci->image_width * (uint64_t)cp->h_samp_factor +
                       (uint64_t)ci->max_h_samp_factor * 8 - 1) /
                      ((uint64_t)ci->max_h_samp_factor * 8);
        uint64_t bh = ((uint64_t)ci->image_height * (uint64_t)cp->v_samp_factor +
                       (uint64_t)ci->max_v_samp_factor * 8 - 1) /
                      ((uint64_t)ci->max_v_samp_factor * 8);
        total += (bw + 2) * (bh + 2) * 128u; /* 64 coefficients of 2 bytes, plus edge blocks */
    }
    if (!jpeg_has_multiple_scans(ci))
        total = (uint64_t)ci->image_width * 4u * 64u; /* row groups only */
    return total;
}

static unsigned pick_denom(uint32_t w, uint32_t h, unsigned denom, uint32_t min_side) {
    if (denom != 16)
        return denom;
    for (unsigned den = 8; den >= 2; den /= 2)
        if ((w + den - 1) / den >= min_side && (h + den - 1) / den >= min_side)
            return den;
    return 1;
}

/* ---- pixels ---- */

static inline uint8_t mul255(unsigned a, unsigned b) {
    return (uint8_t)((a * b + 127u) / 255u);
}

/* One CMYK row to RGB. Adobe files store inverted CMYK (Photoshop): R = C'K'/255. */
static void cmyk_row(const uint8_t *in, uint8_t *out, uint32_t w, bool inverted) {
    for (uint32_t x = 0; x < w; x++, in += 4, out += 3) {
        unsigned c = in[0], m = in[1], y = in[2], k = in[3];
        if (!inverted) {
            c = 255u - c;
            m = 255u - m;
            y = 255u - y;
            k = 255u - k;
        }
        out[0] = mul255(c, k);
        out[1] = mul255(m, k);
        out[2] = mul255(y, k);
    }
}

static void read_rows(vg_img_dec *d, struct jpeg_decompress_struct *ci, uint8_t *pix, size_t stride,
                      bool cmyk) {
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW rows[1];
        uint8_t *dst = pix + (size_t)ci->output_scanline * stride;
        rows[0] = cmyk ? d->scratch.p : dst;
        if (jpeg_read_scanlines(ci, rows, 1) != 1)
            ERREXIT(ci, JERR_INPUT_EOF);
        if (cmyk)
            cmyk_row(d->scratch.p, dst, ci->output_width, ci->saw_Adobe_marker);
    }
}

/* ---- decode ---- */

static void fill_header(const struct jpeg_decompress_struct *ci, vg_img *img) {
    img->format = VG_IMG_JPEG;
    img->full_width = ci->image_width;
    img->full_height = ci->image_height;
    img->width = ci->image_width;
    img->height = ci->image_height;
    img->progressive = ci->progressive_mode != 0;
    img->channels = ci->jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
    img->scale_denom = 1;
}

/* Everything between the header and the pixels; may longjmp through e. */
static vg_status start(vg_img_dec *d, struct jpeg_decompress_struct *ci, unsigned denom,
                       uint32_t min_side, vg_img *img) {
    bool cmyk = ci->jpeg_color_space == JCS_CMYK || ci->jpeg_color_space == JCS_YCCK;
    if (d->screen && !cmyk) {
        /* Screening: Y only (libjpeg then skips the chroma IDCT, upsampling and colour
         * conversion) through the fast integer IDCT. Approximate pixels, by design. */
        img->channels = 1;
        ci->dct_method = JDCT_IFAST;
    }
    ci->out_color_space = img->channels == 1 ? JCS_GRAYSCALE : cmyk ? JCS_CMYK : JCS_RGB;
    ci->scale_num = 1;
    ci->scale_denom = pick_denom(ci->image_width, ci->image_height, denom, min_side);
    jpeg_calc_output_dimensions(ci);
    uint64_t w = ci->output_width, h = ci->output_height;
    uint64_t pixbytes = w * h * img->channels;
    uint64_t work = work_bytes(ci);
    vg_status st =
        vg_img_check_size(d, "jpeg", ci->image_width, ci->image_height, pixbytes + work + w * 4u);
    if (st != VG_OK)
        return st;
    ci->mem->max_memory_to_use =
        (long)(d->lim.max_bytes - pixbytes < (uint64_t)LONG_MAX ? d->lim.max_bytes - pixbytes
                                                                : (uint64_t)LONG_MAX);
    if ((st = vg_img_buf_reserve(d, &d->pix, (size_t)pixbytes)) != VG_OK ||
        (cmyk && (st = vg_img_buf_reserve(d, &d->scratch, (size_t)w * 4u)) != VG_OK))
        return st;
    img->width = (uint32_t)w;
    img->height = (uint32_t)h;
    img->stride = (size_t)w * img->channels;
    img->scale_denom = ci->scale_denom;
    return VG_OK;
}

vg_status vg_img_jpeg_decode(vg_img_dec *d, const uint8_t *buf, size_t n, unsigned denom,
                             uint32_t min_side, vg_img *img) {
    struct jpeg_decompress_struct ci;
    struct jerr e;
    struct jprog prog;
    memset(&ci, 0, sizeof ci);
    ci.err = jpeg_std_error(&e.pub);
    e.pub.error_exit = on_error_exit;
    e.pub.output_message = on_output_message;
    e.pub.emit_message = on_emit_message;
    e.d = d;
    e.st = VG_E_FORMAT;
    if (setjmp(e.jb)) {
        jpeg_destroy_decompress(&ci);
        return e.st;
    }
    jpeg_create_decompress(&ci);
    prog.pub.progress_monitor = on_progress;
    prog.max_scans = d->lim.max_scans;
    ci.progress = &prog.pub;
    jpeg_mem_src(&ci, buf, (unsigned long)n);
    jpeg_read_header(&ci, TRUE);
    fill_header(&ci, img);
    vg_status st = VG_OK;
    if (denom == 0) {
        uint64_t w = ci.image_width, h = ci.image_height;
        st = vg_img_check_size(d, "jpeg", w, h, w * h * img->channels + work_bytes(&ci));
    } else if ((st = start(d, &ci, denom, min_side, img)) == VG_OK) {
        bool cmyk = ci.out_color_space == JCS_CMYK;
        jpeg_start_decompress(&ci);
        read_rows(d, &ci, d->pix.p, img->stride, cmyk);
        img->pixels = d->pix.p;
    }
    jpeg_destroy_decompress(&ci);
    return st;
}
