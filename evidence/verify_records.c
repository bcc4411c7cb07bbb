/*
 * verify_records.c — the pass over records.jsonl for `vigil verify`: every line must be
 * canonical, numbered 1..n, chained (prev = leaf hash of the line before, from the genesis value
 * bound to the report id), start with scan_start and end with scan_end. Counts are recomputed
 * from the records; per-record cross-references (a match names an earlier file record and a
 * list of scan_start, ...) are noted and reported after the chain checks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify_impl.h"

#define REC "records.jsonl"

/* Note the first cross-reference problem; the pass goes on (the chain is checked first). */
static void xref(struct vctx *c, const char *reason, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void xref(struct vctx *c, const char *reason, uint64_t line, const char *fmt, ...) {
    if (c->xref_reason[0])
        return;
    snprintf(c->xref_reason, sizeof c->xref_reason, "%s", reason);
    c->xref_line = line;
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started */
    vsnprintf(c->xref_detail, sizeof c->xref_detail, fmt, ap);
    va_end(ap);
}

/* is_file[seq] flags: a file record, its outcome is "matched", a match names it. */
enum { F_FILE = 1, F_MATCHED = 2, F_HAS_MATCH = 4 };

static bool is_file_rec(const struct vctx *c, int64_t seq) {
    return seq > 0 && (uint64_t)seq < c->is_file_cap && c->is_file[seq];
}

static bool mark_file(struct vctx *c, uint64_t seq, uint8_t flags) {
    if (seq >= c->is_file_cap) {
        size_t cap = c->is_file_cap ? c->is_file_cap : 1024;
        while (cap <= seq)
            cap *= 2;
        uint8_t *g = realloc(c->is_file, cap);
        if (!g)
            return false;
        memset(g + c->is_file_cap, 0, cap - c->is_file_cap);
        c->is_file = g;
        c->is_file_cap = cap;
    }
    c->is_file[seq] = flags;
    return true;
}

static bool start_has_list(const struct vctx *c, const char *name) {
    json_object *lists = c->start ? vg_ev_jget(c->start, "lists", json_type_array) : NULL;
    size_t n = lists ? json_object_array_length(lists) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *ln = vg_ev_jstr(json_object_array_get_idx(lists, i), "name");
        if (ln && !strcmp(ln, name))
            return true;
    }
    return false;
}

static bool hex32(json_object *o, const char *key, uint8_t out[32]) {
    const char *s = vg_ev_jstr(o, key);
    return s && vg_ev_unhex(s, strlen(s), out, 32);
}

static void keep_preserved(struct vctx *c, json_object *r, uint64_t k) {
    struct vpres p = {.line = k};
    const char *obj = vg_ev_jstr(r, "object");
    if (!obj || strlen(obj) >= sizeof p.object || !hex32(r, "cms_sha256", p.cms_sha256) ||
        !hex32(r, "plain_sha256", p.plain_sha256) || !vg_ev_jint(r, "plain_size", &p.plain_size)) {
        xref(c, "xref.preserved_record", k, "preserved record lacks object or digests");
        return;
    }
    snprintf(p.object, sizeof p.object, "%s", obj);
    if (c->npres == c->cappres) {
        size_t cap = c->cappres ? 2 * c->cappres : 16;
        struct vpres *g = realloc(c->pres, cap * sizeof *g);
        if (!g) {
            xref(c, "verify.out_of_memory", k, "out of memory");
            return;
        }
        c->pres = g;
        c->cappres = cap;
    }
    c->pres[c->npres++] = p;
}

