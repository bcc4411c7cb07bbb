/*
 * cmd_keygen.c — `vigil keygen --out BASE`: a new Ed25519 report-signing key pair, BASE.key
 * (PKCS#8 PEM, 0600) and BASE.pub (minisign format), and the fingerprint to register out of band.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vigil/ev_seal.h"

#include "cli.h"

static void keygen_usage(FILE *f) {
    fputs(
        "Usage: vigil keygen --out BASE\n"
        "Create the Ed25519 key that seals evidence reports:\n"
        "  BASE.key  private key, PKCS#8 PEM, mode 0600 (keep it root-owned, outside the\n"
        "            folders that are scanned)\n"
        "  BASE.pub  public key in minisign's format (for `vigil verify --pubkey` and\n"
        "            `minisign -V -p`)\n"
        "and print the key id and fingerprint: register them with central IT / the police out\n"
        "of band, so a report is checked against the key you registered, not one it carries.\n\n"
        "  -o, --out BASE   path prefix of the two files (neither may exist)\n"
        "  -h, --help       show this help\n\n"
        "Exit status: 0 written, 1 could not write (a file exists, no permission), 3 bad usage.\n",
        f);
}

int vg_cmd_keygen(int argc, char **argv) {
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *base = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        if (c == 'o') {
            base = optarg;
        } else if (c == 'h') {
            keygen_usage(stdout);
            return 0;
        } else {
            fputs("Try 'vigil keygen --help'.\n", stderr);
            return 3;
        }
    }
    if (!base || optind != argc) {
        vg_cli_err("keygen: give --out BASE and nothing else (try 'vigil keygen --help')");
        return 3;
    }
    vg_ev_pubkey pub;
    errno = 0;
    vg_status st = vg_ev_keygen(base, &pub);
    if (st != VG_OK) {
        vg_cli_path_err(base, st == VG_E_IO && errno ? strerror(errno) : vg_status_str(st));
        return 1;
    }
    char id[17], hex[2 * VG_EV_PK_LEN + 1];
    vg_ev_keyid_text(pub.key_id, id);
    for (int i = 0; i < VG_EV_PK_LEN; i++)
        snprintf(hex + 2 * i, 3, "%02x", pub.pk[i]);
    printf("private key: %s.key (PKCS#8, mode 0600)\n"
           "public key:  %s.pub (minisign format)\n"
           "key id:      %s\n"
           "fingerprint: ed25519:%s\n"
           "Register the key id and fingerprint with the police / central IT out of band.\n",
           base, base, id, hex);
    return 0;
}
