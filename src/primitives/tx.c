/* elad: the ELA transaction (spec/wire.md §3). */
#include <ela/tx.h>

#include <ela/hash.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Smallest encodings, used to bound a count by the bytes left before allocating for it. */
#define MIN_ATTRIBUTE 2        /* usage + empty var-bytes */
#define MIN_INPUT 38           /* txid + u16 index + u32 sequence */
#define MIN_OUTPUT_LEGACY 65   /* asset id + value + lock + program hash */
#define MIN_OUTPUT_V09 66      /* ... + type byte */
#define MIN_PROGRAM 2          /* two empty var-bytes */
#define MIN_VOTE_CONTENT 2     /* vote type + empty candidate list */
#define MIN_CANDIDATE_V0 1     /* empty var-bytes */
#define MIN_CANDIDATE_V1 9     /* ... + i64 votes */

bool ela_attribute_usage_valid(uint8_t usage)
{
    return ela_attribute_usage_name(usage) != NULL;
}

const char *ela_attribute_usage_name(uint8_t usage)
{
    switch (usage) {
    case ELA_ATTR_NONCE: return "Nonce";
    case ELA_ATTR_SCRIPT: return "Script";
    case ELA_ATTR_MEMO: return "Memo";
    case ELA_ATTR_DESCRIPTION: return "Description";
    case ELA_ATTR_DESCRIPTION_URL: return "DescriptionUrl";
    case ELA_ATTR_CONFIRMATIONS: return "Confirmations";
    default: return NULL;
    }
}

const char *ela_output_type_name(uint8_t type)
{
    switch (type) {
    case ELA_OUTPUT_NONE: return "OTNone";
    case ELA_OUTPUT_VOTE: return "OTVote";
    case ELA_OUTPUT_MAPPING: return "OTMapping";
    case ELA_OUTPUT_CROSSCHAIN: return "OTCrossChain";
    case ELA_OUTPUT_WITHDRAW: return "OTWithdrawFromSideChain";
    case ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT: return "OTReturnSideChainDepositCoin";
    case ELA_OUTPUT_DPOSV2_VOTE: return "OTDposV2Vote";
    case ELA_OUTPUT_STAKE: return "OTStake";
    default: return NULL;
    }
}

const char *ela_vote_type_name(uint8_t vote_type)
{
    switch (vote_type) {
    case ELA_VOTE_DELEGATE: return "Delegate";
    case ELA_VOTE_CRC: return "CRC";
    case ELA_VOTE_CRC_PROPOSAL: return "CRCProposal";
    case ELA_VOTE_CRC_IMPEACHMENT: return "CRCImpeachment";
    case ELA_VOTE_DPOSV2: return "DposV2";
    default: return NULL;
    }
}

/* ---- clearing ----------------------------------------------------------------------------- */

static void vote_clear(ela_vote_output *v)
{
    for (size_t i = 0; i < v->content_count; i++) {
        ela_vote_content *c = &v->contents[i];
        for (size_t j = 0; j < c->candidate_count; j++)
            ela_bytes_clear(&c->candidates[j].candidate);
        free(c->candidates);
    }
    free(v->contents);
}

void ela_output_clear(ela_output *o)
{
    switch (o->type) {
    case ELA_OUTPUT_VOTE:
    case ELA_OUTPUT_DPOSV2_VOTE:
        vote_clear(&o->payload.vote);
        break;
    case ELA_OUTPUT_MAPPING:
        ela_bytes_clear(&o->payload.mapping.owner_key);
        ela_bytes_clear(&o->payload.mapping.side_producer_id);
        ela_bytes_clear(&o->payload.mapping.signature);
        break;
    case ELA_OUTPUT_CROSSCHAIN:
        ela_bytes_clear(&o->payload.crosschain.target_address);
        ela_bytes_clear(&o->payload.crosschain.target_data);
        break;
    case ELA_OUTPUT_WITHDRAW:
        ela_bytes_clear(&o->payload.withdraw.genesis_block_address);
        ela_bytes_clear(&o->payload.withdraw.target_data);
        break;
    case ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT:
        ela_bytes_clear(&o->payload.return_deposit.genesis_block_address);
        break;
    default:
        break;
    }
    memset(o, 0, sizeof *o);
}