/* Type-specific checks and counting for record k; false on a structural failure. */
static bool per_type(struct vctx *c, json_object *r, const char *type, uint64_t k) {
    int64_t fs = 0;
    if (!strcmp(type, "file")) {
        int oi = vg_ev_outcome_index(vg_ev_jstr(r, "outcome"));
        if (oi < 0)
            return vg_ev_vfail(c, VG_EV_TAMPERED, "records.malformed", REC, k,
                               "file record without a known outcome");
        bool matched = oi == VG_EV_OUT_MATCHED;
        c->counts.examined++;
        c->counts.outcomes[oi]++;
        c->counts.matched_files += matched;
        uint8_t sha[32];
        if (!mark_file(c, k, matched ? F_FILE | F_MATCHED : F_FILE) ||
            (matched && hex32(r, "sha256", sha) &&
             vg_ev_digtab_add(&c->matched_sha256, k, sha) != VG_OK))
            return vg_ev_vfail(c, VG_EV_CANNOT, "verify.out_of_memory", REC, k, "out of memory");
    } else if (!strcmp(type, "match")) {
        const char *list = vg_ev_jstr(r, "list"), *kind = vg_ev_jstr(r, "kind");
        if (!vg_ev_jint(r, "file_seq", &fs) || !is_file_rec(c, fs) || (uint64_t)fs >= k)
            xref(c, "xref.match_file", k, "match does not name an earlier file record");
        else if (!(c->is_file[fs] & F_MATCHED))
            xref(c, "xref.match_file", k,
                 "match names file record %lld, whose outcome is not matched", (long long)fs);
        else
            c->is_file[fs] |= F_HAS_MATCH;
        if (!list || !start_has_list(c, list))
            xref(c, "xref.match_list", k, "match names a list that scan_start does not record");
        if (kind && !strcmp(kind, "confirmed"))
            c->counts.matches_confirmed++;
        else if (kind && !strcmp(kind, "probable"))
            c->counts.matches_probable++;
        else
            xref(c, "xref.match_kind", k, "match kind is neither confirmed nor probable");
    } else if (!strcmp(type, "error")) {
        c->counts.errors++;
    } else if (!strcmp(type, "limit")) {
        c->counts.limits++;
    } else if (!strcmp(type, "preserved") || !strcmp(type, "not_preserved")) {
        if (!vg_ev_jint(r, "file_seq", &fs) || !is_file_rec(c, fs) || (uint64_t)fs >= k ||
            !(c->is_file[fs] & F_MATCHED))
            xref(c, "xref.preserved_file", k, "%s does not name an earlier matched file record",
                 type);
        if (type[0] == 'p') {
            c->counts.preserved++;
            keep_preserved(c, r, k);
            const uint8_t *want =
                fs > 0 ? vg_ev_digtab_find(&c->matched_sha256, (uint64_t)fs) : NULL;
            uint8_t got[32];
            if (want && (!hex32(r, "plain_sha256", got) || memcmp(want, got, 32) != 0))
                xref(c, "xref.preserved_digest", k,
                     "plain_sha256 is not the sha256 of file record %lld", (long long)fs);
        } else {
            c->counts.not_preserved++;
        }
    } else if (strcmp(type, "scan_end") != 0) {
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.unknown_type", REC, k,
                           "record type not in vigil-report/1");
    }
    return true;
}

/* Line 1: scan_start, which binds the chain to the report id (genesis). */
static bool first_record(struct vctx *c, json_object *r, const char *type) {
    const char *rid = vg_ev_jstr(r, "report_id");
    uint8_t id[16];
    if (strcmp(type, "scan_start") != 0)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.first_not_scan_start", REC, 1,
                           "record 1 is \"%s\"", type);
    if (!rid || !vg_ev_uuid_parse(rid, id))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.report_id", REC, 1,
                           "scan_start has no valid report_id");
    if (c->sealed && memcmp(id, c->id, 16) != 0)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.report_id", REC, 1,
                           "records belong to report %s, the summary to another", rid);
    memcpy(c->id, id, 16);
    if (vg_ev_genesis(id, c->genesis) != VG_OK)
        return vg_ev_vfail(c, VG_EV_CANNOT, "verify.crypto", REC, 1, "SHA-256 failed");
    memcpy(c->head, c->genesis, 32);
    c->start = json_object_get(r);
    return true;
}

static bool check_prev(struct vctx *c, const uint8_t prev[32], uint64_t k) {
    if (memcmp(prev, c->head, 32) == 0)
        return true;
    return vg_ev_vfail(c, VG_EV_TAMPERED, "records.prev", REC, k,
                       "prev is not the hash of record %llu", (unsigned long long)(k - 1));
}

