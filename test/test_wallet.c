/* elad tests: the ela-cli wallet library (keystore, transfer building, standard and multisig
 * signing checked by the consensus signature checker) and the CLI's parameter table. */
#include "testutil.h"

#include "cli/params.h"
#include "wallet/keystore.h"
#include "wallet/txbuild.h"

#include <ela/address.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/hex.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/txcheck.h>
#include <ela/validation.h>

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The throwaway regnet wallet of vectors/refnode/README.md. */
#define REF_PRIV "9a3503c0afccdf8251e94c8ad7bb36b761c1766a0bcbddbb9f5d375a194bafe9"
#define REF_PUB "029a0a45b45c5f1406aac117ae490cf1ad0535e470a13bd3068e2a2862c22ab4d9"
#define REF_ADDR "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj"
#define RECIPIENT "EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA"

static const ela_kdf_params FAST = {1024, 8, 1}; /* cheap scrypt for tests */

static char g_dir[256];

static void make_dir(void)
{
    snprintf(g_dir, sizeof g_dir, "%s/test_wallet.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
}

static void remove_dir(void)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *path_in(const char *name)
{
    static char buf[4][400];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", g_dir, name);
    return buf[k];
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *s = calloc(1, 1 << 20);
    size_t n = fread(s, 1, (1 << 20) - 1, f);
    fclose(f);
    s[n] = '\0';
    return s;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void ref_priv(uint8_t priv[32]) { ela_test_unhex_n(priv, REF_PRIV, 32); }

/* A keystore at name with the reference test key. */
static ela_keystore *ks_with_ref(const char *name)
{
    const char *why = NULL;
    uint8_t priv[32];
    ref_priv(priv);
    ela_keystore *ks = ela_keystore_create(path_in(name), "pw", &FAST, &why);
    ck_assert_msg(ks != NULL, "%s", why);
    ck_assert_msg(ela_keystore_add_key(ks, NULL, priv, &why), "%s", why);
    return ks;
}

/* ---- keystore ----------------------------------------------------------------------------- */

START_TEST(keystore_round_trip)
{
    make_dir();
    const char *why = NULL;
    ela_keystore *ks = ela_keystore_create(path_in("k.dat"), "secret", &FAST, &why);
    ck_assert_ptr_nonnull(ks);
    const ela_wallet_account *a = NULL;
    ck_assert(ela_keystore_new_key(ks, &a, &why));
    ck_assert_int_eq(a->type, ELA_WALLET_STANDARD);
    ck_assert_int_eq(a->address[0], 'E');
    uint8_t priv1[32];
    memcpy(priv1, a->priv, 32);
    char addr1[ELA_ADDRESS_MAX];
    strcpy(addr1, a->address);
    uint8_t priv[32];
    ref_priv(priv);
    ck_assert(ela_keystore_add_key(ks, &a, priv, &why));
    /* The same key twice is refused. */
    ck_assert(!ela_keystore_add_key(ks, NULL, priv, &why));
    ck_assert_str_eq(why, "account already exists");
    ck_assert(ela_keystore_save(ks, &why));
    ela_keystore_free(ks);

    struct stat st;
    ck_assert_int_eq(stat(path_in("k.dat"), &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);

    ks = ela_keystore_open(path_in("k.dat"), "secret", &why);
    ck_assert_msg(ks != NULL, "%s", why);
    ck_assert(ela_keystore_unlocked(ks));
    ck_assert_uint_eq(ela_keystore_count(ks), 2);
    a = ela_keystore_account(ks, 0);
    ck_assert_str_eq(a->address, addr1);
    ck_assert(a->has_priv);
    ck_assert_mem_eq(a->priv, priv1, 32);
    a = ela_keystore_account(ks, 1);
    ck_assert_str_eq(a->address, REF_ADDR);
    ck_assert_mem_eq(a->priv, priv, 32);
    ela_keystore_free(ks);

    /* Without the password: public data only. */
    ks = ela_keystore_open(path_in("k.dat"), NULL, &why);
    ck_assert_ptr_nonnull(ks);
    ck_assert(!ela_keystore_unlocked(ks));
    ck_assert_uint_eq(ela_keystore_count(ks), 2);
    ck_assert(!ela_keystore_account(ks, 1)->has_priv);
    ck_assert(!ela_keystore_add_key(ks, NULL, priv, &why));
    ck_assert_str_eq(why, "keystore is locked");
    ck_assert(!ela_keystore_save(ks, &why));
    ela_keystore_free(ks);
    remove_dir();
}
END_TEST

START_TEST(keystore_wrong_password)
{
    make_dir();
    const char *why = NULL;
    ela_keystore *ks = ks_with_ref("k.dat");
    ck_assert(ela_keystore_save(ks, &why));
    ela_keystore_free(ks);
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), "PW", &why));
    ck_assert_str_eq(why, "wrong password");
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), "", &why));
    ck_assert_str_eq(why, "wrong password");
    ck_assert_ptr_null(ela_keystore_open(path_in("missing.dat"), "pw", &why));
    ck_assert_str_eq(why, "keystore file not found");
    ks = ela_keystore_open(path_in("k.dat"), "pw", &why);
    ck_assert_ptr_nonnull(ks);
    ela_keystore_free(ks);
    remove_dir();
}
END_TEST

