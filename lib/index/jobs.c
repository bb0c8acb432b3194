/* jobs.c - the worker threads of an indexing run: read, hash, parse and
 * build each article's documents; the calling thread applies the results
 * in file order (write.c), so runs are deterministic. */
#include <errno.h>
#include <pthread.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "parse.h"
#include "run.h"
#include "schema/schema.h"

/* ---------------------------------------------------------------- */
/* Workers                                                            */

/* Read JOB's file: *BUF, *LEN and its hash, or an outcome (rejected with
 * a diagnostic, or a failure in j->status).  0 when there is nothing to
 * parse. */
static int read_file(job_t *j, kb_diags_t *diags, char **buf, size_t *len)
{
    kb_status_t st = kb_file_read(j->file->path, KB_ARTICLE_MAX_BYTES, buf, len);
    if (st == KB_STATUS_TOO_LARGE) {
        kb_diags_add(diags, KB_DIAG_ERROR, j->file->path, 0,
                     "file is %zu bytes, over the limit of %u bytes; not indexed", *len,
                     KB_ARTICLE_MAX_BYTES);
        j->outcome = OUT_REJECTED;
        return 0;
    }
    if (st == KB_STATUS_FILE_ERROR) {
        kb_diags_add(diags, KB_DIAG_ERROR, j->file->path, 0, "cannot read: %s",
                     strerror(errno));
        j->outcome = OUT_REJECTED;
        return 0;
    }
    if (st != KB_STATUS_SUCCESS) {
        j->status = st;
        return 0;
    }
    return 1;
}

/* Pass 1: read, hash and parse; the node the gate checks.  DROP: free the
 * article (pass 2 parses it again). */
static void parse_job(job_t *j, int drop)
{
    j->status = kb_diags_new(&j->diags);
    char *buf;
    size_t len;
    if (j->status != KB_STATUS_SUCCESS || !read_file(j, j->diags, &buf, &len))
        return;
    j->hash = kb_hash64(buf, len);
    kb_schema_file_t old;
    if (j->old_record && kb_schema_file_decode(j->old_record, &old) && old.hash == j->hash &&
        old.size == (long long)len) {
        free(buf);
        j->outcome = OUT_UNCHANGED;
        return;
    }
    kb_status_t st = kb_article_parse(j->file->path, buf, len, j->diags, &j->article);
    free(buf);
    if (st == KB_STATUS_PARSE_ERROR || st == KB_STATUS_TOO_LARGE) {
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st == KB_STATUS_SUCCESS && !(j->node = calloc(1, sizeof *j->node)))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS)
        st = kb_schema_node_of(j->article, j->node);
    if (st != KB_STATUS_SUCCESS) {
        j->status = st;
        return;
    }
    if (drop) {
        kb_article_free(j->article);
        j->article = NULL;
    }
    j->outcome = OUT_PARSED;
}

/* Pass 2: the documents of a job the gate let through (parsing it again
 * when pass 1 did not keep it: a file changed in between is left for the
 * next run). */
static void build_job(job_t *j, kbi_builder_t *b)
{
    if (j->outcome != OUT_PARSED || j->status != KB_STATUS_SUCCESS)
        return;
    if (!j->article) {
        kb_diags_t *again = NULL;
        char *buf = NULL;
        size_t len = 0;
        j->status = kb_diags_new(&again);
        if (j->status == KB_STATUS_SUCCESS && read_file(j, j->diags, &buf, &len)) {
            if (kb_hash64(buf, len) != j->hash) {
                kb_diags_add(j->diags, KB_DIAG_ERROR, j->file->path, 0,
                             "changed while it was being indexed; run kb-index again");
                j->outcome = OUT_REJECTED;
            } else if (kb_article_parse(j->file->path, buf, len, again, &j->article) !=
                       KB_STATUS_SUCCESS) {
                j->status = KB_STATUS_OUT_OF_MEMORY;
            }
        }
        free(buf);
        kb_diags_free(again);
        if (j->outcome != OUT_PARSED || j->status != KB_STATUS_SUCCESS)
            return;
    }
    j->status = kbi_builder_build(b, j->article, j->file->rel, &j->docs);
}

static void process(run_t *r, job_t *j, kbi_builder_t *b)
{
    if (r->pass == 1)
        parse_job(j, r->n_jobs > KBI_KEEP_PARSED);
    else
        build_job(j, b);
}

