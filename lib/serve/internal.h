/* internal.h - what the servers of lib/serve share: the JSON-lines server
 * (serve.c) and the HTTP server (http.c) answer every operation through
 * the same functions, so --serve, --json and HTTP give the same objects. */
#ifndef KB_SERVE_INTERNAL_H
#define KB_SERVE_INTERNAL_H

#include <cjson/cJSON.h>

#include "kb/serve.h"

/* Parse one request (LEN bytes of JSON text): a JSON object, valid UTF-8,
 * no \u0000, nothing but white space after it, at most KB_SERVE_MAX_LINE
 * bytes.  Returns the object (caller frees with cJSON_Delete), or NULL with
 * *ERROR set to an error object {"error": {...}} (and "id" when the
 * request's id could be read); *ERROR is NULL too when out of memory. */
cJSON *kbi_server_parse(const char *line, size_t len, cJSON **error /* OUT */);

/* Answer the request object REQ (its "op", default search): the response's
 * members without "id", or an error object {"error": {"code", "message"}}.
 * NULL when out of memory.  Caller frees. */
cJSON *kbi_server_call(kb_server_t *srv, const cJSON *req);

/* The error code of a response from kbi_server_call(), or NULL when it is
 * not an error. */
const char *kbi_server_error_code(const cJSON *body);

/* What the feedback log's "source" says for this server ("serve" unless
 * set; SOURCE must outlive the server). */
void kbi_server_set_source(kb_server_t *srv, const char *source);

#endif
