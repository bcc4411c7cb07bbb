/* test_config.c — vigil.conf parsing: every setting a long option, every error at FILE:LINE. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cli/config.h"

static const struct option opts[] = {{"hashlist", required_argument, NULL, 'H'},
                                     {"jobs", required_argument, NULL, 'j'},
                                     {"follow-symlinks", no_argument, NULL, 'F'},
                                     {"quiet", no_argument, NULL, 'q'},
                                     {"cache", required_argument, NULL, 'C'},
                                     {"no-cache", no_argument, NULL, 'N'},
                                     {"no-dihedral", no_argument, NULL, 'D'},
                                     {"help", no_argument, NULL, 'h'},
                                     {NULL, 0, NULL, 0}};
#define SHORTOPTS "j:qh"
static const char *const lists[] = {"hashlist", NULL};

static char file[64];

static void write_conf(const char *text) {
    snprintf(file, sizeof file, "/tmp/vigil-test-conf-XXXXXX");
    int fd = mkstemp(file);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

static void cleanup(void) {
    if (file[0])
        unlink(file);
}

TestSuite(config, .fini = cleanup);

Test(config, settings_become_long_options_with_their_lines) {
    write_conf("# vigil\n[scan]\njobs = 2\nhashlist = /a.vhs\n; comment\nhashlist = /b.vhs\n"
               "follow-symlinks = yes\nquiet = off\npath = /home\n");
    vg_conf c;
    char err[256] = "";
    cr_assert_eq(vg_conf_load(&c, file, opts, lists, err, sizeof err), VG_OK, "%s", err);
    cr_assert_eq(c.n_opt, 4);
    cr_assert_str_eq(c.opt[0], "--jobs=2");
    cr_assert_str_eq(c.opt[1], "--hashlist=/a.vhs");
    cr_assert_str_eq(c.opt[2], "--hashlist=/b.vhs");
    cr_assert_str_eq(c.opt[3], "--follow-symlinks");
    char want[96];
    snprintf(want, sizeof want, "%s:6", file);
    cr_assert_str_eq(c.origin[2], want);
    cr_assert_eq(c.n_path, 1);
    cr_assert_str_eq(c.path[0], "/home");
    vg_conf_free(&c);
}

/* Parameters are plain data (STYLE.md): the text and the expected message fragment. */
struct bad_case {
    char text[96];
    char want[64];
};

static struct bad_case bad_cases[] = {
    {"[scan]\njobs = 2\nbogus = 1\n", ":3: unknown key 'bogus'"},
    {"[scan]\njobs = 2\njobs = 3\n", ":3: 'jobs' is set twice"},
    {"[scan]\nquiet = maybe\n", ":2: 'maybe' is not a boolean"},
    {"[other]\njobs = 2\n", ":2: unknown section [other]"},
    {"jobs = 2\n", ":1: 'jobs' is outside a section"},
    {"[scan]\nhelp = yes\n", ":2: unknown key 'help'"},
    {"[scan]\njobs =\n", ":2: 'jobs' has no value"},
    {"[scan]\nthis line has no equals sign\n", ":2: not a 'key = value' line"},
};

ParameterizedTestParameters(config, bad_lines_are_named_by_file_and_line) {
    return cr_make_param_array(struct bad_case, bad_cases, sizeof bad_cases / sizeof bad_cases[0]);
}

ParameterizedTest(struct bad_case *bc, config, bad_lines_are_named_by_file_and_line) {
    write_conf(bc->text);
    vg_conf c;
    char err[256] = "";
    cr_assert_eq(vg_conf_load(&c, file, opts, lists, err, sizeof err), VG_E_FORMAT);
    cr_assert(strstr(err, file) == err, "message does not start with the file: %s", err);
    cr_assert(strstr(err, bc->want) != NULL, "got '%s', want '%s'", err, bc->want);
    cr_assert_eq(c.n_opt, 0);
    cleanup();
}

