/* bench_ela: libela speed, with baselines measured in the same run.
 *
 * Prints, per operation, the rate through our API; for P-256 verification also the rate of raw
 * OpenSSL verifying the same signature over the same digest, and the ratio. Every input is
 * made here (a fresh P-256 key, a hand-serialized signed transfer, the genesis block), so the
 * benchmark needs no test vectors. Usage: bench_ela [SECONDS_PER_ITEM] (default 1). */
#include "config.h"

#include <ela/auxpow.h>
#include <ela/block.h>
#include <ela/ecdsa.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/serialize.h>
#include <ela/tx.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double min_seconds = 1.0;
static volatile int sink;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs fn in growing batches until min_seconds have passed; returns calls per second. */
static double rate(void (*fn)(void *), void *arg)
{
    fn(arg); /* warm-up */
    unsigned long long calls = 0, batch = 1;
    double start = now(), elapsed;
    do {
        for (unsigned long long i = 0; i < batch; i++)
            fn(arg);
        calls += batch;
        batch *= 2;
        elapsed = now() - start;
    } while (elapsed < min_seconds);
    return (double)calls / elapsed;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_ela: %s failed\n", what);
    exit(1);
}

/* ---- P-256 verification ------------------------------------------------------------------ */

struct verify_ctx {
    EVP_PKEY_CTX *raw;  /* OpenSSL, initialised for verify once */
    unsigned char der[80];
    size_t der_len;
    ela_pubkey pk;      /* ours */
    uint8_t sig[64];
    uint8_t digest[32];
};

static void verify_raw(void *arg)
{
    struct verify_ctx *v = arg;
    if (EVP_PKEY_verify(v->raw, v->der, v->der_len, v->digest, 32) != 1)
        die("raw OpenSSL verify");
}

static void verify_ours(void *arg)
{
    struct verify_ctx *v = arg;
    if (!ela_ecdsa_verify_digest(&v->pk, v->digest, v->sig))
        die("ela_ecdsa_verify_digest");
}

static void setup_verify(struct verify_ctx *v)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (!key)
        die("EVP_EC_gen");
    ela_sha256(v->digest, (const uint8_t *)"elad bench message", 18);
    EVP_PKEY_CTX *sctx = EVP_PKEY_CTX_new(key, NULL);
    v->der_len = sizeof v->der;
    if (!sctx || EVP_PKEY_sign_init(sctx) != 1 ||
        EVP_PKEY_sign(sctx, v->der, &v->der_len, v->digest, 32) != 1)
        die("EVP_PKEY_sign");
    EVP_PKEY_CTX_free(sctx);

    /* The same signature as r || s, and the same key compressed, for our API. */
    const unsigned char *p = v->der;
    ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)v->der_len);
    if (!es)
        die("d2i_ECDSA_SIG");
    const BIGNUM *r, *s;
    ECDSA_SIG_get0(es, &r, &s);
    if (BN_bn2binpad(r, v->sig, 32) != 32 || BN_bn2binpad(s, v->sig + 32, 32) != 32)
        die("BN_bn2binpad");
    ECDSA_SIG_free(es);
    uint8_t pub[65];
    size_t pub_len = 0;
    if (EVP_PKEY_set_utf8_string_param(key, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                       "compressed") != 1 ||
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, pub, sizeof pub,
                                        &pub_len) != 1)
        die("public key export");
    memset(&v->pk, 0, sizeof v->pk);
    if (!ela_pubkey_parse(&v->pk, pub, pub_len))
        die("ela_pubkey_parse");

    v->raw = EVP_PKEY_CTX_new(key, NULL);
    if (!v->raw || EVP_PKEY_verify_init(v->raw) != 1)
        die("EVP_PKEY_verify_init");
    EVP_PKEY_free(key);
}

/* ---- transaction parsing ----------------------------------------------------------------- */

/* A typical wallet transfer, serialized by hand from the wire layout (spec/wire.md §3):
 * version 9, TransferAsset, a nonce attribute, 2 inputs, 2 outputs, one standard program. */
