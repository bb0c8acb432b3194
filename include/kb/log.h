/* log.h - the logs kb keeps in its state folder, all JSON lines written
 * the same safe way: the file is created 0600 and its folder 0700; each
 * line is written with one write(2), then fsync'd, so lines never
 * interleave and survive a crash; a write that fails half-way is undone,
 * so no torn line is left behind.  Only a regular file is written: a
 * symlink, a FIFO, a device (/dev/null) or a folder in a log's place is
 * refused without blocking, with a message that says what it is.
 *
 *   search log     one line per search, from every interface (kb-search,
 *                  --json, --serve, HTTP, kb-assistant), customers' words
 *                  scrubbed of personal data: $KB_SEARCH_LOG, else
 *                  $XDG_STATE_HOME/kb/searches.jsonl; "off" turns it off
 *   feedback log   one line per "was this helpful?", from the JSON
 *                  interface and the assistant alike, the query scrubbed:
 *                  $KB_FEEDBACK_LOG, else $XDG_STATE_HOME/kb/feedback.jsonl
 *   call records   one file per call taken in kb-assistant, one line per
 *                  event, in full: $XDG_STATE_HOME/kb/calls/ID.jsonl
 *
 * kb-index --report reads them back (kb/report.h); kb-index --learn learns
 * customers' phrasings from them.
 */
#ifndef KB_LOG_H
#define KB_LOG_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "kb/search.h"
#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The state folder: $XDG_STATE_HOME/kb, else ~/.local/state/kb.  Caller
 * frees; NULL without HOME. */
KB_API char *kb_default_state_dir(void);

/* The default log path (see above); caller frees; NULL without HOME. */
KB_API char *kb_feedback_default_path(void);

/* Append {"time", "query", "article", "helpful", "source"} to PATH.
 * SOURCE says who asked ("serve", "assistant").  KB_STATUS_FILE_ERROR with
 * *MESSAGE (caller frees) when the log cannot be written. */
KB_API kb_status_t kb_feedback_append(const char *path, const char *query,
                                      const char *article, int helpful, const char *source,
                                      char **message /* OUT */);

/* Append one line of text (a JSON object, without newline) to PATH the same
 * safe way: mode 0600, folder 0700, one write, fsync; a failed write is
 * truncated away.  KB_STATUS_FILE_ERROR with *MESSAGE (caller frees). */
KB_API kb_status_t kb_log_append_line(const char *path, const char *line,
                                      char **message /* OUT */);

/* What a feedback line holds (kb_feedback_write()).  Only ARTICLE is
 * required; the rest may be NULL (0 alerts). */
typedef struct kb_feedback {
    const char *query;      /* the customer's words as typed (scrubbed when
                               written), or NULL */
    const char *corrected;  /* the query as searched when spelling changed it */
    const char *article;    /* the article id marked */
    int helpful;            /* 1 helpful, 0 not helpful */
    const char *source;     /* who asked: "serve", "assistant", "http" */
    const char *query_id;   /* the search it is about (kb_searchlog_record()) */
    const char *call;       /* the call it belongs to (an assistant call id,
                               or what a client sends) */
    const char *officer;    /* who marked it (a name or code a client sends) */
    const char *const *alerts; /* the alert kinds that search raised */
    size_t n_alerts;
    int shown;              /* 1 the article was among the answers shown, 0
                               it was not, -1 unknown */
} kb_feedback_t;

#define KB_FEEDBACK_INIT {NULL, NULL, NULL, 0, NULL, NULL, NULL, NULL, NULL, 0, -1}

/* Append FB to the feedback log PATH as one line: "time", "query"
 * (scrubbed), "article", "helpful", "source", and those of "corrected",
 * "query_id", "call", "officer", "alerts", "shown" that are set.
 * KB_STATUS_BAD_ARGUMENT without PATH or FB->article; KB_STATUS_FILE_ERROR
 * with *MESSAGE (caller frees) when the log cannot be written. */
KB_API kb_status_t kb_feedback_write(const char *path, const kb_feedback_t *fb,
                                     char **message /* OUT */);

/* ---------------------------------------------------------------- */
/* The search log                                                     */

/* One line per search:
 *   {"time", "query_id", "interface", "query", "corrected", "covered",
 *    "alerts": [kinds], "total", "results": [the first 5 ids], "took_ms"}
 * "query" and "corrected" are scrubbed of personal data first (card and
 * account numbers, sort codes, phone numbers, e-mail addresses, postcodes,
 * PINs and long digit runs become <card>, <account>, <sort-code>, <phone>,
 * <email>, <postcode>, <secret>, <number>).  "query_id" is 16 hex digits,
 * new for every search: the JSON interfaces return it and feedback names
 * it.
 *
 * The line is written with one write(2) and fsync'd like every log, by a
 * thread of the log's own, so a search never waits for the disk.  When the
 * file reaches $KB_SEARCH_LOG_MAX bytes (default KB_SEARCH_LOG_MAX, 64 MiB;
 * "10M", "512k" also read) it is rotated: searches.jsonl.1 ... .4 keep the
 * older lines, the oldest is dropped, so a busy desk cannot fill the disk.
 * Several processes may share one log (the rotation is locked). */
