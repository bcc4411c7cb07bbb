/* Image decoding from memory (JPEG via libjpeg-turbo, PNG via libpng; WebP, GIF, TIFF, HEIF/AVIF
 * via their Debian libraries when built in) to 8-bit RGB or grey. */
#ifndef VIGIL_IMG_H
#define VIGIL_IMG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes vg_img_sniff() needs to recognise every format it knows (HEIF/AVIF: the ISO BMFF
 * `ftyp` box, its major brand and the first compatible brands). */
#define VG_IMG_SNIFF_LEN 32

/*
 * Default limits, checked from the image header BEFORE any pixel memory is allocated.
 * 100 MP covers every phone and most DSLR photos (a 108 MP sensor bins to 12 MP by default);
 * the budget bounds everything the decoder holds for one image: the output pixels, libjpeg's
 * coefficient buffer of a progressive JPEG, libpng's rows of an interlaced image.
 */
#define VG_IMG_MAX_PIXELS_DEFAULT (100ull * 1000ull * 1000ull)
#define VG_IMG_MAX_BYTES_DEFAULT (1024ull * 1024ull * 1024ull)
/* A progressive JPEG can hold any number of scans, each a full pass over the coefficients; real
 * encoders write 10 or fewer. More than this is refused (VG_E_LIMIT). */
#define VG_IMG_MAX_SCANS_DEFAULT 100u

/* Formats recognised by magic bytes. Values may reach reports: append only. */
typedef enum vg_img_format {
    VG_IMG_NONE = 0, /* not an image vigil decodes */
    VG_IMG_JPEG = 1, /* FF D8 FF */
    VG_IMG_PNG = 2,  /* 89 50 4E 47 0D 0A 1A 0A */
    VG_IMG_WEBP = 3, /* "RIFF" size "WEBP" */
    VG_IMG_GIF = 4,  /* "GIF87a" / "GIF89a" */
    VG_IMG_TIFF = 5, /* "II*\0" / "MM\0*" (classic TIFF; BigTIFF too) */
    VG_IMG_HEIF = 6, /* ISO BMFF "ftyp" with a HEIF brand (heic, heix, mif1, ...) */
    VG_IMG_AVIF = 7, /* ISO BMFF "ftyp" with an AVIF brand (avif, avis) */
    VG_IMG_BMP = 8   /* "BM" + a plausible header */
} vg_img_format;

/* Per-decoder limits; zero in a field means "use the default". */
typedef struct vg_img_limits {
    uint64_t max_pixels; /* width * height */
    uint64_t max_bytes;  /* memory budget per image (pixels + decoder working memory) */
    uint32_t max_scans;  /* progressive JPEG scans */
} vg_img_limits;

/*
 * A decoded image, borrowed from the decoder: `pixels` stays valid until the next decode,
 * vg_img_dec_wipe() or vg_img_dec_free() on the same decoder. Never write it anywhere.
 *
 * Samples are 8-bit. channels == 3: interleaved R, G, B; channels == 1: grey (the source had one
 * channel: a greyscale JPEG or a grey / grey+alpha PNG). Row y starts at pixels + y * stride.
 * Alpha is dropped, not composited (Meta's PDQ reference does the same): the stored colour of a
 * transparent pixel is what is hashed.
 */
typedef struct vg_img {
    const uint8_t *pixels;
    uint32_t width;
    uint32_t height;
    size_t stride;        /* bytes per row, >= width * channels */
    unsigned channels;    /* 1 or 3 */
    vg_img_format format; /* what was decoded */
    bool progressive;     /* JPEG only: progressive (multi-scan) file */
    unsigned scale_denom; /* 1 for a full decode; 2, 4 or 8 for a DCT-scaled JPEG decode */
    uint32_t full_width;  /* size in the header (before any DCT scaling) */
    uint32_t full_height;
} vg_img;

/* A decoder with its reusable buffers. Single-threaded: one per worker. */
typedef struct vg_img_dec vg_img_dec;

/*
 * Recognise an image format by its first bytes (never by file name).
 * @param[in] buf  the first n bytes of the data (n >= VG_IMG_SNIFF_LEN recognises every format).
 * @return the format, or VG_IMG_NONE. Thread-safe.
 */
vg_img_format vg_img_sniff(const void *buf, size_t n);

/* Short lower-case name of a format ("jpeg", "png", "webp", ..., "none"); never NULL.
 * Thread-safe. */
const char *vg_img_format_name(vg_img_format f);

/*
 * Whether this build decodes a format (the optional ones depend on the libraries found at
 * build time). A format sniffed but not built in fails vg_img_decode() with VG_E_UNSUPPORTED.
 * Thread-safe.
 */
bool vg_img_format_supported(vg_img_format f);

/*
 * Name and run-time version of the library decoding a format in this build, e.g.
 * "libwebp 1.2.4", written into buf (NUL-terminated, truncated to cap).
 * @return buf, or NULL (buf untouched) if the format is not built in. Thread-safe.
 */
