/*
 * cache.c — the incremental cache: one SQLite table keyed by (device, inode), holding the size,
 * mtime and ctime the hashes belong to and the producer tag of the scan that made them (vigil
 * version and result-affecting settings: an entry is served only to the same producer), so a
 * scheduled re-scan of an unchanged tree only stats files and re-matches their stored hashes
 * against today's lists (new list entries still find old files). A file with embedded images (EXIF
 * or HEIF thumbnails, a PDF's JPEGs) has a row per item, row 0 being the file, all replaced
 * together. One connection under a mutex: the walker looks up, the workers store, and stores are
 * grouped into transactions of BATCH files (a commit per file would fsync per file).
 */
#include "vigil/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define BATCH 2000

struct vg_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put, *del;
    char *producer;
    pthread_mutex_t mu;
    int pending; /* files stored in the open transaction */
};

/* "files" (no producer) and "hashes" (one row per file, no screening or trimmed hashes) were
 * earlier layouts: their entries cannot be served, so they go. */
static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "DROP TABLE IF EXISTS files;"
    "DROP TABLE IF EXISTS hashes;"
    "CREATE TABLE IF NOT EXISTS items("
    " dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, producer TEXT NOT NULL,"
    " idx INTEGER NOT NULL, n_items INTEGER NOT NULL, suffix TEXT NOT NULL, type INTEGER NOT NULL,"
    " md5 BLOB, sha1 BLOB, sha256 BLOB, hashed_size INTEGER NOT NULL,"
    " pdq BLOB, pdq_quality INTEGER, pdq_screen INTEGER NOT NULL,"
    " trim BLOB, trim_quality INTEGER, trim_x INTEGER, trim_y INTEGER, trim_w INTEGER,"
    " trim_h INTEGER,"
    " PRIMARY KEY(dev, ino, idx)) WITHOUT ROWID;";

/* ---- paths ---- */

vg_status vg_cache_default_path(char *buf, size_t cap) {
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (geteuid() == 0)
        n = snprintf(buf, cap, "/var/lib/vigil/cache.sqlite");
    else if (xdg && *xdg == '/')
        n = snprintf(buf, cap, "%s/vigil/cache.sqlite", xdg);
    else if (home && *home == '/')
        n = snprintf(buf, cap, "%s/.cache/vigil/cache.sqlite", home);
    else
        return VG_E_NOTFOUND;
    return n < 0 || (size_t)n >= cap ? VG_E_LIMIT : VG_OK;
}

/* Create the folder holding path (one level, 0700) when it is missing. */
static void make_parent(const char *path) {
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return;
    *slash = '\0';
    mkdir(dir, 0700);
}

/* ---- open ---- */

static vg_status fail(vg_cache *c, vg_status st, char *err, size_t cap, const char *what) {
    if (err && cap)
        snprintf(err, cap, "%s: %s", what, c->db ? sqlite3_errmsg(c->db) : "cannot open");
    vg_cache_close(c);
    return st;
}

vg_status vg_cache_open(vg_cache **out, const char *path, const char *producer, char *err,
                        size_t errcap) {
    *out = NULL;
    vg_cache *c = calloc(1, sizeof *c);
    if (!c || !(c->producer = strdup(producer))) {
        free(c);
        return VG_E_NOMEM;
    }
    pthread_mutex_init(&c->mu, NULL);
    make_parent(path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600); /* sqlite would use 0644 */
    if (fd < 0) {
        if (err && errcap)
            snprintf(err, errcap, "%s", strerror(errno));
        vg_cache_close(c);
        return VG_E_IO;
    }
    close(fd);
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) !=
        SQLITE_OK)
        return fail(c, VG_E_IO, err, errcap, "open");
    sqlite3_busy_timeout(c->db, 5000);
    if (sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        return fail(c, VG_E_FORMAT, err, errcap, "schema");
    if (sqlite3_prepare_v2(c->db,
                           "SELECT idx, n_items, suffix, type, md5, sha1, sha256, hashed_size,"
                           " pdq, pdq_quality, pdq_screen, trim, trim_quality, trim_x, trim_y,"
                           " trim_w, trim_h FROM items WHERE dev=? AND ino=? AND size=?"
                           " AND mtime_ns=? AND ctime_ns=? AND producer=? ORDER BY idx",
                           -1, &c->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db,
                           "INSERT OR REPLACE INTO items VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
                           "?,?,?,?,?,?)",
                           -1, &c->put, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "DELETE FROM items WHERE dev=? AND ino=?", -1, &c->del, NULL) !=
            SQLITE_OK)
        return fail(c, VG_E_FORMAT, err, errcap, "prepare");
    *out = c;
    return VG_OK;
}

