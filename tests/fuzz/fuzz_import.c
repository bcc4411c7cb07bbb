/*
 * fuzz_import.c — the hash-list importers (hashsets/import_*.c) on arbitrary list files.
 *
 * Built once per importer: VIGIL_FUZZ_FORMAT names the format forced with set_format(), or
 * "auto" for content detection (the bidding of import_detect.c, then whichever importer wins).
 * The input is the list file itself, so every seed is a real list. Each input is imported twice:
 * with the defaults (stop at the first bad record), and with skip-bad, 64-hex values as PDQ and
 * the known-good role.
 *
 * Invariants: no crash, leak or hang; a failure has a message; statistics agree with what the
 * sink received; every entry is a usable MD5/SHA-1/SHA-256/PDQ value (never empty-file or
 * all-zero), with NUL-terminated strings; a known-good list yields only non-pertinent entries;
 * and no message ever quotes a hash value the list contained (lists are sensitive).
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vigil/hset_import.h"

#ifndef VIGIL_FUZZ_FORMAT
#define VIGIL_FUZZ_FORMAT "auto"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KEEP 64 /* hash values remembered per run, to look for in messages */

struct run {
    bool known_good;
    uint64_t entries;
    size_t n_hex;
    char hex[KEEP][65];
    char msgs[4096]; /* report messages, concatenated (what fits) */
    size_t msgs_len;
};

static size_t hash_len(vg_hash_type t) {
    switch (t) {
    case VG_HT_MD5:
        return 16;
    case VG_HT_SHA1:
        return 20;
    case VG_HT_SHA256:
    case VG_HT_PDQ:
        return 32;
    default:
        return 0;
    }
}

static vg_status sink(void *ctx, const vg_hset_entry *e) {
    struct run *r = ctx;
    size_t n = hash_len(e->type);
    if (n == 0 || e->hash_len != n)
        abort(); /* only matchable types reach the sink */
    bool zero = true;
    for (size_t i = 0; i < n; i++)
        zero = zero && e->hash[i] == 0;
    if (zero)
        abort(); /* all-zero values are rejected */
    if (e->quality < -1 || e->quality > 100)
        abort();
    if (r->known_good && !e->non_pertinent)
        abort(); /* a known-good list can never raise a match */
    const char *s[] = {e->id, e->cat_profile, e->cat_code, e->cat_label, e->name};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (s[i] && strlen(s[i]) > VG_HSET_LINE_MAX)
            abort();
    if (r->n_hex < KEEP) {
        for (size_t i = 0; i < n; i++)
            snprintf(r->hex[r->n_hex] + 2 * i, 3, "%02x", e->hash[i]);
        r->n_hex++;
    }
    r->entries++;
    return VG_OK;
}

static void on_report(void *ctx, const char *msg) {
    struct run *r = ctx;
    size_t n = strlen(msg);
    if (r->msgs_len + n + 1 < sizeof r->msgs) {
        memcpy(r->msgs + r->msgs_len, msg, n);
        r->msgs_len += n;
        r->msgs[r->msgs_len++] = '\n';
        r->msgs[r->msgs_len] = '\0';
    }
}

/* True when text contains the value hex (lower case) in either case. */
static bool quotes(const char *text, const char *hex) {
    size_t n = strlen(hex);
    for (const char *p = text; *p; p++)
        if (strncasecmp(p, hex, n) == 0)
            return true;
    return false;
}

static void check(vg_hset_import *h, vg_status st, const struct run *r) {
    const vg_hset_import_stats *s = vg_hset_import_stats_get(h);
    const char *err = vg_hset_import_errmsg(h);
    if (st != VG_OK && st != VG_E_FORMAT && st != VG_E_UNSUPPORTED && st != VG_E_INVAL &&
        st != VG_E_NOMEM)
        abort();
    if (st != VG_OK && st != VG_E_NOMEM && err[0] == '\0')
        abort(); /* every failure says why */
    if (st == VG_OK && err[0] != '\0')
        abort();
    if (s->entries != r->entries || s->skipped > s->bad)
        abort();
    uint64_t usable = s->by_type[VG_HT_MD5] + s->by_type[VG_HT_SHA1] + s->by_type[VG_HT_SHA256] +
                      s->by_type[VG_HT_PDQ];
    if (usable < s->entries)
        abort();
    for (size_t i = 0; i < r->n_hex; i++)
        if (quotes(err, r->hex[i]) || quotes(r->msgs, r->hex[i]))
            abort(); /* a message gave away a value from the list */
}

static void import_once(const char *path, bool variant) {
    vg_hset_import *h = vg_hset_import_new();
    if (!h)
        return;
    struct run *r = calloc(1, sizeof *r);
    if (!r) {
        vg_hset_import_free(h);
        return;
    }
    if (vg_hset_import_set_format(h, VIGIL_FUZZ_FORMAT) != VG_OK)
        abort();
    if (variant) {
        vg_hset_import_set_skip_bad(h, true);
        if (vg_hset_import_set_type(h, "pdq") != VG_OK ||
            vg_hset_import_set_role(h, "known-good") != VG_OK)
            abort();
        r->known_good = true;
    }
    if (!strcmp(VIGIL_FUZZ_FORMAT, "nsrl"))
        r->known_good = true; /* NSRL is always known-good */
    vg_hset_import_set_report(h, on_report, r);
    vg_status st = vg_hset_import_file(h, path, sink, r);
    check(h, st, r);
    free(r);
    vg_hset_import_free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int fd = -1;
    static char path[64];
    if (size > (1u << 20))
        return 0;
    if (fd < 0) {
        fd = memfd_create("list", 0);
        if (fd < 0)
            abort();
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    if (!strcmp(VIGIL_FUZZ_FORMAT, "auto")) { /* detection names a format set_format takes */
        const char *name = vg_hset_import_detect(data, size);
        vg_hset_import *h = name ? vg_hset_import_new() : NULL;
        if (h && (!strcmp(name, "auto") || vg_hset_import_set_format(h, name) != VG_OK))
            abort();
        vg_hset_import_free(h);
    }
    import_once(path, false);
    import_once(path, true);
    return 0;
}
