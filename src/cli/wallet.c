/* ela-cli wallet: the sub-commands of the reference's `ela-cli wallet` on our keystore.
 * Output formats are fixed and documented in doc/ela-cli.1 so that scripts can parse them. */
#include "cli/cli.h"

#include "wallet/keystore.h"
#include "wallet/txbuild.h"

#include <ela/address.h>
#include <ela/amount.h>
#include <ela/hex.h>
#include <ela/json.h>
#include <ela/serialize.h>
#include <ela/tx.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

typedef struct wopts {
    const char *wallet;
    const char *password; /* -p/--password (discouraged) */
    const char *password_file;
    const char *from, *to, *amount, *fee, *outputlock, *txlock, *tomany;
    const char *file, *hex, *out;
    const char *m, *pks;
    const char *ref_password_file;
    char *args[4];
    int nargs;
} wopts;

static int err1(const char *fmt, ...) ELA_PRINTF(1, 2);
static int err1(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "error: ");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

static void wallet_usage(FILE *f)
{
    fprintf(f,
            "Usage: ela-cli [rpc options] wallet SUBCOMMAND [flags]\n"
            "  create | c                      new keystore with one new key\n"
            "  import PRIVKEY_HEX              add a private key (creates the keystore if absent)\n"
            "  import-keystore FILE            add the keys of a reference (Go) keystore.dat\n"
            "                                  [--ref-password-file F | ELA_REF_WALLET_PASSWORD]\n"
            "  account | a                     list accounts: ADDRESS TYPE M/N PUBKEYS\n"
            "  addmultisig -m M --pks K1,K2,.. add an m-of-n multisig account\n"
            "  export                          ADDRESS PRIVKEY per standard account\n"
            "  balance | b                     ADDRESS AVAILABLE LOCKED TOTAL (through the node)\n"
            "  buildtx --to ADDR --amount ELA --fee ELA [--from ADDR] [--outputlock N]\n"
            "          [--txlock N] [--tomany CSV] [-o FILE]     (default to_be_signed.txn)\n"
            "  signtx -f FILE | --hex HEX [-o FILE]  (ready_to_send.txn when complete)\n"
            "  sendtx -f FILE | --hex HEX      sendrawtransaction; prints the txid\n"
            "  showtx -f FILE | --hex HEX      decode locally, print JSON\n"
            "Flags: -w/--wallet FILE (default keystore.dat); password from --password-file F,\n"
            "  the ELA_WALLET_PASSWORD environment variable, or a prompt on the terminal\n"
            "  (-p/--password P works but is visible to other users: a warning is printed).\n");
}

/* ---- flags ------------------------------------------------------------------------------- */

typedef struct wflag {
    const char *names[3];
    size_t off;
} wflag;

#define OFF(f) offsetof(wopts, f)
static const wflag WFLAGS[] = {
    {{"w", "wallet", NULL}, OFF(wallet)},
    {{"p", "password", NULL}, OFF(password)},
    {{"password-file", "passwordfile", NULL}, OFF(password_file)},
    {{"from", NULL, NULL}, OFF(from)},
    {{"to", NULL, NULL}, OFF(to)},
    {{"amount", NULL, NULL}, OFF(amount)},
    {{"fee", NULL, NULL}, OFF(fee)},
    {{"outputlock", NULL, NULL}, OFF(outputlock)},
    {{"txlock", NULL, NULL}, OFF(txlock)},
    {{"tomany", NULL, NULL}, OFF(tomany)},
    {{"f", "file", NULL}, OFF(file)},
    {{"hex", NULL, NULL}, OFF(hex)},
    {{"o", "out", "output"}, OFF(out)},
    {{"m", NULL, NULL}, OFF(m)},
    {{"pks", "pubkeys", NULL}, OFF(pks)},
    {{"ref-password-file", NULL, NULL}, OFF(ref_password_file)},
};