/* Replaces the first occurrence of from with to in the file. */
static void patch_file(const char *path, const char *from, const char *to)
{
    char *s = slurp(path);
    char *p = strstr(s, from);
    ck_assert_ptr_nonnull(p);
    size_t fl = strlen(from), tl = strlen(to);
    char *out = calloc(1, strlen(s) + tl + 1);
    memcpy(out, s, (size_t)(p - s));
    memcpy(out + (p - s), to, tl);
    strcpy(out + (p - s) + tl, p + fl);
    spit(path, out);
    free(out);
    free(s);
}

START_TEST(keystore_damaged)
{
    make_dir();
    const char *why = NULL;
    ela_keystore *ks = ks_with_ref("k.dat");
    uint8_t keys[3][33];
    for (int i = 0; i < 3; i++) {
        uint8_t priv[32];
        ck_assert(ela_keystore_new_key(ks, NULL, &why));
        memcpy(keys[i], ela_keystore_account(ks, (size_t)i + 1)->pubkeys[0], 33);
        (void)priv;
    }
    ck_assert(ela_keystore_add_multisig(ks, NULL, 2, (const uint8_t(*)[33])keys, 3, &why));
    ck_assert(ela_keystore_save(ks, &why));
    ela_keystore_free(ks);
    char *good = slurp(path_in("k.dat"));

    /* Not JSON. */
    spit(path_in("k.dat"), "{\"format\": \"elad-keystore\", ");
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), "pw", &why));
    ck_assert_str_eq(why, "damaged keystore: not JSON");

    /* An address that does not match its key (opening without a password checks it too). */
    spit(path_in("k.dat"), good);
    patch_file(path_in("k.dat"), REF_ADDR, "EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA");
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), NULL, &why));
    ck_assert_str_eq(why, "damaged keystore: address does not match its key");

    /* A private key ciphertext with one nibble changed. */
    spit(path_in("k.dat"), good);
    {
        char *s = slurp(path_in("k.dat"));
        char *p = strstr(s, "\"privatekey\": \"");
        ck_assert_ptr_nonnull(p);
        p += strlen("\"privatekey\": \"") + 40;
        *p = *p == '0' ? '1' : '0';
        spit(path_in("k.dat"), s);
        free(s);
    }
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), "pw", &why));
    ck_assert(strstr(why, "damaged keystore") != NULL);

    /* The account list changed consistently (multisig m 2 -> 3 with a code for 3): public
     * data still loads, but the MAC check with the password refuses it. */
    spit(path_in("k.dat"), good);
    {
        ela_keystore *k2 = ela_keystore_open(path_in("k.dat"), NULL, &why);
        const ela_wallet_account *ms = ela_keystore_account(k2, 4);
        ck_assert_int_eq(ms->type, ELA_WALLET_MULTISIG);
        char *code_hex = ela_hex_encode_new(ms->code.data, ms->code.len);
        char addr[ELA_ADDRESS_MAX];
        strcpy(addr, ms->address);
        ela_bytes c3 = {0};
        ck_assert(ela_contract_multisig_code(&c3, 3, (const uint8_t(*)[33])keys, 3, false));
        ela_uint168 ph;
        ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, c3.data, c3.len);
        char addr3[ELA_ADDRESS_MAX];
        ck_assert(ela_address_from_program_hash(addr3, &ph));
        char *c3hex = ela_hex_encode_new(c3.data, c3.len);
        patch_file(path_in("k.dat"), code_hex, c3hex);
        patch_file(path_in("k.dat"), addr, addr3);
        patch_file(path_in("k.dat"), "\"m\": 2", "\"m\": 3");
        free(code_hex);
        free(c3hex);
        ela_bytes_clear(&c3);
        ela_keystore_free(k2);
    }
    ks = ela_keystore_open(path_in("k.dat"), NULL, &why);
    ck_assert_msg(ks != NULL, "%s", why);
    ela_keystore_free(ks);
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), "pw", &why));
    ck_assert_str_eq(why, "damaged keystore: account list does not match its MAC");

    /* Hostile scrypt parameters are refused before any work. */
    spit(path_in("k.dat"), good);
    patch_file(path_in("k.dat"), "\"n\": 1024", "\"n\": 1073741824");
    ck_assert_ptr_null(ela_keystore_open(path_in("k.dat"), "pw", &why));
    ck_assert(strstr(why, "damaged keystore") != NULL);

    /* The untouched file still opens. */
    spit(path_in("k.dat"), good);
    ks = ela_keystore_open(path_in("k.dat"), "pw", &why);
    ck_assert_msg(ks != NULL, "%s", why);
    ela_keystore_free(ks);
    free(good);
    remove_dir();
}
END_TEST

