/* hours.h - opening hours of escalation tiers ("24/7", "Mon-Fri 08:00-20:00;
 * Sat 09:00-13:00"), in the desk's local time (the TZ environment variable).
 *
 * Grammar: "24/7", or groups separated by ';', each "DAYS RANGES" where
 * DAYS is a day (Mon..Sun), a range (Mon-Fri), a comma list (Sat,Sun) or
 * "Daily", and RANGES is one or more HH:MM-HH:MM separated by ','.  A range
 * ending before it starts runs past midnight; 24:00 ends a day.
 */
#ifndef KB_HOURS_H
#define KB_HOURS_H

#include <stddef.h>
#include <time.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_HOURS_MAX_RANGES 64

typedef struct kb_hours {
    int always;                 /* "24/7" */
    size_t n;                   /* ranges below */
    struct {
        int start;              /* minutes since Monday 00:00, 0..10079 */
        int end;                /* exclusive; may exceed 10080 (wraps to Monday) */
    } ranges[KB_HOURS_MAX_RANGES];
} kb_hours_t;

/* Parse S.  KB_STATUS_PARSE_ERROR with a message in ERR (ERRLEN bytes)
 * when it is malformed. */
kb_status_t kb_hours_parse(const char *s, kb_hours_t *out /* OUT */, char *err,
                                  size_t errlen);

/* Is it open at NOW (local time)? */
int kb_hours_open_at(const kb_hours_t *h, time_t now);

/* When it next opens after NOW, as "Mon 08:00" (or "" if never) in BUF,
 * and the time_t (0 if never). */
time_t kb_hours_next_open(const kb_hours_t *h, time_t now, char *buf, size_t len);

/* The current time, or $KB_NOW ("YYYY-MM-DDTHH:MM", local) when set: tests
 * and demos use it to see a desk at a given hour. */
time_t kb_hours_now(void);

#ifdef __cplusplus
}
#endif

#endif
