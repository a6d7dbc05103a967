/* elad tests: params module (network defaults, config.json overrides, block reward, genesis
 * of a parameter set). Expected values are spec/consensus.md §1 tables. */
#include "testutil.h"

#include <ela/address.h>
#include <ela/genesis.h>
#include <ela/hex.h>
#include <ela/params.h>
#include <ela/pow.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- helpers ------------------------------------------------------------------------------ */

static void expect_address(const ela_uint168 *ph, const char *addr)
{
    char buf[ELA_ADDRESS_MAX];
    ck_assert(ela_address_from_program_hash(buf, ph));
    ck_assert_str_eq(buf, addr);
}

static void expect_key(const uint8_t key[ELA_PUBKEY_SIZE], const char *hex)
{
    ck_assert_str_eq(ela_test_hex(key, ELA_PUBKEY_SIZE), hex);
}

/* Parses a JSON text (the "Configuration" object) or fails the test. */
static json_t *cfg(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad test JSON: %s: %s", text, e.text);
    return j;
}

/* Applies a config that must load. */
static void load_ok(ela_params *p, const char *text)
{
    json_t *j = cfg(text);
    char err[256] = "";
    bool ok = ela_params_apply_config(p, j, err, sizeof err);
    json_decref(j);
    ck_assert_msg(ok, "config %s refused: %s", text, err);
}

/* Applies a config that must be refused with an error mentioning `key`. */
static void load_bad(const char *text, const char *key)
{
    ela_params p;
    json_t *j = cfg(text);
    char err[256] = "";
    bool ok = ela_params_apply_config(&p, j, err, sizeof err);
    json_decref(j);
    ck_assert_msg(!ok, "config %s accepted", text);
    ck_assert_msg(strstr(err, key) != NULL, "error \"%s\" does not name %s", err, key);
}

static void genesis_display(char out[65], const ela_params *p)
{
    ela_block b;
    ela_genesis_block_params(&b, p);
    ela_uint256_to_display(out, &b.header.hash);
    ela_block_clear(&b);
}

#define MAINNET_GENESIS "05f458a5522851622cae2bb138498dec60a8f0b233802c97a1ca41f9f214708d"
#define TESTNET_GENESIS "6418be20291bc857c9a01e5ba205445b85a0593d47cc0b576d55a55e464f31b3"

/* ---- §1.8 heights, one row per parameter, one column per network ------------------------- */

#define NEVER ELA_HEIGHT_NEVER
static const struct height_row {
    const char *name;
    size_t offset;
    uint32_t v[3]; /* mainnet, testnet, regnet */
} HEIGHTS[] = {
#define H(field, m, t, r) {#field, offsetof(ela_params, field), {m, t, r}}
    H(check_address_height, 88812, 0, 0),
    H(vote_start_height, 290000, 200000, 170000),
    H(crc_only_dpos_height, 343400, 246700, 211000),
    H(public_dpos_height, 402680, 300000, 231500),
    H(enable_activate_illegal_height, 439000, 546500, 256000),
    H(check_reward_height, 436812, 100, 280000),
    H(vote_statistics_height, 512881, 0, 0),
    H(register_cr_by_did_height, 598000, 483500, 393000),
    H(cr_voting_start_height, 537670, 436900, 292000),
    H(cr_committee_start_height, 658930, 546500, 442000),
    H(check_vote_cr_count_height, 658930, 546500, 435000),
    H(cr_claim_dpos_node_start_height, 751400, 646700, 532650),
    H(crc_proposal_v1_height, 751400, 646700, 530000),
    H(crc_proposal_withdraw_payload_v1_height, 751400, 646700, 532650),
    H(cr_assets_rectify_transaction_height, 751400, 646700, 532650),
    H(new_p2p_protocol_version_height, 751400, 646700, 531030),
    H(new_ela_issuance_height, 919800, 774920, 691740),
    H(change_committee_new_cr_height, 932530, 815060, 706240),
    H(custom_id_proposal_start_height, 932530, 815060, 706240),
    H(no_crc_dpos_node_height, 932530, 815060, 706240),
    H(revert_to_pow_start_height, 932530, 815060, 706240),
    H(new_crosschain_start_height, 1032840, 807000, 730000),
    H(return_crosschain_coin_start_height, 1032840, 807000, 730000),
    H(prohibit_transfer_to_did_height, 1032840, 807000, 730000),
    H(crc_proposal_draft_data_start_height, 1056600, 807000, 730000),
    H(halving_reward_height, 1051200, 877880, 801240),
    H(halving_reward_interval, 1051200, 1051200, 1051200),
    H(dposv2_start_height, 1405000, 967960, 876984),
    H(normal_schnorr_start_height, 1405000, 973000, 879144),
    H(schnorr_start_height, NEVER, 973000, 879144),
    H(crosschain_monitor_start_height, NEVER, 967960, 876984),
    H(nft_start_height, 1405000, 1098000, 968000),
    H(record_sponsor_start_height, 1801550, 1174500, NEVER),
    H(change_view_v1_height, 1911200, 1304005, NEVER),
    H(crosschain_utxo_freeze_height, 2256110, NEVER, NEVER),
    H(crosschain_utxo_restriction_height, 2256724, NEVER, NEVER),
    H(support_multi_code_height, NEVER, 2000, 2000),
    H(dpos_node_crosschain_height, NEVER, NEVER, NEVER),
    H(producer_schnorr_start_height, NEVER, NEVER, NEVER),
    H(cr_schnorr_start_height, NEVER, NEVER, NEVER),
    H(votes_schnorr_start_height, NEVER, NEVER, NEVER),
    H(multi_exchange_votes_start_height, NEVER, NEVER, NEVER),
    H(nft_v2_start_height, NEVER, NEVER, NEVER),
    H(dex_start_height, NEVER, NEVER, NEVER),
    H(cr_dpos_node_hotfix_height, 0, 0, 0),
#undef H
};

static uint32_t height_of(const ela_params *p, size_t offset)
{
    uint32_t v;
    memcpy(&v, (const uint8_t *)p + offset, sizeof v);
    return v;
}

static const ela_network NETS[3] = {ELA_NET_MAINNET, ELA_NET_TESTNET, ELA_NET_REGNET};

START_TEST(default_heights)
{
    for (int n = 0; n < 3; n++) {
        ela_params p;
        ela_params_init(&p, NETS[n]);
        ck_assert_int_eq(p.net, NETS[n]);
        for (size_t i = 0; i < ELA_ARRAY_LEN(HEIGHTS); i++)
            ck_assert_msg(height_of(&p, HEIGHTS[i].offset) == HEIGHTS[i].v[n],
                          "%s on %s: %u, expected %u", HEIGHTS[i].name,
                          ela_network_name(NETS[n]), height_of(&p, HEIGHTS[i].offset),
                          HEIGHTS[i].v[n]);
    }
}
END_TEST

