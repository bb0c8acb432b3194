/* qtree.c - query trees with a sticky status (qtree.h). */
#include "qtree.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

void kbs_qfail(kbs_qtree_t *t, kb_status_t st)
{
    if (t->st == KB_STATUS_SUCCESS)
        t->st = st;
}

kb_xquery_t *kbs_qterm(kbs_qtree_t *t, const char *prefix, const char *text)
{
    if (t->st != KB_STATUS_SUCCESS || !text || !text[0])
        return NULL;
    size_t pl = strlen(prefix), tl = strlen(text);
    if (pl + tl > KB_XTERM_MAX)
        return NULL;
    char buf[KB_XTERM_MAX + 1];
    memcpy(buf, prefix, pl);
    memcpy(buf + pl, text, tl + 1);
    kb_xquery_t *q = NULL;
    kbs_qfail(t, kb_xquery_term(buf, 1, 0, &q));
    return q;
}

kb_xquery_t *kbs_qcopy(kbs_qtree_t *t, const kb_xquery_t *q)
{
    kb_xquery_t *out = NULL;
    if (t->st == KB_STATUS_SUCCESS && q)
        kbs_qfail(t, kb_xquery_copy(q, &out));
    return out;
}

kb_xquery_t *kbs_qscale(kbs_qtree_t *t, kb_xquery_t *q, double factor)
{
    kb_xquery_t *out = NULL;
    if (t->st == KB_STATUS_SUCCESS && q)
        kbs_qfail(t, kb_xquery_scale(q, factor, &out));
    kb_xquery_free(q);
    return out;
}

kb_xquery_t *kbs_qjoin(kbs_qtree_t *t, kb_xop_t op, kb_xquery_t *a, kb_xquery_t *b)
{
    if (t->st != KB_STATUS_SUCCESS) {
        kb_xquery_free(a);
        kb_xquery_free(b);
        return NULL;
    }
    if (!a || !b)
        return a ? a : b;
    const kb_xquery_t *pair[2] = {a, b};
    kb_xquery_t *out = NULL;
    kbs_qfail(t, kb_xquery_combine(op, pair, 2, 0, &out));
    kb_xquery_free(a);
    kb_xquery_free(b);
    return out;
}

kb_xquery_t *kbs_qmatch_all(kbs_qtree_t *t)
{
    kb_xquery_t *out = NULL;
    if (t->st == KB_STATUS_SUCCESS)
        kbs_qfail(t, kb_xquery_match_all(&out));
    return out;
}

void kbs_qlist_clear(kbs_qlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        kb_xquery_free(l->q[i]);
    free(l->q);
    memset(l, 0, sizeof *l);
}

void kbs_qlist_push(kbs_qtree_t *t, kbs_qlist_t *l, kb_xquery_t *q)
{
    if (!q)
        return;
    if (t->st != KB_STATUS_SUCCESS) {
        kb_xquery_free(q);
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        kb_xquery_t **p = realloc(l->q, cap * sizeof *p);
        if (!p) {
            kb_xquery_free(q);
            kbs_qfail(t, KB_STATUS_OUT_OF_MEMORY);
            return;
        }
        l->q = p;
        l->cap = cap;
    }
    l->q[l->n++] = q;
}

kb_xquery_t *kbs_qlist_combine(kbs_qtree_t *t, kbs_qlist_t *l, kb_xop_t op)
{
    kb_xquery_t *out = NULL;
    if (t->st == KB_STATUS_SUCCESS) {
        if (l->n == 1) {
            out = l->q[0];
            l->n = 0;
        } else if (l->n > 1) {
            kbs_qfail(t, kb_xquery_combine(op, (const kb_xquery_t *const *)l->q, l->n, 0, &out));
        }
    }
    kbs_qlist_clear(l);
    return out;
}
