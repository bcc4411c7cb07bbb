/*
 * config.c — /etc/vigil/vigil.conf: INI settings turned into the long options they stand for.
 *
 * Parsing is inih's (Debian's libinih). Debian builds it without line numbers in the handler,
 * so lines are counted by our own reader (ini_parse_stream), which also reports over-long lines
 * instead of letting them be cut. Each setting becomes one "--key=value" token checked against
 * the command's getopt table, so the file can set exactly what the command line can, and values
 * are validated by the same code as command-line values.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

struct load {
    vg_conf *c;
    const char *file;
    const struct option *known;
    const char *const *lists;
    FILE *f;
    unsigned line;
    bool too_long;
    char *err;
    size_t errcap;
    vg_status st;
};

/* ---- growable string arrays ---- */

static bool push(char ***v, char ***orig, size_t *n, size_t *cap, char *s, char *o) {
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 16;
        char **nv = realloc(*v, nc * sizeof *nv);
        if (nv)
            *v = nv;
        char **no = nv ? realloc(*orig, nc * sizeof *no) : NULL;
        if (!no)
            return false;
        *orig = no;
        *cap = nc;
    }
    (*v)[*n] = s;
    (*orig)[*n] = o;
    (*n)++;
    return true;
}

void vg_conf_free(vg_conf *c) {
    for (size_t i = 0; i < c->n_opt; i++) {
        free(c->opt[i]);
        free(c->origin[i]);
    }
    for (size_t i = 0; i < c->n_path; i++) {
        free(c->path[i]);
        free(c->path_origin[i]);
    }
    free(c->opt);
    free(c->origin);
    free(c->path);
    free(c->path_origin);
    memset(c, 0, sizeof *c);
}

/* ---- one setting ---- */

static int bad(struct load *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad(struct load *l, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, started above */
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errcap, "%s:%u: %s", l->file, l->line, msg);
    l->st = VG_E_FORMAT;
    return 0;
}

static int parse_bool(const char *v) {
    static const char *const yes[] = {"1", "true", "yes", "on"}, *const no[] = {"0", "false", "no",
                                                                                "off"};
    for (size_t i = 0; i < 4; i++) {
        if (!strcasecmp(v, yes[i]))
            return 1;
        if (!strcasecmp(v, no[i]))
            return 0;
    }
    return -1;
}

static bool is_list(const struct load *l, const char *key) {
    for (const char *const *p = l->lists; p && *p; p++)
        if (!strcmp(*p, key))
            return true;
    return false;
}

static const struct option *find_opt(const struct load *l, const char *key) {
    if (!strcmp(key, "help") || !strcmp(key, "version") || !strcmp(key, "config") ||
        !strcmp(key, "no-config"))
        return NULL;
    for (const struct option *o = l->known; o->name; o++)
        if (!strcmp(o->name, key))
            return o;
    return NULL;
}

/* Whether key was already set (for single-value options). */
static bool seen(const vg_conf *c, const char *key) {
    size_t k = strlen(key);
    for (size_t i = 0; i < c->n_opt; i++)
        if (!strncmp(c->opt[i] + 2, key, k) &&
            (c->opt[i][2 + k] == '\0' || c->opt[i][2 + k] == '='))
            return true;
    return false;
}

static int add(struct load *l, char *opt, bool is_path) {
    char *orig = malloc(strlen(l->file) + 16);
    if (orig)
        sprintf(orig, "%s:%u", l->file, l->line);
    bool ok =
        opt && orig &&
        (is_path ? push(&l->c->path, &l->c->path_origin, &l->c->n_path, &l->c->cap_path, opt, orig)
                 : push(&l->c->opt, &l->c->origin, &l->c->n_opt, &l->c->cap_opt, opt, orig));
    if (!ok) {
        free(opt);
        free(orig);
        l->st = VG_E_NOMEM;
        snprintf(l->err, l->errcap, "%s: out of memory", l->file);
    }
    return ok;
}

