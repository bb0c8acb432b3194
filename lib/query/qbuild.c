/* qbuild.c - the prepared query into a Xapian query.
 *
 *   (phrases AND ...) AND_MAYBE (words OR synonym groups ...)
 *       OR (the same stems in titles and questions)          boosts
 *       AND_MAYBE (the whole query as a phrase, in questions)  echo
 *       AND_MAYBE (stopwords)
 *       AND_NOT (articles holding an excluded word)
 *       FILTER (category OR ...) AND tag AND tag ...
 *
 * Each free word searches its English stem.  A run of words that is a
 * synonym key ("cash machine") keeps its own words and adds its
 * alternatives ("atm", "cashpoint") at a lower weight.  Synonyms are looked
 * up on the corrected words when there are corrections.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
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
/* Alternatives taken from one synonym group: a few carry the meaning; more
 * only lengthen the query. */
#define MAX_ALTERNATIVES 8
/* Weight of the whole query found as typed (a phrase), and the longest
 * query tried so. */
#define ECHO_WEIGHT 1.0
#define MAX_ECHO 8
/* Weight of a synonym alternative against the word the officer typed. */
#define SYN_WEIGHT 0.2
/* More excluded articles than this and exclusion works per section. */
#define MAX_EXCLUDED_ARTICLES 500

typedef struct qlist {
    kb_xquery_t **q;
    size_t n, cap;
} qlist_t;

static void qlist_clear(qlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        kb_xquery_free(l->q[i]);
    free(l->q);
    memset(l, 0, sizeof *l);
}

/* Take ownership of Q (NULL is ignored). */
static kb_status_t qlist_push(qlist_t *l, kb_xquery_t *q)
{
    if (!q)
        return KB_STATUS_SUCCESS;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        kb_xquery_t **p = realloc(l->q, cap * sizeof *p);
        if (!p) {
            kb_xquery_free(q);
            return KB_STATUS_OUT_OF_MEMORY;
        }
        l->q = p;
        l->cap = cap;
    }
    l->q[l->n++] = q;
    return KB_STATUS_SUCCESS;
}

/* Combine L with OP into *OUT (NULL when L is empty) and empty L. */
static kb_status_t qlist_combine(qlist_t *l, kb_xop_t op, unsigned window, kb_xquery_t **out)
{
    *out = NULL;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (l->n == 1) {
        *out = l->q[0];
        l->n = 0;
    } else if (l->n > 1) {
        st = kb_xquery_combine(op, (const kb_xquery_t *const *)l->q, l->n, window, out);
    }
    qlist_clear(l);
    return st;
}

typedef struct builder {
    kb_search_t *s;
    unsigned docs;        /* documents in the index, for common() */
    qlist_t *stops;       /* stopword queries collected for the boost */
    const kbs_prepared_t *prep;
    int plain;
    int corrected;
    kbs_built_t *out;
    kb_strmap_t *seen;    /* terms already in SOURCES */
} builder_t;

