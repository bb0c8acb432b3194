/* node.c - lint nodes: what lint checks of an article, stored under N:
 * so that an incremental run can check the whole KB without reading the
 * files that did not change. */
#include "schema/schema.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

void kb_schema_node_clear(kb_schema_node_t *n)
{
    if (!n)
        return;
    free(n->id);
    free(n->path);
    free(n->category);
    free(n->review_by);
    free(n->escalation);
    free(n->hours);
    free(n->next);
    free(n->status);
    for (size_t i = 0; i < n->n_links; i++)
        free(n->links[i].target);
    free(n->links);
    memset(n, 0, sizeof *n);
}

/* A copy of S, or NULL for NULL; *OOM set when the copy failed. */
static char *dup_opt(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *c = kb_strdup(s);
    if (!c)
        *oom = 1;
    return c;
}

/* The front-matter key names of kb_node_key_t, in order. */
static const char *const node_keys[KB_NODE_KEYS] = {
    "title", "category", "escalation", "next", "hours", "contact", "sla", "review_by",
    "status", "questions", "id",
};

int kb_schema_published(const char *status)
{
    return !status || (strcmp(status, "draft") != 0 && strcmp(status, "archived") != 0);
}

int kb_schema_node_published(const kb_schema_node_t *n)
{
    return kb_schema_published(n->status);
}

int kb_schema_node_line(const kb_schema_node_t *n, kb_node_key_t k)
{
    return k < KB_NODE_KEYS && n->lines[k] > 0 ? n->lines[k] : 1;
}

/* Does A's body hold any text (not only headings: an H1 that repeats the
 * title is kept as text by the parser, and is not)? */
static int has_text(const kb_article_t *a)
{
    for (size_t i = 0; i < a->n_sections; i++) {
        const char *t = a->sections[i].text;
        if (t && t[0] && !(a->title && strcmp(t, a->title) == 0))
            return 1;
    }
    return 0;
}

