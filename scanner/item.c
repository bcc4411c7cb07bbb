/*
 * item.c — what a worker does with one file: read it once (digests of every byte; an image is
 * kept whole for decoding), sniff it, look inside if it is an archive, compute PDQ for images,
 * match everything against every list, and turn each outcome into records. Images embedded in
 * an item (a JPEG's EXIF thumbnail, a PDF's JPEG streams) are hashed as items of their own.
 *
 * Memory: one buffer per worker, grown to the largest image met (at most the per-entry limit)
 * and reused; the archive scanner and image decoder keep their own reusable buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigil/cache.h"
#include "vigil/pdq_screen.h"

#include "scan_impl.h"

#define WHOLE_HARD_CAP (1ull << 30) /* image limit when max_entry_bytes is off */

/* ---- worker state ---- */

vg_status vg_scan_worker_init(struct worker *w, struct scan *s) {
    memset(w, 0, sizeof *w);
    w->s = s;
    vg_status st = vg_digest_open(&w->dg);
    if (st == VG_OK && !(w->buf = malloc(VG_DIGEST_CHUNK)))
        st = VG_E_NOMEM;
    w->cap = VG_DIGEST_CHUNK;
    if (st == VG_OK)
        st = vg_arc_new(&w->arc, &s->o->limits, s->cancel);
    if (st == VG_OK)
        st = vg_img_dec_open(&w->img, &s->o->img);
    if (st == VG_OK)
        st = vg_pdq_open(&w->pdq);
    if (st == VG_OK && s->o->cache && !(w->items = calloc(VG_CACHE_MAX_ITEMS, sizeof *w->items)))
        st = VG_E_NOMEM;
    if (st != VG_OK)
        vg_scan_worker_fini(w);
    return st;
}

void vg_scan_worker_fini(struct worker *w) {
    vg_digest_free(w->dg);
    free(w->buf);
    vg_arc_free(w->arc);
    vg_img_dec_free(w->img);
    vg_pdq_free(w->pdq);
    vg_match_free(&w->mb);
    free(w->items);
    memset(w, 0, sizeof *w);
}

static uint64_t image_limit(const struct worker *w) {
    uint64_t l = w->s->o->limits.max_entry_bytes;
    return l ? l : WHOLE_HARD_CAP;
}

/* ---- records ---- */

void vg_scan_rec_stat(vg_scan_rec *r, const struct stat *st) {
    r->has_stat = true;
    r->dev = (uint64_t)st->st_dev;
    r->ino = (uint64_t)st->st_ino;
    r->size = (uint64_t)st->st_size;
    r->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    r->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
    r->atime_ns = (int64_t)st->st_atim.tv_sec * 1000000000 + st->st_atim.tv_nsec;
    r->uid = st->st_uid;
    r->gid = st->st_gid;
    r->mode = st->st_mode;
}

static vg_scan_rec base_rec(const struct job *j, vg_scan_kind kind) {
    vg_scan_rec r = {.kind = kind, .path = j->path, .root_path = j->path};
    vg_scan_rec_stat(&r, &j->st);
    return r;
}

static void emit_problem(struct worker *w, const vg_scan_rec *like, vg_scan_kind kind,
                         const char *reason, int err) {
    vg_scan_rec r = *like;
    r.kind = kind;
    r.reason = reason;
    r.err = err;
    r.has_digests = r.has_pdq = false;
    r.matches = NULL;
    r.n_matches = 0;
    if (kind != VG_SCAN_SKIP)
        w->problems++;
    vg_scan_emit(w->s, &r);
}

/* ---- perceptual hashing and matching ---- */

/* An image not decoded (st from the decoder): a limit record naming the decoder's limit, with
 * its figures, or an error record. */
