/* elad: the signature cache (see sigcache.h). */
#include "chain/sigcache.h"

#include <ela/hash.h>

#include <stdlib.h>
#include <string.h>

static char present; /* the value of every member: any non-NULL pointer */

void ela_sigcache_init(ela_sigcache *c, size_t max)
{
    memset(c, 0, sizeof *c);
    ela_hmap_init(&c->set, 32);
    c->max = max ? max : 1;
    c->ring = ela_xcalloc(c->max, sizeof *c->ring);
}

void ela_sigcache_clear(ela_sigcache *c)
{
    ela_hmap_clear(&c->set);
    free(c->ring);
    memset(c, 0, sizeof *c);
}

void ela_sigcache_key(uint8_t out[32], const uint8_t *raw, size_t len,
                      const ela_uint168 *required, size_t n)
{
    ela_sha256_ctx ctx;
    ela_sha256_init(&ctx);
    ela_sha256_update(&ctx, raw, len);
    for (size_t i = 0; i < n; i++)
        ela_sha256_update(&ctx, required[i].b, sizeof required[i].b);
    ela_sha256_final(&ctx, out);
}

bool ela_sigcache_contains(const ela_sigcache *c, const uint8_t key[32])
{
    return ela_hmap_get(&c->set, key) != NULL;
}

void ela_sigcache_insert(ela_sigcache *c, const uint8_t key[32])
{
    if (ela_hmap_get(&c->set, key))
        return;
    /* The ring holds every key ever inserted in order; a slot whose key was erased since is
     * simply reused. */
    if (c->used == c->max) {
        ela_hmap_remove(&c->set, c->ring[c->head]);
        c->used--;
    }
    memcpy(c->ring[c->head], key, 32);
    c->head = (c->head + 1) % c->max;
    c->used++;
    ela_hmap_put(&c->set, key, &present);
}

void ela_sigcache_erase(ela_sigcache *c, const uint8_t key[32])
{
    /* The ring slot stays; when it comes round it removes nothing (or a re-inserted key early,
     * which only costs a re-verification). */
    ela_hmap_remove(&c->set, key);
}

size_t ela_sigcache_count(const ela_sigcache *c)
{
    return c->set.count;
}
