/* arcgen.h — archives built in memory with libarchive's writer, for tests (never committed). */
#ifndef VIGIL_TEST_ARCGEN_H
#define VIGIL_TEST_ARCGEN_H

#include <stddef.h>
#include <stdint.h>

/* A growing memory buffer that receives an archive. */
typedef struct arcgen arcgen;

/* format: "zip", "7zip", "ustar", "cpio", "iso9660", "raw"; filter: NULL, "gzip", "bzip2",
 * "xz", "zstd"; passphrase: NULL, or encrypt zip entries (traditional PKWARE). */
arcgen *arcgen_new(const char *format, const char *filter, const char *passphrase);

/* Add a regular file (data may be NULL with len bytes of zeros written in chunks). */
void arcgen_add(arcgen *g, const char *name, const void *data, size_t len);

/* Add a symbolic link entry. */
void arcgen_add_symlink(arcgen *g, const char *name, const char *target);

/* Finish; *out (malloc'd, caller frees) and *len receive the archive bytes. Frees g. */
void arcgen_finish(arcgen *g, uint8_t **out, size_t *len);

/* Read a whole file into a malloc'd buffer. */
uint8_t *arcgen_slurp(const char *path, size_t *len);

#endif
