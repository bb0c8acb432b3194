/* json.c - results, articles, escalation paths and errors as JSON. */
#include "kb/json.h"

#include <math.h>

static void add_str(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* Round to DIGITS decimals so the JSON stays short ("0.87", not
 * "0.8699999999999999"). */
static double rounded(double x, int digits)
{
    double f = pow(10.0, digits);
    return round(x * f) / f;
}

static cJSON *strv(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

cJSON *kb_json_article(const kb_article_t *a)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "id", a->id);
    add_str(o, "title", a->title ? a->title : a->id);
    add_str(o, "category", a->category);
    cJSON_AddItemToObject(o, "tags", strv(a->tags, a->n_tags));
    cJSON_AddItemToObject(o, "questions", strv(a->questions, a->n_questions));
    cJSON_AddItemToObject(o, "phrases", strv(a->phrases, a->n_phrases));
    add_str(o, "escalation", a->escalation);
    add_str(o, "updated", a->updated);
    add_str(o, "review_by", a->review_by);
    add_str(o, "owner", a->owner);
    add_str(o, "path", a->path);
    add_str(o, "contact", a->contact);
    add_str(o, "hours", a->hours);
    add_str(o, "sla", a->sla);
    add_str(o, "next", a->next);
    cJSON_AddItemToObject(o, "triggers", strv(a->triggers, a->n_triggers));
    cJSON *secs = cJSON_AddArrayToObject(o, "sections");
    for (size_t i = 0; secs && i < a->n_sections; i++) {
        const kb_section_t *s = &a->sections[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        add_str(x, "heading", s->heading);
        add_str(x, "path", s->path);
        cJSON_AddNumberToObject(x, "level", s->level);
        cJSON_AddNumberToObject(x, "steps", (double)s->n_steps);
        cJSON_AddItemToObject(x, "step_texts", strv(s->steps, s->n_steps));
        cJSON_AddItemToArray(secs, x);
    }
    add_str(o, "body", a->body);
    add_str(o, "status", a->status ? a->status : "published");
    return o;
}

cJSON *kb_json_escalation(const kb_escalation_t *e)
{
    if (!e)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "reason", e->reason);
    add_str(o, "kind", e->kind);
    add_str(o, "trigger", e->trigger);
    add_str(o, "from", e->from);
    add_str(o, "guidance", e->guidance);
    add_str(o, "guidance_title", e->guidance_title);
    add_str(o, "advice", e->advice);
    cJSON *path = cJSON_AddArrayToObject(o, "path");
    for (size_t i = 0; path && i < e->n_path; i++) {
        const kb_tier_t *t = &e->path[i];
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        add_str(x, "id", t->id);
        add_str(x, "title", t->title);
        add_str(x, "contact", t->contact);
        add_str(x, "hours", t->hours);
        add_str(x, "sla", t->sla);
        if (t->known_hours)
            cJSON_AddBoolToObject(x, "open", t->open);
        else
            cJSON_AddNullToObject(x, "open");   /* hours unknown: never "open" */
        add_str(x, "opens", t->opens);
        cJSON_AddItemToArray(path, x);
    }
    return o;
}

/* An alert: its escalation object plus "alert" (the warning's kind) and
 * "words" (what in the query raised it). */
static cJSON *alert_json(const kb_alert_t *a)
{
    cJSON *o = a->escalation ? kb_json_escalation(a->escalation) : cJSON_CreateObject();
    if (o && cJSON_IsObject(o)) {
        add_str(o, "alert", a->kind);
        add_str(o, "words", a->words);
    }
    return o;
}

/* UTF-16 code units in the first BYTES bytes of S (UTF-8): what
 * JavaScript's string offsets count. */
static size_t utf16_units(const char *s, size_t bytes)
{
    size_t n = 0;
    for (size_t i = 0; i < bytes && s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xc0) != 0x80)
            n += c >= 0xf0 ? 2 : 1;
    }
    return n;
}

/* [[start, end], ...] of H's highlights, in bytes or in UTF-16 units. */
static cJSON *highlights_json(const kb_hit_t *h, int utf16)
{
    cJSON *hl = cJSON_CreateArray();
    for (size_t i = 0; hl && i < h->n_highlights; i++) {
        size_t a = h->highlights[i].start, b = h->highlights[i].end;
        if (utf16) {
            a = utf16_units(h->snippet, a);
            b = utf16_units(h->snippet, b);
        }
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)a));
        cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)b));
        cJSON_AddItemToArray(hl, pair);
    }
    return hl;
}

