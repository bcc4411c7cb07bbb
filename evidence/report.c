/*
 * report.c — the report writer: creates the report folder, builds each record in canonical JSON,
 * chains it (seq, prev = leaf hash of the previous line, EVIDENCE.md §5.4) and appends it to
 * records.jsonl. records.jsonl is appended in place (not renamed) so that a crash leaves every
 * complete line checkable; it is fsynced every FSYNC_EVERY records and at the end.
 */
#define _GNU_SOURCE /* O_CLOEXEC, O_DIRECTORY */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_impl.h"

#define FSYNC_EVERY 1024

vg_status vg_ev_report_fail(vg_ev_report *r, vg_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started */
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

const char *vg_ev_report_errmsg(const vg_ev_report *r) {
    return r->errmsg;
}

const char *vg_ev_report_dir(const vg_ev_report *r) {
    return r->dir;
}

const char *vg_ev_report_id(const vg_ev_report *r) {
    return r->id_text;
}

/* ---- open / free ---- */

static vg_status make_folder(vg_ev_report *r, const char *parent) {
    char stamp[17], host[64];
    vg_ev_time_now(r->start, stamp);
    clock_gettime(CLOCK_MONOTONIC, &r->t0);
    /* The host name goes into a folder name: keep [A-Za-z0-9.-] only. */
    size_t k = 0;
    for (const char *p = r->host.hostname; *p && k < sizeof host - 1; p++)
        host[k++] = (char)((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                   (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'
                               ? *p
                               : '_');
    host[k] = '\0';
    vg_ev_buf path = {0};
    vg_status st = vg_ev_buf_printf(&path, "%s/vigil-%s-%s-%s", parent, host, stamp, r->id_text);
    if (st != VG_OK)
        return st;
    r->dir = path.p;
    if (mkdir(r->dir, 0700) != 0)
        return vg_ev_report_fail(r, VG_E_IO, "cannot create report folder: %s", strerror(errno));
    r->dirfd = open(r->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (r->dirfd < 0)
        return vg_ev_report_fail(r, VG_E_IO, "cannot open report folder: %s", strerror(errno));
    r->recfd = openat(r->dirfd, "records.jsonl",
                      O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (r->recfd < 0)
        return vg_ev_report_fail(r, VG_E_IO, "cannot create records.jsonl: %s", strerror(errno));
    return VG_OK;
}

vg_status vg_ev_report_open(vg_ev_report **out, const vg_ev_opts *o, const char **err) {
    static _Thread_local char msg[256];
    const char *dummy;
    if (!err)
        err = &dummy;
    *out = NULL;
    *err = NULL;
    if (!o || !o->parent || !o->sign_key) {
        *err = "a report needs a parent folder and a signing key";
        return VG_E_INVAL;
    }
    vg_ev_report *r = calloc(1, sizeof *r);
    if (!r || !(r->j = vg_ev_json_new())) {
        free(r);
        return VG_E_NOMEM;
    }
    r->dirfd = r->recfd = -1;
    r->opts = *o;
    r->opts.parent = r->opts.sign_key = r->opts.recipient_cert = NULL; /* borrowed: not kept */
    r->preserve_cap = o->preserve_cap ? o->preserve_cap : VG_EV_PRESERVE_CAP_DEFAULT;
    r->max_preserve = o->max_preserve_size ? o->max_preserve_size : VG_EV_MAX_PRESERVE_DEFAULT;
    r->max_rec_bytes = o->max_report_size ? o->max_report_size : VG_EV_MAX_REPORT_DEFAULT;
    vg_status st = vg_ev_signer_load(o->sign_key, &r->signer);
    const char *why = NULL;
    if (st != VG_OK)
        vg_ev_report_fail(r, st, "signing key %s",
                          st == VG_E_IO ? "unreadable" : "is not an Ed25519 PKCS#8 private key");
    if (st == VG_OK && o->recipient_cert &&
        (st = vg_ev_recipient_load(o->recipient_cert, &r->recip, &why)) != VG_OK)
        vg_ev_report_fail(r, st, "recipient certificate: %s", why ? why : vg_status_str(st));
    if (st == VG_OK)
        st = vg_ev_uuid_new(r->id, r->id_text);
    if (st == VG_OK)
        st = vg_ev_genesis(r->id, r->genesis);
    if (st == VG_OK) {
        memcpy(r->prev, r->genesis, 32);
        vg_ev_merkle_init(&r->merkle);
        vg_ev_host_collect(&r->host);
        st = make_folder(r, o->parent);
    }
    if (st != VG_OK) {
        snprintf(msg, sizeof msg, "%s", r->errmsg[0] ? r->errmsg : vg_status_str(st));
        *err = msg;
        if (r->dir && r->dirfd >= 0 && r->recfd < 0)
            rmdir(r->dir);
        vg_ev_report_free(r);
        return st;
    }
    *out = r;
    return VG_OK;
}

void vg_ev_report_free(vg_ev_report *r) {
    if (!r)
        return;
    if (r->recfd >= 0) {
        fsync(r->recfd);
        close(r->recfd);
    }
    if (r->dirfd >= 0)
        close(r->dirfd);
    vg_ev_signer_free(r->signer);
    vg_ev_recipient_free(r->recip);
    vg_ev_json_free(r->j);
    for (size_t i = 0; i < r->n_lists; i++) {
        free(r->lists[i].name);
        free(r->lists[i].version);
        free(r->lists[i].source);
    }
    free(r->lists);
    for (size_t i = 0; i < r->n_roots; i++)
        free(r->roots[i]);
    free(r->roots);
    free(r->tool_version);
    free(r->tool_build);
    free(r->case_ref);
    free(r->exhibit);
    free(r->is_file);
    vg_ev_digtab_free(&r->matched_sha256);
    vg_ev_buf_free(&r->matched);
    free(r->pinned);
    free(r->dir);
    free(r);
}

/* ---- appending records ---- */

/* Begin a record of the given type (the top-level object is left open). */
static vg_status begin(vg_ev_report *r, const char *type, enum report_state want) {
    if (r->state == RS_BROKEN)
        return vg_ev_report_fail(r, VG_E_IO, "report is unusable after an earlier write error");
    if (r->state != want)
        return vg_ev_report_fail(r, VG_E_INVAL, "%s record out of order", type);
    vg_ev_json_reset(r->j);
    vg_ev_json_obj(r->j, NULL);
    return vg_ev_json_str(r->j, "type", type);
}

static vg_status refuse(vg_ev_report *r, bool too_long, uint64_t value);

/* Close the record, chain it, append it as one line. A gated record (file, error, limit) longer
 * than VG_EV_RECORD_MAX, or that would take records.jsonl past max_rec_bytes, is not written:
 * refuse() instead. */
static vg_status append_line(vg_ev_report *r, uint64_t *seq, bool gated) {
    const char *line;
    size_t n;
    uint8_t leaf[32];
    vg_ev_json_int(r->j, "seq", (int64_t)(r->seq + 1));
    vg_ev_json_hex(r->j, "prev", r->prev, 32);
    vg_ev_json_end(r->j);
    vg_status st = vg_ev_json_finish(r->j, &line, &n);
    if (st != VG_OK)
        return vg_ev_report_fail(r, st, "record not representable (bad UTF-8 text or value)");
    if (gated && !r->full && n + 1 > VG_EV_RECORD_MAX)
        return refuse(r, true, n + 1);
    if (gated &&
        (r->full || r->rec_bytes > r->max_rec_bytes || n + 1 > r->max_rec_bytes - r->rec_bytes))
        return refuse(r, false, r->rec_bytes + n + 1);
    if (n + 1 > VG_EV_RECORD_MAX) /* verify refuses longer lines: never write one */
        return vg_ev_report_fail(r, VG_E_LIMIT, "record of %zu bytes not written (limit %u)", n + 1,
                                 (unsigned)VG_EV_RECORD_MAX);
    st = vg_ev_leaf(line, n, leaf);
    if (st == VG_OK)
        st = vg_ev_merkle_add(&r->merkle, leaf);
    if (st != VG_OK)
        return vg_ev_report_fail(r, st, "hashing the record failed");
    /* One write() of line + LF keeps a torn record to at most the last line. */
    char *full = malloc(n + 1);
    if (!full)
        return vg_ev_report_fail(r, VG_E_NOMEM, "out of memory");
    memcpy(full, line, n);
    full[n] = '\n';
    st = vg_ev_write_fd(r->recfd, full, n + 1);
    free(full);
    if (st != VG_OK || ((r->seq + 1) % FSYNC_EVERY == 0 && fsync(r->recfd) != 0)) {
        r->state = RS_BROKEN;
        return vg_ev_report_fail(r, VG_E_IO, "cannot write records.jsonl: %s", strerror(errno));
    }
    memcpy(r->prev, leaf, 32);
    r->seq++;
    r->rec_bytes += n + 1;
    if (seq)
        *seq = r->seq;
    return VG_OK;
}

static vg_status append(vg_ev_report *r, uint64_t *seq) {
    return append_line(r, seq, false);
}

/* A limit record (no path) in place of a record not written: one record too long
 * (max-record-size), or the first that did not fit (max-report-size: the report is full from
 * now on). Always VG_E_LIMIT (or the failure writing that record). */
static vg_status refuse(vg_ev_report *r, bool too_long, uint64_t value) {
    if (!r->full) {
        uint64_t max = too_long ? VG_EV_RECORD_MAX : r->max_rec_bytes;
        r->full = !too_long;
        vg_ev_json_reset(r->j);
        vg_ev_json_obj(r->j, NULL);
        vg_ev_json_str(r->j, "type", "limit");
        vg_ev_json_str(r->j, "limit", too_long ? "max-record-size" : "max-report-size");
        vg_ev_json_int(r->j, "value", (int64_t)(value > INT64_MAX ? INT64_MAX : value));
        vg_ev_json_int(r->j, "max", (int64_t)(max > INT64_MAX ? INT64_MAX : max));
        vg_status st = append(r, NULL);
        if (st != VG_OK)
            return st;
        r->counts.limits++;
    }
    if (too_long)
        return vg_ev_report_fail(r, VG_E_LIMIT,
                                 "a record of %llu bytes is longer than %u (max-record-size): "
                                 "not written",
                                 (unsigned long long)value, (unsigned)VG_EV_RECORD_MAX);
    return vg_ev_report_fail(r, VG_E_LIMIT,
                             "records.jsonl is full (max-report-size %llu bytes): scan stopped",
                             (unsigned long long)r->max_rec_bytes);
}

bool vg_ev_report_full(const vg_ev_report *r) {
    return r->full;
}

static void emit_where(vg_ev_json *j, const vg_ev_where *w) {
    if (!w || !w->path)
        return;
    vg_ev_json_name(j, "path", w->path, strlen(w->path));
    if (w->n_inner == 0)
        return;
    vg_ev_json_arr(j, "inner");
    for (size_t i = 0; i < w->n_inner; i++) {
        vg_ev_json_obj(j, NULL);
        vg_ev_json_name(j, "name", w->inner[i], strlen(w->inner[i]));
        vg_ev_json_end(j);
    }
    vg_ev_json_end(j);
}

static void emit_time(vg_ev_json *j, const char *key, struct timespec ts) {
    struct tm tm;
    char out[96];
    time_t t = ts.tv_sec;
    gmtime_r(&t, &tm);
    snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)ts.tv_nsec);
    vg_ev_json_str(j, key, out);
}

static void emit_u64str(vg_ev_json *j, const char *key, uint64_t v) {
    char tmp[24];
    snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)v);
    vg_ev_json_str(j, key, tmp);
}

/* ---- scan_start ---- */

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

static vg_status keep_facts(vg_ev_report *r, const vg_ev_scan_info *in) {
    r->tool_version = strdup(in->tool_version ? in->tool_version : "unknown");
    r->tool_build = strdup(in->tool_build ? in->tool_build : "unknown");
    r->case_ref = dup_or_null(in->case_ref);
    r->exhibit = dup_or_null(in->exhibit);
    r->lists = calloc(in->n_lists ? in->n_lists : 1, sizeof *r->lists);
    if (!r->tool_version || !r->tool_build || !r->lists || (in->case_ref && !r->case_ref) ||
        (in->exhibit && !r->exhibit))
        return VG_E_NOMEM;
    r->roots = calloc(in->n_roots ? in->n_roots : 1, sizeof *r->roots);
    if (!r->roots)
        return VG_E_NOMEM;
    for (size_t i = 0; i < in->n_roots; i++)
        if (!(r->roots[r->n_roots++] = strdup(in->roots[i])))
            return VG_E_NOMEM;
    for (size_t i = 0; i < in->n_lists; i++) {
        struct kept_list *l = &r->lists[r->n_lists++];
        memcpy(l->sha256, in->lists[i].sha256, 32);
        l->entries = in->lists[i].entries;
        l->name = dup_or_null(in->lists[i].name ? in->lists[i].name : "unnamed");
        l->version = dup_or_null(in->lists[i].version);
        l->source = dup_or_null(in->lists[i].source);
        if (!l->name)
            return VG_E_NOMEM;
    }
    return VG_OK;
}

vg_status vg_ev_emit_facts(vg_ev_report *r, vg_ev_json *j) {
    const vg_ev_host *h = &r->host;
    vg_ev_json_obj(j, "tool");
    vg_ev_json_str(j, "name", "vigil");
    vg_ev_json_str(j, "version", r->tool_version);
    vg_ev_json_str(j, "build", r->tool_build);
    if (h->has_exe)
        vg_ev_json_hex(j, "exe_sha256", h->exe_sha256, 32);
    vg_ev_json_end(j);
    vg_ev_json_obj(j, "host");
    vg_ev_json_name(j, "hostname", h->hostname, strlen(h->hostname));
    vg_ev_json_name(j, "machine_id", h->machine_id, strlen(h->machine_id));
    vg_ev_json_name(j, "os", h->os, strlen(h->os));
    vg_ev_json_name(j, "kernel", h->kernel, strlen(h->kernel));
    vg_ev_json_name(j, "arch", h->arch, strlen(h->arch));
    vg_ev_json_bool(j, "clock_synced", h->clock_synced);
    vg_ev_json_str(j, "clock_status", h->clock_status);
    vg_ev_json_end(j);
    vg_ev_json_obj(j, "operator");
    vg_ev_json_int(j, "uid", h->uid);
    vg_ev_json_name(j, "user", h->user, strlen(h->user));
    vg_ev_json_end(j);
    if (r->case_ref || r->exhibit) {
        vg_ev_json_obj(j, "case");
        if (r->case_ref)
            vg_ev_json_str(j, "reference", r->case_ref);
        if (r->exhibit)
            vg_ev_json_str(j, "exhibit", r->exhibit);
        vg_ev_json_end(j);
    }
    vg_ev_json_arr(j, "lists");
    for (size_t i = 0; i < r->n_lists; i++) {
        const struct kept_list *l = &r->lists[i];
        vg_ev_json_obj(j, NULL);
        vg_ev_json_str(j, "name", l->name);
        if (l->version)
            vg_ev_json_str(j, "version", l->version);
        if (l->source)
            vg_ev_json_name(j, "source", l->source, strlen(l->source));
        vg_ev_json_hex(j, "sha256", l->sha256, 32);
        if (l->entries >= 0)
            vg_ev_json_int(j, "entries", l->entries);
        vg_ev_json_end(j);
    }
    vg_ev_json_end(j);
    vg_ev_json_arr(j, "roots");
    for (size_t i = 0; i < r->n_roots; i++) {
        vg_ev_json_obj(j, NULL);
        vg_ev_json_name(j, "path", r->roots[i], strlen(r->roots[i]));
        vg_ev_json_end(j);
    }
    vg_ev_json_end(j);
    vg_ev_json_str(j, "report_id", r->id_text);
    vg_ev_json_str(j, "format", VG_EV_FORMAT);
    return vg_ev_json_str(j, "start", r->start);
}

vg_status vg_ev_report_scan_start(vg_ev_report *r, const vg_ev_scan_info *in) {
    vg_status st = begin(r, "scan_start", RS_OPEN);
    if (st != VG_OK)
        return st;
    if ((st = keep_facts(r, in)) != VG_OK)
        return vg_ev_report_fail(r, st, "out of memory");
    vg_ev_json *j = r->j;
    vg_ev_emit_facts(r, j);
    vg_ev_json_arr(j, "command_line");
    for (int i = 0; i < in->argc; i++) {
        vg_ev_json_obj(j, NULL);
        vg_ev_json_name(j, "arg", in->argv[i], strlen(in->argv[i]));
        vg_ev_json_end(j);
    }
    vg_ev_json_end(j);
    vg_ev_json_arr(j, "config");
    for (size_t i = 0; i < in->n_config; i++) {
        vg_ev_json_obj(j, NULL);
        vg_ev_json_str(j, "name", in->config[i].name);
        vg_ev_json_name(j, "value", in->config[i].value, strlen(in->config[i].value));
        vg_ev_json_end(j);
    }
    vg_ev_json_end(j);
    if ((st = append(r, NULL)) == VG_OK)
        r->state = RS_STARTED;
    return st;
}

/* ---- per-file records ---- */

/* is_file[seq]: 1 for a file record, 3 for a file record with outcome "matched". */
static vg_status mark_file(vg_ev_report *r, uint64_t seq, uint8_t flags) {
    if (seq >= r->is_file_cap) {
        size_t cap = r->is_file_cap ? r->is_file_cap : 1024;
        while (cap <= seq)
            cap *= 2;
        uint8_t *g = realloc(r->is_file, cap);
        if (!g)
            return VG_E_NOMEM;
        memset(g + r->is_file_cap, 0, cap - r->is_file_cap);
        r->is_file = g;
        r->is_file_cap = cap;
    }
    r->is_file[seq] = flags;
    return VG_OK;
}

bool vg_ev_report_is_file(const vg_ev_report *r, uint64_t seq) {
    return seq < r->is_file_cap && r->is_file[seq];
}

const char *const vg_ev_outcomes[VG_EV_N_OUTCOMES] = {"clean", "error", "limit", "matched",
                                                      "skipped"};

int vg_ev_outcome_index(const char *s) {
    for (int i = 0; i < VG_EV_N_OUTCOMES; i++)
        if (s && !strcmp(s, vg_ev_outcomes[i]))
            return i;
    return -1;
}

vg_status vg_ev_report_file(vg_ev_report *r, const vg_ev_file *f, uint64_t *seq) {
    vg_status st = begin(r, "file", RS_STARTED);
    if (st != VG_OK)
        return st;
    if (!f->where.path)
        return vg_ev_report_fail(r, VG_E_INVAL, "file record without a path");
    const char *outcome = f->outcome ? f->outcome : "clean";
    int oi = vg_ev_outcome_index(outcome);
    if (oi < 0)
        return vg_ev_report_fail(r, VG_E_INVAL,
                                 "file outcome is not one of clean, matched, "
                                 "skipped, error, limit");
    vg_ev_json *j = r->j;
    emit_where(j, &f->where);
    vg_ev_json_int(j, "size", (int64_t)f->size);
    if (f->has_stat) {
        emit_time(j, "mtime", f->mtime);
        emit_time(j, "ctime", f->ctime);
        emit_time(j, "atime", f->atime);
        emit_u64str(j, "dev", f->dev);
        emit_u64str(j, "ino", f->ino);
        vg_ev_json_int(j, "uid", f->uid);
        vg_ev_json_int(j, "gid", f->gid);
        vg_ev_json_int(j, "mode", f->mode);
    }
    if (f->has_digests) {
        vg_ev_json_hex(j, "md5", f->digests.md5, VG_MD5_LEN);
        vg_ev_json_hex(j, "sha1", f->digests.sha1, VG_SHA1_LEN);
        vg_ev_json_hex(j, "sha256", f->digests.sha256, VG_SHA256_LEN);
    }
    if (f->has_pdq) {
        vg_ev_json_hex(j, "pdq", f->pdq, 32);
        vg_ev_json_int(j, "pdq_quality", f->pdq_quality);
    }
    if (f->has_pdq_trim) {
        vg_ev_json_hex(j, "pdq_trimmed", f->pdq_trim, 32);
        vg_ev_json_int(j, "pdq_trimmed_quality", f->pdq_trim_quality);
        vg_ev_json_obj(j, "pdq_trimmed_from");
        vg_ev_json_int(j, "x", f->trim_x);
        vg_ev_json_int(j, "y", f->trim_y);
        vg_ev_json_int(j, "width", f->trim_w);
        vg_ev_json_int(j, "height", f->trim_h);
        vg_ev_json_end(j);
    }
    if (f->pdq_screened)
        vg_ev_json_bool(j, "pdq_screened", true);
    if (f->kind)
        vg_ev_json_str(j, "kind", f->kind);
    vg_ev_json_str(j, "outcome", outcome);
    uint64_t s = 0;
    if ((st = append_line(r, &s, true)) != VG_OK)
        return st;
    r->counts.examined++;
    r->counts.outcomes[oi]++;
    if (oi == VG_EV_OUT_MATCHED) {
        r->counts.matched_files++;
        st = vg_ev_buf_printf(&r->matched, "%llu\t%s\n", (unsigned long long)s, f->where.path);
    }
    if (st == VG_OK)
        st = mark_file(r, s, oi == VG_EV_OUT_MATCHED ? 3 : 1);
    if (st == VG_OK && oi == VG_EV_OUT_MATCHED && f->has_digests)
        st = vg_ev_digtab_add(&r->matched_sha256, s, f->digests.sha256);
    if (seq)
        *seq = s;
    return st == VG_OK ? VG_OK : vg_ev_report_fail(r, st, "out of memory");
}

static bool has_list(const vg_ev_report *r, const char *name) {
    for (size_t i = 0; i < r->n_lists; i++)
        if (!strcmp(r->lists[i].name, name))
            return true;
    return false;
}

vg_status vg_ev_report_match(vg_ev_report *r, const vg_ev_match *m, uint64_t *seq) {
    vg_status st = begin(r, "match", RS_STARTED);
    if (st != VG_OK)
        return st;
    if (!vg_ev_report_is_file(r, m->file_seq) || r->is_file[m->file_seq] != 3)
        return vg_ev_report_fail(r, VG_E_INVAL,
                                 "match names record %llu, not a file record with outcome matched",
                                 (unsigned long long)m->file_seq);
    if (!m->list || !has_list(r, m->list) || !m->entry || !m->how)
        return vg_ev_report_fail(r, VG_E_INVAL, "match without a known list, entry or method");
    bool pdq = !strcmp(m->how, "pdq");
    vg_ev_json *j = r->j;
    vg_ev_json_int(j, "file_seq", (int64_t)m->file_seq);
    vg_ev_json_str(j, "list", m->list);
    vg_ev_json_str(j, "entry", m->entry);
    if (m->category)
        vg_ev_json_str(j, "category", m->category);
    vg_ev_json_str(j, "how", m->how);
    vg_ev_json_str(j, "kind", pdq ? "probable" : "confirmed");
    if (pdq) {
        vg_ev_json_int(j, "distance", m->distance);
        vg_ev_json_int(j, "quality", m->quality);
        if (m->pdq_of)
            vg_ev_json_str(j, "pdq_of", m->pdq_of);
        if (m->dihedral)
            vg_ev_json_str(j, "dihedral", m->dihedral);
    }
    if ((st = append(r, seq)) == VG_OK) {
        if (pdq)
            r->counts.matches_probable++;
        else
            r->counts.matches_confirmed++;
    }
    return st;
}

vg_status vg_ev_report_error(vg_ev_report *r, const vg_ev_where *where, const char *reason, int err,
                             uint64_t *seq) {
    vg_status st = begin(r, "error", RS_STARTED);
    if (st != VG_OK)
        return st;
    emit_where(r->j, where);
    vg_ev_json_str(r->j, "reason", reason ? reason : "unknown");
    if (err)
        vg_ev_json_int(r->j, "errno", err);
    if ((st = append_line(r, seq, true)) == VG_OK)
        r->counts.errors++;
    return st;
}

vg_status vg_ev_report_limit(vg_ev_report *r, const vg_ev_where *where, const char *limit,
                             int64_t value, int64_t max, uint64_t *seq) {
    vg_status st = begin(r, "limit", RS_STARTED);
    if (st != VG_OK)
        return st;
    emit_where(r->j, where);
    vg_ev_json_str(r->j, "limit", limit ? limit : "unknown");
    vg_ev_json_int(r->j, "value", value);
    vg_ev_json_int(r->j, "max", max);
    if ((st = append_line(r, seq, true)) == VG_OK)
        r->counts.limits++;
    return st;
}

/* ---- preservation (the encryption itself is in preserve.c) ---- */

struct fd_src {
    int fd;
};

static long read_fd(void *ctx, void *buf, size_t cap) {
    int fd = ((struct fd_src *)ctx)->fd;
    for (;;) {
        ssize_t k = read(fd, buf, cap);
        if (k < 0 && errno == EINTR)
            continue;
        return (long)k;
    }
}

vg_status vg_ev_report_preserve_fd(vg_ev_report *r, uint64_t file_seq, int fd, bool *preserved) {
    struct fd_src src = {fd};
    return vg_ev_report_preserve_cb(r, file_seq, read_fd, &src, preserved);
}

vg_status vg_ev_report_pin(vg_ev_report *r, const char *name, const uint8_t sha256[32],
                           uint64_t size) {
    if (r->n_pinned == r->cap_pinned) {
        size_t cap = r->cap_pinned ? 2 * r->cap_pinned : 8;
        vg_ev_pinned *g = realloc(r->pinned, cap * sizeof *g);
        if (!g)
            return VG_E_NOMEM;
        r->pinned = g;
        r->cap_pinned = cap;
    }
    vg_ev_pinned *p = &r->pinned[r->n_pinned++];
    snprintf(p->name, sizeof p->name, "%s", name);
    memcpy(p->sha256, sha256, 32);
    p->size = size;
    return VG_OK;
}

/* Preservation is only for file records with outcome "matched". */
static vg_status check_preservable(vg_ev_report *r, uint64_t file_seq) {
    if (r->state != RS_STARTED)
        return vg_ev_report_fail(r, VG_E_INVAL, "preserve out of order");
    if (!vg_ev_report_is_file(r, file_seq) || r->is_file[file_seq] != 3)
        return vg_ev_report_fail(r, VG_E_INVAL,
                                 "preserve names record %llu, not a file record with outcome "
                                 "matched",
                                 (unsigned long long)file_seq);
    return VG_OK;
}

vg_status vg_ev_report_not_preserved(vg_ev_report *r, uint64_t file_seq, const char *reason) {
    vg_status st = check_preservable(r, file_seq);
    if (st == VG_OK)
        st = begin(r, "not_preserved", RS_STARTED);
    if (st != VG_OK)
        return st;
    vg_ev_json_int(r->j, "file_seq", (int64_t)file_seq);
    vg_ev_json_str(r->j, "reason", reason ? reason : "unknown");
    if ((st = append(r, NULL)) == VG_OK)
        r->counts.not_preserved++;
    return st;
}

vg_status vg_ev_report_preserve_cb(vg_ev_report *r, uint64_t file_seq, vg_ev_read_fn read_fn,
                                   void *ctx, bool *preserved) {
    if (preserved)
        *preserved = false;
    vg_status st = check_preservable(r, file_seq);
    if (st != VG_OK)
        return st;
    if (!r->recip)
        return vg_ev_report_fail(r, VG_E_INVAL, "preservation needs a recipient certificate");
    char name[64];
    if (r->next_cms == 0 && mkdirat(r->dirfd, "preserved", 0700) != 0 && errno != EEXIST)
        return vg_ev_report_fail(r, VG_E_IO, "cannot create preserved/: %s", strerror(errno));
    snprintf(name, sizeof name, "preserved/%06u.cms", ++r->next_cms);
    vg_ev_sealed_obj o;
    /* The container may take what is left of the preserved/ budget, no more: one that would
     * cross it is dropped, and a later, smaller file may still fit. */
    vg_ev_caps caps = {r->preserve_cap, r->max_preserve - r->preserved_size};
    st = vg_ev_preserve_stream(r->recip, read_fn, ctx, r->dirfd, name, caps, &o);
    if (st != VG_OK)
        return vg_ev_report_fail(r, st, "cannot write %s", name);
    /* The bytes encrypted must be the bytes hashed: a file changed in between is not evidence
     * of the match, so its container is dropped. */
    const uint8_t *want = vg_ev_digtab_find(&r->matched_sha256, file_seq);
    bool dropped = o.over_cap || o.read_error || o.over_budget;
    bool changed = !dropped && want && memcmp(want, o.plain_sha256, 32) != 0;
    if (changed && unlinkat(r->dirfd, name, 0) != 0)
        return vg_ev_report_fail(r, VG_E_IO, "cannot remove %s: %s", name, strerror(errno));
    if (dropped || changed) {
        r->next_cms--;
        return vg_ev_report_not_preserved(r, file_seq,
                                          o.over_cap      ? "over size cap"
                                          : o.read_error  ? "read error"
                                          : o.over_budget ? "limit max-preserve-size"
                                                          : "changed since it was hashed");
    }
    if ((st = vg_ev_report_pin(r, name, o.cms_sha256, o.cms_size)) != VG_OK)
        return vg_ev_report_fail(r, st, "out of memory");
    r->preserved_size += o.cms_size;
    if ((st = begin(r, "preserved", RS_STARTED)) != VG_OK)
        return st;
    vg_ev_json *j = r->j;
    vg_ev_json_int(j, "file_seq", (int64_t)file_seq);
    vg_ev_json_str(j, "object", name);
    vg_ev_json_hex(j, "plain_sha256", o.plain_sha256, 32);
    vg_ev_json_int(j, "plain_size", (int64_t)o.plain_size);
    vg_ev_json_hex(j, "cms_sha256", o.cms_sha256, 32);
    vg_ev_json_int(j, "cms_size", (int64_t)o.cms_size);
    vg_ev_json_str(j, "cipher", "aes-256-gcm");
    vg_ev_json_str(j, "key_transport", vg_ev_recipient_transport(r->recip));
    vg_ev_json_hex(j, "recipient_sha256", vg_ev_recipient_fingerprint(r->recip), 32);
    if ((st = append(r, NULL)) != VG_OK)
        return st;
    r->counts.preserved++;
    if (preserved)
        *preserved = true;
    return VG_OK;
}

/* ---- end and seal ---- */

vg_status vg_ev_counts_emit(vg_ev_json *j, const vg_ev_counts *c) {
    vg_ev_json_obj(j, "counts");
    vg_ev_json_int(j, "examined", c->examined);
    vg_ev_json_int(j, "matched_files", c->matched_files);
    vg_ev_json_int(j, "matches_confirmed", c->matches_confirmed);
    vg_ev_json_int(j, "matches_probable", c->matches_probable);
    vg_ev_json_int(j, "errors", c->errors);
    vg_ev_json_int(j, "limits", c->limits);
    vg_ev_json_int(j, "preserved", c->preserved);
    vg_ev_json_int(j, "not_preserved", c->not_preserved);
    vg_ev_json_obj(j, "outcomes");
    for (int i = 0; i < VG_EV_N_OUTCOMES; i++)
        vg_ev_json_int(j, vg_ev_outcomes[i], c->outcomes[i]);
    vg_ev_json_end(j);
    return vg_ev_json_end(j);
}

vg_status vg_ev_report_scan_end(vg_ev_report *r, bool interrupted) {
    vg_status st = begin(r, "scan_end", RS_STARTED);
    if (st != VG_OK)
        return st;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    vg_ev_time_now(r->end, NULL);
    r->duration_ms = (int64_t)(t1.tv_sec - r->t0.tv_sec) * 1000 +
                     (int64_t)(t1.tv_nsec - r->t0.tv_nsec) / 1000000;
    r->interrupted = interrupted;
    vg_ev_json_str(r->j, "end", r->end);
    vg_ev_json_int(r->j, "duration_ms", r->duration_ms);
    vg_ev_json_bool(r->j, "interrupted", interrupted);
    vg_ev_counts_emit(r->j, &r->counts);
    if ((st = append(r, NULL)) != VG_OK)
        return st;
    if (fsync(r->recfd) != 0) {
        r->state = RS_BROKEN;
        return vg_ev_report_fail(r, VG_E_IO, "cannot fsync records.jsonl: %s", strerror(errno));
    }
    r->state = RS_ENDED;
    return VG_OK;
}

vg_status vg_ev_report_seal(vg_ev_report *r) {
    if (r->state != RS_ENDED)
        return vg_ev_report_fail(r, VG_E_INVAL, "seal before scan_end (or sealed twice)");
    vg_status st = vg_ev_report_write_seal(r);
    r->state = st == VG_OK ? RS_SEALED : RS_BROKEN;
    return st;
}
