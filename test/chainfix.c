/* elad tests: the chain fixture of the chain-level suites (see chainfix.h). */
#include "chainfix.h"

#include "testutil.h"

#include <ela/log.h>
#include <ela/serialize.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char g_root[PATH_MAX / 2];
static char g_template[PATH_MAX / 2];
static ela_params g_params;
static chaingen *g_gen;
static chaingen_branch *g_branch;
static uint32_t g_height;
static uint32_t g_tip_time;

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "chainfix: %s%s%s\n", what, detail[0] ? ": " : "", detail);
    exit(EXIT_FAILURE);
}

/* out = a "/" b; a path that does not fit is a broken test environment. */
static void path_join(char *out, size_t n, const char *a, const char *b)
{
    int len = snprintf(out, n, "%s/%s", a, b);
    if (len < 0 || (size_t)len >= n)
        die("path too long", a);
}

/* ---- files -------------------------------------------------------------------------------- */

static bool copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    if (in < 0)
        return false;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        close(in);
        return false;
    }
    char buf[65536];
    bool ok = true;
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n == 0)
            break;
        if (n < 0 || write(out, buf, (size_t)n) != n) {
            ok = false;
            break;
        }
    }
    close(in);
    return close(out) == 0 && ok;
}

/* Recursive copy of a directory of regular files and directories (a LevelDB store and
 * whatever the engine keeps beside it). */
static bool copy_tree(const char *from, const char *to)
{
    if (mkdir(to, 0700) != 0 && errno != EEXIST)
        return false;
    DIR *d = opendir(from);
    if (!d)
        return false;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char a[PATH_MAX], b[PATH_MAX];
        path_join(a, sizeof a, from, e->d_name);
        path_join(b, sizeof b, to, e->d_name);
        struct stat sb;
        if (lstat(a, &sb) != 0)
            ok = false;
        else if (S_ISDIR(sb.st_mode))
            ok = copy_tree(a, b);
        else if (S_ISREG(sb.st_mode))
            ok = copy_file(a, b);
        /* LevelDB's LOCK file is a regular file; nothing else is expected. */
    }
    closedir(d);
    return ok;
}

static void remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[PATH_MAX];
            path_join(p, sizeof p, path, e->d_name);
            struct stat sb;
            if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
                remove_tree(p);
            else
                unlink(p);
        }
        closedir(d);
    }
    rmdir(path);
}

/* ---- chain -------------------------------------------------------------------------------- */

int64_t chainfix_clock(void *ctx)
{
    return ((const chainfix *)ctx)->now;
}

static ela_chain *open_chain(chainfix *f, char *err, size_t errlen)
{
    ela_chain_options opt = {
        .path = f->dir,
        .params = &f->params,
        .dbcache_bytes = 8u << 20,
        .workers = 2,
        .adjusted_time = chainfix_clock,
        .time_ctx = f,
    };
    return ela_chain_open(&opt, err, errlen);
}

ela_bytes chainfix_block_bytes(const ela_block *b)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_block_write(&w, b);
    ela_bytes out;
    ela_writer_release(&w, &out);
    return out;
}

ela_block_status chainfix_process(chainfix *f, ela_validation_state *st, const ela_block *b)
{
    ela_validation_init(st);
    return ela_chain_process_block(f->chain, st, b, NULL, 0);
}

const char *chainfix_status_name(ela_block_status s)
{
    switch (s) {
    case ELA_BLOCK_CONNECTED: return "CONNECTED";
    case ELA_BLOCK_SIDE: return "SIDE";
    case ELA_BLOCK_ORPHAN: return "ORPHAN";
    case ELA_BLOCK_DUPLICATE: return "DUPLICATE";
    case ELA_BLOCK_INVALID: return "INVALID";
    case ELA_BLOCK_ERROR: return "ERROR";
    }
    return "?";
}

const char *chainfix_hash_str(const ela_uint256 *h)
{
    static char buf[4][ELA_UINT256_HEX_LEN + 1];
    static int next;
    char *out = buf[next++ % 4];
    ela_uint256_to_display(out, h);
    return out;
}

void chainfix_accept(chainfix *f, const ela_block *b)
{
    ela_validation_state st;
    ela_block_status s = chainfix_process(f, &st, b);
    ck_assert_msg(s == ELA_BLOCK_CONNECTED, "block %u %s: expected CONNECTED, got %s (%s: %s)",
                  b->header.height, chainfix_hash_str(&b->header.hash), chainfix_status_name(s),
                  st.reason, st.detail);
    ela_uint256 tip;
    ela_chain_tip_hash(f->chain, &tip);
    ck_assert_msg(ela_uint256_equal(&tip, &b->header.hash), "accepted block is not the tip");
    ck_assert_uint_eq(ela_chain_height(f->chain), b->header.height);
    chaingen_branch_accept(f->br, b);
}

void chainfix_utxo(chainfix *f, ela_utxo_stats *out)
{
    memset(out, 0, sizeof *out);
    ck_assert_msg(ela_chain_utxo_stats(f->chain, out), "ela_chain_utxo_stats failed");
}

void chainfix_block_copy(ela_block *dst, const ela_block *src)
{
    ela_bytes raw = chainfix_block_bytes(src);
    const char *why = NULL;
    bool ok = ela_block_parse(dst, raw.data, raw.len, &why);
    ela_bytes_clear(&raw);
    ck_assert_msg(ok, "block copy: %s", why ? why : "?");
}

