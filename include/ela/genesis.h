/* elad: the genesis block (spec/wire.md §6), built from its parameters rather than stored as
 * bytes: a legacy CoinBase paying 33,000,000 ELA to the network's foundation address and the
 * RegisterAsset transaction that defines ELA, under a fixed header with an empty AuxPoW.
 * Testnet and regnet share the foundation address and therefore the genesis block. */
#ifndef ELA_GENESIS_H
#define ELA_GENESIS_H

#include <ela/block.h>
#include <ela/ela.h>
#include <ela/network.h>
#include <ela/params.h>
#include <ela/uint256.h>

#define ELA_GENESIS_TIMESTAMP 1513936800u /* 2017-12-22T10:00:00Z */
#define ELA_GENESIS_BITS 0x1d03ffffu
#define ELA_GENESIS_NONCE 2083236893u
/* 33,000,000 ELA in sela. */
#define ELA_GENESIS_FOUNDATION_AMOUNT INT64_C(3300000000000000)

/* The foundation program hash of a network (mainnet 8VYXVxKK…, testnet and regnet 8ZNizBf4…). */
void ela_genesis_foundation(ela_uint168 *out, ela_network net);

/* The RegisterAsset transaction of the genesis block; its txid is the ELA asset id.
 * *out must hold nothing on entry; the caller clears it. */
void ela_genesis_register_asset_tx(ela_tx *out);

/* The ELA asset id (internal order b037db96…ead0a3), computed as the txid of
 * ela_genesis_register_asset_tx. The same on every network. */
void ela_genesis_asset_id(ela_uint256 *out);

/* Builds the genesis block of a network: txids, merkle root, header hash and size are set.
 * *out must hold nothing on entry; the caller clears it with ela_block_clear. */
void ela_genesis_block(ela_block *out, ela_network net);

/* The genesis block of a parameter set: as ela_genesis_block(out, p->net) but paying the
 * 33,000,000 ELA to p->foundation, so a configured FoundationAddress gives another genesis
 * block (spec/consensus.md §1.1). *out must hold nothing on entry; the caller clears it. */
void ela_genesis_block_params(ela_block *out, const ela_params *p);

#endif /* ELA_GENESIS_H */