static cJSON *hit_json(const kb_hit_t *h)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddNumberToObject(o, "rank", h->rank);
    add_str(o, "id", h->id);
    add_str(o, "title", h->title);
    add_str(o, "category", h->category);
    cJSON_AddNumberToObject(o, "score", rounded(h->score, 3));
    add_str(o, "path", h->path);
    add_str(o, "section", h->section);
    add_str(o, "section_path", h->section_path);
    cJSON_AddNumberToObject(o, "section_index", h->section_index);
    cJSON_AddNumberToObject(o, "steps", h->steps);
    add_str(o, "snippet", h->snippet);
    cJSON_AddItemToObject(o, "highlights", highlights_json(h, 0));
    cJSON_AddItemToObject(o, "highlights_utf16", highlights_json(h, 1));
    add_str(o, "escalation", h->escalation);
    add_str(o, "question", h->question);
    if (h->explain) {
        cJSON *ex = cJSON_AddArrayToObject(o, "explain");
        for (size_t i = 0; ex && i < h->n_explain; i++) {
            const kb_match_t *m = &h->explain[i];
            cJSON *x = cJSON_CreateObject();
            add_str(x, "term", m->term);
            add_str(x, "word", m->word);
            add_str(x, "kind", m->kind);
            add_str(x, "detail", m->detail);
            cJSON_AddItemToArray(ex, x);
        }
    }
    cJSON_AddNumberToObject(o, "confidence", rounded(h->confidence, 3));
    cJSON_AddBoolToObject(o, "pinned", h->pinned);
    add_str(o, "status", h->status ? h->status : "published");
    return o;
}

cJSON *kb_json_results(const kb_results_t *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    add_str(o, "query", r->query);
    add_str(o, "corrected", r->corrected);
    cJSON_AddNumberToObject(o, "total", r->total);
    cJSON_AddNumberToObject(o, "took_ms", rounded(r->took_ms, 3));
    cJSON *res = cJSON_AddArrayToObject(o, "results");
    for (size_t i = 0; res && i < r->n; i++)
        cJSON_AddItemToArray(res, hit_json(&r->hits[i]));
    cJSON_AddItemToObject(o, "escalation", kb_json_escalation(r->escalation));
    add_str(o, "notice", r->notice);
    cJSON *f = cJSON_AddObjectToObject(o, "filters");
    if (f) {
        cJSON_AddItemToObject(f, "categories", strv(r->categories, r->n_categories));
        cJSON_AddItemToObject(f, "tags", strv(r->tags, r->n_tags));
    }
    cJSON_AddBoolToObject(o, "covered", r->covered);
    cJSON *cs = cJSON_AddArrayToObject(o, "corrections");
    for (size_t i = 0; cs && i < r->n_corrections; i++) {
        cJSON *c = cJSON_CreateObject();
        if (!c)
            break;
        add_str(c, "from", r->corrections[i].from);
        add_str(c, "to", r->corrections[i].to);
        cJSON_AddItemToArray(cs, c);
    }
    cJSON *al = cJSON_AddArrayToObject(o, "alerts");
    for (size_t i = 0; al && i < r->n_alerts; i++)
        cJSON_AddItemToArray(al, alert_json(&r->alerts[i]));
    add_str(o, "searched", r->searched);
    kb_json_add_shards(o, 0, r->missing, r->n_missing);
    return o;
}

void kb_json_add_shards(cJSON *o, unsigned shards, const kb_missing_shard_t *missing, size_t n)
{
    if (!o)
        return;
    if (shards)
        cJSON_AddNumberToObject(o, "shards", shards);
    if (!n)
        return;
    cJSON_AddBoolToObject(o, "partial", 1);
    cJSON *ms = cJSON_AddArrayToObject(o, "missing_shards");
    for (size_t i = 0; ms && i < n; i++) {
        cJSON *m = cJSON_CreateObject();
        if (!m)
            break;
        add_str(m, "name", missing[i].name);
        if (missing[i].shard >= 0)
            cJSON_AddNumberToObject(m, "shard", missing[i].shard);
        else
            cJSON_AddNullToObject(m, "shard");
        add_str(m, "error", missing[i].error);
        cJSON_AddItemToArray(ms, m);
    }
}

cJSON *kb_json_error(const char *code, const char *message)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *e = o ? cJSON_AddObjectToObject(o, "error") : NULL;
    if (e) {
        cJSON_AddStringToObject(e, "code", code);
        cJSON_AddStringToObject(e, "message", message ? message : "");
    }
    return o;
}

const char *kb_json_error_code(kb_status_t st)
{
    switch (st) {
    case KB_STATUS_BAD_ARGUMENT:
    case KB_STATUS_PARSE_ERROR:
    case KB_STATUS_QUERY_SYNTAX:
        return "bad_request";
    case KB_STATUS_TOO_LARGE:
        return "too_large";
    case KB_STATUS_NOT_FOUND:
        return "not_found";
    default:
        return "index_error";
    }
}
