/* elad: the address manager (see addrman.h). */
#include "net/addrman.h"

#include <arpa/inet.h>
#include <jansson.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Entries tried this recently are not picked again; entries with this many failures since
 * their last success (or ever, when none) are picked only when nothing better exists. */
#define RETRY_AFTER 600
#define MAX_FAILURES 10

struct ela_addrman {
    ela_addr_entry *v;
    size_t n, alloc, cap;
    bool keep_unroutable;
};

static const uint8_t V4_PREFIX[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

ela_addrman *ela_addrman_new(size_t cap, bool keep_unroutable)
{
    ela_addrman *am = ela_xcalloc(1, sizeof *am);
    am->cap = cap ? cap : ELA_ADDRMAN_DEFAULT_CAP;
    am->keep_unroutable = keep_unroutable;
    return am;
}

void ela_addrman_free(ela_addrman *am)
{
    if (!am)
        return;
    free(am->v);
    free(am);
}

size_t ela_addrman_count(const ela_addrman *am) { return am->n; }

bool ela_addrman_need_more(const ela_addrman *am) { return am->n < ELA_ADDRMAN_WANT; }

bool ela_addr_routable(const uint8_t ip[16])
{
    if (memcmp(ip, V4_PREFIX, 12) == 0) {
        const uint8_t *a = ip + 12;
        if (a[0] == 0 || a[0] == 10 || a[0] == 127 || a[0] >= 224)
            return false;
        if (a[0] == 169 && a[1] == 254)
            return false;
        if (a[0] == 172 && (a[1] & 0xf0) == 16)
            return false;
        if (a[0] == 192 && a[1] == 168)
            return false;
        if (a[0] == 100 && (a[1] & 0xc0) == 64) /* RFC 6598 */
            return false;
        if ((a[0] == 192 && a[1] == 0 && a[2] == 2) || (a[0] == 198 && a[1] == 51 && a[2] == 100) ||
            (a[0] == 203 && a[1] == 0 && a[2] == 113) || (a[0] == 198 && (a[1] & 0xfe) == 18))
            return false; /* documentation, benchmarking */
        return true;
    }
    static const uint8_t ZERO[16] = {0};
    if (memcmp(ip, ZERO, 15) == 0)
        return false; /* :: and ::1 */
    if (ip[0] == 0xff || (ip[0] & 0xfe) == 0xfc || (ip[0] == 0xfe && (ip[1] & 0xc0) == 0x80))
        return false; /* multicast, unique local, link-local */
    if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x0d && ip[3] == 0xb8)
        return false; /* documentation */
    return true;
}

static ela_addr_entry *find(const ela_addrman *am, const uint8_t ip[16], uint16_t port)
{
    for (size_t i = 0; i < am->n; i++)
        if (am->v[i].port == port && memcmp(am->v[i].ip, ip, 16) == 0)
            return &am->v[i];
    return NULL;
}

bool ela_addrman_find(const ela_addrman *am, ela_addr_entry *out, const uint8_t ip[16],
                      uint16_t port)
{
    const ela_addr_entry *e = find(am, ip, port);
    if (e && out)
        *out = *e;
    return e != NULL;
}

/* The entry to drop from a full table: the most recently failed one that never succeeded,
 * else the one seen longest ago. */
static size_t victim(const ela_addrman *am)
{
    size_t best = 0;
    bool best_failed = false;
    for (size_t i = 0; i < am->n; i++) {
        const ela_addr_entry *e = &am->v[i], *b = &am->v[best];
        bool failed = e->attempts > 0 && e->last_success == 0;
        if (failed != best_failed) {
            if (failed) {
                best = i;
                best_failed = true;
            }
            continue;
        }
        if (failed ? e->attempts > b->attempts : e->last_seen < b->last_seen)
            best = i;
    }
    return best;
}

bool ela_addrman_add(ela_addrman *am, const ela_p2p_netaddr *na)
{
    if (!(na->services & ELA_SF_NODE_NETWORK) || na->port == 0)
        return false;
    if (!am->keep_unroutable && !ela_addr_routable(na->ip))
        return false;
    ela_addr_entry *e = find(am, na->ip, na->port);
    if (e) {
        if (na->timestamp > e->last_seen)
            e->last_seen = na->timestamp;
        e->services = na->services;
        return true;
    }
    if (am->n == am->cap) {
        am->v[victim(am)] = am->v[am->n - 1];
        am->n--;
    }
    if (am->n == am->alloc) {
        am->alloc = am->alloc ? 2 * am->alloc : 64;
        am->v = ela_xrealloc(am->v, am->alloc * sizeof *am->v);
    }
    e = &am->v[am->n++];
    memset(e, 0, sizeof *e);
    memcpy(e->ip, na->ip, 16);
    e->port = na->port;
    e->services = na->services;
    e->last_seen = na->timestamp;
    return true;
}

