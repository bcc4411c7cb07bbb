/*
 * walk.c — depth-first walk of a directory tree that hands over regular files and names every
 * other path with the reason it was not hashed.
 *
 * Safety rules (DESIGN.md "Scanner", UX_RESEARCH.md §1.4 — what clamscan and hashdeep get wrong):
 * - every entry is examined with fstatat(AT_SYMLINK_NOFOLLOW) relative to its directory's
 *   descriptor, so paths longer than PATH_MAX work and nothing outside the tree is reached;
 * - FIFOs, sockets and devices are never opened; symlinks are followed only on request, and
 *   then a directory that is its own ancestor (a loop) or was already walked is reported;
 * - the walk keeps at most max_open_dirs directory descriptors: shallower levels are closed
 *   while deep levels are walked and reopened on the way back ("..", checked by device and
 *   inode, or again from the nearest open ancestor), so a 10 000-deep tree needs no more;
 * - no depth limit: ClamAV silently stops at 15 levels, vigil does not stop at all.
 */
#define _GNU_SOURCE /* O_NOATIME */
#include "vigil/walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* One directory on the current path. Its entry names live in one blob, sorted by offset. */
struct level {
    int fd; /* -1 while closed to bound descriptors */
    dev_t dev;
    ino_t ino;
    bool followed;  /* reached through a followed symlink (cannot be reopened O_NOFOLLOW) */
    char *blob;     /* NUL-terminated names, back to back */
    size_t *offs;   /* offsets into blob, sorted by name */
    size_t n, next; /* names, and index of the next one to visit */
    size_t path_len;
};

/* (device, inode) pairs of directories walked through followed symlinks. */
struct dirid {
    dev_t dev;
    ino_t ino;
};

struct vg_walk {
    vg_walk_opts o;
    struct level *lv;
    size_t depth, cap;
    size_t first_open; /* levels [first_open, depth) and level 0 hold open descriptors */
    char *path;
    size_t path_cap;
    dev_t root_dev;
    struct dirid *seen;
    size_t n_seen, cap_seen;
    vg_walk_fn fn;
    void *ctx;
};

/* ---- lifetime ---- */

vg_status vg_walk_new(vg_walk **out, const vg_walk_opts *opts) {
    *out = NULL;
    vg_walk_opts o = opts ? *opts : (vg_walk_opts){0};
    if (o.max_open_dirs == 0)
        o.max_open_dirs = VG_WALK_MAX_OPEN_DIRS;
    if (o.max_open_dirs < 2)
        return VG_E_INVAL;
    vg_walk *w = calloc(1, sizeof *w);
    if (!w)
        return VG_E_NOMEM;
    w->o = o;
    *out = w;
    return VG_OK;
}

static void level_release(struct level *l) {
    if (l->fd >= 0)
        close(l->fd);
    free(l->blob);
    free(l->offs);
    memset(l, 0, sizeof *l);
    l->fd = -1;
}

void vg_walk_free(vg_walk *w) {
    if (!w)
        return;
    for (size_t i = 0; i < w->depth; i++)
        level_release(&w->lv[i]);
    free(w->lv);
    free(w->path);
    free(w->seen);
    free(w);
}

const char *vg_walk_reason_str(vg_walk_reason r) {
    switch (r) {
    case VG_WR_NONE:
        return "none";
    case VG_WR_EXCLUDED:
        return "excluded";
    case VG_WR_SPECIAL:
        return "special file";
    case VG_WR_SYMLINK:
        return "symlink not followed";
    case VG_WR_LOOP:
        return "symlink loop";
    case VG_WR_DUPLICATE:
        return "directory already walked";
    case VG_WR_OTHER_FS:
        return "other file system";
    case VG_WR_VANISHED:
        return "vanished during scan";
    case VG_WR_UNREADABLE:
        return "unreadable";
    case VG_WR_MOVED:
        return "moved during scan";
    }
    return "unknown reason";
}

