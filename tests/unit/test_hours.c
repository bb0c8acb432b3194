/* test_hours.c - opening hours: the grammar and its errors, 24/7, ranges
 * past midnight and past the end of the week, 24:00, the closing minute
 * (closed), and when a tier next opens.  Times are UTC (TZ=UTC0), on the
 * week of Monday 2026-11-23. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "schema/hours.h"

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

/* DAY (MON..SUN, or beyond for the next week) at HH:MM:SS. */
static time_t at_s(int day, int hh, int mm, int ss)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = 2026 - 1900;
    tm.tm_mon = 10;
    tm.tm_mday = 23 + day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    tm.tm_isdst = 0;
    return mktime(&tm);
}

static time_t at(int day, int hh, int mm)
{
    return at_s(day, hh, mm, 0);
}

static kb_hours_t parse_ok(const char *s)
{
    kb_hours_t h;
    char err[128];
    kb_status_t st = kb_hours_parse(s, &h, err, sizeof err);
    OK(st == KB_STATUS_SUCCESS && err[0] == '\0', "\"%s\" parses (%s)", s, err);
    return h;
}

/* S is refused with a message holding NEEDLE. */
static void parse_bad(const char *s, const char *needle)
{
    kb_hours_t h;
    char err[128] = "untouched";
    kb_status_t st = kb_hours_parse(s, &h, err, sizeof err);
    char what[160];
    snprintf(what, sizeof what, "\"%s\" is refused", s ? s : "(null)");
    INT_EQ(st, KB_STATUS_PARSE_ERROR, what);
    STR_CONTAINS(err, needle, what);
}

static void open_is(const kb_hours_t *h, time_t t, int want, const char *what)
{
    INT_EQ(kb_hours_open_at(h, t), want, what);
}

static void test_parse_errors(void)
{
    parse_bad(NULL, "no hours");
    parse_bad("", "empty hours");
    parse_bad("   ", "empty hours");
    parse_bad("24/7 Mon", "nothing may follow 24/7");
    parse_bad("Funday 08:00-10:00", "expected a day");
    parse_bad("Mon-Xyz 08:00-10:00", "expected a day after '-'");
    parse_bad("Mon 8:00-10:00", "expected a time HH:MM");
    parse_bad("Mon 08:00 10:00", "expected '-' between times");
    parse_bad("Mon 08:00-", "expected a time HH:MM");
    parse_bad("Mon 08:00-25:00", "expected a time HH:MM");
    parse_bad("Mon 08:00-24:01", "expected a time HH:MM");
    parse_bad("Mon 08:60-09:00", "expected a time HH:MM");
    parse_bad("Mon 08:00-08:00", "a range must not be empty");
    parse_bad("Mon 08:00-10:00 Tue 09:00-10:00", "expected ';' between groups");
    parse_bad("Mon 08:00-10:00;;", "expected a day");
    /* 10 ranges a day, every day: 70 ranges, over the limit of 64. */
    parse_bad("Daily 00:00-01:00, 02:00-03:00, 04:00-05:00, 06:00-07:00, 08:00-09:00, "
              "10:00-11:00, 12:00-13:00, 14:00-15:00, 16:00-17:00, 18:00-19:00",
              "too many ranges");
    /* Hours that make no sense (issue 15): refused, so lint and indexing
     * report them and a search says "hours unknown", never "open". */
    parse_bad("Mon-Sun 07:00-31:00", "expected a time HH:MM");
    parse_bad("banana", "expected a day");
    parse_bad("8:00", "expected a day");
    parse_bad("Mon 8:00-17:00", "expected a time HH:MM");
    parse_bad("00:00-00:00", "expected a day");
    parse_bad("Mon 00:00-00:00", "a range must not be empty");
    parse_bad("Mon 24:00-24:00", "24:00 can only end a range");
    parse_bad("Mon 24:00-02:00", "24:00 can only end a range");
    parse_bad("Monkey 08:00-10:00", "expected a day");
    parse_bad("Mon-Fridays 08:00-10:00", "expected a day after '-'");
    parse_bad("Dailyish 08:00-10:00", "expected a day");
    parse_bad("Mon-Fri", "expected a time HH:MM");
    parse_bad("Mon-Fri 08:00-20:00,", "expected a time HH:MM");
    parse_bad("Mon-Fri 08:00-20:00; ; Sat 09:00-10:00", "expected a day");
    parse_bad("Mon-Fri 08:00-20:00 weekends closed", "expected ';' between groups");
    parse_bad("Mon 08:00-17:00:00", "expected ';' between groups");
    parse_bad("Mon 99:99-10:00", "expected a time HH:MM");
    parse_bad("Mon -1:00-10:00", "expected a time HH:MM");
    parse_bad("24/7/365", "nothing may follow 24/7");
    parse_bad("Mon \xef\xbc\x90" "8:00-10:00", "expected a time HH:MM");
    /* The message quotes where it went wrong, at most 20 bytes of it. */
    kb_hours_t h;
    char err[128];
    kb_hours_parse("Mon 08:00-10:00 and then a very long tail of text", &h, err, sizeof err);
    STR_EQ(err, "expected ';' between groups at \"and then a very long\"",
           "the message quotes 20 bytes where it went wrong");
    /* No error buffer: still refused, nothing written. */
    INT_EQ(kb_hours_parse("Mon", &h, NULL, 0), KB_STATUS_PARSE_ERROR, "no error buffer");
    char tiny[1] = {'x'};
    INT_EQ(kb_hours_parse("Mon", &h, tiny, 0), KB_STATUS_PARSE_ERROR, "error buffer of 0 bytes");
    INT_EQ(tiny[0], 'x', "a 0-byte error buffer is not written");
}

