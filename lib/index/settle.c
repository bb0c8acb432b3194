/* settle.c - ids that move between files in one incremental run.
 *
 * Files are applied in path order.  When a changed file claims an id that
 * another present file holds, and that file has a job still to come (it
 * may be giving the id up: two files swapping ids, an id moving to an
 * earlier file), the claim is deferred.  After the last job the deferred
 * claims are settled together: a claim is granted when, once every granted
 * file has moved, no other file holds the id: no file outside the deferred
 * ones, no deferred file that keeps its old id (refused), and no granted
 * claim that comes first (a file indexed before comes before a new file,
 * then path order).  Refusing one claim can take an id back from another, so
 * this is repeated until nothing changes (at most once per deferred job).
 * The granted files first give up their old ids, then are applied, all in
 * one commit; the refused ones are duplicates and keep their last good
 * version, as any duplicate does.
 */
#include <stdlib.h>
#include <string.h>

#include "run.h"
#include "schema/schema.h"

/* The id job J's file holds in the index now, or "" (a new file). */
static const char *old_id(const job_t *j, kb_schema_file_t *buf)
{
    return j->old_record && kb_schema_file_decode(j->old_record, buf) ? buf->id : "";
}

/* Does deferred job I's claim come before K's when both want an id?  A
 * file that was indexed before comes before a new one (a newcomer must not
 * break a swap), then path order. */
static int before(const run_t *r, size_t i, size_t k)
{
    int oi = r->jobs[r->deferred[i]].old_record != NULL;
    int ok = r->jobs[r->deferred[k]].old_record != NULL;
    return oi != ok ? oi : i < k;
}

/* Is ID held, once the granted deferred jobs have moved, by anyone but
 * deferred job K: a present file outside the deferred ones, a refused
 * deferred job keeping it as its old id, or a granted job that comes
 * first? */
static int held(const run_t *r, const char *id, size_t k, const unsigned char *granted)
{
    const char *owner = kb_strmap_get(r->ids, id, NULL);
    const job_t *jk = &r->jobs[r->deferred[k]];
    if (owner && strcmp(owner, jk->file->rel) != 0) {
        const job_t *oj = kbi_job_of(r, owner);
        int found;
        kb_strmap_get(r->present, owner, &found);
        if (found && !(oj && oj->deferred))
            return 1;
    }
    kb_schema_file_t buf;
    for (size_t i = 0; i < r->n_deferred; i++) {
        const job_t *ji = &r->jobs[r->deferred[i]];
        if (i == k)
            continue;
        if (!granted[i] && strcmp(old_id(ji, &buf), id) == 0)
            return 1;
        if (granted[i] && before(r, i, k) && strcmp(ji->article->id, id) == 0)
            return 1;
    }
    return 0;
}

kb_status_t kbi_settle(run_t *r)
{
    if (!r->n_deferred)
        return KB_STATUS_SUCCESS;
    unsigned char *granted = malloc(r->n_deferred);
    if (!granted)
        return KB_STATUS_OUT_OF_MEMORY;
    memset(granted, 1, r->n_deferred);
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = 0; k < r->n_deferred; k++) {
            if (granted[k] && held(r, r->jobs[r->deferred[k]].article->id, k, granted)) {
                granted[k] = 0;
                changed = 1;
            }
        }
    }
    r->settling = 1;
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_schema_file_t buf;
    for (size_t k = 0; st == KB_STATUS_SUCCESS && k < r->n_deferred; k++) {
        const job_t *j = &r->jobs[r->deferred[k]];
        const char *o = old_id(j, &buf);
        if (granted[k] && o[0] && strcmp(o, j->article->id) != 0)
            st = kbi_release_id(r, j->file->rel, o);
    }
    /* The granted first; then kbi_apply() finds each refused job's id held
     * and rejects it with the usual duplicate message. */
    for (int pass = 1; pass >= 0; pass--) {
        for (size_t k = 0; st == KB_STATUS_SUCCESS && k < r->n_deferred; k++) {
            job_t *j = &r->jobs[r->deferred[k]];
            if (granted[k] != pass)
                continue;
            st = kbi_apply(r, j);
            kbi_job_clear(j);
        }
    }
    r->settling = 0;
    free(granted);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_count_batch(r);   /* the settled batch may now be committed */
    return st;
}
