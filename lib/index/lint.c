/* lint.c - kb_lint_check: check a KB folder without writing anything.
 *
 * Every article is parsed; the publish gate (gate.c, the code indexing
 * runs use) decides which would be held back, with the errors of check.c;
 * then the warnings of each article, what lint alone sees across articles
 * (lintmore.h), and the review worklist. */
#include "kb/index.h"
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/date.h"
#include "check.h"
#include "gate.h"
#include "lintmore.h"
#include "scan.h"
#include "synonyms.h"

/* Reviews due within this many days are listed by default. */
#define LINT_WITHIN_DEFAULT 30

typedef struct lint {
    const kb_lint_opts_t *o;
    char today[11];
    kb_diags_t *diags;
    kbi_scan_t scan;
    kbi_gate_item_t *items;    /* one per article parsed, in path order */
    kb_schema_node_t *nodes;
    size_t n;
    kbi_questions_t *questions;
    kbi_graph_t *all;          /* every article, for the pins */
    kb_lint_result_t *res;
} lint_t;

static void review_clear(kb_review_t *v)
{
    free(v->path);
    free(v->id);
    free(v->title);
    free(v->owner);
    free(v->review_by);
    free(v->status);
}

void kb_lint_result_free(kb_lint_result_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_reviews; i++)
        review_clear(&r->reviews[i]);
    free(r->reviews);
    free(r);
}

static char *dup_opt(const char *s, int *oom)
{
    char *c = s ? kb_strdup(s) : NULL;
    *oom |= s && !c;
    return c;
}

/* A's review, if it is past or due within the window (and OPTS->owner's). */
static kb_status_t note_review(lint_t *l, const kb_article_t *a)
{
    const kb_lint_opts_t *o = l->o;
    if (!a->review_by || (o->owner && (!a->owner || strcmp(a->owner, o->owner) != 0)))
        return KB_STATUS_SUCCESS;
    long days = kb_date_days(l->today, a->review_by);
    if (days > (o->within_days < 0 ? LINT_WITHIN_DEFAULT : o->within_days))
        return KB_STATUS_SUCCESS;
    kb_lint_result_t *r = l->res;
    if (r->n_reviews % 32 == 0) {
        kb_review_t *p = realloc(r->reviews, (r->n_reviews + 32) * sizeof *p);
        if (!p)
            return KB_STATUS_OUT_OF_MEMORY;
        r->reviews = p;
    }
    kb_review_t *v = &r->reviews[r->n_reviews++];
    int oom = 0;
    *v = (kb_review_t){dup_opt(a->path, &oom), dup_opt(a->id, &oom),
                       dup_opt(a->title ? a->title : a->id, &oom), dup_opt(a->owner, &oom),
                       dup_opt(a->review_by, &oom), days, dup_opt(a->status, &oom)};
    return oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
}

/* Parse file I of the scan into the next item. */
static kb_status_t read_one(lint_t *l, size_t i)
{
    kb_article_t *a;
    kb_status_t st = kb_article_load(l->scan.files[i].path, l->diags, &a);
    if (st != KB_STATUS_SUCCESS)
        return st == KB_STATUS_OUT_OF_MEMORY ? st : KB_STATUS_SUCCESS;
    kb_schema_node_t *n = &l->nodes[l->n];
    st = kb_schema_node_of(a, n);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_questions_add(l->questions, a, l->diags);
    if (st == KB_STATUS_SUCCESS)
        st = note_review(l, a);
    if (st == KB_STATUS_SUCCESS) {
        l->items[l->n] = (kbi_gate_item_t){l->scan.files[i].rel, n->path, n, NULL, 0, l->diags,
                                          0, 0, 0};
        l->n++;
    } else {
        kb_schema_node_clear(n);
    }
    kb_article_free(a);
    return st;
}

/* The warnings of each article (its errors came from the gate). */
static kb_status_t warn_all(lint_t *l)
{
    kbi_graph_t *g = NULL;
    kb_status_t st = kbi_graph_new(&g);
    int added;
    if (st == KB_STATUS_SUCCESS)
        kbi_graph_borrow(g);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < l->n; i++)
        st = kbi_graph_add(g, &l->nodes[i], &added);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_graph_seal(g);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < l->n; i++)
        kbi_check_node(g, &l->nodes[i], l->today, KBI_CHECK_WARNINGS, l->diags);
    l->all = g;
    return st;
}

static const kb_schema_node_t *node_by_id(void *ctx, const char *id)
{
    return kbi_graph_get(ctx, id);
}