static bool parse_flags(wopts *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->wallet = "keystore.dat";
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] != '-' || a[1] == '\0') {
            if (o->nargs >= 4) {
                err1("too many arguments (at '%s')", a);
                return false;
            }
            o->args[o->nargs++] = argv[i];
            continue;
        }
        const char *n = a + (a[1] == '-' ? 2 : 1);
        const char *eq = strchr(n, '=');
        size_t nl = eq ? (size_t)(eq - n) : strlen(n);
        const wflag *fl = NULL;
        for (size_t k = 0; k < sizeof WFLAGS / sizeof WFLAGS[0] && !fl; k++)
            for (int j = 0; j < 3 && WFLAGS[k].names[j]; j++)
                if (strlen(WFLAGS[k].names[j]) == nl && strncmp(WFLAGS[k].names[j], n, nl) == 0)
                    fl = &WFLAGS[k];
        if (!fl) {
            err1("unknown flag %s (ela-cli wallet -help)", a);
            return false;
        }
        const char *v = eq ? eq + 1 : NULL;
        if (!v) {
            if (i + 1 >= argc) {
                err1("flag %s needs a value", a);
                return false;
            }
            v = argv[++i];
        }
        *(const char **)((char *)o + fl->off) = v;
    }
    return true;
}

/* ---- passwords ---------------------------------------------------------------------------- */

static char *read_line_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[1024] = {0};
    char *r = fgets(buf, sizeof buf, f) ? buf : NULL;
    fclose(f);
    if (!r)
        buf[0] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    char *s = strdup(buf);
    ela_memzero(buf, sizeof buf);
    if (!s)
        abort();
    return s;
}

static char *prompt_tty(const char *prompt)
{
    int fd = open("/dev/tty", O_RDWR);
    if (fd < 0)
        return NULL;
    struct termios old, quiet;
    bool have = tcgetattr(fd, &old) == 0;
    if (have) {
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        quiet.c_lflag |= ECHONL;
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        /* nothing to do: the read below still works */
    }
    char buf[1024];
    size_t len = 0;
    char c;
    while (len + 1 < sizeof buf) {
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || c == '\n' || c == '\r')
            break;
        buf[len++] = c;
    }
    buf[len] = '\0';
    if (have)
        tcsetattr(fd, TCSAFLUSH, &old);
    close(fd);
    char *s = strdup(buf);
    ela_memzero(buf, sizeof buf);
    if (!s)
        abort();
    return s;
}

static void free_secret(char *s)
{
    if (s) {
        ela_memzero(s, strlen(s));
        free(s);
    }
}

/* The keystore password: --password-file, -p (with a warning), ELA_WALLET_PASSWORD, else the
 * terminal (twice when confirm). NULL (message printed) when none can be had. */
static char *get_password(const wopts *o, bool confirm)
{
    if (o->password_file) {
        char *s = read_line_file(o->password_file);
        if (!s)
            fprintf(stderr, "error: cannot read the password file %s\n", o->password_file);
        return s;
    }
    if (o->password) {
        fprintf(stderr, "warning: a password given with -p/--password is visible to other users "
                        "of this machine; use --password-file or ELA_WALLET_PASSWORD\n");
        char *s = strdup(o->password);
        if (!s)
            abort();
        return s;
    }
    const char *env = getenv("ELA_WALLET_PASSWORD");
    if (env) {
        char *s = strdup(env);
        if (!s)
            abort();
        return s;
    }
    char *p = prompt_tty(confirm ? "New keystore password: " : "Keystore password: ");
    if (!p) {
        fprintf(stderr, "error: no password: use --password-file FILE, ELA_WALLET_PASSWORD, or a "
                        "terminal\n");
        return NULL;
    }
    if (confirm) {
        char *q = prompt_tty("Repeat the password: ");
        bool same = q && strcmp(p, q) == 0;
        free_secret(q);
        if (!same) {
            free_secret(p);
            fprintf(stderr, "error: the passwords do not match\n");
            return NULL;
        }
    }
    return p;
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static ela_keystore *open_ks(const wopts *o, bool with_password)
{
    const char *why = NULL;
    char *pw = NULL;
    if (!file_exists(o->wallet)) {
        fprintf(stderr, "error: %s not found (create one with 'ela-cli wallet create')\n",
                o->wallet);
        return NULL;
    }
    if (with_password && !(pw = get_password(o, false)))
        return NULL;
    ela_keystore *ks = ela_keystore_open(o->wallet, pw, &why);
    free_secret(pw);
    if (!ks)
        fprintf(stderr, "error: %s: %s\n", o->wallet, why);
    return ks;
}

/* ---- output ------------------------------------------------------------------------------- */

static void print_account(const ela_wallet_account *a)
{
    printf("%s %s %u/%zu ", a->address, a->type == ELA_WALLET_STANDARD ? "standard" : "multisig",
           a->m, a->n);
    for (size_t i = 0; i < a->n; i++) {
        char hex[67];
        ela_hex_encode(hex, a->pubkeys[i], 33);
        printf("%s%s", i ? "," : "", hex);
    }
    printf("\n");
}

static bool write_text(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0)
        return false;
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            close(fd);
            return false;
        }
        off += (size_t)w;
    }
    return write(fd, "\n", 1) == 1 && close(fd) == 0;
}

