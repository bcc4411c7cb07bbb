/*
 * scan.c — the pipeline: the calling thread walks the roots and opens each regular file
 * (O_NOATIME, relative to its directory), a bounded queue hands the descriptors to N workers
 * (item.c), and one writer thread receives every record, counts it and passes it to the
 * caller's callback (the report). Queues are bounded, so memory does not grow with the tree;
 * a cancel flag (a signal handler's) stops every stage within one file or archive block.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scan_impl.h"

#include "vigil/cache.h"
#include "vigil/walk.h"

#define RECS_QUEUE 1024u
#define JOBS_PER_WORKER 4u

void vg_scan_opts_default(vg_scan_opts *o) {
    *o = (vg_scan_opts){0};
    vg_arc_limits_default(&o->limits);
    o->pdq_threshold = VG_PDQ_MATCH_RADIUS;
    o->min_quality = VG_PDQ_QUALITY_MIN;
}

vg_status vg_scan_producer(const vg_scan_opts *o, const char *tool, char *buf, size_t cap) {
    const vg_arc_limits *l = &o->limits;
    int n = snprintf(buf, cap,
                     "%s; pdq=%s; dihedral=%s; exact-decode=%s; trim=%s; min-quality=%d;"
                     " max-entry-size=%llu; max-scan-size=%llu; max-depth=%u; max-files=%llu;"
                     " max-ratio=%u",
                     tool, o->pdq_convention == VG_PDQ_CLI ? "cli" : "full",
                     o->no_dihedral ? "no" : "yes", o->exact_decode ? "yes" : "no",
                     o->no_trim ? "no" : "yes", o->min_quality,
                     (unsigned long long)l->max_entry_bytes, (unsigned long long)l->max_total_bytes,
                     l->max_depth, (unsigned long long)l->max_files, l->max_ratio);
    return n < 0 || (size_t)n >= cap ? VG_E_LIMIT : VG_OK;
}

bool vg_scan_incomplete(const vg_scan_stats *s) {
    return s->errors > 0 || s->limits > 0 || s->interrupted;
}

/* ---- records to the writer ---- */

/* A record and everything it points to, in one allocation. */
struct qrec {
    vg_scan_rec r;
};

static size_t slen(const char *s) {
    return s ? strlen(s) + 1 : 0;
}

static const char *scopy(char **p, const char *s) {
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    memcpy(*p, s, n);
    const char *out = *p;
    *p += n;
    return out;
}

static void drop_content(const vg_scan_rec *r) {
    if (r->has_content_fd)
        close(r->content_fd);
}

bool vg_scan_emit(struct scan *s, const vg_scan_rec *r) {
    size_t n = sizeof(struct qrec) + r->n_matches * sizeof(vg_scan_match) +
               r->n_inner * sizeof(const char *) + slen(r->path) + slen(r->root_path) +
               slen(r->reason) + r->content_len;
    for (size_t i = 0; i < r->n_inner; i++)
        n += slen(r->inner[i]);
    struct qrec *q = malloc(n);
    if (!q) {
        drop_content(r);
        atomic_store(s->cancel, true);
        return false;
    }
    q->r = *r;
    vg_scan_match *m = (vg_scan_match *)(q + 1);
    if (r->n_matches)
        memcpy(m, r->matches, r->n_matches * sizeof *m);
    q->r.matches = r->n_matches ? m : NULL;
    const char **inner = (const char **)(m + r->n_matches);
    char *p = (char *)(inner + r->n_inner);
    for (size_t i = 0; i < r->n_inner; i++)
        inner[i] = scopy(&p, r->inner[i]);
    q->r.inner = r->n_inner ? inner : NULL;
    q->r.path = scopy(&p, r->path);
    q->r.root_path = scopy(&p, r->root_path);
    q->r.reason = scopy(&p, r->reason);
    if (r->content_len) { /* a matched entry's bytes, for preservation (rare) */
        memcpy(p, r->content, r->content_len);
        q->r.content = (const uint8_t *)p;
    }
    if (!vg_queue_push(s->recs, q)) {
        drop_content(r);
        free(q);
        return false;
    }
    return true;
}

/* ---- the writer ---- */

static void count(vg_scan_stats *st, const vg_scan_rec *r) {
    switch (r->kind) {
    case VG_SCAN_FILE:
        if (r->n_inner)
            st->entries++;
        else
            st->files++;
        st->bytes += r->dg.size;
        st->images += vg_sniff_is_image(r->type);
        st->archives += vg_sniff_is_archive(r->type);
        st->cached += r->cached && !r->n_inner; /* embedded items come with their file */
        st->changed += r->changed;
        st->matched += r->n_matches > 0;
        st->matches += r->n_matches;
        break;
    case VG_SCAN_SKIP:
        st->skipped++;
        if ((size_t)r->walk_reason < sizeof st->skip_by_reason / sizeof st->skip_by_reason[0])
            st->skip_by_reason[r->walk_reason]++;
        break;
    case VG_SCAN_ERROR:
        st->errors++;
        break;
    case VG_SCAN_LIMIT:
        st->limits++;
        break;
    }
}

