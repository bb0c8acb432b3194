/* schema.c - encode and decode the data of the index's documents and
 * metadata (the picture of the whole index is in schema.h). */
#include "schema/schema.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "xapian/xapian.h"

/* ---------------------------------------------------------------- */
/* Terms                                                              */

char *kb_schema_term(const char *prefix, const char *value)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, prefix);
    kb_buf_adds(&b, value);
    return kb_buf_take(&b);
}

char *kb_schema_path_term(const char *rel)
{
    kb_buf_t b = KB_BUF_INIT;
    if (strlen(rel) + strlen(KB_PREFIX_PATH) <= KB_XTERM_MAX - 8)
        kb_buf_printf(&b, "%s%s", KB_PREFIX_PATH, rel);
    else
        kb_buf_printf(&b, "%s#%016llx", KB_PREFIX_PATH,
                      (unsigned long long)kb_hash64(rel, strlen(rel)));
    return kb_buf_take(&b);
}

/* ---------------------------------------------------------------- */
/* JSON helpers                                                       */

static void add_str(cJSON *obj, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(obj, key, v);
    else
        cJSON_AddNullToObject(obj, key);
}

static void add_strv(cJSON *obj, const char *key, char *const *v, size_t n)
{
    cJSON *arr = cJSON_AddArrayToObject(obj, key);
    for (size_t i = 0; arr && i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(v[i]));
}

/* O printed and deleted; NULL when out of memory (also when O is NULL). */
static char *print_free(cJSON *o)
{
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

/* A copy of string member KEY of O into *OUT.  Returns 0 when out of
 * memory; a missing or non-string member leaves *OUT NULL. */
static int get_str(const cJSON *o, const char *key, char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    *out = NULL;
    if (!cJSON_IsString(v))
        return 1;
    *out = kb_strdup(v->valuestring);
    return *out != NULL;
}

static int get_strv(const cJSON *o, const char *key, char ***v, size_t *n)
{
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, key))
    {
        if (cJSON_IsString(x) && !kb_strv_push(v, n, x->valuestring, strlen(x->valuestring)))
            return 0;
    }
    return 1;
}

static unsigned get_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 ? (unsigned)v->valuedouble : 0;
}

static const char *title_of(const kb_article_t *a)
{
    return a->title ? a->title : a->id;
}

/* ---------------------------------------------------------------- */
/* Section documents                                                  */

char *kb_schema_section_encode(const kb_article_t *a, size_t i)
{
    const kb_section_t *s = &a->sections[i];
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "id", a->id);
    add_str(o, "title", title_of(a));
    add_str(o, "category", a->category);
    add_str(o, "path", a->path);
    add_str(o, "section", s->heading);
    add_str(o, "section_path", s->path);
    cJSON_AddNumberToObject(o, "n", (double)i);
    cJSON_AddNumberToObject(o, "steps", (double)s->n_steps);
    add_str(o, "escalation", a->escalation);
    add_str(o, "text", s->text);
    if (a->status)
        add_str(o, "status", a->status);
    return print_free(o);
}

void kb_schema_section_clear(kb_schema_section_t *s)
{
    if (!s)
        return;
    free(s->id);
    free(s->title);
    free(s->category);
    free(s->path);
    free(s->section);
    free(s->section_path);
    free(s->escalation);
    free(s->text);
    free(s->status);
    memset(s, 0, sizeof *s);
}

kb_status_t kb_schema_section_decode(const char *data, size_t len, kb_schema_section_t *out)
{
    memset(out, 0, sizeof *out);
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!o)
        return KB_STATUS_DB_CORRUPT;
    int ok = get_str(o, "id", &out->id) && get_str(o, "title", &out->title) &&
             get_str(o, "category", &out->category) && get_str(o, "path", &out->path) &&
             get_str(o, "section", &out->section) &&
             get_str(o, "section_path", &out->section_path) &&
             get_str(o, "escalation", &out->escalation) && get_str(o, "text", &out->text) &&
             get_str(o, "status", &out->status);
    out->n = get_num(o, "n");
    out->steps = get_num(o, "steps");
    cJSON_Delete(o);
    kb_status_t st = !ok ? KB_STATUS_OUT_OF_MEMORY
                   : (!out->id || !out->title || !out->path || !out->section ||
                      !out->section_path || !out->text)
                       ? KB_STATUS_DB_CORRUPT   /* a document kb-index did not write */
                       : KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS)
        kb_schema_section_clear(out);
    return st;
}

/* ---------------------------------------------------------------- */
/* Question documents                                                 */

