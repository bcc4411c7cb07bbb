/*
 * verify.c — `vigil verify`: checks a report folder against a pinned public key in the order of
 * EVIDENCE.md §5.6 and stops at the first failure, naming it. Nothing is written; preserved
 * objects are decrypted (investigator only) into a digest, never into a buffer or a file.
 */
#define _GNU_SOURCE /* O_CLOEXEC, O_DIRECTORY */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ev_cms.h"
#include "verify_impl.h"

#define SUMMARY "summary.json"
#define SIG "report.sig"

/* ---- verdict helpers ---- */

bool vg_ev_vfail(struct vctx *c, vg_ev_outcome oc, const char *reason, const char *file,
                 uint64_t line, const char *fmt, ...) {
    if (c->failed && !c->o->all)
        return false;
    char detail[sizeof c->v->detail];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started */
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    vg_ev_verdict *v = c->v;
    if (!c->failed) {
        c->failed = true;
        v->outcome = oc;
        snprintf(v->reason, sizeof v->reason, "%s", reason);
        snprintf(v->file, sizeof v->file, "%s", file ? file : "");
        v->line = line;
        snprintf(v->detail, sizeof v->detail, "%s", detail);
    }
    if (c->o->all && v->n_failures++ < VG_EV_MAX_FAILURES) {
        vg_ev_failure *f = &v->failures[v->n_failures - 1];
        f->outcome = oc;
        snprintf(f->reason, sizeof f->reason, "%s", reason);
        snprintf(f->file, sizeof f->file, "%s", file ? file : "");
        f->line = line;
        snprintf(f->detail, sizeof f->detail, "%s", detail);
    }
    return false;
}

void vg_ev_vwarn(struct vctx *c, const char *fmt, ...) {
    if (c->v->warnings++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, ap is started */
        vsnprintf(c->v->warning, sizeof c->v->warning, fmt, ap);
        va_end(ap);
    }
}

json_object *vg_ev_jget(json_object *o, const char *key, json_type type) {
    json_object *v = NULL;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

const char *vg_ev_jstr(json_object *o, const char *key) {
    json_object *v = vg_ev_jget(o, key, json_type_string);
    return v ? json_object_get_string(v) : NULL;
}

bool vg_ev_jint(json_object *o, const char *key, int64_t *out) {
    json_object *v = vg_ev_jget(o, key, json_type_int);
    if (v)
        *out = json_object_get_int64(v);
    return v != NULL;
}

/* ---- 1. layout ---- */

static bool exists(int dirfd, const char *name) {
    struct stat sb;
    return fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0;
}

static bool known_top(const char *n) {
    static const char *const names[] = {"records.jsonl", SUMMARY,       SIG,          "summary.txt",
                                        "case.jsonld",   "summary.tsq", "summary.tsr"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(n, names[i]))
            return true;
    return false;
}

/* Names of preserved objects: NNNNNN.cms (digits only). */
static bool cms_name(const char *n) {
    size_t len = strlen(n);
    if (len < 5 || strcmp(n + len - 4, ".cms") != 0)
        return false;
    for (size_t i = 0; i < len - 4; i++)
        if (n[i] < '0' || n[i] > '9')
            return false;
    return true;
}

/* Warn (or fail with --strict) about files vigil does not write. */
static bool unexpected(struct vctx *c, const char *name) {
    if (c->o->strict)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "layout.unexpected_file", name, 0,
                           "a file vigil does not write");
    vg_ev_vwarn(c, "unexpected file %s", name);
    return true;
}

static bool scan_folder(struct vctx *c, int dirfd, const char *prefix) {
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", prefix, 0, "%s", strerror(errno));
    }
    rewinddir(d);
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        char path[600];
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof path, "%s%s", prefix, e->d_name);
        if (!prefix[0] && !strcmp(e->d_name, "preserved")) {
            int sub = openat(dirfd, "preserved", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
            ok = sub >= 0 ? scan_folder(c, sub, "preserved/") : unexpected(c, "preserved");
            if (sub >= 0)
                close(sub);
        } else if (prefix[0] ? !cms_name(e->d_name) : !known_top(e->d_name)) {
            ok = unexpected(c, path);
        }
    }
    closedir(d);
    return ok;
}