static void test_parse_forms(void)
{
    kb_hours_t h = parse_ok("Mon-Fri 08:00-20:00; Sat 09:00-17:00");
    INT_EQ(h.n, 6, "Mon-Fri and Sat: 6 ranges");
    INT_EQ(h.always, 0, "not 24/7");
    INT_EQ(h.ranges[0].start, 8 * 60, "Monday's range starts at 08:00");
    INT_EQ(h.ranges[0].end, 20 * 60, "and ends at 20:00 (exclusive)");
    INT_EQ(h.ranges[5].start, 5 * 1440 + 9 * 60, "Saturday's range starts Sat 09:00");
    h = parse_ok("daily 09:00-17:00");
    INT_EQ(h.n, 7, "daily: 7 ranges");
    h = parse_ok("monday, Wed 09:00-10:00, 14:00-15:00;");
    INT_EQ(h.n, 4, "a day list with two ranges, a trailing ';'");
    h = parse_ok("Sat-Mon 10:00-11:00");
    INT_EQ(h.n, 3, "a day range past Sunday: Sat, Sun, Mon");
    open_is(&h, at(MON, 10, 30), 1, "Sat-Mon: open on Monday");
    open_is(&h, at(TUE, 10, 30), 0, "Sat-Mon: closed on Tuesday");
    h = parse_ok("  24/7  ");
    INT_EQ(h.always, 1, "24/7 with blanks around");
    h = parse_ok("Tues, Weds, Thurs 09:00-10:00; Friday 10:00-11:00");
    INT_EQ(h.n, 4, "Tues, Weds, Thurs and Friday are days");
    h = parse_ok("Mon 20:00-24:00");
    INT_EQ(h.ranges[0].end, 24 * 60, "24:00 ends the day");
}

static void test_open_and_closing_minute(void)
{
    kb_hours_t h = parse_ok("Mon-Fri 08:00-20:00; Sat 09:00-17:00");
    open_is(&h, at(MON, 7, 59), 0, "Mon 07:59: closed");
    open_is(&h, at(MON, 8, 0), 1, "Mon 08:00, the opening minute: open");
    open_is(&h, at_s(MON, 19, 59, 59), 1, "Mon 19:59:59: open");
    open_is(&h, at(MON, 20, 0), 0, "Mon 20:00, the closing minute: closed");
    open_is(&h, at(FRI, 20, 0), 0, "Fri 20:00, the closing minute: closed");
    open_is(&h, at(SAT, 16, 59), 1, "Sat 16:59: open");
    open_is(&h, at(SAT, 17, 0), 0, "Sat 17:00, the closing minute: closed");
    open_is(&h, at(SUN, 12, 0), 0, "Sunday: closed");
    /* The same minute a week later. */
    open_is(&h, at(MON + 7, 8, 0), 1, "next Monday 08:00: open");
}

static void test_past_midnight(void)
{
    kb_hours_t h = parse_ok("Fri 22:00-02:00");
    open_is(&h, at(FRI, 21, 59), 0, "Fri 22:00-02:00: Fri 21:59 closed");
    open_is(&h, at(FRI, 22, 0), 1, "Fri 22:00 open");
    open_is(&h, at(FRI, 23, 59), 1, "Fri 23:59 open");
    open_is(&h, at(SAT, 0, 0), 1, "Sat 00:00 open (past midnight)");
    open_is(&h, at(SAT, 1, 59), 1, "Sat 01:59 open");
    open_is(&h, at(SAT, 2, 0), 0, "Sat 02:00, the closing minute: closed");
    open_is(&h, at(SAT, 22, 0), 0, "Sat 22:00: closed (Fridays only)");

    /* Sunday night runs into Monday: past the end of the week. */
    h = parse_ok("Sun 22:00-02:00");
    open_is(&h, at(SUN, 21, 59), 0, "Sun 22:00-02:00: Sun 21:59 closed");
    open_is(&h, at(SUN, 23, 0), 1, "Sun 23:00 open");
    open_is(&h, at(MON, 0, 0), 1, "Mon 00:00 open (past the end of the week)");
    open_is(&h, at(MON, 1, 59), 1, "Mon 01:59 open");
    open_is(&h, at(MON, 2, 0), 0, "Mon 02:00, the closing minute past the week's end: closed");
    open_is(&h, at(MON, 12, 0), 0, "Mon 12:00 closed");
}

