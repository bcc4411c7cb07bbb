/* walkdump.c — test tool: walk a tree as vigil does, open every file, print one line per path:
 * "file PATH", "open-error ERRNO PATH", "skip REASON PATH", "error REASON ERRNO PATH".
 * Used by script tests that must run as another user (Criterion tests must not fork). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vigil/walk.h"

static vg_status print(void *ctx, const vg_walk_item *it) {
    (void)ctx;
    if (it->event == VG_WALK_FILE) {
        int fd, err;
        if (vg_walk_open(it, &fd, &err) != VG_OK) {
            printf("open-error %d %s\n", err, it->path);
            return VG_OK;
        }
        close(fd);
        printf("file %s\n", it->path);
    } else if (it->event == VG_WALK_SKIP) {
        printf("skip %s %s\n", vg_walk_reason_str(it->reason), it->path);
    } else {
        printf("error %s %d %s\n", vg_walk_reason_str(it->reason), it->err, it->path);
    }
    return VG_OK;
}

int main(int argc, char **argv) {
    vg_walk_opts o = {0};
    int i = 1;
    if (i < argc && !strcmp(argv[i], "--follow")) {
        o.follow_symlinks = true;
        i++;
    }
    vg_walk *w;
    if (i >= argc || vg_walk_new(&w, &o) != VG_OK)
        return 2;
    vg_status st = VG_OK;
    for (; i < argc && st == VG_OK; i++)
        st = vg_walk_run(w, argv[i], print, NULL);
    vg_walk_free(w);
    return st == VG_OK ? 0 : 1;
}
