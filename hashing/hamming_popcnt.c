/*
 * hamming_popcnt.c — Hamming kernels for x86-64 CPUs with the POPCNT instruction (built with
 * -mpopcnt): four 64-bit population counts per code, one code at a time (PERF.md A2: ~0.75 G
 * comparisons/s per core, 7x the portable level).
 */
#if !defined(__POPCNT__)
/* cppcheck-suppress preprocessorErrorDirective ; CMake sets this file's ISA flags */
#error "hamming_popcnt.c must be compiled with -mpopcnt"
#endif

#include "hamming_impl.h"
#include "hamming_popcnt64.h"

#define HM_DIST(a, b) dist_popcnt((a), (b))
#include "hamming_loops.h"

const vg_hamming_kernels vg_hamming_popcnt = {
    "popcnt", dist_popcnt, hm_many, hm_within, hm_gather, hm_gather_within,
};
