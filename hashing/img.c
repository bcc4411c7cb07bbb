/*
 * img.c — image format sniffing, the decoder handle, its reusable buffers and its limits.
 *
 * Buffers are grown, never shrunk, and reused across images: on this class of VM a fresh page
 * costs ~25 us on first touch, more than decoding it (PERF.md §5). Every buffer that held
 * pixels is wiped with OPENSSL_cleanse before it is freed or replaced, and sits on pages of its
 * own marked MADV_DONTDUMP, so no core dump holds a decoded image (EVIDENCE.md §4) even if
 * something turned dumps back on after the scan switched them off.
 */
#define _GNU_SOURCE /* MADV_DONTDUMP */
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <jpeglib.h>
#include <openssl/crypto.h>
#include <png.h>

#include "img_impl.h"

/* ---- sniffing ---- */

static bool is_brand(const uint8_t *b, const char *const *list) {
    for (; *list; list++)
        if (memcmp(b, *list, 4) == 0)
            return true;
    return false;
}

/* ISO BMFF: a leading `ftyp` box whose major or compatible brands name HEIF or AVIF; a general
 * HEIF major brand (mif1) wins over a compatible "avif", as in libheif's MIME type. */
static vg_img_format sniff_bmff(const uint8_t *b, size_t n) {
    static const char *const avif[] = {"avif", "avis", NULL};
    static const char *const heif[] = {"heic", "heix", "heim", "heis", "hevc", "hevx",
                                       "hevm", "hevs", "mif1", "msf1", "mif2", NULL};
    if (n < 16 || memcmp(b + 4, "ftyp", 4) != 0)
        return VG_IMG_NONE;
    uint32_t box = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
    if (box < 16 || box % 4 != 0)
        return VG_IMG_NONE;
    if (is_brand(b + 8, avif))
        return VG_IMG_AVIF;
    size_t end = box < n ? box : n;
    bool any_heif = is_brand(b + 8, heif);
    for (size_t i = 16; i + 4 <= end; i += 4) {
        if (is_brand(b + i, avif) && !any_heif)
            return VG_IMG_AVIF; /* e.g. major "miaf", compatible "avif" */
        any_heif = any_heif || is_brand(b + i, heif);
    }
    return any_heif ? VG_IMG_HEIF : VG_IMG_NONE;
}

/* "BM" alone starts plenty of text; also require a known DIB header size. */
static bool sniff_bmp(const uint8_t *b, size_t n) {
    if (n < 18 || b[0] != 'B' || b[1] != 'M')
        return false;
    uint32_t hs =
        (uint32_t)b[14] | (uint32_t)b[15] << 8 | (uint32_t)b[16] << 16 | (uint32_t)b[17] << 24;
    return hs == 12 || hs == 40 || hs == 52 || hs == 56 || hs == 108 || hs == 124;
}

vg_img_format vg_img_sniff(const void *buf, size_t n) {
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
    const uint8_t *b = buf;
    if (!b)
        return VG_IMG_NONE;
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
        return VG_IMG_JPEG;
    if (n >= 8 && memcmp(b, png_magic, 8) == 0)
        return VG_IMG_PNG;
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return VG_IMG_WEBP;
    if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0))
        return VG_IMG_GIF;
    if (n >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0 ||
                   memcmp(b, "II+\0", 4) == 0 || memcmp(b, "MM\0+", 4) == 0))
        return VG_IMG_TIFF;
    if (sniff_bmp(b, n))
        return VG_IMG_BMP;
    return sniff_bmff(b, n);
}

const char *vg_img_format_name(vg_img_format f) {
    switch (f) {
    case VG_IMG_JPEG:
        return "jpeg";
    case VG_IMG_PNG:
        return "png";
    case VG_IMG_WEBP:
        return "webp";
    case VG_IMG_GIF:
        return "gif";
    case VG_IMG_TIFF:
        return "tiff";
    case VG_IMG_HEIF:
        return "heif";
    case VG_IMG_AVIF:
        return "avif";
    case VG_IMG_BMP:
        return "bmp";
    case VG_IMG_NONE:
        break;
    }
    return "none";
}

