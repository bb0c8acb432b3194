/* route.c - one HTTP request: its limits, its key, its route, and the
 * answer, which the JSON-lines server's own functions build
 * (serve/internal.h), so HTTP answers exactly as --serve does. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "kb/json.h"
#include "serve/http_internal.h"
#include "serve/internal.h"

#define MAX_ARGS 64

/* ---------------------------------------------------------------- */
/* Answers                                                            */

/* The Origin header when CORS allows it, else NULL. */
static const char *allowed_origin(const kb_http_t *h, struct MHD_Connection *c)
{
    const char *o = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
    if (!o)
        return NULL;
    for (size_t i = 0; i < h->n_cors; i++)
        if (strcmp(h->cors[i], "*") == 0 || strcmp(h->cors[i], o) == 0)
            return o;
    return NULL;
}

typedef struct header {
    const char *name, *value;
} header_t;

/* Queue STATUS with LEN bytes of DATA (copied unless STATIC_DATA) of TYPE,
 * the common headers and up to two more. */
static enum MHD_Result send_bytes(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                  unsigned status, const char *type, const char *data,
                                  size_t len, int static_data, const header_t *extra, size_t n)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)data, static_data ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (!static_data)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    const char *origin = allowed_origin(h, c);
    if (origin) {
        MHD_add_response_header(resp, "Access-Control-Allow-Origin", origin);
        MHD_add_response_header(resp, "Access-Control-Expose-Headers", "Retry-After");
    }
    if (h->n_cors)
        MHD_add_response_header(resp, "Vary", "Origin");
    for (size_t i = 0; i < n; i++)
        MHD_add_response_header(resp, extra[i].name, extra[i].value);
    if (atomic_load(&h->stopping))
        MHD_add_response_header(resp, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    return ret;
}

static enum MHD_Result send_json(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                 unsigned status, cJSON *body, const header_t *extra, size_t n)
{
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON_Delete(body);
    if (!text) {
        static const char oom[] = "{\"error\":{\"code\":\"index_error\",\"message\":\"out of memory\"}}";
        return send_bytes(h, c, r, 503, "application/json", oom, sizeof oom - 1, 1, NULL, 0);
    }
    enum MHD_Result ret =
        send_bytes(h, c, r, status, "application/json", text, strlen(text), 0, extra, n);
    free(text);
    return ret;
}

static enum MHD_Result send_error(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                  unsigned status, const char *code, const header_t *extra,
                                  size_t n, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

static enum MHD_Result send_error(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                  unsigned status, const char *code, const header_t *extra,
                                  size_t n, const char *fmt, ...)
{
    kb_buf_t b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    cJSON *body = kb_json_error(code, b.data ? b.data : code);
    kb_buf_free(&b);
    return send_json(h, c, r, status, body, extra, n);
}

/* The HTTP status of an error code from the shared server. */
static unsigned status_of(const char *code)
{
    if (!code)
        return 200;
    if (strcmp(code, "not_found") == 0)
        return 404;
    if (strcmp(code, "too_large") == 0)
        return 413;
    if (strcmp(code, "index_error") == 0)
        return 503;
    return 400;
}

/* Answer REQ (taken) through the shared server; a search gets its
 * query_id. */
static enum MHD_Result answer(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                              cJSON *req, int is_search)
{
    char *msg = NULL;
    kb_server_t *srv = kbi_http_worker(h, &msg);
    if (!srv) {
        cJSON_Delete(req);
        enum MHD_Result ret = send_error(h, c, r, 503, "index_error", NULL, 0, "%s",
                                         msg ? msg : "the index cannot be opened");
        free(msg);
        return ret;
    }
    cJSON *body = req ? kbi_server_call(srv, req) : NULL;
    cJSON_Delete(req);
    const char *code = body ? kbi_server_error_code(body) : "index_error";
    if (body && !code && is_search && !cJSON_HasObjectItem(body, "query_id")) {
        char qid[40];
        kbi_http_query_id(h, qid);
        cJSON_AddStringToObject(body, "query_id", qid);
    }
    return send_json(h, c, r, status_of(code), body, NULL, 0);
}

/* ---------------------------------------------------------------- */
/* Query parameters                                                   */

typedef struct qarg {
    const char *k, *v;
    size_t klen, vlen;
} qarg_t;

typedef struct qargs {
    qarg_t a[MAX_ARGS];
    size_t n;
    int over;       /* more than MAX_ARGS */
    size_t bytes;   /* their size, about as sent */
} qargs_t;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t klen, const char *value, size_t vlen)
{
    qargs_t *q = cls;
    (void)kind;
    q->bytes += klen + vlen + 2;
    if (q->n == MAX_ARGS) {
        q->over = 1;
        return MHD_YES;
    }
    q->a[q->n++] = (qarg_t){key, value ? value : "", klen, value ? vlen : 0};
    return MHD_YES;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    size_t klen, const char *value, size_t vlen)
{
    (void)kind, (void)key, (void)value;
    *(size_t *)cls += klen + vlen + 4;
    return MHD_YES;
}