Test(config, an_over_long_line_is_an_error_not_cut) {
    char *text = malloc(5000);
    cr_assert_not_null(text);
    strcpy(text, "[scan]\nhashlist = /");
    memset(text + strlen(text), 'x', 4000);
    strcpy(text + 19 + 4000, "\n");
    write_conf(text);
    free(text);
    vg_conf c;
    char err[256] = "";
    cr_assert_eq(vg_conf_load(&c, file, opts, lists, err, sizeof err), VG_E_FORMAT);
    cr_assert(strstr(err, ":2: line longer than") != NULL, "%s", err);
}

Test(config, a_missing_file_is_an_io_error) {
    vg_conf c;
    char err[256] = "";
    cr_assert_eq(vg_conf_load(&c, "/nonexistent/vigil.conf", opts, lists, err, sizeof err),
                 VG_E_IO);
    cr_assert_str_eq(err, "/nonexistent/vigil.conf: No such file or directory");
}

Test(config, command_line_follows_the_file_and_origins_tell_them_apart) {
    write_conf("[scan]\njobs = 2\nhashlist = /a.vhs\n");
    vg_conf c;
    char err[256] = "";
    cr_assert_eq(vg_conf_load(&c, file, opts, lists, err, sizeof err), VG_OK, "%s", err);
    char *argv[] = {"scan", "-j", "4", "/root", "--hashlist", "/cli.vhs", NULL};
    int n;
    char **v;
    cr_assert_eq(vg_conf_merge(&c, opts, SHORTOPTS, 6, argv, &n, &v), VG_OK);
    cr_assert_eq(n, 8);
    int jobs_from_conf = 0, jobs_from_cli = 0, lists_from_conf = 0, lists_from_cli = 0, ch;
    optind = 1;
    while ((ch = getopt_long(n, v, "j:", opts, NULL)) != -1) {
        const char *o = vg_conf_origin(&c, optind);
        if (ch == 'j' && o)
            jobs_from_conf = atoi(optarg);
        else if (ch == 'j')
            jobs_from_cli = atoi(optarg);
        else if (ch == 'H' && o)
            lists_from_conf++;
        else if (ch == 'H')
            lists_from_cli++;
    }
    cr_assert_eq(jobs_from_conf, 2);
    cr_assert_eq(jobs_from_cli, 4);
    cr_assert_eq(lists_from_conf, 1);
    cr_assert_eq(lists_from_cli, 1);
    cr_assert_eq(n - optind, 1);
    cr_assert_str_eq(v[optind], "/root");
    free(v);
    vg_conf_free(&c);
}

/* ---- switching a yes/no setting off on the command line ---- */

