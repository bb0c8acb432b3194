/* gate.c - the publish gate (see gate.h). */
#include "gate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "check.h"

typedef struct gate {
    kbi_gate_item_t *items;
    size_t n;
    const kbi_gate_src_t *src;
    kb_strmap_t *final;        /* id -> index of the item holding it at the end */
    kb_strmap_t *dup_of;       /* rel of a duplicate -> path of the file keeping its id */
    /* Nodes of the versions that stay, loaded once (src->node). */
    kb_strmap_t *loaded;       /* rel -> index in KEPT, "" when there is none */
    kb_schema_node_t **kept;
    size_t n_kept, cap_kept;
} gate_t;

static int accepted(const kbi_gate_item_t *it)
{
    return it->cand && !it->bad && !it->dup;
}

static long item_of(const gate_t *g, const char *rel)
{
    size_t lo = 0, hi = g->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(g->items[mid].rel, rel);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The id item IT holds at the end, as things stand, or NULL. */
static const char *final_id(const kbi_gate_item_t *it)
{
    return accepted(it) ? it->cand->id : it->old_id;
}

/* The file holding ID before the run, when it still holds it at the end
 * and is not SELF; else NULL. */
static const char *keeper(const gate_t *g, const char *id, const char *self)
{
    const kbi_gate_src_t *s = g->src;
    const char *o = s->owner ? s->owner(s->ctx, id) : NULL;
    if (!o || strcmp(o, self) == 0 || !s->present || !s->present(s->ctx, o))
        return NULL;
    long k = item_of(g, o);
    if (k < 0)
        return o;   /* a file that did not change keeps its id */
    const char *f = final_id(&g->items[k]);
    return f && strcmp(f, id) == 0 ? o : NULL;
}

static kb_status_t mark_dup(gate_t *g, kbi_gate_item_t *it, const char *keeper_path)
{
    it->dup = 1;
    return kb_strmap_set(g->dup_of, it->rel, keeper_path);
}

/* One pass of the id rules over the accepted candidates; *CHANGED when a
 * candidate became a duplicate. */
static kb_status_t settle_once(gate_t *g, int *changed)
{
    kb_strmap_t *claim = NULL;   /* id -> index of the first claimant */
    kb_status_t st = kb_strmap_new(&claim);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < g->n; i++) {
        kbi_gate_item_t *it = &g->items[i];
        if (!accepted(it))
            continue;
        const char *k = keeper(g, it->cand->id, it->rel);
        if (k) {
            long ki = item_of(g, k);
            kb_buf_t path = KB_BUF_INIT;
            kb_buf_printf(&path, "%s/%s", g->src->root ? g->src->root : ".", k);
            st = path.oom ? KB_STATUS_OUT_OF_MEMORY
                          : mark_dup(g, it, ki >= 0 ? g->items[ki].path : path.data);
            kb_buf_free(&path);
            *changed = 1;
            continue;
        }
        const char *w = kb_strmap_get(claim, it->cand->id, NULL);
        if (!w) {
            char num[24];
            snprintf(num, sizeof num, "%zu", i);
            st = kb_strmap_set(claim, it->cand->id, num);
            continue;
        }
        kbi_gate_item_t *first = &g->items[strtoul(w, NULL, 10)];
        /* A file indexed before comes before a new one, then path order. */
        if (it->had && !first->had) {
            char num[24];
            snprintf(num, sizeof num, "%zu", i);
            st = mark_dup(g, first, it->path);
            if (st == KB_STATUS_SUCCESS)
                st = kb_strmap_set(claim, it->cand->id, num);
        } else {
            st = mark_dup(g, it, first->path);
        }
        *changed = 1;
    }
    kb_strmap_free(claim);
    return st;
}

/* Settle the ids from scratch (the bad candidates as they are): who is a
 * duplicate, and who holds each id at the end (G->final). */
