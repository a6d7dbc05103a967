/* elad tests and benchmarks: a generator of valid regnet InstantBlock blocks built with libela
 * alone (no node code): coinbases that meet the pre-DPoS reward rules (spec/consensus.md §3.5
 * era C, §4.7.1: output 0 gives the foundation trunc(total*0.3); unlike the reference miner's
 * split, the rest goes to generator keys so that the wallet can spend it), P-256 signed
 * TransferAsset v09 transactions, the solo AuxPoW mined against 0x207fffff.
 *
 * A chaingen_branch is a chain tip the generator can extend: its height, hash, recent
 * timestamps (for median time past) and the wallet of outputs it may spend. Branches can be
 * copied (chaingen_branch_copy) to build competing forks from any point.
 *
 * Deterministic for a given seed (keys, nonces, amounts); timestamps advance by one second per
 * block from a start time. Not thread-safe. */
#ifndef ELA_TEST_CHAINGEN_H
#define ELA_TEST_CHAINGEN_H

#include <ela/block.h>
#include <ela/params.h>
#include <ela/tx.h>
#include <ela/uint256.h>

#include <stdio.h>

typedef struct chaingen chaingen;               /* keys and parameters */
typedef struct chaingen_branch chaingen_branch; /* one tip with its wallet */

/* A generator over params (which must have instant_block set and outlive it) with nkeys
 * signing keys derived from seed. The genesis block is ela_genesis_block_params(params). */
chaingen *chaingen_new(const ela_params *params, uint64_t seed, size_t nkeys);
void chaingen_free(chaingen *g);

/* A branch at genesis. Its wallet starts empty: the genesis coinbase pays the foundation, whose
 * key nobody has; coinbases of generated blocks pay the generator's keys. */
chaingen_branch *chaingen_branch_genesis(chaingen *g);
chaingen_branch *chaingen_branch_copy(const chaingen_branch *b);
void chaingen_branch_free(chaingen_branch *b);
uint32_t chaingen_branch_height(const chaingen_branch *b);
void chaingen_branch_tip(const chaingen_branch *b, ela_uint256 *hash);

/* Builds the next block on branch b with up to ntx signed transfers (each spending one mature
 * wallet output — coinbase maturity is honoured — into `outputs` outputs to generator keys,
 * fee ≥ the minimum), sealed (merkle root, hash, mined AuxPoW). *out is initialised here; the
 * caller clears it. The branch is NOT advanced: call chaingen_branch_accept after deciding to
 * keep the block (mutation tests build one, change it, and throw it away). Returns the number of
 * transfers included (fewer than ntx when the wallet has too few mature outputs). */
size_t chaingen_build_block(chaingen *g, ela_block *out, const chaingen_branch *b, size_t ntx,
                            size_t outputs);

/* Advances b over a block built on it (its outputs join the wallet, its inputs leave it). */
void chaingen_branch_accept(chaingen_branch *b, const ela_block *blk);

/* Re-seals a block after a test changed it: recomputes tx hashes, the merkle root, the header
 * hash and mines a fresh solo AuxPoW. Use it to make exactly one rule fail. */
void chaingen_seal(ela_block *blk);
/* Mines only the AuxPoW for the current header (header hash must be current). */
void chaingen_mine(ela_block_header *h);

/* Signs every input of tx (all spending outputs of generator keys) — after a test changed a
 * signed tx. false when an input's output is not the generator's. */
bool chaingen_resign(chaingen *g, ela_tx *tx, const chaingen_branch *b);

/* The program hash of generator key i (a standard 0x21 address) and its private key. */
void chaingen_key_program_hash(const chaingen *g, ela_uint168 *out, size_t i);
const uint8_t *chaingen_key_priv(const chaingen *g, size_t i);

/* Additions (chaingen module): knobs and wallet queries for tests and benchmarks. */

/* Number of outputs to generator keys in each coinbase built from now on (default 2; 1..65534).
 * Output 0 always pays the foundation its share. Large values fan a coinbase out into many
 * spendable outputs (the import benchmark needs about one per transfer of a later block). */
void chaingen_set_coinbase_outputs(chaingen *g, size_t n);
/* Number of signing keys. */
size_t chaingen_key_count(const chaingen *g);
/* Wallet outputs that a block built on b (at height tip + 1) could spend. */
size_t chaingen_branch_spendable(const chaingen_branch *b);
/* Number and total value of the wallet's outputs (mature or not). */
size_t chaingen_branch_wallet_size(const chaingen_branch *b);
int64_t chaingen_branch_balance(const chaingen_branch *b);
/* Timestamp of the branch's tip (a block built on it gets this + 1). */
uint32_t chaingen_branch_time(const chaingen_branch *b);

/* Serializes a block as one lowercase hex line with '\n' (the -loadblock format) to f. */
void chaingen_write_hex_line(FILE *f, const ela_block *blk);

#endif /* ELA_TEST_CHAINGEN_H */