START_TEST(default_identity_and_limits)
{
    static const struct {
        uint32_t magic, dpos_magic, max_ctx, withdraw_fee;
        uint16_t node, dpos, info, rest, ws, rpc;
        const char *foundation, *crc;
    } want[3] = {
        {2017001, 2019000, 2000000, 10000, 20338, 20339, 20333, 20334, 20335, 20336,
         "8VYXVxKKSAxkmRrfmGpQR2Kc66XhG6m3ta", "8ZZLWQUDSbjWUn8sEdxEFJsZiRFpzg53rJ"},
        {2018101, 2019100, 8000000, 50000, 21338, 21339, 21333, 21334, 21335, 21336,
         "8ZNizBf4KhhPjeJRGpox6rPcHE5Np6tFx3", "8JJCdEjMRm6x2rVsSMesL5gmoq7ts4wHMo"},
        {2018201, 2019200, 2000000, 10000, 22338, 22339, 22333, 22334, 22335, 22336,
         "8ZNizBf4KhhPjeJRGpox6rPcHE5Np6tFx3", "8JJCdEjMRm6x2rVsSMesL5gmoq7ts4wHMo"},
    };
    for (int n = 0; n < 3; n++) {
        ela_params p;
        ela_params_init(&p, NETS[n]);
        ck_assert_uint_eq(p.magic, want[n].magic);
        ck_assert_uint_eq(p.dpos_magic, want[n].dpos_magic);
        ck_assert_uint_eq(p.node_port, want[n].node);
        ck_assert_uint_eq(p.dpos_port, want[n].dpos);
        ck_assert_uint_eq(p.info_port, want[n].info);
        ck_assert_uint_eq(p.rest_port, want[n].rest);
        ck_assert_uint_eq(p.ws_port, want[n].ws);
        ck_assert_uint_eq(p.rpc_port, want[n].rpc);
        expect_address(&p.foundation, want[n].foundation);
        expect_address(&p.crc_address, want[n].crc);
        /* §1.2 */
        ck_assert(!p.instant_block);
        ck_assert_uint_eq(p.pow_limit_bits, 0x1f0008ff);
        ck_assert_uint_eq(p.target_timespan, 86400);
        ck_assert_uint_eq(p.target_time_per_block, 120);
        ck_assert_uint_eq(p.adjustment_factor, 4);
        ck_assert_uint_eq(p.max_time_offset, 7200);
        /* §1.3 */
        ck_assert_uint_eq(p.max_block_context_size, want[n].max_ctx);
        ck_assert_uint_eq(p.max_block_header_size, 1000000);
        ck_assert_uint_eq(p.max_tx_per_block, 10000);
        /* §1.4 */
        ck_assert_int_eq(p.min_tx_fee, 100);
        ck_assert_int_eq(p.min_crosschain_tx_fee, 10000);
        ck_assert_int_eq(p.return_deposit_coin_fee, 100);
        ck_assert_int_eq(p.real_withdraw_single_fee, want[n].withdraw_fee);
        ck_assert_uint_eq(p.coinbase_maturity, 100);
        ck_assert_uint_eq(p.irreversible_height, 6);
        /* §1.9 */
        ck_assert_uint_eq(p.normal_arbiters_count, 24);
        ck_assert_uint_eq(p.cr_member_count, 12);
        ck_assert_uint_eq(p.cr_agreement_count, 8);
    }
}
END_TEST

START_TEST(default_arbiters)
{
    ela_params m, t, r;
    ela_params_init(&m, ELA_NET_MAINNET);
    ela_params_init(&t, ELA_NET_TESTNET);
    ela_params_init(&r, ELA_NET_REGNET);
    ck_assert_uint_eq(m.n_origin_arbiters, 5);
    ck_assert_uint_eq(m.n_crc_arbiters, 12);
    expect_key(m.origin_arbiters[0],
               "0248df6705a909432be041e0baa25b8f648741018f70d1911f2ed28778db4b8fe4");
    expect_key(m.origin_arbiters[4],
               "03ab3ecd1148b018d480224520917c6c3663a3631f198e3b25cf4c9c76786b7850");
    expect_key(m.crc_arbiters[0],
               "02089d7e878171240ce0e3633d3ddc8b1128bc221f6b5f0d1551caa717c7493062");
    expect_key(m.crc_arbiters[11],
               "02a0aa9eac0e168f3474c2a0d04e50130833905740a5270e8a44d6c6e85cf6d98c");
    /* Testnet and regnet share the origin arbiters but not the CRC arbiters. */
    ck_assert_uint_eq(t.n_origin_arbiters, 5);
    ck_assert_uint_eq(r.n_origin_arbiters, 5);
    ck_assert_mem_eq(t.origin_arbiters, r.origin_arbiters, 5 * ELA_PUBKEY_SIZE);
    expect_key(t.origin_arbiters[0],
               "03e333657c788a20577c0288559bd489ee65514748d18cb1dc7560ae4ce3d45613");
    expect_key(t.origin_arbiters[4],
               "02c8a87c076112a1b344633184673cfb0bb6bce1aca28c78986a7b1047d257a448");
    ck_assert_uint_eq(t.n_crc_arbiters, 12);
    ck_assert_uint_eq(r.n_crc_arbiters, 12);
    expect_key(t.crc_arbiters[0],
               "03e435ccd6073813917c2d841a0815d21301ec3286bc1412bb5b099178c68a10b6");
    expect_key(t.crc_arbiters[11],
               "03111f1247c66755d369a8c8b3a736dfd5cf464ca6735b659533cbe1268cd102a9");
    expect_key(r.crc_arbiters[0],
               "0306e3deefee78e0e25f88e98f1f3290ccea98f08dd3a890616755f1a066c4b9b8");
    expect_key(r.crc_arbiters[11],
               "03b5d90257ad24caf22fa8a11ce270ea57f3c2597e52322b453d4919ebec4e6300");
    /* No two keys of one list are equal (a copy/paste slip would show here). */
    for (size_t i = 0; i < r.n_crc_arbiters; i++)
        for (size_t j = i + 1; j < r.n_crc_arbiters; j++)
            ck_assert(memcmp(r.crc_arbiters[i], r.crc_arbiters[j], ELA_PUBKEY_SIZE) != 0);
}
END_TEST