static void make_transfer(ela_writer *w)
{
    ela_uint256 asset;
    ela_genesis_asset_id(&asset);
    ela_write_u8(w, ELA_TX_VERSION_09);
    ela_write_u8(w, ELA_TX_TRANSFER_ASSET);
    ela_write_u8(w, 0);
    ela_write_varint(w, 1);
    ela_write_u8(w, ELA_ATTR_NONCE);
    ela_write_varbytes(w, (const uint8_t *)"1234567890123456789", 19);
    ela_write_varint(w, 2);
    for (int i = 0; i < 2; i++) {
        uint8_t prev[32];
        memset(prev, 0x11 * (i + 1), 32);
        ela_write_bytes(w, prev, 32);
        ela_write_u16(w, (uint16_t)i);
        ela_write_u32(w, 0xffffffff);
    }
    ela_write_varint(w, 2);
    for (int i = 0; i < 2; i++) {
        ela_write_uint256(w, &asset);
        ela_write_i64(w, 150000000 + i);
        ela_write_u32(w, 0);
        uint8_t ph[21];
        memset(ph, 0x42 + i, 21);
        ph[0] = 0x21;
        ela_write_bytes(w, ph, 21);
        ela_write_u8(w, 0); /* output type OTNone */
    }
    ela_write_u32(w, 0);
    ela_write_varint(w, 1);
    uint8_t param[65], code[35];
    memset(param, 0x5a, sizeof param);
    param[0] = 0x40;
    memset(code, 0x03, sizeof code);
    code[0] = 0x21;
    code[34] = 0xac;
    ela_write_varbytes(w, param, sizeof param);
    ela_write_varbytes(w, code, sizeof code);
}

static void parse_tx(void *arg)
{
    const ela_writer *w = arg;
    ela_tx tx;
    const char *why;
    if (!ela_tx_parse(&tx, w->data, w->len, &why))
        die("ela_tx_parse");
    sink += tx.txid.b[0];
    ela_tx_clear(&tx);
}

/* ---- block hashing and AuxPoW checks ------------------------------------------------------ */

static void hash_header(void *arg)
{
    ela_block_header *h = arg;
    h->nonce++;
    ela_block_header_update_hash(h);
    sink += h->hash.b[0];
}

struct aux_ctx {
    ela_auxpow aux;
    ela_uint256 hash;
};

static void check_auxpow(void *arg)
{
    struct aux_ctx *a = arg;
    const char *why;
    if (!ela_auxpow_check(&a->aux, &a->hash, ELA_AUXPOW_CHAIN_ID, &why))
        die(why);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        min_seconds = atof(argv[1]) > 0 ? atof(argv[1]) : 1.0;
    printf("bench_ela (elad %s), %.1f s per item, one thread\n", PACKAGE_VERSION, min_seconds);

    struct verify_ctx v;
    setup_verify(&v);
    double raw = rate(verify_raw, &v), ours = rate(verify_ours, &v);
    printf("p256 verify, raw OpenSSL      : %10.0f /s\n", raw);
    printf("p256 verify, ela_ecdsa_verify : %10.0f /s   ratio to OpenSSL %.3f\n", ours,
           ours / raw);
    EVP_PKEY_CTX_free(v.raw);
    ela_pubkey_clear(&v.pk);

    ela_writer tx;
    ela_writer_init(&tx);
    make_transfer(&tx);
    double txs = rate(parse_tx, &tx);
    printf("tx parse (%zu-byte transfer)  : %10.0f /s   %.1f MB/s\n", tx.len, txs,
           txs * (double)tx.len / 1e6);
    ela_writer_clear(&tx);

    ela_block genesis;
    ela_genesis_block(&genesis, ELA_NET_MAINNET);
    double hashes = rate(hash_header, &genesis.header);
    printf("block header hash             : %10.0f /s\n", hashes);

    struct aux_ctx a;
    ela_block_clear(&genesis);
    ela_genesis_block(&genesis, ELA_NET_MAINNET);
    a.hash = genesis.header.hash;
    ela_auxpow_init(&a.aux);
    ela_auxpow_init_solo(&a.aux, &a.hash, 1513936800);
    double checks = rate(check_auxpow, &a);
    printf("auxpow check (built-in miner) : %10.0f /s\n", checks);
    ela_auxpow_clear(&a.aux);
    ela_block_clear(&genesis);
    return 0;
}
