/* Unit tests of the node's network-adjusted time (src/node/node.h, spec/consensus.md §3.2.1):
 * one sample per source, at most 199 kept, the median applied only for an odd count of at least
 * 5 and only within 70 minutes. */
#include "node/node.h"
#include "testutil.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void add(ela_node *n, int i, int64_t offset)
{
    char src[32];
    snprintf(src, sizeof src, "10.0.0.%d:22338", i);
    ela_node_add_time_sample(n, src, offset);
}

START_TEST(offset_needs_five_and_an_odd_count)
{
    ela_node n;
    ela_node_init(&n, NULL, NULL, NULL);
    for (int i = 0; i < 4; i++)
        add(&n, i, 100);
    ck_assert_int_eq(n.time_offset, 0); /* 4 samples: not yet */
    add(&n, 4, 100);
    ck_assert_int_eq(n.time_offset, 100); /* 5: the median */
    add(&n, 5, -500);
    ck_assert_int_eq(n.time_offset, 100); /* 6: even, unchanged */
    add(&n, 6, -500);
    add(&n, 7, -500);
    add(&n, 8, -500);
    ck_assert_int_eq(n.time_offset, 100); /* 9: the median of 5 x 100 and 4 x -500 */
    add(&n, 9, -500);
    add(&n, 10, -500);
    ck_assert_int_eq(n.time_offset, -500); /* 11: 6 x -500 now outweigh 5 x 100 */
    int64_t now = (int64_t)time(NULL);
    int64_t adj = ela_node_now(&n);
    ck_assert(adj >= now - 501 && adj <= now - 499);
}
END_TEST

START_TEST(one_sample_per_source)
{
    ela_node n;
    ela_node_init(&n, NULL, NULL, NULL);
    for (int i = 0; i < 5; i++)
        ela_node_add_time_sample(&n, "10.0.0.1:22338", 60);
    ck_assert_uint_eq(n.n_time_samples, 1);
    ck_assert_int_eq(n.time_offset, 0);
}
END_TEST

START_TEST(beyond_seventy_minutes_is_ignored)
{
    ela_node n;
    ela_node_init(&n, NULL, NULL, NULL);
    for (int i = 0; i < 5; i++)
        add(&n, i, 4200); /* exactly 70 minutes: not below the limit */
    ck_assert_int_eq(n.time_offset, 0);
    ck_assert(n.time_warned);
    ela_node m;
    ela_node_init(&m, NULL, NULL, NULL);
    for (int i = 0; i < 5; i++)
        add(&m, i, -4199);
    ck_assert_int_eq(m.time_offset, -4199);
}
END_TEST

START_TEST(oldest_sample_dropped_at_the_cap)
{
    ela_node *n = malloc(sizeof *n);
    ela_node_init(n, NULL, NULL, NULL);
    for (int i = 0; i < ELA_NODE_TIME_SAMPLES; i++)
        add(n, i, 0);
    ck_assert_uint_eq(n->n_time_samples, ELA_NODE_TIME_SAMPLES);
    ck_assert_str_eq(n->time_samples[0].source, "10.0.0.0:22338");
    add(n, 1000, 30);
    ck_assert_uint_eq(n->n_time_samples, ELA_NODE_TIME_SAMPLES);
    ck_assert_str_eq(n->time_samples[0].source, "10.0.0.1:22338"); /* the first one went */
    ck_assert_str_eq(n->time_samples[ELA_NODE_TIME_SAMPLES - 1].source, "10.0.0.1000:22338");
    free(n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("node");
    TCase *tc = tcase_create("adjusted time");
    tcase_add_test(tc, offset_needs_five_and_an_odd_count);
    tcase_add_test(tc, one_sample_per_source);
    tcase_add_test(tc, beyond_seventy_minutes_is_ignored);
    tcase_add_test(tc, oldest_sample_dropped_at_the_cap);
    suite_add_tcase(s, tc);
    return ela_test_run(s);
}
