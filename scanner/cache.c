/*
 * cache.c — the incremental cache: one SQLite table keyed by (device, inode), holding the size,
 * mtime and ctime the hashes belong to and the producer tag of the scan that made them (vigil
 * version and result-affecting settings: an entry is served only to the same producer), so a
 * scheduled re-scan of an unchanged tree only stats files and re-matches their stored hashes
 * against today's lists (new list entries still find old files). One connection under a mutex: the
 * walker looks up, the writer stores, and stores are grouped into transactions of BATCH rows (a
 * commit per file would fsync per file).
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
    sqlite3_stmt *get, *put;
    char *producer;
    pthread_mutex_t mu;
    int pending; /* rows stored in the open transaction */
};

/* "files" was the first layout, without a producer: its entries cannot be trusted, so it goes. */
static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "DROP TABLE IF EXISTS files;"
    "CREATE TABLE IF NOT EXISTS hashes("
    " dev INTEGER NOT NULL, ino INTEGER NOT NULL, size INTEGER NOT NULL,"
    " mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, producer TEXT NOT NULL,"
    " type INTEGER NOT NULL,"
    " md5 BLOB NOT NULL, sha1 BLOB NOT NULL, sha256 BLOB NOT NULL, hashed_size INTEGER NOT NULL,"
    " pdq BLOB, pdq_quality INTEGER,"
    " PRIMARY KEY(dev, ino)) WITHOUT ROWID;";

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
                           "SELECT type, md5, sha1, sha256, hashed_size, pdq, pdq_quality"
                           " FROM hashes WHERE dev=? AND ino=? AND size=? AND mtime_ns=?"
                           " AND ctime_ns=? AND producer=?",
                           -1, &c->get, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO hashes VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &c->put, NULL) != SQLITE_OK)
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
    sqlite3_close(c->db);
    pthread_mutex_destroy(&c->mu);
    free(c->producer);
    free(c);
}

/* ---- look-ups and stores ---- */

/* Parameters 1-6 of both statements: the key and the producer. */
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

bool vg_cache_get(vg_cache *c, const vg_cache_key *k, vg_cache_val *out) {
    bool hit = false;
    pthread_mutex_lock(&c->mu);
    bind_key(c, c->get, k);
    if (sqlite3_step(c->get) == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->type = (vg_sniff_type)sqlite3_column_int(c->get, 0);
        hit = blob(c->get, 1, out->dg.md5, VG_MD5_LEN) &&
              blob(c->get, 2, out->dg.sha1, VG_SHA1_LEN) &&
              blob(c->get, 3, out->dg.sha256, VG_SHA256_LEN);
        out->dg.size = (uint64_t)sqlite3_column_int64(c->get, 4);
        out->has_dihedral = blob(c->get, 5, out->pdq, sizeof out->pdq);
        out->has_pdq = out->has_dihedral || blob(c->get, 5, out->pdq[0], sizeof out->pdq[0]);
        out->pdq_quality = sqlite3_column_int(c->get, 6);
    }
    sqlite3_reset(c->get);
    pthread_mutex_unlock(&c->mu);
    return hit;
}

vg_status vg_cache_put(vg_cache *c, const vg_cache_key *k, const vg_cache_val *v) {
    vg_status st = VG_OK;
    pthread_mutex_lock(&c->mu);
    if (c->pending == 0 && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        st = VG_E_IO;
    sqlite3_stmt *s = c->put;
    bind_key(c, s, k);
    sqlite3_bind_int(s, 7, (int)v->type);
    sqlite3_bind_blob(s, 8, v->dg.md5, VG_MD5_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(s, 9, v->dg.sha1, VG_SHA1_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(s, 10, v->dg.sha256, VG_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(s, 11, (sqlite3_int64)v->dg.size);
    if (v->has_pdq) { /* 8 hashes with the dihedral forms, else the one */
        sqlite3_bind_blob(s, 12, v->pdq,
                          v->has_dihedral ? (int)sizeof v->pdq : (int)sizeof v->pdq[0],
                          SQLITE_STATIC);
        sqlite3_bind_int(s, 13, v->pdq_quality);
    } else {
        sqlite3_bind_null(s, 12);
        sqlite3_bind_null(s, 13);
    }
    if (st == VG_OK && sqlite3_step(s) != SQLITE_DONE)
        st = VG_E_IO;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (st == VG_OK && ++c->pending >= BATCH) {
        if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
            st = VG_E_IO;
        c->pending = 0;
    }
    pthread_mutex_unlock(&c->mu);
    return st;
}