static bool layout(struct vctx *c) {
    c->dirfd = open(c->o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (c->dirfd < 0)
        return vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", c->o->dir, 0,
                           "cannot open the report folder: %s", strerror(errno));
    bool rec = exists(c->dirfd, "records.jsonl"), sum = exists(c->dirfd, SUMMARY),
         sig = exists(c->dirfd, SIG);
    if (!rec && !sum && !sig)
        return vg_ev_vfail(c, VG_EV_CANNOT, "layout.not_a_report", c->o->dir, 0,
                           "no records.jsonl, summary.json or report.sig");
    if (!rec)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "layout.missing_file", "records.jsonl", 0,
                           "records.jsonl is missing");
    if (sig && !sum)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "layout.missing_file", SUMMARY, 0,
                           "report.sig without summary.json");
    c->sealed = sum && sig;
    return scan_folder(c, c->dirfd, "");
}

/* ---- 2. signature ---- */

static const char *sig_reason(vg_ev_sigfail f) {
    switch (f) {
    case VG_EV_SIG_OK:
        return "ok";
    case VG_EV_SIG_MALFORMED:
        return "sig.malformed";
    case VG_EV_SIG_ALGORITHM:
        return "sig.algorithm";
    case VG_EV_SIG_KEY_ID:
        return "sig.key_id_mismatch";
    case VG_EV_SIG_SIGNATURE:
        return "sig.bad_signature";
    case VG_EV_SIG_GLOBAL:
        return "sig.bad_global_signature";
    }
    return "sig.malformed";
}

/* The key id a signature claims (line 2), for the message when no key is pinned. */
static void claimed_key(struct vctx *c) {
    const char *l2 = memchr(c->sig, '\n', c->sig_n);
    const char *e2 = l2 ? memchr(l2 + 1, '\n', c->sig_n - (size_t)(l2 + 1 - c->sig)) : NULL;
    uint8_t blob[74];
    size_t got = 0;
    if (e2 && vg_ev_unb64(l2 + 1, (size_t)(e2 - l2 - 1), blob, sizeof blob, &got) == VG_OK &&
        got == sizeof blob)
        vg_ev_keyid_text(blob + 2, c->v->key_id);
}

/* The trusted comment: "vigil-report/1 report_id=U summary_sha256=H [tsq_sha256=T ]signed=TIME".
 * The report id is compared with the summary's later (summary()); the request's digest is kept
 * for tsq(). */
static bool check_trusted(struct vctx *c, const char *tc) {
    uint8_t h[32];
    char hex[65], want[200];
    if (vg_ev_sha256(c->summary, c->summary_n, NULL, 0, NULL, 0, h) != VG_OK)
        return vg_ev_vfail(c, VG_EV_CANNOT, "verify.crypto", SIG, 3, "SHA-256 failed");
    vg_ev_hex(h, 32, hex);
    int k = snprintf(want, sizeof want, "%s report_id=", VG_EV_FORMAT);
    bool ok = !strncmp(tc, want, (size_t)k) && strlen(tc) > (size_t)k + 36;
    const char *rest = ok ? tc + k + 36 : "";
    snprintf(want, sizeof want, " summary_sha256=%s ", hex);
    ok = ok && !strncmp(rest, want, strlen(want));
    rest += ok ? strlen(want) : 0;
    c->has_tsq_pin = ok && !strncmp(rest, "tsq_sha256=", 11);
    if (c->has_tsq_pin) {
        ok = vg_ev_unhex(rest + 11, 64, c->tsq_pin, 32) && rest[75] == ' ';
        rest += ok ? 76 : 0;
    }
    ok = ok && !strncmp(rest, "signed=", 7) && strlen(rest + 7) == 30;
    if (!ok)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "sig.trusted_comment", SIG, 3,
                           "trusted comment does not name this summary.json (sha256 %s)", hex);
    return true;
}

