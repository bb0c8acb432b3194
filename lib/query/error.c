/* error.c - the message of a kb_search_t's last failure, set by every stage
 * (its own file, below handle.c and shards.c, which both set it). */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

void kbs_set_error(kb_search_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

const char *kb_search_last_error(const kb_search_t *s)
{
    return s ? s->err : "";
}