/* Reads the tx hex from -f FILE or --hex. Caller frees. */
static char *tx_hex_arg(const wopts *o)
{
    char *s = NULL;
    if (o->file) {
        FILE *f = fopen(o->file, "r");
        if (!f) {
            err1("cannot open %s", o->file);
            return NULL;
        }
        size_t cap = 1 << 16, len = 0;
        s = ela_xmalloc(cap);
        size_t r;
        while ((r = fread(s + len, 1, cap - len - 1, f)) > 0) {
            len += r;
            if (len + 1 == cap)
                s = ela_xrealloc(s, cap *= 2);
        }
        fclose(f);
        s[len] = '\0';
    } else if (o->hex) {
        s = strdup(o->hex);
        if (!s)
            abort();
    } else {
        err1("%s", "use -f FILE or --hex HEX to give the transaction");
        return NULL;
    }
    /* Trim white space. */
    size_t b = 0, e = strlen(s);
    while (b < e && isspace((unsigned char)s[b]))
        b++;
    while (e > b && isspace((unsigned char)s[e - 1]))
        e--;
    memmove(s, s + b, e - b);
    s[e - b] = '\0';
    return s;
}

static bool parse_tx(ela_tx *tx, const char *hex)
{
    ela_bytes raw = {0};
    const char *why = NULL;
    ela_tx_init(tx);
    if (!ela_hex_decode_bytes(&raw, hex, &why)) {
        err1("transaction hex: %s", why);
        return false;
    }
    bool ok = ela_tx_parse(tx, raw.data, raw.len, &why);
    ela_bytes_clear(&raw);
    if (!ok)
        err1("invalid transaction: %s", why);
    return ok;
}

static char *tx_hex(const ela_tx *tx)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, tx);
    char *h = ela_hex_encode_new(w.data, w.len);
    ela_writer_clear(&w);
    return h;
}

/* ---- sub-commands ------------------------------------------------------------------------- */

static int cmd_create(const wopts *o)
{
    if (file_exists(o->wallet))
        return err1("%s already exists", o->wallet);
    char *pw = get_password(o, true);
    if (!pw)
        return 1;
    const char *why = NULL;
    ela_keystore *ks = ela_keystore_create(o->wallet, pw, NULL, &why);
    free_secret(pw);
    const ela_wallet_account *a = NULL;
    if (!ks || !ela_keystore_new_key(ks, &a, &why) || !ela_keystore_save(ks, &why)) {
        ela_keystore_free(ks);
        return err1("%s", why);
    }
    print_account(a);
    ela_keystore_free(ks);
    return 0;
}

static bool parse_priv(uint8_t priv[32], const char *hex)
{
    size_t l = strlen(hex);
    return l == 64 && ela_hex_decode(priv, hex, 64) && ela_privkey_is_valid(priv);
}

static int cmd_import(const wopts *o)
{
    if (o->nargs < 1)
        return err1("%s", "missing argument: the private key in hex");
    uint8_t priv[32];
    if (!parse_priv(priv, o->args[0]))
        return err1("%s", "invalid private key (64 hex digits expected)");
    const char *why = NULL;
    ela_keystore *ks;
    if (file_exists(o->wallet)) {
        ks = open_ks(o, true);
    } else {
        char *pw = get_password(o, true);
        ks = pw ? ela_keystore_create(o->wallet, pw, NULL, &why) : NULL;
        free_secret(pw);
        if (!ks && why)
            err1("%s", why);
    }
    if (!ks) {
        ela_memzero(priv, sizeof priv);
        return 1;
    }
    const ela_wallet_account *a = NULL;
    bool ok = ela_keystore_add_key(ks, &a, priv, &why) && ela_keystore_save(ks, &why);
    ela_memzero(priv, sizeof priv);
    if (ok)
        print_account(a);
    else
        err1("%s", why);
    ela_keystore_free(ks);
    return ok ? 0 : 1;
}

