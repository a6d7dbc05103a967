/* elad: network parameters from the reference's config.json "Configuration" object
 * (spec/p2p-rpc.md §12, spec/consensus.md §1).
 *
 * The reference loads the file with viper and decodes it with mapstructure: keys match the Go
 * field names case-insensitively, and every consensus height lives either at the top level or
 * under PowConfiguration / DPoSConfiguration / CRConfiguration exactly where its field is
 * declared in common/config/config.go. The table below mirrors those places.
 *
 * Load order (§12.1): network defaults, then the file, then the block-size rules, then
 * InstantBlock, then the values settings.go enforces. Loading the file twice as the reference
 * does (once on mainnet defaults, again after TestNet()/RegNet()) is the same as loading it once
 * on the selected network's defaults, so it is done once here.
 *
 * Deliberate strictness: mapstructure's weak typing turns "123" into 123, true into 1 and
 * silently wraps an out-of-range value into a uint32; here a value of the wrong JSON type, a
 * number with a fraction or a value out of range is an error naming the key. */
#include <ela/params.h>

#include <ela/address.h>
#include <ela/hex.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef enum kind {
    K_U16,        /* uint16_t field */
    K_U32,        /* uint32_t field */
    K_U32_MIN1,   /* uint32_t field, >= 1 (a divisor in the reference) */
    K_HEIGHT64,   /* uint64 in the reference, stored saturated into a uint32 height */
    K_INT_U32,    /* Go int, stored in a uint32_t field: 0..2^32-1 */
    K_NONNEG64,   /* int64 >= 0: a Fixed64 amount in sela, or seconds */
    K_BOOL,       /* bool field */
    K_PUBKEY,     /* one compressed public key in hex -> uint8_t[33] field */
    K_ADDRESS,    /* base58 address -> ela_uint168 field; "" keeps the default */
    K_DURATION,   /* time.Duration -> whole seconds (uint32_t field), >= 1 */
    K_SIZE_LIMIT, /* uint32_t; 0 keeps the network default (settings.go) */
    K_ORIGIN,     /* OriginArbiters: mapstructure element-wise overwrite */
    K_CRC,        /* CRCArbiters: replaced wholesale (settings.go empties it first) */
    K_FROZEN,     /* FrozenAddresses: [{Address, DisableStartHeight}] */
    K_CHECK_U32,  /* type-checked uint32, value not used (forced later) */
    K_CHECK_INT,  /* type-checked Go int, value not used by consensus */
} kind;

typedef struct key_def {
    const char *section; /* NULL: top level of "Configuration" */
    const char *name;    /* the Go field name */
    kind kind;
    size_t offset;
} key_def;

#define F(field) offsetof(ela_params, field)
#define POW "PowConfiguration"
#define DPOS "DPoSConfiguration"
#define CR "CRConfiguration"

