/*
 * bench_scan.c — `vigil scan`'s pipeline on a generated tree, in one run: a first scan with 1
 * and with 2 jobs (and with 2 jobs and --exact-decode, to show the fast screen's share), then a
 * scan that fills the cache and a re-scan served from it. Every scan matches against a list
 * of LIST_N random PDQ codes and LIST_N random SHA-256 digests (none near the photos, as on a
 * clean device), so large JPEGs go through the screen. Prints files/s, images/s and MB/s
 * (wall and process CPU time), the 2-job speed-up, the screen's speed-up, the re-scan
 * speed-up and the peak RSS.
 *
 * The tree: N files in 100 folders; half are copies of the photos in PHOTOS_DIR (each made
 * unique by bytes appended after the image data, which decoders ignore, so every copy has its
 * own digests and the same PDQ), half are pseudo-random non-image files of 4-64 KiB.
 *
 * Usage: bench_scan [N=2000] [PHOTOS_DIR=tests/data/photos] [WORK_DIR=/tmp]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vigil/cache.h"
#include "vigil/hset_build.h"
#include "vigil/scan.h"

#define LIST_N 10000

#ifndef VIGIL_BENCH_DIR
#define VIGIL_BENCH_DIR "."
#endif

struct photo {
    unsigned char *data;
    size_t len;
};

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)len);
    *n = b ? fread(b, 1, (size_t)len, f) : 0;
    fclose(f);
    return b;
}

static size_t load_photos(const char *dir, struct photo *p, size_t cap) {
    DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;
    while (d && (de = readdir(d)) && n < cap) {
        size_t l = strlen(de->d_name);
        if (l < 5 || (strcmp(de->d_name + l - 4, ".jpg") && strcmp(de->d_name + l - 4, ".png")))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        if ((p[n].data = slurp(path, &p[n].len)))
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void make_tree(const char *root, size_t n, const struct photo *ph, size_t nph,
                      uint64_t *bytes) {
    static unsigned char buf[65536];
    char path[4096];
    mkdir(root, 0755);
    for (int d = 0; d < 100; d++) {
        snprintf(path, sizeof path, "%s/d%02d", root, d);
        mkdir(path, 0755);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/d%02zu/f%05zu", root, i % 100, i);
        FILE *f = fopen(path, "wb");
        if (!f)
            exit(1);
        if (i % 2 == 0 && nph) {
            const struct photo *p = &ph[(i / 2) % nph];
            fwrite(p->data, 1, p->len, f);
            fwrite(&i, sizeof i, 1, f); /* unique digests, same pixels */
            *bytes += p->len + sizeof i;
        } else {
            size_t len = 4096 + next() % (65536 - 4096);
            for (size_t k = 0; k < len; k += 8) {
                uint64_t v = next();
                memcpy(buf + k, &v, len - k < 8 ? len - k : 8);
            }
            fwrite(buf, 1, len, f);
            *bytes += len;
        }
        fclose(f);
    }
}

/* A list of LIST_N random PDQ codes and LIST_N random SHA-256 digests at path, opened. */
static vg_hset *make_list(const char *path) {
    vg_hset_build *b;
    vg_hset_list_info li = {.name = "bench", .role = VG_ROLE_ALERT};
    if (vg_hset_build_new(&b, "bench", "1") != VG_OK || vg_hset_build_list(b, &li) != VG_OK)
        exit(1);
    for (size_t i = 0; i < 2 * LIST_N; i++) {
        vg_hset_entry e = {.type = i < LIST_N ? VG_HT_PDQ : VG_HT_SHA256,
                           .hash_len = 32,
                           .quality = -1,
                           .id = "x",
                           .size = UINT64_MAX};
        for (size_t k = 0; k < 32; k += 8) {
            uint64_t v = next();
            memcpy(e.hash + k, &v, 8);
        }
        if (vg_hset_build_add(b, &e) != VG_OK)
            exit(1);
    }
    vg_hset *h;
    char err[256];
    if (vg_hset_build_write(b, path) != VG_OK ||
        vg_hset_open(&h, path, 0, err, sizeof err) != VG_OK)
        exit(1);
    vg_hset_build_free(b);
    return h;
}