static int cmd_import_keystore(const wopts *o)
{
    if (o->nargs < 1)
        return err1("%s", "missing argument: the reference keystore file");
    char *rp = NULL;
    if (o->ref_password_file)
        rp = read_line_file(o->ref_password_file);
    else if (getenv("ELA_REF_WALLET_PASSWORD"))
        rp = strdup(getenv("ELA_REF_WALLET_PASSWORD"));
    else
        rp = prompt_tty("Reference keystore password: ");
    if (!rp)
        return err1("%s", "no password for the reference keystore");
    const char *why = NULL;
    ela_keystore *ks;
    if (file_exists(o->wallet)) {
        ks = open_ks(o, true);
    } else {
        char *pw = get_password(o, true);
        ks = pw ? ela_keystore_create(o->wallet, pw, NULL, &why) : NULL;
        free_secret(pw);
    }
    size_t added = 0;
    bool ok = ks && ela_keystore_import_reference(ks, &added, o->args[0], rp, &why) &&
              ela_keystore_save(ks, &why);
    free_secret(rp);
    if (!ok) {
        if (why)
            err1("%s", why);
        ela_keystore_free(ks);
        return 1;
    }
    for (size_t i = 0; i < ela_keystore_count(ks); i++)
        print_account(ela_keystore_account(ks, i));
    fprintf(stderr, "%zu account(s) imported\n", added);
    ela_keystore_free(ks);
    return 0;
}

static int cmd_account(const wopts *o)
{
    ela_keystore *ks = open_ks(o, false);
    if (!ks)
        return 1;
    for (size_t i = 0; i < ela_keystore_count(ks); i++)
        print_account(ela_keystore_account(ks, i));
    ela_keystore_free(ks);
    return 0;
}

