/* Fuzz target: block deserializer as carried in a P2P block message (DposBlock: block, confirm
 * flag, optional confirm), and the plain block form. */
#include "fuzz.h"

#include <ela/block.h>
#include <ela/json.h>
#include <ela/tx.h>

static int block_exempt(const ela_block *b)
{
    for (size_t i = 0; i < b->n_txs; i++)
        if (fuzz_roundtrip_exempt(ela_tx_type(&b->txs[i]), ela_tx_payload_version(&b->txs[i])))
            return 1;
    return 0;
}

static void plain_block(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    ela_block b;
    if (!ela_block_parse(&b, data, size, &why)) {
        FUZZ_ASSERT(why != NULL);
        return;
    }
    json_t *j = ela_block_to_json(&b, 2, NULL);
    FUZZ_ASSERT(j != NULL);
    json_decref(j);
    if (!block_exempt(&b)) {
        ela_writer a, c;
        ela_writer_init(&a);
        ela_writer_init(&c);
        ela_block_write(&a, &b);
        ela_block again;
        FUZZ_ASSERT(ela_block_parse(&again, a.data, a.len, &why));
        ela_block_write(&c, &again);
        FUZZ_ASSERT(fuzz_same(&a, &c));
        FUZZ_ASSERT(ela_uint256_equal(&b.header.hash, &again.header.hash));
        ela_block_clear(&again);
        ela_writer_clear(&a);
        ela_writer_clear(&c);
    }
    ela_block_clear(&b);
}

static void dpos_block(const uint8_t *data, size_t size)
{
    const char *why = NULL;
    ela_dpos_block d;
    if (!ela_dpos_block_parse(&d, data, size, &why)) {
        FUZZ_ASSERT(why != NULL);
        return;
    }
    if (!block_exempt(&d.block)) {
        ela_writer a, c;
        ela_writer_init(&a);
        ela_writer_init(&c);
        ela_dpos_block_write(&a, &d);
        ela_dpos_block again;
        FUZZ_ASSERT(ela_dpos_block_parse(&again, a.data, a.len, &why));
        ela_dpos_block_write(&c, &again);
        FUZZ_ASSERT(fuzz_same(&a, &c));
        ela_dpos_block_clear(&again);
        ela_writer_clear(&a);
        ela_writer_clear(&c);
    }
    ela_dpos_block_clear(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    plain_block(data, size);
    dpos_block(data, size);
    return 0;
}