START_TEST(default_state_parameters)
{
    /* §1.9 (and the §1.1 / §1.4 policy values), mainnet / testnet / regnet. */
    static const struct {
        uint32_t claim_node_period, max_utxo, coin_lock, max_node;
        int64_t effective_votes;
        const char *secretary;
    } want[3] = {
        {10080, 800, 7200, 72, INT64_C(8000000000000),
         "02712da531804d1c38d159a901313239d2100dfb5b693d71a2f76b15dec3f8fc32"},
        {5040, 800, 21600, 10, INT64_C(300000000000),
         "0349cb77a69aa35be0bcb044ffd41a616b8367136d3b339d515b1023cc0f302f87"},
        {720, 1440, 21600, 10, INT64_C(300000000000),
         "0349cb77a69aa35be0bcb044ffd41a616b8367136d3b339d515b1023cc0f302f87"},
    };
    for (int n = 0; n < 3; n++) {
        ela_params p;
        ela_params_init(&p, NETS[n]);
        ck_assert_uint_eq(p.candidates_count, 72);
        ck_assert_uint_eq(p.cr_voting_period, 21600);
        ck_assert_uint_eq(p.cr_duty_period, 262800);
        ck_assert_uint_eq(p.cr_deposit_lockup_blocks, 2160);
        ck_assert_uint_eq(p.cr_claim_dpos_node_period, want[n].claim_node_period);
        ck_assert_uint_eq(p.cr_claim_period, 10080);
        ck_assert_uint_eq(p.proposal_cr_voting_period, 5040);
        ck_assert_uint_eq(p.proposal_public_voting_period, 5040);
        ck_assert_uint_eq(p.max_cr_assets_address_utxo_count, want[n].max_utxo);
        ck_assert_uint_eq(p.min_cr_assets_address_utxo_count, 720);
        ck_assert_int_eq(p.dposv2_effective_votes, want[n].effective_votes);
        ck_assert_uint_eq(p.dposv2_deposit_coin_min_lock_time, want[n].coin_lock);
        ck_assert_uint_eq(p.dposv2_min_votes_lock_time, 7200);
        ck_assert_uint_eq(p.dposv2_max_votes_lock_time, 720000);
        ck_assert_int_eq(p.dposv2_illegal_penalty, INT64_C(20000000000));
        ck_assert_int_eq(p.revert_to_pow_no_block_time, 43200);
        ck_assert_int_eq(p.stop_confirm_block_time, 39600);
        ck_assert_int_eq(p.revert_to_pow_no_block_time_v1, 7200);
        ck_assert_int_eq(p.stop_confirm_block_time_v1, 6600);
        ck_assert_uint_eq(p.pre_connect_offset, 360);
        expect_key(p.secretary_general, want[n].secretary);
        ck_assert_int_eq(p.rectify_tx_fee, 10000);
        ck_assert_int_eq(p.small_cross_transfer_threshold, 100000000);
        ck_assert_uint_eq(p.max_node_per_host, want[n].max_node);
        ck_assert_uint_eq(p.mempool_tx_max_stay_height, 10);
    }
    ela_params p;
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"DPoSV2EffectiveVotes\":5,\"MaxNodePerHost\":3,"
                "\"SmallCrossTransferThreshold\":7,\"MemoryPoolTxMaximumStayHeight\":4,"
                "\"DPoSConfiguration\":{\"CandidatesCount\":9,\"PreConnectOffset\":11,"
                "\"RevertToPOWNoBlockTime\":600,\"StopConfirmBlockTime\":500,"
                "\"RevertToPOWNoBlockTimeV1\":60,\"StopConfirmBlockTimeV1\":50,"
                "\"DPoSV2DepositCoinMinLockTime\":1,\"DPoSV2MinVotesLockTime\":2,"
                "\"DPoSV2MaxVotesLockTime\":3,\"DPoSV2IllegalPenalty\":4},"
                "\"CRConfiguration\":{\"VotingPeriod\":12,\"DutyPeriod\":13,"
                "\"DepositLockupBlocks\":14,\"CRClaimDPOSNodePeriod\":15,\"CRClaimPeriod\":16,"
                "\"ProposalCRVotingPeriod\":17,\"ProposalPublicVotingPeriod\":18,"
                "\"MaxCRAssetsAddressUTXOCount\":19,\"MinCRAssetsAddressUTXOCount\":20,"
                "\"RectifyTxFee\":21,\"SecretaryGeneral\":"
                "\"02712da531804d1c38d159a901313239d2100dfb5b693d71a2f76b15dec3f8fc32\"}}");
    ck_assert_int_eq(p.dposv2_effective_votes, 5);
    ck_assert_uint_eq(p.max_node_per_host, 3);
    ck_assert_int_eq(p.small_cross_transfer_threshold, 7);
    ck_assert_uint_eq(p.mempool_tx_max_stay_height, 4);
    ck_assert_uint_eq(p.candidates_count, 9);
    ck_assert_uint_eq(p.pre_connect_offset, 11);
    ck_assert_int_eq(p.revert_to_pow_no_block_time, 600);
    ck_assert_int_eq(p.stop_confirm_block_time, 500);
    ck_assert_int_eq(p.revert_to_pow_no_block_time_v1, 60);
    ck_assert_int_eq(p.stop_confirm_block_time_v1, 50);
    ck_assert_uint_eq(p.dposv2_deposit_coin_min_lock_time, 1);
    ck_assert_uint_eq(p.dposv2_min_votes_lock_time, 2);
    ck_assert_uint_eq(p.dposv2_max_votes_lock_time, 3);
    ck_assert_int_eq(p.dposv2_illegal_penalty, 4);
    ck_assert_uint_eq(p.cr_voting_period, 12);
    ck_assert_uint_eq(p.cr_duty_period, 13);
    ck_assert_uint_eq(p.cr_deposit_lockup_blocks, 14);
    ck_assert_uint_eq(p.cr_claim_dpos_node_period, 15);
    ck_assert_uint_eq(p.cr_claim_period, 16);
    ck_assert_uint_eq(p.proposal_cr_voting_period, 17);
    ck_assert_uint_eq(p.proposal_public_voting_period, 18);
    ck_assert_uint_eq(p.max_cr_assets_address_utxo_count, 19);
    ck_assert_uint_eq(p.min_cr_assets_address_utxo_count, 20);
    ck_assert_int_eq(p.rectify_tx_fee, 21);
    expect_key(p.secretary_general,
               "02712da531804d1c38d159a901313239d2100dfb5b693d71a2f76b15dec3f8fc32");
    load_bad("{\"CRConfiguration\":{\"SecretaryGeneral\":\"0349\"}}", "SecretaryGeneral");
    load_bad("{\"DPoSConfiguration\":{\"StopConfirmBlockTime\":-1}}", "StopConfirmBlockTime");
}
END_TEST

START_TEST(default_frozen)
{
    ela_params p;
    ela_params_init(&p, ELA_NET_MAINNET);
    ck_assert_uint_eq(p.n_frozen, 1);
    expect_address(&p.frozen[0], "EfduuvdDcAgif8njgXNJUfsBumQf9yYP72");
    ck_assert_uint_eq(p.frozen_from[0], 2256110);
    ela_params_init(&p, ELA_NET_TESTNET);
    ck_assert_uint_eq(p.n_frozen, 0);
    ela_params_init(&p, ELA_NET_REGNET);
    ck_assert_uint_eq(p.n_frozen, 0);
}
END_TEST

/* ---- reward (§1.5) ------------------------------------------------------------------------ */

