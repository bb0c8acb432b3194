/* indexgate.c - the publish gate (gate.c) over an indexing run's jobs.
 *
 * After pass 1 every changed file is parsed.  The gate sees each job as an
 * item: its new version (if it parsed), the id its last good version has
 * (the index's record; in a full run, the previous generation's, when it
 * can be read and so carried over), and the files that did not change
 * through the index (their ids and lint nodes, N:).  The jobs it holds
 * back become OUT_REJECTED: apply.c keeps their last good version, as for
 * any rejected article. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "gate.h"
#include "run.h"
#include "schema/schema.h"

typedef struct gctx {
    run_t *r;
    kb_strmap_t *old_ids;     /* full runs: id -> rel in the previous generation */
    kb_schema_file_t *recs;   /* per job: its old record, decoded */
} gctx_t;

static const char *owner(void *vctx, const char *id)
{
    gctx_t *c = vctx;
    return kb_strmap_get(c->r->full ? c->old_ids : c->r->ids, id, NULL);
}

static int present(void *vctx, const char *rel)
{
    gctx_t *c = vctx;
    int found = 0;
    kb_strmap_get(c->r->present, rel, &found);
    return found;
}

/* The lint node of REL as the index holds it (a full run: the previous
 * generation). */
static kb_status_t node(void *vctx, const char *rel, kb_schema_node_t *out, int *found)
{
    gctx_t *c = vctx;
    run_t *r = c->r;
    *found = 0;
    kb_xdb_t *db = r->full ? (r->n_old ? r->old[0] : NULL) : r->db;
    if (!db)
        return KB_STATUS_SUCCESS;
    kb_buf_t key = KB_BUF_INIT;
    kb_buf_printf(&key, "%s%s", KB_META_NODE, rel);
    char *json = NULL;
    kb_status_t st = key.oom ? KB_STATUS_OUT_OF_MEMORY
                             : kb_xdb_get_metadata(db, key.data, &json, NULL);
    kb_buf_free(&key);
    if (st == KB_STATUS_SUCCESS && json && json[0] &&
        kb_schema_node_decode(json, strlen(json), out) == KB_STATUS_SUCCESS) {
        kb_buf_t path = KB_BUF_INIT;
        kb_buf_printf(&path, "%s/%s", r->root, rel);
        out->path = kb_buf_take(&path);
        *found = out->path != NULL;
        st = out->path ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    }
    free(json);
    return st;
}

/* Full runs: the previous generation's ids, when its articles can be
 * carried over (keep.c). */
static kb_status_t load_old_ids(gctx_t *c)
{
    run_t *r = c->r;
    kb_status_t st = kb_strmap_new(&c->old_ids);
    size_t pos = 0;
    const char *rel, *rec;
    kb_schema_file_t f;
    while (st == KB_STATUS_SUCCESS && r->n_old && r->old_records &&
           kb_strmap_next(r->old_records, &pos, &rel, &rec))
        if (kb_schema_file_decode(rec, &f))
            st = kb_strmap_set(c->old_ids, f.id, rel);
    return st;
}

/* Job J as an item: its new version and the id of the version that stays. */
static void item_of(gctx_t *c, size_t i, kbi_gate_item_t *it)
{
    run_t *r = c->r;
    job_t *j = &r->jobs[i];
    const char *rec = r->full ? (r->n_old && r->old_records
                                     ? kb_strmap_get(r->old_records, j->file->rel, NULL)
                                     : NULL)
                              : j->old_record;
    int had = rec && kb_schema_file_decode(rec, &c->recs[i]);
    *it = (kbi_gate_item_t){j->file->rel, j->file->path,
                            j->outcome == OUT_PARSED ? j->node : NULL,
                            had ? c->recs[i].id : NULL, had, j->diags, 0, 0, 0};
}

kb_status_t kbi_gate_jobs(run_t *r)
{
    if (!r->n_jobs)
        return KB_STATUS_SUCCESS;
    gctx_t c = {r, NULL, calloc(r->n_jobs, sizeof *c.recs)};
    kbi_gate_item_t *items = calloc(r->n_jobs, sizeof *items);
    kb_status_t st = c.recs && items ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS && r->full)
        st = load_old_ids(&c);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_new(&r->held);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
        st = r->jobs[i].status;
        item_of(&c, i, &items[i]);
    }
    kbi_gate_src_t src = {r->root, &c, owner, present, node};
    if (st == KB_STATUS_SUCCESS)
        st = kbi_gate_run(items, r->n_jobs, &src, NULL);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
        job_t *j = &r->jobs[i];
        if (!items[i].held)
            continue;
        j->outcome = OUT_REJECTED;
        kb_article_free(j->article);
        j->article = NULL;
        st = kb_strmap_set(r->held, j->file->rel, NULL);
    }
    kb_strmap_free(c.old_ids);
    free(c.recs);
    free(items);
    return st;
}
