/*
 * scan_report.c — the report of `vigil scan` through the sealed evidence writer
 * (vigil/evidence.h): scan_start, one file record per path (skipped paths too, their reason as
 * the kind), match, error and limit records, scan_end, then the seal. Records reach the writer
 * from the scanner's single writer thread, as its threading rule requires. Never any content:
 * paths, hashes, counts and reasons only.
 */
#include "scan_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/evidence.h"

#include "cli.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif
#ifndef VIGIL_GIT_HASH
#define VIGIL_GIT_HASH "unknown"
#endif

int scan_report_open(scan_report *r, const vg_ev_opts *o) {
    memset(r, 0, sizeof *r);
    if (mkdir(o->parent, 0700) != 0 && errno != EEXIST) { /* the parent too, as --help says */
        vg_cli_path_err(o->parent, strerror(errno));
        return -1;
    }
    const char *err = NULL;
    if (vg_ev_report_open(&r->ev, o, &err) != VG_OK) {
        vg_cli_path_err(o->parent, err ? err : "cannot create the report");
        return -1;
    }
    r->dir = vg_ev_report_dir(r->ev);
    r->preserve = o->recipient_cert != NULL;
    return 0;
}

/* Every source list of every index, once per name (matches name their source list). */
static size_t collect_lists(scan_report *r, vg_ev_list *out, size_t cap) {
    size_t n = 0;
    for (size_t i = 0; i < r->n_lists; i++) {
        vg_hset_info info;
        vg_hset_info_get(r->lists[i], &info);
        for (uint64_t k = 0; k < info.n_lists && n < cap; k++) {
            vg_hset_list l;
            if (vg_hset_list_get(r->lists[i], k, &l) != VG_OK)
                continue;
            bool dup = false;
            for (size_t j = 0; j < n && !dup; j++)
                dup = !strcmp(out[j].name, l.name);
            if (dup)
                continue;
            out[n] = (vg_ev_list){.name = l.name,
                                  .version = *l.version ? l.version : NULL,
                                  .source = r->list_paths[i],
                                  .entries = (int64_t)l.n_records};
            memcpy(out[n].sha256, l.has_sha256 ? l.sha256 : info.body_sha256, 32);
            n++;
        }
    }
    return n;
}

int scan_report_start(scan_report *r, const char *const *roots, size_t n_roots,
                      const char *const *opts, size_t n_opts, int argc, char **argv) {
    vg_ev_list lists[256];
    /* every setting, whole: names and values as long as they are (ops) */
    vg_ev_kv *kv = calloc(n_opts + 1, sizeof *kv);
    char **names = calloc(n_opts + 1, sizeof *names);
    size_t nkv = 0;
    for (size_t i = 0; kv && names && i < n_opts; i++) {
        const char *eq = strchr(opts[i], '=');
        if (!(names[i] = strndup(opts[i], eq ? (size_t)(eq - opts[i]) : strlen(opts[i]))))
            break;
        kv[nkv].name = names[nkv];
        kv[nkv].value = eq ? eq + 1 : "";
        nkv++;
    }
    vg_ev_scan_info in = {.tool_version = VIGIL_VERSION,
                          .tool_build = VIGIL_GIT_HASH,
                          .argc = argc,
                          .argv = argv,
                          .roots = roots,
                          .n_roots = n_roots,
                          .config = kv,
                          .n_config = nkv,
                          .lists = lists,
                          .n_lists = collect_lists(r, lists, 256)};
    int rc = 0;
    if (nkv < n_opts) {
        vg_cli_err("scan: out of memory");
        rc = -1;
    } else if (vg_ev_report_scan_start(r->ev, &in) != VG_OK) {
        vg_cli_path_err(r->dir, vg_ev_report_errmsg(r->ev));
        rc = -1;
    }
    for (size_t i = 0; names && i < nkv; i++)
        free(names[i]);
    free(names);
    free(kv);
    return rc;
}