const char *vg_img_format_library(vg_img_format f, char *buf, size_t cap);

/*
 * Create a decoder. The first call also tunes glibc's malloc for the whole process (blocks up
 * to 32 MiB stay on the heap for reuse, see img.c): fresh pages are expensive.
 * @param[out] out  receives the decoder, owned by the caller (vg_img_dec_free()).
 * @param[in]  lim  limits, or NULL for the defaults; copied.
 * @return VG_OK or VG_E_NOMEM (*out is then NULL).
 */
vg_status vg_img_dec_open(vg_img_dec **out, const vg_img_limits *lim);

/*
 * Decode a whole image held in memory, recognised by its magic bytes, at full size.
 *
 * JPEG: libjpeg-turbo defaults (ISLOW integer IDCT, fancy upsampling), so the pixels equal
 * djpeg's and ImageMagick's; baseline, progressive, restart markers; greyscale gives channels 1;
 * CMYK / YCCK (Adobe-inverted as Photoshop writes them) are converted R = C*K/255 etc., rounded.
 * PNG: every colour type and bit depth; palette expanded, tRNS and alpha dropped, 1/2/4-bit grey
 * scaled to 0..255, 16-bit samples scaled to 8 bits as libpng does (v*255/65535, rounded). This
 * differs on purpose from the C++ PDQ CLI, whose ImageMagick→CImg path keeps the LOW byte of each
 * 16-bit sample (a bug): vigil's PDQ of a 16-bit PNG matches pdqhash on properly scaled pixels.
 * Optional formats (when built in; each file's header comment has the details):
 * WebP (libwebp): still images; an animation's FIRST FRAME as rendered on its canvas. GIF
 * (giflib): the FIRST FRAME on the logical screen. TIFF (libtiff RGBA interface): the FIRST PAGE;
 * one-sample grey pages give channels 1. HEIF/HEIC and AVIF (libheif): the PRIMARY image with
 * the container's crop/rotation/mirror applied. These give channels 3 unless stated; alpha is
 * always dropped, never composited. Later frames, pages and auxiliary images are not decoded.
 *
 * Corrupt or truncated data: the decode FAILS with VG_E_FORMAT and a reason in
 * vg_img_dec_errmsg(); vigil never hashes a partly decoded image, whose grey fill would give a
 * hash that exists in no list and cannot be reproduced by other tools. libjpeg warnings that
 * leave the pixels complete (e.g. extraneous bytes before a marker) are tolerated.
 *
 * Limits are checked from the header before pixel memory is allocated (VG_E_LIMIT, with the
 * claimed size in the message). Nothing is printed and no longjmp escapes.
 *
 * @param[in]  buf, n  the encoded image; borrowed for the call only.
 * @param[out] img     the decoded image (see vg_img for the lifetime of its pixels).
 * @return VG_OK; VG_E_UNSUPPORTED (no known format, including empty input; a format sniffed but
 *         not built in; a feature the library lacks, e.g. a TIFF compression); VG_E_FORMAT
 *         (corrupt or truncated); VG_E_LIMIT (a limit exceeded); VG_E_NOMEM. On failure *img is
 *         zeroed.
 */
vg_status vg_img_decode(vg_img_dec *d, const void *buf, size_t n, vg_img *img);

/*
 * Decode a JPEG with libjpeg-turbo's DCT-domain scaling (scale_num 1 / scale_denom), for the
 * screening path: much less IDCT and colour work on baseline files. scale_denom is 1, 2, 4 or 8;
 * 0 chooses the largest of 8, 4, 2 that keeps both sides >= min_side (else 1). Output sizes are
 * ceil(full / denom). Other formats are decoded at full size (scale_denom reported as 1).
 * Pixels differ from a full decode: never report a hash of them as the exact one.
 * @return as vg_img_decode(); VG_E_INVAL for another scale_denom.
 */
vg_status vg_img_decode_scaled(vg_img_dec *d, const void *buf, size_t n, unsigned scale_denom,
                               uint32_t min_side, vg_img *img);

/*
 * Decode for a screening hash only (vigil/pdq_screen.h), as fast as libjpeg-turbo allows: a
 * JPEG is DCT-scaled as vg_img_decode_scaled() with scale_denom 0, and a YCbCr or RGB JPEG gives
 * its luma only (channels 1: libjpeg skips the chroma IDCT, upsampling and colour conversion),
 * through the fast integer IDCT (JDCT_IFAST). CMYK/YCCK JPEGs give RGB; other formats are
 * decoded exactly as vg_img_decode(). Never report a hash of these pixels as the exact one.
 * @return as vg_img_decode().
 */
vg_status vg_img_decode_screen(vg_img_dec *d, const void *buf, size_t n, uint32_t min_side,
                               vg_img *img);

/*
 * Read only the header: format, size, progressive flag. No pixel memory is touched.
 * @return as vg_img_decode(), except VG_E_LIMIT is still reported when the header exceeds one.
 */
