/*
 * archive.c — entries of archives, recursively, through libarchive, within limits.
 *
 * Every regular entry is sniffed from its first bytes and then, in one pass over its bytes:
 * - an image, or an archive whose format needs seeking (zip, 7z), is buffered whole (up to the
 *   per-entry limit) so it can be decoded or opened from memory;
 * - a streamable archive (tar, gzip, bzip2, xz, zstd, cpio, rar, iso9660, ...) feeds a child
 *   libarchive reader through read callbacks while the same bytes feed the entry's digests, so
 *   a nested stream is never held in memory;
 * - anything else only streams through the digests.
 * The byte accounting sits under all three (ent_next()), so limits hold at every depth: bytes
 * per entry and in total, compression ratio, entry count, wall time. ClamAV truncates an
 * oversized zip member and hashes the rest (UX_RESEARCH.md §2.2); here an entry that hits a
 * limit is reported "not hashed" and its partial digest is thrown away.
 */
#include "vigil/arc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#define FD_BUF (256u * 1024u)
#define WHOLE_KEEP (16u << 20) /* larger whole-entry buffers are freed after use */
#define WHOLE_HARD_CAP (1ull << 30)

/* Buffers of one nesting level (entries at depth d use lv[d]). */
struct lvl {
    vg_digest *dg;
    uint8_t *head; /* the first VG_SNIFF_NEED bytes of the current entry */
    uint8_t *whole;
    size_t whole_cap;
    char *path;
    size_t path_cap;
    char *name; /* the current entry's name inside its archive */
};

struct vg_arc {
    vg_arc_limits lim;
    const atomic_bool *cancel;
    uint8_t *fdbuf;
    struct lvl **lv; /* pointers: a level's address must not move while deeper levels grow */
    size_t n_lv;
    const char **inner; /* names of lv[1..d], handed out with events */
    /* per top-level file */
    uint64_t files, total_out, in_bytes;
    struct timespec deadline;
    vg_arc_limit stop; /* a limit that ends the whole top-level file */
    vg_status st;      /* interruption or the callback's status */
    vg_arc_fn fn;
    void *ctx;
};

/* An entry being read: archive_read_data_block() plus sparse filling and accounting. */
struct ent {
    vg_arc *arc;
    struct archive *a;
    uint64_t pos;       /* bytes delivered so far */
    const uint8_t *blk; /* real data not yet delivered ... */
    size_t blk_len;     /* ... of this length ... */
    int64_t blk_off;    /* ... starting at this entry offset */
    bool have;          /* blk/blk_off hold a block (possibly empty) */
    const uint8_t *pb;  /* pushed-back bytes, delivered first, already counted */
    size_t pb_len;
    bool eof;
    vg_arc_limit limit; /* the limit that stopped this entry */
    char err[160];      /* why reading stopped, when not a limit */
    /* feeding a child reader */
    const uint8_t *replay; /* head bytes to hand to the child first */
    size_t replay_len;
    vg_digest *dg; /* digest of every byte handed to the child */
};

static const uint8_t zeros[64 * 1024];

/* ---- lifetime ---- */

void vg_arc_limits_default(vg_arc_limits *l) {
    *l = (vg_arc_limits){.max_depth = VG_ARC_MAX_DEPTH,
                         .max_files = VG_ARC_MAX_FILES,
                         .max_entry_bytes = VG_ARC_MAX_ENTRY_BYTES,
                         .max_total_bytes = VG_ARC_MAX_TOTAL_BYTES,
                         .max_ratio = VG_ARC_MAX_RATIO,
                         .ratio_min_bytes = VG_ARC_RATIO_MIN_BYTES,
                         .max_time_ms = VG_ARC_MAX_TIME_MS};
}

vg_status vg_arc_new(vg_arc **out, const vg_arc_limits *lim, const atomic_bool *cancel) {
    *out = NULL;
    vg_arc *a = calloc(1, sizeof *a);
    if (!a)
        return VG_E_NOMEM;
    if (lim)
        a->lim = *lim;
    else
        vg_arc_limits_default(&a->lim);
    a->cancel = cancel;
    *out = a;
    return VG_OK;
}

