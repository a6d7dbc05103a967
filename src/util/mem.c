/* elad: allocation helpers and ela_bytes. */
#include <ela/ela.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(size_t n)
{
    /* The one place the library writes anything: the process cannot go on. */
    fprintf(stderr, "elad: out of memory allocating %zu bytes\n", n);
    abort();
}

void *ela_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *ela_xcalloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (!p)
        out_of_memory(count * size);
    return p;
}

void *ela_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

void *ela_xmemdup(const void *p, size_t n)
{
    void *q = ela_xmalloc(n);
    if (n)
        memcpy(q, p, n);
    return q;
}

void ela_memzero(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
}

void ela_bytes_clear(ela_bytes *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

void ela_bytes_set(ela_bytes *out, const uint8_t *p, size_t len)
{
    out->data = len ? ela_xmemdup(p, len) : NULL;
    out->len = len;
}

bool ela_bytes_equal(const ela_bytes *a, const ela_bytes *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}
