/* collect.c - run a built query and collect its hits: one per article
 * (collapsed on the article id), each with its best section, a snippet
 * with highlights, and, on request, why it matched.
 *
 * A hit on a question document names its article and the question; the
 * article's best section for the query is then looked up with one more
 * query for all such hits together. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "internal.h"
#include "qtree.h"
#include "schema/schema.h"

/* BM25 parameters: k1 (term frequency saturation) and b (length
 * normalisation).  Sections are short and fairly even in length, so length
 * normalisation is kept mild. */
#define BM25_K1 1.5
#define BM25_B 0.75
#define SNIPPET_DEFAULT 200

/* One item of the page: the section document to show, and, for a hit on a
 * question document, the question and its article (whose best section
 * replaces DOC). */
typedef struct item {
    kb_xdoc_t *doc;
    char *question;
    char *id;
} item_t;

static void items_free(item_t *items, size_t n)
{
    for (size_t i = 0; items && i < n; i++) {
        kb_xdoc_free(items[i].doc);
        free(items[i].question);
        free(items[i].id);
    }
    free(items);
}

typedef struct first_ctx {
    kb_xdocid_t docid;
} first_ctx_t;

static int first_doc(void *vctx, kb_xdocid_t docid)
{
    ((first_ctx_t *)vctx)->docid = docid;
    return 1;
}

kb_status_t kbs_first_doc(kb_search_t *s, const char *prefix, const char *value,
                          kb_xdoc_t **doc)
{
    *doc = NULL;
    char *term = kb_schema_term(prefix, value);
    if (!term)
        return KB_STATUS_OUT_OF_MEMORY;
    first_ctx_t c = {0};
    kb_status_t st = kb_xdb_postlist(s->db, term, first_doc, &c);
    free(term);
    if (st == KB_STATUS_SUCCESS && !c.docid)
        return KB_STATUS_NOT_FOUND;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_document(s->db, c.docid, doc);
    return st;
}

void kbs_set_weighting(kb_xenquire_t *enq, kb_status_t *st)
{
    if (*st == KB_STATUS_SUCCESS)
        *st = kb_xenquire_set_collapse_key(enq, KB_SLOT_ARTICLE, 1);
    if (*st == KB_STATUS_SUCCESS)
        *st = kb_xenquire_set_bm25(enq, BM25_K1, 0, 1, BM25_B, 0.5);
    /* Ties by article id: which articles make the candidates must not
     * depend on how the index is sharded. */
    if (*st == KB_STATUS_SUCCESS)
        *st = kb_xenquire_set_tiebreak(enq, KB_SLOT_ARTICLE);
}

/* ---------------------------------------------------------------- */
/* Best sections                                                      */

/* QUERY restricted to the section documents of the articles of the
 * question items (IDS), collapsed: one query for them all.  Caller frees. */
static kb_xquery_t *sections_query(kbs_qtree_t *t, const kb_xquery_t *query,
                                   const item_t *items, size_t n)
{
    kbs_qlist_t ids = {0};
    for (size_t i = 0; i < n; i++)
        if (items[i].id)
            kbs_qlist_push(t, &ids, kbs_qterm(t, KB_PREFIX_ID, items[i].id));
    kb_xquery_t *any = kbs_qlist_combine(t, &ids, KB_XOP_OR);
    kb_xquery_t *in = kbs_qjoin(t, KB_XOP_FILTER, kbs_qcopy(t, query), any);
    return kbs_qjoin(t, KB_XOP_AND_NOT, in, kbs_qterm(t, "", KB_TERM_QUESTION_DOC));
}

/* Give each question item (ID set) the section document of its article
 * that QUERY matches best, or the article's lead when no section matches
 * (only a question did). */
static kb_status_t best_sections(kb_search_t *s, const kb_xquery_t *query, item_t *items,
                                 size_t n, size_t n_questions)
{
    kbs_qtree_t t = KBS_QTREE_INIT;
    kb_xquery_t *sections = sections_query(&t, query, items, n);
    kb_xenquire_t *enq = NULL;
    kb_xmset_t *m = NULL;
    kb_status_t st = t.st;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_new(s->db, &enq);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_query(enq, sections, 0);
    kbs_set_weighting(enq, &st);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_get_mset(enq, 0, (unsigned)n_questions, 0, &m);
    for (unsigned k = 0; st == KB_STATUS_SUCCESS && k < kb_xmset_size(m); k++) {
        kb_xdoc_t *d;
        const char *v;
        size_t vl;
        st = kb_xmset_document(m, k, &d);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_value(d, KB_SLOT_ARTICLE, &v, &vl);
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < n && d; i++) {
            if (items[i].id && !items[i].doc && strlen(items[i].id) == vl &&
                memcmp(items[i].id, v, vl) == 0) {
                items[i].doc = d;
                d = NULL;
            }
        }
        kb_xdoc_free(d);
    }
    /* Only a question matched: show the lead. */
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < n; i++) {
        if (items[i].id && !items[i].doc) {
            st = kbs_first_doc(s, KB_PREFIX_LEAD, items[i].id, &items[i].doc);
            if (st == KB_STATUS_NOT_FOUND)
                st = KB_STATUS_DB_CORRUPT;
        }
    }
    kb_xquery_free(sections);
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    return st;
}