static void image_problem(struct worker *w, vg_scan_rec *r, vg_status st, const char *msg) {
    if (st != VG_E_LIMIT) {
        emit_problem(w, r, VG_SCAN_ERROR, msg, 0);
        return;
    }
    static const vg_arc_limit lim[] = {[VG_IMG_LIM_NONE] = VG_LIM_NONE,
                                       [VG_IMG_LIM_PIXELS] = VG_LIM_PIXELS,
                                       [VG_IMG_LIM_MEMORY] = VG_LIM_IMAGE_MEMORY,
                                       [VG_IMG_LIM_SCANS] = VG_LIM_JPEG_SCANS,
                                       [VG_IMG_LIM_DECODER] = VG_LIM_IMAGE_DECODER};
    vg_img_limit hit = vg_img_dec_limit(w->img, &r->limit_value, &r->limit_max);
    r->limit = (size_t)hit < sizeof lim / sizeof lim[0] ? lim[hit] : VG_LIM_NONE;
    emit_problem(w, r, VG_SCAN_LIMIT, msg, 0);
    r->limit = VG_LIM_NONE;
    r->limit_value = r->limit_max = 0;
}

/* Search a hash (with its dihedral forms unless --no-dihedral) in every list. */
static void match_hash(struct worker *w, vg_scan_rec *r, const uint8_t (*forms)[32],
                       const uint8_t *one, bool trimmed) {
    const vg_scan_opts *o = w->s->o;
    bool all = r->has_dihedral && !o->no_dihedral;
    if (vg_match_pdq(o->lists, o->n_lists, all ? &forms[0][0] : one, all ? VG_PDQ_NUM_DIHEDRAL : 1,
                     o->pdq_threshold, trimmed, &w->mb) != VG_OK)
        emit_problem(w, r, VG_SCAN_ERROR, "PDQ search failed", 0);
}

/* Match the item's PDQ and its trimmed content's (each when its quality is high enough). */
static void match_perceptual(struct worker *w, vg_scan_rec *r, bool plain_ok, bool trim_ok) {
    int minq = w->s->o->min_quality;
    if (r->has_pdq && plain_ok && r->pdq_quality >= minq)
        match_hash(w, r, r->pdq_dihedral, r->pdq, false);
    if (r->has_pdq_trim && trim_ok && r->pdq_trim_quality >= minq)
        match_hash(w, r, r->pdq_trim_dihedral, r->pdq_trim, true);
}

/* The screen's question to the lists (vigil/pdq_screen.h). */
static vg_status probe_lists(void *ctx, const uint8_t *codes, size_t n, unsigned radius,
                             bool *candidate) {
    const vg_scan_opts *o = ((struct worker *)ctx)->s->o;
    return vg_match_probe(o->lists, o->n_lists, codes, n, radius, candidate);
}

/* Record the exact hashes (the image's, and its content's inside uniform borders). */
static void record_pdq(struct worker *w, const vg_pdq_hashes *h, vg_scan_rec *r) {
    bool dih = !w->s->o->no_dihedral;
    r->has_pdq = true;
    memcpy(r->pdq, h->plain.hash, VG_PDQ_LEN);
    r->pdq_quality = h->plain.quality;
    r->has_dihedral = dih && h->plain.has_dihedral;
    memcpy(r->pdq_dihedral, h->plain.dihedral, sizeof r->pdq_dihedral);
    if (h->trimmed) {
        r->has_pdq_trim = true;
        memcpy(r->pdq_trim, h->trim.hash, VG_PDQ_LEN);
        memcpy(r->pdq_trim_dihedral, h->trim.dihedral, sizeof r->pdq_trim_dihedral);
        r->pdq_trim_quality = h->trim.quality;
        r->trim_x = h->rect.x;
        r->trim_y = h->rect.y;
        r->trim_w = h->rect.width;
        r->trim_h = h->rect.height;
    }
    match_perceptual(w, r, !h->plain.too_small, h->trimmed && !h->trim.too_small);
}

/* A HEIF thumbnail (decoded from the whole file held in data): exact PDQ, no screen. */
static void thumb_pdq(struct worker *w, const uint8_t *data, size_t n, vg_scan_rec *r) {
    vg_img img;
    vg_status st = vg_img_decode_thumbnail(w->img, data, n, &img);
    if (st == VG_E_UNSUPPORTED)
        return;
    if (st != VG_OK) {
        char msg[200];
        snprintf(msg, sizeof msg, "image not decoded: %s", vg_img_dec_errmsg(w->img));
        image_problem(w, r, st, msg);
        vg_img_dec_wipe(w->img);
        return;
    }
    vg_pdq_image pi = {.pixels = img.pixels,
                       .width = img.width,
                       .height = img.height,
                       .stride = img.stride,
                       .channels = img.channels};
    vg_pdq_hashes h = {0};
    st = vg_pdq_hash(w->pdq, &pi, w->s->o->pdq_convention, VG_PDQ_DIHEDRAL, &h.plain);
    vg_img_dec_wipe(w->img);
    if (st != VG_OK) {
        emit_problem(w, r, VG_SCAN_ERROR, "image not hashed: PDQ failed", 0);
        return;
    }
    record_pdq(w, &h, r);
}

