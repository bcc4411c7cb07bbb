/*
 * cmd_hashlist.c — `vigil hashlist build|info|lookup|sign|verify`: compile hash lists into a
 * .vhs index, describe it, look hashes up in it, and sign or check it.
 *
 * Lists are sensitive: nothing here prints a hash from a list. `info` prints counts and
 * provenance; `lookup` prints the caller's own query, the entry's id, list and category, and
 * the distance, never the matched list value.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/digest.h"
#include "vigil/hset.h"
#include "vigil/hset_build.h"
#include "vigil/hset_import.h"
#include "vigil/hset_sign.h"

#include "cli.h"
#include "pathfmt.h"

/* Exit codes of every `vigil hashlist` command. */
enum { HL_OK = 0, HL_MATCH = 1, HL_ERROR = 2, HL_USAGE = 3 };

static int usage_error(const char *cmd) {
    fprintf(stderr, "Try 'vigil hashlist %s --help'.\n", cmd);
    return HL_USAGE;
}

static const char *base_name(const char *path) {
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}

/* ---- build ---- */

static void build_usage(FILE *f) {
    fputs(
        "Usage: vigil hashlist build -o OUT.vhs [--name N] [--version V] [OPTIONS] INPUT...\n"
        "Compile hash lists into one index file (.vhs, mode 0600), written atomically.\n\n"
        "  -o, --output FILE       the index to write (replaced only when all went well)\n"
        "      --name N            the index's own name (info shows it)\n"
        "      --version V         the index's own version\n"
        "Options for the INPUTs that follow them (they stay set for later INPUTs):\n"
        "      --format NAME       force a format instead of detecting it by content\n"
        "                          (--format help lists them)\n"
        "      --type sha256|pdq   what 64-hex values are in plain lists, CSV and sum lines\n"
        "      --columns SPEC      CSV columns, e.g. md5=MD5,sha1=SHA1,category=Grade,id=ImageID\n"
        "      --role alert|known-good\n"
        "                          a known-good list only reduces work, never raises a match\n"
        "      --category-profile NAME\n"
        "                          map category codes with this profile\n"
        "      --list-name NAME    name the next INPUT's list (default: the format's own\n"
        "                          name, else the file name)\n"
        "      --skip-bad          skip bad records (each reported, and counted) instead of\n"
        "                          failing\n"
        "  -h, --help              show this help\n\n"
        "INPUT '-' reads standard input. Bad records are reported as FILE:LINE: reason, never\n"
        "with their value. Hashes vigil cannot compute (PhotoDNA, TMK) are counted, not stored.\n\n"
        "Exit status: 0 written, 2 an input or the output failed (nothing written), 3 bad usage.\n",
        f);
}

struct build_run {
    vg_hset_import *imp;
    vg_hset_build *b;
    const char *list_name;
    int failed;
};

static void on_bad_record(void *ctx, const char *msg) {
    (void)ctx;
    vg_cli_err("%s", msg);
}

