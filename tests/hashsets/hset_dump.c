/*
 * hset_dump.c — test driver: import one list with the options `vigil hashlist build` takes and
 * print each entry as "TYPE HEX[ np]" on stdout, then a "# stats ..." line; bad-record reports
 * and the error go to stderr. Exit 0 on success, 1 on import failure, 2 on bad usage.
 * Tests only: vigil itself never prints list contents.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/hset_import.h"

static const char *const type_names[] = {"none", "md5",   "sha1",  "sha256", "pdq",  "photodna",
                                         "tmk",  "phash", "dhash", "ahash",  "other"};

static vg_status sink(void *ctx, const vg_hset_entry *e) {
    (void)ctx;
    printf("%s ", type_names[e->type]);
    for (size_t i = 0; i < e->hash_len; i++)
        printf("%02x", e->hash[i]);
    printf("%s\n", e->non_pertinent ? " np" : "");
    return VG_OK;
}

static void report(void *ctx, const char *msg) {
    (void)ctx;
    fprintf(stderr, "bad: %s\n", msg);
}

static vg_status option(vg_hset_import *h, const char *opt, const char *val) {
    if (!strcmp(opt, "--format"))
        return vg_hset_import_set_format(h, val);
    if (!strcmp(opt, "--type"))
        return vg_hset_import_set_type(h, val);
    if (!strcmp(opt, "--columns"))
        return vg_hset_import_set_columns(h, val);
    if (!strcmp(opt, "--role"))
        return vg_hset_import_set_role(h, val);
    if (!strcmp(opt, "--category-profile"))
        return vg_hset_import_set_category_profile(h, val);
    return VG_E_INVAL;
}

int main(int argc, char **argv) {
    vg_hset_import *h = vg_hset_import_new();
    if (!h)
        return 2;
    int i = 1, rc = 0;
    for (; i < argc - 1; i++) {
        if (!strcmp(argv[i], "--skip-bad")) {
            vg_hset_import_set_skip_bad(h, true);
        } else if (i + 1 < argc - 1 && option(h, argv[i], argv[i + 1]) == VG_OK) {
            i++;
        } else {
            fprintf(stderr, "hset_dump: bad option %s: %s\n", argv[i], vg_hset_import_errmsg(h));
            vg_hset_import_free(h);
            return 2;
        }
    }
    if (i != argc - 1) {
        fprintf(stderr, "usage: hset_dump [OPTIONS] FILE\n");
        vg_hset_import_free(h);
        return 2;
    }
    vg_hset_import_set_report(h, report, NULL);
    vg_status st = vg_hset_import_file(h, argv[i], sink, NULL);
    const vg_hset_import_stats *s = vg_hset_import_stats_get(h);
    const vg_hset_provenance *p = vg_hset_import_provenance(h);
    printf("# stats format=%s records=%llu entries=%llu bad=%llu skipped=%llu empty=%llu "
           "zero=%llu np=%llu photodna=%llu other=%llu\n",
           p->format, (unsigned long long)s->records, (unsigned long long)s->entries,
           (unsigned long long)s->bad, (unsigned long long)s->skipped,
           (unsigned long long)s->empty_digest, (unsigned long long)s->all_zero,
           (unsigned long long)s->non_pertinent, (unsigned long long)s->by_type[VG_HT_PHOTODNA],
           (unsigned long long)s->by_type[VG_HT_OTHER]);
    if (st != VG_OK) {
        fprintf(stderr, "error (%s): %s\n", vg_status_str(st), vg_hset_import_errmsg(h));
        rc = 1;
    }
    vg_hset_import_free(h);
    return rc;
}
