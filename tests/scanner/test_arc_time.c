/* test_arc_time.c — the per-file time limit (max_time_ms, `vigil scan --max-time`) is hit and
 * recorded. No dependence on the machine's speed: the callback sleeps past a 1 ms budget while
 * the first entry is handed over (if the budget lasts that long), and sleeping never takes less
 * than asked, so the budget has always run out before the last entry. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vigil/arc.h"

#include "arcgen.h"

struct seen {
    unsigned entries, time_limits, file_limits; /* file_limits: the top-level file's record */
    uint64_t value, max;
};

static vg_status on_event(void *ctx, const vg_arc_event *e) {
    struct seen *s = ctx;
    if (e->kind == VG_ARC_ENTRY && s->entries++ == 0) {
        struct timespec nap = {0, 20 * 1000 * 1000};
        while (nanosleep(&nap, &nap) != 0) {
        }
    }
    if (e->kind == VG_ARC_LIMIT && e->limit == VG_LIM_TIME) {
        s->time_limits++;
        if (e->depth == 0 && !strcmp(e->path, "slow.tgz")) {
            s->file_limits++;
            s->value = e->limit_value;
            s->max = e->limit_max;
        }
    }
    return VG_OK;
}

static struct seen scan(uint64_t max_time_ms) {
    arcgen *g = arcgen_new("ustar", "gzip", NULL);
    arcgen_add(g, "first.txt", "one\n", 4);
    arcgen_add(g, "second.bin", NULL, 300000);
    arcgen_add(g, "third.txt", "three\n", 6);
    uint8_t *buf;
    size_t len;
    arcgen_finish(g, &buf, &len);
    vg_arc_limits lim;
    vg_arc_limits_default(&lim);
    lim.max_time_ms = max_time_ms;
    vg_arc *a;
    cr_assert_eq(vg_arc_new(&a, &lim, NULL), VG_OK);
    struct seen s = {0};
    cr_assert_eq(vg_arc_scan_mem(a, buf, len, "slow.tgz", on_event, &s), VG_OK);
    vg_arc_free(a);
    free(buf);
    return s;
}

Test(arc_time, budget_spent_is_a_limit_record_and_the_rest_is_not_examined) {
    struct seen s = scan(1); /* (a slow machine may spend the 1 ms before the first entry) */
    cr_assert_eq(s.file_limits, 1, "one time limit record for the top-level file");
    cr_assert_lt(s.entries, 3, "the entries after the budget ran out are not hashed");
    cr_assert_eq(s.max, 1, "max is the budget in ms");
    cr_assert_gt(s.value, s.max, "value: past the budget");
}

Test(arc_time, no_budget_no_limit) {
    struct seen s = scan(0);
    cr_assert_eq(s.time_limits, 0);
    cr_assert_eq(s.entries, 3);
}
