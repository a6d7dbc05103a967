/* elad: payloads rendered as the reference's getPayloadInfo does (servers/interfaces.go, with
 * the info structs of servers/common.go): same keys, same key order, same value forms.
 *
 * Go details reproduced here: a nil slice renders as null while a slice made empty renders as
 * []; strings from the wire have each byte of an invalid UTF-8 sequence replaced by U+FFFD;
 * Uint256.String() is internal order while ToReversedString is display order. */
#include <ela/payload.h>

#include <ela/address.h>
#include <ela/amount.h>
#include <ela/hash.h>
#include <ela/hex.h>
#include <ela/json.h>

#include <stdlib.h>
#include <string.h>

/* A Go string(bytes) as JSON: invalid bytes become U+FFFD one by one. */
static json_t *jstr(const ela_bytes *b)
{
    return ela_json_string_from_bytes(b->data, b->len);
}

static json_t *jhex(const ela_bytes *b)
{
    char *s = ela_hex_encode_new(b->data, b->len);
    json_t *j = json_string(s);
    free(s);
    return j;
}

/* Display order (ToReversedString). */
static json_t *jrev(const ela_uint256 *h)
{
    char s[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_display(s, h);
    return json_string(s);
}

/* Internal order (Uint256.String()). */
static json_t *jinternal(const ela_uint256 *h)
{
    char s[ELA_UINT256_HEX_LEN + 1];
    ela_uint256_to_internal_hex(s, h);
    return json_string(s);
}

/* Uint168.ToAddress(); the reference ignores its error and prints "". */
static json_t *jaddr(const ela_uint168 *ph)
{
    char s[ELA_ADDRESS_MAX];
    if (!ela_address_from_program_hash(s, ph))
        s[0] = '\0';
    return json_string(s);
}

static json_t *jamount(int64_t v)
{
    char s[ELA_AMOUNT_STR_LEN];
    ela_amount_to_string(s, v);
    return json_string(s);
}

/* jansson integers are signed 64-bit: a uint64 above INT64_MAX (which Go prints unsigned)
 * cannot be represented and wraps. */
static json_t *jint(int64_t v)
{
    return json_integer((json_int_t)v);
}

static json_t *jhash_of(const uint8_t *p, size_t len)
{
    ela_uint256 h;
    ela_hash256(&h, p, len);
    return jrev(&h);
}

#define SET(obj, key, val) json_object_set_new((obj), (key), (val))

/* A list of byte strings as hex: null when empty if nil_when_empty (a Go nil slice). */
static json_t *jhex_list(const ela_bytes_list *l, bool nil_when_empty)
{
    if (l->count == 0 && nil_when_empty)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < l->count; i++)
        json_array_append_new(a, jhex(&l->items[i]));
    return a;
}

static json_t *jrev_list(const ela_uint256_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->count; i++)
        json_array_append_new(a, jrev(&l->items[i]));
    return a;
}

static const char *crc_proposal_type_name(uint16_t t)
{
    switch (t) {
    case ELA_CRC_PROPOSAL_NORMAL: return "Normal";
    case ELA_CRC_PROPOSAL_ELIP: return "ELIP";
    case ELA_CRC_PROPOSAL_REGISTER_SIDECHAIN: return "RegisterSideChain";
    case ELA_CRC_PROPOSAL_CHANGE_OWNER: return "ChangeProposalOwner";
    case ELA_CRC_PROPOSAL_CLOSE: return "CloseProposal";
    case ELA_CRC_PROPOSAL_SECRETARY_GENERAL: return "SecretaryGeneral";
    case ELA_CRC_PROPOSAL_RESERVE_CUSTOM_ID: return "ReserveCustomID";
    case ELA_CRC_PROPOSAL_RECEIVE_CUSTOM_ID: return "ReceiveCustomID";
    case ELA_CRC_PROPOSAL_CHANGE_CUSTOM_ID_FEE: return "ChangeCustomIDFee";
    default: return "Unknown";
    }
}

