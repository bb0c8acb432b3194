/* http_internal.h - what http.c (the daemon: start, stop, workers, log)
 * and route.c (one request: limits, keys, routes, responses) share. */
#ifndef KB_SERVE_HTTP_INTERNAL_H
#define KB_SERVE_HTTP_INTERNAL_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>

#include "base/buf.h"
#include "kb/http.h"
#include "kb/serve.h"
#include "serve/keys.h"

/* Limits (the README's "Running the server" lists them). */
#define KBI_HTTP_MAX_URI (8u * 1024u)       /* path and query: 414 above */
#define KBI_HTTP_MAX_HEADERS (16u * 1024u)  /* all header lines: 431 above */
#define KBI_HTTP_MAX_BODY KB_SERVE_MAX_LINE /* 64 KiB: 413 above */
#define KBI_HTTP_MAX_DISCARD (1024u * 1024u) /* body read past the limit
                                                before the connection is
                                                dropped */
#define KBI_HTTP_MEMORY (64u * 1024u)       /* per connection (libmicrohttpd) */

struct kb_http {
    struct MHD_Daemon *d;
    char *db_path;
    unsigned search_flags;     /* for each worker's kb_search_open_flags() */
    struct kb_searchlog *search_log; /* borrowed; NULL: none */
    char *feedback_path;
    char **cors;
    size_t n_cors;
    kbi_keys_t *keys;             /* NULL: no keys */
    char *tls_cert, *tls_key;
    char *csp;                    /* the panel's Content-Security-Policy */
    unsigned port;
    int https;
    char url[96];
    int log_query_text;
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
    pthread_key_t worker_key;     /* each thread's worker_t */
    int have_worker_key;
    atomic_uint inflight;         /* requests begun and not yet completed */
    atomic_int stopping;
    unsigned long long qid_seed;
    atomic_ullong qid_next;
};

/* One request (libmicrohttpd's per-request pointer). */
typedef struct kbi_request {
    double start_ms;
    kb_buf_t body;
    size_t seen;                  /* body bytes received */
    unsigned status;              /* of the response queued */
    const char *key_name;         /* "-" without a key */
    char *log_path;               /* the path as the access log shows it */
    char method[12];
} kbi_request_t;

/* The worker of the calling thread: its own index handle and server,
 * opened on first use.  NULL when the index cannot be opened (then
 * *MESSAGE, caller frees, says why). */
kb_server_t *kbi_http_worker(kb_http_t *h, char **message /* OUT */);

/* Free a worker (the pthread key's destructor, when a thread ends). */
void kbi_http_worker_free(void *w);

/* A new query id for a search answered over HTTP. */
void kbi_http_query_id(kb_http_t *h, char out[40]);

/* libmicrohttpd's access handler (route.c). */
enum MHD_Result kbi_http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_size,
                                    void **req_cls);

#include "base/clock.h"

#endif
