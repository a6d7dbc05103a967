/* elad: Base58Check addresses (spec/wire.md §5.4). */
#include <ela/address.h>

#include <ela/base58.h>
#include <ela/hash.h>

#include <stdlib.h>
#include <string.h>

bool ela_address_from_program_hash(char out[ELA_ADDRESS_MAX], const ela_uint168 *ph)
{
    uint8_t payload[25];
    uint8_t check[32];
    memcpy(payload, ph->b, 21);
    ela_sha256d(check, ph->b, 21);
    memcpy(payload + 21, check, 4);

    /* The reference base58-encodes the payload as an integer: leading zero bytes vanish
     * instead of becoming '1's (only reachable with a zero prefix byte). */
    size_t skip = 0;
    while (skip < sizeof(payload) && payload[skip] == 0)
        skip++;
    if (skip == sizeof(payload)) {
        out[0] = '\0';
        return false; /* the reference would produce "" for 0, which no parser accepts */
    }
    return ela_base58_encode(out, ELA_ADDRESS_MAX, payload + skip, sizeof(payload) - skip) > 0;
}

bool ela_address_to_program_hash(ela_uint168 *out, const char *addr)
{
    memset(out, 0, sizeof(*out));
    if (strlen(addr) != 34)
        return false;
    ela_bytes raw = {0};
    if (!ela_base58_decode(&raw, addr))
        return false;
    /* The reference takes the first 21 big-endian bytes of the decoded integer (leading zero
     * bytes are not part of it); a shorter integer makes it fail. */
    size_t skip = 0;
    while (skip < raw.len && raw.data[skip] == 0)
        skip++;
    bool ok = raw.len - skip >= 21;
    ela_uint168 ph;
    if (ok)
        memcpy(ph.b, raw.data + skip, 21);
    ela_bytes_clear(&raw);
    if (!ok)
        return false;

    char again[ELA_ADDRESS_MAX];
    if (!ela_address_from_program_hash(again, &ph) || strcmp(again, addr) != 0)
        return false;
    *out = ph;
    return true;
}
