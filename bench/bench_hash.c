/*
 * bench_hash.c — per-image hashing cost against a full JPEG decode, in one run.
 *
 * Over every JPEG (by magic bytes) of at least 1 MP in the given folders, held in memory, for
 * each image the best of R rounds (process CPU time; the machine is shared) of:
 *   decode  — full libjpeg-turbo decode only (vg_img_decode)
 *   exact   — vigil's exact per-image work: MD5+SHA-1+SHA-256 of the file bytes, then
 *             vg_pdq_hash_image() without a screen: full decode, PDQ with its 8 dihedral hashes
 *             (convention B, bit-exact), border detection (and PDQ of the content if any)
 *   screen  — the screening work when no list code is near: the same digests, then
 *             vg_pdq_hash_image() with a probe that finds nothing: a DCT-scaled luma-only
 *             decode (largest of 1/2, 1/4, 1/8 keeping both sides >= 512 px), PDQ + 8 dihedral
 *             and border detection of that
 * The exact line is also split: PDQ + 8 dihedral alone, digests alone.
 * Targets (DESIGN.md): exact <= 1.6 x decode; screen >= 1.5 x faster than decode on baseline
 * JPEGs. Buffers are reused across images (decoder, hasher, digests), as a scan worker does.
 *   usage: bench_hash [rounds=3] [FOLDER...]   (default folder: /work/shared/corpus/photos)
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/digest.h"
#include "vigil/img.h"
#include "vigil/pdq.h"
#include "vigil/pdq_screen.h"

#define MAX_FILES 4096

struct item {
    char name[256];
    unsigned char *buf;
    size_t n;
    uint32_t w, h;
    int progressive;
    double t_dec, t_exact, t_screen;    /* best of the rounds */
    double t_pdq, t_dg;                 /* parts of exact: PDQ + 8 dihedral alone, digests alone */
    double t_exact_trim, t_screen_trim; /* the same two with border trimming on */
    unsigned denom;
};

static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

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

/* Add the >= 1 MP JPEGs of one folder. */
static size_t load_folder(const char *dir, vg_img_dec *dec, struct item *items, size_t count) {
    DIR *d = opendir(dir);
    struct dirent *de;
    if (!d) {
        fprintf(stderr, "bench_hash: cannot open %s\n", dir);
        return count;
    }
    while ((de = readdir(d)) != NULL && count < MAX_FILES) {
        char path[4096];
        struct item *it = &items[count];
        vg_img im;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        it->buf = slurp(path, &it->n);
        if (!it->buf || vg_img_sniff(it->buf, it->n) != VG_IMG_JPEG ||
            vg_img_probe(dec, it->buf, it->n, &im) != VG_OK ||
            (uint64_t)im.width * im.height < 1000000u) {
            free(it->buf);
            continue;
        }
        snprintf(it->name, sizeof it->name, "%s", de->d_name);
        it->w = im.width;
        it->h = im.height;
        it->progressive = im.progressive;
        it->t_dec = it->t_exact = it->t_screen = it->t_pdq = it->t_dg = 1e9;
        it->t_exact_trim = it->t_screen_trim = 1e9;
        count++;
    }
    closedir(d);
    return count;
}

struct tools {
    vg_img_dec *dec;
    vg_pdq *pq;
    vg_digest *dg;
};

static int hash_pixels(struct tools *t, const vg_img *im) {
    vg_pdq_image pi = {im->pixels, im->width, im->height, im->stride, im->channels};
    vg_pdq_result r;
    return vg_pdq_hash(t->pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r) == VG_OK ? 0 : -1;
}

/* The lists of the screening run: nothing near, so the screen is all the work there is. */
static vg_status no_candidate(void *ctx, const uint8_t *codes, size_t n, unsigned radius,
                              bool *candidate) {
    (void)ctx, (void)codes, (void)n, (void)radius;
    *candidate = false;
    return VG_OK;
}

/* vigil's per-image work as a scan worker does it: digests, then vg_pdq_hash_image() (exact, or
 * screened with no candidate), with or without border trimming. */
static int image_work(struct tools *t, struct item *it, bool screen, bool trim) {
    vg_digests dg;
    vg_pdq_hashes h;
    vg_pdq_screen_opts o = {.trim = trim, .probe = screen ? no_candidate : NULL};
    if (vg_digest_buffer(t->dg, it->buf, it->n, &dg) != VG_OK ||
        vg_pdq_hash_image(t->dec, t->pq, it->buf, it->n, &o, &h) != VG_OK)
        return -1;
    if (screen)
        it->denom = h.screened ? h.screen_denom : 1;
    return 0;
}