void ela_addrman_attempt(ela_addrman *am, const uint8_t ip[16], uint16_t port, int64_t now)
{
    ela_addr_entry *e = find(am, ip, port);
    if (e) {
        e->last_try = now;
        e->attempts++;
    }
}

void ela_addrman_good(ela_addrman *am, const uint8_t ip[16], uint16_t port, int64_t now)
{
    ela_addr_entry *e = find(am, ip, port);
    if (e) {
        e->last_success = now;
        e->last_seen = now;
        e->attempts = 0;
    }
}

bool ela_addrman_select(const ela_addrman *am, ela_addr_entry *out, int64_t now,
                        bool (*skip)(void *ctx, const ela_addr_entry *e), void *ctx,
                        uint64_t (*rnd)(void))
{
    if (am->n == 0)
        return false;
    /* Candidates in three tiers: once successful, fresh, many failures. */
    size_t *tier[3];
    size_t nt[3] = {0, 0, 0};
    for (int t = 0; t < 3; t++)
        tier[t] = ela_xmalloc(am->n * sizeof(size_t));
    for (size_t i = 0; i < am->n; i++) {
        const ela_addr_entry *e = &am->v[i];
        if (e->last_try && now - e->last_try < RETRY_AFTER)
            continue;
        if (skip && skip(ctx, e))
            continue;
        int t = e->attempts >= MAX_FAILURES ? 2 : e->last_success ? 0 : 1;
        tier[t][nt[t]++] = i;
    }
    int pick = -1;
    if (nt[0] && (nt[1] == 0 || rnd() % 2 == 0))
        pick = 0;
    else if (nt[1])
        pick = 1;
    else if (nt[2])
        pick = 2;
    if (pick >= 0)
        *out = am->v[tier[pick][rnd() % nt[pick]]];
    for (int t = 0; t < 3; t++)
        free(tier[t]);
    return pick >= 0;
}

size_t ela_addrman_sample(const ela_addrman *am, ela_p2p_netaddr *out, size_t max,
                          uint64_t (*rnd)(void))
{
    if (max > ELA_P2P_MAX_ADDR)
        max = ELA_P2P_MAX_ADDR;
    size_t want = am->n * 23 / 100;
    if (want < 10)
        want = 10;
    if (want > 2500)
        want = 2500;
    if (want > am->n)
        want = am->n;
    if (want > max)
        want = max;
    /* A partial Fisher-Yates shuffle over indexes. */
    size_t *idx = ela_xmalloc((am->n ? am->n : 1) * sizeof *idx);
    for (size_t i = 0; i < am->n; i++)
        idx[i] = i;
    for (size_t i = 0; i < want; i++) {
        size_t j = i + (size_t)(rnd() % (am->n - i));
        size_t t = idx[i];
        idx[i] = idx[j];
        idx[j] = t;
        const ela_addr_entry *e = &am->v[idx[i]];
        out[i].timestamp = e->last_seen;
        out[i].services = e->services;
        memcpy(out[i].ip, e->ip, 16);
        out[i].port = e->port;
    }
    free(idx);
    return want;
}

/* ---- text forms ----------------------------------------------------------------------------- */

void ela_addr_ip_string(char *out, size_t outlen, const uint8_t ip[16])
{
    char buf[INET6_ADDRSTRLEN];
    if (memcmp(ip, V4_PREFIX, 12) == 0)
        inet_ntop(AF_INET, ip + 12, buf, sizeof buf);
    else
        inet_ntop(AF_INET6, ip, buf, sizeof buf);
    snprintf(out, outlen, "%s", buf);
}

void ela_addr_format(char *out, size_t outlen, const uint8_t ip[16], uint16_t port)
{
    char buf[INET6_ADDRSTRLEN];
    ela_addr_ip_string(buf, sizeof buf, ip);
    if (memcmp(ip, V4_PREFIX, 12) == 0)
        snprintf(out, outlen, "%s:%u", buf, (unsigned)port);
    else
        snprintf(out, outlen, "[%s]:%u", buf, (unsigned)port);
}

