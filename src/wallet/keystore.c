/* elad wallet: the ela-cli keystore (see keystore.h and doc/ela-cli.1 for the format). */
#include "wallet/keystore.h"

#include <ela/contract.h>
#include <ela/hash.h>
#include <ela/hex.h>

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FORMAT_NAME "elad-keystore"
#define FORMAT_VERSION 1
#define SALT_LEN 32
#define NONCE_LEN 12
#define TAG_LEN 16
#define KEY_LEN 32
#define BLOB_LEN (NONCE_LEN + KEY_LEN + TAG_LEN) /* 60: nonce || ciphertext || tag */
#define MASTER_AAD "elad-keystore master key v1"

struct ela_keystore {
    char *path;
    ela_kdf_params kdf;
    uint8_t salt[SALT_LEN];
    uint8_t master_blob[BLOB_LEN];
    bool unlocked;
    uint8_t master[KEY_LEN];
    size_t count;
    ela_wallet_account *accounts;
};

static bool fail(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return false;
}

void ela_kdf_params_default(ela_kdf_params *out)
{
    out->n = UINT64_C(1) << 15;
    out->r = 8;
    out->p = 1;
}

/* Bounds on what a file may ask for, so that a hostile file cannot make us allocate gigabytes. */
static bool kdf_params_valid(const ela_kdf_params *k)
{
    if (k->n < 1024 || k->n > (UINT64_C(1) << 22) || (k->n & (k->n - 1)) != 0)
        return false;
    if (k->r < 1 || k->r > 32 || k->p < 1 || k->p > 16)
        return false;
    return 128u * (uint64_t)k->r * k->n <= (UINT64_C(1) << 30);
}

static bool derive_key(uint8_t out[KEY_LEN], const char *password, const uint8_t salt[SALT_LEN],
                       const ela_kdf_params *k)
{
    uint64_t maxmem = 128u * (uint64_t)k->r * (k->n + 2) + 128u * (uint64_t)k->r * k->p + 65536;
    return EVP_PBE_scrypt(password, strlen(password), salt, SALT_LEN, k->n, k->r, k->p, maxmem,
                          out, KEY_LEN) == 1;
}

/* AES-256-GCM of a 32-byte secret: out = nonce || ciphertext || tag. */
static bool seal(uint8_t out[BLOB_LEN], const uint8_t key[KEY_LEN], const uint8_t plain[KEY_LEN],
                 const uint8_t *aad, size_t aad_len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, fl = 0;
    bool ok = ctx && RAND_bytes(out, NONCE_LEN) == 1 &&
              EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
              EVP_EncryptInit_ex(ctx, NULL, NULL, key, out) == 1 &&
              EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1 &&
              EVP_EncryptUpdate(ctx, out + NONCE_LEN, &len, plain, KEY_LEN) == 1 &&
              len == KEY_LEN && EVP_EncryptFinal_ex(ctx, out + NONCE_LEN + len, &fl) == 1 &&
              fl == 0 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, out + NONCE_LEN + KEY_LEN) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

static bool unseal(uint8_t plain[KEY_LEN], const uint8_t key[KEY_LEN], const uint8_t in[BLOB_LEN],
                   const uint8_t *aad, size_t aad_len)
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    uint8_t tag[TAG_LEN];
    int len = 0, fl = 0;
    memcpy(tag, in + NONCE_LEN + KEY_LEN, TAG_LEN);
    bool ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
              EVP_DecryptInit_ex(ctx, NULL, NULL, key, in) == 1 &&
              EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1 &&
              EVP_DecryptUpdate(ctx, plain, &len, in + NONCE_LEN, KEY_LEN) == 1 && len == KEY_LEN &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1 &&
              EVP_DecryptFinal_ex(ctx, plain + len, &fl) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok)
        ela_memzero(plain, KEY_LEN);
    return ok;
}

static void account_clear(ela_wallet_account *a)
{
    ela_bytes_clear(&a->code);
    free(a->pubkeys);
    ela_memzero(a, sizeof *a);
}

void ela_keystore_free(ela_keystore *ks)
{
    if (!ks)
        return;
    for (size_t i = 0; i < ks->count; i++)
        account_clear(&ks->accounts[i]);
    free(ks->accounts);
    free(ks->path);
    ela_memzero(ks, sizeof *ks);
    free(ks);
}

bool ela_keystore_unlocked(const ela_keystore *ks) { return ks->unlocked; }
const char *ela_keystore_path(const ela_keystore *ks) { return ks->path; }
size_t ela_keystore_count(const ela_keystore *ks) { return ks->count; }

