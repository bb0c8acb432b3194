/* audit.c - what a run checks before it writes and after: the guard
 * against removing most of the index, and the lint of the indexed KB.
 *
 * The guard: an empty folder, a typo in its name, an unmounted share or a
 * checkout in progress look to the scan exactly like a KB whose articles
 * were deleted.  Removing every indexed article, or more than half of them
 * (from KBI_GUARD_MIN articles on), is therefore refused unless the caller
 * says so (kb-index --allow-removals).
 *
 * The lint: every run checks the KB as it is now indexed with check.c, the
 * code --check uses, so indexing and --check agree on what is an error,
 * for unchanged articles too (a link to an article just deleted).  Changed
 * articles are checked from what was just parsed, the others from their
 * lint nodes (N:), without reading their files.  kb:lint lists the files
 * in error after the last run.  A whole check loads every node; it is
 * needed when the run changed what other articles' checks look at (an id
 * added, removed or moved, a tier made or unmade, a next tier changed) or
 * in a full run.  Otherwise the verdict of an unchanged article cannot
 * have changed, and only the changed articles and those listed in kb:lint
 * (to report their errors again) are checked, against the nodes they name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check.h"
#include "run.h"
#include "schema/schema.h"

/* Below this many indexed articles only removing all of them is refused. */
#define KBI_GUARD_MIN 10
/* The first line of kb:lint (a missing key reads as "": unknown). */
#define LINT_HEAD "files in error:\n"

kb_status_t kbi_guard_removals(run_t *r)
{
    kb_strmap_t *recs = r->full ? r->old_records : r->records;
    size_t before = recs ? kb_strmap_count(recs) : 0, gone = 0;
    if (r->opts->allow_removals || !before || (r->unreadable && !r->full))
        return KB_STATUS_SUCCESS;
    size_t pos = 0;
    const char *rel, *rec;
    while (kb_strmap_next(recs, &pos, &rel, &rec)) {
        int found;
        kb_strmap_get(r->present, rel, &found);
        gone += !found;
    }
    if (gone < before && (before < KBI_GUARD_MIN || gone * 2 <= before))
        return KB_STATUS_SUCCESS;
    kb_buf_printf(&r->msg, "refusing to remove %zu of the %zu articles in the index: ", gone,
                  before);
    if (!r->scan.n)
        kb_buf_printf(&r->msg, "%s holds no articles (an empty or mistyped folder, an "
                               "unmounted share, a checkout in progress?)", r->root);
    else
        kb_buf_printf(&r->msg, "their files are not in %s (%zu files are)", r->root, r->scan.n);
    kb_buf_adds(&r->msg, "; the index is left as it was (kb-index --allow-removals removes "
                         "them)");
    return r->msg.oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_REFUSED;
}

kb_status_t kbi_audit_begin(run_t *r)
{
    return kb_strmap_new(&r->nodes);
}

/* What other articles' checks look at in node JSON: its id, whether it is
 * a tier, and a tier's next.  Into B as "id|1|next". */
static void signature(kb_buf_t *b, const char *json)
{
    kb_schema_node_t n;
    kb_buf_clear(b);
    if (!json || kb_schema_node_decode(json, strlen(json), &n) != KB_STATUS_SUCCESS)
        return;
    int tier = n.category && strcmp(n.category, "escalation") == 0;
    kb_buf_printf(b, "%s|%d|%s", n.id, tier, tier && n.next ? n.next : "");
    kb_schema_node_clear(&n);
}

