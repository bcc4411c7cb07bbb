/*
 * bench_out.h — what `vigil bench` found (cli/ only): the CPU as the OS describes it, and the
 * measured rates, printed as text for a person or as one JSON object for a roll-out script.
 */
#ifndef VIGIL_CLI_BENCH_OUT_H
#define VIGIL_CLI_BENCH_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The CPU features vigil's speed depends on, for this architecture. */
#define BENCH_MAX_FEATURES 8

typedef struct bench_result {
    bool quick;
    /* the CPU */
    char model[128];
    long online;
    const char *feature[BENCH_MAX_FEATURES]; /* names (static strings) */
    bool has_feature[BENCH_MAX_FEATURES];
    unsigned n_features;
    const char *simd;      /* vg_hamming_level() */
    const char *simd_note; /* vg_hamming_note(), or NULL */
    /* digests: MD5 + SHA-1 + SHA-256 in one pass, per core */
    double digest_mb, digest_mb_s;
    /* images: n synthetic JPEGs of img_mp megapixels, images/s per core */
    unsigned img_n;
    double img_mp, img_exact_s, img_screen_s;
    unsigned img_cleared; /* images the screen cleared (no exact work) */
    /* the index: entries SHA-256 + entries PDQ */
    uint64_t index_entries;
    double index_build_s;
    uint64_t lookup_n, lookup_found, lookup_planted;
    double lookup_s;
    uint64_t pdq_n, pdq_found, pdq_planted;
    double pdq_s;
    /* the scan of the generated tree */
    unsigned scan_jobs;
    uint64_t scan_files, scan_images, scan_matched;
    double scan_wall_s, scan_cpu_s; /* files/s wall, files per CPU second */
} bench_result;

/* Fill the CPU part of r: model, online CPUs, features (from /proc/cpuinfo; "unknown" and no
 * features when it cannot be read) and the SIMD level of the Hamming kernels. */
void bench_cpu(bench_result *r);

/* Print r as text lines, one per measurement (documented in vigil(1)). */
void bench_print_text(FILE *f, const bench_result *r);

/* Print r as one JSON object (keys documented in vigil(1)). */
void bench_print_json(FILE *f, const bench_result *r);

#endif