static const char *hash_name(vg_hash_type t) {
    switch (t) {
    case VG_HT_MD5:
        return "md5";
    case VG_HT_SHA1:
        return "sha1";
    case VG_HT_SHA256:
        return "sha256";
    case VG_HT_PDQ:
        return "pdq";
    default:
        return "other";
    }
}

/* The reference's names of the 8 dihedral forms, in its order (vigil/pdq.h VG_PDQ_ORIGINAL...). */
static const char *const dihedral_names[8] = {"original", "rotate90", "rotate180", "rotate270",
                                              "flipx",    "flipy",    "flipplus1", "flipminus1"};

static vg_status match_rec(scan_report *r, const vg_scan_rec *rec, const vg_scan_match *m,
                           uint64_t file_seq) {
    const vg_hset *h = r->lists[m->list];
    vg_hset_rec e = {0};
    vg_hset_list l = {0};
    if (vg_hset_rec_get(h, m->entry, &e) != VG_OK || vg_hset_list_get(h, e.list, &l) != VG_OK)
        return VG_E_INVAL;
    vg_ev_match em = {.file_seq = file_seq,
                      .list = l.name,
                      .entry = e.id,
                      .category = *e.cat_label  ? e.cat_label
                                  : *e.cat_code ? e.cat_code
                                                : NULL,
                      .how = hash_name(m->how),
                      .distance = (int)m->distance,
                      .quality = m->trimmed ? rec->pdq_trim_quality : rec->pdq_quality};
    if (m->how == VG_HT_PDQ) {
        em.pdq_of = m->trimmed ? "trimmed" : "image";
        em.dihedral = m->dihedral < 8 ? dihedral_names[m->dihedral] : NULL;
    }
    vg_status st = vg_ev_report_match(r->ev, &em, NULL);
    if (st == VG_OK && m->how == VG_HT_PDQ)
        r->probable++;
    else if (st == VG_OK)
        r->confirmed++;
    return st;
}

/* ---- preservation of matched files ---- */

struct pread_src {
    int fd;
    off_t off;
};

/* From offset 0 with pread: the worker may still be reading the same open file. */
static long read_fd(void *ctx, void *buf, size_t cap) {
    struct pread_src *p = ctx;
    for (;;) {
        ssize_t n = pread(p->fd, buf, cap, p->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n > 0)
            p->off += n;
        return (long)n;
    }
}

struct mem_src {
    const uint8_t *p;
    size_t n, off;
};

static long read_mem(void *ctx, void *buf, size_t cap) {
    struct mem_src *m = ctx;
    size_t k = m->n - m->off < cap ? m->n - m->off : cap;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (long)k;
}

/* Encrypt a matched item into preserved/ (the evidence writer streams it; no plaintext copy
 * on disk). What cannot be preserved is recorded, and makes the scan incomplete. */
static vg_status preserve(scan_report *r, const vg_scan_rec *rec, uint64_t seq) {
    bool done = false;
    vg_status st = VG_OK;
    if (rec->has_content_fd) {
        struct pread_src src = {.fd = rec->content_fd};
        st = vg_ev_report_preserve_cb(r->ev, seq, read_fd, &src, &done);
    } else if (rec->content) {
        struct mem_src src = {.p = rec->content, .n = rec->content_len};
        st = vg_ev_report_preserve_cb(r->ev, seq, read_mem, &src, &done);
    } else {
        st = vg_ev_report_not_preserved(r->ev, seq,
                                        rec->n_inner ? "content not held (archive entry streamed)"
                                                     : "content not held (the file could not be "
                                                       "opened)");
    }
    if (done)
        r->preserved++;
    else
        r->not_preserved++;
    return st;
}