/*
 * Decode an image held whole and hash it (thumb: the thumbnail of a HEIF file held whole):
 * vg_pdq_hash_image() screens a large JPEG first, and computes the exact PDQ (with its dihedral
 * forms, and of the content inside uniform borders) only when a list code is within the
 * threshold + margin; that exact PDQ is then matched at the threshold. An image the screen
 * cleared has no PDQ (pdq_screened): its screening hashes go to the cache only, flagged. A
 * decoding failure is an error record for the same path: its digests stand, its PDQ is missing.
 */
static void perceptual(struct worker *w, const uint8_t *data, size_t n, vg_scan_rec *r,
                       bool thumb) {
    if (thumb) {
        thumb_pdq(w, data, n, r);
        return;
    }
    const vg_scan_opts *o = w->s->o;
    vg_pdq_screen_opts po = {.conv = o->pdq_convention,
                             .exact_decode = o->exact_decode,
                             .trim = !o->no_trim,
                             .radius = o->pdq_threshold,
                             .probe = o->n_lists ? probe_lists : NULL,
                             .probe_ctx = w};
    vg_pdq_hashes h;
    vg_status st = vg_pdq_hash_image(w->img, w->pdq, data, n, &po, &h);
    if (st == VG_E_UNSUPPORTED)
        return; /* an image type vigil does not decode (GIF, WebP, ...): digests only */
    if (st != VG_OK) {
        char msg[200];
        if (st == VG_E_NOMEM || st == VG_E_IO) /* not the decoder's: the search or memory */
            snprintf(msg, sizeof msg, "image not hashed: %s", vg_status_str(st));
        else
            snprintf(msg, sizeof msg, "image not decoded: %s", vg_img_dec_errmsg(w->img));
        image_problem(w, r, st, msg);
        return;
    }
    if (h.exact) {
        record_pdq(w, &h, r);
        return;
    }
    r->pdq_screened = true; /* never report a screening hash: the cache keeps them, flagged */
    r->has_screen = h.has_screen;
    memcpy(r->screen, h.screen, sizeof r->screen);
    memset(&h, 0, sizeof h);
}

/* keep_matched: hand a matched item's content to the writer (a file on disk as a descriptor,
 * an entry held whole as bytes) so the report can preserve it. */
static void attach_content(struct worker *w, vg_scan_rec *r, const uint8_t *whole, size_t n) {
    if (!r->n_inner && w->job->fd >= 0) {
        int fd = fcntl(w->job->fd, F_DUPFD_CLOEXEC, 0);
        r->has_content_fd = fd >= 0;
        r->content_fd = fd;
    } else if (r->n_inner && whole) {
        r->content = whole;
        r->content_len = n;
    }
}

/* ---- embedded images: EXIF and HEIF thumbnails, a PDF's JPEG streams ---- */

/* What finish_item() is given: a file or archive entry (whose embedded images follow it), an
 * image cut out of one (digests of its bytes), or a HEIF thumbnail (a coded item decoded from
 * the whole file: PDQ only). */
enum item_kind { ITEM_OUTER, ITEM_EMBEDDED, ITEM_HEIF_THUMB };

static void finish_item(struct worker *w, vg_scan_rec *r, const uint8_t *whole, size_t n,
                        enum item_kind kind);

/* Whether the item held whole in data carries an image of its own. */
static bool has_embedded(struct worker *w, const vg_scan_rec *r, const uint8_t *data, size_t n) {
    size_t off, len, pos = 0;
    vg_img img;
    if (r->type == VG_SNIFF_JPEG)
        return vg_img_exif_thumbnail(data, n, &off, &len) == VG_OK;
    if (r->type == VG_SNIFF_HEIF || r->type == VG_SNIFF_AVIF)
        return vg_img_probe_thumbnail(w->img, data, n, &img) == VG_OK;
    return r->type == VG_SNIFF_PDF && vg_img_pdf_next_jpeg(data, n, &pos, &off, &len) == VG_OK;
}

