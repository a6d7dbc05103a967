/* elad tests: shared helpers for the Check suites. */
#include "testutil.h"

#include <ela/hex.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *ela_test_vectors_dir(void)
{
    const char *d = getenv("ELA_VECTORS");
    return d && *d ? d : "../shared/vectors";
}

bool ela_test_have_vectors(const char *what)
{
    struct stat st;
    const char *d = ela_test_vectors_dir();
    if (stat(d, &st) == 0 && S_ISDIR(st.st_mode))
        return true;
    printf("SKIP: %s: vectors not found at %s (set ELA_VECTORS)\n", what, d);
    return false;
}

static char *vector_path(const char *rel)
{
    const char *d = ela_test_vectors_dir();
    char *p = ela_xmalloc(strlen(d) + strlen(rel) + 2);
    sprintf(p, "%s/%s", d, rel);
    return p;
}

json_t *ela_test_load_json(const char *rel)
{
    char *path = vector_path(rel);
    json_error_t err;
    json_t *j = json_load_file(path, JSON_DECODE_ANY, &err);
    if (!j)
        ck_abort_msg("cannot load %s: %s (line %d)", path, err.text, err.line);
    free(path);
    return j;
}

char *ela_test_read_text(const char *rel)
{
    char *path = vector_path(rel);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    size_t cap = 4096, len = 0;
    char *buf = ela_xmalloc(cap);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2)
            buf = ela_xrealloc(buf, cap *= 2);
    }
    fclose(f);
    buf[len] = '\0';
    free(path);
    return buf;
}

json_t *ela_test_load_jsonl(const char *rel)
{
    char *text = ela_test_read_text(rel);
    json_t *arr = json_array();
    char *save = NULL;
    int lineno = 0;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (!*line)
            continue;
        json_error_t err;
        json_t *j = json_loads(line, 0, &err);
        ck_assert_msg(j != NULL, "%s line %d: %s", rel, lineno, err.text);
        json_array_append_new(arr, j);
    }
    free(text);
    return arr;
}

ela_bytes ela_test_unhex(const char *hex)
{
    ela_bytes b;
    const char *why = NULL;
    ck_assert_msg(ela_hex_decode_bytes(&b, hex, &why), "bad hex in test data: %s", why);
    return b;
}

const char *ela_test_hex(const uint8_t *p, size_t len)
{
    static char *pool[8];
    static int next;
    int i = next++ % 8;
    free(pool[i]);
    pool[i] = ela_hex_encode_new(p, len);
    return pool[i];
}

void ela_test_unhex_n(uint8_t *out, const char *hex, size_t n)
{
    ck_assert_uint_eq(strlen(hex), 2 * n);
    ck_assert(ela_hex_decode(out, hex, 2 * n));
}

ela_uint256 ela_test_hash_internal(const char *hex)
{
    ela_uint256 h;
    ck_assert_msg(ela_uint256_from_internal_hex(&h, hex), "bad hash hex %s", hex);
    return h;
}

ela_uint256 ela_test_hash_display(const char *hex)
{
    ela_uint256 h;
    ck_assert_msg(ela_uint256_from_display(&h, hex), "bad hash hex %s", hex);
    return h;
}

const char *ela_test_hash_hex(const ela_uint256 *h)
{
    return ela_test_hex(h->b, 32);
}

static json_t *held[8];
static size_t n_held;

json_t *ela_test_hold_json(const char *rel)
{
    json_t *j = ela_test_load_json(rel);
    ck_assert_uint_lt(n_held, ELA_ARRAY_LEN(held));
    held[n_held++] = j;
    return j;
}

void ela_test_release_json(void)
{
    while (n_held > 0)
        json_decref(held[--n_held]);
}

const char *ela_test_json_str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    ck_assert_msg(s != NULL, "test data lacks string member \"%s\"", key);
    return s;
}

int ela_test_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static uint64_t rng_state;
static bool rng_seeded;

uint64_t ela_test_seed(void)
{
    if (!rng_seeded) {
        const char *s = getenv("ELA_TEST_SEED");
        rng_state = s ? strtoull(s, NULL, 10) : (uint64_t)time(NULL);
        rng_seeded = true;
        printf("random seed: %llu (rerun with ELA_TEST_SEED=%llu)\n",
               (unsigned long long)rng_state, (unsigned long long)rng_state);
    }
    return rng_state;
}

uint64_t ela_test_rand(void)
{
    ela_test_seed();
    /* splitmix64 */
    uint64_t z = (rng_state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}