START_TEST(reward_table)
{
    static const int64_t halving[] = {304414003, 152207001, 76103500, 38051750,
                                      19025875,  9512937,   4756468};
    for (int n = 0; n < 3; n++) {
        ela_params p;
        ela_params_init(&p, NETS[n]);
        uint32_t issue = p.new_ela_issuance_height, half = p.halving_reward_height;
        ck_assert_int_eq(ela_params_block_reward(&p, 0), 502283105);
        ck_assert_int_eq(ela_params_block_reward(&p, 1), 502283105);
        ck_assert_int_eq(ela_params_block_reward(&p, issue - 1), 502283105);
        ck_assert_int_eq(ela_params_block_reward(&p, issue), halving[0]);
        ck_assert_int_eq(ela_params_block_reward(&p, half - 1), halving[0]);
        for (uint32_t k = 1; k < ELA_ARRAY_LEN(halving); k++) {
            uint32_t start = half + (k - 1) * 1051200u;
            ck_assert_int_eq(ela_params_block_reward(&p, start), halving[k]);
            ck_assert_int_eq(ela_params_block_reward(&p, start + 1051199u), halving[k]);
            ck_assert_int_eq(ela_params_block_reward(&p, start - 1), halving[k - 1]);
        }
    }
    /* The band edges of the §1.5 table. */
    ela_params p;
    ela_params_init(&p, ELA_NET_MAINNET);
    ck_assert_int_eq(ela_params_block_reward(&p, 919799), 502283105);
    ck_assert_int_eq(ela_params_block_reward(&p, 919800), 304414003);
    ck_assert_int_eq(ela_params_block_reward(&p, 1051199), 304414003);
    ck_assert_int_eq(ela_params_block_reward(&p, 1051200), 152207001);
    ck_assert_int_eq(ela_params_block_reward(&p, 2102399), 152207001);
    ck_assert_int_eq(ela_params_block_reward(&p, 2102400), 76103500);
    ela_params_init(&p, ELA_NET_TESTNET);
    ck_assert_int_eq(ela_params_block_reward(&p, 774919), 502283105);
    ck_assert_int_eq(ela_params_block_reward(&p, 774920), 304414003);
    ck_assert_int_eq(ela_params_block_reward(&p, 877879), 304414003);
    ck_assert_int_eq(ela_params_block_reward(&p, 877880), 152207001);
    ck_assert_int_eq(ela_params_block_reward(&p, 1929079), 152207001);
    ck_assert_int_eq(ela_params_block_reward(&p, 1929080), 76103500);
    ela_params_init(&p, ELA_NET_REGNET);
    ck_assert_int_eq(ela_params_block_reward(&p, 691739), 502283105);
    ck_assert_int_eq(ela_params_block_reward(&p, 691740), 304414003);
    ck_assert_int_eq(ela_params_block_reward(&p, 801239), 304414003);
    ck_assert_int_eq(ela_params_block_reward(&p, 801240), 152207001);
    ck_assert_int_eq(ela_params_block_reward(&p, 1852439), 152207001);
    ck_assert_int_eq(ela_params_block_reward(&p, 1852440), 76103500);
    /* InstantBlock does not change the reward: it is always computed with 120 s blocks. */
    ela_params_set_instant_block(&p);
    ck_assert_int_eq(ela_params_block_reward(&p, 1), 502283105);
}
END_TEST

START_TEST(reward_extremes)
{
    ela_params p;
    ela_params_init(&p, ELA_NET_REGNET);
    /* Far future: 2^(k-1) overflows a double to +Inf past k = 1025 and the reward is 0. */
    p.new_ela_issuance_height = 0;
    p.halving_reward_height = 0;
    p.halving_reward_interval = 1;
    ck_assert_int_eq(ela_params_block_reward(&p, 0), 152207001);  /* k = 2 */
    ck_assert_int_eq(ela_params_block_reward(&p, 26), 2);         /* k = 28: 304414003/2^27 */
    ck_assert_int_eq(ela_params_block_reward(&p, 27), 1);
    ck_assert_int_eq(ela_params_block_reward(&p, 28), 0);
    ck_assert_int_eq(ela_params_block_reward(&p, 5000), 0);
    /* k = 2 + (2^32 - 1) wraps to 1 in the reference's uint32 arithmetic: full reward. */
    ck_assert_int_eq(ela_params_block_reward(&p, UINT32_MAX), 304414003);
}
END_TEST

/* ---- genesis (§1.1) ----------------------------------------------------------------------- */

START_TEST(genesis_hashes)
{
    char hex[65];
    ela_params p;
    ela_params_init(&p, ELA_NET_MAINNET);
    genesis_display(hex, &p);
    ck_assert_str_eq(hex, MAINNET_GENESIS);
    ela_params_init(&p, ELA_NET_TESTNET);
    genesis_display(hex, &p);
    ck_assert_str_eq(hex, TESTNET_GENESIS);
    ela_params_init(&p, ELA_NET_REGNET);
    genesis_display(hex, &p);
    ck_assert_str_eq(hex, TESTNET_GENESIS);

    /* Same block, byte for byte, as the network-only builder. */
    ela_block a, b;
    ela_genesis_block(&a, ELA_NET_MAINNET);
    ela_params_init(&p, ELA_NET_MAINNET);
    ela_genesis_block_params(&b, &p);
    ck_assert(ela_uint256_equal(&a.header.hash, &b.header.hash));
    ck_assert_uint_eq(a.size, b.size);
    ela_block_clear(&a);
    ela_block_clear(&b);

    /* A FoundationAddress override changes the genesis block (and only its coinbase). */
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"FoundationAddress\":"
                "\"8VYXVxKKSAxkmRrfmGpQR2Kc66XhG6m3ta\"}");
    genesis_display(hex, &p);
    ck_assert_str_eq(hex, MAINNET_GENESIS); /* regnet with the mainnet foundation */
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"FoundationAddress\":"
                "\"Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj\"}");
    genesis_display(hex, &p);
    ck_assert_str_ne(hex, TESTNET_GENESIS);
    ck_assert_str_ne(hex, MAINNET_GENESIS);
    ela_genesis_block_params(&b, &p);
    expect_address(&b.txs[0].outputs[0].program_hash, "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj");
    ck_assert_int_eq(b.txs[0].outputs[0].value, ELA_GENESIS_FOUNDATION_AMOUNT);
    ela_uint256 root;
    ck_assert(ela_block_compute_merkle_root(&root, &b));
    ck_assert(ela_uint256_equal(&root, &b.header.merkle_root));
    ela_block_clear(&b);
}
END_TEST

/* ---- config.json ---------------------------------------------------------------------------- */