static const char *budget_type_name(uint8_t t)
{
    switch (t) {
    case 0: return "Imprest";
    case 1: return "NormalPayment";
    case 2: return "FinalPayment";
    default: return "Unknown";
    }
}

static const char *vote_result_name(uint8_t v)
{
    switch (v) {
    case 0: return "approve";
    case 1: return "reject";
    case 2: return "abstain";
    default: return "unknown";
    }
}

static const char *tracking_type_name(uint8_t t)
{
    static const char *names[] = {"Common",     "Progress",    "Rejected",
                                  "Terminated", "ChangeOwner", "Finalized"};
    return t < ELA_ARRAY_LEN(names) ? names[t] : "Unknown";
}

static const char *revert_type_name(uint8_t t)
{
    static const char *names[] = {"NoBlock", "NoProducers", "NoClaimDPOSNode"};
    return t < ELA_ARRAY_LEN(names) ? names[t] : "Unknown";
}

static json_t *dpos_proposal_json(const ela_dpos_proposal *p)
{
    ela_uint256 h;
    ela_dpos_proposal_hash(&h, p);
    json_t *o = json_object();
    SET(o, "sponsor", jhex(&p->sponsor));
    SET(o, "blockhash", jrev(&p->block_hash));
    SET(o, "viewoffset", jint(p->view_offset));
    SET(o, "sign", jhex(&p->sign));
    SET(o, "hash", jrev(&h));
    return o;
}

static json_t *dpos_vote_json(const ela_dpos_vote *v)
{
    ela_uint256 h;
    ela_dpos_vote_hash(&h, v);
    json_t *o = json_object();
    SET(o, "proposalhash", jrev(&v->proposal_hash));
    SET(o, "signer", jhex(&v->signer));
    SET(o, "accept", json_boolean(v->accept));
    SET(o, "sign", jhex(&v->sign));
    SET(o, "hash", jrev(&h));
    return o;
}

/* ProposalEvidenceInfo; VoteEvidenceInfo embeds it and adds "vote" after its members. */
static json_t *proposal_evidence_json(const ela_proposal_evidence *e)
{
    json_t *o = json_object();
    SET(o, "proposal", dpos_proposal_json(&e->proposal));
    SET(o, "blockheight", jint(e->block_height));
    return o;
}

static json_t *block_evidence_json(const ela_block_evidence *e)
{
    ela_writer w;
    ela_writer_init(&w);
    ela_write_varbytes(&w, e->header.data, e->header.len);
    ela_write_varbytes(&w, e->block_confirm.data, e->block_confirm.len);
    ela_write_varint(&w, e->signers.count);
    for (size_t i = 0; i < e->signers.count; i++)
        ela_write_varbytes(&w, e->signers.items[i].data, e->signers.items[i].len);
    json_t *o = json_object();
    SET(o, "header", jhex(&e->header));
    SET(o, "blockconfirm", jhex(&e->block_confirm));
    SET(o, "signers", jhex_list(&e->signers, false));
    SET(o, "hash", jhash_of(w.data, w.len));
    ela_writer_clear(&w);
    return o;
}

static json_t *payload_hash_json(const ela_payload *p)
{
    ela_uint256 h;
    if (!ela_payload_hash(&h, p))
        memset(&h, 0, sizeof h);
    return jrev(&h);
}

/* The common head and tail of the CRCProposal info structs. */
static void crc_head(json_t *o, const ela_payload_crc_proposal *c)
{
    SET(o, "proposaltype", json_string(crc_proposal_type_name(c->proposal_type)));
    SET(o, "categorydata", jstr(&c->category_data));
    SET(o, "ownerpublickey", jhex(&c->owner_key));
    SET(o, "drafthash", jrev(&c->draft_hash));
}

