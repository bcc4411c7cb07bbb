/* Safe directory-tree walk: every path met is either handed over as a regular file or reported
 * with the reason it was not, and nothing is opened that could block or has side effects. */
#ifndef VIGIL_WALK_H
#define VIGIL_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default cap on directory descriptors one walk keeps open, whatever the depth of the tree. */
#define VG_WALK_MAX_OPEN_DIRS 32

/* What the walk says about one path. */
typedef enum vg_walk_event {
    VG_WALK_FILE = 0, /* a regular file, ready to open with vg_walk_open() */
    VG_WALK_SKIP = 1, /* deliberately not hashed; see reason */
    VG_WALK_ERROR = 2 /* could not be examined; see reason and err */
} vg_walk_event;

/* Why a path was not handed over as a file. Values reach reports: append only. */
typedef enum vg_walk_reason {
    VG_WR_NONE = 0,
    VG_WR_EXCLUDED = 1,   /* skip: matched --exclude or --exclude-dir */
    VG_WR_SPECIAL = 2,    /* skip: FIFO, socket, character or block device (never opened) */
    VG_WR_SYMLINK = 3,    /* skip: symbolic link, not followed */
    VG_WR_LOOP = 4,       /* skip: followed symlink leads to one of its own ancestors */
    VG_WR_DUPLICATE = 5,  /* skip: directory already walked through another followed link */
    VG_WR_OTHER_FS = 6,   /* skip: directory on another file system (one-file-system) */
    VG_WR_VANISHED = 7,   /* error: listed in its directory, gone before it could be examined */
    VG_WR_UNREADABLE = 8, /* error: stat, open or readdir failed (err says why) */
    VG_WR_MOVED = 9       /* error: a directory was moved or replaced during the walk */
} vg_walk_reason;

/* Options; zero-initialised means: no symlinks followed, cross file systems, no excludes. */
typedef struct vg_walk_opts {
    bool follow_symlinks;           /* follow symlinks below the roots (loops detected) */
    bool one_file_system;           /* do not enter directories on other file systems */
    const char *const *exclude;     /* fnmatch globs for non-directories */
    size_t n_exclude;               /* (a glob with '/' matches the whole path, */
    const char *const *exclude_dir; /*  otherwise the last component) */
    size_t n_exclude_dir;           /* globs for directories (not entered) */
    unsigned max_open_dirs;         /* 0: VG_WALK_MAX_OPEN_DIRS; at least 2 */
} vg_walk_opts;

/*
 * One path, as handed to the callback. Every pointer is borrowed and valid only during the
 * callback. path is the display path (root + "/" + components, arbitrary bytes, any length,
 * NUL-terminated): it is never passed to a system call, so paths longer than PATH_MAX work.
 */
typedef struct vg_walk_item {
    vg_walk_event event;
    vg_walk_reason reason; /* VG_WR_NONE for files */
    int err;               /* errno for VG_WALK_ERROR, else 0 */
    const char *path;
    size_t path_len;
    const char *detail;      /* static text: file type for SPECIAL ("fifo", ...), else NULL */
    const char *link_target; /* target text of a skipped symlink, or NULL */
    struct stat st;          /* lstat (or stat, when followed) result; zero if unknown */
    int dirfd;               /* for files: directory descriptor and name for vg_walk_open() */
    const char *name;
    bool followed; /* reached through a followed symlink (or a root that is a symlink) */
} vg_walk_item;

/* Called for each path in walk order (names sorted bytewise within a directory). Return VG_OK
 * to go on; anything else stops the walk and is returned by vg_walk_run(). */
typedef vg_status (*vg_walk_fn)(void *ctx, const vg_walk_item *it);

typedef struct vg_walk vg_walk;

/*
 * Create a walker. opts is copied (the glob strings are borrowed: keep them alive while the
 * walker exists). Single-threaded: one walker per thread.
 * @return VG_OK; VG_E_NOMEM; VG_E_INVAL if max_open_dirs is 1.
 */
vg_status vg_walk_new(vg_walk **out, const vg_walk_opts *opts);

/*
 * Walk root. A root that is a symlink is followed (as GNU tools do); one that is a file is
 * handed over alone. Excludes apply below the root, never to the root itself.
 * @return VG_OK when the walk finished (errors on single paths went to fn); the status fn
 *         returned if it stopped the walk; VG_E_NOMEM.
 */
vg_status vg_walk_run(vg_walk *w, const char *root, vg_walk_fn fn, void *ctx);

/*
 * Open a VG_WALK_FILE item for reading: O_NOATIME when permitted (falls back on EPERM),
 * O_NOFOLLOW, O_NONBLOCK, close-on-exec; then checks that what was opened is the regular file
 * that was examined (same device and inode), so a file swapped for a FIFO is never read.
 * May also be called from another thread while the callback has not returned.
 * @param[out] fd   the descriptor, owned by the caller.
 * @param[out] err  errno on failure (ESTALE when the file was replaced).
 * @return VG_OK or VG_E_IO.
 */
vg_status vg_walk_open(const vg_walk_item *it, int *fd, int *err);

/* Short stable name of a reason ("excluded", "special file", ...). Static; never NULL. */
const char *vg_walk_reason_str(vg_walk_reason r);

/* Release a walker; NULL is accepted. */
void vg_walk_free(vg_walk *w);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_WALK_H */
