/* elad: Fixed64 amount text form. */
#include <ela/amount.h>

#include <stdio.h>
#include <string.h>

void ela_amount_to_string(char out[ELA_AMOUNT_STR_LEN], int64_t sela)
{
    /* |INT64_MIN| does not fit in int64_t, so work on the unsigned magnitude. */
    uint64_t mag = sela < 0 ? (uint64_t)0 - (uint64_t)sela : (uint64_t)sela;
    uint64_t ip = mag / (uint64_t)ELA_COIN, frac = mag % (uint64_t)ELA_COIN;
    if (frac)
        snprintf(out, ELA_AMOUNT_STR_LEN, "%s%llu.%08llu", sela < 0 ? "-" : "",
                 (unsigned long long)ip, (unsigned long long)frac);
    else
        snprintf(out, ELA_AMOUNT_STR_LEN, "%s%llu", sela < 0 ? "-" : "", (unsigned long long)ip);
}

bool ela_amount_from_string(int64_t *out, const char *s)
{
    *out = 0;
    bool neg = false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    uint64_t ip = 0, frac = 0;
    size_t ndig = 0, nfrac = 0;
    for (; *s >= '0' && *s <= '9'; s++, ndig++) {
        if (ip > (UINT64_MAX - 9) / 10)
            return false;
        ip = ip * 10 + (uint64_t)(*s - '0');
    }
    if (*s == '.') {
        s++;
        for (; *s >= '0' && *s <= '9'; s++, nfrac++) {
            if (nfrac == 8)
                return false;
            frac = frac * 10 + (uint64_t)(*s - '0');
        }
        if (nfrac == 0)
            return false;
    }
    if (*s != '\0' || ndig == 0)
        return false;
    for (size_t i = nfrac; i < 8; i++)
        frac *= 10;
    if (ip > (uint64_t)INT64_MAX / (uint64_t)ELA_COIN)
        return false;
    uint64_t v = ip * (uint64_t)ELA_COIN + frac;
    if (v > (uint64_t)INT64_MAX)
        return false;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return true;
}
