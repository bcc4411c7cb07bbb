/* test_lock.c — the scan lock: one holder, a clear "busy" with the holder's PID, stale locks
 * taken over, no symlinks followed. flock(2) locks belong to an open file description, so a
 * second vg_lock_take() in this process contends exactly as a second vigil process would. */
#define _DEFAULT_SOURCE /* mkdtemp, symlink */
#include <criterion/criterion.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../cli/lock.h"

static char dir[64];
static char path[128];

static void setup(void) {
    snprintf(dir, sizeof dir, "/tmp/vigil-test-lock-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/run/scan.lock", dir);
}

static void teardown(void) {
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(lock, .init = setup, .fini = teardown);

static pid_t file_pid(void) {
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    long v = 0;
    cr_assert_eq(fscanf(f, "%ld", &v), 1);
    fclose(f);
    return (pid_t)v;
}

Test(lock, second_taker_is_told_who_holds_it) {
    char err[128] = "";
    vg_lock a, b;
    cr_assert_eq(vg_lock_take(&a, path, err, sizeof err), VG_OK, "%s", err);
    cr_assert_geq(a.fd, 0);
    cr_assert_eq(a.stale, 0);
    cr_assert_eq(file_pid(), getpid());
    cr_assert_eq(vg_lock_take(&b, path, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(b.fd, -1, "a second holder must be refused");
    cr_assert_eq(b.holder, getpid());
    vg_lock_release(&b);
    vg_lock_release(&a);
    cr_assert_eq(vg_lock_take(&b, path, err, sizeof err), VG_OK, "%s", err);
    cr_assert_geq(b.fd, 0, "released locks can be taken again");
    vg_lock_release(&b);
    vg_lock_release(&b); /* twice is harmless */
}

/* A PID that names no process (searched downwards from a value above the usual pid_max). */
static pid_t dead_pid(void) {
    for (pid_t p = 4194000; p > 1000; p--)
        if (kill(p, 0) != 0 && errno == ESRCH)
            return p;
    cr_assert_fail("no free PID found");
    return 0;
}

Test(lock, stale_lock_of_a_dead_process_is_taken_over) {
    char sub[96];
    snprintf(sub, sizeof sub, "%s/run", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    pid_t dead = dead_pid();
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "%ld\n", (long)dead);
    fclose(f);
    char err[128] = "";
    vg_lock l;
    cr_assert_eq(vg_lock_take(&l, path, err, sizeof err), VG_OK, "%s", err);
    cr_assert_geq(l.fd, 0);
    cr_assert_eq(l.stale, dead);
    cr_assert_eq(file_pid(), getpid());
    vg_lock_release(&l);
}

Test(lock, garbage_in_the_file_is_not_a_holder) {
    char sub[96];
    snprintf(sub, sizeof sub, "%s/run", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("12abc\n", f);
    fclose(f);
    char err[128] = "";
    vg_lock l;
    cr_assert_eq(vg_lock_take(&l, path, err, sizeof err), VG_OK, "%s", err);
    cr_assert_geq(l.fd, 0);
    cr_assert_eq(l.stale, 0);
    vg_lock_release(&l);
}

Test(lock, symlink_is_never_followed) {
    char sub[96], target[128];
    snprintf(sub, sizeof sub, "%s/run", dir);
    cr_assert_eq(mkdir(sub, 0755), 0);
    snprintf(target, sizeof target, "%s/elsewhere", dir);
    cr_assert_eq(symlink(target, path), 0);
    char err[128] = "";
    vg_lock l;
    cr_assert_eq(vg_lock_take(&l, path, err, sizeof err), VG_E_IO);
    cr_assert_eq(l.fd, -1);
    cr_assert_not_null(strstr(err, "cannot open the lock file"), "%s", err);
    struct stat sb;
    cr_assert_neq(stat(target, &sb), 0, "the symlink's target must not be created");
    vg_lock_release(&l);
}

Test(lock, default_path_is_one_per_configuration_file) {
    char conf[128], other[128], alias[160], p1[256], p2[256], p3[256];
    snprintf(conf, sizeof conf, "%s/vigil.conf", dir);
    snprintf(other, sizeof other, "%s/other.conf", dir);
    snprintf(alias, sizeof alias, "%s/./link.conf", dir);
    fclose(fopen(conf, "w"));
    fclose(fopen(other, "w"));
    cr_assert_eq(symlink(conf, alias), 0);
    cr_assert_eq(vg_lock_default_path(conf, p1, sizeof p1), VG_OK);
    cr_assert_eq(vg_lock_default_path(alias, p2, sizeof p2), VG_OK);
    cr_assert_eq(vg_lock_default_path(other, p3, sizeof p3), VG_OK);
    cr_assert_str_eq(p1, p2, "one file, one lock, however it is named");
    cr_assert_str_neq(p1, p3);
    cr_assert_eq(strlen(strrchr(p1, '/')), strlen("/scan-0123456789abcdef.lock"), "%s", p1);
    char missing[160];
    snprintf(missing, sizeof missing, "%s/missing.conf", dir);
    cr_assert_eq(vg_lock_default_path(missing, p1, sizeof p1), VG_E_IO);
    cr_assert_eq(vg_lock_default_path(conf, p1, 8), VG_E_LIMIT);
}
