/* elad tests: shared helpers for the Check suites.
 *
 * Vectors are read in place from $ELA_VECTORS (default ../shared/vectors relative to the source
 * tree, set by make check). A suite adds its vector test cases only when they are present and
 * otherwise prints one clear SKIP line; nothing from the vectors is ever copied into the repo. */
#ifndef ELA_TESTUTIL_H
#define ELA_TESTUTIL_H

#include <check.h>
#include <jansson.h>

#include <ela/ela.h>
#include <ela/uint256.h>

/* True when the vectors directory exists. When it does not, prints
 * "SKIP: <what>: vectors not found at <dir> (set ELA_VECTORS)" once per call. */
bool ela_test_have_vectors(const char *what);
/* The vectors directory (never NULL; may not exist). */
const char *ela_test_vectors_dir(void);
/* Loads <vectors>/<rel> as JSON; a missing or malformed file fails the running test. */
json_t *ela_test_load_json(const char *rel);
/* Loads a JSON-lines file as an array of objects; fails the running test on any error. */
json_t *ela_test_load_jsonl(const char *rel);
/* Reads a whole file under the vectors directory (e.g. a .hex file); fails the test on error. */
char *ela_test_read_text(const char *rel);
/* Decodes hex or fails the running test. The caller clears the result. */
ela_bytes ela_test_unhex(const char *hex);
/* Decodes exactly n bytes of hex into out, failing the running test on any other input. */
void ela_test_unhex_n(uint8_t *out, const char *hex, size_t n);
/* Hashes from 64 hex digits in internal (stored) or display (reversed) order; bad hex fails
 * the running test. */
ela_uint256 ela_test_hash_internal(const char *hex);
ela_uint256 ela_test_hash_display(const char *hex);
/* Internal-order hex of a hash (ela_test_hex's buffer pool). */
const char *ela_test_hash_hex(const ela_uint256 *h);
/* ela_test_load_json, and keeps the document until ela_test_release_json, which a test case
 * registers as its teardown fixture (tcase_add_checked_fixture(tc, NULL, ela_test_release_json))
 * so a failing assertion does not leak the documents it had loaded. */
json_t *ela_test_hold_json(const char *rel);
void ela_test_release_json(void);
/* Hex of p[0..len) in a static rotating buffer pool (valid for the next few calls). */
const char *ela_test_hex(const uint8_t *p, size_t len);
/* String member of a JSON object, failing the test when absent or not a string. */
const char *ela_test_json_str(const json_t *obj, const char *key);
/* Runs the suite with CK_NORMAL output and returns the process exit status. */
int ela_test_run(Suite *s);

/* Deterministic pseudo-random numbers for randomised tests; the seed is printed by
 * ela_test_seed so a failure can be reproduced with ELA_TEST_SEED=<n>. */
uint64_t ela_test_seed(void);
uint64_t ela_test_rand(void);

#endif