void vg_arc_free(vg_arc *a) {
    if (!a)
        return;
    for (size_t i = 0; i < a->n_lv; i++) {
        if (!a->lv[i])
            continue;
        vg_digest_free(a->lv[i]->dg);
        free(a->lv[i]->head);
        free(a->lv[i]->whole);
        free(a->lv[i]->path);
        free(a->lv[i]->name);
        free(a->lv[i]);
    }
    free(a->lv);
    free(a->inner);
    free(a->fdbuf);
    free(a);
}

/* The buffers of level d, created on first use. */
static struct lvl *level(vg_arc *a, size_t d) {
    if (d >= a->n_lv) {
        struct lvl **lv = realloc(a->lv, (d + 1) * sizeof(struct lvl *));
        if (!lv)
            return NULL;
        memset(lv + a->n_lv, 0, (d + 1 - a->n_lv) * sizeof(struct lvl *));
        a->lv = lv;
        a->n_lv = d + 1;
        const char **inner = realloc(a->inner, (d + 1) * sizeof(const char *));
        if (!inner)
            return NULL;
        a->inner = inner;
    }
    if (!a->lv[d] && !(a->lv[d] = calloc(1, sizeof *a->lv[d])))
        return NULL;
    struct lvl *l = a->lv[d];
    if (!l->dg && vg_digest_open(&l->dg) != VG_OK)
        return NULL;
    if (!l->head && !(l->head = malloc(VG_SNIFF_NEED)))
        return NULL;
    return l;
}

const char *vg_arc_limit_str(vg_arc_limit l) {
    switch (l) {
    case VG_LIM_NONE:
        return "none";
    case VG_LIM_DEPTH:
        return "max-depth";
    case VG_LIM_FILES:
        return "max-files";
    case VG_LIM_ENTRY_BYTES:
        return "max-entry-size";
    case VG_LIM_TOTAL_BYTES:
        return "max-scan-size";
    case VG_LIM_RATIO:
        return "max-ratio";
    case VG_LIM_TIME:
        return "max-time";
    case VG_LIM_PIXELS:
        return "max-pixels";
    case VG_LIM_IMAGE_MEMORY:
        return "max-image-memory";
    case VG_LIM_JPEG_SCANS:
        return "max-jpeg-scans";
    case VG_LIM_IMAGE_DECODER:
        return "image-decoder";
    }
    return "unknown limit";
}

/* ---- events ---- */

static void emit(vg_arc *a, vg_arc_event *ev) {
    if (a->st != VG_OK)
        return;
    for (unsigned d = 1; d <= ev->depth; d++)
        a->inner[d - 1] = a->lv[d]->name;
    ev->inner = ev->depth ? a->inner : NULL;
    ev->n_inner = ev->depth;
    vg_status st = a->fn(a->ctx, ev);
    if (st != VG_OK)
        a->st = st;
}

static void emit_simple(vg_arc *a, vg_arc_kind k, const char *path, unsigned depth,
                        vg_arc_limit lim, const char *detail) {
    /* libarchive may fail without a message (archive_error_string() gives NULL) */
    vg_arc_event ev = {.kind = k,
                       .path = path,
                       .depth = depth,
                       .limit = lim,
                       .detail = detail ? detail : "unreadable archive"};
    emit(a, &ev);
}

/* The configured maximum of a limit, for the record. */
static uint64_t limit_max(const vg_arc *a, vg_arc_limit lim) {
    switch (lim) {
    case VG_LIM_DEPTH:
        return a->lim.max_depth;
    case VG_LIM_FILES:
        return a->lim.max_files;
    case VG_LIM_ENTRY_BYTES:
        return a->lim.max_entry_bytes;
    case VG_LIM_TOTAL_BYTES:
        return a->lim.max_total_bytes;
    case VG_LIM_RATIO:
        return a->lim.max_ratio;
    case VG_LIM_TIME:
        return a->lim.max_time_ms;
    case VG_LIM_PIXELS: /* images' limits: the decoder's, never an archive's */
    case VG_LIM_IMAGE_MEMORY:
    case VG_LIM_JPEG_SCANS:
    case VG_LIM_IMAGE_DECODER:
    case VG_LIM_NONE:
        break;
    }
    return 0;
}

