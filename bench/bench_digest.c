/*
 * bench_digest.c — one-pass MD5+SHA-1+SHA-256 against OpenSSL's three single-algorithm loops.
 *
 * Over the same in-memory data, in one run: vigil's vg_digest_buffer(), then three separate
 * EVP loops (MD5, SHA-1, SHA-256) fed in the same read-sized chunks. Target: one-pass time
 * <= 1.10 x the sum of the three (no extra copies, no extra reads). Times are process CPU time
 * (the machine is shared), the best of R rounds.
 *   usage: bench_digest [MiB=256] [rounds=5]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "vigil/digest.h"

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* One algorithm over buf in VG_DIGEST_CHUNK pieces, as a plain OpenSSL user would. */
static double one_alg(const char *name, const unsigned char *buf, size_t n, unsigned char *out) {
    EVP_MD *md = EVP_MD_fetch(NULL, name, NULL);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!md || !ctx) {
        fprintf(stderr, "bench_digest: OpenSSL lacks %s\n", name);
        exit(1);
    }
    double t0 = cpu_now();
    EVP_DigestInit_ex2(ctx, md, NULL);
    for (size_t off = 0; off < n; off += VG_DIGEST_CHUNK)
        EVP_DigestUpdate(ctx, buf + off, n - off < VG_DIGEST_CHUNK ? n - off : VG_DIGEST_CHUNK);
    EVP_DigestFinal_ex(ctx, out, NULL);
    double t = cpu_now() - t0;
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    return t;
}

static double one_pass(vg_digest *dg, const unsigned char *buf, size_t n, vg_digests *out) {
    double t0 = cpu_now();
    vg_digest_reset(dg);
    for (size_t off = 0; off < n; off += VG_DIGEST_CHUNK)
        vg_digest_update(dg, buf + off, n - off < VG_DIGEST_CHUNK ? n - off : VG_DIGEST_CHUNK);
    vg_digest_final(dg, out);
    return cpu_now() - t0;
}

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : 256;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    size_t n = mib << 20;
    unsigned char *buf = malloc(n);
    vg_digest *dg = NULL;
    if (!buf || vg_digest_open(&dg) != VG_OK || rounds < 1) {
        fprintf(stderr, "bench_digest: setup failed\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++) /* touch every page before timing */
        buf[i] = (unsigned char)(i * 2654435761u >> 13);

    double best_one = 1e9, best_md5 = 1e9, best_sha1 = 1e9, best_sha256 = 1e9;
    vg_digests d;
    unsigned char m[16], s1[20], s2[32];
    for (int r = 0; r < rounds; r++) {
        double t = one_pass(dg, buf, n, &d);
        best_one = t < best_one ? t : best_one;
        t = one_alg("MD5", buf, n, m);
        best_md5 = t < best_md5 ? t : best_md5;
        t = one_alg("SHA1", buf, n, s1);
        best_sha1 = t < best_sha1 ? t : best_sha1;
        t = one_alg("SHA256", buf, n, s2);
        best_sha256 = t < best_sha256 ? t : best_sha256;
    }
    int same = !memcmp(m, d.md5, 16) && !memcmp(s1, d.sha1, 20) && !memcmp(s2, d.sha256, 32);
    double sum = best_md5 + best_sha1 + best_sha256;
    double mb = (double)n / 1e6;
    printf("data: %zu MiB in memory, best of %d rounds, process CPU time\n", mib, rounds);
    printf("openssl md5     %8.3f s  %8.1f MB/s\n", best_md5, mb / best_md5);
    printf("openssl sha1    %8.3f s  %8.1f MB/s\n", best_sha1, mb / best_sha1);
    printf("openssl sha256  %8.3f s  %8.1f MB/s\n", best_sha256, mb / best_sha256);
    printf("sum of three    %8.3f s  %8.1f MB/s\n", sum, mb / sum);
    printf("vigil one-pass  %8.3f s  %8.1f MB/s\n", best_one, mb / best_one);
    printf("ratio one-pass / sum = %.3f (target <= 1.10): %s\n", best_one / sum,
           best_one / sum <= 1.10 ? "PASS" : "FAIL");
    printf("digests identical: %s\n", same ? "yes" : "NO");
    vg_digest_free(dg);
    free(buf);
    return same && best_one / sum <= 1.10 ? 0 : 1;
}
