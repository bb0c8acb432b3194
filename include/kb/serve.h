/* serve.h - the JSON-lines server behind kb-search --serve (DESIGN.md
 * section 6): one request per line in, exactly one response line out.
 *
 * Ops: search (default), show, escalation, feedback, suggest (type-ahead:
 * titles and matched questions of the best answers), health.  Feedback
 * takes "q", "article", "helpful" and, optionally, "query_id" (what the
 * search response said), "call" and "officer" (who marked it: kb-index
 * --learn counts one mark per call or officer).  Errors are
 * objects {"id": ..., "error": {"code", "message"}} with the codes
 * bad_json, bad_request, too_large, not_found, index_error; the server
 * always goes on.  Limits: a line of at most KB_SERVE_MAX_LINE bytes, limit
 * at most 100, query at most 1,024 bytes after trimming.
 */
#ifndef KB_SERVE_H
#define KB_SERVE_H

#include <stdio.h>

#include "kb/log.h"
#include "kb/search.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KB_SERVE_MAX_LINE (64u * 1024u)

typedef struct kb_server kb_server_t;

/* A server answering from S (borrowed: it must outlive the server) and
 * appending feedback to FEEDBACK_PATH (copied; NULL: feedback requests get
 * an error). */
KB_API kb_status_t kb_server_new(kb_search_t *s, const char *feedback_path,
                                 kb_server_t **out /* OUT */);
KB_API void kb_server_free(kb_server_t *srv);

/* Log every search SRV answers to LOG (borrowed: it must outlive the
 * server; NULL: none), as asked through INTERFACE ("serve", "http"; static
 * or outliving the server).  Each search response then carries "query_id",
 * which the feedback op may name; health says "search_log": "on", "off"
 * or the log's last failure.  Feedback lines say INTERFACE as their
 * source. */
KB_API void kb_server_set_search_log(kb_server_t *srv, kb_searchlog_t *log,
                                     const char *interface);

/* Answer one request (LEN bytes, no newline).  *RESPONSE is one line of
 * JSON without the newline; the caller frees it.  Fails only when out of
 * memory. */
KB_API kb_status_t kb_server_handle(kb_server_t *srv, const char *line, size_t len,
                                    char **response /* OUT */);

/* Read requests from IN until EOF, answering each on OUT, flushed.  Lines
 * longer than KB_SERVE_MAX_LINE are skipped to their end and answered with
 * too_large.  Blank lines are ignored.  Returns KB_STATUS_FILE_ERROR when OUT
 * cannot be written (the client went away). */
KB_API kb_status_t kb_server_run(kb_server_t *srv, FILE *in, FILE *out);

#ifdef __cplusplus
}
#endif

#endif
