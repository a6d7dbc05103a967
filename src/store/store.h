/* elad: the store (DESIGN.md "store" layer): one LevelDB database per network, with a thin
 * wrapper for reads, atomic write batches and ordered iteration. This header is THE place where
 * the tables and their key layouts are declared; no other file invents a prefix.
 *
 * Every key starts with one table byte:
 *
 *   'b' block index   hash(32)                        -> header fields, height, status, work
 *   'B' block bodies  hash(32)                        -> the block's bytes as received
 *   'c' UTXO          txid(32) ‖ index(u16 BE)        -> ela_coin_write bytes
 *   'a' address index program hash(21) ‖ txid(32) ‖ index(u16 BE)
 *                                                     -> value i64, height u32, output lock u32
 *                                                        (zero-value outputs are not indexed)
 *   't' tx index      txid(32)                        -> block hash(32), height u32, byte offset
 *                                                        u32 and length u32 of the tx in 'B'
 *   'u' undo          block hash(32)                  -> what disconnecting the block needs
 *   'w' withdrawn     side-chain txid(32)             -> empty (§4.7.5; v2 rollback keeps it)
 *   'r' refunded      deposit txid(32)                -> empty (§4.7.6)
 *   'h' main chain    height(u32 BE)                  -> block hash(32)
 *   's' state         reserved for BPoS/CR state and its snapshots (spec/bpos-cr.md)
 *   'm' meta          one byte naming the entry (see ELA_STORE_META_*)
 *
 * Integers inside values are little-endian (the ela_writer encodings); integers inside keys are
 * big-endian so that LevelDB's byte order is numeric order.
 *
 * Errors: reads verify checksums; a failed read or write is reported as ELA_STORE_FAIL and the
 * reason is kept (ela_store_last_error) for the caller's log line. */
#ifndef ELA_STORE_STORE_H
#define ELA_STORE_STORE_H

#include <ela/ela.h>

enum {
    ELA_STORE_T_INDEX = 'b',
    ELA_STORE_T_BODY = 'B',
    ELA_STORE_T_COIN = 'c',
    ELA_STORE_T_ADDR = 'a',
    ELA_STORE_T_TX = 't',
    ELA_STORE_T_UNDO = 'u',
    ELA_STORE_T_WITHDRAW = 'w',
    ELA_STORE_T_REFUND = 'r',
    ELA_STORE_T_HEIGHT = 'h',
    ELA_STORE_T_STATE = 's',
    ELA_STORE_T_META = 'm',
};

/* Meta entries: key = 'm' ‖ one of these. */
enum {
    ELA_STORE_META_VERSION = 'v', /* u32 schema version */
    ELA_STORE_META_TIP = 't',     /* hash(32) of the main-chain tip */
    ELA_STORE_META_REINDEX = 'r', /* present while a reindex is under way */
    ELA_STORE_META_CLEAN = 'c',   /* u8 1 written (synced) by a clean close */
};

/* Bumped whenever a key or value layout above changes; a store with another version must be
 * rebuilt with -reindex. */
#define ELA_STORE_SCHEMA_VERSION 1u

#define ELA_STORE_HASH_KEY_LEN 33u  /* 'b', 'B', 't', 'u', 'w', 'r' */
#define ELA_STORE_COIN_KEY_LEN 35u  /* 'c' txid index */
#define ELA_STORE_ADDR_KEY_LEN 56u  /* 'a' ph txid index */
#define ELA_STORE_HEIGHT_KEY_LEN 5u /* 'h' height */
#define ELA_STORE_ADDR_VALUE_LEN 16u
#define ELA_STORE_TX_VALUE_LEN 44u

/* Key builders (out must hold the ..._KEY_LEN bytes). */
static inline void ela_store_key_hash(uint8_t out[ELA_STORE_HASH_KEY_LEN], uint8_t table,
                                      const uint8_t hash[32])
{
    out[0] = table;
    for (int i = 0; i < 32; i++)
        out[1 + i] = hash[i];
}

static inline void ela_store_key_coin(uint8_t out[ELA_STORE_COIN_KEY_LEN],
                                      const uint8_t txid[32], uint16_t index)
{
    out[0] = ELA_STORE_T_COIN;
    for (int i = 0; i < 32; i++)
        out[1 + i] = txid[i];
    out[33] = (uint8_t)(index >> 8);
    out[34] = (uint8_t)index;
}

