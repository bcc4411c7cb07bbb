/*
 * fuzz_pathfmt.c — file-name escaping (cli/pathfmt.c) for every output format.
 *
 * Invariants checked on arbitrary names: no escaped form contains a control byte or invalid
 * UTF-8 (a raw newline would forge a record in line-based output), and the sum form of a name
 * that needs no escaping is the name itself.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/pathfmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_clean(const char *buf, size_t len) {
    if (!vg_utf8_valid(buf, len))
        abort();
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c < 0x20 || c == 0x7f || (c == 0xc2 && i + 1 < len && (unsigned char)buf[i + 1] < 0xa0))
            abort();
    }
}

static void run(void (*write)(FILE *, const char *), const char *name) {
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return;
    write(f, name);
    fclose(f);
    check_clean(out, len);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *name = malloc(size + 1);
    if (!name)
        return 0;
    memcpy(name, data, size);
    name[size] = '\0'; /* names are C strings: stop at the first NUL as the kernel does */
    run(vg_sum_write_name, name);
    run(vg_shell_write_name, name);
    run(vg_json_write_str, name);
    if (!vg_sum_needs_escape(name)) {
        char *out = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&out, &len);
        if (f) {
            vg_sum_write_name(f, name);
            fclose(f);
            if (len != strlen(name) || memcmp(out, name, len) != 0)
                abort();
            free(out);
        }
    }
    free(name);
    return 0;
}