static bool signature(struct vctx *c) {
    vg_status st = vg_ev_read_all(c->dirfd, SIG, 1u << 16, &c->sig, &c->sig_n);
    if (st == VG_OK)
        st = vg_ev_read_all(c->dirfd, SUMMARY, 64u << 20, &c->summary, &c->summary_n);
    if (st == VG_E_LIMIT)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "layout.oversized", SUMMARY, 0, "file too large");
    if (st != VG_OK)
        return vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", SIG, 0, "%s", vg_status_str(st));
    claimed_key(c);
    if (!c->o->pubkey)
        return true;
    vg_ev_sigfail why;
    char *untrusted = NULL, *trusted = NULL, kid[17], want[80];
    st = vg_ev_minisign_verify(c->o->pubkey, c->summary, c->summary_n, c->sig, c->sig_n, &why,
                               &untrusted, &trusted);
    vg_ev_keyid_text(c->o->pubkey->key_id, kid);
    snprintf(want, sizeof want, "vigil report signature, key %s", kid);
    bool ok = true;
    if (st == VG_E_VERIFY)
        ok = vg_ev_vfail(c, VG_EV_TAMPERED, sig_reason(why), SIG, 0,
                         why == VG_EV_SIG_KEY_ID ? "signed by key %s, pinned key is %s"
                                                 : "checked against pinned key %s%s",
                         why == VG_EV_SIG_KEY_ID ? c->v->key_id : kid,
                         why == VG_EV_SIG_KEY_ID ? kid : "");
    else if (st != VG_OK)
        ok = vg_ev_vfail(c, VG_EV_CANNOT, "verify.crypto", SIG, 0, "%s", vg_status_str(st));
    else if (strcmp(untrusted, want) != 0)
        ok = vg_ev_vfail(c, VG_EV_TAMPERED, "sig.untrusted_comment", SIG, 1,
                         "untrusted comment is not the text vigil writes");
    else
        ok = check_trusted(c, trusted);
    free(untrusted);
    free(trusted);
    return ok;
}

/* ---- 3. summary ---- */

static bool summary(struct vctx *c) {
    const char *why = NULL;
    void *parsed = NULL;
    if (c->summary_n == 0 || c->summary[c->summary_n - 1] != '\n' ||
        memchr(c->summary, '\n', c->summary_n - 1))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "summary.non_canonical", SUMMARY, 1,
                           "not one line ending in LF");
    vg_status st = vg_ev_json_check(c->summary, c->summary_n - 1, &parsed, &why);
    if (st != VG_OK)
        return vg_ev_vfail(c, st == VG_E_NOMEM ? VG_EV_CANNOT : VG_EV_TAMPERED,
                           "summary.non_canonical", SUMMARY, 1, "%s", why ? why : "out of memory");
    c->sum = parsed;
    const char *fmt = vg_ev_jstr(c->sum, "format"), *rid = vg_ev_jstr(c->sum, "report_id");
    if (!fmt || strcmp(fmt, VG_EV_FORMAT) != 0)
        return vg_ev_vfail(c, VG_EV_CANNOT, "summary.format_unsupported", SUMMARY, 1,
                           "format is not %s", VG_EV_FORMAT);
    if (!rid || !vg_ev_uuid_parse(rid, c->id))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "summary.malformed", SUMMARY, 1, "no report_id");
    if (c->o->pubkey) {
        char want[40];
        const char *sigtc = strstr(c->sig, "\ntrusted comment: ");
        snprintf(want, sizeof want, " report_id=%s ", rid);
        if (!sigtc || !strstr(sigtc, want))
            return vg_ev_vfail(c, VG_EV_TAMPERED, "sig.trusted_comment", SIG, 3,
                               "signature was made for another report id");
        uint8_t pk[32];
        json_object *sk = vg_ev_jget(c->sum, "signing_key", json_type_object);
        const char *pkh = vg_ev_jstr(sk, "public_key");
        if (!pkh || !vg_ev_unhex(pkh, strlen(pkh), pk, 32) || memcmp(pk, c->o->pubkey->pk, 32) != 0)
            vg_ev_vwarn(c, "report claims a different key than the pinned one");
    }
    return true;
}

/* ---- 4. file digests ---- */

static bool safe_name(const char *n) {
    if (!strcmp(n, "records.jsonl") || !strcmp(n, "summary.txt") || !strcmp(n, "case.jsonld"))
        return true;
    return !strncmp(n, "preserved/", 10) && cms_name(n + 10);
}

static bool listed(json_object *files, const char *name) {
    size_t n = json_object_array_length(files);
    for (size_t i = 0; i < n; i++) {
        const char *fn = vg_ev_jstr(json_object_array_get_idx(files, i), "name");
        if (fn && !strcmp(fn, name))
            return true;
    }
    return false;
}