static vg_cache_key cache_key(const vg_scan_rec *r) {
    return (vg_cache_key){.dev = r->dev,
                          .ino = r->ino,
                          .size = r->size,
                          .mtime_ns = r->mtime_ns,
                          .ctime_ns = r->ctime_ns};
}

static void writer(void *ctx, unsigned index) {
    struct scan *s = ctx;
    void *item;
    (void)index;
    while (vg_queue_pop(s->recs, &item)) {
        struct qrec *q = item;
        count(&s->stats, &q->r);
        if (s->fn_status == VG_OK) {
            vg_status st = s->fn(s->ctx, &q->r);
            if (st != VG_OK) {
                s->fn_status = st;
                atomic_store(s->cancel, true);
            }
        }
        drop_content(&q->r);
        free(q);
    }
}

/* ---- the workers ---- */

static void work(void *ctx, unsigned index) {
    struct scan *s = ctx;
    struct worker *w = &s->workers[index];
    void *item;
    while (vg_queue_pop(s->jobs, &item)) {
        struct job *j = item;
        if (!atomic_load(s->cancel))
            vg_scan_worker_file(w, j);
        if (j->fd >= 0)
            close(j->fd);
        free(j->emb);
        free(j);
    }
}

/* ---- the walk ---- */

static vg_status walk_problem(struct scan *s, const vg_walk_item *it) {
    char reason[96];
    vg_scan_rec r = {.kind = it->event == VG_WALK_SKIP ? VG_SCAN_SKIP : VG_SCAN_ERROR,
                     .path = it->path,
                     .root_path = it->path,
                     .walk_reason = it->reason,
                     .err = it->err};
    if (it->detail)
        snprintf(reason, sizeof reason, "%s: %s", vg_walk_reason_str(it->reason), it->detail);
    else
        snprintf(reason, sizeof reason, "%s", vg_walk_reason_str(it->reason));
    r.reason = reason;
    if (it->st.st_ino)
        vg_scan_rec_stat(&r, &it->st);
    return vg_scan_emit(s, &r) ? VG_OK : VG_E_INTERRUPTED;
}

/* Whether an item the screen cleared last time is now near a list code (probed with its
 * screening hashes at the threshold + margin, as vigil/pdq_screen.h does): then the cache
 * entry is a miss and the file is read and hashed exactly. A failed search counts as near. */
static bool screen_candidate(const struct scan *s, const vg_cache_val *v) {
    if (!v->has_pdq || !v->screen)
        return false;
    bool cand = false;
    vg_status st = vg_match_probe(s->o->lists, s->o->n_lists, &v->pdq[0][0], VG_PDQ_NUM_DIHEDRAL,
                                  s->o->pdq_threshold + VG_PDQ_SCREEN_MARGIN, &cand);
    return cand || st != VG_OK;
}

/* A file whose key is in the cache becomes a job without a descriptor: it is not opened. */
static bool cached_job(struct scan *s, const vg_walk_item *it) {
    vg_scan_rec r = {.kind = VG_SCAN_FILE};
    vg_scan_rec_stat(&r, &it->st);
    vg_cache_key k = cache_key(&r);
    size_t n = 0;
    if (!vg_cache_get_items(s->o->cache, &k, s->cache_vals, VG_CACHE_MAX_ITEMS, &n))
        return false;
    /* Preserving matches needs an embedded image's bytes, which only a read of the file has. */
    if (n > 1 && s->o->keep_matched)
        return false;
    for (size_t i = 0; i < n; i++)
        if (screen_candidate(s, &s->cache_vals[i]))
            return false;
    struct job *j = malloc(sizeof *j + it->path_len + 1);
    if (!j)
        return false;
    memset(j, 0, sizeof *j);
    if (n > 1 && !(j->emb = malloc((n - 1) * sizeof *j->emb))) {
        free(j);
        return false;
    }
    if (n > 1)
        memcpy(j->emb, s->cache_vals + 1, (n - 1) * sizeof *j->emb);
    j->n_emb = n - 1;
    j->fd = -1;
    j->st = it->st;
    j->cached = true;
    int err;
    if (s->o->keep_matched && vg_walk_open(it, &j->fd, &err) != VG_OK)
        j->fd = -1; /* only for preserving a match; the record says when that failed */
    memcpy(j->path, it->path, it->path_len + 1);
    vg_scan_rec_from_cache(&r, &s->cache_vals[0]);
    j->cached_rec = r;
    if (!vg_queue_push(s->jobs, j)) {
        if (j->fd >= 0)
            close(j->fd);
        free(j->emb);
        free(j);
    }
    return true;
}