void ela_tx_init(ela_tx *tx)
{
    memset(tx, 0, sizeof *tx);
    ela_payload_init(&tx->payload, ELA_TX_COINBASE, 0);
}

void ela_tx_clear(ela_tx *tx)
{
    ela_payload_clear(&tx->payload);
    for (size_t i = 0; i < tx->attribute_count; i++)
        ela_bytes_clear(&tx->attributes[i].data);
    free(tx->attributes);
    free(tx->inputs);
    for (size_t i = 0; i < tx->output_count; i++)
        ela_output_clear(&tx->outputs[i]);
    free(tx->outputs);
    for (size_t i = 0; i < tx->program_count; i++) {
        ela_bytes_clear(&tx->programs[i].parameter);
        ela_bytes_clear(&tx->programs[i].code);
    }
    free(tx->programs);
    ela_tx_init(tx);
}

/* ---- reading ------------------------------------------------------------------------------ */

/* Reads a count that cannot exceed what the bytes left could hold at min_size bytes each, so a
 * lying count fails here ("count exceeds limit") instead of allocating. */
static bool read_bounded_count(ela_reader *r, size_t *n, size_t min_size)
{
    return ela_read_count(r, n, ela_reader_left(r) / min_size);
}

/* Arrays are zeroed so that the owner can clear a partially read array in full: the count is
 * published before the elements are read. */
static void *alloc_array(size_t n, size_t size)
{
    return n ? ela_xcalloc(n, size) : NULL;
}

static bool read_vote(ela_reader *r, ela_vote_output *v)
{
    if (!ela_read_u8(r, &v->version))
        return false;
    size_t n;
    if (!read_bounded_count(r, &n, MIN_VOTE_CONTENT))
        return false;
    v->contents = alloc_array(n, sizeof *v->contents);
    v->content_count = n;
    size_t min_candidate = v->version >= 1 ? MIN_CANDIDATE_V1 : MIN_CANDIDATE_V0;
    for (size_t i = 0; i < n; i++) {
        ela_vote_content *c = &v->contents[i];
        size_t m;
        if (!ela_read_u8(r, &c->vote_type) || !read_bounded_count(r, &m, min_candidate))
            return false;
        c->candidates = alloc_array(m, sizeof *c->candidates);
        c->candidate_count = m;
        for (size_t j = 0; j < m; j++) {
            ela_candidate_votes *cv = &c->candidates[j];
            if (!ela_read_varbytes(r, &cv->candidate, ELA_MAX_VOTE_CANDIDATE))
                return false;
            if (v->version >= 1 && !ela_read_i64(r, &cv->votes))
                return false;
        }
    }
    return true;
}

/* Reads the type byte and payload of a v09 output. On failure the output may hold partial
 * payload data that ela_output_clear releases. */
static bool read_output_payload(ela_reader *r, ela_output *o)
{
    uint8_t type;
    if (!ela_read_u8(r, &type))
        return false;
    if (!ela_output_type_name(type))
        return ela_reader_fail(r, "unknown output type");
    o->type = type;
    switch (type) {
    case ELA_OUTPUT_NONE:
        return true;
    case ELA_OUTPUT_VOTE:
    case ELA_OUTPUT_DPOSV2_VOTE:
        return read_vote(r, &o->payload.vote);
    case ELA_OUTPUT_MAPPING: {
        ela_mapping_output *m = &o->payload.mapping;
        return ela_read_u8(r, &m->version) &&
               ela_read_varbytes(r, &m->owner_key, ELA_MAX_MAPPING_OWNER_KEY) &&
               ela_read_varbytes(r, &m->side_producer_id, ELA_MAX_MAPPING_SIDE_PRODUCER_ID) &&
               ela_read_varbytes(r, &m->signature, ELA_MAX_MAPPING_SIGNATURE);
    }
    case ELA_OUTPUT_CROSSCHAIN: {
        ela_crosschain_output *c = &o->payload.crosschain;
        return ela_read_u8(r, &c->version) &&
               ela_read_varbytes(r, &c->target_address, ELA_MAX_VAR_STRING) &&
               ela_read_i64(r, &c->target_amount) &&
               ela_read_varbytes(r, &c->target_data, ELA_MAX_OUTPUT_TARGET_DATA);
    }
    case ELA_OUTPUT_WITHDRAW: {
        ela_withdraw_output *w = &o->payload.withdraw;
        return ela_read_u8(r, &w->version) &&
               ela_read_varbytes(r, &w->genesis_block_address, ELA_MAX_VAR_STRING) &&
               ela_read_uint256(r, &w->sidechain_txid) &&
               ela_read_varbytes(r, &w->target_data, ELA_MAX_OUTPUT_TARGET_DATA);
    }
    case ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT: {
        ela_return_deposit_output *d = &o->payload.return_deposit;
        return ela_read_u8(r, &d->version) &&
               ela_read_varbytes(r, &d->genesis_block_address, ELA_MAX_VAR_STRING) &&
               ela_read_uint256(r, &d->deposit_txid);
    }
    case ELA_OUTPUT_STAKE:
        return ela_read_u8(r, &o->payload.stake.version) &&
               ela_read_uint168(r, &o->payload.stake.stake_address);
    default:
        return false; /* unreachable: the name check above */
    }
}