/* ---------------------------------------------------------------- */
/* Hits                                                               */

typedef struct explain_ctx {
    const kbs_built_t *built;
    kb_hit_t *hit;
    int oom;
} explain_ctx_t;

static int add_explain(void *vctx, const char *term, size_t len, unsigned count)
{
    (void)len;
    (void)count;
    explain_ctx_t *c = vctx;
    const kbs_source_t *src = NULL;
    for (size_t i = 0; i < c->built->n_sources && !src; i++)
        if (strcmp(c->built->sources[i].term, term) == 0)
            src = &c->built->sources[i];
    if (!src)
        return 0;
    kb_hit_t *h = c->hit;
    kb_match_t *m = realloc(h->explain, (h->n_explain + 1) * sizeof *m);
    if (!m) {
        c->oom = 1;
        return 1;
    }
    h->explain = m;
    m = &h->explain[h->n_explain];
    m->term = kb_strdup(src->term);
    m->word = kb_strdup(src->word);
    m->kind = kb_strdup(src->kind);
    m->detail = src->detail ? kb_strdup(src->detail) : NULL;
    if (!m->term || !m->word || !m->kind || (src->detail && !m->detail)) {
        free(m->term);
        free(m->word);
        free(m->kind);
        free(m->detail);
        c->oom = 1;
        return 1;
    }
    h->n_explain++;
    return 0;
}

/* The query's terms that stand for content words, sorted, each with the
 * words it stands for (MASK) and those of them it says the article is
 * about (ABOUT: a title or question term): merged with a document's
 * termlist, which is sorted too, they give what the document covers in
 * one pass over its terms, read in one round trip from a remote shard. */
typedef struct qterm {
    const char *term;
    uint64_t mask;
    uint64_t about;
} qterm_t;

typedef struct qterms {
    const kbs_built_t *built;
    qterm_t *v;
    size_t n;
    int oom;
} qterms_t;

static int add_qterm(void *vctx, const char *term, size_t len, unsigned count)
{
    (void)len;
    (void)count;
    qterms_t *q = vctx;
    qterm_t t = {NULL, 0, 0};
    for (size_t i = 0; i < q->built->n_sources; i++)
        if (strcmp(q->built->sources[i].term, term) == 0) {
            t.term = q->built->sources[i].term;
            t.mask |= q->built->sources[i].mask;
        }
    if (!t.mask)
        return 0;
    if (!strncmp(term, "ZXQ", 3) || !strncmp(term, "ZS", 2))
        t.about = t.mask;
    q->v[q->n++] = t;
    return 0;
}

static int by_term(const void *x, const void *y)
{
    return strcmp(((const qterm_t *)x)->term, ((const qterm_t *)y)->term);
}

static kb_status_t qterms_of(const kbs_built_t *built, qterms_t *q)
{
    memset(q, 0, sizeof *q);
    q->built = built;
    q->v = calloc(built->n_sources ? built->n_sources : 1, sizeof *q->v);
    if (!q->v)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = kb_xquery_terms(built->query, add_qterm, q);
    if (st == KB_STATUS_SUCCESS)
        qsort(q->v, q->n, sizeof *q->v, by_term);
    return st;
}

typedef struct cover_ctx {
    const qterms_t *q;
    size_t at;                   /* merge position in Q */
    uint64_t mask;
    uint64_t about;              /* matched in a title or a question */
    int question;                /* a question document */
    int learned;                 /* a learned phrasing's document */
} cover_ctx_t;

static int add_cover(void *vctx, const char *term, size_t len, unsigned count)
{
    (void)len;
    (void)count;
    cover_ctx_t *c = vctx;
    if (!strcmp(term, KB_TERM_QUESTION_DOC))
        c->question = 1;
    if (!strcmp(term, KB_TERM_LEARNED_DOC))
        c->learned = 1;
    int cmp = -1;
    while (c->at < c->q->n && (cmp = strcmp(c->q->v[c->at].term, term)) < 0)
        c->at++;
    if (c->at < c->q->n && cmp == 0) {
        c->mask |= c->q->v[c->at].mask;
        c->about |= c->q->v[c->at].about;
    }
    return 0;
}