START_TEST(config_network_selection)
{
    static const struct {
        const char *text;
        ela_network net;
    } ok[] = {
        {"{}", ELA_NET_MAINNET},
        {"{\"ActiveNet\":\"\"}", ELA_NET_MAINNET},
        {"{\"ActiveNet\":\"MainNet\"}", ELA_NET_MAINNET},
        {"{\"ActiveNet\":\"main\"}", ELA_NET_MAINNET},
        {"{\"ActiveNet\":\"testnet\"}", ELA_NET_TESTNET},
        {"{\"ActiveNet\":\"TEST\"}", ELA_NET_TESTNET},
        {"{\"activenet\":\"regnet\"}", ELA_NET_REGNET},
        {"{\"ACTIVENET\":\"RegTest\"}", ELA_NET_REGNET},
        {"{\"ActiveNet\":\"reg\"}", ELA_NET_REGNET},
        {"{\"ActiveNet\":null}", ELA_NET_MAINNET},
    };
    for (size_t i = 0; i < ELA_ARRAY_LEN(ok); i++) {
        json_t *j = cfg(ok[i].text);
        ela_network net = ELA_NET_TESTNET;
        const char *why = "unset";
        ck_assert_msg(ela_params_config_network(&net, j, &why), "%s", ok[i].text);
        ck_assert_int_eq(net, ok[i].net);
        ck_assert_ptr_null(why);
        ela_params p;
        load_ok(&p, ok[i].text);
        ck_assert_int_eq(p.net, ok[i].net);
        json_decref(j);
    }
    ela_network net;
    ck_assert(ela_params_config_network(&net, NULL, NULL));
    ck_assert_int_eq(net, ELA_NET_MAINNET);

    static const char *const bad[] = {"{\"ActiveNet\":\"simnet\"}", "{\"ActiveNet\":1}",
                                      "{\"ActiveNet\":\"testnet\",\"activeNet\":\"regnet\"}"};
    for (size_t i = 0; i < ELA_ARRAY_LEN(bad); i++) {
        json_t *j = cfg(bad[i]);
        const char *why = NULL;
        ck_assert_msg(!ela_params_config_network(&net, j, &why), "%s", bad[i]);
        ck_assert_ptr_nonnull(why);
        ck_assert(strstr(why, "ActiveNet") != NULL);
        json_decref(j);
        load_bad(bad[i], "ActiveNet");
    }
    json_t *arr = json_array();
    ck_assert(!ela_params_config_network(&net, arr, NULL));
    json_decref(arr);
}
END_TEST

START_TEST(config_overrides_case_insensitive)
{
    ela_params p;
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"magic\":12345,\"NODEPORT\":30000,"
                "\"HttpJsonPort\":30001,\"httprestport\":30002,\"HttpWsPort\":30003,"
                "\"HttpInfoPort\":30004,\"MaxBlockSize\":4000000,\"maxblockheadersize\":500000,"
                "\"MaxTxPerBlock\":77,\"MinTransactionFee\":250,\"MinCrossChainTxFee\":20000,"
                "\"ReturnDepositCoinFee\":300,\"CheckAddressHeight\":5,\"VoteStartHeight\":10,"
                "\"CRCOnlyDPOSHeight\":20,\"PUBLICDPOSHEIGHT\":30,\"NewELAIssuanceHeight\":40,"
                "\"HalvingRewardHeight\":50,\"HalvingRewardInterval\":60,"
                "\"DPoSV2StartHeight\":70,\"NormalSchnorrStartHeight\":71,"
                "\"SchnorrStartHeight\":72,\"SupportMultiCodeHeight\":73,"
                "\"CustomIDProposalStartHeight\":74,\"EnableActivateIllegalHeight\":75,"
                "\"CheckRewardHeight\":76,\"VoteStatisticsHeight\":77,"
                "\"NewCrossChainStartHeight\":78,\"ReturnCrossChainCoinStartHeight\":79,"
                "\"ProhibitTransferToDIDHeight\":80,\"CrossChainMonitorStartHeight\":81,"
                "\"ProducerSchnorrStartHeight\":82,\"CRSchnorrStartHeight\":83,"
                "\"VotesSchnorrStartHeight\":84,\"MultiExchangeVotesStartHeight\":85,"
                "\"powconfiguration\":{\"MINTXFEE\":1000,\"CoinbaseMaturity\":5},"
                "\"DPoSConfiguration\":{\"Magic\":999,\"dposport\":30005,"
                "\"NormalArbitratorsCount\":3,\"NoCRCDPOSNodeHeight\":90,"
                "\"RevertToPOWStartHeight\":91,\"ChangeViewV1Height\":92,"
                "\"DPOSNodeCrossChainHeight\":93,\"CRDPoSNodeHotFixHeight\":94,"
                "\"NFTStartHeight\":95,\"RecordSponsorStartHeight\":96,"
                "\"NFTV2StartHeight\":97,\"DexStartHeight\":98},"
                "\"crconfiguration\":{\"CRVotingStartHeight\":100,"
                "\"CRCommitteeStartHeight\":101,\"CRClaimDPOSNodeStartHeight\":102,"
                "\"CRCProposalV1Height\":103,\"NewP2PProtocolVersionHeight\":104,"
                "\"CRAssetsRectifyTransactionHeight\":105,"
                "\"CRCProposalWithdrawPayloadV1Height\":106,\"RegisterCRByDIDHeight\":107,"
                "\"CheckVoteCRCountHeight\":108,\"ChangeCommitteeNewCRHeight\":109,"
                "\"CRCProposalDraftDataStartHeight\":110,\"MemberCount\":4,"
                "\"CRAgreementCount\":3,\"RealWithdrawSingleFee\":777,"
                "\"CRCAddress\":\"8ZZLWQUDSbjWUn8sEdxEFJsZiRFpzg53rJ\"},"
                "\"SomethingUnknown\":[1,2,3],\"DNSSeeds\":[\"127.0.0.1:1\"]}");
    ck_assert_int_eq(p.net, ELA_NET_REGNET);
    ck_assert_uint_eq(p.magic, 12345);
    ck_assert_uint_eq(p.node_port, 30000);
    ck_assert_uint_eq(p.rpc_port, 30001);
    ck_assert_uint_eq(p.rest_port, 30002);
    ck_assert_uint_eq(p.ws_port, 30003);
    ck_assert_uint_eq(p.info_port, 30004);
    ck_assert_uint_eq(p.max_block_context_size, 4000000);
    ck_assert_uint_eq(p.max_block_header_size, 500000);
    ck_assert_uint_eq(p.max_tx_per_block, 77);
    ck_assert_int_eq(p.min_tx_fee, 250); /* PowConfiguration.MinTxFee is not the fee rule */
    ck_assert_int_eq(p.min_crosschain_tx_fee, 20000);
    ck_assert_int_eq(p.return_deposit_coin_fee, 300);
    ck_assert_uint_eq(p.coinbase_maturity, 5);
    ck_assert_uint_eq(p.check_address_height, 5);
    ck_assert_uint_eq(p.vote_start_height, 10);
    ck_assert_uint_eq(p.crc_only_dpos_height, 20);
    ck_assert_uint_eq(p.public_dpos_height, 30);
    ck_assert_uint_eq(p.new_ela_issuance_height, 40);
    ck_assert_uint_eq(p.halving_reward_height, 50);
    ck_assert_uint_eq(p.halving_reward_interval, 60);
    ck_assert_uint_eq(p.dposv2_start_height, 70);
    ck_assert_uint_eq(p.normal_schnorr_start_height, 71);
    ck_assert_uint_eq(p.schnorr_start_height, 72);
    ck_assert_uint_eq(p.support_multi_code_height, 73);
    ck_assert_uint_eq(p.custom_id_proposal_start_height, 74);
    ck_assert_uint_eq(p.enable_activate_illegal_height, 75);
    ck_assert_uint_eq(p.check_reward_height, 76);
    ck_assert_uint_eq(p.vote_statistics_height, 77);
    ck_assert_uint_eq(p.new_crosschain_start_height, 78);
    ck_assert_uint_eq(p.return_crosschain_coin_start_height, 79);
    ck_assert_uint_eq(p.prohibit_transfer_to_did_height, 80);
    ck_assert_uint_eq(p.crosschain_monitor_start_height, 81);
    ck_assert_uint_eq(p.producer_schnorr_start_height, 82);
    ck_assert_uint_eq(p.cr_schnorr_start_height, 83);
    ck_assert_uint_eq(p.votes_schnorr_start_height, 84);
    ck_assert_uint_eq(p.multi_exchange_votes_start_height, 85);
    ck_assert_uint_eq(p.dpos_magic, 999);
    ck_assert_uint_eq(p.dpos_port, 30005);
    ck_assert_uint_eq(p.normal_arbiters_count, 3);
    ck_assert_uint_eq(p.no_crc_dpos_node_height, 90);
    ck_assert_uint_eq(p.revert_to_pow_start_height, 91);
    ck_assert_uint_eq(p.change_view_v1_height, 92);
    ck_assert_uint_eq(p.dpos_node_crosschain_height, 93);
    ck_assert_uint_eq(p.cr_dpos_node_hotfix_height, 94);
    ck_assert_uint_eq(p.nft_start_height, 95);
    ck_assert_uint_eq(p.record_sponsor_start_height, 96);
    ck_assert_uint_eq(p.nft_v2_start_height, 97);
    ck_assert_uint_eq(p.dex_start_height, 98);
    ck_assert_uint_eq(p.cr_voting_start_height, 100);
    ck_assert_uint_eq(p.cr_committee_start_height, 101);
    ck_assert_uint_eq(p.cr_claim_dpos_node_start_height, 102);
    ck_assert_uint_eq(p.crc_proposal_v1_height, 103);
    ck_assert_uint_eq(p.new_p2p_protocol_version_height, 104);
    ck_assert_uint_eq(p.cr_assets_rectify_transaction_height, 105);
    ck_assert_uint_eq(p.crc_proposal_withdraw_payload_v1_height, 106);
    ck_assert_uint_eq(p.register_cr_by_did_height, 107);
    ck_assert_uint_eq(p.check_vote_cr_count_height, 108);
    ck_assert_uint_eq(p.change_committee_new_cr_height, 109);
    ck_assert_uint_eq(p.crc_proposal_draft_data_start_height, 110);
    ck_assert_uint_eq(p.cr_member_count, 4);
    ck_assert_uint_eq(p.cr_agreement_count, 3);
    ck_assert_int_eq(p.real_withdraw_single_fee, 777);
    expect_address(&p.crc_address, "8ZZLWQUDSbjWUn8sEdxEFJsZiRFpzg53rJ");
    /* Untouched values keep the regnet defaults (file values win, the rest is the network's). */
    ck_assert_uint_eq(p.halving_reward_interval, 60);
    ck_assert_uint_eq(p.pow_limit_bits, 0x1f0008ff);
    expect_address(&p.foundation, "8ZNizBf4KhhPjeJRGpox6rPcHE5Np6tFx3");
    ck_assert_uint_eq(p.n_crc_arbiters, 12);
}
END_TEST