const ela_wallet_account *ela_keystore_account(const ela_keystore *ks, size_t i)
{
    return i < ks->count ? &ks->accounts[i] : NULL;
}

const ela_wallet_account *ela_keystore_find(const ela_keystore *ks, const ela_uint168 *ph)
{
    for (size_t i = 0; i < ks->count; i++)
        if (ela_uint168_equal(&ks->accounts[i].program_hash, ph))
            return &ks->accounts[i];
    return NULL;
}

const ela_wallet_account *ela_keystore_find_key(const ela_keystore *ks,
                                                const uint8_t pub[ELA_PUBKEY_COMPRESSED_SIZE])
{
    for (size_t i = 0; i < ks->count; i++) {
        const ela_wallet_account *a = &ks->accounts[i];
        if (a->type == ELA_WALLET_STANDARD && memcmp(a->pubkeys[0], pub, 33) == 0)
            return a;
    }
    return NULL;
}

bool ela_wallet_parse_multisig(unsigned *m, size_t *n, uint8_t (**keys)[33], const uint8_t *code,
                               size_t len)
{
    *keys = NULL;
    if (len < 3 + 34 || code[len - 1] != ELA_OP_CHECKMULTISIG)
        return false;
    if (code[0] < ELA_OP_PUSH1 || code[0] > ELA_OP_PUSH16 || code[len - 2] < ELA_OP_PUSH1 ||
        code[len - 2] > ELA_OP_PUSH16)
        return false;
    unsigned mm = code[0] - 0x50u, nn = code[len - 2] - 0x50u;
    if ((len - 3) % 34 != 0 || (len - 3) / 34 != nn || mm > nn)
        return false;
    uint8_t(*k)[33] = ela_xcalloc(nn, 33);
    for (size_t i = 0; i < nn; i++) {
        if (code[1 + 34 * i] != 33) {
            free(k);
            return false;
        }
        memcpy(k[i], code + 2 + 34 * i, 33);
    }
    *m = mm;
    *n = nn;
    *keys = k;
    return true;
}

static ela_wallet_account *append_account(ela_keystore *ks)
{
    ks->accounts = ela_xrealloc(ks->accounts, (ks->count + 1) * sizeof *ks->accounts);
    ela_wallet_account *a = &ks->accounts[ks->count++];
    memset(a, 0, sizeof *a);
    return a;
}

/* Fills the standard account's derived fields from its public key. */
static bool fill_standard(ela_wallet_account *a, const uint8_t pub[33])
{
    uint8_t code[ELA_STANDARD_CODE_SIZE];
    a->type = ELA_WALLET_STANDARD;
    a->m = 1;
    a->n = 1;
    a->pubkeys = ela_xmalloc(33);
    memcpy(a->pubkeys[0], pub, 33);
    ela_contract_standard_code(code, pub);
    ela_bytes_set(&a->code, code, sizeof code);
    ela_contract_program_hash(&a->program_hash, ELA_PREFIX_STANDARD, code, sizeof code);
    return ela_address_from_program_hash(a->address, &a->program_hash);
}

static bool fill_multisig(ela_wallet_account *a, const uint8_t *code, size_t len)
{
    a->type = ELA_WALLET_MULTISIG;
    if (!ela_wallet_parse_multisig(&a->m, &a->n, &a->pubkeys, code, len) || a->m < 1)
        return false;
    ela_bytes_set(&a->code, code, len);
    ela_contract_program_hash(&a->program_hash, ELA_PREFIX_MULTISIG, code, len);
    return ela_address_from_program_hash(a->address, &a->program_hash);
}

ela_keystore *ela_keystore_create(const char *path, const char *password,
                                  const ela_kdf_params *kdf, const char **why)
{
    ela_keystore *ks = ela_xcalloc(1, sizeof *ks);
    uint8_t pk[KEY_LEN];
    ks->path = strdup(path);
    if (!ks->path)
        abort();
    if (kdf)
        ks->kdf = *kdf;
    else
        ela_kdf_params_default(&ks->kdf);
    if (!kdf_params_valid(&ks->kdf)) {
        fail(why, "invalid scrypt parameters");
        goto err;
    }
    if (RAND_bytes(ks->salt, SALT_LEN) != 1 || RAND_bytes(ks->master, KEY_LEN) != 1) {
        fail(why, "random number generator failed");
        goto err;
    }
    if (!derive_key(pk, password, ks->salt, &ks->kdf) ||
        !seal(ks->master_blob, pk, ks->master, (const uint8_t *)MASTER_AAD, strlen(MASTER_AAD))) {
        ela_memzero(pk, sizeof pk);
        fail(why, "key derivation failed");
        goto err;
    }
    ela_memzero(pk, sizeof pk);
    ks->unlocked = true;
    return ks;
err:
    ela_keystore_free(ks);
    return NULL;
}

