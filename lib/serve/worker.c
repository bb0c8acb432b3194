/* worker.c - what each worker thread of the HTTP server owns: its own
 * index handle (kb_search_t is for one thread at a time) and server,
 * opened on its first request; and the query ids of HTTP searches. */
#include <stdio.h>
#include <stdlib.h>

#include "kb/search.h"
#include "serve/http_internal.h"
#include "serve/internal.h"

typedef struct worker {
    kb_search_t *s;
    kb_server_t *srv;
} worker_t;

void kbi_http_worker_free(void *p)
{
    worker_t *w = p;
    if (!w)
        return;
    kb_server_free(w->srv);
    kb_search_close(w->s);
    free(w);
}

kb_server_t *kbi_http_worker(kb_http_t *h, char **message)
{
    *message = NULL;
    worker_t *w = pthread_getspecific(h->worker_key);
    if (w)
        return w->srv;
    if (!(w = calloc(1, sizeof *w)))
        return NULL;
    kb_status_t st = kb_search_open_flags(h->db_path, h->search_flags, &w->s, message);
    if (st == KB_STATUS_SUCCESS) {
        st = kb_server_new(w->s, h->feedback_path, &w->srv);
        if (st == KB_STATUS_SUCCESS) {
            kbi_server_set_source(w->srv, "http");
            kb_server_set_search_log(w->srv, h->search_log, "http");
        }
    }
    if (st != KB_STATUS_SUCCESS || pthread_setspecific(h->worker_key, w) != 0) {
        if (!*message)
            *message = kb_strdup(kb_status_to_string(st));
        kbi_http_worker_free(w);
        return NULL;
    }
    return w->srv;
}

/* The one place query ids are made (for HTTP searches).  When the search
 * log (issue 12) names each search, it makes them instead: a search object
 * that already holds "query_id" keeps its own. */
void kbi_http_query_id(kb_http_t *h, char out[40])
{
    unsigned long long n = atomic_fetch_add(&h->qid_next, 1);
    snprintf(out, 40, "h%08llx-%llu", (h->qid_seed ^ (h->qid_seed >> 32)) & 0xffffffffULL, n);
}