/* The value that broke a limit, as far as it is known when it is hit. */
static uint64_t limit_value(const vg_arc *a, vg_arc_limit lim, uint64_t entry_bytes) {
    switch (lim) {
    case VG_LIM_FILES:
        return a->files;
    case VG_LIM_ENTRY_BYTES:
        return entry_bytes;
    case VG_LIM_TOTAL_BYTES:
        return a->total_out;
    case VG_LIM_RATIO:
        return a->in_bytes ? a->total_out / a->in_bytes : 0;
    case VG_LIM_TIME:
        return a->lim.max_time_ms + 1;
    case VG_LIM_DEPTH:
    case VG_LIM_PIXELS:
    case VG_LIM_IMAGE_MEMORY:
    case VG_LIM_JPEG_SCANS:
    case VG_LIM_IMAGE_DECODER:
    case VG_LIM_NONE:
        break;
    }
    return 0;
}

/* A limit record; value is what broke it (for depth: the depth that would have been opened). */
static void emit_limit(vg_arc *a, const char *path, unsigned depth, vg_arc_limit lim,
                       const char *what, uint64_t value) {
    char msg[160];
    snprintf(msg, sizeof msg, "%s: limit %s", what, vg_arc_limit_str(lim));
    vg_arc_event ev = {.kind = VG_ARC_LIMIT,
                       .path = path,
                       .depth = depth,
                       .limit = lim,
                       .detail = msg,
                       .limit_value = value,
                       .limit_max = limit_max(a, lim)};
    emit(a, &ev);
}

/* ---- accounting ---- */

static bool past_deadline(const vg_arc *a) {
    struct timespec now;
    if (a->lim.max_time_ms == 0)
        return false;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec > a->deadline.tv_sec ||
           (now.tv_sec == a->deadline.tv_sec && now.tv_nsec > a->deadline.tv_nsec);
}

/* Count n expanded bytes; @return the limit they break (entry limit only if count_entry). */
static vg_arc_limit account(vg_arc *a, struct ent *e, size_t n, bool count_entry) {
    a->total_out += n;
    if (count_entry) {
        e->pos += n;
        if (a->lim.max_entry_bytes && e->pos > a->lim.max_entry_bytes)
            return VG_LIM_ENTRY_BYTES;
    }
    if (a->lim.max_total_bytes && a->total_out > a->lim.max_total_bytes)
        return a->stop = VG_LIM_TOTAL_BYTES;
    if (a->lim.max_ratio && a->total_out > a->lim.ratio_min_bytes && a->in_bytes > 0 &&
        a->total_out / a->in_bytes > a->lim.max_ratio)
        return a->stop = VG_LIM_RATIO;
    if (past_deadline(a))
        return a->stop = VG_LIM_TIME;
    return VG_LIM_NONE;
}

static bool interrupted(vg_arc *a) {
    if (a->cancel && atomic_load(a->cancel) && a->st == VG_OK)
        a->st = VG_E_INTERRUPTED;
    return a->st != VG_OK || a->stop != VG_LIM_NONE;
}

/* Next bytes of the entry. @return 1 with (*p, *n); 0 at its end; -1 when stopped (e->limit,
 * e->err, or the scan's stop/status). count_entry=false when discarding a rejected entry. */