/* Load text as a settings file and merge argv: the vector as one space-separated string. */
static void merged(vg_conf *c, const char *text, int argc, char **argv, char *out, size_t cap) {
    char err[256] = "";
    if (text) {
        write_conf(text);
        cr_assert_eq(vg_conf_load(c, file, opts, lists, err, sizeof err), VG_OK, "%s", err);
    } else {
        memset(c, 0, sizeof *c);
    }
    int n;
    char **v;
    cr_assert_eq(vg_conf_merge(c, opts, SHORTOPTS, argc, argv, &n, &v), VG_OK);
    out[0] = '\0';
    for (int i = 0; i < n; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%s", i ? " " : "", v[i]);
    free(v);
}

Test(config, no_key_switches_off_a_file_setting) {
    vg_conf c;
    char got[512];
    char *argv[] = {"scan", "--no-follow-symlinks", "/root", NULL};
    merged(&c, "[scan]\nfollow-symlinks = yes\nquiet = yes\n", 3, argv, got, sizeof got);
    cr_assert_str_eq(got, "scan --quiet /root");
    cr_assert(c.off[0]);
    cr_assert(!c.off[1]);
    vg_conf_free(&c);
}

Test(config, no_key_also_drops_earlier_command_line_forms_but_not_later_ones) {
    vg_conf c;
    char got[512];
    char *argv[] = {"scan",
                    "-q",
                    "--quiet",
                    "--no-quiet",
                    "--follow-symlinks",
                    "--no-follow-symlinks",
                    "--follow-symlinks",
                    NULL};
    merged(&c, NULL, 7, argv, got, sizeof got);
    cr_assert_str_eq(got, "scan --follow-symlinks");
    vg_conf_free(&c);
}

Test(config, the_opposite_of_a_no_setting_undoes_it) {
    vg_conf c;
    char got[512];
    char *argv[] = {"scan", "--cache", "/c.db", "--dihedral", NULL};
    merged(&c, "[scan]\nno-cache = yes\nno-dihedral = yes\njobs = 2\n", 4, argv, got, sizeof got);
    cr_assert_str_eq(got, "scan --jobs=2 --cache /c.db");
    cr_assert(c.off[0] && c.off[1] && !c.off[2]);
    vg_conf_free(&c);
}

Test(config, option_values_and_operands_after_dashdash_are_never_switches) {
    vg_conf c;
    char got[512];
    char *argv[] = {"scan", "--hashlist", "--no-quiet", "-j", "--no-quiet", "--cache=--no-quiet",
                    "--",   "--no-quiet", NULL};
    merged(&c, "[scan]\nquiet = yes\n", 8, argv, got, sizeof got);
    cr_assert_str_eq(got, "scan --quiet --hashlist --no-quiet -j --no-quiet --cache=--no-quiet -- "
                          "--no-quiet");
    cr_assert(!c.off[0]);
    vg_conf_free(&c);
}

Test(config, origins_follow_the_settings_left_after_a_switch_off) {
    vg_conf c;
    char got[512];
    char *argv[] = {"scan", "--no-follow-symlinks", "-j", "4", NULL};
    merged(&c, "[scan]\njobs = 2\nfollow-symlinks = yes\nhashlist = /a.vhs\n", 4, argv, got,
           sizeof got);
    cr_assert_str_eq(got, "scan --jobs=2 --hashlist=/a.vhs -j 4");
    int n, ch, seen = 0;
    char **v;
    cr_assert_eq(vg_conf_merge(&c, opts, SHORTOPTS, 4, argv, &n, &v), VG_OK);
    char want_jobs[96], want_list[96];
    snprintf(want_jobs, sizeof want_jobs, "%s:2", file);
    snprintf(want_list, sizeof want_list, "%s:4", file);
    optind = 1;
    while ((ch = getopt_long(n, v, SHORTOPTS, opts, NULL)) != -1) {
        const char *o = vg_conf_origin(&c, optind);
        cr_assert_neq(ch, 'F');
        if (ch == 'j' && !strcmp(optarg, "2")) {
            cr_assert_str_eq(o, want_jobs);
            seen++;
        } else if (ch == 'j') {
            cr_assert_null(o);
            seen++;
        } else if (ch == 'H') {
            cr_assert_str_eq(o, want_list);
            seen++;
        }
    }
    cr_assert_eq(seen, 3);
    free(v);
    vg_conf_free(&c);
}

Test(config, settings_text_is_never_cut) {
    vg_conf_text t = {0};
    char *long_value = malloc(5001);
    cr_assert_not_null(long_value);
    memset(long_value, 'x', 5000);
    long_value[5000] = '\0';
    vg_conf_text_add(&t, "exclude=%s", long_value);
    for (int i = 0; i < 100; i++)
        vg_conf_text_add(&t, "n=%d", i);
    cr_assert(!t.nomem);
    cr_assert_eq(t.n, 101);
    cr_assert_eq(strlen(t.s[0]), 5008);
    cr_assert_str_eq(t.s[0] + 8, long_value);
    cr_assert_str_eq(t.s[100], "n=99");
    free(long_value);
    vg_conf_text_free(&t);
    cr_assert_eq(t.n, 0);
}
