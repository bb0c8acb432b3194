/* indexer.h - building and updating the index from a KB folder, and the
 * lint that checks a KB without writing.
 *
 * Documents: one per section (DESIGN.md section 4), each carrying its
 * article's title, questions and tags, plus one short document per customer
 * question, so that a query close to one question finds its article even
 * when the other questions and the sections say other things; and one
 * article document with the whole article as JSON.  Collapsing on the
 * article id gives one hit per article; a hit on a question document is
 * shown with the article's best section.  The English word list that
 * spelling correction must leave alone is kept in metadata.
 *
 * The index directory holds generations:
 *
 *     INDEX/XAPIANDB       a Xapian stub file naming the current generation
 *     INDEX/gen-000007/    the current glass database
 *     INDEX/gen-000006/    the previous one, kept for readers still on it
 *     INDEX/.lock          held by the indexer while it runs
 *
 * Xapian opens INDEX directly (it follows the stub).  An incremental run
 * updates the current generation in atomic commits; a full run builds the
 * next generation and swaps the stub with rename(2), so a reader sees the
 * old or the new index, never a partial one.
 */
#ifndef KB_INDEXER_H
#define KB_INDEXER_H

#include <stddef.h>

#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The index format this build writes; a different stored version forces a
 * full rebuild. */
#define KB_INDEX_FORMAT "kb-index-9"

/* Value slots and term prefixes of the index (DESIGN.md section 4). */
enum {
    KB_SLOT_ARTICLE = 0,   /* article id: the collapse key */
    KB_SLOT_UPDATED = 1,   /* "YYYYMMDD" */
    KB_SLOT_CATEGORY = 2,
    KB_SLOT_SECTION = 3    /* section number, decimal; "q" on question documents,
                              "a" on the article document */
};
#define KB_PREFIX_ID "Q"          /* article id, on every section document */
#define KB_PREFIX_ARTICLE "XD"    /* article id, on the article document only */
#define KB_PREFIX_LEAD "XL"       /* article id, on its section 0 (the lead) only */
#define KB_PREFIX_PATH "XP"       /* source path relative to the KB folder */
#define KB_PREFIX_CATEGORY "XC"
#define KB_PREFIX_TAG "K"
#define KB_PREFIX_ESCALATION "XE" /* the article's escalation tier id */
#define KB_PREFIX_TITLE "S"       /* "ZS" + stem: words of the title */
#define KB_PREFIX_QUESTION "XQ"   /* "ZXQ" + stem: words of the questions and phrases */
#define KB_TERM_QUESTION_DOC "XKquestion" /* on question documents */
#define KB_TERM_ARTICLE_DOC "XKarticle"   /* on article documents: counts articles */

/* Metadata keys. */
#define KB_META_FORMAT "kb:format"
#define KB_META_ROOT "kb:root"          /* the KB folder as given */
#define KB_META_BUILT "kb:built"        /* time of the last commit, ISO 8601 */
#define KB_META_SYNONYMS "kb:synonyms"  /* hash of the synonyms file */
#define KB_META_DICTIONARY "kb:dictionary" /* hash of the word-list file */
#define KB_META_WORDS "kb:words"        /* the English word list: sorted, lowercase,
                                           one word per line */
#define KB_META_FILE "F:"               /* + relative path: "size mtime hash id" */
#define KB_META_IDMAP "I:"              /* + article id: relative path */
#define KB_META_TIER "E:"               /* + id: JSON of an escalation tier or cue article */

typedef void (*kb_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct kb_index_opts {
    const char *db_path;      /* the index directory */
    const char *kb_dir;       /* the KB folder */
    int full;                 /* rebuild everything into a new generation */
    int threads;              /* parser threads; 0 = one per core */
    kb_progress_fn progress;  /* may be NULL; called from the calling thread */
    void *progress_ctx;
} kb_index_opts_t;

typedef struct kb_index_stats {
    size_t files;       /* Markdown files found */
    size_t articles;    /* articles in the index afterwards */
    size_t sections;    /* section documents written in this run */
    size_t added, updated, removed, unchanged, rejected;
    int full;           /* 1 if this run rebuilt everything */
    double seconds;
} kb_index_stats_t;

/* Bring the index at OPTS->db_path up to date with OPTS->kb_dir.
 *
 * Articles that cannot be parsed are rejected with an error in DIAGS (an
 * article that was indexed before keeps its last good version) and counted
 * in STATS->rejected; the run still succeeds.  Returns KB_STATUS_SUCCESS,
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
 * KB_STATUS_FILE_ERROR if the folder cannot be read. */
KB_API kb_status_t kb_lint_run(const char *kb_dir, const char *today, kb_diags_t *diags,
                               size_t *articles /* OUT */, char **message /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
