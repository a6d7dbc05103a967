/* elad tests: payload module (every type code and payload version, spec/wire.md §3.7). */
#include "testutil.h"

#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/payload.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ----------------------------------------------------------------------------- */

static void setb(ela_bytes *b, const char *s)
{
    ela_bytes_clear(b);
    ela_bytes_set(b, (const uint8_t *)s, strlen(s));
}

static void setn(ela_bytes *b, uint8_t fill, size_t n)
{
    ela_bytes_clear(b);
    uint8_t *tmp = ela_xmalloc(n ? n : 1);
    memset(tmp, fill, n);
    ela_bytes_set(b, tmp, n);
    free(tmp);
}

static void h256(ela_uint256 *h, uint8_t fill)
{
    memset(h->b, fill, sizeof h->b);
}

static void h168(ela_uint168 *h, uint8_t fill)
{
    memset(h->b, fill, sizeof h->b);
}

static void list_n(ela_bytes_list *l, size_t n, uint8_t fill, size_t len)
{
    l->items = ela_xcalloc(n, sizeof *l->items);
    l->count = n;
    for (size_t i = 0; i < n; i++)
        setn(&l->items[i], (uint8_t)(fill + i), len);
}

/* Concatenates hex pieces (NULL-terminated list) into a heap string. */
static char *cat(const char *first, ...)
{
    size_t len = 0;
    va_list ap;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *))
        len += strlen(s);
    va_end(ap);
    char *out = ela_xmalloc(len + 1), *o = out;
    va_start(ap, first);
    for (const char *s = first; s; s = va_arg(ap, const char *)) {
        size_t n = strlen(s);
        memcpy(o, s, n);
        o += n;
    }
    va_end(ap);
    *o = '\0';
    return out;
}

/* n repetitions of the two-digit hex byte bb, in a rotating static pool. */
static const char *rep(const char *bb, size_t n)
{
    static char pool[16][2 * 1024 + 1];
    static int next;
    char *s = pool[next++ % 16];
    for (size_t i = 0; i < n; i++)
        memcpy(s + 2 * i, bb, 2);
    s[2 * n] = '\0';
    return s;
}

static ela_bytes write_payload(const ela_payload *p)
{
    ela_writer w;
    ela_bytes out;
    ela_writer_init(&w);
    ela_payload_write(&w, p);
    ela_writer_release(&w, &out);
    return out;
}

/* Reads bytes as (type, pv), requires the whole buffer consumed and the re-written bytes equal. */
static void roundtrip_ok(const ela_bytes *b, uint8_t type, uint8_t pv, ela_payload *out)
{
    ela_reader r;
    ela_reader_init(&r, b->data, b->len);
    ck_assert_msg(ela_payload_read(&r, out, type, pv), "type 0x%02x pv %u: %s", type, pv,
                  r.err ? r.err : "?");
    ck_assert_msg(ela_reader_left(&r) == 0, "type 0x%02x pv %u: %zu bytes left", type, pv,
                  ela_reader_left(&r));
    ck_assert_uint_eq(out->tx_type, type);
    ck_assert_uint_eq(out->version, pv);
    ela_bytes again = write_payload(out);
    ck_assert_msg(ela_bytes_equal(&again, b), "type 0x%02x pv %u: %s != %s", type, pv,
                  ela_test_hex(again.data, again.len), ela_test_hex(b->data, b->len));
    ela_bytes_clear(&again);
}

/* Every proper prefix fails cleanly: false, a reason, nothing left to free (ASan checks). */
static void truncations_fail(const ela_bytes *b, uint8_t type, uint8_t pv)
{
    for (size_t n = 0; n < b->len; n++) {
        ela_reader r;
        ela_payload p;
        ela_reader_init(&r, b->data, n);
        ck_assert_msg(!ela_payload_read(&r, &p, type, pv), "type 0x%02x pv %u accepted %zu/%zu",
                      type, pv, n, b->len);
        ck_assert_ptr_nonnull(r.err);
        ela_payload zero;
        ela_payload_init(&zero, type, pv);
        ck_assert(memcmp(&zero, &p, sizeof p) == 0);
    }
}

/* ---- sample payloads: every member set to a distinct value ------------------------------- */

static void sample_proposal(ela_dpos_proposal *p, uint8_t k)
{
    setn(&p->sponsor, 0x02 + k, 33);
    h256(&p->block_hash, 0x30 + k);
    p->view_offset = 7u + k;
    setn(&p->sign, 0x40 + k, 64);
}

static void sample_vote(ela_dpos_vote *v, uint8_t k)
{
    h256(&v->proposal_hash, 0x50 + k);
    setn(&v->signer, 0x03 + k, 33);
    v->accept = true;
    setn(&v->sign, 0x60 + k, 64);
}

static void sample_votes_lt(ela_votes_with_locktime *v, uint8_t k, size_t len)
{
    setn(&v->candidate, 0x70 + k, len);
    v->votes = 100000000 + k;
    v->lock_time = 1000u + k;
}

static void sample_crc(ela_payload_crc_proposal *c, uint16_t ptype)
{
    c->proposal_type = ptype;
    setb(&c->category_data, "cat");
    setn(&c->owner_key, 0x02, 33);
    h256(&c->draft_hash, 0x11);
    setb(&c->draft_data, "draft");
    c->budgets = ela_xcalloc(2, sizeof *c->budgets);
    c->budget_count = 2;
    c->budgets[0] = (ela_crc_budget){0, 1, 150000000};
    c->budgets[1] = (ela_crc_budget){2, 2, 10};
    h168(&c->recipient, 0x21);
    h256(&c->target_proposal_hash, 0x12);
    h168(&c->new_recipient, 0x22);
    setn(&c->new_owner_key, 0x03, 33);
    setn(&c->secretary_general_public_key, 0x04, 33);
    h168(&c->secretary_general_did, 0x67);
    c->has_upgrade_code_info = true;
    c->upgrade_code_info.working_height = 12345;
    setb(&c->upgrade_code_info.node_version, "v1");
    setb(&c->upgrade_code_info.node_download_url, "u");
    h256(&c->upgrade_code_info.node_bin_hash, 0x13);
    c->upgrade_code_info.force_upgrade = true;
    setb(&c->sidechain_info.name, "side");
    c->sidechain_info.magic_number = 0x01020304;
    h256(&c->sidechain_info.genesis_hash, 0x14);
    c->sidechain_info.exchange_rate = 100000000;
    c->sidechain_info.effective_height = 99;
    setb(&c->sidechain_info.resource_path, "rp");
    list_n(&c->reserved_custom_ids, 2, 'a', 3);
    list_n(&c->received_custom_ids, 1, 'x', 2);
    h168(&c->receiver_did, 0x68);
    c->rate_of_custom_id_fee = 5000;
    c->eid_effective_height = 77;
    setn(&c->signature, 0xa1, 64);
    setn(&c->new_owner_signature, 0xa2, 64);
    setn(&c->secretary_general_signature, 0xa3, 64);
    h168(&c->cr_council_member_did, 0x69);
    setn(&c->cr_council_member_signature, 0xa4, 64);
}

