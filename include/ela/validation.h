/* elad: the outcome of a validation step (STYLE.md guideline 6): valid, or invalid with a stable
 * reject reason (a short kebab-case string such as "bad-txns-fee-too-low") that tests and logs
 * match on, the reference's numeric error code where one exists, and a free-form detail.
 *
 * A state starts valid (ela_validation_init); the first ela_validation_invalid call wins and
 * later calls leave it unchanged, so a check can fail without looking at what failed before. */
#ifndef ELA_VALIDATION_H
#define ELA_VALIDATION_H

#include <ela/ela.h>

/* ELA numeric error codes (servers/errors/errcode.go of the reference). Validation failures
 * carry the most specific one; blocks use ELA_ERR_INTERNAL as the reference's "adding block
 * failed". */
enum {
    ELA_ERR_UNCLASSIFIED = -1,
    ELA_ERR_INVALID_TRANSACTION = 43001,
    ELA_ERR_UNKNOWN_TRANSACTION = 44001,
    ELA_ERR_UNKNOWN_BLOCK = 44003,
    ELA_ERR_INTERNAL = 45002,
    ELA_ERR_INVALID_INPUT = 45003,
    ELA_ERR_INVALID_OUTPUT = 45004,
    ELA_ERR_ASSET_PRECISION = 45005,
    ELA_ERR_TRANSACTION_BALANCE = 45006,
    ELA_ERR_ATTRIBUTE_PROGRAM = 45007,
    ELA_ERR_TRANSACTION_SIGNATURE = 45008,
    ELA_ERR_TRANSACTION_PAYLOAD = 45009,
    ELA_ERR_DOUBLE_SPEND = 45010,
    ELA_ERR_TRANSACTION_DUPLICATE = 45011,
    ELA_ERR_SIDECHAIN_TX_DUPLICATE = 45012,
    ELA_ERR_TRANSACTION_SIZE = 45015,
    ELA_ERR_UNKNOWN_REFERRED_TX = 45016,
    ELA_ERR_INEFFECTIVE_COINBASE = 45018,
    ELA_ERR_UTXO_LOCKED = 45019,
    ELA_ERR_SIDECHAIN_POW_CONSENSUS = 45020,
    ELA_ERR_RETURN_DEPOSIT_CONSENSUS = 45021,
    ELA_ERR_PRODUCER_PROCESSING = 45022,
    ELA_ERR_TRANSACTION_POOL_SIZE = 45024, /* the pool is full (ErrTransactionPoolSize) */
    ELA_ERR_CR_PROCESSING = 45025,
    ELA_ERR_TRANSACTION_HEIGHT_VERSION = 45026,
};

/* Reject reason of every rule whose outcome depends on BPoS/CR state that this node does not
 * track yet: such a transaction or block is refused, never silently accepted. */
#define ELA_REASON_NEEDS_STATE "needs-bpos-cr-state"

typedef struct ela_validation_state {
    bool invalid;
    int code;            /* ELA error code; 0 while valid */
    char reason[64];     /* stable reject reason; "" while valid */
    char detail[192];    /* human detail (which input, which height...) */
} ela_validation_state;

void ela_validation_init(ela_validation_state *st);

/* Marks *st invalid unless it already is, and returns false so a check can
 * `return ela_validation_invalid(st, ...)`. detail_fmt may be NULL. */
bool ela_validation_invalid(ela_validation_state *st, int code, const char *reason,
                            const char *detail_fmt, ...) ELA_PRINTF(4, 5);

static inline bool ela_validation_ok(const ela_validation_state *st) { return !st->invalid; }

#endif /* ELA_VALIDATION_H */