/* The evidence that a hit answers the question, 0..1 (the confidence is
 * made of it: confidences() below).  Three signals:
 *   - the match percent Xapian gives (the share of the query the best
 *     document matches, scaled by its weight against the top one);
 *   - how much of what the customer said the document holds: the weights
 *     of the content words it matches (as typed, stemmed, corrected, as a
 *     synonym) over the weights of all of them; an English word the KB
 *     never uses weighs most ("mortgage"), a name or brand little;
 *   - how much of it the article is ABOUT: matched in its title or in one
 *     of its questions, not only somewhere in a body ("balance" in a
 *     sentence of an article on top-ups).
 * 1 when the query has no content word (only filters). */
#define CONF_PERCENT 0.5
#define CONF_ABOUT 0.7
/* Weight of the query's content words in MASK. */
static double weight_of(const kbs_built_t *built, uint64_t mask)
{
    double w = 0;
    for (size_t i = 0; i < built->n_content; i++)
        if (mask & ((uint64_t)1 << i))
            w += built->weight[i];
    return w;
}

/* What a learned phrasing (kb-index --learn) weighs beside the editors'
 * own questions and phrases: below them, so an editor's question that
 * matches as well wins. */
#define LEARNED_WEIGHT 0.85

/* The evidence of the candidate AT (*OUT) and what its weight counts for
 * (*WEIGHT: LEARNED_WEIGHT on a learned document, else 1). */
static kb_status_t coverage(kb_search_t *s, const kbs_built_t *built, const qterms_t *q,
                            kb_xmset_t *m, unsigned at, double *out, double *weight)
{
    *out = 1.0;
    *weight = 1.0;
    if (!built->n_content)
        return KB_STATUS_SUCCESS;   /* filters only: every weight is 0 */
    cover_ctx_t c;
    memset(&c, 0, sizeof c);
    c.q = q;
    kb_status_t st = kb_xdb_termlist(s->db, kb_xmset_docid(m, at), add_cover, &c);
    if (c.learned)
        *weight = LEARNED_WEIGHT;
    double all = weight_of(built, ~(uint64_t)0);
    double qcov = all > 0 ? weight_of(built, c.mask) / all : 1.0;
    /* On a question document every word is a question's. */
    double acov = all > 0 ? weight_of(built, c.question ? c.mask : c.about) / all : 1.0;
    double pct = kb_xmset_percent(m, at) / 100.0;
    *out = CONF_PERCENT * pct + (1 - CONF_PERCENT) * (CONF_ABOUT * acov + (1 - CONF_ABOUT) * qcov);
    return st;
}

/* Fill hit H from section document DOC, with a snippet made for M. */
static kb_status_t fill_hit(kb_search_t *s, kb_xmset_t *m, kb_xdoc_t *doc, size_t snip,
                            kb_hit_t *h)
{
    const char *data;
    size_t len;
    char *text = NULL, *raw = NULL;
    kb_schema_section_t sec;
    kb_status_t st = kb_xdoc_get_data(doc, &data, &len);
    if (st == KB_STATUS_SUCCESS)
        st = kb_schema_section_decode(data, len, &sec);
    if (st == KB_STATUS_SUCCESS)
        kbs_hit_take_section(h, &sec, &text);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xmset_snippet(m, text, strlen(text), snip, s->stem, 0, "\x01", "\x02",
                              "\xe2\x80\xa6", &raw);
    free(text);
    if (st == KB_STATUS_SUCCESS)
        st = kbs_snippet_clean(raw, &h->snippet, &h->highlights, &h->n_highlights);
    free(raw);
    return st;
}

/* A candidate answer: one article's best document in the mset, with its
 * Xapian weight, how much of the query it covers, and the weight kb ranks
 * it by. */
typedef struct cand {
    unsigned at;          /* index in the mset */
    double weight;
    double cover;         /* the confidence */
    double evidence;      /* what the confidence is made of (coverage()) */
    double rank_weight;
    char *id;             /* the article (collapse key) */
} cand_t;

/* Candidates looked at per query, at least: their confidence counts the
 * answers worth showing (total). */
#define RERANK_DEPTH 30

/* Equal weights go by article id, not by the order Xapian found them in
 * (document numbers, which depend on how the index is sharded): the same
 * KB gives the same ranking on one database or many. */
static int by_rank_weight(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    if (a->rank_weight != b->rank_weight)
        return a->rank_weight > b->rank_weight ? -1 : 1;
    int c = strcmp(a->id, b->id);
    if (c)
        return c;
    return a->at < b->at ? -1 : a->at > b->at;
}

