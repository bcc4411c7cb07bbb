/*
 * cmd_scan.c — `vigil scan [OPTIONS] PATH... --hashlist LIST.vhs --report DIR`: hash every file
 * (and every archive entry), match digests and image PDQ hashes against the lists, write the
 * report, print a clamscan-like summary. Exit status is a bit set, so "found" never hides
 * "incomplete" (UX.md): 1 match(es), 2 incomplete, 3 both, 4 could not scan.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vigil/cache.h"
#include "vigil/evidence.h"
#include "vigil/ev_seal.h"
#include "vigil/hset.h"
#include "vigil/hset_sign.h"
#include "vigil/scan.h"

#include "cli.h"
#include "pathfmt.h"
#include "scan_ops.h"
#include "scan_report.h"

#ifndef VIGIL_VERSION
#define VIGIL_VERSION "0.0.0"
#endif
#ifndef VIGIL_GIT_HASH
#define VIGIL_GIT_HASH "unknown"
#endif

enum { EXIT_MATCH = 1, EXIT_INCOMPLETE = 2, EXIT_FATAL = 4 };

#define MAX_ARGS 64

struct scan_cli {
    vg_scan_opts o;
    const char *lists[MAX_ARGS];
    size_t n_lists;
    const char *excl[MAX_ARGS], *excl_dir[MAX_ARGS];
    size_t n_excl, n_excl_dir;
    const char *report;
    const char *key;
    const char *list_pubkey;      /* --hashlist-pubkey: lists must carry a signature by this key */
    const char *recipient_origin; /* "FILE:LINE" of a recipient from the settings file */
    vg_ev_opts ev;                /* the report: key, recipient, case.jsonld, summary.tsq */
    bool preserve;
    const char *cache_path; /* --cache FILE, or the default */
    bool no_cache;
    char cache_default[4096];
    bool quiet;
    /* unattended runs (scan_ops.h): settings file, lock, syslog, priority, retention */
    scan_ops ops;
    const char *list_origin[MAX_ARGS]; /* "FILE:LINE" of each --hashlist from the file */
    bool list_cleared[3];              /* a list option was given on the command line */
    const char *const *roots;
    size_t n_roots;
    const char *cmdline_set[MAX_ARGS * 2]; /* options given on the command line */
    size_t n_cmdline_set;
};

static atomic_bool g_cancel;

static void on_signal(int sig) {
    (void)sig;
    atomic_store(&g_cancel, true);
}

/* ---- help ---- */