vg_status vg_img_probe(vg_img_dec *d, const void *buf, size_t n, vg_img *img);

/*
 * Find the EXIF thumbnail embedded in a JPEG: the small JPEG that IFD1 of the first APP1 "Exif"
 * segment points at (JPEGInterchangeFormat / JPEGInterchangeFormatLength). It can outlive an
 * edit of the main image, so the scanner hashes it as an item of its own
 * ("photo.jpg#exif-thumbnail"): digests on buf[*off, *off + *len), PDQ on vg_img_decode() of
 * those bytes. Only the marker segments before the first SOS are read; every offset is checked
 * against the segment; nothing is allocated or decoded.
 * @param[in]  buf, n    the whole JPEG file, borrowed for the call.
 * @param[out] off, len  where the thumbnail lies in buf (0, 0 unless VG_OK).
 * @return VG_OK; VG_E_NOTFOUND (not a JPEG, no Exif segment before the scan, or no JPEG thumbnail
 *         in it); VG_E_FORMAT (an Exif segment whose thumbnail pointers are out of bounds or do
 *         not lead to a JPEG start-of-image). Thread-safe.
 */
vg_status vg_img_exif_thumbnail(const void *buf, size_t n, size_t *off, size_t *len);

/*
 * Decode the thumbnail stored beside the primary image of a HEIF/HEIC or AVIF file (its first
 * "thmb" item), as vg_img_decode() decodes the primary image: same limits, same output, same
 * lifetime of img->pixels. The scanner hashes it as an item of its own
 * ("photo.heic#heif-thumbnail", PDQ only: the thumbnail is a coded item, not a file with bytes of
 * its own).
 * @return VG_OK; VG_E_NOTFOUND (not HEIF/AVIF, HEIF not built in, or no thumbnail); as
 *         vg_img_decode() otherwise. img is zeroed unless VG_OK.
 */
vg_status vg_img_decode_thumbnail(vg_img_dec *d, const void *buf, size_t n, vg_img *img);

/* As vg_img_decode_thumbnail(), but only reads the container: img gets the thumbnail's size and
 * no pixels. Cheap (nothing is decoded); tells whether there is a thumbnail to hash. */
vg_status vg_img_probe_thumbnail(vg_img_dec *d, const void *buf, size_t n, vg_img *img);

/*
 * Iterate over the JPEG images stored in a PDF: streams whose only filter is DCTDecode, whose
 * bytes are a JPEG file. Found by a bounded forward search for `stream` keywords, without
 * rendering or an xref table (so damaged files still give up their images); a stream with
 * another filter before DCTDecode, or an encrypted one, is passed over. The scanner hashes each
 * as an item of its own ("doc.pdf#jpeg@OFFSET"). Nothing is allocated or decoded.
 * @param[in]     buf, n    the whole PDF, borrowed for the call.
 * @param[in,out] pos       the cursor: 0 for the first call, then as left by the previous one.
 * @param[out]    off, len  where the next JPEG lies in buf (0, 0 unless VG_OK).
 * @return VG_OK; VG_E_NOTFOUND when there are no more. Thread-safe.
 */
vg_status vg_img_pdf_next_jpeg(const void *buf, size_t n, size_t *pos, size_t *off, size_t *len);

/*
 * The reason for the last failure on this decoder ("" after a success). Valid until the next call
 * on d; never contains pixel data.
 */
const char *vg_img_dec_errmsg(const vg_img_dec *d);

/* Which limit a decode failing with VG_E_LIMIT hit. Values reach reports: append only. */
typedef enum vg_img_limit {
    VG_IMG_LIM_NONE = 0,
    VG_IMG_LIM_PIXELS = 1, /* width * height above vg_img_limits.max_pixels */
    VG_IMG_LIM_MEMORY = 2, /* the decode needs more than vg_img_limits.max_bytes */
    VG_IMG_LIM_SCANS = 3,  /* a progressive JPEG with more than vg_img_limits.max_scans scans */
    VG_IMG_LIM_DECODER = 4 /* a decoder library's own security limit (libheif): no figures */
} vg_img_limit;

/*
 * The limit the last failure on this decoder hit (VG_IMG_LIM_NONE after a success or any other
 * failure), with what the image needed and the limit, both 0 for VG_IMG_LIM_DECODER; a
 * product too big for 64 bits is UINT64_MAX. value and max may be NULL.
 */
vg_img_limit vg_img_dec_limit(const vg_img_dec *d, uint64_t *value, uint64_t *max);

/*
 * Wipe the pixels of the last image now (OPENSSL_cleanse), keeping the buffers for reuse.
 * Any vg_img from this decoder becomes invalid.
 */
void vg_img_dec_wipe(vg_img_dec *d);

/* Wipe and release everything; NULL is accepted. */
void vg_img_dec_free(vg_img_dec *d);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_IMG_H */