/* The confidence of each of the N candidates, from its evidence RAW
 * (coverage()): a logistic model of how likely the candidate answers the
 * question, on
 *   - its evidence;
 *   - how far it stands above the best other candidate (an answer that
 *     stands out is surer than one of many alike);
 *   - how many content words the question has (two words covered say
 *     less than six).
 * Fitted on the tuning halves of the real-wording sets (kb-eval): the
 * right first answers against the questions the KB does not cover, with
 * the threshold KB_CONFIDENT (0.5) where about 2.5% of right first
 * answers fall under it. */
#define CONF_RAW 9.43
#define CONF_GAP 2.88
#define CONF_WORDS 2.19
#define CONF_BIAS (-7.34)
static void confidences(const kbs_built_t *built, double *raw, cand_t *c, unsigned n)
{
    double first = -1, second = -1;
    for (unsigned i = 0; i < n; i++) {
        if (raw[i] > first) {
            second = first;
            first = raw[i];
        } else if (raw[i] > second) {
            second = raw[i];
        }
    }
    double words = log(1.0 + (double)built->n_content);
    for (unsigned i = 0; i < n; i++) {
        double other = raw[i] == first ? (second < 0 ? 0 : second) : first;
        double z = CONF_RAW * raw[i] + CONF_GAP * (raw[i] - other) + CONF_WORDS * words + CONF_BIAS;
        c[i].cover = 1.0 / (1.0 + exp(-z));
        c[i].evidence = raw[i];
    }
}

/* The learned model's say (model.c) on the N candidates C of M (RANK is
 * scratch room for N): the article it is sure of comes first, with the
 * confidence of the answer it displaces (the model reorders answers;
 * whether the KB covers the question stays the words' evidence's call, so
 * the model never makes a question "covered"). */
static kb_status_t learned_model(kb_search_t *s, const kbs_built_t *built, kb_xmset_t *m,
                                 cand_t *c, unsigned n, double *rank)
{
    double best = -1, cover = 0;
    for (unsigned i = 0; i < n; i++) {
        rank[i] = c[i].rank_weight;
        if (rank[i] > best) {
            best = rank[i];
            cover = c[i].cover;
        }
    }
    int first;
    kb_status_t st = kbs_model_rerank(s, built, m, n, rank, &first);
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && i < n; i++)
        c[i].rank_weight = rank[i];
    if (st == KB_STATUS_SUCCESS && first >= 0)
        c[first].cover = cover;
    return st;
}

static kb_status_t rank_candidates(kb_search_t *s, const kbs_built_t *built, kb_xmset_t *m,
                                   cand_t *c, unsigned n)
{
    double *raw = calloc(n ? n : 1, sizeof *raw);
    if (!raw)
        return KB_STATUS_OUT_OF_MEMORY;
    qterms_t q;
    kb_status_t st = qterms_of(built, &q);
    for (unsigned i = 0; i < n && st == KB_STATUS_SUCCESS; i++) {
        c[i].at = i;
        double w;
        c[i].weight = kb_xmset_weight(m, i);
        st = coverage(s, built, &q, m, i, &raw[i], &w);
        c[i].rank_weight = c[i].weight * w;
        if (st == KB_STATUS_SUCCESS)
            st = kb_xmset_collapse_key(m, i, &c[i].id);
    }
    free(q.v);
    if (st == KB_STATUS_SUCCESS) {
        confidences(built, raw, c, n);
        st = learned_model(s, built, m, c, n, raw);
    }
    if (st == KB_STATUS_SUCCESS)
        qsort(c, n, sizeof *c, by_rank_weight);
    free(raw);
    return st;
}

/* The page's documents (candidates FROM..FROM+N): sections as they are;
 * for each question, its article (the best section is looked up after).
 * *N_QUESTIONS counts those. */
static kb_status_t read_items(kb_xmset_t *m, const cand_t *c, item_t *items, unsigned n,
                              size_t *n_questions)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    *n_questions = 0;
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && i < n; i++) {
        const char *v, *data;
        size_t vl, len;
        st = kb_xmset_document(m, c[i].at, &items[i].doc);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_value(items[i].doc, KB_SLOT_SECTION, &v, &vl);
        if (st != KB_STATUS_SUCCESS || vl != 1 || v[0] != 'q')
            continue;
        st = kb_xdoc_get_data(items[i].doc, &data, &len);
        if (st == KB_STATUS_SUCCESS)
            st = kb_schema_question_decode(data, len, &items[i].id, &items[i].question);
        kb_xdoc_free(items[i].doc);
        items[i].doc = NULL;
        (*n_questions)++;
    }
    return st;
}