static void scan_usage(FILE *f) {
    fputs("Usage: vigil scan [OPTIONS] PATH... --hashlist LIST.vhs --report DIR --sign-key KEY\n"
          "Hash every file under PATH (and every entry of archives inside), match MD5, SHA-1,\n"
          "SHA-256 and, for images, PDQ against the hash lists, and write a report. Nothing\n"
          "is ever displayed: paths, hashes, counts and reasons only.\n\n"
          "  --hashlist FILE        compiled hash list (.vhs); repeat for several (required)\n"
          "      --hashlist-pubkey KEY  refuse a list without a valid signature (LIST.vhs.sig,\n"
          "                         vigil hashlist sign) by this trusted Ed25519 key (PEM)\n"
          "  --report DIR           folder that receives the report folder (created 0700)\n"
          "  --sign-key FILE        Ed25519 key (vigil keygen) that seals the report (required)\n"
          "      --preserve         keep an encrypted copy of each matched file in the report\n"
          "                         (preserved/*.cms, CMS AES-256-GCM; needs --recipient)\n"
          "      --recipient CERT   the investigator's X.509 certificate (PEM) to encrypt to\n"
          "      --preserve-cap SIZE  largest file preserved (default 1G); larger: recorded\n"
          "      --max-preserve-size SIZE  all of preserved/ (default 16G): a file whose\n"
          "                         container would cross it is recorded, not preserved\n"
          "      --case             also write case.jsonld (CASE/UCO 1.4)\n"
          "      --tsq              also write summary.tsq (RFC 3161 request, stamp it later)\n"
          "  -j, --jobs N           hashing threads (default: online CPUs)\n"
          "      --exclude GLOB     skip files matching GLOB (fnmatch; a GLOB with '/' is\n"
          "                         matched against the whole path, else the file name)\n"
          "      --exclude-dir GLOB do not enter directories matching GLOB\n"
          "      --follow-symlinks  follow symbolic links (loops detected by device+inode)\n"
          "      --one-file-system  do not enter directories on other file systems\n"
          "      --pdq-threshold N  largest PDQ distance that matches (default 31)\n"
          "      --min-quality N    PDQ quality below which a hash is recorded, not matched\n"
          "                         (default 50)\n"
          "      --pdq-convention full|cli  PDQ of the full-resolution pixels (default), or\n"
          "                         as Meta's C++ CLI (512x512 resize first)\n"
          "      --no-dihedral      match the PDQ as is only, not its 7 mirrored/rotated forms\n"
          "      --exact-decode     no fast screen: compute every image's exact PDQ (slower;\n"
          "                         matches are the same)\n"
          "      --max-depth N      archive nesting depth (default 17)\n"
          "      --max-files N      entries examined per top-level file (default 10000)\n"
          "      --max-entry-size SIZE  bytes expanded from one archive entry, and the largest\n"
          "                         image decoded (default 100M)\n"
          "      --max-scan-size SIZE   bytes expanded per top-level file, all depths\n"
          "                         (default 400M)\n"
          "      --max-ratio N      expanded:compressed ratio that stops an archive once 10M\n"
          "                         are expanded (default 1000; 0 = off)\n"
          "      --max-time SECONDS time per top-level file (default 120; 0 = off)\n"
          "      --max-pixels N     largest image decoded for PDQ, width x height, checked\n"
          "                         from its header (default 100000000)\n"
          "      --max-image-memory SIZE  memory to decode one image (default 1G)\n"
          "      --max-report-size SIZE  records.jsonl stops growing here: a limit record,\n"
          "                         the scan stops, the report is sealed (default 4G)\n"
          "      --cache FILE       incremental cache: files whose device, inode, size, mtime\n"
          "                         and ctime are unchanged are not read again; their stored\n"
          "                         hashes are matched against today's lists (default\n"
          "                         /var/lib/vigil/cache.sqlite as root, else\n"
          "                         $XDG_CACHE_HOME/vigil/cache.sqlite)\n"
          "      --no-cache         read every file (a full forensic pass); cache untouched\n"
          "  -q, --quiet            no progress line, no summary\n"
          "  -h, --help             show this help\n"
          "      --version          show version and libraries\n\n" VG_OPS_HELP "\n"
          "SIZE takes K, M or G (binary). FIFOs, sockets and devices are never opened;\n"
          "symlinks are not followed unless asked; every path not hashed is recorded with its\n"
          "reason; a limit hit is recorded, never treated as clean.\n\n"
          "Exit status (a bit set):\n"
          "  0  complete, no match\n"
          "  1  at least one match\n"
          "  2  incomplete: errors or limits hit, a match not preserved, or interrupted\n"
          "  3  matches and incomplete\n"
          "  4  could not scan: bad usage, unusable hash list, report not writable\n"
          "  8  not scanned: another scan with the same settings holds the lock\n",
          f);
}

/* ---- options ---- */

static bool parse_u64(const char *s, uint64_t max, uint64_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    uint64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024;
    else if (*end == 'G' || *end == 'g')
        mul = 1024 * 1024 * 1024;
    if (mul != 1)
        end++;
    if (errno || end == s || *end || *s == '-' || v > max / mul)
        return false;
    *out = (uint64_t)v * mul;
    return true;
}

enum {
    OPT_HASHLIST = 256,
    OPT_LIST_PUBKEY,
    OPT_REPORT,
    OPT_KEY,
    OPT_EXCLUDE,
    OPT_EXCLUDE_DIR,
    OPT_FOLLOW,
    OPT_ONE_FS,
    OPT_PDQ_THRESHOLD,
    OPT_MIN_QUALITY,
    OPT_MAX_DEPTH,
    OPT_MAX_FILES,
    OPT_MAX_ENTRY,
    OPT_MAX_SCAN,
    OPT_MAX_RATIO,
    OPT_MAX_TIME,
    OPT_MAX_PIXELS,
    OPT_MAX_IMAGE_MEMORY,
    OPT_MAX_REPORT,
    OPT_CACHE,
    OPT_NO_CACHE,
    OPT_PRESERVE,
    OPT_RECIPIENT,
    OPT_PRESERVE_CAP,
    OPT_MAX_PRESERVE,
    OPT_CASE,
    OPT_TSQ,
    OPT_CONVENTION,
    OPT_NO_DIHEDRAL,
    OPT_EXACT_DECODE,
    OPT_VERSION
};