static kb_status_t add_source(builder_t *b, const char *term, const char *word,
                              const char *kind, const char *detail)
{
    int found;
    kb_strmap_get(b->seen, term, &found);
    if (found)
        return KB_STATUS_SUCCESS;
    kbs_built_t *o = b->out;
    kbs_source_t *p = realloc(o->sources, (o->n_sources + 1) * sizeof *p);
    if (!p)
        return KB_STATUS_OUT_OF_MEMORY;
    o->sources = p;
    kbs_source_t *src = &o->sources[o->n_sources];
    src->term = kb_strdup(term);
    src->word = kb_strdup(word);
    src->kind = kind;
    src->detail = detail ? kb_strdup(detail) : NULL;
    if (!src->term || !src->word || (detail && !src->detail)) {
        free(src->term);
        free(src->word);
        free(src->detail);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    o->n_sources++;
    return kb_strmap_set(b->seen, term, NULL);
}

/* A term query for PREFIX+TEXT; *Q is NULL when the term is too long. */
static kb_status_t term_query(const char *prefix, const char *text, kb_buf_t *tmp,
                              kb_xquery_t **q)
{
    *q = NULL;
    kb_buf_clear(tmp);
    kb_buf_adds(tmp, prefix);
    kb_buf_adds(tmp, text);
    if (tmp->oom)
        return KB_STATUS_OUT_OF_MEMORY;
    if (tmp->len > KB_XTERM_MAX || !text[0])
        return KB_STATUS_SUCCESS;
    return kb_xquery_term(tmp->data, 1, 0, q);
}

static const char *eff_word(const builder_t *b, const kbs_token_t *t)
{
    return b->corrected && t->fixed ? t->fixed : t->word;
}

static const char *eff_stem(const builder_t *b, const kbs_token_t *t)
{
    return b->corrected && t->fixed ? t->fixed_stem : t->stem;
}

/* The query for one searchable token: its stem. */
static kb_status_t token_query(builder_t *b, const kbs_token_t *t, kb_buf_t *tmp,
                               kb_xquery_t **q)
{
    kb_status_t st = term_query("Z", eff_stem(b, t), tmp, q);
    if (st != KB_STATUS_SUCCESS || !*q)
        return st;
    if (b->corrected && t->fixed) {
        kb_buf_t d = KB_BUF_INIT;
        kb_buf_printf(&d, "corrected from '%s'", t->word);
        st = d.oom ? KB_STATUS_OUT_OF_MEMORY : add_source(b, tmp->data, t->fixed, "correction", d.data);
        kb_buf_free(&d);
        return st;
    }
    return add_source(b, tmp->data, t->word, strcmp(t->word, eff_stem(b, t)) ? "stem" : "word",
                      NULL);
}

typedef struct syn_ctx {
    kb_strlist_t found;
    int oom;
} syn_ctx_t;

static int collect_syn(void *vctx, const char *s, size_t len)
{
    syn_ctx_t *c = vctx;
    if (!kb_strlist_push(&c->found, s, len)) {
        c->oom = 1;
        return 1;
    }
    return c->found.n >= MAX_ALTERNATIVES;
}

/* The query for one synonym alternative, written as words ("add money"):
 * the stems of its non-stopwords, all required. */
static kb_status_t alternative_query(builder_t *b, const char *alt, const char *span,
                                     kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    qlist_t parts = {0};
    kb_buf_t detail = KB_BUF_INIT;
    kb_buf_printf(&detail, "synonym of '%s'", span);
    kb_tokens_t tk;
    kb_status_t st = detail.oom ? KB_STATUS_OUT_OF_MEMORY
                                : kb_text_tokens(b->s->stem, alt, strlen(alt), &tk);
    if (st != KB_STATUS_SUCCESS) {
        kb_buf_free(&detail);
        return st;
    }
    for (size_t i = 0; i < tk.n && st == KB_STATUS_SUCCESS; i++) {
        if (kb_text_is_stopword(tk.words[i]))
            continue;
        kb_xquery_t *t;
        st = term_query("Z", tk.stems[i], tmp, &t);
        if (st == KB_STATUS_SUCCESS && t) {
            st = add_source(b, tmp->data, alt, "synonym", detail.data);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&parts, t);
            else
                kb_xquery_free(t);
        }
    }
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&parts, KB_XOP_AND, 0, q);
    qlist_clear(&parts);
    kb_tokens_free(&tk);
    kb_buf_free(&detail);
    return st;
}

/* Look KEY up in the synonyms; the alternatives go to C. */
static kb_status_t lookup(builder_t *b, const char *key, syn_ctx_t *c)
{
    if (!key[0] || strlen(key) > KB_XTERM_MAX)
        return KB_STATUS_SUCCESS;
    kb_status_t st = kb_xdb_synonyms(b->s->db, key, collect_syn, c);
    return st == KB_STATUS_SUCCESS && c->oom ? KB_STATUS_OUT_OF_MEMORY : st;
}

