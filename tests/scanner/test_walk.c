/* test_walk.c — the tree walk on generated trees: every path is a file or has a reason. */
#define _GNU_SOURCE
#include <criterion/criterion.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "vigil/walk.h"

/* ---- fixture: a temp dir and a log of events ---- */

#define MAX_EV 4096

struct ev {
    vg_walk_event event;
    vg_walk_reason reason;
    int err;
    char *path;
    size_t path_len;
    char detail[64];
    char target[64];
};

static char root[256];
static struct ev evs[MAX_EV];
static size_t n_ev;
static int max_fds;

static void rm_rf(const char *path);

static void setup(void) {
    snprintf(root, sizeof root, "/tmp/vigil-walk.XXXXXX");
    cr_assert_not_null(mkdtemp(root));
    n_ev = 0;
    max_fds = 0;
}

static void teardown(void) {
    for (size_t i = 0; i < n_ev; i++)
        free(evs[i].path);
    rm_rf(root);
}

TestSuite(walk, .init = setup, .fini = teardown);

static int count_fds(void) {
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return 0;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static vg_status record(void *ctx, const vg_walk_item *it) {
    (void)ctx;
    cr_assert_lt(n_ev, MAX_EV);
    struct ev *e = &evs[n_ev++];
    e->event = it->event;
    e->reason = it->reason;
    e->err = it->err;
    e->path = malloc(it->path_len + 1);
    memcpy(e->path, it->path, it->path_len + 1);
    e->path_len = it->path_len;
    cr_assert_eq(strlen(it->path), it->path_len);
    snprintf(e->detail, sizeof e->detail, "%s", it->detail ? it->detail : "");
    snprintf(e->target, sizeof e->target, "%s", it->link_target ? it->link_target : "");
    int fds = count_fds();
    if (fds > max_fds)
        max_fds = fds;
    return VG_OK;
}

static void walk_with(const vg_walk_opts *o, const char *start) {
    vg_walk *w;
    cr_assert_eq(vg_walk_new(&w, o), VG_OK);
    cr_assert_eq(vg_walk_run(w, start, record, NULL), VG_OK);
    vg_walk_free(w);
}

/* The event for root + "/" + rel, or NULL. */
static const struct ev *find(const char *rel) {
    char want[512];
    snprintf(want, sizeof want, "%s/%s", root, rel);
    for (size_t i = 0; i < n_ev; i++)
        if (!strcmp(evs[i].path, want))
            return &evs[i];
    return NULL;
}

static size_t count(vg_walk_event e, vg_walk_reason r) {
    size_t n = 0;
    for (size_t i = 0; i < n_ev; i++)
        n += evs[i].event == e && evs[i].reason == r;
    return n;
}

/* ---- tree helpers ---- */

static void put(const char *rel, const char *content) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "%s: %s", p, strerror(errno));
    fputs(content, f);
    fclose(f);
}

static void dir(const char *rel) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_eq(mkdir(p, 0755), 0, "%s: %s", p, strerror(errno));
}

static void link_to(const char *target, const char *rel) {
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    cr_assert_eq(symlink(target, p), 0, "%s: %s", p, strerror(errno));
}

/* Remove a tree of any depth, relative to directory descriptors. */
static void rm_at(int dfd) {
    DIR *d = fdopendir(dfd);
    struct dirent *de;
    if (!d)
        return;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        if (sub >= 0) {
            fchmod(sub, 0700);
            rm_at(sub);
            unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR);
        } else {
            unlinkat(dirfd(d), de->d_name, 0);
        }
    }
    closedir(d);
}

static void rm_rf(const char *path) {
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd >= 0)
        rm_at(fd);
    rmdir(path);
}

/* ---- tests ---- */

Test(walk, regular_files_in_sorted_order_with_full_paths) {
    dir("b");
    put("b/z.txt", "z");
    put("a.txt", "a");
    put("c.txt", "c");
    walk_with(NULL, root);
    cr_assert_eq(n_ev, 3);
    cr_assert_str_eq(evs[0].path + strlen(root), "/a.txt");
    cr_assert_str_eq(evs[1].path + strlen(root), "/b/z.txt");
    cr_assert_str_eq(evs[2].path + strlen(root), "/c.txt");
    for (size_t i = 0; i < n_ev; i++)
        cr_assert_eq(evs[i].event, VG_WALK_FILE);
}

