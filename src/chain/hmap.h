/* elad: an open-addressing hash table with fixed-size byte keys (hashes, outpoints) and pointer
 * values, used by the chain engine for the block index, the orphan pool, the coin cache and the
 * signature cache.
 *
 * Keys are copied into the table. The hash is keyed with a per-process random seed so that a
 * peer cannot craft txids or block hashes that collide in one bucket. Linear probing with
 * backward-shift deletion: no tombstones, so a table that sees many inserts and deletes (the
 * coin cache) keeps short probe sequences. Not thread-safe. */
#ifndef ELA_CHAIN_HMAP_H
#define ELA_CHAIN_HMAP_H

#include <ela/ela.h>

/* Longest key: an address-index prefix is 21 bytes, an outpoint 34, a hash 32. */
#define ELA_HMAP_MAX_KEY 40

typedef struct ela_hmap {
    size_t keylen;
    size_t cap;   /* slots, a power of two (0 before the first insert) */
    size_t count;
    uint8_t *keys; /* cap * keylen */
    void **vals;   /* cap; NULL marks an empty slot */
} ela_hmap;

/* Prepares an empty table for keys of keylen bytes (1..ELA_HMAP_MAX_KEY). */
void ela_hmap_init(ela_hmap *m, size_t keylen);
/* Frees the table's own memory (not the values) and leaves it empty and initialised. */
void ela_hmap_clear(ela_hmap *m);

/* The value stored under key, or NULL. */
void *ela_hmap_get(const ela_hmap *m, const void *key);
/* Stores val (not NULL) under key, replacing and returning any previous value (else NULL). */
void *ela_hmap_put(ela_hmap *m, const void *key, void *val);
/* Removes key and returns its value, or NULL when absent. */
void *ela_hmap_remove(ela_hmap *m, const void *key);

/* Iteration over the slots: for (i = 0; i < m->cap; i++) if (m->vals[i]) ... The key of slot
 * i is ela_hmap_key_at(m, i). The table must not change during the walk. */
static inline const uint8_t *ela_hmap_key_at(const ela_hmap *m, size_t i)
{
    return m->keys + i * m->keylen;
}

#endif /* ELA_CHAIN_HMAP_H */
