/*
 * hamming.c — the Hamming dispatcher: probes the CPU once (CPUID + XGETBV), picks the widest
 * supported level or the one VIGIL_SIMD names, and forwards every public call (hamming.h) to that
 * level's kernels through one atomic pointer. Modelled on BLAKE3's c/blake3_dispatch.c.
 *
 * Built for the baseline ISA: this file runs before anything is known about the CPU, so it must
 * not contain a single instruction the CPU may lack.
 */
#if defined(__AVX__)
#error "hamming.c must be built for the baseline ISA (no -mavx/-march=native)"
#endif

#include "vigil/hamming.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "hamming_impl.h"

/* ---- CPU features (probed once) ---- */

enum { F_POPCNT = 1, F_AVX2 = 2, F_AVX512 = 4 };

#if defined(__x86_64__)
/* XCR0: which register states the OS saves on a context switch (0 if XGETBV is unavailable). */
static uint64_t xcr0(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) /* OSXSAVE */
        return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static int probe(void) {
    unsigned a, b, c, d;
    int f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (c & (1u << 23))
        f |= F_POPCNT;
    if (__get_cpuid_max(0, NULL) < 7)
        return f;
    __cpuid_count(7, 0, a, b, c, d);
    uint64_t x = xcr0();
    int ymm_os = (x & 0x6) == 0x6;                   /* SSE + AVX state */
    int zmm_os = (x & 0xe6) == 0xe6;                 /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if ((f & F_POPCNT) && ymm_os && (b & (1u << 5))) /* AVX2 */
        f |= F_AVX2;
    if ((f & F_AVX2) && zmm_os && (b & (1u << 16)) && (c & (1u << 14))) /* F, VPOPCNTDQ */
        f |= F_AVX512;
    return f;
}
#else
static int probe(void) {
    return 0;
}
#endif

static int features(void) {
    static atomic_int cached = -1;
    int f = atomic_load_explicit(&cached, memory_order_relaxed);
    if (f < 0) {
        f = probe();
        atomic_store_explicit(&cached, f, memory_order_relaxed);
    }
    return f;
}

/* ---- the level table, widest first, scalar last ---- */

struct level {
    const char *name;
    const vg_hamming_kernels *k;
    int need; /* feature bits required */
};

static const struct level levels[] = {
#if defined(__x86_64__)
    {"avx512", &vg_hamming_avx512, F_AVX512},
    {"avx2", &vg_hamming_avx2, F_AVX2},
    {"popcnt", &vg_hamming_popcnt, F_POPCNT},
#elif defined(__aarch64__)
    {"neon", &vg_hamming_neon, 0}, /* Advanced SIMD is part of the AArch64 base ISA */
#endif
    {"scalar", &vg_hamming_scalar, 0},
};
#define NLEVELS (sizeof levels / sizeof levels[0])

const char *vg_hamming_level_name(size_t i) {
    return i < NLEVELS ? levels[i].name : NULL;
}

static const struct level *find(const char *name) {
    for (size_t i = 0; i < NLEVELS; i++)
        if (!strcmp(levels[i].name, name))
            return &levels[i];
    return NULL;
}

static int level_ok(const struct level *l) {
    return (features() & l->need) == l->need;
}

const vg_hamming_kernels *vg_hamming_kernels_get(const char *level) {
    const struct level *l = level ? find(level) : NULL;
    return l && level_ok(l) ? l->k : NULL;
}

int vg_hamming_supported(const char *level) {
    return vg_hamming_kernels_get(level) != NULL;
}

/* ---- the choice ---- */

static _Atomic(const vg_hamming_kernels *) active;
static const vg_hamming_kernels *auto_choice;
static char note[128];
static int has_note;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static const vg_hamming_kernels *widest(void) {
    for (size_t i = 0; i < NLEVELS; i++)
        if (level_ok(&levels[i]))
            return levels[i].k;
    return &vg_hamming_scalar; /* not reached: scalar needs nothing */
}

/* Runs once: VIGIL_SIMD if usable, else the widest level, with a note on why it fell back. */
static void choose(void) {
    const char *want = getenv("VIGIL_SIMD");
    const vg_hamming_kernels *k = widest();
    if (want && *want) {
        const struct level *l = find(want);
        if (l && level_ok(l))
            k = l->k;
        else {
            snprintf(note, sizeof note, "VIGIL_SIMD=%.20s: %s; using %s", want,
                     l ? "not supported by this CPU" : "unknown level", k->name);
            has_note = 1;
        }
    }
    auto_choice = k;
    atomic_store_explicit(&active, k, memory_order_release);
}