static void build_sample(ela_payload *p, uint8_t type, uint8_t pv, uint16_t ptype)
{
    ela_payload_init(p, type, pv);
    switch (type) {
    case ELA_TX_COINBASE:
        setb(&p->u.coinbase.content, "ELA");
        break;
    case ELA_TX_REGISTER_ASSET:
        setb(&p->u.register_asset.name, "ELA");
        setb(&p->u.register_asset.description, "desc");
        p->u.register_asset.precision = 8;
        p->u.register_asset.asset_type = 1;
        p->u.register_asset.record_type = 2;
        p->u.register_asset.amount = 300;
        h168(&p->u.register_asset.controller, 0x21);
        break;
    case ELA_TX_RECORD:
        setb(&p->u.record.type, "t");
        setb(&p->u.record.content, "content");
        break;
    case ELA_TX_SIDECHAIN_POW:
        h256(&p->u.sidechain_pow.side_block_hash, 0x01);
        h256(&p->u.sidechain_pow.side_genesis_hash, 0x02);
        p->u.sidechain_pow.block_height = 5;
        setn(&p->u.sidechain_pow.signature, 0x03, 64);
        break;
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN: {
        ela_payload_withdraw_from_sidechain *w = &p->u.withdraw_from_sidechain;
        w->block_height = 200;
        setb(&w->genesis_block_address, "XQd1");
        w->side_chain_tx_hashes.items = ela_xcalloc(2, sizeof(ela_uint256));
        w->side_chain_tx_hashes.count = 2;
        h256(&w->side_chain_tx_hashes.items[0], 0x05);
        h256(&w->side_chain_tx_hashes.items[1], 0x06);
        setb(&w->signers, "\x01\x03\x05");
        break;
    }
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET: {
        ela_payload_transfer_crosschain_asset *t = &p->u.transfer_crosschain_asset;
        t->entries = ela_xcalloc(2, sizeof *t->entries);
        t->count = 2;
        setb(&t->entries[0].address, "EKn3");
        t->entries[0].output_index = 0;
        t->entries[0].amount = 90000000;
        setb(&t->entries[1].address, "0xab");
        t->entries[1].output_index = 300;
        t->entries[1].amount = 1;
        break;
    }
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER: {
        ela_payload_producer_info *a = &p->u.producer_info;
        setn(&a->owner_key, 0x02, 33);
        setn(&a->node_public_key, 0x03, 33);
        setb(&a->nickname, "nick");
        setb(&a->url, "url");
        a->location = 86;
        setb(&a->net_address, "1.2.3.4");
        a->stake_until = 1000000;
        setn(&a->signature, 0x44, 64);
        break;
    }
    case ELA_TX_CANCEL_PRODUCER:
        setn(&p->u.process_producer.owner_key, 0x02, 33);
        setn(&p->u.process_producer.signature, 0x45, 64);
        break;
    case ELA_TX_ACTIVATE_PRODUCER:
        setn(&p->u.activate_producer.node_public_key, 0x03, 33);
        setn(&p->u.activate_producer.signature, 0x46, 64);
        break;
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE: {
        ela_payload_illegal_proposals *e = &p->u.illegal_proposals;
        sample_proposal(&e->evidence.proposal, 0);
        setn(&e->evidence.block_header, 0x77, 5);
        e->evidence.block_height = 10;
        sample_proposal(&e->compare_evidence.proposal, 1);
        setn(&e->compare_evidence.block_header, 0x78, 6);
        e->compare_evidence.block_height = 11;
        break;
    }
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE: {
        ela_payload_illegal_votes *e = &p->u.illegal_votes;
        sample_vote(&e->evidence.vote, 0);
        sample_proposal(&e->evidence.proposal_evidence.proposal, 2);
        setn(&e->evidence.proposal_evidence.block_header, 0x79, 4);
        e->evidence.proposal_evidence.block_height = 12;
        sample_vote(&e->compare_evidence.vote, 1);
        sample_proposal(&e->compare_evidence.proposal_evidence.proposal, 3);
        setn(&e->compare_evidence.proposal_evidence.block_header, 0x7a, 3);
        e->compare_evidence.proposal_evidence.block_height = 13;
        break;
    }
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE: {
        ela_payload_illegal_blocks *b = &p->u.illegal_blocks;
        b->coin_type = 1;
        b->block_height = 99;
        setn(&b->evidence.header, 0x81, 3);
        setn(&b->evidence.block_confirm, 0x82, 2);
        list_n(&b->evidence.signers, 2, 0x02, 33);
        setn(&b->compare_evidence.header, 0x83, 4);
        setn(&b->compare_evidence.block_confirm, 0x84, 1);
        list_n(&b->compare_evidence.signers, 1, 0x03, 33);
        break;
    }
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE: {
        ela_payload_sidechain_illegal_data *s = &p->u.sidechain_illegal_data;
        s->illegal_type = 2;
        s->height = 1234;
        setn(&s->illegal_signer, 0x02, 33);
        h256(&s->evidence_data_hash, 0x91);
        h256(&s->compare_evidence_data_hash, 0x92);
        setb(&s->genesis_block_address, "XGen");
        list_n(&s->signs, 2, 0x93, 64);
        break;
    }
    case ELA_TX_INACTIVE_ARBITRATORS:
        setn(&p->u.inactive_arbitrators.sponsor, 0x02, 33);
        p->u.inactive_arbitrators.block_height = 4321;
        list_n(&p->u.inactive_arbitrators.arbitrators, 3, 0x03, 33);
        break;
    case ELA_TX_UPDATE_VERSION:
        p->u.update_version.start_height = 10;
        p->u.update_version.end_height = 20;
        break;
    case ELA_TX_NEXT_TURN_DPOS_INFO:
        p->u.next_turn_dpos_info.working_height = 777;
        list_n(&p->u.next_turn_dpos_info.cr_public_keys, 2, 0x02, 33);
        list_n(&p->u.next_turn_dpos_info.dpos_public_keys, 1, 0x03, 33);
        list_n(&p->u.next_turn_dpos_info.complete_cr_public_keys, 3, 0x04, 33);
        break;
    case ELA_TX_PROPOSAL_RESULT:
        p->u.proposal_result.results = ela_xcalloc(2, sizeof(ela_proposal_result));
        p->u.proposal_result.count = 2;
        h256(&p->u.proposal_result.results[0].proposal_hash, 0x31);
        p->u.proposal_result.results[0].proposal_type = 0x0500;
        p->u.proposal_result.results[0].result = true;
        h256(&p->u.proposal_result.results[1].proposal_hash, 0x32);
        p->u.proposal_result.results[1].proposal_type = 0x0502;
        break;
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR: {
        ela_payload_cr_info *c = &p->u.cr_info;
        setn(&c->code, 0xac, 35);
        h168(&c->cid, 0x67);
        h168(&c->did, 0x68);
        setb(&c->nickname, "cr");
        setb(&c->url, "http://x");
        c->location = 1;
        setn(&c->signature, 0x47, 64);
        break;
    }
    case ELA_TX_UNREGISTER_CR:
        h168(&p->u.unregister_cr.cid, 0x67);
        setn(&p->u.unregister_cr.signature, 0x48, 64);
        break;
    case ELA_TX_CRC_PROPOSAL:
        sample_crc(&p->u.crc_proposal, ptype);
        break;
    case ELA_TX_CRC_PROPOSAL_REVIEW: {
        ela_payload_crc_proposal_review *v = &p->u.crc_proposal_review;
        h256(&v->proposal_hash, 0x15);
        v->vote_result = 1;
        h256(&v->opinion_hash, 0x16);
        setb(&v->opinion_data, "op");
        h168(&v->did, 0x67);
        setn(&v->signature, 0x49, 64);
        break;
    }
    case ELA_TX_CRC_PROPOSAL_TRACKING: {
        ela_payload_crc_proposal_tracking *t = &p->u.crc_proposal_tracking;
        h256(&t->proposal_hash, 0x17);
        h256(&t->message_hash, 0x18);
        setb(&t->message_data, "msg");
        t->stage = 2;
        setn(&t->owner_key, 0x02, 33);
        setn(&t->new_owner_key, 0x03, 33);
        setn(&t->owner_signature, 0x4a, 64);
        setn(&t->new_owner_signature, 0x4b, 64);
        t->tracking_type = 4;
        h256(&t->secretary_general_opinion_hash, 0x19);
        setb(&t->secretary_general_opinion_data, "sgo");
        setn(&t->secretary_general_signature, 0x4c, 64);
        break;
    }
    case ELA_TX_CRC_PROPOSAL_WITHDRAW: {
        ela_payload_crc_proposal_withdraw *w = &p->u.crc_proposal_withdraw;
        h256(&w->proposal_hash, 0x1a);
        setn(&w->owner_key, 0x02, 33);
        h168(&w->recipient, 0x21);
        w->amount = 500000000000;
        setn(&w->signature, 0x4d, 64);
        break;
    }
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        p->u.real_withdraw.tx_hashes.items = ela_xcalloc(2, sizeof(ela_uint256));
        p->u.real_withdraw.tx_hashes.count = 2;
        h256(&p->u.real_withdraw.tx_hashes.items[0], 0x1b);
        h256(&p->u.real_withdraw.tx_hashes.items[1], 0x1c);
        break;
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
        setn(&p->u.cr_claim_node.node_public_key, 0x03, 33);
        h168(&p->u.cr_claim_node.cr_council_committee_did, 0x67);
        setn(&p->u.cr_claim_node.cr_council_committee_signature, 0x4e, 64);
        break;
    case ELA_TX_REVERT_TO_POW:
        p->u.revert_to_pow.type = 1;
        p->u.revert_to_pow.working_height = 55;
        break;
    case ELA_TX_REVERT_TO_DPOS:
        p->u.revert_to_dpos.work_height_interval = 3;
        p->u.revert_to_dpos.revert_to_pow_block_height = 44;
        break;
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        setb(&p->u.return_sidechain_deposit.signers, "\x02\x04");
        break;
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES:
        h168(&p->u.claim.to_addr, 0x21);
        setn(&p->u.claim.code, 0xac, 35);
        p->u.claim.value = 123456789;
        setn(&p->u.claim.signature, 0x4f, 64);
        break;
    case ELA_TX_VOTING: {
        ela_payload_voting *v = &p->u.voting;
        if (pv == 0) {
            v->count = 2;
            v->contents = ela_xcalloc(2, sizeof *v->contents);
            v->contents[0].vote_type = 4;
            v->contents[0].count = 2;
            v->contents[0].votes = ela_xcalloc(2, sizeof(ela_votes_with_locktime));
            sample_votes_lt(&v->contents[0].votes[0], 0, 33);
            sample_votes_lt(&v->contents[0].votes[1], 1, 33);
            v->contents[1].vote_type = 1;
            v->contents[1].count = 1;
            v->contents[1].votes = ela_xcalloc(1, sizeof(ela_votes_with_locktime));
            sample_votes_lt(&v->contents[1].votes[0], 2, 21);
        } else if (pv == 1) {
            v->count = 1;
            v->renewals = ela_xcalloc(1, sizeof *v->renewals);
            h256(&v->renewals[0].refer_key, 0x1d);
            sample_votes_lt(&v->renewals[0].votes, 3, 33);
        }
        break;
    }
    case ELA_TX_VOTES_REAL_WITHDRAW:
        p->u.votes_real_withdraw.items = ela_xcalloc(1, sizeof(ela_votes_real_withdraw));
        p->u.votes_real_withdraw.count = 1;
        h256(&p->u.votes_real_withdraw.items[0].return_votes_tx_hash, 0x1e);
        h168(&p->u.votes_real_withdraw.items[0].stake_address, 0x3f);
        p->u.votes_real_withdraw.items[0].value = 42;
        break;
    case ELA_TX_RECORD_SPONSOR:
        setn(&p->u.record_sponsor.sponsor, 0x02, 33);
        break;
    case ELA_TX_CREATE_NFT: {
        ela_payload_create_nft *c = &p->u.create_nft;
        h256(&c->refer_key, 0x1f);
        setb(&c->stake_address, "Sabc");
        h256(&c->genesis_block_hash, 0x20);
        c->start_height = 1;
        c->end_height = 2;
        c->votes = 3;
        c->vote_rights = 4;
        setn(&c->target_owner_key, 0x02, 33);
        break;
    }
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
        p->u.nft_destroy.ids.items = ela_xcalloc(2, sizeof(ela_uint256));
        p->u.nft_destroy.ids.count = 2;
        h256(&p->u.nft_destroy.ids.items[0], 0x23);
        h256(&p->u.nft_destroy.ids.items[1], 0x24);
        p->u.nft_destroy.owner_stake_addresses.items = ela_xcalloc(1, sizeof(ela_uint168));
        p->u.nft_destroy.owner_stake_addresses.count = 1;
        h168(&p->u.nft_destroy.owner_stake_addresses.items[0], 0x3f);
        h256(&p->u.nft_destroy.genesis_block_hash, 0x25);
        break;
    default:
        break;
    }
}

