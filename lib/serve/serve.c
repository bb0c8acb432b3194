/* serve.c - one JSON request line in, one JSON response line out. */
#include "kb/serve.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/log.h"
#include "kb/json.h"
#include "query/syntax.h"
#include "kb/version.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "serve/internal.h"

struct kb_server {
    kb_search_t *s;
    char *feedback;
    const char *source;   /* the feedback log's "source": "serve", "http" */
    kb_searchlog_t *log;     /* borrowed; NULL: searches are not logged */
    const char *interface;   /* what the search log calls this server */
    char *log_error;         /* the search log's last failure, for health */
};

kb_status_t kb_server_new(kb_search_t *s, const char *feedback_path, kb_server_t **out)
{
    *out = NULL;
    kb_server_t *srv = calloc(1, sizeof *srv);
    if (!srv)
        return KB_STATUS_OUT_OF_MEMORY;
    srv->s = s;
    srv->source = "serve";
    if (feedback_path && !(srv->feedback = kb_strdup(feedback_path))) {
        free(srv);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *out = srv;
    return KB_STATUS_SUCCESS;
}

void kb_server_free(kb_server_t *srv)
{
    if (!srv)
        return;
    free(srv->feedback);
    free(srv->log_error);
    free(srv);
}

void kb_server_set_search_log(kb_server_t *srv, kb_searchlog_t *log, const char *interface)
{
    srv->log = log;
    srv->interface = interface ? interface : "serve";
}

/* Log the search R; its query id goes into BODY.  A log that cannot be
 * written never fails the search: health says so. */
static void log_search(kb_server_t *srv, const kb_results_t *r, cJSON *body)
{
    char qid[KB_QUERY_ID_SIZE];
    char *msg = NULL;
    if (kb_searchlog_record(srv->log, srv->interface, r, qid, &msg) != KB_STATUS_SUCCESS &&
        msg) {
        free(srv->log_error);
        srv->log_error = msg;
    }
    if (body)
        cJSON_AddStringToObject(body, "query_id", qid);
}

/* A reply: BODY's members after "id" (a copy of ID, or null).  BODY is
 * freed. */
static char *reply(const cJSON *id, cJSON *body)
{
    cJSON *o = cJSON_CreateObject();
    char *out = NULL;
    if (o) {
        cJSON_AddItemToObject(o, "id", id ? cJSON_Duplicate(id, 1) : cJSON_CreateNull());
        while (body && body->child) {
            cJSON *item = cJSON_DetachItemViaPointer(body, body->child);
            cJSON_AddItemToObject(o, item->string, item);
        }
        out = kb_json_print(o);
    }
    cJSON_Delete(o);
    cJSON_Delete(body);
    return out;
}

static cJSON *error_body(const char *code, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* {"error": {"code": CODE, "message": ...}} */
static cJSON *error_body(const char *code, const char *fmt, ...)
{
    kb_buf_t b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    cJSON *r = kb_json_error(code, b.data ? b.data : "");
    kb_buf_free(&b);
    return r;
}

/* Field readers: each returns 0 and sets *ERR when the field has the wrong
 * type or range; absent fields keep the default. */
typedef struct req_err {
    char msg[160];
} req_err_t;

static int get_string(const cJSON *req, const char *key, int required, const char **out,
                      req_err_t *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    if (!v || cJSON_IsNull(v)) {
        if (required)
            snprintf(e->msg, sizeof e->msg, "\"%s\" is required", key);
        return !required;
    }
    if (!cJSON_IsString(v)) {
        snprintf(e->msg, sizeof e->msg, "\"%s\" must be a string", key);
        return 0;
    }
    *out = v->valuestring;
    return 1;
}

static int get_uint(const cJSON *req, const char *key, unsigned lo, unsigned hi,
                    unsigned *out, req_err_t *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    if (!v || cJSON_IsNull(v))
        return 1;
    double d = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    if (!cJSON_IsNumber(v) || d != floor(d) || d < lo || d > hi) {
        snprintf(e->msg, sizeof e->msg, "\"%s\" must be a whole number from %u to %u", key, lo,
                 hi);
        return 0;
    }
    *out = (unsigned)d;
    return 1;
}

static int get_bool(const cJSON *req, const char *key, int *out, req_err_t *e)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    if (!v || cJSON_IsNull(v))
        return 1;
    if (!cJSON_IsBool(v)) {
        snprintf(e->msg, sizeof e->msg, "\"%s\" must be true or false", key);
        return 0;
    }
    *out = cJSON_IsTrue(v);
    return 1;
}

/* A string or an array of strings, at most 32 of them. */
static int get_strings(const cJSON *req, const char *key, const char **out, size_t *n,
                       req_err_t *e)
{
    *n = 0;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, key);
    if (!v || cJSON_IsNull(v))
        return 1;
    if (cJSON_IsString(v)) {
        out[(*n)++] = v->valuestring;
        return 1;
    }
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 32) {
        snprintf(e->msg, sizeof e->msg, "\"%s\" must be a string or a list of at most 32 "
                                        "strings", key);
        return 0;
    }
    const cJSON *x;
    cJSON_ArrayForEach(x, v)
    {
        if (!cJSON_IsString(x)) {
            snprintf(e->msg, sizeof e->msg, "\"%s\" must hold strings only", key);
            return 0;
        }
        out[(*n)++] = x->valuestring;
    }
    return 1;
}

