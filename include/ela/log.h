/* elad: logging for the node layer (STYLE.md guideline 14). Levels and categories, changeable
 * at runtime; one output file (or stderr) that SIGHUP can reopen. The consensus library never
 * logs; the store, chain engine, RPC and daemon do.
 *
 * Thread-safe: worker threads may log. A line is
 *   2026-11-21 10:00:00.123456 [INF] validation: message */
#ifndef ELA_LOG_H
#define ELA_LOG_H

#include <ela/ela.h>

typedef enum ela_log_level {
    ELA_LOG_DEBUG = 0,
    ELA_LOG_INFO = 1,
    ELA_LOG_WARN = 2,
    ELA_LOG_ERROR = 3,
    ELA_LOG_FATAL = 4,
    ELA_LOG_OFF = 5, /* the reference's PrintLevel scale */
} ela_log_level;

typedef enum ela_log_category {
    ELA_LOGC_NODE = 0, /* start-up, shutdown, configuration */
    ELA_LOGC_DB,
    ELA_LOGC_VALIDATION,
    ELA_LOGC_CHAIN,
    ELA_LOGC_RPC,
    ELA_LOGC_NET,
    ELA_LOGC_SYNC,
    ELA_LOGC_AUXPOW,
    ELA_LOGC_BPOS,
    ELA_LOGC_CR,
    ELA_LOGC_SPV,
    ELA_LOGC_MEMPOOL,
    ELA_LOGC_MINING,
    ELA_LOGC_COUNT_,
} ela_log_category;

/* Sets the minimum level of every category (default ELA_LOG_INFO). */
void ela_log_set_level(ela_log_level level);
/* Sets the minimum level of one category. */
void ela_log_set_category_level(ela_log_category cat, ela_log_level level);
/* Parses "debug", "info", "warn", "error", "fatal", "off" or a digit 0-5. */
ELA_WARN_UNUSED_RESULT bool ela_log_level_from_name(ela_log_level *out, const char *name);
/* Parses a category name ("net", "db", ...). */
ELA_WARN_UNUSED_RESULT bool ela_log_category_from_name(ela_log_category *out, const char *name);
const char *ela_log_category_name(ela_log_category cat);

/* Sends output to path (appending; created if needed) instead of stderr; NULL returns to
 * stderr. With also_stderr, lines go to both. false (errno set) when the file cannot be
 * opened; the previous destination stays. */
ELA_WARN_UNUSED_RESULT bool ela_log_open(const char *path, bool also_stderr);
/* Reopens the current file (after rotation, on SIGHUP). */
void ela_log_reopen(void);
void ela_log_close(void);

bool ela_log_enabled(ela_log_category cat, ela_log_level level);
void ela_log(ela_log_category cat, ela_log_level level, const char *fmt, ...) ELA_PRINTF(3, 4);

#define ela_log_debug(cat, ...)                          \
    do {                                                 \
        if (ela_log_enabled(cat, ELA_LOG_DEBUG))         \
            ela_log(cat, ELA_LOG_DEBUG, __VA_ARGS__);    \
    } while (0)
#define ela_log_info(cat, ...) ela_log(cat, ELA_LOG_INFO, __VA_ARGS__)
#define ela_log_warn(cat, ...) ela_log(cat, ELA_LOG_WARN, __VA_ARGS__)
#define ela_log_error(cat, ...) ela_log(cat, ELA_LOG_ERROR, __VA_ARGS__)

#endif /* ELA_LOG_H */
