/* elad: compiled network parameters (spec/consensus.md §1) and the block reward (§1.5).
 *
 * The values are facts read from the reference's common/config/config.go (GetDefaultParams,
 * TestNet, RegNet) and common/config/settings/settings.go. As in the reference, testnet and
 * regnet start from the mainnet defaults and overwrite what differs, so a value not set in
 * init_testnet / init_regnet is the mainnet one. */
#include <ela/params.h>

#include <ela/address.h>
#include <ela/genesis.h>
#include <ela/hex.h>
#include <ela/pow.h>

#include <assert.h>
#include <math.h>
#include <string.h>

/* CRC program hashes (§1.1): mainnet 8ZZLWQUDSbjWUn8sEdxEFJsZiRFpzg53rJ, testnet and regnet
 * 8JJCdEjMRm6x2rVsSMesL5gmoq7ts4wHMo. */
static const uint8_t CRC_MAINNET[21] = {0x12, 0xca, 0xa4, 0xb0, 0x0b, 0x86, 0x8b,
                                        0xe7, 0x92, 0xe2, 0x40, 0x1e, 0x97, 0x4e,
                                        0xcd, 0x5f, 0xcb, 0x1f, 0xd9, 0xab, 0x37};
static const uint8_t CRC_TESTNET[21] = {0x12, 0x23, 0x3d, 0xfb, 0x54, 0x88, 0xbb,
                                        0xa2, 0xe9, 0xfa, 0x9a, 0x11, 0xbb, 0x07,
                                        0xac, 0x10, 0xcd, 0x77, 0x29, 0x41, 0x22};

/* The address that received the funds of the 2026 CrossChain UTXO exploit, frozen on mainnet
 * from the freeze height (§1.7, §4.3 step 5). */
static const char FROZEN_MAINNET_ADDRESS[] = "EfduuvdDcAgif8njgXNJUfsBumQf9yYP72";
#define MAINNET_CROSSCHAIN_FREEZE_HEIGHT 2256110u
#define MAINNET_CROSSCHAIN_RESTRICTION_HEIGHT 2256724u

