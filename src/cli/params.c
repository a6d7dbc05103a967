/* ela-cli: the method table of spec/p2p-rpc.md §10.3 and §10.6 and argument conversion. */
#include "cli/params.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Names and types from the §10.6 catalogue; the order is the positional order of §10.3 where
 * the reference has one. Hashes, hex data, addresses, keys and amounts are always strings
 * ('s'): a hash of digits only must not become a number, and amounts are strings on the wire.
 * createrawtransaction and signrawtransactionwithkey take JSON *text* as strings. */
static const ela_cli_method METHODS[] = {
    {"help", {{NULL, 0}}},
    {"getinfo", {{NULL, 0}}},
    {"getmininginfo", {{NULL, 0}}},
    {"createauxblock", {{"paytoaddress", 's'}}},
    {"submitauxblock", {{"blockhash", 's'}, {"auxpow", 's'}}},
    {"getblockcount", {{NULL, 0}}},
    {"getcurrentheight", {{NULL, 0}}},
    {"getbestblockhash", {{NULL, 0}}},
    {"getblockhash", {{"height", 'j'}}},
    {"getblock", {{"blockhash", 's'}, {"verbosity", 'j'}}},
    {"getblockbyheight", {{"height", 'j'}}},
    {"getrawtransaction", {{"txid", 's'}, {"verbose", 'j'}}},
    {"sendrawtransaction", {{"data", 's'}}},
    {"getrawmempool", {{"state", 's'}}},
    {"listunspent", {{"addresses", 'a'}, {"utxotype", 's'}}},
    {"getutxosbyamount", {{"address", 's'}, {"amount", 's'}, {"utxotype", 's'}}},
    {"getamountbyinputs", {{"inputs", 's'}}},
    {"getreceivedbyaddress", {{"address", 's'}}},
    {"estimatesmartfee", {{"confirmations", 'j'}}},
    {"getconnectioncount", {{NULL, 0}}},
    {"getneighbors", {{NULL, 0}}},
    {"getnodestate", {{NULL, 0}}},
    {"decoderawtransaction", {{"data", 's'}}},
    {"createrawtransaction", {{"inputs", 's'}, {"outputs", 's'}, {"locktime", 'j'}}},
    {"signrawtransactionwithkey", {{"data", 's'}, {"codes", 's'}, {"privkeys", 's'}}},
    {"setloglevel", {{"level", 'j'}}},
    {"togglemining", {{"mining", 'j'}}},
    {"discretemining", {{"count", 'j'}}},
    {"listproducers", {{"start", 'j'}, {"limit", 'j'}, {"state", 's'}}},
    {"getproducerinfo", {{"publickey", 's'}}},
    {"producerstatus", {{"publickey", 's'}}},
    {"votestatus", {{"address", 's'}}},
    {"getdepositcoin", {{"ownerpublickey", 's'}}},
    {"getarbitersinfo", {{NULL, 0}}},
    {"getarbitratorgroupbyheight", {{"height", 'j'}}},
    {"getarbiterpeersinfo", {{NULL, 0}}},
    {"getconfirmbyheight", {{"height", 'j'}, {"verbosity", 'j'}}},
    {"getconfirmbyhash", {{"blockhash", 's'}, {"verbosity", 'j'}}},
    {"getvoterights", {{"stakeaddresses", 'a'}}},
    {"getalldetaileddposv2votes", {{"stakeaddress", 's'}, {"start", 'j'}, {"limit", 'j'}}},
    {"dposv2rewardinfo", {{"address", 's'}}},
    {"getdposv2info", {{NULL, 0}}},
    {"listcurrentcrs", {{NULL, 0}}},
    {"listnextcrs", {{NULL, 0}}},
    {"listcrcandidates", {{"start", 'j'}, {"limit", 'j'}, {"state", 's'}}},
    {"listcrproposalbasestate", {{"start", 'j'}, {"limit", 'j'}, {"state", 's'}}},
    {"getcrproposalstate", {{"proposalhash", 's'}, {"drafthash", 's'}}},
    {"getproposaldraftdata", {{"drafthash", 's'}}},
    {"getsecretarygeneral", {{NULL, 0}}},
    {"getcrrelatedstage", {{NULL, 0}}},
    {"getcommitteecanuseamount", {{NULL, 0}}},
    {"getcrdepositcoin", {{"publickey", 's'}, {"id", 's'}}},
    {"getexistwithdrawtransactions", {{"txs", 'a'}}},
    {"getexistreturndeposittransactions", {{"txs", 'a'}}},
    {"getregistertransactionsbyheight", {{"height", 'j'}}},
    {"getallregistertransactions", {{NULL, 0}}},
    {"getsmallcrosstransfertxs", {{NULL, 0}}},
    {"getcrosschainpeersinfo", {{NULL, 0}}},
    {"getcrcpeersinfo", {{NULL, 0}}},
    {"submitsidechainillegaldata", {{"illegaldata", 's'}}},
    {"getnftinfo", {{"id", 's'}}},
    {"getcandestroynftids", {{"ids", 'a'}, {"genesisblockhash", 's'}}},
    /* elad's own additions. */
    {"gettxoutsetinfo", {{NULL, 0}}},
    {"stop", {{NULL, 0}}},
};