/* One output; the type and payload only in the v09 form. On failure the output may hold
 * partial payload data that ela_output_clear releases. */
static bool read_output(ela_reader *r, ela_output *o, bool v09)
{
    if (!ela_read_uint256(r, &o->asset_id) || !ela_read_i64(r, &o->value) ||
        !ela_read_u32(r, &o->output_lock) || !ela_read_uint168(r, &o->program_hash))
        return false;
    return !v09 || read_output_payload(r, o);
}

bool ela_output_read(ela_reader *r, ela_output *o, bool v09)
{
    memset(o, 0, sizeof *o);
    if (!read_output(r, o, v09)) {
        ela_output_clear(o);
        return false;
    }
    return true;
}

static bool read_unsigned_body(ela_reader *r, ela_tx *tx)
{
    size_t n;

    if (!read_bounded_count(r, &n, MIN_ATTRIBUTE))
        return false;
    tx->attributes = alloc_array(n, sizeof *tx->attributes);
    tx->attribute_count = n;
    for (size_t i = 0; i < n; i++) {
        ela_attribute *a = &tx->attributes[i];
        if (!ela_read_u8(r, &a->usage))
            return false;
        if (!ela_attribute_usage_valid(a->usage))
            return ela_reader_fail(r, "unknown attribute usage");
        if (!ela_read_varbytes(r, &a->data, ELA_MAX_VAR_STRING))
            return false;
    }

    if (!read_bounded_count(r, &n, MIN_INPUT))
        return false;
    tx->inputs = alloc_array(n, sizeof *tx->inputs);
    tx->input_count = n;
    for (size_t i = 0; i < n; i++) {
        ela_input *in = &tx->inputs[i];
        if (!ela_read_uint256(r, &in->prev_txid) || !ela_read_u16(r, &in->prev_index) ||
            !ela_read_u32(r, &in->sequence))
            return false;
    }

    bool v09 = tx->version >= ELA_TX_VERSION_09;
    if (!read_bounded_count(r, &n, v09 ? MIN_OUTPUT_V09 : MIN_OUTPUT_LEGACY))
        return false;
    tx->outputs = alloc_array(n, sizeof *tx->outputs);
    tx->output_count = n;
    for (size_t i = 0; i < n; i++) {
        if (!read_output(r, &tx->outputs[i], v09))
            return false;
    }

    return ela_read_u32(r, &tx->lock_time);
}

static bool read_programs(ela_reader *r, ela_tx *tx)
{
    size_t n;
    if (!read_bounded_count(r, &n, MIN_PROGRAM))
        return false;
    tx->programs = alloc_array(n, sizeof *tx->programs);
    tx->program_count = n;
    for (size_t i = 0; i < n; i++) {
        ela_program *p = &tx->programs[i];
        if (!ela_read_varbytes(r, &p->parameter, ELA_MAX_PROGRAM_PARAMETER) ||
            !ela_read_varbytes(r, &p->code, ELA_MAX_PROGRAM_CODE))
            return false;
    }
    return true;
}

/* True when the payload writes back as exactly the len bytes at p. Most transactions have an
 * empty payload (TransferAsset), which costs nothing here. */
