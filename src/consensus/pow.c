/* elad: proof of work (spec/wire.md §2.5). */
#include <ela/pow.h>

#include <string.h>

/* 256-bit little-endian numbers as 8 32-bit limbs, limb 0 least significant. */
typedef struct u256 {
    uint32_t w[8];
} u256;

static void from_bytes(u256 *x, const ela_uint256 *h)
{
    for (int i = 0; i < 8; i++)
        x->w[i] = (uint32_t)h->b[4 * i] | (uint32_t)h->b[4 * i + 1] << 8 |
                  (uint32_t)h->b[4 * i + 2] << 16 | (uint32_t)h->b[4 * i + 3] << 24;
}

static void to_bytes(ela_uint256 *h, const u256 *x)
{
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            h->b[4 * i + j] = (uint8_t)(x->w[i] >> (8 * j));
}

static int bits_of(const u256 *x)
{
    for (int i = 7; i >= 0; i--)
        if (x->w[i])
            for (int b = 31; b >= 0; b--)
                if (x->w[i] >> b & 1)
                    return 32 * i + b + 1;
    return 0;
}

static bool is_zero(const u256 *x) { return bits_of(x) == 0; }

static int cmp(const u256 *a, const u256 *b)
{
    for (int i = 7; i >= 0; i--)
        if (a->w[i] != b->w[i])
            return a->w[i] < b->w[i] ? -1 : 1;
    return 0;
}

static void sub(u256 *a, const u256 *b) /* a -= b, a >= b */
{
    uint64_t borrow = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t d = (uint64_t)a->w[i] - b->w[i] - borrow;
        a->w[i] = (uint32_t)d;
        borrow = (d >> 63) & 1;
    }
}

static void shl1(u256 *a)
{
    for (int i = 7; i > 0; i--)
        a->w[i] = a->w[i] << 1 | a->w[i - 1] >> 31;
    a->w[0] <<= 1;
}

bool ela_pow_compact_to_target(ela_uint256 *target, bool *negative, uint32_t bits)
{
    uint32_t mantissa = bits & 0x007fffffu;
    unsigned exponent = bits >> 24;
    memset(target, 0, sizeof *target);
    if (exponent <= 3) {
        mantissa >>= 8 * (3 - exponent);
        for (unsigned i = 0; i < 3; i++)
            target->b[i] = (uint8_t)(mantissa >> (8 * i));
    } else {
        unsigned shift = exponent - 3; /* bytes */
        for (unsigned i = 0; i < 3; i++) {
            uint8_t byte = (uint8_t)(mantissa >> (8 * i));
            if (shift + i < 32) {
                target->b[shift + i] = byte;
            } else if (byte) {
                memset(target, 0xff, sizeof *target);
                *negative = (bits & 0x00800000u) != 0;
                return false;
            }
        }
    }
    *negative = (bits & 0x00800000u) != 0 && !ela_uint256_is_zero(target);
    return true;
}

uint32_t ela_pow_target_to_compact(const ela_uint256 *target)
{
    u256 x;
    from_bytes(&x, target);
    unsigned size = (unsigned)(bits_of(&x) + 7) / 8;
    uint32_t mantissa = 0;
    if (size <= 3) {
        for (unsigned i = 0; i < size; i++)
            mantissa |= (uint32_t)target->b[i] << (8 * (i + 3 - size));
    } else {
        for (unsigned i = 0; i < 3; i++)
            mantissa |= (uint32_t)target->b[size - 3 + i] << (8 * i);
    }
    if (mantissa & 0x00800000u) {
        mantissa >>= 8;
        size++;
    }
    return (uint32_t)size << 24 | mantissa;
}

void ela_pow_limit(ela_uint256 *out)
{
    memset(out->b, 0xff, 32);
    out->b[31] = 0x7f;
}

bool ela_pow_check(const ela_uint256 *hash, uint32_t bits, const char **why)
{
    ela_uint256 target, limit;
    bool negative;
    bool fits = ela_pow_compact_to_target(&target, &negative, bits);
    if (fits && (negative || ela_uint256_is_zero(&target))) {
        if (why)
            *why = "bad-diffbits";
        return false;
    }
    ela_pow_limit(&limit);
    if (negative || !fits || ela_uint256_compare(&target, &limit) > 0) {
        if (why)
            *why = negative ? "bad-diffbits" : "bad-diffbits-powlimit";
        return false;
    }
    if (ela_uint256_compare(hash, &target) > 0) {
        if (why)
            *why = "high-hash";
        return false;
    }
    return true;
}

bool ela_pow_check_auxpow(const ela_auxpow *aux, uint32_t bits, const char **why)
{
    ela_uint256 h;
    ela_btc_header_hash(&h, &aux->parent_header);
    return ela_pow_check(&h, bits, why);
}

void ela_pow_work(ela_uint256 *work, uint32_t bits)
{
    ela_uint256 t;
    bool negative;
    memset(work, 0, sizeof *work);
    if (!ela_pow_compact_to_target(&t, &negative, bits) || negative || ela_uint256_is_zero(&t))
        return;
    /* 2^256 / (t + 1) by shift-and-subtract; d = t + 1 cannot overflow because t < 2^256 - 1
     * unless t is all ones, which a 3-byte mantissa cannot produce. */
    u256 d, q = {{0}}, rem = {{0}};
    from_bytes(&d, &t);
    for (int i = 0; i < 8; i++)
        if (++d.w[i] != 0)
            break;
    /* The dividend is 1 followed by 256 zero bits: 257 steps of long division. */
    bool carry_bit = false;
    for (int step = 0; step <= 256; step++) {
        uint32_t top = rem.w[7] >> 31;
        shl1(&rem);
        if (step == 0)
            rem.w[0] |= 1;
        carry_bit = top != 0;
        shl1(&q);
        if (carry_bit || cmp(&rem, &d) >= 0) {
            sub(&rem, &d);
            q.w[0] |= 1;
        }
    }
    if (is_zero(&q))
        return;
    to_bytes(work, &q);
}

void ela_pow_work_add(ela_uint256 *acc, const ela_uint256 *add)
{
    u256 a, b;
    from_bytes(&a, acc);
    from_bytes(&b, add);
    uint64_t carry = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t s = (uint64_t)a.w[i] + b.w[i] + carry;
        a.w[i] = (uint32_t)s;
        carry = s >> 32;
    }
    to_bytes(acc, &a);
}
