/* audit.c - what a run checks before it writes and after: the guard
 * against removing most of the index, and the lint of the indexed KB.
 *
 * The guard: an empty folder, a typo in its name, an unmounted share or a
 * checkout in progress look to the scan exactly like a KB whose articles
 * were deleted.  Removing every indexed article, or more than half of them
 * (from KBI_GUARD_MIN articles on), is therefore refused unless the caller
 * says so (kb-index --allow-removals).
 *
 * The lint: every run that changed something (or whose previous run found
 * lint errors) checks the whole KB as it is now indexed, with check.c, the
 * code --check uses, so indexing and --check agree on what is an error.
 * Changed articles are checked from what was just parsed, the others from
 * their lint nodes (N:), without reading their files.
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

typedef struct node_ctx {
    run_t *r;
    kb_status_t st;
} node_ctx_t;

static int load_node(void *vctx, const char *key, size_t len)
{
    (void)len;
    node_ctx_t *c = vctx;
    char *value;
    c->st = kb_xdb_get_metadata(c->r->db, key, &value, NULL);
    if (c->st == KB_STATUS_SUCCESS)
        c->st = kb_strmap_set(c->r->nodes, key + strlen(KB_META_NODE), value);
    free(value);
    return c->st != KB_STATUS_SUCCESS;
}

kb_status_t kbi_audit_begin(run_t *r)
{
    kb_status_t st = kb_strmap_new(&r->nodes);
    if (st != KB_STATUS_SUCCESS || r->full) {
        r->lint = 1;
        return st;
    }
    char *last = NULL;
    st = kb_xdb_get_metadata(r->db, KB_META_LINT, &last, NULL);
    if (st != KB_STATUS_SUCCESS)
        return st;
    /* Nothing changed and nothing was wrong: nothing to check. */
    int removals = kb_strmap_count(r->records) > kb_strmap_count(r->present);
    r->lint = r->n_jobs || removals || strcmp(last, "0") != 0;
    free(last);
    if (!r->lint)
        return KB_STATUS_SUCCESS;
    node_ctx_t c = {r, KB_STATUS_SUCCESS};
    st = kb_xdb_metadata_keys(r->db, KB_META_NODE, load_node, &c);
    return st == KB_STATUS_SUCCESS ? c.st : st;
}

static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The graph of the KB as indexed now: a node per file with a record. */
static kb_status_t build_graph(run_t *r, kbi_graph_t *g)
{
    size_t n = kb_strmap_count(r->records), k = 0, pos = 0;
    const char **rels = calloc(n ? n : 1, sizeof *rels);
    if (!rels)
        return KB_STATUS_OUT_OF_MEMORY;
    const char *rel, *rec;
    while (k < n && kb_strmap_next(r->records, &pos, &rel, &rec))
        rels[k++] = rel;
    qsort(rels, k, sizeof *rels, by_str);
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t path = KB_BUF_INIT;
    for (size_t i = 0; i < k && st == KB_STATUS_SUCCESS; i++) {
        const char *json = kb_strmap_get(r->nodes, rels[i], NULL);
        kb_schema_node_t node;
        if (!json || kb_schema_node_decode(json, strlen(json), &node) != KB_STATUS_SUCCESS)
            continue;   /* no node (an older index): nothing to check it by */
        kb_buf_clear(&path);
        kb_buf_printf(&path, "%s/%s", r->root, rels[i]);
        node.path = kb_strdup(path.data ? path.data : "");
        int added = 0;
        st = node.path ? kbi_graph_add(g, &node, &added) : KB_STATUS_OUT_OF_MEMORY;
        kb_schema_node_clear(&node);
    }
    kb_buf_free(&path);
    free(rels);
    return st;
}

kb_status_t kbi_audit_end(run_t *r)
{
    if (!r->lint)
        return KB_STATUS_SUCCESS;
    kbi_graph_t *g = NULL;
    kb_status_t st = kbi_graph_new(&g);
    if (st == KB_STATUS_SUCCESS)
        st = build_graph(r, g);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_graph_seal(g);
    size_t errors = st == KB_STATUS_SUCCESS ? kbi_check_graph(g, NULL, 0, r->diags) : 0;
    kbi_graph_free(g);
    char *last = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(r->db, KB_META_LINT, &last, NULL);
    char now[24];
    snprintf(now, sizeof now, "%zu", errors);
    if (st == KB_STATUS_SUCCESS && strcmp(last, now) != 0) {
        st = kb_xdb_set_metadata(r->db, KB_META_LINT, now, strlen(now));
        r->dirty++;
    }
    free(last);
    return st;
}