/* Import one INPUT as one list of the index. */
static int build_input(struct build_run *r, const char *input) {
    vg_hset_list_info li = {.name = r->list_name ? r->list_name : base_name(input),
                            .source = input,
                            .role = vg_hset_import_role(r->imp)};
    vg_status st = vg_hset_build_list(r->b, &li);
    if (st == VG_OK)
        st = vg_hset_import_file(r->imp, input, vg_hset_build_sink, r->b);
    if (st != VG_OK) {
        const char *msg = vg_hset_import_errmsg(r->imp);
        if (*msg) /* the importer's message already names the file */
            vg_cli_err("%s", msg);
        else
            vg_cli_path_err(input, vg_hset_build_errmsg(r->b));
        return -1;
    }
    const vg_hset_import_stats *s = vg_hset_import_stats_get(r->imp);
    const vg_hset_provenance *p = vg_hset_import_provenance(r->imp);
    uint64_t unusable =
        s->by_type[VG_HT_PHOTODNA] + s->by_type[VG_HT_TMK] + s->by_type[VG_HT_OTHER];
    li.name = r->list_name ? r->list_name : p->name[0] ? p->name : base_name(input);
    li.version = p->version[0] ? p->version : NULL;
    li.date = p->date[0] ? p->date : NULL;
    li.format = p->format;
    li.role = p->role;
    li.has_sha256 = true;
    memcpy(li.sha256, p->sha256, 32);
    li.n_empty_digest = s->empty_digest;
    li.n_all_zero = s->all_zero;
    li.n_photodna = s->by_type[VG_HT_PHOTODNA];
    li.n_tmk = s->by_type[VG_HT_TMK];
    if (vg_hset_build_list_done(r->b, &li, s->skipped, unusable) != VG_OK) {
        vg_cli_path_err(input, vg_hset_build_errmsg(r->b));
        return -1;
    }
    fprintf(stderr,
            "vigil: %s: %s%s, %llu entries, %llu bad records skipped, %llu not matchable "
            "(PhotoDNA, TMK, ...), %llu empty-file digests and %llu all-zero hashes rejected\n",
            input, p->format, p->role == VG_ROLE_KNOWN_GOOD ? " (known-good)" : "",
            (unsigned long long)s->entries, (unsigned long long)s->skipped,
            (unsigned long long)unusable, (unsigned long long)s->empty_digest,
            (unsigned long long)s->all_zero);
    r->list_name = NULL;
    return 0;
}

/* An import option: pass the value to its setter. 1 = handled, 0 = not an import option,
 * -1 = refused, 2 = answered (--format help). */
static int import_option(struct build_run *r, int c, const char *arg) {
    vg_status st = VG_OK;
    switch (c) {
    case 'f':
        if (!strcmp(arg, "help")) {
            for (const char *const *f = vg_hset_import_formats(); *f; f++)
                printf("%s\n", *f);
            return 2;
        }
        st = vg_hset_import_set_format(r->imp, arg);
        break;
    case 't':
        st = vg_hset_import_set_type(r->imp, arg);
        break;
    case 'c':
        st = vg_hset_import_set_columns(r->imp, arg);
        break;
    case 'r':
        st = vg_hset_import_set_role(r->imp, arg);
        break;
    case 'p':
        st = vg_hset_import_set_category_profile(r->imp, arg);
        break;
    case 's':
        vg_hset_import_set_skip_bad(r->imp, true);
        break;
    default:
        return 0;
    }
    if (st != VG_OK) {
        vg_cli_err("hashlist build: %s", vg_hset_import_errmsg(r->imp));
        return -1;
    }
    return 1;
}

/* Options and INPUTs in command-line order ('-' in optstring), so options apply to the INPUTs
 * after them. Returns the exit code, or -1 to go on and write. */
static int build_args(struct build_run *r, int argc, char **argv, const char **out,
                      const char **name, const char **version, int *n_inputs) {
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"name", required_argument, NULL, 'N'},
                                         {"version", required_argument, NULL, 'V'},
                                         {"format", required_argument, NULL, 'f'},
                                         {"type", required_argument, NULL, 't'},
                                         {"columns", required_argument, NULL, 'c'},
                                         {"role", required_argument, NULL, 'r'},
                                         {"category-profile", required_argument, NULL, 'p'},
                                         {"list-name", required_argument, NULL, 'L'},
                                         {"skip-bad", no_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "-o:h", opts, NULL)) != -1) {
        int done = import_option(r, c, optarg);
        if (done < 0)
            return HL_USAGE;
        if (done == 2)
            return HL_OK;
        if (done > 0)
            continue;
        if (c == 'o') {
            *out = optarg;
        } else if (c == 'N') {
            *name = optarg;
        } else if (c == 'V') {
            *version = optarg;
        } else if (c == 'L') {
            r->list_name = optarg;
        } else if (c == 'h') {
            build_usage(stdout);
            return HL_OK;
        } else if (c == 1) {
            if (!*out) {
                vg_cli_err("hashlist build: give -o OUT.vhs before the inputs");
                return HL_USAGE;
            }
            if (!r->b && vg_hset_build_new(&r->b, *name, *version) != VG_OK)
                return vg_cli_err("hashlist build: out of memory"), HL_ERROR;
            (*n_inputs)++;
            if (build_input(r, optarg) != 0)
                r->failed++;
        } else {
            return usage_error("build");
        }
    }
    return -1;
}

