/* learn.h - learning customers' phrasings from what officers did: kb-index
 * --learn.
 *
 * Positive evidence that words W asked for article A:
 *   - a helpful mark (the feedback log, from any interface);
 *   - a call resolved by A's steps (the assistant's call records);
 *   - a call resolved after A was opened (":resolved", or the only article
 *     opened in a call marked resolved).
 * Negative: a "not helpful" mark for A; a helpful mark or resolution for
 * another article with the same words.
 *
 * The words are those the search ran with (its spelling correction when
 * it had one), folded to one form ("card hasn't arrived").  Each officer
 * (or, without one, each call, or each client) counts once per words and
 * article however often they mark them.  Words are learned for A when A's
 * support outweighs twice its "not helpful" marks plus the support of
 * every other article; support from one officer only is also checked
 * against the phrasings already learned: words that read like another
 * article's phrasings and not like A's are taken for a slip (a wrong mark)
 * and not learned.  Never learned: words holding a placeholder of personal
 * data (<card>, <phone> ...: scrubbed), words of a search that raised a
 * vulnerable-customer alert (health, bereavement and money troubles are
 * special personal data), a single word, and lines an editor rejected.
 * Each article keeps at most KB_LEARN_CAP learned phrasings, the best
 * supported, so no article swallows its neighbours.
 *
 * The phrasings go to KB_DIR/_learned/ID.txt (their format:
 * lib/schema/learned.h and kb-index(1)), reviewable text files the next
 * kb-index indexes below the editors' own questions.
 */
#ifndef KB_LEARN_H
#define KB_LEARN_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Learned phrasings kept per article, at most. */
#define KB_LEARN_CAP 150

typedef struct kb_learn_opts {
    const char *kb_dir;         /* the KB folder (required) */
    const char *feedback_log;   /* NULL: $KB_FEEDBACK_LOG, else the default */
    const char *calls_dir;      /* NULL: $XDG_STATE_HOME/kb/calls */
    const char *search_log;     /* NULL: the default (kb/log.h); "off": none */
    const char *since;          /* only evidence from this day (YYYY-MM-DD,
                                   UTC); NULL: all */
    int dry_run;                /* change nothing; say what would change */
    const char *const *articles; /* the KB's article ids: evidence for any
                                    other is skipped; NULL: no check */
    size_t n_articles;
} kb_learn_opts_t;

/* One phrasing learned, dropped or refused. */
typedef struct kb_learn_change {
    char *article;
    char *text;
    char *what;     /* "added", "dropped", "rejected" (an editor's "-" line
                       the evidence proposed again) */
    char *why;      /* for dropped: "contradicted", "over the cap" */
    unsigned marks; /* support: distinct officers, calls or clients */
} kb_learn_change_t;

typedef struct kb_learn_result {
    unsigned added, kept, dropped, rejected;
    unsigned lines;             /* log lines read (all logs) */
    unsigned skipped;           /* lines not understood */
    unsigned marks;             /* pieces of evidence, one per officer,
                                   words and article */
    /* Words not learned, and why. */
    unsigned personal;          /* a placeholder of personal data */
    unsigned vulnerable;        /* a vulnerable-customer search */
    unsigned contradicted;      /* outweighed by "not helpful" or by
                                   another article */
    unsigned slips;             /* read like another article's phrasings */
    unsigned unknown;           /* for an article not in the KB */
    unsigned short_words;       /* a single word */
    unsigned files;             /* learned files written (0 with dry_run) */
    kb_learn_change_t *changes; /* added, dropped and rejected, by article */
    size_t n_changes;
} kb_learn_result_t;

/* Read the logs and update KB_DIR/_learned/ (see above).  *OUT is the
 * result (caller frees with kb_learn_free()), also with dry_run.  Errors:
 * KB_STATUS_BAD_ARGUMENT (no kb_dir, a malformed since),
 * KB_STATUS_FILE_ERROR (a log or a learned file cannot be read, the
 * folder cannot be written), KB_STATUS_OUT_OF_MEMORY; *MESSAGE (caller
 * frees; may be NULL) says what and where. */
KB_API kb_status_t kb_learn_run(const kb_learn_opts_t *opts, kb_learn_result_t **out /* OUT */,
                                char **message /* OUT */);
KB_API void kb_learn_free(kb_learn_result_t *r);

#ifdef __cplusplus
}
#endif

#endif
