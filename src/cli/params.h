/* ela-cli: mapping command-line arguments to JSON-RPC named parameters.
 *
 * Every method of spec/p2p-rpc.md §10.6 has a row: its parameter names in order and the JSON
 * type each is sent as. Positional arguments fill the names in order (the reference's server
 * maps positional arrays only for a few methods, named parameters work for all, so the client
 * always sends an object for a known method); NAME=VALUE arguments set any parameter by name. */
#ifndef ELA_CLI_PARAMS_H
#define ELA_CLI_PARAMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* How a value is sent:
 *  's' always a JSON string;
 *  'j' the value parsed as JSON when it parses (numbers, true/false, null, arrays, objects,
 *      quoted strings), else a string;
 *  'a' an array of strings: a JSON array when the value is one, else the comma-separated
 *      parts. */
typedef struct ela_cli_param {
    const char *name;
    char type;
} ela_cli_param;

#define ELA_CLI_MAX_PARAMS 4

typedef struct ela_cli_method {
    const char *name;
    ela_cli_param params[ELA_CLI_MAX_PARAMS]; /* name NULL ends the list */
} ela_cli_method;

/* The row of a method, or NULL for a method the table does not know. */
const ela_cli_method *ela_cli_method_find(const char *name);
/* The whole table (count in *n), for -help. */
const ela_cli_method *ela_cli_methods(size_t *n);

/* Converts one argument value by type (see above). Returns a new reference. */
json_t *ela_cli_value(const char *value, char type);

/* Builds the "params" of a call from args[0..nargs). For a known method: an object (positional
 * values by the table, NAME=VALUE pairs by name, typed by the table or 'j' for other names).
 * For an unknown method: an object when every argument is NAME=VALUE (and there is at least
 * one), else an array of the values typed 'j' (NAME=VALUE then is an error). Returns NULL with
 * *why (a static message) on too many positional arguments or a mix the method cannot take.
 * The caller owns the result. */
json_t *ela_cli_build_params(const char *method, char *const *args, size_t nargs,
                             const char **why);

#endif /* ELA_CLI_PARAMS_H */