/* Every parseable type with the payload versions whose layouts differ (plus one unlisted PV
 * where the reference falls back to a default). */
static const struct {
    uint8_t type;
    uint8_t pvs[5];
    uint8_t npv;
} cases[] = {
    {0x00, {0, 4}, 2},       {0x01, {0}, 1},          {0x02, {0}, 1},
    {0x03, {0}, 1},          {0x05, {0}, 1},          {0x07, {0, 1, 2, 3}, 4},
    {0x08, {0, 1, 2}, 3},    {0x09, {0, 1, 2, 3}, 4}, {0x0a, {0, 1, 2}, 3},
    {0x0b, {0, 1, 2, 3}, 4}, {0x0c, {0}, 1},          {0x0d, {0}, 1},
    {0x0e, {0}, 1},          {0x0f, {0}, 1},          {0x10, {0}, 1},
    {0x11, {0}, 1},          {0x12, {0}, 1},          {0x13, {0}, 1},
    {0x14, {0, 1}, 2},       {0x15, {0}, 1},          {0x21, {0, 1, 2, 3, 4}, 5},
    {0x22, {0, 1, 2, 3}, 4}, {0x23, {0, 1, 2, 3}, 4}, {0x24, {0}, 1},
    {0x25, {0, 1}, 2},       {0x26, {0, 1}, 2},       {0x27, {0, 1}, 2},
    {0x28, {0}, 1},          {0x29, {0, 1, 2}, 3},    {0x2a, {0}, 1},
    {0x2b, {0}, 1},          {0x31, {0, 1}, 2},       {0x41, {0}, 1},
    {0x42, {0}, 1},          {0x51, {0, 1, 2}, 3},    {0x60, {0, 1, 2}, 3},
    {0x61, {0}, 1},          {0x62, {0}, 1},          {0x63, {0, 1}, 2},
    {0x64, {0, 1, 2}, 3},    {0x65, {0}, 1},          {0x66, {0}, 1},
    {0x71, {0, 1, 2}, 3},    {0x72, {0}, 1},
};

static const uint16_t proposal_types[] = {0x0000, 0x0100, 0x0101, 0x0102, 0x0200,
                                          0x0201, 0x0202, 0x0400, 0x0401, 0x0402,
                                          0x0410, 0x0500, 0x0501, 0x0502, 0x0777};

static void check_roundtrip(uint8_t type, uint8_t pv, uint16_t ptype)
{
    ela_payload p, q;
    build_sample(&p, type, pv, ptype);
    ela_bytes b = write_payload(&p);
    roundtrip_ok(&b, type, pv, &q);
    truncations_fail(&b, type, pv);
    /* Trailing bytes belong to the rest of the transaction: never consumed. */
    ela_bytes longer;
    uint8_t *tmp = ela_xmalloc(b.len + 3);
    if (b.len)
        memcpy(tmp, b.data, b.len);
    memcpy(tmp + b.len, "\x00\x01\x02", 3);
    ela_bytes_set(&longer, tmp, b.len + 3);
    free(tmp);
    ela_reader r;
    ela_payload z;
    ela_reader_init(&r, longer.data, longer.len);
    ck_assert(ela_payload_read(&r, &z, type, pv));
    ck_assert_uint_eq(r.pos, b.len);
    ela_payload_clear(&z);
    /* The JSON renders without failing. */
    json_t *j = ela_payload_to_json(&q);
    ck_assert_ptr_nonnull(j);
    json_decref(j);
    ela_bytes_clear(&longer);
    ela_bytes_clear(&b);
    ela_payload_clear(&p);
    ela_payload_clear(&q);
    ck_assert_uint_eq(p.tx_type, type); /* clear keeps type and version */
    ck_assert_ptr_null(p.u.coinbase.content.data);
}

START_TEST(every_type_roundtrips)
{
    size_t n = 0;
    for (size_t i = 0; i < ELA_ARRAY_LEN(cases); i++)
        for (size_t k = 0; k < cases[i].npv; k++) {
            if (cases[i].type == ELA_TX_CRC_PROPOSAL) {
                for (size_t t = 0; t < ELA_ARRAY_LEN(proposal_types); t++)
                    check_roundtrip(cases[i].type, cases[i].pvs[k], proposal_types[t]);
            } else {
                check_roundtrip(cases[i].type, cases[i].pvs[k], 0);
            }
            n++;
        }
    ck_assert_uint_eq(ELA_ARRAY_LEN(cases), 44); /* 46 codes minus Deploy and Recharge */
    ck_assert_uint_gt(n, 80);
}
END_TEST

START_TEST(type_names_and_unknown_types)
{
    size_t named = 0, known = 0;
    for (unsigned t = 0; t < 256; t++) {
        const char *name = ela_tx_type_name((uint8_t)t);
        named += name != NULL;
        known += ela_payload_type_known((uint8_t)t);
        if (!ela_payload_type_known((uint8_t)t)) {
            uint8_t buf[8] = {0};
            ela_reader r;
            ela_payload p;
            ela_reader_init(&r, buf, sizeof buf);
            ck_assert(!ela_payload_read(&r, &p, (uint8_t)t, 0));
            ck_assert_str_eq(r.err, "unknown transaction type");
        }
    }
    ck_assert_uint_eq(named, 46);
    ck_assert_uint_eq(known, 44);
    ck_assert_str_eq(ela_tx_type_name(0x04), "Deploy");
    ck_assert_str_eq(ela_tx_type_name(0x06), "RechargeToSideChain");
    ck_assert_str_eq(ela_tx_type_name(0x11), "IllegalSidechainEvidence");
    ck_assert_str_eq(ela_tx_type_name(0x14), "NextTurnDPOSInfo");
    ck_assert_str_eq(ela_tx_type_name(0x31), "CRCouncilMemberClaimNode");
    ck_assert_str_eq(ela_tx_type_name(0x60), "DposV2ClaimReward");
    ck_assert_str_eq(ela_tx_type_name(0x72), "NFTDestroyFromSideChain");
    ck_assert_ptr_null(ela_tx_type_name(0x16));
    ck_assert(!ela_payload_type_known(0x04));
    ck_assert(!ela_payload_type_known(0x06));
    ck_assert(ela_payload_type_known(0x72));
}
END_TEST

/* ---- exact bytes of the tricky layouts, derived by hand from spec/wire.md §3.7 -------------- */

static void expect_bytes(const ela_payload *p, const char *hex)
{
    ela_bytes b = write_payload(p);
    ck_assert_str_eq(ela_test_hex(b.data, b.len), hex);
    ela_payload q;
    roundtrip_ok(&b, p->tx_type, p->version, &q);
    ela_payload_clear(&q);
    ela_bytes_clear(&b);
}

