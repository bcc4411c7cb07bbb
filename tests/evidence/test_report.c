/*
 * test_report.c — a report written through the writer API verifies; every kind of tampering
 * fails with its own named reason (EVIDENCE.md §5.7): byte flips in every file, truncation,
 * deleted/duplicated/swapped/moved/appended records, splices, swapped keys and signatures,
 * non-canonical records re-signed by the legitimate key, corrupted preserved objects,
 * cross-reference and count forgeries, unsealed (crashed) reports.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "vigil/evidence.h"

#include "ev_fixture.h"

static char *tmp, *dir, key[600], dkey[600], cert[600];
static vg_ev_pubkey pub;

static void setup(void) {
    tmp = fx_tmpdir();
    fx_keygen(tmp, "sign", &pub);
    snprintf(key, sizeof key, "%s/sign.key", tmp);
    fx_recipient(tmp, "inv", true);
    snprintf(dkey, sizeof dkey, "%s/inv.key", tmp);
    snprintf(cert, sizeof cert, "%s/inv.crt", tmp);
    dir = fx_report(tmp, key, cert, true);
}

static void teardown(void) {
    fx_rmrf(tmp);
    free(tmp);
    free(dir);
}

TestSuite(report, .init = setup, .fini = teardown, .timeout = 240);

#define EXPECT(v, oc, why)                                                                         \
    do {                                                                                           \
        vg_ev_verdict v_ = (v);                                                                    \
        cr_assert_eq(v_.outcome, oc, "outcome %d (%s: %s), want %d %s", v_.outcome, v_.reason,     \
                     v_.detail, oc, why);                                                          \
        cr_assert_str_eq(v_.reason, why, "%s", v_.detail);                                         \
    } while (0)

static vg_ev_verdict check(void) {
    return fx_verify(dir, &pub, NULL, false);
}

/* Lines of records.jsonl (without LF) into a malloc'd array. */
static char **lines(size_t *count) {
    size_t n;
    char *text = fx_read(dir, "records.jsonl", &n);
    char **out = calloc(64, sizeof *out);
    size_t k = 0;
    for (char *l = strtok(text, "\n"); l && k < 64; l = strtok(NULL, "\n"))
        out[k++] = strdup(l);
    free(text);
    *count = k;
    return out;
}

static void put_lines(char **l, size_t count) {
    char *buf = NULL;
    size_t bn = 0;
    FILE *f = open_memstream(&buf, &bn);
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%s\n", l[i]);
    fclose(f);
    fx_write(dir, "records.jsonl", buf, bn);
    free(buf);
}

static void free_lines(char **l, size_t count) {
    for (size_t i = 0; i < count; i++)
        free(l[i]);
    free(l);
}

/* ---- the untouched report ---- */

Test(report, untouched_report_verifies) {
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_VERIFIED, "ok");
    cr_assert_eq(v.records, 11);
    cr_assert_eq(v.warnings, 0, "%s", v.warning);
    v = fx_verify(dir, &pub, dkey, true);
    EXPECT(v, VG_EV_VERIFIED, "ok");
    cr_assert_eq(v.decrypted, 1);
    EXPECT(check(), VG_EV_VERIFIED, "ok"); /* deterministic */
}

Test(report, folder_and_files_are_private) {
    struct stat sb;
    cr_assert_eq(stat(dir, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0700);
    const char *names[] = {"records.jsonl", "summary.json", "report.sig",          "summary.txt",
                           "summary.tsq",   "case.jsonld",  "preserved/000001.cms"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        cr_assert_eq(stat(p, &sb), 0, "%s", names[i]);
        cr_assert_eq(sb.st_mode & 0777, 0600, "%s", names[i]);
    }
    snprintf(key, sizeof key, "%s/preserved/000001.cms.tmp", dir);
    cr_assert_neq(access(key, F_OK), 0, "no temporary left behind");
}

Test(report, summary_txt_has_counts_but_no_names) {
    size_t n;
    char *t = fx_read(dir, "summary.txt", &n);
    cr_assert(strstr(t, "Matched files:             2") != NULL, "%s", t);
    cr_assert(strstr(t, "confirmed matches:       1") != NULL);
    cr_assert(strstr(t, "probable matches:        1") != NULL);
    cr_assert(strstr(t, "vigil verify") != NULL);
    cr_assert(strstr(t, "minisign -V") != NULL);
    cr_assert(strstr(t, "odd") == NULL && strstr(t, "b.png") == NULL, "no file names");
    cr_assert(strstr(t, "Scanned:    /home/user\n") != NULL, "where: the scanned roots");
    cr_assert(strstr(t, "Case:       EBC-2026-1, exhibit -\n") != NULL);
    cr_assert(
        strstr(t, "by outcome:              1 clean, 2 matched, 0 skipped, 0 error, 0 limit") !=
        NULL);
    cr_assert(strstr(t, "openssl cms -decrypt -binary -inform DER -in preserved/000001.cms") !=
                  NULL,
              "how the investigator opens preserved files");
    free(t);
}

Test(report, summary_json_pins_roots_and_outcomes) {
    size_t n;
    char *s = fx_read(dir, "summary.json", &n);
    cr_assert(strstr(s, "\"roots\":[{\"path\":\"/home/user\"}]") != NULL, "%s", s);
    cr_assert(strstr(s, "\"outcomes\":{\"clean\":1,\"error\":0,\"limit\":0,\"matched\":2,"
                        "\"skipped\":0}") != NULL,
              "%s", s);
    free(s);
    fx_summary_set(dir, "roots", "[{\"path\":\"/home\"}]");
    fx_reseal(dir, key, FX_DIGESTS);
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_TAMPERED, "xref.summary_facts");
    cr_assert(strstr(v.detail, "roots") != NULL, "%s", v.detail);
}