kb_status_t kbi_audit_changed(run_t *r, const char *rel, const char *node)
{
    if (r->graph_changed || r->full)
        return KB_STATUS_SUCCESS;
    kb_buf_t key = KB_BUF_INIT, a = KB_BUF_INIT, b = KB_BUF_INIT;
    kb_buf_printf(&key, "%s%s", KB_META_NODE, rel);
    char *old = NULL;
    kb_status_t st = key.oom ? KB_STATUS_OUT_OF_MEMORY
                             : kb_xdb_get_metadata(r->db, key.data, &old, NULL);
    if (st == KB_STATUS_SUCCESS) {
        signature(&a, old);
        signature(&b, node);
        r->graph_changed = !a.len || !b.len || strcmp(a.data, b.data) != 0 || a.oom || b.oom;
    }
    free(old);
    kb_buf_free(&key);
    kb_buf_free(&a);
    kb_buf_free(&b);
    return st;
}

int kbi_node_of(run_t *r, const char *rel, kb_schema_node_t *out, kb_status_t *st)
{
    const char *json = kb_strmap_get(r->nodes, rel, NULL);
    char *stored = NULL;
    if (!json) {
        kb_buf_t key = KB_BUF_INIT;
        kb_buf_printf(&key, "%s%s", KB_META_NODE, rel);
        *st = key.oom ? KB_STATUS_OUT_OF_MEMORY
                      : kb_xdb_get_metadata(r->db, key.data, &stored, NULL);
        kb_buf_free(&key);
        json = stored;
    }
    int ok = *st == KB_STATUS_SUCCESS && json && json[0] &&
             kb_schema_node_decode(json, strlen(json), out) == KB_STATUS_SUCCESS;
    free(stored);
    if (ok) {
        kb_buf_t path = KB_BUF_INIT;
        kb_buf_printf(&path, "%s/%s", r->root, rel);
        out->path = kb_buf_take(&path);
        if (!out->path) {
            kb_schema_node_clear(out);
            *st = KB_STATUS_OUT_OF_MEMORY;
            ok = 0;
        }
    }
    return ok;
}

/* Add the node of REL to G (if it has one and its id is not there yet). */
static kb_status_t add_rel(run_t *r, kbi_graph_t *g, const char *rel)
{
    kb_schema_node_t n;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (!kbi_node_of(r, rel, &n, &st))
        return st;
    int added = 0;
    if (!kbi_graph_get(g, n.id))
        st = kbi_graph_add(g, &n, &added);
    kb_schema_node_clear(&n);
    return st;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The rels to check, sorted: every file with a record (WHOLE), or the
 * files changed in this run and those in error after the last (LAST, the
 * kb:lint list, "\n"-separated). */
static kb_status_t rels_to_check(run_t *r, int whole, char *last, kb_strlist_t *out)
{
    size_t pos = 0;
    const char *rel, *v;
    while (kb_strmap_next(whole ? r->records : r->nodes, &pos, &rel, &v))
        if (!kb_strlist_push(out, rel, strlen(rel)))
            return KB_STATUS_OUT_OF_MEMORY;
    char *list = last && !whole ? last + strlen(LINT_HEAD) : NULL;
    for (char *save = NULL, *l = list ? strtok_r(list, "\n", &save) : NULL; l;
         l = strtok_r(NULL, "\n", &save)) {
        int found;
        kb_strmap_get(r->records, l, &found);
        if (found && !kb_strmap_get(r->nodes, l, NULL) && !kb_strlist_push(out, l, strlen(l)))
            return KB_STATUS_OUT_OF_MEMORY;
    }
    if (out->n)
        qsort(out->items, out->n, sizeof *out->items, by_str);
    return KB_STATUS_SUCCESS;
}

/* Add what the checks of the first CHECKED nodes of G look up: the nodes
 * they name (escalation, next, links) and, for tiers, the chain of next
 * tiers (for cycles). */
static kb_status_t add_named(run_t *r, kbi_graph_t *g, size_t checked)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < kbi_graph_count(g); i++) {
        const kb_schema_node_t *n = kbi_graph_node(g, i);
        int tier = n->category && strcmp(n->category, "escalation") == 0;
        size_t k = i < checked ? 0 : 1, total = i < checked ? n->n_links + 2 : 2;
        for (; st == KB_STATUS_SUCCESS && k < total; k++) {
            const char *id = k == 0 ? n->escalation : k == 1 ? (tier ? n->next : NULL)
                                                             : n->links[k - 2].target;
            const char *rel = id && !kbi_graph_get(g, id) ? kb_strmap_get(r->ids, id, NULL) : NULL;
            if (rel) {
                st = add_rel(r, g, rel);
                n = kbi_graph_node(g, i);   /* the graph may have moved */
            }
        }
    }
    return st;
}