static int cmd_build(int argc, char **argv) {
    struct build_run r = {.imp = vg_hset_import_new()};
    const char *out = NULL, *name = NULL, *version = NULL;
    int n_inputs = 0, rc;
    if (!r.imp)
        return vg_cli_err("hashlist build: out of memory"), HL_ERROR;
    vg_hset_import_set_report(r.imp, on_bad_record, NULL);
    rc = build_args(&r, argc, argv, &out, &name, &version, &n_inputs);
    if (rc < 0 && (!out || n_inputs == 0)) {
        vg_cli_err("hashlist build: give -o OUT.vhs and at least one INPUT");
        rc = HL_USAGE;
    }
    if (rc < 0 && r.failed) {
        vg_cli_err("hashlist build: %d input(s) failed; %s not written", r.failed, out);
        rc = HL_ERROR;
    }
    if (rc < 0) {
        if (vg_hset_build_write(r.b, out) != VG_OK) {
            vg_cli_path_err(out, vg_hset_build_errmsg(r.b));
            rc = HL_ERROR;
        } else {
            vg_hset_build_stats s;
            vg_hset_build_stats_get(r.b, &s);
            fprintf(stderr,
                    "vigil: wrote %s: %llu entries; unique MD5 %llu, SHA-1 %llu, SHA-256 %llu, "
                    "PDQ %llu\n",
                    out, (unsigned long long)s.n_entries, (unsigned long long)s.n_keys[0],
                    (unsigned long long)s.n_keys[1], (unsigned long long)s.n_keys[2],
                    (unsigned long long)s.n_keys[3]);
            rc = HL_OK;
        }
    }
    vg_hset_build_free(r.b);
    vg_hset_import_free(r.imp);
    return rc;
}

/* ---- opening, shared by info, lookup, verify ---- */

static vg_hset *open_index(const char *path, unsigned flags) {
    vg_hset *h = NULL;
    char err[256];
    if (vg_hset_open(&h, path, flags, err, sizeof err) != VG_OK) {
        vg_cli_path_err(path, err);
        return NULL;
    }
    return h;
}

/* Check h's signature when a trusted key is given; prints the reason and returns -1 if not. */
static int check_sig(const vg_hset *h, const char *path, const char *sig, const char *pubkey) {
    char err[256], *def = NULL;
    if (!pubkey)
        return 0;
    if (!sig) {
        size_t len = strlen(path) + sizeof VG_HSET_SIG_SUFFIX;
        if (!(def = malloc(len)))
            return vg_cli_err("out of memory"), -1;
        snprintf(def, len, "%s%s", path, VG_HSET_SIG_SUFFIX);
    }
    vg_status st = vg_hset_verify(h, sig ? sig : def, pubkey, err, sizeof err);
    if (st != VG_OK)
        vg_cli_path_err(path, err);
    free(def);
    return st == VG_OK ? 0 : st == VG_E_VERIFY ? -1 : -2;
}

/* ---- info ---- */

static void info_usage(FILE *f) {
    fputs("Usage: vigil hashlist info [--fast] INDEX.vhs\n"
          "Describe an index: counts per hash type and where each list came from. Never prints\n"
          "a hash from the lists.\n\n"
          "      --fast     skip the SHA-256 check of the index body (bounds are still checked)\n"
          "  -h, --help     show this help\n\n"
          "Exit status: 0 shown, 2 the index is unreadable, damaged or of another version,\n"
          "3 bad usage.\n",
          f);
}