/* Try a synonym span of K tokens at I: the words as typed ("cash
 * machine"), then for phrases their stems ("topping up" as "top up"), then
 * a single word without its plural s.  *Q is set when one matched: the
 * officer's own words at full weight, OR the alternatives at SYN_WEIGHT, so
 * a rare word the customer used keeps its weight and a word the KB never
 * uses still finds what it means. */
static kb_status_t span_query(builder_t *b, const kbs_item_t *it, size_t i, size_t k,
                              kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    kb_buf_t words = KB_BUF_INIT, stems = KB_BUF_INIT;
    int searchable = 0;
    kb_buf_addc(&stems, 'Z');
    for (size_t j = i; j < i + k; j++) {
        if (j > i) {
            kb_buf_addc(&words, ' ');
            kb_buf_addc(&stems, ' ');
        }
        kb_buf_adds(&words, eff_word(b, &it->tokens[j]));
        kb_buf_adds(&stems, eff_stem(b, &it->tokens[j]));
        searchable |= !it->tokens[j].stop;
    }
    syn_ctx_t c = {{0}, 0};
    kb_status_t st = words.oom || stems.oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
    if (st == KB_STATUS_SUCCESS && searchable) {
        st = lookup(b, words.data, &c);
        if (st == KB_STATUS_SUCCESS && !c.found.n && k > 1)
            st = lookup(b, stems.data, &c);
        if (st == KB_STATUS_SUCCESS && !c.found.n && k == 1 && words.len > 3 &&
            words.data[words.len - 1] == 's') {
            words.data[--words.len] = '\0';
            st = lookup(b, words.data, &c);
            words.data[words.len++] = 's';
        }
    }
    if (st == KB_STATUS_SUCCESS && c.found.n) {
        qlist_t own = {0}, alts = {0}, both = {0};
        for (size_t j = i; j < i + k && st == KB_STATUS_SUCCESS; j++) {
            if (it->tokens[j].stop)
                continue;
            kb_xquery_t *t;
            st = token_query(b, &it->tokens[j], tmp, &t);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&own, t);
        }
        kb_strmap_t *seen = NULL;
        st = st == KB_STATUS_SUCCESS ? kb_strmap_new(&seen) : st;
        for (size_t a = 0; a < c.found.n && st == KB_STATUS_SUCCESS; a++) {
            kb_xquery_t *aq;
            st = alternative_query(b, c.found.items[a], words.data, tmp, &aq);
            /* "pay money in" and "paying money in" are one alternative. */
            char *desc = NULL;
            if (st == KB_STATUS_SUCCESS && aq)
                st = kb_xquery_describe(aq, &desc);
            int dup = 0;
            if (st == KB_STATUS_SUCCESS && desc) {
                kb_strmap_get(seen, desc, &dup);
                if (!dup)
                    st = kb_strmap_set(seen, desc, NULL);
            }
            free(desc);
            if (st == KB_STATUS_SUCCESS && !dup)
                st = qlist_push(&alts, aq);
            else
                kb_xquery_free(aq);
        }
        kb_strmap_free(seen);
        kb_xquery_t *ownq = NULL, *altq = NULL, *scaled = NULL;
        if (st == KB_STATUS_SUCCESS)
            st = qlist_combine(&own, KB_XOP_AND, 0, &ownq);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_combine(&alts, KB_XOP_OR, 0, &altq);
        if (st == KB_STATUS_SUCCESS && altq)
            st = kb_xquery_scale(altq, SYN_WEIGHT, &scaled);
        kb_xquery_free(altq);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&both, ownq);
        else
            kb_xquery_free(ownq);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&both, scaled);
        else
            kb_xquery_free(scaled);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_combine(&both, KB_XOP_OR, 0, q);
        qlist_clear(&own);
        qlist_clear(&alts);
        qlist_clear(&both);
    }
    kb_strlist_clear(&c.found);
    kb_buf_free(&words);
    kb_buf_free(&stems);
    return st;
}

/* A stopword searches its unstemmed form (stopwords have no stems in the
 * index), at STOP_WEIGHT. */
