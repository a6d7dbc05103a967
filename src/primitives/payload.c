/* elad: transaction payloads: reading, writing and releasing every layout of spec/wire.md §3.7.
 * The JSON rendering lives in payload_json.c. */
#include <ela/payload.h>

#include <ela/hash.h>

#include <stdlib.h>
#include <string.h>

#define MAX_VS ELA_MAX_VAR_STRING

const char *ela_tx_type_name(uint8_t tx_type)
{
    switch (tx_type) {
    case ELA_TX_COINBASE: return "CoinBase";
    case ELA_TX_REGISTER_ASSET: return "RegisterAsset";
    case ELA_TX_TRANSFER_ASSET: return "TransferAsset";
    case ELA_TX_RECORD: return "Record";
    case ELA_TX_DEPLOY: return "Deploy";
    case ELA_TX_SIDECHAIN_POW: return "SideChainPow";
    case ELA_TX_RECHARGE_TO_SIDECHAIN: return "RechargeToSideChain";
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN: return "WithdrawFromSideChain";
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET: return "TransferCrossChainAsset";
    case ELA_TX_REGISTER_PRODUCER: return "RegisterProducer";
    case ELA_TX_CANCEL_PRODUCER: return "CancelProducer";
    case ELA_TX_UPDATE_PRODUCER: return "UpdateProducer";
    case ELA_TX_RETURN_DEPOSIT_COIN: return "ReturnDepositCoin";
    case ELA_TX_ACTIVATE_PRODUCER: return "ActivateProducer";
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE: return "IllegalProposalEvidence";
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE: return "IllegalVoteEvidence";
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE: return "IllegalBlockEvidence";
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE: return "IllegalSidechainEvidence";
    case ELA_TX_INACTIVE_ARBITRATORS: return "InactiveArbitrators";
    case ELA_TX_UPDATE_VERSION: return "UpdateVersion";
    case ELA_TX_NEXT_TURN_DPOS_INFO: return "NextTurnDPOSInfo";
    case ELA_TX_PROPOSAL_RESULT: return "ProposalResult";
    case ELA_TX_REGISTER_CR: return "RegisterCR";
    case ELA_TX_UNREGISTER_CR: return "UnregisterCR";
    case ELA_TX_UPDATE_CR: return "UpdateCR";
    case ELA_TX_RETURN_CR_DEPOSIT_COIN: return "ReturnCRDepositCoin";
    case ELA_TX_CRC_PROPOSAL: return "CRCProposal";
    case ELA_TX_CRC_PROPOSAL_REVIEW: return "CRCProposalReview";
    case ELA_TX_CRC_PROPOSAL_TRACKING: return "CRCProposalTracking";
    case ELA_TX_CRC_APPROPRIATION: return "CRCAppropriation";
    case ELA_TX_CRC_PROPOSAL_WITHDRAW: return "CRCProposalWithdraw";
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW: return "CRCProposalRealWithdraw";
    case ELA_TX_CR_ASSETS_RECTIFY: return "CRAssetsRectify";
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE: return "CRCouncilMemberClaimNode";
    case ELA_TX_REVERT_TO_POW: return "RevertToPOW";
    case ELA_TX_REVERT_TO_DPOS: return "RevertToDPOS";
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN: return "ReturnSideChainDepositCoin";
    case ELA_TX_DPOSV2_CLAIM_REWARD: return "DposV2ClaimReward";
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW: return "DposV2ClaimRewardRealWithdraw";
    case ELA_TX_EXCHANGE_VOTES: return "ExchangeVotes";
    case ELA_TX_VOTING: return "Voting";
    case ELA_TX_RETURN_VOTES: return "ReturnVotes";
    case ELA_TX_VOTES_REAL_WITHDRAW: return "VotesRealWithdraw";
    case ELA_TX_RECORD_SPONSOR: return "RecordSponsor";
    case ELA_TX_CREATE_NFT: return "CreateNFT";
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN: return "NFTDestroyFromSideChain";
    default: return NULL;
    }
}

bool ela_payload_type_known(uint8_t tx_type)
{
    return ela_tx_type_name(tx_type) != NULL && tx_type != ELA_TX_DEPLOY &&
           tx_type != ELA_TX_RECHARGE_TO_SIDECHAIN;
}

void ela_payload_init(ela_payload *p, uint8_t tx_type, uint8_t version)
{
    memset(p, 0, sizeof *p);
    p->tx_type = tx_type;
    p->version = version;
}

/* ---- helpers ----------------------------------------------------------------------------- */

/* A count prefix whose elements take at least min_size bytes each: a count the remaining bytes
 * cannot hold fails before anything is allocated (the reference fails later, at end of data). */
static bool read_count(ela_reader *r, size_t *n, size_t min_size)
{
    return ela_read_count(r, n, ela_reader_left(r) / min_size);
}

static void *alloc_items(size_t n, size_t size)
{
    return n ? ela_xcalloc(n, size) : NULL;
}

static void write_vb(ela_writer *w, const ela_bytes *b)
{
    ela_write_varbytes(w, b->data, b->len);
}

static bool read_bytes_list(ela_reader *r, ela_bytes_list *l, size_t max_each)
{
    size_t n;
    if (!read_count(r, &n, 1))
        return false;
    l->items = alloc_items(n, sizeof *l->items);
    l->count = n;
    for (size_t i = 0; i < n; i++)
        if (!ela_read_varbytes(r, &l->items[i], max_each))
            return false;
    return true;
}

static void write_bytes_list(ela_writer *w, const ela_bytes_list *l)
{
    ela_write_varint(w, l->count);
    for (size_t i = 0; i < l->count; i++)
        write_vb(w, &l->items[i]);
}

