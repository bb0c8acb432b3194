/* build.h - what the query builder's files share: build.c (the query's
 * shape) uses synonyms.c (synonym groups); both use terms.c (terms and
 * where they came from). */
#ifndef KB_QUERY_BUILD_H
#define KB_QUERY_BUILD_H

#include "base/strmap.h"
#include "internal.h"
#include "qtree.h"

typedef struct kbs_builder {
    kbs_qtree_t t;            /* the sticky status of everything built */
    kb_search_t *s;
    unsigned docs;            /* documents in the index, for kbs_common() */
    kbs_qlist_t *stops;       /* stopword queries collected for the boost;
                                 NULL: stopwords add nothing */
    const kbs_prepared_t *prep;
    int plain;                /* no synonyms, no boosts */
    int corrected;            /* search the corrected words */
    kbs_built_t *out;
    kb_strmap_t *seen;        /* terms already in OUT's sources -> index */
    uint64_t mask;            /* the content words the terms being made
                                 stand for (kbs_sourced_term) */
} kbs_builder_t;

/* terms.c */
/* The word and stem searched for token T: the corrected ones when the
 * query is searched corrected. */
const char *kbs_eff_word(const kbs_builder_t *b, const kbs_token_t *t);
const char *kbs_eff_stem(const kbs_builder_t *b, const kbs_token_t *t);

/* A term query for PREFIX + TEXT that explain traces back to WORD (KIND,
 * DETAIL may be NULL).  NULL when TEXT is empty or too long. */
kb_xquery_t *kbs_sourced_term(kbs_builder_t *b, const char *prefix, const char *text,
                              const char *word, const char *kind, const char *detail);
/* Token T's bit among the content words (0 when it is not one). */
uint64_t kbs_token_bit(const kbs_token_t *t);
/* The query for one searchable token: its stem. */
kb_xquery_t *kbs_token_query(kbs_builder_t *b, const kbs_token_t *t);

/* synonyms.c: the synonym span of K tokens of IT at I, if those words (or
 * their stems, or a single word without its plural s) are a synonym key:
 * the officer's own words at full weight OR the alternatives at a lower
 * weight.  NULL when the span is no key. */
kb_xquery_t *kbs_span_query(kbs_builder_t *b, const kbs_item_t *it, size_t i, size_t k);

#endif
