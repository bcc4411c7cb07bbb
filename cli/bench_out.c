/*
 * bench_out.c — the CPU facts and the printed results of `vigil bench` (see bench_out.h). The
 * text lines and JSON keys are documented in vigil(1) and checked by tests/cli/test_bench.sh.
 */
#include "bench_out.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vigil/hamming.h"
#include "vigil/pdq.h"

/* ---- the CPU ---- */

#if defined(__x86_64__) || defined(__i386__)
static const char *const wanted[] = {"sse4_2",           "popcnt", "avx2", "avx512f",
                                     "avx512_vpopcntdq", "sha_ni", "aes",  NULL};
#elif defined(__aarch64__)
static const char *const wanted[] = {"asimd", "sha2", "aes", "pmull", NULL};
#else
static const char *const wanted[] = {NULL};
#endif

/* The value after "key<spaces>:" on a /proc/cpuinfo line, or NULL. */
static const char *cpuinfo_value(const char *line, const char *key) {
    size_t k = strlen(key);
    if (strncmp(line, key, k) != 0 || !strchr(line, ':'))
        return NULL;
    for (const char *p = line + k; *p != ':'; p++)
        if (*p != ' ' && *p != '\t')
            return NULL;
    const char *v = strchr(line, ':') + 1;
    return v + strspn(v, " \t");
}

/* Whether the space-separated list holds the word. */
static bool has_word(const char *list, const char *word) {
    size_t n = strlen(word);
    for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
        if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
            return true;
    return false;
}

void bench_cpu(bench_result *r) {
    static char flags[8192]; /* the first CPU's flags line is all we need */
    char line[8192];
    const char *v;
    snprintf(r->model, sizeof r->model, "unknown");
    flags[0] = '\0';
    FILE *f = fopen("/proc/cpuinfo", "re");
    bool model = false;
    while (f && fgets(line, sizeof line, f)) {
        if (!model && (v = cpuinfo_value(line, "model name")) != NULL) {
            snprintf(r->model, sizeof r->model, "%.*s", (int)strcspn(v, "\n"), v);
            model = true;
        }
        if (!flags[0] && ((v = cpuinfo_value(line, "flags")) != NULL ||
                          (v = cpuinfo_value(line, "Features")) != NULL))
            snprintf(flags, sizeof flags, "%s", v);
    }
    if (f)
        fclose(f);
    r->online = sysconf(_SC_NPROCESSORS_ONLN);
    r->n_features = 0;
    for (const char *const *w = wanted; *w && r->n_features < BENCH_MAX_FEATURES; w++) {
        r->feature[r->n_features] = *w;
        r->has_feature[r->n_features++] = has_word(flags, *w);
    }
    r->simd = vg_hamming_level();
    r->simd_note = vg_hamming_note();
}

/* ---- text ---- */

