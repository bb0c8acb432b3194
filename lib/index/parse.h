/* parse.h - an article file (YAML front matter + Markdown) into a
 * kb_article_t (kb/article.h): its fields, sections, steps and links.
 *
 *     kb_article_t *a;
 *     kb_diags_t *diags;   // created by the caller with kb_diags_new()
 *     if (kb_article_parse("kb/x.md", buf, len, diags, &a) == KB_STATUS_SUCCESS) {
 *         ... a->title, a->sections[i].text ...
 *         kb_article_free(a);
 *     }
 *     // diags holds the warnings (and, on failure, the error) with lines.
 *
 * The parser never reads files; kb_article_load() does that for a path.
 */
#ifndef KB_INDEX_PARSE_H
#define KB_INDEX_PARSE_H

#include <stddef.h>

#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"

/* Parse LEN bytes of BUF, the contents of the file PATH (used for the
 * default id and in diagnostics).  BUF need not be NUL-terminated.
 *
 * Returns KB_STATUS_SUCCESS with *OUT set (caller frees with
 * kb_article_free()); warnings (unknown keys, wrong field types, bad dates)
 * are added to DIAGS (may be NULL).  Returns KB_STATUS_PARSE_ERROR with *OUT
 * NULL when the article cannot be indexed: invalid UTF-8 or NUL bytes,
 * broken or unterminated front matter, front matter that is not a mapping,
 * YAML aliases, an invalid explicit id, an empty file; the error, with its
 * line, is added to DIAGS.  KB_STATUS_TOO_LARGE over KB_ARTICLE_MAX_BYTES;
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_article_parse(const char *path, const char *buf, size_t len, kb_diags_t *diags,
                             kb_article_t **out /* OUT */);

/* Read PATH (at most KB_ARTICLE_MAX_BYTES) and parse it.  Read failures give
 * KB_STATUS_FILE_ERROR or KB_STATUS_TOO_LARGE with a diagnostic. */
kb_status_t kb_article_load(const char *path, kb_diags_t *diags, kb_article_t **out /* OUT */);

#endif
