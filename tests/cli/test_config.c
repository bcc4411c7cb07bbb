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
                                     {"help", no_argument, NULL, 'h'},
                                     {NULL, 0, NULL, 0}};
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
    cr_assert_eq(vg_conf_merge(&c, 6, argv, &n, &v), VG_OK);
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