static int ent_next_ex(struct ent *e, const uint8_t **p, size_t *n, bool count_entry) {
    vg_arc *a = e->arc;
    if (e->pb_len) {
        *p = e->pb;
        *n = e->pb_len;
        e->pb_len = 0;
        return 1;
    }
    if (interrupted(a))
        return -1;
    if (!e->have && !e->eof) {
        const void *b;
        size_t len;
        la_int64_t off;
        int r = archive_read_data_block(e->a, &b, &len, &off);
        if (r == ARCHIVE_EOF) {
            e->eof = true;
        } else if (r < ARCHIVE_WARN) {
            const char *m = archive_error_string(e->a);
            snprintf(e->err, sizeof e->err, "%s", m ? m : "read error");
            return -1;
        } else {
            e->blk = b;
            e->blk_len = len;
            e->blk_off = off;
            e->have = true;
        }
    }
    if (!e->have)
        return 0;
    if (e->blk_off > (int64_t)e->pos) { /* a hole in a sparse entry reads as zeros */
        uint64_t gap = (uint64_t)e->blk_off - e->pos;
        *p = zeros;
        *n = gap < sizeof zeros ? (size_t)gap : sizeof zeros;
    } else {
        /* an empty block may come with a NULL buffer: hand out a valid pointer for memcpy */
        *p = e->blk ? e->blk : zeros;
        *n = e->blk_len;
        e->blk_len = 0;
        e->have = false;
    }
    if (!count_entry)
        e->pos += *n;
    vg_arc_limit l = account(a, e, *n, count_entry);
    if (l != VG_LIM_NONE) {
        e->limit = l;
        return -1;
    }
    return 1;
}

static int ent_next(struct ent *e, const uint8_t **p, size_t *n) {
    return ent_next_ex(e, p, n, true);
}

static bool ent_stopped_by_scan(const struct ent *e) {
    return e->arc->st != VG_OK || (e->arc->stop != VG_LIM_NONE && e->limit == VG_LIM_NONE);
}

/* Skip what is left of a rejected entry. Uncompressed tar, cpio and ISO 9660 skip by seeking;
 * anything compressed must be expanded to be skipped (libarchive would do it unaccounted inside
 * archive_read_next_header()), so those bytes are read here and count against the total. */
static void ent_discard(struct ent *e) {
    const uint8_t *p;
    size_t n;
    int base = archive_format(e->a) & ARCHIVE_FORMAT_BASE_MASK;
    if (archive_filter_count(e->a) <= 1 &&
        (base == ARCHIVE_FORMAT_TAR || base == ARCHIVE_FORMAT_CPIO ||
         base == ARCHIVE_FORMAT_ISO9660)) {
        archive_read_data_skip(e->a);
        return;
    }
    while (ent_next_ex(e, &p, &n, false) > 0)
        ;
}

/* ---- sources for libarchive ---- */

struct fdsrc {
    vg_arc *arc;
    int fd;
};

static la_ssize_t fd_read(struct archive *ar, void *ud, const void **buf) {
    struct fdsrc *s = ud;
    ssize_t r;
    do
        r = read(s->fd, s->arc->fdbuf, FD_BUF);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        archive_set_error(ar, errno, "read error: %s", strerror(errno));
        return -1;
    }
    s->arc->in_bytes += (uint64_t)r;
    *buf = s->arc->fdbuf;
    return r;
}

static la_int64_t fd_seek(struct archive *ar, void *ud, la_int64_t off, int whence) {
    struct fdsrc *s = ud;
    off_t r = lseek(s->fd, (off_t)off, whence);
    if (r < 0) {
        archive_set_error(ar, errno, "seek error: %s", strerror(errno));
        return ARCHIVE_FATAL;
    }
    return r;
}

/* A child reader pulls the parent entry's bytes: first the sniffed head, then the rest; every
 * byte also goes into the parent entry's digest. */
static la_ssize_t ent_read(struct archive *ar, void *ud, const void **buf) {
    struct ent *e = ud;
    const uint8_t *p;
    size_t n;
    if (e->replay_len) {
        p = e->replay;
        n = e->replay_len;
        e->replay_len = 0;
    } else {
        int r = ent_next(e, &p, &n);
        if (r == 0)
            return 0;
        if (r < 0) {
            archive_set_error(ar, EIO, "outer entry stopped");
            return -1;
        }
    }
    if (vg_digest_update(e->dg, p, n) != VG_OK) {
        archive_set_error(ar, EIO, "digest failure");
        return -1;
    }
    *buf = p;
    return (la_ssize_t)n;
}