/* "InstantBlock" sets instant_block only; its effects are applied after every other key. */
static const key_def KEYS[] = {
    /* identity and ports */
    {NULL, "Magic", K_U32, F(magic)},
    {NULL, "NodePort", K_U16, F(node_port)},
    {NULL, "HttpJsonPort", K_U16, F(rpc_port)},
    {NULL, "HttpRestPort", K_U16, F(rest_port)},
    {NULL, "HttpWsPort", K_U16, F(ws_port)},
    {NULL, "HttpInfoPort", K_U16, F(info_port)},
    {NULL, "FoundationAddress", K_ADDRESS, F(foundation)},
    {DPOS, "Magic", K_U32, F(dpos_magic)},
    {DPOS, "DPoSPort", K_U16, F(dpos_port)},
    {CR, "CRCAddress", K_ADDRESS, F(crc_address)},
    /* limits */
    {NULL, "MaxBlockSize", K_SIZE_LIMIT, F(max_block_context_size)},
    {NULL, "MaxBlockHeaderSize", K_SIZE_LIMIT, F(max_block_header_size)},
    {NULL, "MaxTxPerBlock", K_SIZE_LIMIT, F(max_tx_per_block)},
    /* fees */
    {NULL, "MinTransactionFee", K_NONNEG64, F(min_tx_fee)},
    {NULL, "MinCrossChainTxFee", K_NONNEG64, F(min_crosschain_tx_fee)},
    {NULL, "ReturnDepositCoinFee", K_NONNEG64, F(return_deposit_coin_fee)},
    {CR, "RealWithdrawSingleFee", K_NONNEG64, F(real_withdraw_single_fee)},
    /* PowConfiguration.MinTxFee is read by the reference but used by nothing: only the
     * top-level MinTransactionFee sets the fee rule. */
    {POW, "MinTxFee", K_CHECK_INT, 0},
    /* proof of work */
    {POW, "InstantBlock", K_BOOL, F(instant_block)},
    {POW, "PowLimitBits", K_U32, F(pow_limit_bits)},
    {POW, "TargetTimespan", K_DURATION, F(target_timespan)},
    {POW, "TargetTimePerBlock", K_DURATION, F(target_time_per_block)},
    {POW, "AdjustmentFactor", K_U32_MIN1, F(adjustment_factor)},
    {POW, "CoinbaseMaturity", K_U32, F(coinbase_maturity)},
    /* top-level heights */
    {NULL, "CheckAddressHeight", K_U32, F(check_address_height)},
    {NULL, "VoteStartHeight", K_U32, F(vote_start_height)},
    {NULL, "CRCOnlyDPOSHeight", K_U32, F(crc_only_dpos_height)},
    {NULL, "PublicDPOSHeight", K_U32, F(public_dpos_height)},
    {NULL, "EnableActivateIllegalHeight", K_U32, F(enable_activate_illegal_height)},
    {NULL, "CheckRewardHeight", K_U32, F(check_reward_height)},
    {NULL, "VoteStatisticsHeight", K_U32, F(vote_statistics_height)},
    {NULL, "CustomIDProposalStartHeight", K_U32, F(custom_id_proposal_start_height)},
    {NULL, "HalvingRewardHeight", K_U32, F(halving_reward_height)},
    {NULL, "HalvingRewardInterval", K_U32_MIN1, F(halving_reward_interval)},
    {NULL, "NewELAIssuanceHeight", K_U32, F(new_ela_issuance_height)},
    {NULL, "NewCrossChainStartHeight", K_U32, F(new_crosschain_start_height)},
    {NULL, "ReturnCrossChainCoinStartHeight", K_U32, F(return_crosschain_coin_start_height)},
    {NULL, "ProhibitTransferToDIDHeight", K_U32, F(prohibit_transfer_to_did_height)},
    {NULL, "DPoSV2StartHeight", K_U32, F(dposv2_start_height)},
    {NULL, "SupportMultiCodeHeight", K_U32, F(support_multi_code_height)},
    {NULL, "SchnorrStartHeight", K_U32, F(schnorr_start_height)},
    {NULL, "NormalSchnorrStartHeight", K_U32, F(normal_schnorr_start_height)},
    {NULL, "ProducerSchnorrStartHeight", K_U32, F(producer_schnorr_start_height)},
    {NULL, "CRSchnorrStartHeight", K_U32, F(cr_schnorr_start_height)},
    {NULL, "VotesSchnorrStartHeight", K_U32, F(votes_schnorr_start_height)},
    {NULL, "MultiExchangeVotesStartHeight", K_U32, F(multi_exchange_votes_start_height)},
    {NULL, "CrossChainMonitorStartHeight", K_U32, F(crosschain_monitor_start_height)},
    /* settings.go overwrites both on every network after the file is read. */
    {NULL, "CrossChainUTXOFreezeHeight", K_CHECK_U32, 0},
    {NULL, "CrossChainUTXORestrictionHeight", K_CHECK_U32, 0},
    {NULL, "FrozenAddresses", K_FROZEN, 0},
    /* CRConfiguration heights and counts */
    {CR, "CheckVoteCRCountHeight", K_U32, F(check_vote_cr_count_height)},
    {CR, "MemberCount", K_U32, F(cr_member_count)},
    {CR, "CRAgreementCount", K_U32, F(cr_agreement_count)},
    {CR, "RegisterCRByDIDHeight", K_U32, F(register_cr_by_did_height)},
    {CR, "CRAssetsRectifyTransactionHeight", K_U32, F(cr_assets_rectify_transaction_height)},
    {CR, "CRCProposalWithdrawPayloadV1Height", K_U32,
     F(crc_proposal_withdraw_payload_v1_height)},
    {CR, "CRCProposalV1Height", K_U32, F(crc_proposal_v1_height)},
    {CR, "CRVotingStartHeight", K_U32, F(cr_voting_start_height)},
    {CR, "CRCommitteeStartHeight", K_U32, F(cr_committee_start_height)},
    {CR, "CRClaimDPOSNodeStartHeight", K_U32, F(cr_claim_dpos_node_start_height)},
    {CR, "NewP2PProtocolVersionHeight", K_HEIGHT64, F(new_p2p_protocol_version_height)},
    {CR, "ChangeCommitteeNewCRHeight", K_U32, F(change_committee_new_cr_height)},
    {CR, "CRCProposalDraftDataStartHeight", K_U32, F(crc_proposal_draft_data_start_height)},
    /* DPoSConfiguration heights, arbiters and counts */
    {DPOS, "OriginArbiters", K_ORIGIN, 0},
    {DPOS, "CRCArbiters", K_CRC, 0},
    {DPOS, "NormalArbitratorsCount", K_INT_U32, F(normal_arbiters_count)},
    {DPOS, "NoCRCDPOSNodeHeight", K_U32, F(no_crc_dpos_node_height)},
    {DPOS, "DPOSNodeCrossChainHeight", K_U32, F(dpos_node_crosschain_height)},
    {DPOS, "ChangeViewV1Height", K_U32, F(change_view_v1_height)},
    {DPOS, "RevertToPOWStartHeight", K_U32, F(revert_to_pow_start_height)},
    {DPOS, "CRDPoSNodeHotFixHeight", K_U32, F(cr_dpos_node_hotfix_height)},
    {DPOS, "NFTStartHeight", K_U32, F(nft_start_height)},
    {DPOS, "RecordSponsorStartHeight", K_U32, F(record_sponsor_start_height)},
    {DPOS, "NFTV2StartHeight", K_U32, F(nft_v2_start_height)},
    {DPOS, "DexStartHeight", K_U32, F(dex_start_height)},
    /* §1.9 state parameters */
    {DPOS, "CandidatesCount", K_INT_U32, F(candidates_count)},
    {CR, "VotingPeriod", K_U32, F(cr_voting_period)},
    {CR, "DutyPeriod", K_U32, F(cr_duty_period)},
    {CR, "DepositLockupBlocks", K_U32, F(cr_deposit_lockup_blocks)},
    {CR, "CRClaimDPOSNodePeriod", K_U32, F(cr_claim_dpos_node_period)},
    {CR, "CRClaimPeriod", K_U32, F(cr_claim_period)},
    {CR, "ProposalCRVotingPeriod", K_U32, F(proposal_cr_voting_period)},
    {CR, "ProposalPublicVotingPeriod", K_U32, F(proposal_public_voting_period)},
    {CR, "MaxCRAssetsAddressUTXOCount", K_U32, F(max_cr_assets_address_utxo_count)},
    {CR, "MinCRAssetsAddressUTXOCount", K_U32, F(min_cr_assets_address_utxo_count)},
    {CR, "SecretaryGeneral", K_PUBKEY, F(secretary_general)},
    {CR, "RectifyTxFee", K_NONNEG64, F(rectify_tx_fee)},
    {NULL, "DPoSV2EffectiveVotes", K_NONNEG64, F(dposv2_effective_votes)},
    {DPOS, "DPoSV2DepositCoinMinLockTime", K_U32, F(dposv2_deposit_coin_min_lock_time)},
    {DPOS, "DPoSV2MinVotesLockTime", K_U32, F(dposv2_min_votes_lock_time)},
    {DPOS, "DPoSV2MaxVotesLockTime", K_U32, F(dposv2_max_votes_lock_time)},
    {DPOS, "DPoSV2IllegalPenalty", K_NONNEG64, F(dposv2_illegal_penalty)},
    {DPOS, "RevertToPOWNoBlockTime", K_NONNEG64, F(revert_to_pow_no_block_time)},
    {DPOS, "StopConfirmBlockTime", K_NONNEG64, F(stop_confirm_block_time)},
    {DPOS, "RevertToPOWNoBlockTimeV1", K_NONNEG64, F(revert_to_pow_no_block_time_v1)},
    {DPOS, "StopConfirmBlockTimeV1", K_NONNEG64, F(stop_confirm_block_time_v1)},
    {DPOS, "PreConnectOffset", K_U32, F(pre_connect_offset)},
    /* policy */
    {NULL, "SmallCrossTransferThreshold", K_NONNEG64, F(small_cross_transfer_threshold)},
    {NULL, "MaxNodePerHost", K_U32, F(max_node_per_host)},
    {NULL, "MemoryPoolTxMaximumStayHeight", K_U32, F(mempool_tx_max_stay_height)},
};