static void clear_bytes_list(ela_bytes_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        ela_bytes_clear(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = 0;
}

static bool read_uint256_list(ela_reader *r, ela_uint256_list *l)
{
    size_t n;
    if (!read_count(r, &n, 32))
        return false;
    l->items = alloc_items(n, sizeof *l->items);
    l->count = n;
    for (size_t i = 0; i < n; i++)
        if (!ela_read_uint256(r, &l->items[i]))
            return false;
    return true;
}

static void write_uint256_list(ela_writer *w, const ela_uint256_list *l)
{
    ela_write_varint(w, l->count);
    for (size_t i = 0; i < l->count; i++)
        ela_write_uint256(w, &l->items[i]);
}

static bool read_uint168_list(ela_reader *r, ela_uint168_list *l)
{
    size_t n;
    if (!read_count(r, &n, 21))
        return false;
    l->items = alloc_items(n, sizeof *l->items);
    l->count = n;
    for (size_t i = 0; i < n; i++)
        if (!ela_read_uint168(r, &l->items[i]))
            return false;
    return true;
}

static void write_uint168_list(ela_writer *w, const ela_uint168_list *l)
{
    ela_write_varint(w, l->count);
    for (size_t i = 0; i < l->count; i++)
        ela_write_uint168(w, &l->items[i]);
}

/* "varint n, u8 Signers[n]" has exactly the var-bytes layout. */
static bool read_signers(ela_reader *r, ela_bytes *b)
{
    return ela_read_varbytes(r, b, SIZE_MAX);
}

/* ---- DPoS proposal / vote (spec/wire.md §2.7) --------------------------------------------- */

static bool read_proposal_evidence(ela_reader *r, ela_proposal_evidence *e)
{
    return ela_dpos_proposal_read(r, &e->proposal) &&
           ela_read_varbytes(r, &e->block_header, ELA_PAYLOAD_MAX_BLOCK_CONTEXT) &&
           ela_read_u32(r, &e->block_height);
}

static void write_proposal_evidence(ela_writer *w, const ela_proposal_evidence *e)
{
    ela_dpos_proposal_write(w, &e->proposal);
    write_vb(w, &e->block_header);
    ela_write_u32(w, e->block_height);
}

static void clear_proposal_evidence(ela_proposal_evidence *e)
{
    ela_dpos_proposal_clear(&e->proposal);
    ela_bytes_clear(&e->block_header);
}

static bool read_vote_evidence(ela_reader *r, ela_vote_evidence *e)
{
    return ela_dpos_vote_read(r, &e->vote) && read_proposal_evidence(r, &e->proposal_evidence);
}

static void write_vote_evidence(ela_writer *w, const ela_vote_evidence *e)
{
    ela_dpos_vote_write(w, &e->vote);
    write_proposal_evidence(w, &e->proposal_evidence);
}

static void clear_vote_evidence(ela_vote_evidence *e)
{
    ela_dpos_vote_clear(&e->vote);
    clear_proposal_evidence(&e->proposal_evidence);
}

static bool read_block_evidence_others(ela_reader *r, ela_block_evidence *e)
{
    return ela_read_varbytes(r, &e->block_confirm, ELA_PAYLOAD_MAX_BLOCK_CONFIRM) &&
           read_bytes_list(r, &e->signers, ELA_PAYLOAD_MAX_PUBKEY);
}

static void write_block_evidence_others(ela_writer *w, const ela_block_evidence *e)
{
    write_vb(w, &e->block_confirm);
    write_bytes_list(w, &e->signers);
}

static void clear_block_evidence(ela_block_evidence *e)
{
    ela_bytes_clear(&e->header);
    ela_bytes_clear(&e->block_confirm);
    clear_bytes_list(&e->signers);
}

/* ---- CRCProposal ------------------------------------------------------------------------ */

static bool is_upgrade_code(uint16_t t)
{
    return t == ELA_CRC_PROPOSAL_MAINCHAIN_UPGRADE_CODE || t == ELA_CRC_PROPOSAL_DID_UPGRADE_CODE ||
           t == ELA_CRC_PROPOSAL_ETH_UPGRADE_CODE;
}

static bool read_crc_proposal(ela_reader *r, ela_payload_crc_proposal *p, uint8_t pv)
{
    if (!ela_read_u16(r, &p->proposal_type) ||
        !ela_read_varbytes(r, &p->category_data, MAX_VS) ||
        !ela_read_varbytes(r, &p->owner_key, ELA_PAYLOAD_MAX_PUBKEY) ||
        !ela_read_uint256(r, &p->draft_hash))
        return false;
    uint16_t t = p->proposal_type;
    /* The upgrade-code layout has no DraftData whatever the PV (spec/wire.md §3.7). */
    if (pv >= 1 && !is_upgrade_code(t) &&
        !ela_read_varbytes(r, &p->draft_data, ELA_PAYLOAD_MAX_DATA))
        return false;
    bool ok;
    switch (t) {
    case ELA_CRC_PROPOSAL_CHANGE_OWNER:
        ok = ela_read_uint256(r, &p->target_proposal_hash) &&
             ela_read_uint168(r, &p->new_recipient) &&
             ela_read_varbytes(r, &p->new_owner_key, ELA_PAYLOAD_MAX_PUBKEY);
        break;
    case ELA_CRC_PROPOSAL_CLOSE:
        ok = ela_read_uint256(r, &p->target_proposal_hash);
        break;
    case ELA_CRC_PROPOSAL_SECRETARY_GENERAL:
        ok = ela_read_varbytes(r, &p->secretary_general_public_key, ELA_PAYLOAD_MAX_PUBKEY) &&
             ela_read_uint168(r, &p->secretary_general_did);
        break;
    case ELA_CRC_PROPOSAL_MAINCHAIN_UPGRADE_CODE:
    case ELA_CRC_PROPOSAL_DID_UPGRADE_CODE:
    case ELA_CRC_PROPOSAL_ETH_UPGRADE_CODE: {
        ela_crc_upgrade_code_info *u = &p->upgrade_code_info;
        p->has_upgrade_code_info = true;
        ok = ela_read_u32(r, &u->working_height) &&
             ela_read_varbytes(r, &u->node_version, MAX_VS) &&
             ela_read_varbytes(r, &u->node_download_url, MAX_VS) &&
             ela_read_uint256(r, &u->node_bin_hash) && ela_read_bool(r, &u->force_upgrade);
        break;
    }
    case ELA_CRC_PROPOSAL_REGISTER_SIDECHAIN: {
        ela_crc_sidechain_info *s = &p->sidechain_info;
        ok = ela_read_varbytes(r, &s->name, MAX_VS) && ela_read_u32(r, &s->magic_number) &&
             ela_read_uint256(r, &s->genesis_hash) && ela_read_i64(r, &s->exchange_rate) &&
             ela_read_u32(r, &s->effective_height) &&
             ela_read_varbytes(r, &s->resource_path, MAX_VS);
        break;
    }
    case ELA_CRC_PROPOSAL_RESERVE_CUSTOM_ID:
        ok = read_bytes_list(r, &p->reserved_custom_ids, MAX_VS);
        break;
    case ELA_CRC_PROPOSAL_RECEIVE_CUSTOM_ID:
        ok = read_bytes_list(r, &p->received_custom_ids, MAX_VS) &&
             ela_read_uint168(r, &p->receiver_did);
        break;
    case ELA_CRC_PROPOSAL_CHANGE_CUSTOM_ID_FEE:
        ok = ela_read_i64(r, &p->rate_of_custom_id_fee) &&
             ela_read_u32(r, &p->eid_effective_height);
        break;
    default: {
        size_t n;
        ok = read_count(r, &n, 10);
        if (ok) {
            p->budgets = alloc_items(n, sizeof *p->budgets);
            p->budget_count = n;
            for (size_t i = 0; ok && i < n; i++)
                ok = ela_read_u8(r, &p->budgets[i].type) &&
                     ela_read_u8(r, &p->budgets[i].stage) &&
                     ela_read_i64(r, &p->budgets[i].amount);
        }
        ok = ok && ela_read_uint168(r, &p->recipient);
        break;
    }
    }
    if (!ok || !ela_read_varbytes(r, &p->signature, ELA_PAYLOAD_MAX_SIG))
        return false;
    if (t == ELA_CRC_PROPOSAL_CHANGE_OWNER &&
        !ela_read_varbytes(r, &p->new_owner_signature, ELA_PAYLOAD_MAX_SIG))
        return false;
    if (t == ELA_CRC_PROPOSAL_SECRETARY_GENERAL &&
        !ela_read_varbytes(r, &p->secretary_general_signature, ELA_PAYLOAD_MAX_SIG))
        return false;
    return ela_read_uint168(r, &p->cr_council_member_did) &&
           ela_read_varbytes(r, &p->cr_council_member_signature, ELA_PAYLOAD_MAX_SIG);
}

static void write_crc_proposal_body(ela_writer *w, const ela_payload_crc_proposal *p, uint8_t pv)
{
    uint16_t t = p->proposal_type;
    ela_write_u16(w, t);
    write_vb(w, &p->category_data);
    write_vb(w, &p->owner_key);
    ela_write_uint256(w, &p->draft_hash);
    if (pv >= 1 && !is_upgrade_code(t))
        write_vb(w, &p->draft_data);
    switch (t) {
    case ELA_CRC_PROPOSAL_CHANGE_OWNER:
        ela_write_uint256(w, &p->target_proposal_hash);
        ela_write_uint168(w, &p->new_recipient);
        write_vb(w, &p->new_owner_key);
        break;
    case ELA_CRC_PROPOSAL_CLOSE:
        ela_write_uint256(w, &p->target_proposal_hash);
        break;
    case ELA_CRC_PROPOSAL_SECRETARY_GENERAL:
        write_vb(w, &p->secretary_general_public_key);
        ela_write_uint168(w, &p->secretary_general_did);
        break;
    case ELA_CRC_PROPOSAL_MAINCHAIN_UPGRADE_CODE:
    case ELA_CRC_PROPOSAL_DID_UPGRADE_CODE:
    case ELA_CRC_PROPOSAL_ETH_UPGRADE_CODE:
        if (p->has_upgrade_code_info) {
            const ela_crc_upgrade_code_info *u = &p->upgrade_code_info;
            ela_write_u32(w, u->working_height);
            write_vb(w, &u->node_version);
            write_vb(w, &u->node_download_url);
            ela_write_uint256(w, &u->node_bin_hash);
            ela_write_bool(w, u->force_upgrade);
        }
        break;
    case ELA_CRC_PROPOSAL_REGISTER_SIDECHAIN: {
        const ela_crc_sidechain_info *s = &p->sidechain_info;
        write_vb(w, &s->name);
        ela_write_u32(w, s->magic_number);
        ela_write_uint256(w, &s->genesis_hash);
        ela_write_i64(w, s->exchange_rate);
        ela_write_u32(w, s->effective_height);
        write_vb(w, &s->resource_path);
        break;
    }
    case ELA_CRC_PROPOSAL_RESERVE_CUSTOM_ID:
        write_bytes_list(w, &p->reserved_custom_ids);
        break;
    case ELA_CRC_PROPOSAL_RECEIVE_CUSTOM_ID:
        write_bytes_list(w, &p->received_custom_ids);
        ela_write_uint168(w, &p->receiver_did);
        break;
    case ELA_CRC_PROPOSAL_CHANGE_CUSTOM_ID_FEE:
        ela_write_i64(w, p->rate_of_custom_id_fee);
        ela_write_u32(w, p->eid_effective_height);
        break;
    default:
        ela_write_varint(w, p->budget_count);
        for (size_t i = 0; i < p->budget_count; i++) {
            ela_write_u8(w, p->budgets[i].type);
            ela_write_u8(w, p->budgets[i].stage);
            ela_write_i64(w, p->budgets[i].amount);
        }
        ela_write_uint168(w, &p->recipient);
        break;
    }
}

/* Body, the owner's and the second signer's signatures, and the CR member's DID: what the CR
 * council member signs. */
static void write_crc_proposal_cr_part(ela_writer *w, const ela_payload_crc_proposal *p,
                                       uint8_t pv)
{
    write_crc_proposal_body(w, p, pv);
    write_vb(w, &p->signature);
    if (p->proposal_type == ELA_CRC_PROPOSAL_CHANGE_OWNER)
        write_vb(w, &p->new_owner_signature);
    if (p->proposal_type == ELA_CRC_PROPOSAL_SECRETARY_GENERAL)
        write_vb(w, &p->secretary_general_signature);
    ela_write_uint168(w, &p->cr_council_member_did);
}

static void clear_crc_proposal(ela_payload_crc_proposal *p)
{
    ela_bytes_clear(&p->category_data);
    ela_bytes_clear(&p->owner_key);
    ela_bytes_clear(&p->draft_data);
    free(p->budgets);
    ela_bytes_clear(&p->new_owner_key);
    ela_bytes_clear(&p->secretary_general_public_key);
    ela_bytes_clear(&p->upgrade_code_info.node_version);
    ela_bytes_clear(&p->upgrade_code_info.node_download_url);
    ela_bytes_clear(&p->sidechain_info.name);
    ela_bytes_clear(&p->sidechain_info.resource_path);
    clear_bytes_list(&p->reserved_custom_ids);
    clear_bytes_list(&p->received_custom_ids);
    ela_bytes_clear(&p->signature);
    ela_bytes_clear(&p->new_owner_signature);
    ela_bytes_clear(&p->secretary_general_signature);
    ela_bytes_clear(&p->cr_council_member_signature);
}

/* ---- CRCProposalTracking ---------------------------------------------------------------- */

static void write_tracking_owner_part(ela_writer *w, const ela_payload_crc_proposal_tracking *t,
                                      uint8_t pv)
{
    ela_write_uint256(w, &t->proposal_hash);
    ela_write_uint256(w, &t->message_hash);
    if (pv >= 1)
        write_vb(w, &t->message_data);
    ela_write_u8(w, t->stage);
    write_vb(w, &t->owner_key);
    write_vb(w, &t->new_owner_key);
}

static void write_tracking_secretary_part(ela_writer *w,
                                          const ela_payload_crc_proposal_tracking *t, uint8_t pv)
{
    write_tracking_owner_part(w, t, pv);
    write_vb(w, &t->owner_signature);
    write_vb(w, &t->new_owner_signature);
    ela_write_u8(w, t->tracking_type);
    ela_write_uint256(w, &t->secretary_general_opinion_hash);
    if (pv >= 1)
        write_vb(w, &t->secretary_general_opinion_data);
}

/* ---- Voting ------------------------------------------------------------------------------ */

static bool read_votes_with_locktime(ela_reader *r, ela_votes_with_locktime *v)
{
    /* The reference ignores the error of a failed candidate read inside VotesContent and goes
     * on from wherever the stream is (spec/wire.md §3.5 note); failing here instead differs
     * only for malformed candidates. */
    return ela_read_varbytes(r, &v->candidate, ELA_PAYLOAD_MAX_CODE) &&
           ela_read_i64(r, &v->votes) && ela_read_u32(r, &v->lock_time);
}

static void write_votes_with_locktime(ela_writer *w, const ela_votes_with_locktime *v)
{
    write_vb(w, &v->candidate);
    ela_write_i64(w, v->votes);
    ela_write_u32(w, v->lock_time);
}

static bool read_voting(ela_reader *r, ela_payload_voting *v, uint8_t pv)
{
    size_t n;
    if (pv == 0) {
        if (!read_count(r, &n, 2))
            return false;
        v->contents = alloc_items(n, sizeof *v->contents);
        v->count = n;
        for (size_t i = 0; i < n; i++) {
            ela_votes_content *c = &v->contents[i];
            size_t k;
            if (!ela_read_u8(r, &c->vote_type) || !read_count(r, &k, 13))
                return false;
            c->votes = alloc_items(k, sizeof *c->votes);
            c->count = k;
            for (size_t j = 0; j < k; j++)
                if (!read_votes_with_locktime(r, &c->votes[j]))
                    return false;
        }
        return true;
    }
    if (pv == 1) {
        if (!read_count(r, &n, 45))
            return false;
        v->renewals = alloc_items(n, sizeof *v->renewals);
        v->count = n;
        for (size_t i = 0; i < n; i++)
            if (!ela_read_uint256(r, &v->renewals[i].refer_key) ||
                !read_votes_with_locktime(r, &v->renewals[i].votes))
                return false;
        return true;
    }
    /* Other PVs: the reference reads the count and nothing else. */
    return ela_read_varint(r, &v->count);
}

static void write_voting(ela_writer *w, const ela_payload_voting *v, uint8_t pv)
{
    if (pv == 0) {
        ela_write_varint(w, v->count);
        for (size_t i = 0; i < v->count; i++) {
            const ela_votes_content *c = &v->contents[i];
            ela_write_u8(w, c->vote_type);
            ela_write_varint(w, c->count);
            for (size_t j = 0; j < c->count; j++)
                write_votes_with_locktime(w, &c->votes[j]);
        }
    } else if (pv == 1) {
        ela_write_varint(w, v->count);
        for (size_t i = 0; i < v->count; i++) {
            ela_write_uint256(w, &v->renewals[i].refer_key);
            write_votes_with_locktime(w, &v->renewals[i].votes);
        }
    }
    /* Other PVs: the reference writes nothing, not even the count. */
}

static void clear_voting(ela_payload_voting *v)
{
    if (v->contents) {
        for (size_t i = 0; i < v->count; i++) {
            for (size_t j = 0; j < v->contents[i].count; j++)
                ela_bytes_clear(&v->contents[i].votes[j].candidate);
            free(v->contents[i].votes);
        }
        free(v->contents);
    }
    if (v->renewals) {
        for (size_t i = 0; i < v->count; i++)
            ela_bytes_clear(&v->renewals[i].votes.candidate);
        free(v->renewals);
    }
}

/* ---- read -------------------------------------------------------------------------------- */

static bool read_body(ela_reader *r, ela_payload *out)
{
    uint8_t pv = out->version;
    switch (out->tx_type) {
    case ELA_TX_COINBASE:
        return ela_read_varbytes(r, &out->u.coinbase.content, ELA_PAYLOAD_MAX_DATA);
    case ELA_TX_REGISTER_ASSET: {
        ela_payload_register_asset *a = &out->u.register_asset;
        return ela_read_varbytes(r, &a->name, MAX_VS) &&
               ela_read_varbytes(r, &a->description, MAX_VS) && ela_read_u8(r, &a->precision) &&
               ela_read_u8(r, &a->asset_type) && ela_read_u8(r, &a->record_type) &&
               ela_read_i64(r, &a->amount) && ela_read_uint168(r, &a->controller);
    }
    case ELA_TX_TRANSFER_ASSET:
    case ELA_TX_RETURN_DEPOSIT_COIN:
    case ELA_TX_RETURN_CR_DEPOSIT_COIN:
    case ELA_TX_CRC_APPROPRIATION:
    case ELA_TX_CR_ASSETS_RECTIFY:
    case ELA_TX_EXCHANGE_VOTES:
        return true;
    case ELA_TX_RECORD:
        return ela_read_varbytes(r, &out->u.record.type, MAX_VS) &&
               ela_read_varbytes(r, &out->u.record.content, ELA_PAYLOAD_MAX_DATA);
    case ELA_TX_SIDECHAIN_POW: {
        ela_payload_sidechain_pow *s = &out->u.sidechain_pow;
        return ela_read_uint256(r, &s->side_block_hash) &&
               ela_read_uint256(r, &s->side_genesis_hash) && ela_read_u32(r, &s->block_height) &&
               ela_read_varbytes(r, &s->signature, ELA_PAYLOAD_MAX_DATA);
    }
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN: {
        ela_payload_withdraw_from_sidechain *wd = &out->u.withdraw_from_sidechain;
        if (pv == 0)
            return ela_read_u32(r, &wd->block_height) &&
                   ela_read_varbytes(r, &wd->genesis_block_address, MAX_VS) &&
                   read_uint256_list(r, &wd->side_chain_tx_hashes);
        if (pv == 2)
            return read_signers(r, &wd->signers);
        return true;
    }
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET: {
        ela_payload_transfer_crosschain_asset *t = &out->u.transfer_crosschain_asset;
        size_t n;
        if (pv > 0)
            return true;
        if (!read_count(r, &n, 10))
            return false;
        t->entries = alloc_items(n, sizeof *t->entries);
        t->count = n;
        for (size_t i = 0; i < n; i++)
            if (!ela_read_varbytes(r, &t->entries[i].address, MAX_VS) ||
                !ela_read_varint(r, &t->entries[i].output_index) ||
                !ela_read_i64(r, &t->entries[i].amount))
                return false;
        return true;
    }
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER: {
        ela_payload_producer_info *a = &out->u.producer_info;
        if (!ela_read_varbytes(r, &a->owner_key, ELA_PAYLOAD_MAX_CODE) ||
            !ela_read_varbytes(r, &a->node_public_key, ELA_PAYLOAD_MAX_CODE) ||
            !ela_read_varbytes(r, &a->nickname, MAX_VS) ||
            !ela_read_varbytes(r, &a->url, MAX_VS) || !ela_read_u64(r, &a->location) ||
            !ela_read_varbytes(r, &a->net_address, MAX_VS))
            return false;
        if (pv >= 1 && !ela_read_u32(r, &a->stake_until))
            return false;
        return pv >= 2 || ela_read_varbytes(r, &a->signature, ELA_PAYLOAD_MAX_SIG);
    }
    case ELA_TX_CANCEL_PRODUCER: {
        ela_payload_process_producer *a = &out->u.process_producer;
        return ela_read_varbytes(r, &a->owner_key, ELA_PAYLOAD_MAX_CODE) &&
               (pv >= 1 || ela_read_varbytes(r, &a->signature, ELA_PAYLOAD_MAX_SIG));
    }
    case ELA_TX_ACTIVATE_PRODUCER: {
        ela_payload_activate_producer *a = &out->u.activate_producer;
        return ela_read_varbytes(r, &a->node_public_key, ELA_PAYLOAD_MAX_PUBKEY) &&
               ela_read_varbytes(r, &a->signature, ELA_PAYLOAD_MAX_SIG);
    }
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
        return read_proposal_evidence(r, &out->u.illegal_proposals.evidence) &&
               read_proposal_evidence(r, &out->u.illegal_proposals.compare_evidence);
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
        return read_vote_evidence(r, &out->u.illegal_votes.evidence) &&
               read_vote_evidence(r, &out->u.illegal_votes.compare_evidence);
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE: {
        ela_payload_illegal_blocks *b = &out->u.illegal_blocks;
        return ela_read_u32(r, &b->coin_type) && ela_read_u32(r, &b->block_height) &&
               ela_read_varbytes(r, &b->evidence.header, ELA_PAYLOAD_MAX_BLOCK_CONTEXT) &&
               ela_read_varbytes(r, &b->compare_evidence.header, ELA_PAYLOAD_MAX_BLOCK_CONTEXT) &&
               read_block_evidence_others(r, &b->evidence) &&
               read_block_evidence_others(r, &b->compare_evidence);
    }
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE: {
        ela_payload_sidechain_illegal_data *s = &out->u.sidechain_illegal_data;
        return ela_read_u8(r, &s->illegal_type) && ela_read_u32(r, &s->height) &&
               ela_read_varbytes(r, &s->illegal_signer, ELA_PAYLOAD_MAX_PUBKEY) &&
               ela_read_uint256(r, &s->evidence_data_hash) &&
               ela_read_uint256(r, &s->compare_evidence_data_hash) &&
               ela_read_varbytes(r, &s->genesis_block_address, MAX_VS) &&
               read_bytes_list(r, &s->signs, ELA_PAYLOAD_MAX_SIG);
    }
    case ELA_TX_INACTIVE_ARBITRATORS: {
        ela_payload_inactive_arbitrators *a = &out->u.inactive_arbitrators;
        return ela_read_varbytes(r, &a->sponsor, ELA_PAYLOAD_MAX_PUBKEY) &&
               ela_read_u32(r, &a->block_height) &&
               read_bytes_list(r, &a->arbitrators, ELA_PAYLOAD_MAX_PUBKEY);
    }
    case ELA_TX_UPDATE_VERSION:
        return ela_read_u32(r, &out->u.update_version.start_height) &&
               ela_read_u32(r, &out->u.update_version.end_height);
    case ELA_TX_NEXT_TURN_DPOS_INFO: {
        ela_payload_next_turn_dpos_info *n = &out->u.next_turn_dpos_info;
        return ela_read_u32(r, &n->working_height) &&
               read_bytes_list(r, &n->cr_public_keys, ELA_PAYLOAD_MAX_PUBKEY) &&
               read_bytes_list(r, &n->dpos_public_keys, ELA_PAYLOAD_MAX_PUBKEY) &&
               (pv < 1 ||
                read_bytes_list(r, &n->complete_cr_public_keys, ELA_PAYLOAD_MAX_PUBKEY));
    }
    case ELA_TX_PROPOSAL_RESULT: {
        ela_payload_proposal_result *p = &out->u.proposal_result;
        size_t n;
        if (!read_count(r, &n, 35))
            return false;
        p->results = alloc_items(n, sizeof *p->results);
        p->count = n;
        for (size_t i = 0; i < n; i++)
            if (!ela_read_uint256(r, &p->results[i].proposal_hash) ||
                !ela_read_u16(r, &p->results[i].proposal_type) ||
                !ela_read_bool(r, &p->results[i].result))
                return false;
        return true;
    }
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR: {
        ela_payload_cr_info *c = &out->u.cr_info;
        bool signed_form = pv != 2 && pv != 3;
        if (signed_form && !ela_read_varbytes(r, &c->code, ELA_PAYLOAD_MAX_CODE))
            return false;
        if (!ela_read_uint168(r, &c->cid) || (pv >= 1 && !ela_read_uint168(r, &c->did)) ||
            !ela_read_varbytes(r, &c->nickname, MAX_VS) ||
            !ela_read_varbytes(r, &c->url, MAX_VS) || !ela_read_u64(r, &c->location))
            return false;
        return !signed_form || ela_read_varbytes(r, &c->signature, ELA_PAYLOAD_MAX_SIG_SCRIPT);
    }
    case ELA_TX_UNREGISTER_CR: {
        ela_payload_unregister_cr *c = &out->u.unregister_cr;
        return ela_read_uint168(r, &c->cid) &&
               (pv == 1 || pv == 2 ||
                ela_read_varbytes(r, &c->signature, ELA_PAYLOAD_MAX_SIG_SCRIPT));
    }
    case ELA_TX_CRC_PROPOSAL:
        return read_crc_proposal(r, &out->u.crc_proposal, pv);
    case ELA_TX_CRC_PROPOSAL_REVIEW: {
        ela_payload_crc_proposal_review *v = &out->u.crc_proposal_review;
        return ela_read_uint256(r, &v->proposal_hash) && ela_read_u8(r, &v->vote_result) &&
               ela_read_uint256(r, &v->opinion_hash) &&
               (pv < 1 || ela_read_varbytes(r, &v->opinion_data, ELA_PAYLOAD_MAX_DATA)) &&
               ela_read_uint168(r, &v->did) &&
               ela_read_varbytes(r, &v->signature, ELA_PAYLOAD_MAX_SIG_SCRIPT);
    }
    case ELA_TX_CRC_PROPOSAL_TRACKING: {
        ela_payload_crc_proposal_tracking *t = &out->u.crc_proposal_tracking;
        return ela_read_uint256(r, &t->proposal_hash) && ela_read_uint256(r, &t->message_hash) &&
               (pv < 1 ||
                ela_read_varbytes(r, &t->message_data, ELA_PAYLOAD_MAX_MESSAGE_DATA)) &&
               ela_read_u8(r, &t->stage) &&
               ela_read_varbytes(r, &t->owner_key, ELA_PAYLOAD_MAX_PUBKEY_SCRIPT) &&
               ela_read_varbytes(r, &t->new_owner_key, ELA_PAYLOAD_MAX_PUBKEY_SCRIPT) &&
               ela_read_varbytes(r, &t->owner_signature, ELA_PAYLOAD_MAX_SIG) &&
               ela_read_varbytes(r, &t->new_owner_signature, ELA_PAYLOAD_MAX_SIG) &&
               ela_read_u8(r, &t->tracking_type) &&
               ela_read_uint256(r, &t->secretary_general_opinion_hash) &&
               (pv < 1 || ela_read_varbytes(r, &t->secretary_general_opinion_data,
                                            ELA_PAYLOAD_MAX_SG_OPINION_DATA)) &&
               ela_read_varbytes(r, &t->secretary_general_signature, ELA_PAYLOAD_MAX_SIG);
    }
    case ELA_TX_CRC_PROPOSAL_WITHDRAW: {
        ela_payload_crc_proposal_withdraw *wd = &out->u.crc_proposal_withdraw;
        return ela_read_uint256(r, &wd->proposal_hash) &&
               ela_read_varbytes(r, &wd->owner_key, ELA_PAYLOAD_MAX_PUBKEY) &&
               (pv != 1 ||
                (ela_read_uint168(r, &wd->recipient) && ela_read_i64(r, &wd->amount))) &&
               ela_read_varbytes(r, &wd->signature, ELA_PAYLOAD_MAX_SIG_SCRIPT);
    }
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        return read_uint256_list(r, &out->u.real_withdraw.tx_hashes);
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE: {
        ela_payload_cr_claim_node *c = &out->u.cr_claim_node;
        return ela_read_varbytes(r, &c->node_public_key, ELA_PAYLOAD_MAX_PUBKEY) &&
               ela_read_uint168(r, &c->cr_council_committee_did) &&
               ela_read_varbytes(r, &c->cr_council_committee_signature,
                                 ELA_PAYLOAD_MAX_SIG_SCRIPT);
    }
    case ELA_TX_REVERT_TO_POW:
        return ela_read_u8(r, &out->u.revert_to_pow.type) &&
               ela_read_u32(r, &out->u.revert_to_pow.working_height);
    case ELA_TX_REVERT_TO_DPOS:
        return ela_read_u32(r, &out->u.revert_to_dpos.work_height_interval) &&
               ela_read_u32(r, &out->u.revert_to_dpos.revert_to_pow_block_height);
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        return pv != 1 || read_signers(r, &out->u.return_sidechain_deposit.signers);
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES: {
        ela_payload_claim *c = &out->u.claim;
        return ela_read_uint168(r, &c->to_addr) &&
               (pv != 0 || ela_read_varbytes(r, &c->code, ELA_PAYLOAD_MAX_CODE)) &&
               ela_read_i64(r, &c->value) &&
               (pv != 0 || ela_read_varbytes(r, &c->signature, ELA_PAYLOAD_MAX_SIG_SCRIPT));
    }
    case ELA_TX_VOTING:
        return read_voting(r, &out->u.voting, pv);
    case ELA_TX_VOTES_REAL_WITHDRAW: {
        ela_payload_votes_real_withdraw *v = &out->u.votes_real_withdraw;
        size_t n;
        if (!read_count(r, &n, 61))
            return false;
        v->items = alloc_items(n, sizeof *v->items);
        v->count = n;
        for (size_t i = 0; i < n; i++)
            if (!ela_read_uint256(r, &v->items[i].return_votes_tx_hash) ||
                !ela_read_uint168(r, &v->items[i].stake_address) ||
                !ela_read_i64(r, &v->items[i].value))
                return false;
        return true;
    }
    case ELA_TX_RECORD_SPONSOR:
        return ela_read_varbytes(r, &out->u.record_sponsor.sponsor, ELA_PAYLOAD_MAX_PUBKEY);
    case ELA_TX_CREATE_NFT: {
        ela_payload_create_nft *c = &out->u.create_nft;
        if (!ela_read_uint256(r, &c->refer_key) ||
            !ela_read_varbytes(r, &c->stake_address, MAX_VS) ||
            !ela_read_uint256(r, &c->genesis_block_hash))
            return false;
        return pv < 1 ||
               (ela_read_u32(r, &c->start_height) && ela_read_u32(r, &c->end_height) &&
                ela_read_i64(r, &c->votes) && ela_read_i64(r, &c->vote_rights) &&
                ela_read_varbytes(r, &c->target_owner_key, ELA_PAYLOAD_MAX_CODE));
    }
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN: {
        ela_payload_nft_destroy *d = &out->u.nft_destroy;
        return read_uint256_list(r, &d->ids) && read_uint168_list(r, &d->owner_stake_addresses) &&
               ela_read_uint256(r, &d->genesis_block_hash);
    }
    default:
        return ela_reader_fail(r, "unknown transaction type");
    }
}

bool ela_payload_read(ela_reader *r, ela_payload *out, uint8_t tx_type, uint8_t version)
{
    ela_payload_init(out, tx_type, version);
    if (read_body(r, out))
        return true;
    ela_payload_clear(out);
    return false;
}

/* ---- write ------------------------------------------------------------------------------- */

void ela_payload_write(ela_writer *w, const ela_payload *p)
{
    uint8_t pv = p->version;
    switch (p->tx_type) {
    case ELA_TX_COINBASE:
        write_vb(w, &p->u.coinbase.content);
        break;
    case ELA_TX_REGISTER_ASSET: {
        const ela_payload_register_asset *a = &p->u.register_asset;
        write_vb(w, &a->name);
        write_vb(w, &a->description);
        ela_write_u8(w, a->precision);
        ela_write_u8(w, a->asset_type);
        ela_write_u8(w, a->record_type);
        ela_write_i64(w, a->amount);
        ela_write_uint168(w, &a->controller);
        break;
    }
    case ELA_TX_RECORD:
        write_vb(w, &p->u.record.type);
        write_vb(w, &p->u.record.content);
        break;
    case ELA_TX_SIDECHAIN_POW: {
        const ela_payload_sidechain_pow *s = &p->u.sidechain_pow;
        ela_write_uint256(w, &s->side_block_hash);
        ela_write_uint256(w, &s->side_genesis_hash);
        ela_write_u32(w, s->block_height);
        write_vb(w, &s->signature);
        break;
    }
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN: {
        const ela_payload_withdraw_from_sidechain *wd = &p->u.withdraw_from_sidechain;
        if (pv == 0) {
            ela_write_u32(w, wd->block_height);
            write_vb(w, &wd->genesis_block_address);
            write_uint256_list(w, &wd->side_chain_tx_hashes);
        } else if (pv == 2) {
            write_vb(w, &wd->signers);
        }
        break;
    }
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET: {
        const ela_payload_transfer_crosschain_asset *t = &p->u.transfer_crosschain_asset;
        if (pv > 0)
            break;
        ela_write_varint(w, t->count);
        for (size_t i = 0; i < t->count; i++) {
            write_vb(w, &t->entries[i].address);
            ela_write_varint(w, t->entries[i].output_index);
            ela_write_i64(w, t->entries[i].amount);
        }
        break;
    }
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER:
        ela_payload_write_unsigned(w, p);
        if (pv < 2)
            write_vb(w, &p->u.producer_info.signature);
        break;
    case ELA_TX_CANCEL_PRODUCER:
        write_vb(w, &p->u.process_producer.owner_key);
        if (pv < 1)
            write_vb(w, &p->u.process_producer.signature);
        break;
    case ELA_TX_ACTIVATE_PRODUCER:
        write_vb(w, &p->u.activate_producer.node_public_key);
        write_vb(w, &p->u.activate_producer.signature);
        break;
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
        write_proposal_evidence(w, &p->u.illegal_proposals.evidence);
        write_proposal_evidence(w, &p->u.illegal_proposals.compare_evidence);
        break;
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
        write_vote_evidence(w, &p->u.illegal_votes.evidence);
        write_vote_evidence(w, &p->u.illegal_votes.compare_evidence);
        break;
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
        ela_payload_write_unsigned(w, p);
        write_block_evidence_others(w, &p->u.illegal_blocks.evidence);
        write_block_evidence_others(w, &p->u.illegal_blocks.compare_evidence);
        break;
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
        ela_payload_write_unsigned(w, p);
        write_bytes_list(w, &p->u.sidechain_illegal_data.signs);
        break;
    case ELA_TX_INACTIVE_ARBITRATORS:
        ela_payload_write_unsigned(w, p);
        write_bytes_list(w, &p->u.inactive_arbitrators.arbitrators);
        break;
    case ELA_TX_UPDATE_VERSION:
        ela_write_u32(w, p->u.update_version.start_height);
        ela_write_u32(w, p->u.update_version.end_height);
        break;
    case ELA_TX_NEXT_TURN_DPOS_INFO: {
        const ela_payload_next_turn_dpos_info *n = &p->u.next_turn_dpos_info;
        ela_write_u32(w, n->working_height);
        write_bytes_list(w, &n->cr_public_keys);
        write_bytes_list(w, &n->dpos_public_keys);
        if (pv >= 1)
            write_bytes_list(w, &n->complete_cr_public_keys);
        break;
    }
    case ELA_TX_PROPOSAL_RESULT: {
        const ela_payload_proposal_result *r = &p->u.proposal_result;
        ela_write_varint(w, r->count);
        for (size_t i = 0; i < r->count; i++) {
            ela_write_uint256(w, &r->results[i].proposal_hash);
            ela_write_u16(w, r->results[i].proposal_type);
            ela_write_bool(w, r->results[i].result);
        }
        break;
    }
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR:
        ela_payload_write_unsigned(w, p);
        if (pv != 2 && pv != 3)
            write_vb(w, &p->u.cr_info.signature);
        break;
    case ELA_TX_UNREGISTER_CR:
        ela_write_uint168(w, &p->u.unregister_cr.cid);
        if (pv != 1 && pv != 2)
            write_vb(w, &p->u.unregister_cr.signature);
        break;
    case ELA_TX_CRC_PROPOSAL:
        write_crc_proposal_cr_part(w, &p->u.crc_proposal, pv);
        write_vb(w, &p->u.crc_proposal.cr_council_member_signature);
        break;
    case ELA_TX_CRC_PROPOSAL_REVIEW:
        ela_payload_write_unsigned(w, p);
        write_vb(w, &p->u.crc_proposal_review.signature);
        break;
    case ELA_TX_CRC_PROPOSAL_TRACKING:
        write_tracking_secretary_part(w, &p->u.crc_proposal_tracking, pv);
        write_vb(w, &p->u.crc_proposal_tracking.secretary_general_signature);
        break;
    case ELA_TX_CRC_PROPOSAL_WITHDRAW:
        ela_payload_write_unsigned(w, p);
        write_vb(w, &p->u.crc_proposal_withdraw.signature);
        break;
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        write_uint256_list(w, &p->u.real_withdraw.tx_hashes);
        break;
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
        ela_payload_write_unsigned(w, p);
        write_vb(w, &p->u.cr_claim_node.cr_council_committee_signature);
        break;
    case ELA_TX_REVERT_TO_POW:
        ela_write_u8(w, p->u.revert_to_pow.type);
        ela_write_u32(w, p->u.revert_to_pow.working_height);
        break;
    case ELA_TX_REVERT_TO_DPOS:
        ela_write_u32(w, p->u.revert_to_dpos.work_height_interval);
        ela_write_u32(w, p->u.revert_to_dpos.revert_to_pow_block_height);
        break;
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        if (pv == 1)
            write_vb(w, &p->u.return_sidechain_deposit.signers);
        break;
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES: {
        const ela_payload_claim *c = &p->u.claim;
        ela_write_uint168(w, &c->to_addr);
        if (pv == 0)
            write_vb(w, &c->code);
        ela_write_i64(w, c->value);
        if (pv == 0)
            write_vb(w, &c->signature);
        break;
    }
    case ELA_TX_VOTING:
        write_voting(w, &p->u.voting, pv);
        break;
    case ELA_TX_VOTES_REAL_WITHDRAW: {
        const ela_payload_votes_real_withdraw *v = &p->u.votes_real_withdraw;
        ela_write_varint(w, v->count);
        for (size_t i = 0; i < v->count; i++) {
            ela_write_uint256(w, &v->items[i].return_votes_tx_hash);
            ela_write_uint168(w, &v->items[i].stake_address);
            ela_write_i64(w, v->items[i].value);
        }
        break;
    }
    case ELA_TX_RECORD_SPONSOR:
        write_vb(w, &p->u.record_sponsor.sponsor);
        break;
    case ELA_TX_CREATE_NFT: {
        const ela_payload_create_nft *c = &p->u.create_nft;
        ela_write_uint256(w, &c->refer_key);
        write_vb(w, &c->stake_address);
        ela_write_uint256(w, &c->genesis_block_hash);
        if (pv >= 1) {
            ela_write_u32(w, c->start_height);
            ela_write_u32(w, c->end_height);
            ela_write_i64(w, c->votes);
            ela_write_i64(w, c->vote_rights);
            write_vb(w, &c->target_owner_key);
        }
        break;
    }
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
        write_uint256_list(w, &p->u.nft_destroy.ids);
        write_uint168_list(w, &p->u.nft_destroy.owner_stake_addresses);
        ela_write_uint256(w, &p->u.nft_destroy.genesis_block_hash);
        break;
    default: /* empty payloads */
        break;
    }
}

/* ---- signed parts ------------------------------------------------------------------------ */

bool ela_payload_write_signed_part(ela_writer *w, const ela_payload *p, ela_payload_signer who)
{
    uint8_t pv = p->version;
    if (p->tx_type == ELA_TX_CRC_PROPOSAL) {
        const ela_payload_crc_proposal *c = &p->u.crc_proposal;
        switch (who) {
        case ELA_PAYLOAD_SIGNER_NEW_OWNER:
            if (c->proposal_type != ELA_CRC_PROPOSAL_CHANGE_OWNER)
                return false;
            break;
        case ELA_PAYLOAD_SIGNER_SECRETARY:
            if (c->proposal_type != ELA_CRC_PROPOSAL_SECRETARY_GENERAL)
                return false;
            break;
        case ELA_PAYLOAD_SIGNER_CR_MEMBER:
            write_crc_proposal_cr_part(w, c, pv);
            return true;
        default:
            break;
        }
        write_crc_proposal_body(w, c, pv);
        return true;
    }
    if (p->tx_type == ELA_TX_CRC_PROPOSAL_TRACKING) {
        const ela_payload_crc_proposal_tracking *t = &p->u.crc_proposal_tracking;
        switch (who) {
        case ELA_PAYLOAD_SIGNER_OWNER:
            write_tracking_owner_part(w, t, pv);
            return true;
        case ELA_PAYLOAD_SIGNER_NEW_OWNER:
            write_tracking_owner_part(w, t, pv);
            write_vb(w, &t->owner_signature);
            return true;
        case ELA_PAYLOAD_SIGNER_SECRETARY:
            write_tracking_secretary_part(w, t, pv);
            return true;
        default:
            return false;
        }
    }
    if (who != ELA_PAYLOAD_SIGNER_OWNER)
        return false;
    switch (p->tx_type) {
    case ELA_TX_SIDECHAIN_POW: {
        const ela_payload_sidechain_pow *s = &p->u.sidechain_pow;
        ela_write_uint256(w, &s->side_block_hash);
        ela_write_uint256(w, &s->side_genesis_hash);
        ela_write_u32(w, s->block_height);
        return true;
    }
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER: {
        const ela_payload_producer_info *a = &p->u.producer_info;
        write_vb(w, &a->owner_key);
        write_vb(w, &a->node_public_key);
        write_vb(w, &a->nickname);
        write_vb(w, &a->url);
        ela_write_u64(w, a->location);
        write_vb(w, &a->net_address);
        if (pv >= 1)
            ela_write_u32(w, a->stake_until);
        return true;
    }
    case ELA_TX_CANCEL_PRODUCER:
        write_vb(w, &p->u.process_producer.owner_key);
        return true;
    case ELA_TX_ACTIVATE_PRODUCER:
        write_vb(w, &p->u.activate_producer.node_public_key);
        return true;
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE: {
        const ela_payload_illegal_blocks *b = &p->u.illegal_blocks;
        ela_write_u32(w, b->coin_type);
        ela_write_u32(w, b->block_height);
        write_vb(w, &b->evidence.header);
        write_vb(w, &b->compare_evidence.header);
        return true;
    }
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE: {
        const ela_payload_sidechain_illegal_data *s = &p->u.sidechain_illegal_data;
        ela_write_u8(w, s->illegal_type);
        ela_write_u32(w, s->height);
        write_vb(w, &s->illegal_signer);
        ela_write_uint256(w, &s->evidence_data_hash);
        ela_write_uint256(w, &s->compare_evidence_data_hash);
        write_vb(w, &s->genesis_block_address);
        return true;
    }
    case ELA_TX_INACTIVE_ARBITRATORS:
        write_vb(w, &p->u.inactive_arbitrators.sponsor);
        ela_write_u32(w, p->u.inactive_arbitrators.block_height);
        return true;
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR: {
        const ela_payload_cr_info *c = &p->u.cr_info;
        if (pv != 2 && pv != 3)
            write_vb(w, &c->code);
        ela_write_uint168(w, &c->cid);
        if (pv >= 1)
            ela_write_uint168(w, &c->did);
        write_vb(w, &c->nickname);
        write_vb(w, &c->url);
        ela_write_u64(w, c->location);
        return true;
    }
    case ELA_TX_UNREGISTER_CR:
        ela_write_uint168(w, &p->u.unregister_cr.cid);
        return true;
    case ELA_TX_CRC_PROPOSAL_REVIEW: {
        const ela_payload_crc_proposal_review *v = &p->u.crc_proposal_review;
        ela_write_uint256(w, &v->proposal_hash);
        ela_write_u8(w, v->vote_result);
        ela_write_uint256(w, &v->opinion_hash);
        if (pv >= 1)
            write_vb(w, &v->opinion_data);
        ela_write_uint168(w, &v->did);
        return true;
    }
    case ELA_TX_CRC_PROPOSAL_WITHDRAW: {
        const ela_payload_crc_proposal_withdraw *wd = &p->u.crc_proposal_withdraw;
        ela_write_uint256(w, &wd->proposal_hash);
        write_vb(w, &wd->owner_key);
        if (pv == 1) {
            ela_write_uint168(w, &wd->recipient);
            ela_write_i64(w, wd->amount);
        }
        return true;
    }
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
        write_vb(w, &p->u.cr_claim_node.node_public_key);
        ela_write_uint168(w, &p->u.cr_claim_node.cr_council_committee_did);
        return true;
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES:
        if (pv != 0)
            return false;
        ela_write_uint168(w, &p->u.claim.to_addr);
        write_vb(w, &p->u.claim.code);
        ela_write_i64(w, p->u.claim.value);
        return true;
    default:
        return false;
    }
}

void ela_payload_write_unsigned(ela_writer *w, const ela_payload *p)
{
    if (!ela_payload_write_signed_part(w, p, ELA_PAYLOAD_SIGNER_OWNER))
        return; /* nothing is signed: nothing to write */
}

bool ela_payload_hash(ela_uint256 *out, const ela_payload *p)
{
    ela_writer w;
    ela_writer_init(&w);
    switch (p->tx_type) {
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
    case ELA_TX_CRC_PROPOSAL:
        ela_payload_write(&w, p);
        break;
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
    case ELA_TX_INACTIVE_ARBITRATORS:
        ela_payload_write_unsigned(&w, p);
        break;
    default:
        ela_writer_clear(&w);
        memset(out, 0, sizeof *out);
        return false;
    }
    ela_hash256(out, w.data, w.len);
    ela_writer_clear(&w);
    return true;
}

/* ---- clear ------------------------------------------------------------------------------- */

void ela_payload_clear(ela_payload *p)
{
    switch (p->tx_type) {
    case ELA_TX_COINBASE:
        ela_bytes_clear(&p->u.coinbase.content);
        break;
    case ELA_TX_REGISTER_ASSET:
        ela_bytes_clear(&p->u.register_asset.name);
        ela_bytes_clear(&p->u.register_asset.description);
        break;
    case ELA_TX_RECORD:
        ela_bytes_clear(&p->u.record.type);
        ela_bytes_clear(&p->u.record.content);
        break;
    case ELA_TX_SIDECHAIN_POW:
        ela_bytes_clear(&p->u.sidechain_pow.signature);
        break;
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN:
        ela_bytes_clear(&p->u.withdraw_from_sidechain.genesis_block_address);
        free(p->u.withdraw_from_sidechain.side_chain_tx_hashes.items);
        ela_bytes_clear(&p->u.withdraw_from_sidechain.signers);
        break;
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET:
        for (size_t i = 0; i < p->u.transfer_crosschain_asset.count; i++)
            ela_bytes_clear(&p->u.transfer_crosschain_asset.entries[i].address);
        free(p->u.transfer_crosschain_asset.entries);
        break;
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER: {
        ela_payload_producer_info *a = &p->u.producer_info;
        ela_bytes_clear(&a->owner_key);
        ela_bytes_clear(&a->node_public_key);
        ela_bytes_clear(&a->nickname);
        ela_bytes_clear(&a->url);
        ela_bytes_clear(&a->net_address);
        ela_bytes_clear(&a->signature);
        break;
    }
    case ELA_TX_CANCEL_PRODUCER:
        ela_bytes_clear(&p->u.process_producer.owner_key);
        ela_bytes_clear(&p->u.process_producer.signature);
        break;
    case ELA_TX_ACTIVATE_PRODUCER:
        ela_bytes_clear(&p->u.activate_producer.node_public_key);
        ela_bytes_clear(&p->u.activate_producer.signature);
        break;
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
        clear_proposal_evidence(&p->u.illegal_proposals.evidence);
        clear_proposal_evidence(&p->u.illegal_proposals.compare_evidence);
        break;
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE:
        clear_vote_evidence(&p->u.illegal_votes.evidence);
        clear_vote_evidence(&p->u.illegal_votes.compare_evidence);
        break;
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE:
        clear_block_evidence(&p->u.illegal_blocks.evidence);
        clear_block_evidence(&p->u.illegal_blocks.compare_evidence);
        break;
    case ELA_TX_ILLEGAL_SIDECHAIN_EVIDENCE:
        ela_bytes_clear(&p->u.sidechain_illegal_data.illegal_signer);
        ela_bytes_clear(&p->u.sidechain_illegal_data.genesis_block_address);
        clear_bytes_list(&p->u.sidechain_illegal_data.signs);
        break;
    case ELA_TX_INACTIVE_ARBITRATORS:
        ela_bytes_clear(&p->u.inactive_arbitrators.sponsor);
        clear_bytes_list(&p->u.inactive_arbitrators.arbitrators);
        break;
    case ELA_TX_NEXT_TURN_DPOS_INFO:
        clear_bytes_list(&p->u.next_turn_dpos_info.cr_public_keys);
        clear_bytes_list(&p->u.next_turn_dpos_info.dpos_public_keys);
        clear_bytes_list(&p->u.next_turn_dpos_info.complete_cr_public_keys);
        break;
    case ELA_TX_PROPOSAL_RESULT:
        free(p->u.proposal_result.results);
        break;
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR:
        ela_bytes_clear(&p->u.cr_info.code);
        ela_bytes_clear(&p->u.cr_info.nickname);
        ela_bytes_clear(&p->u.cr_info.url);
        ela_bytes_clear(&p->u.cr_info.signature);
        break;
    case ELA_TX_UNREGISTER_CR:
        ela_bytes_clear(&p->u.unregister_cr.signature);
        break;
    case ELA_TX_CRC_PROPOSAL:
        clear_crc_proposal(&p->u.crc_proposal);
        break;
    case ELA_TX_CRC_PROPOSAL_REVIEW:
        ela_bytes_clear(&p->u.crc_proposal_review.opinion_data);
        ela_bytes_clear(&p->u.crc_proposal_review.signature);
        break;
    case ELA_TX_CRC_PROPOSAL_TRACKING: {
        ela_payload_crc_proposal_tracking *t = &p->u.crc_proposal_tracking;
        ela_bytes_clear(&t->message_data);
        ela_bytes_clear(&t->owner_key);
        ela_bytes_clear(&t->new_owner_key);
        ela_bytes_clear(&t->owner_signature);
        ela_bytes_clear(&t->new_owner_signature);
        ela_bytes_clear(&t->secretary_general_opinion_data);
        ela_bytes_clear(&t->secretary_general_signature);
        break;
    }
    case ELA_TX_CRC_PROPOSAL_WITHDRAW:
        ela_bytes_clear(&p->u.crc_proposal_withdraw.owner_key);
        ela_bytes_clear(&p->u.crc_proposal_withdraw.signature);
        break;
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        free(p->u.real_withdraw.tx_hashes.items);
        break;
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
        ela_bytes_clear(&p->u.cr_claim_node.node_public_key);
        ela_bytes_clear(&p->u.cr_claim_node.cr_council_committee_signature);
        break;
    case ELA_TX_RETURN_SIDECHAIN_DEPOSIT_COIN:
        ela_bytes_clear(&p->u.return_sidechain_deposit.signers);
        break;
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES:
        ela_bytes_clear(&p->u.claim.code);
        ela_bytes_clear(&p->u.claim.signature);
        break;
    case ELA_TX_VOTING:
        clear_voting(&p->u.voting);
        break;
    case ELA_TX_VOTES_REAL_WITHDRAW:
        free(p->u.votes_real_withdraw.items);
        break;
    case ELA_TX_RECORD_SPONSOR:
        ela_bytes_clear(&p->u.record_sponsor.sponsor);
        break;
    case ELA_TX_CREATE_NFT:
        ela_bytes_clear(&p->u.create_nft.stake_address);
        ela_bytes_clear(&p->u.create_nft.target_owner_key);
        break;
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN:
        free(p->u.nft_destroy.ids.items);
        free(p->u.nft_destroy.owner_stake_addresses.items);
        break;
    default:
        break;
    }
    uint8_t t = p->tx_type, v = p->version;
    ela_payload_init(p, t, v);
}