Test(report, no_pubkey_is_never_ok) {
    vg_ev_verdict v = fx_verify(dir, NULL, NULL, false);
    EXPECT(v, VG_EV_CANNOT, "sig.not_checked");
    char id[17];
    vg_ev_keyid_text(pub.key_id, id);
    cr_assert_str_eq(v.key_id, id);
}

/* ---- keys and signatures ---- */

Test(report, wrong_pinned_key) {
    vg_ev_pubkey other;
    fx_keygen(tmp, "other", &other);
    EXPECT(fx_verify(dir, &other, NULL, false), VG_EV_TAMPERED, "sig.key_id_mismatch");
    other = pub;
    other.pk[0] ^= 0x40; /* right key id, wrong key bytes */
    EXPECT(fx_verify(dir, &other, NULL, false), VG_EV_TAMPERED, "sig.bad_signature");
}

Test(report, attacker_resigns_with_own_key) {
    vg_ev_pubkey evil;
    char evil_key[700];
    fx_keygen(tmp, "evil", &evil);
    snprintf(evil_key, sizeof evil_key, "%s/evil.key", tmp);
    char pkhex[65];
    for (int i = 0; i < 32; i++)
        snprintf(pkhex + 2 * i, 3, "%02x", evil.pk[i]);
    char val[100];
    snprintf(val, sizeof val, "\"%s\"", pkhex);
    fx_summary_set(dir, "signing_key.public_key", val);
    fx_reseal(dir, evil_key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "sig.key_id_mismatch");
    EXPECT(fx_verify(dir, &evil, NULL, false), VG_EV_VERIFIED, "ok"); /* only the pin protects */
}

Test(report, untrusted_comment_is_checked) {
    size_t n;
    char *s = fx_read(dir, "report.sig", &n);
    char *c = strstr(s, "signature");
    c[0] = 'S';
    fx_write(dir, "report.sig", s, n);
    free(s);
    EXPECT(check(), VG_EV_TAMPERED, "sig.untrusted_comment");
}

Test(report, signature_of_another_report) {
    char *other = fx_report(tmp, key, NULL, false);
    size_t n;
    char *s = fx_read(other, "report.sig", &n);
    fx_write(dir, "report.sig", s, n);
    free(s);
    EXPECT(check(), VG_EV_TAMPERED, "sig.bad_signature");
    free(other);
}

Test(report, splice_summary_and_signature_of_another_report) {
    char *other = fx_report(tmp, key, NULL, false);
    size_t n;
    const char *names[] = {"summary.json", "report.sig"};
    for (int i = 0; i < 2; i++) {
        char *s = fx_read(other, names[i], &n);
        fx_write(dir, names[i], s, n);
        free(s);
    }
    EXPECT(check(), VG_EV_TAMPERED, "files.digest_mismatch");
    free(other);
}

Test(report, splice_records_of_another_report) {
    char *other = fx_report(tmp, key, NULL, false);
    size_t n;
    char *s = fx_read(other, "records.jsonl", &n);
    fx_write(dir, "records.jsonl", s, n);
    free(s);
    EXPECT(check(), VG_EV_TAMPERED, "files.digest_mismatch");
    fx_reseal(dir, key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "records.report_id");
    free(other);
}

Test(report, trusted_comment_for_another_summary) {
    /* a legitimately signed .sig whose trusted comment names other summary bytes */
    size_t n;
    char *s = fx_read(dir, "summary.json", &n);
    vg_ev_signer *sg = NULL;
    cr_assert_eq(vg_ev_signer_load(key, &sg), VG_OK);
    char id[17], uc[80], *sig = NULL;
    size_t sn;
    vg_ev_keyid_text(pub.key_id, id);
    snprintf(uc, sizeof uc, "vigil report signature, key %s", id);
    cr_assert_eq(vg_ev_minisign_sign(sg, s, n, uc, "vigil-report/1 timestamp:0", &sig, &sn), VG_OK);
    fx_write(dir, "report.sig", sig, sn);
    EXPECT(check(), VG_EV_TAMPERED, "sig.trusted_comment");
    free(sig);
    free(s);
    vg_ev_signer_free(sg);
}

