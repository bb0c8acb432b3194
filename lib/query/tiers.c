/* tiers.c - escalation tiers and the articles with triggers, loaded from
 * the index, and escalation paths (DESIGN.md section 3).
 *
 * The indexer stores every escalation tier, and every article with
 * `triggers:`, under E:<id> metadata (schema.h).  They are loaded when the
 * index is opened and again when it changes, their triggers compiled for
 * the matcher (triggers.h).  What a query raises is decided in alerts.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "schema/schema.h"

/* Longest path followed, against cycles lint did not catch. */
#define MAX_PATH 8

static void tier_clear(kbs_tier_t *t)
{
    free(t->id);
    free(t->title);
    free(t->category);
    free(t->contact);
    free(t->hours);
    free(t->sla);
    free(t->next);
    free(t->escalation);
    free(t->alert);
    for (size_t i = 0; i < t->n_patterns; i++)
        kbs_pattern_clear(&t->patterns[i]);
    free(t->patterns);
}

void kbs_tiers_clear(kbs_tiers_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        tier_clear(&t->items[i]);
    free(t->items);
    t->items = NULL;
    t->n = 0;
}

typedef struct load_ctx {
    kb_search_t *s;
    kbs_tiers_t *t;
    kb_status_t st;
} load_ctx_t;

static int load_one(void *vctx, const char *key, size_t len)
{
    (void)len;
    load_ctx_t *c = vctx;
    char *json;
    c->st = kb_xdb_get_metadata(c->s->db, key, &json, NULL);
    if (c->st != KB_STATUS_SUCCESS)
        return 1;
    kb_schema_tier_t rec;
    kb_status_t st = kb_schema_tier_decode(json, strlen(json), &rec);
    free(json);
    if (st == KB_STATUS_DB_CORRUPT)
        return 0;   /* a damaged entry is skipped, not fatal */
    kbs_tier_t *items = st == KB_STATUS_SUCCESS
                            ? realloc(c->t->items, (c->t->n + 1) * sizeof *items)
                            : NULL;
    if (!items) {
        kb_schema_tier_clear(&rec);
        c->st = KB_STATUS_OUT_OF_MEMORY;
        return 1;
    }
    c->t->items = items;
    kbs_tier_t *t = &items[c->t->n];
    memset(t, 0, sizeof *t);
    t->id = rec.id;
    t->title = rec.title;
    t->category = rec.category;
    t->contact = rec.contact;
    t->hours = rec.hours;
    t->sla = rec.sla;
    t->next = rec.next;
    t->escalation = rec.escalation;
    t->alert = rec.alert;
    /* Before alert: existed, a guidance article's triggers were frustration
     * cues: that stays their meaning when no kind is given. */
    if (!t->alert && rec.n_triggers && !(t->category && strcmp(t->category, "escalation") == 0))
        t->alert = kb_strdup("frustration");
    rec.id = rec.title = rec.category = rec.contact = rec.hours = rec.sla = rec.next =
        rec.escalation = rec.alert = NULL;
    t->patterns = calloc(rec.n_triggers ? rec.n_triggers : 1, sizeof *t->patterns);
    if (!t->patterns)
        c->st = KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; t->patterns && i < rec.n_triggers && c->st == KB_STATUS_SUCCESS; i++) {
        c->st = kbs_pattern_compile(c->s->stem, rec.triggers[i], &t->patterns[t->n_patterns]);
        if (c->st == KB_STATUS_SUCCESS && t->patterns[t->n_patterns].n)
            t->n_patterns++;
        else
            kbs_pattern_clear(&t->patterns[t->n_patterns]);
    }
    kb_schema_tier_clear(&rec);
    if (!t->id) {
        tier_clear(t);
        return c->st != KB_STATUS_SUCCESS;
    }
    if (t->hours) {
        char err[64];
        t->known_hours =
            kb_hours_parse(t->hours, &t->parsed_hours, err, sizeof err) == KB_STATUS_SUCCESS;
    }
    c->t->n++;
    return c->st != KB_STATUS_SUCCESS;
}

kb_status_t kbs_tiers_load(kb_search_t *s)
{
    kbs_tiers_t fresh = {NULL, 0};
    load_ctx_t c = {s, &fresh, KB_STATUS_SUCCESS};
    kb_status_t st = kb_xdb_metadata_keys(s->db, KB_META_TIER, load_one, &c);
    if (st == KB_STATUS_SUCCESS)
        st = c.st;
    if (st != KB_STATUS_SUCCESS) {
        kbs_tiers_clear(&fresh);
        return st;
    }
    kbs_tiers_clear(&s->tiers);
    s->tiers = fresh;
    return KB_STATUS_SUCCESS;
}