Test(walk, symlinks_are_reported_with_their_target_not_followed) {
    put("real.txt", "x");
    link_to("real.txt", "link.txt");
    link_to("/dev/zero", "zero");
    link_to("/etc", "etcdir");
    walk_with(NULL, root);
    cr_assert_eq(n_ev, 4);
    const struct ev *e = find("zero");
    cr_assert_not_null(e);
    cr_assert_eq(e->event, VG_WALK_SKIP);
    cr_assert_eq(e->reason, VG_WR_SYMLINK);
    cr_assert_str_eq(e->target, "/dev/zero");
    cr_assert_eq(find("etcdir")->reason, VG_WR_SYMLINK);
    cr_assert_eq(find("link.txt")->reason, VG_WR_SYMLINK);
    cr_assert_eq(count(VG_WALK_FILE, VG_WR_NONE), 1);
}

Test(walk, followed_symlink_to_dev_zero_is_a_special_file_never_opened) {
    link_to("/dev/zero", "zero");
    vg_walk_opts o = {.follow_symlinks = true};
    walk_with(&o, root);
    cr_assert_eq(n_ev, 1);
    cr_assert_eq(evs[0].event, VG_WALK_SKIP);
    cr_assert_eq(evs[0].reason, VG_WR_SPECIAL);
    cr_assert_str_eq(evs[0].detail, "character device");
}

Test(walk, fifos_and_sockets_are_special_files) {
    char p[512];
    snprintf(p, sizeof p, "%s/fifo", root);
    cr_assert_eq(mkfifo(p, 0644), 0);
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    cr_assert_lt(strlen(root) + 6, sizeof sa.sun_path);
    memcpy(sa.sun_path, root, strlen(root));
    memcpy(sa.sun_path + strlen(root), "/sock", 6);
    cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    walk_with(NULL, root);
    close(s);
    cr_assert_eq(n_ev, 2);
    cr_assert_eq(find("fifo")->reason, VG_WR_SPECIAL);
    cr_assert_str_eq(find("fifo")->detail, "fifo");
    cr_assert_eq(find("sock")->reason, VG_WR_SPECIAL);
    cr_assert_str_eq(find("sock")->detail, "socket");
}

Test(walk, followed_symlink_loop_is_detected_by_device_and_inode) {
    dir("d");
    put("d/f.txt", "f");
    link_to("..", "d/up");
    link_to("self", "self"); /* a -> a: ELOOP */
    dir("e");
    link_to("../d", "e/again"); /* d reached a second time, not a loop */
    vg_walk_opts o = {.follow_symlinks = true};
    walk_with(&o, root);
    cr_assert_eq(find("d/up")->event, VG_WALK_SKIP);
    cr_assert_eq(find("d/up")->reason, VG_WR_LOOP);
    cr_assert_eq(find("self")->event, VG_WALK_ERROR);
    cr_assert_eq(find("self")->err, ELOOP);
    cr_assert_eq(find("e/again")->reason, VG_WR_DUPLICATE);
    cr_assert_eq(count(VG_WALK_FILE, VG_WR_NONE), 1);
}

Test(walk, followed_symlink_to_a_file_is_hashed_and_opens) {
    put("real.txt", "abc");
    dir("sub");
    link_to("../real.txt", "sub/l");
    vg_walk_opts o = {.follow_symlinks = true};
    vg_walk *w;
    cr_assert_eq(vg_walk_new(&w, &o), VG_OK);
    cr_assert_eq(vg_walk_run(w, root, record, NULL), VG_OK);
    vg_walk_free(w);
    cr_assert_eq(count(VG_WALK_FILE, VG_WR_NONE), 2);
}