START_TEST(keystore_reference_key)
{
    make_dir();
    ela_keystore *ks = ks_with_ref("k.dat");
    const ela_wallet_account *a = ela_keystore_account(ks, 0);
    ck_assert_str_eq(a->address, REF_ADDR);
    ck_assert_str_eq(ela_test_hex(a->pubkeys[0], 33), REF_PUB);
    ck_assert_str_eq(ela_test_hex(a->code.data, a->code.len), "21" REF_PUB "ac");
    /* Invalid private keys are refused. */
    uint8_t zero[32] = {0};
    const char *why = NULL;
    ck_assert(!ela_keystore_add_key(ks, NULL, zero, &why));
    ck_assert_str_eq(why, "invalid private key");
    ela_keystore_free(ks);
    remove_dir();
}
END_TEST

START_TEST(keystore_multisig_address)
{
    make_dir();
    const char *why = NULL;
    ela_keystore *ks = ela_keystore_create(path_in("k.dat"), "pw", &FAST, &why);
    uint8_t keys[3][33], priv[32];
    for (int i = 0; i < 3; i++)
        ck_assert(ela_keystore_new_key(ks, NULL, &why));
    for (int i = 0; i < 3; i++)
        memcpy(keys[i], ela_keystore_account(ks, (size_t)i)->pubkeys[0], 33);
    (void)priv;
    const ela_wallet_account *ms = NULL;
    ck_assert(ela_keystore_add_multisig(ks, &ms, 2, (const uint8_t(*)[33])keys, 3, &why));

    ela_bytes code = {0};
    ck_assert(ela_contract_multisig_code(&code, 2, (const uint8_t(*)[33])keys, 3, false));
    ela_uint168 ph;
    ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
    char addr[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(addr, &ph));
    ck_assert_int_eq(addr[0], '8');
    ck_assert_str_eq(ms->address, addr);
    ck_assert(ela_bytes_equal(&ms->code, &code));
    ck_assert_uint_eq(ms->m, 2);
    ck_assert_uint_eq(ms->n, 3);
    /* The account's keys are in code order (sorted), each one of ours. */
    for (size_t i = 0; i < 3; i++) {
        ck_assert_mem_eq(ms->pubkeys[i], code.data + 2 + 34 * i, 33);
        ck_assert_ptr_nonnull(ela_keystore_find_key(ks, ms->pubkeys[i]));
    }
    /* Order of the keys given does not matter. */
    uint8_t rev[3][33];
    for (int i = 0; i < 3; i++)
        memcpy(rev[i], keys[2 - i], 33);
    ck_assert(!ela_keystore_add_multisig(ks, NULL, 2, (const uint8_t(*)[33])rev, 3, &why));
    ck_assert_str_eq(why, "account already exists");
    /* Bad m and duplicate keys. */
    ck_assert(!ela_keystore_add_multisig(ks, NULL, 4, (const uint8_t(*)[33])keys, 3, &why));
    memcpy(rev[1], rev[0], 33);
    ck_assert(!ela_keystore_add_multisig(ks, NULL, 2, (const uint8_t(*)[33])rev, 3, &why));
    ck_assert_str_eq(why, "duplicate public key");
    /* Round trip through the file. */
    ck_assert(ela_keystore_save(ks, &why));
    ela_keystore_free(ks);
    ks = ela_keystore_open(path_in("k.dat"), "pw", &why);
    ck_assert_msg(ks != NULL, "%s", why);
    const ela_wallet_account *back = ela_keystore_find(ks, &ph);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back->address, addr);
    ela_keystore_free(ks);
    ela_bytes_clear(&code);
    remove_dir();
}
END_TEST

/* AES-256-CBC without padding, as the reference writes its keystore.dat. */
static void cbc_encrypt(uint8_t *out, const uint8_t *in, int len, const uint8_t key[32],
                        const uint8_t iv[16])
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l = 0, fl = 0;
    ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, key, iv) == 1);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    ck_assert(EVP_EncryptUpdate(ctx, out, &l, in, len) == 1);
    ck_assert(EVP_EncryptFinal_ex(ctx, out + l, &fl) == 1);
    ck_assert_int_eq(l + fl, len);
    EVP_CIPHER_CTX_free(ctx);
}