char *kb_schema_question_encode(const kb_article_t *a, const char *question)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "id", a->id);
    add_str(o, "question", question);
    return print_free(o);
}

char *kb_schema_learned_encode(const kb_article_t *a)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "id", a->id);
    add_str(o, "question", NULL);
    cJSON_AddTrueToObject(o, "learned");
    return print_free(o);
}

kb_status_t kb_schema_question_decode(const char *data, size_t len, char **id, char **question)
{
    *id = *question = NULL;
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!o)
        return KB_STATUS_DB_CORRUPT;
    int ok = get_str(o, "id", id) && get_str(o, "question", question);
    int learned = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "learned"));
    cJSON_Delete(o);
    kb_status_t st = !ok ? KB_STATUS_OUT_OF_MEMORY
                   : (!*id || (!*question && !learned)) ? KB_STATUS_DB_CORRUPT
                                                        : KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS) {
        free(*id);
        free(*question);
        *id = *question = NULL;
    }
    return st;
}

/* ---------------------------------------------------------------- */
/* Article documents                                                  */

char *kb_schema_article_encode(const kb_article_t *a)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "id", a->id);
    add_str(o, "title", title_of(a));
    add_str(o, "category", a->category);
    add_strv(o, "tags", a->tags, a->n_tags);
    add_strv(o, "questions", a->questions, a->n_questions);
    add_strv(o, "phrases", a->phrases, a->n_phrases);
    add_str(o, "escalation", a->escalation);
    add_str(o, "updated", a->updated);
    add_str(o, "review_by", a->review_by);
    add_str(o, "owner", a->owner);
    add_str(o, "path", a->path);
    add_str(o, "contact", a->contact);
    add_str(o, "hours", a->hours);
    add_str(o, "sla", a->sla);
    add_str(o, "next", a->next);
    add_strv(o, "triggers", a->triggers, a->n_triggers);
    add_str(o, "alert", a->alert);
    cJSON *secs = cJSON_AddArrayToObject(o, "sections");
    for (size_t i = 0; secs && i < a->n_sections; i++) {
        const kb_section_t *s = &a->sections[i];
        cJSON *x = cJSON_CreateObject();
        if (!x || !cJSON_AddItemToArray(secs, x)) {
            cJSON_Delete(x);
            cJSON_Delete(o);
            return NULL;
        }
        add_str(x, "heading", s->heading);
        add_str(x, "path", s->path);
        cJSON_AddNumberToObject(x, "level", s->level);
        add_strv(x, "steps", s->steps, s->n_steps);
    }
    add_str(o, "body", a->body);
    if (a->status)
        add_str(o, "status", a->status);
    return print_free(o);
}

static int decode_sections(const cJSON *arr, kb_article_t *a)
{
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (!n)
        return 1;
    a->sections = calloc(n, sizeof *a->sections);
    if (!a->sections)
        return 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        kb_section_t *s = &a->sections[a->n_sections++];
        const cJSON *level = cJSON_GetObjectItemCaseSensitive(x, "level");
        s->level = cJSON_IsNumber(level) ? level->valueint : 0;
        if (!get_str(x, "heading", &s->heading) || !get_str(x, "path", &s->path) ||
            !get_strv(x, "steps", &s->steps, &s->n_steps))
            return 0;
        /* Sections keep their text in their own documents; the article's
         * sections are for navigation and steps. */
        if ((!s->heading && !(s->heading = kb_strdup(""))) ||
            (!s->path && !(s->path = kb_strdup(""))) || !(s->text = kb_strdup("")))
            return 0;
    }
    return 1;
}

kb_status_t kb_schema_article_decode(const char *data, size_t len, kb_article_t **out)
{
    *out = NULL;
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!o)
        return KB_STATUS_DB_CORRUPT;
    kb_article_t *a = calloc(1, sizeof *a);
    int ok = a && get_str(o, "id", &a->id) && get_str(o, "title", &a->title) &&
             get_str(o, "category", &a->category) && get_strv(o, "tags", &a->tags, &a->n_tags) &&
             get_strv(o, "questions", &a->questions, &a->n_questions) &&
             get_strv(o, "phrases", &a->phrases, &a->n_phrases) &&
             get_str(o, "escalation", &a->escalation) && get_str(o, "updated", &a->updated) &&
             get_str(o, "review_by", &a->review_by) && get_str(o, "owner", &a->owner) &&
             get_str(o, "path", &a->path) && get_str(o, "contact", &a->contact) &&
             get_str(o, "hours", &a->hours) && get_str(o, "sla", &a->sla) &&
             get_str(o, "next", &a->next) &&
             get_strv(o, "triggers", &a->triggers, &a->n_triggers) &&
             get_str(o, "alert", &a->alert) && decode_sections(cJSON_GetObjectItemCaseSensitive(o, "sections"), a) &&
             get_str(o, "body", &a->body) && get_str(o, "status", &a->status);
    cJSON_Delete(o);
    kb_status_t st = !ok ? KB_STATUS_OUT_OF_MEMORY
                   : (!a->id || !a->title || !a->path || !a->body) ? KB_STATUS_DB_CORRUPT
                                                                   : KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS) {
        kb_article_free(a);
        return st;
    }
    a->has_front_matter = 1;
    *out = a;
    return KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Tiers                                                              */

