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

static void process(const run_t *r, job_t *j, kbi_builder_t *b)
{
    j->status = kb_diags_new(&j->diags);
    if (j->status != KB_STATUS_SUCCESS)
        return;
    char *buf;
    size_t len;
    kb_status_t st = kb_file_read(j->file->path, KB_ARTICLE_MAX_BYTES, &buf, &len);
    if (st == KB_STATUS_TOO_LARGE) {
        kb_diags_add(j->diags, KB_DIAG_ERROR, j->file->path, 0,
                     "file is %zu bytes, over the limit of %u bytes; not indexed", len,
                     KB_ARTICLE_MAX_BYTES);
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st == KB_STATUS_FILE_ERROR) {
        kb_diags_add(j->diags, KB_DIAG_ERROR, j->file->path, 0, "cannot read: %s",
                     strerror(errno));
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st != KB_STATUS_SUCCESS) {
        j->status = st;
        return;
    }
    /* The record's hash covers the article's learned phrasings too. */
    uint64_t content = kb_hash64(buf, len);
    j->hash = content;
    kb_schema_file_t old;
    if (j->old_record && kb_schema_file_decode(j->old_record, &old) &&
        old.hash == (content ^ kbi_learned_hash(&r->learned, old.id)) &&
        old.size == (long long)len) {
        free(buf);
        j->hash = old.hash;
        j->outcome = OUT_UNCHANGED;
        return;
    }
    st = kb_article_parse(j->file->path, buf, len, j->diags, &j->article);
    free(buf);
    if (st == KB_STATUS_PARSE_ERROR || st == KB_STATUS_TOO_LARGE) {
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st == KB_STATUS_SUCCESS) {
        j->hash = content ^ kbi_learned_hash(&r->learned, j->article->id);
        st = kbi_builder_build(b, j->article, j->file->rel, &j->docs);
    }
    if (st != KB_STATUS_SUCCESS) {
        j->status = st;
        return;
    }
    j->outcome = OUT_PARSED;
}

static void *worker(void *vr)
{
    run_t *r = vr;
    kbi_builder_t *b = NULL;
    kb_status_t bst = kbi_builder_new(&b);
    if (bst == KB_STATUS_SUCCESS)
        kbi_builder_set_learned(b, &r->learned);
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

/* Run the jobs: in worker threads when there are enough of them. */
kb_status_t kbi_run_jobs(run_t *r)
{
    const kb_index_opts_t *o = r->opts;
    int threads = o->threads;
    if (threads <= 0) {
        const char *env = getenv("KB_INDEX_THREADS");
        threads = env ? atoi(env) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (threads < 1)
        threads = 1;
    if (threads > KBI_MAX_THREADS)
        threads = KBI_MAX_THREADS;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (r->n_jobs < 32 || threads == 1) {
        kbi_builder_t *b;
        st = kbi_builder_new(&b);
        if (st == KB_STATUS_SUCCESS)
            kbi_builder_set_learned(b, &r->learned);
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
            if (kbi_stopping(r)) {
                st = KB_STATUS_INTERRUPTED;
                break;
            }
            process(r, &r->jobs[i], b);
            r->applying = i;
            st = kbi_apply(r, &r->jobs[i]);
            if (!r->jobs[i].deferred)
                kbi_job_clear(&r->jobs[i]);
            if (o->progress)
                o->progress(o->progress_ctx, i + 1, r->n_jobs);
        }
        kbi_builder_free(b);
        if (st == KB_STATUS_SUCCESS)
            st = kbi_settle(r);
        return st;
    }
    pthread_t tids[KBI_MAX_THREADS];
    int started = 0;
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
        r->applying = i;
        st = kbi_apply(r, j);
        if (!j->deferred)
            kbi_job_clear(j);
        pthread_mutex_lock(&r->mu);
        r->consumed = i + 1;
        pthread_cond_broadcast(&r->cv_space);
        pthread_mutex_unlock(&r->mu);
        if (o->progress)
            o->progress(o->progress_ctx, i + 1, r->n_jobs);
    }
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_broadcast(&r->cv_space);
    pthread_mutex_unlock(&r->mu);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_settle(r);
    for (size_t i = 0; i < r->n_jobs; i++)
        kbi_job_clear(&r->jobs[i]);
    pthread_cond_destroy(&r->cv_ready);
    pthread_cond_destroy(&r->cv_space);
    pthread_mutex_destroy(&r->mu);
    return st;
}

