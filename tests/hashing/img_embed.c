/* img_embed.c — images inside other files, for the embedded-image tests (see img_embed.h). */
#include "img_embed.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- EXIF thumbnail ---- */

static void put(uint8_t *p, uint32_t v, int bytes, int be) {
    for (int i = 0; i < bytes; i++)
        p[be ? bytes - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

uint8_t *te_jpeg_with_exif(const uint8_t *jpg, size_t n, const uint8_t *thumb, size_t tn, int be,
                           size_t *out_n) {
    size_t tiff = TE_EXIF_THUMB_DATA + tn, seg = 2 + 6 + tiff;
    if (seg > 65535 || n < 2)
        return NULL;
    uint8_t *o = calloc(1, n + 2 + seg);
    if (!o)
        return NULL;
    memcpy(o, jpg, 2);
    uint8_t *s = o + 2, *t = o + TE_EXIF_TIFF_AT;
    s[0] = 0xff;
    s[1] = 0xe1;
    put(s + 2, (uint32_t)seg, 2, 1);
    memcpy(s + 4, "Exif\0\0", 6);
    memcpy(t, be ? "MM" : "II", 2);
    put(t + 2, 42, 2, be);
    put(t + 4, 8, 4, be);
    put(t + 8, 1, 2, be);       /* IFD0: 1 entry */
    put(t + 10, 0x0112, 2, be); /* Orientation SHORT 1 = 1 */
    put(t + 12, 3, 2, be);
    put(t + 14, 1, 4, be);
    put(t + 18, 1, 2, be);
    put(t + 22, TE_EXIF_IFD1_AT, 4, be); /* next IFD: IFD1 */
    put(t + 26, 2, 2, be);               /* IFD1: 2 entries */
    put(t + 28, 0x0201, 2, be);          /* JPEGInterchangeFormat LONG 1 */
    put(t + 30, 4, 2, be);
    put(t + 32, 1, 4, be);
    put(t + TE_EXIF_THUMB_OFF, TE_EXIF_THUMB_DATA, 4, be);
    put(t + 40, 0x0202, 2, be); /* JPEGInterchangeFormatLength LONG 1 */
    put(t + 42, 4, 2, be);
    put(t + 44, 1, 4, be);
    put(t + TE_EXIF_THUMB_LEN, (uint32_t)tn, 4, be);
    put(t + 52, 0, 4, be); /* no IFD2 */
    memcpy(t + TE_EXIF_THUMB_DATA, thumb, tn);
    memcpy(s + 2 + seg, jpg + 2, n - 2);
    *out_n = n + 2 + seg;
    return o;
}

uint8_t *te_quarter(const uint8_t *px, uint32_t w, uint32_t h, unsigned chans) {
    uint32_t tw = w / 4, th = h / 4;
    uint8_t *q = malloc((size_t)tw * th * chans + 1);
    for (uint32_t y = 0; q && y < th; y++)
        for (uint32_t x = 0; x < tw * chans; x++) {
            unsigned sum = 0, c = x % chans, x0 = x / chans * 4;
            for (unsigned d = 0; d < 16; d++)
                sum += px[((size_t)(4 * y + d / 4) * w + x0 + d % 4) * chans + c];
            q[(size_t)y * tw * chans + x] = (uint8_t)((sum + 8) / 16);
        }
    return q;
}

/* ---- PDF ---- */

struct out {
    uint8_t *p;
    size_t len, cap;
    int bad;
};

static void add(struct out *o, const void *d, size_t n) {
    if (o->bad)
        return;
    if (o->len + n > o->cap) {
        size_t cap = (o->len + n) * 2 + 1024;
        uint8_t *p = realloc(o->p, cap);
        if (!p) {
            o->bad = 1;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, d, n);
    o->len += n;
}

static void addf(struct out *o, const char *fmt, ...) {
    char b[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b, sizeof b, fmt, ap);
    va_end(ap);
    add(o, b, (size_t)k);
}

uint8_t *te_pdf_with_jpegs(const te_pdf_img *imgs, int count, int indirect_length, size_t *n) {
    struct out o = {0};
    size_t offs[64];
    int nobj = 4 + 2 * count;
    if (count < 1 || nobj > 64)
        return NULL;
    addf(&o, "%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n");
    offs[1] = o.len;
    addf(&o, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    offs[2] = o.len;
    addf(&o, "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
    offs[3] = o.len;
    addf(&o,
         "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %u %u] /Contents 4 0 R"
         " /Resources << /XObject <<",
         imgs[0].w, imgs[0].h);
    for (int i = 0; i < count; i++)
        addf(&o, " /Im%d %d 0 R", i, 5 + 2 * i);
    addf(&o, " >> >> >>\nendobj\n");
    char content[2048];
    size_t cl = 0;
    for (int i = 0; i < count && cl < sizeof content - 100; i++)
        cl += (size_t)snprintf(content + cl, sizeof content - cl, "q %u 0 0 %u 0 0 cm /Im%d Do Q\n",
                               imgs[i].w, imgs[i].h, i);
    offs[4] = o.len;
    addf(&o, "4 0 obj\n<< /Length %zu >>\nstream\n", cl);
    add(&o, content, cl);
    addf(&o, "endstream\nendobj\n");
    for (int i = 0; i < count; i++) {
        int id = 5 + 2 * i;
        offs[id] = o.len;
        addf(&o,
             "%d 0 obj\n<< /Type /XObject /Subtype /Image /Width %u /Height %u"
             " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode",
             id, imgs[i].w, imgs[i].h);
        if (indirect_length)
            addf(&o, " /Length %d 0 R >>\nstream\n", id + 1);
        else
            addf(&o, " /Length %zu >>\nstream\n", imgs[i].n);
        add(&o, imgs[i].jpg, imgs[i].n);
        addf(&o, "\nendstream\nendobj\n");
        offs[id + 1] = o.len;
        addf(&o, "%d 0 obj\n%zu\nendobj\n", id + 1, imgs[i].n);
    }
    size_t xref = o.len;
    addf(&o, "xref\n0 %d\n0000000000 65535 f \n", nobj + 1);
    for (int i = 1; i <= nobj; i++)
        addf(&o, "%010zu 00000 n \n", offs[i]);
    addf(&o, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1, xref);
    if (o.bad) {
        free(o.p);
        return NULL;
    }
    *n = o.len;
    return o.p;
}