bool ela_addr_parse(uint8_t ip[16], uint16_t *port, const char *s)
{
    char host[INET6_ADDRSTRLEN + 2];
    const char *colon;
    if (s[0] == '[') {
        const char *end = strchr(s, ']');
        if (!end || end[1] != ':' || (size_t)(end - s - 1) >= sizeof host)
            return false;
        memcpy(host, s + 1, (size_t)(end - s - 1));
        host[end - s - 1] = '\0';
        colon = end + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon || (size_t)(colon - s) >= sizeof host || memchr(s, ':', (size_t)(colon - s)))
            return false;
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
    }
    const char *p = colon + 1;
    unsigned long v = 0;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || v > 65535)
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v == 0 || v > 65535)
        return false;
    uint8_t v4[4];
    if (s[0] != '[' && inet_pton(AF_INET, host, v4) == 1) {
        memcpy(ip, V4_PREFIX, 12);
        memcpy(ip + 12, v4, 4);
    } else if (inet_pton(AF_INET6, host, ip) != 1) {
        return false;
    }
    *port = (uint16_t)v;
    return true;
}

/* ---- persistence ---------------------------------------------------------------------------- */

bool ela_addrman_save(const ela_addrman *am, const char *path, char *err, size_t errlen)
{
    json_t *root = json_object(), *arr = json_array();
    if (!root || !arr)
        abort();
    for (size_t i = 0; i < am->n; i++) {
        const ela_addr_entry *e = &am->v[i];
        char a[80];
        ela_addr_format(a, sizeof a, e->ip, e->port);
        json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I}", "addr", a, "services",
                              (json_int_t)e->services, "lastseen", (json_int_t)e->last_seen,
                              "lasttry", (json_int_t)e->last_try, "lastsuccess",
                              (json_int_t)e->last_success, "attempts", (json_int_t)e->attempts);
        if (!o)
            abort();
        json_array_append_new(arr, o);
    }
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "addresses", arr);
    size_t plen = strlen(path);
    char *tmp = ela_xmalloc(plen + 5);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    bool ok = json_dump_file(root, tmp, JSON_COMPACT) == 0;
    json_decref(root);
    if (!ok) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        unlink(tmp);
        ok = false;
    }
    free(tmp);
    return ok;
}

static bool get_int(json_int_t *out, const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return false;
    *out = json_integer_value(v);
    return true;
}

bool ela_addrman_load(ela_addrman *am, const char *path, char *err, size_t errlen)
{
    if (access(path, F_OK) != 0)
        return true;
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        return false;
    }
    const json_t *arr = json_object_get(root, "addresses");
    if (!json_is_array(arr)) {
        snprintf(err, errlen, "%s: no \"addresses\" array", path);
        json_decref(root);
        return false;
    }
    /* Everything is checked before anything is added. */
    size_t n = json_array_size(arr);
    ela_addr_entry *v = ela_xcalloc(n ? n : 1, sizeof *v);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        const json_t *o = json_array_get(arr, i);
        const json_t *a = json_object_get(o, "addr");
        json_int_t sv, ls, lt, lsu, at;
        ok = json_is_string(a) && ela_addr_parse(v[i].ip, &v[i].port, json_string_value(a)) &&
             get_int(&sv, o, "services") && get_int(&ls, o, "lastseen") &&
             get_int(&lt, o, "lasttry") && get_int(&lsu, o, "lastsuccess") &&
             get_int(&at, o, "attempts") && at <= UINT32_MAX;
        if (ok) {
            v[i].services = (uint64_t)sv;
            v[i].last_seen = ls;
            v[i].last_try = lt;
            v[i].last_success = lsu;
            v[i].attempts = (uint32_t)at;
        } else {
            snprintf(err, errlen, "%s: entry %zu is not a valid address record", path, i);
        }
    }
    if (ok) {
        for (size_t i = 0; i < n; i++) {
            ela_p2p_netaddr na = {.timestamp = v[i].last_seen, .services = v[i].services,
                                  .port = v[i].port};
            memcpy(na.ip, v[i].ip, 16);
            if (!ela_addrman_add(am, &na))
                continue;
            ela_addr_entry *e = find(am, v[i].ip, v[i].port);
            e->last_try = v[i].last_try;
            e->last_success = v[i].last_success;
            e->attempts = v[i].attempts;
        }
    }
    free(v);
    json_decref(root);
    return ok;
}
