/*
 * import_hashkeeper.c — HashKeeper .hsh sets (HASHLISTS.md §7.4; jessek/hashdeep
 * HASHKEEPER_HEADER, Autopsy HashkeeperHashSetParser): a CSV with the fixed header
 * "file_id","hashset_id","file_name","directory","hash","file_size",... where `hash` is the MD5.
 * HashKeeper sets were alert or ignore sets, so the role is the caller's (--role).
 */
#include "import_impl.h"

#include <string.h>

static const char header[] = "\"file_id\",\"hashset_id\",\"file_name\",\"directory\",\"hash\",";

int imp_hashkeeper_bid(const imp_prefix *pf) {
    size_t off = 0, n;
    const char *l;
    return pf_line(pf, &off, &l, &n) && n >= sizeof header - 1 &&
                   !memcmp(l, header, sizeof header - 1)
               ? 80
               : 0;
}

vg_status imp_hashkeeper_read(vg_hset_import *h) {
    imp_csv_preset ps = {.delim = ','};
    ps.names[COL_MD5] = "hash";
    ps.names[COL_ID] = "file_id";
    ps.names[COL_NAME] = "file_name";
    ps.names[COL_SIZE] = "file_size";
    return imp_csv_run(h, &ps);
}