/* Check one complete line (without LF) as record k. */
static bool one_line(struct vctx *c, const char *line, size_t n, uint64_t k, vg_ev_merkle *m) {
    void *parsed = NULL;
    const char *why = NULL;
    uint8_t prev[32], leaf[32];
    int64_t seq = 0;
    vg_status st = vg_ev_json_check(line, n, &parsed, &why);
    if (st == VG_E_NOMEM)
        return vg_ev_vfail(c, VG_EV_CANNOT, "verify.out_of_memory", REC, k, "out of memory");
    if (st != VG_OK)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.non_canonical", REC, k, "%s", why);
    json_object *r = parsed;
    const char *type = vg_ev_jstr(r, "type"), *ph = vg_ev_jstr(r, "prev");
    bool ok = true;
    if (!type || !ph || !vg_ev_unhex(ph, strlen(ph), prev, 32))
        ok = vg_ev_vfail(c, VG_EV_TAMPERED, "records.malformed", REC, k,
                         "record lacks type or prev");
    else if (!vg_ev_jint(r, "seq", &seq) || seq < 0 || (uint64_t)seq != k)
        ok = vg_ev_vfail(c, VG_EV_TAMPERED, "records.seq", REC, k, "seq %lld where %llu expected",
                         (long long)seq, (unsigned long long)k);
    else if (k == 1)
        ok = first_record(c, r, type) && check_prev(c, prev, k);
    else if (!strcmp(type, "scan_start"))
        ok = vg_ev_vfail(c, VG_EV_TAMPERED, "records.order", REC, k, "a second scan_start");
    else if (!check_prev(c, prev, k))
        ok = false;
    else if (c->end)
        ok = vg_ev_vfail(c, VG_EV_TAMPERED, "records.after_scan_end", REC, k,
                         "a record after scan_end");
    else
        ok = per_type(c, r, type, k);
    if (ok && type && !strcmp(type, "scan_end"))
        c->end = json_object_get(r);
    if (ok && (vg_ev_leaf(line, n, leaf) != VG_OK || vg_ev_merkle_add(m, leaf) != VG_OK))
        ok = vg_ev_vfail(c, VG_EV_CANNOT, "verify.crypto", REC, k, "SHA-256 failed");
    if (ok) {
        memcpy(c->head, leaf, 32);
        c->n = k;
    }
    json_object_put(r);
    return ok;
}

bool vg_ev_verify_records(struct vctx *c) {
    vg_ev_lines in;
    vg_status st = vg_ev_lines_open(&in, c->dirfd, REC, VG_EV_MAX_LINE);
    if (st != VG_OK) {
        int e = errno;
        vg_ev_lines_close(&in);
        return vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", REC, 0, "%s",
                           st == VG_E_NOMEM ? "out of memory" : strerror(e));
    }
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    const char *line;
    size_t len;
    bool lf, ok = true;
    uint64_t k = 0;
    while (ok && (st = vg_ev_lines_next(&in, &line, &len, &lf)) != VG_E_NOTFOUND) {
        k++;
        if (st == VG_E_LIMIT)
            ok = vg_ev_vfail(c, VG_EV_TAMPERED, "records.line_too_long", REC, k,
                             "a record longer than %zu bytes (vigil never writes one)",
                             (size_t)VG_EV_MAX_LINE);
        else if (st != VG_OK)
            ok = vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", REC, k, "%s",
                             st == VG_E_NOMEM ? "out of memory" : "read error");
        else if (!lf)
            ok = vg_ev_vfail(c, c->sealed ? VG_EV_TAMPERED : VG_EV_INCOMPLETE,
                             c->sealed ? "records.truncated" : "seal.missing", REC, k,
                             "last line has no LF (cut short)");
        else
            ok = one_line(c, line, len, k, &m);
    }
    vg_ev_lines_close(&in);
    c->v->records = c->n;
    c->v->consistent = c->n;
    if (ok && c->n == 0)
        ok = vg_ev_vfail(c, c->sealed ? VG_EV_TAMPERED : VG_EV_INCOMPLETE,
                         c->sealed ? "records.count" : "seal.missing", REC, 0, "no records");
    for (uint64_t s = 1; ok && c->sealed && s < c->is_file_cap; s++)
        if ((c->is_file[s] & (F_MATCHED | F_HAS_MATCH)) == F_MATCHED) {
            xref(c, "xref.matched_without_match", s,
                 "file record %llu is matched but no match names it", (unsigned long long)s);
            break;
        }
    if (ok && vg_ev_merkle_root(&m, c->root) != VG_OK)
        ok = vg_ev_vfail(c, VG_EV_CANNOT, "verify.crypto", REC, 0, "SHA-256 failed");
    return ok;
}