static const struct option scan_opts[] = {
    {"hashlist", required_argument, NULL, OPT_HASHLIST},
    {"hashlist-pubkey", required_argument, NULL, OPT_LIST_PUBKEY},
    {"report", required_argument, NULL, OPT_REPORT},
    {"sign-key", required_argument, NULL, OPT_KEY},
    {"jobs", required_argument, NULL, 'j'},
    {"exclude", required_argument, NULL, OPT_EXCLUDE},
    {"exclude-dir", required_argument, NULL, OPT_EXCLUDE_DIR},
    {"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
    {"one-file-system", no_argument, NULL, OPT_ONE_FS},
    {"pdq-threshold", required_argument, NULL, OPT_PDQ_THRESHOLD},
    {"min-quality", required_argument, NULL, OPT_MIN_QUALITY},
    {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
    {"max-files", required_argument, NULL, OPT_MAX_FILES},
    {"max-entry-size", required_argument, NULL, OPT_MAX_ENTRY},
    {"max-scan-size", required_argument, NULL, OPT_MAX_SCAN},
    {"max-ratio", required_argument, NULL, OPT_MAX_RATIO},
    {"max-time", required_argument, NULL, OPT_MAX_TIME},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"max-image-memory", required_argument, NULL, OPT_MAX_IMAGE_MEMORY},
    {"max-report-size", required_argument, NULL, OPT_MAX_REPORT},
    {"cache", required_argument, NULL, OPT_CACHE},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"preserve", no_argument, NULL, OPT_PRESERVE},
    {"recipient", required_argument, NULL, OPT_RECIPIENT},
    {"preserve-cap", required_argument, NULL, OPT_PRESERVE_CAP},
    {"max-preserve-size", required_argument, NULL, OPT_MAX_PRESERVE},
    {"case", no_argument, NULL, OPT_CASE},
    {"tsq", no_argument, NULL, OPT_TSQ},
    {"pdq-convention", required_argument, NULL, OPT_CONVENTION},
    {"no-dihedral", no_argument, NULL, OPT_NO_DIHEDRAL},
    {"exact-decode", no_argument, NULL, OPT_EXACT_DECODE},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    VG_OPS_LONGOPTS,
    {NULL, 0, NULL, 0}};
static const char *const scan_list_opts[] = {"hashlist", "exclude", "exclude-dir", NULL};
#define SCAN_SHORTOPTS "j:qh"

static bool convention(const char *arg, struct scan_cli *s) {
    if (!strcmp(arg, "full") || !strcmp(arg, "cli")) {
        s->o.pdq_convention = !strcmp(arg, "cli") ? VG_PDQ_CLI : VG_PDQ_FULLRES;
        return true;
    }
    vg_cli_err("scan: --pdq-convention takes full or cli, not '%s'", arg);
    return false;
}

/* A numeric option: @return false (message printed) when out of range. */
static bool number(int c, const char *arg, struct scan_cli *s, const char *name,
                   const char *origin) {
    uint64_t v;
    vg_arc_limits *l = &s->o.limits;
    uint64_t max = c == OPT_PDQ_THRESHOLD ? VG_HSET_MAX_RADIUS
                   : c == OPT_MIN_QUALITY ? 100
                   : c == 'j'             ? 256
                   : c == OPT_MAX_DEPTH   ? 10000
                                          : UINT64_MAX / 1000;
    bool nonzero = c == 'j' || c == OPT_MAX_PIXELS || c == OPT_MAX_IMAGE_MEMORY ||
                   c == OPT_MAX_REPORT || c == OPT_MAX_PRESERVE || c == OPT_PRESERVE_CAP;
    if (!parse_u64(arg, max, &v) || (nonzero && v == 0)) {
        scan_ops_bad_value(origin, name, arg);
        return false;
    }
    switch (c) {
    case 'j':
        s->o.jobs = (unsigned)v;
        break;
    case OPT_PDQ_THRESHOLD:
        s->o.pdq_threshold = (unsigned)v;
        break;
    case OPT_MIN_QUALITY:
        s->o.min_quality = (int)v;
        break;
    case OPT_MAX_DEPTH:
        l->max_depth = (unsigned)v;
        break;
    case OPT_MAX_FILES:
        l->max_files = v;
        break;
    case OPT_MAX_ENTRY:
        l->max_entry_bytes = v;
        break;
    case OPT_MAX_SCAN:
        l->max_total_bytes = v;
        break;
    case OPT_MAX_RATIO:
        l->max_ratio = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
        break;
    case OPT_MAX_TIME:
        l->max_time_ms = v * 1000;
        break;
    case OPT_PRESERVE_CAP:
        s->ev.preserve_cap = v;
        break;
    case OPT_MAX_PRESERVE:
        s->ev.max_preserve_size = v;
        break;
    case OPT_MAX_PIXELS:
        s->o.img.max_pixels = v;
        break;
    case OPT_MAX_IMAGE_MEMORY:
        s->o.img.max_bytes = v;
        break;
    case OPT_MAX_REPORT:
        s->ev.max_report_size = v;
        break;
    }
    return true;
}

