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
    free(c->off);
    free(c->kept);
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

/* Options a settings file never holds and that never switch anything off. */
static bool is_meta(const char *name) {
    return !strcmp(name, "help") || !strcmp(name, "version") || !strcmp(name, "config") ||
           !strcmp(name, "no-config");
}

static const struct option *find_opt(const struct load *l, const char *key) {
    if (is_meta(key))
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

/* The table's option named exactly name (len bytes), or NULL. */
static const struct option *named(const struct option *known, const char *name, size_t len) {
    for (const struct option *o = known; o->name; o++)
        if (strlen(o->name) == len && !strncmp(o->name, name, len))
            return o;
    return NULL;
}

/* The yes/no option opposite to name (len bytes): "no-X" <-> "X". NULL when there is none. */
static const struct option *opposite(const struct option *known, const char *name, size_t len) {
    const struct option *o;
    if (len > 3 && !strncmp(name, "no-", 3))
        o = named(known, name + 3, len - 3);
    else {
        char buf[128];
        if (len + 4 > sizeof buf)
            return NULL;
        snprintf(buf, sizeof buf, "no-%.*s", (int)len, name);
        o = named(known, buf, len + 3);
    }
    return o && o->has_arg == no_argument && !is_meta(o->name) ? o : NULL;
}

/* Whether the token "-xyz" (short options) ends with one that takes the next token as value. */
static bool short_takes_next(const char *tok, const char *shortopts) {
    for (const char *p = tok + 1; *p; p++) {
        const char *d = strchr(shortopts, *p);
        if (d && d[1] == ':')
            return p[1] == '\0'; /* "-j 4" takes the next; "-j4" holds its value */
    }
    return false;
}

/* Mark every earlier "--name" (or its short form "-x", when short is not 0) in v[0..upto)
 * (file options and command-line tokens) dropped. */
static void drop_before(vg_conf *c, char **v, bool *gone, size_t upto, const char *name,
                        int short_opt) {
    for (size_t k = 0; k < upto; k++) {
        bool is_long = !strncmp(v[k], "--", 2) && !strcmp(v[k] + 2, name);
        bool is_short = short_opt && v[k][0] == '-' && v[k][1] == short_opt && !v[k][2];
        if (gone[k] || !(is_long || is_short))
            continue;
        gone[k] = true;
        if (k < c->n_opt)
            c->off[k] = true;
    }
}

/* Drop the file's "--name" settings (a command-line option opposite to them wins). */
static void drop_file(vg_conf *c, bool *gone, const char *name) {
    drop_before(c, c->opt, gone, c->n_opt, name, 0);
}

/* The option's short letter, when it has one in shortopts, else 0. */
static int short_of(const struct option *o, const char *shortopts) {
    return o->val > ' ' && o->val < 127 && o->val != ':' && strchr(shortopts, o->val) ? o->val : 0;
}

/* One command-line token v[i] (i >= n_opt): @return how many following tokens are its value. */
static size_t switch_off(vg_conf *c, const struct option *known, const char *shortopts, char **v,
                         bool *gone, size_t i) {
    const char *tok = v[i];
    if (tok[0] != '-' || tok[1] == '\0')
        return 0;
    if (tok[1] != '-')
        return short_takes_next(tok, shortopts) ? 1 : 0;
    const char *name = tok + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct option *o = named(known, name, len), *opp = opposite(known, name, len);
    if (!o && opp && !eq) { /* --no-KEY / --KEY: switch KEY off */
        gone[i] = true;
        drop_before(c, v, gone, i, opp->name, short_of(opp, shortopts));
        return 0;
    }
    if (o && opp) /* e.g. --cache FILE against the file's no-cache */
        drop_file(c, gone, opp->name);
    return o && o->has_arg == required_argument && !eq ? 1 : 0;
}

vg_status vg_conf_merge(vg_conf *c, const struct option *known, const char *shortopts, int argc,
                        char **argv, int *out_argc, char ***out) {
    size_t n_cli = (size_t)(argc > 1 ? argc - 1 : 0), total = c->n_opt + n_cli;
    char **all = calloc(total + 1, sizeof *all), **v = calloc(total + 2, sizeof *v);
    bool *gone = calloc(total + 1, sizeof *gone);
    free(c->off);
    free(c->kept);
    c->off = calloc(c->n_opt + 1, sizeof *c->off);
    c->kept = calloc(c->n_opt + 1, sizeof *c->kept);
    c->n_kept = 0;
    if (!all || !v || !gone || !c->off || !c->kept) {
        free(all);
        free(v);
        free(gone);
        return VG_E_NOMEM;
    }
    for (size_t i = 0; i < c->n_opt; i++)
        all[i] = c->opt[i];
    for (size_t i = 0; i < n_cli; i++)
        all[c->n_opt + i] = argv[1 + i];
    for (size_t i = c->n_opt; i < total && strcmp(all[i], "--") != 0; i++)
        i += switch_off(c, known, shortopts, all, gone, i);
    size_t n = 0;
    v[n++] = argv[0];
    for (size_t i = 0; i < total; i++) {
        if (gone[i])
            continue;
        if (i < c->n_opt)
            c->kept[c->n_kept++] = i;
        v[n++] = all[i];
    }
    free(all);
    free(gone);
    *out_argc = (int)n;
    *out = v;
    return VG_OK;
}

const char *vg_conf_origin(const vg_conf *c, int optind_now) {
    if (optind_now < 2 || (size_t)optind_now > c->n_kept + 1)
        return NULL;
    return c->origin[c->kept[optind_now - 2]];
}

/* ---- the effective settings as text ---- */

void vg_conf_text_add(vg_conf_text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): false positive, started above */
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *str = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (str) {
        va_start(ap, fmt);
        vsnprintf(str, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    if (str && t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 32;
        char **ns = realloc(t->s, nc * sizeof *ns);
        if (ns) {
            t->s = ns;
            t->cap = nc;
        }
    }
    if (!str || t->n == t->cap) {
        free(str);
        t->nomem = true;
        return;
    }
    t->s[t->n++] = str;
}

void vg_conf_text_free(vg_conf_text *t) {
    for (size_t i = 0; i < t->n; i++)
        free(t->s[i]);
    free(t->s);
    memset(t, 0, sizeof *t);
}