/* ---- error reporting ---------------------------------------------------------------------- */

typedef struct ctx {
    char *err;
    size_t errlen;
} ctx;

static bool fail(ctx *c, const key_def *k, const char *fmt, ...) ELA_PRINTF(3, 4);

static bool fail(ctx *c, const key_def *k, const char *fmt, ...)
{
    if (!c->err || c->errlen == 0)
        return false;
    int n = 0;
    if (k)
        n = snprintf(c->err, c->errlen, "%s%s%s: ", k->section ? k->section : "",
                     k->section ? "." : "", k->name);
    if (n < 0)
        n = 0;
    if ((size_t)n < c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* ---- lookups ------------------------------------------------------------------------------ */

/* The member of obj whose key equals name ignoring ASCII case (viper lowercases every key).
 * Two members that differ only in case are ambiguous: *dup is set. */
static json_t *get_ci(const json_t *obj, const char *name, bool *dup)
{
    const char *key;
    json_t *value, *found = NULL;
    *dup = false;
    json_object_foreach((json_t *)obj, key, value)
    {
        if (strcasecmp(key, name) == 0) {
            if (found)
                *dup = true;
            found = value;
        }
    }
    return found;
}

/* The section object of k (or the configuration itself); NULL when the section is absent.
 * false when present but not an object, or ambiguous. */
static bool section_of(ctx *c, const json_t *config, const key_def *k, const json_t **out)
{
    *out = NULL;
    if (!k->section) {
        *out = config;
        return true;
    }
    bool dup;
    json_t *s = get_ci(config, k->section, &dup);
    if (!s)
        return true;
    if (dup) {
        key_def sk = {NULL, k->section, K_BOOL, 0};
        return fail(c, &sk, "given more than once (keys are case-insensitive)");
    }
    if (!json_is_object(s)) {
        key_def sk = {NULL, k->section, K_BOOL, 0};
        return fail(c, &sk, "expected an object");
    }
    *out = s;
    return true;
}

/* ---- value decoding ----------------------------------------------------------------------- */

/* A JSON number with an integral value in [min, max]. JSON reals are accepted when integral
 * because the reference reads every JSON number as a float64. */
static bool get_int(ctx *c, const key_def *k, const json_t *v, int64_t min, int64_t max,
                    int64_t *out)
{
    int64_t x;
    if (json_is_integer(v)) {
        x = (int64_t)json_integer_value(v);
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        if (!(d >= -9.2e18 && d <= 9.2e18) || d != (double)(int64_t)d)
            return fail(c, k, "expected an integer");
        x = (int64_t)d;
    } else {
        return fail(c, k, "expected an integer");
    }
    if (x < min || x > max)
        return fail(c, k, "%" PRId64 " is out of range [%" PRId64 ", %" PRId64 "]", x, min, max);
    *out = x;
    return true;
}

/* Go's time.ParseDuration for the forms a config uses: an optional sign, then one or more
 * <decimal number><unit> with unit ns, us, µs, ms, s, m or h; "0" alone is zero. Result in
 * nanoseconds. */
static bool parse_duration(const char *s, int64_t *ns)
{
    static const struct {
        const char *unit;
        double scale;
    } units[] = {{"ns", 1.0}, {"us", 1e3}, {"\xc2\xb5s", 1e3}, {"\xce\xbcs", 1e3},
                 {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},        {"h", 3600e9}};
    bool neg = false;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    if (strcmp(s, "0") == 0) {
        *ns = 0;
        return true;
    }
    if (!*s)
        return false;
    double total = 0;
    while (*s) {
        double whole = 0, frac = 0, scale = 1;
        bool digits = false;
        while (*s >= '0' && *s <= '9') {
            whole = whole * 10 + (*s++ - '0');
            digits = true;
        }
        if (*s == '.') {
            s++;
            while (*s >= '0' && *s <= '9') {
                scale /= 10;
                frac += (*s++ - '0') * scale;
                digits = true;
            }
        }
        if (!digits)
            return false;
        size_t best = 0;
        double mult = 0;
        for (size_t i = 0; i < ELA_ARRAY_LEN(units); i++) {
            size_t n = strlen(units[i].unit);
            if (n > best && strncmp(s, units[i].unit, n) == 0) {
                best = n;
                mult = units[i].scale;
            }
        }
        if (!best)
            return false;
        s += best;
        total += (whole + frac) * mult;
        if (total > 9.2e18)
            return false;
    }
    *ns = (int64_t)(neg ? -total : total);
    return true;
}

/* A 33-byte compressed public key in hex. */
static bool parse_key(uint8_t out[ELA_PUBKEY_SIZE], const char *hex, size_t len)
{
    return len == 2 * ELA_PUBKEY_SIZE && ela_hex_decode(out, hex, len) &&
           (out[0] == 0x02 || out[0] == 0x03);
}

/* The elements of an arbiter list: a JSON array of strings, or one string of comma-separated
 * keys (viper's string-to-slice hook). Decodes into keys[], count in *n. */
static bool get_keys(ctx *c, const key_def *k, const json_t *v,
                     uint8_t (*keys)[ELA_PUBKEY_SIZE], size_t *n)
{
    *n = 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        while (*s) {
            const char *end = strchr(s, ',');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (*n == ELA_MAX_ARBITERS)
                return fail(c, k, "more than %d keys", ELA_MAX_ARBITERS);
            if (!parse_key(keys[*n], s, len))
                return fail(c, k, "element %zu is not a compressed public key in hex", *n);
            (*n)++;
            s += len;
            if (*s == ',')
                s++;
        }
        return true;
    }
    if (!json_is_array(v))
        return fail(c, k, "expected an array of public keys");
    if (json_array_size(v) > ELA_MAX_ARBITERS)
        return fail(c, k, "more than %d keys", ELA_MAX_ARBITERS);
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e))
            return fail(c, k, "element %zu is not a string", i);
        const char *s = json_string_value(e);
        if (!parse_key(keys[i], s, strlen(s)))
            return fail(c, k, "element %zu is not a compressed public key in hex", i);
    }
    *n = json_array_size(v);
    return true;
}