/* One round over one image: the three modes, keeping the best times. */
static int measure(struct tools *t, struct item *it) {
    vg_img im;
    vg_digests dg;
    double t0 = cpu_now();
    if (vg_img_decode(t->dec, it->buf, it->n, &im) != VG_OK)
        return -1;
    double t1 = cpu_now();
    if (image_work(t, it, false, false))
        return -1;
    double t2 = cpu_now();
    if (image_work(t, it, true, false))
        return -1;
    double t3 = cpu_now();
    if (image_work(t, it, false, true))
        return -1;
    double t3a = cpu_now();
    if (image_work(t, it, true, true))
        return -1;
    double t3b = cpu_now();
    it->t_exact_trim = t3a - t3 < it->t_exact_trim ? t3a - t3 : it->t_exact_trim;
    it->t_screen_trim = t3b - t3a < it->t_screen_trim ? t3b - t3a : it->t_screen_trim;
    if (vg_img_decode(t->dec, it->buf, it->n, &im) != VG_OK)
        return -1;
    double t4 = cpu_now();
    if (hash_pixels(t, &im))
        return -1;
    double t5 = cpu_now();
    if (vg_digest_buffer(t->dg, it->buf, it->n, &dg) != VG_OK)
        return -1;
    double t6 = cpu_now();
    it->t_pdq = t5 - t4 < it->t_pdq ? t5 - t4 : it->t_pdq;
    it->t_dg = t6 - t5 < it->t_dg ? t6 - t5 : it->t_dg;
    it->t_dec = t1 - t0 < it->t_dec ? t1 - t0 : it->t_dec;
    it->t_exact = t2 - t1 < it->t_exact ? t2 - t1 : it->t_exact;
    it->t_screen = t3 - t2 < it->t_screen ? t3 - t2 : it->t_screen;
    return 0;
}

static void report(const struct item *items, size_t n) {
    double dec = 0, exact = 0, screen = 0, bdec = 0, bexact = 0, bscreen = 0, mp = 0;
    double etrim = 0, strim = 0;
    size_t prog = 0, base = 0;
    for (size_t i = 0; i < n; i++) {
        const struct item *it = &items[i];
        printf("  %-30s %5ux%-5u %s 1/%u  decode %6.2f  exact %6.2f (pdq %5.2f, digests %5.2f)"
               "  screen %6.2f  | trim on: exact %6.2f screen %6.2f ms\n",
               it->name, it->w, it->h, it->progressive ? "progressive" : "baseline   ", it->denom,
               it->t_dec * 1e3, it->t_exact * 1e3, it->t_pdq * 1e3, it->t_dg * 1e3,
               it->t_screen * 1e3, it->t_exact_trim * 1e3, it->t_screen_trim * 1e3);
        etrim += it->t_exact_trim;
        strim += it->t_screen_trim;
        dec += it->t_dec;
        exact += it->t_exact;
        screen += it->t_screen;
        mp += (double)it->w * it->h / 1e6;
        prog += it->progressive != 0;
        if (!it->progressive) {
            base++;
            bdec += it->t_dec;
            bexact += it->t_exact;
            bscreen += it->t_screen;
        }
    }
    printf("\n%zu JPEGs >= 1 MP (%zu progressive, %zu baseline), %.1f MP in total\n", n, prog, base,
           mp);
    printf("full decode only          %8.1f images/s  %6.1f MP/s\n", (double)n / dec, mp / dec);
    printf("exact (dec+PDQ+8dih+3dg)  %8.1f images/s  %6.1f MP/s\n", (double)n / exact, mp / exact);
    printf("screen (luma/scaled+PDQ)  %8.1f images/s  %6.1f MP/s\n", (double)n / screen,
           mp / screen);
    printf("with border trimming (a 2nd exact PDQ when there is a border; the screen sends "
           "images that may have one to the exact path):\n");
    printf("exact + trim              %8.1f images/s\n", (double)n / etrim);
    printf("screen + trim             %8.1f images/s\n", (double)n / strim);
    printf("\nexact / decode time              %.2f x  (target <= 1.60)  %s\n", exact / dec,
           exact / dec <= 1.6 ? "MET" : "NOT MET");
    if (base) {
        printf("exact / decode time, baseline    %.2f x\n", bexact / bdec);
        printf("decode / screen time, baseline   %.2f x  (target >= 1.50)  %s\n", bdec / bscreen,
               bdec / bscreen >= 1.5 ? "MET" : "NOT MET");
    }
    printf("decode / screen time, all        %.2f x\n", dec / screen);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? (int)strtol(argv[1], NULL, 10) : 3;
    static struct item items[MAX_FILES];
    struct tools t = {0};
    if (rounds < 1 || vg_img_dec_open(&t.dec, NULL) != VG_OK || vg_pdq_open(&t.pq) != VG_OK ||
        vg_digest_open(&t.dg) != VG_OK) {
        fprintf(stderr, "usage: bench_hash [rounds=3] [FOLDER...]\n");
        return 1;
    }
    size_t n = 0;
    if (argc > 2)
        for (int i = 2; i < argc; i++)
            n = load_folder(argv[i], t.dec, items, n);
    else
        n = load_folder("/work/shared/corpus/photos", t.dec, items, n);
    if (n == 0) {
        fprintf(stderr, "bench_hash: no JPEG of >= 1 MP found\n");
        return 1;
    }
    printf("bench_hash: %zu images, best of %d rounds, process CPU time\n", n, rounds);
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < n; i++)
            if (measure(&t, &items[i]) != 0) {
                fprintf(stderr, "bench_hash: %s failed: %s\n", items[i].name,
                        vg_img_dec_errmsg(t.dec));
                return 1;
            }
    report(items, n);
    for (size_t i = 0; i < n; i++)
        free(items[i].buf);
    vg_img_dec_free(t.dec);
    vg_pdq_free(t.pq);
    vg_digest_free(t.dg);
    return 0;
}