/* "--key" or "--key=value", malloc'd. */
static char *make_opt(const char *key, const char *value) {
    size_t len = strlen(key) + (value ? strlen(value) + 1 : 0) + 3;
    char *opt = malloc(len);
    if (opt)
        snprintf(opt, len, value ? "--%s=%s" : "--%s", key, value ? value : "");
    return opt;
}

static int on_setting(void *user, const char *section, const char *key, const char *value) {
    struct load *l = user;
    if (l->st != VG_OK)
        return 0;
    if (!*section)
        return bad(l, "'%s' is outside a section (settings go in [scan])", key);
    if (strcmp(section, "scan") != 0)
        return bad(l, "unknown section [%s] (settings go in [scan])", section);
    if (!value || !*value)
        return bad(l, "'%s' has no value", key);
    if (!strcmp(key, "path"))
        return add(l, strdup(value), true);
    const struct option *o = find_opt(l, key);
    if (!o)
        return bad(l, "unknown key '%s'", key);
    if (!is_list(l, key) && seen(l->c, key))
        return bad(l, "'%s' is set twice", key);
    if (o->has_arg != no_argument)
        return add(l, make_opt(key, value), false);
    int b = parse_bool(value);
    if (b < 0)
        return bad(l, "'%s' is not a boolean (true/false, yes/no, on/off, 1/0)", value);
    return b ? add(l, make_opt(key, NULL), false) : 1;
}

/* ---- reading ---- */

/* inih's reader: one line per call, counted; a line that does not fit is an error, not cut. */
static char *read_line(char *buf, int num, void *stream) {
    struct load *l = stream;
    if (l->too_long || !fgets(buf, num, l->f))
        return NULL;
    l->line++;
    size_t n = strlen(buf);
    if (n == (size_t)num - 1 && buf[n - 1] != '\n' && !feof(l->f)) {
        l->too_long = true;
        bad(l, "line longer than %d bytes", num - 2);
        return NULL;
    }
    return buf;
}

vg_status vg_conf_load(vg_conf *c, const char *path, const struct option *known,
                       const char *const *lists, char *err, size_t errcap) {
    struct load l = {.c = c,
                     .file = path,
                     .known = known,
                     .lists = lists,
                     .err = err,
                     .errcap = errcap,
                     .st = VG_OK};
    memset(c, 0, sizeof *c);
    if (!(l.f = fopen(path, "re"))) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return VG_E_IO;
    }
    int rc = ini_parse_stream(read_line, &l, on_setting, &l);
    bool rerr = ferror(l.f);
    fclose(l.f);
    if (l.st == VG_OK && rerr) {
        snprintf(err, errcap, "%s: read error", path);
        l.st = VG_E_IO;
    } else if (l.st == VG_OK && rc != 0) {
        snprintf(err, errcap, "%s:%d: not a 'key = value' line or a [section]", path, rc);
        l.st = VG_E_FORMAT;
    }
    if (l.st != VG_OK)
        vg_conf_free(c);
    return l.st;
}

/* ---- merging with the command line ---- */

vg_status vg_conf_merge(const vg_conf *c, int argc, char **argv, int *out_argc, char ***out) {
    size_t n = 1 + c->n_opt + (size_t)(argc > 1 ? argc - 1 : 0);
    char **v = calloc(n + 1, sizeof *v);
    if (!v)
        return VG_E_NOMEM;
    v[0] = argv[0];
    for (size_t i = 0; i < c->n_opt; i++)
        v[1 + i] = c->opt[i];
    for (int i = 1; i < argc; i++)
        v[c->n_opt + (size_t)i] = argv[i];
    *out_argc = (int)n;
    *out = v;
    return VG_OK;
}

const char *vg_conf_origin(const vg_conf *c, int optind_now) {
    if (optind_now < 2 || (size_t)optind_now > c->n_opt + 1)
        return NULL;
    return c->origin[optind_now - 2];
}
