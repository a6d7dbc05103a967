/* elad: Fixed64 amounts (sela, 1 ELA = 10^8 sela) and their text form (spec/wire.md §1.4). */
#ifndef ELA_AMOUNT_H
#define ELA_AMOUNT_H

#include <ela/ela.h>

#define ELA_COIN INT64_C(100000000)
/* Enough for "-92233720368.54775808" and a NUL. */
#define ELA_AMOUNT_STR_LEN 24

/* The reference's display form: integer part, then '.' and exactly 8 digits only when the
 * fractional part is non-zero ("1", "1.50000000", "0.00000010", "-1.50000000"). */
void ela_amount_to_string(char out[ELA_AMOUNT_STR_LEN], int64_t sela);
/* Parses a decimal amount with at most 8 fractional digits and an optional leading '-'
 * (the reference's StringToFixed64). Fails on anything else or on overflow. */
ELA_WARN_UNUSED_RESULT bool ela_amount_from_string(int64_t *out, const char *s);

#endif /* ELA_AMOUNT_H */