static bool append(const char **arr, size_t *n, const char *v) {
    if (*n == MAX_ARGS) {
        vg_cli_err("scan: too many repeated options (at most %d)", MAX_ARGS);
        return false;
    }
    arr[(*n)++] = v;
    return true;
}

/* A list option's value; a list given on the command line replaces the settings file's
 * (which: 0 hashlist, 1 exclude, 2 exclude-dir). */
static bool add_list(struct scan_cli *s, int which, const char **arr, size_t *n, const char *v,
                     const char *origin) {
    if (!origin && !s->list_cleared[which]) {
        s->list_cleared[which] = true;
        *n = 0;
    }
    if (which == 0 && *n < MAX_ARGS)
        s->list_origin[*n] = origin;
    return append(arr, n, v);
}

/* @return 0 to scan, 1 when done (help/version), -1 on bad usage. argv: the settings file's
 * options, then the command line's (scan_ops_config()). */
static int parse_opts(struct scan_cli *s, int argc, char **argv) {
    int c, idx = -1;
    optind = 1;
    while ((c = getopt_long(argc, argv, SCAN_SHORTOPTS, scan_opts, &idx)) != -1) {
        bool ok = true;
        const char *origin = scan_ops_origin(&s->ops, optind);
        const char *name = c == 'j' ? "jobs" : idx >= 0 ? scan_opts[idx].name : "?";
        idx = -1;
        if (!origin && s->n_cmdline_set < MAX_ARGS * 2)
            s->cmdline_set[s->n_cmdline_set++] = name;
        if (c == OPT_HASHLIST)
            ok = add_list(s, 0, s->lists, &s->n_lists, optarg, origin);
        else if (c == OPT_LIST_PUBKEY)
            s->list_pubkey = optarg;
        else if (c == OPT_REPORT)
            s->report = optarg;
        else if (c == OPT_KEY)
            s->key = optarg;
        else if (c == OPT_EXCLUDE)
            ok = add_list(s, 1, s->excl, &s->n_excl, optarg, origin);
        else if (c == OPT_EXCLUDE_DIR)
            ok = add_list(s, 2, s->excl_dir, &s->n_excl_dir, optarg, origin);
        else if (c == OPT_FOLLOW)
            s->o.walk.follow_symlinks = true;
        else if (c == OPT_ONE_FS)
            s->o.walk.one_file_system = true;
        else if (c == OPT_CACHE)
            s->cache_path = optarg;
        else if (c == OPT_NO_CACHE)
            s->no_cache = true;
        else if (c == OPT_PRESERVE)
            s->preserve = true;
        else if (c == OPT_RECIPIENT)
            s->ev.recipient_cert = optarg, s->recipient_origin = origin;
        else if (c == OPT_CASE)
            s->ev.write_case = true;
        else if (c == OPT_TSQ)
            s->ev.write_tsq = true;
        else if (c == OPT_NO_DIHEDRAL)
            s->o.no_dihedral = true;
        else if (c == OPT_CONVENTION)
            ok = convention(optarg, s);
        else if (c == OPT_EXACT_DECODE)
            s->o.exact_decode = true;
        else if (c == 'q')
            s->quiet = true;
        else if (c == 'h')
            return scan_usage(stdout), 1;
        else if (c == OPT_VERSION)
            return vg_cli_version(stdout), 1;
        else if (c == 'j' || (c >= OPT_PDQ_THRESHOLD && c <= OPT_MAX_REPORT) ||
                 c == OPT_PRESERVE_CAP || c == OPT_MAX_PRESERVE)
            ok = number(c, optarg, s, name, origin);
        else if (c >= VG_OPS_CONFIG && c < VG_OPS_END)
            ok = scan_ops_opt(&s->ops, c, optarg, origin);
        else
            return fputs("Try 'vigil scan --help'.\n", stderr), -1;
        if (!ok)
            return -1;
    }
    s->roots = (const char *const *)argv + optind; /* else the settings file's paths */
    s->n_roots = (size_t)(argc - optind);
    if (!s->n_roots) {
        s->roots = (const char *const *)s->ops.conf.path;
        s->n_roots = s->ops.conf.n_path;
    }
    if (!s->preserve && s->recipient_origin) /* the file's recipient, preservation off */
        s->ev.recipient_cert = NULL;
    if (!s->n_roots || !s->n_lists || !s->report || !s->key ||
        s->preserve != (s->ev.recipient_cert != NULL)) {
        vg_cli_err("scan: %s (try 'vigil scan --help')",
                   !s->n_roots   ? "no PATH given"
                   : !s->n_lists ? "--hashlist is required"
                   : !s->report  ? "--report is required"
                   : !s->key     ? "--sign-key is required (make one with vigil keygen)"
                   : s->preserve ? "--preserve needs --recipient CERT.pem"
                                 : "--recipient is only used with --preserve");
        return -1;
    }
    s->ev.parent = s->report;
    s->ev.sign_key = s->key;
    s->o.keep_matched = s->preserve;
    s->o.walk.exclude = s->excl;
    s->o.walk.n_exclude = s->n_excl;
    s->o.walk.exclude_dir = s->excl_dir;
    s->o.walk.n_exclude_dir = s->n_excl_dir;
    return 0;
}

