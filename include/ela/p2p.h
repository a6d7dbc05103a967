/* elad: the ELA main-network P2P wire protocol (spec/p2p-rpc.md §2, §3): message framing,
 * the per-command payload limits and a codec for every message payload. No I/O: the net layer
 * reads 24 header bytes, checks them here, reads the payload and hands it to a decoder here.
 *
 * Decoders (ela_p2p_*_parse) take the whole payload p[0..len). As the reference (which decodes
 * from a buffer of exactly `length` bytes) they IGNORE bytes left over after a successful
 * decode; a failed decode leaves the output holding nothing and sets *why (if not NULL) to a
 * static reason ("truncated", "count exceeds limit", ...). Encoders append the payload to an
 * ela_writer and cannot fail; an unrepresentable value is a caller bug (assert).
 *
 * Payloads that existing modules already own are delegated, not re-implemented:
 *   block       ela_dpos_block (block.h: block || bool have_confirm || [confirm])
 *   tx          ela_tx (tx.h)
 *   filterload  ela_bloom (bloom.h); filteradd element; txfilter ela_txfilter (bloom.h)
 *   merkleblock tree: ela_partial_merkle (merkle.h)
 * For those the encoders are the modules' own: ela_dpos_block_write, ela_tx_write,
 * ela_bloom_write, ela_filteradd_write, ela_txfilter_write. */
#ifndef ELA_P2P_H
#define ELA_P2P_H

#include <ela/block.h>
#include <ela/bloom.h>
#include <ela/ela.h>
#include <ela/merkle.h>
#include <ela/params.h>
#include <ela/serialize.h>
#include <ela/tx.h>
#include <ela/uint256.h>

/* ---- constants ---- */

#define ELA_P2P_HEADER_SIZE 24u
/* The command field: ASCII right-padded with NULs; at least one NUL, so <= 11 characters. */
#define ELA_P2P_COMMAND_SIZE 12u
#define ELA_P2P_MAX_COMMAND_LEN 11u
/* Largest payload the reference writes (MaxMessagePayload, 32 MiB). */
#define ELA_P2P_MAX_PAYLOAD 33554432u

/* Protocol versions of the version message (§4.2): nodeVersion is present from 80000 on. */
#define ELA_P2P_PROTOCOL_V1 20000u
#define ELA_P2P_PROTOCOL_V2 80000u
/* The version payload cap (§2.3) and therefore the longest nodeVersion: 82 - 35 - 1. */
#define ELA_P2P_VERSION_MAX_PAYLOAD 82u
#define ELA_P2P_VERSION_BASE_SIZE 35u
#define ELA_P2P_MAX_NODE_VERSION 46u

/* Count caps (§3.4-3.6). */
#define ELA_P2P_MAX_ADDR 1000u
#define ELA_P2P_MAX_INV 50000u
#define ELA_P2P_MAX_LOCATOR 500u
/* Size of one NetAddress and one InvVect on the wire. */
#define ELA_P2P_NETADDR_SIZE 34u
#define ELA_P2P_INV_VECT_SIZE 36u

/* daddr field sizes (§3.14). */
#define ELA_P2P_DADDR_KEY_SIZE 33u
#define ELA_P2P_DADDR_MAX_CIPHER 256u
#define ELA_P2P_DADDR_MAX_SIGNATURE 64u

/* Inventory types (§3.5). */
enum ela_inv_type {
    ELA_INV_ERROR = 0,
    ELA_INV_TX = 1,
    ELA_INV_BLOCK = 2,           /* block without its DPoS confirm */
    ELA_INV_FILTERED_BLOCK = 3,  /* getdata only: asks for a merkleblock */
    ELA_INV_CONFIRMED_BLOCK = 4, /* block with its confirm when one exists */
    ELA_INV_ADDRESS = 5,         /* daddr announcement */
};

/* Service flags of the version message (§3.1.1). */
#define ELA_SF_NODE_NETWORK UINT64_C(1)
#define ELA_SF_TX_FILTERING UINT64_C(2)
#define ELA_SF_NODE_BLOOM UINT64_C(4)

