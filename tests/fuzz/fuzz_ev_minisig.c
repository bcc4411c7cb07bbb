/*
 * fuzz_ev_minisig.c — the minisign parsers of `vigil verify` (evidence/seal.c): a public key file
 * and a signature file over a fixed message, against a fixed pinned key.
 *
 * Invariants: no crash or leak; a rejection always names its reason; nothing but the genuine
 * signature file verifies (the fuzzer would have to forge Ed25519).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/ev_seal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    vg_ev_pubkey pub;
    (void)vg_ev_pubkey_parse((const char *)data, size, &pub);
    /* The pinned key is the test-vector key; the message is its summary's first bytes. */
    static const uint8_t pk[32] = {0x19, 0x94, 0x9b, 0xa4, 0xa4, 0x7c, 0xf5, 0x26, 0x76, 0x83, 0xd3,
                                   0x3a, 0x3b, 0xb1, 0x56, 0x29, 0x87, 0x0b, 0xb4, 0x33, 0xbc, 0xb3,
                                   0xea, 0x65, 0x87, 0xc7, 0xc8, 0x9a, 0x0a, 0x4c, 0xfd, 0xc3};
    static const uint8_t id[8] = {0x8f, 0xf7, 0x11, 0x3e, 0x94, 0x94, 0x64, 0x65};
    memcpy(pub.pk, pk, 32);
    memcpy(pub.key_id, id, 8);
    vg_ev_sigfail why = VG_EV_SIG_OK;
    char *u = NULL, *t = NULL;
    vg_status st = vg_ev_minisign_verify(&pub, "m", 1, (const char *)data, size, &why, &u, &t);
    if (st == VG_OK || (st == VG_E_VERIFY && why == VG_EV_SIG_OK))
        abort();
    free(u);
    free(t);
    return 0;
}
