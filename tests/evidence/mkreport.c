/*
 * mkreport.c — test helper for the CLI interop tests: writes a sealed report through the writer
 * API, as `vigil scan` will, treating each FILE given as a match against a test list and
 * preserving it (when a recipient certificate is given). Prints the report folder.
 * Usage: ev_mkreport PARENT SIGN.key CERT|- [--tsq] [--case] FILE...
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vigil/evidence.h"

static int die(vg_ev_report *r, const char *what) {
    fprintf(stderr, "ev_mkreport: %s: %s\n", what, r ? vg_ev_report_errmsg(r) : "");
    vg_ev_report_free(r);
    return 1;
}

static int add_file(vg_ev_report *r, vg_digest *dg, const char *path, bool preserve) {
    vg_ev_file f = {.where.path = path, .kind = "image", .outcome = "matched"};
    struct stat sb;
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0 || vg_digest_fd(dg, fd, NULL, 0, &f.digests, NULL) != VG_OK)
        return die(r, path);
    f.has_digests = f.has_stat = true;
    f.size = (uint64_t)sb.st_size;
    f.mtime = sb.st_mtim;
    f.ctime = sb.st_ctim;
    f.atime = sb.st_atim;
    f.dev = sb.st_dev;
    f.ino = sb.st_ino;
    f.uid = sb.st_uid;
    f.gid = sb.st_gid;
    f.mode = sb.st_mode;
    uint64_t seq;
    char entry[16];
    snprintf(entry, sizeof entry, "%u", (unsigned)sb.st_size % 1000u);
    vg_ev_match m = {.list = "test-list", .entry = entry, .category = "test", .how = "sha256"};
    if (vg_ev_report_file(r, &f, &seq) != VG_OK)
        return die(r, "file record");
    m.file_seq = seq;
    if (vg_ev_report_match(r, &m, NULL) != VG_OK)
        return die(r, "match record");
    bool done = false;
    if (preserve && (lseek(fd, 0, SEEK_SET) != 0 ||
                     vg_ev_report_preserve_fd(r, seq, fd, &done) != VG_OK || !done))
        return die(r, "preserve");
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fputs("usage: ev_mkreport PARENT SIGN.key CERT|- [--tsq] [--case] FILE...\n", stderr);
        return 2;
    }
    vg_ev_opts o = {.parent = argv[1],
                    .sign_key = argv[2],
                    .recipient_cert = strcmp(argv[3], "-") ? argv[3] : NULL};
    int first = 4;
    for (; first < argc && !strncmp(argv[first], "--", 2); first++) {
        if (!strcmp(argv[first], "--tsq"))
            o.write_tsq = true;
        else if (!strcmp(argv[first], "--case"))
            o.write_case = true;
    }
    vg_ev_report *r = NULL;
    const char *err = NULL;
    if (vg_ev_report_open(&r, &o, &err) != VG_OK) {
        fprintf(stderr, "ev_mkreport: %s\n", err);
        return 1;
    }
    vg_ev_list list = {.name = "test-list", .version = "1", .entries = argc - 4};
    memset(list.sha256, 0x42, sizeof list.sha256);
    const char *roots[] = {"."};
    vg_ev_scan_info in = {.tool_version = "test",
                          .tool_build = "test",
                          .argc = argc,
                          .argv = argv,
                          .roots = roots,
                          .n_roots = 1,
                          .lists = &list,
                          .n_lists = 1};
    vg_digest *dg = NULL;
    if (vg_ev_report_scan_start(r, &in) != VG_OK || vg_digest_open(&dg) != VG_OK)
        return die(r, "scan_start");
    for (int i = first; i < argc; i++)
        if (add_file(r, dg, argv[i], o.recipient_cert != NULL) != 0)
            return vg_digest_free(dg), 1;
    vg_digest_free(dg);
    if (vg_ev_report_scan_end(r, false) != VG_OK || vg_ev_report_seal(r) != VG_OK)
        return die(r, "seal");
    printf("%s\n", vg_ev_report_dir(r));
    vg_ev_report_free(r);
    return 0;
}
