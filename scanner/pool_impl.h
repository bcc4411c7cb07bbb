/* pool_impl.h — a bounded blocking queue and a group of worker threads (internal to scanner/). */
#ifndef VIGIL_SCANNER_POOL_IMPL_H
#define VIGIL_SCANNER_POOL_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "vigil/status.h"

/*
 * A FIFO of pointers with a fixed capacity: producers block while it is full, consumers while
 * it is empty, so memory stays bounded by the capacity whatever the producers do. Thread-safe:
 * any number of producers and consumers.
 */
typedef struct vg_queue vg_queue;

/* @return VG_OK, VG_E_NOMEM, or VG_E_INVAL for cap 0. */
vg_status vg_queue_new(vg_queue **out, size_t cap);

/* Append item, waiting for room. @return false (item not queued) once the queue is closed. */
bool vg_queue_push(vg_queue *q, void *item);

/* Take the oldest item, waiting for one. @return false when the queue is closed and empty. */
bool vg_queue_pop(vg_queue *q, void **item);

/* No more pushes: wakes every waiter; pops drain what is left. Idempotent. */
void vg_queue_close(vg_queue *q);

/* Release (the queue must be idle; items still inside are not freed). NULL is accepted. */
void vg_queue_free(vg_queue *q);

/* A group of n threads running fn(ctx, index). */
typedef struct vg_pool vg_pool;

/* Start n >= 1 threads. @return VG_OK; VG_E_NOMEM (*out NULL); VG_E_IO if a thread cannot be
 * created: *out then holds those already started: make them return (close their queue), then
 * vg_pool_join(). */
vg_status vg_pool_start(vg_pool **out, unsigned n, void (*fn)(void *ctx, unsigned index),
                        void *ctx);

/* Wait for every thread to return, then release. NULL is accepted. */
void vg_pool_join(vg_pool *p);

#endif
