/*
 * cache.c — the incremental scan cache (SQLite): file identity -> digests + result blob.
 *
 * One table keyed by (tag, dev, ino); size, mtime and ctime are compared on look-up, so a file
 * rewritten in place replaces its old row instead of adding one. Puts are grouped into
 * transactions (COMMIT every BATCH puts) because a transaction per file would cost an fsync per
 * file; WAL mode keeps readers in other processes working meanwhile.
 */
#include "vigil/cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#define FORMAT_ID "vigil-cache-1"
#define BATCH 4096u

struct vg_cache {
    sqlite3 *db;
    sqlite3_stmt *get, *put, *count;
    char *tag;
    unsigned pending; /* puts in the open transaction */
    char errmsg[256];
};

static const char schema[] =
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta VALUES('format','" FORMAT_ID "');"
    "CREATE TABLE IF NOT EXISTS files(tag TEXT NOT NULL, dev INTEGER NOT NULL,"
    " ino INTEGER NOT NULL, size INTEGER NOT NULL, mtime INTEGER NOT NULL,"
    " ctime INTEGER NOT NULL, md5 BLOB NOT NULL, sha1 BLOB NOT NULL, sha256 BLOB NOT NULL,"
    " dsize INTEGER NOT NULL, kind INTEGER NOT NULL, blob BLOB,"
    " PRIMARY KEY(tag, dev, ino)) WITHOUT ROWID;";

/* ---- errors ---- */

static vg_status fail(vg_cache *c, vg_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static vg_status fail(vg_cache *c, vg_status st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    return st;
}

static vg_status db_fail(vg_cache *c, const char *what) {
    int rc = sqlite3_errcode(c->db);
    vg_status st = (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) ? VG_E_FORMAT : VG_E_IO;
    return fail(c, st, "cache: %s: %s", what, sqlite3_errmsg(c->db));
}

const char *vg_cache_errmsg(const vg_cache *c) {
    return c->errmsg;
}

/* ---- open / close ---- */

/* Create every missing directory above path (0700), then the file 0600, before SQLite does,
 * so no umask widens either. */
static vg_status create_private(vg_cache *c, const char *path) {
    char *dir = strdup(path);
    if (!dir)
        return VG_E_NOMEM;
    for (char *p = strchr(dir + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            vg_status st = fail(c, VG_E_IO, "cache: %s: %s", dir, strerror(errno));
            free(dir);
            return st;
        }
        *p = '/';
    }
    free(dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail(c, VG_E_IO, "cache: %s: %s", path, strerror(errno));
    close(fd);
    return VG_OK;
}

static vg_status check_format(vg_cache *c) {
    sqlite3_stmt *st = NULL;
    vg_status rc = VG_OK;
    if (sqlite3_prepare_v2(c->db, "SELECT v FROM meta WHERE k='format'", -1, &st, NULL) !=
        SQLITE_OK)
        return db_fail(c, "reading the format");
    if (sqlite3_step(st) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), FORMAT_ID) != 0)
        rc = fail(c, VG_E_FORMAT, "cache: not a %s database", FORMAT_ID);
    sqlite3_finalize(st);
    return rc;
}

static vg_status prepare_all(vg_cache *c) {
    static const char get_sql[] =
        "SELECT size, mtime, ctime, md5, sha1, sha256, dsize, kind, blob FROM files"
        " WHERE tag=?1 AND dev=?2 AND ino=?3";
    static const char put_sql[] = "INSERT OR REPLACE INTO files VALUES(?1,?2,?3,?4,?5,?6,?7,?8,"
                                  "?9,?10,?11,?12)";
    static const char count_sql[] = "SELECT count(*) FROM files WHERE tag=?1";
    if (sqlite3_prepare_v3(c->db, get_sql, -1, SQLITE_PREPARE_PERSISTENT, &c->get, NULL) ||
        sqlite3_prepare_v3(c->db, put_sql, -1, SQLITE_PREPARE_PERSISTENT, &c->put, NULL) ||
        sqlite3_prepare_v3(c->db, count_sql, -1, SQLITE_PREPARE_PERSISTENT, &c->count, NULL))
        return db_fail(c, "preparing statements");
    return VG_OK;
}

static vg_status open_db(vg_cache *c, const char *path) {
    vg_status st = create_private(c, path);
    if (st != VG_OK)
        return st;
    if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
        SQLITE_OK)
        return c->db ? db_fail(c, path) : VG_E_NOMEM;
    sqlite3_busy_timeout(c->db, 10000);
    if (sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, "creating the schema");
    if ((st = check_format(c)) != VG_OK)
        return st;
    return prepare_all(c);
}

vg_status vg_cache_open(vg_cache **out, const char *path, const char *tag, char *err,
                        size_t errcap) {
    vg_cache *c = calloc(1, sizeof *c);
    *out = NULL;
    if (!c || !(c->tag = strdup(tag))) {
        free(c);
        return VG_E_NOMEM;
    }
    vg_status st = open_db(c, path);
    if (st != VG_OK) {
        if (err && errcap)
            snprintf(err, errcap, "%s", c->errmsg[0] ? c->errmsg : vg_status_str(st));
        vg_cache_close(c);
        return st;
    }
    *out = c;
    return VG_OK;
}

