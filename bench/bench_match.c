/*
 * bench_match.c — matching against a compiled .vhs index, against baselines in the same run.
 *
 * For each data set (uniform random PDQ codes; codes within distance 20 of 1000 centres; of 100
 * centres), N codes and 10 000 queries (every 10th planted: a random code with 0..31 bits
 * flipped, the rest uniform), at radius 31:
 *   - build: the builder fed by streaming (no input array kept), CPU time, peak RSS over the
 *     build, and the index size;
 *   - MIH: the multi-index forced (vg_hset_pdq_search, VG_HSET_SEARCH_MIH), one query at a time;
 *   - auto: VG_HSET_SEARCH_AUTO (MIH, or a scan when that is cheaper), one query at a time, and
 *     in batches of 8 as a scanner asks (an image's 8 dihedral hashes);
 *   - scan-1: one query at a time over all codes with the SIMD kernel (memory bound);
 *   - scan-batch: all queries at once, codes in cache-sized tiles (compute bound);
 *   - FAISS (bench_faiss.py, Debian's python3-faiss, when installed): IndexBinaryMultiHash 16x16
 *     nflip=1 and IndexBinaryHash b=16 nflip=2 (not exact at radius 31: its recall is shown).
 * Slow baselines run on the first queries only and are scaled to 10 000 (the count is printed).
 * Every method's hits are checked against the others on the queries they share.
 * The first data set also holds N digests (MD5, SHA-1, SHA-256 in turn) for exact look-ups/s.
 * Times are process CPU time (CLOCK_PROCESS_CPUTIME_ID): the machine is shared.
 *
 *   usage: bench_match [-n N] [-q QUERIES] [-d rand,clus1000,clus100] [-s SEED] [-t DIR]
 *                      [--scan-queries K] [--faiss-queries K] [--no-faiss] [--digests N]
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil/hamming.h"
#include "vigil/hset.h"
#include "vigil/hset_build.h"

#define RADIUS 31u

struct opts {
    uint64_t n, nq, seed, scan_q, faiss_q, n_digests;
    const char *sets, *dir;
    int faiss;
};

/* ---- measurement ---- */

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* VmRSS or VmHWM in bytes. */
static uint64_t status_kb(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    uint64_t v = 0;
    size_t kl = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl))
            v = strtoull(line + kl + 1, NULL, 10);
    if (f)
        fclose(f);
    return v * 1024;
}

/* Reset the peak RSS to the current RSS (Linux clear_refs 5). */
static void reset_peak(void) {
    FILE *f = fopen("/proc/self/clear_refs", "w");
    if (f) {
        fputs("5", f);
        fclose(f);
    }
}

/* ---- data: a counter-based generator, so code i is recomputed instead of stored ---- */