/* ---- every byte of every file ---- */

static bool in(const char *reason, const char *const *set) {
    for (; *set; set++)
        if (!strcmp(reason, *set))
            return true;
    return false;
}

static void flip_all(const char *name, const char *const *reasons, size_t stride) {
    size_t n;
    char *orig = fx_read(dir, name, &n);
    cr_assert(n > 0);
    size_t tried = 0;
    for (size_t i = 0; i < n; i += (i < 512 || i + 64 > n) ? 1 : stride) {
        orig[i] ^= 0x01;
        fx_write(dir, name, orig, n);
        vg_ev_verdict v = check();
        orig[i] ^= 0x01;
        cr_assert_neq(v.outcome, VG_EV_VERIFIED, "%s: flip at byte %zu verified", name, i);
        cr_assert(in(v.reason, reasons), "%s byte %zu: unexpected reason %s", name, i, v.reason);
        tried++;
    }
    fx_write(dir, name, orig, n);
    free(orig);
    EXPECT(check(), VG_EV_VERIFIED, "ok");
    cr_log_info("%s: %zu of %zu bytes flipped, all detected", name, tried, n);
}

Test(report, flip_every_byte_of_every_file) {
    static const char *const digest[] = {"files.digest_mismatch", NULL};
    static const char *const sum[] = {"sig.bad_signature", NULL};
    static const char *const sig[] = {"sig.malformed",
                                      "sig.algorithm",
                                      "sig.key_id_mismatch",
                                      "sig.bad_signature",
                                      "sig.bad_global_signature",
                                      "sig.untrusted_comment",
                                      "sig.trusted_comment",
                                      NULL};
    static const char *const tsq[] = {"tsq.mismatch", NULL};
    flip_all("records.jsonl", digest, 1);
    flip_all("summary.json", sum, 1);
    flip_all("report.sig", sig, 1);
    flip_all("summary.txt", digest, 1);
    flip_all("summary.tsq", tsq, 1);
    flip_all("case.jsonld", digest, 5); /* large and derived: every 5th byte */
    flip_all("preserved/000001.cms", digest, 1);
}

/* ---- truncation ---- */

Test(report, truncate_at_every_line_and_mid_line) {
    size_t n;
    char *orig = fx_read(dir, "records.jsonl", &n);
    size_t cut_lines = 0;
    for (size_t i = 0; i < n; i++) {
        bool boundary = i == 0 || orig[i - 1] == '\n';
        if (!boundary && i % 37 != 0)
            continue; /* every boundary; a sample of mid-line cuts */
        fx_write(dir, "records.jsonl", orig, i);
        EXPECT(check(), VG_EV_TAMPERED, "files.digest_mismatch");
        fx_reseal(dir, key, FX_DIGESTS); /* even the key holder cannot hide it */
        vg_ev_verdict v = check();
        cr_assert_eq(v.outcome, VG_EV_TAMPERED);
        if (i == 0)
            cr_assert_str_eq(v.reason, "records.count");
        else if (boundary)
            cr_assert_str_eq(v.reason, "records.last_not_scan_end", "cut at %zu: %s", i, v.reason);
        else
            cr_assert_str_eq(v.reason, "records.truncated", "cut at %zu: %s", i, v.reason);
        cut_lines += boundary;
    }
    cr_assert_eq(cut_lines, 11);
    fx_write(dir, "records.jsonl", orig, n - 1); /* drop the final LF */
    fx_reseal(dir, key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "records.truncated");
    free(orig);
}

/* ---- record order ---- */