static void crc_tail(json_t *o, const ela_payload *p)
{
    const ela_payload_crc_proposal *c = &p->u.crc_proposal;
    SET(o, "crcouncilmemberdid", jaddr(&c->cr_council_member_did));
    SET(o, "crcouncilmembersignature", jhex(&c->cr_council_member_signature));
    SET(o, "hash", payload_hash_json(p));
}

static json_t *jstr_list(const ela_bytes_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->count; i++)
        json_array_append_new(a, jstr(&l->items[i]));
    return a;
}

static json_t *crc_proposal_json(const ela_payload *p)
{
    const ela_payload_crc_proposal *c = &p->u.crc_proposal;
    json_t *o;
    switch (c->proposal_type) {
    case ELA_CRC_PROPOSAL_NORMAL:
    case ELA_CRC_PROPOSAL_ELIP: {
        o = json_object();
        crc_head(o, c);
        json_t *budgets = json_null();
        if (c->budget_count) {
            budgets = json_array();
            for (size_t i = 0; i < c->budget_count; i++) {
                json_t *b = json_object();
                SET(b, "type", json_string(budget_type_name(c->budgets[i].type)));
                SET(b, "stage", jint(c->budgets[i].stage));
                SET(b, "amount", jamount(c->budgets[i].amount));
                json_array_append_new(budgets, b);
            }
        }
        SET(o, "budgets", budgets);
        SET(o, "recipient", jaddr(&c->recipient));
        SET(o, "signature", jhex(&c->signature));
        break;
    }
    case ELA_CRC_PROPOSAL_CHANGE_OWNER:
        o = json_object();
        crc_head(o, c);
        SET(o, "targetproposalhash", jrev(&c->target_proposal_hash));
        SET(o, "newrecipient", jaddr(&c->new_recipient));
        SET(o, "newownerpublickey", jhex(&c->new_owner_key));
        SET(o, "signature", jhex(&c->signature));
        SET(o, "newownersignature", jhex(&c->new_owner_signature));
        break;
    case ELA_CRC_PROPOSAL_CLOSE:
        o = json_object();
        crc_head(o, c);
        SET(o, "targetproposalhash", jrev(&c->target_proposal_hash));
        SET(o, "signature", jhex(&c->signature));
        break;
    case ELA_CRC_PROPOSAL_RESERVE_CUSTOM_ID:
        o = json_object();
        crc_head(o, c);
        SET(o, "reservedcustomidlist", jstr_list(&c->reserved_custom_ids));
        SET(o, "signature", jhex(&c->signature));
        break;
    case ELA_CRC_PROPOSAL_RECEIVE_CUSTOM_ID:
        o = json_object();
        crc_head(o, c);
        SET(o, "receivecustomidlist", jstr_list(&c->received_custom_ids));
        SET(o, "receiverdid", jaddr(&c->receiver_did));
        SET(o, "signature", jhex(&c->signature));
        break;
    case ELA_CRC_PROPOSAL_CHANGE_CUSTOM_ID_FEE:
        o = json_object();
        crc_head(o, c);
        SET(o, "feerate", jint(c->rate_of_custom_id_fee));
        SET(o, "eideffectiveheight", jint(c->eid_effective_height));
        SET(o, "signature", jhex(&c->signature));
        break;
    case ELA_CRC_PROPOSAL_SECRETARY_GENERAL:
        o = json_object();
        crc_head(o, c);
        SET(o, "secretarygeneralpublickey", jhex(&c->secretary_general_public_key));
        SET(o, "secretarygeneraldid", jaddr(&c->secretary_general_did));
        SET(o, "signature", jhex(&c->signature));
        SET(o, "secretarygenerasignature", jhex(&c->secretary_general_signature));
        break;
    case ELA_CRC_PROPOSAL_REGISTER_SIDECHAIN: {
        const ela_crc_sidechain_info *s = &c->sidechain_info;
        o = json_object();
        crc_head(o, c);
        SET(o, "sidechainname", jstr(&s->name));
        SET(o, "magicnumber", jint(s->magic_number));
        SET(o, "genesishash", jrev(&s->genesis_hash));
        SET(o, "exchangerate", jint(s->exchange_rate));
        SET(o, "effectiveheight", jint(s->effective_height));
        SET(o, "resourcepath", jstr(&s->resource_path));
        SET(o, "signature", jhex(&c->signature));
        break;
    }
    default:
        /* ELIP variants 0x0101/0x0102, the upgrade-code types and unknown types: the
         * reference's switch has no case and the payload renders as null. */
        return json_null();
    }
    crc_tail(o, p);
    return o;
}

