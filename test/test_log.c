/* elad tests: node logging (include/ela/log.h). */
#include "testutil.h"

#include <ela/log.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(level_and_category_names)
{
    ela_log_level l;
    ck_assert(ela_log_level_from_name(&l, "debug") && l == ELA_LOG_DEBUG);
    ck_assert(ela_log_level_from_name(&l, "WARN") && l == ELA_LOG_WARN);
    ck_assert(ela_log_level_from_name(&l, "off") && l == ELA_LOG_OFF);
    /* The reference's PrintLevel digits. */
    ck_assert(ela_log_level_from_name(&l, "0") && l == ELA_LOG_DEBUG);
    ck_assert(ela_log_level_from_name(&l, "5") && l == ELA_LOG_OFF);
    ck_assert(!ela_log_level_from_name(&l, "6"));
    ck_assert(!ela_log_level_from_name(&l, "12"));
    ck_assert(!ela_log_level_from_name(&l, "verbose"));
    ck_assert(!ela_log_level_from_name(&l, NULL));

    ela_log_category c;
    ck_assert(ela_log_category_from_name(&c, "net") && c == ELA_LOGC_NET);
    ck_assert(ela_log_category_from_name(&c, "Validation") && c == ELA_LOGC_VALIDATION);
    ck_assert(!ela_log_category_from_name(&c, "nonsense"));
    ck_assert(!ela_log_category_from_name(&c, NULL));
    ck_assert_str_eq(ela_log_category_name(ELA_LOGC_DB), "db");
    ck_assert_str_eq(ela_log_category_name(ELA_LOGC_COUNT_), "?");
}
END_TEST

START_TEST(levels_filter)
{
    ela_log_set_level(ELA_LOG_INFO);
    ck_assert(ela_log_enabled(ELA_LOGC_NET, ELA_LOG_INFO));
    ck_assert(!ela_log_enabled(ELA_LOGC_NET, ELA_LOG_DEBUG));
    ela_log_set_category_level(ELA_LOGC_NET, ELA_LOG_DEBUG);
    ck_assert(ela_log_enabled(ELA_LOGC_NET, ELA_LOG_DEBUG));
    ck_assert(!ela_log_enabled(ELA_LOGC_DB, ELA_LOG_DEBUG));
    ela_log_set_level(ELA_LOG_OFF);
    ck_assert(!ela_log_enabled(ELA_LOGC_NET, ELA_LOG_FATAL));
    /* OFF is a threshold, never a level a line is written at. */
    ela_log_set_level(ELA_LOG_DEBUG);
    ck_assert(!ela_log_enabled(ELA_LOGC_NET, ELA_LOG_OFF));
    ela_log_set_level(ELA_LOG_INFO);
}
END_TEST

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *buf = ela_xcalloc(1, 65536);
    size_t n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(file_output_and_reopen)
{
    char dir[] = "/tmp/elad-test-log-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], moved[256];
    snprintf(path, sizeof path, "%s/elad.log", dir);
    snprintf(moved, sizeof moved, "%s/elad.log.1", dir);

    ck_assert(!ela_log_open("/nonexistent-dir/x/elad.log", false));
    ck_assert(ela_log_open(path, false));
    ela_log_set_level(ELA_LOG_INFO);
    ela_log_info(ELA_LOGC_CHAIN, "connected block %d", 7);
    ela_log_debug(ELA_LOGC_CHAIN, "not written at info");
    char *text = slurp(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "[INF] chain: connected block 7\n"));
    ck_assert_ptr_null(strstr(text, "not written"));
    free(text);

    /* Rotation: the file is moved away, SIGHUP makes the node reopen the path. */
    ck_assert_int_eq(rename(path, moved), 0);
    ela_log_reopen();
    ela_log_warn(ELA_LOGC_DB, "after reopen");
    text = slurp(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "[WRN] db: after reopen\n"));
    free(text);
    text = slurp(moved);
    ck_assert_ptr_null(strstr(text, "after reopen"));
    free(text);

    ela_log_close();
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(unlink(moved), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *log_suite(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, level_and_category_names);
    tcase_add_test(tc, levels_filter);
    tcase_add_test(tc, file_output_and_reopen);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ela_test_run(log_suite());
}