static bool one_file(struct vctx *c, json_object *f, const char *prev) {
    const char *name = vg_ev_jstr(f, "name"), *hex = vg_ev_jstr(f, "sha256");
    uint8_t want[32], got[32];
    int64_t size = -1;
    uint64_t got_size = 0;
    if (!name || !hex || !vg_ev_unhex(hex, strlen(hex), want, 32) ||
        !vg_ev_jint(f, "size", &size) || !safe_name(name) || (prev && strcmp(prev, name) >= 0))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "summary.malformed", SUMMARY, 1,
                           "bad entry in files (name, order, sha256 or size)");
    vg_status st = vg_ev_sha256_file(c->dirfd, name, got, &got_size);
    if (st == VG_E_NOTFOUND)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "files.missing", name, 0,
                           "listed in summary.json but missing");
    if (st != VG_OK)
        return vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", name, 0, "%s", vg_status_str(st));
    if (memcmp(want, got, 32) != 0 || (uint64_t)size != got_size) {
        char gh[65];
        vg_ev_hex(got, 32, gh);
        return vg_ev_vfail(c, VG_EV_TAMPERED, "files.digest_mismatch", name, 0,
                           "sha256 %s (%llu bytes), summary.json says %s (%lld bytes)", gh,
                           (unsigned long long)got_size, hex, (long long)size);
    }
    return true;
}

static bool files(struct vctx *c) {
    json_object *fl = vg_ev_jget(c->sum, "files", json_type_array);
    if (!fl || !listed(fl, "records.jsonl") || !listed(fl, "summary.txt"))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "summary.malformed", SUMMARY, 1,
                           "files does not pin records.jsonl and summary.txt");
    size_t n = json_object_array_length(fl);
    const char *prev = NULL;
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        json_object *f = json_object_array_get_idx(fl, i);
        if (!one_file(c, f, prev)) {
            ok = false;
            if (!c->o->all)
                return false;
        }
        prev = vg_ev_jstr(f, "name");
    }
    /* A file vigil writes but the summary does not pin was added afterwards. */
    static const char *const pinned_kinds[] = {"case.jsonld"};
    for (size_t i = 0; i < 1; i++)
        if (exists(c->dirfd, pinned_kinds[i]) && !listed(fl, pinned_kinds[i]))
            return vg_ev_vfail(c, VG_EV_TAMPERED, "files.unlisted", pinned_kinds[i], 0,
                               "present but not pinned in summary.json");
    return ok;
}

/* ---- 5. chain totals ---- */

static bool chain(struct vctx *c) {
    json_object *ch = vg_ev_jget(c->sum, "chain", json_type_object);
    int64_t count = -1;
    uint8_t g[32], h[32], r[32];
    const char *gs = vg_ev_jstr(ch, "genesis"), *hs = vg_ev_jstr(ch, "head"),
               *rs = vg_ev_jstr(ch, "merkle_root");
    if (!ch || !vg_ev_jint(ch, "records", &count) || !gs || !hs || !rs ||
        !vg_ev_unhex(gs, strlen(gs), g, 32) || !vg_ev_unhex(hs, strlen(hs), h, 32) ||
        !vg_ev_unhex(rs, strlen(rs), r, 32))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "summary.malformed", SUMMARY, 1, "no chain");
    if (!c->end)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.last_not_scan_end", "records.jsonl", c->n,
                           "the last record is not scan_end");
    if (count < 0 || (uint64_t)count != c->n)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.count", "records.jsonl", 0,
                           "%llu records, summary.json says %lld", (unsigned long long)c->n,
                           (long long)count);
    if (memcmp(g, c->genesis, 32) != 0)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.genesis", "records.jsonl", 1,
                           "chain starts from another genesis");
    if (memcmp(h, c->head, 32) != 0)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.head", "records.jsonl", c->n,
                           "chain head differs from summary.json");
    if (memcmp(r, c->root, 32) != 0)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "records.merkle_root", "records.jsonl", 0,
                           "Merkle root differs from summary.json");
    return true;
}

/* ---- 6. cross-references ---- */