/* The candidate of a BPoS vote as the reference prints it, by vote type. A candidate of the
 * wrong length for CRC/impeachment/proposal votes makes the reference panic; we print "". */
static json_t *vote_candidate_json(uint8_t vote_type, const ela_bytes *cand)
{
    switch (vote_type) {
    case 1: /* CRC */
    case 3: /* CRCImpeachment */
        if (cand->len == sizeof(ela_uint168)) {
            ela_uint168 ph;
            memcpy(ph.b, cand->data, sizeof ph.b);
            return jaddr(&ph);
        }
        return json_string("");
    case 2: /* CRCProposal */
        if (cand->len == sizeof(ela_uint256)) {
            ela_uint256 h;
            memcpy(h.b, cand->data, sizeof h.b);
            return jrev(&h);
        }
        return json_string("");
    default:
        return jhex(cand);
    }
}

static json_t *votes_info_json(json_t *candidate, const ela_votes_with_locktime *v)
{
    json_t *o = json_object();
    SET(o, "candidate", candidate);
    SET(o, "votes", jamount(v->votes));
    SET(o, "locktime", jint(v->lock_time));
    return o;
}

static json_t *voting_json(const ela_payload_voting *v)
{
    json_t *contents = json_null(), *renewals = json_null();
    if (v->contents && v->count) {
        contents = json_array();
        for (size_t i = 0; i < v->count; i++) {
            const ela_votes_content *c = &v->contents[i];
            json_t *infos = json_array();
            for (size_t j = 0; j < c->count; j++) {
                json_t *cand = vote_candidate_json(c->vote_type, &c->votes[j].candidate);
                json_array_append_new(infos, votes_info_json(cand, &c->votes[j]));
            }
            json_t *o = json_object();
            SET(o, "votetype", jint(c->vote_type));
            SET(o, "votesinfo", infos);
            json_array_append_new(contents, o);
        }
    }
    if (v->renewals && v->count) {
        renewals = json_array();
        for (size_t i = 0; i < v->count; i++) {
            const ela_renewal_votes_content *rc = &v->renewals[i];
            json_t *o = json_object();
            SET(o, "referkey", jrev(&rc->refer_key));
            SET(o, "votesinfo", votes_info_json(jhex(&rc->votes.candidate), &rc->votes));
            json_array_append_new(renewals, o);
        }
    }
    json_t *o = json_object();
    SET(o, "contents", contents);
    SET(o, "renewalcontents", renewals);
    return o;
}

/* DposV2ClaimReward / ReturnVotes: PV 1 prints toaddr and value only; otherwise code and
 * signature are added, each omitted when empty (omitempty). */
static json_t *claim_json(const ela_payload_claim *c, uint8_t pv)
{
    json_t *o = json_object();
    SET(o, "toaddr", jaddr(&c->to_addr));
    if (pv != 1 && c->code.len)
        SET(o, "code", jhex(&c->code));
    SET(o, "value", jamount(c->value));
    if (pv != 1 && c->signature.len)
        SET(o, "signature", jhex(&c->signature));
    return o;
}

json_t *ela_payload_to_json(const ela_payload *p)
{
    return ela_payload_to_json_tx(p, NULL);
}