/* "LABEL TEXT\n" with TEXT ("-" if empty) from the index: names, versions, dates and sources come
 * from the supplier's files, so control bytes and invalid UTF-8 are quoted as `ls` does and a
 * list cannot drive the terminal. */
static void put_line(const char *label, const char *text) {
    fputs(label, stdout);
    vg_shell_write_name(stdout, text && *text ? text : "-");
    putchar('\n');
}

static void print_info(const vg_hset *h, const char *path) {
    vg_hset_info in;
    char hex[65], when[32];
    vg_hset_info_get(h, &in);
    time_t t = (time_t)in.created;
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    put_line("index:          ", path);
    put_line("name:           ", in.name);
    put_line("version:        ", in.version);
    printf("created:        %s\nformat version: %u\nsize:           %llu bytes\n", when,
           in.format_version, (unsigned long long)in.file_size);
    printf("body sha256:    %s\n", vg_hex(in.body_sha256, 32, hex));
    printf("entries:        %llu\n", (unsigned long long)in.n_entries);
    printf("unique hashes:  md5 %llu, sha1 %llu, sha256 %llu, pdq %llu\n",
           (unsigned long long)in.n_keys[0], (unsigned long long)in.n_keys[1],
           (unsigned long long)in.n_keys[2], (unsigned long long)in.n_keys[3]);
    printf("lists:          %llu\n", (unsigned long long)in.n_lists);
    for (uint64_t i = 0; i < in.n_lists; i++) {
        vg_hset_list l;
        if (vg_hset_list_get(h, i, &l) != VG_OK)
            continue;
        char tag[32];
        snprintf(tag, sizeof tag, "  [%llu] ", (unsigned long long)i);
        put_line(tag, l.name);
        printf("       role %s, format ", l.role == VG_ROLE_KNOWN_GOOD ? "known-good" : "alert");
        vg_shell_write_name(stdout, *l.format ? l.format : "-");
        fputs(", version ", stdout);
        vg_shell_write_name(stdout, *l.version ? l.version : "-");
        put_line(", date ", l.date);
        put_line("       source ", l.source);
        printf("       source sha256 %s\n", l.has_sha256 ? vg_hex(l.sha256, 32, hex) : "-");
        printf("       records %llu, stored %llu, not matchable %llu (PhotoDNA %llu, TMK %llu, "
               "other %llu), skipped bad %llu\n",
               (unsigned long long)l.n_records, (unsigned long long)l.n_stored,
               (unsigned long long)l.n_unmatchable, (unsigned long long)l.n_photodna,
               (unsigned long long)l.n_tmk,
               (unsigned long long)(l.n_unmatchable - l.n_photodna - l.n_tmk),
               (unsigned long long)l.n_skipped);
        printf("       rejected: empty-file digests %llu, all-zero hashes %llu\n",
               (unsigned long long)l.n_empty_digest, (unsigned long long)l.n_all_zero);
    }
}

static int cmd_info(int argc, char **argv) {
    static const struct option opts[] = {
        {"fast", no_argument, NULL, 'F'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    unsigned flags = 0;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'F')
            flags |= VG_HSET_OPEN_FAST;
        else if (c == 'h')
            return info_usage(stdout), HL_OK;
        else
            return usage_error("info");
    }
    if (optind != argc - 1)
        return vg_cli_err("hashlist info: give one INDEX.vhs"), HL_USAGE;
    vg_hset *h = open_index(argv[optind], flags);
    if (!h)
        return HL_ERROR;
    print_info(h, argv[optind]);
    vg_hset_close(h);
    return HL_OK;
}

/* ---- lookup ---- */

