/* vigil status codes shared by every component, and their names. */
#ifndef VIGIL_STATUS_H
#define VIGIL_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Result of every fallible vigil call. VG_OK is zero; values are only ever appended, never
 * renumbered, because they reach logs and reports.
 */
typedef enum vg_status {
    VG_OK = 0,
    VG_E_NOMEM = 1,       /* out of memory */
    VG_E_INVAL = 2,       /* bad argument, or a call in the wrong state */
    VG_E_IO = 3,          /* a read, write, open or stat failed (errno kept by the caller) */
    VG_E_FORMAT = 4,      /* input data is malformed (corrupt image, bad list record, ...) */
    VG_E_LIMIT = 5,       /* input exceeds a configured limit (pixels, bytes, depth, ...) */
    VG_E_UNSUPPORTED = 6, /* valid input of a kind vigil does not handle */
    VG_E_CRYPTO = 7,      /* OpenSSL reported a failure */
    VG_E_NOTFOUND = 8,    /* a looked-up item does not exist */
    VG_E_VERIFY = 9,      /* a signature, digest or chain check failed */
    VG_E_INTERRUPTED = 10 /* stopped by a signal or a caller's request */
} vg_status;

/*
 * Short, stable, lower-case name of a status ("ok", "out of memory", ...).
 * @return a static string; never NULL (unknown values give "unknown status").
 * Thread-safe.
 */
const char *vg_status_str(vg_status st);

#ifdef __cplusplus
}
#endif
#endif /* VIGIL_STATUS_H */
