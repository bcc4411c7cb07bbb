/*
 * pool.c — the bounded queue between the walker, the workers and the report writer, and the
 * worker threads. A ring of pointers under one mutex with two condition variables: simple,
 * and never the bottleneck next to hashing (one push/pop per file, not per block).
 */
#include "pool_impl.h"

#include <pthread.h>
#include <stdlib.h>

struct vg_queue {
    pthread_mutex_t mu;
    pthread_cond_t not_full, not_empty;
    void **ring;
    size_t cap, head, len;
    bool closed;
};

vg_status vg_queue_new(vg_queue **out, size_t cap) {
    *out = NULL;
    if (cap == 0)
        return VG_E_INVAL;
    vg_queue *q = calloc(1, sizeof *q);
    if (!q || !(q->ring = calloc(cap, sizeof *q->ring))) {
        free(q);
        return VG_E_NOMEM;
    }
    q->cap = cap;
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->not_full, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    *out = q;
    return VG_OK;
}

bool vg_queue_push(vg_queue *q, void *item) {
    pthread_mutex_lock(&q->mu);
    while (q->len == q->cap && !q->closed)
        pthread_cond_wait(&q->not_full, &q->mu);
    bool ok = !q->closed;
    if (ok) {
        q->ring[(q->head + q->len) % q->cap] = item;
        q->len++;
        pthread_cond_signal(&q->not_empty);
    }
    pthread_mutex_unlock(&q->mu);
    return ok;
}

bool vg_queue_pop(vg_queue *q, void **item) {
    pthread_mutex_lock(&q->mu);
    while (q->len == 0 && !q->closed)
        pthread_cond_wait(&q->not_empty, &q->mu);
    bool ok = q->len > 0;
    if (ok) {
        *item = q->ring[q->head];
        q->head = (q->head + 1) % q->cap;
        q->len--;
        pthread_cond_signal(&q->not_full);
    }
    pthread_mutex_unlock(&q->mu);
    return ok;
}

void vg_queue_close(vg_queue *q) {
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    pthread_cond_broadcast(&q->not_full);
    pthread_cond_broadcast(&q->not_empty);
    pthread_mutex_unlock(&q->mu);
}

void vg_queue_free(vg_queue *q) {
    if (!q)
        return;
    pthread_cond_destroy(&q->not_full);
    pthread_cond_destroy(&q->not_empty);
    pthread_mutex_destroy(&q->mu);
    free(q->ring);
    free(q);
}

/* ---- threads ---- */

struct vg_pool {
    unsigned n;
    void (*fn)(void *ctx, unsigned index);
    void *ctx;
    struct slot {
        struct vg_pool *pool;
        unsigned index;
        pthread_t th;
    } * slots;
};

static void *run(void *arg) {
    struct slot *s = arg;
    s->pool->fn(s->pool->ctx, s->index);
    return NULL;
}

vg_status vg_pool_start(vg_pool **out, unsigned n, void (*fn)(void *ctx, unsigned index),
                        void *ctx) {
    *out = NULL;
    if (n == 0)
        return VG_E_INVAL;
    vg_pool *p = calloc(1, sizeof *p);
    if (!p || !(p->slots = calloc(n, sizeof *p->slots))) {
        free(p);
        return VG_E_NOMEM;
    }
    p->fn = fn;
    p->ctx = ctx;
    for (unsigned i = 0; i < n; i++) {
        p->slots[i] = (struct slot){.pool = p, .index = i};
        if (pthread_create(&p->slots[i].th, NULL, run, &p->slots[i]) != 0) {
            *out = p;
            return VG_E_IO;
        }
        p->n = i + 1;
    }
    *out = p;
    return VG_OK;
}

void vg_pool_join(vg_pool *p) {
    if (!p)
        return;
    for (unsigned i = 0; i < p->n; i++)
        pthread_join(p->slots[i].th, NULL);
    free(p->slots);
    free(p);
}
