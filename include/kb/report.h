/* report.h - what officers searched for and did not find, and which
 * answers they marked not helpful: the content editor's to-do list, read
 * from the assistant's call records and the feedback log.
 *
 * Call records: every *.jsonl file directly in CALLS_DIR (by default
 * $XDG_STATE_HOME/kb/calls/); their "query" events with "total": 0 are
 * searches with no answer.  Feedback: the log of kb/log.h, whose
 * lines with "helpful": false count against their article.  Lines that are
 * not JSON objects of the expected shape (a torn last line, a hand edit)
 * are skipped and counted; symbolic links are not followed.
 */
#ifndef KB_REPORT_H
#define KB_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A search with no answer, grouped by its text (ASCII letters lowered,
 * runs of white space made one space). */
typedef struct kb_report_query {
    char *query; /* as first typed */
    unsigned count;
    char *last; /* time of the latest, ISO 8601 UTC */
} kb_report_query_t;

/* An article that got "not helpful" at least once. */
typedef struct kb_report_article {
    char *id;
    unsigned unhelpful, helpful;
    char **queries; /* up to KB_REPORT_EXAMPLES distinct queries that found
                     * it not helpful, latest first */
    size_t n_queries;
} kb_report_article_t;

#define KB_REPORT_EXAMPLES 3

typedef struct kb_report {
    char *since;    /* the DATE given, or NULL for everything */
    unsigned files; /* call-record files read */
    unsigned calls; /* calls started */
    unsigned searches;
    unsigned unanswered;
    unsigned feedback;          /* feedback lines counted */
    unsigned skipped;           /* lines not understood */
    kb_report_query_t *queries; /* most frequent first, then latest */
    size_t n_queries;
    kb_report_article_t *articles; /* most "not helpful" first */
    size_t n_articles;
} kb_report_t;

/* Read CALLS_DIR and FEEDBACK_LOG (either may be NULL or missing: nothing
 * to count there) and count what happened on or after SINCE (YYYY-MM-DD,
 * UTC; NULL for everything).  On success *OUT is the report, freed by the
 * caller with kb_report_free().  Errors: KB_STATUS_BAD_ARGUMENT for a
 * malformed SINCE, KB_STATUS_FILE_ERROR when a folder or file exists but
 * cannot be read, KB_STATUS_OUT_OF_MEMORY; *MESSAGE (caller frees; may be
 * NULL) then says what and where. */
KB_API kb_status_t kb_report_build(const char *calls_dir, const char *feedback_log,
                                   const char *since, kb_report_t **out /* OUT */,
                                   char **message /* OUT */);

KB_API void kb_report_free(kb_report_t *r);

/* The report as JSON (see kb-index(1)); caller frees with cJSON_Delete().
 * NULL when out of memory. */
KB_API cJSON *kb_report_json(const kb_report_t *r);

/* What else kb-index --report shows, beside the report above. */
typedef struct kb_activity_opts {
    const char *search_log;     /* NULL: the default (kb/log.h); "off": none */
    const char *calls_dir;      /* NULL: no call records */
    const char *since;          /* YYYY-MM-DD (already checked) or NULL */
    const char *const *articles; /* the index's article ids (may be NULL) */
    const char *const *review_by; /* each one's review date or NULL (may be NULL) */
    size_t n_articles;
    const char *today;          /* YYYY-MM-DD for "past review"; NULL: today, UTC */
    const char *kb_dir;         /* for its learned phrasings; NULL: none */
} kb_activity_opts_t;

/* Add to INTO (a report's JSON object, see kb-index(1)) what the search log
 * (and its rotated files), the call records, the articles and the learned
 * files say: "logged_searches", "not_covered", "by_day" (searches per day by
 * interface), "top_queries", "not_covered_groups" (searches with no answer
 * or covered false, grouped by their content words, with counts and
 * examples), "alerts" (by kind), "escalation_paths", "steps" (sections
 * walked, how often, how often not resolving), "never_shown",
 * "past_review", "learned" (phrasings learned, per article).  Missing logs
 * count as empty.  Errors: KB_STATUS_BAD_ARGUMENT, KB_STATUS_FILE_ERROR
 * (a log cannot be read; *MESSAGE, caller frees, says which),
 * KB_STATUS_OUT_OF_MEMORY. */
KB_API kb_status_t kb_report_activity(const kb_activity_opts_t *opts, cJSON *into,
                                      char **message /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
