/* arcgen.c — see arcgen.h. Test helper: aborts on any libarchive failure. */
#include "arcgen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <archive_entry.h>

struct arcgen {
    struct archive *a;
    uint8_t *buf;
    size_t len, cap;
};

static void die(const char *what, struct archive *a) {
    fprintf(stderr, "arcgen: %s: %s\n", what, a ? archive_error_string(a) : "");
    abort();
}

static la_ssize_t wr(struct archive *a, void *ud, const void *p, size_t n) {
    (void)a;
    arcgen *g = ud;
    if (g->len + n > g->cap) {
        size_t cap = g->cap ? g->cap : 65536;
        while (cap < g->len + n)
            cap *= 2;
        g->buf = realloc(g->buf, cap);
        if (!g->buf)
            abort();
        g->cap = cap;
    }
    memcpy(g->buf + g->len, p, n);
    g->len += n;
    return (la_ssize_t)n;
}

arcgen *arcgen_new(const char *format, const char *filter, const char *passphrase) {
    arcgen *g = calloc(1, sizeof *g);
    g->a = archive_write_new();
    if (archive_write_set_format_by_name(g->a, format) != ARCHIVE_OK)
        die("format", g->a);
    if (filter && archive_write_add_filter_by_name(g->a, filter) != ARCHIVE_OK)
        die("filter", g->a);
    if (passphrase) {
        if (archive_write_set_options(g->a, "zip:encryption=zipcrypt") != ARCHIVE_OK)
            die("encryption", g->a);
        if (archive_write_set_passphrase(g->a, passphrase) != ARCHIVE_OK)
            die("passphrase", g->a);
    }
    archive_write_set_bytes_in_last_block(g->a, 1);
    if (archive_write_open2(g->a, g, NULL, wr, NULL, NULL) != ARCHIVE_OK)
        die("open", g->a);
    return g;
}

void arcgen_add(arcgen *g, const char *name, const void *data, size_t len) {
    static const uint8_t zero[65536];
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)len);
    archive_entry_set_mtime(e, 1700000000, 0);
    if (archive_write_header(g->a, e) != ARCHIVE_OK)
        die("header", g->a);
    size_t done = 0;
    while (done < len) {
        size_t n = len - done;
        const void *p = data ? (const uint8_t *)data + done : zero;
        if (!data && n > sizeof zero)
            n = sizeof zero;
        la_ssize_t w = archive_write_data(g->a, p, n);
        if (w <= 0)
            die("data", g->a);
        done += (size_t)w;
    }
    archive_entry_free(e);
}

void arcgen_add_symlink(arcgen *g, const char *name, const char *target) {
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFLNK);
    archive_entry_set_perm(e, 0777);
    archive_entry_set_symlink(e, target);
    if (archive_write_header(g->a, e) != ARCHIVE_OK)
        die("symlink", g->a);
    archive_entry_free(e);
}

void arcgen_finish(arcgen *g, uint8_t **out, size_t *len) {
    if (archive_write_close(g->a) != ARCHIVE_OK)
        die("close", g->a);
    archive_write_free(g->a);
    *out = g->buf;
    *len = g->len;
    free(g);
}

uint8_t *arcgen_slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}
