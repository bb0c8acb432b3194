/* index.h - building and updating the index from a KB folder, and the
 * lint that checks a KB without writing.
 *
 * The index is a folder of generations (a Xapian stub file naming the
 * current one): an incremental run updates the current generation in
 * atomic commits; a full run builds the next generation and swaps the stub
 * with rename(2), so a reader sees the old or the new index, never a
 * partial one.  What the index holds is described in lib/schema/schema.h.
 */
#ifndef KB_INDEX_H
#define KB_INDEX_H

#include <signal.h>
#include <stddef.h>

#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef void (*kb_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct kb_index_opts {
    const char *db_path;      /* the index directory */
    const char *kb_dir;       /* the KB folder */
    int full;                 /* rebuild everything into a new generation */
    int threads;              /* parser threads; 0 = one per core */
    kb_progress_fn progress;  /* may be NULL; called from the calling thread */
    void *progress_ctx;
    /* Allow a run that would remove all, or most, of the indexed articles
     * (see kb_index_run). */
    int allow_removals;
    /* May be NULL.  When *STOP becomes non-zero (a signal handler sets it)
     * the run stops at the next article: KB_STATUS_INTERRUPTED. */
    volatile sig_atomic_t *stop;
    /* How many shards (Xapian databases, searched as one) to spread the
     * articles over, by a stable hash of each article's id: 1 to
     * KB_INDEX_SHARDS_MAX.  A number other than the index has rebuilds it
     * (a full run); the choice is kept by later runs.  0: as the index is
     * (chosen with an earlier N, else by kb-index: one shard, or one per
     * core on a KB of 2,000 files or more).  KB_INDEX_SHARDS_AUTO: forget
     * an earlier N, let kb-index choose at the next full run. */
    int shards;
} kb_index_opts_t;

#define KB_INDEX_SHARDS_MAX 32
#define KB_INDEX_SHARDS_AUTO (-1)

typedef struct kb_index_stats {
    size_t files;       /* Markdown files found */
    size_t articles;    /* articles in the index afterwards */
    size_t sections;    /* section documents written in this run */
    size_t added, updated, removed, unchanged, rejected;
    int full;           /* 1 if this run rebuilt everything */
    double seconds;
    unsigned shards;    /* shards of the index written */
} kb_index_stats_t;

/* Bring the index at OPTS->db_path up to date with OPTS->kb_dir.
 *
 * Articles that cannot be parsed or read are rejected with an error in
 * DIAGS (an article that was indexed before keeps its last good version,
 * in incremental and full runs alike) and counted in STATS->rejected; the
 * run still succeeds.  Every lint error of the indexed KB (check.c, the
 * same as kb_lint_run) is added to DIAGS as an error.  Ids that move
 * between files (two files swapping ids, an id moving to an earlier file)
 * settle in the run.
 *
 * A run that would remove every indexed article, or more than half of
 * them when there are at least 10, because their files are gone (an empty
 * or mistyped folder, an unmounted share), writes nothing and returns
 * KB_STATUS_REFUSED unless OPTS->allow_removals.  A run stopped through
 * OPTS->stop returns KB_STATUS_INTERRUPTED: a full run discards its new
 * generation (the index is as it was), an incremental run keeps the
 * batches it committed (each article whole, old or new).  The lock is
 * released in every case.
 *
 * Returns KB_STATUS_SUCCESS, KB_STATUS_REFUSED, KB_STATUS_INTERRUPTED,
 * or KB_STATUS_FILE_ERROR (KB folder or index directory unusable),
 * KB_STATUS_DB_LOCKED (another indexer runs), KB_STATUS_DB_OPENING,
 * KB_STATUS_DB_CORRUPT, KB_STATUS_XAPIAN_EXCEPTION (e.g. disk full; the
 * last committed index is intact), KB_STATUS_OUT_OF_MEMORY.  On failure
 * *MESSAGE (if MESSAGE is not NULL) is a malloc'd explanation the caller
 * frees. */
KB_API kb_status_t kb_index_run(const kb_index_opts_t *opts, kb_diags_t *diags,
                                kb_index_stats_t *stats /* OUT */,
                                char **message /* OUT */);

/* Lint the KB folder KB_DIR without writing anything: every parse problem,
 * duplicate ids, missing title or category, unknown categories, unknown
 * escalation ids, escalation cycles, malformed hours, broken internal links
 * (errors); past review dates, articles without questions, unknown
 * front-matter keys (warnings).  TODAY is "YYYY-MM-DD" (NULL = the local
 * date).  *ARTICLES (may be NULL) is the number of articles read.  Returns
 * KB_STATUS_SUCCESS whatever it finds (the findings are in DIAGS), or
 * KB_STATUS_FILE_ERROR if the folder cannot be read.  kb_lint_check() with
 * no review list. */
KB_API kb_status_t kb_lint_run(const char *kb_dir, const char *today, kb_diags_t *diags,
                               size_t *articles /* OUT */, char **message /* OUT */);

/* Read and parse the article file PATH as kb-index does, without
 * indexing it (kb-index --preview): *OUT (caller frees with
 * kb_article_free()), its problems with their lines in DIAGS.
 * KB_STATUS_PARSE_ERROR when the file cannot be an article (DIAGS says
 * why), KB_STATUS_FILE_ERROR, KB_STATUS_TOO_LARGE, KB_STATUS_OUT_OF_MEMORY;
 * *OUT is then NULL. */
KB_API kb_status_t kb_article_read(const char *path, kb_diags_t *diags,
                                   kb_article_t **out /* OUT */);

/* ---------------------------------------------------------------- */
/* Lint with the review worklist                                      */

typedef struct kb_lint_opts {
    const char *kb_dir;
    const char *today;        /* "YYYY-MM-DD"; NULL = the local date */
    int within_days;          /* reviews due within this many days are listed
                                 with the past ones; < 0 = 30 */
    const char *owner;        /* only this owner's reviews; NULL = everyone's */
} kb_lint_opts_t;

/* An article past or near its review date. */
typedef struct kb_review {
    char *path;
    char *id;
    char *title;
    char *owner;              /* NULL when the article names none */
    char *review_by;          /* "YYYY-MM-DD" */
    long days;                /* days from today to the date: < 0 past */
    char *status;             /* NULL: published; "draft", "archived" */
} kb_review_t;

typedef struct kb_lint_result {
    size_t articles;          /* articles read */
    size_t ignored;           /* files and folders left out as no articles
                                 (README.md, _ and . names, .kbignore) */
    kb_review_t *reviews;     /* every article past or near its review date
                                 (of OPTS->owner), oldest date first */
    size_t n_reviews;
} kb_lint_result_t;

/* Everything kb_lint_run() does, and the review worklist.  Besides the
 * checks of every article (check.c: what indexing holds back), lint warns
 * of what the index cannot see across articles: a customer question
 * asked in two articles (the same words after search's normalisation:
 * case, punctuation, stems), a word or phrase in two synonym
 * groups, and the pins of pins.txt (errors: a pin to a missing, draft or
 * archived article, a phrase pinned twice).  Returns KB_STATUS_SUCCESS
 * with *OUT (caller frees with kb_lint_result_free()), KB_STATUS_FILE_ERROR
 * (*MESSAGE says why; caller frees) or KB_STATUS_OUT_OF_MEMORY. */
KB_API kb_status_t kb_lint_check(const kb_lint_opts_t *opts, kb_diags_t *diags,
                                 kb_lint_result_t **out /* OUT */, char **message /* OUT */);
KB_API void kb_lint_result_free(kb_lint_result_t *r);

#ifdef __cplusplus
}
#endif

#endif