Test(walk, excludes_match_names_and_whole_paths) {
    dir("cache");
    put("cache/x.txt", "x");
    dir("keep");
    put("keep/a.tmp", "t");
    put("keep/b.txt", "b");
    dir("keep/sub");
    put("keep/sub/c.txt", "c");
    const char *ex[] = {"*.tmp"};
    const char *exd[] = {"cache", "*/keep/sub"};
    vg_walk_opts o = {.exclude = ex, .n_exclude = 1, .exclude_dir = exd, .n_exclude_dir = 2};
    walk_with(&o, root);
    cr_assert_eq(find("cache")->reason, VG_WR_EXCLUDED);
    cr_assert_null(find("cache/x.txt"));
    cr_assert_eq(find("keep/a.tmp")->reason, VG_WR_EXCLUDED);
    cr_assert_eq(find("keep/sub")->reason, VG_WR_EXCLUDED);
    cr_assert_eq(find("keep/b.txt")->event, VG_WALK_FILE);
    cr_assert_eq(count(VG_WALK_SKIP, VG_WR_EXCLUDED), 3);
}

Test(walk, names_that_are_not_utf8_pass_through_as_bytes) {
    put("bad\xff\xfe.txt", "x");
    put("nl\nname", "y");
    walk_with(NULL, root);
    cr_assert_eq(n_ev, 2);
    cr_assert_not_null(find("bad\xff\xfe.txt"));
    cr_assert_not_null(find("nl\nname"));
}

/* Build a chain of depth directories with long names below root; return the fd of the last. */
static int deep_chain(int depth) {
    char name[64];
    memset(name, 'd', 40);
    name[40] = '\0';
    int fd = open(root, O_RDONLY | O_DIRECTORY);
    for (int i = 0; i < depth; i++) {
        cr_assert_eq(mkdirat(fd, name, 0755), 0);
        int sub = openat(fd, name, O_RDONLY | O_DIRECTORY);
        cr_assert_geq(sub, 0);
        if (i == depth / 2) { /* a sibling file half-way down, met after the deep part */
            int f = openat(fd, "zz-after.txt", O_WRONLY | O_CREAT, 0644);
            close(f);
        }
        close(fd);
        fd = sub;
    }
    return fd;
}

Test(walk, paths_longer_than_path_max_with_bounded_descriptors) {
    int fd = deep_chain(300); /* 300 * 41 bytes > 3 * PATH_MAX */
    int f = openat(fd, "bottom.txt", O_WRONLY | O_CREAT, 0644);
    cr_assert_eq(write(f, "deep", 4), 4);
    close(f);
    close(fd);
    int base = count_fds();
    vg_walk_opts o = {.max_open_dirs = 4};
    walk_with(&o, root);
    cr_assert_eq(n_ev, 2, "events: %zu", n_ev);
    cr_assert_eq(evs[0].event, VG_WALK_FILE);
    cr_assert_gt(evs[0].path_len, 3 * PATH_MAX);
    cr_assert_str_eq(evs[0].path + evs[0].path_len - 11, "/bottom.txt");
    /* The sibling found after coming back up 150 levels (reopened directories). */
    cr_assert_eq(evs[1].event, VG_WALK_FILE);
    cr_assert_str_eq(evs[1].path + evs[1].path_len - 13, "/zz-after.txt");
    cr_assert_leq(max_fds, base + 4 + 2, "open fds %d, base %d", max_fds, base);
}

/* Opens each file as it is met and checks the access time did not move. */
static vg_status open_and_read(void *ctx, const vg_walk_item *it) {
    (void)ctx;
    if (it->event != VG_WALK_FILE)
        return record(NULL, it);
    int fd, err;
    cr_assert_eq(vg_walk_open(it, &fd, &err), VG_OK, "%s", strerror(err));
    char buf[16];
    cr_assert_geq(read(fd, buf, sizeof buf), 0);
    struct stat st;
    cr_assert_eq(fstat(fd, &st), 0);
    cr_assert_eq(st.st_atim.tv_sec, 1000000000);
    close(fd);
    return record(NULL, it);
}

