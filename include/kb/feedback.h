/* feedback.h - the feedback log: one JSON line per "was this helpful?",
 * from the JSON interface and the assistant alike.
 *
 * Location: $KB_FEEDBACK_LOG, else $XDG_STATE_HOME/kb/feedback.jsonl
 * (~/.local/state/kb/feedback.jsonl).  The file is created 0600 and its
 * folder 0700; each line is written with one write(2), then fsync'd, so
 * lines never interleave and survive a crash.  Only a regular file is
 * written: a symlink, a FIFO, a device (/dev/null) or a folder in the log's
 * place is refused without blocking, with a message that says what it is.
 */
#ifndef KB_FEEDBACK_H
#define KB_FEEDBACK_H

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
 * safe way: mode 0600, folder 0700, regular files only, one write, fsync.
 * KB_STATUS_FILE_ERROR with *MESSAGE (caller frees), KB_STATUS_OUT_OF_MEMORY. */
KB_API kb_status_t kb_log_append_line(const char *path, const char *line,
                                      char **message /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