static struct archive *reader_new(void) {
    struct archive *ar = archive_read_new();
    if (!ar)
        return NULL;
    archive_read_support_filter_all(ar);
    archive_read_support_format_all(ar);
    archive_read_support_format_raw(ar); /* a bare .gz/.xz/... is one entry */
    return ar;
}

/* ---- paths ---- */

/* Name of the single entry of a bare compressed stream: the outer base name minus its last
 * extension ("x.jpg.gz" -> "x.jpg"), else "data" (libarchive's own name for it). */
static void raw_name(const char *outer, char *out, size_t cap) {
    const char *base = strrchr(outer, '!');
    const char *slash = strrchr(outer, '/');
    if (!base || (slash && slash > base))
        base = slash;
    base = base ? base + 1 : outer;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base || (size_t)(dot - base) >= cap)
        snprintf(out, cap, "data");
    else
        snprintf(out, cap, "%.*s", (int)(dot - base), base);
}

static bool set_path(struct lvl *l, const char *outer, const char *name) {
    size_t need = strlen(outer) + 1 + strlen(name) + 1;
    if (need > l->path_cap) {
        char *p = realloc(l->path, need);
        if (!p)
            return false;
        l->path = p;
        l->path_cap = need;
    }
    snprintf(l->path, need, "%s!%s", outer, name);
    return true;
}

/* ---- entries ---- */

static void scan_reader(vg_arc *a, struct archive *ar, const char *path, unsigned depth,
                        const struct ent *from);
static void scan_child_mem(vg_arc *a, const uint8_t *buf, size_t n, const char *path,
                           unsigned depth);

/* Formats that libarchive reads reliably only with seeking: opened from a memory copy. */
static bool needs_whole(vg_sniff_type t) {
    return t == VG_SNIFF_ZIP || t == VG_SNIFF_7Z;
}

/* Fill l->head from the entry; keeps any surplus pushed back. @return bytes, or -1. */
static long read_head(struct ent *e, struct lvl *l) {
    size_t hl = 0;
    while (hl < VG_SNIFF_NEED) {
        const uint8_t *p;
        size_t n;
        int r = ent_next(e, &p, &n);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        size_t take = n < VG_SNIFF_NEED - hl ? n : VG_SNIFF_NEED - hl;
        memcpy(l->head + hl, p, take);
        hl += take;
        if (take < n) {
            e->pb = p + take;
            e->pb_len = n - take;
        }
    }
    return (long)hl;
}

/* Report an entry whose reading stopped: a limit on it, or a read error. */
static void entry_stopped(vg_arc *a, struct ent *e, const char *path, unsigned depth) {
    if (ent_stopped_by_scan(e))
        return; /* interrupted, or the whole file's limit: reported once at the top */
    if (e->limit != VG_LIM_NONE)
        emit_limit(a, path, depth, e->limit, "not hashed", limit_value(a, e->limit, e->pos));
    else
        emit_simple(a, VG_ARC_ERROR, path, depth, VG_LIM_NONE, e->err);
    if (e->limit == VG_LIM_ENTRY_BYTES)
        ent_discard(e);
}

/* Make room for need bytes in l->whole, never beyond cap_limit. */
static bool whole_reserve(struct lvl *l, size_t need, uint64_t cap_limit) {
    if (need <= l->whole_cap)
        return true;
    if (need > cap_limit)
        return false;
    size_t cap = l->whole_cap ? l->whole_cap : 256u * 1024u;
    while (cap < need)
        cap *= 2;
    if (cap > cap_limit)
        cap = (size_t)cap_limit;
    uint8_t *w = realloc(l->whole, cap);
    if (!w)
        return false;
    l->whole = w;
    l->whole_cap = cap;
    return true;
}

