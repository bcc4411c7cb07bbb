/*
 * fuzz_ev_json.c — the canonical-JSON checker `vigil verify` runs on every record
 * (evidence/canon_json.c, json-c underneath).
 *
 * Invariants on arbitrary bytes: no crash, no leak; an accepted line re-serialises to exactly
 * itself, is valid UTF-8 and has no byte outside what the canonical subset allows (no CR/LF,
 * no whitespace between tokens is checked by the byte equality itself).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vigil/ev_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    void *parsed = NULL;
    const char *why = NULL;
    vg_status st = vg_ev_json_check((const char *)data, size, &parsed, &why);
    if (st != VG_OK) {
        if (parsed || (st == VG_E_FORMAT && !why))
            abort(); /* a rejection always has a reason and leaves nothing behind */
        return 0;
    }
    char *again = NULL;
    size_t n = 0;
    if (vg_ev_json_canon(parsed, &again, &n, NULL) != VG_OK || n != size ||
        memcmp(again, data, size) != 0 || !vg_ev_utf8_valid(data, size) ||
        memchr(data, '\n', size) || memchr(data, '\r', size))
        abort();
    free(again);
    json_object_put(parsed);
    return 0;
}
