/*
 * import_detect.c — which importer reads a file, decided by content (never by extension), the
 * way libarchive's format readers bid: every importer looks at the first bytes and bids; the
 * highest bid wins. Bids follow the order and tell-tale bytes of HASHLISTS.md §14: specific
 * signatures (VICS JSON, `vigil hash` JSON lines, %%%% HASHDEEP, exact NSRL/HashKeeper headers)
 * outbid the header-driven CSV, which outbids ClamAV's colon form, PDQ lines, sum lines and
 * plain hex, in that order.
 * A forced format (--format NAME) skips the bidding.
 */
#include "import_impl.h"

#include <string.h>

/* Detection order = table order; bids decide, the order only breaks ties and lists names. */
static const imp_format formats[] = {
    {"encase", imp_encase_bid, imp_encase_read},
    {"vics", imp_vics_bid, imp_vics_read},
    {"jsonl", imp_jsonl_bid, imp_jsonl_read},
    {"hashdeep", imp_hashdeep_bid, imp_hashdeep_read},
    {"nsrl", imp_nsrl_bid, imp_nsrl_read},
    {"hashkeeper", imp_hashkeeper_bid, imp_hashkeeper_read},
    {"csv", imp_csv_bid, imp_csv_read},
    {"clamav", imp_clamav_bid, imp_clamav_read},
    {"pdq", imp_pdq_bid, imp_pdq_read},
    {"sum", imp_sum_bid, imp_sum_read},
    {"plain", imp_plain_bid, imp_plain_read},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

static const char *const format_names[NFORMATS + 1] = {"encase", "vics",       "jsonl", "hashdeep",
                                                       "nsrl",   "hashkeeper", "csv",   "clamav",
                                                       "pdq",    "sum",        "plain", NULL};

const char *const *vg_hset_import_formats(void) {
    return format_names;
}

const imp_format *imp_format_find(const char *name) {
    for (size_t i = 0; i < NFORMATS; i++)
        if (!strcmp(formats[i].name, name))
            return &formats[i];
    return NULL;
}

const imp_format *imp_detect(const imp_prefix *pf) {
    const imp_format *best = NULL;
    int best_bid = 0;
    for (size_t i = 0; i < NFORMATS; i++) {
        int b = formats[i].bid(pf);
        if (b > best_bid) {
            best_bid = b;
            best = &formats[i];
        }
    }
    return best;
}

const char *vg_hset_import_detect(const void *buf, size_t len) {
    imp_prefix pf = {buf, len, true};
    if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
        pf.p += 3;
        pf.n -= 3;
    }
    const imp_format *f = imp_detect(&pf);
    return f ? f->name : NULL;
}

/* ---- prefix scanning for the bidders ---- */

bool pf_line(const imp_prefix *pf, size_t *off, const char **l, size_t *n) {
    if (*off >= pf->n)
        return false;
    const char *s = pf->p + *off;
    size_t avail = pf->n - *off;
    const char *lf = memchr(s, '\n', avail);
    if (!lf && !pf->whole)
        return false; /* a line cut off by the end of the prefix proves nothing */
    size_t len = lf ? (size_t)(lf - s) : avail;
    *off += lf ? len + 1 : len;
    if (len > 0 && s[len - 1] == '\r')
        len--;
    *l = s;
    *n = len;
    return true;
}

bool pf_first_data(const imp_prefix *pf, const char **l, size_t *n) {
    size_t off = 0;
    while (pf_line(pf, &off, l, n)) {
        size_t i = 0;
        while (i < *n && ((*l)[i] == ' ' || (*l)[i] == '\t'))
            i++;
        if (i < *n && (*l)[i] != '#')
            return true;
    }
    return false;
}
