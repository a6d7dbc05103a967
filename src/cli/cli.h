/* ela-cli: what the command front end shares with the wallet commands. */
#ifndef ELA_CLI_CLI_H
#define ELA_CLI_CLI_H

#include "cli/rpcclient.h"

/* Resolves the connection settings (host, port, credentials from flags or the cookie file)
 * parsed by main. Returns false with a message on stderr when they are unusable. */
bool ela_cli_connect_settings(ela_cli_conn *out);

/* Prints an RPC failure the way the RPC mode does and returns the exit status (1 for an RPC
 * error, 2 for transport problems). */
int ela_cli_report(int status, long long code, const char *msg);

/* `ela-cli wallet ...`: argv[0] is "wallet". Returns the exit status. */
int ela_cli_wallet_main(int argc, char **argv);

#endif /* ELA_CLI_CLI_H */
