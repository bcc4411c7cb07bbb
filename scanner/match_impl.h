/* match_impl.h — looking a file's hashes up in every list (internal to scanner/). */
#ifndef VIGIL_SCANNER_MATCH_IMPL_H
#define VIGIL_SCANNER_MATCH_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/digest.h"
#include "vigil/hset.h"
#include "vigil/scan.h"

/* Matches of one file, in a buffer each worker reuses. */
typedef struct vg_matchbuf {
    vg_scan_match *m;
    size_t n, cap;
    bool known_good; /* some list that only reduces work names the file */
} vg_matchbuf;

/* Empty the buffer (keeps its memory). */
void vg_match_reset(vg_matchbuf *mb);

/*
 * Look MD5, SHA-1 and SHA-256 up in every list; append one match per list entry that names
 * one of them, except entries marked non-pertinent and entries of known-good lists (those set
 * known_good instead). Thread-safe for distinct buffers (indexes are read-only).
 * @return VG_OK or VG_E_NOMEM.
 */
vg_status vg_match_digests(const vg_hset *const *lists, size_t n_lists, const vg_digests *dg,
                           vg_matchbuf *mb);

/*
 * Search the nq PDQ codes q (32 bytes each: a hash and its dihedral forms, query i = form i)
 * in every list within radius; append one match per pertinent list entry found (the nearest
 * hash per entry kept), flagged `trimmed` when q are the trimmed content's hashes.
 * @return VG_OK, VG_E_NOMEM or the index's search status.
 */
vg_status vg_match_pdq(const vg_hset *const *lists, size_t n_lists, const uint8_t *q, size_t nq,
                       unsigned radius, bool trimmed, vg_matchbuf *mb);

/*
 * The screen's question: is any list code within radius of one of the nq codes? Sets
 * *candidate (never clears it). @return VG_OK or the index's search status.
 */
vg_status vg_match_probe(const vg_hset *const *lists, size_t n_lists, const uint8_t *q, size_t nq,
                         unsigned radius, bool *candidate);

/* Append one match. @return VG_OK or VG_E_NOMEM. */
vg_status vg_match_push(vg_matchbuf *mb, const vg_scan_match *m);

/* Release the buffer's memory. */
void vg_match_free(vg_matchbuf *mb);

#endif
