/* Fuzz target: AuxPoW deserializer and the AuxPoW check (the block hash comes from the input's
 * first 32 bytes, so the fuzzer can steer both). */
#include "fuzz.h"

#include <ela/auxpow.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ela_auxpow aux;
    const char *why = NULL;
    if (!ela_auxpow_parse(&aux, data, size, &why)) {
        FUZZ_ASSERT(why != NULL);
        return 0;
    }
    ela_writer a, b;
    ela_writer_init(&a);
    ela_writer_init(&b);
    ela_auxpow_write(&a, &aux);
    ela_auxpow again;
    FUZZ_ASSERT(ela_auxpow_parse(&again, a.data, a.len, &why));
    ela_auxpow_write(&b, &again);
    FUZZ_ASSERT(fuzz_same(&a, &b));
    ela_uint256 hash = {{0}};
    memcpy(hash.b, data, size < 32 ? size : 32);
    bool ok1 = ela_auxpow_check(&aux, &hash, ELA_AUXPOW_CHAIN_ID, &why);
    bool ok2 = ela_auxpow_check(&again, &hash, ELA_AUXPOW_CHAIN_ID, &why);
    FUZZ_ASSERT(ok1 == ok2);
    ela_auxpow_clear(&again);
    ela_writer_clear(&a);
    ela_writer_clear(&b);
    ela_auxpow_clear(&aux);
    return 0;
}