static int cmd_addmultisig(const wopts *o)
{
    if (!o->m || !o->pks)
        return err1("%s", "missing arguments: -m M and --pks KEY1,KEY2,... expected");
    char *end;
    long m = strtol(o->m, &end, 10);
    if (*end || m < 1 || m > 16)
        return err1("invalid -m '%s'", o->m);
    uint8_t keys[16][33];
    size_t n = 0;
    const char *p = o->pks;
    while (*p) {
        while (*p == ',' || isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;
        size_t l = strcspn(p, ", \t");
        if (n >= 16 || l != 66 || !ela_hex_decode(keys[n], p, 66))
            return err1("invalid public key list '%s' (up to 16 keys of 66 hex digits)", o->pks);
        n++;
        p += l;
    }
    ela_keystore *ks = open_ks(o, true);
    if (!ks)
        return 1;
    const char *why = NULL;
    const ela_wallet_account *a = NULL;
    bool ok = ela_keystore_add_multisig(ks, &a, (unsigned)m, (const uint8_t(*)[33])keys, n,
                                        &why) &&
              ela_keystore_save(ks, &why);
    if (ok)
        print_account(a);
    else
        err1("%s", why);
    ela_keystore_free(ks);
    return ok ? 0 : 1;
}

static int cmd_export(const wopts *o)
{
    ela_keystore *ks = open_ks(o, true);
    if (!ks)
        return 1;
    for (size_t i = 0; i < ela_keystore_count(ks); i++) {
        const ela_wallet_account *a = ela_keystore_account(ks, i);
        if (a->type != ELA_WALLET_STANDARD || !a->has_priv)
            continue;
        char hex[65];
        ela_hex_encode(hex, a->priv, 32);
        printf("%s %s\n", a->address, hex);
        ela_memzero(hex, sizeof hex);
    }
    ela_keystore_free(ks);
    return 0;
}

static int cmd_balance(const wopts *o)
{
    ela_keystore *ks = open_ks(o, false);
    if (!ks)
        return 1;
    ela_cli_conn conn;
    if (!ela_cli_connect_settings(&conn)) {
        ela_keystore_free(ks);
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; i < ela_keystore_count(ks) && rc == 0; i++) {
        const ela_wallet_account *a = ela_keystore_account(ks, i);
        json_t *params = json_object(), *addrs = json_array();
        json_array_append_new(addrs, json_string(a->address));
        json_object_set_new(params, "addresses", addrs);
        int status;
        long long code;
        char msg[1024];
        json_t *res = ela_cli_call(&conn, "listunspent", params, &status, &code, msg, sizeof msg);
        json_decref(params);
        if (!res) {
            rc = ela_cli_report(status, code, msg);
            break;
        }
        int64_t avail = 0, locked = 0;
        size_t k;
        json_t *u;
        json_array_foreach(res, k, u) {
            int64_t v;
            const char *amt = json_string_value(json_object_get(u, "amount"));
            if (!amt || !ela_amount_from_string(&v, amt)) {
                rc = err1("%s", "listunspent returned an invalid amount");
                break;
            }
            /* The reference's rule: a coinbase output with fewer than 101 confirmations is
             * locked (cmd/wallet/common.go). */
            if (json_integer_value(json_object_get(u, "txtype")) == 0 &&
                json_integer_value(json_object_get(u, "confirmations")) < 101)
                locked += v;
            else
                avail += v;
        }
        json_decref(res);
        if (rc)
            break;
        char sa[ELA_AMOUNT_STR_LEN], sl[ELA_AMOUNT_STR_LEN], st[ELA_AMOUNT_STR_LEN];
        ela_amount_to_string(sa, avail);
        ela_amount_to_string(sl, locked);
        ela_amount_to_string(st, avail + locked);
        printf("%s %s %s %s\n", a->address, sa, sl, st);
    }
    ela_cli_conn_clear(&conn);
    ela_keystore_free(ks);
    return rc;
}

static bool parse_u32(uint32_t *out, const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || errno || v > UINT32_MAX || s[0] == '-')
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool parse_amount_pos(int64_t *out, const char *s, bool allow_zero)
{
    return ela_amount_from_string(out, s) && (*out > 0 || (allow_zero && *out == 0));
}

/* --tomany: a CSV file of "address,amount" lines. */
static bool read_tomany(ela_wallet_recipient **out, size_t *n, const char *path)
{
    FILE *f = fopen(path, "r");
    *out = NULL;
    *n = 0;
    if (!f) {
        err1("cannot open %s", path);
        return false;
    }
    char line[512];
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *c = strchr(line, ',');
        char *a = line;
        while (isspace((unsigned char)*a))
            a++;
        if (!*a)
            continue;
        if (!c) {
            ok = err1("invalid --tomany line '%s' (ADDRESS,AMOUNT expected)", line) == 0;
            break;
        }
        *c = '\0';
        char *amt = c + 1;
        while (isspace((unsigned char)*amt))
            amt++;
        for (char *e = c - 1; e >= a && isspace((unsigned char)*e); e--)
            *e = '\0';
        for (char *e = amt + strlen(amt); e > amt && isspace((unsigned char)e[-1]);)
            *--e = '\0';
        *out = ela_xrealloc(*out, (*n + 1) * sizeof **out);
        ela_wallet_recipient *r = &(*out)[*n];
        if (!ela_address_to_program_hash(&r->program_hash, a)) {
            ok = err1("invalid address '%s' in --tomany", a) == 0;
            break;
        }
        if (!parse_amount_pos(&r->amount, amt, false)) {
            ok = err1("invalid amount '%s' in --tomany", amt) == 0;
            break;
        }
        (*n)++;
    }
    fclose(f);
    if (ok && *n == 0)
        ok = err1("%s", "--tomany file has no outputs") == 0;
    return ok;
}

