/* model.c - kbi_model_update (model.h): the model learned from officers'
 * marks, trained with liblinear on the learned phrasings and the editors'
 * own titles, questions and phrases, stored as KB_META_MODEL. */
#include "model.h"

#include <linear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "run.h"
#include "schema/model.h"
#include "schema/schema.h"

/* liblinear's solver and cost: L2-regularised L2-loss SVM, one against
 * the rest (the decision values are margins; model.h), liblinear's and
 * LinearSVC's default cost. */
#define MODEL_SOLVER L2R_L2LOSS_SVC_DUAL
#define MODEL_C 1.0
#define MODEL_EPS 0.1

/* One training text and its class. */
typedef struct example {
    unsigned cls;
    kb_model_feats_t f;
} example_t;

typedef struct trainset {
    run_t *r;
    char **ids;              /* the classes: published articles, sorted */
    size_t n_ids, cap_ids;
    example_t *ex;
    size_t n, cap;
    uint64_t hash;           /* of every (class, text) */
    kb_status_t st;
} trainset_t;

static void quiet(const char *s)
{
    (void)s;
}

static int by_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

static int by_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static long class_of(const trainset_t *t, const char *id)
{
    if (!t->n_ids)
        return -1;
    char *const *p = bsearch(&id, t->ids, t->n_ids, sizeof *t->ids, by_str);
    return p ? (long)(p - t->ids) : -1;
}

/* Add TEXT for class CLS. */
static void add_text(trainset_t *t, unsigned cls, const char *text)
{
    if (t->st != KB_STATUS_SUCCESS || !text || !text[0])
        return;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        example_t *p = realloc(t->ex, cap * sizeof *p);
        if (!p) {
            t->st = KB_STATUS_OUT_OF_MEMORY;
            return;
        }
        t->ex = p;
        t->cap = cap;
    }
    example_t *e = &t->ex[t->n];
    e->cls = cls;
    t->st = kb_model_features(t->r->stem, text, strlen(text), &e->f);
    if (t->st != KB_STATUS_SUCCESS)
        return;
    if (!e->f.n) {
        kb_model_feats_free(&e->f);
        return;
    }
    t->n++;
    uint64_t h = kb_hash64(text, strlen(text)) * 31 + cls;
    t->hash = (t->hash ^ h) * 1099511628211ull;
}

/* ---------------------------------------------------------------- */
/* The articles of the index, and their editors' texts                */

typedef struct scan_ctx {
    trainset_t *t;
    kb_xdb_t *db;
    int texts;               /* 0: collect ids; 1: add texts */
} scan_ctx_t;

static int on_article(void *vctx, kb_xdocid_t docid)
{
    scan_ctx_t *c = vctx;
    trainset_t *t = c->t;
    kb_xdoc_t *d = NULL;
    const char *data;
    size_t len;
    kb_article_t *a = NULL;
    t->st = kb_xdb_get_document(c->db, docid, &d);
    if (t->st == KB_STATUS_SUCCESS)
        t->st = kb_xdoc_get_data(d, &data, &len);
    if (t->st == KB_STATUS_SUCCESS)
        t->st = kb_schema_article_decode(data, len, &a);
    kb_xdoc_free(d);
    if (t->st == KB_STATUS_SUCCESS && kb_schema_published(a->status)) {
        if (!c->texts) {
            if (!kb_strv_push(&t->ids, &t->n_ids, a->id, strlen(a->id)))
                t->st = KB_STATUS_OUT_OF_MEMORY;
        } else {
            long k = class_of(t, a->id);
            if (k >= 0) {
                add_text(t, (unsigned)k, a->title);
                for (size_t i = 0; i < a->n_questions; i++)
                    add_text(t, (unsigned)k, a->questions[i]);
                for (size_t i = 0; i < a->n_phrases; i++)
                    add_text(t, (unsigned)k, a->phrases[i]);
            }
        }
    }
    kb_article_free(a);
    return t->st != KB_STATUS_SUCCESS;
}

static kb_status_t scan_articles(trainset_t *t, int texts)
{
    run_t *r = t->r;
    unsigned n = r->n_shards ? r->n_shards : 1;
    for (unsigned k = 0; k < n && t->st == KB_STATUS_SUCCESS; k++) {
        scan_ctx_t c = {t, r->n_shards ? r->shards[k] : r->db, texts};
        kb_status_t st = kb_xdb_postlist(c.db, KB_TERM_ARTICLE_DOC, on_article, &c);
        if (t->st == KB_STATUS_SUCCESS && st != KB_STATUS_SUCCESS)
            t->st = st;
    }
    if (!texts && t->st == KB_STATUS_SUCCESS && t->n_ids)
        qsort(t->ids, t->n_ids, sizeof *t->ids, by_str);
    return t->st;
}

/* The training set: every published article a class; its learned
 * phrasings, title, questions and phrases its examples. */