static void lookup_usage(FILE *f) {
    fputs("Usage: vigil hashlist lookup [--max-distance D] [--pubkey KEY [--sig FILE]] INDEX.vhs\n"
          "Read hashes on standard input, one per line (hex: 32 = MD5, 40 = SHA-1, 64 = SHA-256\n"
          "and PDQ; blank lines and lines starting with # are skipped) and print each match as\n"
          "tab-separated columns:\n"
          "  query  type  entry-id  list  category  distance  role\n"
          "type is md5, sha1, sha256 or pdq; distance is 0 for exact matches; category is\n"
          "profile:code (label) or -; role is alert, non-pertinent or known-good.\n\n"
          "  -d, --max-distance D  PDQ match radius (default 31, at most 256)\n"
          "      --pubkey KEY      refuse the index unless its signature verifies with KEY\n"
          "      --sig FILE        the signature file (default INDEX.vhs.sig)\n"
          "      --fast            skip the SHA-256 check of the index body\n"
          "  -h, --help            show this help\n\n"
          "Exit status: 0 no alert match, 1 at least one alert match (non-pertinent and\n"
          "known-good entries are printed but never count as a match), 2 an error (unusable\n"
          "index, signature not verified, a line that is not a hash), 3 bad usage.\n",
          f);
}

struct lookup_run {
    vg_hset *h;
    const char *query;
    int alert; /* an alert entry matched */
};

static const char *role_of(const vg_hset_rec *r) {
    return r->known_good ? "known-good" : r->non_pertinent ? "non-pertinent" : "alert";
}

static void print_entries(struct lookup_run *r, const char *type, uint64_t first, uint64_t n,
                          unsigned dist) {
    for (uint64_t i = first; i < first + n; i++) {
        vg_hset_rec e;
        vg_hset_list l;
        if (vg_hset_rec_get(r->h, i, &e) != VG_OK || vg_hset_list_get(r->h, e.list, &l) != VG_OK)
            continue;
        printf("%s\t%s\t", r->query, type);
        /* ids may be file names (hashdeep): escaped so a tab or newline keeps one row */
        vg_sum_write_name(stdout, *e.id ? e.id : "-");
        /* so are list names and categories: they come from the supplier's files */
        putchar('\t');
        vg_sum_write_name(stdout, l.name);
        putchar('\t');
        if (*e.cat_profile || *e.cat_code || *e.cat_label) {
            vg_sum_write_name(stdout, *e.cat_profile ? e.cat_profile : "-");
            putchar(':');
            vg_sum_write_name(stdout, *e.cat_code ? e.cat_code : "-");
            fputs(" (", stdout);
            vg_sum_write_name(stdout, *e.cat_label ? e.cat_label : "-");
            putchar(')');
        } else {
            fputs("-", stdout);
        }
        printf("\t%u\t%s\n", dist, role_of(&e));
        if (!e.known_good && !e.non_pertinent)
            r->alert = 1;
    }
}

static vg_status on_pdq_hit(void *ctx, const vg_hset_hit *hit) {
    struct lookup_run *r = ctx;
    uint64_t first, n;
    if (vg_hset_pdq_entries(r->h, hit->code, &first, &n) == VG_OK)
        print_entries(r, "pdq", first, n, hit->distance);
    return VG_OK;
}

static int parse_hex(const char *s, size_t n, uint8_t *out) {
    for (size_t i = 0; i < n; i += 2) {
        int v = 0;
        for (size_t k = i; k < i + 2; k++) {
            char ch = s[k];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (d < 0)
                return -1;
            v = v * 16 + d;
        }
        out[i / 2] = (uint8_t)v;
    }
    return 0;
}

/* Look one line up; returns -1 when it is not a hash. */
static int lookup_line(struct lookup_run *r, char *line, unsigned radius) {
    static const struct {
        size_t hex;
        vg_hash_type type;
        const char *name;
    } kinds[] = {{32, VG_HT_MD5, "md5"}, {40, VG_HT_SHA1, "sha1"}, {64, VG_HT_SHA256, "sha256"}};
    size_t n = strlen(line);
    uint8_t bin[32];
    uint64_t first, count;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (n != kinds[i].hex)
            continue;
        if (parse_hex(line, n, bin) != 0)
            return -1;
        r->query = line;
        if (vg_hset_lookup(r->h, kinds[i].type, bin, n / 2, &first, &count) == VG_OK)
            print_entries(r, kinds[i].name, first, count, 0);
        if (n == 64)
            vg_hset_pdq_search(r->h, bin, radius, VG_HSET_SEARCH_AUTO, on_pdq_hit, r);
        return 0;
    }
    return -1;
}

