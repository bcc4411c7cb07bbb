/*
 * import_nsrl.c — NIST NSRL RDSv2 NSRLFile.txt (HASHLISTS.md §6.1; NIST "Data Formats of the
 * NSRL Reference Data Set", jessek/hashdeep NSRL_15_HEADER / NSRL_20_HEADER): a quoted CSV
 * with CRLF line ends, format 2.0 "SHA-1","MD5","CRC32","FileName","FileSize",... or the older
 * 1.5 "SHA-1","FileName","FileSize","ProductCode","OpSystemCode","MD4","MD5",...
 * NSRL names known software, never illicit content: every entry is known-good
 * (non-pertinent), whatever --role says. CRC32 and MD4 are ignored.
 */
#include "import_impl.h"

#include <string.h>

static const char v20[] = "\"SHA-1\",\"MD5\",\"CRC32\",\"FileName\",\"FileSize\"";
static const char v15[] = "\"SHA-1\",\"FileName\",\"FileSize\",\"ProductCode\",\"OpSystemCode\","
                          "\"MD4\",\"MD5\"";

static bool starts(const char *l, size_t n, const char *p, size_t pn) {
    return n >= pn && !memcmp(l, p, pn);
}

int imp_nsrl_bid(const imp_prefix *pf) {
    size_t off = 0, n;
    const char *l;
    if (!pf_line(pf, &off, &l, &n))
        return 0;
    return starts(l, n, v20, sizeof v20 - 1) || starts(l, n, v15, sizeof v15 - 1) ? 80 : 0;
}

vg_status imp_nsrl_read(vg_hset_import *h) {
    const char *l = (const char *)h->rd.buf + h->rd.pos;
    size_t n = h->rd.end - h->rd.pos;
    const char *version = starts(l, n, v15, sizeof v15 - 1) ? "1.5" : "2.0";
    imp_copy(h->prov.version, sizeof h->prov.version, version, 3);
    imp_copy(h->prov.name, sizeof h->prov.name, "NSRL RDS", 8);
    imp_csv_preset ps = {.delim = ',', .profile = "nsrl", .known_good = true};
    ps.names[COL_SHA1] = "SHA-1";
    ps.names[COL_MD5] = "MD5";
    ps.names[COL_NAME] = "FileName";
    ps.names[COL_SIZE] = "FileSize";
    return imp_csv_run(h, &ps);
}