/* Buffer the whole entry (head already in l->head), digest it, report it, open it if it is an
 * archive that needs seeking. */
static void entry_whole(vg_arc *a, struct ent *e, struct lvl *l, size_t hl, vg_sniff_type t,
                        unsigned depth) {
    uint64_t cap_limit = a->lim.max_entry_bytes ? a->lim.max_entry_bytes : WHOLE_HARD_CAP;
    size_t len = 0;
    const uint8_t *p = l->head;
    size_t n = hl;
    int r = 1;
    for (; r > 0; r = ent_next(e, &p, &n)) {
        if (!whole_reserve(l, len + n, cap_limit)) {
            e->limit = VG_LIM_ENTRY_BYTES;
            r = -1;
            break;
        }
        memcpy(l->whole + len, p, n);
        len += n;
    }
    if (r < 0) {
        entry_stopped(a, e, l->path, depth);
        return;
    }
    vg_arc_event ev = {.kind = VG_ARC_ENTRY, .path = l->path, .depth = depth, .type = t};
    if (vg_digest_buffer(l->dg, l->whole, len, &ev.dg) != VG_OK) {
        emit_simple(a, VG_ARC_ERROR, l->path, depth, VG_LIM_NONE, "digest failure");
        return;
    }
    ev.data = l->whole;
    ev.data_len = len;
    emit(a, &ev);
    if (needs_whole(t) && a->st == VG_OK) {
        if (depth + 1 > a->lim.max_depth)
            emit_limit(a, l->path, depth, VG_LIM_DEPTH, "archive not opened", depth + 1);
        else
            scan_child_mem(a, l->whole, len, l->path, depth + 1);
    }
    if (l->whole_cap > WHOLE_KEEP) {
        free(l->whole);
        l->whole = NULL;
        l->whole_cap = 0;
    }
}

/* Stream the entry through its digest, and through a child reader when it is an archive. */
static void entry_stream(vg_arc *a, struct ent *e, struct lvl *l, size_t hl, vg_sniff_type t,
                         unsigned depth) {
    vg_digest_reset(l->dg);
    bool open = vg_sniff_is_archive(t);
    if (open && depth + 1 > a->lim.max_depth) {
        emit_limit(a, l->path, depth, VG_LIM_DEPTH, "archive not opened", depth + 1);
        open = false;
    }
    const uint8_t *p = l->head;
    size_t n = hl;
    int r = 1;
    if (open) {
        e->replay = l->head;
        e->replay_len = hl;
        e->dg = l->dg;
        struct archive *ar = reader_new();
        if (!ar) {
            a->st = VG_E_NOMEM;
            return;
        }
        if (archive_read_open(ar, e, NULL, ent_read, NULL) == ARCHIVE_OK)
            scan_reader(a, ar, l->path, depth + 1, e);
        else if (!ent_stopped_by_scan(e) && e->limit == VG_LIM_NONE && !e->err[0])
            emit_simple(a, VG_ARC_ERROR, l->path, depth, VG_LIM_NONE, archive_error_string(ar));
        archive_read_free(ar);
        n = e->replay_len; /* head not consumed by the child: digest it below */
        r = e->limit != VG_LIM_NONE || e->err[0] ? -1 : 1;
    }
    while (r > 0) {
        if (n && vg_digest_update(l->dg, p, n) != VG_OK) {
            snprintf(e->err, sizeof e->err, "digest failure");
            r = -1;
            break;
        }
        r = ent_next(e, &p, &n);
    }
    if (r < 0) {
        entry_stopped(a, e, l->path, depth);
        return;
    }
    vg_arc_event ev = {.kind = VG_ARC_ENTRY, .path = l->path, .depth = depth, .type = t};
    if (vg_digest_final(l->dg, &ev.dg) == VG_OK)
        emit(a, &ev);
    else
        emit_simple(a, VG_ARC_ERROR, l->path, depth, VG_LIM_NONE, "digest failure");
}

