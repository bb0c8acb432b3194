/* json.h - the JSON of DESIGN.md section 6, built with cJSON.
 *
 * Every function returns a new cJSON tree that the caller frees with
 * cJSON_Delete(), or NULL when out of memory.  Fields are only ever added,
 * never renamed or removed (the schema is docs/kb-search.schema.json).
 */
#ifndef KB_JSON_H
#define KB_JSON_H

#include <cjson/cJSON.h>

#include "kb/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A search response (without the request "id"). */
KB_API cJSON *kb_json_results(const kb_results_t *r);
/* An escalation suggestion, or JSON null when E is NULL. */
KB_API cJSON *kb_json_escalation(const kb_escalation_t *e);
/* A stored article (the "show" op, kb-search --show --json): its fields,
 * sections with their number of steps, and the Markdown body. */
KB_API cJSON *kb_json_article(const kb_article_t *a);
/* {"error": {"code": CODE, "message": MESSAGE}} */
KB_API cJSON *kb_json_error(const char *code, const char *message);
/* Add to O what a sharded index says of itself: "shards": SHARDS (unless
 * 0), and when N shards are left out, "partial": true and "missing_shards":
 * [{"name", "shard", "error"}] (kb_missing_shard_t).  Used by search
 * responses (without "shards") and the health op. */
KB_API void kb_json_add_shards(cJSON *o, unsigned shards, const kb_missing_shard_t *missing,
                               size_t n);
/* O printed on one line (no newline), always valid UTF-8: invalid
 * sequences in its strings (a file name that is not UTF-8) become U+FFFD.
 * Caller frees; NULL when O is NULL or out of memory.  Every JSON kb writes
 * goes through here. */
KB_API char *kb_json_print(const cJSON *o);
/* The error code for a status: "bad_request", "too_large", "not_found",
 * "index_error" ... */
KB_API const char *kb_json_error_code(kb_status_t st);

#ifdef __cplusplus
}
#endif

#endif