START_TEST(config_heights_in_the_reference_place_only)
{
    /* Each height is read only where config.go declares its field: a CR height at the top
     * level, or a top-level height inside CRConfiguration, is an unknown key there. */
    ela_params p;
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"CRCommitteeStartHeight\":1,"
                "\"RecordSponsorStartHeight\":2,\"CRConfiguration\":{\"PublicDPOSHeight\":3},"
                "\"DPoSConfiguration\":{\"HalvingRewardHeight\":4}}");
    ck_assert_uint_eq(p.cr_committee_start_height, 442000);
    ck_assert_uint_eq(p.record_sponsor_start_height, NEVER);
    ck_assert_uint_eq(p.public_dpos_height, 231500);
    ck_assert_uint_eq(p.halving_reward_height, 801240);
    /* Top-level "Magic" and DPoSConfiguration "Magic" are different settings. */
    load_ok(&p, "{\"Magic\":1}");
    ck_assert_uint_eq(p.magic, 1);
    ck_assert_uint_eq(p.dpos_magic, 2019000);
}
END_TEST

START_TEST(config_wrong_types_rejected)
{
    load_bad("{\"Magic\":\"2017001\"}", "Magic");
    load_bad("{\"Magic\":true}", "Magic");
    load_bad("{\"Magic\":1.5}", "Magic");
    load_bad("{\"Magic\":-1}", "Magic");
    load_bad("{\"Magic\":4294967296}", "Magic");
    load_bad("{\"NodePort\":65536}", "NodePort");
    load_bad("{\"HttpJsonPort\":-1}", "HttpJsonPort");
    load_bad("{\"PublicDPOSHeight\":[1]}", "PublicDPOSHeight");
    load_bad("{\"MinTransactionFee\":-5}", "MinTransactionFee");
    load_bad("{\"MinTransactionFee\":{}}", "MinTransactionFee");
    load_bad("{\"HalvingRewardInterval\":0}", "HalvingRewardInterval");
    load_bad("{\"FoundationAddress\":\"8VYXVxKKSAxkmRrfmGpQR2Kc66XhG6m3tb\"}",
             "FoundationAddress");
    load_bad("{\"FoundationAddress\":7}", "FoundationAddress");
    load_bad("{\"PowConfiguration\":{\"InstantBlock\":1}}", "PowConfiguration.InstantBlock");
    load_bad("{\"PowConfiguration\":{\"InstantBlock\":\"true\"}}", "InstantBlock");
    load_bad("{\"PowConfiguration\":{\"MinTxFee\":\"x\"}}", "PowConfiguration.MinTxFee");
    load_bad("{\"PowConfiguration\":{\"AdjustmentFactor\":0}}", "AdjustmentFactor");
    load_bad("{\"PowConfiguration\":{\"TargetTimespan\":\"fast\"}}", "TargetTimespan");
    load_bad("{\"PowConfiguration\":{\"TargetTimespan\":\"500ms\"}}", "TargetTimespan");
    load_bad("{\"PowConfiguration\":{\"TargetTimespan\":\"1m\",\"TargetTimePerBlock\":\"2m\"}}",
             "TargetTimespan");
    load_bad("{\"PowConfiguration\":5}", "PowConfiguration");
    load_bad("{\"DPoSConfiguration\":\"x\"}", "DPoSConfiguration");
    load_bad("{\"DPoSConfiguration\":{\"DPoSPort\":70000}}", "DPoSConfiguration.DPoSPort");
    load_bad("{\"DPoSConfiguration\":{\"NormalArbitratorsCount\":-1}}",
             "NormalArbitratorsCount");
    load_bad("{\"DPoSConfiguration\":{\"CRCArbiters\":[\"02ab\"]}}", "CRCArbiters");
    load_bad("{\"DPoSConfiguration\":{\"CRCArbiters\":[1]}}", "CRCArbiters");
    load_bad("{\"DPoSConfiguration\":{\"OriginArbiters\":{}}}", "OriginArbiters");
    /* A 33-byte value that is not a compressed key (prefix 04). */
    load_bad("{\"DPoSConfiguration\":{\"OriginArbiters\":[\"04e333657c788a20577c0288559bd489ee"
             "65514748d18cb1dc7560ae4ce3d45613\"]}}",
             "OriginArbiters");
    load_bad("{\"CRConfiguration\":{\"CRCProposalV1Height\":\"1\"}}",
             "CRConfiguration.CRCProposalV1Height");
    load_bad("{\"CRConfiguration\":{\"CRCAddress\":\"nope\"}}", "CRCAddress");
    load_bad("{\"CrossChainUTXOFreezeHeight\":\"x\"}", "CrossChainUTXOFreezeHeight");
    load_bad("{\"ActiveNet\":\"regnet\",\"FrozenAddresses\":[{\"Address\":\"bad\"}]}",
             "FrozenAddresses");
    load_bad("{\"ActiveNet\":\"regnet\",\"FrozenAddresses\":{}}", "FrozenAddresses");
    /* Two spellings of one key are ambiguous (viper would keep one of them at random). */
    load_bad("{\"Magic\":1,\"magic\":2}", "Magic");
    /* A configuration that is not an object. */
    json_t *j = json_array();
    ela_params p;
    char err[128];
    ck_assert(!ela_params_apply_config(&p, j, err, sizeof err));
    ck_assert(strstr(err, "Configuration") != NULL);
    json_decref(j);
    /* err may be NULL. */
    j = cfg("{\"Magic\":\"x\"}");
    ck_assert(!ela_params_apply_config(&p, j, NULL, 0));
    json_decref(j);
}
END_TEST

