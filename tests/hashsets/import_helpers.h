/* import_helpers.h — shared helpers for the importer suites: run an import, collect entries
 * and bad-record reports as text. */
#ifndef VIGIL_TEST_IMPORT_HELPERS_H
#define VIGIL_TEST_IMPORT_HELPERS_H

#include <stddef.h>

#include "vigil/hset_import.h"

#define TH_MAX 64

/* Digests of the harmless sample contents "vigil-sample-N\n". */
#define S1_MD5 "116de40b77b54b95133c9291391df63b"
#define S2_MD5 "fd65838f86aca49239d339365305e888"
#define S3_MD5 "8d2c0ff20971d4b7d910ad98553158f8"
#define S1_SHA1 "2d376f5859f9a8d1fc0ee7efb9df8d91ec9600b7"
#define S2_SHA1 "ce4d6621b7102b916afaa14e994686ee655acad7"
#define S3_SHA1 "179a7474659167eb8448a0910d0ac33c643fbe00"
#define S1_SHA256 "fbf42bb922dd14fe61ff1d1bcb7b3736fcb3007cedd2fad76e189ed5b83229a7"
#define S2_SHA256 "5a70efc5651f6ac7cbc9de30f4cf8f5b3c7da831b783acc3fb7d36294bbe05b3"
#define S3_SHA256 "f3b3740fc4fbac862d2a1cfa1166bb73e825d066d060d7071b1eb326bf495bc4"
#define PDQ1 "6ecc9471a9b500ce7b53354c7959a503b58fda1a3872b07eac71d31603aa6f58"
#define PDQ2 "1be1852bf6088f634f85fd9605ec13e6a163844ac75f2540bdbbbc51df736886"
#define PDQ3 "f32c49e59a2f496c8ba367cc40d861374f32989256108de9dcedc5ff22354ad0"

/* Entries of the last import as "type hex[ key=value...]"; see th_entry_text(). */
extern char th_got[TH_MAX][400];
extern int th_ngot;
/* Bad-record reports of the last import. */
extern char th_reports[TH_MAX][600];
extern int th_nreports;

/* A new handle with report collection on; asserts it was created. */
vg_hset_import *th_new(void);
/* Import a file under tests/data/hashlists; clears the collections first. */
vg_status th_import_data(vg_hset_import *h, const char *name);
/* Import a file by path. */
vg_status th_import_path(vg_hset_import *h, const char *path);
/* Write len bytes to a temporary file, import it, delete it. The file's path is written to
 * path_out (cap >= 64) when not NULL. */
vg_status th_import_text(vg_hset_import *h, const char *text, size_t len, char *path_out);
/* Full path of a data file (static buffer). */
const char *th_data(const char *name);
/* Detected format of a data file, or "(none)". */
const char *th_detect_data(const char *name);

#endif
