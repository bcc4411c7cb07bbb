/*
 * retention.c — a rule for old reports (UX.md: "a retention rule for old reports") that can
 * never destroy evidence: only a report that verifies against the pinned key is removed, so a
 * tampered, truncated or unsealed one (the thing someone must look at) stays, and the newest
 * reports stay whatever happens.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#define _DEFAULT_SOURCE
#include "retention.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct rep {
    char *name;
    char stamp[17]; /* YYYYmmddTHHMMSSZ */
    struct timespec mtime;
};

/* ---- finding the reports ---- */

/* The "-YYYYmmddTHHMMSSZ-" in a report folder's name (the host may itself hold dashes). */
static bool find_stamp(const char *name, char out[17]) {
    if (strncmp(name, "vigil-", 6) != 0)
        return false;
    for (const char *p = name + 6; *p; p++) {
        if (p[-1] != '-' || strlen(p) < 17 || p[16] != '-')
            continue;
        bool ok = p[8] == 'T' && p[15] == 'Z';
        for (int i = 0; ok && i < 15; i++)
            ok = i == 8 || (p[i] >= '0' && p[i] <= '9');
        if (ok) {
            memcpy(out, p, 16);
            out[16] = '\0';
            return true;
        }
    }
    return false;
}

static int newest_first(const void *a, const void *b) {
    const struct rep *x = a, *y = b;
    int c = strcmp(y->stamp, x->stamp);
    if (c)
        return c;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? 1 : -1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? 1 : -1;
    return strcmp(y->name, x->name);
}

static void free_reps(struct rep *r, size_t n) {
    for (size_t i = 0; i < n; i++)
        free(r[i].name);
    free(r);
}

static vg_status list_reports(const char *parent, struct rep **out, size_t *n_out) {
    DIR *d = opendir(parent);
    if (!d)
        return VG_E_IO;
    struct rep *r = NULL;
    size_t n = 0, cap = 0;
    vg_status st = VG_OK;
    struct dirent *e;
    while (st == VG_OK && (e = readdir(d))) {
        struct rep one = {0};
        struct stat sb;
        if (!find_stamp(e->d_name, one.stamp) ||
            fstatat(dirfd(d), e->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(sb.st_mode))
            continue;
        one.mtime = sb.st_mtim;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            struct rep *nr = realloc(r, cap * sizeof *nr);
            if (!nr) {
                st = VG_E_NOMEM;
                break;
            }
            r = nr;
        }
        if (!(one.name = strdup(e->d_name)))
            st = VG_E_NOMEM;
        else
            r[n++] = one;
    }
    closedir(d);
    if (st != VG_OK) {
        free_reps(r, n);
        return st;
    }
    if (n > 1)
        qsort(r, n, sizeof *r, newest_first);
    *out = r;
    *n_out = n;
    return VG_OK;
}

/* ---- removing one ---- */

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f) {
    (void)sb;
    (void)f;
    return (flag == FTW_DP ? rmdir(p) : unlink(p)) == 0 ? 0 : -1;
}

static bool same_dir(const char *a, const char *b) {
    struct stat x, y;
    return b && stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev &&
           x.st_ino == y.st_ino;
}

vg_status vg_retain(const char *parent, const char *newest, unsigned keep, const vg_ev_pubkey *pub,
                    vg_retain_fn fn, void *ctx, unsigned *removed) {
    *removed = 0;
    if (keep == 0 || !pub)
        return VG_E_INVAL;
    struct rep *r;
    size_t n;
    vg_status st = list_reports(parent, &r, &n);
    if (st != VG_OK)
        return st;
    for (size_t i = keep; i < n && st != VG_E_NOMEM; i++) {
        char *path = malloc(strlen(parent) + strlen(r[i].name) + 2);
        if (!path) {
            st = VG_E_NOMEM;
            break;
        }
        sprintf(path, "%s/%s", parent, r[i].name);
        if (same_dir(path, newest)) {
            free(path);
            continue;
        }
        vg_ev_verdict v = {0};
        vg_ev_verify_opts vo = {.dir = path, .pubkey = pub};
        bool ok = vg_ev_verify(&vo, &v) == VG_OK && v.outcome == VG_EV_VERIFIED;
        bool gone = ok && nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) == 0;
        if (ok && !gone)
            st = VG_E_IO;
        if (gone)
            (*removed)++;
        if (fn)
            fn(ctx, path, gone, &v);
        free(path);
    }
    free_reps(r, n);
    return st;
}