static bool payload_canonical(const ela_tx *tx, const uint8_t *p, size_t len)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_payload_write(&w, &tx->payload);
    bool same = w.len == len && (len == 0 || memcmp(w.data, p, len) == 0);
    ela_writer_clear(&w);
    return same;
}

bool ela_tx_read(ela_reader *r, ela_tx *out)
{
    ela_tx_init(out);
    size_t start = r->pos;

    /* Version detection (§3.1): a first byte >= 9 is the version and the type follows;
     * otherwise there is no version byte and the first byte is the type. */
    uint8_t first, tx_type = 0, payload_version;
    bool ok = ela_read_u8(r, &first);
    if (ok && first >= ELA_TX_VERSION_09) {
        out->version = first;
        ok = ela_read_u8(r, &tx_type);
    } else {
        tx_type = first;
    }
    ok = ok && ela_read_u8(r, &payload_version);
    size_t payload_start = r->pos;
    ok = ok && ela_payload_read(r, &out->payload, tx_type, payload_version);
    size_t payload_end = r->pos;
    ok = ok && read_unsigned_body(r, out);
    size_t unsigned_end = r->pos;
    ok = ok && read_programs(r, out);
    if (!ok) {
        ela_tx_clear(out);
        return false;
    }

    /* The reference hashes and sizes its own re-serialization, not the bytes it received.
     * Everything outside the payload is read only in its canonical encoding, so the bytes
     * read are that re-serialization unless the payload held a non-canonical value (a bool
     * byte other than 0/1): only then is the transaction serialized again. */
    if (payload_canonical(out, r->p + payload_start, payload_end - payload_start)) {
        ela_hash256(&out->txid, r->p + start, unsigned_end - start);
        out->unsigned_size = unsigned_end - start;
        out->size = r->pos - start;
    } else {
        ela_tx_compute_hash(out);
    }
    return true;
}

bool ela_tx_parse(ela_tx *out, const uint8_t *p, size_t len, const char **why)
{
    ela_reader r;
    ela_reader_init(&r, p, len);
    if (!ela_tx_read(&r, out)) {
        if (why)
            *why = r.err;
        return false;
    }
    if (ela_reader_left(&r) != 0) {
        ela_tx_clear(out);
        if (why)
            *why = "trailing bytes after transaction";
        return false;
    }
    if (why)
        *why = NULL;
    return true;
}

/* ---- writing ------------------------------------------------------------------------------ */

static void write_vote(ela_writer *w, const ela_vote_output *v)
{
    ela_write_u8(w, v->version);
    ela_write_varint(w, v->content_count);
    for (size_t i = 0; i < v->content_count; i++) {
        const ela_vote_content *c = &v->contents[i];
        ela_write_u8(w, c->vote_type);
        ela_write_varint(w, c->candidate_count);
        for (size_t j = 0; j < c->candidate_count; j++) {
            const ela_candidate_votes *cv = &c->candidates[j];
            ela_write_varbytes(w, cv->candidate.data, cv->candidate.len);
            if (v->version >= 1)
                ela_write_i64(w, cv->votes);
        }
    }
}

static void write_output_payload(ela_writer *w, const ela_output *o)
{
    ela_write_u8(w, o->type);
    switch (o->type) {
    case ELA_OUTPUT_NONE:
        break;
    case ELA_OUTPUT_VOTE:
    case ELA_OUTPUT_DPOSV2_VOTE:
        write_vote(w, &o->payload.vote);
        break;
    case ELA_OUTPUT_MAPPING: {
        const ela_mapping_output *m = &o->payload.mapping;
        ela_write_u8(w, m->version);
        ela_write_varbytes(w, m->owner_key.data, m->owner_key.len);
        ela_write_varbytes(w, m->side_producer_id.data, m->side_producer_id.len);
        ela_write_varbytes(w, m->signature.data, m->signature.len);
        break;
    }
    case ELA_OUTPUT_CROSSCHAIN: {
        const ela_crosschain_output *c = &o->payload.crosschain;
        ela_write_u8(w, c->version);
        ela_write_varbytes(w, c->target_address.data, c->target_address.len);
        ela_write_i64(w, c->target_amount);
        ela_write_varbytes(w, c->target_data.data, c->target_data.len);
        break;
    }
    case ELA_OUTPUT_WITHDRAW: {
        const ela_withdraw_output *x = &o->payload.withdraw;
        ela_write_u8(w, x->version);
        ela_write_varbytes(w, x->genesis_block_address.data, x->genesis_block_address.len);
        ela_write_uint256(w, &x->sidechain_txid);
        ela_write_varbytes(w, x->target_data.data, x->target_data.len);
        break;
    }
    case ELA_OUTPUT_RETURN_SIDECHAIN_DEPOSIT: {
        const ela_return_deposit_output *d = &o->payload.return_deposit;
        ela_write_u8(w, d->version);
        ela_write_varbytes(w, d->genesis_block_address.data, d->genesis_block_address.len);
        ela_write_uint256(w, &d->deposit_txid);
        break;
    }
    case ELA_OUTPUT_STAKE:
        ela_write_u8(w, o->payload.stake.version);
        ela_write_uint168(w, &o->payload.stake.stake_address);
        break;
    default:
        assert(!"unknown output type");
        break;
    }
}

