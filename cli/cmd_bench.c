/*
 * cmd_bench.c — `vigil bench`: can this device class run scheduled scans? Self-contained: it
 * synthesises its images, its index and a file tree in a private temporary folder (nothing is
 * read from the device, nothing is left behind) and prints what IT needs before a roll-out: the
 * CPU and the SIMD level vigil chose, images/s for exact and for screening hashing, digest MB/s,
 * look-ups/s for digests and PDQ codes in an index of 1 M entries each, and files/s for a scan
 * of a generated tree.
 *
 * Single-threaded rates are per core, from process CPU time (CLOCK_PROCESS_CPUTIME_ID): other
 * load on the device disturbs them far less than wall time. The scan runs with all its threads
 * and gives wall time too. Every measurement checks its own result (the planted digests and PDQ
 * codes are found, the others are not; the scan finds its one planted file), so a fast but
 * wrong build cannot pass as a fast device.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil/digest.h"
#include "vigil/hamming.h"
#include "vigil/hset.h"
#include "vigil/hset_build.h"
#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/pdq_screen.h"
#include "vigil/scan.h"

#include "bench_data.h"
#include "bench_out.h"
#include "cli.h"

/* Seeds of the code families: the index's SHA-256 and PDQ entries, and the misses. */
#define SEED_SHA 0x5348413235360001ULL
#define SEED_PDQ 0x5044510000000002ULL
#define SEED_MISS 0x4D49535300000003ULL

static atomic_bool g_stop; /* SIGINT / SIGTERM: stop, clean up, exit 1 */

static void on_signal(int sig) {
    (void)sig;
    atomic_store(&g_stop, true);
}

/* Sizes of one run: the full run, or --quick (tests, a first look). */
struct sizes {
    size_t digest_bytes;
    unsigned digest_rounds;
    unsigned n_images, img_w, img_h, img_rounds;
    uint64_t n_index, n_lookups, n_pdq_queries;
    unsigned n_files, file_w, file_h; /* the tree: files, and the size of its JPEGs */
};

static const struct sizes full_sizes = {64u << 20, 3,       4,     4000, 3000, 2,
                                        1000000,   1000000, 10000, 2000, 1280, 1024};
/* --quick: images just large enough to be screened (both sides >= 2 x 512 px) */
static const struct sizes quick_sizes = {4u << 20, 1,     2,   1280, 1024, 1,
                                         2000,     20000, 400, 60,   640,  480};