typedef enum { ARG_STRING, ARG_UINT, ARG_BOOL, ARG_LIST } arg_kind_t;

typedef struct arg_spec {
    const char *name;     /* in the URL */
    const char *field;    /* in the request object */
    arg_kind_t kind;
} arg_spec_t;

static const arg_spec_t search_args[] = {
    {"q", "q", ARG_STRING},          {"limit", "limit", ARG_UINT},
    {"offset", "offset", ARG_UINT},  {"category", "category", ARG_LIST},
    {"tag", "tags", ARG_LIST},       {"explain", "explain", ARG_BOOL},
    {"plain", "plain", ARG_BOOL},    {NULL, NULL, ARG_STRING},
};
static const arg_spec_t suggest_args[] = {
    {"q", "q", ARG_STRING}, {"limit", "limit", ARG_UINT}, {NULL, NULL, ARG_STRING}};
static const arg_spec_t no_args[] = {{NULL, NULL, ARG_STRING}};

/* A value as the request object holds it: numbers and booleans when they
 * read as such, else the text (the shared server then says what is
 * wrong, as it does for JSON of the wrong type). */
static cJSON *arg_value(const qarg_t *a, arg_kind_t kind)
{
    if (kind == ARG_UINT && a->vlen > 0 && a->vlen <= 9 &&
        strspn(a->v, "0123456789") == a->vlen)
        return cJSON_CreateNumber((double)strtoul(a->v, NULL, 10));
    if (kind == ARG_BOOL) {
        if (a->vlen == 0 || strcmp(a->v, "true") == 0 || strcmp(a->v, "1") == 0)
            return cJSON_CreateTrue();
        if (strcmp(a->v, "false") == 0 || strcmp(a->v, "0") == 0)
            return cJSON_CreateFalse();
    }
    return cJSON_CreateString(a->v);
}

/* The request object for OP from the query parameters, or NULL with
 * *WHY set. */
