/* results.c - results: building hits from document data, and freeing. */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void kbs_hit_clear(kb_hit_t *h)
{
    free(h->id);
    free(h->title);
    free(h->category);
    free(h->path);
    free(h->section);
    free(h->section_path);
    free(h->snippet);
    free(h->highlights);
    free(h->escalation);
    free(h->question);
    for (size_t i = 0; i < h->n_explain; i++) {
        free(h->explain[i].term);
        free(h->explain[i].word);
        free(h->explain[i].kind);
        free(h->explain[i].detail);
    }
    free(h->explain);
    memset(h, 0, sizeof *h);
}

void kb_results_free(kb_results_t *r)
{
    if (!r)
        return;
    free(r->query);
    free(r->corrected);
    free(r->notice);
    for (size_t i = 0; i < r->n; i++)
        kbs_hit_clear(&r->hits[i]);
    free(r->hits);
    kb_escalation_free(r->escalation);
    for (size_t i = 0; i < r->n_alerts; i++) {
        free(r->alerts[i].kind);
        free(r->alerts[i].words);
        kb_escalation_free(r->alerts[i].escalation);
    }
    free(r->alerts);
    kb_strlist_clear(&r->categories);
    kb_strlist_clear(&r->tags);
    free(r);
}

static char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? kb_strdup(v->valuestring) : NULL;
}

static unsigned num_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (unsigned)v->valuedouble : 0;
}

kb_status_t kbs_hit_from_json(kb_hit_t *h, const cJSON *o, char **text)
{
    *text = NULL;
    h->id = str_of(o, "id");
    h->title = str_of(o, "title");
    h->category = str_of(o, "category");
    h->path = str_of(o, "path");
    h->section = str_of(o, "section");
    h->section_path = str_of(o, "section_path");
    h->escalation = str_of(o, "escalation");
    h->section_index = num_of(o, "n");
    h->steps = num_of(o, "steps");
    *text = str_of(o, "text");
    if (!h->id || !h->title || !h->path || !h->section || !h->section_path || !*text) {
        /* Missing fields: a document kb-index did not write. */
        free(*text);
        *text = NULL;
        kbs_hit_clear(h);
        return KB_STATUS_DB_CORRUPT;
    }
    return KB_STATUS_SUCCESS;
}