static const vg_hset *g_list;

static vg_status count(void *ctx, const vg_scan_rec *r) {
    (void)ctx;
    (void)r;
    return VG_OK;
}

static double now(clockid_t c) {
    struct timespec ts;
    clock_gettime(c, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
    double wall, cpu;
    vg_scan_stats st;
};

static struct result run(const char *root, unsigned jobs, bool exact_decode, vg_cache *cache) {
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = jobs;
    o.exact_decode = exact_decode;
    o.cache = cache;
    o.lists = &g_list;
    o.n_lists = 1;
    const char *roots[] = {root};
    struct result r;
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    if (vg_scan_run(&o, roots, 1, count, NULL, &r.st) != VG_OK)
        exit(1);
    r.wall = now(CLOCK_MONOTONIC) - w0;
    r.cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    return r;
}

static void print(const char *what, const struct result *r) {
    double files = (double)(r->st.files), mb = (double)r->st.bytes / 1e6;
    printf("%-24s %8.3f s wall %8.3f s cpu  %9.0f files/s %8.0f images/s %8.1f MB/s"
           "  (cpu: %8.0f files/s)  cached %llu\n",
           what, r->wall, r->cpu, files / r->wall, (double)r->st.images / r->wall, mb / r->wall,
           files / r->cpu, (unsigned long long)r->st.cached);
}

int main(int argc, char **argv) {
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000;
    const char *photos = argc > 2 ? argv[2] : VIGIL_BENCH_DIR "/../tests/data/photos";
    const char *work = argc > 3 ? argv[3] : "/tmp";
    struct photo ph[64];
    size_t nph = load_photos(photos, ph, 64);
    char root[1024], db[1100], vhs[1100], cmd[6000];
    snprintf(root, sizeof root, "%s/vigil-bench-scan.%ld", work, (long)getpid());
    snprintf(db, sizeof db, "%s.sqlite", root);
    snprintf(vhs, sizeof vhs, "%s.vhs", root);
    vg_hset *list = make_list(vhs);
    g_list = list;
    uint64_t bytes = 0;
    make_tree(root, n, ph, nph, &bytes);
    printf("tree: %zu files (%zu photos cycled), %.1f MB, in %s\n", n, nph, (double)bytes / 1e6,
           root);

    struct result j1 = run(root, 1, false, NULL), j2 = run(root, 2, false, NULL);
    struct result jx = run(root, 2, true, NULL);
    vg_cache *c;
    char err[256], producer[512];
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    if (vg_scan_producer(&o, "bench_scan", producer, sizeof producer) != VG_OK ||
        vg_cache_open(&c, db, producer, err, sizeof err) != VG_OK)
        return fprintf(stderr, "bench_scan: cache: %s\n", err), 1;
    struct result fill = run(root, 2, false, c), again = run(root, 2, false, c);
    vg_cache_close(c);

    print("first scan, 1 job", &j1);
    print("first scan, 2 jobs", &j2);
    print("2 jobs, --exact-decode", &jx);
    print("scan filling the cache", &fill);
    print("re-scan from the cache", &again);
    printf("2 jobs vs 1 job: %.2fx (wall)\n", j1.wall / j2.wall);
    printf("screen vs --exact-decode (2 jobs): %.2fx (cpu)\n", jx.cpu / j2.cpu);
    printf("re-scan vs first scan (2 jobs): %.1fx (wall), %.1fx (cpu)\n", j2.wall / again.wall,
           j2.cpu / again.cpu);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    vg_hset_close(list);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s' '%s-wal' '%s-shm' '%s'", root, db, db, db, vhs);
    if (system(cmd) != 0)
        fprintf(stderr, "bench_scan: could not remove %s\n", root);
    for (size_t i = 0; i < nph; i++)
        free(ph[i].data);
    return 0;
}
