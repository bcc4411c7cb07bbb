/*
 * bench_hamming.c — Hamming kernels at every level this CPU supports, against the portable level
 * in the same run: one query streamed over all codes (vg_hamming_within, radius 31), a batch of
 * queries over cache-sized tiles (vg_hamming_batch) and scattered candidates
 * (vg_hamming_gather_within). Random codes, fixed seed; every level must report the same match
 * counts. Times are process CPU time (the machine is shared), best of 3 rounds.
 *   usage: bench_hamming [codes=1000000] [queries=64]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/hamming.h"

static const char *const levels[] = {"avx512", "avx2", "popcnt", "neon", "scalar"};

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static unsigned long long rng_state = 42;
static unsigned long long rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct data {
    uint8_t *codes, *queries;
    uint32_t *ids, *out;
    vg_hamming_hit *hits;
    size_t n, nq, nids;
};

/* G comparisons per second for the three modes; counts returned for the cross-level check. */
static void run(const struct data *d, double gcs[3], size_t counts[3]) {
    for (int mode = 0; mode < 3; mode++) {
        double best = 1e30;
        for (int round = 0; round < 3; round++) {
            size_t total = 0, c = 0;
            double t0 = cpu_now();
            if (mode == 1)
                vg_hamming_batch(d->queries, d->nq, d->codes, d->n, 31, d->hits, d->n, &total);
            for (size_t j = 0; mode != 1 && j < d->nq; j++) {
                const uint8_t *q = d->queries + 32 * j;
                if (mode == 0)
                    vg_hamming_within(q, d->codes, d->n, 31, d->out, d->n, &c);
                else
                    vg_hamming_gather_within(q, d->codes, d->ids, d->nids, 31, d->out, d->n, &c);
                total += c;
            }
            double t = cpu_now() - t0;
            best = t < best ? t : best;
            counts[mode] = total;
        }
        gcs[mode] = (double)d->nq * (double)(mode == 2 ? d->nids : d->n) / best / 1e9;
    }
}

int main(int argc, char **argv) {
    struct data d = {0};
    d.n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    d.nq = argc > 2 ? strtoull(argv[2], NULL, 10) : 64;
    d.nids = d.n / 8;
    d.codes = malloc(32 * d.n);
    d.queries = malloc(32 * d.nq);
    d.ids = malloc(sizeof *d.ids * d.nids);
    d.out = malloc(sizeof *d.out * d.n);
    d.hits = malloc(sizeof *d.hits * d.n);
    if (!d.codes || !d.queries || !d.ids || !d.out || !d.hits)
        return 1;
    for (size_t i = 0; i < 32 * d.n; i++)
        d.codes[i] = (uint8_t)rng();
    for (size_t j = 0; j < d.nq; j++) { /* every query has a near copy somewhere */
        size_t at = rng() % d.n;
        memcpy(d.queries + 32 * j, d.codes + 32 * at, 32);
        d.queries[32 * j + rng() % 32] ^= 0x5a;
    }
    for (size_t i = 0; i < d.nids; i++)
        d.ids[i] = (uint32_t)(rng() % d.n);
    printf("bench_hamming: %zu codes, %zu queries, radius 31, auto level %s\n", d.n, d.nq,
           vg_hamming_level());
    printf("%-8s %14s %14s %14s   (G comparisons/s, CPU time)\n", "level", "stream", "batch",
           "gather");
    double base[3] = {0};
    size_t ref[3] = {0};
    int bad = 0;
    for (int i = (int)(sizeof levels / sizeof levels[0]) - 1; i >= 0; i--) {
        if (vg_hamming_select(levels[i]) != VG_OK)
            continue;
        double g[3];
        size_t counts[3];
        run(&d, g, counts);
        if (!strcmp(levels[i], "scalar"))
            memcpy(base, g, sizeof base), memcpy(ref, counts, sizeof ref);
        bad |= memcmp(counts, ref, sizeof ref) != 0;
        printf("%-8s %6.3f (%4.1fx) %6.3f (%4.1fx) %6.3f (%4.1fx)\n", levels[i], g[0],
               g[0] / base[0], g[1], g[1] / base[1], g[2], g[2] / base[2]);
    }
    printf("matches: stream %zu, batch %zu, gather %zu%s\n", ref[0], ref[1], ref[2],
           bad ? "  MISMATCH between levels" : " (same at every level)");
    free(d.codes), free(d.queries), free(d.ids), free(d.out), free(d.hits);
    return bad;
}
