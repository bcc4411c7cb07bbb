/* status.c — names of vg_status values, for messages and reports. */
#include "vigil/status.h"

const char *vg_status_str(vg_status st) {
    switch (st) {
    case VG_OK:
        return "ok";
    case VG_E_NOMEM:
        return "out of memory";
    case VG_E_INVAL:
        return "invalid argument";
    case VG_E_IO:
        return "input/output error";
    case VG_E_FORMAT:
        return "malformed input";
    case VG_E_LIMIT:
        return "limit exceeded";
    case VG_E_UNSUPPORTED:
        return "unsupported";
    case VG_E_CRYPTO:
        return "cryptographic library failure";
    case VG_E_NOTFOUND:
        return "not found";
    case VG_E_VERIFY:
        return "verification failed";
    case VG_E_INTERRUPTED:
        return "interrupted";
    }
    return "unknown status";
}