START_TEST(keystore_import_reference_file)
{
    /* A keystore.dat written the way the reference's account package writes one (password key
     * SHA256d(password), PasswordHash SHA-256 of it, master key and 96-byte key pairs under
     * AES-CBC with the file's IV). */
    make_dir();
    uint8_t pwkey[32], pwhash[32], iv[16], mk[32], mk_enc[32], pair[96], pair_enc[96];
    EVP_Digest("123", 3, pwhash, NULL, EVP_sha256(), NULL);
    EVP_Digest(pwhash, 32, pwkey, NULL, EVP_sha256(), NULL);
    EVP_Digest(pwkey, 32, pwhash, NULL, EVP_sha256(), NULL);
    ck_assert(RAND_bytes(iv, 16) == 1 && RAND_bytes(mk, 32) == 1);
    cbc_encrypt(mk_enc, mk, 32, pwkey, iv);
    memset(pair, 0, sizeof pair); /* X || Y are not read back; the private key is */
    ref_priv(pair + 64);
    cbc_encrypt(pair_enc, pair, 96, mk, iv);
    char json[2048];
    snprintf(json, sizeof json,
             "{\"Version\":\"1.0.0\",\"PasswordHash\":\"%s\",\"IV\":\"%s\",\"MasterKey\":\"%s\","
             "\"Account\":[{\"Address\":\"%s\",\"ProgramHash\":\"\",\"RedeemScript\":\"21%sac\","
             "\"PrivateKeyEncrypted\":\"%s\",\"Type\":\"main-account\"}]}",
             ela_test_hex(pwhash, 32), ela_test_hex(iv, 16), ela_test_hex(mk_enc, 32), REF_ADDR,
             REF_PUB, ela_test_hex(pair_enc, 96));
    spit(path_in("ref.dat"), json);

    const char *why = NULL;
    ela_keystore *ks = ela_keystore_create(path_in("k.dat"), "new", &FAST, &why);
    size_t added = 9;
    ck_assert(!ela_keystore_import_reference(ks, &added, path_in("ref.dat"), "1234", &why));
    ck_assert_str_eq(why, "wrong password for the reference keystore");
    ck_assert_uint_eq(ela_keystore_count(ks), 0);
    ck_assert(ela_keystore_import_reference(ks, &added, path_in("ref.dat"), "123", &why));
    ck_assert_uint_eq(added, 1);
    ck_assert_str_eq(ela_keystore_account(ks, 0)->address, REF_ADDR);
    /* Importing again adds nothing. */
    ck_assert(ela_keystore_import_reference(ks, &added, path_in("ref.dat"), "123", &why));
    ck_assert_uint_eq(added, 0);
    /* Our own format is not a reference keystore. */
    ck_assert(ela_keystore_save(ks, &why));
    ck_assert(!ela_keystore_import_reference(ks, &added, path_in("k.dat"), "new", &why));
    ela_keystore_free(ks);
    /* And a reference keystore is not ours: the message says what to do. */
    ck_assert_ptr_null(ela_keystore_open(path_in("ref.dat"), "123", &why));
    ck_assert(strstr(why, "import-keystore") != NULL);
    remove_dir();
}
END_TEST

/* ---- building ----------------------------------------------------------------------------- */

static ela_wallet_utxo utxo(uint8_t fill, uint16_t index, int64_t value)
{
    ela_wallet_utxo u;
    memset(&u, 0, sizeof u);
    memset(u.txid.b, fill, 32);
    u.index = index;
    u.value = value;
    return u;
}

static void std_spec(ela_wallet_transfer *s, const ela_wallet_account *from,
                     const ela_wallet_recipient *to, size_t nto, int64_t fee)
{
    memset(s, 0, sizeof *s);
    s->from = from->program_hash;
    s->from_code = from->code.data;
    s->from_code_len = from->code.len;
    s->to = to;
    s->to_count = nto;
    s->fee = fee;
    s->nonce = 42;
}

