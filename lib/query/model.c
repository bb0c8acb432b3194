/* model.c - the model learned from officers' marks at search time
 * (schema/model.h): loaded once per handle and index version, asked for
 * each query, its sure answers moved first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "internal.h"
#include "schema/model.h"

/* When the model is sure: its best article's decision value at least
 * MODEL_MARGIN above the next one's.  Tuned on folds of the tuning halves
 * (tests/relevance/learn.sh FOLD: 0.1 to 0.2 do best, at 10 marks per
 * article and at all of them; a floor on the value itself only loses). */
#define MODEL_MARGIN 0.15

char *kbs_model_text(const kbs_prepared_t *prep, int corrected)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "");
    for (size_t i = 0; i < prep->n; i++) {
        const kbs_item_t *it = &prep->items[i];
        if (it->src && it->src->exclude)
            continue;
        for (size_t j = 0; j < it->n; j++) {
            const kbs_token_t *t = &it->tokens[j];
            if (b.len)
                kb_buf_addc(&b, ' ');
            kb_buf_adds(&b, corrected && t->fixed ? t->fixed : t->word);
        }
    }
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

void kbs_model_forget(kb_search_t *s)
{
    kb_model_clear(&s->model);
    s->model_loaded = 0;
}

/* S's model, loaded on first use; NULL when the index has none (or a
 * model this build cannot read: the answers are then as without one). */
static const kb_model_t *model_of(kb_search_t *s)
{
    if (!s->model_loaded) {
        char *v = NULL;
        size_t len = 0;
        if (kb_xdb_get_metadata(s->db, KB_META_MODEL, &v, &len) == KB_STATUS_SUCCESS && len &&
            len <= KB_MODEL_MAX_BYTES)
            kb_model_decode(v, len, &s->model);
        free(v);
        s->model_loaded = 1;
    }
    return s->model.n_class ? &s->model : NULL;
}

/* The class of candidate I of M in MD, or -1. */
static long class_at(const kb_model_t *md, kb_xmset_t *m, unsigned i, kb_status_t *st)
{
    kb_xdoc_t *d = NULL;
    const char *v;
    size_t vl;
    long k = -1;
    *st = kb_xmset_document(m, i, &d);
    if (*st == KB_STATUS_SUCCESS && kb_xdoc_get_value(d, KB_SLOT_ARTICLE, &v, &vl) ==
                                        KB_STATUS_SUCCESS)
        for (size_t c = 0; c < md->n_class && k < 0; c++)
            if (strlen(md->classes[c]) == vl && !memcmp(md->classes[c], v, vl))
                k = (long)c;
    kb_xdoc_free(d);
    return k;
}

kb_status_t kbs_model_rerank(kb_search_t *s, const kbs_built_t *built, kb_xmset_t *m,
                             unsigned n, double *rank, int *first)
{
    *first = -1;
    const kb_model_t *md = model_of(s);
    if (!md || !n || !built->text || !built->text[0])
        return KB_STATUS_SUCCESS;
    kb_model_feats_t f;
    kb_status_t st = kb_model_features(s->stem, built->text, strlen(built->text), &f);
    double *sc = st == KB_STATUS_SUCCESS ? malloc(md->n_class * sizeof *sc) : NULL;
    if (st == KB_STATUS_SUCCESS && !sc)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st != KB_STATUS_SUCCESS) {
        kb_model_feats_free(&f);
        return st;
    }
    kb_model_scores(md, &f, sc);
    kb_model_feats_free(&f);
    size_t best = 0;
    double second = -INFINITY;
    for (size_t c = 1; c < md->n_class; c++) {
        if (sc[c] > sc[best]) {
            second = sc[best];
            best = c;
        } else if (sc[c] > second) {
            second = sc[c];
        }
    }
    if (sc[best] - second >= MODEL_MARGIN)
        for (unsigned i = 0; i < n && st == KB_STATUS_SUCCESS && *first < 0; i++)
            if (class_at(md, m, i, &st) == (long)best)
                *first = (int)i;
    if (*first >= 0) {
        double top = 0;
        for (unsigned i = 0; i < n; i++)
            top = rank[i] > top ? rank[i] : top;
        rank[*first] = top * 1.001 + 1e-9;
    }
    free(sc);
    return st;
}
