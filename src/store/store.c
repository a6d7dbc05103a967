/* elad: the LevelDB store (see store.h). */
/* syscall(SYS_gettid) for the compaction thread's priority (see open_db). */
#define _DEFAULT_SOURCE
#include "store/store.h"

#include <leveldb/c.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct ela_store {
    leveldb_t *db;
    leveldb_options_t *options;
    leveldb_cache_t *cache;
    const leveldb_filterpolicy_t *filter;
    leveldb_readoptions_t *read;
    leveldb_writeoptions_t *write_async;
    leveldb_writeoptions_t *write_sync;
    bool written; /* a batch was written since open */
    char error[256];
    char *path; /* the directory, for ela_store_disk_size */
};

struct ela_store_batch {
    leveldb_writebatch_t *wb;
    size_t count;
};

struct ela_store_iter {
    ela_store *store;
    leveldb_iterator_t *it;
    leveldb_readoptions_t *read;
    const leveldb_snapshot_t *snap;
};

/* Takes over a LevelDB error string: copies it into the store and frees it. */
static void keep_error(ela_store *s, char *err)
{
    snprintf(s->error, sizeof s->error, "%s", err ? err : "unknown LevelDB error");
    leveldb_free(err);
}

/* LevelDB compacts on one background thread per process, started by whichever thread first
 * schedules work, and a new thread inherits its creator's nice value. Opening the database on a
 * short-lived thread at nice +10, and making that thread schedule the first compaction, starts
 * the compaction thread at low priority: it then yields to the signature workers while a block
 * is being verified and catches up while the main thread writes (it still gets its share when
 * it has to, and LevelDB slows writers down if it falls behind). The main thread's own priority
 * is never changed. If the thread cannot be started, the database is opened here instead. */
typedef struct open_job {
    ela_store *s;
    const char *path;
    char *lerr;
} open_job;