int kb_schema_is_tier(const kb_article_t *a)
{
    return kb_schema_published(a->status) &&
           ((a->category && strcmp(a->category, "escalation") == 0) || a->n_triggers);
}

char *kb_schema_tier_encode(const kb_article_t *a)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "id", a->id);
    add_str(o, "title", title_of(a));
    add_str(o, "category", a->category);
    add_str(o, "contact", a->contact);
    add_str(o, "hours", a->hours);
    add_str(o, "sla", a->sla);
    add_str(o, "next", a->next);
    add_str(o, "escalation", a->escalation);
    add_strv(o, "triggers", a->triggers, a->n_triggers);
    add_str(o, "alert", a->alert);
    return print_free(o);
}

void kb_schema_tier_clear(kb_schema_tier_t *t)
{
    if (!t)
        return;
    free(t->id);
    free(t->title);
    free(t->category);
    free(t->contact);
    free(t->hours);
    free(t->sla);
    free(t->next);
    free(t->escalation);
    kb_strv_free(t->triggers, t->n_triggers);
    free(t->alert);
    memset(t, 0, sizeof *t);
}

kb_status_t kb_schema_tier_decode(const char *data, size_t len, kb_schema_tier_t *out)
{
    memset(out, 0, sizeof *out);
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!o)
        return KB_STATUS_DB_CORRUPT;
    int ok = get_str(o, "id", &out->id) && get_str(o, "title", &out->title) &&
             get_str(o, "category", &out->category) && get_str(o, "contact", &out->contact) &&
             get_str(o, "hours", &out->hours) && get_str(o, "sla", &out->sla) &&
             get_str(o, "next", &out->next) && get_str(o, "escalation", &out->escalation) &&
             get_strv(o, "triggers", &out->triggers, &out->n_triggers) &&
             get_str(o, "alert", &out->alert);
    cJSON_Delete(o);
    kb_status_t st = !ok ? KB_STATUS_OUT_OF_MEMORY
                   : !out->id ? KB_STATUS_DB_CORRUPT
                              : KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS)
        kb_schema_tier_clear(out);
    return st;
}

/* ---------------------------------------------------------------- */
/* File records                                                       */

char *kb_schema_file_encode(const kb_schema_file_t *f)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%lld %lld %016llx %s", f->size, f->mtime_ns, (unsigned long long)f->hash,
                  f->id);
    return kb_buf_take(&b);
}

int kb_schema_file_decode(const char *s, kb_schema_file_t *r)
{
    memset(r, 0, sizeof *r);
    if (!s)
        return 0;
    char *end;
    errno = 0;
    r->size = strtoll(s, &end, 10);
    if (end == s || *end != ' ')
        return 0;
    s = end + 1;
    r->mtime_ns = strtoll(s, &end, 10);
    if (end == s || *end != ' ')
        return 0;
    s = end + 1;
    r->hash = strtoull(s, &end, 16);
    if (end == s || *end != ' ' || errno)
        return 0;
    s = end + 1;
    size_t n = strlen(s);
    if (!n || n >= sizeof r->id || strchr(s, ' '))
        return 0;
    memcpy(r->id, s, n + 1);
    return 1;
}

unsigned kb_schema_shard_of(const char *id, unsigned n)
{
    return n > 1 ? (unsigned)(kb_hash64(id, strlen(id)) % n) : 0;
}

int kb_schema_shard_decode(const char *s, unsigned *k, unsigned *n)
{
    *k = *n = 0;
    if (!s)
        return 0;
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/' || !(s[0] >= '0' && s[0] <= '9'))
        return 0;
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end || !(t[0] >= '0' && t[0] <= '9') || b < 1 || b > KB_SHARDS_MAX ||
        a >= b)
        return 0;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return 1;
}