static void entry(vg_arc *a, struct archive *ar, struct lvl *l, unsigned depth) {
    struct ent e = {.arc = a, .a = ar};
    long hl = read_head(&e, l);
    if (hl < 0) {
        entry_stopped(a, &e, l->path, depth);
        return;
    }
    vg_sniff_type t = vg_sniff(l->head, (size_t)hl);
    if (vg_sniff_is_image(t) || vg_sniff_has_embedded(t) || needs_whole(t))
        entry_whole(a, &e, l, (size_t)hl, t, depth);
    else
        entry_stream(a, &e, l, (size_t)hl, t, depth);
}

/* ---- archives ---- */

static const char *type_name(mode_t m) {
    switch (m & AE_IFMT) {
    case AE_IFLNK:
        return "not a regular file: symlink";
    case AE_IFCHR:
        return "not a regular file: character device";
    case AE_IFBLK:
        return "not a regular file: block device";
    case AE_IFIFO:
        return "not a regular file: fifo";
    case AE_IFSOCK:
        return "not a regular file: socket";
    }
    return "not a regular file";
}

/* One header: @return false when the archive cannot go on. */
static bool header(vg_arc *a, struct archive *ar, struct archive_entry *ae, const char *path,
                   unsigned depth) {
    struct lvl *l = level(a, depth);
    if (!l) {
        a->st = VG_E_NOMEM;
        return false;
    }
    char raw[256];
    const char *name = archive_entry_pathname(ae);
    if (archive_format(ar) == ARCHIVE_FORMAT_RAW) {
        raw_name(path, raw, sizeof raw);
        name = raw;
    }
    free(l->name);
    l->name = strdup(name ? name : "?");
    if (!l->name || !set_path(l, path, l->name)) {
        a->st = VG_E_NOMEM;
        return false;
    }
    mode_t type = archive_entry_filetype(ae);
    if (type == AE_IFDIR)
        return true;
    if (type != AE_IFREG) {
        emit_simple(a, VG_ARC_SKIP, l->path, depth, VG_LIM_NONE, type_name(type));
        return true;
    }
    if (archive_entry_hardlink(ae) && archive_entry_size(ae) == 0) {
        emit_simple(a, VG_ARC_SKIP, l->path, depth, VG_LIM_NONE, "hard link to an earlier entry");
        return true;
    }
    if (archive_entry_is_data_encrypted(ae)) {
        emit_simple(a, VG_ARC_ENCRYPTED, l->path, depth, VG_LIM_NONE, "not hashed: encrypted");
        return true;
    }
    if (a->lim.max_entry_bytes && archive_entry_size_is_set(ae) &&
        (uint64_t)archive_entry_size(ae) > a->lim.max_entry_bytes) {
        emit_limit(a, l->path, depth, VG_LIM_ENTRY_BYTES, "not hashed",
                   (uint64_t)archive_entry_size(ae));
        struct ent e = {.arc = a, .a = ar};
        ent_discard(&e);
        return true;
    }
    entry(a, ar, l, depth);
    return true;
}

/* Examine every entry of an open reader; entries are at depth, the archive is named path. from
 * is the outer entry a nested stream is read from (NULL at the top or from memory): when it
 * stopped, the outer entry's own record says why. */
static void scan_reader(vg_arc *a, struct archive *ar, const char *path, unsigned depth,
                        const struct ent *from) {
    struct archive_entry *ae;
    int retries = 0;
    for (bool first = true; !interrupted(a); first = false) {
        int r = archive_read_next_header(ar, &ae);
        if (r == ARCHIVE_EOF)
            break;
        if (r == ARCHIVE_RETRY && ++retries < 3)
            continue;
        if (r < ARCHIVE_WARN) {
            if (!interrupted(a) && !(from && (from->limit != VG_LIM_NONE || from->err[0]))) {
                const char *m = archive_error_string(ar);
                char msg[200];
                snprintf(msg, sizeof msg, "%s: %s", first ? "not opened" : "archive truncated",
                         m ? m : "unreadable");
                emit_simple(a, VG_ARC_ERROR, path, depth - 1, VG_LIM_NONE, msg);
            }
            break;
        }
        if (first && archive_format(ar) == ARCHIVE_FORMAT_RAW && archive_filter_count(ar) <= 1) {
            emit_simple(a, VG_ARC_ERROR, path, depth - 1, VG_LIM_NONE,
                        "not opened: no archive format recognised");
            break;
        }
        if (a->lim.max_files && ++a->files > a->lim.max_files) {
            a->stop = VG_LIM_FILES;
            break;
        }
        if (!header(a, ar, ae, path, depth))
            break;
    }
}