/* Is TERM in more than COMMON_SHARE of the documents of a big index?  Such
 * a term adds little to the ranking of a boost, and its long posting list is
 * what makes a query slow there (tldr scaled to 100,000 pages: p99 11 ms ->
 * 6 ms). */
static int common(builder_t *b, const char *term)
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

static kb_status_t stopword_query(builder_t *b, const kbs_token_t *t, kb_buf_t *tmp,
                                  kb_xquery_t **q)
{
    *q = NULL;
    if (common(b, t->word))
        return KB_STATUS_SUCCESS;
    kb_xquery_t *term;
    kb_status_t st = term_query("", t->word, tmp, &term);
    if (st != KB_STATUS_SUCCESS || !term)
        return st;
    st = add_source(b, tmp->data, t->word, "word", NULL);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xquery_scale(term, STOP_WEIGHT, q);
    kb_xquery_free(term);
    return st;
}

/* The query of a free-text item: its words, synonym groups joined in. */
static kb_status_t text_query(builder_t *b, const kbs_item_t *it, kb_buf_t *tmp,
                              kb_xquery_t **q)
{
    qlist_t parts = {0};
    kb_status_t st = KB_STATUS_SUCCESS;
    size_t i = 0;
    while (i < it->n && st == KB_STATUS_SUCCESS) {
        kb_xquery_t *sq = NULL;
        size_t used = 1;
        if (!b->plain) {
            size_t max = it->n - i < MAX_SPAN ? it->n - i : MAX_SPAN;
            for (size_t k = max; k >= 1 && !sq && st == KB_STATUS_SUCCESS; k--) {
                st = span_query(b, it, i, k, tmp, &sq);
                if (sq)
                    used = k;
            }
        }
        if (st == KB_STATUS_SUCCESS && !sq && !it->tokens[i].stop)
            st = token_query(b, &it->tokens[i], tmp, &sq);
        else if (st == KB_STATUS_SUCCESS && !sq && !b->plain && b->stops) {
            /* Stopwords only add weight to what the other words match:
             * their long posting lists are not worth scanning for hits. */
            kb_xquery_t *stop = NULL;
            st = stopword_query(b, &it->tokens[i], tmp, &stop);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(b->stops, stop);
        }
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&parts, sq);
        i += used;
    }
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&parts, KB_XOP_OR, 0, q);
    qlist_clear(&parts);
    return st;
}

/* An exact phrase over the unstemmed words (they carry positions). */
static kb_status_t phrase_query(builder_t *b, const kbs_item_t *it, kb_buf_t *tmp,
                                kb_xquery_t **q)
{
    qlist_t parts = {0};
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < it->n && st == KB_STATUS_SUCCESS; i++) {
        kb_xquery_t *t;
        st = term_query("", it->tokens[i].word, tmp, &t);
        if (st == KB_STATUS_SUCCESS && t)
            st = add_source(b, tmp->data, it->src->text, "phrase", NULL);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&parts, t);
    }
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&parts, KB_XOP_PHRASE, 0, q);
    qlist_clear(&parts);
    return st;
}

static kb_status_t join(kb_xop_t op, kb_xquery_t *q1, kb_xquery_t *q2, kb_xquery_t **out);

/* A free-text item of 2 to MAX_ECHO words, stopwords included, as one
 * phrase over the unstemmed words (they carry positions), in the question
 * documents: the customer said what a question says.  "where is my card"
 * is then the question "Where is my card?" and not "where can I use my
 * card", which the stems alone cannot tell apart.  On a big index an item
 * holding a common word is left out: checking the positions of every
 * question holding it cost more than the rest of the query (generated KB
 * of 100,000 articles: took_ms p50 5.6 -> 6.8 ms, p99 26 -> 40 ms). */
