/* build.c - the prepared query into a Xapian query.
 *
 *   (phrases AND ...) AND_MAYBE (words OR synonym groups ...)
 *       OR (the same stems in titles and questions)          boosts
 *       AND_MAYBE (the whole query as a phrase, in questions)  echo
 *       AND_MAYBE (stopwords)
 *       AND_NOT (articles holding an excluded word)
 *       FILTER (category OR ...) AND tag AND tag ...
 *
 * Each free word searches its English stem; synonym groups are joined in
 * by synonyms.c.  Every function here builds on the builder's sticky
 * status (qtree.h): once something failed, the rest does nothing.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "build.h"
#include "schema/schema.h"

/* Longest synonym key tried, in words. */
#define MAX_SPAN 4
/* Weight of a title or question hit added on top of the body match. */
#define BOOST_QUESTION 0.6
#define BOOST_TITLE 0.8
/* Weight of a stopword.  Dropping them loses what the customer asks:
 * "where is my card" and "how do I use my card" differ only in them, and
 * the questions of the articles are written with them. */
#define STOP_WEIGHT 0.8
/* Share of the documents above which a word is too common to boost, on an
 * index of at least COMMON_MIN_DOCS documents. */
#define COMMON_SHARE 0.1
#define COMMON_MIN_DOCS 20000
/* Weight of the whole query found as typed (a phrase), and the longest
 * query tried so. */
#define ECHO_WEIGHT 1.0
#define MAX_ECHO 8
/* More excluded articles than this and exclusion works per section. */
#define MAX_EXCLUDED_ARTICLES 500

/* Is TERM in more than COMMON_SHARE of the documents of a big index?  Such
 * a term adds little to the ranking of a boost, and its long posting list is
 * what makes a query slow there (tldr scaled to 100,000 pages: p99 11 ms ->
 * 6 ms). */
static int common(kbs_builder_t *b, const char *term)
{
    if (!b->docs && kb_xdb_doccount(b->s->db, &b->docs) != KB_STATUS_SUCCESS)
        return 0;
    /* A small index answers fast anyway: keep every boost there. */
    if (b->docs < COMMON_MIN_DOCS)
        return 0;
    unsigned f = 0;
    if (kb_xdb_termfreq(b->s->db, term, &f) != KB_STATUS_SUCCESS)
        return 0;
    return (double)f > COMMON_SHARE * (double)b->docs;
}

/* ---------------------------------------------------------------- */
/* Items                                                              */

/* A stopword searches its unstemmed form (stopwords have no stems in the
 * index), at STOP_WEIGHT. */
static kb_xquery_t *stopword_query(kbs_builder_t *b, const kbs_token_t *t)
{
    if (common(b, t->word))
        return NULL;
    return kbs_qscale(&b->t, kbs_sourced_term(b, "", t->word, t->word, "word", NULL),
                      STOP_WEIGHT);
}

/* The query of a free-text item: its words, synonym groups joined in. */
static kb_xquery_t *text_query(kbs_builder_t *b, const kbs_item_t *it)
{
    kbs_qlist_t parts = {0};
    size_t i = 0;
    while (i < it->n && b->t.st == KB_STATUS_SUCCESS) {
        kb_xquery_t *sq = NULL;
        size_t used = 1;
        if (!b->plain) {
            size_t max = it->n - i < MAX_SPAN ? it->n - i : MAX_SPAN;
            for (size_t k = max; k >= 1 && !sq && b->t.st == KB_STATUS_SUCCESS; k--) {
                sq = kbs_span_query(b, it, i, k);
                if (sq)
                    used = k;
            }
        }
        if (!sq && !it->tokens[i].stop)
            sq = kbs_token_query(b, &it->tokens[i]);
        else if (!sq && !b->plain && b->stops)
            /* Stopwords only add weight to what the other words match:
             * their long posting lists are not worth scanning for hits. */
            kbs_qlist_push(&b->t, b->stops, stopword_query(b, &it->tokens[i]));
        kbs_qlist_push(&b->t, &parts, sq);
        i += used;
    }
    return kbs_qlist_combine(&b->t, &parts, KB_XOP_OR);
}

/* An exact phrase over the unstemmed words (they carry positions). */
static kb_xquery_t *phrase_query(kbs_builder_t *b, const kbs_item_t *it)
{
    kbs_qlist_t parts = {0};
    b->mask = 0;
    for (size_t i = 0; i < it->n; i++)
        b->mask |= kbs_token_bit(&it->tokens[i]);
    for (size_t i = 0; i < it->n; i++)
        kbs_qlist_push(&b->t, &parts,
                       kbs_sourced_term(b, "", it->tokens[i].word, it->src->text, "phrase", NULL));
    b->mask = 0;
    return kbs_qlist_combine(&b->t, &parts, KB_XOP_PHRASE);
}

