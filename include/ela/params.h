/* elad: consensus parameters of a network (spec/consensus.md §1): identity, proof of work,
 * limits, fees, the reward schedule and every height-gated activation point.
 *
 * ela_params_init gives the compiled defaults of a network; ela_params_apply_config then
 * overrides them from the reference's config.json "Configuration" object (spec/p2p-rpc.md §12),
 * so private networks can set low heights. Values that the reference forces on mainnet (the
 * cross-chain UTXO freeze heights) cannot be overridden there.
 *
 * An activation height of ELA_HEIGHT_NEVER (2^32 - 1) means "never activated". */
#ifndef ELA_PARAMS_H
#define ELA_PARAMS_H

#include <ela/ela.h>
#include <ela/network.h>
#include <ela/uint256.h>

#include <jansson.h>

#define ELA_HEIGHT_NEVER UINT32_C(0xffffffff)
#define ELA_PUBKEY_SIZE 33
/* Blocks per year used by the reward formula: 365*24*3600/120, independent of InstantBlock. */
#define ELA_BLOCKS_PER_YEAR 262800u
#define ELA_MAX_ARBITERS 64

typedef struct ela_params {
    ela_network net;

    /* §1.1 identity and ports (the ports are defaults the node layer may override). */
    uint32_t magic;
    uint16_t node_port;
    uint16_t rpc_port; /* HttpJsonPort */
    uint16_t rest_port, ws_port, info_port;
    uint32_t dpos_magic;
    uint16_t dpos_port;
    ela_uint168 foundation; /* changes the genesis block when overridden */
    ela_uint168 crc_address;

    /* §1.2 proof of work. instant_block selects the InstantBlock mode (§8). */
    bool instant_block;
    uint32_t pow_limit_bits;      /* 0x1f0008ff, or 0x207fffff with instant_block */
    uint32_t target_timespan;     /* 86400 s (10 s instant) */
    uint32_t target_time_per_block; /* 120 s (1 s instant) */
    uint32_t adjustment_factor;   /* 4 */
    uint32_t max_time_offset;     /* 7200 s: future-timestamp bound of block sanity */

    /* §1.3 limits. */
    uint32_t max_block_context_size; /* tx area; 2,000,000 (testnet 8,000,000) */
    uint32_t max_block_header_size;  /* 1,000,000 */
    uint32_t max_tx_per_block;       /* 10,000 */

    /* §1.4 fees and maturity. */
    int64_t min_tx_fee;            /* 100 sela */
    int64_t min_crosschain_tx_fee; /* 10,000 sela */
    int64_t return_deposit_coin_fee; /* 100 sela */
    int64_t real_withdraw_single_fee;
    uint32_t coinbase_maturity;    /* 100 */
    uint32_t irreversible_height;  /* 6 */

    /* §1.8 activation heights. */
    uint32_t check_address_height;
    uint32_t vote_start_height;
    uint32_t crc_only_dpos_height;   /* H1 */
    uint32_t public_dpos_height;     /* H2 */
    uint32_t enable_activate_illegal_height;
    uint32_t check_reward_height;
    uint32_t vote_statistics_height;
    uint32_t register_cr_by_did_height;
    uint32_t cr_voting_start_height;
    uint32_t cr_committee_start_height;
    uint32_t check_vote_cr_count_height;
    uint32_t cr_claim_dpos_node_start_height;
    uint32_t crc_proposal_v1_height;
    uint32_t crc_proposal_withdraw_payload_v1_height;
    uint32_t cr_assets_rectify_transaction_height;
    uint32_t new_p2p_protocol_version_height;
    uint32_t new_ela_issuance_height;
    uint32_t change_committee_new_cr_height;
    uint32_t custom_id_proposal_start_height;
    uint32_t no_crc_dpos_node_height;
    uint32_t revert_to_pow_start_height;
    uint32_t new_crosschain_start_height;
    uint32_t return_crosschain_coin_start_height;
    uint32_t prohibit_transfer_to_did_height;
    uint32_t crc_proposal_draft_data_start_height;
    uint32_t halving_reward_height;
    uint32_t halving_reward_interval; /* 1,051,200 */
    uint32_t dposv2_start_height;
    uint32_t normal_schnorr_start_height;
    uint32_t schnorr_start_height;
    uint32_t crosschain_monitor_start_height;
    uint32_t nft_start_height;
    uint32_t record_sponsor_start_height;
    uint32_t change_view_v1_height;
    uint32_t crosschain_utxo_freeze_height;      /* mainnet 2,256,110, else never; forced */
    uint32_t crosschain_utxo_restriction_height; /* mainnet 2,256,724, else never; forced */
    uint32_t support_multi_code_height;
    uint32_t dpos_node_crosschain_height;
    uint32_t producer_schnorr_start_height;
    uint32_t cr_schnorr_start_height;
    uint32_t votes_schnorr_start_height;
    uint32_t multi_exchange_votes_start_height;
    uint32_t nft_v2_start_height;
    uint32_t dex_start_height;
    uint32_t cr_dpos_node_hotfix_height;

    /* Frozen addresses (§4.3 step 5; mainnet only, forced). */
    size_t n_frozen;
    ela_uint168 frozen[4];
    uint32_t frozen_from[4];

    /* §1.9 arbiters used before any DPoS state exists (node public keys, compressed). */
    size_t n_origin_arbiters;
    uint8_t origin_arbiters[ELA_MAX_ARBITERS][ELA_PUBKEY_SIZE];
    size_t n_crc_arbiters;
    uint8_t crc_arbiters[ELA_MAX_ARBITERS][ELA_PUBKEY_SIZE];
    uint32_t normal_arbiters_count; /* 24 */
    uint32_t cr_member_count;       /* 12 */
    uint32_t cr_agreement_count;    /* 8 */

    /* §1.9 further DPoS / CR parameters, for the BPoS/CR state (spec/bpos-cr.md). Durations
     * in blocks unless noted. */
    uint32_t candidates_count;                  /* 72 */
    uint32_t cr_voting_period;                  /* 21,600 */
    uint32_t cr_duty_period;                    /* 262,800 */
    uint32_t cr_deposit_lockup_blocks;          /* 2,160 */
    uint32_t cr_claim_dpos_node_period;         /* 10,080 / 5,040 / 720 */
    uint32_t cr_claim_period;                   /* 10,080 */
    uint32_t proposal_cr_voting_period;         /* 5,040 */
    uint32_t proposal_public_voting_period;     /* 5,040 */
    uint32_t max_cr_assets_address_utxo_count;  /* 800 (regnet 1,440) */
    uint32_t min_cr_assets_address_utxo_count;  /* 720 */
    int64_t dposv2_effective_votes;             /* sela: 80,000 ELA (testnet, regnet 3,000) */
    uint32_t dposv2_deposit_coin_min_lock_time; /* 7,200 (testnet, regnet 21,600) */
    uint32_t dposv2_min_votes_lock_time;        /* 7,200 */
    uint32_t dposv2_max_votes_lock_time;        /* 720,000 */
    int64_t dposv2_illegal_penalty;             /* sela: 200 ELA */
    int64_t revert_to_pow_no_block_time;        /* seconds: 43,200 */
    int64_t stop_confirm_block_time;            /* seconds: 39,600 */
    int64_t revert_to_pow_no_block_time_v1;     /* seconds: 7,200 */
    int64_t stop_confirm_block_time_v1;         /* seconds: 6,600 */
    uint32_t pre_connect_offset;                /* 360 */
    uint8_t secretary_general[ELA_PUBKEY_SIZE]; /* CR secretary general's public key */

    /* §1.1 / §1.4 policy values and constants not listed above. */
    int64_t rectify_tx_fee;                   /* 10,000 sela (CRAssetsRectify) */
    int64_t small_cross_transfer_threshold;   /* 100,000,000 sela */
    uint32_t max_node_per_host;               /* 72 (testnet, regnet 10) */
    uint32_t mempool_tx_max_stay_height;      /* 10 */
} ela_params;