struct bench {
    struct sizes z;
    unsigned jobs;
    char *dir;           /* the private temporary folder */
    char *index;         /* dir/bench.vhs */
    uint8_t planted[32]; /* SHA-256 of the tree's one known file */
    vg_hset *h;
    bench_result r;
};

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "DIR/name", malloc'd. */
static char *in_dir(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int fail(const char *what, const char *why) {
    vg_cli_err("bench: %s: %s", what, why);
    return -1;
}

/* ---- a generated tree: 1 in 10 files a JPEG, the others binary, one file known ---- */

static int tree_file(struct bench *b, const char *root, unsigned i, uint8_t *blob, size_t cap) {
    char name[64];
    unsigned char *jpg = NULL;
    unsigned long jlen = 0;
    bench_rng r = {0xF11E0000ULL + i};
    snprintf(name, sizeof name, "d%02u", i % 20);
    char *sub = in_dir(root, name);
    snprintf(name, sizeof name, "f%05u.%s", i, i % 10 == 0 ? "jpg" : "bin");
    char *path = sub ? in_dir(sub, name) : NULL;
    vg_status st = path ? VG_OK : VG_E_NOMEM;
    if (st == VG_OK && mkdir(sub, 0700) != 0 && errno != EEXIST)
        st = VG_E_IO;
    if (st == VG_OK && i % 10 == 0 &&
        (st = bench_jpeg(r.s, b->z.file_w, b->z.file_h, &jpg, &jlen)) == VG_OK)
        st = bench_write_file(path, jpg, jlen);
    else if (st == VG_OK && i % 10 != 0) {
        size_t n = 4096 + (size_t)(bench_rng_next(&r) % (cap - 4096));
        bench_rng_fill(&r, blob, n);
        st = bench_write_file(path, blob, n);
        if (st == VG_OK && i == 1) { /* the known file: its SHA-256 goes into the index */
            vg_digest *d = NULL;
            vg_digests dg;
            if ((st = vg_digest_open(&d)) == VG_OK &&
                (st = vg_digest_buffer(d, blob, n, &dg)) == VG_OK)
                memcpy(b->planted, dg.sha256, 32);
            vg_digest_free(d);
        }
    }
    if (st != VG_OK)
        fail(path ? path : root, st == VG_E_IO ? strerror(errno) : vg_status_str(st));
    free(jpg);
    free(path);
    free(sub);
    return st == VG_OK ? 0 : -1;
}

static int make_tree(struct bench *b) {
    enum { BLOB = 64 * 1024 };
    char *root = in_dir(b->dir, "tree");
    uint8_t *blob = malloc(BLOB);
    int rc = root && blob ? 0 : fail("tree", "out of memory");
    if (rc == 0 && mkdir(root, 0700) != 0)
        rc = fail(root, strerror(errno));
    for (unsigned i = 0; rc == 0 && i < b->z.n_files && !atomic_load(&g_stop); i++)
        rc = tree_file(b, root, i, blob, BLOB);
    free(blob);
    free(root);
    return rc;
}

/* ---- the index: n SHA-256 and n PDQ codes, plus the tree's known file ---- */

static vg_status add_codes(vg_hset_build *hb, vg_hash_type t, uint64_t seed, uint64_t n) {
    vg_hset_entry e = {.type = t, .hash_len = 32, .quality = -1, .size = UINT64_MAX};
    vg_status st = VG_OK;
    for (uint64_t i = 0; i < n && st == VG_OK; i++) {
        if ((i & 0xFFFF) == 0 && atomic_load(&g_stop))
            return VG_E_INTERRUPTED;
        bench_code(seed, i, e.hash);
        e.line = i + 1;
        st = vg_hset_build_add(hb, &e);
    }
    return st;
}

static int build_index(struct bench *b) {
    vg_hset_build *hb = NULL;
    vg_hset_list_info li = {.name = "vigil bench", .format = "synthetic"};
    vg_hset_entry known = {.type = VG_HT_SHA256,
                           .hash_len = 32,
                           .quality = -1,
                           .id = "bench-known-file",
                           .size = UINT64_MAX};
    char err[256];
    memcpy(known.hash, b->planted, 32);
    double t0 = cpu_now();
    vg_status st = vg_hset_build_new(&hb, "vigil bench", NULL);
    if (st == VG_OK && (st = vg_hset_build_list(hb, &li)) == VG_OK &&
        (st = add_codes(hb, VG_HT_SHA256, SEED_SHA, b->z.n_index)) == VG_OK &&
        (st = add_codes(hb, VG_HT_PDQ, SEED_PDQ, b->z.n_index)) == VG_OK &&
        (st = vg_hset_build_add(hb, &known)) == VG_OK)
        st = vg_hset_build_write(hb, b->index);
    if (st != VG_OK) {
        fail("building the index", hb ? vg_hset_build_errmsg(hb) : vg_status_str(st));
        vg_hset_build_free(hb);
        return -1;
    }
    vg_hset_build_free(hb);
    b->r.index_build_s = cpu_now() - t0;
    b->r.index_entries = b->z.n_index;
    if (vg_hset_open(&b->h, b->index, 0, err, sizeof err) != VG_OK)
        return fail(b->index, err);
    return 0;
}

/* ---- digests: MD5 + SHA-1 + SHA-256 in one pass ---- */

static int bench_digests(struct bench *b) {
    uint8_t *buf = malloc(b->z.digest_bytes);
    vg_digest *d = NULL;
    vg_digests out;
    bench_rng r = {7};
    if (!buf || vg_digest_open(&d) != VG_OK) {
        free(buf);
        return fail("digests", "out of memory");
    }
    bench_rng_fill(&r, buf, b->z.digest_bytes); /* also touches every page before timing */
    vg_status st = VG_OK;
    double t0 = cpu_now();
    for (unsigned i = 0; i < b->z.digest_rounds && st == VG_OK; i++)
        st = vg_digest_buffer(d, buf, b->z.digest_bytes, &out);
    double t = cpu_now() - t0;
    vg_digest_free(d);
    free(buf);
    if (st != VG_OK)
        return fail("digests", vg_status_str(st));
    b->r.digest_mb = (double)b->z.digest_bytes * b->z.digest_rounds / 1e6;
    b->r.digest_mb_s = b->r.digest_mb / t;
    return 0;
}

/* ---- images: exact and screening PDQ, as a scan worker hashes a JPEG ---- */

static vg_status on_probe_hit(void *ctx, const vg_hset_hit *hit) {
    (void)hit;
    *(bool *)ctx = true;
    return VG_OK;
}

/* The screen's question, asked of the benchmark's index as a scan asks its lists. */
static vg_status probe_index(void *ctx, const uint8_t *codes, size_t n, unsigned radius,
                             bool *candidate) {
    return vg_hset_pdq_search_batch(ctx, codes, n, radius, VG_HSET_SEARCH_AUTO, on_probe_hit,
                                    candidate);
}

struct img_tools {
    vg_img_dec *dec;
    vg_pdq *pq;
    vg_digest *dg;
};

/* One image's work: digests of the file, then vg_pdq_hash_image() (screened with a probe, or
 * exact without). *cleared: the screen found no code near, so no exact work was done. */
static vg_status image_work(struct img_tools *t, const vg_pdq_screen_opts *o,
                            const unsigned char *jpg, unsigned long len, bool *cleared) {
    vg_digests d;
    vg_pdq_hashes h = {0};
    vg_status st = vg_digest_buffer(t->dg, jpg, len, &d);
    if (st == VG_OK)
        st = vg_pdq_hash_image(t->dec, t->pq, jpg, len, o, &h);
    *cleared = st == VG_OK && !h.exact;
    return st;
}

/* Time n images in one mode, after one untimed image (buffers grown, as in a long scan). */
static vg_status time_images(struct bench *b, struct img_tools *t, const vg_pdq_screen_opts *o,
                             unsigned char **jpg, const unsigned long *len, double *secs,
                             unsigned *cleared) {
    bool c;
    vg_status st = image_work(t, o, jpg[0], len[0], &c);
    double t0 = cpu_now();
    *cleared = 0;
    for (unsigned r = 0; r < b->z.img_rounds && st == VG_OK; r++)
        for (unsigned i = 0; i < b->z.n_images && st == VG_OK && !atomic_load(&g_stop); i++) {
            st = image_work(t, o, jpg[i], len[i], &c);
            *cleared += r == 0 && c;
        }
    *secs = cpu_now() - t0;
    return st;
}

static int bench_images(struct bench *b) {
    enum { MAX_IMAGES = 8 };
    unsigned char *jpg[MAX_IMAGES] = {0};
    unsigned long len[MAX_IMAGES] = {0};
    struct img_tools t = {0};
    vg_pdq_screen_opts exact = {.trim = true, .radius = VG_PDQ_MATCH_RADIUS};
    vg_pdq_screen_opts screen = exact;
    screen.probe = probe_index;
    screen.probe_ctx = b->h;
    unsigned n = b->z.n_images < MAX_IMAGES ? b->z.n_images : MAX_IMAGES, cl_exact = 0;
    double t_exact = 0, t_screen = 0;
    vg_status st = vg_img_dec_open(&t.dec, NULL);
    if (st == VG_OK && (st = vg_pdq_open(&t.pq)) == VG_OK)
        st = vg_digest_open(&t.dg);
    for (unsigned i = 0; i < n && st == VG_OK; i++)
        st = bench_jpeg(0x1A6E0000ULL + i, b->z.img_w, b->z.img_h, &jpg[i], &len[i]);
    if (st == VG_OK)
        st = time_images(b, &t, &exact, jpg, len, &t_exact, &cl_exact);
    if (st == VG_OK)
        st = time_images(b, &t, &screen, jpg, len, &t_screen, &b->r.img_cleared);
    if (st != VG_OK && t.dec && vg_img_dec_errmsg(t.dec)[0])
        fail("image hashing", vg_img_dec_errmsg(t.dec));
    else if (st != VG_OK)
        fail("image hashing", vg_status_str(st));
    else if (cl_exact != 0)
        st = VG_E_INVAL, fail("self-check", "the exact path skipped an image");
    for (unsigned i = 0; i < n; i++)
        free(jpg[i]);
    vg_img_dec_free(t.dec);
    vg_pdq_free(t.pq);
    vg_digest_free(t.dg);
    b->r.img_n = n;
    b->r.img_mp = (double)b->z.img_w * b->z.img_h / 1e6;
    b->r.img_exact_s = (double)n * b->z.img_rounds / t_exact;
    b->r.img_screen_s = (double)n * b->z.img_rounds / t_screen;
    return st == VG_OK ? 0 : -1;
}

/* ---- look-ups in the index: 1 in 10 queries planted (must be found), the rest not ---- */

static int bench_digest_lookups(struct bench *b) {
    uint8_t q[32];
    uint64_t first, count, found = 0, planted = 0, n = b->z.n_lookups;
    double t0 = cpu_now();
    for (uint64_t i = 0; i < n; i++) {
        bool plant = i % 10 == 0;
        bench_code(plant ? SEED_SHA : SEED_MISS, plant ? (i * 7919) % b->z.n_index : i, q);
        planted += plant;
        if (vg_hset_lookup(b->h, VG_HT_SHA256, q, 32, &first, &count) != VG_OK)
            return fail("digest look-up", "refused");
        found += count > 0;
    }
    double t = cpu_now() - t0;
    b->r.lookup_n = n;
    b->r.lookup_s = (double)n / t;
    b->r.lookup_found = found;
    b->r.lookup_planted = planted;
    if (found != planted)
        return fail("self-check", "digest look-ups did not find exactly the planted digests");
    return 0;
}

/* A planted PDQ query: code k of the index with (i % 32) of its bits flipped (distance <= 31). */
static void pdq_query(const struct bench *b, uint64_t i, uint8_t q[32]) {
    if (i % 10 != 0) {
        bench_code(SEED_MISS, i, q);
        return;
    }
    bench_code(SEED_PDQ, (i * 104729) % b->z.n_index, q);
    for (unsigned j = 0; j < i % 32; j++) {
        unsigned bit = (unsigned)((j * 37 + i) % 256); /* 37 is odd: distinct bits */
        q[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}

static int bench_pdq_lookups(struct bench *b) {
    uint8_t q[32];
    uint64_t found = 0, planted = 0, n = b->z.n_pdq_queries;
    double t0 = cpu_now();
    for (uint64_t i = 0; i < n && !atomic_load(&g_stop); i++) {
        bool hit = false;
        pdq_query(b, i, q);
        planted += i % 10 == 0;
        if (vg_hset_pdq_search(b->h, q, VG_PDQ_MATCH_RADIUS, VG_HSET_SEARCH_AUTO, on_probe_hit,
                               &hit) != VG_OK)
            return fail("PDQ search", "refused");
        found += hit;
    }
    double t = cpu_now() - t0;
    b->r.pdq_n = n;
    b->r.pdq_s = (double)n / t;
    b->r.pdq_found = found;
    b->r.pdq_planted = planted;
    if (!atomic_load(&g_stop) && found != planted)
        return fail("self-check", "PDQ searches did not find exactly the planted codes");
    return 0;
}

/* ---- a scan of the generated tree, with all its threads, no cache, no report ---- */

static vg_status count_rec(void *ctx, const vg_scan_rec *r) {
    (void)ctx;
    (void)r;
    return VG_OK;
}

static int bench_scan(struct bench *b) {
    char *root = in_dir(b->dir, "tree");
    if (!root)
        return fail("scan", "out of memory");
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    const vg_hset *lists[1] = {b->h};
    const char *roots[1] = {root};
    o.lists = lists;
    o.n_lists = 1;
    o.jobs = b->jobs;
    o.cancel = &g_stop;
    vg_scan_stats st;
    double c0 = cpu_now(), w0 = wall_now();
    vg_status rc = vg_scan_run(&o, roots, 1, count_rec, NULL, &st);
    double c = cpu_now() - c0, w = wall_now() - w0;
    free(root);
    if (rc != VG_OK)
        return fail("scan", vg_status_str(rc));
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    b->r.scan_jobs = b->jobs ? b->jobs : online < 1 ? 1u : (unsigned)online;
    b->r.scan_files = st.files;
    b->r.scan_images = st.images;
    b->r.scan_matched = st.matched;
    b->r.scan_wall_s = (double)st.files / w;
    b->r.scan_cpu_s = (double)st.files / c;
    if (st.files != b->z.n_files || st.images != (b->z.n_files + 9) / 10 || st.matched != 1 ||
        st.errors || st.limits)
        return fail("self-check", "the scan did not hash every file and find the known one");
    return 0;
}

/* ---- the command ---- */

static void bench_usage(FILE *f) {
    fputs("Usage: vigil bench [--quick] [--json] [-j N] [--dir DIR]\n"
          "Measure this device before scheduled scans are rolled out: the CPU features and\n"
          "the SIMD level vigil chose, images/s for exact and for screening PDQ hashing,\n"
          "MD5+SHA-1+SHA-256 MB/s, look-ups/s in an index of 1 M SHA-256 digests and 1 M PDQ\n"
          "codes, and files/s for a scan of a generated tree. Everything is synthesised in a\n"
          "private temporary folder, which is removed; nothing on the device is read.\n"
          "Rates are per core, from the process's CPU time; the scan's also per wall second.\n"
          "A full run takes about a minute.\n\n"
          "      --quick      small sizes (seconds; rough rates, for a first look or a test)\n"
          "      --json       print the results as one JSON object\n"
          "  -j, --jobs N     threads for the scan (default: online CPUs)\n"
          "      --dir DIR    make the temporary folder in DIR (default $TMPDIR, else /tmp);\n"
          "                   use the disk the scans will read\n"
          "  -h, --help       show this help\n\n"
          "Exit status: 0 measured; 1 a measurement or its self-check failed, or interrupted;\n"
          "3 bad usage.\n",
          f);
}

enum { OPT_QUICK = 256, OPT_JSON, OPT_DIR };

/* @return 0 to run, 1 after --help, -1 on bad usage. */
static int bench_opts(int argc, char **argv, struct bench *b, bool *json, const char **parent) {
    static const struct option opts[] = {
        {"quick", no_argument, NULL, OPT_QUICK}, {"json", no_argument, NULL, OPT_JSON},
        {"jobs", required_argument, NULL, 'j'},  {"dir", required_argument, NULL, OPT_DIR},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
        char *end;
        if (c == OPT_QUICK) {
            b->r.quick = true;
        } else if (c == OPT_JSON) {
            *json = true;
        } else if (c == OPT_DIR) {
            *parent = optarg;
        } else if (c == 'j') {
            errno = 0;
            unsigned long v = strtoul(optarg, &end, 10);
            if (errno || *end || end == optarg || v == 0 || v > 256 || optarg[0] == '-')
                return vg_cli_err("bench: bad value '%s' for --jobs", optarg), -1;
            b->jobs = (unsigned)v;
        } else if (c == 'h') {
            return bench_usage(stdout), 1;
        } else {
            return fputs("Try 'vigil bench --help'.\n", stderr), -1;
        }
    }
    if (optind < argc)
        return vg_cli_err("bench: unexpected argument '%s'", argv[optind]), -1;
    return 0;
}

/* The measurements, in an order where each finds what it needs: the tree (its known file's
 * digest goes into the index), the index (the screen asks it), then the rest. */
static int measure(struct bench *b) {
    int (*const steps[])(struct bench *) = {make_tree,    build_index,          bench_digests,
                                            bench_images, bench_digest_lookups, bench_pdq_lookups,
                                            bench_scan};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        if (atomic_load(&g_stop))
            return fail("interrupted", "temporary files removed");
        if (steps[i](b) != 0)
            return -1;
    }
    return atomic_load(&g_stop) ? fail("interrupted", "temporary files removed") : 0;
}

int vg_cmd_bench(int argc, char **argv) {
    struct bench b = {0};
    bool json = false;
    const char *parent = NULL;
    int rc = bench_opts(argc, argv, &b, &json, &parent);
    if (rc != 0)
        return rc > 0 ? 0 : 3;
    b.z = b.r.quick ? quick_sizes : full_sizes;
    if (bench_tmpdir(parent, &b.dir) != VG_OK) {
        vg_cli_err("bench: cannot make a temporary folder in %s: %s",
                   parent ? parent : "$TMPDIR or /tmp", strerror(errno));
        return 1;
    }
    if (!(b.index = in_dir(b.dir, "bench.vhs"))) {
        bench_rmtree(b.dir);
        free(b.dir);
        return fail("bench", "out of memory"), 1;
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    bench_cpu(&b.r);
    rc = measure(&b);
    vg_hset_close(b.h);
    if (bench_rmtree(b.dir) != VG_OK) {
        vg_cli_path_err(b.dir, "could not remove this temporary folder");
        rc = -1;
    }
    free(b.index);
    free(b.dir);
    if (rc == 0)
        (json ? bench_print_json : bench_print_text)(stdout, &b.r);
    return rc == 0 ? 0 : 1;
}
