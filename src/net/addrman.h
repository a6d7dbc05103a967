/* elad: the address manager of the P2P network (spec/p2p-rpc.md §7.3): the addresses of nodes
 * we could connect to, learnt from addr messages, seeds and successful connections.
 *
 * A simpler design than the reference's new/tried buckets (btcd): one table of at most `cap`
 * entries (ip, port, services, last seen, last try, attempts, last success). When the table is
 * full, the entry that has failed most recently and never succeeded is evicted (else the oldest
 * seen). Selection is random among the candidates an outbound dial could use: entries tried
 * less than 10 minutes ago are skipped, as are those with many failures and no success; entries
 * that once succeeded are preferred (picked first with probability 1/2 when any exist).
 *
 * Persisted as JSON {"version":1,"addresses":[{"addr":"ip:port","services":n,"lastseen":t,
 * "lasttry":t,"lastsuccess":t,"attempts":n}, ...]} written to a temporary file and renamed.
 *
 * Only addresses with SFNodeNetwork are kept (only full nodes are sync candidates and relayed
 * in addr); non-routable ones (private, loopback, link-local...) are refused unless the table
 * was created with keep_unroutable (regnet, where tests run on 127.0.0.1).
 *
 * Threads: one thread (the net's loop). */
#ifndef ELA_NET_ADDRMAN_H
#define ELA_NET_ADDRMAN_H

#include <ela/ela.h>
#include <ela/p2p.h>

#define ELA_ADDRMAN_DEFAULT_CAP 16384u
/* Below this many known addresses the node asks peers and seeds for more (§7.3). */
#define ELA_ADDRMAN_WANT 1000u

typedef struct ela_addr_entry {
    uint8_t ip[16]; /* IPv4 as ::ffff:a.b.c.d */
    uint16_t port;
    uint64_t services;
    int64_t last_seen, last_try, last_success; /* unix seconds; 0: never */
    uint32_t attempts;                         /* failed dials since the last success */
} ela_addr_entry;

typedef struct ela_addrman ela_addrman;

/* An empty table of at most cap entries (0: ELA_ADDRMAN_DEFAULT_CAP). */
ela_addrman *ela_addrman_new(size_t cap, bool keep_unroutable);
/* ela_addrman_free(NULL) is a no-op. */
void ela_addrman_free(ela_addrman *am);

size_t ela_addrman_count(const ela_addrman *am);
/* True when fewer than ELA_ADDRMAN_WANT addresses are known. */
bool ela_addrman_need_more(const ela_addrman *am);

/* True for an address worth keeping on a public network: not unspecified, loopback, private
 * (RFC 1918, RFC 4193), link-local, shared (RFC 6598), documentation, multicast or reserved. */
bool ela_addr_routable(const uint8_t ip[16]);

/* Adds or refreshes na (timestamp = last seen; the caller has already rewritten future ones).
 * false (nothing changed) when it lacks SFNodeNetwork, has port 0, or is non-routable on a table
 * that refuses those. An existing entry takes the newer timestamp and the new services. */
bool ela_addrman_add(ela_addrman *am, const ela_p2p_netaddr *na);
/* Marks a dial attempt (last_try = now, attempts + 1). No-op for unknown addresses. */
void ela_addrman_attempt(ela_addrman *am, const uint8_t ip[16], uint16_t port, int64_t now);
/* Marks a completed handshake (last_success = last_seen = now, attempts = 0). */
void ela_addrman_good(ela_addrman *am, const uint8_t ip[16], uint16_t port, int64_t now);
/* The entry for ip:port into *out (when not NULL); false when unknown. */
bool ela_addrman_find(const ela_addrman *am, ela_addr_entry *out, const uint8_t ip[16],
                      uint16_t port);

/* Picks an address to dial (rules above); skip (may be NULL) vetoes candidates (already
 * connected, banned...). false when none qualifies. rnd supplies random numbers. */
bool ela_addrman_select(const ela_addrman *am, ela_addr_entry *out, int64_t now,
                        bool (*skip)(void *ctx, const ela_addr_entry *e), void *ctx,
                        uint64_t (*rnd)(void));

/* A getaddr answer (§3.4): a random 23 % of the known addresses (at least 10, at most 2500,
 * never more than there are), then at most max (<= ELA_P2P_MAX_ADDR) of them, into out.
 * Returns how many were written. */
size_t ela_addrman_sample(const ela_addrman *am, ela_p2p_netaddr *out, size_t max,
                          uint64_t (*rnd)(void));

/* Writes the table to path atomically. false with err on an I/O error. */
ELA_WARN_UNUSED_RESULT bool ela_addrman_save(const ela_addrman *am, const char *path, char *err,
                                             size_t errlen);
/* Adds the entries of the file at path. A missing file is not an error (true, nothing added);
 * a damaged one returns false with err and adds nothing. */
ELA_WARN_UNUSED_RESULT bool ela_addrman_load(ela_addrman *am, const char *path, char *err,
                                             size_t errlen);

/* "ip:port" of an address ("[v6]:port" for IPv6; IPv4-mapped shown as IPv4). */
void ela_addr_format(char *out, size_t outlen, const uint8_t ip[16], uint16_t port);
/* Parses a numeric "ip:port" / "[v6]:port" into ip (IPv4 mapped) and *port. */
ELA_WARN_UNUSED_RESULT bool ela_addr_parse(uint8_t ip[16], uint16_t *port, const char *s);
/* The numeric IP alone ("1.2.3.4", "::1"). */
void ela_addr_ip_string(char *out, size_t outlen, const uint8_t ip[16]);

#endif /* ELA_NET_ADDRMAN_H */