Test(report, delete_duplicate_swap_move_records) {
    size_t c;
    char **l = lines(&c);
    cr_assert_eq(c, 11);
    for (size_t i = 0; i < c; i++) { /* delete record i+1 */
        char **m = calloc(c, sizeof *m);
        for (size_t k = 0, o = 0; k < c; k++)
            if (k != i)
                m[o++] = l[k];
        put_lines(m, c - 1);
        free(m);
        fx_reseal(dir, key, FX_DIGESTS);
        vg_ev_verdict v = check();
        cr_assert_eq(v.outcome, VG_EV_TAMPERED);
        if (i == 0)
            cr_assert_str_eq(v.reason, "records.seq");
        else if (i == c - 1)
            cr_assert_str_eq(v.reason, "records.last_not_scan_end");
        else
            cr_assert_str_eq(v.reason, "records.seq", "delete %zu: %s", i + 1, v.reason);
    }
    for (size_t i = 0; i + 1 < c; i++) { /* duplicate record i+1 */
        char *m[64];
        for (size_t k = 0, o = 0; k < c; k++) {
            m[o++] = l[k];
            if (k == i)
                m[o++] = l[k];
        }
        put_lines(m, c + 1);
        fx_reseal(dir, key, FX_DIGESTS);
        vg_ev_verdict v = check();
        EXPECT(v, VG_EV_TAMPERED, "records.seq");
        cr_assert_eq(v.line, i + 2);
    }
    for (size_t i = 0; i + 1 < c; i++) { /* swap records i+1 and i+2 */
        char *m[64];
        memcpy(m, l, c * sizeof *m);
        m[i] = l[i + 1];
        m[i + 1] = l[i];
        put_lines(m, c);
        fx_reseal(dir, key, FX_DIGESTS);
        vg_ev_verdict v = check();
        EXPECT(v, VG_EV_TAMPERED, "records.seq");
        cr_assert_eq(v.line, i + 1);
    }
    char *m[64]; /* move record 3 to the end */
    for (size_t k = 0, o = 0; k < c; k++)
        if (k != 2)
            m[o++] = l[k];
    m[c - 1] = l[2];
    put_lines(m, c);
    fx_reseal(dir, key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "records.seq");
    fx_reseal(dir, key, FX_RECHAIN_RECORDS); /* renumbered: scan_end is no longer last */
    EXPECT(check(), VG_EV_TAMPERED, "records.after_scan_end");
    /* anyone can renumber and re-chain swapped records; the signed summary pins the head */
    memcpy(m, l, c * sizeof *m);
    m[3] = l[4];
    m[4] = l[3];
    put_lines(m, c);
    fx_reseal(dir, key, FX_RECHAIN_RECORDS);
    EXPECT(check(), VG_EV_TAMPERED, "records.head");
    free_lines(l, c);
}

Test(report, appended_record_with_correct_prev) {
    size_t c;
    char **l = lines(&c);
    l[c] = strdup("{\"prev\":\"00\",\"reason\":\"forged\",\"seq\":0,\"type\":\"error\"}");
    put_lines(l, c + 1);
    fx_reseal(dir, key, FX_RECHAIN_RECORDS); /* correct seq and prev; summary untouched */
    EXPECT(check(), VG_EV_TAMPERED, "records.after_scan_end");
    /* inserted before scan_end instead, chain recomputed: the count no longer matches */
    char *t = l[c - 1];
    l[c - 1] = l[c];
    l[c] = t;
    put_lines(l, c + 1);
    fx_reseal(dir, key, FX_RECHAIN_RECORDS);
    EXPECT(check(), VG_EV_TAMPERED, "records.count");
    /* and a key holder who also rewrites the summary's chain is caught by the counts */
    fx_reseal(dir, key, FX_RECHAIN_ALL);
    EXPECT(check(), VG_EV_TAMPERED, "xref.counts");
    free_lines(l, c + 1);
}

/* ---- non-canonical records, re-signed by the legitimate key ---- */

Test(report, non_canonical_records_fail) {
    static const struct {
        const char *from, *to;
    } edits[] = {
        {"\"type\":\"file\"", "\"type\": \"file\""},                  /* a space */
        {"\"type\":\"file\"", "\"type\":\"file\",\"type\":\"file\""}, /* duplicate key */
        {"\"size\":3000", "\"size\":3000.0"},                         /* float */
        {"\"size\":3000", "\"size\":3.0e3"},                          /* exponent */
        {"\"kind\":\"jpeg\"", "\"kind\":\"jp\\/eg\""},                /* escaped slash */
        {"\"kind\":\"jpeg\"", "\"kind\":\"\\u006apeg\""},             /* needless \\u escape */
        {"\"gid\":1000,", ""},                                        /* then reorder below */
    };
    size_t c;
    char **l = lines(&c);
    for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
        char *line = l[2]; /* record 3: the matched file */
        char *at = strstr(line, edits[e].from);
        cr_assert(at != NULL, "edit %zu", e);
        char buf[4096];
        snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - line), line, edits[e].to,
                 at + strlen(edits[e].from));
        if (e == 6) { /* reorder: move gid to the end of the object */
            buf[strlen(buf) - 1] = '\0';
            strcat(buf, ",\"gid\":1000}");
        }
        char *saved = l[2];
        l[2] = buf;
        put_lines(l, c);
        l[2] = saved;
        fx_reseal(dir, key, FX_DIGESTS);
        vg_ev_verdict v = check();
        EXPECT(v, VG_EV_TAMPERED, "records.non_canonical");
        cr_assert_eq(v.line, 3, "edit %zu", e);
    }
    /* CRLF line ending */
    char buf[4096];
    snprintf(buf, sizeof buf, "%s\r", l[4]);
    char *saved = l[4];
    l[4] = buf;
    put_lines(l, c);
    l[4] = saved;
    fx_reseal(dir, key, FX_DIGESTS);
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_TAMPERED, "records.non_canonical");
    cr_assert_eq(v.line, 5);
    free_lines(l, c);
}