/* Reject codes (§3.9). */
enum ela_reject_code {
    ELA_REJECT_MALFORMED = 0x01,
    ELA_REJECT_INVALID = 0x10,
    ELA_REJECT_OBSOLETE = 0x11,
    ELA_REJECT_DUPLICATE = 0x12,
    ELA_REJECT_NONSTANDARD = 0x40,
    ELA_REJECT_DUST = 0x41,
    ELA_REJECT_INSUFFICIENT_FEE = 0x42,
    ELA_REJECT_CHECKPOINT = 0x43,
};

/* Command strings of the main network (§3). No other command exists there: sending any other
 * gets the sender a reject "malformed" and a disconnect (§2.2). */
#define ELA_CMD_VERSION "version"
#define ELA_CMD_VERACK "verack"
#define ELA_CMD_PING "ping"
#define ELA_CMD_PONG "pong"
#define ELA_CMD_GETADDR "getaddr"
#define ELA_CMD_ADDR "addr"
#define ELA_CMD_INV "inv"
#define ELA_CMD_GETDATA "getdata"
#define ELA_CMD_NOTFOUND "notfound"
#define ELA_CMD_GETBLOCKS "getblocks"
#define ELA_CMD_BLOCK "block"
#define ELA_CMD_TX "tx"
#define ELA_CMD_MEMPOOL "mempool"
#define ELA_CMD_REJECT "reject"
#define ELA_CMD_FILTERLOAD "filterload"
#define ELA_CMD_FILTERADD "filteradd"
#define ELA_CMD_FILTERCLEAR "filterclear"
#define ELA_CMD_TXFILTER "txfilter"
#define ELA_CMD_MERKLEBLOCK "merkleblock"
#define ELA_CMD_DADDR "daddr"

/* ---- framing (§2) ---- */

/* A decoded message header. command is the field up to its first NUL, NUL-terminated (the
 * bytes after the first NUL are not looked at). */
typedef struct ela_p2p_header {
    uint32_t magic;
    char command[ELA_P2P_COMMAND_SIZE + 1];
    uint32_t length;
    uint8_t checksum[4];
} ela_p2p_header;

/* Parses the 24 header bytes. Fails only when the command field holds no NUL ("command not
 * NUL-terminated"). The magic is NOT checked: comparing h->magic with the network's magic
 * (and dropping the connection on a mismatch) is the caller's job, as is ela_p2p_header_check.
 * *h is zeroed on failure; *why (if not NULL) says why. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_header_parse(ela_p2p_header *h,
                                                 const uint8_t buf[ELA_P2P_HEADER_SIZE],
                                                 const char **why);
/* The largest payload the reference reads for command on network p (§2.3): block
 * 2*(ctx+hdr), tx ctx, merkleblock ctx+hdr with ctx = p->max_block_context_size and hdr =
 * p->max_block_header_size, fixed values for the rest, 0 for the four empty messages. For a
 * command the main network does not know it returns 0 and sets *known (if not NULL) to false;
 * *known is true otherwise, so an unknown command is told apart from an empty-only one. */
uint32_t ela_p2p_max_payload(const ela_params *p, const char *command, bool *known);
/* The read-side header checks after the magic (§2.2 steps 3-4): an unknown command fails with
 * "unknown command", a length over ela_p2p_max_payload with "message size exceeded". */
ELA_WARN_UNUSED_RESULT bool ela_p2p_header_check(const ela_params *p, const ela_p2p_header *h,
                                                 const char **why);
/* First 4 bytes of SHA256d(p[0..len)) (empty payload: 5d f6 e0 e2). p may be NULL if len 0. */
void ela_p2p_checksum(uint8_t out[4], const uint8_t *p, size_t len);
/* True when h->checksum is the checksum of p[0..len) and h->length == len. */
bool ela_p2p_checksum_ok(const ela_p2p_header *h, const uint8_t *p, size_t len);
/* Fills *h for a payload: magic, command (1..11 characters, else a caller bug), length and
 * checksum. len over ELA_P2P_MAX_PAYLOAD is a caller bug (assert). */
