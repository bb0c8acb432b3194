/* check.c - the checks of one article against the KB (see check.h). */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "kb/article.h"
#include "schema/hours.h"

struct kbi_graph {
    kb_schema_node_t *nodes;
    size_t n, cap;
    kb_strmap_t *ids;        /* id -> index of its node, decimal */
    const char **cycle_min;  /* per node: the smallest id of its cycle, or NULL */
    int sealed;
};

kb_status_t kbi_graph_new(kbi_graph_t **out)
{
    *out = NULL;
    kbi_graph_t *g = calloc(1, sizeof *g);
    if (!g || kb_strmap_new(&g->ids) != KB_STATUS_SUCCESS) {
        free(g);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *out = g;
    return KB_STATUS_SUCCESS;
}

void kbi_graph_free(kbi_graph_t *g)
{
    if (!g)
        return;
    for (size_t i = 0; i < g->n; i++)
        kb_schema_node_clear(&g->nodes[i]);
    free(g->nodes);
    free(g->cycle_min);
    kb_strmap_free(g->ids);
    free(g);
}

static long index_of(const kbi_graph_t *g, const char *id)
{
    const char *v = id ? kb_strmap_get(g->ids, id, NULL) : NULL;
    return v ? strtol(v, NULL, 10) : -1;
}

const kb_schema_node_t *kbi_graph_get(const kbi_graph_t *g, const char *id)
{
    long i = index_of(g, id);
    return i < 0 ? NULL : &g->nodes[i];
}

const kb_schema_node_t *kbi_graph_node(const kbi_graph_t *g, size_t i)
{
    return &g->nodes[i];
}

size_t kbi_graph_count(const kbi_graph_t *g)
{
    return g ? g->n : 0;
}

kb_status_t kbi_graph_add(kbi_graph_t *g, kb_schema_node_t *node, int *added)
{
    *added = 0;
    if (g->sealed || !node->id)
        return KB_STATUS_BAD_ARGUMENT;
    if (index_of(g, node->id) >= 0)
        return KB_STATUS_SUCCESS;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 64;
        kb_schema_node_t *p = realloc(g->nodes, cap * sizeof *p);
        if (!p)
            return KB_STATUS_OUT_OF_MEMORY;
        g->nodes = p;
        g->cap = cap;
    }
    char num[24];
    snprintf(num, sizeof num, "%zu", g->n);
    kb_status_t st = kb_strmap_set(g->ids, node->id, num);
    if (st != KB_STATUS_SUCCESS)
        return st;
    g->nodes[g->n++] = *node;
    memset(node, 0, sizeof *node);
    *added = 1;
    return KB_STATUS_SUCCESS;
}

static int is_escalation(const kb_schema_node_t *n)
{
    return n && n->category && strcmp(n->category, "escalation") == 0;
}

static long next_of(const kbi_graph_t *g, size_t i)
{
    return is_escalation(&g->nodes[i]) ? index_of(g, g->nodes[i].next) : -1;
}

/* Each tier has at most one next: walk from every unvisited tier, marking
 * the walk; meeting a node of this walk again closes a cycle.  Every node
 * is walked once. */