/* The path and inner names of an item inside parent ("photo.jpg#exif-thumbnail"), in r.
 * @return false when out of memory (*path and *inner are then to be freed all the same). */
static bool name_inside(const vg_scan_rec *parent, const char *suffix, vg_scan_rec *r, char **path,
                        const char ***inner) {
    size_t plen = strlen(parent->path), slen = strlen(suffix);
    *path = malloc(plen + slen + 1);
    *inner = malloc((parent->n_inner + 1) * sizeof **inner);
    if (!*path || !*inner)
        return false;
    memcpy(*path, parent->path, plen);
    memcpy(*path + plen, suffix, slen + 1);
    for (size_t i = 0; i < parent->n_inner; i++)
        (*inner)[i] = parent->inner[i];
    (*inner)[parent->n_inner] = suffix;
    *r = *parent;
    r->path = *path;
    r->inner = *inner;
    r->n_inner = parent->n_inner + 1;
    r->has_pdq = r->has_dihedral = r->has_pdq_trim = r->pdq_screened = r->has_screen = false;
    r->cached = r->known_good = r->has_digests = false;
    r->matches = NULL;
    r->n_matches = 0;
    memset(&r->dg, 0, sizeof r->dg);
    return true;
}

/* Hash p[0, n), found inside the item parent, as an item of its own: path and inner names get
 * the suffix ("photo.jpg#exif-thumbnail"); digests of those bytes (not for a HEIF thumbnail,
 * which has no bytes of its own), PDQ of their decode. */
static void embedded_item(struct worker *w, const vg_scan_rec *parent, const uint8_t *p, size_t n,
                          const char *suffix, enum item_kind kind) {
    char *path = NULL;
    const char **inner = NULL;
    vg_scan_rec r;
    if (!name_inside(parent, suffix, &r, &path, &inner)) {
        emit_problem(w, parent, VG_SCAN_ERROR, "embedded image not hashed: out of memory", ENOMEM);
        goto done;
    }
    r.type = vg_sniff(p, n);
    if (kind == ITEM_EMBEDDED &&
        (vg_digest_reset(w->dg) != VG_OK || vg_digest_update(w->dg, p, n) != VG_OK ||
         vg_digest_final(w->dg, &r.dg) != VG_OK)) {
        emit_problem(w, &r, VG_SCAN_ERROR, "embedded image not hashed: digest failed", 0);
        goto done;
    }
    r.has_digests = kind == ITEM_EMBEDDED;
    finish_item(w, &r, p, n, kind);
done:
    free(path);
    free((void *)inner);
}

/* An embedded item served from the cache with its file: today's lists against its hashes. */
static void cached_item(struct worker *w, const vg_scan_rec *parent, const vg_cache_val *v) {
    char *path = NULL;
    const char **inner = NULL;
    vg_scan_rec r;
    if (!name_inside(parent, v->suffix, &r, &path, &inner)) {
        emit_problem(w, parent, VG_SCAN_ERROR, "embedded image not matched: out of memory", ENOMEM);
    } else {
        vg_scan_rec_from_cache(&r, v);
        finish_item(w, &r, NULL, 0, ITEM_EMBEDDED);
    }
    free(path);
    free((void *)inner);
}

/* Every image inside the item held whole in data, each an item of its own. A PDF's JPEGs are
 * named by their byte offset ("doc.pdf#jpeg@1234"), so they can be cut out with dd; more than
 * the archive entry limit is a limit record. */