static bool apply_frozen(ctx *c, ela_params *p, const key_def *k, const json_t *v)
{
    if (!json_is_array(v))
        return fail(c, k, "expected an array of {Address, DisableStartHeight}");
    size_t n = 0;
    ela_uint168 hashes[ELA_ARRAY_LEN(p->frozen)];
    uint32_t from[ELA_ARRAY_LEN(p->frozen)];
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
    {
        if (!json_is_object(e))
            return fail(c, k, "element %zu is not an object", i);
        bool dup1, dup2;
        const json_t *addr = get_ci(e, "Address", &dup1);
        const json_t *height = get_ci(e, "DisableStartHeight", &dup2);
        if (dup1 || dup2)
            return fail(c, k, "element %zu repeats a key", i);
        if (addr && !json_is_string(addr))
            return fail(c, k, "element %zu: Address is not a string", i);
        int64_t h = 0;
        if (height && !get_int(c, k, height, 0, UINT32_MAX, &h))
            return false;
        /* An entry without an address freezes nothing in the reference: skip it. */
        if (!addr || json_string_length(addr) == 0)
            continue;
        if (n == ELA_ARRAY_LEN(p->frozen))
            return fail(c, k, "more than %zu addresses", ELA_ARRAY_LEN(p->frozen));
        if (!ela_address_to_program_hash(&hashes[n], json_string_value(addr)))
            return fail(c, k, "element %zu: invalid address", i);
        from[n++] = (uint32_t)h;
    }
    memset(p->frozen, 0, sizeof p->frozen);
    memset(p->frozen_from, 0, sizeof p->frozen_from);
    memcpy(p->frozen, hashes, n * sizeof hashes[0]);
    memcpy(p->frozen_from, from, n * sizeof from[0]);
    p->n_frozen = n;
    return true;
}