static kb_status_t echo_query(builder_t *b, kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    qlist_t ps = {0};
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < b->prep->n && st == KB_STATUS_SUCCESS; i++) {
        const kbs_item_t *it = &b->prep->items[i];
        if (it->src->exclude || it->src->kind != KB_QITEM_TEXT || it->n < 2 || it->n > MAX_ECHO)
            continue;
        qlist_t ws = {0};
        for (size_t j = 0; j < it->n && st == KB_STATUS_SUCCESS; j++) {
            if (common(b, eff_word(b, &it->tokens[j]))) {
                qlist_clear(&ws);
                break;
            }
            kb_xquery_t *t = NULL;
            st = term_query("", eff_word(b, &it->tokens[j]), tmp, &t);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&ws, t);
        }
        kb_xquery_t *ph = NULL;
        if (st == KB_STATUS_SUCCESS && ws.n == it->n)
            st = qlist_combine(&ws, KB_XOP_PHRASE, 0, &ph);
        qlist_clear(&ws);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&ps, ph);
        else
            kb_xquery_free(ph);
    }
    kb_xquery_t *all = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&ps, KB_XOP_OR, 0, &all);
    kb_xquery_t *scaled = NULL, *qdocs = NULL;
    if (st == KB_STATUS_SUCCESS && all)
        st = kb_xquery_scale(all, ECHO_WEIGHT, &scaled);
    /* In a question only: a title or a body holding the same words says
     * less, and on a big index the position checks cost. */
    if (st == KB_STATUS_SUCCESS && scaled)
        st = kb_xquery_term(KB_TERM_QUESTION_DOC, 1, 0, &qdocs);
    if (st == KB_STATUS_SUCCESS)
        st = join(KB_XOP_FILTER, scaled, qdocs, q);
    else {
        kb_xquery_free(scaled);
        kb_xquery_free(qdocs);
    }
    kb_xquery_free(all);
    qlist_clear(&ps);
    return st;
}

/* Stems of the searchable words again, as title and question terms. */
static kb_status_t boost_query(builder_t *b, kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    qlist_t qs = {0}, ts = {0};
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < b->prep->n && st == KB_STATUS_SUCCESS; i++) {
        const kbs_item_t *it = &b->prep->items[i];
        if (it->src->exclude || it->src->kind != KB_QITEM_TEXT)
            continue;
        for (size_t j = 0; j < it->n && st == KB_STATUS_SUCCESS; j++) {
            const kbs_token_t *t = &it->tokens[j];
            if (t->stop)
                continue;
            kb_xquery_t *x;
            kb_buf_clear(tmp);
            kb_buf_addc(tmp, 'Z');
            kb_buf_adds(tmp, eff_stem(b, t));
            if (tmp->oom)
                st = KB_STATUS_OUT_OF_MEMORY;
            if (st != KB_STATUS_SUCCESS || common(b, tmp->data))
                continue;
            st = term_query("Z" KB_PREFIX_QUESTION, eff_stem(b, t), tmp, &x);
            if (st == KB_STATUS_SUCCESS && x)
                st = add_source(b, tmp->data, eff_word(b, t), "question", NULL);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&qs, x);
            if (st == KB_STATUS_SUCCESS)
                st = term_query("Z" KB_PREFIX_TITLE, eff_stem(b, t), tmp, &x);
            if (st == KB_STATUS_SUCCESS && x)
                st = add_source(b, tmp->data, eff_word(b, t), "title", NULL);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&ts, x);
        }
    }
    kb_xquery_t *qq = NULL, *tq = NULL, *sq = NULL, *st2 = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&qs, KB_XOP_OR, 0, &qq);
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&ts, KB_XOP_OR, 0, &tq);
    if (st == KB_STATUS_SUCCESS && qq)
        st = kb_xquery_scale(qq, BOOST_QUESTION, &sq);
    if (st == KB_STATUS_SUCCESS && tq)
        st = kb_xquery_scale(tq, BOOST_TITLE, &st2);
    kb_xquery_free(qq);
    kb_xquery_free(tq);
    qlist_t both = {0};
    if (st == KB_STATUS_SUCCESS)
        st = qlist_push(&both, sq);
    else
        kb_xquery_free(sq);
    if (st == KB_STATUS_SUCCESS)
        st = qlist_push(&both, st2);
    else
        kb_xquery_free(st2);
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&both, KB_XOP_OR, 0, q);
    qlist_clear(&both);
    qlist_clear(&qs);
    qlist_clear(&ts);
    return st;
}

