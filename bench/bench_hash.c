/*
 * bench_hash.c — per-image hashing cost against a full JPEG decode, in one run.
 *
 * Over every JPEG (by magic bytes) of at least 1 MP in the given folders, held in memory, for
 * each image the best of R rounds (process CPU time; the machine is shared) of each mode:
 *   decode     full libjpeg-turbo decode only (vg_img_decode): the baseline of every ratio
 *   exact      vigil's exact per-image work: MD5+SHA-1+SHA-256 of the file bytes, then
 *              vg_pdq_hash_image() without a screen: full decode, PDQ with its 8 dihedral hashes
 *              (convention B, bit-exact)
 *   screen     vigil's screening per-image work when no list code is near: the same digests,
 *              then vg_pdq_hash_image() with a probe that finds nothing: DCT-scaled luma-only
 *              decode (largest of 1/8, 1/4, 1/2 keeping both sides >= 200 px; smaller JPEGs
 *              are not screened), the screening PDQ + 8 dihedral (vg_pdq_hash_reduced())
 *   screen-dg  the same without the digests (vigil always computes them: "screen" is the
 *              honest per-image figure, this one isolates the perceptual work)
 *   floor      what the screen cannot go below with libjpeg-turbo: a luma-only 1/8 decode
 *              (vg_img_decode_screen() with min side 1: Huffman decoding of every coefficient
 *              remains, the IDCT is DC-only, no chroma, no colour conversion); and floor + digests
 *   digests    the three digests alone; pdq: PDQ + 8 dihedral alone on the full decode
 *   trim       exact and screen with border trimming on (a 2nd exact PDQ when there is a border;
 *              the screen sends an image that may have one to the exact path)
 * Figures are given for the baseline JPEGs and the whole (mixed) set, with the counts.
 * Targets (issue 3): exact <= 1.6 x decode time; screen >= 1.5 x faster than decode on baseline
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

enum mode {
    DEC,
    EXACT,
    SCREEN,
    SCREEN_ND,
    FLOOR,
    FLOOR_DG,
    DG,
    PDQ,
    EXACT_TRIM,
    SCREEN_TRIM,
    NMODE
};
static const char *const mode_name[NMODE] = {"full decode only",       "exact (dec+PDQ+8dih+3dg)",
                                             "screen (+3 digests)",    "screen, no digests",
                                             "floor: luma 1/8 decode", "floor + 3 digests",
                                             "3 digests alone",        "PDQ+8dih alone (full)",
                                             "exact + trim",           "screen + trim"};

struct item {
    char name[256];
    unsigned char *buf;
    size_t n;
    uint32_t w, h;
    int progressive;
    double t[NMODE]; /* best of the rounds, seconds */
    unsigned denom;  /* the screen's DCT scale (1: not screened) */
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
        for (int m = 0; m < NMODE; m++)
            it->t[m] = 1e9;
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

/* The lists of the screening run: nothing near, so the screen is all the work there is. */
static vg_status no_candidate(void *ctx, const uint8_t *codes, size_t n, unsigned radius,
                              bool *candidate) {
    (void)ctx, (void)codes, (void)n, (void)radius;
    *candidate = false;
    return VG_OK;
}

/* vigil's per-image work as a scan worker does it: digests (unless !dg), then
 * vg_pdq_hash_image() (exact, or screened with no candidate), with or without trimming. */
static int image_work(struct tools *t, struct item *it, bool screen, bool trim, bool dg) {
    vg_digests d;
    vg_pdq_hashes h;
    vg_pdq_screen_opts o = {.trim = trim, .probe = screen ? no_candidate : NULL};
    if ((dg && vg_digest_buffer(t->dg, it->buf, it->n, &d) != VG_OK) ||
        vg_pdq_hash_image(t->dec, t->pq, it->buf, it->n, &o, &h) != VG_OK)
        return -1;
    if (screen)
        it->denom = h.screened ? h.screen_denom : 1;
    return 0;
}

/* One mode on one image. */
static int run_mode(struct tools *t, struct item *it, enum mode m) {
    vg_img im;
    vg_digests d;
    switch (m) {
    case DEC:
        return vg_img_decode(t->dec, it->buf, it->n, &im) == VG_OK ? 0 : -1;
    case EXACT:
    case SCREEN:
    case SCREEN_ND:
    case EXACT_TRIM:
    case SCREEN_TRIM:
        return image_work(t, it, m == SCREEN || m == SCREEN_ND || m == SCREEN_TRIM,
                          m == EXACT_TRIM || m == SCREEN_TRIM, m != SCREEN_ND);
    case FLOOR:
    case FLOOR_DG:
        if (m == FLOOR_DG && vg_digest_buffer(t->dg, it->buf, it->n, &d) != VG_OK)
            return -1;
        return vg_img_decode_screen(t->dec, it->buf, it->n, 1, &im) == VG_OK ? 0 : -1;
    case DG:
        return vg_digest_buffer(t->dg, it->buf, it->n, &d) == VG_OK ? 0 : -1;
    case PDQ: /* timed by time_pdq(): the decode must stay outside the clock */
    default:
        return -1;
    }
}