const ela_cli_method *ela_cli_methods(size_t *n)
{
    *n = sizeof METHODS / sizeof METHODS[0];
    return METHODS;
}

const ela_cli_method *ela_cli_method_find(const char *name)
{
    for (size_t i = 0; i < sizeof METHODS / sizeof METHODS[0]; i++)
        if (strcmp(METHODS[i].name, name) == 0)
            return &METHODS[i];
    return NULL;
}

json_t *ela_cli_value(const char *value, char type)
{
    if (type == 's')
        return json_string(value);
    json_t *j = json_loads(value, JSON_DECODE_ANY, NULL);
    if (type == 'a') {
        if (json_is_array(j))
            return j;
        json_decref(j);
        json_t *arr = json_array();
        const char *p = value;
        while (*p) {
            const char *c = strchr(p, ',');
            size_t len = c ? (size_t)(c - p) : strlen(p);
            while (len > 0 && isspace((unsigned char)*p)) {
                p++;
                len--;
            }
            while (len > 0 && isspace((unsigned char)p[len - 1]))
                len--;
            if (len > 0)
                json_array_append_new(arr, json_stringn(p, len));
            if (!c)
                break;
            p = c + 1;
        }
        return arr;
    }
    return j ? j : json_string(value);
}

/* NAME=VALUE with NAME an identifier: sets *name_len. */
static bool is_named(const char *arg, size_t *name_len)
{
    size_t i = 0;
    if (!(isalpha((unsigned char)arg[0]) || arg[0] == '_'))
        return false;
    while (isalnum((unsigned char)arg[i]) || arg[i] == '_')
        i++;
    if (arg[i] != '=')
        return false;
    *name_len = i;
    return true;
}

static char type_of(const ela_cli_method *m, const char *name, size_t len)
{
    for (size_t i = 0; m && i < ELA_CLI_MAX_PARAMS && m->params[i].name; i++)
        if (strlen(m->params[i].name) == len && strncmp(m->params[i].name, name, len) == 0)
            return m->params[i].type;
    return 'j';
}

json_t *ela_cli_build_params(const char *method, char *const *args, size_t nargs,
                             const char **why)
{
    const ela_cli_method *m = ela_cli_method_find(method);
    size_t named = 0, nl;
    for (size_t i = 0; i < nargs; i++)
        if (is_named(args[i], &nl))
            named++;
    if (!m && named > 0 && named != nargs) {
        *why = "an unknown method takes either only positional or only NAME=VALUE arguments";
        return NULL;
    }
    if (!m && named == 0) {
        json_t *arr = json_array();
        for (size_t i = 0; i < nargs; i++)
            json_array_append_new(arr, ela_cli_value(args[i], 'j'));
        return arr;
    }
    json_t *obj = json_object();
    size_t pos = 0;
    for (size_t i = 0; i < nargs; i++) {
        if (is_named(args[i], &nl)) {
            char *name = strndup(args[i], nl);
            if (!name)
                abort();
            json_object_set_new(obj, name, ela_cli_value(args[i] + nl + 1, type_of(m, name, nl)));
            free(name);
            continue;
        }
        if (pos >= ELA_CLI_MAX_PARAMS || !m->params[pos].name) {
            json_decref(obj);
            *why = "too many arguments for this method (see ela-cli -help METHOD)";
            return NULL;
        }
        const ela_cli_param *p = &m->params[pos++];
        if (!json_object_get(obj, p->name))
            json_object_set_new(obj, p->name, ela_cli_value(args[i], p->type));
    }
    return obj;
}