Test(report, non_canonical_summary_fails) {
    size_t n;
    char *s = fx_read(dir, "summary.json", &n);
    s = realloc(s, n + 2);
    char *q = strstr(s, "\"chain\":");
    memmove(q + 1, q, strlen(q) + 1);
    q[0] = ' ';
    fx_write(dir, "summary.json", s, n + 1);
    free(s);
    EXPECT(check(), VG_EV_TAMPERED, "sig.bad_signature");
    fx_sign_as_is(dir, key); /* the key holder signs the non-canonical bytes */
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_TAMPERED, "summary.non_canonical");
}

/* ---- preserved objects ---- */

Test(report, corrupt_preserved_object) {
    size_t n;
    char *c = fx_read(dir, "preserved/000001.cms", &n);
    c[n - 40] ^= 0x20; /* inside the ciphertext or tag */
    fx_write(dir, "preserved/000001.cms", c, n);
    EXPECT(check(), VG_EV_TAMPERED, "files.digest_mismatch");
    fx_reseal(dir, key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "xref.preserved_object");
    free(c);
}

Test(report, decryption_detects_altered_ciphertext) {
    /* A key holder re-pins a modified container and its digest in the record: only the
     * investigator's decryption (GCM authentication) can tell. */
    size_t n, c;
    char *cms = fx_read(dir, "preserved/000001.cms", &n);
    cms[n - 40] ^= 0x20;
    fx_write(dir, "preserved/000001.cms", cms, n);
    char **l = lines(&c);
    for (size_t i = 0; i < c; i++) {
        char *p = strstr(l[i], "\"cms_sha256\":\"");
        if (!p)
            continue;
        unsigned char h[32];
        char hx[65];
        unsigned len;
        EVP_Digest(cms, n, h, &len, EVP_sha256(), NULL);
        for (int k = 0; k < 32; k++)
            snprintf(hx + 2 * k, 3, "%02x", h[k]);
        memcpy(p + 14, hx, 64);
    }
    put_lines(l, c);
    fx_reseal(dir, key, FX_RECHAIN_ALL);
    EXPECT(check(), VG_EV_VERIFIED, "ok");
    EXPECT(fx_verify(dir, &pub, dkey, false), VG_EV_TAMPERED, "cms.decrypt_failed");
    free_lines(l, c);
    free(cms);
}

/* ---- layout ---- */

Test(report, missing_and_extra_files) {
    char p[1024];
    fx_write(dir, "notes.txt", "x", 1);
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_VERIFIED, "ok");
    cr_assert_eq(v.warnings, 1);
    EXPECT(fx_verify(dir, &pub, NULL, true), VG_EV_TAMPERED, "layout.unexpected_file");
    snprintf(p, sizeof p, "%s/notes.txt", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/summary.txt", dir);
    unlink(p);
    EXPECT(check(), VG_EV_TAMPERED, "files.missing");
    snprintf(p, sizeof p, "%s/preserved/000001.cms", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/records.jsonl", dir);
    unlink(p);
    EXPECT(check(), VG_EV_TAMPERED, "layout.missing_file");
}

Test(report, unsealed_report_is_incomplete) {
    char p[1024];
    snprintf(p, sizeof p, "%s/report.sig", dir);
    unlink(p);
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_INCOMPLETE, "seal.missing");
    cr_assert_eq(v.consistent, 11);
}

Test(report, crash_mid_scan_is_incomplete) {
    vg_ev_opts o = {.parent = tmp, .sign_key = key};
    vg_ev_report *r = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, NULL), VG_OK);
    char *argv[] = {"vigil"};
    vg_ev_scan_info in = {.argc = 1, .argv = argv};
    cr_assert_eq(vg_ev_report_scan_start(r, &in), VG_OK);
    vg_ev_where w = {.path = "/x"};
    cr_assert_eq(vg_ev_report_error(r, &w, "EIO", 5, NULL), VG_OK);
    char *d = strdup(vg_ev_report_dir(r));
    vg_ev_report_free(r); /* as if the process died here */
    vg_ev_verdict v = fx_verify(d, &pub, NULL, false);
    EXPECT(v, VG_EV_INCOMPLETE, "seal.missing");
    cr_assert_eq(v.consistent, 2);
    size_t n;
    char *t = fx_read(d, "records.jsonl", &n);
    fx_write(d, "records.jsonl", t, n - 10); /* a torn last line */
    v = fx_verify(d, &pub, NULL, false);
    EXPECT(v, VG_EV_INCOMPLETE, "seal.missing");
    cr_assert_eq(v.consistent, 1);
    free(t);
    free(d);
}

/* ---- cross-references ---- */

Test(report, forged_counts_and_facts) {
    fx_summary_set(dir, "counts.examined", "99");
    fx_reseal(dir, key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "xref.counts");
    fx_summary_set(dir, "counts.examined", "3");
    fx_summary_set(dir, "host.hostname", "\"elsewhere\"");
    fx_reseal(dir, key, FX_DIGESTS);
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_TAMPERED, "xref.summary_facts");
    cr_assert(strstr(v.detail, "host") != NULL);
}