/* Where settings came from: the settings file and its lines ("jobs.source=FILE:LINE") for each
 * setting in effect from it; the others came from the command line (recorded as such) or are
 * defaults. */
static void config_sources(const struct scan_cli *s, vg_conf_text *t) {
    const vg_conf *c = &s->ops.conf;
    if (!s->ops.config)
        return;
    vg_conf_text_add(t, "config=%s", s->ops.config);
    for (size_t i = 0; i < c->n_opt; i++) {
        const char *key = c->opt[i] + 2;
        size_t len = strcspn(key, "=");
        bool overridden = c->off && c->off[i]; /* switched off on the command line */
        for (size_t j = 0; j < s->n_cmdline_set && !overridden; j++)
            overridden = strlen(s->cmdline_set[j]) == len && !strncmp(s->cmdline_set[j], key, len);
        if (!overridden)
            vg_conf_text_add(t, "%.*s.source=%s", (int)len, key, c->origin[i]);
    }
    for (size_t i = 0; s->roots == (const char *const *)c->path && i < c->n_path; i++)
        vg_conf_text_add(t, "path.source=%s", c->path_origin[i]);
}

/* "KEY=VALUE" of a size setting whose 0 stands for its default: the value in effect. */
static void conf_size(vg_conf_text *t, const char *key, uint64_t v, uint64_t dflt) {
    vg_conf_text_add(t, "%s=%llu", key, (unsigned long long)(v ? v : dflt));
}

/* The effective configuration, for the scan_start record (each value whole, never cut). */
static void config_text(const struct scan_cli *s, vg_conf_text *t) {
    const vg_scan_opts *o = &s->o;
    vg_conf_text_add(t, "jobs=%u", o->jobs);
    vg_conf_text_add(t, "pdq-threshold=%u", o->pdq_threshold);
    vg_conf_text_add(t, "min-quality=%d", o->min_quality);
    vg_conf_text_add(t, "pdq-convention=%s", o->pdq_convention == VG_PDQ_CLI ? "cli" : "full");
    vg_conf_text_add(t, "dihedral=%s", o->no_dihedral ? "no" : "yes");
    vg_conf_text_add(t, "preserve=%s", s->preserve ? "yes" : "no");
    vg_conf_text_add(t, "hashlist-signature=%s", s->list_pubkey ? "required" : "not checked");
    vg_conf_text_add(t, "exact-decode=%s", o->exact_decode ? "yes" : "no");
    vg_conf_text_add(t, "max-depth=%u", o->limits.max_depth);
    vg_conf_text_add(t, "max-files=%llu", (unsigned long long)o->limits.max_files);
    vg_conf_text_add(t, "max-entry-size=%llu", (unsigned long long)o->limits.max_entry_bytes);
    vg_conf_text_add(t, "max-scan-size=%llu", (unsigned long long)o->limits.max_total_bytes);
    vg_conf_text_add(t, "max-ratio=%u", o->limits.max_ratio);
    vg_conf_text_add(t, "max-time-ms=%llu", (unsigned long long)o->limits.max_time_ms);
    conf_size(t, "max-pixels", o->img.max_pixels, VG_IMG_MAX_PIXELS_DEFAULT);
    conf_size(t, "max-image-memory", o->img.max_bytes, VG_IMG_MAX_BYTES_DEFAULT);
    conf_size(t, "max-report-size", s->ev.max_report_size, VG_EV_MAX_REPORT_DEFAULT);
    conf_size(t, "preserve-cap", s->ev.preserve_cap, VG_EV_PRESERVE_CAP_DEFAULT);
    conf_size(t, "max-preserve-size", s->ev.max_preserve_size, VG_EV_MAX_PRESERVE_DEFAULT);
    vg_conf_text_add(t, "follow-symlinks=%s", o->walk.follow_symlinks ? "yes" : "no");
    vg_conf_text_add(t, "one-file-system=%s", o->walk.one_file_system ? "yes" : "no");
    vg_conf_text_add(t, "cache=%s", o->cache ? "yes" : "no");
    for (size_t i = 0; i < s->n_excl; i++)
        vg_conf_text_add(t, "exclude=%s", s->excl[i]);
    for (size_t i = 0; i < s->n_excl_dir; i++)
        vg_conf_text_add(t, "exclude-dir=%s", s->excl_dir[i]);
    config_sources(s, t);
    scan_ops_config_text(&s->ops, t);
}