/* Fills *p with the compiled defaults of a network (§1, regnet and testnet built from the
 * mainnet defaults as the reference does). */
void ela_params_init(ela_params *p, ela_network net);

/* The network an "ActiveNet" value of a config.json "Configuration" object selects; mainnet
 * when the key is absent. false (with *why set) when the value names no network. */
ELA_WARN_UNUSED_RESULT bool ela_params_config_network(ela_network *out, const json_t *config,
                                                      const char **why);

/* Applies the keys of a config.json "Configuration" object (keys matched case-insensitively,
 * nested objects PowConfiguration, DPoSConfiguration, CRConfiguration as the reference reads
 * them) on top of ela_params_init(p, network), where network is ela_params_config_network's
 * (config NULL: mainnet defaults). Unknown keys are ignored; a known key with a value of the
 * wrong type or out of range is an error: false, and err (errlen bytes) names the key as
 * "Section.Key: why". Then, as the reference's settings.go: MaxBlockSize, MaxBlockHeaderSize
 * and MaxTxPerBlock of 0 keep the defaults, PowConfiguration.InstantBlock applies
 * ela_params_set_instant_block, and ela_params_enforce runs last. FoundationAddress changes
 * p->foundation (build the genesis with ela_genesis_block_params). On failure *p may be
 * partly updated. */
ELA_WARN_UNUSED_RESULT bool ela_params_apply_config(ela_params *p, const json_t *config,
                                                    char *err, size_t errlen);

/* The block subsidy at height h (§1.5), in sela, with the reference's double arithmetic:
 * trunc(132e12 / 262800) below NewELAIssuanceHeight, then trunc(80e12 / 262800 / 2^(k-1)) with
 * k = 1 below HalvingRewardHeight and 2 + (h - HalvingRewardHeight) / HalvingRewardInterval
 * (uint32 arithmetic) from there on. */
int64_t ela_params_block_reward(const ela_params *p, uint32_t height);

/* The InstantBlock mode (§8, config PowConfiguration.InstantBlock, CLI --instant): sets
 * instant_block, pow_limit_bits 0x207fffff, target_timespan 10 s and target_time_per_block
 * 1 s. ela_params_apply_config calls it when the file asks for it; a node layer applying the
 * command line calls it for --instant and then ela_params_enforce. */
void ela_params_set_instant_block(ela_params *p);

/* Re-applies what the reference enforces after the file and the command line (settings.go):
 * on mainnet the CrossChain UTXO freeze/restriction heights 2,256,110 / 2,256,724 and the
 * frozen-address list; on other networks both heights "never" (their frozen list is kept as
 * configured). ela_params_apply_config calls it last. */
void ela_params_enforce(ela_params *p);

/* Fixed program hashes of spec/consensus.md §1.7 (the same on every network; defined with the
 * transaction rules that check them). */
extern const ela_uint168 ela_ph_destroy;       /* ELANULLXXX… */
extern const ela_uint168 ela_ph_cr_assets;     /* CRASSETSXXX… */
extern const ela_uint168 ela_ph_cr_expenses;   /* CREXPENSESXXX… */
extern const ela_uint168 ela_ph_stake_pool;    /* STAKEPooLXXX… */
extern const ela_uint168 ela_ph_did_sidechain; /* XKUh4GLh… (DIDSideChainAddress) */

#endif /* ELA_PARAMS_H */
