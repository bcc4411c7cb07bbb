/*
 * bench_screen.c — the evidence for VG_PDQ_SCREEN_MARGIN: over every JPEG in the given folders
 * (any size), the Hamming distance between each screening hash (vg_img_decode_screen(): DCT-
 * scaled luma, fast IDCT) and the exact hash it stands for (the largest of the 8 dihedral
 * distances), by DCT scale; and the border rule's safety: every image whose exact decode has a
 * border (vg_trim_detect()) must be one the screen sends to the exact path (vg_trim_maybe()).
 * Images too small to be DCT-scaled are not screened and are skipped.
 *   usage: bench_screen [-m MIN_SIDE] [-t TOLERANCE] [-f MATCH] [-p 1] FOLDER...
 *   -p 1: the screening hash is plain PDQ of the small copy (the previous screen), not the estimate
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/trim.h"

struct hashes {
    vg_pdq_result plain, trim;
    bool trimmed, maybe;
    unsigned denom;
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

static vg_trim_opts maybe_opts; /* -t / -f: try other thresholds for vg_trim_maybe() */
static bool plain_pdq;          /* -p 1: the screening hash is plain PDQ of the reduced pixels */

static int hash_img(vg_pdq *pq, const vg_img *im, struct hashes *h) {
    vg_pdq_image pi = {im->pixels, im->width, im->height, im->stride, im->channels};
    vg_trim_rect r;
    memset(h, 0, sizeof *h);
    h->denom = im->scale_denom;
    vg_status st = h->denom == 1 || plain_pdq
                       ? vg_pdq_hash(pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &h->plain)
                       : vg_pdq_hash_reduced(pq, &pi, im->full_width, im->full_height, h->denom,
                                             VG_PDQ_DIHEDRAL, &h->plain);
    if (st != VG_OK || vg_trim_detect(&pi, NULL, &r, &h->trimmed) != VG_OK ||
        vg_trim_maybe(&pi, &maybe_opts, &h->maybe))
        return -1;
    if (h->trimmed) {
        vg_pdq_image sub;
        if (vg_trim_apply(&pi, &r, &sub) != VG_OK ||
            vg_pdq_hash(pq, &sub, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &h->trim) != VG_OK)
            return -1;
    }
    return 0;
}

static int maxdist(const vg_pdq_result *a, const vg_pdq_result *b) {
    int m = 0;
    for (int k = 0; k < VG_PDQ_NUM_DIHEDRAL; k++) {
        int d = vg_pdq_distance(a->dihedral[k], b->dihedral[k]);
        m = d > m ? d : m;
    }
    return m;
}

struct stats {
    long n, sum, hist[257];
    int max;
};

static void add(struct stats *s, int d) {
    s->n++;
    s->sum += d;
    s->hist[d]++;
    s->max = d > s->max ? d : s->max;
}

static void print_stats(const char *what, const struct stats *s) {
    if (!s->n) {
        printf("%s: none\n", what);
        return;
    }
    long above12 = 0;
    for (int d = 13; d <= 256; d++)
        above12 += s->hist[d];
    printf("%s: %ld images, max over the 8 dihedral: mean %.1f, max %d, > 12 bits: %ld\n", what,
           s->n, (double)s->sum / (double)s->n, s->max, above12);
}

int main(int argc, char **argv) {
    uint32_t min_side = VG_PDQ_SCREEN_MIN_SIDE;
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        if (!strcmp(argv[i], "-m"))
            min_side = (uint32_t)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-t"))
            maybe_opts.tolerance = (unsigned)strtoul(argv[i + 1], NULL, 10);
        else if (!strcmp(argv[i], "-f"))
            maybe_opts.min_match = strtod(argv[i + 1], NULL);
        else if (!strcmp(argv[i], "-p"))
            plain_pdq = argv[i + 1][0] == '1';
    }
    vg_img_dec *dec;
    vg_pdq *pq;
    if (i >= argc || vg_img_dec_open(&dec, NULL) != VG_OK || vg_pdq_open(&pq) != VG_OK) {
        fprintf(stderr, "usage: bench_screen [-m MIN_SIDE] [-t TOLERANCE] [-f MATCH] [-p 1] "
                        "FOLDER...\n");
        return 1;
    }
    struct stats plain[9] = {0}, plain_screened[9] = {0};
    long nimg = 0, exact_border = 0, maybe = 0, missed = 0;
    for (; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            char path[4096];
            size_t n;
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            unsigned char *buf = slurp(path, &n);
            vg_img im;
            struct hashes s, e;
            if (!buf || vg_img_sniff(buf, n) != VG_IMG_JPEG ||
                vg_img_decode_screen(dec, buf, n, min_side, &im) != VG_OK ||
                hash_img(pq, &im, &s) || vg_img_decode(dec, buf, n, &im) != VG_OK ||
                hash_img(pq, &im, &e)) {
                free(buf);
                continue;
            }
            int dp = maxdist(&s.plain, &e.plain);
            nimg++;
            if (s.denom == 1) {
                free(buf);
                continue; /* not screened: vg_pdq_hash_image() does the exact work */
            }
            add(&plain[s.denom], dp);
            exact_border += e.trimmed;
            maybe += s.maybe;
            missed += e.trimmed && !s.maybe;
            if (!s.maybe)
                add(&plain_screened[s.denom], dp);
            printf("%-40s %5ux%-5u 1/%u  d %3d  exact border %-3s  screen maybe %-3s%s\n",
                   de->d_name, im.width, im.height, s.denom, dp, e.trimmed ? "yes" : "no",
                   s.maybe ? "yes" : "no", e.trimmed && !s.maybe ? "  MISSED" : "");
            free(buf);
        }
        if (d)
            closedir(d);
    }
    printf("\nscreen vs exact, min side %u, %ld JPEGs (the others are too small to scale):\n",
           min_side, nimg);
    for (unsigned k = 2; k <= 8; k *= 2) {
        char what[64];
        snprintf(what, sizeof what, "1/%u, every image", k);
        print_stats(what, &plain[k]);
        snprintf(what, sizeof what, "1/%u, screened (no border)", k);
        print_stats(what, &plain_screened[k]);
    }
    printf("border in the exact decode: %ld; screen says maybe: %ld; border missed: %ld\n",
           exact_border, maybe, missed);
    vg_img_dec_free(dec);
    vg_pdq_free(pq);
    return 0;
}