static uint64_t mix(uint64_t z) {
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void rand_code(uint64_t seed, uint64_t i, uint8_t *out) {
    for (int w = 0; w < 4; w++) {
        uint64_t v = mix(seed ^ mix(i * 4 + (uint64_t)w));
        memcpy(out + 8 * w, &v, 8);
    }
}

/* Flip k distinct bits chosen by the stream (seed, i). */
static void flip(uint8_t *code, unsigned k, uint64_t seed, uint64_t i) {
    uint8_t used[256] = {0};
    for (uint64_t j = 0; k > 0; j++) {
        unsigned bit = (unsigned)(mix(seed ^ mix(i * 1000003u + j)) % 256);
        if (used[bit])
            continue;
        used[bit] = 1;
        code[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        k--;
    }
}

struct dataset {
    const char *name;
    unsigned centres; /* 0: uniform */
};

/* Code i of a data set. */
static void db_code(const struct dataset *ds, uint64_t seed, uint64_t i, uint8_t *out) {
    if (!ds->centres) {
        rand_code(seed, i, out);
        return;
    }
    uint64_t r = mix(seed + 77 + i);
    rand_code(seed ^ 0xc0ffee, r % ds->centres, out);
    flip(out, (unsigned)((r >> 32) % 21), seed ^ 0xf11b, i);
}

static void make_queries(const struct dataset *ds, const struct opts *o, uint8_t *q) {
    for (uint64_t j = 0; j < o->nq; j++) {
        uint64_t r = mix(o->seed ^ 0x9999 ^ mix(j));
        if (j % 10 == 0) {
            db_code(ds, o->seed, r % o->n, q + 32 * j);
            flip(q + 32 * j, (unsigned)((r >> 40) % 32), o->seed ^ 0x4242, j);
        } else {
            rand_code(o->seed ^ 0x5151, j, q + 32 * j);
        }
    }
}

/* ---- build ---- */

static void must(vg_status st, const char *what, const vg_hset_build *b) {
    if (st != VG_OK) {
        fprintf(stderr, "bench_match: %s: %s (%s)\n", what, vg_status_str(st),
                b ? vg_hset_build_errmsg(b) : "");
        exit(1);
    }
}

static void build(const struct dataset *ds, const struct opts *o, const char *path,
                  uint64_t n_digests) {
    static const vg_hash_type dt[3] = {VG_HT_MD5, VG_HT_SHA1, VG_HT_SHA256};
    static const size_t dl[3] = {16, 20, 32};
    vg_hset_build *b = NULL;
    vg_hset_entry e;
    memset(&e, 0, sizeof e);
    e.quality = -1;
    e.size = UINT64_MAX;
    uint64_t rss0 = status_kb("VmRSS:");
    reset_peak();
    double t0 = cpu_now();
    must(vg_hset_build_new(&b, "bench", "1"), "build_new", NULL);
    vg_hset_list_info li = {.name = ds->name, .format = "bench"};
    must(vg_hset_build_list(b, &li), "build_list", b);
    e.type = VG_HT_PDQ;
    e.hash_len = 32;
    for (uint64_t i = 0; i < o->n; i++) {
        db_code(ds, o->seed, i, e.hash);
        must(vg_hset_build_add(b, &e), "build_add", b);
    }
    for (uint64_t i = 0; i < n_digests; i++) {
        e.type = dt[i % 3];
        e.hash_len = dl[i % 3];
        rand_code(o->seed ^ 0xd1d1, i, e.hash);
        must(vg_hset_build_add(b, &e), "build_add", b);
    }
    must(vg_hset_build_write(b, path), "build_write", b);
    double t = cpu_now() - t0;
    vg_hset_build_stats s;
    vg_hset_build_stats_get(b, &s);
    vg_hset_build_free(b);
    uint64_t peak = status_kb("VmHWM:") - rss0;
    printf("  build %-9s %llu PDQ + %llu digests: %.2f s CPU, peak RSS +%.0f MB, index %.0f MB "
           "(peak/index %.2f)\n",
           ds->name, (unsigned long long)o->n, (unsigned long long)n_digests, t, peak / 1e6,
           s.file_size / 1e6, (double)peak / (double)s.file_size);
}

/* ---- searching ---- */

struct tally {
    uint64_t *count, *sum; /* per query: hits and an order-free checksum */
};

static vg_status on_hit(void *ctx, const vg_hset_hit *hit) {
    struct tally *t = ctx;
    t->count[hit->query]++;
    t->sum[hit->query] += mix(((uint64_t)hit->code << 9) ^ hit->distance);
    return VG_OK;
}

struct result {
    const char *name;
    uint64_t nq;
    double sec; /* CPU for nq queries */
    struct tally t;
};

/* group 0: one query at a time; else vg_hset_pdq_search_batch() on groups of that many. */
static void run(const vg_hset *h, const uint8_t *q, uint64_t nq, vg_hset_search_mode mode,
                uint64_t group, struct result *r) {
    r->nq = nq;
    r->t.count = calloc(nq ? nq : 1, sizeof *r->t.count);
    r->t.sum = calloc(nq ? nq : 1, sizeof *r->t.sum);
    double t0 = cpu_now();
    if (group) {
        for (uint64_t j = 0; j < nq; j += group) {
            struct tally part = {r->t.count + j, r->t.sum + j}; /* hit->query is within the group */
            must(vg_hset_pdq_search_batch(h, q + 32 * j, nq - j < group ? nq - j : group, RADIUS,
                                          mode, on_hit, &part),
                 "batch", NULL);
        }
    } else {
        for (uint64_t j = 0; j < nq; j++) {
            struct tally one = {r->t.count + j, r->t.sum + j};
            vg_hset_hit_fn fn = on_hit;
            /* hit->query is 0 for a single query: offset the tally instead */
            must(vg_hset_pdq_search(h, q + 32 * j, RADIUS, mode, fn, &one), "search", NULL);
        }
    }
    r->sec = cpu_now() - t0;
}

/* Same hits on the shared queries? */
static int agree(const struct result *a, const struct result *b) {
    uint64_t n = a->nq < b->nq ? a->nq : b->nq;
    for (uint64_t j = 0; j < n; j++)
        if (a->t.count[j] != b->t.count[j] || a->t.sum[j] != b->t.sum[j])
            return 0;
    return 1;
}

static double per10k(const struct result *r) {
    return r->nq ? r->sec * 10000.0 / (double)r->nq : 0;
}

static void print_result(const struct result *r, const struct result *ref, double mem) {
    uint64_t hits = 0;
    for (uint64_t j = 0; j < r->nq; j++)
        hits += r->t.count[j];
    printf("  %-22s %6llu q  %9.3f ms/q  %9.2f s/10k  %10.0f q/s  hits %-9llu mem %6.0f MB  %s\n",
           r->name, (unsigned long long)r->nq, r->sec * 1e3 / (double)r->nq, per10k(r),
           (double)r->nq / r->sec, (unsigned long long)hits, mem / 1e6,
           ref == r        ? "(reference)"
           : agree(r, ref) ? "same hits"
                           : "HITS DIFFER");
}

/* ---- FAISS, through bench_faiss.py ---- */

static void faiss_run(const struct opts *o, const char *dir, const struct dataset *ds,
                      const uint8_t *q, double mih10k) {
    char dbp[512], qp[512], cmd[2048];
    snprintf(dbp, sizeof dbp, "%s/db.u8", dir);
    snprintf(qp, sizeof qp, "%s/q.u8", dir);
    FILE *f = fopen(dbp, "wb");
    uint8_t code[32];
    for (uint64_t i = 0; f && i < o->n; i++) {
        db_code(ds, o->seed, i, code);
        fwrite(code, 1, 32, f);
    }
    if (f)
        fclose(f);
    f = fopen(qp, "wb");
    if (f) {
        fwrite(q, 32, o->faiss_q, f);
        fclose(f);
    }
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/bench_faiss.py %s %s %llu %.6f", VIGIL_BENCH_DIR,
             dbp, qp, (unsigned long long)o->faiss_q, mih10k);
    fflush(stdout);
    if (system(cmd) != 0)
        printf("  FAISS: bench_faiss.py failed\n");
    unlink(dbp);
    unlink(qp);
}

static int have_faiss(void) {
    return system("/usr/bin/python3 -c 'import faiss' >/dev/null 2>&1") == 0;
}

/* ---- digests ---- */

static void digest_lookups(const vg_hset *h, const struct opts *o, uint64_t nd) {
    static const vg_hash_type dt[3] = {VG_HT_MD5, VG_HT_SHA1, VG_HT_SHA256};
    static const size_t dl[3] = {16, 20, 32};
    uint64_t nl = 2000000, found = 0, first, count;
    uint8_t *keys = malloc(nl * 32);
    for (uint64_t j = 0; j < nl; j++) { /* half present, half absent */
        uint64_t i = mix(o->seed ^ j) % nd;
        rand_code(o->seed ^ (j % 2 ? 0xd1d1 : 0xdead), i - i % 3 + j % 3, keys + 32 * j);
    }
    double t0 = cpu_now();
    for (uint64_t j = 0; j < nl; j++) {
        vg_hset_lookup(h, dt[j % 3], keys + 32 * j, dl[j % 3], &first, &count);
        found += count > 0;
    }
    double t = cpu_now() - t0;
    printf("  exact digest look-ups: %.2f M/s one at a time (%llu look-ups over %llu digests, %llu "
           "found)\n",
           (double)nl / t / 1e6, (unsigned long long)nl, (unsigned long long)nd,
           (unsigned long long)found);
    vg_hset_query *q = malloc(nl * sizeof *q);
    for (uint64_t j = 0; j < nl; j++)
        q[j] = (vg_hset_query){.type = dt[j % 3], .hash = keys + 32 * j, .len = dl[j % 3]};
    uint64_t found_b = 0;
    t0 = cpu_now();
    for (uint64_t j = 0; j < nl; j += 64)
        vg_hset_lookup_batch(h, q + j, nl - j < 64 ? nl - j : 64);
    t = cpu_now() - t0;
    for (uint64_t j = 0; j < nl; j++)
        found_b += q[j].count > 0;
    printf(
        "  exact digest look-ups: %.2f M/s in batches of 64 (vg_hset_lookup_batch, %llu found%s)\n",
        (double)nl / t / 1e6, (unsigned long long)found_b, found_b == found ? "" : ", DIFFERS");
    free(q);
    free(keys);
}

/* Whether the comma-separated list names this set exactly. */
static int has_set(const char *list, const char *name) {
    size_t n = strlen(name);
    for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* ---- one data set ---- */

static void free_result(struct result *r) {
    free(r->t.count);
    free(r->t.sum);
}

static void one_set(const struct dataset *ds, const struct opts *o, int first) {
    char path[512];
    snprintf(path, sizeof path, "%s/bench-%s.vhs", o->dir, ds->name);
    uint64_t nd = first ? o->n_digests : 0;
    printf("\n== %s: N = %llu, %llu queries, radius %u\n", ds->name, (unsigned long long)o->n,
           (unsigned long long)o->nq, RADIUS);
    build(ds, o, path, nd);
    vg_hset *h = NULL;
    char err[256];
    double t0 = cpu_now();
    must(vg_hset_open(&h, path, VG_HSET_OPEN_POPULATE, err, sizeof err), err, NULL);
    double topen = cpu_now() - t0;
    vg_hset_info in;
    vg_hset_info_get(h, &in);
    printf("  open (SHA-256 of the body + pre-fault): %.2f s CPU; fast open skips the hash\n",
           topen);
    uint8_t *q = malloc(32 * o->nq);
    make_queries(ds, o, q);
    double codes_mb = 32.0 * (double)in.n_keys[3];
    struct result r[5] = {{.name = "MIH (forced)"},
                          {.name = "auto, one at a time"},
                          {.name = "scan-1 (SIMD)"},
                          {.name = "scan-batch (SIMD)"},
                          {.name = "auto, batches of 8"}};
    uint64_t sq = o->scan_q < o->nq ? o->scan_q : o->nq;
    struct result warm = {.name = "warm-up"};
    run(h, q, o->nq < 1000 ? o->nq : 1000, VG_HSET_SEARCH_MIH, 0, &warm); /* caches, TLB */
    free_result(&warm);
    run(h, q, o->nq, VG_HSET_SEARCH_MIH, 0, &r[0]);
    run(h, q, o->nq, VG_HSET_SEARCH_AUTO, 0, &r[1]);
    run(h, q, o->nq, VG_HSET_SEARCH_AUTO, 8, &r[4]); /* a scanner: an image's 8 dihedral hashes */
    run(h, q, sq, VG_HSET_SEARCH_SCAN, 0, &r[2]);
    uint64_t bq = sq * 10 < o->nq ? sq * 10 : o->nq;
    run(h, q, bq, VG_HSET_SEARCH_SCAN, bq, &r[3]);
    double idx = (double)in.file_size;
    print_result(&r[0], &r[0], idx);
    print_result(&r[1], &r[0], idx);
    print_result(&r[4], &r[0], idx);
    print_result(&r[2], &r[0], codes_mb);
    print_result(&r[3], &r[0], codes_mb);
    printf("  ratios per query: scan-1 / MIH %.1fx, scan-batch / MIH %.2fx, scan-batch / auto "
           "%.2fx, scan-batch / auto-8 %.2fx\n",
           per10k(&r[2]) / per10k(&r[0]), per10k(&r[3]) / per10k(&r[0]),
           per10k(&r[3]) / per10k(&r[1]), per10k(&r[3]) / per10k(&r[4]));
    if (nd)
        digest_lookups(h, o, nd);
    if (o->faiss)
        faiss_run(o, o->dir, ds, q, per10k(&r[1]));
    for (int i = 0; i < 5; i++)
        free_result(&r[i]);
    free(q);
    vg_hset_close(h);
    unlink(path);
}

int main(int argc, char **argv) {
    struct opts o = {.n = 1000000,
                     .nq = 10000,
                     .seed = 1,
                     .scan_q = 0,
                     .faiss_q = 0,
                     .sets = "rand,clus1000,clus100",
                     .dir = "/tmp",
                     .faiss = 1};
    static const struct option lo[] = {{"scan-queries", required_argument, NULL, 'S'},
                                       {"faiss-queries", required_argument, NULL, 'F'},
                                       {"no-faiss", no_argument, NULL, 'N'},
                                       {"digests", required_argument, NULL, 'D'},
                                       {NULL, 0, NULL, 0}};
    int c;
    o.n_digests = UINT64_MAX;
    while ((c = getopt_long(argc, argv, "n:q:d:s:t:", lo, NULL)) != -1) {
        switch (c) {
        case 'n':
            o.n = strtoull(optarg, NULL, 0);
            break;
        case 'q':
            o.nq = strtoull(optarg, NULL, 0);
            break;
        case 'd':
            o.sets = optarg;
            break;
        case 's':
            o.seed = strtoull(optarg, NULL, 0);
            break;
        case 't':
            o.dir = optarg;
            break;
        case 'S':
            o.scan_q = strtoull(optarg, NULL, 0);
            break;
        case 'F':
            o.faiss_q = strtoull(optarg, NULL, 0);
            break;
        case 'N':
            o.faiss = 0;
            break;
        case 'D':
            o.n_digests = strtoull(optarg, NULL, 0);
            break;
        default:
            fprintf(stderr, "usage: bench_match [-n N] [-q Q] [-d rand,clus1000,clus100] [-s SEED] "
                            "[-t DIR] [--scan-queries K] [--faiss-queries K] [--no-faiss] "
                            "[--digests N]\n");
            return 2;
        }
    }
    if (o.n == 0 || o.nq == 0 || o.n > UINT32_MAX - 2)
        return fprintf(stderr, "bench_match: bad -n or -q\n"), 2;
    if (o.n_digests == UINT64_MAX)
        o.n_digests = o.n;
    /* Default subsets for the slow baselines: ~1 s each at the measured speeds (PERF.md A2). */
    if (!o.scan_q)
        o.scan_q = o.n >= 5000000 ? 100 : 1000;
    if (!o.faiss_q)
        o.faiss_q = o.n >= 5000000 ? 200 : 1000;
    if (o.faiss_q > o.nq)
        o.faiss_q = o.nq;
    if (o.faiss && !have_faiss()) {
        printf("FAISS: not installed (apt-get install python3-faiss); skipped\n");
        o.faiss = 0;
    }
    printf("bench_match: seed %llu, Hamming kernel level %s, CPU time per process\n",
           (unsigned long long)o.seed, vg_hamming_level());
    static const struct dataset sets[] = {{"rand", 0}, {"clus1000", 1000}, {"clus100", 100}};
    int first = 1;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        if (!has_set(o.sets, sets[i].name))
            continue;
        one_set(&sets[i], &o, first);
        first = 0;
    }
    return 0;
}
