/* apply.c - what a job's outcome does to the index: a parsed article
 * replaces its file's documents (or waits, when its id is held by a file
 * still to come: settle.c), a rejected one keeps its last good version
 * (keep.c in a full run), an unchanged one only updates its record.  The
 * writing itself is write.c's. */
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "run.h"
#include "schema/schema.h"

void kbi_job_clear(job_t *j)
{
    free(j->old_record);
    kb_article_free(j->article);
    kbi_docset_free(&j->docs);
    kb_diags_free(j->diags);
    if (j->node) {
        kb_schema_node_clear(j->node);
        free(j->node);
    }
    j->old_record = NULL;
    j->article = NULL;
    j->diags = NULL;
    j->node = NULL;
}

int kbi_defer(run_t *r, job_t *j)
{
    if (r->n_deferred == r->cap_deferred) {
        size_t cap = r->cap_deferred ? r->cap_deferred * 2 : 16;
        size_t *p = realloc(r->deferred, cap * sizeof *p);
        if (!p)
            return 0;
        r->deferred = p;
        r->cap_deferred = cap;
    }
    r->deferred[r->n_deferred++] = (size_t)(j - r->jobs);
    j->deferred = 1;
    return 1;
}

job_t *kbi_job_of(const run_t *r, const char *rel)
{
    size_t lo = 0, hi = r->n_jobs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(r->jobs[mid].file->rel, rel);
        if (c == 0)
            return &r->jobs[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int kbi_pending(const run_t *r, const char *rel)
{
    const job_t *j = kbi_job_of(r, rel);
    return j && ((size_t)(j - r->jobs) > r->applying || j->deferred);
}

/* The lint node of A as JSON; caller frees; NULL when out of memory. */
static char *node_json(const kb_article_t *a)
{
    kb_schema_node_t n;
    if (kb_schema_node_of(a, &n) != KB_STATUS_SUCCESS)
        return NULL;
    char *s = kb_schema_node_encode(&n);
    kb_schema_node_clear(&n);
    return s;
}

/* A parsed article whose id another present file holds: a duplicate, or
 * (incremental) an id moving between files, deferred until the files still
 * to come have said theirs.  1 if J was dealt with here. */
static int id_taken(run_t *r, job_t *j, kb_status_t *st)
{
    const char *id = j->article->id;
    const char *owner = kb_strmap_get(r->ids, id, NULL);
    if (!owner || strcmp(owner, j->file->rel) == 0)
        return 0;
    int found;
    kb_strmap_get(r->present, owner, &found);
    if (!found)
        return 0;
    if (!r->full && !r->settling && kbi_pending(r, owner)) {
        *st = kbi_defer(r, j) ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
        return 1;
    }
    kb_diags_add(r->diags, KB_DIAG_ERROR, j->file->path, 0,
                 "duplicate id '%s': %s/%s already has it; not indexed", id, r->root, owner);
    r->stats->rejected++;
    return 1;
}

kb_status_t kbi_apply(run_t *r, job_t *j)
{
    const kbi_file_t *f = j->file;
    if (!j->deferred)   /* a deferred job's messages are in already */
        kb_diags_extend(r->diags, j->diags);
    if (j->status != KB_STATUS_SUCCESS)
        return j->status;
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_schema_file_t old;
    int had = j->old_record && kb_schema_file_decode(j->old_record, &old);
    switch (j->outcome) {
    case OUT_UNCHANGED: {
        r->stats->unchanged++;
        char *rec = kbi_format_record(f, j->hash, old.id);
        st = rec ? kbi_set_meta(r, KB_META_FILE, f->rel, rec) : KB_STATUS_OUT_OF_MEMORY;
        if (st == KB_STATUS_SUCCESS)
            st = kb_strmap_set(r->records, f->rel, rec);
        free(rec);
        return st == KB_STATUS_SUCCESS ? kbi_count_batch(r) : st;
    }
    case OUT_REJECTED:
        r->stats->rejected++;
        /* A full run starts empty: the last good version is carried over
         * from the previous generation (an incremental run never removed
         * it). */
        if (r->full)
            return kbi_keep_old(r, j);
        if (j->old_record)
            kb_diags_add(r->diags, KB_DIAG_WARNING, f->path, 0,
                         "its last good version stays searchable");
        return KB_STATUS_SUCCESS;
    case OUT_PARSED:
        break;
    case OUT_PENDING:
        return KB_STATUS_INTERNAL_ERROR;
    }
    kb_status_t tst = KB_STATUS_SUCCESS;
    if (id_taken(r, j, &tst))
        return tst;
    const kb_article_t *a = j->article;
    /* In an incremental run the file's documents are removed even when no
     * record says it was indexed: a run killed between the commits of two
     * shards can leave documents whose record (in shard 0) never landed. */
    if (had || !r->full) {
        st = kbi_remove_file_docs(r, f->rel);
        if (st == KB_STATUS_SUCCESS && had && strcmp(old.id, a->id) != 0)
            st = kbi_release_id(r, f->rel, old.id);
        if (st == KB_STATUS_SUCCESS && had && strcmp(old.id, a->id) != 0)
            st = kbi_moves_note(r, f->rel, old.id, a->id, j->hash);
    }
    if (st == KB_STATUS_SUCCESS && !had && !r->full)
        st = kbi_moves_fresh(r, f->rel, j->hash);
    size_t n_docs = j->docs.n;
    if (st == KB_STATUS_SUCCESS)
        st = kbi_add_docset(r, f->rel, a->id, &j->docs, had);
    char *rec = st == KB_STATUS_SUCCESS ? kbi_format_record(f, j->hash, a->id) : NULL;
    char *node = rec ? node_json(a) : NULL;
    if (st == KB_STATUS_SUCCESS && (!rec || !node))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS)
        st = kbi_audit_changed(r, f->rel, node);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_note_file(r, f->rel, a->id, rec, node);
    free(rec);
    free(node);
    if (st != KB_STATUS_SUCCESS)
        return st;
    /* Every document but the question and article documents is a section. */
    size_t nq = a->n_questions + a->n_phrases;
    r->stats->sections += n_docs - (nq < KB_ARTICLE_MAX_QUESTIONS ? nq : KB_ARTICLE_MAX_QUESTIONS) - 1;
    if (had)
        r->stats->updated++;
    else
        r->stats->added++;
    return kbi_count_batch(r);
}
