/* ela-util: offline Elastos (ELA) tool — decode transactions and blocks, check an AuxPoW,
 * derive addresses, build genesis blocks. Needs no node. See doc/ela-util.1.
 *
 * Exit status: 0 success, 1 checkauxpow refused the AuxPoW, 2 bad input or usage. */
#include "config.h"

#include <ela/address.h>
#include <ela/auxpow.h>
#include <ela/block.h>
#include <ela/contract.h>
#include <ela/ecdsa.h>
#include <ela/genesis.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/json.h>
#include <ela/network.h>
#include <ela/tx.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_REFUSED 1
#define EXIT_BADINPUT 2

static const char usage[] =
    "usage: ela-util decodetx HEX\n"
    "       ela-util decodeblock HEX\n"
    "       ela-util checkauxpow BLOCKHASH AUXPOW_HEX\n"
    "       ela-util address [-m M] PUBKEY...\n"
    "       ela-util genesis mainnet|testnet|regnet\n"
    "HEX may be '-' (standard input) or @FILE. See ela-util(1).\n";

static int bad_input(const char *fmt, ...) ELA_PRINTF(1, 2);

/* Prints "ela-util: <message>" on one line and returns the bad-input exit status. */
static int bad_input(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ela-util: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return EXIT_BADINPUT;
}