/* ---- opening ---- */

/* openat() without touching the access time where the kernel lets us (owner or CAP_FOWNER). */
static int open_noatime(int dirfd, const char *name, int flags) {
    flags |= O_RDONLY | O_CLOEXEC | O_NOCTTY;
    int fd = openat(dirfd, name, flags | O_NOATIME);
    if (fd < 0 && errno == EPERM)
        fd = openat(dirfd, name, flags);
    return fd;
}

/* Open a directory and check it is the one examined (dev, ino): no swap between stat and open. */
static int open_dir_checked(int dirfd, const char *name, bool follow, dev_t dev, ino_t ino,
                            int *err) {
    int fd = open_noatime(dirfd, name, O_DIRECTORY | (follow ? 0 : O_NOFOLLOW));
    struct stat st;
    if (fd < 0) {
        *err = errno;
        return -1;
    }
    if (fstat(fd, &st) != 0 || st.st_dev != dev || st.st_ino != ino) {
        close(fd);
        *err = ESTALE;
        return -1;
    }
    return fd;
}

vg_status vg_walk_open(const vg_walk_item *it, int *fd, int *err) {
    struct stat st;
    *fd = -1;
    *err = 0;
    int f = open_noatime(it->dirfd, it->name, O_NONBLOCK | (it->followed ? 0 : O_NOFOLLOW));
    if (f < 0) {
        *err = errno;
        return VG_E_IO;
    }
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != it->st.st_dev ||
        st.st_ino != it->st.st_ino) {
        close(f);
        *err = ESTALE;
        return VG_E_IO;
    }
    *fd = f;
    return VG_OK;
}

/* ---- paths and excludes ---- */

/* Set path to the first len bytes of the current path plus "/" + name (unless it ends in '/'). */
static bool path_set(vg_walk *w, size_t len, const char *name) {
    size_t nl = strlen(name);
    bool slash = len > 0 && w->path[len - 1] != '/';
    size_t need = len + (slash ? 1 : 0) + nl + 1;
    if (need > w->path_cap) {
        size_t cap = w->path_cap ? w->path_cap : 256;
        while (cap < need)
            cap *= 2;
        char *p = realloc(w->path, cap);
        if (!p)
            return false;
        w->path = p;
        w->path_cap = cap;
    }
    if (slash)
        w->path[len++] = '/';
    memcpy(w->path + len, name, nl + 1);
    return true;
}

static size_t path_len(const vg_walk *w) {
    return strlen(w->path);
}

static bool glob_any(const char *const *globs, size_t n, const char *path, const char *name) {
    for (size_t i = 0; i < n; i++) {
        const char *subject = strchr(globs[i], '/') ? path : name;
        if (fnmatch(globs[i], subject, 0) == 0)
            return true;
    }
    return false;
}

/* ---- reporting ---- */

static vg_status emit(vg_walk *w, vg_walk_event ev, vg_walk_reason r, int err,
                      const struct stat *st) {
    vg_walk_item it = {.event = ev, .reason = r, .err = err, .path = w->path, .dirfd = -1};
    it.path_len = path_len(w);
    if (st)
        it.st = *st;
    return w->fn(w->ctx, &it);
}

static const char *special_type(mode_t m) {
    if (S_ISFIFO(m))
        return "fifo";
    if (S_ISSOCK(m))
        return "socket";
    if (S_ISCHR(m))
        return "character device";
    if (S_ISBLK(m))
        return "block device";
    return "unknown file type";
}

static vg_status emit_special(vg_walk *w, const struct stat *st) {
    vg_walk_item it = {.event = VG_WALK_SKIP, .reason = VG_WR_SPECIAL, .path = w->path};
    it.path_len = path_len(w);
    it.detail = special_type(st->st_mode);
    it.st = *st;
    it.dirfd = -1;
    return w->fn(w->ctx, &it);
}

