/* retention.h — `vigil scan --keep-reports N`: remove old sealed reports (cli/ only). */
#ifndef VIGIL_CLI_RETENTION_H
#define VIGIL_CLI_RETENTION_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/ev_seal.h"
#include "vigil/ev_verify.h"
#include "vigil/status.h"

/* What happened to one old report: removed (it verified), or kept with the verdict why. */
typedef void (*vg_retain_fn)(void *ctx, const char *dir, bool removed, const vg_ev_verdict *v);

/*
 * In parent, order the report folders (vigil-HOST-YYYYmmddTHHMMSSZ-ID, real directories, not
 * symlinks) newest first, by the UTC time in the name, then by modification time. The `keep`
 * newest stay whatever their state; each older one is verified against pub and removed only
 * when it verifies (VG_EV_VERIFIED): one that is tampered, incomplete (crashed, or a scan
 * still writing it) or unreadable is kept for a person to look at. The folder `newest` (the
 * report just written) is never removed. fn (may be NULL) hears about each older folder.
 * @param[in] keep     at least 1.
 * @param[out] removed how many folders were removed.
 * @return VG_OK; VG_E_INVAL (keep 0); VG_E_IO (parent unreadable, or a removal failed: *removed
 *         counts those that succeeded); VG_E_NOMEM.
 */
vg_status vg_retain(const char *parent, const char *newest, unsigned keep, const vg_ev_pubkey *pub,
                    vg_retain_fn fn, void *ctx, unsigned *removed);

#endif