/* synonyms.txt and pins.txt. */
static kb_status_t lint_files(lint_t *l)
{
    kbi_synonyms_t syn;
    memset(&syn, 0, sizeof syn);
    kb_status_t st = KB_STATUS_SUCCESS;
    if (l->scan.synonyms) {
        st = kbi_synonyms_load(l->scan.synonyms, l->diags, &syn);
        if (st == KB_STATUS_SUCCESS)
            kbi_synonyms_overlap(l->scan.synonyms, &syn, l->diags);
        st = st == KB_STATUS_OUT_OF_MEMORY ? st : KB_STATUS_SUCCESS;
    }
    if (st == KB_STATUS_SUCCESS && l->scan.pins) {
        kb_schema_pins_t pins;
        st = kbi_pins_load(l->scan.pins, &syn, l->diags, &pins);
        if (st == KB_STATUS_SUCCESS)
            kbi_pins_check(&pins, l->scan.pins, node_by_id, l->all, l->diags);
        kb_schema_pins_clear(&pins);
        st = st == KB_STATUS_OUT_OF_MEMORY ? st : KB_STATUS_SUCCESS;
    }
    kbi_synonyms_free(&syn);
    return st;
}

static int by_review(const void *a, const void *b)
{
    const kb_review_t *x = a, *y = b;
    int c = strcmp(x->review_by, y->review_by);
    return c ? c : strcmp(x->path, y->path);
}

/* Everything after the scan. */
static kb_status_t lint_scanned(lint_t *l)
{
    size_t cap = l->scan.n ? l->scan.n : 1;
    l->items = calloc(cap, sizeof *l->items);
    l->nodes = calloc(cap, sizeof *l->nodes);
    kb_status_t st = l->items && l->nodes ? kbi_questions_new(&l->questions)
                                          : KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < l->scan.n; i++)
        st = read_one(l, i);
    kbi_gate_src_t none = {l->o->kb_dir, NULL, NULL, NULL, NULL};
    if (st == KB_STATUS_SUCCESS)
        st = kbi_gate_run(l->items, l->n, &none, NULL);
    if (st == KB_STATUS_SUCCESS)
        st = warn_all(l);
    if (st == KB_STATUS_SUCCESS)
        st = lint_files(l);
    if (st == KB_STATUS_SUCCESS && l->res->n_reviews)
        qsort(l->res->reviews, l->res->n_reviews, sizeof *l->res->reviews, by_review);
    l->res->articles = l->n;
    l->res->ignored = l->scan.ignored;
    return st;
}

static void set_today(lint_t *l, const char *today)
{
    if (today) {
        snprintf(l->today, sizeof l->today, "%s", today);
        return;
    }
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(l->today, sizeof l->today, "%Y-%m-%d", &tm);
}

kb_status_t kb_lint_check(const kb_lint_opts_t *opts, kb_diags_t *diags, kb_lint_result_t **out,
                          char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    if (!opts || !opts->kb_dir)
        return KB_STATUS_BAD_ARGUMENT;
    lint_t l;
    memset(&l, 0, sizeof l);
    l.o = opts;
    l.diags = diags;
    set_today(&l, opts->today);
    if (!(l.res = calloc(1, sizeof *l.res)))
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = kbi_scan(opts->kb_dir, diags, &l.scan);
    if (st == KB_STATUS_FILE_ERROR && message) {
        kb_buf_t m = KB_BUF_INIT;
        kb_buf_printf(&m, "cannot read the KB folder %s: %s", opts->kb_dir, strerror(errno));
        *message = kb_buf_take(&m);
    }
    if (st == KB_STATUS_SUCCESS)
        st = lint_scanned(&l);
    kbi_graph_free(l.all);
    for (size_t i = 0; i < l.n; i++)
        kb_schema_node_clear(&l.nodes[i]);
    free(l.nodes);
    free(l.items);
    kbi_questions_free(l.questions);
    kbi_scan_free(&l.scan);
    kb_diags_sort(diags);
    if (st != KB_STATUS_SUCCESS) {
        kb_lint_result_free(l.res);
        return st;
    }
    *out = l.res;
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_lint_run(const char *kb_dir, const char *today, kb_diags_t *diags,
                        size_t *articles, char **message)
{
    if (articles)
        *articles = 0;
    kb_lint_opts_t o = {kb_dir, today, 0, NULL};
    kb_lint_result_t *r = NULL;
    kb_status_t st = kb_lint_check(&o, diags, &r, message);
    if (st == KB_STATUS_SUCCESS && articles)
        *articles = r->articles;
    kb_lint_result_free(r);
    return st;
}
