/*
 * scan_report.c — records.jsonl of a `vigil scan` report: one JSON object per line, members in
 * byte order, integers only, names that are not UTF-8 kept exactly in a "_b64" twin (EVIDENCE.md
 * §5.2-5.3 shapes: scan_start, file, match, error, limit, scan_end). Never any file content:
 * paths, hashes, counts and reasons only. This interim writer has no hash chain or seal; the
 * evidence writer (vigil/evidence.h) takes its place when it lands.
 */
#include "scan_report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil/pdq.h"

#include "cli.h"
#include "pathfmt.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif

/* ---- JSON pieces ---- */

static void key(FILE *f, const char *k, bool *first) {
    fprintf(f, "%s\"%s\":", *first ? "" : ",", k);
    *first = false;
}

/* "k":"s" and, when s is not UTF-8, "k_b64":"..." — the twin sorts right after k. */
static void kstr(FILE *f, const char *k, const char *s, bool *first) {
    key(f, k, first);
    vg_json_write_str(f, s);
    if (!vg_utf8_valid(s, strlen(s))) {
        fprintf(f, ",\"%s_b64\":", k);
        vg_json_write_b64(f, (const unsigned char *)s, strlen(s));
    }
}

static void kint(FILE *f, const char *k, unsigned long long v, bool *first) {
    key(f, k, first);
    fprintf(f, "%llu", v);
}

static void khex(FILE *f, const char *k, const uint8_t *b, size_t n, bool *first) {
    char hex[2 * 32 + 1];
    key(f, k, first);
    fprintf(f, "\"%s\"", vg_hex(b, n, hex));
}