START_TEST(config_accepted_forms)
{
    ela_params p;
    /* JSON reals with an integral value (the reference reads every number as float64). */
    load_ok(&p, "{\"Magic\":2.0e3,\"PowConfiguration\":{\"TargetTimespan\":\"1h30m\","
                "\"TargetTimePerBlock\":60000000000,\"PowLimitBits\":521142271}}");
    ck_assert_uint_eq(p.magic, 2000);
    ck_assert_uint_eq(p.target_timespan, 5400);
    ck_assert_uint_eq(p.target_time_per_block, 60);
    ck_assert_uint_eq(p.pow_limit_bits, 0x1f0fffff);
    /* null keeps the default. */
    load_ok(&p, "{\"Magic\":null,\"ActiveNet\":\"testnet\"}");
    ck_assert_uint_eq(p.magic, 2018101);
    /* A uint64 height beyond uint32 is "never". */
    load_ok(&p, "{\"CRConfiguration\":{\"NewP2PProtocolVersionHeight\":18446744073709551}}");
    ck_assert_uint_eq(p.new_p2p_protocol_version_height, NEVER);
    /* NULL configuration: mainnet defaults (enforced values included). */
    char err[64];
    ck_assert(ela_params_apply_config(&p, NULL, err, sizeof err));
    ck_assert_int_eq(p.net, ELA_NET_MAINNET);
    ck_assert_uint_eq(p.crosschain_utxo_freeze_height, 2256110);
}
END_TEST

START_TEST(config_block_size_defaults)
{
    ela_params p;
    /* 0 means "keep the default" for the three size settings (settings.go). */
    load_ok(&p, "{\"ActiveNet\":\"testnet\",\"MaxBlockSize\":0,\"MaxBlockHeaderSize\":0,"
                "\"MaxTxPerBlock\":0}");
    ck_assert_uint_eq(p.max_block_context_size, 8000000);
    ck_assert_uint_eq(p.max_block_header_size, 1000000);
    ck_assert_uint_eq(p.max_tx_per_block, 10000);
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"MaxBlockSize\":0}");
    ck_assert_uint_eq(p.max_block_context_size, 2000000);
    load_ok(&p, "{\"ActiveNet\":\"testnet\",\"MaxBlockSize\":3000000}");
    ck_assert_uint_eq(p.max_block_context_size, 3000000);
}
END_TEST

START_TEST(config_instant_block)
{
    ela_params p;
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"PowConfiguration\":{\"InstantBlock\":true,"
                "\"PowLimitBits\":123,\"TargetTimespan\":\"24h\"}}");
    ck_assert(p.instant_block);
    /* InstantBlock is applied after the file: its three values win. */
    ck_assert_uint_eq(p.pow_limit_bits, 0x207fffff);
    ck_assert_uint_eq(p.target_timespan, 10);
    ck_assert_uint_eq(p.target_time_per_block, 1);
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"PowConfiguration\":{\"InstantBlock\":false}}");
    ck_assert(!p.instant_block);
    ck_assert_uint_eq(p.pow_limit_bits, 0x1f0008ff);
    ck_assert_uint_eq(p.target_timespan, 86400);
}
END_TEST

START_TEST(config_mainnet_forced)
{
    ela_params p;
    /* Mainnet: the CrossChain UTXO heights and the frozen list cannot be configured. */
    load_ok(&p, "{\"CrossChainUTXOFreezeHeight\":5,\"CrossChainUTXORestrictionHeight\":6,"
                "\"FrozenAddresses\":[{\"Address\":\"Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj\","
                "\"DisableStartHeight\":1}]}");
    ck_assert_uint_eq(p.crosschain_utxo_freeze_height, 2256110);
    ck_assert_uint_eq(p.crosschain_utxo_restriction_height, 2256724);
    ck_assert_uint_eq(p.n_frozen, 1);
    expect_address(&p.frozen[0], "EfduuvdDcAgif8njgXNJUfsBumQf9yYP72");
    ck_assert_uint_eq(p.frozen_from[0], 2256110);
    /* Elsewhere the heights are forced to never, but a frozen list may be configured. */
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"CrossChainUTXOFreezeHeight\":5,"
                "\"CrossChainUTXORestrictionHeight\":6,\"FrozenAddresses\":["
                "{\"Address\":\"Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj\",\"DisableStartHeight\":9},"
                "{\"Address\":\"\",\"DisableStartHeight\":3},"
                "{\"address\":\"EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA\"}]}");
    ck_assert_uint_eq(p.crosschain_utxo_freeze_height, NEVER);
    ck_assert_uint_eq(p.crosschain_utxo_restriction_height, NEVER);
    ck_assert_uint_eq(p.n_frozen, 2);
    expect_address(&p.frozen[0], "Eahy6ALRyHhfzW7iJYJcHEzfSULLEFmFvj");
    ck_assert_uint_eq(p.frozen_from[0], 9);
    expect_address(&p.frozen[1], "EgATHA9UFjVDnMG7iAGBCvaPV4h8M5YLcA");
    ck_assert_uint_eq(p.frozen_from[1], 0);
    /* ela_params_enforce alone. */
    ela_params_init(&p, ELA_NET_MAINNET);
    p.crosschain_utxo_freeze_height = 1;
    p.n_frozen = 0;
    ela_params_enforce(&p);
    ck_assert_uint_eq(p.crosschain_utxo_freeze_height, 2256110);
    ck_assert_uint_eq(p.n_frozen, 1);
    ela_params_init(&p, ELA_NET_TESTNET);
    p.crosschain_utxo_restriction_height = 1;
    ela_params_enforce(&p);
    ck_assert_uint_eq(p.crosschain_utxo_restriction_height, NEVER);
}
END_TEST

