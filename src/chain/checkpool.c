/* elad: the signature check pool (see checkpool.h). */
#include "chain/checkpool.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

struct ela_checkpool {
    pthread_mutex_t lock;
    pthread_cond_t work_cv; /* workers wait here for a new run */
    pthread_cond_t done_cv; /* the caller waits here for the run to finish */
    pthread_t *threads;
    int n_threads;
    bool stop;
    uint64_t generation; /* bumped for every run */
    /* The current run. */
    ela_checkpool_fn fn;
    void *ctx;
    size_t n, chunk;
    atomic_size_t cursor;
    int busy; /* workers still inside the current run */
    bool running; /* started and not yet waited for (caller thread only) */
};

static void *worker_main(void *arg)
{
    ela_checkpool *p = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->generation == seen)
            pthread_cond_wait(&p->work_cv, &p->lock);
        if (p->stop)
            break;
        seen = p->generation;
        ela_checkpool_fn fn = p->fn;
        void *ctx = p->ctx;
        size_t n = p->n, chunk = p->chunk;
        pthread_mutex_unlock(&p->lock);
        for (;;) {
            size_t begin = atomic_fetch_add(&p->cursor, chunk);
            if (begin >= n)
                break;
            size_t end = n - begin < chunk ? n : begin + chunk;
            fn(ctx, begin, end);
        }
        pthread_mutex_lock(&p->lock);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done_cv);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

ela_checkpool *ela_checkpool_new(int workers)
{
    if (workers <= 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        workers = cores > 0 ? (int)cores : 1;
    }
    if (workers > 256)
        workers = 256;
    ela_checkpool *p = ela_xcalloc(1, sizeof *p);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    atomic_init(&p->cursor, 0);
    p->threads = ela_xcalloc((size_t)workers, sizeof *p->threads);
    for (int i = 0; i < workers; i++) {
        if (pthread_create(&p->threads[p->n_threads], NULL, worker_main, p) != 0)
            break;
        p->n_threads++;
    }
    if (p->n_threads == 0) {
        int e = errno;
        ela_checkpool_free(p);
        errno = e ? e : EAGAIN;
        return NULL;
    }
    return p;
}

void ela_checkpool_free(ela_checkpool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->lock);
    for (int i = 0; i < p->n_threads; i++)
        pthread_join(p->threads[i], NULL);
    free(p->threads);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

int ela_checkpool_size(const ela_checkpool *p)
{
    return p->n_threads;
}

void ela_checkpool_start(ela_checkpool *p, ela_checkpool_fn fn, void *ctx, size_t n,
                         size_t chunk)
{
    assert(!p->running);
    if (n == 0)
        return;
    if (chunk == 0) {
        /* About 32 chunks per thread: the run ends when the last chunk does, so the tail where
         * some threads idle is at most one chunk long (a few signatures); the shared cursor is
         * still touched only every few hundred microseconds. */
        size_t parts = (size_t)(p->n_threads + 1) * 32;
        chunk = n / parts;
        if (chunk == 0)
            chunk = 1;
    }
    pthread_mutex_lock(&p->lock);
    p->fn = fn;
    p->ctx = ctx;
    p->n = n;
    p->chunk = chunk;
    atomic_store(&p->cursor, 0);
    p->busy = p->n_threads;
    p->generation++;
    p->running = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->lock);
}

void ela_checkpool_wait(ela_checkpool *p)
{
    if (!p->running)
        return;
    /* The caller is one more worker until the range is exhausted. */
    for (;;) {
        size_t begin = atomic_fetch_add(&p->cursor, p->chunk);
        if (begin >= p->n)
            break;
        size_t end = p->n - begin < p->chunk ? p->n : begin + p->chunk;
        p->fn(p->ctx, begin, end);
    }
    pthread_mutex_lock(&p->lock);
    while (p->busy > 0)
        pthread_cond_wait(&p->done_cv, &p->lock);
    p->running = false;
    pthread_mutex_unlock(&p->lock);
}

void ela_checkpool_run(ela_checkpool *p, ela_checkpool_fn fn, void *ctx, size_t n, size_t chunk)
{
    ela_checkpool_start(p, fn, ctx, n, chunk);
    ela_checkpool_wait(p);
}
