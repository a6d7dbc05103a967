/* elad: MurmurHash3 x86_32 and the BIP37-style bloom filter of ELA SPV (spec/crosschain.md
 * §6.3), with the filterload, filteradd and txfilter payloads (spec/p2p-rpc.md §3.10-3.12). */
#include <ela/bloom.h>

#include <assert.h>
#include <math.h>
#include <string.h>

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t ela_murmur3_32(uint32_t seed, const uint8_t *p, size_t len)
{
    const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
    uint32_t h = seed;
    size_t nblocks = len / 4;

    for (size_t i = 0; i < nblocks; i++) {
        uint32_t k = load_le32(p + 4 * i);
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5 + 0xe6546b64;
    }

    const uint8_t *tail = p + 4 * nblocks;
    uint32_t k = 0;
    switch (len & 3) {
    case 3:
        k ^= (uint32_t)tail[2] << 16;
        /* fall through */
    case 2:
        k ^= (uint32_t)tail[1] << 8;
        /* fall through */
    case 1:
        k ^= tail[0];
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        break;
    default:
        break;
    }

    /* The length is mixed in modulo 2^32, as the reference's uint32(len(data)). */
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6b;
    h ^= h >> 13;
    h *= 0xc2b2ae35;
    h ^= h >> 16;
    return h;
}

/* Go's uint32(float64) as compiled for amd64, where the reference nodes run: the value goes
 * through a 64-bit signed conversion (NaN and out-of-range give INT64_MIN) and keeps the low
 * 32 bits. The conversion is implementation-defined in Go and undefined in C when out of
 * range, so it is spelled out. */
static uint32_t go_amd64_u32(double x)
{
    if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
        return 0; /* low 32 bits of INT64_MIN */
    return (uint32_t)(uint64_t)(int64_t)x;
}

void ela_bloom_init(ela_bloom *bf, uint32_t elements, double fprate, uint32_t tweak,
                    uint8_t flags)
{
    /* ln(2)^2 is a compile-time constant in Go, computed exactly and then rounded; the double
     * product M_LN2 * M_LN2 is one ulp away from it, so it is written out. */
    const double ln2_squared = 0.480453013918201424667102526326664971730552951594545586866864;
    const double ln2 = 0.693147180559945309417232121458176568075500134360255254120680;

    if (fprate > 1.0)
        fprate = 1.0;
    if (fprate < 1e-9)
        fprate = 1e-9;

    uint32_t bits = go_amd64_u32(-1.0 * (double)elements * log(fprate) / ln2_squared);
    if (bits > ELA_BLOOM_MAX_FILTER_SIZE * 8)
        bits = ELA_BLOOM_MAX_FILTER_SIZE * 8;
    uint32_t bytes = bits / 8;
    uint32_t k = go_amd64_u32((double)(bytes * 8) / (double)elements * ln2);
    if (k > ELA_BLOOM_MAX_HASH_FUNCS)
        k = ELA_BLOOM_MAX_HASH_FUNCS;

    memset(bf, 0, sizeof *bf);
    if (bytes > 0) {
        bf->filter.data = ela_xcalloc(bytes, 1);
        bf->filter.len = bytes;
    }
    bf->hash_funcs = k;
    bf->tweak = tweak;
    bf->flags = flags;
}

void ela_bloom_clear(ela_bloom *bf)
{
    ela_bytes_clear(&bf->filter);
    ela_bytes_clear(&bf->tx_types);
    memset(bf, 0, sizeof *bf);
}

void ela_bloom_set_tx_types(ela_bloom *bf, const uint8_t *types, size_t n)
{
    ela_bytes_clear(&bf->tx_types);
    ela_bytes_set(&bf->tx_types, types, n);
}

static uint32_t bit_index(const ela_bloom *bf, uint32_t i, const uint8_t *p, size_t len)
{
    /* 0xFBA4C795 spaces the seeds of successive hash functions (BIP37); uint32 wrap-around. */
    uint32_t h = ela_murmur3_32(i * 0xFBA4C795u + bf->tweak, p, len);
    return h % ((uint32_t)bf->filter.len * 8);
}

void ela_bloom_add(ela_bloom *bf, const uint8_t *p, size_t len)
{
    assert(bf->filter.len > 0 || bf->hash_funcs == 0);
    assert(bf->filter.len <= ELA_BLOOM_MAX_FILTER_SIZE);
    for (uint32_t i = 0; i < bf->hash_funcs; i++) {
        uint32_t j = bit_index(bf, i, p, len);
        bf->filter.data[j >> 3] |= (uint8_t)(1u << (j & 7));
    }
}

