/* Verifying a sealed evidence report against a pinned public key (`vigil verify`). */
#ifndef VIGIL_EV_VERIFY_H
#define VIGIL_EV_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "vigil/ev_seal.h"
#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The outcome; the values are `vigil verify`'s exit codes. */
typedef enum vg_ev_outcome {
    VG_EV_VERIFIED = 0,   /* every check passed against the pinned key */
    VG_EV_TAMPERED = 1,   /* a check failed: altered, corrupt or spliced */
    VG_EV_INCOMPLETE = 2, /* not sealed (crash, or the scan is still running) */
    VG_EV_CANNOT = 3      /* could not verify (no key given, unreadable, unsupported) */
} vg_ev_outcome;

typedef struct vg_ev_verify_opts {
    const char *dir;            /* the report folder */
    const vg_ev_pubkey *pubkey; /* the pinned key; NULL: the seal is not checked and the
                                   outcome is never VG_EV_VERIFIED */
    const char *decrypt_key;    /* investigator's private key: decrypt preserved objects in
                                   memory and compare plaintext SHA-256 (NULL: skip) */
    const char *decrypt_cert;   /* its certificate (optional, selects the recipient) */
    const char *tsa_ca;         /* CA certificate(s) of the time-stamping authority: check
                                   summary.tsr (the stamped answer to summary.tsq) when present */
    bool strict;                /* unexpected files in the folder fail instead of warn */
    bool all;                   /* go on after a failure and list every one (`--all`) */
} vg_ev_verify_opts;

/* One failure found with opts.all. */
typedef struct vg_ev_failure {
    vg_ev_outcome outcome;
    char reason[48];
    char file[96];
    uint64_t line;
    char detail[256];
} vg_ev_failure;

/* How many failures a verdict lists (more are only counted). */
#define VG_EV_MAX_FAILURES 32

/*
 * The verdict. reason is a stable dotted name ("sig.bad_signature", "records.prev", ...; the
 * full list is in README), file and line say where (line 0: not line-specific), detail adds
 * paths, hashes or counts — never content.
 */
typedef struct vg_ev_verdict {
    vg_ev_outcome outcome;
    char reason[48];
    char file[96];
    uint64_t line;
    char detail[256];
    uint64_t records;    /* records checked */
    uint64_t consistent; /* incomplete reports: records 1..consistent chain correctly */
    uint64_t decrypted;  /* preserved objects decrypted and matched */
    bool timestamped;    /* summary.tsr verified against tsa_ca */
    char key_id[17];     /* key id the signature claims ("" if unreadable) */
    int warnings;
    char warning[256]; /* the first warning */
    /* With opts.all: every failure in the order found (the first is also reason/file/line/
     * detail above); n_failures may exceed VG_EV_MAX_FAILURES, the rest are only counted. */
    unsigned n_failures;
    vg_ev_failure failures[VG_EV_MAX_FAILURES];
} vg_ev_verdict;

/*
 * Check a report in the order: layout, signature (pinned key only), canonical summary, file
 * digests, records (canonical, seq, prev chain), count, chain head and Merkle root,
 * cross-references (counts, lists, preserved objects, summary vs records), the optional
 * time-stamp request, and decryption of preserved objects (with decrypt_key). Stops at the first
 * failure; with opts.all it goes on and lists every failure: each check runs to its end where it
 * can (every pinned file, every preserved object), and every later check runs unless it needs
 * what a failed one did not provide (no summary to check against: nothing after it; records
 * that do not chain: no totals, cross-references or decryption). Reads only; writes nothing.
 * @return VG_OK when *v holds a verdict (whatever the outcome); VG_E_INVAL (bad options);
 *         VG_E_NOMEM.
 */
vg_status vg_ev_verify(const vg_ev_verify_opts *o, vg_ev_verdict *v);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_EV_VERIFY_H */