static cJSON *args_request(const qargs_t *q, const char *op, const arg_spec_t *spec,
                           char *why, size_t whylen)
{
    if (q->over) {
        snprintf(why, whylen, "more than %d query parameters", MAX_ARGS);
        return NULL;
    }
    cJSON *req = cJSON_CreateObject();
    if (!req || !cJSON_AddStringToObject(req, "op", op)) {
        snprintf(why, whylen, "out of memory");
        cJSON_Delete(req);
        return NULL;
    }
    for (size_t i = 0; i < q->n; i++) {
        const qarg_t *a = &q->a[i];
        const arg_spec_t *s = spec;
        if (strlen(a->k) != a->klen || strlen(a->v) != a->vlen ||
            !kb_utf8_valid(a->k, a->klen, NULL) || !kb_utf8_valid(a->v, a->vlen, NULL)) {
            snprintf(why, whylen, "query parameters must be UTF-8 text without NUL");
            goto bad;
        }
        while (s->name && strcmp(s->name, a->k) != 0)
            s++;
        if (!s->name) {
            snprintf(why, whylen, "unknown query parameter \"%.*s\"",
                     (int)kb_utf8_prefix(a->k, a->klen, 40), a->k);
            goto bad;
        }
        cJSON *have = cJSON_GetObjectItemCaseSensitive(req, s->field);
        if (have && s->kind != ARG_LIST) {
            snprintf(why, whylen, "query parameter \"%s\" given more than once", s->name);
            goto bad;
        }
        if (s->kind == ARG_LIST) {
            if (!have && !(have = cJSON_AddArrayToObject(req, s->field)))
                goto oom;
            if (cJSON_GetArraySize(have) == 32) {
                snprintf(why, whylen, "at most 32 \"%s\" parameters", s->name);
                goto bad;
            }
            cJSON_AddItemToArray(have, cJSON_CreateString(a->v));
        } else {
            cJSON_AddItemToObject(req, s->field, arg_value(a, s->kind));
        }
    }
    return req;
oom:
    snprintf(why, whylen, "out of memory");
bad:
    cJSON_Delete(req);
    return NULL;
}

/* ---------------------------------------------------------------- */
/* Routes                                                             */

typedef struct route route_t;
typedef enum MHD_Result (*route_fn)(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                    const qargs_t *q, const char *rest);

struct route {
    const char *path;     /* exact; a prefix when it ends with '/' */
    const char *allow;    /* methods */
    unsigned scope;       /* 0: no key needed */
    route_fn fn;
};

static enum MHD_Result bad_args(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                const char *why)
{
    return send_error(h, c, r, 400, "bad_request", NULL, 0, "%s", why);
}

static enum MHD_Result on_search_post(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                      const qargs_t *q);

static enum MHD_Result on_search(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                 const qargs_t *q, const char *rest)
{
    char why[160];
    (void)rest;
    if (strcmp(r->method, "POST") == 0)
        return on_search_post(h, c, r, q);
    cJSON *req = args_request(q, "search", search_args, why, sizeof why);
    if (req && !cJSON_HasObjectItem(req, "q")) {
        cJSON_Delete(req);
        return bad_args(h, c, r, "the query parameter \"q\" is required");
    }
    return req ? answer(h, c, r, req, 1) : bad_args(h, c, r, why);
}

static enum MHD_Result on_suggest(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                  const qargs_t *q, const char *rest)
{
    char why[160];
    (void)rest;
    cJSON *req = args_request(q, "suggest", suggest_args, why, sizeof why);
    if (req && !cJSON_HasObjectItem(req, "q")) {
        cJSON_Delete(req);
        return bad_args(h, c, r, "the query parameter \"q\" is required");
    }
    return req ? answer(h, c, r, req, 0) : bad_args(h, c, r, why);
}

/* /v1/articles/ID and /v1/escalation/ID: the shared server checks ID (an
 * article id, never a path: "..%2F" is refused there). */
static enum MHD_Result on_article(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                  const qargs_t *q, const char *rest, const char *op)
{
    char why[160];
    cJSON *req = args_request(q, op, no_args, why, sizeof why);
    if (!req)
        return bad_args(h, c, r, why);
    if (!*rest) {
        cJSON_Delete(req);
        return send_error(h, c, r, 404, "not_found", NULL, 0, "no article id in the path");
    }
    cJSON_AddStringToObject(req, "article", rest);
    return answer(h, c, r, req, 0);
}

static enum MHD_Result on_show(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                               const qargs_t *q, const char *rest)
{
    return on_article(h, c, r, q, rest, "show");
}

static enum MHD_Result on_escalation(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                     const qargs_t *q, const char *rest)
{
    return on_article(h, c, r, q, rest, "escalation");
}

