/* Fuzz target: DPoS confirm (proposal, u64 vote count, votes). */
#include "fuzz.h"

#include <ela/block.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ela_reader r;
    ela_reader_init(&r, data, size);
    ela_confirm c;
    if (!ela_confirm_read(&r, &c)) {
        FUZZ_ASSERT(r.err != NULL);
        return 0;
    }
    size_t used = r.pos;
    ela_writer a, b;
    ela_writer_init(&a);
    ela_writer_init(&b);
    ela_confirm_write(&a, &c);
    FUZZ_ASSERT(a.len <= used);
    ela_reader_init(&r, a.data, a.len);
    ela_confirm again;
    FUZZ_ASSERT(ela_confirm_read(&r, &again) && ela_reader_left(&r) == 0);
    ela_confirm_write(&b, &again);
    FUZZ_ASSERT(fuzz_same(&a, &b));
    ela_uint256 h1, h2;
    ela_dpos_proposal_hash(&h1, &c.proposal);
    ela_dpos_proposal_hash(&h2, &again.proposal);
    FUZZ_ASSERT(ela_uint256_equal(&h1, &h2));
    ela_confirm_clear(&again);
    ela_writer_clear(&a);
    ela_writer_clear(&b);
    ela_confirm_clear(&c);
    return 0;
}
