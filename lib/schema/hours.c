/* hours.c - parse opening hours and tell whether a tier is open. */
#include "schema/hours.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"

#define WEEK (7 * 24 * 60)

static const char *const day_names[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

static void skip_ws(const char **p)
{
    while (**p == ' ' || **p == '\t')
        (*p)++;
}

static const char *const full_names[] = {"monday", "tuesday", "wednesday", "thursday",
                                         "friday", "saturday", "sunday"};

static int is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A day: its first three letters, or more of its name ("Monday", "Tues",
 * "Thurs"; also "Weds").  Letters that do not continue the name ("Monkey")
 * are not a day. */
static int parse_day(const char **p)
{
    for (int d = 0; d < 7; d++) {
        if (strncasecmp(*p, day_names[d], 3) != 0)
            continue;
        const char *q = *p + 3;
        const char *name = full_names[d] + 3;
        while (*name && is_letter(*q) && (*q | 0x20) == *name) {
            q++;
            name++;
        }
        if (d == 2 && q == *p + 3 && (*q | 0x20) == 's')
            q++;   /* "Weds" */
        if (is_letter(*q))
            return -1;
        *p = q;
        return d;
    }
    return -1;
}

static int parse_time(const char **p)
{
    const char *s = *p;
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9' || s[2] != ':' ||
        s[3] < '0' || s[3] > '5' || s[4] < '0' || s[4] > '9')
        return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0');
    int m = (s[3] - '0') * 10 + (s[4] - '0');
    if (h > 24 || (h == 24 && m != 0))
        return -1;
    *p += 5;
    return h * 60 + m;
}

static kb_status_t fail(char *err, size_t errlen, const char *msg, const char *at)
{
    if (err && errlen) {
        /* Quote at most 20 bytes, never half a UTF-8 character. */
        int n = (int)kb_utf8_prefix(at, strlen(at), 20);
        snprintf(err, errlen, "%s at \"%.*s\"", msg, n, at);
    }
    return KB_STATUS_PARSE_ERROR;
}

kb_status_t kb_hours_parse(const char *s, kb_hours_t *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';
    if (!s)
        return fail(err, errlen, "no hours", "");
    const char *p = s;
    skip_ws(&p);
    if (strncmp(p, "24/7", 4) == 0) {
        p += 4;
        skip_ws(&p);
        if (*p)
            return fail(err, errlen, "nothing may follow 24/7", p);
        out->always = 1;
        return KB_STATUS_SUCCESS;
    }
    if (!*p)
        return fail(err, errlen, "empty hours", p);
    while (*p) {
        int days[7] = {0};
        skip_ws(&p);
        if (strncasecmp(p, "daily", 5) == 0 && !is_letter(p[5])) {
            p += 5;
            for (int d = 0; d < 7; d++)
                days[d] = 1;
        } else {
            for (;;) {
                int a = parse_day(&p);
                if (a < 0)
                    return fail(err, errlen, "expected a day (Mon..Sun)", p);
                int b = a;
                if (*p == '-') {
                    p++;
                    b = parse_day(&p);
                    if (b < 0)
                        return fail(err, errlen, "expected a day after '-'", p);
                }
                for (int d = a;; d = (d + 1) % 7) {
                    days[d] = 1;
                    if (d == b)
                        break;
                }
                if (*p != ',')
                    break;
                p++;
                skip_ws(&p);
            }
        }
        skip_ws(&p);
        for (;;) {
            const char *at = p;
            int start = parse_time(&p);
            if (start < 0)
                return fail(err, errlen, "expected a time HH:MM", p);
            if (start == 24 * 60)
                return fail(err, errlen, "24:00 can only end a range", at);
            skip_ws(&p);
            if (*p != '-')
                return fail(err, errlen, "expected '-' between times", p);
            p++;
            skip_ws(&p);
            int end = parse_time(&p);
            if (end < 0)
                return fail(err, errlen, "expected a time HH:MM", p);
            if (end == start)
                return fail(err, errlen, "a range must not be empty", p);
            int len = end > start ? end - start : end + 24 * 60 - start;
            for (int d = 0; d < 7; d++) {
                if (!days[d])
                    continue;
                if (out->n == KB_HOURS_MAX_RANGES)
                    return fail(err, errlen, "too many ranges", p);
                out->ranges[out->n].start = d * 24 * 60 + start;
                out->ranges[out->n].end = d * 24 * 60 + start + len;
                out->n++;
            }
            skip_ws(&p);
            if (*p != ',')
                break;
            p++;
            skip_ws(&p);
        }
        skip_ws(&p);
        if (*p == ';') {
            p++;
            skip_ws(&p);
            if (!*p)
                break;
            continue;
        }
        if (*p)
            return fail(err, errlen, "expected ';' between groups", p);
    }
    return KB_STATUS_SUCCESS;
}

/* Minutes since Monday 00:00 local time. */
static int week_minute(time_t t)
{
    struct tm tm;
    localtime_r(&t, &tm);
    int wday = (tm.tm_wday + 6) % 7;
    return wday * 24 * 60 + tm.tm_hour * 60 + tm.tm_min;
}

static int open_at_minute(const kb_hours_t *h, int m)
{
    if (h->always)
        return 1;
    for (size_t i = 0; i < h->n; i++) {
        int s = h->ranges[i].start, e = h->ranges[i].end;
        if ((m >= s && m < e) || (e > WEEK && m < e - WEEK))
            return 1;
    }
    return 0;
}

int kb_hours_open_at(const kb_hours_t *h, time_t now)
{
    return open_at_minute(h, week_minute(now));
}

time_t kb_hours_next_open(const kb_hours_t *h, time_t now, char *buf, size_t len)
{
    if (buf && len)
        buf[0] = '\0';
    if (h->always)
        return now;
    if (!h->n)
        return 0;
    int m = week_minute(now);
    for (int k = 1; k <= WEEK; k++) {
        int mm = (m + k) % WEEK;
        if (open_at_minute(h, mm) && !open_at_minute(h, (mm + WEEK - 1) % WEEK)) {
            if (buf && len)
                snprintf(buf, len, "%s %02d:%02d", day_names[mm / (24 * 60)],
                         (mm % (24 * 60)) / 60, mm % 60);
            /* Whole minutes from NOW's minute; drop NOW's seconds. */
            return now - (now % 60) + (time_t)k * 60;
        }
    }
    return 0;
}

time_t kb_hours_now(void)
{
    const char *env = getenv("KB_NOW");
    if (env && *env) {
        struct tm tm;
        memset(&tm, 0, sizeof tm);
        if (sscanf(env, "%d-%d-%dT%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                   &tm.tm_min) == 5) {
            tm.tm_year -= 1900;
            tm.tm_mon -= 1;
            tm.tm_isdst = -1;
            time_t t = mktime(&tm);
            if (t != (time_t)-1)
                return t;
        }
    }
    return time(NULL);
}
