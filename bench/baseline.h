/* elad benchmarks: the raw OpenSSL P-256 baseline every signature figure is divided by (one real
 * signature: key, DER signature, digest, taken from an ELA transfer or made fresh, verified with
 * nothing but EVP_PKEY_verify), and the small helpers the bench programs share. */
#ifndef ELA_BENCH_BASELINE_H
#define ELA_BENCH_BASELINE_H

#include <ela/tx.h>

#include <openssl/evp.h>

typedef struct bench_sig {
    EVP_PKEY *key;
    unsigned char der[80];
    size_t der_len;
    uint8_t digest[32]; /* SHA-256 of the signed data, as ELA signs it */
} bench_sig;

/* The first program of tx when it is a standard single-signature one (code 21<key>ac,
 * parameter 40<r||s>): its key, DER signature and digest. false when it is not. Exits on an
 * OpenSSL failure. */
bool bench_sig_from_tx(bench_sig *bs, const ela_tx *tx);
/* A fresh P-256 key signing a fixed digest. Exits on an OpenSSL failure. */
void bench_sig_fresh(bench_sig *bs);
void bench_sig_clear(bench_sig *bs);
/* Verifications per second of bs on the calling thread, measured for `seconds` (the first
 * verify must succeed; exits otherwise). */
double bench_raw_verify_rate(const bench_sig *bs, double seconds);
/* Monotonic seconds. */
double bench_now(void);
/* Removes a file or a directory tree (the benches' temporary stores); errors are ignored. */
void bench_remove_tree(const char *path);

#endif /* ELA_BENCH_BASELINE_H */