static void *open_job_main(void *arg)
{
    open_job *j = arg;
    /* A failure is not fatal: the compaction thread then runs at normal priority. */
    (void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
    j->s->db = leveldb_open(j->s->options, j->path, &j->lerr);
    /* Only the first open of a process starts the thread. A child forked after that (the test
     * harness forks) has no compaction thread although LevelDB believes it does, and the
     * trigger would wait for it forever: skip it there. */
    static pid_t started_by;
    if (j->s->db && started_by == 0) {
        started_by = getpid();
        /* A range no table uses: LevelDB flushes the (empty) memtable, which schedules the
         * first background job from this thread, and compacts nothing else. */
        static const char none[2] = {(char)0xff, (char)0xff};
        leveldb_compact_range(j->s->db, none, sizeof none, none, sizeof none);
    }
    return NULL;
}

static void open_db(ela_store *s, const char *path, char **lerr)
{
    open_job j = {s, path, NULL};
    pthread_t t;
    if (pthread_create(&t, NULL, open_job_main, &j) == 0) {
        pthread_join(t, NULL);
    } else {
        s->db = leveldb_open(s->options, path, &j.lerr);
    }
    *lerr = j.lerr;
}

ela_store *ela_store_open(const char *path, size_t cache_bytes, char *err, size_t errlen)
{
    ela_store *s = ela_xcalloc(1, sizeof *s);
    /* Half of the budget for the block cache, a quarter for the write buffer (LevelDB keeps up
     * to two of them); bounded so that a huge -dbcache does not make compactions stall. */
    size_t block_cache = cache_bytes / 2;
    size_t write_buffer = cache_bytes / 4;
    if (block_cache < (8u << 20))
        block_cache = 8u << 20;
    if (write_buffer < (4u << 20))
        write_buffer = 4u << 20;
    if (write_buffer > (64u << 20))
        write_buffer = 64u << 20;
    s->options = leveldb_options_create();
    s->cache = leveldb_cache_create_lru(block_cache);
    /* Most lookups during validation are for keys that do not exist (a new txid in 't', a
     * withdrawn hash in 'w'): a bloom filter answers them without touching the disk. */
    s->filter = leveldb_filterpolicy_create_bloom(10);
    leveldb_options_set_create_if_missing(s->options, 1);
    leveldb_options_set_cache(s->options, s->cache);
    leveldb_options_set_filter_policy(s->options, (leveldb_filterpolicy_t *)s->filter);
    leveldb_options_set_write_buffer_size(s->options, write_buffer);
    leveldb_options_set_max_open_files(s->options, 256);
    leveldb_options_set_compression(s->options, leveldb_no_compression);
    leveldb_options_set_paranoid_checks(s->options, 0);
    s->read = leveldb_readoptions_create();
    leveldb_readoptions_set_verify_checksums(s->read, 1);
    s->write_async = leveldb_writeoptions_create();
    leveldb_writeoptions_set_sync(s->write_async, 0);
    s->write_sync = leveldb_writeoptions_create();
    leveldb_writeoptions_set_sync(s->write_sync, 1);

    s->path = ela_xmemdup(path, strlen(path) + 1);
    char *lerr = NULL;
    open_db(s, path, &lerr);
    if (!s->db) {
        snprintf(err, errlen, "cannot open database %s: %s", path, lerr ? lerr : "unknown error");
        leveldb_free(lerr);
        ela_store_close(s);
        return NULL;
    }
    return s;
}

void ela_store_close(ela_store *s)
{
    if (!s)
        return;
    if (s->db && s->written) {
        /* A synced write flushes LevelDB's log, and with it every unsynced write before it. */
        static const uint8_t key[2] = {ELA_STORE_T_META, ELA_STORE_META_CLEAN};
        static const uint8_t one = 1;
        char *lerr = NULL;
        leveldb_put(s->db, s->write_sync, (const char *)key, sizeof key, (const char *)&one, 1,
                    &lerr);
        leveldb_free(lerr);
    }
    if (s->db)
        leveldb_close(s->db);
    if (s->read)
        leveldb_readoptions_destroy(s->read);
    if (s->write_async)
        leveldb_writeoptions_destroy(s->write_async);
    if (s->write_sync)
        leveldb_writeoptions_destroy(s->write_sync);
    if (s->options)
        leveldb_options_destroy(s->options);
    if (s->cache)
        leveldb_cache_destroy(s->cache);
    if (s->filter)
        leveldb_filterpolicy_destroy((leveldb_filterpolicy_t *)s->filter);
    free(s->path);
    free(s);
}

const char *ela_store_last_error(const ela_store *s)
{
    return s->error;
}

ela_store_result ela_store_get(ela_store *s, ela_bytes *out, const uint8_t *key, size_t klen)
{
    out->data = NULL;
    out->len = 0;
    size_t vlen = 0;
    char *lerr = NULL;
    char *v = leveldb_get(s->db, s->read, (const char *)key, klen, &vlen, &lerr);
    if (lerr) {
        keep_error(s, lerr);
        leveldb_free(v);
        return ELA_STORE_FAIL;
    }
    if (!v)
        return ELA_STORE_NOTFOUND;
    if (vlen)
        ela_bytes_set(out, (const uint8_t *)v, vlen);
    leveldb_free(v);
    return ELA_STORE_OK;
}

ela_store_result ela_store_exists(ela_store *s, const uint8_t *key, size_t klen)
{
    size_t vlen = 0;
    char *lerr = NULL;
    char *v = leveldb_get(s->db, s->read, (const char *)key, klen, &vlen, &lerr);
    if (lerr) {
        keep_error(s, lerr);
        leveldb_free(v);
        return ELA_STORE_FAIL;
    }
    if (!v)
        return ELA_STORE_NOTFOUND;
    leveldb_free(v);
    return ELA_STORE_OK;
}

ela_store_batch *ela_store_batch_new(void)
{
    ela_store_batch *b = ela_xcalloc(1, sizeof *b);
    b->wb = leveldb_writebatch_create();
    return b;
}

void ela_store_batch_free(ela_store_batch *b)
{
    if (!b)
        return;
    leveldb_writebatch_destroy(b->wb);
    free(b);
}

void ela_store_batch_put(ela_store_batch *b, const uint8_t *key, size_t klen, const uint8_t *val,
                         size_t vlen)
{
    leveldb_writebatch_put(b->wb, (const char *)key, klen, val ? (const char *)val : "", vlen);
    b->count++;
}

void ela_store_batch_delete(ela_store_batch *b, const uint8_t *key, size_t klen)
{
    leveldb_writebatch_delete(b->wb, (const char *)key, klen);
    b->count++;
}

void ela_store_batch_reset(ela_store_batch *b)
{
    leveldb_writebatch_clear(b->wb);
    b->count = 0;
}

size_t ela_store_batch_count(const ela_store_batch *b)
{
    return b->count;
}

bool ela_store_write(ela_store *s, ela_store_batch *b, bool sync)
{
    char *lerr = NULL;
    leveldb_write(s->db, sync ? s->write_sync : s->write_async, b->wb, &lerr);
    if (lerr) {
        keep_error(s, lerr);
        return false;
    }
    s->written = true;
    return true;
}

ela_store_iter *ela_store_iter_new(ela_store *s)
{
    ela_store_iter *it = ela_xcalloc(1, sizeof *it);
    it->store = s;
    it->snap = leveldb_create_snapshot(s->db);
    it->read = leveldb_readoptions_create();
    leveldb_readoptions_set_verify_checksums(it->read, 1);
    /* A full walk (stats, reindex) must not evict the hot blocks of the cache. */
    leveldb_readoptions_set_fill_cache(it->read, 0);
    leveldb_readoptions_set_snapshot(it->read, it->snap);
    it->it = leveldb_create_iterator(s->db, it->read);
    return it;
}

void ela_store_iter_free(ela_store_iter *it)
{
    if (!it)
        return;
    leveldb_iter_destroy(it->it);
    leveldb_readoptions_destroy(it->read);
    leveldb_release_snapshot(it->store->db, it->snap);
    free(it);
}

void ela_store_iter_seek(ela_store_iter *it, const uint8_t *key, size_t klen)
{
    leveldb_iter_seek(it->it, (const char *)key, klen);
}

bool ela_store_iter_valid(const ela_store_iter *it)
{
    return leveldb_iter_valid(it->it) != 0;
}

void ela_store_iter_next(ela_store_iter *it)
{
    leveldb_iter_next(it->it);
}

const uint8_t *ela_store_iter_key(const ela_store_iter *it, size_t *len)
{
    return (const uint8_t *)leveldb_iter_key(it->it, len);
}

const uint8_t *ela_store_iter_value(const ela_store_iter *it, size_t *len)
{
    return (const uint8_t *)leveldb_iter_value(it->it, len);
}

bool ela_store_iter_failed(ela_store_iter *it)
{
    char *lerr = NULL;
    leveldb_iter_get_error(it->it, &lerr);
    if (!lerr)
        return false;
    keep_error(it->store, lerr);
    return true;
}

uint64_t ela_store_disk_size(const ela_store *s)
{
    DIR *d = opendir(s->path);
    if (!d)
        return 0;
    uint64_t total = 0;
    int dfd = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        struct stat st;
        if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
    }
    closedir(d);
    return total;
}