/* ---- progress and summary ---- */

struct progress {
    scan_report *rep;
    vg_slog *log;
    bool tty;
    struct timespec start, last;
    unsigned long long files, bytes, matches;
};

static double secs_between(const struct timespec *a, const struct timespec *b) {
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static vg_status on_record(void *ctx, const vg_scan_rec *r) {
    struct progress *p = ctx;
    vg_status st = scan_report_rec(p->rep, r);
    vg_slog_rec(p->log, r, p->rep->lists);
    if (r->kind == VG_SCAN_FILE) {
        p->files++;
        p->bytes += r->dg.size;
        p->matches += r->n_matches;
    }
    if (p->tty) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (secs_between(&p->last, &now) >= 0.25) {
            double t = secs_between(&p->start, &now);
            fprintf(stderr, "\r\033[K%llu files, %.1f MB, %.1f MB/s, %llu matches", p->files,
                    (double)p->bytes / 1e6, t > 0 ? (double)p->bytes / 1e6 / t : 0.0, p->matches);
            p->last = now;
        }
    }
    return st;
}

static bool incomplete(const vg_scan_stats *st, const scan_report *rep) {
    return vg_scan_incomplete(st) || rep->not_preserved > 0 || rep->full || rep->record_limits;
}

static void summary(const struct scan_cli *s, const scan_report *rep, const vg_scan_stats *st,
                    double secs) {
    printf("\n----------- SCAN SUMMARY -----------\n");
    printf("Hash lists: %zu\n", s->n_lists);
    printf("Files scanned: %llu\n", (unsigned long long)st->files);
    printf("Archive entries scanned: %llu\n", (unsigned long long)st->entries);
    printf("From cache: %llu\n", (unsigned long long)st->cached);
    printf("Images: %llu\n", (unsigned long long)st->images);
    printf("Data scanned: %.2f MB\n", (double)st->bytes / 1e6);
    printf("Matches: %llu in %llu files (confirmed %llu, probable %llu)\n",
           (unsigned long long)st->matches, (unsigned long long)st->matched, rep->confirmed,
           rep->probable);
    printf("Skipped: %llu (excluded %llu, symlinks %llu, special files %llu, other %llu)\n",
           (unsigned long long)st->skipped, (unsigned long long)st->skip_by_reason[VG_WR_EXCLUDED],
           (unsigned long long)st->skip_by_reason[VG_WR_SYMLINK],
           (unsigned long long)st->skip_by_reason[VG_WR_SPECIAL],
           (unsigned long long)(st->skipped - st->skip_by_reason[VG_WR_EXCLUDED] -
                                st->skip_by_reason[VG_WR_SYMLINK] -
                                st->skip_by_reason[VG_WR_SPECIAL]));
    printf("Changed while read: %llu\n", (unsigned long long)st->changed);
    printf("Errors: %llu\n", (unsigned long long)st->errors);
    for (int e = 1; e < SCAN_REPORT_ERRNOS; e++) /* grouped by errno, e.g. EACCES */
        if (rep->err_by_errno[e])
            printf("  %s: %llu\n", strerror(e), rep->err_by_errno[e]);
    if (rep->err_by_errno[0] && rep->err_by_errno[0] != st->errors)
        printf("  other (not a system error): %llu\n", rep->err_by_errno[0]);
    printf("Limits hit: %llu\n", (unsigned long long)(st->limits + rep->record_limits + rep->full));
    if (rep->full)
        printf("Report full: records.jsonl reached --max-report-size; scan stopped\n");
    if (rep->preserve)
        printf("Preserved: %llu (not preserved %llu)\n", rep->preserved, rep->not_preserved);
    if (st->interrupted)
        printf("Interrupted: yes\n");
    printf("Time: %.3f sec\n", secs);
    printf("Coverage: %s\n", incomplete(st, rep) ? "INCOMPLETE (see the report)" : "complete");
    printf("Report: ");
    vg_shell_write_name(stdout, rep->dir);
    printf("\n(check it with: vigil verify REPORT --pubkey KEY.pub)\n");
}

/* ---- run ---- */