static void embedded(struct worker *w, const vg_scan_rec *r, const uint8_t *data, size_t n) {
    size_t off, len, pos = 0;
    if (r->type == VG_SNIFF_JPEG) {
        if (vg_img_exif_thumbnail(data, n, &off, &len) == VG_OK)
            embedded_item(w, r, data + off, len, "#exif-thumbnail", ITEM_EMBEDDED);
        return;
    }
    if (r->type == VG_SNIFF_HEIF || r->type == VG_SNIFF_AVIF) {
        embedded_item(w, r, data, n, "#heif-thumbnail", ITEM_HEIF_THUMB);
        return;
    }
    uint64_t count = 0, max = w->s->o->limits.max_files;
    while (!atomic_load(w->s->cancel) && vg_img_pdf_next_jpeg(data, n, &pos, &off, &len) == VG_OK) {
        if (max && ++count > max) {
            vg_scan_rec lr = *r;
            lr.limit = VG_LIM_FILES;
            lr.limit_value = count;
            lr.limit_max = max;
            emit_problem(w, &lr, VG_SCAN_LIMIT, "document images not all hashed: limit max-files",
                         0);
            return;
        }
        char suffix[40];
        snprintf(suffix, sizeof suffix, "#jpeg@%zu", off);
        embedded_item(w, r, data + off, len, suffix, ITEM_EMBEDDED);
    }
}

/* ---- items ---- */

/* What the cache keeps of an item (its screening hashes, flagged, if the screen cleared it). */
static void cache_val(const vg_scan_rec *r, vg_cache_val *v) {
    memset(v, 0, sizeof *v);
    v->type = r->type;
    v->no_digests = !r->has_digests;
    v->dg = r->dg;
    v->has_dihedral = r->has_dihedral;
    if (r->has_pdq) {
        v->has_pdq = true;
        v->pdq_quality = r->pdq_quality;
        memcpy(v->pdq, r->pdq_dihedral, sizeof v->pdq);
        memcpy(v->pdq[0], r->pdq, sizeof v->pdq[0]);
    } else if (r->pdq_screened) {
        v->has_pdq = v->screen = v->has_dihedral = true;
        memcpy(v->pdq, r->screen, sizeof v->pdq);
    }
    if (r->has_pdq_trim) {
        v->has_trim = true;
        v->trim_quality = r->pdq_trim_quality;
        memcpy(v->trim, r->pdq_trim_dihedral, sizeof v->trim);
        memcpy(v->trim[0], r->pdq_trim, sizeof v->trim[0]);
        v->trim_x = r->trim_x;
        v->trim_y = r->trim_y;
        v->trim_w = r->trim_w;
        v->trim_h = r->trim_h;
    }
    if (r->n_inner)
        snprintf(v->suffix, sizeof v->suffix, "%s", r->inner[r->n_inner - 1]);
}

void vg_scan_rec_from_cache(vg_scan_rec *r, const vg_cache_val *v) {
    r->type = v->type;
    r->has_digests = !v->no_digests;
    r->dg = v->dg;
    r->cached = true;
    r->has_dihedral = v->has_dihedral && !v->screen;
    if (v->has_pdq && v->screen) {
        r->pdq_screened = true; /* screening hashes: never reported, nothing to match */
    } else if (v->has_pdq) {
        r->has_pdq = true;
        r->pdq_quality = v->pdq_quality;
        memcpy(r->pdq, v->pdq[0], sizeof r->pdq);
        memcpy(r->pdq_dihedral, v->pdq, sizeof r->pdq_dihedral);
    }
    if (v->has_trim) {
        r->has_pdq_trim = true;
        r->pdq_trim_quality = v->trim_quality;
        memcpy(r->pdq_trim, v->trim[0], sizeof r->pdq_trim);
        memcpy(r->pdq_trim_dihedral, v->trim, sizeof r->pdq_trim_dihedral);
        r->trim_x = v->trim_x;
        r->trim_y = v->trim_y;
        r->trim_w = v->trim_w;
        r->trim_h = v->trim_h;
    }
}

/* Keep the item's hashes for its file's cache entry (stored once the whole file is done). */
static void collect(struct worker *w, const vg_scan_rec *r) {
    if (!w->collect)
        return;
    if (w->n_items == VG_CACHE_MAX_ITEMS || (r->pdq_screened && !r->has_screen)) {
        w->collect = false; /* too many rows, or nothing the next scan could probe */
        return;
    }
    cache_val(r, &w->items[w->n_items++]);
}

/* Match a hashed item, hash it perceptually when it is an image held whole (or match the
 * hashes the cache kept), emit it; then, for an outer item (a file or archive entry), the
 * images embedded in it. */
