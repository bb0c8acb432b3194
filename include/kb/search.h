/* search.h - the query pipeline: an officer's words in, ranked answers out,
 * each with its best section, a snippet, and the escalation path to
 * suggest.
 *
 *     kb_search_t *s;
 *     char *msg;
 *     if (kb_search_open(path, &s, &msg) != KB_STATUS_SUCCESS) { print msg; }
 *     kb_request_t req = KB_REQUEST_INIT;
 *     req.q = "card hasnt arived";
 *     kb_results_t *r;
 *     if (kb_search_run(s, &req, &r) == KB_STATUS_SUCCESS) {
 *         for (size_t i = 0; i < r->n; i++) ... r->hits[i].title ...
 *         kb_results_free(r);
 *     }
 *     kb_search_close(s);
 *
 * A kb_search_t follows the index: before each call it notices a new
 * generation (kb-index --full) or new commits and reopens, so a long-running
 * process always answers from the latest complete index.  One kb_search_t
 * must not be used by two threads at once.
 */
#ifndef KB_SEARCH_H
#define KB_SEARCH_H

#include <stddef.h>
#include <time.h>

#include "kb/article.h"
#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_search kb_search_t;

/* The confidence above which a result is a confident answer (covered). */
#define KB_CONFIDENT 0.5

/* Longest query searched as typed, in bytes after trimming (DESIGN.md
 * section 6). */
#define KB_QUERY_MAX_BYTES 1024
/* Longest text kb_search_run() takes, in bytes after trimming: a pasted
 * chat or email.  A text over KB_QUERY_MAX_BYTES, or one of several lines
 * read as a chat or email (speaker labels, headers, quotes, a sign-off), is
 * not searched as typed: kb searches the customer's sentence, or two
 * sentences in a row, that the KB answers best (kb_results_t.searched),
 * and scans all of the customer's part for alerts. */
#define KB_INPUT_MAX_BYTES 16384

/* Most results one request may ask for (DESIGN.md section 6). */
#define KB_LIMIT_MAX 100
#define KB_LIMIT_DEFAULT 5

typedef struct kb_request {
    const char *q;                  /* the query string, with inline filters */
    unsigned limit;                 /* 1..KB_LIMIT_MAX; 0 = KB_LIMIT_DEFAULT */
    unsigned offset;                /* skip this many articles ("more") */
    const char *const *categories;  /* extra category filters (any of) */
    size_t n_categories;
    const char *const *tags;        /* extra tag filters (all of) */
    size_t n_tags;
    int explain;                    /* fill kb_hit_t.explain */
    int plain;                      /* baseline: no spelling, synonyms or boosts */
    size_t snippet_bytes;           /* 0 = 200 */
    int drafts;                     /* also draft and archived articles (the
                                       editor's own search); officers never */
} kb_request_t;

#define KB_REQUEST_INIT {NULL, 0, 0, NULL, 0, NULL, 0, 0, 0, 0, 0}

/* Why a result matched: one entry per query term it holds. */
typedef struct kb_match {
    char *term;       /* the index term, e.g. "Zarriv" */
    char *word;       /* what the officer typed that produced it */
    char *kind;       /* "word", "stem", "synonym", "correction", "phrase" */
    char *detail;     /* e.g. "synonym of 'add money'", or NULL */
} kb_match_t;

typedef struct kb_highlight {
    size_t start;     /* byte offsets into the snippet, [start, end) */
    size_t end;
} kb_highlight_t;

typedef struct kb_hit {
    unsigned rank;          /* 1-based, counting the offset */
    char *id;
    char *title;
    char *category;         /* may be NULL */
    char *path;
    char *section;          /* heading of the best section; "" for the lead */
    char *section_path;     /* "Parent > Child" */
    unsigned section_index; /* 0 = the lead */
    unsigned steps;         /* numbered steps in that section */
    char *snippet;          /* plain text */
    kb_highlight_t *highlights;
    size_t n_highlights;
    char *escalation;       /* the article's escalation tier id, or NULL */
    double score;           /* 0..1 */
    double weight;          /* the raw ranking weight */
    char *question;         /* the customer question (from the article's
                               questions) that matched best, or NULL */
    kb_match_t *explain;    /* with kb_request_t.explain */
    size_t n_explain;
    double confidence;      /* 0..1: how sure kb is that this answers the
                               question; comparable across queries, so a
                               caller can threshold it */
    char *status;           /* NULL: published; "draft" or "archived" (only
                               with kb_request_t.drafts) */
    int pinned;             /* put first by a pin of pins.txt for this query
                               (the editor's chosen answer) */
} kb_hit_t;

