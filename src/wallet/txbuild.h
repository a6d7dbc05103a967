/* elad wallet: building and signing transfer transactions as the reference's ela-cli does
 * (cmd/wallet/txbuilder.go: TransferAsset, version 9, one Nonce attribute, inputs chosen in the
 * order the node listed them, recipients then change, one program per sender with an empty
 * parameter; signing fills the parameters). */
#ifndef ELA_WALLET_TXBUILD_H
#define ELA_WALLET_TXBUILD_H

#include <ela/ela.h>
#include <ela/tx.h>
#include <ela/uint256.h>

#include "wallet/keystore.h"

/* One unspent output of the sender, as getutxosbyamount / listunspent list it. */
typedef struct ela_wallet_utxo {
    ela_uint256 txid; /* internal order */
    uint16_t index;
    int64_t value;        /* sela */
    uint32_t output_lock; /* > 0: the input gets sequence 0xfffffffe, as in the reference */
} ela_wallet_utxo;

typedef struct ela_wallet_recipient {
    ela_uint168 program_hash;
    int64_t amount; /* sela, > 0 */
} ela_wallet_recipient;

typedef struct ela_wallet_transfer {
    ela_uint168 from;        /* sender program hash: inputs and change */
    const uint8_t *from_code; /* sender redeem script: the program's code */
    size_t from_code_len;
    const ela_wallet_recipient *to;
    size_t to_count;
    int64_t fee;          /* sela, >= 0 */
    uint32_t output_lock; /* of the recipient outputs */
    uint32_t tx_lock;     /* lock time */
    uint64_t nonce;       /* the Nonce attribute's value (decimal text), random in the CLI */
} ela_wallet_transfer;

/* Builds the unsigned transfer into *out (initialised by this function; caller clears it, also
 * on failure): utxos are taken in the given order until they cover Σamounts + fee; the excess
 * goes back to the sender as the last output. Fails with "insufficient funds" when the list
 * does not cover it, "invalid amount" for a non-positive amount, negative fee or an overflow,
 * "no recipient". */
ELA_WARN_UNUSED_RESULT bool ela_wallet_build_transfer(ela_tx *out,
                                                      const ela_wallet_transfer *spec,
                                                      const ela_wallet_utxo *utxos,
                                                      size_t utxo_count, const char **why);

/* Signature state of one program: for a standard code 0 or 1 of 1, for a multisig one the
 * number of 65-byte signatures in the parameter against m. */
typedef struct ela_wallet_sign_status {
    unsigned have; /* summed over programs, each capped at its need */
    unsigned need;
    size_t added;  /* signatures added by the last ela_wallet_sign */
} ela_wallet_sign_status;

/* Signature counts of tx's programs without signing. False ("unknown program code") when a
 * program is neither standard nor CHECKMULTISIG. */
ELA_WARN_UNUSED_RESULT bool ela_wallet_sign_state(ela_wallet_sign_status *st, const ela_tx *tx,
                                                  const char **why);

/* Signs every program of tx that a key of the unlocked keystore ks can sign: a standard program
 * gets parameter 40 || r || s; a multisig program gets the signatures of each of its keys held
 * in ks that has not signed yet, until m are present, the parameter kept ordered by the keys'
 * order in the code (any order verifies; this one is canonical). Existing signatures that no
 * key of the code verifies are dropped. Recomputes tx's hash fields. False (with *why) when tx
 * has no program, a program code is of an unknown kind, signing fails, or no key of ks could
 * add a signature ("no signature added: the keystore holds none of the keys needed"). */
ELA_WARN_UNUSED_RESULT bool ela_wallet_sign(ela_wallet_sign_status *st, ela_tx *tx,
                                            const ela_keystore *ks, const char **why);

#endif /* ELA_WALLET_TXBUILD_H */