static void finish_item(struct worker *w, vg_scan_rec *r, const uint8_t *whole, size_t n,
                        enum item_kind kind) {
    vg_match_reset(&w->mb);
    if (r->has_digests &&
        vg_match_digests(w->s->o->lists, w->s->o->n_lists, &r->dg, &w->mb) != VG_OK)
        emit_problem(w, r, VG_SCAN_ERROR, "digest look-up failed", ENOMEM);
    r->known_good = w->mb.known_good;
    if (whole && vg_sniff_is_image(r->type) && !r->known_good)
        perceptual(w, whole, n, r, kind == ITEM_HEIF_THUMB);
    else if (r->cached && !r->known_good) /* today's lists against the stored hashes */
        match_perceptual(w, r, true, true);
    bool emb = kind == ITEM_OUTER && whole && !r->known_good && vg_sniff_has_embedded(r->type) &&
               has_embedded(w, r, whole, n);
    if (w->problems)
        r->cacheable = false;
    r->matches = w->mb.m;
    r->n_matches = w->mb.n;
    if (w->s->o->keep_matched && r->n_matches)
        attach_content(w, r, whole, n);
    collect(w, r);
    vg_scan_emit(w->s, r);
    if (emb)
        embedded(w, r, whole, n);
}

/* Store the hashes of a plain file and its embedded items when all of them are complete. */
static void cache_file(struct worker *w, const vg_scan_rec *r) {
    if (!w->collect || w->problems || !w->n_items)
        return;
    vg_cache_key k = {.dev = r->dev,
                      .ino = r->ino,
                      .size = r->size,
                      .mtime_ns = r->mtime_ns,
                      .ctime_ns = r->ctime_ns};
    if (vg_cache_put_items(w->s->o->cache, &k, w->items, w->n_items) != VG_OK)
        atomic_fetch_add(&w->s->cache_errors, 1);
}

/* ---- archive entries ---- */

static const char *arc_reason(const vg_arc_event *ev) {
    return ev->detail ? ev->detail : "";
}

static vg_status on_entry(void *ctx, const vg_arc_event *ev) {
    struct worker *w = ctx;
    vg_scan_rec r = base_rec(w->job, VG_SCAN_FILE);
    r.path = ev->path;
    r.inner = ev->inner;
    r.n_inner = ev->n_inner;
    r.type = ev->type;
    switch (ev->kind) {
    case VG_ARC_ENTRY:
        r.has_digests = true;
        r.dg = ev->dg;
        finish_item(w, &r, ev->data, ev->data_len, ITEM_OUTER);
        break;
    case VG_ARC_SKIP:
        emit_problem(w, &r, VG_SCAN_SKIP, arc_reason(ev), 0);
        break;
    case VG_ARC_ENCRYPTED:
    case VG_ARC_ERROR:
        emit_problem(w, &r, VG_SCAN_ERROR, arc_reason(ev), 0);
        break;
    case VG_ARC_LIMIT:
        r.limit = ev->limit;
        r.limit_value = ev->limit_value;
        r.limit_max = ev->limit_max;
        emit_problem(w, &r, VG_SCAN_LIMIT, arc_reason(ev), 0);
        break;
    }
    return atomic_load(w->s->cancel) ? VG_E_INTERRUPTED : VG_OK;
}

/* ---- files on disk ---- */

static bool grow(struct worker *w, size_t need) {
    size_t cap = w->cap;
    while (cap < need)
        cap *= 2;
    if (cap > image_limit(w))
        cap = (size_t)image_limit(w);
    if (cap < need)
        return false;
    uint8_t *b = realloc(w->buf, cap);
    if (!b)
        return false;
    w->buf = b;
    w->cap = cap;
    return true;
}

