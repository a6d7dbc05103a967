/* elad: the genesis block built from parameters (spec/wire.md §6). */
#include <ela/genesis.h>

#include <ela/payload.h>
#include <ela/tx.h>

#include <assert.h>
#include <string.h>
#include <strings.h>

const char *ela_network_name(ela_network net)
{
    switch (net) {
    case ELA_NET_MAINNET:
        return "mainnet";
    case ELA_NET_TESTNET:
        return "testnet";
    case ELA_NET_REGNET:
        return "regnet";
    }
    assert(!"unknown network");
    return "";
}

bool ela_network_from_name(ela_network *out, const char *name)
{
    static const ela_network all[] = {ELA_NET_MAINNET, ELA_NET_TESTNET, ELA_NET_REGNET};
    if (!name)
        return false;
    for (size_t i = 0; i < ELA_ARRAY_LEN(all); i++) {
        if (strcasecmp(name, ela_network_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

/* common/config/config.go: mainNetFoundationProgramHash, testNetFoundationProgramHash. */
static const uint8_t FOUNDATION_MAINNET[21] = {0x12, 0x9e, 0x9c, 0xf1, 0xc5, 0xf3, 0x36,
                                               0xfc, 0xf3, 0xa6, 0xc9, 0x54, 0x44, 0x4e,
                                               0xd4, 0x82, 0xc5, 0xd9, 0x16, 0xe5, 0x06};
static const uint8_t FOUNDATION_TESTNET[21] = {0x12, 0xc8, 0xa2, 0xe0, 0x67, 0x72, 0x27,
                                               0x14, 0x4d, 0xf8, 0x22, 0xb7, 0xd9, 0x24,
                                               0x6c, 0x58, 0xdf, 0x68, 0xeb, 0x11, 0xce};
/* The coinbase's nonce attribute (core/manager.go). */
static const uint8_t GENESIS_NONCE_ATTR[8] = {77, 101, 130, 33, 7, 252, 253, 82};

void ela_genesis_foundation(ela_uint168 *out, ela_network net)
{
    memcpy(out->b, net == ELA_NET_MAINNET ? FOUNDATION_MAINNET : FOUNDATION_TESTNET, 21);
}

void ela_genesis_register_asset_tx(ela_tx *out)
{
    ela_tx_init(out);
    ela_payload_init(&out->payload, ELA_TX_REGISTER_ASSET, 0);
    ela_payload_register_asset *a = &out->payload.u.register_asset;
    ela_bytes_set(&a->name, (const uint8_t *)"ELA", 3);
    a->precision = 8;
    ela_tx_compute_hash(out);
}

void ela_genesis_asset_id(ela_uint256 *out)
{
    ela_tx tx;
    ela_genesis_register_asset_tx(&tx);
    *out = tx.txid;
    ela_tx_clear(&tx);
}

void ela_genesis_block(ela_block *out, ela_network net)
{
    ela_block_init(out);

    ela_tx asset;
    ela_genesis_register_asset_tx(&asset);

    ela_tx cb;
    ela_tx_init(&cb);
    ela_payload_init(&cb.payload, ELA_TX_COINBASE, 4);
    cb.attribute_count = 1;
    cb.attributes = ela_xcalloc(1, sizeof *cb.attributes);
    cb.attributes[0].usage = ELA_ATTR_NONCE;
    ela_bytes_set(&cb.attributes[0].data, GENESIS_NONCE_ATTR, sizeof GENESIS_NONCE_ATTR);
    /* The genesis coinbase input is all zeros (not the later coinbase shape, §6.1). */
    cb.input_count = 1;
    cb.inputs = ela_xcalloc(1, sizeof *cb.inputs);
    cb.output_count = 1;
    cb.outputs = ela_xcalloc(1, sizeof *cb.outputs);
    cb.outputs[0].asset_id = asset.txid;
    cb.outputs[0].value = ELA_GENESIS_FOUNDATION_AMOUNT;
    ela_genesis_foundation(&cb.outputs[0].program_hash, net);

    ela_block_header *h = &out->header;
    h->version = 0;
    h->timestamp = ELA_GENESIS_TIMESTAMP;
    h->bits = ELA_GENESIS_BITS;
    h->nonce = ELA_GENESIS_NONCE;
    h->height = 0;
    ela_block_add_tx(out, &cb);
    ela_block_add_tx(out, &asset);
    ela_block_update(out);
}

void ela_genesis_block_params(ela_block *out, const ela_params *p)
{
    ela_genesis_block(out, p->net);
    /* Only the coinbase output differs (core.GenesisBlock(FoundationProgramHash)); txids,
     * merkle root, hash and size follow from it. */
    out->txs[0].outputs[0].program_hash = p->foundation;
    ela_block_update(out);
}
