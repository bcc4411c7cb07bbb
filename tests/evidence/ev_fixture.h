/* ev_fixture.h — helpers for the evidence tests: temporary folders, test keys and
 * certificates made at run time (nothing private is committed), a sample report written through
 * the public writer API, and tools that re-seal or re-chain a tampered report with the legitimate
 * key (so that the deeper checks, not just the file digests, are exercised). */
#ifndef VIGIL_TEST_EV_FIXTURE_H
#define VIGIL_TEST_EV_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/ev_seal.h"
#include "vigil/ev_verify.h"

/* A new temporary folder (malloc'd path); fx_rmrf() removes it. */
char *fx_tmpdir(void);
void fx_rmrf(const char *path);

/* dir/NAME.key + dir/NAME.pub through vg_ev_keygen(); returns the public key. */
void fx_keygen(const char *dir, const char *name, vg_ev_pubkey *pub);
/* dir/NAME.key (PKCS#8) and dir/NAME.crt (self-signed): RSA-2048 or EC P-256. */
void fx_recipient(const char *dir, const char *name, bool ec);

/* Write a sample report under parent, sealed with key (and preserving to cert if not NULL);
 * returns the report folder (malloc'd). */
char *fx_report(const char *parent, const char *key, const char *cert, bool tsq);

/* Verify dir against pub (may be NULL), with an optional decryption key. */
vg_ev_verdict fx_verify(const char *dir, const vg_ev_pubkey *pub, const char *dkey, bool strict);

/* Whole-file helpers (dir-relative name). */
char *fx_read(const char *dir, const char *name, size_t *n);
void fx_write(const char *dir, const char *name, const void *p, size_t n);

/* Re-seal with the legitimate key: recompute every files[] digest and size in summary.json
 * from the files on disk and sign again (the untrusted/trusted comments as vigil writes them).
 * FX_RECHAIN_RECORDS first renumbers and re-chains records.jsonl (seq, prev; lines
 * re-serialised canonically) as anyone can without a key; FX_RECHAIN_ALL also updates
 * summary.json's chain, as a key holder forging a report would. */
enum fx_mode { FX_DIGESTS, FX_RECHAIN_RECORDS, FX_RECHAIN_ALL };
void fx_reseal(const char *dir, const char *key, enum fx_mode mode);

/* Sign summary.json exactly as it is now (bytes untouched) with the vigil comments. */
void fx_sign_as_is(const char *dir, const char *key);

/* Edit summary.json as parsed JSON: set member path "a.b" to a JSON text value. */
void fx_summary_set(const char *dir, const char *path, const char *json_value);

#endif
