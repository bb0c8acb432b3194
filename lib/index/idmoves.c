/* idmoves.c - ids that leave the index in a run, said with the articles
 * that still name them.
 *
 * An id changes when an article's 'id:' is edited, or, for an article
 * without one, when its file is renamed (the id comes from the file name);
 * it goes when its file is deleted.  The articles that link to it, escalate
 * to it or name it as their next tier are then broken: the lint of the
 * run reports each of them, and this file says, at the article that moved
 * or went, what happened and who is affected ("renamed from ...: add 'id:
 * x' to keep it").  A rename is recognised by contents: a new file with the
 * same hash as a deleted one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check.h"
#include "run.h"
#include "schema/schema.h"

/* At most this many affected articles are named in one message (each is
 * reported on its own by the lint of the run). */
#define MOVES_NAMED 10

kb_status_t kbi_moves_note(run_t *r, const char *rel, const char *old_id, const char *new_id,
                           uint64_t hash)
{
    if (!r->moves && kb_strmap_new(&r->moves) != KB_STATUS_SUCCESS)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_buf_t v = KB_BUF_INIT;
    kb_buf_printf(&v, "%s\n%s\n%016" PRIx64, old_id, new_id ? new_id : "", hash);
    kb_status_t st = v.oom ? KB_STATUS_OUT_OF_MEMORY : kb_strmap_set(r->moves, rel, v.data);
    kb_buf_free(&v);
    return st;
}

kb_status_t kbi_moves_fresh(run_t *r, const char *rel, uint64_t hash)
{
    if (!r->fresh && kb_strmap_new(&r->fresh) != KB_STATUS_SUCCESS)
        return KB_STATUS_OUT_OF_MEMORY;
    char h[24];
    snprintf(h, sizeof h, "%016" PRIx64, hash);
    return kb_strmap_set(r->fresh, h, rel);
}

/* A full run: what moved, from the previous generation's records. */
static kb_status_t from_generations(run_t *r)
{
    size_t pos = 0;
    const char *rel, *rec;
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_schema_file_t o, n;
    while (st == KB_STATUS_SUCCESS && r->old_records &&
           kb_strmap_next(r->old_records, &pos, &rel, &rec)) {
        const char *now = kb_strmap_get(r->records, rel, NULL);
        if (!kb_schema_file_decode(rec, &o))
            continue;
        if (!now)
            st = kbi_moves_note(r, rel, o.id, NULL, o.hash);
        else if (kb_schema_file_decode(now, &n) && strcmp(n.id, o.id) != 0)
            st = kbi_moves_note(r, rel, o.id, n.id, n.hash);
    }
    pos = 0;
    while (st == KB_STATUS_SUCCESS && kb_strmap_next(r->records, &pos, &rel, &rec))
        if ((!r->old_records || !kb_strmap_get(r->old_records, rel, NULL)) &&
            kb_schema_file_decode(rec, &n))
            st = kbi_moves_fresh(r, rel, n.hash);
    return st;
}

/* "kb/a.md:12, kb/b.md:4": the nodes of G that name ID; their count. */
static size_t naming(const kbi_graph_t *g, const char *id, kb_buf_t *out)
{
    size_t n = 0;
    for (size_t i = 0; i < kbi_graph_count(g); i++) {
        const kb_schema_node_t *x = kbi_graph_node(g, i);
        int line = 0;
        if (x->escalation && strcmp(x->escalation, id) == 0)
            line = kb_schema_node_line(x, KB_NODE_ESCALATION);
        else if (x->next && strcmp(x->next, id) == 0)
            line = kb_schema_node_line(x, KB_NODE_NEXT);
        for (size_t k = 0; !line && k < x->n_links; k++)
            if (strcmp(x->links[k].target, id) == 0)
                line = x->links[k].line;
        if (!line)
            continue;
        if (n < MOVES_NAMED)
            kb_buf_printf(out, "%s%s:%d", n ? ", " : "", x->path, line);
        n++;
    }
    if (n > MOVES_NAMED)
        kb_buf_printf(out, " and %zu more", n - MOVES_NAMED);
    return n;
}

/* One move: REL gave up OLD (for NEW, or deleted when NEW is ""). */
static void report_one(run_t *r, const kbi_graph_t *g, const char *rel, const char *old,
                       const char *new_id, const char *hash)
{
    if (kb_strmap_get(r->ids, old, NULL))
        return;   /* another file has the id now: nothing is broken */
    kb_buf_t who = KB_BUF_INIT, what = KB_BUF_INIT;
    size_t n = naming(g, old, &who);
    const char *to = new_id[0] ? NULL : kb_strmap_get(r->fresh, hash, NULL);
    const char *to_id = NULL;
    kb_schema_file_t f;
    const char *rec = to ? kb_strmap_get(r->records, to, NULL) : NULL;
    if (rec && kb_schema_file_decode(rec, &f) && strcmp(f.id, old) != 0)
        to_id = f.id;
    kb_buf_t path = KB_BUF_INIT;
    kb_buf_printf(&path, "%s/%s", r->root, to_id ? to : rel);
    if (to_id)
        kb_buf_printf(&what, "renamed from %s/%s, so its id (from the file name) changed from "
                             "'%s' to '%s'; add 'id: %s' to keep it", r->root, rel, old, to_id,
                      old);
    else if (new_id[0])
        kb_buf_printf(&what, "its id changed from '%s' to '%s'", old, new_id);
    else if (n)
        kb_buf_printf(&what, "removed, with its id '%s'", old);
    if (what.len && n)
        kb_buf_printf(&what, "; %zu article%s still name%s '%s': %s", n, n == 1 ? "" : "s",
                      n == 1 ? "s" : "", old, who.data);
    if (what.len && !what.oom && !path.oom)
        kb_diags_add(r->diags, KB_DIAG_WARNING, path.data, 0, "%s", what.data);
    kb_buf_free(&path);
    kb_buf_free(&who);
    kb_buf_free(&what);
}

kb_status_t kbi_moves_report(run_t *r, const kbi_graph_t *g)
{
    kb_status_t st = r->full ? from_generations(r) : KB_STATUS_SUCCESS;
    size_t pos = 0;
    const char *rel, *v;
    while (st == KB_STATUS_SUCCESS && r->moves && kb_strmap_next(r->moves, &pos, &rel, &v)) {
        char buf[3 * (KB_SCHEMA_ID_MAX + 2) + 24];
        snprintf(buf, sizeof buf, "%s", v);
        char *nl1 = strchr(buf, '\n'), *nl2 = nl1 ? strchr(nl1 + 1, '\n') : NULL;
        if (!nl2)
            continue;
        *nl1 = *nl2 = '\0';
        report_one(r, g, rel, buf, nl1 + 1, nl2 + 1);
    }
    return st;
}
