/* date.h - calendar dates as kb writes them: "YYYY-MM-DD". */
#ifndef KB_BASE_DATE_H
#define KB_BASE_DATE_H

/* 1 if S is exactly "YYYY-MM-DD" and names a real day of the Gregorian
 * calendar from the year 1900 on (2026-02-29 and 2026-02-31 are not; 2028-02-29
 * is), else 0.  S may be NULL (0). */
int kb_date_valid(const char *s);

/* Days from date FROM to date TO (negative when TO is earlier); 0 when
 * either is not a valid date. */
long kb_date_days(const char *from, const char *to);

#endif