/* Read into buf until at least VG_SNIFF_NEED bytes or end of file. @return bytes, or -1. */
static ssize_t read_head(int fd, uint8_t *buf, size_t cap, int *err) {
    size_t got = 0;
    while (got < VG_SNIFF_NEED) {
        ssize_t r = read(fd, buf + got, cap - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            *err = errno;
            return -1;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/*
 * Digest the whole file (head already in buf), keeping it whole in buf while keep is set and
 * it fits the image limit. @return total bytes, or -1 on a read error (*err).
 */
static int64_t read_rest(struct worker *w, int fd, size_t got, bool *keep, int *err) {
    uint64_t total = got;
    if (vg_digest_reset(w->dg) != VG_OK || vg_digest_update(w->dg, w->buf, got) != VG_OK)
        return *err = EIO, -1;
    for (;;) {
        if (atomic_load(w->s->cancel))
            return *err = EINTR, -2;
        if (*keep && total == w->cap && !grow(w, (size_t)total + 1))
            *keep = false;
        uint8_t *dst = *keep ? w->buf + total : w->buf;
        size_t room = *keep ? w->cap - (size_t)total : VG_DIGEST_CHUNK;
        ssize_t r = read(fd, dst, room);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return *err = errno, -1;
        if (r == 0)
            break;
        if (vg_digest_update(w->dg, dst, (size_t)r) != VG_OK)
            return *err = EIO, -1;
        total += (uint64_t)r;
    }
    return (int64_t)total;
}

static bool changed_since(int fd, const struct stat *before, uint64_t total) {
    struct stat now;
    if (fstat(fd, &now) != 0)
        return true;
    return now.st_size != before->st_size || (uint64_t)before->st_size != total ||
           now.st_mtim.tv_sec != before->st_mtim.tv_sec ||
           now.st_mtim.tv_nsec != before->st_mtim.tv_nsec;
}

void vg_scan_worker_file(struct worker *w, const struct job *j) {
    vg_scan_rec r = base_rec(j, VG_SCAN_FILE);
    w->job = j;
    w->problems = 0;
    w->collect = false;
    w->n_items = 0;
    if (j->cached) {
        r = j->cached_rec;
        r.path = r.root_path = j->path;
        finish_item(w, &r, NULL, 0, ITEM_OUTER);
        for (size_t i = 0; i < j->n_emb && !atomic_load(w->s->cancel); i++)
            cached_item(w, &r, &j->emb[i]);
        return;
    }
    int err = 0;
    ssize_t got =
        read_head(j->fd, w->buf, w->cap < VG_DIGEST_CHUNK ? w->cap : VG_DIGEST_CHUNK, &err);
    r.type = got < 0 ? VG_SNIFF_OTHER : vg_sniff(w->buf, (size_t)got);
    bool keep = (vg_sniff_is_image(r.type) || vg_sniff_has_embedded(r.type)) &&
                (uint64_t)j->st.st_size <= image_limit(w);
    int64_t total = got < 0 ? -1 : read_rest(w, j->fd, (size_t)got, &keep, &err);
    if (total == -2)
        return; /* interrupted: the report says so as a whole */
    if (total < 0 || vg_digest_final(w->dg, &r.dg) != VG_OK) {
        emit_problem(w, &r, VG_SCAN_ERROR, "read error", err);
        return;
    }
    r.has_digests = true;
    r.changed = changed_since(j->fd, &j->st, (uint64_t)total);
    if ((vg_sniff_is_image(r.type) || vg_sniff_has_embedded(r.type)) && !keep) {
        r.limit = VG_LIM_ENTRY_BYTES;
        r.limit_value = (uint64_t)total;
        r.limit_max = image_limit(w);
        emit_problem(w, &r, VG_SCAN_LIMIT,
                     vg_sniff_is_image(r.type) ? "image not decoded: limit max-entry-size"
                                               : "document images not hashed: limit max-entry-size",
                     0);
        r.limit = VG_LIM_NONE;
    }
    r.cacheable = !r.changed && !vg_sniff_is_archive(r.type) && w->problems == 0;
    w->collect = r.cacheable && w->items;
    finish_item(w, &r, keep ? w->buf : NULL, (size_t)total, ITEM_OUTER);
    cache_file(w, &r);
    if (vg_sniff_is_archive(r.type) && !atomic_load(w->s->cancel)) {
        vg_status st = vg_arc_scan_fd(w->arc, j->fd, j->path, on_entry, w);
        if (st == VG_E_NOMEM)
            emit_problem(w, &r, VG_SCAN_ERROR, "archive not scanned: out of memory", ENOMEM);
    }
}
