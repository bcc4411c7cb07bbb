/*
 * fuzz_config.c — vigil.conf parsing (cli/config.c over inih) on arbitrary bytes.
 *
 * The input is served as a file through memfd; every accepted setting must be a well-formed
 * "--key" or "--key=value" token of a known option, and a failure must leave nothing allocated.
 */
#define _GNU_SOURCE /* memfd_create */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../cli/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct option opts[] = {{"hashlist", required_argument, NULL, 1},
                                     {"jobs", required_argument, NULL, 2},
                                     {"quiet", no_argument, NULL, 3},
                                     {NULL, 0, NULL, 0}};
static const char *const lists[] = {"hashlist", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    int fd = memfd_create("vigil.conf", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    char path[64], err[256];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    vg_conf c;
    if (vg_conf_load(&c, path, opts, lists, err, sizeof err) == VG_OK) {
        for (size_t i = 0; i < c.n_opt; i++)
            if (strncmp(c.opt[i], "--", 2) != 0 || !c.origin[i])
                abort();
        vg_conf_free(&c);
    } else if (c.n_opt != 0 || c.opt != NULL || !err[0]) {
        abort();
    }
    close(fd);
    return 0;
}
