/* pathfmt.h — printing file names safely: never raw control bytes or invalid UTF-8.
 * "Control" means C0 (< 0x20), DEL and C1 (U+0080..U+009F): terminals may obey any of them. */
#ifndef VIGIL_CLI_PATHFMT_H
#define VIGIL_CLI_PATHFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* True if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool vg_utf8_valid(const char *s, size_t n);

/*
 * Write name as coreutils' sha256sum/md5sum would in a checksum line: if it holds a backslash,
 * LF or CR, the caller must prefix the whole line with '\' (see vg_sum_needs_escape()); here
 * those become "\\", "\n", "\r". Bytes that are not valid UTF-8 and other control bytes (which
 * sha256sum would print raw) are written as "\xHH" and also require the prefix.
 */
bool vg_sum_needs_escape(const char *name);
void vg_sum_write_name(FILE *f, const char *name);

/*
 * Write name for people (stderr messages, hashdeep lines): raw when it is valid UTF-8 without
 * control bytes; otherwise quoted as `ls --quoting-style=shell-escape` does:
 * 'new'$'\n''line', 'bad'$'\377''name'.
 */
void vg_shell_write_name(FILE *f, const char *name);

/*
 * Write s as a JSON string (with quotes). Invalid UTF-8 bytes are replaced by U+FFFD; the
 * caller adds a "<key>_b64" twin holding the exact bytes (vg_json_write_b64()).
 */
void vg_json_write_str(FILE *f, const char *s);
void vg_json_write_b64(FILE *f, const unsigned char *s, size_t n);

#endif