/* One tier of an escalation path. */
typedef struct kb_tier {
    char *id;
    char *title;
    char *contact;
    char *hours;
    char *sla;
    int known_hours;        /* hours parsed */
    int open;               /* open at the time of the request */
    char *opens;            /* when closed: next opening, "Mon 08:00"; else NULL */
} kb_tier_t;

typedef struct kb_escalation {
    char *kind;             /* "answer", "trigger", "cue" or "article" */
    char *reason;           /* for the officer: why this path */
    char *trigger;          /* the phrase that matched (trigger, cue), or NULL */
    char *from;             /* the article whose escalation was used, or NULL */
    char *guidance;         /* id of the guidance article to read (cues), or NULL */
    char *guidance_title;
    kb_tier_t *path;
    size_t n_path;
    char *advice;           /* "Card operations is closed (opens Mon 08:00); ..." or NULL */
} kb_escalation_t;

/* A warning the call raises (suspected fraud or scam, a vulnerable
 * customer, a complaint, frustration, or a kind an article defines), with
 * what to read and whom to call.  Most urgent first in kb_results_t. */
typedef struct kb_alert {
    char *kind;             /* "fraud", "scam", "vulnerable", "complaint",
                               "frustration", or an article's own kind */
    char *words;            /* the words of the query that raised it */
    kb_escalation_t *escalation; /* reason, guidance article and path */
} kb_alert_t;

/* A shard of a sharded index that an answer leaves out: a remote one that
 * refused the connection or did not answer within the timeout
 * ($KB_REMOTE_TIMEOUT), one of another generation, or one the stub does
 * not list.  Left out for $KB_REMOTE_RETRY seconds, then tried again. */
typedef struct kb_missing_shard {
    char *name;             /* as the stub names it ("remote 10.0.0.2:33331"),
                               or "shard K" when the stub does not list it */
    int shard;              /* its number K (0..N-1), or -1 when unknown */
    char *error;            /* why it is left out */
} kb_missing_shard_t;

/* A word spelling correction changed. */
typedef struct kb_correction {
    char *from;             /* as typed */
    char *to;               /* as searched */
} kb_correction_t;

typedef struct kb_results {
    char *query;            /* as asked (trimmed) */
    char *corrected;        /* the corrected query when spelling was fixed, else NULL */
    char *notice;           /* for the officer, e.g. why nothing was searched; or NULL */
    unsigned total;         /* matching articles (an estimate on big indexes) */
    double took_ms;
    kb_hit_t *hits;
    size_t n;
    kb_escalation_t *escalation;   /* NULL when there is nothing to suggest */
    char **categories;      /* the category filters that applied (any of) */
    size_t n_categories;
    char **tags;            /* the tag filters that applied (all of) */
    size_t n_tags;
    int covered;            /* 1 when the first answer (on this page or
                               not) is a confident one: a confidence of
                               KB_CONFIDENT or more, or pinned; 0 when the
                               KB may not cover this */
    kb_alert_t *alerts;     /* every warning raised, most urgent first */
    size_t n_alerts;
    kb_correction_t *corrections; /* the words "corrected" changed, in order */
    size_t n_corrections;
    char *searched;         /* for a query over KB_QUERY_MAX_BYTES (a pasted
                               chat or email), the words searched; else NULL */
    int partial;            /* 1 when shards of the index were left out: the
                               answers are those of the others (MISSING) */
    kb_missing_shard_t *missing;
    size_t n_missing;
} kb_results_t;

/* Open the index at DB_PATH read-only: an index folder, or a Xapian stub
 * file listing its shards, local ("glass PATH", "auto PATH") or served by
 * xapian-tcpsrv ("remote HOST:PORT").  Each shard is opened by kb itself
 * (lib/query/shards.c), a remote one with a timeout of $KB_REMOTE_TIMEOUT
 * seconds (default 2) on the connection and on every exchange.  A remote
 * shard that does not answer is left out (kb_results_t.partial); shard 0,
 * which holds the KB's metadata, spelling data and synonyms, cannot be:
 * without it the open fails.  KB_STATUS_DB_OPENING when it does
 * not exist or cannot be read (then *MESSAGE, if MESSAGE is not NULL, says
 * how to build it; caller frees), or when its stub file would start a
 * program (see KB_SEARCH_ALLOW_PROGRAMS below), KB_STATUS_DB_CORRUPT,
 * KB_STATUS_OUT_OF_MEMORY. */
