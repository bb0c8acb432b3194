/* clock.h - monotonic time, for took_ms and progress. */
#ifndef KB_BASE_CLOCK_H
#define KB_BASE_CLOCK_H

#include <time.h>

/* Monotonic time in milliseconds (fractional). */
static inline double kb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

#endif
