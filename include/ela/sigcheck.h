/* elad: transaction program verification, the reference's RunPrograms (spec/wire.md §4.4, §4.5,
 * §8 items 7, 8, 9, 11, 12).
 *
 * Input is plain data, independent of the transaction type: the program hashes that must sign
 * (those of the referenced outputs, plus the 21-byte data of every Script (0x20) attribute; the
 * caller rejects a Script attribute of another length), the transaction's programs, and the
 * signed message (the unsigned transaction bytes).
 *
 * For a parallel checker: ela_sigcheck_match does the cheap, sequential part (de-duplication,
 * sorting, count check) and pairs every required hash with a program; each pair can then be
 * checked with ela_sigcheck_program on any thread (the functions keep no shared state). The
 * transaction is valid iff the match succeeds and every pair passes. ela_sigcheck_run_programs
 * does all of it on the calling thread.
 *
 * Every failure returns false and sets *reason (when reason is not NULL) to a static string
 * starting "sig: ". */
#ifndef ELA_SIGCHECK_H
#define ELA_SIGCHECK_H

#include <ela/ela.h>
#include <ela/uint256.h>

/* A program as it appears in a transaction (parameter first on the wire, then code). The
 * pointers are borrowed. */
typedef struct ela_program_view {
    const uint8_t *code;
    size_t code_len;
    const uint8_t *param;
    size_t param_len;
} ela_program_view;

/* The two digests of the signed message: SHA-256 (ECDSA) and SHA256d (Schnorr, §8 item 11). */
typedef struct ela_sighash {
    uint8_t sha256[32];
    uint8_t sha256d[32];
} ela_sighash;

void ela_sighash_init(ela_sighash *out, const uint8_t *msg, size_t len);

/* Standard program (§4.5): parameter exactly 65 bytes, its first byte not checked, ECDSA of
 * parameter[1..65] by the key code[1..34] over SHA-256(message). code must be a standard code
 * (ela_contract_is_standard; asserted). Reasons: "sig: invalid signature length",
 * "sig: invalid public key", "sig: invalid signature". */
ELA_WARN_UNUSED_RESULT bool ela_sigcheck_standard(const ela_program_view *prog,
                                                  const ela_sighash *h, const char **reason);

/* Multisig program (§4.5): m = code[0] - 0x50 and n = code[len-2] - 0x50; the keys are the
 * 34-byte chunks between them; the parameter is count items of 0x40 || r || s with
 * m <= count <= n. Each signature is claimed by the first key (in code order) that verifies it;
 * a key claiming twice fails the program, a signature no key verifies is ignored, and at least
 * m distinct keys must claim. A key the reference cannot decode fails the program when the
 * search reaches it. With crosschain false (CHECKMULTISIG programs) 1 <= m <= n is required and
 * the code must end in 0xAE; with crosschain true (the arbiters' 0x4b programs) the code must end
 * in 0xAF and m is not range-checked, as in the reference (so m <= 0 with an empty parameter
 * passes). Reasons: "sig: malformed code", "sig: invalid multisig code",
 * "sig: invalid signature length", "sig: not enough signatures", "sig: too many signatures",
 * "sig: invalid public key", "sig: multisig duplicate signer". */
ELA_WARN_UNUSED_RESULT bool ela_sigcheck_multisig(const ela_program_view *prog,
                                                  const ela_sighash *h, bool crosschain,
                                                  const char **reason);

/* Schnorr program (§4.5, §4.6): code = 51 21 <key> (ela_contract_is_schnorr; asserted); the
 * signature is parameter[0..64] (further bytes ignored; fewer than 64 is invalid: the reference
 * panics) over SHA256d(message). Reasons: "sig: invalid signature length",
 * "sig: invalid schnorr signature". */
ELA_WARN_UNUSED_RESULT bool ela_sigcheck_schnorr(const ela_program_view *prog,
                                                 const ela_sighash *h, const char **reason);

/* One matched pair of RunPrograms (§4.4):
 *  - prefix 0x4b: the code hash is NOT compared; a Schnorr code gets the Schnorr check, any
 *    other code the cross-chain multisig check;
 *  - otherwise hash160(code) must equal ph[1..21] ("sig: code hash mismatch");
 *  - prefix 0x21 or 0x1f: Schnorr, else standard, else multisig check; a code that is none of
 *    these passes WITHOUT any signature check (§8 item 12, consensus behaviour reproduced);
 *    a code on which the reference's multisig test would panic fails ("sig: malformed code");
 *  - prefix 0x12: multisig check;
 *  - any other prefix: "sig: unknown signature type". */
ELA_WARN_UNUSED_RESULT bool ela_sigcheck_program(const ela_uint168 *ph,
                                                 const ela_program_view *prog,
                                                 const ela_sighash *h, const char **reason);

/* The sequential part of RunPrograms. De-duplicates required (in place: on return
 * required[0..*n_unique) holds the distinct hashes in their first-seen order), sorts the distinct
 * hashes by code hash (bytes 1..20, reverse-byte comparison, ties broken by the prefix) and the
 * programs by hash160(code) (same comparison; ties keep input order), and fails with
 * "sig: program count mismatch" unless there are as many programs as distinct hashes. On
 * success pair i is (required[req_order[i]], progs[prog_order[i]]) for i < *n_unique. req_order
 * and prog_order each hold n_progs entries (n_progs may be 0). */
ELA_WARN_UNUSED_RESULT bool ela_sigcheck_match(size_t *req_order, size_t *prog_order,
                                               size_t *n_unique, ela_uint168 *required,
                                               size_t n_required, const ela_program_view *progs,
                                               size_t n_progs, const char **reason);

/* The whole of RunPrograms on the calling thread: ela_sigcheck_match, then every pair with
 * ela_sigcheck_program, stopping at the first failure. required is not modified (a copy is
 * de-duplicated). msg[0..len) is the unsigned transaction. */
ELA_WARN_UNUSED_RESULT bool ela_sigcheck_run_programs(const ela_uint168 *required,
                                                      size_t n_required,
                                                      const ela_program_view *progs,
                                                      size_t n_progs, const uint8_t *msg,
                                                      size_t len, const char **reason);

#endif /* ELA_SIGCHECK_H */