static const vg_hamming_kernels *kernels(void) {
    const vg_hamming_kernels *k = atomic_load_explicit(&active, memory_order_acquire);
    if (!k) {
        pthread_once(&once, choose);
        k = atomic_load_explicit(&active, memory_order_acquire);
    }
    return k;
}

const char *vg_hamming_level(void) {
    return kernels()->name;
}

const char *vg_hamming_note(void) {
    pthread_once(&once, choose);
    return has_note ? note : NULL;
}

vg_status vg_hamming_select(const char *level) {
    pthread_once(&once, choose);
    if (!level) {
        atomic_store_explicit(&active, auto_choice, memory_order_release);
        return VG_OK;
    }
    const struct level *l = find(level);
    if (!l)
        return VG_E_INVAL;
    if (!level_ok(l))
        return VG_E_UNSUPPORTED;
    atomic_store_explicit(&active, l->k, memory_order_release);
    return VG_OK;
}

/* ---- public entry points ---- */

unsigned vg_hamming_dist(const uint8_t *a, const uint8_t *b) {
    return kernels()->dist(a, b);
}

void vg_hamming_many(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out) {
    if (n)
        kernels()->many(q, codes, n, out);
}

vg_status vg_hamming_within(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                            uint32_t *out_idx, size_t cap, size_t *count) {
    *count = 0;
    if (n > UINT32_MAX)
        return VG_E_INVAL;
    if (n)
        kernels()->within(q, codes, n, r, 0, out_idx, cap, count);
    return *count > cap ? VG_E_LIMIT : VG_OK;
}

void vg_hamming_gather(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                       uint16_t *out) {
    if (n)
        kernels()->gather(q, codes, ids, n, out);
}

vg_status vg_hamming_gather_within(const uint8_t *q, const uint8_t *codes, const uint32_t *ids,
                                   size_t n, unsigned r, uint32_t *out_ids, size_t cap,
                                   size_t *count) {
    *count = 0;
    if (n)
        kernels()->gather_within(q, codes, ids, n, r, out_ids, cap, count);
    return *count > cap ? VG_E_LIMIT : VG_OK;
}

/* Where vg_hamming_batch() puts its hits. */
struct sink {
    vg_hamming_hit *out;
    size_t cap;
    size_t count;
};

/* One tile of codes (indices base..base+m-1) against every query: hits in query, then index
 * order. The kernel's index buffer cannot overflow: a tile has at most VG_HAMMING_TILE hits. */
static void batch_tile(const vg_hamming_kernels *k, const uint8_t *queries, size_t nq,
                       const uint8_t *tile, size_t m, uint32_t base, unsigned r, struct sink *s) {
    uint32_t idx[VG_HAMMING_TILE];
    for (size_t j = 0; j < nq; j++) {
        const uint8_t *q = queries + 32 * j;
        size_t c = 0;
        k->within(q, tile, m, r, 0, idx, VG_HAMMING_TILE, &c);
        for (size_t h = 0; h < c; h++, s->count++) {
            if (s->count >= s->cap)
                continue;
            s->out[s->count].query = (uint32_t)j;
            s->out[s->count].index = base + idx[h];
            s->out[s->count].dist = k->dist(q, tile + 32 * (size_t)idx[h]);
        }
    }
}

vg_status vg_hamming_batch(const uint8_t *queries, size_t nq, const uint8_t *codes, size_t n,
                           unsigned r, vg_hamming_hit *out, size_t cap, size_t *count) {
    struct sink s = {out, cap, 0};
    *count = 0;
    if (n > UINT32_MAX || nq > UINT32_MAX)
        return VG_E_INVAL;
    const vg_hamming_kernels *k = kernels();
    for (size_t t = 0; t < n; t += VG_HAMMING_TILE) {
        size_t m = n - t < VG_HAMMING_TILE ? n - t : VG_HAMMING_TILE;
        batch_tile(k, queries, nq, codes + 32 * t, m, (uint32_t)t, r, &s);
    }
    *count = s.count;
    return s.count > cap ? VG_E_LIMIT : VG_OK;
}
