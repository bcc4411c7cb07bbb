/* ev_fixture.c — see ev_fixture.h. */
#define _GNU_SOURCE /* mkdtemp, nftw */
#include "ev_fixture.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "vigil/ev_json.h"
#include "vigil/evidence.h"

char *fx_tmpdir(void) {
    /* tmpfs when there is one: the writer fsyncs every file, which is slow on a busy disk */
    char *t = strdup(access("/dev/shm", W_OK) == 0 ? "/dev/shm/vigil-evtest.XXXXXX"
                                                   : "/tmp/vigil-evtest.XXXXXX");
    cr_assert(mkdtemp(t) != NULL);
    return t;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f) {
    (void)sb;
    (void)flag;
    (void)f;
    return remove(p);
}

void fx_rmrf(const char *path) {
    if (path)
        nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fx_keygen(const char *dir, const char *name, vg_ev_pubkey *pub) {
    char base[512];
    snprintf(base, sizeof base, "%s/%s", dir, name);
    cr_assert_eq(vg_ev_keygen(base, pub), VG_OK);
}

void fx_recipient(const char *dir, const char *name, bool ec) {
    EVP_PKEY *k = ec ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
                     : EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    cr_assert(k != NULL);
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME *nm = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC,
                               (const unsigned char *)"vigil test investigator", -1, -1, 0);
    X509_set_issuer_name(x, nm);
    X509_set_pubkey(x, k);
    cr_assert(X509_sign(x, k, EVP_sha256()) > 0);
    char path[512];
    snprintf(path, sizeof path, "%s/%s.key", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f && PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL));
    fclose(f);
    snprintf(path, sizeof path, "%s/%s.crt", dir, name);
    f = fopen(path, "w");
    cr_assert(f && PEM_write_X509(f, x));
    fclose(f);
    X509_free(x);
    EVP_PKEY_free(k);
}

struct memsrc {
    const unsigned char *p;
    size_t n, off;
};

static long mem_read(void *ctx, void *buf, size_t cap) {
    struct memsrc *m = ctx;
    size_t k = m->n - m->off < cap ? m->n - m->off : cap;
    memcpy(buf, m->p + m->off, k);
    m->off += k;
    return (long)k;
}

static void fill_file(vg_ev_file *f, const char *path, const char *outcome, unsigned salt) {
    memset(f, 0, sizeof *f);
    f->where.path = path;
    f->size = 1000 + salt;
    f->has_stat = true;
    f->mtime.tv_sec = 1790000000 + salt;
    f->ctime.tv_sec = 1790000000;
    f->atime.tv_sec = 1790000000;
    f->atime.tv_nsec = 123456789;
    f->dev = 2049;
    f->ino = 18446744073709551000ull - salt; /* > 2^53: written as a string */
    f->uid = 1000;
    f->gid = 1000;
    f->mode = 0100644;
    f->has_digests = true;
    f->digests.size = f->size;
    memset(f->digests.md5, (int)(0x10 + salt), sizeof f->digests.md5);
    memset(f->digests.sha1, (int)(0x20 + salt), sizeof f->digests.sha1);
    memset(f->digests.sha256, (int)(0x30 + salt), sizeof f->digests.sha256);
    f->kind = "jpeg";
    f->outcome = outcome;
}