/* Reads all of f into a NUL-terminated heap string. */
static char *slurp(FILE *f)
{
    size_t cap = 1 << 16, len = 0, n;
    char *s = ela_xmalloc(cap);
    while ((n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            s = ela_xrealloc(s, cap *= 2);
    }
    s[len] = '\0';
    return s;
}

/* Resolves a HEX argument ("-", "@FILE" or literal hex) to bytes. Returns false after printing
 * a one-line reason. */
static bool read_hex_arg(ela_bytes *out, const char *arg, const char *what)
{
    char *text;
    if (strcmp(arg, "-") == 0) {
        text = slurp(stdin);
    } else if (arg[0] == '@') {
        FILE *f = fopen(arg + 1, "rb");
        if (!f) {
            fprintf(stderr, "ela-util: cannot open %s: %s\n", arg + 1, strerror(errno));
            return false;
        }
        text = slurp(f);
        fclose(f);
    } else {
        text = ela_xmemdup(arg, strlen(arg) + 1);
    }
    /* Trim surrounding white space (a trailing newline from a file or pipe is normal). */
    char *start = text, *end = text + strlen(text);
    while (*start && isspace((unsigned char)*start))
        start++;
    while (end > start && isspace((unsigned char)end[-1]))
        *--end = '\0';
    const char *why = NULL;
    bool ok = *start != '\0' && ela_hex_decode_bytes(out, start, &why);
    if (!ok)
        fprintf(stderr, "ela-util: %s: %s\n", what, *start ? why : "empty input");
    free(text);
    return ok;
}

static void print_json(json_t *j)
{
    char *s = ela_json_dumps(j);
    puts(s);
    free(s);
    json_decref(j);
}

static int cmd_decodetx(int argc, char **argv)
{
    if (argc != 1)
        return bad_input("%s", "decodetx takes one argument: HEX");
    ela_bytes raw;
    if (!read_hex_arg(&raw, argv[0], "transaction"))
        return EXIT_BADINPUT;
    ela_tx tx;
    const char *why = NULL;
    bool ok = ela_tx_parse(&tx, raw.data, raw.len, &why);
    ela_bytes_clear(&raw);
    if (!ok)
        return bad_input("invalid transaction: %s", why);
    print_json(ela_tx_to_json(&tx, NULL));
    ela_tx_clear(&tx);
    return 0;
}

static int cmd_decodeblock(int argc, char **argv)
{
    if (argc != 1)
        return bad_input("%s", "decodeblock takes one argument: HEX");
    ela_bytes raw;
    if (!read_hex_arg(&raw, argv[0], "block"))
        return EXIT_BADINPUT;
    ela_block b;
    const char *why = NULL;
    bool ok = ela_block_parse(&b, raw.data, raw.len, &why);
    ela_bytes_clear(&raw);
    if (!ok)
        return bad_input("invalid block: %s", why);
    /* No chain: render the block as the reference renders its tip. */
    ela_json_block_ctx ctx = {.tip_height = b.header.height, .next_hash = NULL,
                              .pow_limit_bits = ELA_JSON_POW_LIMIT_BITS};
    print_json(ela_block_to_json(&b, 2, &ctx));
    ela_block_clear(&b);
    return 0;
}

static int cmd_checkauxpow(int argc, char **argv)
{
    if (argc != 2)
        return bad_input("%s", "checkauxpow takes two arguments: BLOCKHASH AUXPOW_HEX");
    ela_uint256 hash;
    if (!ela_uint256_from_display(&hash, argv[0]))
        return bad_input("block hash must be 64 hex digits (display order), got \"%s\"", argv[0]);
    ela_bytes raw;
    if (!read_hex_arg(&raw, argv[1], "auxpow"))
        return EXIT_BADINPUT;
    ela_auxpow aux;
    const char *why = NULL;
    bool ok = ela_auxpow_parse(&aux, raw.data, raw.len, &why);
    ela_bytes_clear(&raw);
    if (!ok)
        return bad_input("invalid auxpow: %s", why);
    ok = ela_auxpow_check(&aux, &hash, ELA_AUXPOW_CHAIN_ID, &why);
    ela_uint256 parent;
    char parent_hex[ELA_UINT256_HEX_LEN + 1];
    ela_btc_header_hash(&parent, &aux.parent_header);
    ela_uint256_to_display(parent_hex, &parent);
    ela_auxpow_clear(&aux);
    if (!ok) {
        printf("%s\n", why);
        return EXIT_REFUSED;
    }
    printf("ok\nparent header hash: %s\n", parent_hex);
    return 0;
}

static int cmd_address(int argc, char **argv)
{
    unsigned m = 0;
    if (argc >= 2 && strcmp(argv[0], "-m") == 0) {
        char *end;
        unsigned long v = strtoul(argv[1], &end, 10);
        if (*argv[1] == '\0' || *end != '\0' || v == 0 || v > ELA_MULTISIG_MAX_KEYS)
            return bad_input("-m needs a number from 1 to 24, got \"%s\"", argv[1]);
        m = (unsigned)v;
        argc -= 2;
        argv += 2;
    }
    if (argc < 1)
        return bad_input("%s", "address needs at least one public key");
    if (m == 0 && argc != 1)
        return bad_input("%s", "several keys need -m M (multisig)");
    if (m > (unsigned)argc)
        return bad_input("%s", "-m M is larger than the number of keys");
    if ((size_t)argc > ELA_MULTISIG_MAX_KEYS)
        return bad_input("%s", "at most 24 keys");

    uint8_t keys[ELA_MULTISIG_MAX_KEYS][33];
    for (int i = 0; i < argc; i++) {
        uint8_t raw[ELA_PUBKEY_UNCOMPRESSED_SIZE];
        size_t n = strlen(argv[i]) / 2;
        ela_pubkey pk = {0};
        if ((n != ELA_PUBKEY_COMPRESSED_SIZE && n != ELA_PUBKEY_UNCOMPRESSED_SIZE) ||
            strlen(argv[i]) % 2 || !ela_hex_decode(raw, argv[i], 2 * n))
            return bad_input("public key must be 33 or 65 bytes of hex: \"%s\"", argv[i]);
        if (!ela_pubkey_parse(&pk, raw, n))
            return bad_input("not a valid P-256 public key: \"%s\"", argv[i]);
        memcpy(keys[i], pk.compressed, 33);
        ela_pubkey_clear(&pk);
    }

    ela_uint168 ph;
    if (m == 0) {
        uint8_t code[ELA_STANDARD_CODE_SIZE];
        ela_contract_standard_code(code, keys[0]);
        ela_contract_program_hash(&ph, ELA_PREFIX_STANDARD, code, sizeof code);
    } else {
        ela_bytes code = {0};
        if (!ela_contract_multisig_code(&code, m, (const uint8_t(*)[33])keys, (size_t)argc, false))
            return bad_input("%s", "cannot build the multisig script for these keys");
        ela_contract_program_hash(&ph, ELA_PREFIX_MULTISIG, code.data, code.len);
        ela_bytes_clear(&code);
    }
    char addr[ELA_ADDRESS_MAX];
    if (!ela_address_from_program_hash(addr, &ph))
        return bad_input("%s", "cannot encode the address");
    puts(addr);
    return 0;
}

static int cmd_genesis(int argc, char **argv)
{
    ela_network net;
    if (argc != 1 || !ela_network_from_name(&net, argv[0]))
        return bad_input("%s", "genesis takes one of: mainnet, testnet, regnet");
    ela_block b;
    ela_genesis_block(&b, net);
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, &b);
    char hash[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(hash, &b.header.hash);
    char *hex = ela_hex_encode_new(w.data, w.len);
    printf("%s\n%s\n", hash, hex);
    free(hex);
    ela_writer_clear(&w);
    ela_block_clear(&b);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } cmds[] = {
        {"decodetx", cmd_decodetx},       {"decodeblock", cmd_decodeblock},
        {"checkauxpow", cmd_checkauxpow}, {"address", cmd_address},
        {"genesis", cmd_genesis},
    };
    if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        fputs(usage, stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        puts("ela-util (elad) " PACKAGE_VERSION);
        return 0;
    }
    if (argc >= 2) {
        for (size_t i = 0; i < ELA_ARRAY_LEN(cmds); i++)
            if (strcmp(argv[1], cmds[i].name) == 0)
                return cmds[i].run(argc - 2, argv + 2);
        fprintf(stderr, "ela-util: unknown command \"%s\"\n", argv[1]);
    }
    fputs(usage, stderr);
    return EXIT_BADINPUT;
}
