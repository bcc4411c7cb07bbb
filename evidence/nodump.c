/*
 * nodump.c — keeping content out of core dumps (EVIDENCE.md §4): a core file of the scanner
 * would be a "made" copy of whatever image it was decoding. The process switches dumps off once
 * at the start of a scan; buffers that hold file bytes or pixels are also MADV_DONTDUMP (which
 * still matters if something turns dumps back on) and are wiped before they are freed.
 */
#define _GNU_SOURCE /* MADV_DONTDUMP */
#include "vigil/evidence.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/crypto.h>

vg_status vg_ev_nodump_process(void) {
    struct rlimit rl = {0, 0};
    if (setrlimit(RLIMIT_CORE, &rl) != 0)
        return VG_E_IO;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return VG_E_IO;
    return VG_OK;
}

static size_t page_size(void) {
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

vg_status vg_ev_nodump_buffer(void *p, size_t n) {
    if (!p || n == 0)
        return VG_OK;
    size_t ps = page_size();
    size_t head = (size_t)((uintptr_t)p & (ps - 1)); /* bytes before p in its page */
    size_t len = (head + n + ps - 1) / ps * ps;
    return madvise((char *)p - head, len, MADV_DONTDUMP) == 0 ? VG_OK : VG_E_IO;
}

void *vg_ev_secure_alloc(size_t n) {
    size_t ps = page_size();
    size_t len = (n + ps - 1) / ps * ps;
    void *p = NULL;
    if (n == 0 || posix_memalign(&p, ps, len) != 0)
        return NULL;
    (void)vg_ev_nodump_buffer(p, len); /* best effort: still usable if madvise is refused */
    return p;
}

void vg_ev_secure_free(void *p, size_t n) {
    if (!p)
        return;
    OPENSSL_cleanse(p, n);
    free(p);
}