bool ela_bloom_match(const ela_bloom *bf, const uint8_t *p, size_t len)
{
    assert(bf->filter.len > 0 || bf->hash_funcs == 0);
    assert(bf->filter.len <= ELA_BLOOM_MAX_FILTER_SIZE);
    for (uint32_t i = 0; i < bf->hash_funcs; i++) {
        uint32_t j = bit_index(bf, i, p, len);
        if (!(bf->filter.data[j >> 3] & (1u << (j & 7))))
            return false;
    }
    return true;
}

bool ela_bloom_read(ela_reader *r, ela_bloom *bf)
{
    memset(bf, 0, sizeof *bf);
    uint64_t n;
    const uint8_t *p;
    if (!ela_read_varint(r, &n))
        return false;
    if (n > ELA_BLOOM_MAX_FILTER_SIZE)
        return ela_reader_fail(r, "filter too large");
    if (!ela_read_view(r, &p, (size_t)n) || !ela_read_u32(r, &bf->hash_funcs) ||
        !ela_read_u32(r, &bf->tweak))
        goto fail;
    if (bf->hash_funcs > ELA_BLOOM_MAX_HASH_FUNCS) {
        ela_reader_fail(r, "too many hash funcs");
        goto fail;
    }
    /* The reference would take a modulus by zero bits on this filter (spec/crosschain.md §6.3). */
    if (n == 0 && bf->hash_funcs > 0) {
        ela_reader_fail(r, "empty filter with hash funcs");
        goto fail;
    }
    if (!ela_read_u8(r, &bf->flags))
        goto fail;
    /* ELA extension: the tx-type list may be absent altogether (spec/p2p-rpc.md §3.10). A
     * count or list cut short is still an error here, though the reference takes a partial
     * list; only a payload ending exactly after flags is the older format. */
    if (ela_reader_left(r) > 0 && !ela_read_varbytes(r, &bf->tx_types, ELA_MAX_VAR_STRING))
        goto fail;
    ela_bytes_set(&bf->filter, p, (size_t)n);
    return true;
fail:
    ela_bloom_clear(bf);
    return false;
}

bool ela_bloom_parse(ela_bloom *bf, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_bloom_read(&r, bf);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_bloom_clear(bf);
    return false;
}

void ela_bloom_write(ela_writer *w, const ela_bloom *bf)
{
    assert(bf->filter.len <= ELA_BLOOM_MAX_FILTER_SIZE);
    assert(bf->hash_funcs <= ELA_BLOOM_MAX_HASH_FUNCS);
    ela_write_varbytes(w, bf->filter.data, bf->filter.len);
    ela_write_u32(w, bf->hash_funcs);
    ela_write_u32(w, bf->tweak);
    ela_write_u8(w, bf->flags);
    ela_write_varbytes(w, bf->tx_types.data, bf->tx_types.len);
}

bool ela_filteradd_parse(ela_bytes *out, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_read_varbytes(&r, out, ELA_FILTERADD_MAX_SIZE);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_bytes_clear(out);
    return false;
}

void ela_filteradd_write(ela_writer *w, const uint8_t *p, size_t len)
{
    assert(len <= ELA_FILTERADD_MAX_SIZE);
    ela_write_varbytes(w, p, len);
}

void ela_txfilter_clear(ela_txfilter *tf)
{
    ela_bytes_clear(&tf->data);
    memset(tf, 0, sizeof *tf);
}

bool ela_txfilter_type_known(uint8_t type)
{
    return type <= ELA_TXFILTER_RETURN_SIDECHAIN_DEPOSIT;
}

bool ela_txfilter_read(ela_reader *r, ela_txfilter *tf)
{
    memset(tf, 0, sizeof *tf);
    if (!ela_read_u8(r, &tf->type) ||
        !ela_read_varbytes(r, &tf->data, ELA_TXFILTER_MAX_DATA_SIZE)) {
        ela_txfilter_clear(tf);
        return false;
    }
    return true;
}

bool ela_txfilter_parse(ela_txfilter *tf, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_txfilter_read(&r, tf);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_txfilter_clear(tf);
    return false;
}

void ela_txfilter_write(ela_writer *w, const ela_txfilter *tf)
{
    assert(tf->data.len <= ELA_TXFILTER_MAX_DATA_SIZE);
    ela_write_u8(w, tf->type);
    ela_write_varbytes(w, tf->data.data, tf->data.len);
}

void ela_txfilter_write_bloom(ela_writer *w, uint8_t type, const ela_bloom *bf)
{
    ela_writer inner;
    ela_writer_init(&inner);
    ela_bloom_write(&inner, bf);
    assert(inner.len <= ELA_TXFILTER_MAX_DATA_SIZE);
    ela_write_u8(w, type);
    ela_write_varbytes(w, inner.data, inner.len);
    ela_writer_clear(&inner);
}