void ela_output_write(ela_writer *w, const ela_output *o, bool v09)
{
    ela_write_uint256(w, &o->asset_id);
    ela_write_i64(w, o->value);
    ela_write_u32(w, o->output_lock);
    ela_write_uint168(w, &o->program_hash);
    if (v09)
        write_output_payload(w, o);
    else
        assert(o->type == ELA_OUTPUT_NONE);
}

void ela_tx_write_unsigned(ela_writer *w, const ela_tx *tx)
{
    bool v09 = tx->version >= ELA_TX_VERSION_09;
    /* Versions 1..8 and legacy types >= 9 have no encoding: the reader would take the byte for
     * something else (§3.1). */
    assert(tx->version == 0 || v09);
    assert(v09 || ela_tx_type(tx) < ELA_TX_VERSION_09);
    if (v09)
        ela_write_u8(w, tx->version);
    ela_write_u8(w, ela_tx_type(tx));
    ela_write_u8(w, ela_tx_payload_version(tx));
    ela_payload_write(w, &tx->payload);

    ela_write_varint(w, tx->attribute_count);
    for (size_t i = 0; i < tx->attribute_count; i++) {
        const ela_attribute *a = &tx->attributes[i];
        ela_write_u8(w, a->usage);
        ela_write_varbytes(w, a->data.data, a->data.len);
    }
    ela_write_varint(w, tx->input_count);
    for (size_t i = 0; i < tx->input_count; i++) {
        const ela_input *in = &tx->inputs[i];
        ela_write_uint256(w, &in->prev_txid);
        ela_write_u16(w, in->prev_index);
        ela_write_u32(w, in->sequence);
    }
    ela_write_varint(w, tx->output_count);
    for (size_t i = 0; i < tx->output_count; i++)
        ela_output_write(w, &tx->outputs[i], v09);
    ela_write_u32(w, tx->lock_time);
}

static void write_programs(ela_writer *w, const ela_tx *tx)
{
    ela_write_varint(w, tx->program_count);
    for (size_t i = 0; i < tx->program_count; i++) {
        const ela_program *p = &tx->programs[i];
        ela_write_varbytes(w, p->parameter.data, p->parameter.len);
        ela_write_varbytes(w, p->code.data, p->code.len);
    }
}

void ela_tx_write(ela_writer *w, const ela_tx *tx)
{
    ela_tx_write_unsigned(w, tx);
    write_programs(w, tx);
}

void ela_tx_compute_hash(ela_tx *tx)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write_unsigned(&w, tx);
    ela_hash256(&tx->txid, w.data, w.len);
    tx->unsigned_size = w.len;
    size_t programs = ela_varint_size(tx->program_count);
    for (size_t i = 0; i < tx->program_count; i++) {
        const ela_program *p = &tx->programs[i];
        programs += ela_varint_size(p->parameter.len) + p->parameter.len +
                    ela_varint_size(p->code.len) + p->code.len;
    }
    tx->size = w.len + programs;
    ela_writer_clear(&w);
}

void ela_tx_signed_data(ela_bytes *out, const ela_tx *tx)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_tx_write_unsigned(&w, tx);
    ela_writer_release(&w, out);
}

bool ela_tx_is_coinbase(const ela_tx *tx)
{
    return ela_tx_type(tx) == ELA_TX_COINBASE;
}
