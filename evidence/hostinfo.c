/*
 * hostinfo.c — the facts a report records about the machine and the process: host name,
 * /etc/machine-id, OS (os-release PRETTY_NAME), kernel, user, clock synchronisation
 * (ntp_adjtime() == TIME_ERROR means unsynchronised) and the SHA-256 of the running binary.
 * Anything that cannot be read is recorded as "unknown", never guessed.
 */
#define _GNU_SOURCE /* ntp_adjtime, getpwuid_r */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "vigil/digest.h"

#include "report_impl.h"

static void set(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src && *src ? src : "unknown");
}

/* Read a small system file, following symlinks (/etc/os-release is one on Debian). */
static char *slurp(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = calloc(1, 1u << 16);
    if (text)
        text[fread(text, 1, (1u << 16) - 1, f)] = '\0';
    fclose(f);
    return text;
}

/* First line of a small file, without its LF. */
static void first_line(const char *path, char *out, size_t cap) {
    char *text = slurp(path);
    set(out, cap, NULL);
    if (!text)
        return;
    text[strcspn(text, "\n")] = '\0';
    set(out, cap, text);
    free(text);
}

static void os_release(char *out, size_t cap) {
    char *text = slurp("/etc/os-release");
    set(out, cap, NULL);
    if (!text)
        return;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "PRETTY_NAME=", 12) != 0)
            continue;
        char *v = line + 12;
        size_t len = strlen(v);
        if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
            v[len - 1] = '\0';
            v++;
        }
        set(out, cap, v);
        break;
    }
    free(text);
}

static void exe_digest(vg_ev_host *h) {
    vg_digest *d = NULL;
    vg_digests out;
    int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    h->has_exe = false;
    if (fd >= 0 && vg_digest_open(&d) == VG_OK &&
        vg_digest_fd(d, fd, NULL, 0, &out, NULL) == VG_OK) {
        memcpy(h->exe_sha256, out.sha256, 32);
        h->has_exe = true;
    }
    vg_digest_free(d);
    if (fd >= 0)
        close(fd);
}

void vg_ev_host_collect(vg_ev_host *h) {
    struct utsname u;
    memset(h, 0, sizeof *h);
    if (gethostname(h->hostname, sizeof h->hostname - 1) != 0)
        set(h->hostname, sizeof h->hostname, NULL);
    first_line("/etc/machine-id", h->machine_id, sizeof h->machine_id);
    os_release(h->os, sizeof h->os);
    if (uname(&u) == 0) {
        snprintf(h->kernel, sizeof h->kernel, "%s %s %s", u.sysname, u.release, u.version);
        set(h->arch, sizeof h->arch, u.machine);
    } else {
        set(h->kernel, sizeof h->kernel, NULL);
        set(h->arch, sizeof h->arch, NULL);
    }
    h->uid = (uint32_t)getuid();
    struct passwd pw, *res = NULL;
    char buf[4096];
    getpwuid_r(getuid(), &pw, buf, sizeof buf, &res);
    set(h->user, sizeof h->user, res ? res->pw_name : NULL);
    struct timex tx = {0};
    int state = ntp_adjtime(&tx);
    h->clock_synced = state >= 0 && state != TIME_ERROR;
    set(h->clock_status, sizeof h->clock_status,
        state < 0             ? "unknown"
        : state == TIME_ERROR ? "unsynchronised"
                              : "synchronised");
    exe_digest(h);
}
