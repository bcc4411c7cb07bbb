/* test_arc_hostile.c — inputs found by fuzzing the archive layer (tests/fuzz/fuzz_arc.c), each
 * kept as a regression test beside its fix; the raw inputs are also in the fuzz seed corpus
 * (tests/fuzz/corpus/arc/regress-*), stored here as hex text. */
#define _GNU_SOURCE /* memfd_create */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vigil/arc.h"

static size_t n_events, n_no_detail;

static vg_status count(void *ctx, const vg_arc_event *e) {
    (void)ctx;
    n_events++;
    if (e->kind != VG_ARC_ENTRY && (!e->detail || !e->detail[0]))
        n_no_detail++;
    return VG_OK;
}

static size_t unhex(const char *h, uint8_t *out) {
    size_t n = strlen(h) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(h + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
    return n;
}

/* A gzip stream libarchive refuses to open without setting an error message: the event had
 * detail NULL (fuzz_arc, regress-error-without-message), and the report an empty reason. */
static const char gzip_no_message[] =
    "1f8b08009739046b0003cbcccb4b2dd2abca2c60a01d3030303033315100d140804e1b1898189a2a189a4080"
    "4e1b1898189a2a189a981a999b981b9800250c0c0d0dcccc18140c68e82638282d2e492c023a855273d03d37"
    "44408037338b08030710aeda98170e134d06625606098644bd82bcf4d010560646868fc1a9a515dc0c8c2c20"
    "7930f19ae743f1f3a7931e2535243cf8faa58093e9929083ce89832c2ab64bea96336beafa8b1f9fd0657952"
    "939393ff9250dff7f01216198b92077f7632f3ad71e7d39448898d78b863c6daf053ad933b13d36cf21f6d9e"
    "be7a1963a961c5ae5f3bd7147b653001ddc6ce11ff40292711eaa2006f46261166846b91e540ae8581258d20"
    "12afdb03bc59d9403423107a03f9357408ea51300a46080000";

Test(arc_hostile, archive_refused_without_a_message_still_has_a_reason) {
    uint8_t buf[sizeof gzip_no_message / 2];
    size_t n = unhex(gzip_no_message, buf);
    int fd = memfd_create("arc", 0);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, buf, n), (ssize_t)n);
    vg_arc *a = NULL;
    cr_assert_eq(vg_arc_new(&a, NULL, NULL), VG_OK);
    n_events = n_no_detail = 0;
    cr_assert_eq(vg_arc_scan_fd(a, fd, "x.gz", count, NULL), VG_OK);
    cr_assert_gt(n_events, 0);
    cr_assert_eq(n_no_detail, 0, "%zu events without a reason", n_no_detail);
    n_events = n_no_detail = 0;
    cr_assert_eq(vg_arc_scan_mem(a, buf, n, "x.gz", count, NULL), VG_OK);
    cr_assert_eq(n_no_detail, 0);
    vg_arc_free(a);
    close(fd);
}

/* A zip entry whose data block comes back empty with a NULL buffer: memcpy(dst, NULL, 0) when
 * sniffing its head (UBSan: null pointer passed as argument 2; fuzz_arc,
 * regress-empty-block-null). The CTest entry fails on the sanitizer report. */
static const char zip_empty_block[] =
    "504b0304091400000008aab16e5700000000000000006300000005001800732e706e67555405000100f15365"
    "75780b000104000000000400000000e80282681aa8ec657457e152441fb75cb65f2dcfb0d2d2b56608db9f59"
    "964f3abae94e5bd0aa191b9012e623722fb1e23cee68d0bc4f7141927ffd6dd0063411c077e517843e011d2e"
    "fe90f662cb9b9f053b186262471f971e49858c8511f79b6796996a78a9e5dbcd3d24582a504b07085fe0226c"
    "6d00000063000000504b01021403140009000800aab16e575fe0226c6d000000630000000500180000000000"
    "00000000a48100000000732e706e67555405000100f1536575780b000104000000000400000000504b050600"
    "000000010001004b000000b80000000000";

Test(arc_hostile, empty_data_block_with_null_buffer) {
    uint8_t buf[sizeof zip_empty_block / 2];
    size_t n = unhex(zip_empty_block, buf);
    vg_arc *a = NULL;
    cr_assert_eq(vg_arc_new(&a, NULL, NULL), VG_OK);
    n_events = n_no_detail = 0;
    cr_assert_eq(vg_arc_scan_mem(a, buf, n, "x.zip", count, NULL), VG_OK);
    cr_assert_gt(n_events, 0);
    cr_assert_eq(n_no_detail, 0);
    vg_arc_free(a);
}