/* Canonical bytes of member key of o, or "" when absent (for equality tests). */
static bool same_member(json_object *a, json_object *b, const char *key) {
    json_object *x = NULL, *y = NULL;
    bool hx = json_object_object_get_ex(a, key, &x), hy = json_object_object_get_ex(b, key, &y);
    if (!hx || !hy)
        return hx == hy;
    char *cx = NULL, *cy = NULL;
    size_t nx = 0, ny = 0;
    bool eq = vg_ev_json_canon(x, &cx, &nx, NULL) == VG_OK &&
              vg_ev_json_canon(y, &cy, &ny, NULL) == VG_OK && nx == ny && !memcmp(cx, cy, nx);
    free(cx);
    free(cy);
    return eq;
}

static bool counts_equal(json_object *o, const vg_ev_counts *k) {
    json_object *co = vg_ev_jget(o, "counts", json_type_object);
    const struct {
        const char *name;
        int64_t v;
    } want[] = {{"examined", k->examined},
                {"matched_files", k->matched_files},
                {"matches_confirmed", k->matches_confirmed},
                {"matches_probable", k->matches_probable},
                {"errors", k->errors},
                {"limits", k->limits},
                {"preserved", k->preserved},
                {"not_preserved", k->not_preserved}};
    json_object *oc = vg_ev_jget(co, "outcomes", json_type_object);
    if (!co || !oc || (size_t)json_object_object_length(co) != sizeof want / sizeof want[0] + 1 ||
        json_object_object_length(oc) != VG_EV_N_OUTCOMES)
        return false;
    int64_t got;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!vg_ev_jint(co, want[i].name, &got) || got != want[i].v)
            return false;
    for (int i = 0; i < VG_EV_N_OUTCOMES; i++)
        if (!vg_ev_jint(oc, vg_ev_outcomes[i], &got) || got != k->outcomes[i])
            return false;
    return true;
}

static bool xrefs(struct vctx *c) {
    static const char *const facts[] = {"tool",      "host",   "operator", "case", "lists",
                                        "report_id", "format", "start",    "roots"};
    static const char *const ends[] = {"end", "duration_ms", "interrupted"};
    if (c->xref_reason[0])
        return vg_ev_vfail(c, VG_EV_TAMPERED, c->xref_reason, "records.jsonl", c->xref_line, "%s",
                           c->xref_detail);
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++)
        if (!same_member(c->sum, c->start, facts[i]))
            return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.summary_facts", SUMMARY, 1,
                               "\"%s\" differs from record 1", facts[i]);
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (!same_member(c->sum, c->end, ends[i]))
            return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.scan_end", SUMMARY, 1,
                               "\"%s\" differs from the scan_end record", ends[i]);
    if (!counts_equal(c->end, &c->counts))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.counts", "records.jsonl", c->n,
                           "scan_end counts differ from the records");
    if (!counts_equal(c->sum, &c->counts))
        return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.counts", SUMMARY, 1,
                           "summary counts differ from the records");
    json_object *fl = vg_ev_jget(c->sum, "files", json_type_array);
    for (size_t i = 0; i < c->npres; i++) {
        const struct vpres *p = &c->pres[i];
        bool found = false;
        for (size_t k = 0; k < json_object_array_length(fl) && !found; k++) {
            json_object *f = json_object_array_get_idx(fl, k);
            const char *fn = vg_ev_jstr(f, "name"), *fh = vg_ev_jstr(f, "sha256");
            uint8_t h[32];
            found = fn && fh && !strcmp(fn, p->object) && vg_ev_unhex(fh, strlen(fh), h, 32) &&
                    !memcmp(h, p->cms_sha256, 32);
        }
        if (!found)
            return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.preserved_object", "records.jsonl", p->line,
                               "%s is not pinned with this digest", p->object);
    }
    size_t nf = json_object_array_length(fl), referenced = 0;
    for (size_t k = 0; k < nf; k++) {
        const char *fn = vg_ev_jstr(json_object_array_get_idx(fl, k), "name");
        if (fn && !strncmp(fn, "preserved/", 10))
            referenced++;
    }
    if (referenced != c->npres)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.unreferenced_object", SUMMARY, 1,
                           "%zu preserved objects pinned, %zu preserved records", referenced,
                           c->npres);
    return true;
}

/* case.jsonld, when present, must be exactly what the records give (it is derived from them).
 * Both files are streamed: the records through the export's bounded reader, case.jsonld
 * compared chunk by chunk, so a hostile report cannot make verify use memory by its size. */
