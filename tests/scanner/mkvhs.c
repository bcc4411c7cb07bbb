/* mkvhs.c — test tool: build a .vhs index from lines "TYPE HEX ID [known-good]" on stdin,
 * TYPE one of md5, sha1, sha256, pdq — or "pdq-of IMAGE ID": the PDQ of that image file.
 * Lines marked known-good go to a second, known-good list. Stands in for the hash-list
 * importers in script tests. Usage: mkvhs OUT.vhs < lines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/hset_build.h"
#include "vigil/img.h"
#include "vigil/pdq.h"

/* The PDQ of an image file as lower-case hex into out (65 bytes). @return 0 or -1. */
static int pdq_of(const char *path, char *out) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    static unsigned char buf[32u << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    vg_img_dec *d;
    vg_pdq *p;
    vg_img img;
    vg_pdq_result r;
    int rc = -1;
    if (vg_img_dec_open(&d, NULL) != VG_OK)
        return -1;
    if (vg_pdq_open(&p) == VG_OK && vg_img_decode(d, buf, n, &img) == VG_OK) {
        vg_pdq_image pi = {img.pixels, img.width, img.height, img.stride, img.channels};
        if (vg_pdq_hash(p, &pi, VG_PDQ_FULLRES, 0, &r) == VG_OK) {
            vg_pdq_to_hex(r.hash, out);
            rc = 0;
        }
    }
    vg_pdq_free(p);
    vg_img_dec_free(d);
    return rc;
}

static int hexval(int c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse(const char *line, vg_hset_entry *e, char *id, size_t idcap, int *good) {
    char type[16], hex[512], mark[32] = "";
    if (sscanf(line, "%15s %511s %63s %31s", type, hex, id, mark) < 3)
        return -1;
    if (!strcmp(type, "pdq-of")) {
        char path[512];
        snprintf(path, sizeof path, "%s", hex);
        if (pdq_of(path, hex) != 0)
            return -1;
        snprintf(type, sizeof type, "pdq");
    }
    (void)idcap;
    *good = !strcmp(mark, "known-good");
    e->type = !strcmp(type, "md5")      ? VG_HT_MD5
              : !strcmp(type, "sha1")   ? VG_HT_SHA1
              : !strcmp(type, "sha256") ? VG_HT_SHA256
              : !strcmp(type, "pdq")    ? VG_HT_PDQ
                                        : VG_HT_NONE;
    size_t n = strlen(hex) / 2;
    if (e->type == VG_HT_NONE || n > VG_HASH_MAX)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        e->hash[i] = (uint8_t)(hi << 4 | lo);
    }
    e->hash_len = n;
    e->quality = -1;
    e->id = id;
    e->size = UINT64_MAX;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2)
        return 2;
    char line[512], id[64];
    vg_hset_entry alert[256], good[256];
    char ids_a[256][64], ids_g[256][64];
    size_t na = 0, ng = 0;
    while (fgets(line, sizeof line, stdin) && na < 256 && ng < 256) {
        vg_hset_entry e = {0};
        int is_good;
        if (line[0] == '\n' || line[0] == '#')
            continue;
        if (parse(line, &e, id, sizeof id, &is_good) != 0) {
            fprintf(stderr, "mkvhs: bad line: %s", line);
            return 1;
        }
        if (is_good) {
            snprintf(ids_g[ng], 64, "%s", id);
            e.id = ids_g[ng];
            good[ng++] = e;
        } else {
            snprintf(ids_a[na], 64, "%s", id);
            e.id = ids_a[na];
            alert[na++] = e;
        }
    }
    vg_hset_build *b;
    if (vg_hset_build_new(&b, "test lists", "1") != VG_OK)
        return 1;
    vg_hset_list_info la = {.name = "test-alert", .version = "1", .role = VG_ROLE_ALERT};
    vg_hset_list_info lg = {.name = "test-good", .version = "1", .role = VG_ROLE_KNOWN_GOOD};
    int rc = vg_hset_build_list(b, &la) != VG_OK;
    for (size_t i = 0; !rc && i < na; i++)
        rc = vg_hset_build_add(b, &alert[i]) != VG_OK;
    rc = rc || vg_hset_build_list(b, &lg) != VG_OK;
    for (size_t i = 0; !rc && i < ng; i++)
        rc = vg_hset_build_add(b, &good[i]) != VG_OK;
    rc = rc || vg_hset_build_write(b, argv[1]) != VG_OK;
    if (rc)
        fprintf(stderr, "mkvhs: %s\n", vg_hset_build_errmsg(b));
    vg_hset_build_free(b);
    return rc;
}