static void test_24_00(void)
{
    kb_hours_t h = parse_ok("Mon 20:00-24:00");
    open_is(&h, at(MON, 23, 59), 1, "Mon 20:00-24:00: Mon 23:59 open");
    open_is(&h, at(TUE, 0, 0), 0, "Tue 00:00, the closing minute: closed");
    h = parse_ok("Sun 20:00-24:00");
    open_is(&h, at(SUN, 23, 59), 1, "Sun 20:00-24:00: Sun 23:59 open");
    open_is(&h, at(MON, 0, 0), 0, "Mon 00:00, the closing minute at the week's end: closed");
    h = parse_ok("Mon 00:00-24:00");
    open_is(&h, at(SUN - 7, 23, 59), 0, "Mon 00:00-24:00: the Sunday before, 23:59, closed");
    open_is(&h, at(MON, 0, 0), 1, "Mon 00:00 open");
    open_is(&h, at(MON, 23, 59), 1, "Mon 23:59 open");
    open_is(&h, at(TUE, 0, 0), 0, "Tue 00:00 closed");
}

static void test_always(void)
{
    kb_hours_t h = parse_ok("24/7");
    open_is(&h, at(SUN, 3, 0), 1, "24/7: open on Sunday at 03:00");
    open_is(&h, at(MON, 0, 0), 1, "24/7: open at the week's turn");
    char buf[32] = "junk";
    time_t now = at(WED, 4, 5);
    INT_EQ(kb_hours_next_open(&h, now, buf, sizeof buf), now, "24/7: next open is now");
    STR_EQ(buf, "", "24/7: no day named");
}

/* NOW is closed; the next opening is WANT_DAY WANT_HH:WANT_MM, shown as LABEL. */
static void next_is(const kb_hours_t *h, time_t now, time_t want, const char *label,
                    const char *what)
{
    char buf[32] = "junk";
    time_t got = kb_hours_next_open(h, now, buf, sizeof buf);
    INT_EQ(got, want, what);
    STR_EQ(buf, label, what);
}

static void test_next_open(void)
{
    kb_hours_t h = parse_ok("Mon-Fri 08:00-20:00; Sat 09:00-17:00");
    next_is(&h, at(SUN, 10, 0), at(MON + 7, 8, 0), "Mon 08:00", "Sunday: next Monday 08:00");
    next_is(&h, at(SAT, 17, 0), at(MON + 7, 8, 0), "Mon 08:00",
            "the closing minute on Saturday: Monday 08:00");
    next_is(&h, at(FRI, 20, 0), at(SAT, 9, 0), "Sat 09:00", "Friday's closing minute: Saturday");
    next_is(&h, at_s(MON, 7, 59, 30), at(MON, 8, 0), "Mon 08:00",
            "half a minute before: the opening minute, seconds dropped");
    next_is(&h, at(MON, 10, 0), at(TUE, 8, 0), "Tue 08:00", "while open: the next opening");

    h = parse_ok("Sun 22:00-02:00");
    next_is(&h, at(MON, 2, 0), at(SUN, 22, 0), "Sun 22:00", "past the week's end: Sunday 22:00");

    /* Two ranges that touch are one opening. */
    h = parse_ok("Mon 08:00-12:00, 12:00-14:00");
    next_is(&h, at(MON, 9, 0), at(MON + 7, 8, 0), "Mon 08:00",
            "touching ranges: no opening at 12:00, next Monday 08:00");

    kb_hours_t none;
    memset(&none, 0, sizeof none);
    next_is(&none, at(MON, 9, 0), 0, "", "no hours: never opens");
    open_is(&none, at(MON, 9, 0), 0, "no hours: never open");
    h = parse_ok("Tue 08:00-09:00");
    INT_EQ(kb_hours_next_open(&h, at(MON, 9, 0), NULL, 0), at(TUE, 8, 0),
           "no buffer: the time all the same");
}

static void test_now(void)
{
    setenv("KB_NOW", "2026-11-23T10:00", 1);
    INT_EQ(kb_hours_now(), at(MON, 10, 0), "KB_NOW sets the time");
    setenv("KB_NOW", "yesterday", 1);
    time_t t = time(NULL);
    time_t got = kb_hours_now();
    OK(got >= t && got <= t + 5, "a malformed KB_NOW is ignored");
    unsetenv("KB_NOW");
    got = kb_hours_now();
    OK(got >= t && got <= t + 5, "without KB_NOW: the clock");
}

int main(void)
{
    setenv("TZ", "UTC0", 1);
    tzset();
    test_parse_errors();
    test_parse_forms();
    test_open_and_closing_minute();
    test_past_midnight();
    test_24_00();
    test_always();
    test_next_open();
    test_now();
    return HARNESS_DONE();
}
