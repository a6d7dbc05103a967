/* elad: merkle trees (spec/wire.md §7). */
#include <ela/merkle.h>

#include <ela/hash.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void ela_merkle_parent(ela_uint256 *out, const ela_uint256 *left, const ela_uint256 *right)
{
    uint8_t buf[64];
    memcpy(buf, left->b, 32);
    memcpy(buf + 32, right->b, 32);
    ela_hash256(out, buf, sizeof buf);
}

bool ela_merkle_root(ela_uint256 *out, const ela_uint256 *leaves, size_t n)
{
    if (n == 0) {
        memset(out, 0, sizeof *out);
        return false;
    }
    if (n == 1) {
        *out = leaves[0];
        return true;
    }
    ela_uint256 *level = ela_xmalloc(n * sizeof *level);
    memcpy(level, leaves, n * sizeof *level);
    size_t w = n;
    while (w > 1) {
        size_t next = 0;
        for (size_t i = 0; i < w; i += 2) {
            /* Odd level: the last node is paired with itself (Bitcoin rule, §7.1). */
            const ela_uint256 *right = i + 1 < w ? &level[i + 1] : &level[i];
            ela_merkle_parent(&level[next++], &level[i], right);
        }
        w = next;
    }
    *out = level[0];
    free(level);
    return true;
}

void ela_merkle_branch_root(ela_uint256 *out, const ela_uint256 *leaf, const ela_uint256 *branch,
                            size_t n, uint32_t index)
{
    ela_uint256 x = *leaf;
    for (size_t i = 0; i < n; i++) {
        if (index & 1)
            ela_merkle_parent(&x, &branch[i], &x);
        else
            ela_merkle_parent(&x, &x, &branch[i]);
        index >>= 1;
    }
    *out = x;
}

bool ela_merkle_branch(ela_uint256 branch[ELA_MERKLE_MAX_DEPTH], size_t *n_branch,
                       uint32_t *index, const ela_uint256 *leaves, size_t n, size_t pos)
{
    *n_branch = 0;
    *index = 0;
    if (n == 0 || pos >= n || (uint64_t)n > (UINT64_C(1) << ELA_MERKLE_MAX_DEPTH))
        return false;
    ela_uint256 *level = ela_xmalloc(n * sizeof *level);
    memcpy(level, leaves, n * sizeof *level);
    size_t w = n, depth = 0;
    uint32_t idx = 0;
    while (w > 1) {
        size_t sib = pos ^ 1;
        if (sib < w) {
            branch[depth] = level[sib];
            if (pos & 1)
                idx |= UINT32_C(1) << depth;
        } else {
            /* No right sibling: GetTxMerkleBranch names the node itself and sets the bit. */
            branch[depth] = level[pos];
            idx |= UINT32_C(1) << depth;
        }
        depth++;
        size_t next = 0;
        for (size_t i = 0; i < w; i += 2) {
            const ela_uint256 *right = i + 1 < w ? &level[i + 1] : &level[i];
            ela_merkle_parent(&level[next++], &level[i], right);
        }
        w = next;
        pos >>= 1;
    }
    free(level);
    *n_branch = depth;
    *index = idx;
    return true;
}

/* ---- partial merkle tree (BIP37) ---- */

void ela_partial_merkle_init(ela_partial_merkle *pm) { memset(pm, 0, sizeof *pm); }

void ela_partial_merkle_clear(ela_partial_merkle *pm)
{
    free(pm->hashes);
    ela_bytes_clear(&pm->flags);
    memset(pm, 0, sizeof *pm);
}

static uint64_t tree_width(uint64_t n_tx, unsigned h) { return (n_tx + (UINT64_C(1) << h) - 1) >> h; }

static unsigned tree_height(uint64_t n_tx)
{
    unsigned h = 0;
    while (tree_width(n_tx, h) > 1)
        h++;
    return h;
}

typedef struct build_ctx {
    const ela_uint256 *txids;
    const bool *matched;
    uint64_t n;
    ela_uint256 *hashes;
    size_t n_hashes, cap_hashes;
    uint8_t *bits; /* one byte per flag bit while building */
    size_t n_bits, cap_bits;
} build_ctx;

static void node_hash(ela_uint256 *out, const build_ctx *c, unsigned h, uint64_t pos)
{
    if (h == 0) {
        *out = c->txids[pos];
        return;
    }
    ela_uint256 left, right;
    node_hash(&left, c, h - 1, pos * 2);
    if (pos * 2 + 1 < tree_width(c->n, h - 1))
        node_hash(&right, c, h - 1, pos * 2 + 1);
    else
        right = left;
    ela_merkle_parent(out, &left, &right);
}

static void push_bit(build_ctx *c, bool bit)
{
    if (c->n_bits == c->cap_bits) {
        c->cap_bits = c->cap_bits ? c->cap_bits * 2 : 64;
        c->bits = ela_xrealloc(c->bits, c->cap_bits);
    }
    c->bits[c->n_bits++] = bit;
}

