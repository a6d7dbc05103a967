/* elad: common conventions of the libela public API.
 *
 * Every public header of libela includes this one. The rules written once here:
 *
 *  - Names: functions ela_<module>_<verb>, types ela_<thing>, macros ELA_*.
 *  - Argument order: context or state first, then outputs, then inputs; a length follows its
 *    pointer (const uint8_t *p, size_t len).
 *  - Ownership: _init/_clear for objects embedded by the caller, _new/_free for heap objects;
 *    _free(NULL) and _clear of a zeroed object are no-ops. A function that returns memory says
 *    who frees it.
 *  - Errors: invalid data is a return value (false, or NULL) with a reason the caller can show;
 *    a caller bug (NULL where an object is required, an impossible enum) is an assert. Memory
 *    exhaustion aborts the process (see ela_xmalloc): it is an environment failure, not data.
 *  - The library never prints and never exits except on memory exhaustion.
 */
#ifndef ELA_ELA_H
#define ELA_ELA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define ELA_WARN_UNUSED_RESULT __attribute__((warn_unused_result))
#define ELA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define ELA_WARN_UNUSED_RESULT
#define ELA_PRINTF(fmt, args)
#endif

#define ELA_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that never returns NULL: on exhaustion it writes one line to stderr and aborts.
 * ela_xmalloc(0) returns a valid unique pointer. Memory from these is released with free(). */
void *ela_xmalloc(size_t n);
void *ela_xcalloc(size_t count, size_t size);
void *ela_xrealloc(void *p, size_t n);
void *ela_xmemdup(const void *p, size_t n);

/* Overwrites n bytes at p with zeros in a way the compiler may not remove (for secrets). */
void ela_memzero(void *p, size_t n);

/* A heap byte string: data is NULL exactly when len is 0. Owned by whoever holds the struct;
 * released with ela_bytes_clear. */
typedef struct ela_bytes {
    uint8_t *data;
    size_t len;
} ela_bytes;

/* Frees b->data and zeroes *b. */
void ela_bytes_clear(ela_bytes *b);
/* Sets *out to a copy of p[0..len). *out must be clear on entry. */
void ela_bytes_set(ela_bytes *out, const uint8_t *p, size_t len);
/* True when both hold the same bytes. */
bool ela_bytes_equal(const ela_bytes *a, const ela_bytes *b);

#endif /* ELA_ELA_H */