static vg_status emit_symlink(vg_walk *w, int dirfd, const char *name, const struct stat *st) {
    char target[4096];
    ssize_t n = readlinkat(dirfd, name, target, sizeof target - 1);
    if (n < 0)
        n = 0;
    target[n] = '\0';
    vg_walk_item it = {.event = VG_WALK_SKIP, .reason = VG_WR_SYMLINK, .path = w->path};
    it.path_len = path_len(w);
    it.link_target = target;
    it.st = *st;
    it.dirfd = -1;
    return w->fn(w->ctx, &it);
}

static vg_status emit_file(vg_walk *w, int dirfd, const char *name, const struct stat *st,
                           bool followed) {
    vg_walk_item it = {.event = VG_WALK_FILE, .path = w->path, .dirfd = dirfd, .name = name};
    it.path_len = path_len(w);
    it.st = *st;
    it.followed = followed; /* vg_walk_open() must then not use O_NOFOLLOW */
    return w->fn(w->ctx, &it);
}

/* ---- reading a directory ---- */

/* qsort() has no context argument: the blob being sorted, per thread (walkers are per thread). */
static _Thread_local const char *tl_blob;

static int cmp_offs(const void *a, const void *b) {
    return strcmp(tl_blob + *(const size_t *)a, tl_blob + *(const size_t *)b);
}

/* Append one name to the level's blob. */
static bool add_name(struct level *l, const char *name, size_t *blob_len, size_t *blob_cap,
                     size_t *offs_cap) {
    size_t nl = strlen(name) + 1;
    if (*blob_len + nl > *blob_cap) {
        size_t cap = *blob_cap ? *blob_cap : 1024;
        while (cap < *blob_len + nl)
            cap *= 2;
        char *b = realloc(l->blob, cap);
        if (!b)
            return false;
        l->blob = b;
        *blob_cap = cap;
    }
    if (l->n == *offs_cap) {
        size_t cap = *offs_cap ? 2 * *offs_cap : 32;
        size_t *o = realloc(l->offs, cap * sizeof *o);
        if (!o)
            return false;
        l->offs = o;
        *offs_cap = cap;
    }
    memcpy(l->blob + *blob_len, name, nl);
    l->offs[l->n++] = *blob_len;
    *blob_len += nl;
    return true;
}

/* Read every name of the directory open as l->fd, sorted. Sets *err on a readdir error (the
 * names read before it are kept). @return false on out-of-memory. */
static bool read_names(struct level *l, int *err) {
    size_t blob_len = 0, blob_cap = 0, offs_cap = 0;
    *err = 0;
    int dfd = dup(l->fd);
    DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
    if (!d) {
        *err = errno;
        if (dfd >= 0)
            close(dfd);
        return true;
    }
    struct dirent *de;
    bool ok = true;
    for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (!(ok = add_name(l, de->d_name, &blob_len, &blob_cap, &offs_cap)))
            break;
    }
    if (ok && errno)
        *err = errno;
    closedir(d);
    if (l->n > 1) {
        tl_blob = l->blob;
        qsort(l->offs, l->n, sizeof *l->offs, cmp_offs);
    }
    return ok;
}

/* ---- the level stack ---- */

static vg_status push_level(vg_walk *w, int fd, const struct stat *st, bool followed) {
    if (w->depth == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 16;
        struct level *lv = realloc(w->lv, cap * sizeof *lv);
        if (!lv) {
            close(fd);
            return VG_E_NOMEM;
        }
        w->lv = lv;
        w->cap = cap;
    }
    struct level *l = &w->lv[w->depth++];
    memset(l, 0, sizeof *l);
    l->fd = fd;
    l->dev = st->st_dev;
    l->ino = st->st_ino;
    l->followed = followed;
    l->path_len = path_len(w);
    /* Bound the descriptors: close the shallowest open level below the root. */
    size_t open = 1 + (w->depth - w->first_open);
    if (w->first_open == 0)
        open = w->depth;
    if (open > w->o.max_open_dirs) {
        size_t k = w->first_open == 0 ? 1 : w->first_open;
        close(w->lv[k].fd);
        w->lv[k].fd = -1;
        w->first_open = k + 1;
    }
    int err = 0;
    if (!read_names(l, &err))
        return VG_E_NOMEM;
    if (err)
        return emit(w, VG_WALK_ERROR, VG_WR_UNREADABLE, err, st);
    return VG_OK;
}