START_TEST(config_arbiter_lists)
{
    static const char K1[] = "021111111111111111111111111111111111111111111111111111111111111111";
    static const char K2[] = "032222222222222222222222222222222222222222222222222222222222222222";
    char text[1024];
    ela_params p, d;
    ela_params_init(&d, ELA_NET_REGNET);

    /* CRCArbiters replaces the whole list. */
    snprintf(text, sizeof text,
             "{\"ActiveNet\":\"regnet\",\"DPoSConfiguration\":{\"CRCArbiters\":[\"%s\",\"%s\"]}}",
             K1, K2);
    load_ok(&p, text);
    ck_assert_uint_eq(p.n_crc_arbiters, 2);
    expect_key(p.crc_arbiters[0], K1);
    expect_key(p.crc_arbiters[1], K2);
    /* ... also to an empty list. */
    load_ok(&p, "{\"ActiveNet\":\"regnet\",\"DPoSConfiguration\":{\"CRCArbiters\":[]}}");
    ck_assert_uint_eq(p.n_crc_arbiters, 0);

    /* OriginArbiters is decoded element by element into the default list (mapstructure):
     * a shorter list replaces the first keys and leaves the trailing defaults. */
    snprintf(text, sizeof text,
             "{\"ActiveNet\":\"regnet\",\"DPoSConfiguration\":{\"OriginArbiters\":[\"%s\"]}}",
             K1);
    load_ok(&p, text);
    ck_assert_uint_eq(p.n_origin_arbiters, 5);
    expect_key(p.origin_arbiters[0], K1);
    ck_assert_mem_eq(p.origin_arbiters[1], d.origin_arbiters[1], 4 * ELA_PUBKEY_SIZE);
    /* A longer list grows it. */
    snprintf(text, sizeof text,
             "{\"ActiveNet\":\"regnet\",\"DPoSConfiguration\":{\"OriginArbiters\":"
             "[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]}}",
             K1, K1, K1, K1, K1, K2);
    load_ok(&p, text);
    ck_assert_uint_eq(p.n_origin_arbiters, 6);
    expect_key(p.origin_arbiters[5], K2);
    /* A comma-separated string is a list (viper's string-to-slice hook). */
    snprintf(text, sizeof text,
             "{\"ActiveNet\":\"regnet\",\"DPoSConfiguration\":{\"crcarbiters\":\"%s,%s\"}}", K2,
             K1);
    load_ok(&p, text);
    ck_assert_uint_eq(p.n_crc_arbiters, 2);
    expect_key(p.crc_arbiters[0], K2);
    expect_key(p.crc_arbiters[1], K1);
}
END_TEST

START_TEST(config_reference_samples)
{
    /* The configs the reference node ran with for the refnode vectors. */
    json_t *j = ela_test_load_json("refnode/configs/node1.config.json");
    ela_params p;
    char err[256];
    ck_assert_msg(ela_params_apply_config(&p, json_object_get(j, "Configuration"), err,
                                          sizeof err),
                  "%s", err);
    json_decref(j);
    ck_assert_int_eq(p.net, ELA_NET_REGNET);
    ck_assert(!p.instant_block);
    ck_assert_uint_eq(p.pow_limit_bits, 0x1f0008ff);
    ck_assert_uint_eq(p.node_port, 22338);
    ck_assert_uint_eq(p.rpc_port, 22336);
    char hex[65];
    genesis_display(hex, &p);
    ck_assert_str_eq(hex, TESTNET_GENESIS);

    j = ela_test_load_json("refnode/configs/node3.config.json");
    ck_assert_msg(ela_params_apply_config(&p, json_object_get(j, "Configuration"), err,
                                          sizeof err),
                  "%s", err);
    json_decref(j);
    ck_assert(p.instant_block);
    ck_assert_uint_eq(p.pow_limit_bits, 0x207fffff);
    ck_assert_uint_eq(p.node_port, 22358);
    ck_assert_uint_eq(p.rpc_port, 22356);
    ck_assert_uint_eq(p.ws_port, 22355);
    ck_assert_uint_eq(p.info_port, 22353);
    ck_assert_uint_eq(p.rest_port, 22354);
    ck_assert_uint_eq(p.dpos_port, 22359);
    /* "Genesis bits 0x1d03ffff, and it is identical with InstantBlock on or off." */
    genesis_display(hex, &p);
    ck_assert_str_eq(hex, TESTNET_GENESIS);
}
END_TEST

static Suite *params_suite(void)
{
    Suite *s = suite_create("params");
    TCase *tc = tcase_create("unit");
    tcase_add_test(tc, default_heights);
    tcase_add_test(tc, default_identity_and_limits);
    tcase_add_test(tc, default_arbiters);
    tcase_add_test(tc, default_state_parameters);
    tcase_add_test(tc, default_frozen);
    tcase_add_test(tc, reward_table);
    tcase_add_test(tc, reward_extremes);
    tcase_add_test(tc, genesis_hashes);
    tcase_add_test(tc, config_network_selection);
    tcase_add_test(tc, config_overrides_case_insensitive);
    tcase_add_test(tc, config_heights_in_the_reference_place_only);
    tcase_add_test(tc, config_wrong_types_rejected);
    tcase_add_test(tc, config_accepted_forms);
    tcase_add_test(tc, config_block_size_defaults);
    tcase_add_test(tc, config_instant_block);
    tcase_add_test(tc, config_mainnet_forced);
    tcase_add_test(tc, config_arbiter_lists);
    suite_add_tcase(s, tc);
    if (ela_test_have_vectors("reference configs")) {
        TCase *tv = tcase_create("vectors");
        tcase_add_test(tv, config_reference_samples);
        suite_add_tcase(s, tv);
    }
    return s;
}

int main(void)
{
    return ela_test_run(params_suite());
}