/* ---- JSON form -------------------------------------------------------------------------- */

static json_t *hex_json(const uint8_t *p, size_t len)
{
    char *h = ela_hex_encode_new(p, len);
    json_t *j = json_string(h);
    free(h);
    return j;
}

static bool hex_fixed(uint8_t *out, size_t len, const json_t *j)
{
    const char *s = json_string_value(j);
    return s && strlen(s) == 2 * len && ela_hex_decode(out, s, 2 * len);
}

static json_t *accounts_json(const ela_keystore *ks)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < ks->count; i++) {
        const ela_wallet_account *a = &ks->accounts[i];
        json_t *o = json_object();
        if (a->type == ELA_WALLET_STANDARD) {
            json_object_set_new(o, "type", json_string("standard"));
            json_object_set_new(o, "address", json_string(a->address));
            json_object_set_new(o, "publickey", hex_json(a->pubkeys[0], 33));
            json_object_set_new(o, "privatekey", hex_json(a->enc, BLOB_LEN));
        } else {
            json_object_set_new(o, "type", json_string("multisig"));
            json_object_set_new(o, "address", json_string(a->address));
            json_object_set_new(o, "m", json_integer(a->m));
            json_object_set_new(o, "code", hex_json(a->code.data, a->code.len));
        }
        json_array_append_new(arr, o);
    }
    return arr;
}

/* HMAC-SHA256 under the master key of the canonical text of the account list. */
static bool accounts_mac(uint8_t out[32], const uint8_t master[KEY_LEN], const json_t *accounts)
{
    char *text = json_dumps(accounts, JSON_COMPACT | JSON_SORT_KEYS);
    unsigned int len = 0;
    bool ok = text && HMAC(EVP_sha256(), master, KEY_LEN, (const unsigned char *)text,
                           strlen(text), out, &len) != NULL && len == 32;
    free(text);
    return ok;
}

bool ela_keystore_save(ela_keystore *ks, const char **why)
{
    if (!ks->unlocked)
        return fail(why, "keystore is locked");
    json_t *root = json_object();
    json_t *kdf = json_object();
    json_t *accounts = accounts_json(ks);
    uint8_t mac[32];
    if (!accounts_mac(mac, ks->master, accounts)) {
        json_decref(accounts);
        json_decref(kdf);
        json_decref(root);
        return fail(why, "HMAC failed");
    }
    json_object_set_new(root, "format", json_string(FORMAT_NAME));
    json_object_set_new(root, "version", json_integer(FORMAT_VERSION));
    json_object_set_new(kdf, "name", json_string("scrypt"));
    json_object_set_new(kdf, "n", json_integer((json_int_t)ks->kdf.n));
    json_object_set_new(kdf, "r", json_integer(ks->kdf.r));
    json_object_set_new(kdf, "p", json_integer(ks->kdf.p));
    json_object_set_new(kdf, "salt", hex_json(ks->salt, SALT_LEN));
    json_object_set_new(root, "kdf", kdf);
    json_object_set_new(root, "cipher", json_string("aes-256-gcm"));
    json_object_set_new(root, "masterkey", hex_json(ks->master_blob, BLOB_LEN));
    json_object_set_new(root, "accounts", accounts);
    json_object_set_new(root, "mac", hex_json(mac, sizeof mac));
    char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(root);
    if (!text)
        return fail(why, "JSON encoding failed");

    size_t plen = strlen(ks->path);
    char *tmp = ela_xmalloc(plen + 16);
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", ks->path);
    int fd = mkstemp(tmp); /* mode 0600 */
    bool ok = false;
    if (fd < 0) {
        fail(why, "cannot create temporary keystore file");
    } else {
        size_t len = strlen(text), off = 0;
        ok = fchmod(fd, S_IRUSR | S_IWUSR) == 0;
        while (ok && off < len) {
            ssize_t w = write(fd, text + off, len - off);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                ok = false;
            else
                off += (size_t)w;
        }
        ok = ok && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
        ok = close(fd) == 0 && ok;
        if (ok && rename(tmp, ks->path) != 0)
            ok = false;
        if (!ok) {
            unlink(tmp);
            fail(why, "cannot write keystore file");
        }
    }
    free(tmp);
    free(text);
    return ok;
}

