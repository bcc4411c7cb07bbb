/*
 * cmd_verify.c — `vigil verify DIR --pubkey KEY.pub`: check a sealed evidence report against the
 * pinned key and print OK or the first failure (with --all: every failure) with its named reason
 * (evidence/verify.c). Prints only names, hashes, counts and reasons, never content.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "vigil/ev_verify.h"

#include "cli.h"
#include "pathfmt.h"

static void verify_usage(FILE *f) {
    fputs("Usage: vigil verify REPORT-DIR --pubkey KEY.pub [OPTIONS]\n"
          "Check that an evidence report is complete and unchanged since it was sealed: layout,\n"
          "signature (against the pinned key only), canonical form, file digests, the record\n"
          "chain, record count, chain head and Merkle root, cross-references, the optional\n"
          "time-stamp request, and (investigator) the preserved files. Writes nothing.\n\n"
          "  -p, --pubkey KEY.pub       the registered public key (minisign format). Without it\n"
          "                             everything else is checked but the result is never OK\n"
          "      --decrypt-key KEY.pem  investigator's private key: decrypt each preserved file\n"
          "                             in memory and check its SHA-256 against the records\n"
          "      --decrypt-cert CERT    the matching certificate (optional)\n"
          "      --tsa-ca CA.pem        check summary.tsr (the stamped summary.tsq) against this\n"
          "                             time-stamping authority's CA\n"
          "      --strict               files vigil does not write fail instead of warn\n"
          "      --all                  go on after a failure and print every failure, one a\n"
          "                             line (the first is the one printed without --all)\n"
          "  -h, --help                 show this help\n\n"
          "Output: OK, or FAILED/INCOMPLETE/NOT VERIFIED with the reason, file and line.\n"
          "Exit status: 0 verified; 1 tampered or corrupt; 2 incomplete (crashed or not sealed);\n"
          "3 could not verify (no --pubkey, unreadable, unsupported, bad usage).\n",
          f);
}

struct verify_args {
    vg_ev_verify_opts o;
    const char *pubkey;
};

static int parse(struct verify_args *a, int argc, char **argv) {
    static const struct option opts[] = {{"pubkey", required_argument, NULL, 'p'},
                                         {"decrypt-key", required_argument, NULL, 'k'},
                                         {"decrypt-cert", required_argument, NULL, 'c'},
                                         {"tsa-ca", required_argument, NULL, 't'},
                                         {"strict", no_argument, NULL, 's'},
                                         {"all", no_argument, NULL, 'a'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
        if (c == 'p')
            a->pubkey = optarg;
        else if (c == 'k')
            a->o.decrypt_key = optarg;
        else if (c == 'c')
            a->o.decrypt_cert = optarg;
        else if (c == 's')
            a->o.strict = true;
        else if (c == 'a')
            a->o.all = true;
        else if (c == 't')
            a->o.tsa_ca = optarg;
        else if (c == 'h')
            return verify_usage(stdout), 1;
        else
            return fputs("Try 'vigil verify --help'.\n", stderr), -1;
    }
    if (optind + 1 != argc) {
        vg_cli_err("verify: give exactly one REPORT-DIR (try 'vigil verify --help')");
        return -1;
    }
    a->o.dir = argv[optind];
    return 0;
}

/* "FAILED: reason in file line N: detail" */
static void print_failure(vg_ev_outcome oc, const char *reason, const char *file, uint64_t line,
                          const char *detail) {
    static const char *const words[] = {"OK", "FAILED", "INCOMPLETE", "NOT VERIFIED"};
    printf("%s: %s", words[oc], reason);
    if (file[0]) {
        fputs(" in ", stdout);
        vg_shell_write_name(stdout, file);
    }
    if (line)
        printf(" line %llu", (unsigned long long)line);
    printf(": %s\n", detail);
}

static void print_verdict(const vg_ev_verdict *v) {
    if (v->warnings)
        fprintf(stderr, "vigil: verify: warning: %s%s\n", v->warning,
                v->warnings > 1 ? " (and more)" : "");
    if (v->outcome == VG_EV_VERIFIED) {
        printf("OK: %llu records, key %s", (unsigned long long)v->records, v->key_id);
        if (v->decrypted)
            printf(", %llu preserved files decrypted and matched",
                   (unsigned long long)v->decrypted);
        if (v->timestamped)
            fputs(", time-stamp token verified", stdout);
        putchar('\n');
        return;
    }
    if (v->n_failures == 0) {
        print_failure(v->outcome, v->reason, v->file, v->line, v->detail);
        return;
    }
    unsigned shown = v->n_failures < VG_EV_MAX_FAILURES ? v->n_failures : VG_EV_MAX_FAILURES;
    for (unsigned i = 0; i < shown; i++) {
        const vg_ev_failure *f = &v->failures[i];
        print_failure(f->outcome, f->reason, f->file, f->line, f->detail);
    }
    if (v->n_failures > shown)
        printf("(and %u more failures)\n", v->n_failures - shown);
}

int vg_cmd_verify(int argc, char **argv) {
    struct verify_args a;
    memset(&a, 0, sizeof a);
    int rc = parse(&a, argc, argv);
    if (rc != 0)
        return rc > 0 ? 0 : 3;
    vg_ev_pubkey pub;
    if (a.pubkey) {
        vg_status st = vg_ev_pubkey_load(a.pubkey, &pub);
        if (st != VG_OK) {
            vg_cli_path_err(a.pubkey,
                            st == VG_E_FORMAT ? "not a minisign public key" : vg_status_str(st));
            return 3;
        }
        a.o.pubkey = &pub;
    }
    vg_ev_verdict v;
    vg_status st = vg_ev_verify(&a.o, &v);
    if (st != VG_OK) {
        vg_cli_err("verify: %s", vg_status_str(st));
        return 3;
    }
    print_verdict(&v);
    return (int)v.outcome;
}
