/* log.h - the logs kb keeps in its state folder, all JSON lines written
 * the same safe way: the file is created 0600 and its folder 0700; each
 * line is written with one write(2), then fsync'd, so lines never
 * interleave and survive a crash; a write that fails half-way is undone,
 * so no torn line is left behind.  Only a regular file is written: a
 * symlink, a FIFO, a device (/dev/null) or a folder in a log's place is
 * refused without blocking, with a message that says what it is.
 *
 *   feedback log   one line per "was this helpful?", from the JSON
 *                  interface and the assistant alike:
 *                  $KB_FEEDBACK_LOG, else $XDG_STATE_HOME/kb/feedback.jsonl
 *   call records   one file per call taken in kb-assistant, one line per
 *                  event: $XDG_STATE_HOME/kb/calls/ID.jsonl
 *
 * kb-index --report reads them back (kb/report.h).
 */
#ifndef KB_LOG_H
#define KB_LOG_H

#include <cjson/cJSON.h>
#include <stddef.h>

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