bool vg_img_format_supported(vg_img_format f) {
    char buf[8];
    return vg_img_format_library(f, buf, sizeof buf) != NULL;
}

const char *vg_img_format_library(vg_img_format f, char *buf, size_t cap) {
    if (!buf || cap == 0)
        return NULL;
    switch (f) {
    case VG_IMG_JPEG:
        snprintf(buf, cap, "libjpeg API %d", JPEG_LIB_VERSION);
        return buf;
    case VG_IMG_PNG:
        snprintf(buf, cap, "libpng %s", png_get_libpng_ver(NULL));
        return buf;
    case VG_IMG_BMP:
        snprintf(buf, cap, "vigil (built in)");
        return buf;
#ifdef VIGIL_HAVE_WEBP
    case VG_IMG_WEBP:
        vg_img_webp_version(buf, cap);
        return buf;
#endif
#ifdef VIGIL_HAVE_GIF
    case VG_IMG_GIF:
        vg_img_gif_version(buf, cap);
        return buf;
#endif
#ifdef VIGIL_HAVE_TIFF
    case VG_IMG_TIFF:
        vg_img_tiff_version(buf, cap);
        return buf;
#endif
#ifdef VIGIL_HAVE_HEIF
    case VG_IMG_HEIF:
    case VG_IMG_AVIF:
        vg_img_heif_version(buf, cap);
        return buf;
#endif
    default:
        return NULL;
    }
}

/* ---- handle ---- */

#ifdef __GLIBC__
/*
 * libjpeg allocates a progressive JPEG's coefficient buffer (12 MB at 4 MP) with malloc and
 * frees it after each image; glibc serves such sizes with fresh mmap pages, and a fresh page
 * costs ~25 us on this VM (PERF.md): 100 ms of a 4 MP progressive decode went to page faults.
 * Keeping blocks up to 32 MiB on the heap (and not trimming it) lets the next image reuse them:
 * the same decode takes ~34 ms. Process-wide, set once.
 */
static void keep_heap(void) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
}
#endif

/* n bytes on whole pages of their own (page-aligned, size rounded up), marked MADV_DONTDUMP;
 * NULL if out of memory. Best effort on the flag: a kernel that refuses it still decodes (the
 * scan has switched core dumps off for the whole process too). Freed with free(). */
static uint8_t *alloc_nodump(size_t n) {
    long ps = sysconf(_SC_PAGESIZE);
    size_t page = ps > 0 ? (size_t)ps : 4096;
    if (n > SIZE_MAX - page)
        return NULL;
    size_t len = (n + page - 1) / page * page;
    void *p = NULL;
    if (posix_memalign(&p, page, len) != 0)
        return NULL;
#ifdef MADV_DONTDUMP
    (void)madvise(p, len, MADV_DONTDUMP);
#endif
    return p;
}

vg_status vg_img_dec_open(vg_img_dec **out, const vg_img_limits *lim) {
    *out = NULL;
#ifdef __GLIBC__
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, keep_heap);
#endif
    vg_img_dec *d = calloc(1, sizeof *d);
    if (!d)
        return VG_E_NOMEM;
    if (lim)
        d->lim = *lim;
    if (!d->lim.max_pixels)
        d->lim.max_pixels = VG_IMG_MAX_PIXELS_DEFAULT;
    if (!d->lim.max_bytes)
        d->lim.max_bytes = VG_IMG_MAX_BYTES_DEFAULT;
    if (!d->lim.max_scans)
        d->lim.max_scans = VG_IMG_MAX_SCANS_DEFAULT;
    *out = d;
    return VG_OK;
}