typedef struct ids_ctx {
    kb_strlist_t *ids;
} ids_ctx_t;

/* Articles (ids) holding the excluded words anywhere, so that "-virtual"
 * drops the whole article, not only the sections that say it. */
static kb_status_t excluded_articles(builder_t *b, const kb_xquery_t *excl, int *too_many)
{
    *too_many = 0;
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
    if (n > MAX_EXCLUDED_ARTICLES)
        *too_many = 1;
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && !*too_many && i < n; i++) {
        kb_xdoc_t *d;
        st = kb_xmset_document(m, i, &d);
        const char *v;
        size_t vl;
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_value(d, KB_SLOT_ARTICLE, &v, &vl);
        if (st == KB_STATUS_SUCCESS && vl && !kb_strlist_push(&b->out->exclude_ids, v, vl))
            st = KB_STATUS_OUT_OF_MEMORY;
        kb_xdoc_free(d);
    }
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    return st;
}

static kb_status_t filter_query(const kbs_prepared_t *p, kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    qlist_t cats = {0}, all = {0};
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < p->categories.n && st == KB_STATUS_SUCCESS; i++) {
        kb_xquery_t *t;
        st = term_query(KB_PREFIX_CATEGORY, p->categories.items[i], tmp, &t);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&cats, t);
    }
    kb_xquery_t *c = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&cats, KB_XOP_OR, 0, &c);
    if (st == KB_STATUS_SUCCESS)
        st = qlist_push(&all, c);
    for (size_t i = 0; i < p->tags.n && st == KB_STATUS_SUCCESS; i++) {
        kb_xquery_t *t;
        st = term_query(KB_PREFIX_TAG, p->tags.items[i], tmp, &t);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&all, t);
    }
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&all, KB_XOP_AND, 0, q);
    qlist_clear(&cats);
    qlist_clear(&all);
    return st;
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
    memset(b, 0, sizeof *b);
}

/* Q1 OP Q2, taking ownership of both (either may be NULL). */
static kb_status_t join(kb_xop_t op, kb_xquery_t *q1, kb_xquery_t *q2, kb_xquery_t **out)
{
    *out = NULL;
    if (!q1 || !q2) {
        *out = q1 ? q1 : q2;
        return KB_STATUS_SUCCESS;
    }
    const kb_xquery_t *pair[2] = {q1, q2};
    kb_status_t st = kb_xquery_combine(op, pair, 2, 0, out);
    kb_xquery_free(q1);
    kb_xquery_free(q2);
    return st;
}

