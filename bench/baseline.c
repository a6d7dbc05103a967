/* elad benchmarks: the raw OpenSSL P-256 baseline (baseline.h). */
#include "baseline.h"

#include <ela/hash.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "bench baseline: %s failed\n", what);
    exit(1);
}

double bench_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool bench_sig_from_tx(bench_sig *bs, const ela_tx *tx)
{
    if (tx->program_count == 0 || tx->programs[0].code.len != 35 ||
        tx->programs[0].parameter.len != 65)
        return false;
    const uint8_t *pub = tx->programs[0].code.data + 1;
    const uint8_t *rs = tx->programs[0].parameter.data + 1;
    ela_bytes msg = {0};
    ela_tx_signed_data(&msg, tx);
    ela_sha256(bs->digest, msg.data, msg.len);
    ela_bytes_clear(&msg);

    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 33))
        die("OSSL_PARAM_BLD");
    OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
    EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    bs->key = NULL;
    if (!params || !kctx || EVP_PKEY_fromdata_init(kctx) != 1 ||
        EVP_PKEY_fromdata(kctx, &bs->key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        die("EVP_PKEY_fromdata");
    EVP_PKEY_CTX_free(kctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);

    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(rs, 32, NULL), *s = BN_bin2bn(rs + 32, 32, NULL);
    if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1)
        die("ECDSA_SIG_set0");
    unsigned char *p = bs->der;
    int len = i2d_ECDSA_SIG(es, &p);
    if (len <= 0 || (size_t)len > sizeof bs->der)
        die("i2d_ECDSA_SIG");
    bs->der_len = (size_t)len;
    ECDSA_SIG_free(es);
    return true;
}

void bench_sig_fresh(bench_sig *bs)
{
    bs->key = EVP_EC_gen("P-256");
    if (!bs->key)
        die("EVP_EC_gen");
    ela_sha256(bs->digest, (const uint8_t *)"elad bench baseline", 19);
    EVP_PKEY_CTX *sctx = EVP_PKEY_CTX_new(bs->key, NULL);
    bs->der_len = sizeof bs->der;
    if (!sctx || EVP_PKEY_sign_init(sctx) != 1 ||
        EVP_PKEY_sign(sctx, bs->der, &bs->der_len, bs->digest, 32) != 1)
        die("EVP_PKEY_sign");
    EVP_PKEY_CTX_free(sctx);
}

void bench_sig_clear(bench_sig *bs)
{
    EVP_PKEY_free(bs->key);
    memset(bs, 0, sizeof *bs);
}

double bench_raw_verify_rate(const bench_sig *bs, double seconds)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(bs->key, NULL);
    if (!ctx || EVP_PKEY_verify_init(ctx) != 1)
        die("EVP_PKEY_verify_init");
    if (EVP_PKEY_verify(ctx, bs->der, bs->der_len, bs->digest, 32) != 1)
        die("raw OpenSSL verify of the baseline signature");
    double t0 = bench_now(), t;
    unsigned long long n = 0;
    do {
        for (int i = 0; i < 64; i++)
            if (EVP_PKEY_verify(ctx, bs->der, bs->der_len, bs->digest, 32) != 1)
                die("raw OpenSSL verify");
        n += 64;
        t = bench_now();
    } while (t - t0 < seconds);
    EVP_PKEY_CTX_free(ctx);
    return (double)n / (t - t0);
}

void bench_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            struct dirent *e;
            while ((e = readdir(d))) {
                if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                    continue;
                char p[4096];
                snprintf(p, sizeof p, "%s/%s", path, e->d_name);
                bench_remove_tree(p);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}