static enum MHD_Result on_health(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                 const qargs_t *q, const char *rest)
{
    char why[160];
    (void)rest;
    cJSON *req = args_request(q, "health", no_args, why, sizeof why);
    return req ? answer(h, c, r, req, 0) : bad_args(h, c, r, why);
}

/* A JSON body for operation OP (POST): *REQ gets it with "op" set, or the
 * error was sent (*RET).  1 when *REQ is set. */
static int json_body(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r, const qargs_t *q,
                     const char *op, cJSON **req, enum MHD_Result *ret)
{
    *req = NULL;
    if (q->n) {
        *ret = bad_args(h, c, r, "POST takes a JSON body, not query parameters");
        return 0;
    }
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    if (!type || strncasecmp(type, "application/json", 16) != 0 ||
        (type[16] && type[16] != ';' && type[16] != ' ')) {
        *ret = send_error(h, c, r, 415, "bad_request", NULL, 0,
                          "send the body as Content-Type: application/json");
        return 0;
    }
    if (r->seen > KBI_HTTP_MAX_BODY) {
        *ret = send_error(h, c, r, 413, "too_large", NULL, 0, "the body is over %u bytes",
                          KBI_HTTP_MAX_BODY);
        return 0;
    }
    cJSON *error;
    cJSON *body = kbi_server_parse(r->body.data ? r->body.data : "", r->body.len, &error);
    if (!body) {
        const char *code = error ? kbi_server_error_code(error) : "index_error";
        cJSON_DeleteItemFromObjectCaseSensitive(error, "id");
        *ret = send_json(h, c, r, status_of(code), error, NULL, 0);
        return 0;
    }
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(body, "op");
    if (o && !(cJSON_IsString(o) && strcmp(o->valuestring, op) == 0)) {
        cJSON_Delete(body);
        char why[120];
        snprintf(why, sizeof why, "this path takes %s only (\"op\" must be \"%s\" or left out)",
                 op, op);
        *ret = bad_args(h, c, r, why);
        return 0;
    }
    cJSON_DeleteItemFromObjectCaseSensitive(body, "op");
    cJSON_AddStringToObject(body, "op", op);
    *req = body;
    return 1;
}

/* POST /v1/search: the request as a JSON body, for a pasted chat or email
 * longer than a URI may be (up to KB_INPUT_MAX_BYTES of "q"). */
static enum MHD_Result on_search_post(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                      const qargs_t *q)
{
    cJSON *req;
    enum MHD_Result ret;
    if (!json_body(h, c, r, q, "search", &req, &ret))
        return ret;
    if (!cJSON_HasObjectItem(req, "q")) {
        cJSON_Delete(req);
        return bad_args(h, c, r, "\"q\" is required");
    }
    return answer(h, c, r, req, 1);
}

static enum MHD_Result on_feedback(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                   const qargs_t *q, const char *rest)
{
    (void)rest;
    cJSON *req;
    enum MHD_Result ret;
    if (!json_body(h, c, r, q, "feedback", &req, &ret))
        return ret;
    return answer(h, c, r, req, 0);
}

static enum MHD_Result on_panel(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                const qargs_t *q, const char *rest)
{
    size_t len;
    const char *page = kb_http_panel_html(&len);
    (void)q, (void)rest;
    header_t extra[2] = {{"Content-Security-Policy", h->csp}, {"Cache-Control", "no-cache"}};
    return send_bytes(h, c, r, 200, "text/html; charset=utf-8", page, len, 1, extra, 2);
}

static enum MHD_Result on_openapi(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                  const qargs_t *q, const char *rest)
{
    size_t len;
    const char *doc = kb_http_openapi_json(&len);
    (void)q, (void)rest;
    header_t extra[1] = {{"Cache-Control", "no-cache"}};
    return send_bytes(h, c, r, 200, "application/json", doc, len, 1, extra, 1);
}