static bool apply_key(ctx *c, ela_params *p, const key_def *k, const json_t *v)
{
    uint8_t *field = (uint8_t *)p + k->offset;
    int64_t x;
    switch (k->kind) {
    case K_U16:
        if (!get_int(c, k, v, 0, UINT16_MAX, &x))
            return false;
        *(uint16_t *)(void *)field = (uint16_t)x;
        return true;
    case K_U32:
    case K_INT_U32:
    case K_SIZE_LIMIT:
        if (!get_int(c, k, v, 0, UINT32_MAX, &x))
            return false;
        /* settings.go: a zero block-size limit means "keep the built-in default". */
        if (k->kind != K_SIZE_LIMIT || x > 0)
            *(uint32_t *)(void *)field = (uint32_t)x;
        return true;
    case K_U32_MIN1:
        if (!get_int(c, k, v, 1, UINT32_MAX, &x))
            return false;
        *(uint32_t *)(void *)field = (uint32_t)x;
        return true;
    case K_HEIGHT64:
        /* A uint64 height at or above 2^32 can never be reached by a uint32 block height:
         * saturating to "never" keeps the comparison's outcome. */
        if (!get_int(c, k, v, 0, INT64_MAX, &x))
            return false;
        *(uint32_t *)(void *)field = x > (int64_t)UINT32_MAX ? ELA_HEIGHT_NEVER : (uint32_t)x;
        return true;
    case K_NONNEG64:
        if (!get_int(c, k, v, 0, INT64_MAX, &x))
            return false;
        *(int64_t *)(void *)field = x;
        return true;
    case K_BOOL:
        if (!json_is_boolean(v))
            return fail(c, k, "expected true or false");
        *(bool *)(void *)field = json_is_true(v);
        return true;
    case K_ADDRESS: {
        if (!json_is_string(v))
            return fail(c, k, "expected an address string");
        const char *s = json_string_value(v);
        if (!*s)
            return true; /* Sterilize() converts only a non-empty address */
        ela_uint168 ph;
        if (!ela_address_to_program_hash(&ph, s))
            return fail(c, k, "\"%s\" is not a valid address", s);
        memcpy(field, &ph, sizeof ph);
        return true;
    }
    case K_PUBKEY: {
        uint8_t key[ELA_PUBKEY_SIZE];
        if (!json_is_string(v) || !parse_key(key, json_string_value(v), json_string_length(v)))
            return fail(c, k, "expected a compressed public key in hex");
        memcpy(field, key, sizeof key);
        return true;
    }
    case K_DURATION: {
        int64_t ns;
        if (json_is_string(v)) {
            if (!parse_duration(json_string_value(v), &ns))
                return fail(c, k, "\"%s\" is not a duration", json_string_value(v));
        } else if (!get_int(c, k, v, INT64_MIN, INT64_MAX, &ns)) {
            return false; /* a bare number is nanoseconds, as Go's time.Duration */
        }
        int64_t seconds = ns / 1000000000;
        if (seconds < 1 || seconds > UINT32_MAX)
            return fail(c, k, "must be at least one second");
        *(uint32_t *)(void *)field = (uint32_t)seconds;
        return true;
    }
    case K_ORIGIN: {
        uint8_t keys[ELA_MAX_ARBITERS][ELA_PUBKEY_SIZE];
        size_t n;
        if (!get_keys(c, k, v, keys, &n))
            return false;
        /* mapstructure decodes a list into the existing default slice element by element,
         * so a shorter list leaves the trailing default keys in place. */
        memcpy(p->origin_arbiters, keys, n * sizeof keys[0]);
        if (n > p->n_origin_arbiters)
            p->n_origin_arbiters = n;
        return true;
    }
    case K_CRC: {
        uint8_t keys[ELA_MAX_ARBITERS][ELA_PUBKEY_SIZE];
        size_t n;
        if (!get_keys(c, k, v, keys, &n))
            return false;
        /* settings.go empties CRCArbiters before decoding when the file has the key. */
        memset(p->crc_arbiters, 0, sizeof p->crc_arbiters);
        memcpy(p->crc_arbiters, keys, n * sizeof keys[0]);
        p->n_crc_arbiters = n;
        return true;
    }
    case K_FROZEN:
        return apply_frozen(c, p, k, v);
    case K_CHECK_U32:
        return get_int(c, k, v, 0, UINT32_MAX, &x);
    case K_CHECK_INT:
        return get_int(c, k, v, INT64_MIN, INT64_MAX, &x);
    }
    return fail(c, k, "unsupported");
}

