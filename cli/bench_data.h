/*
 * bench_data.h — what `vigil bench` measures with, all synthesised (cli/ only): deterministic
 * pseudo-random bytes and 256-bit codes, photo-like JPEGs encoded in memory, a private
 * temporary folder and its removal. No data is read from outside the process.
 */
#ifndef VIGIL_CLI_BENCH_DATA_H
#define VIGIL_CLI_BENCH_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

/* A splitmix64 stream: the same seed gives the same bytes on every machine. */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;

/* The next 64 pseudo-random bits. */
uint64_t bench_rng_next(bench_rng *r);

/* Fill p[0..n) with pseudo-random bytes. */
void bench_rng_fill(bench_rng *r, uint8_t *p, size_t n);

/*
 * Code number i of the family `seed` (32 bytes), computed directly from (seed, i) so that a
 * benchmark can ask for code i again (a planted query) without keeping the codes.
 */
void bench_code(uint64_t seed, uint64_t i, uint8_t out[32]);

/*
 * Encode a photo-like w x h RGB JPEG (smooth gradients, a disc, fine noise; baseline, quality
 * 90) in memory. Different seeds give different pixels.
 * @param[out] out, len  the JPEG, malloc'd (free()); NULL on failure.
 * @return VG_OK, VG_E_INVAL (a side of 0 or above 65500), VG_E_NOMEM.
 */
vg_status bench_jpeg(uint64_t seed, unsigned w, unsigned h, unsigned char **out,
                     unsigned long *len);

/*
 * Create a private (0700) folder "PARENT/vigil-bench-XXXXXX".
 * @param[in]  parent  an existing folder; NULL or "" means $TMPDIR, else /tmp.
 * @param[out] out     the folder's path, malloc'd (free()).
 * @return VG_OK; VG_E_IO (errno set); VG_E_NOMEM.
 */
vg_status bench_tmpdir(const char *parent, char **out);

/*
 * Remove a folder and everything under it, without following symbolic links or leaving its
 * file system.
 * @return VG_OK, or VG_E_IO when something could not be removed (errno set).
 */
vg_status bench_rmtree(const char *dir);

/* Write n bytes to a new file (0600). @return VG_OK or VG_E_IO (errno set). */
vg_status bench_write_file(const char *path, const void *buf, size_t n);

#endif