static cJSON *status_body(kb_server_t *srv, kb_status_t st)
{
    const char *msg = kb_search_last_error(srv->s);
    return error_body(kb_json_error_code(st), "%s", msg[0] ? msg : kb_status_to_string(st));
}

static cJSON *op_search(kb_server_t *srv, const cJSON *req)
{
    req_err_t e = {""};
    kb_request_t r = KB_REQUEST_INIT;
    const char *cats[32], *tags[32];
    int explain = 0, plain = 0, drafts = 0;
    if (!get_string(req, "q", 1, &r.q, &e) || !get_uint(req, "limit", 1, KB_LIMIT_MAX, &r.limit, &e) ||
        !get_uint(req, "offset", 0, 10000, &r.offset, &e) ||
        !get_strings(req, "category", cats, &r.n_categories, &e) ||
        !get_strings(req, "tags", tags, &r.n_tags, &e) || !get_bool(req, "explain", &explain, &e) ||
        !get_bool(req, "plain", &plain, &e) || !get_bool(req, "drafts", &drafts, &e))
        return error_body("bad_request", "%s", e.msg);
    r.categories = cats;
    r.tags = tags;
    r.explain = explain;
    r.plain = plain;
    r.drafts = drafts;
    kb_results_t *res;
    kb_status_t st = kb_search_run(srv->s, &r, &res);
    if (st != KB_STATUS_SUCCESS)
        return status_body(srv, st);
    cJSON *out = kb_json_results(res);
    log_search(srv, res, out);
    kb_results_free(res);
    return out;
}

static cJSON *op_show(kb_server_t *srv, const cJSON *req)
{
    req_err_t e = {""};
    const char *article = NULL;
    if (!get_string(req, "article", 1, &article, &e))
        return error_body("bad_request", "%s", e.msg);
    kb_article_t *art;
    kb_status_t st = kb_search_get_article(srv->s, article, &art);
    if (st != KB_STATUS_SUCCESS)
        return status_body(srv, st);
    cJSON *body = cJSON_CreateObject();
    cJSON *a = kb_json_article(art);
    kb_article_free(art);
    if (!body || !a) {
        cJSON_Delete(body);
        cJSON_Delete(a);
        return NULL;
    }
    cJSON_AddItemToObject(body, "article", a);
    return body;
}

static cJSON *op_escalation(kb_server_t *srv, const cJSON *req)
{
    req_err_t e = {""};
    const char *article = NULL;
    if (!get_string(req, "article", 1, &article, &e))
        return error_body("bad_request", "%s", e.msg);
    kb_escalation_t *esc;
    kb_status_t st = kb_search_escalation(srv->s, article, &esc);
    if (st != KB_STATUS_SUCCESS)
        return status_body(srv, st);
    cJSON *body = cJSON_CreateObject();
    if (body) {
        cJSON_AddStringToObject(body, "article", article);
        cJSON_AddItemToObject(body, "escalation", kb_json_escalation(esc));
    }
    kb_escalation_free(esc);
    return body;
}

/* A short identifier a client sends (query id, call, officer): 1-128
 * bytes of letters, digits and ".-_:@". */