static kb_status_t gather(trainset_t *t)
{
    if (scan_articles(t, 0) != KB_STATUS_SUCCESS)
        return t->st;
    if (scan_articles(t, 1) != KB_STATUS_SUCCESS)
        return t->st;
    const kbi_learned_t *l = &t->r->learned;
    for (size_t i = 0; i < l->n && t->st == KB_STATUS_SUCCESS; i++) {
        long k = class_of(t, l->e[i].id);
        for (size_t j = 0; k >= 0 && j < l->e[i].n; j++)
            add_text(t, (unsigned)k, l->e[i].texts[j]);
    }
    return t->st;
}

static void trainset_free(trainset_t *t)
{
    if (t->ids)
        kb_strv_free(t->ids, t->n_ids);
    for (size_t i = 0; i < t->n; i++)
        kb_model_feats_free(&t->ex[i].f);
    free(t->ex);
}

/* ---------------------------------------------------------------- */
/* Training                                                           */

/* The features of T, ascending, each once, into *VOCAB (*N of them), with
 * how many examples hold each in *DF. */
static kb_status_t vocabulary(const trainset_t *t, uint32_t **vocab, unsigned **df, size_t *n)
{
    size_t all = 0;
    for (size_t i = 0; i < t->n; i++)
        all += t->ex[i].f.n;
    uint32_t *v = malloc((all ? all : 1) * sizeof *v);
    if (!v)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t k = 0;
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = 0; j < t->ex[i].f.n; j++)
            v[k++] = t->ex[i].f.h[j];
    if (all)
        qsort(v, all, sizeof *v, by_u32);
    unsigned *d = calloc(all ? all : 1, sizeof *d);
    if (!d) {
        free(v);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    size_t u = 0;
    for (size_t i = 0; i < all; i++) {
        if (!u || v[u - 1] != v[i])
            v[u++] = v[i];
        d[u - 1]++;
    }
    *vocab = v;
    *df = d;
    *n = u;
    return KB_STATUS_SUCCESS;
}

/* Position of H in VOCAB (N, ascending). */
static size_t vocab_at(const uint32_t *vocab, size_t n, uint32_t h)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (vocab[mid] < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* liblinear's problem for T: each example's features weighed by their
 * IDF and normalised (model.h), then the bias feature. */
static kb_status_t make_problem(const trainset_t *t, const uint32_t *vocab, const float *idf,
                                size_t nv, struct problem *p, struct feature_node **space)
{
    size_t all = 0;
    for (size_t i = 0; i < t->n; i++)
        all += t->ex[i].f.n + 2;
    p->l = (int)t->n;
    p->n = (int)nv + 1;
    p->bias = 1;
    p->y = malloc(t->n * sizeof *p->y);
    p->x = malloc(t->n * sizeof *p->x);
    *space = malloc(all * sizeof **space);
    if (!p->y || !p->x || !*space)
        return KB_STATUS_OUT_OF_MEMORY;
    struct feature_node *s = *space;
    for (size_t i = 0; i < t->n; i++) {
        const kb_model_feats_t *f = &t->ex[i].f;
        p->y[i] = t->ex[i].cls;
        p->x[i] = s;
        double norm = 0;
        for (size_t j = 0; j < f->n; j++) {
            size_t k = vocab_at(vocab, nv, f->h[j]);
            s[j].index = (int)k + 1;
            s[j].value = idf[k];
            norm += (double)idf[k] * idf[k];
        }
        norm = sqrt(norm);
        for (size_t j = 0; j < f->n; j++)
            s[j].value /= norm;
        s[f->n].index = (int)nv + 1;
        s[f->n].value = 1;
        s[f->n + 1].index = -1;
        s += f->n + 2;
    }
    return KB_STATUS_SUCCESS;
}

/* OUT from liblinear's model ML over VOCAB (NV features): the classes it
 * knows, every feature's idf, the weights worth keeping. */
static kb_status_t take_model(const trainset_t *t, const struct model *ml, const uint32_t *vocab,
                              const float *idf, size_t nv, kb_model_t *out)
{
    size_t nc = (size_t)get_nr_class(ml);
    out->hash = t->hash;
    out->n_class = nc;
    out->classes = calloc(nc, sizeof *out->classes);
    out->bias = calloc(nc, sizeof *out->bias);
    out->feat = malloc((nv ? nv : 1) * sizeof *out->feat);
    out->idf = malloc((nv ? nv : 1) * sizeof *out->idf);
    out->start = malloc((nv + 1) * sizeof *out->start);
    size_t cap = nv * 4 + 16;
    out->cls = malloc(cap * sizeof *out->cls);
    out->w = malloc(cap * sizeof *out->w);
    if (!out->classes || !out->bias || !out->feat || !out->idf || !out->start || !out->cls ||
        !out->w)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t c = 0; c < nc; c++) {
        if (!(out->classes[c] = kb_strdup(t->ids[ml->label[c]])))
            return KB_STATUS_OUT_OF_MEMORY;
        out->bias[c] = (float)get_decfun_bias(ml, (int)c);
    }
    out->start[0] = 0;
    for (size_t i = 0; i < nv; i++) {
        out->feat[i] = vocab[i];
        out->idf[i] = idf[i];
        for (size_t c = 0; c < nc; c++) {
            double w = get_decfun_coef(ml, (int)i + 1, (int)c);
            if (fabs(w) < KB_MODEL_PRUNE)
                continue;
            if (out->n_w == cap) {
                cap *= 2;
                uint16_t *pc = realloc(out->cls, cap * sizeof *pc);
                if (pc)
                    out->cls = pc;
                float *pw = realloc(out->w, cap * sizeof *pw);
                if (pw)
                    out->w = pw;
                if (!pc || !pw)
                    return KB_STATUS_OUT_OF_MEMORY;
            }
            out->cls[out->n_w] = (uint16_t)c;
            out->w[out->n_w++] = (float)w;
        }
        out->start[i + 1] = (uint32_t)out->n_w;
    }
    out->n_feat = nv;
    return KB_STATUS_SUCCESS;
}