static bool load_accounts(ela_keystore *ks, const json_t *arr, const char **why)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        const char *type = json_string_value(json_object_get(o, "type"));
        const char *addr = json_string_value(json_object_get(o, "address"));
        if (!type || !addr)
            return fail(why, "damaged keystore: account without type or address");
        ela_wallet_account *a = append_account(ks);
        if (strcmp(type, "standard") == 0) {
            uint8_t pub[33];
            ela_pubkey pk = {0};
            if (!hex_fixed(pub, 33, json_object_get(o, "publickey")) ||
                !hex_fixed(a->enc, BLOB_LEN, json_object_get(o, "privatekey")))
                return fail(why, "damaged keystore: bad standard account");
            if (!ela_pubkey_parse(&pk, pub, 33))
                return fail(why, "damaged keystore: invalid public key");
            ela_pubkey_clear(&pk);
            if (!fill_standard(a, pub))
                return fail(why, "damaged keystore: bad standard account");
        } else if (strcmp(type, "multisig") == 0) {
            ela_bytes code = {0};
            const char *hex = json_string_value(json_object_get(o, "code"));
            json_t *mj = json_object_get(o, "m");
            if (!hex || !ela_hex_decode_bytes(&code, hex, NULL))
                return fail(why, "damaged keystore: bad multisig code");
            bool ok = fill_multisig(a, code.data, code.len);
            ela_bytes_clear(&code);
            if (!ok || !json_is_integer(mj) || json_integer_value(mj) != (json_int_t)a->m)
                return fail(why, "damaged keystore: bad multisig account");
        } else {
            return fail(why, "damaged keystore: unknown account type");
        }
        if (strcmp(a->address, addr) != 0)
            return fail(why, "damaged keystore: address does not match its key");
        for (size_t j = 0; j + 1 < ks->count; j++)
            if (ela_uint168_equal(&ks->accounts[j].program_hash, &a->program_hash))
                return fail(why, "damaged keystore: duplicate account");
    }
    return true;
}

static char *read_file(const char *path, const char **why)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fail(why, errno == ENOENT ? "keystore file not found" : "cannot open keystore file");
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = ela_xmalloc(cap);
    for (;;) {
        size_t r = fread(buf + len, 1, cap - len - 1, f);
        len += r;
        if (len < cap - 1)
            break;
        if (cap > (64u << 20)) {
            fclose(f);
            free(buf);
            fail(why, "keystore file too large");
            return NULL;
        }
        cap *= 2;
        buf = ela_xrealloc(buf, cap);
    }
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        fail(why, "cannot read keystore file");
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

