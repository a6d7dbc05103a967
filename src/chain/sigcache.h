/* elad: the signature cache: the set of transactions whose programs verified against a given
 * set of required program hashes (spec/consensus.md §4.4), so that a block does not verify again
 * what the mempool already did.
 *
 * An entry is SHA-256 over (the full tx serialization ‖ the required program hashes in the
 * order ela_txcheck_required_hashes gives them): the programs, the signed data and the hashes
 * they must match are all covered, so a hit means RunPrograms would succeed. Bounded: when full,
 * the oldest entry is dropped. Used from the chain's thread only. */
#ifndef ELA_CHAIN_SIGCACHE_H
#define ELA_CHAIN_SIGCACHE_H

#include <ela/ela.h>
#include <ela/uint256.h>

#include "chain/hmap.h"

typedef struct ela_sigcache {
    ela_hmap set;       /* key -> (void *)1 */
    uint8_t (*ring)[32]; /* insertion order, for eviction */
    size_t max, head, used;
} ela_sigcache;

/* An empty cache of at most max entries (at least 1). */
void ela_sigcache_init(ela_sigcache *c, size_t max);
void ela_sigcache_clear(ela_sigcache *c);

/* The cache key of a tx: raw[0..len) is its full serialization, required[0..n) the program
 * hashes RunPrograms pairs with its programs. */
void ela_sigcache_key(uint8_t out[32], const uint8_t *raw, size_t len,
                      const ela_uint168 *required, size_t n);

bool ela_sigcache_contains(const ela_sigcache *c, const uint8_t key[32]);
void ela_sigcache_insert(ela_sigcache *c, const uint8_t key[32]);
/* Forgets key (e.g. once its tx is in a connected block and cannot be checked again). */
void ela_sigcache_erase(ela_sigcache *c, const uint8_t key[32]);
size_t ela_sigcache_count(const ela_sigcache *c);

#endif /* ELA_CHAIN_SIGCACHE_H */