static const route_t routes[] = {
    {"/", "GET, HEAD", 0, on_panel},
    {"/openapi.json", "GET, HEAD", 0, on_openapi},
    {"/v1/health", "GET, HEAD", 0, on_health},
    {"/v1/search", "GET, HEAD, POST", KBI_SCOPE_SEARCH, on_search},
    {"/v1/suggest", "GET, HEAD", KBI_SCOPE_SEARCH, on_suggest},
    {"/v1/articles/", "GET, HEAD", KBI_SCOPE_SEARCH, on_show},
    {"/v1/escalation/", "GET, HEAD", KBI_SCOPE_SEARCH, on_escalation},
    {"/v1/feedback", "POST", KBI_SCOPE_FEEDBACK, on_feedback},
    {NULL, NULL, 0, NULL},
};

static const route_t *find_route(const char *url, const char **rest)
{
    for (const route_t *rt = routes; rt->path; rt++) {
        size_t n = strlen(rt->path);
        if (rt->path[n - 1] == '/' && n > 1 ? strncmp(url, rt->path, n) == 0
                                            : strcmp(url, rt->path) == 0) {
            *rest = url + (rt->path[n - 1] == '/' && n > 1 ? n : strlen(url));
            return rt;
        }
    }
    return NULL;
}

static int method_allowed(const route_t *rt, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = rt->allow; (p = strstr(p, method)) != NULL; p += n)
        if ((p == rt->allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- */
/* Keys, CORS preflight, limits                                       */

static const char *scope_name(unsigned scope)
{
    return scope == KBI_SCOPE_FEEDBACK ? "feedback" : "search";
}

/* 0 when the request may go on; else the answer was queued (*RET). */
static int check_key(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                     const route_t *rt, enum MHD_Result *ret)
{
    if (!h->keys || !rt->scope)
        return 0;
    static const header_t challenge[1] = {{"WWW-Authenticate", "Bearer realm=\"kb\""}};
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (!auth || strncasecmp(auth, "Bearer ", 7) != 0) {
        *ret = send_error(h, c, r, 401, "unauthorized", challenge, 1,
                          "this server needs a key: Authorization: Bearer KEY");
        return 1;
    }
    const char *given = auth + 7;
    given += strspn(given, " ");
    kbi_key_t *key = kbi_keys_find(h->keys, given, strlen(given));
    if (!key) {
        *ret = send_error(h, c, r, 401, "unauthorized", challenge, 1, "unknown key");
        return 1;
    }
    r->key_name = kbi_key_name(key);
    if (!kbi_key_allows(key, rt->scope)) {
        *ret = send_error(h, c, r, 403, "forbidden", NULL, 0,
                          "key %s lacks the scope \"%s\" that %s needs", r->key_name,
                          scope_name(rt->scope), rt->path);
        return 1;
    }
    unsigned wait = kbi_key_take(key, kb_now_ms());
    if (wait) {
        char secs[16];
        snprintf(secs, sizeof secs, "%u", wait);
        header_t retry[1] = {{"Retry-After", secs}};
        *ret = send_error(h, c, r, 429, "rate_limited", retry, 1,
                          "key %s is over its rate limit; retry in %u s", r->key_name, wait);
        return 1;
    }
    return 0;
}

static enum MHD_Result preflight(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                                 const route_t *rt)
{
    header_t extra[4] = {{"Allow", rt->allow}};
    size_t n = 1;
    if (allowed_origin(h, c)) {
        extra[n++] = (header_t){"Access-Control-Allow-Methods", rt->allow};
        extra[n++] = (header_t){"Access-Control-Allow-Headers", "Authorization, Content-Type"};
        extra[n++] = (header_t){"Access-Control-Max-Age", "600"};
    }
    return send_bytes(h, c, r, 204, "text/plain", "", 0, 1, extra, n);
}

/* The path (and with the search log on, the query) for the access log. */
static char *log_path(const kb_http_t *h, const char *url, const qargs_t *q)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, url);
    for (size_t i = 0; h->log_query_text && i < q->n; i++)
        kb_buf_printf(&b, "%c%s=%s", i ? '&' : '?', q->a[i].k, q->a[i].v);
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

static enum MHD_Result handle(kb_http_t *h, struct MHD_Connection *c, kbi_request_t *r,
                              const char *url, const char *method)
{
    qargs_t *q = malloc(sizeof *q);
    if (!q)
        return MHD_NO;
    memset(q, 0, sizeof *q);
    MHD_get_connection_values_n(c, MHD_GET_ARGUMENT_KIND, collect_arg, q);
    size_t header_bytes = 0;
    MHD_get_connection_values_n(c, MHD_HEADER_KIND, count_header, &header_bytes);
    r->log_path = log_path(h, url, q);
    enum MHD_Result ret;
    const char *rest = "";
    const route_t *rt = find_route(url, &rest);
    if (strlen(url) + q->bytes > KBI_HTTP_MAX_URI)
        ret = send_error(h, c, r, 414, "uri_too_long", NULL, 0, "the URI is over %u bytes",
                         KBI_HTTP_MAX_URI);
    else if (header_bytes > KBI_HTTP_MAX_HEADERS)
        ret = send_error(h, c, r, 431, "headers_too_large", NULL, 0,
                         "the headers are over %u bytes", KBI_HTTP_MAX_HEADERS);
    else if (!kb_utf8_valid(url, strlen(url), NULL))
        ret = bad_args(h, c, r, "the path must be UTF-8 text without NUL");
    else if (!rt)
        ret = send_error(h, c, r, 404, "not_found", NULL, 0, "no such path (see /openapi.json)");
    else if (strcmp(method, "OPTIONS") == 0)
        ret = preflight(h, c, r, rt);
    else if (!method_allowed(rt, method)) {
        header_t allow[1] = {{"Allow", rt->allow}};
        ret = send_error(h, c, r, 405, "method_not_allowed", allow, 1,
                         "%s takes %s only", rt->path, rt->allow);
    } else if (!check_key(h, c, r, rt, &ret))
        ret = rt->fn(h, c, r, q, rest);
    free(q);
    return ret;
}

/* ---------------------------------------------------------------- */
/* libmicrohttpd's entry                                              */

/* The method as the log shows it: token characters only. */
static void copy_method(char *out, size_t cap, const char *method)
{
    size_t i = 0;
    for (; method[i] && i + 1 < cap; i++) {
        unsigned char ch = (unsigned char)method[i];
        out[i] = (ch > ' ' && ch < 0x7f && ch != '"' && ch != '\\') ? (char)ch : '?';
    }
    out[i] = '\0';
}

enum MHD_Result kbi_http_on_request(void *cls, struct MHD_Connection *c, const char *url,
                                    const char *method, const char *version,
                                    const char *upload_data, size_t *upload_size,
                                    void **req_cls)
{
    kb_http_t *h = cls;
    kbi_request_t *r = *req_cls;
    (void)version;
    if (!r) {
        if (!(r = calloc(1, sizeof *r)))
            return MHD_NO;
        r->start_ms = kb_now_ms();
        r->key_name = "-";
        copy_method(r->method, sizeof r->method, method);
        atomic_fetch_add(&h->inflight, 1);
        *req_cls = r;
        /* A body announced too large is refused before it is read. */
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > KBI_HTTP_MAX_BODY)
            return send_error(h, c, r, 413, "too_large", NULL, 0, "the body is over %u bytes",
                              KBI_HTTP_MAX_BODY);
        return MHD_YES;
    }
    if (*upload_size) {
        /* Kept up to the limit, counted past it; a client that goes on
         * sending far past it is dropped. */
        r->seen += *upload_size;
        if (r->seen <= KBI_HTTP_MAX_BODY)
            kb_buf_add(&r->body, upload_data, *upload_size);
        *upload_size = 0;
        return r->seen > KBI_HTTP_MAX_DISCARD || r->body.oom ? MHD_NO : MHD_YES;
    }
    if (r->status)
        return MHD_YES;
    return handle(h, c, r, url, method);
}