/* Characters (code points) in S. */
static unsigned chars(const char *s)
{
    unsigned n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

kb_status_t kb_schema_node_of(const kb_article_t *a, kb_schema_node_t *out)
{
    memset(out, 0, sizeof *out);
    int oom = 0;
    out->id = dup_opt(a->id, &oom);
    out->path = dup_opt(a->path, &oom);
    out->has_title = a->title != NULL;
    out->category = dup_opt(a->category, &oom);
    out->n_questions = (unsigned)a->n_questions;
    out->n_phrases = (unsigned)a->n_phrases;
    out->review_by = dup_opt(a->review_by, &oom);
    out->escalation = dup_opt(a->escalation, &oom);
    out->has_contact = a->contact != NULL;
    out->has_sla = a->sla != NULL;
    out->hours = dup_opt(a->hours, &oom);
    out->next = dup_opt(a->next, &oom);
    out->status = dup_opt(a->status, &oom);
    out->title_len = chars(a->title);
    out->no_text = !has_text(a);
    for (size_t i = 0; i < a->n_keys; i++)
        for (int k = 0; k < KB_NODE_KEYS; k++)
            if (strcmp(a->keys[i].key, node_keys[k]) == 0)
                out->lines[k] = a->keys[i].line;
    if (!out->lines[KB_NODE_TITLE] && a->title_line)
        out->lines[KB_NODE_TITLE] = a->title_line;
    if (a->n_links && !(out->links = calloc(a->n_links, sizeof *out->links)))
        oom = 1;
    for (size_t i = 0; !oom && i < a->n_links; i++) {
        out->links[i].target = dup_opt(a->links[i].target, &oom);
        out->links[i].line = a->links[i].line;
        out->n_links++;
    }
    if (oom || !out->id) {
        kb_schema_node_clear(out);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}

static void put_str(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
}

char *kb_schema_node_encode(const kb_schema_node_t *n)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    put_str(o, "id", n->id);
    cJSON_AddNumberToObject(o, "t", n->has_title);
    put_str(o, "category", n->category);
    cJSON_AddNumberToObject(o, "q", n->n_questions);
    cJSON_AddNumberToObject(o, "p", n->n_phrases);
    put_str(o, "review_by", n->review_by);
    put_str(o, "escalation", n->escalation);
    cJSON_AddNumberToObject(o, "c", n->has_contact);
    cJSON_AddNumberToObject(o, "s", n->has_sla);
    put_str(o, "hours", n->hours);
    put_str(o, "next", n->next);
    put_str(o, "status", n->status);
    cJSON_AddNumberToObject(o, "tl", n->title_len);
    cJSON_AddNumberToObject(o, "e", n->no_text);
    cJSON *lines = cJSON_AddArrayToObject(o, "L");
    for (int k = 0; lines && k < KB_NODE_KEYS; k++)
        cJSON_AddItemToArray(lines, cJSON_CreateNumber(n->lines[k]));
    cJSON *links = cJSON_AddArrayToObject(o, "links");
    for (size_t i = 0; links && i < n->n_links; i++) {
        cJSON *l = cJSON_CreateArray();
        cJSON_AddItemToArray(l, cJSON_CreateString(n->links[i].target));
        cJSON_AddItemToArray(l, cJSON_CreateNumber(n->links[i].line));
        cJSON_AddItemToArray(links, l);
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

static char *get_opt(const cJSON *o, const char *key, int *oom)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? dup_opt(v->valuestring, oom) : NULL;
}

static unsigned get_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1e9
               ? (unsigned)v->valuedouble
               : 0;
}

kb_status_t kb_schema_node_decode(const char *data, size_t len, kb_schema_node_t *out)
{
    memset(out, 0, sizeof *out);
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!o)
        return KB_STATUS_DB_CORRUPT;
    int oom = 0;
    out->id = get_opt(o, "id", &oom);
    out->has_title = get_num(o, "t") != 0;
    out->category = get_opt(o, "category", &oom);
    out->n_questions = get_num(o, "q");
    out->n_phrases = get_num(o, "p");
    out->review_by = get_opt(o, "review_by", &oom);
    out->escalation = get_opt(o, "escalation", &oom);
    out->has_contact = get_num(o, "c") != 0;
    out->has_sla = get_num(o, "s") != 0;
    out->hours = get_opt(o, "hours", &oom);
    out->next = get_opt(o, "next", &oom);
    out->status = get_opt(o, "status", &oom);
    out->title_len = get_num(o, "tl");
    out->no_text = get_num(o, "e") != 0;
    const cJSON *ln;
    int key = 0;
    cJSON_ArrayForEach(ln, cJSON_GetObjectItemCaseSensitive(o, "L"))
    {
        if (key < KB_NODE_KEYS && cJSON_IsNumber(ln) && ln->valuedouble >= 0 &&
            ln->valuedouble < 1e9)
            out->lines[key] = (int)ln->valuedouble;
        key++;
    }
    const cJSON *links = cJSON_GetObjectItemCaseSensitive(o, "links");
    size_t n = (size_t)cJSON_GetArraySize(links);
    if (n && !(out->links = calloc(n, sizeof *out->links)))
        oom = 1;
    const cJSON *l;
    cJSON_ArrayForEach(l, links)
    {
        const cJSON *t = cJSON_GetArrayItem(l, 0), *line = cJSON_GetArrayItem(l, 1);
        if (oom || !cJSON_IsString(t) || out->n_links == n)
            continue;
        kb_schema_link_t *k = &out->links[out->n_links];
        k->target = dup_opt(t->valuestring, &oom);
        k->line = cJSON_IsNumber(line) ? (int)line->valuedouble : 0;
        if (k->target)
            out->n_links++;
    }
    cJSON_Delete(o);
    kb_status_t st = oom ? KB_STATUS_OUT_OF_MEMORY : !out->id ? KB_STATUS_DB_CORRUPT
                                                              : KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS)
        kb_schema_node_clear(out);
    return st;
}
