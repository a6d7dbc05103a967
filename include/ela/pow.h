/* elad: proof of work (spec/wire.md §2.5): compact "bits" <-> 256-bit targets, the check of the
 * AuxPoW parent header hash against the ELA header's bits, and the work a bits value proves.
 *
 * 256-bit numbers (targets, hashes, work) are held in an ela_uint256 as LITTLE-ENDIAN
 * integers, so a hash in internal byte order is already the number the reference compares,
 * and ela_uint256_compare orders them numerically. */
#ifndef ELA_POW_H
#define ELA_POW_H

#include <ela/auxpow.h>
#include <ela/ela.h>
#include <ela/uint256.h>

/* PowLimit = 2^255 - 1 on every network; PowLimitBits is its compact form used as the
 * required bits of height 1 and the "difficulty 1" reference. */
#define ELA_POW_LIMIT_BITS 0x1f0008ffu
/* The bits of InstantBlock regnet configurations (retargeting disabled). */
#define ELA_POW_INSTANT_BITS 0x207fffffu

/* The reference's CompactToBig: mantissa = bits & 0x007fffff, exponent = bits >> 24,
 * value = exponent <= 3 ? mantissa >> 8*(3-exponent) : mantissa << 8*(exponent-3), negated when
 * the sign bit 0x00800000 is set. Writes the magnitude into *target and sets *negative (true
 * only for a non-zero negative value). Returns false when the magnitude does not fit in 256
 * bits (then *target is all ones): such a target is above every limit. */
bool ela_pow_compact_to_target(ela_uint256 *target, bool *negative, uint32_t bits);

/* The reference's BigToCompact of a non-negative target: the shortest mantissa whose top bit
 * is clear (a set top bit moves one byte into the exponent). 0 for a zero target. */
uint32_t ela_pow_target_to_compact(const ela_uint256 *target);

/* The PoW limit 2^255 - 1. */
void ela_pow_limit(ela_uint256 *out);

/* CheckProofOfWork: true when bits decode to a target in 1..PowLimit and hash (read as a
 * little-endian number) <= target. Otherwise false with *why (if not NULL) one of:
 *   "bad-diffbits"           target is zero or negative
 *   "bad-diffbits-powlimit"  target above 2^255 - 1 (or not representable)
 *   "high-hash"              hash above the target
 * No height-dependent behaviour. */
ELA_WARN_UNUSED_RESULT bool ela_pow_check(const ela_uint256 *hash, uint32_t bits,
                                          const char **why);

/* ela_pow_check on the hash of the AuxPoW's parent (Bitcoin) header against the ELA header's
 * bits: the proof of work of an ELA block (the parent header's own bits are irrelevant). */
ELA_WARN_UNUSED_RESULT bool ela_pow_check_auxpow(const ela_auxpow *aux, uint32_t bits,
                                                 const char **why);

/* The work a block with these bits proves (the reference's CalcWork): 2^256 / (target + 1),
 * or 0 when the target is zero or negative. A target not representable in 256 bits gives 0
 * as well (such a header fails the PoW check anyway). */
void ela_pow_work(ela_uint256 *work, uint32_t bits);

/* *acc += *add, modulo 2^256 (cumulative chain work; it cannot wrap in practice). */
void ela_pow_work_add(ela_uint256 *acc, const ela_uint256 *add);

#endif /* ELA_POW_H */
