/*
 * fuzz_arc.c — archive walking (scanner/archive.c over libarchive) on arbitrary bytes, with the
 * limit code the scanner runs: the default depth, entry count and ratio, byte budgets scaled
 * down (16 MiB per entry, 64 MiB in total, ratio checked after 1 MiB) and a 5 s time limit so
 * that a bomb costs the fuzzer a fraction of its 10 s timeout and 2 GB. As in the pipeline
 * (scanner/item.c), every buffered image entry is decoded.
 *
 * The input's last byte picks the entry point: vg_arc_scan_mem (odd) or vg_arc_scan_fd on a
 * memfd (even), the one the scanner uses for files on disk.
 *
 * Invariants: no crash, leak or hang; every event is well formed (kind, a path naming the
 * entry, depth = number of inner names and within the depth limit, buffered data within the
 * entry limit, a limit event naming a limit and its configured maximum); bytes hashed per
 * entry never exceed the entry limit.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vigil/arc.h"
#include "vigil/img.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static vg_arc_limits lim;
static vg_arc *arc;
static vg_img_dec *dec;

static const vg_img_limits img_lim = {
    .max_pixels = 4u * 1024u * 1024u, .max_bytes = 256u * 1024u * 1024u, .max_scans = 100u};

static void check_limit(const vg_arc_event *ev) {
    if (ev->limit == VG_LIM_NONE || ev->limit > VG_LIM_TIME)
        abort();
    if (strcmp(vg_arc_limit_str(ev->limit), "unknown limit") == 0 || !ev->detail)
        abort();
    uint64_t want = 0;
    switch (ev->limit) {
    case VG_LIM_DEPTH:
        want = lim.max_depth;
        break;
    case VG_LIM_FILES:
        want = lim.max_files;
        break;
    case VG_LIM_ENTRY_BYTES:
        want = lim.max_entry_bytes;
        break;
    case VG_LIM_TOTAL_BYTES:
        want = lim.max_total_bytes;
        break;
    case VG_LIM_RATIO:
        want = lim.max_ratio;
        break;
    case VG_LIM_TIME:
        want = lim.max_time_ms;
        break;
    case VG_LIM_PIXELS: /* images' limits, never an archive's (refused above) */
    case VG_LIM_IMAGE_MEMORY:
    case VG_LIM_JPEG_SCANS:
    case VG_LIM_IMAGE_DECODER:
    case VG_LIM_NONE:
        break;
    }
    if (ev->limit_max != want)
        abort();
}

static vg_status on_event(void *ctx, const vg_arc_event *ev) {
    (void)ctx;
    if (!ev->path || ev->depth != ev->n_inner || ev->depth > lim.max_depth + 1)
        abort();
    volatile size_t len = strlen(ev->path);
    (void)len;
    for (size_t i = 0; i < ev->n_inner; i++)
        if (!ev->inner[i] || strlen(ev->inner[i]) > strlen(ev->path))
            abort();
    switch (ev->kind) {
    case VG_ARC_ENTRY:
        if (ev->dg.size > lim.max_entry_bytes || (ev->data && ev->data_len != ev->dg.size))
            abort();
        if (ev->data && vg_sniff_is_image(ev->type)) {
            vg_img im;
            if (vg_img_decode(dec, ev->data, ev->data_len, &im) == VG_OK &&
                (!im.pixels || !im.width || !im.height))
                abort();
            vg_img_dec_wipe(dec);
        }
        break;
    case VG_ARC_SKIP:
    case VG_ARC_ENCRYPTED:
    case VG_ARC_ERROR:
        if (!ev->detail)
            abort();
        break;
    case VG_ARC_LIMIT:
        check_limit(ev);
        break;
    default:
        abort();
    }
    return VG_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static int fd = -1;
    if (!arc) {
        vg_arc_limits_default(&lim);
        lim.max_entry_bytes = 16u << 20;
        lim.max_total_bytes = 64u << 20;
        lim.ratio_min_bytes = 1u << 20;
        lim.max_time_ms = 5000;
        if (vg_arc_new(&arc, &lim, NULL) != VG_OK || vg_img_dec_open(&dec, &img_lim) != VG_OK)
            abort();
        fd = memfd_create("arc", 0);
        if (fd < 0)
            abort();
    }
    vg_status st;
    if (size && (data[size - 1] & 1)) {
        st = vg_arc_scan_mem(arc, data, size, "in", on_event, NULL);
    } else {
        if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
            abort();
        st = vg_arc_scan_fd(arc, fd, "in", on_event, NULL);
    }
    if (st != VG_OK && st != VG_E_NOMEM)
        abort(); /* problems inside an archive are events, never failures */
    return 0;
}