const kbs_tier_t *kbs_tier_find(const kb_search_t *s, const char *id)
{
    for (size_t i = 0; id && i < s->tiers.n; i++)
        if (strcmp(s->tiers.items[i].id, id) == 0)
            return &s->tiers.items[i];
    return NULL;
}

time_t kbs_now(const kb_search_t *s)
{
    return s->now ? s->now : kb_hours_now();
}

/* ---------------------------------------------------------------- */
/* Paths                                                              */

void kb_escalation_free(kb_escalation_t *e)
{
    if (!e)
        return;
    free(e->kind);
    free(e->reason);
    free(e->trigger);
    free(e->from);
    free(e->guidance);
    free(e->guidance_title);
    for (size_t i = 0; i < e->n_path; i++) {
        kb_tier_t *t = &e->path[i];
        free(t->id);
        free(t->title);
        free(t->contact);
        free(t->hours);
        free(t->sla);
        free(t->opens);
    }
    free(e->path);
    free(e->advice);
    free(e);
}

static char *dup_or_null(const char *s)
{
    return s ? kb_strdup(s) : NULL;
}

/* "Card operations is closed now (opens Mon 08:00); Duty manager is open:
 * ext. 4000." -- said only when the first tier is closed. */
static char *advice_for(const kb_escalation_t *e)
{
    if (!e->n_path || (e->path[0].known_hours && e->path[0].open))
        return NULL;
    kb_buf_t b = KB_BUF_INIT;
    if (!e->path[0].known_hours)
        kb_buf_printf(&b, "%s: opening hours unknown (%s); check they are open before "
                          "transferring", e->path[0].title,
                      e->path[0].hours ? "the KB's hours cannot be read" : "none given");
    else
        kb_buf_printf(&b, "%s is closed now", e->path[0].title);
    if (e->path[0].opens)
        kb_buf_printf(&b, " (opens %s)", e->path[0].opens);
    const kb_tier_t *open = NULL;
    for (size_t i = 1; i < e->n_path && !open; i++)
        if (e->path[i].open)
            open = &e->path[i];
    if (open)
        kb_buf_printf(&b, "; %s is open now: %s", open->title,
                      open->contact ? open->contact : "no contact given");
    else
        kb_buf_adds(&b, "; no later tier on this path is open now");
    return kb_buf_take(&b);
}

kb_status_t kbs_escalation_path(kb_search_t *s, const char *tier_id, const char *kind,
                                const char *reason, kb_escalation_t **out)
{
    *out = NULL;
    const kbs_tier_t *chain[MAX_PATH];
    size_t n = 0;
    for (const kbs_tier_t *t = kbs_tier_find(s, tier_id); t && n < MAX_PATH;
         t = t->next ? kbs_tier_find(s, t->next) : NULL) {
        int again = 0;
        for (size_t i = 0; i < n; i++)
            again |= chain[i] == t;
        if (again)
            break;
        chain[n++] = t;
    }
    if (!n)
        return KB_STATUS_SUCCESS;
    kb_escalation_t *e = calloc(1, sizeof *e);
    if (!e)
        return KB_STATUS_OUT_OF_MEMORY;
    e->path = calloc(n, sizeof *e->path);
    e->kind = kb_strdup(kind);
    e->reason = kb_strdup(reason);
    int oom = !e->path || !e->kind || !e->reason;
    time_t now = kbs_now(s);
    for (size_t i = 0; i < n && !oom; i++) {
        const kbs_tier_t *t = chain[i];
        kb_tier_t *p = &e->path[e->n_path++];
        p->id = kb_strdup(t->id);
        p->title = kb_strdup(t->title ? t->title : t->id);
        p->contact = dup_or_null(t->contact);
        p->hours = dup_or_null(t->hours);
        p->sla = dup_or_null(t->sla);
        p->known_hours = t->known_hours;
        if (t->known_hours) {
            p->open = kb_hours_open_at(&t->parsed_hours, now);
            if (!p->open) {
                char when[32];
                if (kb_hours_next_open(&t->parsed_hours, now, when, sizeof when) && when[0])
                    p->opens = kb_strdup(when);
            }
        } else {
            /* Missing or unreadable hours: fail closed.  Nobody is told a
             * desk is open on hours nobody can read ("open": null). */
            p->open = 0;
        }
        oom = !p->id || !p->title || (t->contact && !p->contact) || (t->hours && !p->hours) ||
              (t->sla && !p->sla);
    }
    if (!oom) {
        e->advice = advice_for(e);
        oom = !(e->path[0].known_hours && e->path[0].open) && !e->advice;
    }
    if (oom) {
        kb_escalation_free(e);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *out = e;
    return KB_STATUS_SUCCESS;
}