void ela_p2p_header_make(ela_p2p_header *h, uint32_t magic, const char *command,
                         const uint8_t *p, size_t len);
/* The 24 wire bytes of *h (command NUL-padded). */
void ela_p2p_header_serialize(uint8_t out[ELA_P2P_HEADER_SIZE], const ela_p2p_header *h);
/* Appends a whole frame, header then payload, to w. Preconditions as ela_p2p_header_make. To
 * get an ela_bytes, release the writer with ela_writer_release. */
void ela_p2p_frame_write(ela_writer *w, uint32_t magic, const char *command, const uint8_t *p,
                         size_t len);

/* ---- empty messages: verack, getaddr, mempool, filterclear (§3.2) ---- */

/* True when len == 0; otherwise "non-empty payload" (the reference's cap of 0 disconnects
 * before reading such a payload). */
ELA_WARN_UNUSED_RESULT bool ela_p2p_empty_parse(size_t len, const char **why);

/* ---- version (§3.1) ---- */

typedef struct ela_p2p_version {
    uint32_t version;
    uint64_t services;
    uint32_t timestamp;
    uint16_t port; /* the sender's listening port */
    uint64_t nonce;
    uint64_t height;
    bool relay;
    /* Only on the wire when version >= ELA_P2P_PROTOCOL_V2. Raw bytes (not validated as
     * text), NUL-terminated here for convenience. */
    char node_version[ELA_P2P_MAX_NODE_VERSION + 1];
    size_t node_version_len;
} ela_p2p_version;

/* Decodes a version payload. With version >= 80000 it reads the nodeVersion varstr, which may
 * not exceed ELA_P2P_MAX_NODE_VERSION bytes ("node version too long": it would not fit the
 * 82-byte cap); the reference reads a missing one as an error ("truncated"). relay is any
 * non-zero byte. *v is zeroed on failure. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_version_parse(ela_p2p_version *v, const uint8_t *p,
                                                  size_t len, const char **why);
/* Encodes *v; node_version is written only for version >= 80000 (node_version_len over
 * ELA_P2P_MAX_NODE_VERSION is a caller bug). relay is written as 0/1. */
void ela_p2p_version_write(ela_writer *w, const ela_p2p_version *v);

/* ---- ping / pong (§3.3): nonce = the sender's best height ---- */

ELA_WARN_UNUSED_RESULT bool ela_p2p_ping_parse(uint64_t *nonce, const uint8_t *p, size_t len,
                                               const char **why);
void ela_p2p_ping_write(ela_writer *w, uint64_t nonce);

/* ---- addr (§3.4) ---- */

typedef struct ela_p2p_netaddr {
    int64_t timestamp;
    uint64_t services;
    uint8_t ip[16]; /* IPv4 as ::ffff:a.b.c.d */
    uint16_t port;  /* little-endian on the wire */
} ela_p2p_netaddr;

/* An addr payload. Embedded; owns addrs. */
typedef struct ela_p2p_addr {
    ela_p2p_netaddr *addrs;
    size_t n;
} ela_p2p_addr;

void ela_p2p_addr_clear(ela_p2p_addr *a);
/* u64 count (<= ELA_P2P_MAX_ADDR, "count exceeds limit") then count entries. A count of 0
 * decodes (the sender of one is disconnected by policy, §3.4). */
ELA_WARN_UNUSED_RESULT bool ela_p2p_addr_parse(ela_p2p_addr *a, const uint8_t *p, size_t len,
                                               const char **why);
/* More than ELA_P2P_MAX_ADDR entries is a caller bug. */
void ela_p2p_addr_write(ela_writer *w, const ela_p2p_addr *a);
void ela_p2p_netaddr_write(ela_writer *w, const ela_p2p_netaddr *na);

/* ---- inv / getdata / notfound (§3.5) ---- */

typedef struct ela_p2p_inv_vect {
    uint32_t type; /* enum ela_inv_type; other values decode */
    ela_uint256 hash;
} ela_p2p_inv_vect;