char *fx_report(const char *parent, const char *key, const char *cert, bool tsq) {
    vg_ev_opts o = {.parent = parent,
                    .sign_key = key,
                    .recipient_cert = cert,
                    .preserve_cap = 200000,
                    .write_tsq = tsq,
                    .write_case = tsq};
    vg_ev_report *r = NULL;
    const char *err = NULL;
    cr_assert_eq(vg_ev_report_open(&r, &o, &err), VG_OK, "%s", err ? err : "");
    char *argv[] = {"vigil", "scan", "/home/user",
                    "odd\xff"
                    "arg"};
    const char *roots[] = {"/home/user"};
    vg_ev_kv config[] = {{"max-depth", "8"}, {"pdq-threshold", "31"}};
    vg_ev_list lists[2] = {
        {.name = "L1", .version = "2026-10-01", .source = "/etc/vigil/l1.csv", .entries = 12},
        {.name = "L2", .entries = -1}};
    memset(lists[0].sha256, 0xab, 32);
    memset(lists[1].sha256, 0xcd, 32);
    vg_ev_scan_info in = {.tool_version = "0.1.0",
                          .tool_build = "abcdef123456",
                          .argc = 4,
                          .argv = argv,
                          .roots = roots,
                          .n_roots = 1,
                          .config = config,
                          .n_config = 2,
                          .lists = lists,
                          .n_lists = 2,
                          .case_ref = "EBC-2026-1"};
    cr_assert_eq(vg_ev_report_scan_start(r, &in), VG_OK, "%s", vg_ev_report_errmsg(r));
    vg_ev_file f;
    uint64_t s1, s2, s3;
    fill_file(&f, "/home/user/a.jpg", "clean", 1);
    cr_assert_eq(vg_ev_report_file(r, &f, &s1), VG_OK);
    const char *inner[] = {"dir/inner\xfe.jpg"};
    /* a small harmless stand-in for a matched file: its record has its real digests */
    static unsigned char bytes[3000];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (unsigned char)(i * 7 + 3);
    fill_file(&f, "/home/user/odd\xffname.zip", "matched", 2);
    f.where.inner = inner;
    f.where.n_inner = 1;
    f.size = f.digests.size = sizeof bytes;
    unsigned dl = 0;
    cr_assert(EVP_Digest(bytes, sizeof bytes, f.digests.md5, &dl, EVP_md5(), NULL) == 1);
    cr_assert(EVP_Digest(bytes, sizeof bytes, f.digests.sha1, &dl, EVP_sha1(), NULL) == 1);
    cr_assert(EVP_Digest(bytes, sizeof bytes, f.digests.sha256, &dl, EVP_sha256(), NULL) == 1);
    cr_assert_eq(vg_ev_report_file(r, &f, &s2), VG_OK);
    vg_ev_match m = {
        .file_seq = s2, .list = "L1", .entry = "12345", .category = "A", .how = "sha256"};
    cr_assert_eq(vg_ev_report_match(r, &m, NULL), VG_OK);
    fill_file(&f, "/home/user/b.png", "matched", 3);
    f.has_pdq = true;
    memset(f.pdq, 0x5a, 32);
    f.pdq_quality = 90;
    cr_assert_eq(vg_ev_report_file(r, &f, &s3), VG_OK);
    vg_ev_match p = {
        .file_seq = s3, .list = "L2", .entry = "7", .how = "pdq", .distance = 12, .quality = 90};
    cr_assert_eq(vg_ev_report_match(r, &p, NULL), VG_OK);
    vg_ev_where w = {.path = "/home/user/secret"};
    cr_assert_eq(vg_ev_report_error(r, &w, "permission denied", 13, NULL), VG_OK);
    cr_assert_eq(vg_ev_report_limit(r, &w, "archive-depth", 9, 8, NULL), VG_OK);
    if (cert) {
        bool done = false;
        /* preserved from its descriptor */
        char plain[1024];
        snprintf(plain, sizeof plain, "%s/plain.bin", parent);
        fx_write(parent, "plain.bin", bytes, sizeof bytes);
        int fd = open(plain, O_RDONLY);
        cr_assert(fd >= 0);
        cr_assert_eq(vg_ev_report_preserve_fd(r, s2, fd, &done), VG_OK, "%s",
                     vg_ev_report_errmsg(r));
        close(fd);
        cr_assert(done);
        static unsigned char big[300000];
        struct memsrc src = {big, sizeof big, 0};
        cr_assert_eq(vg_ev_report_preserve_cb(r, s3, mem_read, &src, &done), VG_OK);
        cr_assert(!done, "over the 200000-byte cap: not preserved");
    }
    cr_assert_eq(vg_ev_report_scan_end(r, false), VG_OK);
    cr_assert_eq(vg_ev_report_seal(r), VG_OK, "%s", vg_ev_report_errmsg(r));
    char *dir = strdup(vg_ev_report_dir(r));
    vg_ev_report_free(r);
    return dir;
}

vg_ev_verdict fx_verify(const char *dir, const vg_ev_pubkey *pub, const char *dkey, bool strict) {
    vg_ev_verify_opts o = {.dir = dir, .pubkey = pub, .decrypt_key = dkey, .strict = strict};
    vg_ev_verdict v;
    cr_assert_eq(vg_ev_verify(&o, &v), VG_OK);
    return v;
}

char *fx_read(const char *dir, const char *name, size_t *n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    cr_assert(f != NULL, "%s", path);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)len + 1);
    *n = fread(p, 1, (size_t)len, f);
    p[*n] = '\0';
    fclose(f);
    return p;
}

