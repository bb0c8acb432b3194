/* http.h - the HTTP server behind kb-search --http: the operations of
 * kb/serve.h over HTTP/1.1 (libmicrohttpd), with keys, CORS, limits, an
 * access log, and the officer web panel at "/".
 *
 *     GET  /v1/search?q=&limit=&offset=&category=&tag=&explain=
 *     GET  /v1/suggest?q=&limit=
 *     GET  /v1/articles/{id}       GET /v1/escalation/{id}
 *     POST /v1/feedback            {"query_id", "q", "article", "helpful"}
 *     GET  /v1/health              GET /openapi.json        GET /
 *
 * Each answer is the object --serve gives (without "id"), built by the same
 * code; a search adds "query_id".  Errors are {"error": {"code",
 * "message"}} with the HTTP status: 400 bad_request/bad_json, 401
 * unauthorized, 403 forbidden, 404 not_found, 405 method_not_allowed, 413
 * too_large, 414 uri_too_long, 431 headers_too_large, 429 rate_limited,
 * 503 index_error.
 *
 * A fixed pool of worker threads answers, each with its own kb_search_t
 * that follows re-indexing.  The library never prints: access log lines go
 * to the config's log function.
 */
#ifndef KB_HTTP_H
#define KB_HTTP_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_http kb_http_t;

typedef struct kb_http_config {
    const char *db_path;          /* the index; each worker opens its own */
    const char *feedback_path;    /* NULL: feedback requests get an error */
    const char *listen;           /* "[ADDR:]PORT"; ADDR defaults to
                                     127.0.0.1; "[::1]:8080" for IPv6; port 0
                                     picks a free one (kb_http_port) */
    const char *keys_path;        /* NULL: no keys, and then only a loopback
                                     address is accepted */
    const char *const *cors;      /* origins allowed to call from a browser
                                     ("https://crm.example.com", or "*") */
    size_t n_cors;
    const char *tls_cert_path;    /* both or neither: HTTPS (GnuTLS) */
    const char *tls_key_path;
    unsigned threads;             /* worker threads; 0 = 4 */
    unsigned max_connections;     /* in total; 0 = 1000 */
    unsigned max_per_client;      /* per client address; 0 = 500 (a
                                     reverse proxy sends all from one) */
    unsigned timeout_s;           /* idle connection timeout; 0 = 10 */
    int log_query_text;           /* the access log shows the query string
                                     (only when the search log is on) */
    /* One access log line (no newline), from any worker thread; NULL: no
     * access log.  Never holds a key. */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
    unsigned search_flags;        /* KB_SEARCH_* for each worker's
                                     kb_search_open_flags() (0: none) */
    struct kb_searchlog *search_log; /* every search logged here, interface
                                     "http" (borrowed; NULL: none) */
} kb_http_config_t;

/* Start serving.  KB_STATUS_BAD_ARGUMENT for a bad listen address, a
 * non-loopback address without keys, a bad keys file (mode, syntax), bad
 * CORS origins or half a TLS pair; KB_STATUS_FILE_ERROR when the keys or
 * TLS files cannot be read or the address cannot be bound.  *MESSAGE
 * (caller frees) says what; it is NULL on success. */
KB_API kb_status_t kb_http_start(const kb_http_config_t *cfg, kb_http_t **out /* OUT */,
                                 char **message /* OUT */);

/* The port it listens on, and its URL ("http://127.0.0.1:8080/"). */
KB_API unsigned kb_http_port(const kb_http_t *h);
KB_API const char *kb_http_url(const kb_http_t *h);

/* Stop: stop accepting connections, let the requests in flight finish (at
 * most GRACE_MS), close everything and free H.  Returns the number of
 * requests still unfinished when the grace time ran out (0 normally). */
KB_API unsigned kb_http_stop(kb_http_t *h, unsigned grace_ms);

/* The officer web panel and the OpenAPI document the server serves. */
KB_API const char *kb_http_panel_html(size_t *len /* OUT */);
KB_API const char *kb_http_openapi_json(size_t *len /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
