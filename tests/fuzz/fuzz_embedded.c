/*
 * fuzz_embedded.c — images inside other files: vg_img_exif_thumbnail (a JPEG's EXIF thumbnail)
 * and vg_img_pdf_next_jpeg (a PDF's JPEG streams), then the decode and PDQ of each image found,
 * as the scanner does. Contracts checked: a found range lies inside the input and starts with a
 * JPEG SOI; the PDF cursor only moves forward; a decode failure has a reason.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const vg_img_limits limits = {
    .max_pixels = 4u * 1024u * 1024u, .max_bytes = 256u * 1024u * 1024u, .max_scans = 100u};

static vg_img_dec *dec;
static vg_pdq *pq;

/* Decode and hash one embedded image, as the scanner would. */
static void hash_item(const uint8_t *data, size_t size, size_t off, size_t len) {
    if (off > size || len > size - off || len < 4 || data[off] != 0xff || data[off + 1] != 0xd8)
        abort();
    vg_img im;
    vg_status st = vg_img_decode(dec, data + off, len, &im);
    if (st != VG_OK) {
        if (vg_img_dec_errmsg(dec)[0] == '\0')
            abort();
        return;
    }
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    vg_pdq_result r;
    if (vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r) != VG_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!dec && (vg_img_dec_open(&dec, &limits) != VG_OK || vg_pdq_open(&pq) != VG_OK))
        abort();
    size_t off = 1, len = 1;
    vg_status st = vg_img_exif_thumbnail(data, size, &off, &len);
    if (st == VG_OK)
        hash_item(data, size, off, len);
    else if ((st != VG_E_NOTFOUND && st != VG_E_FORMAT) || off || len)
        abort();
    size_t pos = 0;
    for (int i = 0; i < 64; i++) {
        size_t before = pos;
        st = vg_img_pdf_next_jpeg(data, size, &pos, &off, &len);
        if (st != VG_OK)
            break;
        if (pos <= before || pos > size)
            abort();
        hash_item(data, size, off, len);
    }
    if (st != VG_OK && st != VG_E_NOTFOUND)
        abort();
    vg_img_dec_wipe(dec);
    return 0;
}