/* Reopen level k (closed) from level k+1 through "..", else down from the nearest open
 * ancestor by name. @return the descriptor or -1 with *err set. */
static int reopen_level(vg_walk *w, size_t k, int child_fd, int *err) {
    struct level *l = &w->lv[k];
    if (child_fd >= 0 && !w->lv[k + 1].followed) {
        int fd = open_dir_checked(child_fd, "..", true, l->dev, l->ino, err);
        if (fd >= 0)
            return fd;
    }
    size_t j = k;
    while (j > 0 && w->lv[j].fd < 0)
        j--;
    int fd = w->lv[j].fd;
    for (size_t m = j + 1; m <= k && fd >= 0; m++) {
        struct level *p = &w->lv[m - 1];
        const char *name = p->blob + p->offs[p->next - 1];
        int nfd = open_dir_checked(fd, name, w->lv[m].followed, w->lv[m].dev, w->lv[m].ino, err);
        if (fd != w->lv[j].fd)
            close(fd);
        fd = nfd;
    }
    return fd;
}

/* Leave the deepest directory; reopen its parent if it had been closed. */
static vg_status pop_level(vg_walk *w) {
    struct level *top = &w->lv[w->depth - 1];
    vg_status st = VG_OK;
    if (w->depth >= 2 && w->lv[w->depth - 2].fd < 0) {
        size_t k = w->depth - 2;
        int err = 0;
        int fd = reopen_level(w, k, top->fd, &err);
        if (fd < 0) {
            /* The parent moved: its remaining entries cannot be reached safely. */
            w->lv[k].next = w->lv[k].n;
            w->path[w->lv[k].path_len] = '\0';
            st = emit(w, VG_WALK_ERROR, VG_WR_MOVED, err, NULL);
        } else {
            w->lv[k].fd = fd;
            w->first_open = k;
        }
    }
    level_release(top);
    w->depth--;
    if (w->first_open > w->depth)
        w->first_open = w->depth;
    return st;
}

/* ---- visiting one entry ---- */

static bool is_ancestor(const vg_walk *w, const struct stat *st) {
    for (size_t i = 0; i < w->depth; i++)
        if (w->lv[i].dev == st->st_dev && w->lv[i].ino == st->st_ino)
            return true;
    return false;
}

/* Record a directory reached through a followed link; @return false if already seen. */
static bool mark_seen(vg_walk *w, const struct stat *st, bool *nomem) {
    for (size_t i = 0; i < w->n_seen; i++)
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
            return false;
    if (w->n_seen == w->cap_seen) {
        size_t cap = w->cap_seen ? 2 * w->cap_seen : 64;
        struct dirid *s = realloc(w->seen, cap * sizeof *s);
        if (!s) {
            *nomem = true;
            return false;
        }
        w->seen = s;
        w->cap_seen = cap;
    }
    w->seen[w->n_seen++] = (struct dirid){st->st_dev, st->st_ino};
    return true;
}