/* §1.9: DPoS arbiter node keys used before any DPoS state exists. */
static const char *const ORIGIN_MAINNET[] = {
    "0248df6705a909432be041e0baa25b8f648741018f70d1911f2ed28778db4b8fe4",
    "02771faf0f4d4235744b30972d5f2c470993920846c761e4d08889ecfdc061cddf",
    "0342196610e57d75ba3afa26e030092020aec56822104e465cba1d8f69f8d83c8e",
    "02fa3e0d14e0e93ca41c3c0f008679e417cf2adb6375dd4bbbee9ed8e8db606a56",
    "03ab3ecd1148b018d480224520917c6c3663a3631f198e3b25cf4c9c76786b7850",
};
static const char *const CRC_ARBITERS_MAINNET[] = {
    "02089d7e878171240ce0e3633d3ddc8b1128bc221f6b5f0d1551caa717c7493062",
    "0268214956b8421c0621d62cf2f0b20a02c2dc8c2cc89528aff9bd43b45ed34b9f",
    "03cce325c55057d2c8e3fb03fb5871794e73b85821e8d0f96a7e4510b4a922fad5",
    "02661637ae97c3af0580e1954ee80a7323973b256ca862cfcf01b4a18432670db4",
    "027d816821705e425415eb64a9704f25b4cd7eaca79616b0881fc92ac44ff8a46b",
    "02d4a8f5016ae22b1acdf8a2d72f6eb712932213804efd2ce30ca8d0b9b4295ac5",
    "029a4d8e4c99a1199f67a25d79724e14f8e6992a0c8b8acf102682bd8f500ce0c1",
    "02871b650700137defc5d34a11e56a4187f43e74bb078e147dd4048b8f3c81209f",
    "02fc66cba365f9957bcb2030e89a57fb3019c57ea057978756c1d46d40dfdd4df0",
    "03e3fe6124a4ea269224f5f43552250d627b4133cfd49d1f9e0283d0cd2fd209bc",
    "02b95b000f087a97e988c24331bf6769b4a75e4b7d5d2a38105092a3aa841be33b",
    "02a0aa9eac0e168f3474c2a0d04e50130833905740a5270e8a44d6c6e85cf6d98c",
};
/* Testnet and regnet share their origin arbiters. */
static const char *const ORIGIN_TESTNET[] = {
    "03e333657c788a20577c0288559bd489ee65514748d18cb1dc7560ae4ce3d45613",
    "02dd22722c3b3a284929e4859b07e6a706595066ddd2a0b38e5837403718fb047c",
    "03e4473b918b499e4112d281d805fc8d8ae7ac0a71ff938cba78006bf12dd90a85",
    "03dd66833d28bac530ca80af0efbfc2ec43b4b87504a41ab4946702254e7f48961",
    "02c8a87c076112a1b344633184673cfb0bb6bce1aca28c78986a7b1047d257a448",
};
static const char *const CRC_ARBITERS_TESTNET[] = {
    "03e435ccd6073813917c2d841a0815d21301ec3286bc1412bb5b099178c68a10b6",
    "038a1829b4b2bee784a99bebabbfecfec53f33dadeeeff21b460f8b4fc7c2ca771",
    "02435df9a4728e6250283cfa8215f16b48948d71936c4600b3a5b1c6fde70503ae",
    "027d44ee7e7a6c6ff13a130d15b18c75a3b47494c3e54fcffe5f4b10e225351e09",
    "02ad972fbfce4aaa797425138e4f3b22bcfa765ffad88b8a5af0ab515161c0a365",
    "0373eeae2bac0f5f14373ca603fe2c9caa9c7a79c7793246cec415d005e2fe53c0",
    "03503011cc4e44b94f73ed2c76c73182a75b4863f23d1e7083025eead945a8e764",
    "0270b6880e7fab8d02bea7d22639d7b5e07279dd6477baa713dacf99bb1d65de69",
    "030eed9f9c1d70307beba52ddb72a24a02582c0ee626ec93ee1dcef2eb308852dd",
    "026bba43feb19ce5859ffcf0ce9dd8b9d625130b686221da8b445fa9b8f978d7b9",
    "02bf9e37b3db0cbe86acf76a76578c6b17b4146df101ec934a00045f7d201f06dd",
    "03111f1247c66755d369a8c8b3a736dfd5cf464ca6735b659533cbe1268cd102a9",
};
static const char *const CRC_ARBITERS_REGNET[] = {
    "0306e3deefee78e0e25f88e98f1f3290ccea98f08dd3a890616755f1a066c4b9b8",
    "02b56a669d713db863c60171001a2eb155679cad186e9542486b93fa31ace78303",
    "0250c5019a00f8bb4fd59bb6d613c70a39bb3026b87cfa247fd26f59fd04987855",
    "02e00112e3e9defe0f38f33aaa55551c8fcad6aea79ab2b0f1ec41517fdd05950a",
    "020aa2d111866b59c70c5acc60110ef81208dcdc6f17f570e90d5c65b83349134f",
    "03cd41a8ed6104c1170332b02810237713369d0934282ca9885948960ae483a06d",
    "02939f638f3923e6d990a70a2126590d5b31a825a0f506958b99e0a42b731670ca",
    "032ade27506951c25127b0d2cb61d164e0bad8aec3f9c2e6785725a6ab6f4ad493",
    "03f716b21d7ae9c62789a5d48aefb16ba1e797b04a2ec1424cd6d3e2e0b43db8cb",
    "03488b0aace5fe5ee5a1564555819074b96cee1db5e7be1d74625240ef82ddd295",
    "03c559769d5f7bb64c28f11760cb36a2933596ca8a966bc36a09d50c24c48cc3e8",
    "03b5d90257ad24caf22fa8a11ce270ea57f3c2597e52322b453d4919ebec4e6300",
};

static const char SECRETARY_GENERAL_MAINNET[] =
    "02712da531804d1c38d159a901313239d2100dfb5b693d71a2f76b15dec3f8fc32";
static const char SECRETARY_GENERAL_TESTNET[] =
    "0349cb77a69aa35be0bcb044ffd41a616b8367136d3b339d515b1023cc0f302f87";

static void set_key(uint8_t dst[ELA_PUBKEY_SIZE], const char *hex)
{
    bool ok = ela_hex_decode(dst, hex, 2 * ELA_PUBKEY_SIZE);
    assert(ok && "compiled public key");
    (void)ok;
}

