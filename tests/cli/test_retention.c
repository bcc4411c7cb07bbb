/* test_retention.c — --keep-reports: the N newest report folders stay, older ones are removed
 * only when they verify against the pinned key; tampered and unsealed ones, the report just
 * written, other folders and symlinks are never touched. Reports are real sealed reports
 * written through the evidence writer (tests/evidence/ev_fixture.c). */
#define _DEFAULT_SOURCE /* symlink */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../cli/retention.h"
#include "../evidence/ev_fixture.h"

static char *tmp, parent[256], key[256];
static vg_ev_pubkey pub;

static void setup(void) {
    tmp = fx_tmpdir();
    snprintf(parent, sizeof parent, "%s/reports", tmp);
    cr_assert_eq(mkdir(parent, 0700), 0);
    fx_keygen(tmp, "sign", &pub);
    snprintf(key, sizeof key, "%s/sign.key", tmp);
}

static void teardown(void) {
    fx_rmrf(tmp);
    free(tmp);
}

TestSuite(retention, .init = setup, .fini = teardown);

/* A sealed report renamed to carry day `day` of January 2026 in its name (host "my-host"). */
static void make_report(int day, char *out, size_t cap) {
    char *dir = fx_report(parent, key, NULL, false);
    snprintf(out, cap, "%s/vigil-my-host-202601%02dT010203Z-r%02d", parent, day, day);
    cr_assert_eq(rename(dir, out), 0);
    free(dir);
}

static bool exists(const char *p) {
    struct stat sb;
    return lstat(p, &sb) == 0;
}

struct seen {
    int removed, kept;
    char reason[4][48];
};

static void note(void *ctx, const char *dir, bool removed, const vg_ev_verdict *v) {
    (void)dir;
    struct seen *s = ctx;
    if (removed) {
        s->removed++;
    } else if (s->kept < 4) {
        snprintf(s->reason[s->kept++], sizeof s->reason[0], "%s", v->reason);
    }
}

Test(retention, keeps_the_newest_and_removes_older_verified_reports) {
    char d[6][512];
    for (int i = 0; i < 6; i++)
        make_report(i + 1, d[i], sizeof d[i]);
    /* day 2: tampered after sealing; day 1: never sealed (crashed) */
    char p[600];
    snprintf(p, sizeof p, "%s/records.jsonl", d[1]);
    FILE *f = fopen(p, "a");
    cr_assert_not_null(f);
    fputs("{}\n", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/report.sig", d[0]);
    cr_assert_eq(unlink(p), 0);
    char other[512], link[512];
    snprintf(other, sizeof other, "%s/not-a-report", parent);
    cr_assert_eq(mkdir(other, 0700), 0);
    snprintf(link, sizeof link, "%s/vigil-my-host-20250101T010203Z-link", parent);
    cr_assert_eq(symlink(d[2], link), 0);

    struct seen s = {0};
    unsigned removed = 99;
    cr_assert_eq(vg_retain(parent, d[5], 2, &pub, note, &s, &removed), VG_OK);
    cr_assert_eq(removed, 2);
    cr_assert_eq(s.removed, 2);
    cr_assert(exists(d[5]) && exists(d[4]), "the 2 newest stay");
    cr_assert(!exists(d[3]) && !exists(d[2]), "older verified reports are removed");
    cr_assert(exists(d[1]), "a tampered report is kept");
    cr_assert(exists(d[0]), "an unsealed report is kept");
    cr_assert_eq(s.kept, 2);
    cr_assert_str_eq(s.reason[0], "files.digest_mismatch");
    cr_assert_str_eq(s.reason[1], "seal.missing");
    cr_assert(exists(other) && exists(link), "other folders and symlinks are not touched");
}

Test(retention, another_key_removes_nothing) {
    char d[3][512];
    for (int i = 0; i < 3; i++)
        make_report(i + 1, d[i], sizeof d[i]);
    vg_ev_pubkey other;
    fx_keygen(tmp, "other", &other);
    unsigned removed = 99;
    cr_assert_eq(vg_retain(parent, d[2], 1, &other, NULL, NULL, &removed), VG_OK);
    cr_assert_eq(removed, 0);
    cr_assert(exists(d[0]) && exists(d[1]) && exists(d[2]));
}

Test(retention, the_report_just_written_is_never_removed) {
    char d[3][512];
    for (int i = 0; i < 3; i++)
        make_report(i + 1, d[i], sizeof d[i]);
    unsigned removed = 99;
    /* as if the oldest were the one just written (a clock set back): it stays */
    cr_assert_eq(vg_retain(parent, d[0], 1, &pub, NULL, NULL, &removed), VG_OK);
    cr_assert_eq(removed, 1);
    cr_assert(exists(d[2]) && exists(d[0]) && !exists(d[1]));
}

Test(retention, bad_arguments) {
    unsigned removed = 99;
    cr_assert_eq(vg_retain(parent, NULL, 0, &pub, NULL, NULL, &removed), VG_E_INVAL);
    cr_assert_eq(removed, 0);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/missing", tmp);
    cr_assert_eq(vg_retain(missing, NULL, 1, &pub, NULL, NULL, &removed), VG_E_IO);
}