/* Store the list of files in error (sorted) as kb:lint if it changed. */
static kb_status_t store_list(run_t *r, const char *last, kb_diags_t *found)
{
    kb_strlist_t files = {0};
    size_t plen = strlen(r->root) + 1;
    for (size_t i = 0; i < kb_diags_count(found); i++) {
        const kb_diag_t *d = kb_diags_get(found, i);
        const char *rel = strlen(d->path) > plen ? d->path + plen : d->path;
        if (!kb_strlist_has(&files, rel) && !kb_strlist_push(&files, rel, strlen(rel))) {
            kb_strlist_clear(&files);
            return KB_STATUS_OUT_OF_MEMORY;
        }
    }
    if (files.n)
        qsort(files.items, files.n, sizeof *files.items, by_str);
    kb_buf_t now = KB_BUF_INIT;
    kb_buf_adds(&now, LINT_HEAD);
    for (size_t i = 0; i < files.n; i++)
        kb_buf_printf(&now, "%s\n", files.items[i]);
    kb_strlist_clear(&files);
    kb_status_t st = now.oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
    if (st == KB_STATUS_SUCCESS && (!last || strcmp(last, now.data) != 0)) {
        st = kb_xdb_set_metadata(r->db, KB_META_LINT, now.data, now.len);
        r->dirty++;
    }
    kb_buf_free(&now);
    return st;
}

/* ERRS into R->diags, but for the files whose new version the gate held
 * back: it said what is wrong with that version, and the one that stays
 * is not what the editor is working on. */
static void report(run_t *r, const kb_diags_t *errs)
{
    size_t plen = strlen(r->root) + 1;
    for (size_t i = 0; i < kb_diags_count(errs); i++) {
        const kb_diag_t *d = kb_diags_get(errs, i);
        const char *rel = strlen(d->path) > plen ? d->path + plen : d->path;
        int held = 0;
        if (r->held)
            kb_strmap_get(r->held, rel, &held);
        if (!held)
            kb_diags_add(r->diags, d->level, d->path, d->line, "%s", d->message);
    }
}

kb_status_t kbi_audit_end(run_t *r)
{
    char *last = NULL;
    kb_status_t st = kb_xdb_get_metadata(r->db, KB_META_LINT, &last, NULL);
    int found = st == KB_STATUS_SUCCESS && !strncmp(last, LINT_HEAD, strlen(LINT_HEAD));
    int whole = r->full || r->graph_changed || !found;
    kb_strlist_t rels = {0};
    kbi_graph_t *g = NULL;
    kb_diags_t *errs = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = rels_to_check(r, whole, last, &rels);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_graph_new(&g);
    if (st == KB_STATUS_SUCCESS)
        st = kb_diags_new(&errs);
    /* The nodes to check first (whole: all), then what they name. */
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < rels.n; i++)
        st = add_rel(r, g, rels.items[i]);
    size_t checked = kbi_graph_count(g);
    if (st == KB_STATUS_SUCCESS && !whole)
        st = add_named(r, g, checked);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_graph_seal(g);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < checked; i++)
        kbi_check_node(g, kbi_graph_node(g, i), NULL, 0, errs);
    if (st == KB_STATUS_SUCCESS && whole)
        st = kbi_moves_report(r, g);
    if (st == KB_STATUS_SUCCESS)
        st = store_list(r, found ? last : NULL, errs);
    report(r, errs);
    kb_diags_free(errs);
    kbi_graph_free(g);
    kb_strlist_clear(&rels);
    free(last);
    return st;
}
