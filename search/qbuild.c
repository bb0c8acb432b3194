/* qbuild.c - the prepared query into a Xapian query.
 *
 *   (phrases AND ...) AND_MAYBE (words OR synonym groups ...)
 *       AND_MAYBE (the same stems in titles and questions)   boosts
 *       AND_NOT (articles holding an excluded word)
 *       FILTER (category OR ...) AND tag AND tag ...
 *
 * Each free word searches its English stem.  A run of words that is a
 * synonym key ("cash machine") becomes one OP_SYNONYM with its
 * alternatives ("atm", "cashpoint"), so BM25 weighs the group as one term.
 * Synonyms are looked up on the corrected words when there are corrections.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kb/indexer.h"

/* Longest synonym key tried, in words. */
#define MAX_SPAN 4
/* Weight of a title or question hit added on top of the body match. */
#define BOOST_QUESTION 0.6
#define BOOST_TITLE 0.4
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
    kb_buf_printf(tmp, "%s%s", prefix, text);
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
    return c->found.n >= 32;   /* enough alternatives */
}

/* The query for one synonym alternative, a stem key like "add money":
 * its non-stopword stems, all required. */
static kb_status_t alternative_query(builder_t *b, const char *key, const char *span,
                                     kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    qlist_t parts = {0};
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t detail = KB_BUF_INIT;
    kb_buf_printf(&detail, "synonym of '%s'", span);
    const char *p = key;
    while (*p && st == KB_STATUS_SUCCESS) {
        size_t n = strcspn(p, " ");
        char *w = kb_strndup(p, n);
        if (!w) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        if (!kb_text_is_stopword(w)) {
            kb_xquery_t *t;
            st = term_query("Z", w, tmp, &t);
            if (st == KB_STATUS_SUCCESS && t) {
                st = add_source(b, tmp->data, key, "synonym", detail.data);
                if (st == KB_STATUS_SUCCESS)
                    st = qlist_push(&parts, t);
                else
                    kb_xquery_free(t);
            }
        }
        free(w);
        p += n;
        while (*p == ' ')
            p++;
    }
    if (st == KB_STATUS_SUCCESS)
        st = qlist_combine(&parts, KB_XOP_AND, 0, q);
    qlist_clear(&parts);
    kb_buf_free(&detail);
    return st;
}

/* Try a synonym span of K tokens at I; *Q is set when one matched. */
static kb_status_t span_query(builder_t *b, const kbs_item_t *it, size_t i, size_t k,
                              kb_buf_t *tmp, kb_xquery_t **q)
{
    *q = NULL;
    kb_buf_t key = KB_BUF_INIT, span = KB_BUF_INIT;
    int searchable = 0;
    for (size_t j = i; j < i + k; j++) {
        if (j > i) {
            kb_buf_addc(&key, ' ');
            kb_buf_addc(&span, ' ');
        }
        kb_buf_adds(&key, eff_stem(b, &it->tokens[j]));
        kb_buf_adds(&span, eff_word(b, &it->tokens[j]));
        searchable |= !it->tokens[j].stop;
    }
    if (key.oom || span.oom) {
        kb_buf_free(&key);
        kb_buf_free(&span);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    syn_ctx_t c = {{0}, 0};
    kb_status_t st = KB_STATUS_SUCCESS;
    if (searchable && key.len <= KB_XTERM_MAX)
        st = kb_xdb_synonyms(b->s->db, key.data, collect_syn, &c);
    if (st == KB_STATUS_SUCCESS && c.oom)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS && c.found.n) {
        qlist_t alts = {0};
        /* The officer's own words first: all of them required. */
        qlist_t own = {0};
        for (size_t j = i; j < i + k && st == KB_STATUS_SUCCESS; j++) {
            if (it->tokens[j].stop)
                continue;
            kb_xquery_t *t;
            st = token_query(b, &it->tokens[j], tmp, &t);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&own, t);
        }
        kb_xquery_t *ownq = NULL;
        if (st == KB_STATUS_SUCCESS)
            st = qlist_combine(&own, KB_XOP_AND, 0, &ownq);
        if (st == KB_STATUS_SUCCESS)
            st = qlist_push(&alts, ownq);
        for (size_t a = 0; a < c.found.n && st == KB_STATUS_SUCCESS; a++) {
            kb_xquery_t *aq;
            st = alternative_query(b, c.found.items[a], span.data, tmp, &aq);
            if (st == KB_STATUS_SUCCESS)
                st = qlist_push(&alts, aq);
        }
        if (st == KB_STATUS_SUCCESS)
            st = qlist_combine(&alts, KB_XOP_SYNONYM, 0, q);
        qlist_clear(&own);
        qlist_clear(&alts);
    }
    kb_strlist_clear(&c.found);
    kb_buf_free(&key);
    kb_buf_free(&span);
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
    builder_t b = {s, prep, plain, corrected, out, NULL};
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
    if (st == KB_STATUS_SUCCESS)
        st = join(KB_XOP_AND_MAYBE, pq, wq, &main);
    else {
        kb_xquery_free(pq);
        kb_xquery_free(wq);
    }
    if (st == KB_STATUS_SUCCESS && main && !plain) {
        kb_xquery_t *boost;
        st = boost_query(&b, &tmp, &boost);
        if (st == KB_STATUS_SUCCESS)
            st = join(KB_XOP_AND_MAYBE, main, boost, &main);
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
