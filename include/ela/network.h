/* elad: the three ELA networks and their names. */
#ifndef ELA_NETWORK_H
#define ELA_NETWORK_H

#include <ela/ela.h>

typedef enum ela_network {
    ELA_NET_MAINNET = 0,
    ELA_NET_TESTNET = 1,
    ELA_NET_REGNET = 2,
} ela_network;

/* "mainnet", "testnet" or "regnet" (the reference's ActiveNet spelling). Asserts on a value
 * outside the enum. */
const char *ela_network_name(ela_network net);

/* Parses a network name as the reference's ActiveNet setting does: "mainnet", "testnet" or
 * "regnet", ignoring ASCII case. Returns false (and leaves *out unchanged) for anything else,
 * including NULL and the empty string. */
ELA_WARN_UNUSED_RESULT bool ela_network_from_name(ela_network *out, const char *name);

#endif /* ELA_NETWORK_H */
