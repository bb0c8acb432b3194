/* normalize.h - one form for text that is searched.
 *
 * Text reaches kb in many spellings of the same words: composed or
 * decomposed accents (macOS and some input methods type "cafe" + U+0301
 * for "café"), fullwidth letters from Asian input methods ("ｃａｒｄ"),
 * ligatures ("ﬁle"), and invisible characters pasted from documents (a
 * soft hyphen inside "re­place­ment", zero-width spaces, bidi marks).  kb
 * indexes and searches one form of each (libunistring):
 *
 *   kb_text_normalize  NFKC, then the default-ignorable code points
 *                      removed (U+00AD soft hyphen, U+200B-U+200F, U+2060-
 *                      U+206F, U+FEFF, variation selectors, U+202A-U+202E
 *                      bidi controls, ...).  For text that is shown
 *                      (snippets) and for the query string before its
 *                      syntax is read (a fullwidth colon is a colon).
 *   kb_text_fold       the same, plus full Unicode case folding ("STRASSE"
 *                      and "Straße" both give "strasse").  For text that
 *                      becomes terms: the indexed text and the query's
 *                      words, tags and categories alike.
 *
 * Both take LEN bytes of S, which should be valid UTF-8 (invalid input is
 * copied unchanged), and return a malloc'd NUL-terminated copy in *OUT
 * (caller frees) and its length in *OUTLEN (may be NULL).
 * KB_STATUS_OUT_OF_MEMORY; *OUT is then NULL.  Pure ASCII is copied as it
 * is (kb_text_fold lowercases it), quickly.
 */
#ifndef KB_BASE_NORMALIZE_H
#define KB_BASE_NORMALIZE_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

kb_status_t kb_text_normalize(const char *s, size_t len, char **out /* OUT */,
                              size_t *outlen /* OUT */);
kb_status_t kb_text_fold(const char *s, size_t len, char **out /* OUT */,
                         size_t *outlen /* OUT */);
/* 1 if LEN bytes of S are all ASCII (then neither function changes them,
 * but for kb_text_fold's lowercasing). */
int kb_text_is_ascii(const char *s, size_t len);

#ifdef __cplusplus
}
#endif

#endif
