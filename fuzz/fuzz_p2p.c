/* Fuzz target: a P2P frame as a peer sends it (spec/p2p-rpc.md §2-3): the 24-byte header, its
 * checks against regnet's limits, the checksum, then the payload through the decoder of its
 * command. Every decoder either refuses with a reason or returns a value whose encoding decodes
 * to the same bytes again. */
#include "fuzz.h"

#include <ela/bloom.h>
#include <ela/block.h>
#include <ela/p2p.h>
#include <ela/params.h>
#include <ela/tx.h>

static ela_params params;
static bool params_ready;

/* Encodes with write, decodes again with reparse and encodes once more: the two encodings must
 * be equal. */
#define ROUNDTRIP(type, value, write_fn, parse_fn, clear_fn)                                   \
    do {                                                                                      \
        ela_writer w1_, w2_;                                                                  \
        ela_writer_init(&w1_);                                                                \
        ela_writer_init(&w2_);                                                                \
        write_fn(&w1_, value);                                                                \
        type again_;                                                                          \
        const char *why_ = NULL;                                                              \
        FUZZ_ASSERT(parse_fn(&again_, w1_.data, w1_.len, &why_));                             \
        write_fn(&w2_, &again_);                                                              \
        FUZZ_ASSERT(fuzz_same(&w1_, &w2_));                                                   \
        clear_fn(&again_);                                                                    \
        ela_writer_clear(&w1_);                                                               \
        ela_writer_clear(&w2_);                                                               \
    } while (0)

static void nothing(void *p) { (void)p; }

static void payload(const char *cmd, const uint8_t *p, size_t len)
{
    const char *why = NULL;
    if (!strcmp(cmd, ELA_CMD_VERSION)) {
        ela_p2p_version v;
        if (ela_p2p_version_parse(&v, p, len, &why)) {
            ROUNDTRIP(ela_p2p_version, &v, ela_p2p_version_write, ela_p2p_version_parse,
                      nothing);
        }
    } else if (!strcmp(cmd, ELA_CMD_PING) || !strcmp(cmd, ELA_CMD_PONG)) {
        uint64_t nonce;
        if (!ela_p2p_ping_parse(&nonce, p, len, &why))
            FUZZ_ASSERT(why != NULL);
    } else if (!strcmp(cmd, ELA_CMD_ADDR)) {
        ela_p2p_addr a;
        if (ela_p2p_addr_parse(&a, p, len, &why)) {
            ROUNDTRIP(ela_p2p_addr, &a, ela_p2p_addr_write, ela_p2p_addr_parse,
                      ela_p2p_addr_clear);
            ela_p2p_addr_clear(&a);
        }
    } else if (!strcmp(cmd, ELA_CMD_INV) || !strcmp(cmd, ELA_CMD_GETDATA) ||
               !strcmp(cmd, ELA_CMD_NOTFOUND)) {
        ela_p2p_inv inv;
        if (ela_p2p_inv_parse(&inv, p, len, &why)) {
            ROUNDTRIP(ela_p2p_inv, &inv, ela_p2p_inv_write, ela_p2p_inv_parse,
                      ela_p2p_inv_clear);
            ela_p2p_inv_clear(&inv);
        }
    } else if (!strcmp(cmd, ELA_CMD_GETBLOCKS)) {
        ela_p2p_getblocks gb;
        if (ela_p2p_getblocks_parse(&gb, p, len, &why)) {
            ROUNDTRIP(ela_p2p_getblocks, &gb, ela_p2p_getblocks_write, ela_p2p_getblocks_parse,
                      ela_p2p_getblocks_clear);
            ela_p2p_getblocks_clear(&gb);
        }
    } else if (!strcmp(cmd, ELA_CMD_BLOCK)) {
        ela_dpos_block d;
        if (ela_p2p_block_parse(&d, p, len, &why))
            ela_dpos_block_clear(&d);
    } else if (!strcmp(cmd, ELA_CMD_TX)) {
        ela_tx tx;
        if (ela_p2p_tx_parse(&tx, p, len, &why))
            ela_tx_clear(&tx);
    } else if (!strcmp(cmd, ELA_CMD_REJECT)) {
        ela_p2p_reject rj;
        if (ela_p2p_reject_parse(&rj, p, len, &why)) {
            ROUNDTRIP(ela_p2p_reject, &rj, ela_p2p_reject_write, ela_p2p_reject_parse,
                      ela_p2p_reject_clear);
            ela_p2p_reject_clear(&rj);
        }
    } else if (!strcmp(cmd, ELA_CMD_FILTERLOAD)) {
        ela_bloom bf;
        if (ela_p2p_filterload_parse(&bf, p, len, &why))
            ela_bloom_clear(&bf);
    } else if (!strcmp(cmd, ELA_CMD_FILTERADD)) {
        ela_bytes b = {0};
        if (ela_p2p_filteradd_parse(&b, p, len, &why))
            ela_bytes_clear(&b);
    } else if (!strcmp(cmd, ELA_CMD_TXFILTER)) {
        ela_txfilter tf;
        if (ela_p2p_txfilter_parse(&tf, p, len, &why))
            ela_txfilter_clear(&tf);
    } else if (!strcmp(cmd, ELA_CMD_MERKLEBLOCK)) {
        for (int dpos = 0; dpos < 2; dpos++) {
            ela_p2p_merkleblock mb;
            if (ela_p2p_merkleblock_parse(&mb, dpos, p, len, &why))
                ela_p2p_merkleblock_clear(&mb);
        }
    } else if (!strcmp(cmd, ELA_CMD_DADDR)) {
        ela_p2p_daddr da;
        if (ela_p2p_daddr_parse(&da, p, len, &why)) {
            ROUNDTRIP(ela_p2p_daddr, &da, ela_p2p_daddr_write, ela_p2p_daddr_parse,
                      ela_p2p_daddr_clear);
            ela_p2p_daddr_clear(&da);
        }
    } else {
        if (!ela_p2p_empty_parse(len, &why))
            FUZZ_ASSERT(why != NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!params_ready) {
        ela_params_init(&params, ELA_NET_REGNET);
        params_ready = true;
    }
    if (size < ELA_P2P_HEADER_SIZE)
        return 0;
    ela_p2p_header h;
    const char *why = NULL;
    if (!ela_p2p_header_parse(&h, data, &why)) {
        FUZZ_ASSERT(why != NULL);
        return 0;
    }
    if (!ela_p2p_header_check(&params, &h, &why)) {
        FUZZ_ASSERT(why != NULL);
        return 0;
    }
    const uint8_t *p = data + ELA_P2P_HEADER_SIZE;
    size_t len = size - ELA_P2P_HEADER_SIZE;
    /* The checksum is what a peer gets wrong most easily; the decoders see the payload either
     * way, so that a mutated checksum does not hide them from the fuzzer. */
    (void)ela_p2p_checksum_ok(&h, p, len);
    payload(h.command, p, len);
    return 0;
}