static void *worker(void *vr)
{
    run_t *r = vr;
    kbi_builder_t *b = NULL;
    kb_status_t bst = kbi_builder_new(&b);
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (!r->stop && r->next < r->n_jobs && r->next >= r->consumed + KBI_WINDOW)
            pthread_cond_wait(&r->cv_space, &r->mu);
        if (r->stop || r->next >= r->n_jobs) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        size_t i = r->next++;
        pthread_mutex_unlock(&r->mu);
        job_t *j = &r->jobs[i];
        if (bst == KB_STATUS_SUCCESS)
            process(r, j, b);
        else
            j->status = bst;
        pthread_mutex_lock(&r->mu);
        j->ready = 1;
        pthread_cond_broadcast(&r->cv_ready);
        pthread_mutex_unlock(&r->mu);
    }
    kbi_builder_free(b);
    return NULL;
}

/* What the calling thread does with job J once it is ready, in file order:
 * apply it (pass 2). */
static kb_status_t consume(run_t *r, size_t i)
{
    job_t *j = &r->jobs[i];
    if (r->pass == 1)
        return j->status;
    r->applying = i;
    kb_status_t st = kbi_apply(r, j);
    if (!j->deferred)
        kbi_job_clear(j);
    return st;
}

static int thread_count(const run_t *r)
{
    int threads = r->opts->threads;
    if (threads <= 0) {
        const char *env = getenv("KB_INDEX_THREADS");
        threads = env ? atoi(env) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (threads < 1)
        threads = 1;
    return threads > KBI_MAX_THREADS ? KBI_MAX_THREADS : threads;
}

static void progress(const run_t *r, size_t i)
{
    const kb_index_opts_t *o = r->opts;
    if (o->progress)
        o->progress(o->progress_ctx, (r->pass == 1 ? 0 : r->n_jobs) + i + 1, 2 * r->n_jobs);
}

/* One pass over the jobs, on this thread. */
static kb_status_t run_serial(run_t *r)
{
    kbi_builder_t *b = NULL;
    kb_status_t st = r->pass == 2 ? kbi_builder_new(&b) : KB_STATUS_SUCCESS;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
        if (kbi_stopping(r)) {
            st = KB_STATUS_INTERRUPTED;
            break;
        }
        process(r, &r->jobs[i], b);
        st = consume(r, i);
        progress(r, i);
    }
    kbi_builder_free(b);
    return st;
}

/* One pass over the jobs in worker threads, consumed here in file order. */
static kb_status_t run_threads(run_t *r, int threads)
{
    pthread_t tids[KBI_MAX_THREADS];
    int started = 0;
    kb_status_t st = KB_STATUS_SUCCESS;
    r->next = r->consumed = 0;
    r->stop = 0;
    for (size_t i = 0; i < r->n_jobs; i++)
        r->jobs[i].ready = 0;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv_ready, NULL);
    pthread_cond_init(&r->cv_space, NULL);
    for (int t = 0; t < threads; t++)
        if (pthread_create(&tids[started], NULL, worker, r) == 0)
            started++;
    if (!started) {
        st = KB_STATUS_INTERNAL_ERROR;
        kb_buf_printf(&r->msg, "cannot start indexing threads");
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
        job_t *j = &r->jobs[i];
        pthread_mutex_lock(&r->mu);
        while (!j->ready)
            pthread_cond_wait(&r->cv_ready, &r->mu);
        pthread_mutex_unlock(&r->mu);
        if (kbi_stopping(r)) {
            st = KB_STATUS_INTERRUPTED;
            break;
        }
        st = consume(r, i);
        pthread_mutex_lock(&r->mu);
        r->consumed = i + 1;
        pthread_cond_broadcast(&r->cv_space);
        pthread_mutex_unlock(&r->mu);
        progress(r, i);
    }
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_broadcast(&r->cv_space);
    pthread_mutex_unlock(&r->mu);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    pthread_cond_destroy(&r->cv_ready);
    pthread_cond_destroy(&r->cv_space);
    pthread_mutex_destroy(&r->mu);
    return st;
}

static kb_status_t run_pass(run_t *r, int pass)
{
    r->pass = pass;
    int threads = thread_count(r);
    if (r->n_jobs < 32 || threads == 1)
        return run_serial(r);
    return run_threads(r, threads);
}

kb_status_t kbi_parse_jobs(run_t *r)
{
    kb_status_t st = run_pass(r, 1);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_gate_jobs(r);
    return st;
}

kb_status_t kbi_run_jobs(run_t *r)
{
    kb_status_t st = run_pass(r, 2);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_settle(r);
    for (size_t i = 0; i < r->n_jobs; i++)
        if (!r->jobs[i].deferred || st != KB_STATUS_SUCCESS)
            kbi_job_clear(&r->jobs[i]);
    return st;
}