void chainfix_tx_copy(ela_tx *dst, const ela_tx *src)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write(&w, src);
    ela_bytes raw;
    ela_writer_release(&w, &raw);
    const char *why = NULL;
    bool ok = ela_tx_parse(dst, raw.data, raw.len, &why);
    ela_bytes_clear(&raw);
    ck_assert_msg(ok, "tx copy: %s", why ? why : "?");
}

/* ---- template ----------------------------------------------------------------------------- */

void chainfix_global_init(uint32_t nblocks, size_t ntx, size_t nout)
{
    /* The engine logs every refused block; the suites refuse hundreds on purpose. */
    ela_log_set_level(getenv("CHAINFIX_VERBOSE") ? ELA_LOG_DEBUG : ELA_LOG_ERROR);

    ela_params_init(&g_params, ELA_NET_REGNET);
    /* What ela_params_apply_config does for PowConfiguration.InstantBlock (§8). */
    g_params.instant_block = true;
    g_params.pow_limit_bits = 0x207fffff;
    g_params.target_timespan = 10;
    g_params.target_time_per_block = 1;

    const char *tmp = getenv("TMPDIR");
    path_join(g_root, sizeof g_root, tmp && *tmp ? tmp : "/tmp", "elad-chainfix-XXXXXX");
    if (!mkdtemp(g_root))
        die("mkdtemp failed", g_root);
    path_join(g_template, sizeof g_template, g_root, "template");

    g_gen = chaingen_new(&g_params, 20240601, CHAINFIX_NKEYS);
    g_branch = chaingen_branch_genesis(g_gen);

    chainfix f;
    memset(&f, 0, sizeof f);
    f.params = g_params;
    f.now = (int64_t)time(NULL);
    snprintf(f.dir, sizeof f.dir, "%s", g_template);
    char err[256] = "";
    f.chain = open_chain(&f, err, sizeof err);
    if (!f.chain)
        die("cannot open the template store", err);
    for (uint32_t i = 0; i < nblocks; i++) {
        ela_block b;
        chaingen_build_block(g_gen, &b, g_branch, ntx, nout);
        /* The generator's clock may run ahead of ours; the engine must not see the template
         * blocks as from the future. */
        if ((int64_t)b.header.timestamp + 60 > f.now)
            f.now = (int64_t)b.header.timestamp + 60;
        ela_validation_state st;
        ela_block_status s = chainfix_process(&f, &st, &b);
        if (s != ELA_BLOCK_CONNECTED) {
            char msg[512];
            snprintf(msg, sizeof msg, "block %u: %s (%s: %s)", b.header.height,
                     chainfix_status_name(s), st.reason, st.detail);
            die("template chain refused a block", msg);
        }
        chaingen_branch_accept(g_branch, &b);
        g_tip_time = b.header.timestamp;
        ela_block_clear(&b);
    }
    g_height = ela_chain_height(f.chain);
    ela_chain_close(f.chain);
    if (g_height != nblocks)
        die("template height mismatch", "");
}

void chainfix_global_cleanup(void)
{
    chaingen_branch_free(g_branch);
    g_branch = NULL;
    chaingen_free(g_gen);
    g_gen = NULL;
    if (g_root[0])
        remove_tree(g_root);
    g_root[0] = '\0';
}

chaingen *chainfix_gen(void)
{
    return g_gen;
}

const ela_params *chainfix_params(void)
{
    return &g_params;
}

uint32_t chainfix_template_height(void)
{
    return g_height;
}

static void new_dir(chainfix *f)
{
    path_join(f->dir, sizeof f->dir, g_root, "t-XXXXXX");
    ck_assert_msg(mkdtemp(f->dir) != NULL, "mkdtemp: %s", strerror(errno));
}

void chainfix_open(chainfix *f)
{
    memset(f, 0, sizeof *f);
    f->params = g_params;
    f->now = (int64_t)g_tip_time + 60;
    if (f->now < (int64_t)time(NULL))
        f->now = (int64_t)time(NULL);
    new_dir(f);
    ck_assert_msg(copy_tree(g_template, f->dir), "copying the template store failed");
    char err[256] = "";
    f->chain = open_chain(f, err, sizeof err);
    ck_assert_msg(f->chain != NULL, "cannot open the copied store: %s", err);
    ck_assert_uint_eq(ela_chain_height(f->chain), g_height);
    f->br = chaingen_branch_copy(g_branch);
}

void chainfix_open_empty(chainfix *f)
{
    memset(f, 0, sizeof *f);
    f->params = g_params;
    f->now = (int64_t)time(NULL);
    new_dir(f);
    char err[256] = "";
    f->chain = open_chain(f, err, sizeof err);
    ck_assert_msg(f->chain != NULL, "cannot create a store: %s", err);
    ck_assert_uint_eq(ela_chain_height(f->chain), 0);
    f->br = chaingen_branch_genesis(g_gen);
}

void chainfix_reopen(chainfix *f)
{
    ela_chain_close(f->chain);
    char err[256] = "";
    f->chain = open_chain(f, err, sizeof err);
    ck_assert_msg(f->chain != NULL, "reopening the store failed: %s", err);
}

void chainfix_close(chainfix *f)
{
    ela_chain_close(f->chain);
    f->chain = NULL;
    chaingen_branch_free(f->br);
    f->br = NULL;
    if (f->dir[0])
        remove_tree(f->dir);
    f->dir[0] = '\0';
}
