/*
 * race_scan.c — thread-pool race test, a plain program for ThreadSanitizer (Criterion cannot
 * run under TSan, STYLE.md): scans a generated tree of small files and archives with 4
 * workers several times, once cancelled half-way from the record callback, twice with the
 * incremental cache (one handle shared by the walker and the writer: the second run is served
 * from it), and checks the counts each time. Exit 0 when every run agrees; TSan reports make the
 * run fail on their own.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "vigil/cache.h"
#include "vigil/scan.h"

#define N_FILES 300
#define N_ZIPS 20

static char root[64];

static void put(const char *name, const void *data, size_t n) {
    char p[128];
    snprintf(p, sizeof p, "%s/%s", root, name);
    FILE *f = fopen(p, "wb");
    if (!f || fwrite(data, 1, n, f) != n)
        exit(3);
    fclose(f);
}

static void make_zip(const char *name, int k) {
    char p[128], entry[32], body[64];
    snprintf(p, sizeof p, "%s/%s", root, name);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    if (archive_write_open_filename(a, p) != ARCHIVE_OK)
        exit(3);
    for (int i = 0; i < 5; i++) {
        snprintf(entry, sizeof entry, "e%d.txt", i);
        int n = snprintf(body, sizeof body, "zip %d entry %d", k, i);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, entry);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, n);
        archive_write_header(a, e);
        archive_write_data(a, body, (size_t)n);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
}

struct counts {
    atomic_bool *cancel;
    unsigned long files, entries, stop_after;
};

static vg_status on_rec(void *ctx, const vg_scan_rec *r) {
    struct counts *c = ctx;
    if (r->kind == VG_SCAN_FILE) {
        if (r->n_inner)
            c->entries++;
        else
            c->files++;
    }
    if (c->stop_after && c->files + c->entries == c->stop_after)
        atomic_store(c->cancel, true);
    return VG_OK;
}

static int run(unsigned long stop_after, vg_cache *cache, uint64_t want_cached) {
    atomic_bool cancel = false;
    struct counts c = {.cancel = &cancel, .stop_after = stop_after};
    vg_scan_opts o;
    vg_scan_opts_default(&o);
    o.jobs = 4;
    o.cancel = &cancel;
    o.cache = cache;
    const char *roots[] = {root};
    vg_scan_stats st;
    vg_status s = vg_scan_run(&o, roots, 1, on_rec, &c, &st);
    if (stop_after) {
        if (s != VG_E_INTERRUPTED || !st.interrupted)
            return fprintf(stderr, "race_scan: cancel not reported\n"), 1;
        return 0;
    }
    if (s != VG_OK || c.files != N_FILES + N_ZIPS || c.entries != 5 * N_ZIPS ||
        st.files != c.files || st.entries != c.entries || st.cached != want_cached)
        return fprintf(stderr, "race_scan: status %d, files %lu, entries %lu, cached %llu\n", s,
                       c.files, c.entries, (unsigned long long)st.cached),
               1;
    return 0;
}

int main(void) {
    snprintf(root, sizeof root, "/tmp/vigil-race.XXXXXX");
    if (!mkdtemp(root))
        return 3;
    for (int i = 0; i < N_FILES; i++) {
        char name[32], body[64];
        snprintf(name, sizeof name, "f%03d.txt", i);
        int n = snprintf(body, sizeof body, "file %d", i);
        put(name, body, (size_t)n);
    }
    for (int i = 0; i < N_ZIPS; i++) {
        char name[32];
        snprintf(name, sizeof name, "z%02d.zip", i);
        make_zip(name, i);
    }
    int rc = 0;
    for (int round = 0; round < 3 && rc == 0; round++)
        rc = run(0, NULL, 0);
    if (rc == 0)
        rc = run(50, NULL, 0);
    /* The cache lives outside the scanned tree; plain files come from it the second time
     * (archives are always read again). */
    char cdir[64], cpath[96];
    snprintf(cdir, sizeof cdir, "/tmp/vigil-race-cache.XXXXXX");
    vg_cache *cache = NULL;
    if (rc == 0 && !mkdtemp(cdir))
        rc = 3;
    snprintf(cpath, sizeof cpath, "%s/cache.sqlite", cdir);
    if (rc == 0 && vg_cache_open(&cache, cpath, "race_scan", NULL, 0) != VG_OK) {
        fprintf(stderr, "race_scan: cannot open the cache\n");
        rc = 1;
    }
    if (rc == 0)
        rc = run(0, cache, 0);
    if (rc == 0)
        rc = run(0, cache, N_FILES);
    vg_cache_close(cache);
    char cmd[192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", root, cdir);
    if (system(cmd) != 0)
        rc = rc ? rc : 3;
    if (rc == 0)
        printf("race_scan: ok\n");
    return rc;
}