static bool case_export(struct vctx *c) {
    struct stat sb;
    if (fstatat(c->dirfd, "case.jsonld", &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return errno == ENOENT ? true
                               : vg_ev_vfail(c, VG_EV_CANNOT, "layout.unreadable", "case.jsonld", 0,
                                             "%s", strerror(errno));
    vg_ev_buf want = {0};
    bool equal = false;
    vg_status st = vg_ev_case_render_file(c->dirfd, "records.jsonl", VG_EV_CASE_MAX_KEPT, &want);
    if (st == VG_OK)
        st = vg_ev_file_equals(c->dirfd, "case.jsonld", want.p, want.n, &equal);
    vg_ev_buf_free(&want);
    if (st == VG_E_LIMIT)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "layout.oversized", "case.jsonld", 0,
                           "the records hold more findings than vigil exports to CASE "
                           "(%zu bytes), so vigil did not write this file",
                           (size_t)VG_EV_CASE_MAX_KEPT);
    if (st == VG_E_NOMEM || st == VG_E_IO)
        return vg_ev_vfail(c, VG_EV_CANNOT,
                           st == VG_E_NOMEM ? "verify.out_of_memory" : "layout.unreadable",
                           "case.jsonld", 0, "%s", vg_status_str(st));
    if (st != VG_OK || !equal)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "xref.case_export", "case.jsonld", 0,
                           "case.jsonld is not the CASE export of these records");
    return true;
}

/* ---- 7. time-stamp request; 8. decryption ---- */

/* summary.tsr: the TSA's answer to summary.tsq, added after sealing (so not pinned); checked
 * against the TSA's CA when one is given, otherwise only noted. */
static bool tsr(struct vctx *c, const char *req, size_t rn) {
    char *der = NULL;
    size_t n = 0;
    const char *why = NULL;
    vg_status st = vg_ev_read_all(c->dirfd, "summary.tsr", 1u << 20, &der, &n);
    if (st == VG_E_NOTFOUND)
        return true;
    if (st == VG_OK && !c->o->tsa_ca) {
        vg_ev_vwarn(c, "summary.tsr not checked (give --tsa-ca)");
        free(der);
        return true;
    }
    if (st == VG_OK)
        st = req ? vg_ev_tsr_check(der, n, req, rn, c->o->tsa_ca, &why) : VG_E_FORMAT;
    free(der);
    if (st == VG_E_IO)
        return vg_ev_vfail(c, VG_EV_CANNOT, "tsr.unusable_ca", c->o->tsa_ca, 0, "%s",
                           why ? why : vg_status_str(st));
    if (st != VG_OK)
        return vg_ev_vfail(c, VG_EV_TAMPERED, "tsr.invalid", "summary.tsr", 0, "%s",
                           why ? why : "no summary.tsq to match");
    c->v->timestamped = true;
    return true;
}

/* summary.tsq: pinned by the trusted comment (every byte), and over this summary.json. */
static bool tsq(struct vctx *c) {
    char *der = NULL;
    size_t n = 0;
    const char *why = NULL;
    uint8_t h[32];
    vg_status st = vg_ev_read_all(c->dirfd, "summary.tsq", 1u << 16, &der, &n);
    if (st == VG_E_NOTFOUND) {
        if (c->o->pubkey && c->has_tsq_pin)
            return vg_ev_vfail(c, VG_EV_TAMPERED, "files.missing", "summary.tsq", 0,
                               "the signature pins a time-stamp request that is missing");
        return tsr(c, NULL, 0);
    }
    if (st == VG_OK && c->o->pubkey &&
        (!c->has_tsq_pin || vg_ev_sha256(der, n, NULL, 0, NULL, 0, h) != VG_OK ||
         memcmp(h, c->tsq_pin, 32) != 0)) {
        free(der);
        return vg_ev_vfail(c, VG_EV_TAMPERED, "tsq.mismatch", "summary.tsq", 0,
                           "summary.tsq is not the request the signature pins");
    }
    if (st == VG_OK)
        st = vg_ev_tsq_check(der, n, c->summary, c->summary_n, &why);
    bool ok = st == VG_OK ? tsr(c, der, n)
                          : vg_ev_vfail(c, VG_EV_TAMPERED, "tsq.mismatch", "summary.tsq", 0, "%s",
                                        why ? why : vg_status_str(st));
    free(der);
    return ok;
}