Test(walk, opening_leaves_the_access_time_alone) {
    put("old.txt", "content");
    char p[512];
    snprintf(p, sizeof p, "%s/old.txt", root);
    struct timespec ts[2] = {{.tv_sec = 1000000000}, {.tv_nsec = UTIME_OMIT}};
    cr_assert_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
    vg_walk *w;
    cr_assert_eq(vg_walk_new(&w, NULL), VG_OK);
    cr_assert_eq(vg_walk_run(w, root, open_and_read, NULL), VG_OK);
    vg_walk_free(w);
    cr_assert_eq(n_ev, 1);
}

/* While at "a", delete "b" and swap "c" for a FIFO: "b" vanished, "c" is never read. */
static vg_status mutate(void *ctx, const vg_walk_item *it) {
    (void)ctx;
    char p[512];
    if (it->event == VG_WALK_FILE && !strcmp(it->name, "a")) {
        snprintf(p, sizeof p, "%s/b", root);
        unlink(p);
    }
    if (it->event == VG_WALK_FILE && !strcmp(it->name, "c")) {
        snprintf(p, sizeof p, "%s/c", root);
        unlink(p);
        cr_assert_eq(mkfifo(p, 0644), 0);
        int fd, err;
        cr_assert_eq(vg_walk_open(it, &fd, &err), VG_E_IO);
        cr_assert_eq(err, ESTALE);
    }
    return record(NULL, it);
}

Test(walk, files_that_vanish_or_are_swapped_are_reported) {
    put("a", "a");
    put("b", "b");
    put("c", "c");
    vg_walk *w;
    cr_assert_eq(vg_walk_new(&w, NULL), VG_OK);
    cr_assert_eq(vg_walk_run(w, root, mutate, NULL), VG_OK);
    vg_walk_free(w);
    cr_assert_eq(find("b")->event, VG_WALK_ERROR);
    cr_assert_eq(find("b")->reason, VG_WR_VANISHED);
    cr_assert_eq(find("b")->err, ENOENT);
}

Test(walk, a_root_that_is_a_file_or_missing) {
    put("only.txt", "x");
    char p[512];
    snprintf(p, sizeof p, "%s/only.txt", root);
    walk_with(NULL, p);
    snprintf(p, sizeof p, "%s/missing", root);
    walk_with(NULL, p);
    cr_assert_eq(n_ev, 2);
    cr_assert_eq(evs[0].event, VG_WALK_FILE);
    cr_assert_eq(evs[1].event, VG_WALK_ERROR);
    cr_assert_eq(evs[1].err, ENOENT);
}

static vg_status stop_at_second(void *ctx, const vg_walk_item *it) {
    int *n = ctx;
    record(NULL, it);
    return ++*n == 2 ? VG_E_INTERRUPTED : VG_OK;
}

Test(walk, the_callback_stops_the_walk) {
    put("a", "a");
    put("b", "b");
    put("c", "c");
    vg_walk *w;
    int n = 0;
    cr_assert_eq(vg_walk_new(&w, NULL), VG_OK);
    cr_assert_eq(vg_walk_run(w, root, stop_at_second, &n), VG_E_INTERRUPTED);
    vg_walk_free(w);
    cr_assert_eq(n_ev, 2);
}

Test(walk, one_file_system_does_not_enter_other_mounts) {
    struct stat a, b;
    if (stat("/dev", &a) != 0 || stat("/dev/pts", &b) != 0 || a.st_dev == b.st_dev)
        cr_skip_test("no separate /dev/pts mount here");
    vg_walk_opts o = {.one_file_system = true};
    walk_with(&o, "/dev");
    bool seen = false;
    for (size_t i = 0; i < n_ev; i++)
        if (!strcmp(evs[i].path, "/dev/pts")) {
            seen = true;
            cr_assert_eq(evs[i].reason, VG_WR_OTHER_FS);
        }
    cr_assert(seen);
}

Test(walk, reasons_have_names) {
    cr_assert_str_eq(vg_walk_reason_str(VG_WR_SPECIAL), "special file");
    cr_assert_str_eq(vg_walk_reason_str(VG_WR_MOVED), "moved during scan");
    vg_walk *w;
    vg_walk_opts o = {.max_open_dirs = 1};
    cr_assert_eq(vg_walk_new(&w, &o), VG_E_INVAL);
    cr_assert_null(w);
}
