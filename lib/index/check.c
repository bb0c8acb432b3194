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
    kb_strmap_t *held;       /* id -> path of an article held back by its errors */
    const char **cycle_min;  /* per node: the smallest id of its cycle, or NULL */
    int sealed;
    int borrowing;           /* the nodes are the caller's (kbi_graph_borrow) */
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
    for (size_t i = 0; i < g->n && !g->borrowing; i++)
        kb_schema_node_clear(&g->nodes[i]);
    free(g->nodes);
    free(g->cycle_min);
    kb_strmap_free(g->ids);
    kb_strmap_free(g->held);
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

void kbi_graph_borrow(kbi_graph_t *g)
{
    g->borrowing = 1;
}

kb_status_t kbi_graph_hold(kbi_graph_t *g, const char *id, const char *path)
{
    if (!g->held && kb_strmap_new(&g->held) != KB_STATUS_SUCCESS)
        return KB_STATUS_OUT_OF_MEMORY;
    return kb_strmap_set(g->held, id, path);
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
    if (!g->borrowing)
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
    const kbi_graph_t *g;
    kb_diags_t *d;
    const char *path;
    int warnings;
    size_t errors;
} ctx_t;

#define ERR(line, ...)                                                                        \
    do {                                                                                      \
        c->errors++;                                                                          \
        if (c->warnings != KBI_CHECK_WARNINGS)                                                \
            kb_diags_add(c->d, KB_DIAG_ERROR, c->path, line, __VA_ARGS__);                    \
    } while (0)
#define WARN(line, ...)                                                                       \
    do {                                                                                      \
        if (c->warnings != KBI_CHECK_ERRORS)                                                  \
            kb_diags_add(c->d, KB_DIAG_WARNING, c->path, line, __VA_ARGS__);                  \
    } while (0)
#define LINE(k) kb_schema_node_line(a, KB_NODE_##k)

static int known_status(const char *s)
{
    for (const char *const *k = kb_article_statuses(); *k; k++)
        if (strcmp(*k, s) == 0)
            return 1;
    return 0;
}

/* The checks of a tier's own fields. */
static void check_tier(ctx_t *c, const kb_schema_node_t *a)
{
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
            ERR(LINE(HOURS), "malformed hours '%s': %s", a->hours, err);
    }
}

/* The checks that need nothing but the article itself. */
static void check_own(ctx_t *c, const kb_schema_node_t *a, const char *today)
{
    if (!a->has_title)
        ERR(1, "missing title (add 'title:' or a # heading)");
    else if (a->title_len > KBI_TITLE_MAX)
        WARN(LINE(TITLE), "the title is %u characters long: keep it under %d so it fits a "
             "result line; say the rest in the questions or the first paragraph",
             a->title_len, KBI_TITLE_MAX);
    if (!a->category)
        ERR(1, "missing category");
    else if (!known_category(a->category))
        ERR(LINE(CATEGORY), "unknown category '%s' (policy, product, troubleshooting, security, "
            "guidance or escalation)", a->category);
    if (a->status && !known_status(a->status))
        ERR(LINE(STATUS), "unknown status '%s' (published, draft or archived)", a->status);
    if (a->no_text)
        ERR(1, "no text: the body is empty or holds only headings; write the answer below the "
               "front matter");
    if (a->n_questions + a->n_phrases > KB_ARTICLE_MAX_QUESTIONS)
        WARN(LINE(QUESTIONS), "%u questions and phrases: only the first %d are searched",
             a->n_questions + a->n_phrases, KB_ARTICLE_MAX_QUESTIONS);
    if (!a->n_questions && !is_escalation(a))
        WARN(1, "no questions: add how customers ask about this");
    if (a->review_by && today && strcmp(a->review_by, today) < 0)
        WARN(LINE(REVIEW_BY), "review date %s has passed", a->review_by);
    if (!is_escalation(a)) {
        int line = a->has_contact ? LINE(CONTACT) : a->hours ? LINE(HOURS)
                 : a->has_sla ? LINE(SLA) : LINE(NEXT);
        if (a->has_contact || a->hours || a->has_sla || a->next)
            WARN(line, "contact/hours/sla/next only mean something on escalation articles");
        return;
    }
    check_tier(c, a);
}

/* Article A names ID (as WHAT, at LINE): an error when no article has it
 * (or it is held back by its errors), or when A is published and ID is
 * not.  Returns the node of ID, or NULL. */
static const kb_schema_node_t *check_ref(ctx_t *c, const kb_schema_node_t *a, const char *id,
                                         const char *what, int line)
{
    const kb_schema_node_t *t = kbi_graph_get(c->g, id);
    const char *held = !t && c->g->held ? kb_strmap_get(c->g->held, id, NULL) : NULL;
    int link = strcmp(what, "link") == 0;
    const char *hidden = t && kb_schema_node_published(a) && !kb_schema_node_published(t)
                             ? (strcmp(t->status, "draft") == 0 ? "a draft" : "archived")
                             : NULL;
    if (held && link)
        ERR(line, "broken link: '%s' is held back by its own errors (%s): fix those first", id,
            held);
    else if (held)
        ERR(line, "%s '%s' is held back by its own errors (%s): fix those first", what, id,
            held);
    else if (!t && link)
        ERR(line, "broken link: no article with id '%s'", id);
    else if (!t)
        ERR(line, "unknown %s id '%s'", what, id);
    else if (hidden && link)
        ERR(line, "link to '%s', which is %s: officers cannot open it; publish it first", id,
            hidden);
    else if (hidden)
        ERR(line, "%s '%s' is %s: officers cannot be sent there; publish it first", what, id,
            hidden);
    return t;
}

size_t kbi_check_node(const kbi_graph_t *g, const kb_schema_node_t *a, const char *today,
                      int warnings, kb_diags_t *diags)
{
    ctx_t cx = {g, diags, a->path ? a->path : "", warnings, 0}, *c = &cx;
    check_own(c, a, today);
    if (a->escalation) {
        const kb_schema_node_t *t = check_ref(c, a, a->escalation, "escalation",
                                              LINE(ESCALATION));
        if (t && !is_escalation(t))
            ERR(LINE(ESCALATION), "escalation '%s' is not an escalation article (category: %s)",
                a->escalation, t->category ? t->category : "none");
    }
    for (size_t i = 0; i < a->n_links; i++)
        check_ref(c, a, a->links[i].target, "link", a->links[i].line);
    if (is_escalation(a) && a->next) {
        const kb_schema_node_t *t = check_ref(c, a, a->next, "next tier", LINE(NEXT));
        if (t && !is_escalation(t))
            ERR(LINE(NEXT), "next tier '%s' is not an escalation article", a->next);
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
        ERR(LINE(NEXT), "escalation cycle: %s", path.data ? path.data : "");
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