/* ---- public ------------------------------------------------------------------------------- */

bool ela_params_config_network(ela_network *out, const json_t *config, const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    *why = NULL;
    *out = ELA_NET_MAINNET;
    if (!config)
        return true;
    if (!json_is_object(config)) {
        *why = "Configuration: expected an object";
        return false;
    }
    bool dup;
    const json_t *v = get_ci(config, "ActiveNet", &dup);
    if (!v || json_is_null(v))
        return true;
    if (dup) {
        *why = "ActiveNet: given more than once (keys are case-insensitive)";
        return false;
    }
    if (!json_is_string(v)) {
        *why = "ActiveNet: expected a string";
        return false;
    }
    /* settings.go: strings.ToLower(ActiveNet) in {"testnet","test"}, {"regnet","regtest",
     * "reg"}; the mainnet checks accept "", "mainnet" and "main". Anything else silently runs
     * mainnet in the reference; here it is refused so a typo cannot select mainnet. */
    static const struct {
        const char *name;
        ela_network net;
    } names[] = {{"", ELA_NET_MAINNET},        {"mainnet", ELA_NET_MAINNET},
                 {"main", ELA_NET_MAINNET},    {"testnet", ELA_NET_TESTNET},
                 {"test", ELA_NET_TESTNET},    {"regnet", ELA_NET_REGNET},
                 {"regtest", ELA_NET_REGNET}, {"reg", ELA_NET_REGNET}};
    const char *s = json_string_value(v);
    for (size_t i = 0; i < ELA_ARRAY_LEN(names); i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].net;
            return true;
        }
    }
    *why = "ActiveNet: unknown network (expected mainnet, testnet or regnet)";
    return false;
}

