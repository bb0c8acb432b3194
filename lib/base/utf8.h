/* utf8.h - UTF-8: validity, prefixes, decoding, terminal width. */
#ifndef KB_BASE_UTF8_H
#define KB_BASE_UTF8_H

#include <stddef.h>

/* 1 if LEN bytes of S are valid UTF-8 (no NUL bytes, no overlongs, no
 * surrogates); otherwise 0 and *BAD (may be NULL) is the offset of the first
 * bad byte. */
int kb_utf8_valid(const char *s, size_t len, size_t *bad);
/* Length of the longest prefix of S (at most MAX bytes) that does not cut a
 * UTF-8 sequence. */
size_t kb_utf8_prefix(const char *s, size_t len, size_t max);
/* Number of code points in LEN bytes. */
size_t kb_utf8_length(const char *s, size_t len);
/* Terminal columns of LEN bytes: East Asian wide characters count 2,
 * combining marks and zero-width characters 0, others 1. */
size_t kb_utf8_width(const char *s, size_t len);
/* Decode the UTF-8 sequence at S (at most LEN bytes) into *CP; returns its
 * length (1 for an invalid byte, decoded as U+FFFD). */
size_t kb_utf8_decode(const char *s, size_t len, unsigned *cp);
/* Terminal columns of code point CP (0, 1 or 2). */
int kb_unicode_width(unsigned cp);

/* A copy of LEN bytes of S in which every invalid UTF-8 sequence (and NUL
 * byte) is replaced by U+FFFD; valid text is copied as it is.  Caller
 * frees; NULL when out of memory. */
char *kb_utf8_sanitize(const char *s, size_t len);

#endif
