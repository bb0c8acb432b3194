/* qtree.h - building Xapian query trees with a sticky status (SQLite
 * FTS5's "int *pRc" style): every call does nothing once the tree's status
 * is set, and every call takes ownership of the queries it is given, on
 * success and failure alike.  A chain of calls needs one check at the end:
 *
 *     kbs_qtree_t t = KBS_QTREE_INIT;
 *     kbs_qlist_t words = {0};
 *     kbs_qlist_push(&t, &words, kbs_qterm(&t, "Z", "card"));
 *     kb_xquery_t *q = kbs_qlist_combine(&t, &words, KB_XOP_OR);
 *     q = kbs_qscale(&t, q, 0.5);
 *     if (t.st != KB_STATUS_SUCCESS) ... (q is NULL)
 *
 * A NULL query stands for "nothing to add": pushing it, scaling it or
 * joining it with another is allowed and adds nothing.
 */
#ifndef KB_QUERY_QTREE_H
#define KB_QUERY_QTREE_H

#include <stddef.h>

#include "kb/status.h"
#include "xapian/xapian.h"

typedef struct kbs_qtree {
    kb_status_t st;     /* the first failure; KB_STATUS_SUCCESS until then */
} kbs_qtree_t;

#define KBS_QTREE_INIT {KB_STATUS_SUCCESS}

typedef struct kbs_qlist {
    kb_xquery_t **q;
    size_t n, cap;
} kbs_qlist_t;

/* Record ST as T's failure (the first one wins). */
void kbs_qfail(kbs_qtree_t *t, kb_status_t st);

/* A term query for PREFIX + TEXT.  NULL (and no failure) when TEXT is empty
 * or the term is longer than Xapian takes. */
kb_xquery_t *kbs_qterm(kbs_qtree_t *t, const char *prefix, const char *text);
/* Another handle on Q (borrowed). */
kb_xquery_t *kbs_qcopy(kbs_qtree_t *t, const kb_xquery_t *q);
/* Q with its weights multiplied by FACTOR; NULL when Q is NULL. */
kb_xquery_t *kbs_qscale(kbs_qtree_t *t, kb_xquery_t *q, double factor);
/* A OP B; when one is NULL, the other. */
kb_xquery_t *kbs_qjoin(kbs_qtree_t *t, kb_xop_t op, kb_xquery_t *a, kb_xquery_t *b);
/* A query matching every document. */
kb_xquery_t *kbs_qmatch_all(kbs_qtree_t *t);

/* Append Q to L (NULL is ignored). */
void kbs_qlist_push(kbs_qtree_t *t, kbs_qlist_t *l, kb_xquery_t *q);
/* L's queries combined with OP (one query: itself; none: NULL); L is left
 * empty. */
kb_xquery_t *kbs_qlist_combine(kbs_qtree_t *t, kbs_qlist_t *l, kb_xop_t op);
/* Free L's queries and empty it. */
void kbs_qlist_clear(kbs_qlist_t *l);

#endif