void vg_cache_close(vg_cache *c) {
    if (!c)
        return;
    if (c->pending)
        sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_finalize(c->del);
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->mu);
    free(c->producer);
    free(c);
}

/* ---- look-ups and stores ---- */

/* Parameters 1-6 of get and put: the key and the producer. */
static void bind_key(const vg_cache *c, sqlite3_stmt *s, const vg_cache_key *k) {
    sqlite3_bind_int64(s, 1, (sqlite3_int64)k->dev);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)k->ino);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)k->size);
    sqlite3_bind_int64(s, 4, k->mtime_ns);
    sqlite3_bind_int64(s, 5, k->ctime_ns);
    sqlite3_bind_text(s, 6, c->producer, -1, SQLITE_STATIC);
}

static bool blob(sqlite3_stmt *s, int col, void *dst, size_t n) {
    if (sqlite3_column_type(s, col) != SQLITE_BLOB || (size_t)sqlite3_column_bytes(s, col) != n)
        return false;
    memcpy(dst, sqlite3_column_blob(s, col), n);
    return true;
}

static uint32_t u32(sqlite3_stmt *s, int col) {
    return (uint32_t)sqlite3_column_int64(s, col);
}

/* One row of get (columns as its SELECT lists them). @return false if it is malformed. */
static bool read_row(sqlite3_stmt *s, vg_cache_val *v) {
    memset(v, 0, sizeof *v);
    const unsigned char *sfx = sqlite3_column_text(s, 2);
    snprintf(v->suffix, sizeof v->suffix, "%s", sfx ? (const char *)sfx : "");
    v->type = (vg_sniff_type)sqlite3_column_int(s, 3);
    v->no_digests = sqlite3_column_type(s, 4) == SQLITE_NULL;
    if (!v->no_digests &&
        !(blob(s, 4, v->dg.md5, VG_MD5_LEN) && blob(s, 5, v->dg.sha1, VG_SHA1_LEN) &&
          blob(s, 6, v->dg.sha256, VG_SHA256_LEN)))
        return false;
    v->dg.size = (uint64_t)sqlite3_column_int64(s, 7);
    v->has_dihedral = blob(s, 8, v->pdq, sizeof v->pdq);
    v->has_pdq = v->has_dihedral || blob(s, 8, v->pdq[0], sizeof v->pdq[0]);
    v->pdq_quality = sqlite3_column_int(s, 9);
    v->screen = v->has_pdq && sqlite3_column_int(s, 10) != 0;
    v->has_trim = v->has_dihedral ? blob(s, 11, v->trim, sizeof v->trim)
                                  : blob(s, 11, v->trim[0], sizeof v->trim[0]);
    v->trim_quality = sqlite3_column_int(s, 12);
    v->trim_x = u32(s, 13);
    v->trim_y = u32(s, 14);
    v->trim_w = u32(s, 15);
    v->trim_h = u32(s, 16);
    return true;
}