static vg_status on_walk(void *ctx, const vg_walk_item *it) {
    struct scan *s = ctx;
    if (atomic_load(s->cancel))
        return VG_E_INTERRUPTED;
    if (it->event != VG_WALK_FILE)
        return walk_problem(s, it);
    if (s->o->cache && cached_job(s, it))
        return VG_OK;
    int fd, err;
    if (vg_walk_open(it, &fd, &err) != VG_OK) {
        vg_walk_item e = *it;
        e.event = VG_WALK_ERROR;
        e.reason = err == ENOENT ? VG_WR_VANISHED : err == ESTALE ? VG_WR_MOVED : VG_WR_UNREADABLE;
        e.err = err;
        return walk_problem(s, &e);
    }
    struct job *j = malloc(sizeof *j + it->path_len + 1);
    if (!j) {
        close(fd);
        return VG_E_NOMEM;
    }
    memset(j, 0, sizeof *j);
    j->fd = fd;
    j->st = it->st;
    memcpy(j->path, it->path, it->path_len + 1);
    if (!vg_queue_push(s->jobs, j)) {
        close(fd);
        free(j);
        return VG_E_INTERRUPTED;
    }
    return VG_OK;
}

static vg_status walk_roots(struct scan *s, const char *const *roots, size_t n_roots) {
    vg_walk *w;
    vg_status st = vg_walk_new(&w, &s->o->walk);
    for (size_t i = 0; st == VG_OK && i < n_roots; i++)
        st = vg_walk_run(w, roots[i], on_walk, s);
    vg_walk_free(w);
    return st;
}

/* ---- the run ---- */

static unsigned default_jobs(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1u : n > 256 ? 256u : (unsigned)n;
}

static vg_status setup(struct scan *s) {
    vg_status st = vg_queue_new(&s->jobs, JOBS_PER_WORKER * s->n_workers);
    if (st == VG_OK)
        st = vg_queue_new(&s->recs, RECS_QUEUE);
    if (st == VG_OK && !(s->workers = calloc(s->n_workers, sizeof *s->workers)))
        st = VG_E_NOMEM;
    if (st == VG_OK && s->o->cache &&
        !(s->cache_vals = calloc(VG_CACHE_MAX_ITEMS, sizeof *s->cache_vals)))
        st = VG_E_NOMEM;
    for (unsigned i = 0; st == VG_OK && i < s->n_workers; i++)
        st = vg_scan_worker_init(&s->workers[i], s);
    return st;
}

static void teardown(struct scan *s) {
    for (unsigned i = 0; s->workers && i < s->n_workers; i++)
        vg_scan_worker_fini(&s->workers[i]);
    free(s->workers);
    free(s->cache_vals);
    vg_queue_free(s->jobs);
    vg_queue_free(s->recs);
}

vg_status vg_scan_run(const vg_scan_opts *o, const char *const *roots, size_t n_roots,
                      vg_scan_fn fn, void *ctx, vg_scan_stats *stats) {
    struct scan s = {.o = o, .fn = fn, .ctx = ctx};
    atomic_init(&s.own_cancel, false);
    atomic_init(&s.cache_errors, 0);
    s.cancel = o->cancel ? o->cancel : &s.own_cancel;
    s.n_workers = o->jobs ? o->jobs : default_jobs();
    vg_pool *wp = NULL, *writer_pool = NULL;
    vg_status st = setup(&s);
    vg_status wst = st == VG_OK ? vg_pool_start(&writer_pool, 1, writer, &s) : st;
    vg_status pst = wst == VG_OK ? vg_pool_start(&wp, s.n_workers, work, &s) : wst;
    if (pst == VG_OK)
        st = walk_roots(&s, roots, n_roots);
    else if (st == VG_OK)
        st = pst;
    if (s.jobs)
        vg_queue_close(s.jobs);
    vg_pool_join(wp);
    if (s.recs)
        vg_queue_close(s.recs);
    vg_pool_join(writer_pool);
    teardown(&s);
    s.stats.cache_errors += atomic_load(&s.cache_errors);
    s.stats.interrupted = atomic_load(s.cancel) && s.fn_status == VG_OK;
    if (stats)
        *stats = s.stats;
    if (s.fn_status != VG_OK)
        return s.fn_status;
    if (s.stats.interrupted)
        return VG_E_INTERRUPTED;
    return st;
}
