/* jsonl.h - reading the JSON-lines logs kb writes (kb/log.h), for the
 * reports. */
#ifndef KB_LOG_JSONL_H
#define KB_LOG_JSONL_H

#include <cjson/cJSON.h>

#include "kb/status.h"

/* Longest line read; a longer one is skipped as damaged. */
#define KB_JSONL_MAX_LINE (1024u * 1024u)

/* Called with each line of a log that is a JSON object.  Return
 * KB_STATUS_SUCCESS to go on, KB_STATUS_PARSE_ERROR to count the line as
 * damaged (skipped), anything else to stop with that status. */
typedef kb_status_t (*kb_jsonl_fn)(void *ctx, const cJSON *o);

/* Read the JSON lines of PATH, a regular file (a FIFO or a device is
 * refused without blocking; a missing file has nothing to read).  Lines
 * that are not JSON objects, not UTF-8 or too long are skipped and counted
 * in *SKIPPED.  KB_STATUS_FILE_ERROR with *MESSAGE (caller frees). */
kb_status_t kb_jsonl_read(const char *path, kb_jsonl_fn fn, void *ctx, unsigned *skipped,
                          char **message /* OUT */);

/* The search log's path (kb/log.h): GIVEN ("off" or "none": *OFF), else
 * $KB_SEARCH_LOG (empty, "off" or "none": *OFF), else
 * $XDG_STATE_HOME/kb/searches.jsonl.  Caller frees; NULL when off, without
 * HOME, or out of memory. */
char *kb_searchlog_path(const char *given, int *off /* OUT */);

#endif
