/* syntax.h - the officer's query string: words, "quoted phrases", -exclusions
 * and inline filters (category:..., tag:...), before any Xapian work.
 *
 *     card hasnt arived category:troubleshooting -virtual "new card"
 *
 * gives a TEXT item "card hasnt arived", an excluded TEXT item "virtual", a
 * PHRASE item "new card" and the category filter "troubleshooting".
 */
#ifndef KB_QUERY_SYNTAX_H
#define KB_QUERY_SYNTAX_H

#include <stddef.h>

#include "kb/search.h"
#include "kb/status.h"
#include "base/buf.h"

#ifdef __cplusplus
extern "C" {
#endif


typedef enum kb_qitem_kind {
    KB_QITEM_TEXT = 0,   /* free words, searched with ranking */
    KB_QITEM_PHRASE      /* words that must appear together, in order */
} kb_qitem_kind_t;

typedef struct kb_qitem {
    kb_qitem_kind_t kind;
    int exclude;         /* 1 for -word / -"phrase" */
    char *text;
} kb_qitem_t;

typedef struct kb_qparsed {
    kb_qitem_t *items;
    size_t n;
    kb_strlist_t categories;   /* category:X (any of them) */
    kb_strlist_t tags;         /* tag:X (all of them) */
} kb_qparsed_t;

/* Parse LEN bytes of Q.  Control characters count as spaces.  Returns
 * KB_STATUS_SUCCESS (an empty query gives no items), KB_STATUS_TOO_LARGE
 * over KB_QUERY_MAX_BYTES after trimming, KB_STATUS_PARSE_ERROR for invalid
 * UTF-8, KB_STATUS_OUT_OF_MEMORY.  Caller frees OUT with kb_qparsed_clear()
 * (also safe after a failure). */
kb_status_t kb_query_parse(const char *q, size_t len, kb_qparsed_t *out /* OUT */);
/* kb_query_parse() with a limit of MAX bytes instead of KB_QUERY_MAX_BYTES
 * (for a query already checked, then normalized: NFKC may lengthen it). */
kb_status_t kb_query_parse_max(const char *q, size_t len, size_t max, kb_qparsed_t *out /* OUT */);
void kb_qparsed_clear(kb_qparsed_t *p);

/* The query written back in canonical form (filters last), for logs and for
 * "did you mean".  Caller frees. */
char *kb_query_format(const kb_qparsed_t *p);

#ifdef __cplusplus
}
#endif

#endif
