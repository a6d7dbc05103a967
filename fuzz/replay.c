/* elad fuzz: replays inputs through a fuzz target without libFuzzer.
 *
 * Built in place of libFuzzer's driver when configure has no --enable-fuzz, so every build can
 * run the targets over their seed corpus. Each input is run as is, then every prefix of it
 * (truncation is the commonest malformation), then a fixed set of deterministic byte
 * mutations. A crash, sanitizer report or failed round-trip check aborts the process. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUTATIONS 200

static unsigned long long runs;

static void run(const uint8_t *p, size_t n)
{
    /* Hand the target an exact-size heap copy so ASan sees any overread. */
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        abort();
    memcpy(copy, p, n);
    LLVMFuzzerTestOneInput(copy, n);
    free(copy);
    runs++;
}

static void replay(const uint8_t *p, size_t n)
{
    run(p, n);
    for (size_t i = 0; i < n; i++)
        run(p, i);
    if (n == 0)
        return;
    uint8_t *m = malloc(n);
    if (!m)
        abort();
    uint64_t x = 0x9e3779b97f4a7c15ULL ^ n;
    for (int k = 0; k < MUTATIONS; k++) {
        memcpy(m, p, n);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t at = (size_t)(x % n);
        switch (k % 4) {
        case 0: m[at] ^= (uint8_t)(1u << (x >> 32) % 8); break; /* bit flip */
        case 1: m[at] = 0xff; break;                               /* huge length prefixes */
        case 2: m[at] = 0xfd; break;                               /* varint prefixes */
        default: m[at] = (uint8_t)(x >> 40); break;
        }
        run(m, n);
    }
    free(m);
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0, got;
    uint8_t *buf = malloc(cap);
    if (!buf)
        abort();
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap && !(buf = realloc(buf, cap *= 2)))
            abort();
    }
    fclose(f);
    replay(buf, n);
    free(buf);
    return 0;
}

static int replay_path(const char *path, unsigned *files)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: no such file or directory: %s\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) {
        (*files)++;
        return replay_file(path);
    }
    DIR *d = opendir(path);
    if (!d)
        return 1;
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        rc |= replay_path(sub, files);
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE_OR_DIR...\n", argv[0]);
        return 2;
    }
    unsigned files = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++)
        rc |= replay_path(argv[i], &files);
    printf("%s: %u inputs, %llu runs, no crash\n", argv[0], files, runs);
    return rc;
}