bool vg_cache_get_items(vg_cache *c, const vg_cache_key *k, vg_cache_val *out, size_t cap,
                        size_t *n) {
    size_t got = 0, want = 0;
    bool ok = true;
    pthread_mutex_lock(&c->mu);
    bind_key(c, c->get, k);
    while (ok && sqlite3_step(c->get) == SQLITE_ROW) {
        if (got == 0)
            want = (size_t)sqlite3_column_int64(c->get, 1);
        ok = (size_t)sqlite3_column_int64(c->get, 0) == got && got < cap && got < want &&
             read_row(c->get, &out[got]);
        got++;
    }
    sqlite3_reset(c->get);
    pthread_mutex_unlock(&c->mu);
    *n = got;
    return ok && got > 0 && got == want;
}

bool vg_cache_get(vg_cache *c, const vg_cache_key *k, vg_cache_val *out) {
    size_t n = 0;
    return vg_cache_get_items(c, k, out, 1, &n);
}

/* Insert row idx of n for key k (the mutex held). */
static vg_status put_row(vg_cache *c, const vg_cache_key *k, size_t idx, size_t n,
                         const vg_cache_val *v) {
    sqlite3_stmt *s = c->put;
    bind_key(c, s, k);
    sqlite3_bind_int64(s, 7, (sqlite3_int64)idx);
    sqlite3_bind_int64(s, 8, (sqlite3_int64)n);
    sqlite3_bind_text(s, 9, idx ? v->suffix : "", -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 10, (int)v->type);
    if (!v->no_digests) {
        sqlite3_bind_blob(s, 11, v->dg.md5, VG_MD5_LEN, SQLITE_STATIC);
        sqlite3_bind_blob(s, 12, v->dg.sha1, VG_SHA1_LEN, SQLITE_STATIC);
        sqlite3_bind_blob(s, 13, v->dg.sha256, VG_SHA256_LEN, SQLITE_STATIC);
    }
    sqlite3_bind_int64(s, 14, (sqlite3_int64)v->dg.size);
    int len = v->has_dihedral ? (int)sizeof v->pdq : (int)sizeof v->pdq[0];
    if (v->has_pdq) { /* 8 hashes with the dihedral forms, else the one */
        sqlite3_bind_blob(s, 15, v->pdq, len, SQLITE_STATIC);
        sqlite3_bind_int(s, 16, v->pdq_quality);
    }
    sqlite3_bind_int(s, 17, v->has_pdq && v->screen);
    if (v->has_trim) {
        sqlite3_bind_blob(s, 18, v->trim, len, SQLITE_STATIC);
        sqlite3_bind_int(s, 19, v->trim_quality);
        sqlite3_bind_int64(s, 20, v->trim_x);
        sqlite3_bind_int64(s, 21, v->trim_y);
        sqlite3_bind_int64(s, 22, v->trim_w);
        sqlite3_bind_int64(s, 23, v->trim_h);
    }
    vg_status st = sqlite3_step(s) == SQLITE_DONE ? VG_OK : VG_E_IO;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return st;
}

vg_status vg_cache_put_items(vg_cache *c, const vg_cache_key *k, const vg_cache_val *v, size_t n) {
    if (n == 0 || n > VG_CACHE_MAX_ITEMS)
        return VG_E_INVAL;
    vg_status st = VG_OK;
    pthread_mutex_lock(&c->mu);
    if (c->pending == 0 && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        st = VG_E_IO;
    sqlite3_bind_int64(c->del, 1, (sqlite3_int64)k->dev);
    sqlite3_bind_int64(c->del, 2, (sqlite3_int64)k->ino);
    if (st == VG_OK && sqlite3_step(c->del) != SQLITE_DONE)
        st = VG_E_IO;
    sqlite3_reset(c->del);
    for (size_t i = 0; st == VG_OK && i < n; i++)
        st = put_row(c, k, i, n, &v[i]);
    if (++c->pending >= BATCH) {
        if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            st = VG_E_IO;
        c->pending = 0;
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}

vg_status vg_cache_put(vg_cache *c, const vg_cache_key *k, const vg_cache_val *v) {
    return vg_cache_put_items(c, k, v, 1);
}