Test(report, case_export_must_match_the_records) {
    size_t n;
    char *c = fx_read(dir, "case.jsonld", &n);
    char *p = strstr(c, "hash-scan");
    cr_assert(p != NULL);
    p[0] = 'H';
    fx_write(dir, "case.jsonld", c, n);
    free(c);
    EXPECT(check(), VG_EV_TAMPERED, "files.digest_mismatch");
    fx_reseal(dir, key, FX_DIGESTS);
    EXPECT(check(), VG_EV_TAMPERED, "xref.case_export");
    char path[1024];
    snprintf(path, sizeof path, "%s/case.jsonld", dir);
    unlink(path);
    EXPECT(check(), VG_EV_TAMPERED, "files.missing");
}

Test(report, match_naming_unknown_list) {
    size_t c;
    char **l = lines(&c);
    char *p = strstr(l[3], "\"list\":\"L1\"");
    cr_assert(p != NULL);
    p[9] = '9';
    put_lines(l, c);
    fx_reseal(dir, key, FX_RECHAIN_ALL);
    vg_ev_verdict v = check();
    EXPECT(v, VG_EV_TAMPERED, "xref.match_list");
    cr_assert_eq(v.line, 4);
    free_lines(l, c);
}

/* Edit record `line` (1-based) of the untouched report: replace `from` by `to`, re-chain and
 * re-seal with the legitimate key, verify, and restore the untouched report. */
static vg_ev_verdict edit_record(size_t line, const char *from, const char *to) {
    size_t rn, sn, gn, tn, c;
    char *recs = fx_read(dir, "records.jsonl", &rn), *sum = fx_read(dir, "summary.json", &sn),
         *sig = fx_read(dir, "report.sig", &gn), *tsq = fx_read(dir, "summary.tsq", &tn);
    char **l = lines(&c);
    char *p = strstr(l[line - 1], from);
    cr_assert(p != NULL, "record %zu has no %s", line, from);
    char edited[4096];
    snprintf(edited, sizeof edited, "%.*s%s%s", (int)(p - l[line - 1]), l[line - 1], to,
             p + strlen(from));
    free(l[line - 1]);
    l[line - 1] = strdup(edited);
    put_lines(l, c);
    free_lines(l, c);
    fx_reseal(dir, key, FX_RECHAIN_ALL);
    vg_ev_verdict v = check();
    fx_write(dir, "records.jsonl", recs, rn);
    fx_write(dir, "summary.json", sum, sn);
    fx_write(dir, "report.sig", sig, gn);
    fx_write(dir, "summary.tsq", tsq, tn);
    free(recs);
    free(sum);
    free(sig);
    free(tsq);
    EXPECT(check(), VG_EV_VERIFIED, "ok");
    return v;
}

Test(report, file_outcomes_are_counted_and_cross_checked) {
    /* records: 2 clean file, 3 matched file, 4 its match, 5 matched file, 6 its match */
    vg_ev_verdict v = edit_record(2, "\"outcome\":\"clean\"", "\"outcome\":\"skipped\"");
    EXPECT(v, VG_EV_TAMPERED, "xref.counts");
    cr_assert_eq(v.line, 11, "the scan_end record's counts by outcome");
    v = edit_record(3, "\"outcome\":\"matched\"", "\"outcome\":\"clean\"");
    EXPECT(v, VG_EV_TAMPERED, "xref.match_file");
    cr_assert_eq(v.line, 4, "the match naming a file that is not matched");
    v = edit_record(2, "\"outcome\":\"clean\"", "\"outcome\":\"matched\"");
    EXPECT(v, VG_EV_TAMPERED, "xref.matched_without_match");
    cr_assert_eq(v.line, 2);
    v = edit_record(2, "\"outcome\":\"clean\"", "\"outcome\":\"fine\"");
    EXPECT(v, VG_EV_TAMPERED, "records.malformed");
    cr_assert_eq(v.line, 2);
}

Test(report, preserved_bytes_are_the_matched_files_bytes) {
    /* record 3 is the matched file preserved in record 9: its sha256 must be plain_sha256 */
    unsigned char bytes[3000], h[32];
    char hx[65], from[80], to[80];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 7 + 3);
    unsigned len = 0;
    cr_assert(EVP_Digest(bytes, sizeof bytes, h, &len, EVP_sha256(), NULL) == 1);
    for (int i = 0; i < 32; i++)
        snprintf(hx + 2 * i, 3, "%02x", h[i]);
    snprintf(from, sizeof from, "\"sha256\":\"%s\"", hx);
    hx[0] = hx[0] == '0' ? '1' : '0';
    snprintf(to, sizeof to, "\"sha256\":\"%s\"", hx);
    vg_ev_verdict v = edit_record(3, from, to);
    EXPECT(v, VG_EV_TAMPERED, "xref.preserved_digest");
    cr_assert_eq(v.line, 9);
    v = edit_record(3, "\"outcome\":\"matched\"", "\"outcome\":\"clean\"");
    EXPECT(v, VG_EV_TAMPERED, "xref.match_file"); /* first of: match and preserved name it */
}

