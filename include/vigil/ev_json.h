/* Canonical JSON for evidence reports: a builder that emits the strict RFC 8785 (JCS) subset of
 * EVIDENCE.md §5.3, and a checker that proves a line is in that form. */
#ifndef VIGIL_EV_JSON_H
#define VIGIL_EV_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The subset (every value vigil writes is in it, so JCS of our output is the identity):
 * - member names are ASCII [a-z0-9_]+, unique, emitted sorted by bytes;
 * - no whitespace; integers only, within +-(2^53 - 1); no null, no fractions, no exponents;
 * - strings are valid UTF-8; only '"', '\\' and U+0000..U+001F are escaped (\b \t \n \f \r, else
 *   \u00xx lower-case); everything else, including '/', DEL and non-ASCII, is literal;
 * - byte strings that are not UTF-8 (file names) are written as "<key>" with U+FFFD for each
 *   invalid byte plus "<key>_b64" holding the exact bytes (RFC 4648 base64 with padding).
 */
#define VG_EV_JSON_MAX_INT 9007199254740991LL /* 2^53 - 1 */

/*
 * A builder for one canonical JSON value (usually an object, one record). Members may be added
 * in any order; each object's members are sorted when it is closed. Errors are sticky: after the
 * first failure every call returns it, and vg_ev_json_finish() reports it, so a caller may add a
 * whole record and check once. Single-threaded; reuse it across records with vg_ev_json_reset().
 */
typedef struct vg_ev_json vg_ev_json;

/* @return a new, empty builder, or NULL when out of memory. Free with vg_ev_json_free(). */
vg_ev_json *vg_ev_json_new(void);

/* Discard everything built so far (and any sticky error); keeps allocated memory. */
void vg_ev_json_reset(vg_ev_json *j);

/*
 * Open an object or array. key names the member inside an enclosing object and must be NULL at
 * the top level and inside arrays.
 * @return VG_OK; VG_E_INVAL for a bad or missing/extra key, or nesting deeper than 16;
 *         VG_E_NOMEM.
 */
vg_status vg_ev_json_obj(vg_ev_json *j, const char *key);
vg_status vg_ev_json_arr(vg_ev_json *j, const char *key);

/*
 * Close the innermost object/array. Duplicate member names are found here.
 * @return VG_OK; VG_E_INVAL (nothing open, wrong kind, duplicate name); VG_E_NOMEM.
 */
vg_status vg_ev_json_end(vg_ev_json *j);

/* Add a string of n bytes that must be valid UTF-8 (VG_E_INVAL otherwise). */
vg_status vg_ev_json_strn(vg_ev_json *j, const char *key, const char *s, size_t n);
/* As vg_ev_json_strn() for a NUL-terminated string. */
vg_status vg_ev_json_str(vg_ev_json *j, const char *key, const char *s);
/* Add n arbitrary bytes (a file name): "<key>" as UTF-8 with U+FFFD for invalid bytes, and,
 * only when the bytes are not valid UTF-8, "<key>_b64". Inside an array only valid UTF-8 is
 * accepted (an array element has no name for a twin). */
vg_status vg_ev_json_name(vg_ev_json *j, const char *key, const void *bytes, size_t n);
/* Add an integer; VG_E_INVAL outside +-(2^53 - 1) (write such values as strings). */
vg_status vg_ev_json_int(vg_ev_json *j, const char *key, int64_t v);
/* Add true or false. */
vg_status vg_ev_json_bool(vg_ev_json *j, const char *key, bool v);
/* Add n bytes as a lower-case hex string. */
vg_status vg_ev_json_hex(vg_ev_json *j, const char *key, const uint8_t *bytes, size_t n);

/*
 * Finish: every object/array must be closed.
 * @param[out] out, len  the canonical bytes (no trailing LF), NUL-terminated, owned by the
 *                       builder and valid until its next call.
 * @return the first error of any earlier call, VG_E_INVAL if something is still open, or VG_OK.
 */
vg_status vg_ev_json_finish(vg_ev_json *j, const char **out, size_t *len);

/* Release a builder; NULL is accepted. */
void vg_ev_json_free(vg_ev_json *j);

/*
 * Check that line[0..n) (no LF) is exactly one canonical JSON object in the subset above: parse
 * it with json-c (strict mode), re-serialise the parsed value canonically, and require byte
 * equality. This rejects whitespace, unsorted or duplicate names, floats, -0, leading zeros,
 * needless escapes ("\/", "\u0041"), null, invalid UTF-8, trailing bytes and out-of-range
 * integers — so two readers can never see different values in the same signed bytes.
 * @param[out] parsed  if not NULL and VG_OK is returned: the parsed object as a json-c
 *                     `struct json_object *` (cast it), owned by the caller (json_object_put()).
 * @param[out] why     a static description of the first difference (may be NULL).
 * @return VG_OK canonical; VG_E_FORMAT not JSON or not canonical; VG_E_NOMEM.
 */
vg_status vg_ev_json_check(const char *line, size_t n, void **parsed, const char **why);

/*
 * Serialise a json-c value (`struct json_object *`) canonically into a new malloc'd,
 * NUL-terminated buffer (*out, *len). Used by the checker and by tools that rewrite reports.
 * @return VG_OK; VG_E_FORMAT if the value is outside the subset (a double, null, a bad name,
 *         invalid UTF-8, an integer out of range); VG_E_NOMEM.
 */
vg_status vg_ev_json_canon(void *jc_value, char **out, size_t *len, const char **why);

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool vg_ev_utf8_valid(const void *s, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_EV_JSON_H */