void fx_write(const char *dir, const char *name, const void *p, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert(f != NULL, "%s", path);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

static void hex(const uint8_t *b, size_t n, char *out) {
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
}

static void sha256(const void *p, size_t n, uint8_t out[32]) {
    unsigned len = 0;
    cr_assert(EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1);
}

static void set_hex(json_object *o, const char *key, const uint8_t *b) {
    char h[65];
    hex(b, 32, h);
    json_object_object_add(o, key, json_object_new_string(h));
}

/* Renumber and re-chain records.jsonl; put the new chain into sum. */
static void rechain(const char *dir, json_object *sum, bool update_summary) {
    size_t n;
    char *recs = fx_read(dir, "records.jsonl", &n);
    json_object *ch = json_object_object_get(sum, "chain");
    uint8_t prev[32], root[32];
    const char *g = json_object_get_string(json_object_object_get(ch, "genesis"));
    for (int i = 0; i < 32; i++)
        sscanf(g + 2 * i, "%2hhx", &prev[i]);
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    char *buf = NULL;
    size_t bn = 0;
    FILE *out = open_memstream(&buf, &bn);
    int64_t seq = 0;
    for (char *line = strtok(recs, "\n"); line; line = strtok(NULL, "\n")) {
        json_object *r = json_tokener_parse(line);
        cr_assert(r != NULL);
        json_object_object_add(r, "seq", json_object_new_int64(++seq));
        set_hex(r, "prev", prev);
        char *c = NULL;
        size_t cn = 0;
        cr_assert_eq(vg_ev_json_canon(r, &c, &cn, NULL), VG_OK);
        vg_ev_leaf(c, cn, prev);
        vg_ev_merkle_add(&m, prev);
        fprintf(out, "%s\n", c);
        free(c);
        json_object_put(r);
    }
    fclose(out);
    fx_write(dir, "records.jsonl", buf, bn);
    free(buf);
    free(recs);
    vg_ev_merkle_root(&m, root);
    if (!update_summary)
        return;
    set_hex(ch, "head", prev);
    set_hex(ch, "merkle_root", root);
    json_object_object_add(ch, "records", json_object_new_int64(seq));
}

static void sign_bytes(const char *dir, const char *key, char *c, size_t cn, const char *rid) {
    uint8_t h[32];
    char hx[65], tc[256], uc[96], id[17];
    sha256(c, cn, h);
    hex(h, 32, hx);
    vg_ev_signer *s = NULL;
    cr_assert_eq(vg_ev_signer_load(key, &s), VG_OK);
    vg_ev_pubkey pub;
    vg_ev_signer_pubkey(s, &pub);
    vg_ev_keyid_text(pub.key_id, id);
    snprintf(tc, sizeof tc,
             "vigil-report/1 report_id=%s summary_sha256=%s signed=2026-11-23T10:00:00.000000000Z",
             rid, hx);
    snprintf(uc, sizeof uc, "vigil report signature, key %s", id);
    char *sig = NULL;
    size_t sn = 0;
    cr_assert_eq(vg_ev_minisign_sign(s, c, cn, uc, tc, &sig, &sn), VG_OK);
    fx_write(dir, "report.sig", sig, sn);
    free(sig);
    vg_ev_signer_free(s);
}

static void sign_summary(const char *dir, const char *key, json_object *sum) {
    char *c = NULL;
    size_t cn = 0;
    cr_assert_eq(vg_ev_json_canon(sum, &c, &cn, NULL), VG_OK);
    c = realloc(c, cn + 2);
    c[cn++] = '\n';
    c[cn] = '\0';
    fx_write(dir, "summary.json", c, cn);
    sign_bytes(dir, key, c, cn, json_object_get_string(json_object_object_get(sum, "report_id")));
    free(c);
}

void fx_sign_as_is(const char *dir, const char *key) {
    size_t n;
    char *c = fx_read(dir, "summary.json", &n);
    char rid[37] = "";
    const char *p = strstr(c, "\"report_id\":\"");
    cr_assert(p != NULL);
    memcpy(rid, p + 13, 36);
    sign_bytes(dir, key, c, n, rid);
    free(c);
}

void fx_reseal(const char *dir, const char *key, enum fx_mode mode) {
    size_t n;
    char tsq[1024];
    snprintf(tsq, sizeof tsq, "%s/summary.tsq", dir);
    unlink(tsq); /* it is over the old summary; a forger would simply drop it */
    char *text = fx_read(dir, "summary.json", &n);
    json_object *sum = json_tokener_parse(text);
    cr_assert(sum != NULL);
    free(text);
    if (mode != FX_DIGESTS)
        rechain(dir, sum, mode == FX_RECHAIN_ALL);
    json_object *files = json_object_object_get(sum, "files");
    for (size_t i = 0; i < json_object_array_length(files); i++) {
        json_object *f = json_object_array_get_idx(files, i);
        const char *name = json_object_get_string(json_object_object_get(f, "name"));
        size_t fn = 0;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (access(path, F_OK) != 0)
            continue;
        char *p = fx_read(dir, name, &fn);
        uint8_t h[32];
        sha256(p, fn, h);
        set_hex(f, "sha256", h);
        json_object_object_add(f, "size", json_object_new_int64((int64_t)fn));
        free(p);
    }
    sign_summary(dir, key, sum);
    json_object_put(sum);
}

void fx_summary_set(const char *dir, const char *path, const char *json_value) {
    size_t n;
    char *text = fx_read(dir, "summary.json", &n);
    json_object *sum = json_tokener_parse(text);
    free(text);
    char tmp[128];
    snprintf(tmp, sizeof tmp, "%s", path);
    json_object *o = sum;
    char *dot = strchr(tmp, '.');
    if (dot) {
        *dot = '\0';
        o = json_object_object_get(sum, tmp);
    }
    json_object_object_add(o, dot ? dot + 1 : tmp, json_tokener_parse(json_value));
    char *c = NULL;
    size_t cn = 0;
    cr_assert_eq(vg_ev_json_canon(sum, &c, &cn, NULL), VG_OK);
    c = realloc(c, cn + 2);
    c[cn++] = '\n';
    fx_write(dir, "summary.json", c, cn);
    free(c);
    json_object_put(sum);
}