void vg_cache_close(vg_cache *c) {
    if (!c)
        return;
    if (c->db)
        vg_cache_flush(c);
    sqlite3_finalize(c->get);
    sqlite3_finalize(c->put);
    sqlite3_finalize(c->count);
    sqlite3_close(c->db);
    free(c->tag);
    free(c);
}

/* ---- look-up and store ---- */

static void bind_key(sqlite3_stmt *s, const vg_cache *c, const vg_cache_key *k) {
    sqlite3_bind_text(s, 1, c->tag, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)k->dev);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)k->ino);
}

static bool blob_is(sqlite3_stmt *s, int col, size_t len) {
    return sqlite3_column_bytes(s, col) == (int)len && sqlite3_column_blob(s, col) != NULL;
}

/* Copy a matching row into val; false when the row is stale or malformed. */
static bool read_row(sqlite3_stmt *s, const vg_cache_key *k, vg_cache_val *val) {
    if ((uint64_t)sqlite3_column_int64(s, 0) != k->size ||
        sqlite3_column_int64(s, 1) != k->mtime_ns || sqlite3_column_int64(s, 2) != k->ctime_ns)
        return false;
    if (!blob_is(s, 3, VG_MD5_LEN) || !blob_is(s, 4, VG_SHA1_LEN) || !blob_is(s, 5, VG_SHA256_LEN))
        return false;
    memcpy(val->digests.md5, sqlite3_column_blob(s, 3), VG_MD5_LEN);
    memcpy(val->digests.sha1, sqlite3_column_blob(s, 4), VG_SHA1_LEN);
    memcpy(val->digests.sha256, sqlite3_column_blob(s, 5), VG_SHA256_LEN);
    val->digests.size = (uint64_t)sqlite3_column_int64(s, 6);
    val->kind = (uint32_t)sqlite3_column_int64(s, 7);
    return true;
}

vg_status vg_cache_get(vg_cache *c, const vg_cache_key *k, vg_cache_val *val, bool *found) {
    sqlite3_stmt *s = c->get;
    vg_status st = VG_OK;
    *found = false;
    c->errmsg[0] = '\0';
    sqlite3_reset(s);
    bind_key(s, c, k);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && read_row(s, k, val)) {
        size_t n = (size_t)sqlite3_column_bytes(s, 8);
        if (n > val->blob_cap) {
            st = fail(c, VG_E_LIMIT, "cache: stored result (%zu bytes) exceeds buffer", n);
        } else {
            if (n)
                memcpy(val->blob, sqlite3_column_blob(s, 8), n);
            val->blob_len = n;
            *found = true;
        }
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        st = db_fail(c, "look-up");
    }
    sqlite3_reset(s);
    return st;
}

vg_status vg_cache_put(vg_cache *c, const vg_cache_key *k, const vg_cache_val *val) {
    sqlite3_stmt *s = c->put;
    c->errmsg[0] = '\0';
    if (val->blob_len > VG_CACHE_MAX_BLOB)
        return fail(c, VG_E_LIMIT, "cache: result blob of %zu bytes", val->blob_len);
    if (c->pending == 0 && sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, "begin");
    sqlite3_reset(s);
    bind_key(s, c, k);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)k->size);
    sqlite3_bind_int64(s, 5, k->mtime_ns);
    sqlite3_bind_int64(s, 6, k->ctime_ns);
    sqlite3_bind_blob(s, 7, val->digests.md5, VG_MD5_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(s, 8, val->digests.sha1, VG_SHA1_LEN, SQLITE_STATIC);
    sqlite3_bind_blob(s, 9, val->digests.sha256, VG_SHA256_LEN, SQLITE_STATIC);
    sqlite3_bind_int64(s, 10, (sqlite3_int64)val->digests.size);
    sqlite3_bind_int64(s, 11, val->kind);
    sqlite3_bind_blob(s, 12, val->blob_len ? val->blob : "", (int)val->blob_len, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return db_fail(c, "store");
    if (++c->pending >= BATCH)
        return vg_cache_flush(c);
    return VG_OK;
}

vg_status vg_cache_flush(vg_cache *c) {
    if (c->pending == 0)
        return VG_OK;
    c->pending = 0;
    if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(c, "commit");
    return VG_OK;
}

vg_status vg_cache_count(vg_cache *c, uint64_t *n) {
    sqlite3_stmt *s = c->count;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, c->tag, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    *n = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(s, 0) : 0;
    sqlite3_reset(s);
    return rc == SQLITE_ROW ? VG_OK : db_fail(c, "count");
}

/* ---- default location ---- */

vg_status vg_cache_default_path(char *buf, size_t cap) {
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    int n;
    if (geteuid() == 0)
        n = snprintf(buf, cap, "/var/lib/vigil/cache.sqlite");
    else if (xdg && xdg[0] == '/')
        n = snprintf(buf, cap, "%s/vigil/cache.sqlite", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, cap, "%s/.cache/vigil/cache.sqlite", home);
    else
        return VG_E_NOTFOUND;
    return n < 0 || (size_t)n >= cap ? VG_E_LIMIT : VG_OK;
}
