/*
 * lock.c — one scan per configuration at a time, for scheduled and manual runs alike.
 *
 * flock(2) on a lock file rather than "a PID file exists": the kernel releases the lock when
 * its holder dies however it dies, so a stale lock can never block the next run, and two runs
 * can never both believe they hold it (UX_RESEARCH.md §6.3). The PID in the file is only for
 * the message the second run prints. systemd never starts a timer's service twice; this lock
 * also covers cron and a manual run started while the scheduled one is going.
 */
#define _DEFAULT_SOURCE /* realpath, flock */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

/* ---- the PID inside ---- */

static pid_t read_pid(int fd) {
    char buf[32];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    char *end;
    long v = strtol(buf, &end, 10);
    return (v > 0 && v <= INT_MAX && (*end == '\n' || *end == '\0')) ? (pid_t)v : 0;
}

static bool pid_alive(pid_t pid) {
    return kill(pid, 0) == 0 || errno == EPERM;
}

static int write_pid(int fd) {
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, buf, (size_t)n, 0) != n)
        return -1;
    return 0;
}

/* ---- taking and releasing ---- */

/* Create the lock file's folder if it is missing (one level, 0755). */
static void make_parent(const char *path) {
    char dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    if (!slash || slash == path || (size_t)(slash - path) >= sizeof dir)
        return;
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
    (void)mkdir(dir, 0755); /* an error shows when the file is opened */
}

vg_status vg_lock_take(vg_lock *l, const char *path, char *err, size_t errcap) {
    l->fd = -1;
    l->holder = l->stale = 0;
    make_parent(path);
    int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0644);
    if (fd < 0) {
        snprintf(err, errcap, "cannot open the lock file: %s", strerror(errno));
        return VG_E_IO;
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(err, errcap, "the lock file is not a regular file");
        close(fd);
        return VG_E_IO;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            l->holder = read_pid(fd);
            close(fd);
            return VG_OK;
        }
        snprintf(err, errcap, "cannot lock the lock file: %s", strerror(e));
        close(fd);
        return VG_E_IO;
    }
    pid_t old = read_pid(fd);
    if (old > 0 && old != getpid() && !pid_alive(old))
        l->stale = old;
    if (write_pid(fd) != 0) {
        snprintf(err, errcap, "cannot write the lock file: %s", strerror(errno));
        close(fd);
        return VG_E_IO;
    }
    l->fd = fd;
    return VG_OK;
}

void vg_lock_release(vg_lock *l) {
    if (l->fd >= 0) {
        flock(l->fd, LOCK_UN);
        close(l->fd);
    }
    l->fd = -1;
}

/* ---- where the lock lives ---- */

/* A private folder of ours: created 0700 if missing; must be a directory we own. */
static bool own_dir(const char *dir, mode_t mode) {
    if (mkdir(dir, mode) != 0 && errno != EEXIST)
        return false;
    struct stat sb;
    return lstat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) && sb.st_uid == geteuid();
}

vg_status vg_lock_default_path(const char *conf, char *buf, size_t cap) {
    char real[PATH_MAX];
    if (!realpath(conf, real))
        return VG_E_IO;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!EVP_Digest(real, strlen(real), md, &mdlen, EVP_sha256(), NULL))
        return VG_E_IO;
    char dir[PATH_MAX];
    const char *rt = getenv("XDG_RUNTIME_DIR");
    if (geteuid() == 0)
        snprintf(dir, sizeof dir, "/run/vigil");
    else if (rt && rt[0] == '/')
        snprintf(dir, sizeof dir, "%s/vigil", rt);
    else
        snprintf(dir, sizeof dir, "/tmp/vigil-%lu", (unsigned long)geteuid());
    if (!own_dir(dir, geteuid() == 0 ? 0755 : 0700))
        return VG_E_IO;
    int n = snprintf(buf, cap, "%s/scan-", dir);
    for (unsigned i = 0; i < 8 && n > 0 && (size_t)n < cap; i++)
        n += snprintf(buf + n, cap - (size_t)n, "%02x", md[i]);
    if (n < 0 || (size_t)n + 6 > cap)
        return VG_E_LIMIT;
    memcpy(buf + n, ".lock", 6);
    return VG_OK;
}