kb_status_t kbs_build(kb_search_t *s, const kbs_prepared_t *prep, int plain, int corrected,
                      kbs_built_t *out)
{
    memset(out, 0, sizeof *out);
    qlist_t stops = {0};
    builder_t b = {.s = s, .docs = 0, .stops = &stops, .prep = prep, .plain = plain, .corrected = corrected,
                   .out = out, .seen = NULL};
    kb_status_t st = kb_strmap_new(&b.seen);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_buf_t tmp = KB_BUF_INIT;
    qlist_t words = {0}, phrases = {0}, excl = {0};
    for (size_t i = 0; i < prep->n && st == KB_STATUS_SUCCESS; i++) {
        const kbs_item_t *it = &prep->items[i];
        kb_xquery_t *q = NULL;
        if (it->src->kind == KB_QITEM_PHRASE) {
            st = phrase_query(&b, it, &tmp, &q);
        } else if (it->src->exclude) {
            /* Excluded words: no synonyms or corrections, just the stems. */
            builder_t bx = b;
            bx.plain = 1;
            bx.corrected = 0;
            bx.stops = NULL;
            st = text_query(&bx, it, &tmp, &q);
        } else {
            st = text_query(&b, it, &tmp, &q);
        }
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(it->src->exclude ? &excl : it->src->kind == KB_QITEM_PHRASE
                                                           ? &phrases : &words, q);
    }
    kb_xquery_t *wq = NULL, *pq = NULL, *xq = NULL, *main = NULL, *fq = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&words, KB_XOP_OR, 0, &wq);
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&phrases, KB_XOP_AND, 0, &pq);
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&excl, KB_XOP_OR, 0, &xq);
    /* Phrases are required; free words rank within them. */
    int pq_present = pq != NULL;
    if (st == KB_STATUS_SUCCESS)
        st = join(KB_XOP_AND_MAYBE, pq, wq, &main);
    else {
        kb_xquery_free(pq);
        kb_xquery_free(wq);
    }
    if (st == KB_STATUS_SUCCESS && main && !plain) {
        /* Title and question terms only ever stand in documents that also
         * hold the plain stem, so OR adds no match AND_MAYBE would not, and
         * lets Xapian prune by weight (tldr at 100,000 pages: p50 1.47 ->
         * 1.17 ms).  With a required phrase, OR would let documents without
         * it in: then AND_MAYBE. */
        kb_xquery_t *boost = NULL, *sw = NULL;
        st = boost_query(&b, &tmp, &boost);
        if (st == KB_STATUS_SUCCESS)
            st = join(pq_present ? KB_XOP_AND_MAYBE : KB_XOP_OR, main, boost, &main);
        else
            kb_xquery_free(boost);
        kb_xquery_t *echo = NULL;
        if (st == KB_STATUS_SUCCESS)
            st = echo_query(&b, &tmp, &echo);
        if (st == KB_STATUS_SUCCESS)
            st = join(KB_XOP_AND_MAYBE, main, echo, &main);
        else
            kb_xquery_free(echo);
        /* Stopwords match half the index: they only weigh in. */
        if (st == KB_STATUS_SUCCESS)
            st = qlist_combine(&stops, KB_XOP_OR, 0, &sw);
        if (st == KB_STATUS_SUCCESS)
            st = join(KB_XOP_AND_MAYBE, main, sw, &main);
        else
            kb_xquery_free(sw);
    }
    if (st == KB_STATUS_SUCCESS)
        st = filter_query(prep, &tmp, &fq);
    if (st == KB_STATUS_SUCCESS && !main && fq) {
        /* Only filters: list what they select. */
        st = kb_xquery_match_all(&main);
    }
    if (st == KB_STATUS_SUCCESS && main && xq) {
        int too_many;
        st = excluded_articles(&b, xq, &too_many);
        if (st == KB_STATUS_SUCCESS && !too_many) {
            qlist_t ids = {0};
            for (size_t i = 0; i < out->exclude_ids.n && st == KB_STATUS_SUCCESS; i++) {
                kb_xquery_t *t;
                st = term_query(KB_PREFIX_ID, out->exclude_ids.items[i], &tmp, &t);
                if (st == KB_STATUS_SUCCESS)
                    st = qlist_push(&ids, t);
            }
            kb_xquery_free(xq);
            xq = NULL;
            if (st == KB_STATUS_SUCCESS)
                st = qlist_combine(&ids, KB_XOP_OR, 0, &xq);
            qlist_clear(&ids);
        }
        if (st == KB_STATUS_SUCCESS)
            st = join(KB_XOP_AND_NOT, main, xq, &main);
        xq = NULL;
    }
    if (st == KB_STATUS_SUCCESS && main && fq) {
        st = join(KB_XOP_FILTER, main, fq, &main);
        fq = NULL;
    }
    kb_xquery_free(xq);
    kb_xquery_free(fq);
    qlist_clear(&words);
    qlist_clear(&phrases);
    qlist_clear(&excl);
    qlist_clear(&stops);
    kb_buf_free(&tmp);
    kb_strmap_free(b.seen);
    if (st != KB_STATUS_SUCCESS) {
        kb_xquery_free(main);
        kbs_built_clear(out);
        return st;
    }
    out->query = main;
    return KB_STATUS_SUCCESS;
}