static int open_lists(struct scan_cli *s, vg_hset **hs) {
    for (size_t i = 0; i < s->n_lists; i++) {
        char err[256];
        if (vg_hset_open(&hs[i], s->lists[i], 0, err, sizeof err) != VG_OK) {
            if (s->list_origin[i]) /* from the settings file: name its line */
                vg_cli_err("%s: hashlist: %s", s->list_origin[i], err);
            else
                vg_cli_path_err(s->lists[i], err);
            return -1;
        }
        if (s->list_pubkey) { /* a trusted supplier key: the list must be signed by it */
            char sig[4096];
            snprintf(sig, sizeof sig, "%s%s", s->lists[i], VG_HSET_SIG_SUFFIX);
            if (vg_hset_verify(hs[i], sig, s->list_pubkey, err, sizeof err) != VG_OK) {
                char why[512]; /* a list from the settings file: name its line too */
                snprintf(why, sizeof why, "%s%s%s%s", err,
                         s->list_origin[i] ? " (hashlist at " : "",
                         s->list_origin[i] ? s->list_origin[i] : "", s->list_origin[i] ? ")" : "");
                vg_cli_path_err(s->lists[i], why);
                return -1;
            }
        }
    }
    return 0;
}

/* The cache only saves work: when it cannot be opened, say so and scan without it. */
static void open_cache(struct scan_cli *s) {
    if (s->no_cache)
        return;
    const char *path = s->cache_path;
    if (!path) {
        if (vg_cache_default_path(s->cache_default, sizeof s->cache_default) != VG_OK) {
            vg_cli_err("scan: no cache location known; scanning without a cache");
            return;
        }
        path = s->cache_default;
    }
    /* The cache serves only hashes made by this vigil with these settings. */
    char err[256], producer[512];
    if (vg_scan_producer(&s->o, "vigil " VIGIL_VERSION " build " VIGIL_GIT_HASH, producer,
                         sizeof producer) != VG_OK ||
        vg_cache_open(&s->o.cache, path, producer, err, sizeof err) != VG_OK) {
        vg_cli_path_err(path, err);
        vg_cli_err("scan: scanning without a cache");
        s->o.cache = NULL;
    }
}

static int scan_with(struct scan_cli *s, vg_hset **hs, int argc, char **argv) {
    scan_report rep;
    if (scan_report_open(&rep, &s->ev) != 0) {
        scan_report_close(&rep);
        return EXIT_FATAL;
    }
    rep.lists = (const vg_hset *const *)hs;
    rep.list_paths = s->lists;
    rep.n_lists = s->n_lists;
    if (!s->o.jobs) { /* record the effective number */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        s->o.jobs = n < 1 ? 1u : n > 256 ? 256u : (unsigned)n;
    }
    vg_conf_text cfg = {0};
    config_text(s, &cfg);
    const char *const *roots = s->roots;
    size_t n_roots = s->n_roots;
    /* The command line as run, from argv[0] (the program), not from "scan" on. */
    if (cfg.nomem)
        vg_cli_err("scan: out of memory");
    if (cfg.nomem ||
        scan_report_start(&rep, roots, n_roots, (const char *const *)cfg.s, cfg.n,
                          vg_cli_argv ? vg_cli_argc : argc, vg_cli_argv ? vg_cli_argv : argv)) {
        vg_conf_text_free(&cfg);
        scan_report_close(&rep);
        return EXIT_FATAL;
    }
    vg_conf_text_free(&cfg);
    vg_slog_start(&s->ops.log, s->ops.config, n_roots, s->n_lists, rep.dir);
    struct progress p = {
        .rep = &rep, .log = &s->ops.log, .tty = !s->quiet && isatty(STDERR_FILENO)};
    clock_gettime(CLOCK_MONOTONIC, &p.start);
    s->o.lists = (const vg_hset *const *)hs;
    s->o.n_lists = s->n_lists;
    s->o.cancel = &g_cancel;
    vg_scan_stats st;
    vg_status rc = vg_scan_run(&s->o, roots, n_roots, on_record, &p, &st);
    struct timespec end;
    clock_gettime(CLOCK_MONOTONIC, &end);
    if (p.tty)
        fputs("\r\033[K", stderr);
    int code = 0;
    if (rc != VG_OK && rc != VG_E_INTERRUPTED && !rep.full) {
        vg_cli_err("scan: %s", vg_status_str(rc));
        code = EXIT_FATAL;
    } else if (scan_report_end(&rep, &st) != 0) {
        code = EXIT_FATAL;
    } else {
        code = (st.matches ? EXIT_MATCH : 0) | (incomplete(&st, &rep) ? EXIT_INCOMPLETE : 0);
    }
    vg_slog_end(&s->ops.log, code, &st, secs_between(&p.start, &end), rep.dir);
    if (!s->quiet)
        summary(s, &rep, &st, secs_between(&p.start, &end));
    if (code != EXIT_FATAL && !st.interrupted)
        scan_ops_retain(&s->ops, s->report, rep.dir, s->key);
    scan_report_close(&rep);
    return code;
}

