/* writers.c - shard writer threads for full builds. */
#include "writers.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Articles waiting per shard: enough to keep a writer busy, few enough to
 * bound memory. */
#define QUEUE 64

typedef struct writer {
    struct kbi_writers *owner;
    kb_xdb_t *db;
    pthread_t tid;
    int started;
    kbi_docset_t queue[QUEUE];
    size_t head, count;
    kb_status_t st;
    char err[256];
} writer_t;

struct kbi_writers {
    writer_t *w;
    unsigned n;
    pthread_mutex_t mu;
    pthread_cond_t cv_item;
    pthread_cond_t cv_space;
    int closing;
};

static kb_status_t write_docset(kb_xdb_t *db, kbi_docset_t *d)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < d->n; i++)
        st = kb_xdb_add_document(db, d->docs[i], NULL);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < d->spelling.n; i++)
        st = kb_xdb_add_spelling(db, d->spelling.items[i], 1);
    return st;
}

static void *run(void *vw)
{
    writer_t *w = vw;
    kbi_writers_t *all = w->owner;
    for (;;) {
        pthread_mutex_lock(&all->mu);
        while (!w->count && !all->closing)
            pthread_cond_wait(&all->cv_item, &all->mu);
        if (!w->count) {
            pthread_mutex_unlock(&all->mu);
            break;
        }
        kbi_docset_t d = w->queue[w->head];
        memset(&w->queue[w->head], 0, sizeof d);
        w->head = (w->head + 1) % QUEUE;
        w->count--;
        pthread_cond_broadcast(&all->cv_space);
        pthread_mutex_unlock(&all->mu);
        /* After a failure, drain without writing. */
        if (w->st == KB_STATUS_SUCCESS) {
            w->st = write_docset(w->db, &d);
            if (w->st != KB_STATUS_SUCCESS)
                snprintf(w->err, sizeof w->err, "%s", kb_xdb_last_error(w->db));
        }
        kbi_docset_free(&d);
    }
    return NULL;
}

kb_status_t kbi_writers_start(kb_xdb_t **dbs, unsigned n, kbi_writers_t **out)
{
    *out = NULL;
    kbi_writers_t *all = calloc(1, sizeof *all);
    if (!all || !(all->w = calloc(n, sizeof *all->w))) {
        free(all);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    all->n = n;
    pthread_mutex_init(&all->mu, NULL);
    pthread_cond_init(&all->cv_item, NULL);
    pthread_cond_init(&all->cv_space, NULL);
    for (unsigned i = 0; i < n; i++) {
        writer_t *w = &all->w[i];
        w->owner = all;
        w->db = dbs[i];
        if (pthread_create(&w->tid, NULL, run, w) != 0) {
            char err[8];
            kbi_writers_finish(all, err, sizeof err);
            return KB_STATUS_INTERNAL_ERROR;
        }
        w->started = 1;
    }
    *out = all;
    return KB_STATUS_SUCCESS;
}

kb_status_t kbi_writers_submit(kbi_writers_t *all, unsigned shard, kbi_docset_t *docs)
{
    if (shard >= all->n)
        return KB_STATUS_BAD_ARGUMENT;
    writer_t *w = &all->w[shard];
    pthread_mutex_lock(&all->mu);
    while (w->count == QUEUE)
        pthread_cond_wait(&all->cv_space, &all->mu);
    w->queue[(w->head + w->count) % QUEUE] = *docs;
    w->count++;
    memset(docs, 0, sizeof *docs);
    pthread_cond_broadcast(&all->cv_item);
    pthread_mutex_unlock(&all->mu);
    return KB_STATUS_SUCCESS;
}

kb_status_t kbi_writers_finish(kbi_writers_t *all, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!all)
        return KB_STATUS_SUCCESS;
    pthread_mutex_lock(&all->mu);
    all->closing = 1;
    pthread_cond_broadcast(&all->cv_item);
    pthread_mutex_unlock(&all->mu);
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned i = 0; i < all->n; i++) {
        writer_t *w = &all->w[i];
        if (w->started)
            pthread_join(w->tid, NULL);
        for (size_t k = 0; k < w->count; k++)
            kbi_docset_free(&w->queue[(w->head + k) % QUEUE]);
        if (w->st != KB_STATUS_SUCCESS && st == KB_STATUS_SUCCESS) {
            st = w->st;
            if (err && errlen)
                snprintf(err, errlen, "%s", w->err);
        }
    }
    pthread_cond_destroy(&all->cv_item);
    pthread_cond_destroy(&all->cv_space);
    pthread_mutex_destroy(&all->mu);
    free(all->w);
    free(all);
    return st;
}