/* The payload of inv, getdata and notfound (same layout). Embedded; owns items. */
typedef struct ela_p2p_inv {
    ela_p2p_inv_vect *items;
    size_t n;
} ela_p2p_inv;

void ela_p2p_inv_clear(ela_p2p_inv *inv);
/* u32 count (<= ELA_P2P_MAX_INV, "count exceeds limit") then count InvVects. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_inv_parse(ela_p2p_inv *inv, const uint8_t *p, size_t len,
                                              const char **why);
/* More than ELA_P2P_MAX_INV items is a caller bug. */
void ela_p2p_inv_write(ela_writer *w, const ela_p2p_inv *inv);

/* ---- getblocks (§3.6) ---- */

/* Embedded; owns locator. An all-zero stop means "as many as allowed". */
typedef struct ela_p2p_getblocks {
    ela_uint256 *locator;
    size_t n;
    ela_uint256 stop;
} ela_p2p_getblocks;

void ela_p2p_getblocks_clear(ela_p2p_getblocks *gb);
/* u32 count (<= ELA_P2P_MAX_LOCATOR, "count exceeds limit"), the hashes, the stop hash. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_getblocks_parse(ela_p2p_getblocks *gb, const uint8_t *p,
                                                    size_t len, const char **why);
/* More than ELA_P2P_MAX_LOCATOR hashes is a caller bug. */
void ela_p2p_getblocks_write(ela_writer *w, const ela_p2p_getblocks *gb);

/* ---- block, tx (§3.7, §3.8) ---- */

/* A block payload: a DposBlock (ela_dpos_block_read, its format limits and reasons). Write
 * with ela_dpos_block_write. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_block_parse(ela_dpos_block *d, const uint8_t *p, size_t len,
                                                const char **why);
/* A tx payload (ela_tx_read). Write with ela_tx_write. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_tx_parse(ela_tx *tx, const uint8_t *p, size_t len,
                                             const char **why);

/* ---- reject (§3.9) ---- */

/* Embedded; owns command and reason (raw varstr bytes). */
typedef struct ela_p2p_reject {
    ela_bytes command;
    uint8_t code; /* enum ela_reject_code; other values decode */
    ela_bytes reason;
    ela_uint256 hash; /* always on the wire; zero when not about a tx or block */
} ela_p2p_reject;

void ela_p2p_reject_clear(ela_p2p_reject *rj);
ELA_WARN_UNUSED_RESULT bool ela_p2p_reject_parse(ela_p2p_reject *rj, const uint8_t *p,
                                                 size_t len, const char **why);
void ela_p2p_reject_write(ela_writer *w, const ela_p2p_reject *rj);

/* ---- filterload, filteradd, txfilter (§3.10-3.12; codecs in bloom.h) ---- */

/* ela_bloom_read over the payload (trailing bytes ignored, unlike ela_bloom_parse). */
ELA_WARN_UNUSED_RESULT bool ela_p2p_filterload_parse(ela_bloom *bf, const uint8_t *p,
                                                     size_t len, const char **why);
/* varbytes element <= ELA_FILTERADD_MAX_SIZE; *out must be clear on entry and is clear after a
 * failure. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_filteradd_parse(ela_bytes *out, const uint8_t *p,
                                                    size_t len, const char **why);
/* ela_txfilter_read over the payload. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_txfilter_parse(ela_txfilter *tf, const uint8_t *p,
                                                   size_t len, const char **why);

/* ---- merkleblock (§3.13) ---- */

/* The header is a plain Header for bloom filters (filterload, txfilter type 0) and a
 * DPOSHeader (Header, bool, optional Confirm) for txfilter type 1: the payload does not say
 * which, so the receiver must know which filter it loaded. Embedded; owns header, confirm,
 * tree. */
typedef struct ela_p2p_merkleblock {
    bool dpos_header;
    ela_block_header header;
    bool have_confirm;    /* only with dpos_header */
    ela_confirm confirm;  /* zeroed unless have_confirm */
    ela_partial_merkle tree; /* n_tx, hashes (<= ELA_MERKLE_MAX_HASHES), flags (<= 1250 B) */
} ela_p2p_merkleblock;