static int cmd_buildtx(const wopts *o)
{
    int64_t fee;
    if (!o->fee)
        return err1("%s", "use --fee to specify the transfer fee");
    if (!parse_amount_pos(&fee, o->fee, true))
        return err1("invalid fee '%s'", o->fee);
    ela_wallet_recipient one, *to = NULL;
    size_t nto = 0;
    if (o->tomany) {
        if (o->to || o->amount)
            return err1("%s", "--to and --amount cannot be used with --tomany");
        if (!read_tomany(&to, &nto, o->tomany)) {
            free(to);
            return 1;
        }
    } else {
        if (!o->to)
            return err1("%s", "use --to to specify the recipient");
        if (!o->amount)
            return err1("%s", "use --amount to specify the amount");
        if (!ela_address_to_program_hash(&one.program_hash, o->to))
            return err1("invalid recipient address '%s'", o->to);
        if (!parse_amount_pos(&one.amount, o->amount, false))
            return err1("invalid amount '%s'", o->amount);
        to = &one;
        nto = 1;
    }
    ela_wallet_transfer spec;
    memset(&spec, 0, sizeof spec);
    spec.to = to;
    spec.to_count = nto;
    spec.fee = fee;
    int rc = 1;
    ela_keystore *ks = NULL;
    ela_cli_conn conn = {0};
    json_t *res = NULL;
    ela_wallet_utxo *utxos = NULL;
    ela_tx tx;
    ela_tx_init(&tx);
    if ((o->outputlock && !parse_u32(&spec.output_lock, o->outputlock)) ||
        (o->txlock && !parse_u32(&spec.tx_lock, o->txlock))) {
        err1("%s", "invalid --outputlock or --txlock (a block height expected)");
        goto out;
    }
    if (!(ks = open_ks(o, false)))
        goto out;
    const ela_wallet_account *from = NULL;
    if (o->from) {
        ela_uint168 ph;
        if (!ela_address_to_program_hash(&ph, o->from)) {
            err1("invalid --from address '%s'", o->from);
            goto out;
        }
        from = ela_keystore_find(ks, &ph);
        if (!from) {
            err1("%s is not an account of this keystore", o->from);
            goto out;
        }
    } else {
        from = ela_keystore_account(ks, 0);
        if (!from) {
            err1("%s", "the keystore has no account");
            goto out;
        }
    }
    spec.from = from->program_hash;
    spec.from_code = from->code.data;
    spec.from_code_len = from->code.len;
    uint8_t rnd[8];
    if (RAND_bytes(rnd, sizeof rnd) != 1) {
        err1("%s", "random number generator failed");
        goto out;
    }
    for (int i = 0; i < 8; i++)
        spec.nonce = spec.nonce << 8 | rnd[i];
    spec.nonce &= INT64_MAX; /* the reference's rand.Int63() */

    int64_t total = fee;
    for (size_t i = 0; i < nto; i++) {
        if (to[i].amount > INT64_MAX - total) {
            err1("%s", "amounts overflow");
            goto out;
        }
        total += to[i].amount;
    }
    if (!ela_cli_connect_settings(&conn))
        goto out;
    char amt[ELA_AMOUNT_STR_LEN];
    ela_amount_to_string(amt, total);
    json_t *params = json_object();
    json_object_set_new(params, "address", json_string(from->address));
    json_object_set_new(params, "amount", json_string(amt));
    int status;
    long long code;
    char msg[1024];
    res = ela_cli_call(&conn, "getutxosbyamount", params, &status, &code, msg, sizeof msg);
    json_decref(params);
    if (!res) {
        rc = ela_cli_report(status, code, msg);
        goto out;
    }
    size_t n = json_is_array(res) ? json_array_size(res) : 0;
    utxos = ela_xcalloc(n ? n : 1, sizeof *utxos);
    for (size_t i = 0; i < n; i++) {
        json_t *u = json_array_get(res, i);
        const char *txid = json_string_value(json_object_get(u, "txid"));
        const char *a = json_string_value(json_object_get(u, "amount"));
        json_t *vout = json_object_get(u, "vout");
        if (!txid || !ela_uint256_from_display(&utxos[i].txid, txid) || !a ||
            !ela_amount_from_string(&utxos[i].value, a) || !json_is_integer(vout) ||
            json_integer_value(vout) < 0 || json_integer_value(vout) > 65535) {
            err1("%s", "getutxosbyamount returned a malformed UTXO");
            goto out;
        }
        utxos[i].index = (uint16_t)json_integer_value(vout);
        utxos[i].output_lock = (uint32_t)json_integer_value(json_object_get(u, "outputlock"));
    }
    const char *why = NULL;
    if (!ela_wallet_build_transfer(&tx, &spec, utxos, n, &why)) {
        err1("create transaction failed: %s", why);
        goto out;
    }
    char *hex = tx_hex(&tx);
    const char *path = o->out ? o->out : "to_be_signed.txn";
    bool ok = write_text(path, hex);
    free(hex);
    if (!ok) {
        err1("cannot write %s", path);
        goto out;
    }
    printf("%s\n", path);
    rc = 0;
out:
    ela_tx_clear(&tx);
    free(utxos);
    json_decref(res);
    ela_cli_conn_clear(&conn);
    ela_keystore_free(ks);
    if (to != &one)
        free(to);
    return rc;
}