#define KB_QUERY_ID_SIZE 17              /* 16 hex digits and the NUL */
#define KB_SEARCH_LOG_MAX (64u << 20)
#define KB_SEARCH_LOG_KEEP 4             /* rotated files kept */

typedef struct kb_searchlog kb_searchlog_t;

/* Open the search log at PATH: NULL for the default ($KB_SEARCH_LOG, else
 * $XDG_STATE_HOME/kb/searches.jsonl), "off" (or an empty $KB_SEARCH_LOG,
 * or "off" there) for none: then *OUT is NULL, which every call below
 * accepts.  Nothing is opened until the first search.  KB_STATUS_FILE_ERROR
 * with *MESSAGE (caller frees) when there is no state folder (no HOME);
 * KB_STATUS_OUT_OF_MEMORY.  Close with kb_searchlog_close(). */
KB_API kb_status_t kb_searchlog_open(const char *path, kb_searchlog_t **out /* OUT */,
                                     char **message /* OUT */);

/* Log the search R, asked through INTERFACE ("cli", "json", "serve",
 * "http", "assistant"), and write its new id into QUERY_ID (at least
 * KB_QUERY_ID_SIZE bytes; filled even when LOG is NULL).  Safe from
 * several threads at once.  Returns KB_STATUS_FILE_ERROR with *MESSAGE
 * (caller frees) once when lines could not be written since the last
 * call said so (the search itself is not affected); else success. */
KB_API kb_status_t kb_searchlog_record(kb_searchlog_t *log, const char *interface,
                                       const kb_results_t *r, char *query_id /* OUT */,
                                       char **message /* OUT */);

/* Write what is queued, sync it and close the log.  KB_STATUS_FILE_ERROR
 * with *MESSAGE (caller frees) when lines could not be written (and no
 * earlier call said so).  LOG may be NULL. */
KB_API kb_status_t kb_searchlog_close(kb_searchlog_t *log, char **message /* OUT */);

/* ---------------------------------------------------------------- */
/* Call records                                                       */

/* The events of a call record, one JSON object a line, each with "time"
 * (UTC, ISO 8601 with milliseconds) and "event" (man/kb-assistant.1 lists
 * their fields).  The writer (kb-assistant) and the reader (--report) use
 * these names. */
#define KB_EVENT_CALL_START "call_start"   /* call, pid, db, version */
#define KB_EVENT_CALL_END "call_end"       /* reason, seconds */
#define KB_EVENT_QUERY "query"             /* q, corrected, filters, total, results */
#define KB_EVENT_CARDS "cards"
#define KB_EVENT_OPEN "open"
#define KB_EVENT_ESCALATION "escalation"
#define KB_EVENT_STEPS_START "steps_start"
#define KB_EVENT_STEP "step"
#define KB_EVENT_STEPS_END "steps_end"
#define KB_EVENT_FEEDBACK "feedback"
#define KB_EVENT_NOTE "note"
#define KB_EVENT_SUMMARY "summary"
#define KB_EVENT_FILTER "filter"
#define KB_EVENT_CLEAR "clear"
#define KB_EVENT_RELATED "related"
#define KB_EVENT_WHY "why"
#define KB_EVENT_OUTCOME "outcome"       /* outcome, id, by, q, query_id */

/* Longest string value written to a record, in bytes: a longer one (a
 * pasted megabyte) is cut at a UTF-8 boundary and ends in "…". */
#define KB_CALLREC_MAX_STRING 16384

typedef struct kb_callrec kb_callrec_t;

/* Start a new call record in DIR (created 0700 if needed, tightened to
 * 0700 if it is ours and looser): the file DIR/ID.jsonl with ID
 * "YYYY-MM-DD-HHMMSS-PID" (local time), "-2", "-3" ... added when taken.
 * *OUT is released with kb_callrec_close().  When DIR is NULL or cannot be
 * used, *OUT still holds a call id but records nothing, and the status
 * says why (KB_STATUS_FILE_ERROR with *MESSAGE, caller frees). */
KB_API kb_status_t kb_callrec_open(const char *dir, kb_callrec_t **out /* OUT */,
                                   char **message /* OUT */);
KB_API void kb_callrec_close(kb_callrec_t *r);
/* The call id (borrowed). */
KB_API const char *kb_callrec_id(const kb_callrec_t *r);
/* The record's file, or NULL when this call is not recorded (borrowed). */
KB_API const char *kb_callrec_path(const kb_callrec_t *r);

/* A new event {"time", "event": NAME}; add fields, then write it. */
KB_API cJSON *kb_callrec_event(const char *name);
/* Append EV (taken: it is freed) as one line, strings over
 * KB_CALLREC_MAX_STRING cut.  A record that is not recorded accepts and
 * drops it.  KB_STATUS_FILE_ERROR with *MESSAGE (caller frees) when the
 * line could not be written; the record stays parseable. */
KB_API kb_status_t kb_callrec_write(kb_callrec_t *r, cJSON *ev, char **message /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
