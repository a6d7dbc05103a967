/* elad: the signature check pool (DESIGN.md "Threads"): a fixed set of worker threads that run
 * one parallel loop at a time for the main thread and are joined before it returns.
 *
 * The main thread hands over a range [0, n) and a function; workers take chunks of the range
 * (an atomic cursor, so a slow chunk does not hold the others back) until it is exhausted.
 * Nothing is shared between workers except the cursor: the function must only write to the
 * per-item slots its range owns. */
#ifndef ELA_CHAIN_CHECKPOOL_H
#define ELA_CHAIN_CHECKPOOL_H

#include <ela/ela.h>

typedef struct ela_checkpool ela_checkpool;

/* Called on a worker for items [begin, end) of the current run. */
typedef void (*ela_checkpool_fn)(void *ctx, size_t begin, size_t end);

/* Starts `workers` threads (0: one per online core). Returns NULL (with errno) when no thread
 * could be started; fewer threads than asked are accepted. */
ela_checkpool *ela_checkpool_new(int workers);
/* Stops and joins the threads. ela_checkpool_free(NULL) is a no-op. */
void ela_checkpool_free(ela_checkpool *p);
/* Number of worker threads. */
int ela_checkpool_size(const ela_checkpool *p);

/* Hands fn over [0, n) to the workers in chunks of at most `chunk` items (0: chosen from n and
 * the thread count) and returns at once, so the caller can do other work meanwhile (the chain
 * engine builds the block's write batch). Every start must be followed by ela_checkpool_wait
 * before the next start. Must not be called from a worker. */
void ela_checkpool_start(ela_checkpool *p, ela_checkpool_fn fn, void *ctx, size_t n,
                         size_t chunk);
/* Returns when every chunk of the current run is done; the calling thread takes chunks too
 * instead of sleeping. A no-op when nothing was started. */
void ela_checkpool_wait(ela_checkpool *p);
/* ela_checkpool_start then ela_checkpool_wait. n == 0 returns at once. */
void ela_checkpool_run(ela_checkpool *p, ela_checkpool_fn fn, void *ctx, size_t n, size_t chunk);

#endif /* ELA_CHAIN_CHECKPOOL_H */