struct chunk {
    const char *p;
    size_t n, at;
};

static long read_chunk(void *ctx, void *buf, size_t cap) {
    struct chunk *c = ctx;
    size_t k = c->n - c->at < cap ? c->n - c->at : cap;
    memcpy(buf, c->p + c->at, k);
    c->at += k;
    return (long)k;
}

Test(report, a_file_changed_since_hashed_is_not_preserved) {
    vg_ev_opts o = {.parent = tmp, .sign_key = key, .recipient_cert = cert};
    vg_ev_report *r = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, NULL), VG_OK);
    char *argv[] = {"vigil"};
    vg_ev_list list = {.name = "L1", .entries = 1};
    vg_ev_scan_info in = {.argc = 1, .argv = argv, .lists = &list, .n_lists = 1};
    cr_assert_eq(vg_ev_report_scan_start(r, &in), VG_OK);
    vg_ev_file f = {.where.path = "/x.jpg", .size = 5, .has_digests = true, .outcome = "matched"};
    unsigned len = 0;
    cr_assert(EVP_Digest("hello", 5, f.digests.sha256, &len, EVP_sha256(), NULL) == 1);
    uint64_t seq = 0, clean = 0;
    cr_assert_eq(vg_ev_report_file(r, &f, &seq), VG_OK);
    vg_ev_match m = {.file_seq = seq, .list = "L1", .entry = "1", .how = "sha256"};
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_OK);
    bool done = true;
    struct chunk changed = {"hellO", 5, 0}, same = {"hello", 5, 0};
    cr_assert_eq(vg_ev_report_preserve_cb(r, seq, read_chunk, &changed, &done), VG_OK);
    cr_assert(!done, "bytes that are not the hashed bytes are not kept");
    cr_assert_eq(vg_ev_report_preserve_cb(r, seq, read_chunk, &same, &done), VG_OK);
    cr_assert(done);
    f.outcome = "clean";
    cr_assert_eq(vg_ev_report_file(r, &f, &clean), VG_OK);
    cr_assert_eq(vg_ev_report_not_preserved(r, clean, "x"), VG_E_INVAL, "not a matched file");
    cr_assert_eq(vg_ev_report_preserve_cb(r, clean, read_chunk, &same, &done), VG_E_INVAL);
    cr_assert_eq(vg_ev_report_not_preserved(r, seq, "inside an archive"), VG_OK);
    cr_assert_eq(vg_ev_report_scan_end(r, false), VG_OK);
    cr_assert_eq(vg_ev_report_seal(r), VG_OK, "%s", vg_ev_report_errmsg(r));
    char *d = strdup(vg_ev_report_dir(r));
    vg_ev_report_free(r);
    vg_ev_verdict v = fx_verify(d, &pub, dkey, false);
    EXPECT(v, VG_EV_VERIFIED, "ok");
    cr_assert_eq(v.decrypted, 1);
    size_t n;
    char *recs = fx_read(d, "records.jsonl", &n);
    cr_assert(strstr(recs, "\"reason\":\"changed since it was hashed\"") != NULL, "%s", recs);
    cr_assert(strstr(recs, "\"object\":\"preserved/000001.cms\"") != NULL, "no gap in names");
    cr_assert(strstr(recs, "\"reason\":\"inside an archive\"") != NULL);
    free(recs);
    char p[1200];
    snprintf(p, sizeof p, "%s/preserved/000002.cms", d);
    cr_assert_neq(access(p, F_OK), 0);
    free(d);
}

/* ---- the writer's contract ---- */

Test(report, calls_out_of_order_are_refused) {
    vg_ev_opts o = {.parent = tmp, .sign_key = key};
    vg_ev_report *r = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, NULL), VG_OK);
    vg_ev_file f = {.where.path = "/x"};
    cr_assert_eq(vg_ev_report_file(r, &f, NULL), VG_E_INVAL);
    cr_assert(strstr(vg_ev_report_errmsg(r), "order") != NULL);
    cr_assert_eq(vg_ev_report_seal(r), VG_E_INVAL);
    char *argv[] = {"vigil"};
    vg_ev_scan_info in = {.argc = 1, .argv = argv};
    cr_assert_eq(vg_ev_report_scan_start(r, &in), VG_OK);
    vg_ev_match m = {.file_seq = 1, .list = "L1", .entry = "1", .how = "sha1"};
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_E_INVAL, "record 1 is not a file");
    f.outcome = "fine";
    cr_assert_eq(vg_ev_report_file(r, &f, NULL), VG_E_INVAL, "not a known outcome");
    cr_assert(strstr(vg_ev_report_errmsg(r), "outcome") != NULL);
    f.outcome = "clean";
    uint64_t s = 0;
    cr_assert_eq(vg_ev_report_file(r, &f, &s), VG_OK);
    m.file_seq = s;
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_E_INVAL, "the file's outcome is not matched");
    bool done;
    cr_assert_eq(vg_ev_report_preserve_fd(r, 1, 0, &done), VG_E_INVAL, "no recipient");
    cr_assert_eq(vg_ev_report_seal(r), VG_E_INVAL, "no scan_end yet");
    vg_ev_report_free(r);
    o.sign_key = cert; /* not a signing key */
    const char *err = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, &err), VG_E_FORMAT);
    cr_assert(r == NULL && err != NULL);
}