START_TEST(build_change_and_fee)
{
    make_dir();
    ela_keystore *ks = ks_with_ref("k.dat");
    const ela_wallet_account *from = ela_keystore_account(ks, 0);
    ela_wallet_recipient to;
    ck_assert(ela_address_to_program_hash(&to.program_hash, RECIPIENT));
    to.amount = 250000000;
    ela_wallet_utxo u[3] = {utxo(1, 0, 100000000), utxo(2, 3, 200000000), utxo(3, 1, 500000000)};
    ela_wallet_transfer s;
    std_spec(&s, from, &to, 1, 10000);
    s.tx_lock = 77;
    s.output_lock = 5;
    ela_tx tx;
    const char *why = NULL;
    ck_assert_msg(ela_wallet_build_transfer(&tx, &s, u, 3, &why), "%s", why);
    ck_assert_uint_eq(tx.version, 9);
    ck_assert_uint_eq(ela_tx_type(&tx), ELA_TX_TRANSFER_ASSET);
    ck_assert_uint_eq(tx.attribute_count, 1);
    ck_assert_uint_eq(tx.attributes[0].usage, ELA_ATTR_NONCE);
    ck_assert_uint_eq(tx.attributes[0].data.len, 2);
    ck_assert_mem_eq(tx.attributes[0].data.data, "42", 2);
    ck_assert_uint_eq(tx.input_count, 2); /* 1 + 2 ELA cover 2.5001 */
    ck_assert_uint_eq(tx.inputs[1].prev_index, 3);
    ck_assert_uint_eq(tx.inputs[0].sequence, 0xffffffffu);
    ck_assert_uint_eq(tx.output_count, 2);
    ck_assert(ela_uint168_equal(&tx.outputs[0].program_hash, &to.program_hash));
    ck_assert_int_eq(tx.outputs[0].value, 250000000);
    ck_assert_uint_eq(tx.outputs[0].output_lock, 5);
    ck_assert(ela_uint168_equal(&tx.outputs[1].program_hash, &from->program_hash));
    ck_assert_int_eq(tx.outputs[1].value, 300000000 - 250000000 - 10000);
    ck_assert_uint_eq(tx.outputs[1].output_lock, 0);
    ck_assert_uint_eq(tx.lock_time, 77);
    ck_assert_uint_eq(tx.program_count, 1);
    ck_assert(ela_bytes_equal(&tx.programs[0].code, &from->code));
    ck_assert_uint_eq(tx.programs[0].parameter.len, 0);
    /* The serialization parses back to the same txid. */
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, &tx);
    ela_tx back;
    ck_assert(ela_tx_parse(&back, w.data, w.len, &why));
    ck_assert(ela_uint256_equal(&back.txid, &tx.txid));
    ela_tx_clear(&back);
    ela_writer_clear(&w);
    ela_tx_clear(&tx);

    /* Exactly covered: no change output. A locked UTXO gets sequence 0xfffffffe. */
    u[0].output_lock = 9;
    to.amount = 300000000 - 10000;
    ck_assert(ela_wallet_build_transfer(&tx, &s, u, 3, &why));
    ck_assert_uint_eq(tx.input_count, 2);
    ck_assert_uint_eq(tx.output_count, 1);
    ck_assert_uint_eq(tx.inputs[0].sequence, 0xfffffffeu);
    ela_tx_clear(&tx);

    /* Insufficient funds, bad amounts, no recipient. */
    to.amount = 800000000;
    ck_assert(!ela_wallet_build_transfer(&tx, &s, u, 3, &why));
    ck_assert_str_eq(why, "insufficient funds");
    ela_tx_clear(&tx);
    to.amount = 0;
    ck_assert(!ela_wallet_build_transfer(&tx, &s, u, 3, &why));
    ck_assert_str_eq(why, "invalid amount");
    ela_tx_clear(&tx);
    to.amount = 1;
    s.fee = -1;
    ck_assert(!ela_wallet_build_transfer(&tx, &s, u, 3, &why));
    ela_tx_clear(&tx);
    s.fee = 0;
    s.to_count = 0;
    ck_assert(!ela_wallet_build_transfer(&tx, &s, u, 3, &why));
    ck_assert_str_eq(why, "no recipient");
    ela_tx_clear(&tx);
    ela_keystore_free(ks);
    remove_dir();
}
END_TEST

/* Coins for the inputs of tx: each pays `value[i]` to ph. */
static void coins_for(ela_coin *refs, const ela_tx *tx, const ela_uint168 *ph,
                      const int64_t *values)
{
    for (size_t i = 0; i < tx->input_count; i++) {
        memset(&refs[i], 0, sizeof refs[i]);
        refs[i].out.program_hash = *ph;
        refs[i].out.value = values[i];
        refs[i].height = 1;
        refs[i].tx_type = ELA_TX_TRANSFER_ASSET;
        refs[i].tx_version = 9;
    }
}

static bool programs_ok(const ela_tx *tx, const ela_coin *refs, ela_validation_state *st)
{
    ela_validation_init(st);
    return ela_txcheck_programs(st, tx, refs);
}