static void push_hash(build_ctx *c, const ela_uint256 *h)
{
    if (c->n_hashes == c->cap_hashes) {
        c->cap_hashes = c->cap_hashes ? c->cap_hashes * 2 : 16;
        c->hashes = ela_xrealloc(c->hashes, c->cap_hashes * sizeof *c->hashes);
    }
    c->hashes[c->n_hashes++] = *h;
}

static void build(build_ctx *c, unsigned h, uint64_t pos)
{
    bool parent_of_match = false;
    uint64_t end = (pos + 1) << h;
    if (end > c->n)
        end = c->n;
    for (uint64_t p = pos << h; p < end && !parent_of_match; p++)
        parent_of_match = c->matched[p];
    push_bit(c, parent_of_match);
    if (h == 0 || !parent_of_match) {
        ela_uint256 x;
        node_hash(&x, c, h, pos);
        push_hash(c, &x);
        return;
    }
    build(c, h - 1, pos * 2);
    if (pos * 2 + 1 < tree_width(c->n, h - 1))
        build(c, h - 1, pos * 2 + 1);
}

void ela_partial_merkle_build(ela_partial_merkle *pm, const ela_uint256 *txids,
                              const bool *matched, size_t n)
{
    assert(n >= 1 && (uint64_t)n <= UINT32_MAX);
    build_ctx c = {.txids = txids, .matched = matched, .n = n};
    build(&c, tree_height(n), 0);
    memset(pm, 0, sizeof *pm);
    pm->n_tx = (uint32_t)n;
    pm->hashes = c.hashes;
    pm->n_hashes = c.n_hashes;
    size_t nbytes = (c.n_bits + 7) / 8;
    uint8_t *flags = ela_xcalloc(nbytes ? nbytes : 1, 1);
    for (size_t i = 0; i < c.n_bits; i++)
        flags[i / 8] |= (uint8_t)(c.bits[i] << (i % 8));
    ela_bytes_set(&pm->flags, flags, nbytes);
    free(flags);
    free(c.bits);
}

typedef struct extract_ctx {
    const ela_partial_merkle *pm;
    size_t hashes_used, bits_used;
    const char *err;
    /* matches */
    ela_uint256 *matched;
    uint32_t *positions;
    size_t n_matched, cap_matched;
    /* branch recording (GetTxMerkleBranch): target leaf, or -1 */
    int64_t target;
    ela_uint256 sib[ELA_MERKLE_MAX_DEPTH + 1];
    /* leaf lookup */
    const ela_uint256 *find;
    int64_t found;
} extract_ctx;

static void record_match(extract_ctx *c, const ela_uint256 *h, uint64_t pos)
{
    if (c->n_matched == c->cap_matched) {
        c->cap_matched = c->cap_matched ? c->cap_matched * 2 : 8;
        c->matched = ela_xrealloc(c->matched, c->cap_matched * sizeof *c->matched);
        c->positions = ela_xrealloc(c->positions, c->cap_matched * sizeof *c->positions);
    }
    c->matched[c->n_matched] = *h;
    c->positions[c->n_matched] = (uint32_t)pos;
    c->n_matched++;
}

static void note_node(extract_ctx *c, unsigned h, uint64_t pos, const ela_uint256 *x)
{
    if (h == 0 && c->find && c->found < 0 && ela_uint256_equal(x, c->find))
        c->found = (int64_t)pos;
    if (c->target < 0 || h >= ELA_MERKLE_MAX_DEPTH)
        return;
    uint64_t tpos = (uint64_t)c->target >> h;
    uint64_t w = tree_width(c->pm->n_tx, h);
    if (pos == (tpos ^ 1) || ((tpos & 1) == 0 && tpos + 1 >= w && pos == tpos))
        c->sib[h] = *x;
}

static bool extract(extract_ctx *c, ela_uint256 *out, unsigned h, uint64_t pos)
{
    const ela_partial_merkle *pm = c->pm;
    /* The reference checks for hashes before flag bits on every node. */
    if (c->hashes_used >= pm->n_hashes) {
        c->err = "merkle: ran out of hashes";
        return false;
    }
    if (c->bits_used >= pm->flags.len * 8) {
        c->err = "merkle: ran out of flag bits";
        return false;
    }
    bool flag = (pm->flags.data[c->bits_used / 8] >> (c->bits_used % 8)) & 1;
    c->bits_used++;
    if (h == 0 || !flag) {
        *out = pm->hashes[c->hashes_used++];
        if (h == 0 && flag)
            record_match(c, out, pos);
        note_node(c, h, pos, out);
        return true;
    }
    ela_uint256 left, right;
    if (!extract(c, &left, h - 1, pos * 2))
        return false;
    if (pos * 2 + 1 < tree_width(pm->n_tx, h - 1)) {
        if (!extract(c, &right, h - 1, pos * 2 + 1))
            return false;
        if (ela_uint256_equal(&left, &right)) {
            c->err = "merkle: duplicate sibling hashes";
            return false;
        }
    } else {
        right = left;
    }
    ela_merkle_parent(out, &left, &right);
    note_node(c, h, pos, out);
    return true;
}

