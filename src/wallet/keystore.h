/* elad wallet: the password-protected key store of ela-cli (doc/ela-cli.1, KEYSTORE FORMAT).
 *
 * A keystore is a JSON file holding accounts: standard accounts (one P-256 key, address "E…")
 * whose private key is stored encrypted, and multisig accounts (m-of-n, address "8…") that are
 * kept as watch-only redeem scripts and are signed with whichever of their keys the store holds.
 *
 * Protection: scrypt(password, salt, N, r, p) (OpenSSL EVP_PBE_scrypt, parameters stored in the
 * file) gives a 32-byte key that decrypts, with AES-256-GCM, a random 32-byte master key; each
 * private key is encrypted with the master key (AES-256-GCM, the public key as associated data);
 * an HMAC-SHA256 under the master key covers the account list, so any change to it made without
 * the password is detected when the password is next given. Public data (addresses, codes,
 * public keys) is readable without the password: listing, balances and building transactions
 * need none; adding keys, exporting and signing do.
 *
 * This format is our own; it is not the reference's keystore.dat (AES-CBC under a double
 * SHA-256 of the password). ela_keystore_import_reference reads that one.
 *
 * The file is written atomically (temporary file, fsync, rename) with mode 0600. Secrets held in
 * memory (master key, private keys) are wiped by ela_keystore_free. Functions returning false
 * set *why (when not NULL) to a static English reason. */
#ifndef ELA_WALLET_KEYSTORE_H
#define ELA_WALLET_KEYSTORE_H

#include <ela/address.h>
#include <ela/ecdsa.h>
#include <ela/ela.h>
#include <ela/uint256.h>

/* Account kinds. */
enum { ELA_WALLET_STANDARD = 0, ELA_WALLET_MULTISIG = 1 };

typedef struct ela_wallet_account {
    int type;
    char address[ELA_ADDRESS_MAX];
    ela_uint168 program_hash;
    ela_bytes code; /* redeem script */
    /* The keys of the code in code order: 1 for a standard account, n for a multisig one. */
    unsigned m;
    size_t n;
    uint8_t (*pubkeys)[ELA_PUBKEY_COMPRESSED_SIZE];
    /* Standard accounts only: the private key once the store is unlocked. */
    bool has_priv;
    uint8_t priv[ELA_PRIVKEY_SIZE];
    /* The encrypted private key as stored: nonce (12), ciphertext (32), tag (16). */
    uint8_t enc[60];
} ela_wallet_account;

/* scrypt cost parameters. The defaults (N 2^15, r 8, p 1) cost about 32 MiB and 0.1 s. */
typedef struct ela_kdf_params {
    uint64_t n;
    uint32_t r;
    uint32_t p;
} ela_kdf_params;

void ela_kdf_params_default(ela_kdf_params *out);

typedef struct ela_keystore ela_keystore;

/* A new, empty, unlocked keystore bound to path (nothing is written until ela_keystore_save).
 * kdf NULL means the defaults. Returns NULL (and *why) on invalid parameters or RNG failure. */
ela_keystore *ela_keystore_create(const char *path, const char *password,
                                  const ela_kdf_params *kdf, const char **why);

/* Opens the keystore at path. With password NULL only the public data is loaded (no secrets,
 * no integrity check of the account list). With a password the master key, the list's HMAC and
 * every private key are checked and decrypted; a wrong password gives "wrong password", a file
 * that does not match its own structure or MAC "damaged keystore: ...". */
ela_keystore *ela_keystore_open(const char *path, const char *password, const char **why);

/* Frees the store and wipes its secrets. NULL is a no-op. */
void ela_keystore_free(ela_keystore *ks);

/* True when the store was created or opened with its password. */
bool ela_keystore_unlocked(const ela_keystore *ks);
const char *ela_keystore_path(const ela_keystore *ks);
size_t ela_keystore_count(const ela_keystore *ks);
const ela_wallet_account *ela_keystore_account(const ela_keystore *ks, size_t i);
/* The account whose program hash is ph, or NULL. */
const ela_wallet_account *ela_keystore_find(const ela_keystore *ks, const ela_uint168 *ph);
/* The standard account holding the key pub (with its private key if unlocked), or NULL. */
const ela_wallet_account *ela_keystore_find_key(const ela_keystore *ks,
                                                const uint8_t pub[ELA_PUBKEY_COMPRESSED_SIZE]);

/* Adds a standard account for priv (needs an unlocked store). Fails on an invalid key or one
 * already present ("account already exists"). On success *out (if not NULL) points at it, valid
 * until the next change of the store. */
ELA_WARN_UNUSED_RESULT bool ela_keystore_add_key(ela_keystore *ks,
                                                 const ela_wallet_account **out,
                                                 const uint8_t priv[ELA_PRIVKEY_SIZE],
                                                 const char **why);
/* Generates a fresh key and adds it as ela_keystore_add_key does. */
ELA_WARN_UNUSED_RESULT bool ela_keystore_new_key(ela_keystore *ks, const ela_wallet_account **out,
                                                 const char **why);
/* Adds an m-of-n multisig account (the reference's CreateMultiSigRedeemScript, keys sorted by
 * the code builder); needs an unlocked store. */
ELA_WARN_UNUSED_RESULT bool ela_keystore_add_multisig(ela_keystore *ks,
                                                      const ela_wallet_account **out, unsigned m,
                                                      const uint8_t (*keys)[33], size_t n,
                                                      const char **why);

/* Writes the store to its path atomically, mode 0600 (needs an unlocked store: the MAC). */
ELA_WARN_UNUSED_RESULT bool ela_keystore_save(ela_keystore *ks, const char **why);

/* Reads the reference's keystore.dat (JSON with PasswordHash, IV, MasterKey and Account[] of
 * AES-CBC-encrypted 96-byte key pairs, password key SHA256d(password)) and adds each of its
 * standard private keys to ks (which must be unlocked); keys already present are skipped.
 * *added receives the number added. Fails on a wrong password or a malformed file. */
ELA_WARN_UNUSED_RESULT bool ela_keystore_import_reference(ela_keystore *ks, size_t *added,
                                                          const char *ref_path,
                                                          const char *ref_password,
                                                          const char **why);

/* Helpers shared with the CLI and tests. */
/* Parses the keys of a multisig code (m, n and the n 33-byte keys in code order) as the
 * reference's checker reads them: m = code[0] - 0x50, n = code[len-2] - 0x50. *keys is heap
 * (caller frees). False when the code is not a CHECKMULTISIG code of that form. */
ELA_WARN_UNUSED_RESULT bool ela_wallet_parse_multisig(unsigned *m, size_t *n,
                                                      uint8_t (**keys)[33], const uint8_t *code,
                                                      size_t len);

#endif /* ELA_WALLET_KEYSTORE_H */