static void set_keys(uint8_t (*dst)[ELA_PUBKEY_SIZE], size_t *n, const char *const *hex,
                     size_t count)
{
    assert(count <= ELA_MAX_ARBITERS);
    for (size_t i = 0; i < count; i++)
        set_key(dst[i], hex[i]);
    *n = count;
}

static void set_mainnet_frozen(ela_params *p)
{
    memset(p->frozen, 0, sizeof p->frozen);
    memset(p->frozen_from, 0, sizeof p->frozen_from);
    bool ok = ela_address_to_program_hash(&p->frozen[0], FROZEN_MAINNET_ADDRESS);
    assert(ok && "compiled frozen address");
    (void)ok;
    p->frozen_from[0] = MAINNET_CROSSCHAIN_FREEZE_HEIGHT;
    p->n_frozen = 1;
}

static void init_mainnet(ela_params *p)
{
    p->net = ELA_NET_MAINNET;
    p->magic = 2017001;
    p->node_port = 20338;
    p->info_port = 20333;
    p->rest_port = 20334;
    p->ws_port = 20335;
    p->rpc_port = 20336;
    p->dpos_magic = 2019000;
    p->dpos_port = 20339;
    ela_genesis_foundation(&p->foundation, ELA_NET_MAINNET);
    memcpy(p->crc_address.b, CRC_MAINNET, sizeof CRC_MAINNET);

    p->instant_block = false;
    p->pow_limit_bits = ELA_POW_LIMIT_BITS;
    p->target_timespan = 24 * 3600;
    p->target_time_per_block = 120;
    p->adjustment_factor = 4;
    p->max_time_offset = 2 * 3600;

    /* The reference's settings force 2,000,000 on every network but testnet when MaxBlockSize
     * is not configured (§1.3); testnet keeps the 8,000,000 built into elanet/pact. */
    p->max_block_context_size = 2000000;
    p->max_block_header_size = 1000000;
    p->max_tx_per_block = 10000;

    p->min_tx_fee = 100;
    p->min_crosschain_tx_fee = 10000;
    p->return_deposit_coin_fee = 100;
    p->real_withdraw_single_fee = 10000;
    p->coinbase_maturity = 100;
    p->irreversible_height = 6;

    p->check_address_height = 88812;
    p->vote_start_height = 290000;
    p->crc_only_dpos_height = 343400;
    p->public_dpos_height = 402680;
    p->enable_activate_illegal_height = 439000;
    p->check_reward_height = 436812;
    p->vote_statistics_height = 512881;
    p->register_cr_by_did_height = 598000;
    p->cr_voting_start_height = 537670;
    p->cr_committee_start_height = 658930;
    p->check_vote_cr_count_height = 658930;
    p->cr_claim_dpos_node_start_height = 751400;
    p->crc_proposal_v1_height = 751400;
    p->crc_proposal_withdraw_payload_v1_height = 751400;
    p->cr_assets_rectify_transaction_height = 751400;
    p->new_p2p_protocol_version_height = 751400;
    p->new_ela_issuance_height = 919800;
    p->change_committee_new_cr_height = 932530;
    p->custom_id_proposal_start_height = 932530;
    p->no_crc_dpos_node_height = 932530;
    p->revert_to_pow_start_height = 932530;
    p->new_crosschain_start_height = 1032840;
    p->return_crosschain_coin_start_height = 1032840;
    p->prohibit_transfer_to_did_height = 1032840;
    p->crc_proposal_draft_data_start_height = 1056600;
    p->halving_reward_height = 1051200;
    p->halving_reward_interval = 1051200;
    p->dposv2_start_height = 1405000;
    p->normal_schnorr_start_height = 1405000;
    p->schnorr_start_height = ELA_HEIGHT_NEVER;
    p->crosschain_monitor_start_height = ELA_HEIGHT_NEVER;
    p->nft_start_height = 1405000;
    p->record_sponsor_start_height = 1801550;
    p->change_view_v1_height = 1911200;
    p->crosschain_utxo_freeze_height = MAINNET_CROSSCHAIN_FREEZE_HEIGHT;
    p->crosschain_utxo_restriction_height = MAINNET_CROSSCHAIN_RESTRICTION_HEIGHT;
    p->support_multi_code_height = ELA_HEIGHT_NEVER;
    p->dpos_node_crosschain_height = ELA_HEIGHT_NEVER;
    p->producer_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->cr_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->votes_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->multi_exchange_votes_start_height = ELA_HEIGHT_NEVER;
    p->nft_v2_start_height = ELA_HEIGHT_NEVER;
    p->dex_start_height = ELA_HEIGHT_NEVER;
    p->cr_dpos_node_hotfix_height = 0;

    set_mainnet_frozen(p);

    set_keys(p->origin_arbiters, &p->n_origin_arbiters, ORIGIN_MAINNET,
             ELA_ARRAY_LEN(ORIGIN_MAINNET));
    set_keys(p->crc_arbiters, &p->n_crc_arbiters, CRC_ARBITERS_MAINNET,
             ELA_ARRAY_LEN(CRC_ARBITERS_MAINNET));
    p->normal_arbiters_count = 24;
    p->cr_member_count = 12;
    p->cr_agreement_count = 8;

    p->candidates_count = 72;
    p->cr_voting_period = 30 * 720;
    p->cr_duty_period = 365 * 720;
    p->cr_deposit_lockup_blocks = 2160;
    p->cr_claim_dpos_node_period = 720 * 14;
    p->cr_claim_period = 720 * 14;
    p->proposal_cr_voting_period = 7 * 720;
    p->proposal_public_voting_period = 7 * 720;
    p->max_cr_assets_address_utxo_count = 800;
    p->min_cr_assets_address_utxo_count = 720;
    p->dposv2_effective_votes = INT64_C(80000) * 100000000;
    p->dposv2_deposit_coin_min_lock_time = 7200;
    p->dposv2_min_votes_lock_time = 7200;
    p->dposv2_max_votes_lock_time = 720000;
    p->dposv2_illegal_penalty = INT64_C(20000000000);
    p->revert_to_pow_no_block_time = 12 * 3600;
    p->stop_confirm_block_time = 11 * 3600;
    p->revert_to_pow_no_block_time_v1 = 2 * 3600;
    p->stop_confirm_block_time_v1 = 6600;
    p->pre_connect_offset = 360;
    set_key(p->secretary_general, SECRETARY_GENERAL_MAINNET);

    p->rectify_tx_fee = 10000;
    p->small_cross_transfer_threshold = 100000000;
    p->max_node_per_host = 72;
    p->mempool_tx_max_stay_height = 10;
}