static void ktime(FILE *f, const char *k, int64_t ns, bool *first) {
    time_t s = (time_t)(ns / 1000000000);
    long frac = (long)(ns % 1000000000);
    if (frac < 0) {
        s--;
        frac += 1000000000;
    }
    struct tm tm;
    char buf[40];
    gmtime_r(&s, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    key(f, k, first);
    fprintf(f, "\"%s.%09ldZ\"", buf, frac);
}

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void inner_array(FILE *f, const vg_scan_rec *rec, bool *first) {
    if (!rec->n_inner)
        return;
    key(f, "inner", first);
    fputc('[', f);
    for (size_t i = 0; i < rec->n_inner; i++) {
        if (i)
            fputc(',', f);
        vg_json_write_str(f, rec->inner[i]);
    }
    fputc(']', f);
}

/* ---- open ---- */

int scan_report_open(scan_report *r, const char *parent) {
    memset(r, 0, sizeof *r);
    if (mkdir(parent, 0700) != 0 && errno != EEXIST) {
        vg_cli_path_err(parent, strerror(errno));
        return -1;
    }
    char host[64] = "host", stamp[32];
    gethostname(host, sizeof host - 1);
    for (char *p = host; *p; p++)
        if (*p == '/')
            *p = '_';
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    size_t n = strlen(parent) + strlen(host) + 64;
    if (!(r->dir = malloc(n)))
        return -1;
    snprintf(r->dir, n, "%s/vigil-%s-%s-%ld", parent, host, stamp, (long)getpid());
    if (mkdir(r->dir, 0700) != 0) {
        vg_cli_path_err(r->dir, strerror(errno));
        return -1;
    }
    char *path = malloc(n + 16);
    if (!path)
        return -1;
    snprintf(path, n + 16, "%s/records.jsonl", r->dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || !(r->f = fdopen(fd, "w"))) {
        vg_cli_path_err(path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

/* ---- records ---- */

int scan_report_start(scan_report *r, const char *const *roots, size_t n_roots,
                      const char *const *opts, size_t n_opts) {
    FILE *f = r->f;
    bool first = true;
    fputc('{', f);
    key(f, "lists", &first);
    fputc('[', f);
    for (size_t i = 0; i < r->n_lists; i++) {
        vg_hset_info info;
        vg_hset_info_get(r->lists[i], &info);
        bool m = true;
        fputs(i ? ",{" : "{", f);
        kint(f, "entries", info.n_entries, &m);
        kstr(f, "file", r->list_paths[i], &m);
        kstr(f, "name", info.name, &m);
        khex(f, "vhs_body_sha256", info.body_sha256, 32, &m);
        kstr(f, "version", info.version, &m);
        fputc('}', f);
    }
    fputc(']', f);
    key(f, "options", &first);
    fputc('[', f);
    for (size_t i = 0; i < n_opts; i++) {
        fputs(i ? "," : "", f);
        vg_json_write_str(f, opts[i]);
    }
    fputc(']', f);
    key(f, "roots", &first);
    fputc('[', f);
    for (size_t i = 0; i < n_roots; i++) {
        fputs(i ? "," : "", f);
        vg_json_write_str(f, roots[i]);
    }
    fputc(']', f);
    kint(f, "seq", ++r->seq, &first);
    ktime(f, "start", now_ns(), &first);
    key(f, "tool", &first);
    fprintf(f, "{\"name\":\"vigil\",\"version\":\"%s\"}", VIGIL_VERSION);
    kstr(f, "type", "scan_start", &first);
    fputs("}\n", f);
    return ferror(f) ? -1 : 0;
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

static void match_rec(scan_report *r, const vg_scan_rec *rec, const vg_scan_match *m,
                      unsigned long long file_seq) {
    const vg_hset *h = r->lists[m->list];
    vg_hset_rec e = {0};
    vg_hset_list l = {0};
    vg_hset_rec_get(h, m->entry, &e);
    vg_hset_list_get(h, e.list, &l);
    FILE *f = r->f;
    bool first = true, pdq = m->how == VG_HT_PDQ;
    fputc('{', f);
    if (e.cat_label && *e.cat_label)
        kstr(f, "category", e.cat_label, &first);
    else if (e.cat_code && *e.cat_code)
        kstr(f, "category", e.cat_code, &first);
    if (pdq) {
        kint(f, "dihedral", m->dihedral, &first);
        kint(f, "distance", m->distance, &first);
    }
    kstr(f, "entry", e.id ? e.id : "", &first);
    kint(f, "file_seq", file_seq, &first);
    kstr(f, "how", hash_name(m->how), &first);
    kstr(f, "kind", pdq ? "probable" : "confirmed", &first);
    kstr(f, "list", l.name ? l.name : "", &first);
    kstr(f, "list_file", r->list_paths[m->list], &first);
    kstr(f, "path", rec->path, &first);
    if (pdq)
        kint(f, "quality", (unsigned long long)rec->pdq_quality, &first);
    kint(f, "seq", ++r->seq, &first);
    kstr(f, "type", "match", &first);
    fputs("}\n", f);
    if (pdq)
        r->probable++;
    else
        r->confirmed++;
}

static const char *outcome(const vg_scan_rec *rec) {
    switch (rec->kind) {
    case VG_SCAN_FILE:
        return rec->n_matches ? "matched" : "clean";
    case VG_SCAN_SKIP:
        return "skipped";
    case VG_SCAN_ERROR:
        return "error";
    case VG_SCAN_LIMIT:
        return "limit";
    }
    return "error";
}

static void ktrue(FILE *f, const char *k, bool *first) {
    key(f, k, first);
    fputs("true", f);
}

/* Members in byte order of their names (EVIDENCE.md §5.3 rule 2). */
vg_status scan_report_rec(void *ctx, const vg_scan_rec *rec) {
    scan_report *r = ctx;
    FILE *f = r->f;
    bool file = rec->kind == VG_SCAN_FILE, first = true;
    const char *type = rec->kind == VG_SCAN_ERROR   ? "error"
                       : rec->kind == VG_SCAN_LIMIT ? "limit"
                                                    : "file";
    fputc('{', f);
    if (file && rec->cached)
        ktrue(f, "cached", &first);
    if (file && rec->changed)
        ktrue(f, "changed", &first);
    if (rec->err) {
        kint(f, "errno", (unsigned long long)rec->err, &first);
        kstr(f, "error", strerror(rec->err), &first);
    }
    inner_array(f, rec, &first);
    if (file)
        kstr(f, "kind", vg_sniff_name(rec->type), &first);
    if (file && rec->known_good)
        ktrue(f, "known_good", &first);
    if (rec->kind == VG_SCAN_LIMIT && rec->limit != VG_LIM_NONE) {
        kstr(f, "limit", vg_arc_limit_str(rec->limit), &first);
        kint(f, "limit_max", rec->limit_max, &first);
        kint(f, "limit_value", rec->limit_value, &first);
    }
    if (file)
        khex(f, "md5", rec->dg.md5, VG_MD5_LEN, &first);
    if (file && rec->has_stat && !rec->n_inner)
        ktime(f, "mtime", rec->mtime_ns, &first);
    kstr(f, "outcome", outcome(rec), &first);
    kstr(f, "path", rec->path, &first);
    if (file && rec->has_pdq) {
        khex(f, "pdq", rec->pdq, VG_PDQ_LEN, &first);
        kint(f, "pdq_quality", (unsigned long long)rec->pdq_quality, &first);
    }
    if (rec->reason && *rec->reason)
        kstr(f, "reason", rec->reason, &first);
    unsigned long long seq = ++r->seq;
    kint(f, "seq", seq, &first);
    if (file) {
        khex(f, "sha1", rec->dg.sha1, VG_SHA1_LEN, &first);
        khex(f, "sha256", rec->dg.sha256, VG_SHA256_LEN, &first);
        kint(f, "size", rec->dg.size, &first);
    }
    kstr(f, "type", type, &first);
    fputs("}\n", f);
    for (size_t i = 0; i < rec->n_matches; i++)
        match_rec(r, rec, &rec->matches[i], seq);
    return ferror(f) ? VG_E_IO : VG_OK;
}

int scan_report_end(scan_report *r, const vg_scan_stats *st) {
    FILE *f = r->f;
    bool first = true, m = true;
    fputc('{', f);
    key(f, "counts", &first);
    fputc('{', f);
    kint(f, "archives", st->archives, &m);
    kint(f, "cached", st->cached, &m);
    kint(f, "changed", st->changed, &m);
    kint(f, "entries", st->entries, &m);
    kint(f, "errors", st->errors, &m);
    kint(f, "files", st->files, &m);
    kint(f, "images", st->images, &m);
    kint(f, "limits", st->limits, &m);
    kint(f, "matched_confirmed", r->confirmed, &m);
    kint(f, "matched_probable", r->probable, &m);
    kint(f, "skipped", st->skipped, &m);
    fputc('}', f);
    ktime(f, "end", now_ns(), &first);
    key(f, "interrupted", &first);
    fputs(st->interrupted ? "true" : "false", f);
    kint(f, "seq", ++r->seq, &first);
    kstr(f, "type", "scan_end", &first);
    fputs("}\n", f);
    if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)
        return -1;
    return 0;
}

void scan_report_close(scan_report *r) {
    if (r->f)
        fclose(r->f);
    free(r->dir);
    memset(r, 0, sizeof *r);
}