/* ---------------------------------------------------------------- */
/* Boosts                                                             */

/* One item's words as one phrase, stopwords included; NULL when it holds a
 * common word (see echo_query). */
static kb_xquery_t *echo_item(kbs_builder_t *b, const kbs_item_t *it)
{
    kbs_qlist_t ws = {0};
    for (size_t j = 0; j < it->n; j++) {
        if (common(b, kbs_eff_word(b, &it->tokens[j]))) {
            kbs_qlist_clear(&ws);
            return NULL;
        }
        kbs_qlist_push(&b->t, &ws, kbs_qterm(&b->t, "", kbs_eff_word(b, &it->tokens[j])));
    }
    if (ws.n != it->n) {
        kbs_qlist_clear(&ws);
        return NULL;
    }
    return kbs_qlist_combine(&b->t, &ws, KB_XOP_PHRASE);
}

/* A free-text item of 2 to MAX_ECHO words, stopwords included, as one
 * phrase over the unstemmed words (they carry positions), in the question
 * documents: the customer said what a question says.  "where is my card"
 * is then the question "Where is my card?" and not "where can I use my
 * card", which the stems alone cannot tell apart.  On a big index an item
 * holding a common word is left out: checking the positions of every
 * question holding it cost more than the rest of the query (generated KB
 * of 100,000 articles: took_ms p50 5.6 -> 6.8 ms, p99 26 -> 40 ms).  In a
 * question only: a title or a body holding the same words says less. */
static kb_xquery_t *echo_query(kbs_builder_t *b)
{
    kbs_qlist_t ps = {0};
    for (size_t i = 0; i < b->prep->n; i++) {
        const kbs_item_t *it = &b->prep->items[i];
        if (!it->src->exclude && it->src->kind == KB_QITEM_TEXT && it->n >= 2 && it->n <= MAX_ECHO)
            kbs_qlist_push(&b->t, &ps, echo_item(b, it));
    }
    kb_xquery_t *all = kbs_qscale(&b->t, kbs_qlist_combine(&b->t, &ps, KB_XOP_OR), ECHO_WEIGHT);
    if (!all)
        return NULL;
    return kbs_qjoin(&b->t, KB_XOP_FILTER, all, kbs_qterm(&b->t, "", KB_TERM_QUESTION_DOC));
}

/* Stems of the searchable words again, as title and question terms. */
static kb_xquery_t *boost_query(kbs_builder_t *b)
{
    kbs_qlist_t qs = {0}, ts = {0};
    for (size_t i = 0; i < b->prep->n; i++) {
        const kbs_item_t *it = &b->prep->items[i];
        if (it->src->exclude || it->src->kind != KB_QITEM_TEXT)
            continue;
        for (size_t j = 0; j < it->n && b->t.st == KB_STATUS_SUCCESS; j++) {
            const kbs_token_t *t = &it->tokens[j];
            if (t->stop)
                continue;
            const char *stem = kbs_eff_stem(b, t), *word = kbs_eff_word(b, t);
            char *z = kb_schema_term("Z", stem);
            int skip = !z || common(b, z);
            if (!z)
                kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
            free(z);
            if (skip)
                continue;
            b->mask = kbs_token_bit(t);
            kbs_qlist_push(&b->t, &qs,
                           kbs_sourced_term(b, "Z" KB_PREFIX_QUESTION, stem, word, "question", NULL));
            kbs_qlist_push(&b->t, &ts,
                           kbs_sourced_term(b, "Z" KB_PREFIX_TITLE, stem, word, "title", NULL));
            b->mask = 0;
        }
    }
    kb_xquery_t *qq = kbs_qscale(&b->t, kbs_qlist_combine(&b->t, &qs, KB_XOP_OR), BOOST_QUESTION);
    kb_xquery_t *tq = kbs_qscale(&b->t, kbs_qlist_combine(&b->t, &ts, KB_XOP_OR), BOOST_TITLE);
    return kbs_qjoin(&b->t, KB_XOP_OR, qq, tq);
}

/* ---------------------------------------------------------------- */
/* Exclusions and filters                                             */