int vg_cmd_scan(int argc, char **argv) {
    struct scan_cli s = {0};
    vg_scan_opts_default(&s.o);
    int rc = scan_ops_config(&s.ops, scan_opts, SCAN_SHORTOPTS, scan_list_opts, argc, argv) != 0
                 ? -1
                 : parse_opts(&s, s.ops.argc, s.ops.argv);
    if (rc == 0 && (rc = scan_ops_begin(&s.ops)) != 0) {
        scan_ops_end(&s.ops);
        return rc;
    }
    if (rc != 0) {
        scan_ops_end(&s.ops);
        return rc > 0 ? 0 : EXIT_FATAL;
    }
    vg_ev_nodump_process(); /* no core dump may hold decoded images */
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    vg_hset *hs[MAX_ARGS] = {0};
    int code = open_lists(&s, hs) == 0 ? 0 : EXIT_FATAL;
    if (code == 0)
        open_cache(&s);
    if (code == 0)
        code = scan_with(&s, hs, argc, argv);
    vg_cache_close(s.o.cache);
    for (size_t i = 0; i < s.n_lists; i++)
        vg_hset_close(hs[i]);
    scan_ops_end(&s.ops);
    return code;
}

/* ---- vigil config check ---- */

/* The signing key is loaded to check it; only its key id is printed, never the key. */
static int check_key(const struct scan_cli *s) {
    vg_ev_signer *signer = NULL;
    if (vg_ev_signer_load(s->key, &signer) != VG_OK) {
        vg_cli_path_err(s->key, "not a readable Ed25519 private key (sign-key)");
        return -1;
    }
    vg_ev_pubkey pub;
    vg_ev_signer_pubkey(signer, &pub);
    vg_ev_signer_free(signer);
    char id[17];
    vg_ev_keyid_text(pub.key_id, id);
    printf("sign-key = %s (Ed25519, key id %s)\n", s->key, id);
    return 0;
}

/* The other keys, by path and what they are, never their contents: the list supplier's public
 * key (every list's signature was checked by open_lists()) and the investigator's certificate. */
static int check_other_keys(const struct scan_cli *s) {
    char id[17], err[256];
    const char *transport, *why;
    if (s->list_pubkey) {
        if (vg_hset_key_id(s->list_pubkey, id, err, sizeof err) != VG_OK) {
            vg_cli_path_err(s->list_pubkey, err);
            return -1;
        }
        printf("hashlist-pubkey = %s (Ed25519, key id %s; every list's signature verifies)\n",
               s->list_pubkey, id);
    }
    if (s->ev.recipient_cert) {
        if (vg_ev_recipient_check(s->ev.recipient_cert, &transport, &why) != VG_OK) {
            vg_cli_path_err(s->ev.recipient_cert, why);
            return -1;
        }
        printf("recipient = %s (X.509 certificate, %s)\n", s->ev.recipient_cert, transport);
    }
    return 0;
}

int vg_scan_check(int argc, char **argv) {
    struct scan_cli s = {0};
    vg_scan_opts_default(&s.o);
    int rc = scan_ops_config(&s.ops, scan_opts, SCAN_SHORTOPTS, scan_list_opts, argc, argv) != 0
                 ? -1
                 : parse_opts(&s, s.ops.argc, s.ops.argv);
    vg_hset *hs[MAX_ARGS] = {0};
    if (rc == 0)
        rc = open_lists(&s, hs);
    if (rc == 0) {
        printf("settings file: %s\n", s.ops.config ? s.ops.config : "none");
        for (size_t i = 0; i < s.n_roots; i++)
            printf("path = %s\n", s.roots[i]);
        for (size_t i = 0; i < s.n_lists; i++)
            printf("hashlist = %s (opens)\n", s.lists[i]);
        printf("report = %s\n", s.report);
        rc = check_key(&s);
    }
    if (rc == 0)
        rc = check_other_keys(&s);
    if (rc == 0) {
        vg_conf_text cfg = {0};
        config_text(&s, &cfg);
        puts("effective settings, as a scan's report records them:");
        for (size_t i = 0; i < cfg.n; i++)
            printf("  %s\n", cfg.s[i]);
        if (cfg.nomem)
            rc = -1, vg_cli_err("config: out of memory");
        vg_conf_text_free(&cfg);
    }
    for (size_t i = 0; i < s.n_lists; i++)
        vg_hset_close(hs[i]);
    scan_ops_end(&s.ops);
    return rc == 0 ? 0 : rc > 0 ? 0 : EXIT_FATAL;
}