static int cmd_signtx(const wopts *o)
{
    char *hex = tx_hex_arg(o);
    if (!hex)
        return 1;
    ela_tx tx;
    bool parsed = parse_tx(&tx, hex);
    free(hex);
    if (!parsed) {
        ela_tx_clear(&tx);
        return 1;
    }
    int rc = 1;
    const char *why = NULL;
    ela_wallet_sign_status st;
    if (!ela_wallet_sign_state(&st, &tx, &why)) {
        err1("%s", why);
        goto out;
    }
    if (st.have >= st.need) {
        err1("%s", "transaction was fully signed, no need more sign");
        goto out;
    }
    ela_keystore *ks = open_ks(o, true);
    if (!ks)
        goto out;
    bool ok = ela_wallet_sign(&st, &tx, ks, &why);
    ela_keystore_free(ks);
    if (!ok) {
        err1("%s", why);
        goto out;
    }
    char name[64];
    if (st.have >= st.need)
        snprintf(name, sizeof name, "ready_to_send.txn");
    else
        snprintf(name, sizeof name, "to_be_signed_%u_of_%u.txn", st.have, st.need);
    const char *path = o->out ? o->out : name;
    char *out = tx_hex(&tx);
    ok = write_text(path, out);
    free(out);
    if (!ok) {
        err1("cannot write %s", path);
        goto out;
    }
    printf("signatures: %u/%u\n%s\n", st.have, st.need, path);
    rc = 0;
out:
    ela_tx_clear(&tx);
    return rc;
}

static int cmd_sendtx(const wopts *o)
{
    char *hex = tx_hex_arg(o);
    if (!hex)
        return 1;
    ela_cli_conn conn;
    if (!ela_cli_connect_settings(&conn)) {
        free(hex);
        return 1;
    }
    json_t *params = json_object();
    json_object_set_new(params, "data", json_string(hex));
    free(hex);
    int status;
    long long code;
    char msg[1024];
    json_t *res = ela_cli_call(&conn, "sendrawtransaction", params, &status, &code, msg,
                               sizeof msg);
    json_decref(params);
    ela_cli_conn_clear(&conn);
    if (!res)
        return ela_cli_report(status, code, msg);
    printf("%s\n", json_is_string(res) ? json_string_value(res) : "");
    json_decref(res);
    return 0;
}

static int cmd_showtx(const wopts *o)
{
    char *hex = tx_hex_arg(o);
    if (!hex)
        return 1;
    ela_tx tx;
    bool ok = parse_tx(&tx, hex);
    free(hex);
    if (ok) {
        json_t *j = ela_tx_to_json(&tx, NULL);
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        puts(s ? s : "");
        free(s);
        json_decref(j);
    }
    ela_tx_clear(&tx);
    return ok ? 0 : 1;
}

int ela_cli_wallet_main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "-help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        wallet_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    const char *sub = argv[1];
    wopts o;
    if (!parse_flags(&o, argc - 2, argv + 2))
        return 1;
    if (!strcmp(sub, "create") || !strcmp(sub, "c"))
        return cmd_create(&o);
    if (!strcmp(sub, "import"))
        return cmd_import(&o);
    if (!strcmp(sub, "import-keystore"))
        return cmd_import_keystore(&o);
    if (!strcmp(sub, "account") || !strcmp(sub, "a"))
        return cmd_account(&o);
    if (!strcmp(sub, "addmultisig"))
        return cmd_addmultisig(&o);
    if (!strcmp(sub, "export"))
        return cmd_export(&o);
    if (!strcmp(sub, "balance") || !strcmp(sub, "b"))
        return cmd_balance(&o);
    if (!strcmp(sub, "buildtx"))
        return cmd_buildtx(&o);
    if (!strcmp(sub, "signtx"))
        return cmd_signtx(&o);
    if (!strcmp(sub, "sendtx"))
        return cmd_sendtx(&o);
    if (!strcmp(sub, "showtx"))
        return cmd_showtx(&o);
    return err1("unknown wallet sub-command '%s' (ela-cli wallet -help)", sub);
}
