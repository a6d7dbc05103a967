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
 * them) on top of ela_params_init(p, network). Unknown keys are ignored; a known key with a
 * value of the wrong type or out of range is an error: false, and err (errlen bytes) names the
 * key. Mainnet-forced values are re-applied last. On failure *p may be partly updated. */
ELA_WARN_UNUSED_RESULT bool ela_params_apply_config(ela_params *p, const json_t *config,
                                                    char *err, size_t errlen);

/* The block subsidy at height h (§1.5), in sela, with the reference's double arithmetic. */
int64_t ela_params_block_reward(const ela_params *p, uint32_t height);

#endif /* ELA_PARAMS_H */