json_t *ela_payload_to_json_tx(const ela_payload *p, const ela_uint256 *txid)
{
    uint8_t pv = p->version;
    json_t *o;
    switch (p->tx_type) {
    case ELA_TX_COINBASE:
        o = json_object();
        SET(o, "coinbasedata", jstr(&p->u.coinbase.content));
        return o;
    case ELA_TX_REGISTER_ASSET: {
        const ela_payload_register_asset *a = &p->u.register_asset;
        json_t *asset = json_object();
        SET(asset, "Name", jstr(&a->name));
        SET(asset, "Description", jstr(&a->description));
        SET(asset, "Precision", jint(a->precision));
        SET(asset, "AssetType", jint(a->asset_type));
        SET(asset, "RecordType", jint(a->record_type));
        /* The controller is printed byte-reversed. */
        uint8_t rev[sizeof a->controller.b];
        for (size_t i = 0; i < sizeof rev; i++)
            rev[i] = a->controller.b[sizeof rev - 1 - i];
        char hex[2 * sizeof rev + 1];
        ela_hex_encode(hex, rev, sizeof rev);
        o = json_object();
        SET(o, "asset", asset);
        SET(o, "amount", jamount(a->amount));
        SET(o, "controller", json_string(hex));
        return o;
    }
    case ELA_TX_SIDECHAIN_POW: {
        const ela_payload_sidechain_pow *s = &p->u.sidechain_pow;
        o = json_object();
        SET(o, "blockheight", jint(s->block_height));
        SET(o, "sideblockhash", jinternal(&s->side_block_hash));
        SET(o, "sidegenesishash", jinternal(&s->side_genesis_hash));
        SET(o, "signature", jhex(&s->signature));
        return o;
    }
    case ELA_TX_WITHDRAW_FROM_SIDECHAIN: {
        const ela_payload_withdraw_from_sidechain *wd = &p->u.withdraw_from_sidechain;
        if (pv == 0) {
            json_t *hashes = json_null();
            if (wd->side_chain_tx_hashes.count) {
                hashes = json_array();
                for (size_t i = 0; i < wd->side_chain_tx_hashes.count; i++)
                    json_array_append_new(hashes,
                                          jinternal(&wd->side_chain_tx_hashes.items[i]));
            }
            o = json_object();
            SET(o, "blockheight", jint(wd->block_height));
            SET(o, "genesisblockaddress", jstr(&wd->genesis_block_address));
            SET(o, "sidechaintransactionhashes", hashes);
            return o;
        }
        if (pv == 2) {
            json_t *signers = json_array();
            for (size_t i = 0; i < wd->signers.len; i++)
                json_array_append_new(signers, jint(wd->signers.data[i]));
            o = json_object();
            SET(o, "Signers", signers);
            return o;
        }
        return json_null();
    }
    case ELA_TX_TRANSFER_CROSSCHAIN_ASSET: {
        const ela_payload_transfer_crosschain_asset *t = &p->u.transfer_crosschain_asset;
        if (pv == 1)
            return json_null();
        json_t *addrs = json_null(), *idx = json_null(), *amounts = json_null();
        if (t->count) {
            addrs = json_array();
            idx = json_array();
            amounts = json_array();
            for (size_t i = 0; i < t->count; i++) {
                json_array_append_new(addrs, jstr(&t->entries[i].address));
                json_array_append_new(idx, jint((int64_t)t->entries[i].output_index));
                /* []Fixed64 has no text form in JSON: plain integers. */
                json_array_append_new(amounts, jint(t->entries[i].amount));
            }
        }
        o = json_object();
        SET(o, "crosschainaddresses", addrs);
        SET(o, "outputindexes", idx);
        SET(o, "crosschainamounts", amounts);
        return o;
    }
    case ELA_TX_REGISTER_PRODUCER:
    case ELA_TX_UPDATE_PRODUCER: {
        const ela_payload_producer_info *a = &p->u.producer_info;
        o = json_object();
        SET(o, "ownerpublickey", jhex(&a->owner_key));
        SET(o, "nodepublickey", jhex(&a->node_public_key));
        SET(o, "nickname", jstr(&a->nickname));
        SET(o, "url", jstr(&a->url));
        SET(o, "location", jint((int64_t)a->location));
        SET(o, "netaddress", jstr(&a->net_address));
        SET(o, "stakeuntil", jint(a->stake_until));
        SET(o, "signature", jhex(&a->signature));
        return o;
    }
    case ELA_TX_CANCEL_PRODUCER:
        o = json_object();
        SET(o, "ownerpublickey", jhex(&p->u.process_producer.owner_key));
        SET(o, "signature", jhex(&p->u.process_producer.signature));
        return o;
    case ELA_TX_ACTIVATE_PRODUCER:
        o = json_object();
        SET(o, "nodepublickey", jhex(&p->u.activate_producer.node_public_key));
        SET(o, "signature", jhex(&p->u.activate_producer.signature));
        return o;
    case ELA_TX_ILLEGAL_PROPOSAL_EVIDENCE:
        o = json_object();
        SET(o, "evidence", proposal_evidence_json(&p->u.illegal_proposals.evidence));
        SET(o, "compareevidence",
            proposal_evidence_json(&p->u.illegal_proposals.compare_evidence));
        SET(o, "hash", payload_hash_json(p));
        return o;
    case ELA_TX_ILLEGAL_VOTE_EVIDENCE: {
        const ela_payload_illegal_votes *v = &p->u.illegal_votes;
        json_t *e = proposal_evidence_json(&v->evidence.proposal_evidence);
        SET(e, "vote", dpos_vote_json(&v->evidence.vote));
        json_t *c = proposal_evidence_json(&v->compare_evidence.proposal_evidence);
        SET(c, "vote", dpos_vote_json(&v->compare_evidence.vote));
        o = json_object();
        SET(o, "evidence", e);
        SET(o, "compareevidence", c);
        SET(o, "hash", payload_hash_json(p));
        return o;
    }
    case ELA_TX_ILLEGAL_BLOCK_EVIDENCE: {
        const ela_payload_illegal_blocks *b = &p->u.illegal_blocks;
        o = json_object();
        SET(o, "cointype", jint(b->coin_type));
        SET(o, "blockheight", jint(b->block_height));
        SET(o, "evidence", block_evidence_json(&b->evidence));
        SET(o, "compareevidence", block_evidence_json(&b->compare_evidence));
        SET(o, "hash", payload_hash_json(p));
        return o;
    }
    case ELA_TX_INACTIVE_ARBITRATORS:
        o = json_object();
        SET(o, "sponsor", jhex(&p->u.inactive_arbitrators.sponsor));
        SET(o, "arbitrators", jhex_list(&p->u.inactive_arbitrators.arbitrators, true));
        /* The reference never fills this member in: it always prints 0. */
        SET(o, "blockheight", jint(0));
        return o;
    case ELA_TX_UPDATE_VERSION:
        o = json_object();
        SET(o, "startheight", jint(p->u.update_version.start_height));
        SET(o, "endheight", jint(p->u.update_version.end_height));
        return o;
    case ELA_TX_NEXT_TURN_DPOS_INFO: {
        const ela_payload_next_turn_dpos_info *n = &p->u.next_turn_dpos_info;
        o = json_object();
        SET(o, "workingheight", jint(n->working_height));
        SET(o, "crpublickeys", jhex_list(&n->cr_public_keys, false));
        SET(o, "dpospublickeys", jhex_list(&n->dpos_public_keys, false));
        if (pv != 0)
            SET(o, "CompleteCRPublicKeys", jhex_list(&n->complete_cr_public_keys, false));
        return o;
    }
    case ELA_TX_PROPOSAL_RESULT: {
        const ela_payload_proposal_result *r = &p->u.proposal_result;
        json_t *results = json_null();
        if (r->count) {
            results = json_array();
            for (size_t i = 0; i < r->count; i++) {
                json_t *e = json_object();
                SET(e, "proposalhash", jrev(&r->results[i].proposal_hash));
                SET(e, "proposaltype",
                    json_string(crc_proposal_type_name(r->results[i].proposal_type)));
                SET(e, "result", json_boolean(r->results[i].result));
                json_array_append_new(results, e);
            }
        }
        o = json_object();
        SET(o, "proposalresults", results);
        return o;
    }
    case ELA_TX_REGISTER_CR:
    case ELA_TX_UPDATE_CR: {
        const ela_payload_cr_info *c = &p->u.cr_info;
        bool multi = pv == 2 || pv == 3;
        o = json_object();
        if (!multi)
            SET(o, "code", jhex(&c->code));
        SET(o, "cid", jaddr(&c->cid));
        SET(o, "did", ela_uint168_is_zero(&c->did) ? json_string("") : jaddr(&c->did));
        SET(o, "nickname", jstr(&c->nickname));
        SET(o, "url", jstr(&c->url));
        SET(o, "location", jint((int64_t)c->location));
        if (!multi)
            SET(o, "signature", jhex(&c->signature));
        return o;
    }
    case ELA_TX_UNREGISTER_CR:
        o = json_object();
        SET(o, "cid", jaddr(&p->u.unregister_cr.cid));
        SET(o, "signature", jhex(&p->u.unregister_cr.signature));
        return o;
    case ELA_TX_CRC_PROPOSAL:
        return crc_proposal_json(p);
    case ELA_TX_CRC_PROPOSAL_REVIEW: {
        const ela_payload_crc_proposal_review *v = &p->u.crc_proposal_review;
        o = json_object();
        SET(o, "proposalhash", jrev(&v->proposal_hash));
        SET(o, "voteresult", json_string(vote_result_name(v->vote_result)));
        SET(o, "opinionhash", jrev(&v->opinion_hash));
        SET(o, "did", jaddr(&v->did));
        SET(o, "sign", jhex(&v->signature));
        return o;
    }
    case ELA_TX_CRC_PROPOSAL_TRACKING: {
        const ela_payload_crc_proposal_tracking *t = &p->u.crc_proposal_tracking;
        o = json_object();
        SET(o, "proposaltrackingtype", json_string(tracking_type_name(t->tracking_type)));
        SET(o, "proposalhash", jrev(&t->proposal_hash));
        SET(o, "messagehash", jrev(&t->message_hash));
        SET(o, "stage", jint(t->stage));
        SET(o, "ownerpublickey", jhex(&t->owner_key));
        SET(o, "newownerpublickey", jhex(&t->new_owner_key));
        SET(o, "ownersignature", jhex(&t->owner_signature));
        SET(o, "newownersignature", jhex(&t->new_owner_signature));
        SET(o, "secretarygeneralopinionhash", jrev(&t->secretary_general_opinion_hash));
        SET(o, "secretarygeneralsignature", jhex(&t->secretary_general_signature));
        return o;
    }
    case ELA_TX_CRC_PROPOSAL_WITHDRAW: {
        const ela_payload_crc_proposal_withdraw *wd = &p->u.crc_proposal_withdraw;
        o = json_object();
        SET(o, "proposalhash", jrev(&wd->proposal_hash));
        SET(o, "ownerpublickey", jhex(&wd->owner_key));
        if (pv == 1) {
            json_t *addr = jaddr(&wd->recipient);
            if (json_string_length(addr))
                SET(o, "recipient", addr);
            else
                json_decref(addr);
            SET(o, "amount", jamount(wd->amount));
        }
        SET(o, "signature", jhex(&wd->signature));
        return o;
    }
    case ELA_TX_CRC_PROPOSAL_REAL_WITHDRAW:
    case ELA_TX_DPOSV2_CLAIM_REWARD_REAL_WITHDRAW:
        o = json_object();
        SET(o, "withdrawtransactionhashes", jrev_list(&p->u.real_withdraw.tx_hashes));
        return o;
    case ELA_TX_CR_COUNCIL_MEMBER_CLAIM_NODE:
        o = json_object();
        SET(o, "nodepublickey", jhex(&p->u.cr_claim_node.node_public_key));
        SET(o, "crcouncilmemberdid", jaddr(&p->u.cr_claim_node.cr_council_committee_did));
        SET(o, "crcouncilmembersignature",
            jhex(&p->u.cr_claim_node.cr_council_committee_signature));
        return o;
    case ELA_TX_REVERT_TO_POW:
        o = json_object();
        SET(o, "Type", json_string(revert_type_name(p->u.revert_to_pow.type)));
        SET(o, "WorkingHeight", jint(p->u.revert_to_pow.working_height));
        return o;
    case ELA_TX_REVERT_TO_DPOS:
        o = json_object();
        SET(o, "WorkHeightInterval", jint(p->u.revert_to_dpos.work_height_interval));
        SET(o, "RevertToPOWBlockHeight", jint(p->u.revert_to_dpos.revert_to_pow_block_height));
        return o;
    case ELA_TX_DPOSV2_CLAIM_REWARD:
    case ELA_TX_RETURN_VOTES:
        return claim_json(&p->u.claim, pv);
    case ELA_TX_EXCHANGE_VOTES:
        return json_object();
    case ELA_TX_VOTING:
        return voting_json(&p->u.voting);
    case ELA_TX_VOTES_REAL_WITHDRAW: {
        const ela_payload_votes_real_withdraw *v = &p->u.votes_real_withdraw;
        json_t *a = json_array();
        for (size_t i = 0; i < v->count; i++) {
            json_t *e = json_object();
            SET(e, "returnvotestxhash", jrev(&v->items[i].return_votes_tx_hash));
            SET(e, "stakeaddress", jaddr(&v->items[i].stake_address));
            SET(e, "value", jamount(v->items[i].value));
            json_array_append_new(a, e);
        }
        o = json_object();
        SET(o, "realReturnVotes", a);
        return o;
    }
    case ELA_TX_CREATE_NFT: {
        const ela_payload_create_nft *c = &p->u.create_nft;
        uint8_t buf[64];
        memcpy(buf, c->refer_key.b, 32);
        if (txid)
            memcpy(buf + 32, txid->b, 32);
        else
            memset(buf + 32, 0, 32);
        o = json_object();
        SET(o, "ID", jhash_of(buf, sizeof buf));
        SET(o, "ReferKey", jrev(&c->refer_key));
        SET(o, "StakeAddress", jstr(&c->stake_address));
        SET(o, "GenesisBlockHash", jrev(&c->genesis_block_hash));
        if (pv != 0) {
            SET(o, "StartHeight", jint(c->start_height));
            SET(o, "EndHeight", jint(c->end_height));
            SET(o, "Votes", jamount(c->votes));
            SET(o, "VoteRights", jamount(c->vote_rights));
            SET(o, "TargetOwnerKey", jhex(&c->target_owner_key));
        }
        return o;
    }
    case ELA_TX_NFT_DESTROY_FROM_SIDECHAIN: {
        const ela_payload_nft_destroy *d = &p->u.nft_destroy;
        json_t *addrs = json_array();
        for (size_t i = 0; i < d->owner_stake_addresses.count; i++)
            json_array_append_new(addrs, jaddr(&d->owner_stake_addresses.items[i]));
        o = json_object();
        SET(o, "IDs", jrev_list(&d->ids));
        SET(o, "OwnerStakeAddresses", addrs);
        SET(o, "GenesisBlockHash", jrev(&d->genesis_block_hash));
        return o;
    }
    default:
        /* TransferAsset, Record, the empty deposit/appropriation/rectify payloads,
         * IllegalSidechainEvidence, ReturnSideChainDepositCoin and RecordSponsor: the
         * reference's getPayloadInfo has no case for them and prints null. */
        return json_null();
    }
}
