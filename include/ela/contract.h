/* elad: redeem scripts ("code") and program hashes (spec/wire.md §5.1–§5.3, §5.5).
 *
 * program_hash = prefix (1 byte) || hash160(code); the code hash is its last 20 bytes. */
#ifndef ELA_CONTRACT_H
#define ELA_CONTRACT_H

#include <ela/ela.h>
#include <ela/uint256.h>

/* Program-hash prefixes (first byte of a program hash, §5.3). */
#define ELA_PREFIX_STANDARD 0x21   /* 'E': one key, standard or Schnorr code */
#define ELA_PREFIX_MULTISIG 0x12   /* '8' */
#define ELA_PREFIX_CROSSCHAIN 0x4b /* 'X': side-chain deposit / cross-chain */
#define ELA_PREFIX_DEPOSIT 0x1f    /* 'D': producer / CR deposit */
#define ELA_PREFIX_CRDID 0x67      /* 'i': CR CID and DID */
#define ELA_PREFIX_DPOS_V2 0x3f    /* 'S': BPoS stake */
#define ELA_PREFIX_CR_VANITY 0x1c  /* 'C': only the two vanity CR addresses */

/* Opcodes (§5.1). The last byte of a code also names its kind. */
#define ELA_OP_PUSH1 0x51
#define ELA_OP_PUSH16 0x60
#define ELA_OP_CHECKSIG 0xac
#define ELA_OP_DID 0xad
#define ELA_OP_CHECKMULTISIG 0xae
#define ELA_OP_CROSSCHAIN 0xaf

#define ELA_STANDARD_CODE_SIZE 35   /* 21 <33-byte key> AC */
#define ELA_SCHNORR_CODE_SIZE 35    /* 51 21 <33-byte key> */
#define ELA_CROSSCHAIN_CODE_SIZE 34 /* 20 <32-byte genesis hash> AF */
/* Most keys ela_contract_multisig_code accepts (the reference's CreateMultiSigRedeemScript). */
#define ELA_MULTISIG_MAX_KEYS 24

/* The reference's GetCodeType, in its order of tests: standard, then multisig, then Schnorr. */
typedef enum ela_code_type {
    ELA_CODE_STANDARD = 0,
    ELA_CODE_MULTISIG = 1,
    ELA_CODE_CUSTOM = 2,
    ELA_CODE_SCHNORR = 3,
} ela_code_type;

/* hash160(code) (RIPEMD-160 of SHA-256), the code hash. */
void ela_contract_code_hash(uint8_t out[20], const uint8_t *code, size_t len);
/* prefix || hash160(code). */
void ela_contract_program_hash(ela_uint168 *out, uint8_t prefix, const uint8_t *code, size_t len);

/* Standard code 21 <key> AC of a 33-byte compressed key (not validated). */
void ela_contract_standard_code(uint8_t out[ELA_STANDARD_CODE_SIZE], const uint8_t key[33]);
/* Schnorr code 51 21 <key> of a 33-byte compressed (aggregate) key (not validated). */
void ela_contract_schnorr_code(uint8_t out[ELA_SCHNORR_CODE_SIZE], const uint8_t key[33]);
/* Cross-chain deposit code 20 <genesis hash, internal byte order> AF (§5.5). */
void ela_contract_crosschain_code(uint8_t out[ELA_CROSSCHAIN_CODE_SIZE],
                                  const ela_uint256 *genesis_internal);

/* m-of-n multisig code as the reference's CreateMultiSigRedeemScript builds it: m, the keys as
 * 21 <key> sorted ascending by X (bytes 1..32 of the compressed key, as a number; keys with the
 * same X end up in the order the reference's insertion sort gives them: later input first), n,
 * then CHECKMULTISIG (0xAE), or CROSSCHAIN (0xAF) when crosschain is true (the arbiters'
 * withdraw code). m and n are PUSH1..PUSH16 opcodes up to 16 and PUSHBYTES1 <v> for 17..24;
 * the signature checker decodes only the opcode form, so codes with more than 16 keys cannot be
 * spent. Requires 1 <= m <= n <= 24 and every key a valid 33-byte compressed point; fails
 * otherwise. *out must be clear on entry; the caller clears it; on failure it stays clear. */
ELA_WARN_UNUSED_RESULT bool ela_contract_multisig_code(ela_bytes *out, unsigned m,
                                                       const uint8_t (*keys)[33], size_t n,
                                                       bool crosschain);

/* The reference's IsStandard: length 35, code[0] = 0x21, code[34] = CHECKSIG. */
bool ela_contract_is_standard(const uint8_t *code, size_t len);
/* The reference's IsSchnorr: length 35, code[0] = PUSH1, code[1] + 2 = 35. */
bool ela_contract_is_schnorr(const uint8_t *code, size_t len);
/* The reference's IsMultiSig, which also accepts m and n written as PUSHBYTES1 <v> or
 * PUSHBYTES2 <v big-endian> up to 1024. A code on which the reference would index past its end
 * (it panics there) is reported as not multisig. */
bool ela_contract_is_multisig(const uint8_t *code, size_t len);
/* As ela_contract_is_multisig, and sets *ref_panics to whether the reference would index past
 * the end of the code (e.g. m, keys and n with no final opcode): the signature checker treats a
 * program whose check would panic as invalid. */
bool ela_contract_is_multisig_ex(const uint8_t *code, size_t len, bool *ref_panics);
/* The cross-chain arbiter multisig form as the reference's ParseCrossChainScript accepts it:
 * length >= 71, last byte CROSSCHAIN, and (length - 3) a multiple of 34. */
bool ela_contract_is_crosschain_multisig(const uint8_t *code, size_t len);
/* The reference's GetCodeType. */
ela_code_type ela_contract_code_type(const uint8_t *code, size_t len);
/* The prefix a wallet gives a code: 0x21 for standard and Schnorr codes, 0x12 for multisig,
 * 0x4b for codes ending in CROSSCHAIN (deposit or arbiter multisig); 0 for anything else. */
uint8_t ela_contract_prefix_for_code(const uint8_t *code, size_t len);

/* Derived program hashes of an owner code (§5.3). All share hash160(code) except the DID. */
void ela_contract_deposit_program_hash(ela_uint168 *out, const uint8_t *code, size_t len);
void ela_contract_stake_program_hash(ela_uint168 *out, const uint8_t *code, size_t len);
void ela_contract_cid_program_hash(ela_uint168 *out, const uint8_t *code, size_t len);
/* DID = 0x67 || hash160(code with its last byte replaced by 0xAD) (the reference's
 * GetDIDFromCode / GetDIDByCode). len must be >= 1. */
void ela_contract_did_program_hash(ela_uint168 *out, const uint8_t *code, size_t len);
/* The DID rule of RegisterCR / UpdateCR / UnregisterCR: as ela_contract_did_program_hash, except
 * that for a Schnorr code the DID code is code[1..] || 0xAD. len must be >= 1. */
void ela_contract_cr_did_program_hash(ela_uint168 *out, const uint8_t *code, size_t len);

/* Program hash of the side chain whose genesis block hash is genesis_internal (internal byte
 * order; reverse a displayed hash first): 0x4b || hash160(20 <hash> AF) (§5.5). */
void ela_contract_crosschain_program_hash(ela_uint168 *out, const ela_uint256 *genesis_internal);

#endif /* ELA_CONTRACT_H */
