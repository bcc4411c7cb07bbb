/* lock.h — the scan lock: one run per configuration at a time (cli/ only). */
#ifndef VIGIL_CLI_LOCK_H
#define VIGIL_CLI_LOCK_H

#include <stddef.h>
#include <sys/types.h>

#include "vigil/status.h"

/* A lock: held when fd >= 0. */
typedef struct vg_lock {
    int fd;       /* -1 when not held */
    pid_t holder; /* not held: the PID written by the run that holds it (0 if unreadable) */
    pid_t stale;  /* held: the dead PID the file named before we took it over, else 0 */
} vg_lock;

/*
 * Try to take the lock file at path, without waiting: create it (0644, and its folder when
 * missing; never through a symlink), flock(LOCK_EX | LOCK_NB) it, and write our PID into it.
 * The kernel drops an flock when its process dies, so a lock file left by a run that crashed
 * or was killed (a stale lock: its PID is dead) is simply taken over; l->stale then says whose
 * it was. The descriptor is close-on-exec.
 * @param[out] l    held (l->fd >= 0), or busy (l->fd == -1, l->holder set); release with
 *                  vg_lock_release() either way.
 * @param[out] err  a reason on VG_E_IO.
 * @return VG_OK (held or busy); VG_E_IO (cannot create, open or lock the file).
 */
vg_status vg_lock_take(vg_lock *l, const char *path, char *err, size_t errcap);

/*
 * The default lock file for a configuration file: /run/vigil/scan-H.lock as root, else
 * $XDG_RUNTIME_DIR/vigil/scan-H.lock (or /tmp/vigil-UID/scan-H.lock), where H is the first 16
 * hex digits of the SHA-256 of the configuration's real path, so every way of naming one file
 * gives one lock and two configurations never share one.
 * @return VG_OK; VG_E_IO (the configuration cannot be resolved); VG_E_LIMIT (buf too small).
 */
vg_status vg_lock_default_path(const char *conf, char *buf, size_t cap);

/* Unlock and close (the file stays, holding a dead PID: that is harmless). Accepts a lock
 * that is not held. */
void vg_lock_release(vg_lock *l);

#endif
