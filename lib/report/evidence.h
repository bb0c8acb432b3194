/* evidence.h - what kb-index --learn reads from the logs, and shares
 * between its files (internal to libkb; the rules are in kb/learn.h).
 *
 *   evidence.c  the logs into pieces of evidence (words, article, who,
 *               for or against, when)
 *   slips.c     marks that read like another article's phrasings
 *   learn.c     kb_learn_run: decide, merge with the learned files, write
 */
#ifndef KB_REPORT_EVIDENCE_H
#define KB_REPORT_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "base/strmap.h"
#include "kb/learn.h"

/* What is known about a text (the words, folded). */
enum {
    TEXT_PERSONAL = 1,      /* holds a placeholder of personal data */
    TEXT_VULNERABLE = 2,    /* a search with these words raised a
                               vulnerable-customer alert */
    TEXT_SHORT = 4,         /* one word */
};

/* One piece of evidence. */
typedef struct lev {
    uint32_t text;          /* index into learnset_t.texts */
    uint32_t article;       /* index into learnset_t.articles */
    uint64_t who;           /* hash of the officer, call or client */
    uint64_t when;          /* YYYYMMDDhhmmss, for "latest" and "last" */
    int polarity;           /* +1 for, -1 against */
} lev_t;

typedef struct learnset {
    const char *since;      /* "YYYY-MM-DD" or NULL */
    kb_strmap_t *text_ids;  /* text -> index, as decimal */
    char **texts;
    unsigned char *flags;   /* TEXT_* per text */
    size_t n_texts, cap_texts;
    kb_strmap_t *article_ids;
    char **articles;
    size_t n_articles, cap_articles;
    lev_t *ev;
    size_t n_ev, cap_ev;
    kb_strmap_t *searches;  /* query_id -> "v" (vulnerable) or "" */
    unsigned lines, skipped;
} learnset_t;

kb_status_t learnset_init(learnset_t *ls, const char *since);
void learnset_free(learnset_t *ls);

/* The words of a query as they are learned (and compared): filters and
 * exclusions dropped, personal data scrubbed, folded (NFKC, case), only
 * letters, digits, apostrophes inside words and placeholders kept, one
 * space between words.  Caller frees; NULL when out of memory. */
char *learn_key(const char *query);

/* The index of TEXT (a key) or ARTICLE, added if new; -1 when out of
 * memory. */
long learn_text(learnset_t *ls, const char *text);
long learn_article(learnset_t *ls, const char *id);

/* Read the search log at PATH and its rotated files (query ids of
 * vulnerable-customer searches), the feedback log, the call records.
 * KB_STATUS_FILE_ERROR with *MESSAGE. */
kb_status_t learn_read_searches(learnset_t *ls, const char *path, char **message);
kb_status_t learn_read_feedback(learnset_t *ls, const char *path, char **message);
kb_status_t learn_read_calls(learnset_t *ls, const char *dir, char **message);

/* A candidate: words TEXT for ARTICLE, with its support. */
typedef struct lcand {
    uint32_t text, article;
    unsigned pos, neg;      /* distinct supporters for and against */
    unsigned prior;         /* marks of an existing "+" line */
    int existing;           /* a "+" line of the learned file already */
    char last[11];          /* date of the latest evidence */
    int learn;              /* 1: learned; 0: not (WHY says why) */
    const char *why;
} lcand_t;

/* Mark as slips (learn = 0, why "slip") the new candidates with one
 * supporter that read like the phrasings of another article and not like
 * their own's, compared with every candidate learned (new or existing).
 * Returns how many were marked; -1 when out of memory. */
long learn_find_slips(const learnset_t *ls, lcand_t *c, size_t n);

#endif
