/*
 * bench_robust.c — what matching the dihedral hashes and the trimmed content gains over the
 * reference's single PDQ, and what it costs in false matches. The "list" is the exact PDQ of
 * every original (ORIG_DIR: images by magic bytes). Every image in COPY_DIR named
 * <original's base name>_<transform>.<ext> is a copy of that original. For each copy, at
 * radius 31:
 *   reference — its PDQ matches its original's (what Meta's reference alone finds)
 *   vigil     — any of its 8 dihedral hashes, or of its trimmed content's, matches
 * and, over every (copy, other original) pair, the same two tests count false matches.
 *   usage: bench_robust ORIG_DIR COPY_DIR
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/pdq_screen.h"

#define MAX_ORIG 64
#define MAX_TX 64

struct orig {
    char base[256];
    uint8_t hash[VG_PDQ_LEN];
};

struct tally {
    char name[32];
    long n, ref, vigil;
};

static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = len > 0 ? malloc((size_t)len) : NULL;
    *n = b ? fread(b, 1, (size_t)len, f) : 0;
    fclose(f);
    return b;
}

static int hash_file(vg_img_dec *d, vg_pdq *p, const char *path, vg_pdq_hashes *h) {
    size_t n;
    unsigned char *b = slurp(path, &n);
    vg_pdq_screen_opts o = {.trim = true};
    int rc = b && vg_pdq_hash_image(d, p, b, n, &o, h) == VG_OK && h->exact ? 0 : -1;
    free(b);
    return rc;
}

static bool vigil_match(const vg_pdq_hashes *h, const uint8_t code[VG_PDQ_LEN]) {
    for (int k = 0; k < VG_PDQ_NUM_DIHEDRAL; k++)
        if (vg_pdq_distance(h->plain.dihedral[k], code) <= VG_PDQ_MATCH_RADIUS ||
            (h->trimmed && vg_pdq_distance(h->trim.dihedral[k], code) <= VG_PDQ_MATCH_RADIUS))
            return true;
    return false;
}

static struct tally *tally_for(struct tally *t, size_t *nt, const char *name) {
    for (size_t i = 0; i < *nt; i++)
        if (!strcmp(t[i].name, name))
            return &t[i];
    if (*nt == MAX_TX)
        return &t[MAX_TX - 1];
    snprintf(t[*nt].name, sizeof t[*nt].name, "%s", name);
    return &t[(*nt)++];
}

int main(int argc, char **argv) {
    static struct orig o[MAX_ORIG];
    static struct tally tx[MAX_TX];
    size_t no = 0, ntx = 0;
    long pairs = 0, false_ref = 0, false_vigil = 0;
    vg_img_dec *d;
    vg_pdq *p;
    if (argc != 3 || vg_img_dec_open(&d, NULL) != VG_OK || vg_pdq_open(&p) != VG_OK) {
        fprintf(stderr, "usage: bench_robust ORIG_DIR COPY_DIR\n");
        return 1;
    }
    DIR *dir = opendir(argv[1]);
    struct dirent *de;
    while (dir && (de = readdir(dir)) != NULL && no < MAX_ORIG) {
        char path[4096];
        vg_pdq_hashes h;
        snprintf(path, sizeof path, "%s/%s", argv[1], de->d_name);
        if (de->d_name[0] == '.' || hash_file(d, p, path, &h))
            continue;
        snprintf(o[no].base, sizeof o[no].base, "%s", de->d_name);
        char *dot = strrchr(o[no].base, '.');
        if (dot)
            *dot = '\0';
        memcpy(o[no].hash, h.plain.hash, VG_PDQ_LEN);
        no++;
    }
    if (dir)
        closedir(dir);
    dir = opendir(argv[2]);
    while (dir && (de = readdir(dir)) != NULL) {
        char path[4096];
        vg_pdq_hashes h;
        size_t best = no, blen = 0;
        for (size_t i = 0; i < no; i++) {
            size_t l = strlen(o[i].base);
            if (!strncmp(de->d_name, o[i].base, l) && de->d_name[l] == '_' && l > blen)
                best = i, blen = l;
        }
        snprintf(path, sizeof path, "%s/%s", argv[2], de->d_name);
        if (best == no || hash_file(d, p, path, &h))
            continue;
        char name[32];
        snprintf(name, sizeof name, "%s", de->d_name + blen + 1);
        char *dot = strrchr(name, '.');
        if (dot)
            *dot = '\0';
        struct tally *t = tally_for(tx, &ntx, name);
        t->n++;
        t->ref += vg_pdq_distance(h.plain.hash, o[best].hash) <= VG_PDQ_MATCH_RADIUS;
        t->vigil += vigil_match(&h, o[best].hash);
        for (size_t i = 0; i < no; i++) {
            if (i == best)
                continue;
            pairs++;
            false_ref += vg_pdq_distance(h.plain.hash, o[i].hash) <= VG_PDQ_MATCH_RADIUS;
            false_vigil += vigil_match(&h, o[i].hash);
        }
    }
    if (dir)
        closedir(dir);
    printf("%zu originals; copies matched to their original at radius %d:\n", no,
           VG_PDQ_MATCH_RADIUS);
    printf("  %-16s %6s %10s %10s\n", "transform", "copies", "reference", "vigil");
    long n = 0, r = 0, v = 0;
    for (size_t i = 0; i < ntx; i++) {
        printf("  %-16s %6ld %10ld %10ld\n", tx[i].name, tx[i].n, tx[i].ref, tx[i].vigil);
        n += tx[i].n, r += tx[i].ref, v += tx[i].vigil;
    }
    printf("  %-16s %6ld %10ld %10ld\n", "all", n, r, v);
    printf("unrelated (copy, other original) pairs: %ld; false matches: reference %ld, vigil %ld\n",
           pairs, false_ref, false_vigil);
    vg_img_dec_free(d);
    vg_pdq_free(p);
    return 0;
}
