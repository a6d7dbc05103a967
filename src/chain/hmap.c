/* elad: open-addressing hash table (see hmap.h). */
#include "chain/hmap.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

static uint64_t seed;
static pthread_once_t seed_once = PTHREAD_ONCE_INIT;

static void seed_init(void)
{
    /* A weak fallback still beats a constant: a peer cannot observe the address of a stack
     * variable or the clock of this process. */
    if (RAND_bytes((unsigned char *)&seed, sizeof seed) != 1)
        seed = (uint64_t)(uintptr_t)&seed ^ 0x9e3779b97f4a7c15ull;
    seed |= 1;
}

static inline uint64_t mix(uint64_t h)
{
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

static uint64_t hash_key(const uint8_t *k, size_t len)
{
    uint64_t h = seed ^ (len * 0x9e3779b97f4a7c15ull);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, k + i, 8);
        h = mix(h ^ w);
    }
    if (i < len) {
        uint64_t w = 0;
        memcpy(&w, k + i, len - i);
        h = mix(h ^ w ^ 0xff);
    }
    return h;
}

void ela_hmap_init(ela_hmap *m, size_t keylen)
{
    assert(keylen > 0 && keylen <= ELA_HMAP_MAX_KEY);
    pthread_once(&seed_once, seed_init);
    memset(m, 0, sizeof *m);
    m->keylen = keylen;
}

void ela_hmap_clear(ela_hmap *m)
{
    size_t keylen = m->keylen;
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
    m->keylen = keylen;
}

static size_t find_slot(const ela_hmap *m, const void *key, bool *found)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)hash_key(key, m->keylen) & mask;
    for (;;) {
        if (!m->vals[i]) {
            *found = false;
            return i;
        }
        if (memcmp(m->keys + i * m->keylen, key, m->keylen) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

void *ela_hmap_get(const ela_hmap *m, const void *key)
{
    if (m->count == 0)
        return NULL;
    bool found;
    size_t i = find_slot(m, key, &found);
    return found ? m->vals[i] : NULL;
}

static void grow(ela_hmap *m)
{
    size_t old_cap = m->cap;
    uint8_t *old_keys = m->keys;
    void **old_vals = m->vals;
    m->cap = old_cap ? old_cap * 2 : 16;
    m->keys = ela_xmalloc(m->cap * m->keylen);
    m->vals = ela_xcalloc(m->cap, sizeof(void *));
    for (size_t i = 0; i < old_cap; i++) {
        if (!old_vals[i])
            continue;
        bool found;
        size_t j = find_slot(m, old_keys + i * m->keylen, &found);
        memcpy(m->keys + j * m->keylen, old_keys + i * m->keylen, m->keylen);
        m->vals[j] = old_vals[i];
    }
    free(old_keys);
    free(old_vals);
}

void *ela_hmap_put(ela_hmap *m, const void *key, void *val)
{
    assert(val != NULL);
    /* Load factor at most 1/2 keeps linear probing short. */
    if ((m->count + 1) * 2 > m->cap)
        grow(m);
    bool found;
    size_t i = find_slot(m, key, &found);
    if (found) {
        void *old = m->vals[i];
        m->vals[i] = val;
        return old;
    }
    memcpy(m->keys + i * m->keylen, key, m->keylen);
    m->vals[i] = val;
    m->count++;
    return NULL;
}

void *ela_hmap_remove(ela_hmap *m, const void *key)
{
    if (m->count == 0)
        return NULL;
    bool found;
    size_t i = find_slot(m, key, &found);
    if (!found)
        return NULL;
    void *old = m->vals[i];
    m->vals[i] = NULL;
    m->count--;
    /* Backward-shift: move later members of the probe run into the hole when their home slot
     * is not between the hole and their current slot. */
    size_t mask = m->cap - 1;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; m->vals[j]; j = (j + 1) & mask) {
        size_t home = (size_t)hash_key(m->keys + j * m->keylen, m->keylen) & mask;
        bool between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
        if (between)
            continue;
        memcpy(m->keys + hole * m->keylen, m->keys + j * m->keylen, m->keylen);
        m->vals[hole] = m->vals[j];
        m->vals[j] = NULL;
        hole = j;
    }
    return old;
}