/* Articles (ids) holding the excluded words anywhere, so that "-virtual"
 * drops the whole article, not only the sections that say it: the ids go
 * to the builder's output; *TOO_MANY when there are more than
 * MAX_EXCLUDED_ARTICLES. */
static void excluded_articles(kbs_builder_t *b, const kb_xquery_t *excl, int *too_many)
{
    *too_many = 0;
    if (b->t.st != KB_STATUS_SUCCESS)
        return;
    kb_xenquire_t *enq = NULL;
    kb_xmset_t *m = NULL;
    kb_status_t st = kb_xenquire_new(b->s->db, &enq);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_query(enq, excl, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_boolean(enq);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_collapse_key(enq, KB_SLOT_ARTICLE, 1);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_get_mset(enq, 0, MAX_EXCLUDED_ARTICLES + 1, 0, &m);
    unsigned n = kb_xmset_size(m);
    *too_many = n > MAX_EXCLUDED_ARTICLES;
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && !*too_many && i < n; i++) {
        kb_xdoc_t *d;
        const char *v;
        size_t vl;
        st = kb_xmset_document(m, i, &d);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_value(d, KB_SLOT_ARTICLE, &v, &vl);
        if (st == KB_STATUS_SUCCESS && vl && !kb_strlist_push(&b->out->exclude_ids, v, vl))
            st = KB_STATUS_OUT_OF_MEMORY;
        kb_xdoc_free(d);
    }
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    kbs_qfail(&b->t, st);
}

/* MAIN without the articles the excluded words XQ name (or, when they
 * name too many, without the sections holding them). */
static kb_xquery_t *exclude(kbs_builder_t *b, kb_xquery_t *main, kb_xquery_t *xq)
{
    if (!main || !xq) {
        kb_xquery_free(xq);
        return main;
    }
    int too_many;
    excluded_articles(b, xq, &too_many);
    if (!too_many) {
        kbs_qlist_t ids = {0};
        for (size_t i = 0; i < b->out->exclude_ids.n; i++)
            kbs_qlist_push(&b->t, &ids, kbs_qterm(&b->t, KB_PREFIX_ID, b->out->exclude_ids.items[i]));
        kb_xquery_free(xq);
        xq = kbs_qlist_combine(&b->t, &ids, KB_XOP_OR);
    }
    return kbs_qjoin(&b->t, KB_XOP_AND_NOT, main, xq);
}

/* (category OR ...) AND tag AND tag ...; NULL without filters. */
static kb_xquery_t *filter_query(kbs_builder_t *b)
{
    const kbs_prepared_t *p = b->prep;
    kbs_qlist_t cats = {0}, all = {0};
    for (size_t i = 0; i < p->categories.n; i++)
        kbs_qlist_push(&b->t, &cats, kbs_qterm(&b->t, KB_PREFIX_CATEGORY, p->categories.items[i]));
    kbs_qlist_push(&b->t, &all, kbs_qlist_combine(&b->t, &cats, KB_XOP_OR));
    for (size_t i = 0; i < p->tags.n; i++)
        kbs_qlist_push(&b->t, &all, kbs_qterm(&b->t, KB_PREFIX_TAG, p->tags.items[i]));
    return kbs_qlist_combine(&b->t, &all, KB_XOP_AND);
}

/* ---------------------------------------------------------------- */
/* The whole query                                                    */

/* Each item into its list: free words, required phrases, excluded words. */
static void items_query(kbs_builder_t *b, kbs_qlist_t *words, kbs_qlist_t *phrases,
                        kbs_qlist_t *excl)
{
    for (size_t i = 0; i < b->prep->n && b->t.st == KB_STATUS_SUCCESS; i++) {
        const kbs_item_t *it = &b->prep->items[i];
        if (it->src->kind == KB_QITEM_PHRASE) {
            kbs_qlist_push(&b->t, it->src->exclude ? excl : phrases, phrase_query(b, it));
        } else if (it->src->exclude) {
            /* Excluded words: no synonyms or corrections, just the stems. */
            kbs_builder_t bx = *b;
            bx.plain = 1;
            bx.corrected = 0;
            bx.stops = NULL;
            kbs_qlist_push(&bx.t, excl, text_query(&bx, it));
            b->t = bx.t;
        } else {
            kbs_qlist_push(&b->t, words, text_query(b, it));
        }
    }
}

/* MAIN with the boosts: title and question terms, the echo of the whole
 * query, and the stopwords.  Title and question terms only ever stand in
 * documents that also hold the plain stem, so OR adds no match AND_MAYBE
 * would not, and lets Xapian prune by weight (tldr at 100,000 pages: p50
 * 1.47 -> 1.17 ms).  With a required phrase, OR would let documents
 * without it in: then AND_MAYBE. */