/* PDQ + 8 dihedral of the full decode, timed without the decode. */
static int time_pdq(struct tools *t, struct item *it) {
    vg_img im;
    vg_pdq_result r;
    if (vg_img_decode(t->dec, it->buf, it->n, &im) != VG_OK)
        return -1;
    vg_pdq_image pi = {im.pixels, im.width, im.height, im.stride, im.channels};
    double t0 = cpu_now();
    vg_status st = vg_pdq_hash(t->pq, &pi, VG_PDQ_FULLRES, VG_PDQ_DIHEDRAL, &r);
    double dt = cpu_now() - t0;
    it->t[PDQ] = dt < it->t[PDQ] ? dt : it->t[PDQ];
    return st == VG_OK ? 0 : -1;
}

/* One round over one image: every mode, keeping the best times. */
static int measure(struct tools *t, struct item *it) {
    for (int m = 0; m < NMODE; m++) {
        if (m == PDQ) {
            if (time_pdq(t, it))
                return -1;
            continue;
        }
        double t0 = cpu_now();
        if (run_mode(t, it, (enum mode)m))
            return -1;
        double dt = cpu_now() - t0;
        it->t[m] = dt < it->t[m] ? dt : it->t[m];
    }
    return 0;
}

static void print_item(const struct item *it) {
    printf("  %-34s %5ux%-5u %s 1/%u  ms: decode %6.2f exact %6.2f screen %6.2f (no dg %6.2f)"
           "  floor %6.2f  dg %5.2f pdq %5.2f  trim: exact %6.2f screen %6.2f\n",
           it->name, it->w, it->h, it->progressive ? "progressive" : "baseline   ", it->denom,
           it->t[DEC] * 1e3, it->t[EXACT] * 1e3, it->t[SCREEN] * 1e3, it->t[SCREEN_ND] * 1e3,
           it->t[FLOOR] * 1e3, it->t[DG] * 1e3, it->t[PDQ] * 1e3, it->t[EXACT_TRIM] * 1e3,
           it->t[SCREEN_TRIM] * 1e3);
}

/* The figures of one subset (progressive < 0: all). */
static void report_set(const char *what, const struct item *items, size_t n, int progressive) {
    double sum[NMODE] = {0}, mp = 0;
    size_t count = 0, prog = 0;
    for (size_t i = 0; i < n; i++) {
        if (progressive >= 0 && (items[i].progressive != 0) != (progressive != 0))
            continue;
        count++;
        prog += items[i].progressive != 0;
        mp += (double)items[i].w * items[i].h / 1e6;
        for (int m = 0; m < NMODE; m++)
            sum[m] += items[i].t[m];
    }
    printf("\n%s: %zu JPEGs (%zu progressive, %zu baseline), %.1f MP\n", what, count, prog,
           count - prog, mp);
    if (!count)
        return;
    for (int m = 0; m < NMODE; m++)
        printf("  %-26s %8.1f images/s  %7.2f ms/image  %6.1f MP/s  decode/this %.2f x\n",
               mode_name[m], (double)count / sum[m], sum[m] * 1e3 / (double)count, mp / sum[m],
               sum[DEC] / sum[m]);
    printf("  exact / decode time                %.2f x  (target <= 1.60)\n",
           sum[EXACT] / sum[DEC]);
    printf("  decode / screen time, with digests %.2f x  (target >= 1.50 on baseline)\n",
           sum[DEC] / sum[SCREEN]);
    printf("  decode / screen time, no digests   %.2f x\n", sum[DEC] / sum[SCREEN_ND]);
    printf("  decode / floor time, with digests  %.2f x  (no screen can beat this with "
           "libjpeg-turbo)\n",
           sum[DEC] / sum[FLOOR_DG]);
    printf("  decode / floor time, no digests    %.2f x\n", sum[DEC] / sum[FLOOR]);
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
    for (size_t i = 0; i < n; i++)
        print_item(&items[i]);
    report_set("baseline JPEGs", items, n, 0);
    report_set("progressive JPEGs", items, n, 1);
    report_set("mixed set (all)", items, n, -1);
    for (size_t i = 0; i < n; i++)
        free(items[i].buf);
    vg_img_dec_free(t.dec);
    vg_pdq_free(t.pq);
    vg_digest_free(t.dg);
    return 0;
}
