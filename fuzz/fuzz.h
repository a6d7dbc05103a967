/* elad fuzz: shared helpers for the fuzz targets. */
#ifndef ELA_FUZZ_H
#define ELA_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ela/payload.h>
#include <ela/serialize.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property that must hold for every input: report and abort so the fuzzer keeps the input. */
#define FUZZ_ASSERT(cond)                                                                     \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "fuzz: %s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

/* The one layout whose writer is not the inverse of its reader, in the reference too: Voting
 * with a payload version other than 0 or 1 reads a count and writes nothing (spec/wire.md
 * §3.7). Round-trip properties do not apply to it; everything else still must not crash. */
static inline int fuzz_roundtrip_exempt(uint8_t tx_type, uint8_t payload_version)
{
    return tx_type == ELA_TX_VOTING && payload_version > 1;
}

/* True when two writers hold the same bytes. */
static inline int fuzz_same(const ela_writer *a, const ela_writer *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

#endif