KB_API kb_status_t kb_search_open(const char *db_path, kb_search_t **out /* OUT */,
                                  char **message /* OUT */);

/* Flags for kb_search_open_flags(). */
/* Honour "remote :PROG ARGS" lines of Xapian stub files, which start PROG.
 * Without it such a line (in DB_PATH/XAPIANDB, in a stub file given as
 * DB_PATH, or in a stub an "auto" line names) makes the open fail with
 * KB_STATUS_DB_OPENING before anything is started; so does a line Xapian
 * does not know, or a FIFO or device as the index.  TCP lines ("remote
 * HOST:PORT") and local databases are always honoured. */
#define KB_SEARCH_ALLOW_PROGRAMS 1u

/* kb_search_open() with FLAGS (KB_SEARCH_* above, or 0: what
 * kb_search_open() does).  The same statuses and *MESSAGE. */
KB_API kb_status_t kb_search_open_flags(const char *db_path, unsigned flags,
                                        kb_search_t **out /* OUT */, char **message /* OUT */);
KB_API void kb_search_close(kb_search_t *s);
/* The message of the last failure on S, or "".  Borrowed until the next call. */
KB_API const char *kb_search_last_error(const kb_search_t *s);

/* Run REQ.  KB_STATUS_SUCCESS (no results is success: R->n == 0, and
 * R->notice may say why), KB_STATUS_BAD_ARGUMENT (limit out of range),
 * KB_STATUS_TOO_LARGE (query over KB_INPUT_MAX_BYTES), KB_STATUS_PARSE_ERROR
 * (query not UTF-8), index errors (after one reopen and retry).  Caller
 * frees *R with kb_results_free(). */
KB_API kb_status_t kb_search_run(kb_search_t *s, const kb_request_t *req,
                                 kb_results_t **r /* OUT */);
KB_API void kb_results_free(kb_results_t *r);

/* Articles like article ID (its title, questions and tags as the query),
 * ID itself left out.  KB_STATUS_NOT_FOUND if there is no such article. */
KB_API kb_status_t kb_search_related(kb_search_t *s, const char *id, unsigned limit,
                                     kb_results_t **r /* OUT */);

/* The stored article ID: its fields, sections with their steps, and the
 * Markdown body (kb/article.h; sections' text is "" here).
 * KB_STATUS_NOT_FOUND if none; KB_STATUS_BAD_ARGUMENT if ID is not a valid
 * id; index errors.  Caller frees *ARTICLE with kb_article_free(). */
KB_API kb_status_t kb_search_get_article(kb_search_t *s, const char *id,
                                         kb_article_t **article /* OUT */);

/* The escalation path for article ID: its escalation tier (or ID itself
 * when it is a tier) and the next ones.  KB_STATUS_NOT_FOUND if there is no
 * such article; *E is NULL when the article names no tier.  Caller frees
 * with kb_escalation_free(). */
KB_API kb_status_t kb_search_escalation(kb_search_t *s, const char *id,
                                        kb_escalation_t **e /* OUT */);
KB_API void kb_escalation_free(kb_escalation_t *e);

typedef struct kb_health {
    unsigned documents;     /* section documents */
    unsigned articles;
    char *built;            /* ISO time of the last index commit */
    char *format;
    char *kb_dir;
    unsigned shards;        /* shards of the index (1 when not sharded) */
    int partial;            /* 1 when some are left out (MISSING) */
    kb_missing_shard_t *missing;
    size_t n_missing;
    char *notice;           /* what the operator should know about how the
                               index is reached (shard 0 remote), or NULL */
} kb_health_t;

KB_API kb_status_t kb_search_health(kb_search_t *s, kb_health_t *h /* OUT */);
KB_API void kb_health_clear(kb_health_t *h);

/* Call FN with each category, tag or article id in the index (WHAT is
 * "category", "tag" or "id"), for completion.  FN returns non-zero to stop. */
KB_API kb_status_t kb_search_list(kb_search_t *s, const char *what,
                                  int (*fn)(void *ctx, const char *value), void *ctx);

/* The time used for "open now" (the clock, or $KB_NOW, unless set here;
 * 0 resets). */
KB_API void kb_search_set_time(kb_search_t *s, time_t now);

/* The default index path: $KB_DB, else $XDG_DATA_HOME/kb/index, else
 * ~/.local/share/kb/index.  Caller frees; NULL if HOME is unset too. */
KB_API char *kb_default_db_path(void);

#ifdef __cplusplus
}
#endif

#endif