static kb_status_t settle_ids(gate_t *g)
{
    kb_strmap_free(g->final);
    kb_strmap_free(g->dup_of);
    g->final = g->dup_of = NULL;
    kb_status_t st = kb_strmap_new(&g->final);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_new(&g->dup_of);
    for (size_t i = 0; i < g->n; i++)
        g->items[i].dup = 0;
    /* A duplicate gives its claim up, and its old id may take another's
     * back: repeat until nothing changes (each pass adds a duplicate). */
    for (int changed = 1; st == KB_STATUS_SUCCESS && changed;) {
        changed = 0;
        st = settle_once(g, &changed);
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < g->n; i++) {
        const char *id = final_id(&g->items[i]);
        char num[24];
        snprintf(num, sizeof num, "%zu", i);
        if (id && !kb_strmap_get(g->final, id, NULL))
            st = kb_strmap_set(g->final, id, num);
    }
    return st;
}

/* The node of the version of REL that stays (loaded once), or NULL. */
static kb_status_t kept_node(gate_t *g, const char *rel, kb_schema_node_t **out)
{
    *out = NULL;
    int found = 0;
    const char *at = kb_strmap_get(g->loaded, rel, &found);
    if (found) {
        if (at && *at)
            *out = g->kept[strtoul(at, NULL, 10)];
        return KB_STATUS_SUCCESS;
    }
    kb_schema_node_t *n = g->src->node ? calloc(1, sizeof *n) : NULL;
    kb_status_t st = g->src->node && !n ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
    if (n)
        st = g->src->node(g->src->ctx, rel, n, &found);
    if (st == KB_STATUS_SUCCESS && n && found && g->n_kept == g->cap_kept) {
        size_t cap = g->cap_kept ? 2 * g->cap_kept : 64;
        kb_schema_node_t **p = realloc(g->kept, cap * sizeof *p);
        if (!p)
            st = KB_STATUS_OUT_OF_MEMORY;
        else
            g->kept = p, g->cap_kept = cap;
    }
    char num[24] = "";
    if (st == KB_STATUS_SUCCESS && n && found) {
        snprintf(num, sizeof num, "%zu", g->n_kept);
        g->kept[g->n_kept++] = *out = n;
        n = NULL;
    }
    if (n) {
        kb_schema_node_clear(n);
        free(n);
    }
    return st == KB_STATUS_SUCCESS ? kb_strmap_set(g->loaded, rel, num) : st;
}

/* The node holding ID at the end, or NULL. */
static kb_status_t node_for(gate_t *g, const char *id, const kb_schema_node_t **out)
{
    *out = NULL;
    const char *at = kb_strmap_get(g->final, id, NULL);
    if (at) {
        kbi_gate_item_t *it = &g->items[strtoul(at, NULL, 10)];
        if (accepted(it)) {
            *out = it->cand;
            return KB_STATUS_SUCCESS;
        }
        kb_schema_node_t *n;
        kb_status_t st = kept_node(g, it->rel, &n);
        *out = n && n->id && strcmp(n->id, id) == 0 ? n : NULL;
        return st;
    }
    const kbi_gate_src_t *s = g->src;
    const char *o = s->owner ? s->owner(s->ctx, id) : NULL;
    if (!o || item_of(g, o) >= 0 || !s->present || !s->present(s->ctx, o))
        return KB_STATUS_SUCCESS;
    kb_schema_node_t *n;
    kb_status_t st = kept_node(g, o, &n);
    *out = n && n->id && strcmp(n->id, id) == 0 ? n : NULL;
    return st;
}

/* Add the node of ID (if any, and not there yet) to GR. */
static kb_status_t add_id(gate_t *g, kbi_graph_t *gr, const char *id)
{
    if (!id || kbi_graph_get(gr, id))
        return KB_STATUS_SUCCESS;
    const kb_schema_node_t *n;
    kb_status_t st = node_for(g, id, &n);
    int added;
    if (st == KB_STATUS_SUCCESS && n)
        st = kbi_graph_add(gr, (kb_schema_node_t *)n, &added);
    return st;
}

/* The graph the accepted candidates are checked against: themselves, what
 * they name, and for tiers the chain of next tiers; the ids of held-back
 * candidates that nobody holds are marked held. */