/* What TestNet() and RegNet() set alike on top of the mainnet defaults. */
static void init_test_common(ela_params *p)
{
    ela_genesis_foundation(&p->foundation, ELA_NET_TESTNET);
    memcpy(p->crc_address.b, CRC_TESTNET, sizeof CRC_TESTNET);
    set_keys(p->origin_arbiters, &p->n_origin_arbiters, ORIGIN_TESTNET,
             ELA_ARRAY_LEN(ORIGIN_TESTNET));
    p->check_address_height = 0;
    p->vote_statistics_height = 0;
    p->crosschain_utxo_freeze_height = ELA_HEIGHT_NEVER;
    p->crosschain_utxo_restriction_height = ELA_HEIGHT_NEVER;
    p->n_frozen = 0;
    memset(p->frozen, 0, sizeof p->frozen);
    memset(p->frozen_from, 0, sizeof p->frozen_from);
    p->support_multi_code_height = 2000;
    p->cr_dpos_node_hotfix_height = 0;
    set_key(p->secretary_general, SECRETARY_GENERAL_TESTNET);
    p->max_node_per_host = 10;
    p->dposv2_effective_votes = INT64_C(3000) * 100000000;
    p->dposv2_deposit_coin_min_lock_time = 7200 * 3;
}

static void init_testnet(ela_params *p)
{
    init_test_common(p);
    p->net = ELA_NET_TESTNET;
    p->magic = 2018101;
    p->node_port = 21338;
    p->info_port = 21333;
    p->rest_port = 21334;
    p->ws_port = 21335;
    p->rpc_port = 21336;
    p->dpos_magic = 2019100;
    p->dpos_port = 21339;
    set_keys(p->crc_arbiters, &p->n_crc_arbiters, CRC_ARBITERS_TESTNET,
             ELA_ARRAY_LEN(CRC_ARBITERS_TESTNET));

    p->max_block_context_size = 8000000;
    p->real_withdraw_single_fee = 50000;
    p->cr_claim_dpos_node_period = 720 * 7;

    p->vote_start_height = 200000;
    p->crc_only_dpos_height = 246700;
    p->public_dpos_height = 300000;
    p->cr_voting_start_height = 436900;
    p->cr_committee_start_height = 546500;
    p->cr_claim_dpos_node_start_height = 646700;
    p->crc_proposal_v1_height = 646700;
    p->new_p2p_protocol_version_height = 646700;
    p->cr_assets_rectify_transaction_height = 646700;
    p->crc_proposal_withdraw_payload_v1_height = 646700;
    p->enable_activate_illegal_height = 546500;
    p->check_reward_height = 100;
    p->register_cr_by_did_height = 483500;
    p->check_vote_cr_count_height = 546500;
    p->change_committee_new_cr_height = 815060;
    p->custom_id_proposal_start_height = 815060;
    p->no_crc_dpos_node_height = 815060;
    p->dpos_node_crosschain_height = ELA_HEIGHT_NEVER;
    p->change_view_v1_height = 1304005;
    p->revert_to_pow_start_height = 815060;
    p->halving_reward_height = 877880;
    p->halving_reward_interval = 1051200;
    p->new_ela_issuance_height = 774920;
    p->new_crosschain_start_height = 807000;
    p->return_crosschain_coin_start_height = 807000;
    p->crc_proposal_draft_data_start_height = 807000;
    p->prohibit_transfer_to_did_height = 807000;
    /* The reference writes these as sums: 965800 + 720*3 and 965800 + 720*10. */
    p->dposv2_start_height = 965800 + 720 * 3;
    p->schnorr_start_height = 965800 + 720 * 10;
    p->normal_schnorr_start_height = 965800 + 720 * 10;
    p->crosschain_monitor_start_height = 965800 + 720 * 3;
    p->nft_start_height = 1098000;
    p->record_sponsor_start_height = 1174500;
    p->nft_v2_start_height = ELA_HEIGHT_NEVER;
    p->dex_start_height = ELA_HEIGHT_NEVER;
    p->producer_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->cr_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->votes_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->multi_exchange_votes_start_height = ELA_HEIGHT_NEVER;
}