static kb_xquery_t *boosted(kbs_builder_t *b, kb_xquery_t *main, int has_phrase)
{
    main = kbs_qjoin(&b->t, has_phrase ? KB_XOP_AND_MAYBE : KB_XOP_OR, main, boost_query(b));
    main = kbs_qjoin(&b->t, KB_XOP_AND_MAYBE, main, echo_query(b));
    /* Stopwords match half the index: they only weigh in. */
    return kbs_qjoin(&b->t, KB_XOP_AND_MAYBE, main,
                     kbs_qlist_combine(&b->t, b->stops, KB_XOP_OR));
}

void kbs_built_clear(kbs_built_t *b)
{
    if (!b)
        return;
    kb_xquery_free(b->query);
    for (size_t i = 0; i < b->n_sources; i++) {
        free(b->sources[i].term);
        free(b->sources[i].word);
        free(b->sources[i].detail);
    }
    free(b->sources);
    kb_strlist_clear(&b->exclude_ids);
    free(b->text);
    memset(b, 0, sizeof *b);
}

/* How much each content word of the query says (kbs_built_t.weight):
 * ln(1 + N/df) for a word the index knows (rarer says more); for one it
 * has never seen, the most a word can say when it is English (the customer
 * asks about something the KB may not cover: "mortgage") and little when it
 * is not (a name, a brand, slang: "deliveroo"). */
static void content_weights(kbs_builder_t *b)
{
    unsigned docs = 0;
    kb_xdb_doccount(b->s->db, &docs);
    double most = log(1.0 + (double)docs);
    for (size_t i = 0; i < b->prep->n; i++) {
        const kbs_item_t *it = &b->prep->items[i];
        for (size_t j = 0; j < it->n; j++) {
            const kbs_token_t *t = &it->tokens[j];
            if (t->content < 0)
                continue;
            char *z = kb_schema_term("Z", kbs_eff_stem(b, t));
            unsigned df = 0;
            if (z && strlen(z) <= KB_XTERM_MAX)
                kb_xdb_termfreq(b->s->db, z, &df);
            free(z);
            double w = df ? log(1.0 + (double)docs / df)
                     : kb_wordlist_has(kbs_words(b->s), kbs_eff_word(b, t)) ? most
                                                                           : 0.25 * most;
            b->out->weight[t->content] = w;
            if ((size_t)t->content + 1 > b->out->n_content)
                b->out->n_content = (size_t)t->content + 1;
        }
    }
}

kb_status_t kbs_build(kb_search_t *s, const kbs_prepared_t *prep, int plain, int corrected,
                      kbs_built_t *out)
{
    memset(out, 0, sizeof *out);
    kbs_qlist_t stops = {0}, words = {0}, phrases = {0}, excl = {0};
    kbs_builder_t b = {KBS_QTREE_INIT, s, 0, &stops, prep, plain, corrected, out, NULL, 0};
    kbs_qfail(&b.t, kb_strmap_new(&b.seen));
    content_weights(&b);
    items_query(&b, &words, &phrases, &excl);
    kb_xquery_t *wq = kbs_qlist_combine(&b.t, &words, KB_XOP_OR);
    kb_xquery_t *pq = kbs_qlist_combine(&b.t, &phrases, KB_XOP_AND);
    kb_xquery_t *xq = kbs_qlist_combine(&b.t, &excl, KB_XOP_OR);
    /* Phrases are required; free words rank within them. */
    int has_phrase = pq != NULL;
    kb_xquery_t *main = kbs_qjoin(&b.t, KB_XOP_AND_MAYBE, pq, wq);
    if (main && !plain)
        main = boosted(&b, main, has_phrase);
    kb_xquery_t *fq = filter_query(&b);
    if (!main && fq)
        main = kbs_qmatch_all(&b.t);   /* only filters: list what they select */
    main = exclude(&b, main, xq);
    if (main)
        main = kbs_qjoin(&b.t, KB_XOP_FILTER, main, fq);
    else
        kb_xquery_free(fq);
    kbs_qlist_clear(&stops);
    kb_strmap_free(b.seen);
    if (b.t.st != KB_STATUS_SUCCESS) {
        kb_xquery_free(main);
        kbs_built_clear(out);
        return b.t.st;
    }
    out->query = main;
    out->text = kbs_model_text(prep, corrected);
    if (!out->text) {
        kbs_built_clear(out);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}