static inline void ela_store_key_addr(uint8_t out[ELA_STORE_ADDR_KEY_LEN], const uint8_t ph[21],
                                      const uint8_t txid[32], uint16_t index)
{
    out[0] = ELA_STORE_T_ADDR;
    for (int i = 0; i < 21; i++)
        out[1 + i] = ph[i];
    for (int i = 0; i < 32; i++)
        out[22 + i] = txid[i];
    out[54] = (uint8_t)(index >> 8);
    out[55] = (uint8_t)index;
}

static inline void ela_store_key_height(uint8_t out[ELA_STORE_HEIGHT_KEY_LEN], uint32_t height)
{
    out[0] = ELA_STORE_T_HEIGHT;
    out[1] = (uint8_t)(height >> 24);
    out[2] = (uint8_t)(height >> 16);
    out[3] = (uint8_t)(height >> 8);
    out[4] = (uint8_t)height;
}

typedef struct ela_store ela_store;
typedef struct ela_store_batch ela_store_batch;
typedef struct ela_store_iter ela_store_iter;

typedef enum ela_store_result {
    ELA_STORE_OK = 0,
    ELA_STORE_NOTFOUND,
    ELA_STORE_FAIL, /* I/O error or corruption: see ela_store_last_error */
} ela_store_result;

/* Opens (creating when missing) the database at path. cache_bytes sizes LevelDB's block cache
 * and write buffer. On failure returns NULL with LevelDB's reason in err. */
ela_store *ela_store_open(const char *path, size_t cache_bytes, char *err, size_t errlen);
/* When anything was written since open: writes the clean-close marker with sync=true (so
 * everything before it reached the disk). Then closes. ela_store_close(NULL) is a no-op. */
void ela_store_close(ela_store *s);
/* The reason of the last failed operation ("" when none). Valid until the next call. */
const char *ela_store_last_error(const ela_store *s);

/* Reads key. OK: *out holds a copy of the value (caller clears; *out must be clear on entry).
 * NOTFOUND and FAIL leave *out clear. */
ELA_WARN_UNUSED_RESULT ela_store_result ela_store_get(ela_store *s, ela_bytes *out,
                                                      const uint8_t *key, size_t klen);
/* As ela_store_get without returning the value. */
ELA_WARN_UNUSED_RESULT ela_store_result ela_store_exists(ela_store *s, const uint8_t *key,
                                                         size_t klen);

/* Write batches: applied atomically by ela_store_write, in the order of the calls (a later
 * operation on a key wins). */
ela_store_batch *ela_store_batch_new(void);
void ela_store_batch_free(ela_store_batch *b);
void ela_store_batch_put(ela_store_batch *b, const uint8_t *key, size_t klen, const uint8_t *val,
                         size_t vlen);
void ela_store_batch_delete(ela_store_batch *b, const uint8_t *key, size_t klen);
void ela_store_batch_reset(ela_store_batch *b);
/* Operations queued since creation or the last reset. */
size_t ela_store_batch_count(const ela_store_batch *b);
/* Applies the batch. sync=false is enough for crash safety of the process (the data reaches
 * the OS); sync=true also survives a power cut. false on a write error (see last error). */
ELA_WARN_UNUSED_RESULT bool ela_store_write(ela_store *s, ela_store_batch *b, bool sync);

/* Ordered iteration (checksums verified). The iterator sees the store as it was when created. */
ela_store_iter *ela_store_iter_new(ela_store *s);
void ela_store_iter_free(ela_store_iter *it);
/* Positions at the first key >= key. */
void ela_store_iter_seek(ela_store_iter *it, const uint8_t *key, size_t klen);
bool ela_store_iter_valid(const ela_store_iter *it);
void ela_store_iter_next(ela_store_iter *it);
const uint8_t *ela_store_iter_key(const ela_store_iter *it, size_t *len);
const uint8_t *ela_store_iter_value(const ela_store_iter *it, size_t *len);
/* True when iteration stopped because of an error rather than the end (reason kept in the
 * store's last error). */
bool ela_store_iter_failed(ela_store_iter *it);

/* The bytes of every file in the store's directory (tables, log, manifest): what the store
 * really occupies, including data LevelDB has not yet written to a table. */
uint64_t ela_store_disk_size(const ela_store *s);

#endif /* ELA_STORE_STORE_H */