static kb_status_t build_graph(gate_t *g, kbi_graph_t *gr, size_t *checked)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    int added;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < g->n; i++)
        if (accepted(&g->items[i]))
            st = kbi_graph_add(gr, g->items[i].cand, &added);
    *checked = kbi_graph_count(gr);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < kbi_graph_count(gr); i++) {
        const kb_schema_node_t *n = kbi_graph_node(gr, i);
        int tier = n->category && strcmp(n->category, "escalation") == 0;
        if (i < *checked) {
            st = add_id(g, gr, n->escalation);
            for (size_t k = 0; st == KB_STATUS_SUCCESS && k < kbi_graph_node(gr, i)->n_links;
                 k++)
                st = add_id(g, gr, kbi_graph_node(gr, i)->links[k].target);
            n = kbi_graph_node(gr, i);   /* the graph may have moved */
        }
        if (st == KB_STATUS_SUCCESS && tier)
            st = add_id(g, gr, n->next);
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < g->n; i++) {
        const kbi_gate_item_t *it = &g->items[i];
        if (it->cand && it->bad && !kb_strmap_get(g->final, it->cand->id, NULL))
            st = kbi_graph_hold(gr, it->cand->id, it->path);
    }
    return st == KB_STATUS_SUCCESS ? kbi_graph_seal(gr) : st;
}

/* One round: check every accepted candidate; the ones in error become
 * bad, their errors going to their diags.  *FRESH counts them.  Each
 * round but the last holds back at least one more candidate, so a chain
 * of new articles linking to a broken one settles in as many rounds as it
 * is long. */
static kb_status_t check_round(gate_t *g, size_t *fresh)
{
    *fresh = 0;
    kbi_graph_t *gr = NULL;
    kb_diags_t *tmp = NULL;
    size_t checked = 0;
    kb_status_t st = kbi_graph_new(&gr);
    if (st == KB_STATUS_SUCCESS) {
        kbi_graph_borrow(gr);
        st = kb_diags_new(&tmp);
    }
    if (st == KB_STATUS_SUCCESS)
        st = build_graph(g, gr, &checked);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < g->n; i++) {
        kbi_gate_item_t *it = &g->items[i];
        if (!accepted(it))
            continue;
        kb_diags_clear(tmp);
        if (kbi_check_node(gr, it->cand, NULL, KBI_CHECK_ERRORS, tmp)) {
            it->bad = 1;
            kb_diags_extend(it->diags, tmp);
            (*fresh)++;
        }
    }
    kb_diags_free(tmp);
    kbi_graph_free(gr);
    return st;
}

static void gate_free(gate_t *g)
{
    kb_strmap_free(g->final);
    kb_strmap_free(g->dup_of);
    kb_strmap_free(g->loaded);
    for (size_t i = 0; i < g->n_kept; i++) {
        kb_schema_node_clear(g->kept[i]);
        free(g->kept[i]);
    }
    free(g->kept);
}

/* The duplicates' messages, once the ids are settled. */
static void say_duplicates(gate_t *g)
{
    for (size_t i = 0; i < g->n; i++) {
        kbi_gate_item_t *it = &g->items[i];
        const char *keeper_path = it->dup ? kb_strmap_get(g->dup_of, it->rel, NULL) : NULL;
        if (!keeper_path)
            continue;
        kb_diags_add(it->diags, KB_DIAG_ERROR, it->path, kb_schema_node_line(it->cand, KB_NODE_ID),
                     "duplicate id '%s': %s has it, so %s is not published; give it an id of "
                     "its own", it->cand->id, keeper_path, it->path);
    }
}

kb_status_t kbi_gate_run(kbi_gate_item_t *items, size_t n, const kbi_gate_src_t *src,
                         size_t *held)
{
    gate_t g;
    memset(&g, 0, sizeof g);
    g.items = items;
    g.n = n;
    g.src = src;
    if (held)
        *held = 0;
    kb_status_t st = kb_strmap_new(&g.loaded);
    for (size_t i = 0; i < n; i++)
        items[i].bad = items[i].dup = items[i].held = 0;
    for (size_t fresh = 1; st == KB_STATUS_SUCCESS && fresh;) {
        st = settle_ids(&g);
        if (st == KB_STATUS_SUCCESS)
            st = check_round(&g, &fresh);
    }
    if (st == KB_STATUS_SUCCESS)
        say_duplicates(&g);
    for (size_t i = 0; i < n; i++) {
        items[i].held = items[i].cand && (items[i].bad || items[i].dup);
        if (held)
            *held += (size_t)items[i].held;
    }
    gate_free(&g);
    return st;
}
