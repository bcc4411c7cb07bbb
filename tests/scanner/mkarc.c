/* mkarc.c — test tool: write an archive with libarchive (arcgen.c), for script tests.
 * Usage: mkarc OUT FORMAT FILTER|- PASSWORD|- NAME=PATH...  (FORMAT: zip, 7zip, ustar, ...) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arcgen.h"

int main(int argc, char **argv) {
    if (argc < 6)
        return 2;
    const char *filter = strcmp(argv[3], "-") ? argv[3] : NULL;
    const char *pass = strcmp(argv[4], "-") ? argv[4] : NULL;
    arcgen *g = arcgen_new(argv[2], filter, pass);
    for (int i = 5; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq)
            return 2;
        *eq = '\0';
        size_t n;
        uint8_t *data = arcgen_slurp(eq + 1, &n);
        if (!data)
            return fprintf(stderr, "mkarc: cannot read %s\n", eq + 1), 1;
        arcgen_add(g, argv[i], data, n);
        free(data);
    }
    uint8_t *out;
    size_t len;
    arcgen_finish(g, &out, &len);
    FILE *f = fopen(argv[1], "wb");
    if (!f || fwrite(out, 1, len, f) != len)
        return 1;
    fclose(f);
    free(out);
    return 0;
}