START_TEST(reference_unsigned_layout)
{
    if (!ela_test_have_vectors("reference transfer vector"))
        return;
    char *uhex = ela_test_read_text("refnode/rpc/transfer_tx_unsigned.hex");
    char *shex = ela_test_read_text("refnode/rpc/transfer_tx_signed.hex");
    uhex[strcspn(uhex, " \r\n")] = '\0';
    shex[strcspn(shex, " \r\n")] = '\0';
    ela_bytes ub = ela_test_unhex(uhex), sb = ela_test_unhex(shex);
    ela_tx ref, signed_ref;
    const char *why = NULL;
    ck_assert_msg(ela_tx_parse(&ref, ub.data, ub.len, &why), "%s", why);
    ck_assert_msg(ela_tx_parse(&signed_ref, sb.data, sb.len, &why), "%s", why);
    /* The reference's attribute: usage Nonce (0x00), decimal text. */
    ck_assert_uint_eq(ref.attribute_count, 1);
    ck_assert_uint_eq(ref.attributes[0].usage, ELA_ATTR_NONCE);
    char nonce[32] = {0};
    ck_assert_uint_lt(ref.attributes[0].data.len, sizeof nonce);
    memcpy(nonce, ref.attributes[0].data.data, ref.attributes[0].data.len);
    ck_assert_uint_eq(ref.input_count, 1);
    ck_assert_uint_eq(ref.output_count, 2);

    make_dir();
    ela_keystore *ks = ks_with_ref("k.dat");
    const ela_wallet_account *from = ela_keystore_account(ks, 0);
    ck_assert(ela_uint168_equal(&ref.outputs[1].program_hash, &from->program_hash));
    /* Rebuild from the same UTXO (its value: outputs + the 0.0001 fee) and nonce. */
    int64_t fee = 10000;
    ela_wallet_utxo u = utxo(0, ref.inputs[0].prev_index,
                             ref.outputs[0].value + ref.outputs[1].value + fee);
    u.txid = ref.inputs[0].prev_txid;
    ela_wallet_recipient to = {ref.outputs[0].program_hash, ref.outputs[0].value};
    char recip[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(recip, &to.program_hash));
    ck_assert_str_eq(recip, RECIPIENT);
    ela_wallet_transfer s;
    std_spec(&s, from, &to, 1, fee);
    s.nonce = strtoull(nonce, NULL, 10);
    ela_tx tx;
    ck_assert(ela_wallet_build_transfer(&tx, &s, &u, 1, &why));
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, &tx);
    ck_assert_str_eq(ela_test_hex(w.data, w.len), uhex);
    ela_writer_clear(&w);

    /* Our signature verifies; so does the reference's. */
    ela_coin refs[1];
    int64_t v = u.value;
    coins_for(refs, &tx, &from->program_hash, &v);
    ela_validation_state st;
    ck_assert(!programs_ok(&tx, refs, &st));
    ela_wallet_sign_status ss;
    ck_assert_msg(ela_wallet_sign(&ss, &tx, ks, &why), "%s", why);
    ck_assert_uint_eq(ss.have, 1);
    ck_assert_uint_eq(ss.need, 1);
    ck_assert_msg(programs_ok(&tx, refs, &st), "%s %s", st.reason, st.detail);
    ck_assert_uint_eq(tx.size, signed_ref.size);
    ck_assert_mem_eq(tx.txid.b, signed_ref.txid.b, 32);
    ck_assert_msg(programs_ok(&signed_ref, refs, &st), "%s %s", st.reason, st.detail);
    /* Signing a complete transaction again adds nothing. */
    ck_assert(!ela_wallet_sign(&ss, &tx, ks, &why));
    ck_assert_str_eq(why, "transaction was fully signed, no need more sign");

    ela_tx_clear(&tx);
    ela_tx_clear(&ref);
    ela_tx_clear(&signed_ref);
    ela_bytes_clear(&ub);
    ela_bytes_clear(&sb);
    free(uhex);
    free(shex);
    ela_keystore_free(ks);
    remove_dir();
}
END_TEST

START_TEST(sign_standard_wrong_key)
{
    make_dir();
    const char *why = NULL;
    ela_keystore *ks = ks_with_ref("k.dat");
    ela_keystore *other = ela_keystore_create(path_in("o.dat"), "pw", &FAST, &why);
    ck_assert(ela_keystore_new_key(other, NULL, &why));
    const ela_wallet_account *from = ela_keystore_account(ks, 0);
    ela_wallet_recipient to = {ela_keystore_account(other, 0)->program_hash, 5500};
    ela_wallet_utxo u[2] = {utxo(7, 0, 6000), utxo(8, 1, 100000)};
    ela_wallet_transfer s;
    std_spec(&s, from, &to, 1, 1000);
    ela_tx tx;
    ck_assert(ela_wallet_build_transfer(&tx, &s, u, 2, &why));
    ck_assert_uint_eq(tx.input_count, 2);
    ela_wallet_sign_status ss;
    /* A keystore without the sender's key cannot sign. */
    ck_assert(!ela_wallet_sign(&ss, &tx, other, &why));
    ck_assert_str_eq(why, "no signature added: the keystore holds none of the keys needed");
    ck_assert(ela_wallet_sign(&ss, &tx, ks, &why));
    ck_assert_uint_eq(ss.added, 1);
    ela_coin refs[2];
    int64_t vals[2] = {6000, 100000};
    coins_for(refs, &tx, &from->program_hash, vals);
    ela_validation_state st;
    ck_assert_msg(programs_ok(&tx, refs, &st), "%s %s", st.reason, st.detail);
    /* A changed output invalidates the signature. */
    tx.outputs[0].value += 1;
    ela_tx_compute_hash(&tx);
    ck_assert(!programs_ok(&tx, refs, &st));
    ela_tx_clear(&tx);
    ela_keystore_free(ks);
    ela_keystore_free(other);
    remove_dir();
}
END_TEST