static int lookup_stream(struct lookup_run *r, unsigned radius) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    unsigned long long lineno = 0;
    int bad = 0;
    while ((len = getline(&line, &cap, stdin)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            line[--len] = '\0';
        char *s = line;
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0' || *s == '#')
            continue;
        if (lookup_line(r, s, radius) != 0) {
            vg_cli_err("hashlist lookup: line %llu: not an MD5, SHA-1, SHA-256 or PDQ hash",
                       lineno);
            bad++;
        }
    }
    free(line);
    return bad;
}

static int cmd_lookup(int argc, char **argv) {
    static const struct option opts[] = {{"max-distance", required_argument, NULL, 'd'},
                                         {"pubkey", required_argument, NULL, 'k'},
                                         {"sig", required_argument, NULL, 'S'},
                                         {"fast", no_argument, NULL, 'F'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *pubkey = NULL, *sig = NULL;
    unsigned long radius = 31;
    unsigned flags = 0;
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        if (c == 'd') {
            errno = 0;
            radius = strtoul(optarg, &end, 10);
            if (errno || *end || end == optarg || radius > VG_HSET_MAX_RADIUS)
                return vg_cli_err("hashlist lookup: --max-distance must be 0..256"), HL_USAGE;
        } else if (c == 'k') {
            pubkey = optarg;
        } else if (c == 'S') {
            sig = optarg;
        } else if (c == 'F') {
            flags |= VG_HSET_OPEN_FAST;
        } else if (c == 'h') {
            return lookup_usage(stdout), HL_OK;
        } else {
            return usage_error("lookup");
        }
    }
    if (optind != argc - 1)
        return vg_cli_err("hashlist lookup: give one INDEX.vhs"), HL_USAGE;
    struct lookup_run r = {.h = open_index(argv[optind], flags)};
    if (!r.h)
        return HL_ERROR;
    int rc = HL_ERROR;
    if (check_sig(r.h, argv[optind], sig, pubkey) == 0) {
        int bad = lookup_stream(&r, (unsigned)radius);
        rc = bad ? HL_ERROR : r.alert ? HL_MATCH : HL_OK;
    }
    vg_hset_close(r.h);
    if (fflush(stdout) != 0)
        rc = HL_ERROR;
    return rc;
}

/* ---- sign and verify ---- */

static void sign_usage(FILE *f) {
    fputs("Usage: vigil hashlist sign --key KEY [--sig FILE] INDEX.vhs\n"
          "Write an Ed25519 detached signature of the index (default INDEX.vhs.sig). KEY is a\n"
          "PEM private key: `openssl genpkey -algorithm ed25519 -out KEY`, or the .key file of\n"
          "`vigil keygen`. The index is fully checked first: a damaged index is never signed.\n"
          "The signature file is text: key id, SHA-256 and size of the index, base64 signature.\n\n"
          "  -k, --key KEY    the private key\n"
          "      --sig FILE   where to write the signature\n"
          "  -h, --help       show this help\n\n"
          "Exit status: 0 signed, 2 the key or the index is unusable, 3 bad usage.\n",
          f);
}

static void verify_usage(FILE *f) {
    fputs("Usage: vigil hashlist verify --pubkey KEY [--sig FILE] INDEX.vhs\n"
          "Check the index's signature (default INDEX.vhs.sig) against a trusted Ed25519 public\n"
          "key (PEM: `openssl pkey -in KEY -pubout`). Scans refuse an index whose signature\n"
          "does not verify when a trusted key is configured.\n\n"
          "  -k, --pubkey KEY  the trusted public key\n"
          "      --sig FILE    the signature file\n"
          "  -h, --help        show this help\n\n"
          "Exit status: 0 verified, 1 the signature does not verify (missing, malformed, another\n"
          "key, another file, or bad), 2 the index or key is unusable, 3 bad usage.\n",
          f);
}

/* Shared options of sign and verify: --key/--pubkey, --sig, one INDEX. */
static int key_args(int argc, char **argv, const char *cmd, const char *keyopt, const char **key,
                    const char **sig) {
    const struct option opts[] = {{keyopt, required_argument, NULL, 'k'},
                                  {"sig", required_argument, NULL, 'S'},
                                  {"help", no_argument, NULL, 'h'},
                                  {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
        if (c == 'k') {
            *key = optarg;
        } else if (c == 'S') {
            *sig = optarg;
        } else if (c == 'h') {
            if (!strcmp(cmd, "sign"))
                sign_usage(stdout);
            else
                verify_usage(stdout);
            return HL_OK;
        } else {
            return usage_error(cmd);
        }
    }
    if (!*key || optind != argc - 1) {
        vg_cli_err("hashlist %s: give --%s KEY and one INDEX.vhs", cmd, keyopt);
        return HL_USAGE;
    }
    return -1;
}

static int cmd_sign(int argc, char **argv) {
    const char *key = NULL, *sig = NULL;
    char err[256], id[17];
    int rc = key_args(argc, argv, "sign", "key", &key, &sig);
    if (rc >= 0)
        return rc;
    const char *index = argv[optind];
    if (vg_hset_sign(index, key, sig, err, sizeof err) != VG_OK) {
        vg_cli_path_err(index, err);
        return HL_ERROR;
    }
    if (vg_hset_key_id(key, id, err, sizeof err) != VG_OK)
        snprintf(id, sizeof id, "?");
    printf("signed %s with key %s -> %s%s\n", index, id, sig ? sig : index,
           sig ? "" : VG_HSET_SIG_SUFFIX);
    return HL_OK;
}

static int cmd_verify(int argc, char **argv) {
    const char *key = NULL, *sig = NULL;
    char id[17], err[256];
    int rc = key_args(argc, argv, "verify", "pubkey", &key, &sig);
    if (rc >= 0)
        return rc;
    const char *index = argv[optind];
    vg_hset *h = open_index(index, VG_HSET_OPEN_FAST); /* the signature covers every byte */
    if (!h)
        return HL_ERROR;
    rc = check_sig(h, index, sig, key);
    vg_hset_close(h);
    if (rc == 0) {
        if (vg_hset_key_id(key, id, err, sizeof err) != VG_OK)
            snprintf(id, sizeof id, "?");
        printf("%s: signature verified (key %s)\n", index, id);
    }
    return rc == 0 ? HL_OK : rc == -1 ? HL_MATCH : HL_ERROR;
}

/* ---- dispatch ---- */

static void hashlist_usage(FILE *f) {
    fputs("Usage: vigil hashlist COMMAND [OPTIONS] ...\n"
          "Compile, inspect, search, sign and check hash-list indexes (.vhs).\n\n"
          "  build   compile hash lists into an index\n"
          "  info    counts per hash type and where each list came from\n"
          "  lookup  look hashes read on standard input up in an index\n"
          "  sign    write an Ed25519 signature of an index\n"
          "  verify  check an index's signature against a trusted key\n\n"
          "  vigil hashlist COMMAND --help   shows a command's options and exit codes.\n",
          f);
}

int vg_cmd_hashlist(int argc, char **argv) {
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {{"build", cmd_build},
                {"info", cmd_info},
                {"lookup", cmd_lookup},
                {"sign", cmd_sign},
                {"verify", cmd_verify}};
    if (argc < 2) {
        hashlist_usage(stderr);
        return HL_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        hashlist_usage(stdout);
        return HL_OK;
    }
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (!strcmp(argv[1], cmds[i].name))
            return cmds[i].run(argc - 1, argv + 1);
    vg_cli_err("hashlist: unknown command '%s' (try 'vigil hashlist --help')", argv[1]);
    return HL_USAGE;
}
