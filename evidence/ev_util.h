/* ev_util.h — helpers shared inside evidence/ (not a public header): byte buffers, base64,
 * SHA-256, UUIDs, RFC 3339 times and crash-safe file writes. */
#ifndef VIGIL_EV_UTIL_H
#define VIGIL_EV_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vigil/evidence.h"
#include "vigil/status.h"

/* A growable byte buffer, always NUL-terminated when p != NULL. Zero-initialise to start. */
typedef struct vg_ev_buf {
    char *p;
    size_t n, cap;
} vg_ev_buf;

vg_status vg_ev_buf_add(vg_ev_buf *b, const void *p, size_t n);
vg_status vg_ev_buf_str(vg_ev_buf *b, const char *s);
vg_status vg_ev_buf_printf(vg_ev_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void vg_ev_buf_free(vg_ev_buf *b);

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), or 0 if invalid. */
size_t vg_ev_utf8_seq(const unsigned char *s, size_t n);

/* RFC 4648 base64 with padding of n bytes into a new malloc'd string. */
vg_status vg_ev_b64(const void *bytes, size_t n, char **out);
/* Decode canonical padded base64 s[0..n) into out (cap bytes); VG_E_FORMAT if not canonical. */
vg_status vg_ev_unb64(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/* SHA-256 of the concatenation of up to three parts (pass NULL, 0 for unused ones). */
vg_status vg_ev_sha256(const void *a, size_t an, const void *b, size_t bn, const void *c, size_t cn,
                       uint8_t out[32]);
/* Lower-case hex into out (2n + 1 bytes). */
void vg_ev_hex(const uint8_t *bytes, size_t n, char *out);
/* Parse exactly 2n lower-case hex chars; false on any other input. */
bool vg_ev_unhex(const char *s, size_t slen, uint8_t *out, size_t n);

/* A random (v4) UUID: 16 bytes and its text (37 bytes incl. NUL). */
vg_status vg_ev_uuid_new(uint8_t id[16], char text[37]);
/* Parse the canonical lower-case 8-4-4-4-12 form; false if malformed. */
bool vg_ev_uuid_parse(const char *text, uint8_t id[16]);

/* Current UTC time as YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ (31 bytes incl. NUL); also the stamp
 * YYYYmmddTHHMMSSZ (17 bytes) when stamp is not NULL. */
void vg_ev_time_now(char out[31], char *stamp);

/* Write data to dirfd/name crash-safely: a temporary name, fsync, rename, fsync the folder.
 * Mode 0600. */
vg_status vg_ev_write_atomic(int dirfd, const char *name, const void *data, size_t n);
/* Read all of dirfd/name (at most cap bytes, else VG_E_LIMIT) into a malloc'd, NUL-terminated
 * buffer. VG_E_NOTFOUND if it does not exist; VG_E_IO otherwise (errno kept). */
vg_status vg_ev_read_all(int dirfd, const char *name, size_t cap, char **out, size_t *n);
/* SHA-256 and size of dirfd/name, streamed. VG_E_NOTFOUND if missing, VG_E_IO otherwise. */
vg_status vg_ev_sha256_file(int dirfd, const char *name, uint8_t out[32], uint64_t *size);
/* Write all n bytes to fd (EINTR retried). */
vg_status vg_ev_write_fd(int fd, const void *p, size_t n);

/* SHA-256 of file records by record number, appended in increasing seq order (the matched
 * files' digests, against which preserved objects are checked). Zero-initialise to start. */
typedef struct vg_ev_digtab {
    struct vg_ev_seqdig {
        uint64_t seq;
        uint8_t sha256[32];
    } * v;
    size_t n, cap;
} vg_ev_digtab;
/* @return VG_OK, VG_E_NOMEM, or VG_E_INVAL if seq is not above the last one added. */
vg_status vg_ev_digtab_add(vg_ev_digtab *t, uint64_t seq, const uint8_t sha256[32]);
/* The digest added for seq, or NULL. */
const uint8_t *vg_ev_digtab_find(const vg_ev_digtab *t, uint64_t seq);
void vg_ev_digtab_free(vg_ev_digtab *t);

/* Longest record line that verify reads, without its LF: the writer never writes a line (LF
 * included) longer than VG_EV_RECORD_MAX. */
#define VG_EV_MAX_LINE ((size_t)VG_EV_RECORD_MAX - 1)

/* Bounded line reader over dirfd/name (lines.c). Zero-initialise is not enough: open it. */
typedef struct vg_ev_lines {
    int fd;
    char *buf;
    size_t cap, len, pos, max;
} vg_ev_lines;
/* Open dirfd/name for reading lines of at most max bytes. VG_E_NOTFOUND, VG_E_IO, VG_E_NOMEM;
 * close it in any case. */
vg_status vg_ev_lines_open(vg_ev_lines *l, int dirfd, const char *name, size_t max);
/* The next line (valid until the next call), its length without LF, and whether it ended in
 * LF (false only for the last line of a file not ending in LF). VG_E_NOTFOUND at end of file;
 * VG_E_LIMIT when the line is longer than max (nothing more of it is read); VG_E_IO. */
vg_status vg_ev_lines_next(vg_ev_lines *l, const char **line, size_t *n, bool *lf);
void vg_ev_lines_close(vg_ev_lines *l);
/* Whether dirfd/name holds exactly p[0..n), compared while streaming (memory does not grow
 * with the file). VG_E_NOTFOUND if missing, VG_E_IO otherwise. */
vg_status vg_ev_file_equals(int dirfd, const char *name, const void *p, size_t n, bool *equal);

#endif
