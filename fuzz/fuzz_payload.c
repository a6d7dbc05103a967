/* Fuzz target: every payload reader. Input: tx type byte, payload version byte, payload bytes. */
#include "fuzz.h"

#include <ela/payload.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t type = data[0], version = data[1];
    ela_reader r;
    ela_reader_init(&r, data + 2, size - 2);
    ela_payload p;
    if (!ela_payload_read(&r, &p, type, version)) {
        FUZZ_ASSERT(r.err != NULL);
        return 0;
    }
    if (fuzz_roundtrip_exempt(type, version)) {
        json_decref(ela_payload_to_json(&p));
        ela_payload_clear(&p);
        return 0;
    }
    ela_writer a, b, u;
    ela_writer_init(&a);
    ela_writer_init(&b);
    ela_writer_init(&u);
    ela_payload_write(&a, &p);
    ela_reader_init(&r, a.data, a.len);
    ela_payload again;
    FUZZ_ASSERT(ela_payload_read(&r, &again, type, version));
    ela_payload_write(&b, &again);
    FUZZ_ASSERT(fuzz_same(&a, &b));
    ela_payload_write_unsigned(&u, &p);
    FUZZ_ASSERT(u.len <= a.len);
    json_t *j = ela_payload_to_json(&p);
    FUZZ_ASSERT(j != NULL);
    json_decref(j);
    ela_payload_clear(&again);
    ela_writer_clear(&a);
    ela_writer_clear(&b);
    ela_writer_clear(&u);
    ela_payload_clear(&p);
    return 0;
}