static int get_ident(const cJSON *req, const char *key, const char **out, req_err_t *e)
{
    if (!get_string(req, key, 0, out, e))
        return 0;
    size_t n = *out ? strlen(*out) : 1;
    int ok = n >= 1 && n <= 128;
    for (const char *p = *out; ok && p && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             strchr(".-_:@", *p);
    if (!ok)
        snprintf(e->msg, sizeof e->msg, "\"%s\" must be 1-128 letters, digits or .-_:@", key);
    return ok;
}

/* What the search for Q says: how it was read, and the alerts it raises
 * (a vulnerable customer's words are never learned from). */
static void feedback_context(kb_server_t *srv, kb_feedback_t *fb, kb_results_t **res,
                             const char *kinds[16])
{
    *res = NULL;
    kb_request_t r = KB_REQUEST_INIT;
    r.q = fb->query;
    r.limit = 1;
    r.snippet_bytes = 1;
    if (!fb->query || kb_search_run(srv->s, &r, res) != KB_STATUS_SUCCESS) {
        *res = NULL;
        return;
    }
    fb->corrected = (*res)->corrected;
    size_t n = 0;
    for (size_t i = 0; i < (*res)->n_alerts && n < 16; i++)
        kinds[n++] = (*res)->alerts[i].kind;
    fb->alerts = kinds;
    fb->n_alerts = n;
}

static cJSON *op_feedback(kb_server_t *srv, const cJSON *req)
{
    req_err_t e = {""};
    kb_feedback_t fb = KB_FEEDBACK_INIT;
    int helpful = -1;
    if (!get_string(req, "q", 0, &fb.query, &e) ||
        !get_string(req, "article", 1, &fb.article, &e) ||
        !get_bool(req, "helpful", &helpful, &e) || !get_ident(req, "query_id", &fb.query_id, &e) ||
        !get_ident(req, "call", &fb.call, &e) || !get_ident(req, "officer", &fb.officer, &e))
        return error_body("bad_request", "%s", e.msg);
    if (helpful < 0)
        return error_body("bad_request", "\"helpful\" is required (true or false)");
    if (fb.query && strlen(fb.query) > KB_QUERY_MAX_BYTES)
        return error_body("too_large", "\"q\" is longer than %d bytes", KB_QUERY_MAX_BYTES);
    /* Feedback on an article that does not exist is a mistake worth telling. */
    kb_article_t *art;
    kb_status_t st = kb_search_get_article(srv->s, fb.article, &art);
    if (st != KB_STATUS_SUCCESS)
        return status_body(srv, st);
    kb_article_free(art);
    if (!srv->feedback)
        return error_body("index_error", "no feedback log configured");
    fb.helpful = helpful;
    fb.source = srv->source ? srv->source : "serve";
    kb_results_t *res;
    const char *kinds[16];
    feedback_context(srv, &fb, &res, kinds);
    char *msg = NULL;
    st = kb_feedback_write(srv->feedback, &fb, &msg);
    kb_results_free(res);
    if (st != KB_STATUS_SUCCESS) {
        cJSON *r = error_body("index_error", "%s", msg ? msg : kb_status_to_string(st));
        free(msg);
        return r;
    }
    cJSON *body = cJSON_CreateObject();
    if (body)
        cJSON_AddBoolToObject(body, "ok", 1);
    return body;
}

/* Type-ahead: the titles, and the customer questions that matched, of the
 * best answers to what is typed so far (the search itself, so spelling,
 * synonyms and filters work as they do for a search). */
static cJSON *op_suggest(kb_server_t *srv, const cJSON *req)
{
    req_err_t e = {""};
    kb_request_t r = KB_REQUEST_INIT;
    r.limit = 8;
    if (!get_string(req, "q", 1, &r.q, &e) || !get_uint(req, "limit", 1, 20, &r.limit, &e))
        return error_body("bad_request", "%s", e.msg);
    r.snippet_bytes = 1;
    kb_results_t *res;
    kb_status_t st = kb_search_run(srv->s, &r, &res);
    if (st != KB_STATUS_SUCCESS)
        return status_body(srv, st);
    cJSON *body = cJSON_CreateObject();
    cJSON *list = body ? cJSON_AddArrayToObject(body, "suggestions") : NULL;
    if (body)
        cJSON_AddStringToObject(body, "query", res->query ? res->query : "");
    for (size_t i = 0; list && i < res->n; i++) {
        const kb_hit_t *h = &res->hits[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddStringToObject(x, "text", h->question ? h->question : h->title);
        cJSON_AddStringToObject(x, "kind", h->question ? "question" : "title");
        cJSON_AddStringToObject(x, "article", h->id);
        cJSON_AddStringToObject(x, "title", h->title);
        cJSON_AddItemToArray(list, x);
    }
    kb_results_free(res);
    return body;
}

static cJSON *op_health(kb_server_t *srv)
{
    kb_health_t h;
    kb_status_t st = kb_search_health(srv->s, &h);
    if (st != KB_STATUS_SUCCESS)
        return status_body(srv, st);
    cJSON *body = cJSON_CreateObject();
    if (body) {
        cJSON_AddBoolToObject(body, "ok", 1);
        cJSON_AddNumberToObject(body, "documents", h.documents);
        cJSON_AddNumberToObject(body, "articles", h.articles);
        cJSON_AddStringToObject(body, "built", h.built);
        cJSON_AddStringToObject(body, "format", h.format);
        cJSON_AddStringToObject(body, "kb", h.kb_dir);
        cJSON_AddStringToObject(body, "version", KB_VERSION);
        cJSON_AddNumberToObject(body, "json_version", KB_JSON_VERSION);
        if (srv->log_error)
            cJSON_AddStringToObject(body, "search_log", srv->log_error);
        else
            cJSON_AddStringToObject(body, "search_log", srv->log ? "on" : "off");
        /* Shards, and those left out (a sharded index over several machines). */
        kb_json_add_shards(body, h.shards, h.missing, h.n_missing);
        if (h.notice)
            cJSON_AddStringToObject(body, "notice", h.notice);
    }
    kb_health_clear(&h);
    return body;
}

/* Does the line hold a JSON escape \u0000?  cJSON would silently cut the
 * string there, so "card\u0000 -x" would search "card". */
static int has_nul_escape(const char *s, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++) {
        if (s[i] != '\\' || s[i + 1] != 'u' || memcmp(s + i + 2, "0000", 4) != 0)
            continue;
        size_t k = i, slashes = 0;
        while (k > 0 && s[k - 1] == '\\')
            k--, slashes++;
        if (slashes % 2 == 0)
            return 1;
    }
    return 0;
}

cJSON *kbi_server_parse(const char *line, size_t len, cJSON **error)
{
    *error = NULL;
    if (len > KB_SERVE_MAX_LINE) {
        *error = error_body("too_large", "request is longer than %u bytes", KB_SERVE_MAX_LINE);
        return NULL;
    }
    if (!kb_utf8_valid(line, len, NULL)) {
        *error = error_body("bad_json", "request is not valid UTF-8");
        return NULL;
    }
    if (has_nul_escape(line, len)) {
        *error = error_body("bad_request", "NUL characters (\\u0000) are not allowed");
        return NULL;
    }
    const char *end = NULL;
    cJSON *req = cJSON_ParseWithLengthOpts(line, len, &end, 0);
    if (!req) {
        *error = error_body("bad_json", "request is not valid JSON (or nested too deeply)");
        return NULL;
    }
    /* Only whitespace may follow the object. */
    while (end && (size_t)(end - line) < len && (*end == ' ' || *end == '\t' || *end == '\r' ||
                                                 *end == '\n'))
        end++;
    if (!cJSON_IsObject(req)) {
        *error = error_body("bad_request", "a request is a JSON object");
    } else if (end && (size_t)(end - line) < len) {
        *error = error_body("bad_json", "text after the JSON object");
    } else {
        return req;
    }
    /* The id of an object with text after it is still echoed. */
    if (cJSON_IsObject(req)) {
        cJSON *id = cJSON_DetachItemFromObjectCaseSensitive(req, "id");
        if (id && *error)
            cJSON_AddItemToObject(*error, "id", id);
        else
            cJSON_Delete(id);
    }
    cJSON_Delete(req);
    return NULL;
}

cJSON *kbi_server_call(kb_server_t *srv, const cJSON *req)
{
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
    const char *name = cJSON_IsString(op) ? op->valuestring : NULL;
    if (op && !cJSON_IsNull(op) && !name)
        return error_body("bad_request", "\"op\" must be a string");
    if (!name || strcmp(name, "search") == 0)
        return op_search(srv, req);
    if (strcmp(name, "show") == 0)
        return op_show(srv, req);
    if (strcmp(name, "escalation") == 0)
        return op_escalation(srv, req);
    if (strcmp(name, "feedback") == 0)
        return op_feedback(srv, req);
    if (strcmp(name, "suggest") == 0)
        return op_suggest(srv, req);
    if (strcmp(name, "health") == 0)
        return op_health(srv);
    return error_body("bad_request",
                      "unknown op \"%.*s\" (search, show, escalation, feedback, suggest, health)",
                      (int)kb_utf8_prefix(name, strlen(name), 40), name);
}

const char *kbi_server_error_code(const cJSON *body)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(body, "error");
    const cJSON *code = e ? cJSON_GetObjectItemCaseSensitive(e, "code") : NULL;
    return cJSON_IsString(code) ? code->valuestring : NULL;
}

