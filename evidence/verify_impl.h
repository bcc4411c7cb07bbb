/* verify_impl.h — state shared by verify.c (layout, seal, files, cross-references) and
 * verify_records.c (the pass over records.jsonl). Internal to evidence/. */
#ifndef VIGIL_VERIFY_IMPL_H
#define VIGIL_VERIFY_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "vigil/ev_seal.h"
#include "vigil/ev_verify.h"

#include "report_impl.h"

/* A preserved record, kept for the cross-reference and decryption steps. */
struct vpres {
    char object[64];
    uint8_t cms_sha256[32], plain_sha256[32];
    int64_t plain_size;
    uint64_t line;
};

struct vctx {
    const vg_ev_verify_opts *o;
    vg_ev_verdict *v;
    bool failed;
    int dirfd;
    bool sealed;
    bool has_tsq_pin; /* the trusted comment pins summary.tsq */
    uint8_t tsq_pin[32];
    char *summary, *sig;
    size_t summary_n, sig_n;
    json_object *sum;   /* parsed summary.json */
    json_object *start; /* record 1 (scan_start) */
    json_object *end;   /* the scan_end record */
    uint8_t id[16];
    uint8_t genesis[32], head[32], root[32];
    uint64_t n; /* complete, checked records */
    vg_ev_counts counts;
    uint8_t *is_file;
    size_t is_file_cap;
    vg_ev_digtab matched_sha256; /* SHA-256 of matched file records */
    struct vpres *pres;
    size_t npres, cappres;
    /* the first cross-reference failure seen during the record pass, reported after the chain
     * checks (EVIDENCE.md §5.6 order: chain, count, head, root, then cross-references) */
    char xref_reason[48], xref_detail[256];
    uint64_t xref_line;
};

/* Record a failure (the first one wins); returns false so callers can `return fail(...)`. */
bool vg_ev_vfail(struct vctx *c, vg_ev_outcome oc, const char *reason, const char *file,
                 uint64_t line, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Note a warning (the first text is kept). */
void vg_ev_vwarn(struct vctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The pass over records.jsonl: canonical form, seq, prev chain, counts, per-record
 * cross-references. Sets c->n, c->head, c->root. For an unsealed report it finds the
 * chain-consistent prefix. @return false after recording a failure. */
bool vg_ev_verify_records(struct vctx *c);

/* json-c look-ups that return NULL / false when the member is absent or of another type. */
const char *vg_ev_jstr(json_object *o, const char *key);
bool vg_ev_jint(json_object *o, const char *key, int64_t *out);
json_object *vg_ev_jget(json_object *o, const char *key, json_type type);

#endif