START_TEST(exact_bytes_crc_proposal)
{
    ela_payload p;
    /* Upgrade code, PV 1: no DraftData, then UpgradeCodeInfo, then the default tail. */
    build_sample(&p, 0x25, 1, 0x0201);
    char *want = cat("0102", "03636174", "21", rep("02", 33), rep("11", 32), "39300000",
                     "027631", "0175", rep("13", 32), "01", "40", rep("a1", 64), rep("69", 21),
                     "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    /* Normal, PV 0 (no DraftData) and PV 1 (DraftData). */
    build_sample(&p, 0x25, 0, 0x0000);
    char *budgets = cat("02", "0001", "80d1f00800000000", "0202", "0a00000000000000", NULL);
    want = cat("0000", "03636174", "21", rep("02", 33), rep("11", 32), budgets, rep("21", 21),
               "40", rep("a1", 64), rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x25, 1, 0x0000);
    want = cat("0000", "03636174", "21", rep("02", 33), rep("11", 32), "056472616674", budgets,
               rep("21", 21), "40", rep("a1", 64), rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    free(budgets);
    ela_payload_clear(&p);
    /* ChangeProposalOwner: two signatures before the CR member's DID. */
    build_sample(&p, 0x25, 1, 0x0401);
    want = cat("0104", "03636174", "21", rep("02", 33), rep("11", 32), "056472616674",
               rep("12", 32), rep("22", 21), "21", rep("03", 33), "40", rep("a1", 64), "40",
               rep("a2", 64), rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    /* The CR member signs everything before its own signature; the owners the body. */
    ela_writer w;
    ela_writer_init(&w);
    ck_assert(ela_payload_write_signed_part(&w, &p, ELA_PAYLOAD_SIGNER_CR_MEMBER));
    ck_assert_uint_eq(w.len, strlen(want) / 2 - 65);
    ck_assert(memcmp(ela_test_hex(w.data, w.len), want, w.len * 2) == 0);
    ela_writer_clear(&w);
    ela_writer_init(&w);
    ck_assert(ela_payload_write_signed_part(&w, &p, ELA_PAYLOAD_SIGNER_NEW_OWNER));
    ck_assert_uint_eq(w.len, strlen(want) / 2 - 65 - 65 - 21 - 65);
    ela_writer_clear(&w);
    ela_writer_init(&w);
    ck_assert(!ela_payload_write_signed_part(&w, &p, ELA_PAYLOAD_SIGNER_SECRETARY));
    ck_assert_uint_eq(w.len, 0);
    ela_writer_clear(&w);
    free(want);
    ela_payload_clear(&p);
    /* SecretaryGeneral. */
    build_sample(&p, 0x25, 0, 0x0400);
    want = cat("0004", "03636174", "21", rep("02", 33), rep("11", 32), "21", rep("04", 33),
               rep("67", 21), "40", rep("a1", 64), "40", rep("a3", 64), rep("69", 21), "40",
               rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    /* ReceiveCustomID, ChangeCustomIDFee, RegisterSideChain, CloseProposal (PV 0). */
    build_sample(&p, 0x25, 0, 0x0501);
    want = cat("0105", "03636174", "21", rep("02", 33), rep("11", 32), "01", "027878",
               rep("68", 21), "40", rep("a1", 64), rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x25, 0, 0x0502);
    want = cat("0205", "03636174", "21", rep("02", 33), rep("11", 32), "8813000000000000",
               "4d000000", "40", rep("a1", 64), rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x25, 0, 0x0410);
    want = cat("1004", "03636174", "21", rep("02", 33), rep("11", 32), "0473696465", "04030201",
               rep("14", 32), "00e1f50500000000", "63000000", "027270", "40", rep("a1", 64),
               rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x25, 0, 0x0402);
    want = cat("0204", "03636174", "21", rep("02", 33), rep("11", 32), rep("12", 32), "40",
               rep("a1", 64), rep("69", 21), "40", rep("a4", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
}
END_TEST

START_TEST(upgrade_code_writer_asymmetry)
{
    /* Without UpgradeCodeInfo the writer writes nothing for it; the reader then misreads. */
    ela_payload p;
    build_sample(&p, 0x25, 0, 0x0200);
    p.u.crc_proposal.has_upgrade_code_info = false;
    ela_bytes b = write_payload(&p);
    char *want = cat("0002", "03636174", "21", rep("02", 33), rep("11", 32), "40", rep("a1", 64),
                     rep("69", 21), "40", rep("a4", 64), NULL);
    ck_assert_str_eq(ela_test_hex(b.data, b.len), want);
    ela_reader r;
    ela_payload q;
    ela_reader_init(&r, b.data, b.len);
    ck_assert(!ela_payload_read(&r, &q, 0x25, 0));
    free(want);
    ela_bytes_clear(&b);
    ela_payload_clear(&p);
}
END_TEST

START_TEST(exact_bytes_voting)
{
    ela_payload p;
    build_sample(&p, 0x63, 0, 0);
    char *v0 = cat("21", rep("70", 33), "00e1f50500000000", "e8030000", NULL);
    char *v1 = cat("21", rep("71", 33), "01e1f50500000000", "e9030000", NULL);
    char *v2 = cat("15", rep("72", 21), "02e1f50500000000", "ea030000", NULL);
    char *want = cat("02", "04", "02", v0, v1, "01", "01", v2, NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x63, 1, 0);
    char *v3 = cat("21", rep("73", 33), "03e1f50500000000", "eb030000", NULL);
    want = cat("01", rep("1d", 32), v3, NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    free(v0);
    free(v1);
    free(v2);
    free(v3);

    /* Other PVs: the count is read and nothing else; the writer writes nothing at all. */
    uint8_t buf[] = {0x05, 0xaa};
    ela_reader r;
    ela_reader_init(&r, buf, sizeof buf);
    ck_assert(ela_payload_read(&r, &p, 0x63, 2));
    ck_assert_uint_eq(r.pos, 1);
    ck_assert_uint_eq(p.u.voting.count, 5);
    ela_bytes b = write_payload(&p);
    ck_assert_uint_eq(b.len, 0);
    json_t *j = ela_payload_to_json(&p);
    char *s = json_dumps(j, JSON_COMPACT);
    ck_assert_str_eq(s, "{\"contents\":null,\"renewalcontents\":null}");
    free(s);
    json_decref(j);
    ela_payload_clear(&p);
}
END_TEST

START_TEST(exact_bytes_evidence)
{
    ela_payload p;
    build_sample(&p, 0x0f, 0, 0);
    char *prop2 = cat("21", rep("04", 33), rep("32", 32), "09000000", "40", rep("42", 64), NULL);
    char *prop3 = cat("21", rep("05", 33), rep("33", 32), "0a000000", "40", rep("43", 64), NULL);
    char *want = cat(rep("50", 32), "21", rep("03", 33), "01", "40", rep("60", 64), prop2, "04",
                     rep("79", 4), "0c000000", rep("51", 32), "21", rep("04", 33), "01", "40",
                     rep("61", 64), prop3, "03", rep("7a", 3), "0d000000", NULL);
    expect_bytes(&p, want);
    free(want);
    free(prop2);
    free(prop3);
    /* A vote's Accept byte: only 0x01 is true. */
    ela_bytes b = write_payload(&p);
    b.data[32 + 34] = 0x02;
    ela_reader r;
    ela_payload q;
    ela_reader_init(&r, b.data, b.len);
    ck_assert(ela_payload_read(&r, &q, 0x0f, 0));
    ck_assert(!q.u.illegal_votes.evidence.vote.accept);
    ela_payload_clear(&q);
    ela_bytes_clear(&b);
    ela_payload_clear(&p);

    build_sample(&p, 0x10, 0, 0);
    want = cat("01000000", "63000000", "03", rep("81", 3), "04", rep("83", 4), "02", rep("82", 2),
               "02", "21", rep("02", 33), "21", rep("03", 33), "01", rep("84", 1), "01", "21",
               rep("03", 33), NULL);
    expect_bytes(&p, want);
    ela_writer w;
    ela_writer_init(&w);
    ela_payload_write_unsigned(&w, &p);
    ck_assert_str_eq(ela_test_hex(w.data, w.len), "0100000063000000038181810483838383");
    ela_writer_clear(&w);
    free(want);
    ela_payload_clear(&p);
}
END_TEST

START_TEST(exact_bytes_versions)
{
    ela_payload p;
    /* ProducerInfo: PV 0 no StakeUntil; PV 1 StakeUntil + Signature; PV 2 StakeUntil only. */
    char *head = cat("21", rep("02", 33), "21", rep("03", 33), "046e69636b", "0375726c",
                     "5600000000000000", "07312e322e332e34", NULL);
    static const char *tails[] = {"40", "40420f0040", "40420f00", "40420f00"};
    for (uint8_t pv = 0; pv < 4; pv++) {
        build_sample(&p, 0x09, pv, 0);
        char *want = pv == 0   ? cat(head, "40", rep("44", 64), NULL)
                     : pv == 1 ? cat(head, tails[1], rep("44", 64), NULL)
                               : cat(head, tails[pv], NULL);
        expect_bytes(&p, want);
        ela_writer w;
        ela_writer_init(&w);
        ela_payload_write_unsigned(&w, &p);
        ck_assert_uint_eq(w.len, strlen(head) / 2 + (pv >= 1 ? 4 : 0));
        ela_writer_clear(&w);
        free(want);
        ela_payload_clear(&p);
    }
    free(head);
    /* CRInfo: PV 0 Code..Signature without DID; PV 1 with DID; PV 2/3 neither Code nor Sig. */
    char *cid = cat(rep("67", 21), NULL);
    char *rest = cat("026372", "08687474703a2f2f78", "0100000000000000", NULL);
    char *code = cat("23", rep("ac", 35), NULL);
    char *sig = cat("40", rep("47", 64), NULL);
    char *w0 = cat(code, cid, rest, sig, NULL);
    char *w1 = cat(code, cid, rep("68", 21), rest, sig, NULL);
    char *w2 = cat(cid, rep("68", 21), rest, NULL);
    const char *wants[] = {w0, w1, w2, w2};
    for (uint8_t pv = 0; pv < 4; pv++) {
        build_sample(&p, 0x21, pv, 0);
        expect_bytes(&p, wants[pv]);
        ela_payload_clear(&p);
    }
    free(cid);
    free(rest);
    free(code);
    free(sig);
    free(w0);
    free(w1);
    free(w2);
    /* WithdrawFromSideChain PV 0/1/2 and TransferCrossChainAsset PV 0/1. */
    build_sample(&p, 0x07, 0, 0);
    char *want = cat("c8000000", "0458516431", "02", rep("05", 32), rep("06", 32), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x07, 1, 0);
    expect_bytes(&p, "");
    ela_payload_clear(&p);
    build_sample(&p, 0x07, 2, 0);
    expect_bytes(&p, "03010305");
    ela_payload_clear(&p);
    build_sample(&p, 0x08, 0, 0);
    expect_bytes(&p, "0204454b6e3300804a5d05000000000430786162fd2c010100000000000000");
    ela_payload_clear(&p);
    build_sample(&p, 0x08, 1, 0);
    expect_bytes(&p, "");
    ela_payload_clear(&p);
    /* Claim/ReturnVotes PV 0 vs 1; CRCProposalWithdraw PV 1 only has Recipient and Amount. */
    build_sample(&p, 0x64, 1, 0);
    want = cat(rep("21", 21), "15cd5b0700000000", NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x60, 0, 0);
    want = cat(rep("21", 21), "23", rep("ac", 35), "15cd5b0700000000", "40", rep("4f", 64), NULL);
    expect_bytes(&p, want);
    ela_writer w;
    ela_writer_init(&w);
    ela_payload_write_unsigned(&w, &p);
    ck_assert_uint_eq(w.len, strlen(want) / 2 - 65);
    ela_writer_clear(&w);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x29, 2, 0);
    want = cat(rep("1a", 32), "21", rep("02", 33), "40", rep("4d", 64), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    /* NextTurnDPOSInfo PV 1 extra list; CreateNFT PV 0 vs 1. */
    build_sample(&p, 0x14, 1, 0);
    want = cat("09030000", "02", "21", rep("02", 33), "21", rep("03", 33), "01", "21",
               rep("03", 33), "03", "21", rep("04", 33), "21", rep("05", 33), "21", rep("06", 33),
               NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
    build_sample(&p, 0x71, 0, 0);
    want = cat(rep("1f", 32), "0453616263", rep("20", 32), NULL);
    expect_bytes(&p, want);
    free(want);
    ela_payload_clear(&p);
}
END_TEST

START_TEST(over_limit_lengths_rejected)
{
    static const struct {
        uint8_t type, pv;
        const char *hex;
    } bad[] = {
        /* ActivateProducer NodePublicKey 34 > 33. */
        {0x0d, 0, "22"},
        /* RecordSponsor 34 > 33. */
        {0x66, 0, "22"},
        /* ProducerInfo signature 65 > 64 (after minimal fields). */
        {0x09, 0, "0000000000000000000000000041"},
        /* CoinBase content > 1 MiB. */
        {0x00, 0, "fe01001000"},
        /* CRCProposal owner key 34 > 33. */
        {0x25, 0, "00000022"},
        /* Tracking owner key 36 > 35. */
        {0x27, 0, "" /* filled below */},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        char *hex = bad[i].type == 0x27 ? cat(rep("00", 64), "00", "24", NULL)
                                        : cat(bad[i].hex, NULL);
        ela_bytes b = ela_test_unhex(hex);
        /* Pad so that only the limit, not the end of data, can fail the read. */
        ela_bytes big;
        uint8_t *tmp = ela_xcalloc(b.len + 2000000, 1);
        memcpy(tmp, b.data, b.len);
        ela_bytes_set(&big, tmp, b.len + 2000000);
        free(tmp);
        ela_reader r;
        ela_payload p;
        ela_reader_init(&r, big.data, big.len);
        ck_assert_msg(!ela_payload_read(&r, &p, bad[i].type, bad[i].pv), "case %zu", i);
        ck_assert_str_eq(r.err, "count exceeds limit");
        ela_bytes_clear(&big);
        ela_bytes_clear(&b);
        free(hex);
    }
    /* A list count larger than the bytes left fails before allocating. */
    uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    ela_reader r;
    ela_payload p;
    ela_reader_init(&r, huge, sizeof huge);
    ck_assert(!ela_payload_read(&r, &p, 0x2a, 0));
    ck_assert_str_eq(r.err, "count exceeds limit");
}
END_TEST

/* ---- unsigned (signed-part) forms --------------------------------------------------------- */

static void check_signed_part(uint8_t type, uint8_t pv, uint16_t ptype, ela_payload_signer who,
                              const char *want)
{
    ela_payload p;
    build_sample(&p, type, pv, ptype);
    ela_writer w;
    ela_writer_init(&w);
    bool ok = ela_payload_write_signed_part(&w, &p, who);
    if (want) {
        ck_assert_msg(ok, "type 0x%02x", type);
        ck_assert_str_eq(ela_test_hex(w.data, w.len), want);
    } else {
        ck_assert(!ok);
        ck_assert_uint_eq(w.len, 0);
    }
    ela_writer_clear(&w);
    ela_payload_clear(&p);
}

START_TEST(signed_parts)
{
    char *s;
    s = cat(rep("01", 32), rep("02", 32), "05000000", NULL);
    check_signed_part(0x05, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    s = cat("21", rep("02", 33), NULL);
    check_signed_part(0x0a, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    s = cat("21", rep("03", 33), NULL);
    check_signed_part(0x0d, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    s = cat("21", rep("02", 33), "e1100000", NULL);
    check_signed_part(0x12, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    check_signed_part(0x22, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, rep("67", 21));
    s = cat(rep("15", 32), "01", rep("16", 32), "026f70", rep("67", 21), NULL);
    check_signed_part(0x26, 1, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    s = cat(rep("1a", 32), "21", rep("02", 33), rep("21", 21), "0088526a74000000", NULL);
    check_signed_part(0x29, 1, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    s = cat("21", rep("03", 33), rep("67", 21), NULL);
    check_signed_part(0x31, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    s = cat("02", "d2040000", "21", rep("02", 33), rep("91", 32), rep("92", 32), "045847656e",
            NULL);
    check_signed_part(0x11, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, s);
    free(s);
    /* Tracking: owner part, then + owner signature, then everything before the SG signature. */
    char *own = cat(rep("17", 32), rep("18", 32), "036d7367", "02", "21", rep("02", 33), "21",
                    rep("03", 33), NULL);
    check_signed_part(0x27, 1, 0, ELA_PAYLOAD_SIGNER_OWNER, own);
    s = cat(own, "40", rep("4a", 64), NULL);
    check_signed_part(0x27, 1, 0, ELA_PAYLOAD_SIGNER_NEW_OWNER, s);
    free(s);
    s = cat(own, "40", rep("4a", 64), "40", rep("4b", 64), "04", rep("19", 32), "0373676f", NULL);
    check_signed_part(0x27, 1, 0, ELA_PAYLOAD_SIGNER_SECRETARY, s);
    free(s);
    free(own);
    check_signed_part(0x27, 1, 0, ELA_PAYLOAD_SIGNER_CR_MEMBER, NULL);
    /* No payload signature: nothing. */
    check_signed_part(0x02, 0, 0, ELA_PAYLOAD_SIGNER_OWNER, NULL);
    check_signed_part(0x60, 1, 0, ELA_PAYLOAD_SIGNER_OWNER, NULL);
    check_signed_part(0x0d, 0, 0, ELA_PAYLOAD_SIGNER_CR_MEMBER, NULL);
}
END_TEST

/* ---- JSON: keys and their order as the reference's info structs declare them ------------- */

static char *keys_of(const json_t *j)
{
    if (json_is_null(j))
        return cat("null", NULL);
    ck_assert(json_is_object(j));
    char *out = cat("", NULL);
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)j, k, v)
    {
        char *n = cat(out, *out ? "," : "", k, NULL);
        free(out);
        out = n;
    }
    return out;
}

static const struct {
    uint8_t type, pv;
    uint16_t ptype;
    const char *keys;
} json_keys[] = {
    {0x00, 4, 0, "coinbasedata"},
    {0x01, 0, 0, "asset,amount,controller"},
    {0x02, 0, 0, "null"},
    {0x03, 0, 0, "null"},
    {0x05, 0, 0, "blockheight,sideblockhash,sidegenesishash,signature"},
    {0x07, 0, 0, "blockheight,genesisblockaddress,sidechaintransactionhashes"},
    {0x07, 1, 0, "null"},
    {0x07, 2, 0, "Signers"},
    {0x08, 0, 0, "crosschainaddresses,outputindexes,crosschainamounts"},
    {0x08, 1, 0, "null"},
    {0x09, 1, 0, "ownerpublickey,nodepublickey,nickname,url,location,netaddress,stakeuntil,"
                 "signature"},
    {0x0b, 2, 0, "ownerpublickey,nodepublickey,nickname,url,location,netaddress,stakeuntil,"
                 "signature"},
    {0x0a, 0, 0, "ownerpublickey,signature"},
    {0x0c, 0, 0, "null"},
    {0x0d, 0, 0, "nodepublickey,signature"},
    {0x0e, 0, 0, "evidence,compareevidence,hash"},
    {0x0f, 0, 0, "evidence,compareevidence,hash"},
    {0x10, 0, 0, "cointype,blockheight,evidence,compareevidence,hash"},
    {0x11, 0, 0, "null"},
    {0x12, 0, 0, "sponsor,arbitrators,blockheight"},
    {0x13, 0, 0, "startheight,endheight"},
    {0x14, 0, 0, "workingheight,crpublickeys,dpospublickeys"},
    {0x14, 1, 0, "workingheight,crpublickeys,dpospublickeys,CompleteCRPublicKeys"},
    {0x15, 0, 0, "proposalresults"},
    {0x21, 1, 0, "code,cid,did,nickname,url,location,signature"},
    {0x23, 2, 0, "cid,did,nickname,url,location"},
    {0x22, 0, 0, "cid,signature"},
    {0x24, 0, 0, "null"},
    {0x25, 1, 0x0000, "proposaltype,categorydata,ownerpublickey,drafthash,budgets,recipient,"
                      "signature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0100, "proposaltype,categorydata,ownerpublickey,drafthash,budgets,recipient,"
                      "signature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0101, "null"},
    {0x25, 1, 0x0200, "null"},
    {0x25, 1, 0x0401, "proposaltype,categorydata,ownerpublickey,drafthash,targetproposalhash,"
                      "newrecipient,newownerpublickey,signature,newownersignature,"
                      "crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0402, "proposaltype,categorydata,ownerpublickey,drafthash,targetproposalhash,"
                      "signature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0500, "proposaltype,categorydata,ownerpublickey,drafthash,reservedcustomidlist,"
                      "signature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0501, "proposaltype,categorydata,ownerpublickey,drafthash,receivecustomidlist,"
                      "receiverdid,signature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0502, "proposaltype,categorydata,ownerpublickey,drafthash,feerate,"
                      "eideffectiveheight,signature,crcouncilmemberdid,crcouncilmembersignature,"
                      "hash"},
    {0x25, 0, 0x0400, "proposaltype,categorydata,ownerpublickey,drafthash,"
                      "secretarygeneralpublickey,secretarygeneraldid,signature,"
                      "secretarygenerasignature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x25, 1, 0x0410, "proposaltype,categorydata,ownerpublickey,drafthash,sidechainname,"
                      "magicnumber,genesishash,exchangerate,effectiveheight,resourcepath,"
                      "signature,crcouncilmemberdid,crcouncilmembersignature,hash"},
    {0x26, 1, 0, "proposalhash,voteresult,opinionhash,did,sign"},
    {0x27, 1, 0, "proposaltrackingtype,proposalhash,messagehash,stage,ownerpublickey,"
                 "newownerpublickey,ownersignature,newownersignature,"
                 "secretarygeneralopinionhash,secretarygeneralsignature"},
    {0x28, 0, 0, "null"},
    {0x29, 0, 0, "proposalhash,ownerpublickey,signature"},
    {0x29, 1, 0, "proposalhash,ownerpublickey,recipient,amount,signature"},
    {0x2a, 0, 0, "withdrawtransactionhashes"},
    {0x2b, 0, 0, "null"},
    {0x31, 0, 0, "nodepublickey,crcouncilmemberdid,crcouncilmembersignature"},
    {0x41, 0, 0, "Type,WorkingHeight"},
    {0x42, 0, 0, "WorkHeightInterval,RevertToPOWBlockHeight"},
    {0x51, 1, 0, "null"},
    {0x60, 0, 0, "toaddr,code,value,signature"},
    {0x60, 1, 0, "toaddr,value"},
    {0x61, 0, 0, "withdrawtransactionhashes"},
    {0x62, 0, 0, ""},
    {0x63, 0, 0, "contents,renewalcontents"},
    {0x64, 0, 0, "toaddr,code,value,signature"},
    {0x64, 1, 0, "toaddr,value"},
    {0x65, 0, 0, "realReturnVotes"},
    {0x66, 0, 0, "null"},
    {0x71, 0, 0, "ID,ReferKey,StakeAddress,GenesisBlockHash"},
    {0x71, 1, 0, "ID,ReferKey,StakeAddress,GenesisBlockHash,StartHeight,EndHeight,Votes,"
                 "VoteRights,TargetOwnerKey"},
    {0x72, 0, 0, "IDs,OwnerStakeAddresses,GenesisBlockHash"},
};

START_TEST(json_keys_in_reference_order)
{
    for (size_t i = 0; i < ELA_ARRAY_LEN(json_keys); i++) {
        ela_payload p;
        build_sample(&p, json_keys[i].type, json_keys[i].pv, json_keys[i].ptype);
        json_t *j = ela_payload_to_json(&p);
        char *k = keys_of(j);
        ck_assert_msg(strcmp(k, json_keys[i].keys) == 0, "type 0x%02x pv %u: %s", json_keys[i].type,
                      json_keys[i].pv, k);
        free(k);
        json_decref(j);
        ela_payload_clear(&p);
    }
}
END_TEST

static void expect_json(const ela_payload *p, const char *want)
{
    json_t *j = ela_payload_to_json(p);
    char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
    ck_assert_str_eq(s, want);
    free(s);
    json_decref(j);
}

START_TEST(json_values)
{
    ela_payload p;
    /* The genesis RegisterAsset (spec/wire.md §6.2) as the reference prints it. */
    ela_payload_init(&p, 0x01, 0);
    setb(&p.u.register_asset.name, "ELA");
    p.u.register_asset.precision = 8;
    expect_json(&p, "{\"asset\":{\"Name\":\"ELA\",\"Description\":\"\",\"Precision\":8,"
                    "\"AssetType\":0,\"RecordType\":0},\"amount\":\"0\",\"controller\":\""
                    "000000000000000000000000000000000000000000\"}");
    /* The controller is printed byte-reversed; the amount in its Fixed64 text form. */
    p.u.register_asset.controller.b[0] = 0x21;
    p.u.register_asset.amount = 150000000;
    json_t *j = ela_payload_to_json(&p);
    ck_assert_str_eq(json_string_value(json_object_get(j, "controller")),
                     "000000000000000000000000000000000000000021");
    json_decref(j);
    ela_payload_clear(&p);
    ela_payload_init(&p, 0x01, 0);
    p.u.register_asset.controller.b[20] = 0x21;
    p.u.register_asset.amount = 150000000;
    j = ela_payload_to_json(&p);
    ck_assert_str_eq(json_string_value(json_object_get(j, "controller")),
                     "210000000000000000000000000000000000000000");
    ck_assert_str_eq(json_string_value(json_object_get(j, "amount")), "1.50000000");
    json_decref(j);
    ela_payload_clear(&p);

    /* Coinbase data: Go's string(bytes) with invalid UTF-8 replaced byte by byte. */
    ela_payload_init(&p, 0x00, 4);
    ela_bytes_set(&p.u.coinbase.content, (const uint8_t *)"EL\xff\xe2\x82" "A\xc3\xa9", 8);
    expect_json(&p, "{\"coinbasedata\":\"EL\\uFFFD\\uFFFD\\uFFFDA\\u00E9\"}");
    ela_payload_clear(&p);
    ela_payload_init(&p, 0x00, 4);
    setb(&p.u.coinbase.content, "ELA");
    expect_json(&p, "{\"coinbasedata\":\"ELA\"}");
    ela_payload_clear(&p);

    /* Empty and null forms; TransferAsset is null, ExchangeVotes an empty object. */
    ela_payload_init(&p, 0x02, 0);
    expect_json(&p, "null");
    ela_payload_init(&p, 0x62, 0);
    expect_json(&p, "{}");

    /* InactiveArbitrators: the reference never sets blockheight; no arbitrators is null. */
    ela_payload_init(&p, 0x12, 0);
    setb(&p.u.inactive_arbitrators.sponsor, "\x02");
    p.u.inactive_arbitrators.block_height = 99;
    expect_json(&p, "{\"sponsor\":\"02\",\"arbitrators\":null,\"blockheight\":0}");
    ela_payload_clear(&p);

    /* Addresses (spec/wire.md §5.6), display-order hashes, omitempty code/signature. */
    ela_payload_init(&p, 0x60, 0);
    ck_assert(ela_uint168_from_hex(&p.u.claim.to_addr,
                                   "1c603209ff5d86542d261a8d227fe0f5ee2c4ed2d3"));
    p.u.claim.value = 10;
    expect_json(&p, "{\"toaddr\":\"CREXPENSESXXXXXXXXXXXXXXXXXX4UdT6b\",\"value\":\"0.00000010\"}");
    ela_payload_clear(&p);
    ela_payload_init(&p, 0x2a, 0);
    p.u.real_withdraw.tx_hashes.items = ela_xcalloc(1, sizeof(ela_uint256));
    p.u.real_withdraw.tx_hashes.count = 1;
    p.u.real_withdraw.tx_hashes.items[0].b[0] = 0xab;
    expect_json(&p, "{\"withdrawtransactionhashes\":[\"" "00000000000000000000000000000000"
                    "000000000000000000000000000000ab\"]}");
    ela_payload_clear(&p);
    /* SideChainPow hashes print in internal order. */
    ela_payload_init(&p, 0x05, 0);
    p.u.sidechain_pow.side_block_hash.b[0] = 0xab;
    j = ela_payload_to_json(&p);
    ck_assert_str_eq(json_string_value(json_object_get(j, "sideblockhash")),
                     "ab00000000000000000000000000000000000000000000000000000000000000");
    json_decref(j);
    ela_payload_clear(&p);

    /* Voting PV 0: CRC candidates as addresses, proposal candidates display order. */
    ela_payload_init(&p, 0x63, 0);
    p.u.voting.count = 1;
    p.u.voting.contents = ela_xcalloc(1, sizeof(ela_votes_content));
    p.u.voting.contents[0].vote_type = 1;
    p.u.voting.contents[0].count = 1;
    p.u.voting.contents[0].votes = ela_xcalloc(1, sizeof(ela_votes_with_locktime));
    ela_bytes cand = ela_test_unhex("1c603209ff5d86542d261a8d227fe0f5ee2c4ed2d3");
    p.u.voting.contents[0].votes[0].candidate = cand;
    p.u.voting.contents[0].votes[0].votes = 100000000;
    p.u.voting.contents[0].votes[0].lock_time = 5;
    expect_json(&p, "{\"contents\":[{\"votetype\":1,\"votesinfo\":[{\"candidate\":"
                    "\"CREXPENSESXXXXXXXXXXXXXXXXXX4UdT6b\",\"votes\":\"1\",\"locktime\":5}]}],"
                    "\"renewalcontents\":null}");
    ela_payload_clear(&p);

    /* CRCProposal "hash" is the proposal hash: SHA256d of the whole payload, display order. */
    build_sample(&p, 0x25, 1, 0x0000);
    ela_bytes b = write_payload(&p);
    ela_uint256 h;
    ela_hash256(&h, b.data, b.len);
    char disp[65];
    ela_uint256_to_display(disp, &h);
    j = ela_payload_to_json(&p);
    ck_assert_str_eq(json_string_value(json_object_get(j, "hash")), disp);
    ck_assert_str_eq(json_string_value(json_object_get(j, "proposaltype")), "Normal");
    json_t *bud = json_array_get(json_object_get(j, "budgets"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(bud, "type")), "Imprest");
    ck_assert_str_eq(json_string_value(json_object_get(bud, "amount")), "1.50000000");
    json_decref(j);
    ela_bytes_clear(&b);
    ela_payload_clear(&p);

    /* CreateNFT ID = SHA256d(ReferKey || txid), display order. */
    build_sample(&p, 0x71, 0, 0);
    ela_uint256 txid;
    h256(&txid, 0x99);
    uint8_t buf[64];
    memcpy(buf, p.u.create_nft.refer_key.b, 32);
    memcpy(buf + 32, txid.b, 32);
    ela_hash256(&h, buf, 64);
    ela_uint256_to_display(disp, &h);
    j = ela_payload_to_json_tx(&p, &txid);
    ck_assert_str_eq(json_string_value(json_object_get(j, "ID")), disp);
    json_decref(j);
    ela_payload_clear(&p);
}
END_TEST

/* ---- vectors ------------------------------------------------------------------------------- */

/* Finds the payload in a serialized transaction: [version byte if >= 9], type, PV. */
static size_t locate_payload(const ela_bytes *tx, uint8_t *type, uint8_t *pv)
{
    size_t off = tx->data[0] >= 9 ? 1 : 0;
    *type = tx->data[off];
    *pv = tx->data[off + 1];
    return off + 2;
}

/* What follows the payload must be a well-formed attribute list (usage bytes are the
 * transaction module's concern: one doc vector has usage 0x02) and input list, and the first
 * output must carry the ELA asset id: this pins the payload's end exactly. */
static void check_payload_end(const char *id, const ela_bytes *tx, size_t end,
                              const ela_payload *p)
{
    static const char *ela_asset =
        "b037db964a231458d2d6ffd5ea18944c4f90e63d547c5d3b9874df66a4ead0a3";
    ela_reader r;
    ela_reader_init(&r, tx->data + end, tx->len - end);
    size_t n;
    ck_assert_msg(ela_read_count(&r, &n, 100), "%s: attributes at %zu", id, end);
    for (size_t i = 0; i < n; i++) {
        uint8_t usage;
        ela_bytes d = {0};
        ck_assert(ela_read_u8(&r, &usage));
        ck_assert(ela_read_varbytes(&r, &d, ELA_MAX_VAR_STRING));
        ela_bytes_clear(&d);
    }
    ck_assert(ela_read_count(&r, &n, 10000));
    for (size_t i = 0; i < n; i++) {
        const uint8_t *in;
        ck_assert(ela_read_view(&r, &in, 38));
    }
    ck_assert(ela_read_count(&r, &n, 10000));
    if (n > 0) {
        ela_uint256 asset;
        ck_assert(ela_read_uint256(&r, &asset));
        char hex[65];
        ela_uint256_to_internal_hex(hex, &asset);
        /* A RegisterAsset's outputs may carry the asset it registers. */
        if (p->tx_type != ELA_TX_REGISTER_ASSET)
            ck_assert_str_eq(hex, ela_asset);
    }
}

static void parse_vector_tx(const char *id, const char *txhex, ela_payload *out, size_t *start,
                            size_t *end, ela_bytes *tx, bool current_layout)
{
    *tx = ela_test_unhex(txhex);
    uint8_t type, pv;
    *start = locate_payload(tx, &type, &pv);
    ela_reader r;
    ela_reader_init(&r, tx->data + *start, tx->len - *start);
    ck_assert_msg(ela_payload_read(&r, out, type, pv), "%s: %s", id, r.err);
    *end = *start + r.pos;
    ela_bytes again = write_payload(out);
    ck_assert_msg(again.len == r.pos &&
                      (r.pos == 0 || memcmp(again.data, tx->data + *start, r.pos) == 0),
                  "%s: re-written payload differs", id);
    ela_bytes_clear(&again);
    if (current_layout)
        check_payload_end(id, tx, *end, out);
    truncations_fail(&(ela_bytes){tx->data + *start, r.pos}, type, pv);
    json_t *j = ela_payload_to_json(out);
    ck_assert_ptr_nonnull(j);
    json_decref(j);
}

static void eq_hex(const char *id, const char *key, const json_t *e, const uint8_t *p, size_t n)
{
    const char *want = json_string_value(json_object_get(e, key));
    ck_assert_msg(want != NULL, "%s: no %s", id, key);
    ck_assert_msg(strcmp(ela_test_hex(p, n), want) == 0, "%s: %s %s != %s", id, key,
                  ela_test_hex(p, n), want);
}

static void eq_str(const char *id, const char *key, const json_t *e, const ela_bytes *b)
{
    const char *want = json_string_value(json_object_get(e, key));
    ck_assert_msg(want && strlen(want) == b->len && memcmp(want, b->data, b->len) == 0, "%s: %s",
                  id, key);
}

static void eq_int(const char *id, const char *key, const json_t *e, long long v)
{
    json_t *x = json_object_get(e, key);
    ck_assert_msg(json_is_integer(x) && json_integer_value(x) == v, "%s: %s", id, key);
}

#define EQB(key, b) eq_hex(id, key, e, (b).data, (b).len)
#define EQH(key, h) eq_hex(id, key, e, (h).b, sizeof (h).b)

static void check_fields(const char *id, const ela_payload *p, const json_t *e)
{
    switch (p->tx_type) {
    case 0x0b: {
        const ela_payload_producer_info *a = &p->u.producer_info;
        EQB("owner", a->owner_key);
        EQB("node", a->node_public_key);
        eq_str(id, "nick", e, &a->nickname);
        eq_str(id, "url", e, &a->url);
        eq_int(id, "location", e, (long long)a->location);
        eq_str(id, "netaddr", e, &a->net_address);
        EQB("sig", a->signature);
        break;
    }
    case 0x0d:
        EQB("node", p->u.activate_producer.node_public_key);
        EQB("sig", p->u.activate_producer.signature);
        break;
    case 0x08: {
        const json_t *items = json_object_get(e, "items");
        ck_assert_uint_eq(json_array_size(items), p->u.transfer_crosschain_asset.count);
        for (size_t i = 0; i < p->u.transfer_crosschain_asset.count; i++) {
            const ela_crosschain_entry *x = &p->u.transfer_crosschain_asset.entries[i];
            const json_t *it = json_array_get(items, i);
            const char *addr = json_string_value(json_array_get(it, 0));
            ck_assert(addr && strlen(addr) == x->address.len &&
                      memcmp(addr, x->address.data, x->address.len) == 0);
            ck_assert_int_eq(json_integer_value(json_array_get(it, 1)), (long long)x->output_index);
            ck_assert_int_eq(json_integer_value(json_array_get(it, 2)), x->amount);
        }
        break;
    }
    case 0x07: {
        const ela_payload_withdraw_from_sidechain *w = &p->u.withdraw_from_sidechain;
        eq_int(id, "height", e, w->block_height);
        eq_str(id, "genesisaddr", e, &w->genesis_block_address);
        const json_t *hs = json_object_get(e, "hashes");
        ck_assert_uint_eq(json_array_size(hs), w->side_chain_tx_hashes.count);
        for (size_t i = 0; i < w->side_chain_tx_hashes.count; i++)
            ck_assert_str_eq(ela_test_hex(w->side_chain_tx_hashes.items[i].b, 32),
                             json_string_value(json_array_get(hs, i)));
        break;
    }
    case 0x26: {
        const ela_payload_crc_proposal_review *v = &p->u.crc_proposal_review;
        EQH("phash", v->proposal_hash);
        eq_int(id, "result", e, v->vote_result);
        EQH("ohash", v->opinion_hash);
        EQB("odata", v->opinion_data);
        EQH("did", v->did);
        EQB("sig", v->signature);
        break;
    }
    case 0x27: {
        const ela_payload_crc_proposal_tracking *t = &p->u.crc_proposal_tracking;
        EQH("phash", t->proposal_hash);
        EQH("mhash", t->message_hash);
        EQB("mdata", t->message_data);
        eq_int(id, "stage", e, t->stage);
        EQB("owner", t->owner_key);
        EQB("newowner", t->new_owner_key);
        EQB("ownersig", t->owner_signature);
        EQB("newownersig", t->new_owner_signature);
        eq_int(id, "ttype", e, t->tracking_type);
        EQH("sgohash", t->secretary_general_opinion_hash);
        EQB("sgodata", t->secretary_general_opinion_data);
        EQB("sgsig", t->secretary_general_signature);
        break;
    }
    case 0x29: {
        const ela_payload_crc_proposal_withdraw *w = &p->u.crc_proposal_withdraw;
        EQH("phash", w->proposal_hash);
        EQB("owner", w->owner_key);
        EQH("recipient", w->recipient);
        eq_int(id, "amount", e, w->amount);
        EQB("sig", w->signature);
        break;
    }
    case 0x25: {
        const ela_payload_crc_proposal *c = &p->u.crc_proposal;
        char pt[16];
        snprintf(pt, sizeof pt, "0x%x", c->proposal_type);
        ck_assert_str_eq(json_string_value(json_object_get(e, "ptype")), pt);
        eq_str(id, "category", e, &c->category_data);
        EQB("owner", c->owner_key);
        EQH("draft", c->draft_hash);
        if (json_object_get(e, "draftdata"))
            EQB("draftdata", c->draft_data);
        EQB("sig", c->signature);
        EQH("crdid", c->cr_council_member_did);
        EQB("crsig", c->cr_council_member_signature);
        switch (c->proposal_type) {
        case 0x0400:
            EQB("sgpk", c->secretary_general_public_key);
            EQH("sgdid", c->secretary_general_did);
            EQB("sgsig", c->secretary_general_signature);
            break;
        case 0x0401:
            EQH("target", c->target_proposal_hash);
            EQH("newrecipient", c->new_recipient);
            EQB("newowner", c->new_owner_key);
            EQB("newownersig", c->new_owner_signature);
            break;
        case 0x0402:
            EQH("target", c->target_proposal_hash);
            break;
        case 0x0500:
        case 0x0501: {
            const ela_bytes_list *l =
                c->proposal_type == 0x0500 ? &c->reserved_custom_ids : &c->received_custom_ids;
            const json_t *ids = json_object_get(e, "ids");
            ck_assert_uint_eq(json_array_size(ids), l->count);
            for (size_t i = 0; i < l->count; i++) {
                const char *s = json_string_value(json_array_get(ids, i));
                ck_assert(s && strlen(s) == l->items[i].len &&
                          memcmp(s, l->items[i].data, l->items[i].len) == 0);
            }
            if (c->proposal_type == 0x0501)
                EQH("receiver", c->receiver_did);
            break;
        }
        case 0x0502:
            eq_int(id, "rate", e, c->rate_of_custom_id_fee);
            eq_int(id, "eidh", e, c->eid_effective_height);
            break;
        case 0x0410:
            eq_str(id, "name", e, &c->sidechain_info.name);
            eq_int(id, "magic", e, c->sidechain_info.magic_number);
            EQH("genesis", c->sidechain_info.genesis_hash);
            eq_int(id, "rate", e, c->sidechain_info.exchange_rate);
            eq_int(id, "eff", e, c->sidechain_info.effective_height);
            eq_str(id, "path", e, &c->sidechain_info.resource_path);
            break;
        case 0x0000: {
            const json_t *bs = json_object_get(e, "budgets");
            ck_assert_uint_eq(json_array_size(bs), c->budget_count);
            for (size_t i = 0; i < c->budget_count; i++) {
                const json_t *b = json_array_get(bs, i);
                ck_assert_int_eq(json_integer_value(json_array_get(b, 0)), c->budgets[i].type);
                ck_assert_int_eq(json_integer_value(json_array_get(b, 1)), c->budgets[i].stage);
                ck_assert_int_eq(json_integer_value(json_array_get(b, 2)), c->budgets[i].amount);
            }
            EQH("recipient", c->recipient);
            break;
        }
        default:
            break;
        }
        break;
    }
    default:
        break;
    }
}

START_TEST(vectors_tx_json)
{
    json_t *j = ela_test_load_json("tx.json");
    json_t *vs = json_object_get(j, "vectors");
    size_t i, n = 0, types = 0;
    json_t *v;
    json_array_foreach(vs, i, v) {
        const json_t *exp = json_object_get(v, "expected");
        char id[32];
        snprintf(id, sizeof id, "tx.json[%zu]", i);
        ela_payload p;
        size_t start, end;
        ela_bytes tx;
        parse_vector_tx(id, ela_test_json_str(v, "hex"), &p, &start, &end, &tx, true);
        char tt[8];
        snprintf(tt, sizeof tt, "0x%02x", p.tx_type);
        ck_assert_str_eq(json_string_value(json_object_get(exp, "tx_type")), tt);
        ck_assert_int_eq(json_integer_value(json_object_get(exp, "payload_version")), p.version);
        if (p.tx_type != ELA_TX_TRANSFER_ASSET) {
            check_fields(id, &p, json_object_get(exp, "payload"));
            types++;
        }
        ela_payload_clear(&p);
        ela_bytes_clear(&tx);
        n++;
    }
    ck_assert_uint_eq(n, 31);
    ck_assert_uint_ge(types, 16);
    json_decref(j);
}
END_TEST

START_TEST(vectors_realdata)
{
    json_t *j = ela_test_load_json("realdata/ela_transactions.json");
    json_t *txs = json_object_get(j, "transactions");
    size_t i, n = 0;
    json_t *v;
    json_array_foreach(txs, i, v) {
        const char *id = ela_test_json_str(v, "id");
        ela_payload p;
        size_t start, end;
        ela_bytes tx;
        /* unittest-registercr is a 2019 pre-release RegisterCR whose CID is a var-string
         * address: today's layout (and the reference) reads a 21-byte CID there, so the
         * payload parses but ends elsewhere and the transaction does not parse. */
        bool current = strcmp(id, "unittest-registercr") != 0;
        parse_vector_tx(id, ela_test_json_str(v, "hex"), &p, &start, &end, &tx, current);
        ck_assert_str_eq(ela_tx_type_name(p.tx_type), ela_test_json_str(v, "tx_type_name"));
        if (p.tx_type == ELA_TX_COINBASE)
            ck_assert_uint_eq(p.u.coinbase.content.len, 3);
        ela_payload_clear(&p);
        ela_bytes_clear(&tx);
        n++;
    }
    ck_assert_uint_ge(n, 40);
    json_decref(j);
}
END_TEST

static Suite *payload_suite(void)
{
    Suite *s = suite_create("payload");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, type_names_and_unknown_types);
    tcase_add_test(tc, every_type_roundtrips);
    tcase_add_test(tc, exact_bytes_crc_proposal);
    tcase_add_test(tc, upgrade_code_writer_asymmetry);
    tcase_add_test(tc, exact_bytes_voting);
    tcase_add_test(tc, exact_bytes_evidence);
    tcase_add_test(tc, exact_bytes_versions);
    tcase_add_test(tc, over_limit_lengths_rejected);
    tcase_add_test(tc, signed_parts);
    tcase_add_test(tc, json_keys_in_reference_order);
    tcase_add_test(tc, json_values);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("payload vectors")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, vectors_tx_json);
        tcase_add_test(tv, vectors_realdata);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(payload_suite());
}