void kbi_server_set_source(kb_server_t *srv, const char *source)
{
    srv->source = source;
    srv->interface = source;
}

kb_status_t kb_server_handle(kb_server_t *srv, const char *line, size_t len, char **response)
{
    *response = NULL;
    cJSON *error;
    cJSON *req = kbi_server_parse(line, len, &error);
    char *out;
    if (!req) {
        /* The id, when one could be read, came back inside the error. */
        cJSON *id = error ? cJSON_DetachItemFromObjectCaseSensitive(error, "id") : NULL;
        out = error ? reply(id, error) : NULL;
        cJSON_Delete(id);
    } else {
        out = reply(cJSON_GetObjectItemCaseSensitive(req, "id"), kbi_server_call(srv, req));
        cJSON_Delete(req);
    }
    if (!out)
        return KB_STATUS_OUT_OF_MEMORY;
    *response = out;
    return KB_STATUS_SUCCESS;
}

/* Read one line into BUF (at most CAP bytes).  Returns 0 at EOF with
 * nothing read; *LEN is the length; *OVER is set when the line was longer
 * than CAP (the rest is consumed and dropped). */
static int read_line(FILE *in, char *buf, size_t cap, size_t *len, int *over)
{
    size_t n = 0;
    int c, any = 0;
    *over = 0;
    while ((c = getc_unlocked(in)) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (n < cap)
            buf[n++] = (char)c;
        else
            *over = 1;
    }
    *len = n;
    return any;
}