static vg_status visit_dir(vg_walk *w, int dirfd, const char *name, const struct stat *st,
                           bool followed) {
    if (glob_any(w->o.exclude_dir, w->o.n_exclude_dir, w->path, name))
        return emit(w, VG_WALK_SKIP, VG_WR_EXCLUDED, 0, st);
    if (w->o.one_file_system && st->st_dev != w->root_dev)
        return emit(w, VG_WALK_SKIP, VG_WR_OTHER_FS, 0, st);
    if (is_ancestor(w, st))
        return emit(w, VG_WALK_SKIP, VG_WR_LOOP, 0, st);
    if (w->o.follow_symlinks) {
        bool nomem = false;
        if (!mark_seen(w, st, &nomem))
            return nomem ? VG_E_NOMEM : emit(w, VG_WALK_SKIP, VG_WR_DUPLICATE, 0, st);
    }
    int err = 0;
    int fd = open_dir_checked(dirfd, name, followed, st->st_dev, st->st_ino, &err);
    if (fd < 0)
        return emit(w, VG_WALK_ERROR, err == ENOENT ? VG_WR_VANISHED : VG_WR_UNREADABLE, err, st);
    return push_level(w, fd, st, followed);
}

static vg_status visit(vg_walk *w, int dirfd, const char *name) {
    struct stat st;
    bool followed = false;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return emit(w, VG_WALK_ERROR, errno == ENOENT ? VG_WR_VANISHED : VG_WR_UNREADABLE, errno,
                    NULL);
    if (!S_ISDIR(st.st_mode) && glob_any(w->o.exclude, w->o.n_exclude, w->path, name))
        return emit(w, VG_WALK_SKIP, VG_WR_EXCLUDED, 0, &st);
    if (S_ISLNK(st.st_mode)) {
        if (!w->o.follow_symlinks)
            return emit_symlink(w, dirfd, name, &st);
        if (fstatat(dirfd, name, &st, 0) != 0) /* dangling, ELOOP, EACCES */
            return emit(w, VG_WALK_ERROR, VG_WR_UNREADABLE, errno, &st);
        followed = true;
        if (!S_ISDIR(st.st_mode) && glob_any(w->o.exclude, w->o.n_exclude, w->path, name))
            return emit(w, VG_WALK_SKIP, VG_WR_EXCLUDED, 0, &st);
    }
    if (S_ISDIR(st.st_mode))
        return visit_dir(w, dirfd, name, &st, followed);
    if (S_ISREG(st.st_mode))
        return emit_file(w, dirfd, name, &st, followed);
    return emit_special(w, &st);
}

/* ---- the walk ---- */

static void reset(vg_walk *w) {
    while (w->depth > 0)
        level_release(&w->lv[--w->depth]);
    w->first_open = 0;
    w->n_seen = 0;
}

static vg_status walk_root(vg_walk *w, const char *root) {
    struct stat st;
    if (fstatat(AT_FDCWD, root, &st, 0) != 0)
        return emit(w, VG_WALK_ERROR, VG_WR_UNREADABLE, errno, NULL);
    w->root_dev = st.st_dev;
    if (S_ISREG(st.st_mode))
        return emit_file(w, AT_FDCWD, root, &st, true);
    if (!S_ISDIR(st.st_mode))
        return emit_special(w, &st);
    int err = 0;
    int fd = open_dir_checked(AT_FDCWD, root, true, st.st_dev, st.st_ino, &err);
    if (fd < 0)
        return emit(w, VG_WALK_ERROR, VG_WR_UNREADABLE, err, &st);
    if (w->o.follow_symlinks) {
        bool nomem = false;
        mark_seen(w, &st, &nomem);
        if (nomem) {
            close(fd);
            return VG_E_NOMEM;
        }
    }
    return push_level(w, fd, &st, true);
}

vg_status vg_walk_run(vg_walk *w, const char *root, vg_walk_fn fn, void *ctx) {
    reset(w);
    w->fn = fn;
    w->ctx = ctx;
    if (!path_set(w, 0, root))
        return VG_E_NOMEM;
    vg_status st = walk_root(w, root);
    while (st == VG_OK && w->depth > 0) {
        struct level *l = &w->lv[w->depth - 1];
        if (l->next == l->n) {
            st = pop_level(w);
            continue;
        }
        const char *name = l->blob + l->offs[l->next++];
        if (!path_set(w, l->path_len, name))
            st = VG_E_NOMEM;
        else
            st = visit(w, l->fd, name);
    }
    reset(w);
    return st;
}