static bool decrypt_all(struct vctx *c) {
    vg_ev_decryptor *d = NULL;
    vg_status st = vg_ev_decryptor_load(c->o->decrypt_key, c->o->decrypt_cert, &d);
    if (st != VG_OK)
        return vg_ev_vfail(c, VG_EV_CANNOT, "cms.key_unusable", c->o->decrypt_key, 0, "%s",
                           vg_status_str(st));
    bool ok = true;
    for (size_t i = 0; i < c->npres && (ok || c->o->all); i++) {
        const struct vpres *p = &c->pres[i];
        char *der = NULL;
        size_t n = 0;
        uint8_t h[32];
        uint64_t size = 0;
        st = vg_ev_read_all(c->dirfd, p->object, (size_t)p->plain_size + (1u << 20), &der, &n);
        if (st == VG_OK)
            st = vg_ev_decrypt_digest(d, der, n, h, &size);
        free(der);
        if (st != VG_OK)
            ok = vg_ev_vfail(c, st == VG_E_VERIFY ? VG_EV_TAMPERED : VG_EV_CANNOT,
                             st == VG_E_VERIFY ? "cms.decrypt_failed" : "cms.unreadable", p->object,
                             0, "%s", vg_status_str(st));
        else if (memcmp(h, p->plain_sha256, 32) != 0 || size != (uint64_t)p->plain_size)
            ok =
                vg_ev_vfail(c, VG_EV_TAMPERED, "cms.plain_digest", p->object, 0,
                            "decrypted bytes differ from record %llu", (unsigned long long)p->line);
        else
            c->v->decrypted++;
    }
    vg_ev_decryptor_free(d);
    return ok;
}

/* ---- entry point ---- */

static void run(struct vctx *c) {
    if (!layout(c))
        return;
    if (!c->sealed) {
        if (vg_ev_verify_records(c))
            vg_ev_vfail(c, VG_EV_INCOMPLETE, "seal.missing", SUMMARY, 0,
                        "not sealed; records 1..%llu are chain-consistent",
                        (unsigned long long)c->n);
        else if (c->v->outcome == VG_EV_INCOMPLETE)
            snprintf(c->v->detail, sizeof c->v->detail,
                     "not sealed; records 1..%llu are chain-consistent", (unsigned long long)c->n);
        if (c->v->n_failures)
            snprintf(c->v->failures[0].detail, sizeof c->v->failures[0].detail, "%s", c->v->detail);
        return;
    }
    if (!c->o->all) {
        if (!signature(c) || !summary(c) || !files(c) || !vg_ev_verify_records(c) || !chain(c) ||
            !xrefs(c) || !case_export(c) || !tsq(c))
            return;
        if (c->o->decrypt_key && !decrypt_all(c))
            return;
    } else {
        /* --all: go on past a failure, skipping only what needs a failed step's result */
        if ((!signature(c) && !c->summary) || !summary(c))
            return;
        (void)files(c);
        bool chained = vg_ev_verify_records(c);
        if (chained) {
            (void)chain(c);
            (void)xrefs(c);
        }
        (void)case_export(c);
        (void)tsq(c);
        if (chained && c->o->decrypt_key)
            (void)decrypt_all(c);
        if (c->failed)
            return;
    }
    if (!c->o->pubkey) {
        vg_ev_vfail(c, VG_EV_CANNOT, "sig.not_checked", SIG, 0,
                    "no --pubkey given; the report claims key %s",
                    c->v->key_id[0] ? c->v->key_id : "(unreadable)");
        return;
    }
    c->v->outcome = VG_EV_VERIFIED;
    snprintf(c->v->reason, sizeof c->v->reason, "ok");
}

vg_status vg_ev_verify(const vg_ev_verify_opts *o, vg_ev_verdict *v) {
    if (!o || !o->dir || !v)
        return VG_E_INVAL;
    memset(v, 0, sizeof *v);
    struct vctx c = {.o = o, .v = v, .dirfd = -1};
    run(&c);
    if (c.dirfd >= 0)
        close(c.dirfd);
    free(c.summary);
    free(c.sig);
    json_object_put(c.sum);
    json_object_put(c.start);
    json_object_put(c.end);
    free(c.is_file);
    vg_ev_digtab_free(&c.matched_sha256);
    free(c.pres);
    return VG_OK;
}