bool ela_params_apply_config(ela_params *p, const json_t *config, char *err, size_t errlen)
{
    ctx c = {err, errlen};
    if (err && errlen)
        err[0] = '\0';
    ela_network net;
    const char *why;
    if (!ela_params_config_network(&net, config, &why))
        return fail(&c, NULL, "%s", why);
    ela_params_init(p, net);
    if (!config)
        goto finish;

    for (size_t i = 0; i < ELA_ARRAY_LEN(KEYS); i++) {
        const key_def *k = &KEYS[i];
        const json_t *section;
        if (!section_of(&c, config, k, &section))
            return false;
        if (!section)
            continue;
        bool dup;
        const json_t *v = get_ci(section, k->name, &dup);
        if (!v)
            continue;
        if (dup)
            return fail(&c, k, "given more than once (keys are case-insensitive)");
        /* A JSON null leaves the default, as decoding nil into a field does in Go. */
        if (json_is_null(v))
            continue;
        if (!apply_key(&c, p, k, v))
            return false;
    }

finish:
    if (p->instant_block)
        ela_params_set_instant_block(p);
    if (p->target_timespan < p->target_time_per_block) {
        /* blocksPerRetarget = timespan / spacing would be 0: the reference divides by it. */
        key_def tk = {POW, "TargetTimespan", K_DURATION, 0};
        return fail(&c, &tk, "must not be shorter than TargetTimePerBlock");
    }
    ela_params_enforce(p);
    return true;
}