static void stat_fields(vg_ev_file *f, const vg_scan_rec *rec) {
    f->has_stat = rec->has_stat;
    f->mtime = (struct timespec){rec->mtime_ns / 1000000000, rec->mtime_ns % 1000000000};
    f->ctime = (struct timespec){rec->ctime_ns / 1000000000, rec->ctime_ns % 1000000000};
    f->atime = (struct timespec){rec->atime_ns / 1000000000, rec->atime_ns % 1000000000};
    f->dev = rec->dev;
    f->ino = rec->ino;
    f->uid = rec->uid;
    f->gid = rec->gid;
    f->mode = rec->mode;
}

/* A limit's figure as a report integer (UINT64_MAX stands for "too big to count"). */
static int64_t clamp64(uint64_t v) {
    return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

vg_status scan_report_rec(void *ctx, const vg_scan_rec *rec) {
    scan_report *r = ctx;
    vg_ev_where w = {.path = rec->root_path, .inner = rec->inner, .n_inner = rec->n_inner};
    vg_status st;
    if (rec->kind == VG_SCAN_ERROR) {
        r->err_by_errno[rec->err > 0 && rec->err < SCAN_REPORT_ERRNOS ? rec->err : 0]++;
        st = vg_ev_report_error(r->ev, &w, rec->reason, rec->err, NULL);
    } else if (rec->kind == VG_SCAN_LIMIT) {
        const char *name = rec->limit != VG_LIM_NONE ? vg_arc_limit_str(rec->limit) : rec->reason;
        st = vg_ev_report_limit(r->ev, &w, name, clamp64(rec->limit_value), clamp64(rec->limit_max),
                                NULL);
    } else {
        bool file = rec->kind == VG_SCAN_FILE;
        vg_ev_file f = {.where = w,
                        .size = file ? rec->dg.size : rec->size,
                        .has_digests = file && rec->has_digests,
                        .digests = rec->dg,
                        .has_pdq = file && rec->has_pdq,
                        .pdq_quality = rec->pdq_quality,
                        .kind = file ? vg_sniff_name(rec->type) : rec->reason,
                        .outcome = !file            ? "skipped"
                                   : rec->n_matches ? "matched"
                                                    : "clean"};
        memcpy(f.pdq, rec->pdq, sizeof f.pdq);
        f.pdq_screened = file && rec->pdq_screened;
        f.has_pdq_trim = file && rec->has_pdq_trim;
        memcpy(f.pdq_trim, rec->pdq_trim, sizeof f.pdq_trim);
        f.pdq_trim_quality = rec->pdq_trim_quality;
        f.trim_x = rec->trim_x;
        f.trim_y = rec->trim_y;
        f.trim_w = rec->trim_w;
        f.trim_h = rec->trim_h;
        stat_fields(&f, rec);
        uint64_t seq = 0;
        st = vg_ev_report_file(r->ev, &f, &seq);
        for (size_t i = 0; st == VG_OK && i < rec->n_matches; i++)
            st = match_rec(r, rec, &rec->matches[i], seq);
        if (st == VG_OK && r->preserve && rec->n_matches)
            st = preserve(r, rec, seq);
    }
    if (st == VG_E_LIMIT && !vg_ev_report_full(r->ev)) {
        r->record_limits++; /* one record too long: a limit record in its place; go on */
        st = VG_OK;
    } else if (st == VG_E_LIMIT && !r->full) { /* max-report-size: the scan must stop */
        r->full = true;
        vg_cli_path_err(r->dir, vg_ev_report_errmsg(r->ev));
    } else if (st != VG_OK && st != VG_E_LIMIT) {
        vg_cli_path_err(r->dir, vg_ev_report_errmsg(r->ev));
    }
    return st;
}

int scan_report_end(scan_report *r, const vg_scan_stats *st) {
    if (vg_ev_report_scan_end(r->ev, st->interrupted || r->full) != VG_OK ||
        vg_ev_report_seal(r->ev) != VG_OK) {
        vg_cli_path_err(r->dir, vg_ev_report_errmsg(r->ev));
        return -1;
    }
    return 0;
}

void scan_report_close(scan_report *r) {
    vg_ev_report_free(r->ev);
    memset(r, 0, sizeof *r);
}