START_TEST(sign_multisig_two_keystores)
{
    make_dir();
    const char *why = NULL;
    /* Three keys, in three keystores; keystores 1 and 2 watch the 2-of-3 account. */
    ela_keystore *ks[3];
    uint8_t keys[3][33];
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof name, "k%d.dat", i);
        ks[i] = ela_keystore_create(path_in(name), "pw", &FAST, &why);
        ck_assert(ela_keystore_new_key(ks[i], NULL, &why));
        memcpy(keys[i], ela_keystore_account(ks[i], 0)->pubkeys[0], 33);
    }
    const ela_wallet_account *ms1 = NULL, *ms2 = NULL;
    ck_assert(ela_keystore_add_multisig(ks[0], &ms1, 2, (const uint8_t(*)[33])keys, 3, &why));
    ck_assert(ela_keystore_add_multisig(ks[2], &ms2, 2, (const uint8_t(*)[33])keys, 3, &why));
    ck_assert_str_eq(ms1->address, ms2->address);

    ela_wallet_recipient to = {ela_keystore_account(ks[1], 0)->program_hash, 70000};
    ela_wallet_utxo u[1] = {utxo(9, 2, 100000)};
    ela_wallet_transfer s;
    std_spec(&s, ms1, &to, 1, 1000);
    ela_tx tx;
    ck_assert(ela_wallet_build_transfer(&tx, &s, u, 1, &why));
    ela_coin refs[1];
    int64_t vals[1] = {100000};
    coins_for(refs, &tx, &ms1->program_hash, vals);
    ela_validation_state st;

    ela_wallet_sign_status ss;
    ck_assert(ela_wallet_sign_state(&ss, &tx, &why));
    ck_assert_uint_eq(ss.have, 0);
    ck_assert_uint_eq(ss.need, 2);
    ck_assert(ela_wallet_sign(&ss, &tx, ks[0], &why));
    ck_assert_uint_eq(ss.have, 1);
    ck_assert_uint_eq(ss.need, 2);
    ck_assert(!programs_ok(&tx, refs, &st)); /* 1 of 2 is not enough */
    /* The same keystore again: its key has signed already. */
    ck_assert(!ela_wallet_sign(&ss, &tx, ks[0], &why));
    ck_assert_uint_eq(ss.have, 1);

    /* Through the wire form, as between two people. */
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, &tx);
    ela_tx part;
    ck_assert(ela_tx_parse(&part, w.data, w.len, &why));
    ela_writer_clear(&w);
    ck_assert(ela_wallet_sign(&ss, &part, ks[2], &why));
    ck_assert_uint_eq(ss.have, 2);
    ck_assert_uint_eq(ss.need, 2);
    ck_assert_uint_eq(part.programs[0].parameter.len, 130);
    ck_assert_msg(programs_ok(&part, refs, &st), "%s %s", st.reason, st.detail);
    /* The signatures are in the keys' code order: each verifies with the key of its rank among
     * the keys that signed. */
    {
        const ela_wallet_account *m = ms1;
        size_t pos = 0;
        ela_bytes msg = {0};
        ela_tx_signed_data(&msg, &part);
        for (size_t k = 0; k < m->n && pos < 2; k++) {
            if (!ela_keystore_find_key(ks[0], m->pubkeys[k]) &&
                !ela_keystore_find_key(ks[2], m->pubkeys[k]))
                continue;
            ck_assert(ela_ecdsa_verify_raw(m->pubkeys[k], 33, msg.data, msg.len,
                                           part.programs[0].parameter.data + 65 * pos + 1));
            pos++;
        }
        ck_assert_uint_eq(pos, 2);
        ela_bytes_clear(&msg);
    }
    /* A third signature is not added to a complete program. */
    ck_assert(!ela_wallet_sign(&ss, &part, ks[1], &why));
    ela_tx_clear(&part);
    ela_tx_clear(&tx);
    for (int i = 0; i < 3; i++)
        ela_keystore_free(ks[i]);
    remove_dir();
}
END_TEST