kb_status_t kb_server_run(kb_server_t *srv, FILE *in, FILE *out)
{
    /* One byte more than the limit, for the CR of a CRLF line end: the CR
     * is not part of the request, so a request of exactly the limit ending
     * in CRLF is accepted. */
    char *buf = malloc(KB_SERVE_MAX_LINE + 2);
    if (!buf)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t len;
    int over;
    kb_status_t st = KB_STATUS_SUCCESS;
    while (read_line(in, buf, KB_SERVE_MAX_LINE + 1, &len, &over)) {
        if (!over && len && buf[len - 1] == '\r')
            len--;
        if (len > KB_SERVE_MAX_LINE)
            over = 1;
        size_t blank = 0;
        while (blank < len && (buf[blank] == ' ' || buf[blank] == '\t'))
            blank++;
        if (!over && blank == len)
            continue;
        char *resp;
        st = over ? kb_server_handle(srv, buf, KB_SERVE_MAX_LINE + 1, &resp)
                  : kb_server_handle(srv, buf, len, &resp);
        if (st != KB_STATUS_SUCCESS) {
            /* Out of memory: still answer, with a fixed line. */
            resp = kb_strdup("{\"id\":null,\"error\":{\"code\":\"index_error\","
                             "\"message\":\"out of memory\"}}");
            st = KB_STATUS_SUCCESS;
            if (!resp)
                break;
        }
        int ok = fputs(resp, out) >= 0 && putc('\n', out) != EOF && fflush(out) == 0;
        free(resp);
        if (!ok) {
            st = KB_STATUS_FILE_ERROR;
            break;
        }
    }
    free(buf);
    return st;
}