ela_keystore *ela_keystore_open(const char *path, const char *password, const char **why)
{
    char *text = read_file(path, why);
    if (!text)
        return NULL;
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    ela_memzero(text, strlen(text));
    free(text);
    ela_keystore *ks = ela_xcalloc(1, sizeof *ks);
    ks->path = strdup(path);
    if (!ks->path)
        abort();
    if (!root || !json_is_object(root)) {
        fail(why, "damaged keystore: not JSON");
        goto err;
    }
    const char *format = json_string_value(json_object_get(root, "format"));
    json_t *kdf = json_object_get(root, "kdf");
    json_t *accounts = json_object_get(root, "accounts");
    if (!format || strcmp(format, FORMAT_NAME) != 0) {
        fail(why, json_object_get(root, "PasswordHash")
                      ? "this is a reference (Go ela-cli) keystore: use 'wallet import-keystore'"
                      : "damaged keystore: unknown format");
        goto err;
    }
    if (json_integer_value(json_object_get(root, "version")) != FORMAT_VERSION) {
        fail(why, "unsupported keystore version");
        goto err;
    }
    const char *kname = json_string_value(json_object_get(kdf, "name"));
    const char *cipher = json_string_value(json_object_get(root, "cipher"));
    json_t *jn = json_object_get(kdf, "n"), *jr = json_object_get(kdf, "r"),
           *jp = json_object_get(kdf, "p");
    if (!kname || strcmp(kname, "scrypt") != 0 || !cipher || strcmp(cipher, "aes-256-gcm") != 0 ||
        !json_is_integer(jn) || !json_is_integer(jr) || !json_is_integer(jp) ||
        json_integer_value(jn) <= 0 || json_integer_value(jr) <= 0 ||
        json_integer_value(jp) <= 0 || json_integer_value(jr) > 1000 ||
        json_integer_value(jp) > 1000) {
        fail(why, "damaged keystore: bad kdf or cipher");
        goto err;
    }
    ks->kdf.n = (uint64_t)json_integer_value(jn);
    ks->kdf.r = (uint32_t)json_integer_value(jr);
    ks->kdf.p = (uint32_t)json_integer_value(jp);
    if (!kdf_params_valid(&ks->kdf) || !hex_fixed(ks->salt, SALT_LEN, json_object_get(kdf, "salt")) ||
        !hex_fixed(ks->master_blob, BLOB_LEN, json_object_get(root, "masterkey")) ||
        !json_is_array(accounts)) {
        fail(why, "damaged keystore: bad kdf parameters, master key or accounts");
        goto err;
    }
    if (!load_accounts(ks, accounts, why))
        goto err;
    if (password) {
        uint8_t pk[KEY_LEN], mac[32], want[32];
        bool ok = derive_key(pk, password, ks->salt, &ks->kdf);
        if (!ok) {
            fail(why, "key derivation failed");
            goto err;
        }
        ok = unseal(ks->master, pk, ks->master_blob, (const uint8_t *)MASTER_AAD,
                    strlen(MASTER_AAD));
        ela_memzero(pk, sizeof pk);
        if (!ok) {
            fail(why, "wrong password");
            goto err;
        }
        if (!hex_fixed(want, 32, json_object_get(root, "mac")) ||
            !accounts_mac(mac, ks->master, accounts) || CRYPTO_memcmp(mac, want, 32) != 0) {
            fail(why, "damaged keystore: account list does not match its MAC");
            goto err;
        }
        for (size_t i = 0; i < ks->count; i++) {
            ela_wallet_account *a = &ks->accounts[i];
            uint8_t pub[33];
            if (a->type != ELA_WALLET_STANDARD)
                continue;
            if (!unseal(a->priv, ks->master, a->enc, a->pubkeys[0], 33) ||
                !ela_pubkey_from_privkey(pub, a->priv) || memcmp(pub, a->pubkeys[0], 33) != 0) {
                fail(why, "damaged keystore: a private key does not decrypt");
                goto err;
            }
            a->has_priv = true;
        }
        ks->unlocked = true;
    }
    json_decref(root);
    return ks;
err:
    json_decref(root);
    ela_keystore_free(ks);
    return NULL;
}

bool ela_keystore_add_key(ela_keystore *ks, const ela_wallet_account **out,
                          const uint8_t priv[ELA_PRIVKEY_SIZE], const char **why)
{
    uint8_t pub[33];
    if (out)
        *out = NULL;
    if (!ks->unlocked)
        return fail(why, "keystore is locked");
    if (!ela_pubkey_from_privkey(pub, priv))
        return fail(why, "invalid private key");
    if (ela_keystore_find_key(ks, pub))
        return fail(why, "account already exists");
    ela_wallet_account *a = append_account(ks);
    if (!fill_standard(a, pub) || !seal(a->enc, ks->master, priv, pub, 33)) {
        account_clear(a);
        ks->count--;
        return fail(why, "encryption failed");
    }
    memcpy(a->priv, priv, ELA_PRIVKEY_SIZE);
    a->has_priv = true;
    if (out)
        *out = a;
    return true;
}

bool ela_keystore_new_key(ela_keystore *ks, const ela_wallet_account **out, const char **why)
{
    uint8_t priv[ELA_PRIVKEY_SIZE], pub[33];
    if (!ela_keypair_generate(priv, pub))
        return fail(why, "key generation failed");
    bool ok = ela_keystore_add_key(ks, out, priv, why);
    ela_memzero(priv, sizeof priv);
    return ok;
}

bool ela_keystore_add_multisig(ela_keystore *ks, const ela_wallet_account **out, unsigned m,
                               const uint8_t (*keys)[33], size_t n, const char **why)
{
    ela_bytes code = {0};
    if (out)
        *out = NULL;
    if (!ks->unlocked)
        return fail(why, "keystore is locked");
    if (n > 16 || m < 1 || m > n)
        return fail(why, "need 1 <= m <= n <= 16");
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (memcmp(keys[i], keys[j], 33) == 0)
                return fail(why, "duplicate public key");
    if (!ela_contract_multisig_code(&code, m, keys, n, false))
        return fail(why, "invalid public key");
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
    if (ela_keystore_find(ks, &ph)) {
        ela_bytes_clear(&code);
        return fail(why, "account already exists");
    }
    ela_wallet_account *a = append_account(ks);
    bool ok = fill_multisig(a, code.data, code.len);
    ela_bytes_clear(&code);
    if (!ok) {
        account_clear(a);
        ks->count--;
        return fail(why, "cannot build the multisig code");
    }
    if (out)
        *out = a;
    return true;
}