Test(report, nodump_helpers) {
    cr_assert_eq(vg_ev_nodump_process(), VG_OK);
    struct rlimit rl;
    cr_assert_eq(getrlimit(RLIMIT_CORE, &rl), 0);
    cr_assert_eq(rl.rlim_cur, 0);
    cr_assert_eq(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    unsigned char *b = vg_ev_secure_alloc(10000);
    cr_assert(b != NULL);
    memset(b, 0xaa, 10000);
    cr_assert_eq(vg_ev_nodump_buffer(b, 10000), VG_OK);
    vg_ev_secure_free(b, 10000);
}

/* ---- --all ---- */

static vg_ev_verdict verify_all(void) {
    vg_ev_verify_opts o = {.dir = dir, .pubkey = &pub, .all = true};
    vg_ev_verdict v;
    cr_assert_eq(vg_ev_verify(&o, &v), VG_OK);
    return v;
}

/* Flip the last byte of a report file. */
static void flip_last(const char *name) {
    size_t n;
    char *b = fx_read(dir, name, &n);
    cr_assert(n > 0);
    b[n - 1] ^= 1;
    fx_write(dir, name, b, n);
    free(b);
}

Test(report, all_lists_every_failure) {
    vg_ev_verdict v = verify_all();
    EXPECT(v, VG_EV_VERIFIED, "ok");
    cr_assert_eq(v.n_failures, 0);
    flip_last("case.jsonld");
    flip_last("summary.tsq");
    flip_last("summary.txt");
    v = check();
    EXPECT(v, VG_EV_TAMPERED, "files.digest_mismatch");
    cr_assert_str_eq(v.file, "case.jsonld");
    cr_assert_eq(v.n_failures, 0, "without --all only the first failure");
    v = verify_all();
    EXPECT(v, VG_EV_TAMPERED, "files.digest_mismatch"); /* the first is the same */
    cr_assert_str_eq(v.file, "case.jsonld");
    static const char *const want[][2] = {{"files.digest_mismatch", "case.jsonld"},
                                          {"files.digest_mismatch", "summary.txt"},
                                          {"xref.case_export", "case.jsonld"},
                                          {"tsq.mismatch", "summary.tsq"}};
    char got[1024] = "";
    for (unsigned i = 0; i < v.n_failures && i < VG_EV_MAX_FAILURES; i++)
        snprintf(got + strlen(got), sizeof got - strlen(got), " %s@%s", v.failures[i].reason,
                 v.failures[i].file);
    /* summary.tsq is pinned by the trusted comment, not in summary.json's files */
    cr_assert_eq(v.n_failures, 4, "%s", got);
    for (unsigned i = 0; i < 4; i++) {
        cr_assert_str_eq(v.failures[i].reason, want[i][0], "failure %u", i);
        cr_assert_str_eq(v.failures[i].file, want[i][1], "failure %u", i);
        cr_assert_eq(v.failures[i].outcome, VG_EV_TAMPERED);
    }
}

/* Records that do not chain: the checks that need them (totals, cross-references) are skipped,
 * the independent ones still run. */
Test(report, all_skips_what_needs_a_failed_step) {
    size_t c;
    char **l = lines(&c);
    char *t = l[2];
    l[2] = l[3];
    l[3] = t; /* swap two records */
    put_lines(l, c);
    free_lines(l, c);
    flip_last("summary.txt");
    vg_ev_verdict v = verify_all();
    EXPECT(v, VG_EV_TAMPERED, "files.digest_mismatch");
    cr_assert_str_eq(v.file, "records.jsonl");
    cr_assert(v.n_failures >= 3 && v.n_failures <= VG_EV_MAX_FAILURES, "%u", v.n_failures);
    cr_assert_str_eq(v.failures[1].file, "summary.txt");
    cr_assert_str_eq(v.failures[2].reason, "records.seq");
    cr_assert_eq(v.failures[2].line, 3);
    /* the chain totals and cross-references of a broken chain are not checked (they would only
     * repeat it); case.jsonld, re-derived from the records, is */
    for (unsigned i = 3; i < v.n_failures; i++)
        cr_assert_str_eq(v.failures[i].reason, "xref.case_export", "failure %u: %s", i,
                         v.failures[i].reason);
}
