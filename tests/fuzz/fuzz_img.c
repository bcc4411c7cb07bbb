/*
 * fuzz_img.c — image decoding (every format vg_img_sniff knows) and PDQ of the result.
 *
 * Each input goes through vg_img_sniff, vg_img_probe, vg_img_decode and vg_img_decode_scaled
 * (DCT-scaled for JPEG) on one decoder with strict limits, so a header claiming a huge image is
 * refused before allocation instead of exhausting the fuzzer's memory. Every decoded image is
 * hashed with PDQ (both conventions, dihedrals on), and the decoder's contracts are checked:
 * a failure leaves the image zeroed with a reason; a success gives pixels of the stated shape
 * within the limits; probe and decode agree on the format and header size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 4 MP and 256 MiB: far above every seed, low enough for -rss_limit_mb=2048 with ASan. */
static const vg_img_limits limits = {
    .max_pixels = 4u * 1024u * 1024u, .max_bytes = 256u * 1024u * 1024u, .max_scans = 100u};

static vg_img_dec *dec;
static vg_pdq *pq;

static void check_failure(const vg_img *im, vg_status st) {
    if (st != VG_E_FORMAT && st != VG_E_UNSUPPORTED && st != VG_E_LIMIT && st != VG_E_NOMEM)
        abort();
    if (im->pixels || im->width || im->height)
        abort(); /* a failed decode hands back nothing */
    if (vg_img_dec_errmsg(dec)[0] == '\0')
        abort(); /* every failure has a reason */
    if ((st == VG_E_LIMIT) != (vg_img_dec_limit(dec, NULL, NULL) != VG_IMG_LIM_NONE))
        abort(); /* a limit failure names its limit (the report's record), no other does */
}

static void check_and_hash(const vg_img *im) {
    if (!im->pixels || im->width == 0 || im->height == 0)
        abort();
    if (im->channels != 1 && im->channels != 3)
        abort();
    if (im->stride < (size_t)im->width * im->channels)
        abort();
    if ((uint64_t)im->width * im->height > limits.max_pixels)
        abort();
    /* Touch the last byte: ASan reports a buffer smaller than stated. */
    volatile uint8_t last =
        im->pixels[(size_t)(im->height - 1) * im->stride + (size_t)im->width * im->channels - 1];
    (void)last;
    vg_pdq_image pi = {im->pixels, im->width, im->height, im->stride, im->channels};
    vg_pdq_result r;
    if (vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r) != VG_OK)
        abort();
    if (vg_pdq_hash(pq, &pi, VG_PDQ_CLI, 0, &r) != VG_OK)
        abort();
}

static void run(vg_status st, const vg_img *im) {
    if (st == VG_OK && vg_img_dec_limit(dec, NULL, NULL) != VG_IMG_LIM_NONE)
        abort(); /* a success leaves no limit behind */
    if (st == VG_OK)
        check_and_hash(im);
    else
        check_failure(im, st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!dec && (vg_img_dec_open(&dec, &limits) != VG_OK || vg_pdq_open(&pq) != VG_OK))
        abort();
    vg_img_format f = vg_img_sniff(data, size);
    vg_img probe, im;
    vg_status pst = vg_img_probe(dec, data, size, &probe);
    if (pst == VG_OK && (probe.pixels || probe.format != f))
        abort();
    vg_status st = vg_img_decode(dec, data, size, &im);
    run(st, &im);
    if (f == VG_IMG_NONE && st != VG_E_UNSUPPORTED)
        abort();
    if (st == VG_OK && pst == VG_OK &&
        (im.full_width != probe.full_width || im.full_height != probe.full_height))
        abort();
    /* The screening path: let the input's last byte pick the scale. */
    static const unsigned denoms[] = {0, 1, 2, 4, 8};
    unsigned denom = size ? denoms[data[size - 1] % 5] : 0;
    run(vg_img_decode_scaled(dec, data, size, denom, 32, &im), &im);
    vg_img_dec_wipe(dec);
    return 0;
}
