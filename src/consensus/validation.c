/* elad: validation outcomes (see include/ela/validation.h). */
#include <ela/validation.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void ela_validation_init(ela_validation_state *st)
{
    memset(st, 0, sizeof *st);
}

bool ela_validation_invalid(ela_validation_state *st, int code, const char *reason,
                            const char *detail_fmt, ...)
{
    if (st->invalid)
        return false;
    st->invalid = true;
    st->code = code;
    snprintf(st->reason, sizeof st->reason, "%s", reason);
    st->detail[0] = '\0';
    if (detail_fmt) {
        va_list ap;
        va_start(ap, detail_fmt);
        vsnprintf(st->detail, sizeof st->detail, detail_fmt, ap);
        va_end(ap);
    }
    return false;
}