static void buf_release(struct img_buf *b) {
    if (b->p) {
        OPENSSL_cleanse(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->cap = 0;
    b->used = 0;
}

void vg_img_dec_wipe(vg_img_dec *d) {
    if (!d)
        return;
    /* Only what decodes wrote since the last wipe: after one large image, wiping the whole
     * buffer for every later small one cost ~1 ms each (12 MB), more than a screening decode. */
    struct img_buf *bufs[2] = {&d->pix, &d->scratch};
    for (size_t i = 0; i < 2; i++) {
        if (bufs[i]->p)
            OPENSSL_cleanse(bufs[i]->p, bufs[i]->used);
        bufs[i]->used = 0;
    }
}

void vg_img_dec_free(vg_img_dec *d) {
    if (!d)
        return;
    buf_release(&d->pix);
    buf_release(&d->scratch);
    free(d);
}

const char *vg_img_dec_errmsg(const vg_img_dec *d) {
    return d ? d->errmsg : "";
}

vg_img_limit vg_img_dec_limit(const vg_img_dec *d, uint64_t *value, uint64_t *max) {
    vg_img_limit hit = d ? d->hit : VG_IMG_LIM_NONE;
    if (value)
        *value = hit != VG_IMG_LIM_NONE ? d->hit_value : 0;
    if (max)
        *max = hit != VG_IMG_LIM_NONE ? d->hit_max : 0;
    return hit;
}

/* ---- helpers for the format files ---- */

vg_status vg_img_fail(vg_img_dec *d, vg_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started above */
    vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
    va_end(ap);
    d->hit = VG_IMG_LIM_NONE;
    return st;
}

vg_status vg_img_fail_limit(vg_img_dec *d, vg_img_limit which, uint64_t value, uint64_t max,
                            const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started above */
    vsnprintf(d->errmsg, sizeof d->errmsg, fmt, ap);
    va_end(ap);
    d->hit = which;
    d->hit_value = value;
    d->hit_max = max;
    return VG_E_LIMIT;
}

vg_status vg_img_buf_reserve(vg_img_dec *d, struct img_buf *b, size_t n) {
    if (n <= b->cap) {
        b->used = n > b->used ? n : b->used;
        return VG_OK;
    }
    /* Grow with headroom so a folder of slightly different sizes settles on one buffer. */
    size_t want = n + n / 4;
    if (want < n || want > d->lim.max_bytes)
        want = n;
    buf_release(b);
    b->p = alloc_nodump(want);
    if (!b->p)
        return vg_img_fail(d, VG_E_NOMEM, "out of memory for %zu bytes of pixels", want);
    b->cap = want;
    b->used = n;
    return VG_OK;
}

vg_status vg_img_check_size(vg_img_dec *d, const char *fmt, uint64_t w, uint64_t h,
                            uint64_t bytes) {
    if (w == 0 || h == 0)
        return vg_img_fail(d, VG_E_FORMAT, "%s: image has zero width or height", fmt);
    uint64_t pixels = w > UINT64_MAX / h ? UINT64_MAX : w * h;
    if (w > UINT32_MAX || h > UINT32_MAX || pixels > d->lim.max_pixels)
        return vg_img_fail_limit(
            d, VG_IMG_LIM_PIXELS, pixels, d->lim.max_pixels,
            "%s: image claims %llux%llu pixels, above the limit of %llu pixels", fmt,
            (unsigned long long)w, (unsigned long long)h, (unsigned long long)d->lim.max_pixels);
    if (bytes > d->lim.max_bytes || bytes > SIZE_MAX / 2)
        return vg_img_fail_limit(
            d, VG_IMG_LIM_MEMORY, bytes, d->lim.max_bytes,
            "%s: decoding %llux%llu needs %llu bytes, above the budget of %llu", fmt,
            (unsigned long long)w, (unsigned long long)h, (unsigned long long)bytes,
            (unsigned long long)d->lim.max_bytes);
    return VG_OK;
}

/* ---- decoding entry points ---- */

static vg_status dispatch(vg_img_dec *d, const void *buf, size_t n, unsigned denom,
                          uint32_t min_side, vg_img *img) {
    memset(img, 0, sizeof *img);
    d->errmsg[0] = '\0';
    d->hit = VG_IMG_LIM_NONE;
    vg_status st;
    vg_img_format f = vg_img_sniff(buf, n);
    switch (f) {
    case VG_IMG_JPEG:
        st = vg_img_jpeg_decode(d, buf, n, denom, min_side, img);
        break;
    case VG_IMG_PNG:
        st = vg_img_png_decode(d, buf, n, denom == 0, img);
        break;
    case VG_IMG_BMP:
        st = vg_img_bmp_decode(d, buf, n, denom == 0, img);
        break;
#ifdef VIGIL_HAVE_WEBP
    case VG_IMG_WEBP:
        st = vg_img_webp_decode(d, buf, n, denom == 0, img);
        break;
#endif
#ifdef VIGIL_HAVE_GIF
    case VG_IMG_GIF:
        st = vg_img_gif_decode(d, buf, n, denom == 0, img);
        break;
#endif
#ifdef VIGIL_HAVE_TIFF
    case VG_IMG_TIFF:
        st = vg_img_tiff_decode(d, buf, n, denom == 0, img);
        break;
#endif
#ifdef VIGIL_HAVE_HEIF
    case VG_IMG_HEIF:
    case VG_IMG_AVIF:
        st = vg_img_heif_decode(d, buf, n, f, denom == 0, false, img);
        break;
#endif
    case VG_IMG_NONE:
        return vg_img_fail(d, VG_E_UNSUPPORTED, "not an image format vigil knows (%zu bytes)", n);
    default:
        return vg_img_fail(d, VG_E_UNSUPPORTED, "%s: decoder not built in", vg_img_format_name(f));
    }
    if (st != VG_OK)
        memset(img, 0, sizeof *img);
    return st;
}

vg_status vg_img_decode(vg_img_dec *d, const void *buf, size_t n, vg_img *img) {
    return dispatch(d, buf, n, 1, 0, img);
}

static vg_status thumbnail(vg_img_dec *d, const void *buf, size_t n, bool probe, vg_img *img) {
    memset(img, 0, sizeof *img);
    d->errmsg[0] = '\0';
    d->hit = VG_IMG_LIM_NONE;
    vg_img_format f = vg_img_sniff(buf, n);
    vg_status st = vg_img_fail(d, VG_E_NOTFOUND, "%s: no thumbnail decoding for this format",
                               vg_img_format_name(f));
#ifdef VIGIL_HAVE_HEIF
    if (f == VG_IMG_HEIF || f == VG_IMG_AVIF)
        st = vg_img_heif_decode(d, buf, n, f, probe, true, img);
#else
    (void)probe;
#endif
    if (st != VG_OK)
        memset(img, 0, sizeof *img);
    return st;
}

vg_status vg_img_decode_thumbnail(vg_img_dec *d, const void *buf, size_t n, vg_img *img) {
    return thumbnail(d, buf, n, false, img);
}

vg_status vg_img_probe_thumbnail(vg_img_dec *d, const void *buf, size_t n, vg_img *img) {
    return thumbnail(d, buf, n, true, img);
}

vg_status vg_img_decode_scaled(vg_img_dec *d, const void *buf, size_t n, unsigned scale_denom,
                               uint32_t min_side, vg_img *img) {
    if (scale_denom != 0 && scale_denom != 1 && scale_denom != 2 && scale_denom != 4 &&
        scale_denom != 8) {
        memset(img, 0, sizeof *img);
        return vg_img_fail(d, VG_E_INVAL, "vg_img_decode_scaled: scale_denom %u not 0/1/2/4/8",
                           scale_denom);
    }
    /* 0 is "choose"; the JPEG decoder receives 16 for that, 0 being "probe". */
    return dispatch(d, buf, n, scale_denom ? scale_denom : 16, min_side, img);
}

vg_status vg_img_decode_screen(vg_img_dec *d, const void *buf, size_t n, uint32_t min_side,
                               vg_img *img) {
    d->screen = true;
    vg_status st = dispatch(d, buf, n, 16, min_side, img);
    d->screen = false;
    return st;
}

vg_status vg_img_probe(vg_img_dec *d, const void *buf, size_t n, vg_img *img) {
    return dispatch(d, buf, n, 0, 0, img);
}