static void init_regnet(ela_params *p)
{
    init_test_common(p);
    p->net = ELA_NET_REGNET;
    p->magic = 2018201;
    p->node_port = 22338;
    p->info_port = 22333;
    p->rest_port = 22334;
    p->ws_port = 22335;
    p->rpc_port = 22336;
    p->dpos_magic = 2019200;
    p->dpos_port = 22339;
    set_keys(p->crc_arbiters, &p->n_crc_arbiters, CRC_ARBITERS_REGNET,
             ELA_ARRAY_LEN(CRC_ARBITERS_REGNET));

    p->real_withdraw_single_fee = 10000;
    p->cr_claim_dpos_node_period = 720;
    p->max_cr_assets_address_utxo_count = 1440;

    p->vote_start_height = 170000;
    p->crc_only_dpos_height = 211000;
    p->public_dpos_height = 231500;
    p->cr_voting_start_height = 292000;
    p->cr_committee_start_height = 442000;
    p->cr_claim_dpos_node_start_height = 532650;
    p->crc_proposal_v1_height = 530000;
    p->new_p2p_protocol_version_height = 531030;
    p->cr_assets_rectify_transaction_height = 532650;
    p->crc_proposal_withdraw_payload_v1_height = 532650;
    p->enable_activate_illegal_height = 256000;
    p->check_reward_height = 280000;
    p->register_cr_by_did_height = 393000;
    p->check_vote_cr_count_height = 435000;
    p->change_committee_new_cr_height = 706240;
    p->custom_id_proposal_start_height = 706240;
    p->no_crc_dpos_node_height = 706240;
    p->dpos_node_crosschain_height = ELA_HEIGHT_NEVER;
    p->change_view_v1_height = ELA_HEIGHT_NEVER;
    p->revert_to_pow_start_height = 706240;
    p->halving_reward_height = 801240;
    p->halving_reward_interval = 1051200;
    p->new_ela_issuance_height = 691740;
    p->new_crosschain_start_height = 730000;
    p->return_crosschain_coin_start_height = 730000;
    p->crc_proposal_draft_data_start_height = 730000;
    p->prohibit_transfer_to_did_height = 730000;
    /* The reference writes these as sums: 875544 + 720*2 and 875544 + 720*5. */
    p->dposv2_start_height = 875544 + 720 * 2;
    p->schnorr_start_height = 875544 + 720 * 5;
    p->normal_schnorr_start_height = 875544 + 720 * 5;
    p->crosschain_monitor_start_height = 875544 + 720 * 2;
    p->nft_start_height = 968000;
    p->record_sponsor_start_height = ELA_HEIGHT_NEVER;
    p->nft_v2_start_height = ELA_HEIGHT_NEVER;
    p->dex_start_height = ELA_HEIGHT_NEVER;
    p->producer_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->cr_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->votes_schnorr_start_height = ELA_HEIGHT_NEVER;
    p->multi_exchange_votes_start_height = ELA_HEIGHT_NEVER;
}