void bench_print_text(FILE *f, const bench_result *r) {
    if (r->quick)
        fputs("vigil bench --quick: small sizes, rough rates\n", f);
    fprintf(f, "CPU: %s, %ld online\n", r->model, r->online);
    fputs("CPU features:", f);
    for (unsigned i = 0; i < r->n_features; i++)
        fprintf(f, " %c%s", r->has_feature[i] ? '+' : '-', r->feature[i]);
    fprintf(f, "%s\nSIMD level (Hamming kernels): %s\n", r->n_features ? "" : " (not known)",
            r->simd);
    if (r->simd_note)
        fprintf(f, "  (%s)\n", r->simd_note);
    fprintf(f, "Digests (MD5+SHA-1+SHA-256, one pass, %.0f MB): %.1f MB/s per core\n", r->digest_mb,
            r->digest_mb_s);
    fprintf(f,
            "Images (%u synthetic %.1f MP JPEGs; digests, PDQ with 8 dihedral forms, borders):\n",
            r->img_n, r->img_mp);
    fprintf(f, "  exact: %.2f images/s per core\n", r->img_exact_s);
    fprintf(f, "  screening: %.2f images/s per core (%u of %u cleared by the screen)\n",
            r->img_screen_s, r->img_cleared, r->img_n);
    fprintf(f, "Index (%llu SHA-256 + %llu PDQ entries, built in %.2f s CPU):\n",
            (unsigned long long)r->index_entries, (unsigned long long)r->index_entries,
            r->index_build_s);
    fprintf(f, "  digest look-ups: %.0f /s per core (%llu of %llu found, as planted)\n",
            r->lookup_s, (unsigned long long)r->lookup_found, (unsigned long long)r->lookup_n);
    fprintf(f,
            "  PDQ searches, distance <= %d: %.0f /s per core (%llu of %llu found, as planted)\n",
            VG_PDQ_MATCH_RADIUS, r->pdq_s, (unsigned long long)r->pdq_found,
            (unsigned long long)r->pdq_n);
    fprintf(f, "Scan (generated tree of %llu files, %llu images, %u jobs, no cache):\n",
            (unsigned long long)r->scan_files, (unsigned long long)r->scan_images, r->scan_jobs);
    fprintf(f, "  %.1f files/s wall, %.1f files per CPU second (%llu known file found)\n",
            r->scan_wall_s, r->scan_cpu_s, (unsigned long long)r->scan_matched);
}

/* ---- JSON ---- */

/* A JSON string: the CPU model is the only text from outside, and /proc may hold anything. */
static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\u%04x", *p < 0x20 ? *p : 0xfffd);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

void bench_print_json(FILE *f, const bench_result *r) {
    fprintf(f, "{\"quick\":%s,\"cpu\":{\"model\":", r->quick ? "true" : "false");
    json_str(f, r->model);
    fprintf(f, ",\"online\":%ld,\"features\":{", r->online);
    for (unsigned i = 0; i < r->n_features; i++)
        fprintf(f, "%s\"%s\":%s", i ? "," : "", r->feature[i],
                r->has_feature[i] ? "true" : "false");
    fprintf(f, "},\"simd\":\"%s\"},", r->simd);
    fprintf(f, "\"digests\":{\"mb\":%.1f,\"mb_per_s\":%.1f},", r->digest_mb, r->digest_mb_s);
    fprintf(f,
            "\"images\":{\"count\":%u,\"megapixels\":%.2f,\"exact_per_s\":%.3f,"
            "\"screening_per_s\":%.3f,\"cleared_by_screen\":%u},",
            r->img_n, r->img_mp, r->img_exact_s, r->img_screen_s, r->img_cleared);
    fprintf(f,
            "\"index\":{\"sha256_entries\":%llu,\"pdq_entries\":%llu,\"build_cpu_s\":%.3f,"
            "\"digest_lookups\":%llu,\"digest_found\":%llu,\"digest_planted\":%llu,"
            "\"digest_lookups_per_s\":%.1f,\"pdq_searches\":%llu,\"pdq_radius\":%d,"
            "\"pdq_found\":%llu,\"pdq_planted\":%llu,\"pdq_searches_per_s\":%.1f},",
            (unsigned long long)r->index_entries, (unsigned long long)r->index_entries,
            r->index_build_s, (unsigned long long)r->lookup_n, (unsigned long long)r->lookup_found,
            (unsigned long long)r->lookup_planted, r->lookup_s, (unsigned long long)r->pdq_n,
            VG_PDQ_MATCH_RADIUS, (unsigned long long)r->pdq_found,
            (unsigned long long)r->pdq_planted, r->pdq_s);
    fprintf(f,
            "\"scan\":{\"files\":%llu,\"images\":%llu,\"jobs\":%u,\"files_per_s\":%.2f,"
            "\"files_per_cpu_s\":%.2f,\"known_files_found\":%llu}}\n",
            (unsigned long long)r->scan_files, (unsigned long long)r->scan_images, r->scan_jobs,
            r->scan_wall_s, r->scan_cpu_s, (unsigned long long)r->scan_matched);
}