/* Train T's model into OUT. */
static kb_status_t train_model(const trainset_t *t, kb_model_t *out)
{
    uint32_t *vocab = NULL;
    unsigned *df = NULL;
    size_t nv = 0;
    kb_status_t st = vocabulary(t, &vocab, &df, &nv);
    float *idf = st == KB_STATUS_SUCCESS ? malloc((nv ? nv : 1) * sizeof *idf) : NULL;
    if (st == KB_STATUS_SUCCESS && !idf)
        st = KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < nv; i++)
        idf[i] = (float)(log((t->n + 1.0) / (df[i] + 1.0)) + 1.0);
    struct problem p;
    memset(&p, 0, sizeof p);
    struct feature_node *space = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = make_problem(t, vocab, idf, nv, &p, &space);
    struct parameter param;
    memset(&param, 0, sizeof param);
    param.solver_type = MODEL_SOLVER;
    param.C = MODEL_C;
    param.eps = MODEL_EPS;
    struct model *ml = NULL;
    if (st == KB_STATUS_SUCCESS) {
        set_print_string_function(quiet);
        ml = check_parameter(&p, &param) ? NULL : train(&p, &param);
        if (!ml)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    if (st == KB_STATUS_SUCCESS)
        st = take_model(t, ml, vocab, idf, nv, out);
    free_and_destroy_model(&ml);
    free(p.y);
    free(p.x);
    free(space);
    free(idf);
    free(df);
    free(vocab);
    return st;
}

/* The hash of DB's stored model (0 when there is none). */
static kb_status_t stored_hash(kb_xdb_t *db, uint64_t *hash, int *present)
{
    char *v = NULL;
    size_t len = 0;
    kb_status_t st = kb_xdb_get_metadata(db, KB_META_MODEL, &v, &len);
    *hash = 0;
    *present = st == KB_STATUS_SUCCESS && len > 0;
    if (st == KB_STATUS_SUCCESS && len >= 12 && !memcmp(v, "KBM1", 4))
        for (unsigned i = 0; i < 8; i++)
            *hash |= (uint64_t)(unsigned char)v[4 + i] << (8 * i);
    free(v);
    return st;
}

kb_status_t kbi_model_update(run_t *r)
{
    if (!r->full && !r->dirty)
        return KB_STATUS_SUCCESS;
    uint64_t old;
    int present;
    kb_status_t st = stored_hash(r->db, &old, &present);
    trainset_t t;
    memset(&t, 0, sizeof t);
    t.r = r;
    t.hash = 14695981039346656037ull;
    /* KB_INDEX_MODEL=0: learned phrasings alone (to measure the model
     * against them; kb-index(1)). */
    const char *env = getenv("KB_INDEX_MODEL");
    int off = env && !strcmp(env, "0");
    if (st == KB_STATUS_SUCCESS && r->learned.n && !off)
        st = gather(&t);
    size_t learned = 0;
    for (size_t i = 0; i < r->learned.n; i++)
        learned += class_of(&t, r->learned.e[i].id) >= 0 ? r->learned.e[i].n : 0;
    if (st == KB_STATUS_SUCCESS && (!learned || t.n_ids < 2)) {
        /* No learned phrasing: no model (the index is as without one). */
        if (present) {
            r->dirty++;
            st = kb_xdb_set_metadata(r->db, KB_META_MODEL, "", 0);
        }
    } else if (st == KB_STATUS_SUCCESS && !(present && old == t.hash)) {
        kb_model_t m;
        memset(&m, 0, sizeof m);
        st = train_model(&t, &m);
        size_t len = 0;
        char *data = st == KB_STATUS_SUCCESS ? kb_model_encode(&m, &len) : NULL;
        if (st == KB_STATUS_SUCCESS && !data)
            st = KB_STATUS_OUT_OF_MEMORY;
        if (st == KB_STATUS_SUCCESS) {
            r->dirty++;
            st = kb_xdb_set_metadata(r->db, KB_META_MODEL, data, len);
        }
        free(data);
        kb_model_clear(&m);
    }
    trainset_free(&t);
    return st;
}