kb_status_t kbi_graph_seal(kbi_graph_t *g)
{
    if (g->sealed)
        return KB_STATUS_SUCCESS;
    unsigned char *state = calloc(g->n ? g->n : 1, 1);   /* 0 new, 1 on walk, 2 done */
    g->cycle_min = calloc(g->n ? g->n : 1, sizeof *g->cycle_min);
    if (!state || !g->cycle_min) {
        free(state);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    for (size_t s = 0; s < g->n; s++) {
        long i = (long)s;
        while (i >= 0 && state[i] == 0) {
            state[i] = 1;
            i = next_of(g, (size_t)i);
        }
        if (i >= 0 && state[i] == 1) {
            /* I is on a cycle of this walk: find its smallest id. */
            const char *min = g->nodes[i].id;
            for (long k = next_of(g, (size_t)i); k != i; k = next_of(g, (size_t)k))
                if (strcmp(g->nodes[k].id, min) < 0)
                    min = g->nodes[k].id;
            long k = i;
            do {
                g->cycle_min[k] = min;
                k = next_of(g, (size_t)k);
            } while (k != i);
        }
        for (long k = (long)s; k >= 0 && state[k] == 1; k = next_of(g, (size_t)k))
            state[k] = 2;
    }
    free(state);
    g->sealed = 1;
    return KB_STATUS_SUCCESS;
}

static int known_category(const char *c)
{
    for (const char *const *k = kb_article_categories(); *k; k++)
        if (strcmp(*k, c) == 0)
            return 1;
    return 0;
}

typedef struct ctx {
    kb_diags_t *d;
    const char *path;
    int warnings;
    size_t errors;
} ctx_t;

#define ERR(line, ...) (c->errors++, kb_diags_add(c->d, KB_DIAG_ERROR, c->path, line, __VA_ARGS__))
#define WARN(line, ...)                                                                       \
    do {                                                                                      \
        if (c->warnings)                                                                      \
            kb_diags_add(c->d, KB_DIAG_WARNING, c->path, line, __VA_ARGS__);                  \
    } while (0)

/* The checks that need nothing but the article itself. */
static void check_own(ctx_t *c, const kb_schema_node_t *a, const char *today)
{
    if (!a->has_title)
        ERR(1, "missing title (add 'title:' or a # heading)");
    if (!a->category)
        ERR(1, "missing category");
    else if (!known_category(a->category))
        ERR(1, "unknown category '%s' (policy, product, troubleshooting, security, "
               "guidance or escalation)", a->category);
    if (a->n_questions + a->n_phrases > KB_ARTICLE_MAX_QUESTIONS)
        WARN(1, "%u questions and phrases: only the first %d are searched",
             a->n_questions + a->n_phrases, KB_ARTICLE_MAX_QUESTIONS);
    if (!a->n_questions && !is_escalation(a))
        WARN(1, "no questions: add how customers ask about this");
    if (a->review_by && today && strcmp(a->review_by, today) < 0)
        WARN(1, "review date %s has passed", a->review_by);
    if (!is_escalation(a)) {
        if (a->has_contact || a->hours || a->has_sla || a->next)
            WARN(1, "contact/hours/sla/next only mean something on escalation articles");
        return;
    }
    if (!a->has_contact)
        ERR(1, "escalation tier without 'contact'");
    if (!a->has_sla)
        ERR(1, "escalation tier without 'sla'");
    if (!a->hours) {
        ERR(1, "escalation tier without 'hours'");
    } else {
        kb_hours_t h;
        char err[128];
        if (kb_hours_parse(a->hours, &h, err, sizeof err) != KB_STATUS_SUCCESS)
            ERR(1, "malformed hours '%s': %s", a->hours, err);
    }
}

size_t kbi_check_node(const kbi_graph_t *g, const kb_schema_node_t *a, const char *today,
                      int warnings, kb_diags_t *diags)
{
    ctx_t cx = {diags, a->path ? a->path : "", warnings, 0}, *c = &cx;
    check_own(c, a, today);
    if (a->escalation) {
        const kb_schema_node_t *t = kbi_graph_get(g, a->escalation);
        if (!t)
            ERR(1, "unknown escalation id '%s'", a->escalation);
        else if (!is_escalation(t))
            ERR(1, "escalation '%s' is not an escalation article (category: %s)",
                a->escalation, t->category ? t->category : "none");
    }
    for (size_t i = 0; i < a->n_links; i++)
        if (!kbi_graph_get(g, a->links[i].target))
            ERR(a->links[i].line, "broken link: no article with id '%s'", a->links[i].target);
    if (is_escalation(a) && a->next) {
        const kb_schema_node_t *t = kbi_graph_get(g, a->next);
        if (!t)
            ERR(1, "unknown next tier '%s'", a->next);
        else if (!is_escalation(t))
            ERR(1, "next tier '%s' is not an escalation article", a->next);
    }
    long i = index_of(g, a->id);
    const char *min = i >= 0 && g->cycle_min ? g->cycle_min[i] : NULL;
    if (min && strcmp(min, a->id) == 0) {
        kb_buf_t path = KB_BUF_INIT;
        const kb_schema_node_t *p = a;
        do {
            kb_buf_printf(&path, "%s -> ", p->id);
            p = kbi_graph_get(g, p->next);
        } while (p && p != &g->nodes[i]);
        kb_buf_adds(&path, a->id);
        ERR(1, "escalation cycle: %s", path.data ? path.data : "");
        kb_buf_free(&path);
    }
    return c->errors;
}

size_t kbi_check_graph(const kbi_graph_t *g, const char *today, int warnings, kb_diags_t *diags)
{
    size_t errors = 0;
    for (size_t i = 0; i < g->n; i++)
        errors += kbi_check_node(g, &g->nodes[i], today, warnings, diags);
    return errors;
}
