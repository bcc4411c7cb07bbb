/*
 * fuzz_verify.c — `vigil verify` (evidence/verify.c, verify_records.c, case export, time-stamp
 * request and token) on an arbitrary report folder.
 *
 * The input holds the folder's files one after another, separated by SEP, in the order of
 * names[] below; a file the input does not reach is absent. So that mutations get past the
 * digests and the hash chain (which a fuzzer cannot forge) to the checks behind them, the
 * harness "reseals" like a forger would: in records.jsonl each run of 64 'P' becomes the hash
 * of the previous record (the genesis of the report id for record 1); in summary.json 64 'R', 'T'
 * and 'C' become the SHA-256 of records.jsonl, summary.txt and case.jsonld, -1111/-2222/-3333 their
 * sizes, 64 'G', 'H' and 'M' the genesis of its report_id, the chain head and the Merkle root.
 * No key is pinned (a signature cannot be forged either), so the best verdict reachable is
 * "sig.not_checked", after every other check. summary.tsr is checked against tsa-ca.pem, the CA
 * of a throw-away test TSA that stamped the seed "sealed-tsr" (its key was not kept).
 *
 * Invariants: no crash, leak or hang; a verdict is always given, with a reason, and is never
 * "verified" without a pinned key.
 */
#define _GNU_SOURCE /* memmem */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/ev_seal.h"
#include "vigil/ev_verify.h"

#include "../../evidence/ev_util.h"

#ifndef VIGIL_FUZZ_TSA_CA
#define VIGIL_FUZZ_TSA_CA "/dev/null"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP "\n--vigil-file--\n"
enum { F_REC, F_SUM, F_SIG, F_TXT, F_CASE, F_TSQ, F_TSR, NF };
static const char *const names[NF] = {"records.jsonl", "summary.json", "report.sig", "summary.txt",
                                      "case.jsonld",   "summary.tsq",  "summary.tsr"};

struct part {
    char *p; /* malloc'd copy, NUL-terminated */
    size_t n;
    bool present;
};

static char dir[64];

/* Replace every run of 64 c in b with hex (64 chars): same length, in place. */
static void put_hex(struct part *b, char c, const uint8_t h[32]) {
    char hex[65], run[65];
    memset(run, c, 64);
    run[64] = '\0';
    vg_ev_hex(h, 32, hex);
    for (char *q = b->p; (q = strstr(q, run)) != NULL; q += 64)
        memcpy(q, hex, 64);
}

/* Replace each "tok" with the decimal v (the text may shrink or grow). */
static void put_int(struct part *b, const char *tok, uint64_t v) {
    char num[24];
    snprintf(num, sizeof num, "%llu", (unsigned long long)v);
    size_t tl = strlen(tok), nl = strlen(num);
    char *q;
    while ((q = strstr(b->p, tok)) != NULL) {
        size_t off = (size_t)(q - b->p);
        char *np = malloc(b->n - tl + nl + 1);
        if (!np)
            abort();
        memcpy(np, b->p, off);
        memcpy(np + off, num, nl);
        memcpy(np + off + nl, q + tl, b->n - off - tl + 1);
        free(b->p);
        b->p = np;
        b->n = b->n - tl + nl;
    }
}

static void sha(const struct part *b, uint8_t out[32]) {
    vg_ev_sha256(b->p, b->n, NULL, 0, NULL, 0, out);
}

/* Chain the records (fill their prev) and compute head and Merkle root. */
static void reseal_records(struct part *rec, const uint8_t genesis[32], uint8_t head[32],
                           uint8_t root[32]) {
    vg_ev_merkle m;
    vg_ev_merkle_init(&m);
    memcpy(head, genesis, 32);
    char run[65];
    memset(run, 'P', 64);
    run[64] = '\0';
    for (char *line = rec->p; line < rec->p + rec->n;) {
        char *lf = memchr(line, '\n', (size_t)(rec->p + rec->n - line));
        size_t len = lf ? (size_t)(lf - line) : (size_t)(rec->p + rec->n - line);
        char *q = line;
        while ((q = memmem(q, len - (size_t)(q - line), run, 64)) != NULL) {
            char hex[65];
            vg_ev_hex(head, 32, hex);
            memcpy(q, hex, 64);
            q += 64;
        }
        vg_ev_leaf(line, len, head);
        vg_ev_merkle_add(&m, head);
        line += len + 1;
    }
    vg_ev_merkle_root(&m, root);
}

