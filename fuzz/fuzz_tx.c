/* Fuzz target: transaction deserializer (all types, payloads, output payloads, programs). */
#include "fuzz.h"

#include <ela/json.h>
#include <ela/tx.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ela_tx tx;
    const char *why = NULL;
    if (!ela_tx_parse(&tx, data, size, &why)) {
        FUZZ_ASSERT(why != NULL);
        return 0;
    }
    /* Rendering never fails on anything the parser accepts. */
    json_t *j = ela_tx_to_json(&tx, NULL);
    FUZZ_ASSERT(j != NULL);
    char *s = ela_json_dumps(j);
    FUZZ_ASSERT(s != NULL);
    free(s);
    json_decref(j);
    if (fuzz_roundtrip_exempt(ela_tx_type(&tx), ela_tx_payload_version(&tx))) {
        ela_tx_clear(&tx);
        return 0;
    }
    /* Serialization is idempotent: what we write reads back to the same bytes and txid. */
    ela_writer a, b;
    ela_writer_init(&a);
    ela_writer_init(&b);
    ela_tx_write(&a, &tx);
    ela_tx again;
    FUZZ_ASSERT(ela_tx_parse(&again, a.data, a.len, &why));
    ela_tx_write(&b, &again);
    FUZZ_ASSERT(fuzz_same(&a, &b));
    FUZZ_ASSERT(ela_uint256_equal(&tx.txid, &again.txid));
    ela_tx_clear(&again);
    ela_writer_clear(&a);
    ela_writer_clear(&b);
    ela_tx_clear(&tx);
    return 0;
}