/* Turn the page's items into R's hits. */
static kb_status_t make_hits(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                             kb_xenquire_t *enq, kb_xmset_t *m, const cand_t *c, double top,
                             item_t *items, unsigned n, kb_results_t *r)
{
    if (!n)
        return KB_STATUS_SUCCESS;
    r->hits = calloc(n, sizeof *r->hits);
    if (!r->hits)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t snip = req->snippet_bytes ? req->snippet_bytes : SNIPPET_DEFAULT;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && i < n; i++) {
        kb_hit_t *h = &r->hits[r->n];
        st = fill_hit(s, m, items[i].doc, snip, h);
        if (st != KB_STATUS_SUCCESS) {
            kbs_hit_clear(h);
            break;
        }
        r->n++;
        h->question = items[i].question;
        items[i].question = NULL;
        h->rank = req->offset + i + 1;
        h->weight = c[i].rank_weight;
        h->score = top > 0 ? kb_xmset_percent(m, 0) / 100.0 * c[i].rank_weight / top : 0;
        h->confidence = c[i].cover;
        if (req->explain) {
            explain_ctx_t e = {built, h, 0};
            st = kb_xenquire_matching_terms(enq, kb_xmset_docid(m, c[i].at), add_explain, &e);
            if (st == KB_STATUS_SUCCESS && e.oom)
                st = KB_STATUS_OUT_OF_MEMORY;
        }
    }
    return st;
}

/* Answers worth showing: the candidates that are confident answers (the
 * first RERANK_DEPTH, or as many as the page reaches). */
static unsigned count_confident(const cand_t *c, unsigned n)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++)
        k += c[i].cover >= KB_CONFIDENT;
    return k;
}

/* kbs_fetch(), and the first answer's evidence in *EVIDENCE (0 when
 * none) when EVIDENCE is not NULL. */
static kb_status_t fetch(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                         unsigned limit, kb_results_t *r, double *evidence)
{
    kb_xenquire_t *enq = NULL;
    kb_xmset_t *m = NULL;
    kb_status_t st = kb_xenquire_new(s->db, &enq);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_query(enq, built->query, 0);
    kbs_set_weighting(enq, &st);
    unsigned want = req->offset + limit;
    unsigned depth = want > RERANK_DEPTH ? want : RERANK_DEPTH;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_get_mset(enq, 0, depth, depth, &m);
    unsigned n = kb_xmset_size(m);
    cand_t *c = calloc(n ? n : 1, sizeof *c);
    if (st == KB_STATUS_SUCCESS && !c)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS)
        st = rank_candidates(s, built, m, c, n);
    unsigned from = req->offset < n ? req->offset : n;
    unsigned page = n - from < limit ? n - from : limit;
    item_t *items = calloc(page ? page : 1, sizeof *items);
    if (st == KB_STATUS_SUCCESS && !items)
        st = KB_STATUS_OUT_OF_MEMORY;
    size_t n_questions = 0;
    if (st == KB_STATUS_SUCCESS)
        st = read_items(m, c + from, items, page, &n_questions);
    if (st == KB_STATUS_SUCCESS && n_questions)
        st = best_sections(s, built->query, items, page, n_questions);
    if (st == KB_STATUS_SUCCESS)
        st = make_hits(s, built, req, enq, m, c + from, n ? c[0].rank_weight : 0, items, page, r);
    if (st == KB_STATUS_SUCCESS) {
        r->total = count_confident(c, n);
        /* Covered: the first answer is confident, on this page or not. */
        r->covered = n > 0 && c[0].cover >= KB_CONFIDENT;
    }
    if (st == KB_STATUS_SUCCESS && !r->partial)   /* shards left out (shards.c) */
        st = kbs_shards_missing(&s->shards, &r->partial, &r->missing, &r->n_missing);
    if (evidence)
        *evidence = st == KB_STATUS_SUCCESS && n ? c[0].evidence : 0;
    if (st != KB_STATUS_SUCCESS && s->db && kb_xdb_last_error(s->db)[0])
        kbs_set_error(s, "%s", kb_xdb_last_error(s->db));
    items_free(items, page);
    for (unsigned i = 0; c && i < n; i++)
        free(c[i].id);
    free(c);
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    return st;
}

kb_status_t kbs_fetch(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                      unsigned limit, kb_results_t *r)
{
    return fetch(s, built, req, limit, r, NULL);
}

kb_status_t kbs_fetch_evidence(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                               kb_results_t *r, double *evidence)
{
    return fetch(s, built, req, 1, r, evidence);
}