/* ---- the reference's keystore.dat ------------------------------------------------------ */

/* AES-256-CBC without padding, as the reference's AesDecrypt (whole blocks only). */
static bool cbc_decrypt(uint8_t *out, const uint8_t *in, size_t len, const uint8_t key[32],
                        const uint8_t iv[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l = 0, fl = 0;
    bool ok = ctx && len % 16 == 0 &&
              EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
              EVP_DecryptUpdate(ctx, out, &l, in, (int)len) == 1 &&
              EVP_DecryptFinal_ex(ctx, out + l, &fl) == 1 && (size_t)(l + fl) == len;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

bool ela_keystore_import_reference(ela_keystore *ks, size_t *added, const char *ref_path,
                                   const char *ref_password, const char **why)
{
    *added = 0;
    if (!ks->unlocked)
        return fail(why, "keystore is locked");
    char *text = read_file(ref_path, why);
    if (!text)
        return false;
    json_t *root = json_loads(text, 0, NULL);
    free(text);
    uint8_t pwkey[32], pwhash[32], want[32], iv[16], mk_enc[32], mk[32];
    bool ok = false;
    json_t *accs = json_object_get(root, "Account");
    if (!root || !hex_fixed(want, 32, json_object_get(root, "PasswordHash")) ||
        !hex_fixed(iv, 16, json_object_get(root, "IV")) ||
        !hex_fixed(mk_enc, 32, json_object_get(root, "MasterKey")) || !json_is_array(accs)) {
        fail(why, "not a reference keystore (PasswordHash, IV, MasterKey, Account expected)");
        goto out;
    }
    /* The reference: password key = SHA256d(password), PasswordHash = SHA-256(password key). */
    ela_sha256d(pwkey, (const uint8_t *)ref_password, strlen(ref_password));
    ela_sha256(pwhash, pwkey, 32);
    if (CRYPTO_memcmp(pwhash, want, 32) != 0) {
        fail(why, "wrong password for the reference keystore");
        goto out;
    }
    if (!cbc_decrypt(mk, mk_enc, 32, pwkey, iv)) {
        fail(why, "cannot decrypt the reference master key");
        goto out;
    }
    size_t i;
    json_t *a;
    json_array_foreach(accs, i, a) {
        const char *pke = json_string_value(json_object_get(a, "PrivateKeyEncrypted"));
        const char *rs = json_string_value(json_object_get(a, "RedeemScript"));
        uint8_t enc[96], pair[96];
        if (pke && *pke) {
            if (!hex_fixed(enc, 96, json_object_get(a, "PrivateKeyEncrypted")) ||
                !cbc_decrypt(pair, enc, 96, mk, iv)) {
                fail(why, "bad PrivateKeyEncrypted in the reference keystore");
                goto out;
            }
            /* 96 bytes: X || Y of the public key, then the private key. */
            uint8_t pub[33];
            if (!ela_pubkey_from_privkey(pub, pair + 64)) {
                ela_memzero(pair, sizeof pair);
                fail(why, "invalid private key in the reference keystore");
                goto out;
            }
            if (!ela_keystore_find_key(ks, pub)) {
                bool r = ela_keystore_add_key(ks, NULL, pair + 64, why);
                ela_memzero(pair, sizeof pair);
                if (!r)
                    goto out;
                (*added)++;
            }
            ela_memzero(pair, sizeof pair);
        }
        if (rs) {
            ela_bytes code = {0};
            unsigned m;
            size_t n;
            uint8_t(*keys)[33];
            if (ela_hex_decode_bytes(&code, rs, NULL) &&
                ela_wallet_parse_multisig(&m, &n, &keys, code.data, code.len)) {
                ela_uint168 ph;
                ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
                if (!ela_keystore_find(ks, &ph) &&
                    ela_keystore_add_multisig(ks, NULL, m, (const uint8_t(*)[33])keys, n, NULL))
                    (*added)++;
                free(keys);
            }
            ela_bytes_clear(&code);
        }
    }
    ok = true;
out:
    ela_memzero(pwkey, sizeof pwkey);
    ela_memzero(mk, sizeof mk);
    json_decref(root);
    return ok;
}