START_TEST(sign_unknown_program)
{
    make_dir();
    const char *why = NULL;
    ela_keystore *ks = ks_with_ref("k.dat");
    ela_tx tx;
    ela_tx_init(&tx);
    ela_wallet_sign_status ss;
    ck_assert(!ela_wallet_sign(&ss, &tx, ks, &why));
    ck_assert_str_eq(why, "no program found in transaction");
    tx.program_count = 1;
    tx.programs = ela_xcalloc(1, sizeof *tx.programs);
    uint8_t code[3] = {0x51, 0x52, 0x53};
    ela_bytes_set(&tx.programs[0].code, code, 3);
    ck_assert(!ela_wallet_sign(&ss, &tx, ks, &why));
    ck_assert_str_eq(why, "unknown program code");
    ela_tx_clear(&tx);
    ela_keystore_free(ks);
    remove_dir();
}
END_TEST

/* ---- CLI parameters ----------------------------------------------------------------------- */

static char *params_text(const char *method, int n, ...)
{
    char *args[8];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        args[i] = va_arg(ap, char *);
    va_end(ap);
    const char *why = NULL;
    json_t *p = ela_cli_build_params(method, args, (size_t)n, &why);
    if (!p)
        return NULL;
    char *s = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(p);
    return s;
}

static void check_params(const char *want, char *got)
{
    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, want);
    free(got);
}

START_TEST(cli_params)
{
    check_params("{\"data\":\"0902ab\"}", params_text("decoderawtransaction", 1, "0902ab"));
    check_params("{}", params_text("getblockcount", 0));
    /* A hash of digits stays a string; verbosity becomes a number. */
    check_params("{\"blockhash\":\"1234\",\"verbosity\":2}",
                 params_text("getblock", 2, "1234", "2"));
    check_params("{\"height\":10}", params_text("getblockhash", 1, "10"));
    check_params("{\"txid\":\"ab\",\"verbose\":true}",
                 params_text("getrawtransaction", 2, "ab", "true"));
    check_params("{\"mining\":false}", params_text("togglemining", 1, "false"));
    /* Amounts are strings on the wire. */
    check_params("{\"address\":\"" REF_ADDR "\",\"amount\":\"1.5\"}",
                 params_text("getutxosbyamount", 2, REF_ADDR, "1.5"));
    /* String lists: comma-separated or a JSON array. */
    check_params("{\"addresses\":[\"" REF_ADDR "\",\"" RECIPIENT "\"]}",
                 params_text("listunspent", 1, REF_ADDR "," RECIPIENT));
    check_params("{\"addresses\":[\"a\"],\"utxotype\":\"vote\"}",
                 params_text("listunspent", 2, "[\"a\"]", "vote"));
    /* NAME=VALUE, for table names and others. */
    check_params("{\"start\":0,\"limit\":5,\"state\":\"all\"}",
                 params_text("listproducers", 3, "start=0", "limit=5", "state=all"));
    check_params("{\"drafthash\":\"ff\"}", params_text("getcrproposalstate", 1, "drafthash=ff"));
    check_params("{\"count\":1,\"extra\":[1,2]}",
                 params_text("discretemining", 2, "1", "extra=[1,2]"));
    /* Too many positional arguments. */
    ck_assert_ptr_null(params_text("getblockcount", 1, "1"));
    ck_assert_ptr_null(params_text("getblockhash", 2, "1", "2"));
    /* Unknown methods: positional as a JSON array, or named. */
    check_params("[1,\"x\",true]", params_text("futuremethod", 3, "1", "x", "true"));
    check_params("{\"a\":1}", params_text("futuremethod", 1, "a=1"));
    ck_assert_ptr_null(params_text("futuremethod", 2, "a=1", "2"));
    /* Every method of the spec's catalogue is in the table. */
    size_t n;
    ela_cli_methods(&n);
    ck_assert_uint_ge(n, 62);
    ck_assert_ptr_nonnull(ela_cli_method_find("getcandestroynftids"));
    ck_assert_ptr_null(ela_cli_method_find("getnetworkinfo"));
}
END_TEST

static Suite *wallet_suite(void)
{
    Suite *s = suite_create("wallet");
    TCase *tc = tcase_create("keystore");
    tcase_add_test(tc, keystore_round_trip);
    tcase_add_test(tc, keystore_wrong_password);
    tcase_add_test(tc, keystore_damaged);
    tcase_add_test(tc, keystore_reference_key);
    tcase_add_test(tc, keystore_multisig_address);
    tcase_add_test(tc, keystore_import_reference_file);
    suite_add_tcase(s, tc);
    tc = tcase_create("tx");
    tcase_add_test(tc, build_change_and_fee);
    tcase_add_test(tc, reference_unsigned_layout);
    tcase_add_test(tc, sign_standard_wrong_key);
    tcase_add_test(tc, sign_multisig_two_keystores);
    tcase_add_test(tc, sign_unknown_program);
    suite_add_tcase(s, tc);
    tc = tcase_create("cli");
    tcase_add_test(tc, cli_params);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return ela_test_run(wallet_suite()); }
