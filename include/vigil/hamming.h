/* Hamming distances over 256-bit codes (PDQ hashes), with a run-time chosen SIMD level. */
#ifndef VIGIL_HAMMING_H
#define VIGIL_HAMMING_H

#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A code is 32 bytes; an array of codes is contiguous, code i at codes + 32 * i, with no
 * alignment required. The distance is popcount(a XOR b) over all 256 bits, so it does not depend
 * on how bits are laid out in the bytes (pdq.h defines vigil's layout) as long as both sides use
 * the same one. Distances are 0..256.
 *
 * Levels: "avx512" (AVX-512F + VPOPCNTDQ, 8 codes a step), "avx2" (nibble table + VPSADBW, 4 codes
 * a step), "popcnt" (scalar with the POPCNT instruction), "scalar" (portable C), and "neon" on
 * AArch64 (2 codes a step). Every level gives identical results, including the order of outputs.
 * The level is chosen once, at the first call of any function below (or at vg_hamming_select()):
 * the widest level the CPU and OS support (CPUID + XGETBV: AVX-512 needs the avx512f and
 * avx512vpopcntdq bits and OS-enabled opmask/ZMM state), unless the environment variable
 * VIGIL_SIMD names a level. A VIGIL_SIMD level the CPU lacks, or an unknown name, does not stop
 * the program: the best supported level is used instead and vg_hamming_note() says so, so that a
 * stale setting cannot disable scanning. Callers that must not fall back (tests, benchmarks) use
 * vg_hamming_select(), which refuses instead.
 *
 * Threads: every function is thread-safe; the first call races benignly (each racer computes the
 * same choice; the pointer is stored atomically).
 */

#define VG_HAMMING_CODE_LEN 32
#define VG_HAMMING_BITS 256

/* Codes per tile in vg_hamming_batch(): 1024 codes = 32 KiB, resident in L1/L2 while every
 * query of the batch is compared with it (PERF.md A2, "block" mode). */
#define VG_HAMMING_TILE 1024

/* One match of vg_hamming_batch(): queries[query] is within the radius of codes[index]. */
typedef struct vg_hamming_hit {
    uint32_t query;
    uint32_t index;
    uint32_t dist;
} vg_hamming_hit;

/*
 * Hamming distance of two codes.
 * @return 0..256. Thread-safe.
 */
unsigned vg_hamming_dist(const uint8_t *a, const uint8_t *b);

/*
 * Distances from one query to n codes: out[i] = dist(q, codes + 32 i) for i < n. Writes exactly
 * n values and nothing past them; n = 0 writes nothing (codes and out may then be NULL).
 */
void vg_hamming_many(const uint8_t *q, const uint8_t *codes, size_t n, uint16_t *out);

/*
 * All codes within radius r of q: every index i < n with dist(q, codes + 32 i) <= r, in
 * ascending order. r >= 256 matches every code.
 * @param[out] out_idx  receives the first min(total, cap) matching indices; nothing else in it
 *                      is written. May be NULL when cap is 0 (to count only).
 * @param[out] count    receives the total number of matches, even when it exceeds cap.
 * @return VG_OK when every match fit (total <= cap); VG_E_LIMIT when total > cap: out_idx then
 *         holds the first cap matches, *count the total, so the caller can either grow its
 *         buffer to *count and call again, or resume the scan after out_idx[cap - 1].
 *         VG_E_INVAL if n > UINT32_MAX (indices are 32-bit; *count is then 0).
 */
vg_status vg_hamming_within(const uint8_t *q, const uint8_t *codes, size_t n, unsigned r,
                            uint32_t *out_idx, size_t cap, size_t *count);

/*
 * Many queries against many codes, for brute-force scans: every pair (j, i) with
 * dist(queries + 32 j, codes + 32 i) <= r. The codes are walked in tiles of VG_HAMMING_TILE so
 * each tile stays in cache while all nq queries are compared with it; the caller bounds nq (and
 * splits queries across threads) to keep the queries cached too.
 * Output order: by tile, then by query, then by ascending index; it is the same at every level.
 * @param[out] out    receives the first min(total, cap) hits (may be NULL when cap is 0).
 * @param[out] count  receives the total number of hits.
 * @return VG_OK; VG_E_LIMIT when total > cap (out holds the first cap hits in the order above);
 *         VG_E_INVAL if n or nq > UINT32_MAX (*count is then 0).
 */
vg_status vg_hamming_batch(const uint8_t *queries, size_t nq, const uint8_t *codes, size_t n,
                           unsigned r, vg_hamming_hit *out, size_t cap, size_t *count);

/*
 * Distances from q to a list of candidate codes (a multi-index-hash probe's candidates):
 * out[k] = dist(q, codes + 32 ids[k]) for k < n. The caller guarantees every ids[k] is a valid
 * index into codes. Prefetches ahead, since candidates are scattered in memory.
 */
void vg_hamming_gather(const uint8_t *q, const uint8_t *codes, const uint32_t *ids, size_t n,
                       uint16_t *out);

/*
 * The candidates within radius r: every ids[k] (k < n, in list order) with
 * dist(q, codes + 32 ids[k]) <= r. Eight parameters, not a struct, to mirror
 * vg_hamming_within() with the candidate list added.
 * @param[out] out_ids  receives the first min(total, cap) matching ids (values, not positions).
 * @param[out] count    receives the total number of matching candidates.
 * @return VG_OK; VG_E_LIMIT when total > cap (out_ids holds the first cap).
 */
vg_status vg_hamming_gather_within(const uint8_t *q, const uint8_t *codes, const uint32_t *ids,
                                   size_t n, unsigned r, uint32_t *out_ids, size_t cap,
                                   size_t *count);

/*
 * Name of the level in use ("avx512", "avx2", "popcnt", "scalar" or "neon"), choosing it first if
 * needed. For `vigil --version` and benchmarks.
 * @return a static string, never NULL.
 */
const char *vg_hamming_level(void);

/*
 * Why the level differs from what VIGIL_SIMD asked for, e.g. "VIGIL_SIMD=avx512: not supported
 * by this CPU; using avx2", or NULL when VIGIL_SIMD is unset or was honoured. Chooses the level
 * first if needed.
 * @return a static string or NULL.
 */
const char *vg_hamming_note(void);

/*
 * Whether this CPU and OS support a level (the result of the one-time probe).
 * @return 1 if level names a level this build has and the CPU supports, else 0.
 */
int vg_hamming_supported(const char *level);

/*
 * Use a named level from now on, for every thread; NULL means the automatic choice (the
 * VIGIL_SIMD environment variable, then the widest supported level).
 * @return VG_OK; VG_E_INVAL for an unknown name; VG_E_UNSUPPORTED if the CPU lacks the level
 *         (the level in use is then unchanged).
 */
vg_status vg_hamming_select(const char *level);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_HAMMING_H */
