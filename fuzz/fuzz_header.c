/* Fuzz target: full block header (84 bytes, AuxPoW, trailer byte), then the AuxPoW and PoW
 * checks on whatever parsed. */
#include "fuzz.h"

#include <ela/auxpow.h>
#include <ela/block.h>
#include <ela/pow.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ela_reader r;
    ela_reader_init(&r, data, size);
    ela_block_header h;
    if (!ela_block_header_read(&r, &h)) {
        FUZZ_ASSERT(r.err != NULL);
        return 0;
    }
    ela_writer a, b;
    ela_writer_init(&a);
    ela_writer_init(&b);
    ela_block_header_write(&a, &h);
    ela_reader_init(&r, a.data, a.len);
    ela_block_header again;
    FUZZ_ASSERT(ela_block_header_read(&r, &again) && ela_reader_left(&r) == 0);
    ela_block_header_write(&b, &again);
    FUZZ_ASSERT(fuzz_same(&a, &b));
    FUZZ_ASSERT(ela_uint256_equal(&h.hash, &again.hash));
    const char *why = NULL;
    bool ok = ela_auxpow_check(&h.auxpow, &h.hash, ELA_AUXPOW_CHAIN_ID, &why);
    FUZZ_ASSERT(ok || why != NULL);
    why = NULL;
    ok = ela_pow_check_auxpow(&h.auxpow, h.bits, &why);
    FUZZ_ASSERT(ok || why != NULL);
    ela_block_header_clear(&again);
    ela_writer_clear(&a);
    ela_writer_clear(&b);
    ela_block_header_clear(&h);
    return 0;
}