static void scan_child_mem(vg_arc *a, const uint8_t *buf, size_t n, const char *path,
                           unsigned depth) {
    struct archive *ar = reader_new();
    if (!ar) {
        a->st = VG_E_NOMEM;
        return;
    }
    if (archive_read_open_memory(ar, buf, n) == ARCHIVE_OK)
        scan_reader(a, ar, path, depth, NULL);
    else
        emit_simple(a, VG_ARC_ERROR, path, depth - 1, VG_LIM_NONE, archive_error_string(ar));
    archive_read_free(ar);
}

/* ---- top level ---- */

static void start(vg_arc *a, vg_arc_fn fn, void *ctx) {
    a->files = a->total_out = a->in_bytes = 0;
    a->stop = VG_LIM_NONE;
    a->st = VG_OK;
    a->fn = fn;
    a->ctx = ctx;
    clock_gettime(CLOCK_MONOTONIC, &a->deadline);
    a->deadline.tv_sec += (time_t)(a->lim.max_time_ms / 1000);
    a->deadline.tv_nsec += (long)(a->lim.max_time_ms % 1000) * 1000000L;
    if (a->deadline.tv_nsec >= 1000000000L) {
        a->deadline.tv_sec++;
        a->deadline.tv_nsec -= 1000000000L;
    }
}

/* After the top-level file: one record when a whole-file limit cut the scan short. */
static vg_status finish(vg_arc *a, const char *path) {
    if (a->st == VG_OK && a->stop != VG_LIM_NONE)
        emit_limit(a, path, 0, a->stop, "entries not examined", limit_value(a, a->stop, 0));
    return a->st;
}

vg_status vg_arc_scan_fd(vg_arc *a, int fd, const char *path, vg_arc_fn fn, void *ctx) {
    start(a, fn, ctx);
    if (a->lim.max_depth == 0) {
        emit_limit(a, path, 0, VG_LIM_DEPTH, "archive not opened", 1);
        return a->st;
    }
    if (!a->fdbuf && !(a->fdbuf = malloc(FD_BUF)))
        return VG_E_NOMEM;
    if (lseek(fd, 0, SEEK_SET) < 0) {
        emit_simple(a, VG_ARC_ERROR, path, 0, VG_LIM_NONE, strerror(errno));
        return a->st;
    }
    struct fdsrc src = {.arc = a, .fd = fd};
    struct archive *ar = reader_new();
    if (!ar)
        return VG_E_NOMEM;
    archive_read_set_read_callback(ar, fd_read);
    archive_read_set_seek_callback(ar, fd_seek);
    archive_read_set_callback_data(ar, &src);
    if (archive_read_open1(ar) == ARCHIVE_OK)
        scan_reader(a, ar, path, 1, NULL);
    else
        emit_simple(a, VG_ARC_ERROR, path, 0, VG_LIM_NONE, archive_error_string(ar));
    archive_read_free(ar);
    return finish(a, path);
}

vg_status vg_arc_scan_mem(vg_arc *a, const void *buf, size_t n, const char *path, vg_arc_fn fn,
                          void *ctx) {
    start(a, fn, ctx);
    if (a->lim.max_depth == 0) {
        emit_limit(a, path, 0, VG_LIM_DEPTH, "archive not opened", 1);
        return a->st;
    }
    a->in_bytes = n;
    scan_child_mem(a, buf, n, path, 1);
    return finish(a, path);
}
