/* elad: node logging (see include/ela/log.h). */
#include <ela/log.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

static const char *const CATEGORY_NAMES[ELA_LOGC_COUNT_] = {
    "node", "db", "validation", "chain", "rpc", "net", "sync", "auxpow", "bpos", "cr", "spv",
    "mempool", "mining",
};
static const char *const LEVEL_NAMES[] = {"debug", "info", "warn", "error", "fatal", "off"};
static const char *const LEVEL_TAGS[] = {"DBG", "INF", "WRN", "ERR", "FAT", "OFF"};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int levels[ELA_LOGC_COUNT_] = {
    ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO,
    ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO, ELA_LOG_INFO,
};
static FILE *file;      /* NULL: stderr only */
static char *file_path; /* owned copy for reopen */
static bool to_stderr = true;

void ela_log_set_level(ela_log_level level)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < ELA_LOGC_COUNT_; i++)
        levels[i] = (int)level;
    pthread_mutex_unlock(&lock);
}

void ela_log_set_category_level(ela_log_category cat, ela_log_level level)
{
    pthread_mutex_lock(&lock);
    levels[cat] = (int)level;
    pthread_mutex_unlock(&lock);
}

bool ela_log_level_from_name(ela_log_level *out, const char *name)
{
    if (!name)
        return false;
    if (name[0] >= '0' && name[0] <= '5' && name[1] == '\0') {
        *out = (ela_log_level)(name[0] - '0');
        return true;
    }
    for (size_t i = 0; i < ELA_ARRAY_LEN(LEVEL_NAMES); i++) {
        if (strcasecmp(name, LEVEL_NAMES[i]) == 0) {
            *out = (ela_log_level)i;
            return true;
        }
    }
    return false;
}

bool ela_log_category_from_name(ela_log_category *out, const char *name)
{
    for (size_t i = 0; name && i < ELA_LOGC_COUNT_; i++) {
        if (strcasecmp(name, CATEGORY_NAMES[i]) == 0) {
            *out = (ela_log_category)i;
            return true;
        }
    }
    return false;
}

const char *ela_log_category_name(ela_log_category cat)
{
    return (unsigned)cat < ELA_LOGC_COUNT_ ? CATEGORY_NAMES[cat] : "?";
}

bool ela_log_open(const char *path, bool also_stderr)
{
    FILE *f = NULL;
    char *copy = NULL;
    if (path) {
        f = fopen(path, "a");
        if (!f)
            return false;
        setvbuf(f, NULL, _IOLBF, 0);
        copy = ela_xmemdup(path, strlen(path) + 1);
    }
    pthread_mutex_lock(&lock);
    if (file)
        fclose(file);
    free(file_path);
    file = f;
    file_path = copy;
    to_stderr = !path || also_stderr;
    pthread_mutex_unlock(&lock);
    return true;
}

void ela_log_reopen(void)
{
    pthread_mutex_lock(&lock);
    if (file_path) {
        FILE *f = fopen(file_path, "a");
        if (f) {
            setvbuf(f, NULL, _IOLBF, 0);
            fclose(file);
            file = f;
        }
    }
    pthread_mutex_unlock(&lock);
}

void ela_log_close(void)
{
    pthread_mutex_lock(&lock);
    if (file)
        fclose(file);
    file = NULL;
    free(file_path);
    file_path = NULL;
    to_stderr = true;
    pthread_mutex_unlock(&lock);
}

bool ela_log_enabled(ela_log_category cat, ela_log_level level)
{
    /* A racy read is fine: a level change takes effect on the next line. */
    return level < ELA_LOG_OFF && (int)level >= __atomic_load_n(&levels[cat], __ATOMIC_RELAXED);
}

void ela_log(ela_log_category cat, ela_log_level level, const char *fmt, ...)
{
    if (!ela_log_enabled(cat, level))
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t secs = tv.tv_sec;
    localtime_r(&secs, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);

    pthread_mutex_lock(&lock);
    if (file)
        fprintf(file, "%s.%06ld [%s] %s: %s\n", stamp, (long)tv.tv_usec, LEVEL_TAGS[level],
                CATEGORY_NAMES[cat], msg);
    if (to_stderr)
        fprintf(stderr, "%s.%06ld [%s] %s: %s\n", stamp, (long)tv.tv_usec, LEVEL_TAGS[level],
                CATEGORY_NAMES[cat], msg);
    pthread_mutex_unlock(&lock);
}