static void reseal(struct part *f) {
    uint8_t id[16] = {0}, g[32] = {0}, head[32], root[32], h[32];
    /* the report id: summary.json's, else record 1's (an unsealed report) */
    const char *rid = f[F_SUM].present ? strstr(f[F_SUM].p, "\"report_id\":\"") : NULL;
    if (!rid)
        rid = strstr(f[F_REC].p, "\"report_id\":\"");
    if (rid && strlen(rid) >= 13 + 36) {
        char t[37];
        memcpy(t, rid + 13, 36);
        t[36] = '\0';
        if (vg_ev_uuid_parse(t, id))
            vg_ev_genesis(id, g);
    }
    reseal_records(&f[F_REC], g, head, root);
    if (!f[F_SUM].present)
        return;
    sha(&f[F_REC], h);
    put_hex(&f[F_SUM], 'R', h);
    sha(&f[F_TXT], h);
    put_hex(&f[F_SUM], 'T', h);
    sha(&f[F_CASE], h);
    put_hex(&f[F_SUM], 'C', h);
    put_hex(&f[F_SUM], 'G', g);
    put_hex(&f[F_SUM], 'H', head);
    put_hex(&f[F_SUM], 'M', root);
    put_int(&f[F_SUM], "-1111", f[F_REC].n);
    put_int(&f[F_SUM], "-2222", f[F_TXT].n);
    put_int(&f[F_SUM], "-3333", f[F_CASE].n);
}

static void split(const uint8_t *data, size_t size, struct part *f) {
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < NF && p; i++) {
        const char *s = memmem(p, (size_t)(end - p), SEP, strlen(SEP));
        size_t n = s ? (size_t)(s - p) : (size_t)(end - p);
        f[i].p = malloc(n + 1);
        if (!f[i].p)
            abort();
        memcpy(f[i].p, p, n);
        f[i].p[n] = '\0';
        f[i].n = n;
        f[i].present = true;
        p = s ? s + strlen(SEP) : NULL;
    }
    for (int i = 0; i < NF; i++)
        if (!f[i].present && !(f[i].p = calloc(1, 1)))
            abort();
}

static void write_folder(const struct part *f) {
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd < 0)
        abort();
    for (int i = 0; i < NF; i++) {
        unlinkat(dfd, names[i], 0);
        if (!f[i].present)
            continue;
        int fd = openat(dfd, names[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || (f[i].n && write(fd, f[i].p, f[i].n) != (ssize_t)f[i].n))
            abort();
        close(fd);
    }
    close(dfd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/vigil-fuzz-verify-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        if (!mkdtemp(dir))
            abort();
    }
    if (size > (1u << 20))
        return 0;
    struct part f[NF] = {0};
    split(data, size, f);
    reseal(f);
    write_folder(f);
    for (int i = 0; i < NF; i++)
        free(f[i].p);
    vg_ev_verify_opts o = {.dir = dir, .tsa_ca = VIGIL_FUZZ_TSA_CA};
    vg_ev_verdict v;
    vg_status st = vg_ev_verify(&o, &v);
    if (st == VG_E_NOMEM)
        return 0;
    if (st != VG_OK)
        abort();
    if (getenv("VIGIL_FUZZ_VERBOSE"))
        fprintf(stderr, "verdict %d %s %s:%llu %s\n", (int)v.outcome, v.reason, v.file,
                (unsigned long long)v.line, v.detail);
    if (v.outcome == VG_EV_VERIFIED || v.outcome > VG_EV_CANNOT || !v.reason[0])
        abort();
    return 0;
}