void ela_p2p_merkleblock_init(ela_p2p_merkleblock *mb);
void ela_p2p_merkleblock_clear(ela_p2p_merkleblock *mb);
/* Decodes the header in the form dpos_header selects, then the partial tree
 * (ela_partial_merkle_read: its limits are the MaxTxPerBlock defaults). The tree is not
 * verified here: use ela_partial_merkle_extract and compare the root with
 * mb->header.merkle_root. *mb holds nothing on failure. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_merkleblock_parse(ela_p2p_merkleblock *mb, bool dpos_header,
                                                      const uint8_t *p, size_t len,
                                                      const char **why);
void ela_p2p_merkleblock_write(ela_writer *w, const ela_p2p_merkleblock *mb);
/* Builds the merkleblock of block b revealing the transactions with matched[i] set
 * (matched has b->n_txs entries; b->n_txs >= 1 and current txids are preconditions). With
 * dpos_header the header is a DPOSHeader carrying a copy of *confirm when confirm is not NULL
 * (have_confirm = 0 when it is NULL); without it confirm must be NULL. *mb is overwritten. */
void ela_p2p_merkleblock_build(ela_p2p_merkleblock *mb, const ela_block *b, const bool *matched,
                               bool dpos_header, const ela_confirm *confirm);

/* ---- daddr (§3.14; codec only, no ECIES, no signature check) ---- */

/* Embedded; owns cipher and signature. */
typedef struct ela_p2p_daddr {
    uint8_t pid[ELA_P2P_DADDR_KEY_SIZE];
    int64_t timestamp;
    uint8_t encode[ELA_P2P_DADDR_KEY_SIZE];
    ela_bytes cipher;    /* <= ELA_P2P_DADDR_MAX_CIPHER */
    ela_bytes signature; /* <= ELA_P2P_DADDR_MAX_SIGNATURE */
} ela_p2p_daddr;

void ela_p2p_daddr_clear(ela_p2p_daddr *da);
ELA_WARN_UNUSED_RESULT bool ela_p2p_daddr_parse(ela_p2p_daddr *da, const uint8_t *p, size_t len,
                                                const char **why);
/* Oversized cipher or signature is a caller bug. */
void ela_p2p_daddr_write(ela_writer *w, const ela_p2p_daddr *da);
/* The bytes the signature covers and the inventory hash is over: timestamp || encode ||
 * varbytes(cipher). */
void ela_p2p_daddr_write_signed(ela_writer *w, const ela_p2p_daddr *da);
/* Inventory hash of a daddr: SHA256d of ela_p2p_daddr_write_signed's bytes. */
void ela_p2p_daddr_hash(ela_uint256 *out, const ela_p2p_daddr *da);

/* ---- block locator (§6.2) ---- */

/* Looks up the main-chain hash at height into *out; false when there is none. */
typedef bool (*ela_p2p_hash_at_fn)(void *ctx, uint32_t height, ela_uint256 *out);

/* The heights of the locator for tip: tip, tip-1 .. tip-10, then steps doubling from 2
 * (tip-12, -16, -24, -40, ...) while the height stays >= 1 and fewer than
 * ELA_P2P_MAX_LOCATOR - 1 are listed, then 0 (genesis). Tip 0 gives just [0]. Writes into
 * heights (room for ELA_P2P_MAX_LOCATOR) and returns the count. */
size_t ela_p2p_locator_heights(uint32_t heights[ELA_P2P_MAX_LOCATOR], uint32_t tip);
/* The locator hashes for tip via hash_at (called for each height of ela_p2p_locator_heights,
 * in order). Writes into out (room for ELA_P2P_MAX_LOCATOR) and their number into *n.
 * Returns false (with *n = 0) when hash_at fails for any height. */
ELA_WARN_UNUSED_RESULT bool ela_p2p_locator(ela_uint256 out[ELA_P2P_MAX_LOCATOR], size_t *n,
                                            uint32_t tip, ela_p2p_hash_at_fn hash_at,
                                            void *ctx);

#endif /* ELA_P2P_H */