void ela_params_init(ela_params *p, ela_network net)
{
    memset(p, 0, sizeof *p);
    init_mainnet(p);
    switch (net) {
    case ELA_NET_MAINNET:
        break;
    case ELA_NET_TESTNET:
        init_testnet(p);
        break;
    case ELA_NET_REGNET:
        init_regnet(p);
        break;
    default:
        assert(!"unknown network");
    }
}

void ela_params_set_instant_block(ela_params *p)
{
    p->instant_block = true;
    p->pow_limit_bits = ELA_POW_INSTANT_BITS;
    p->target_timespan = 10;
    p->target_time_per_block = 1;
}

void ela_params_enforce(ela_params *p)
{
    /* settings.go enforces these after the file and the command line: the mainnet emergency
     * heights and frozen list cannot be configured away, and no other network can turn the
     * CrossChain UTXO rules on. The frozen list of another network stays as configured. */
    if (p->net == ELA_NET_MAINNET) {
        p->crosschain_utxo_freeze_height = MAINNET_CROSSCHAIN_FREEZE_HEIGHT;
        p->crosschain_utxo_restriction_height = MAINNET_CROSSCHAIN_RESTRICTION_HEIGHT;
        set_mainnet_frozen(p);
    } else {
        p->crosschain_utxo_freeze_height = ELA_HEIGHT_NEVER;
        p->crosschain_utxo_restriction_height = ELA_HEIGHT_NEVER;
    }
}

/* Issuance constants of config.go, in sela. */
#define ORIGIN_INFLATION_PER_YEAR INT64_C(132000000000000) /* 4 % of 33,000,000 ELA */
#define NEW_INFLATION_PER_YEAR INT64_C(80000000000000)     /* 4 % of 20,000,000 ELA */

int64_t ela_params_block_reward(const ela_params *p, uint32_t height)
{
    /* §1.5: plain binary64 arithmetic then truncation toward zero, as Go's
     * Fixed64(float64(...) / float64(...)). volatile keeps each step a double rounding even
     * on a target with wider intermediate precision. */
    volatile double r;
    if (height < p->new_ela_issuance_height) {
        r = (double)ORIGIN_INFLATION_PER_YEAR / (double)ELA_BLOCKS_PER_YEAR;
        return (int64_t)r;
    }
    /* The factor is a uint32 in the reference: 2 + (h - HalvingRewardHeight) / interval wraps
     * for absurd configurations (an interval of 1 at the top of the height range), which is
     * reproduced rather than guarded. An interval of 0 is refused by the config loader; here
     * it is treated as "never halve again" instead of dividing by zero. */
    uint32_t factor = 1;
    if (height >= p->halving_reward_height) {
        uint32_t steps = p->halving_reward_interval
                             ? (height - p->halving_reward_height) / p->halving_reward_interval
                             : 0;
        factor = 2u + steps;
    }
    /* 2^(factor-1) as math.Pow gives it: exact powers of two, +Inf past 2^1023 (the reward
     * then truncates to 0). */
    double halving = 1.0;
    for (uint32_t i = 0; i < factor - 1 && halving != (double)INFINITY; i++)
        halving *= 2.0;
    r = (double)NEW_INFLATION_PER_YEAR / (double)ELA_BLOCKS_PER_YEAR;
    r = r / halving;
    return (int64_t)r;
}