static bool run_extract(extract_ctx *c, ela_uint256 *root, const ela_partial_merkle *pm)
{
    c->pm = pm;
    if (pm->n_tx == 0) {
        c->err = "merkle: no transactions";
        return false;
    }
    if (pm->flags.len == 0) {
        c->err = "merkle: no flag bits";
        return false;
    }
    return extract(c, root, tree_height(pm->n_tx), 0);
}

bool ela_partial_merkle_extract(ela_uint256 *root, ela_uint256 **matched, uint32_t **positions,
                                size_t *n_matched, const ela_partial_merkle *pm, const char **why)
{
    extract_ctx c = {.target = -1, .found = -1};
    bool ok = run_extract(&c, root, pm);
    if (!ok) {
        memset(root, 0, sizeof *root);
        free(c.matched);
        free(c.positions);
        c.matched = NULL;
        c.positions = NULL;
        c.n_matched = 0;
        if (why)
            *why = c.err;
    }
    if (matched)
        *matched = c.matched;
    else
        free(c.matched);
    if (positions)
        *positions = c.positions;
    else
        free(c.positions);
    *n_matched = c.n_matched;
    return ok;
}

bool ela_partial_merkle_branch(ela_uint256 branch[ELA_MERKLE_MAX_DEPTH], size_t *n_branch,
                               uint32_t *index, const ela_partial_merkle *pm,
                               const ela_uint256 *txid, const char **why)
{
    *n_branch = 0;
    *index = 0;
    ela_uint256 root;
    extract_ctx c = {.target = -1, .found = -1, .find = txid};
    bool ok = run_extract(&c, &root, pm);
    free(c.matched);
    free(c.positions);
    if (!ok) {
        if (why)
            *why = c.err;
        return false;
    }
    if (c.found < 0) {
        if (why)
            *why = "merkle: txid not in the tree";
        return false;
    }
    extract_ctx d = {.target = c.found, .found = -1};
    bool again = run_extract(&d, &root, pm); /* same input: cannot fail the second time */
    assert(again);
    (void)again;
    free(d.matched);
    free(d.positions);
    unsigned height = tree_height(pm->n_tx);
    uint64_t tpos = (uint64_t)c.found;
    uint32_t idx = 0;
    for (unsigned h = 0; h < height; h++) {
        uint64_t p = tpos >> h;
        branch[h] = d.sib[h];
        if ((p & 1) || p + 1 >= tree_width(pm->n_tx, h))
            idx |= UINT32_C(1) << h;
    }
    *n_branch = height;
    *index = idx;
    return true;
}

bool ela_partial_merkle_read(ela_reader *r, ela_partial_merkle *pm)
{
    memset(pm, 0, sizeof *pm);
    uint32_t n_tx = 0, count = 0;
    if (!ela_read_u32(r, &n_tx) || !ela_read_u32(r, &count))
        return false;
    if (count > ELA_MERKLE_MAX_HASHES)
        return ela_reader_fail(r, "count exceeds limit");
    if ((size_t)count * 32 > ela_reader_left(r))
        return ela_reader_fail(r, "truncated");
    ela_uint256 *hashes = ela_xmalloc((size_t)count * sizeof *hashes);
    for (uint32_t i = 0; i < count; i++) {
        if (!ela_read_uint256(r, &hashes[i])) {
            free(hashes);
            return false;
        }
    }
    ela_bytes flags = {0};
    if (!ela_read_varbytes(r, &flags, ELA_MERKLE_MAX_FLAGS)) {
        free(hashes);
        return false;
    }
    pm->n_tx = n_tx;
    pm->hashes = hashes;
    pm->n_hashes = count;
    pm->flags = flags;
    return true;
}

void ela_partial_merkle_write(ela_writer *w, const ela_partial_merkle *pm)
{
    ela_write_u32(w, pm->n_tx);
    ela_write_u32(w, (uint32_t)pm->n_hashes);
    for (size_t i = 0; i < pm->n_hashes; i++)
        ela_write_uint256(w, &pm->hashes[i]);
    ela_write_varbytes(w, pm->flags.data, pm->flags.len);
}

void ela_merkle_proof_init(ela_merkle_proof *mp) { memset(mp, 0, sizeof *mp); }

void ela_merkle_proof_clear(ela_merkle_proof *mp)
{
    ela_partial_merkle_clear(&mp->tree);
    memset(mp, 0, sizeof *mp);
}

bool ela_merkle_proof_read(ela_reader *r, ela_merkle_proof *mp)
{
    memset(mp, 0, sizeof *mp);
    if (!ela_read_uint256(r, &mp->block_hash) || !ela_read_u32(r, &mp->height) ||
        !ela_partial_merkle_read(r, &mp->tree)) {
        memset(mp, 0, sizeof *mp);
        return false;
    }
    return true;
}

bool ela_merkle_proof_parse(ela_merkle_proof *mp, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    bool read = ela_merkle_proof_read(&r, mp);
    if (ela_reader_finish(&r, why))
        return true;
    if (read)
        ela_merkle_proof_clear(mp);
    return false;
}

void ela_merkle_proof_write(ela_writer *w, const ela_merkle_proof *mp)
{
    ela_write_uint256(w, &mp->block_hash);
    ela_write_u32(w, mp->height);
    ela_partial_merkle_write(w, &mp->tree);
}
