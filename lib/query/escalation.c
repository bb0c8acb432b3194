/* escalation.c - escalation tiers, the triggers and cues in a query, and the
 * path to suggest (DESIGN.md section 3).
 *
 * The indexer stores every escalation tier, and every article with
 * `triggers:` (the de-escalation guidance: its triggers are frustration
 * cues), under E:<id> metadata.  They are loaded when the index is opened
 * and again when it changes.  Precedence: a tier's trigger in the query
 * ("stolen") beats the top answer's own escalation; a cue adds the
 * guidance article and, when no trigger matched, its path (the duty
 * manager).
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
    kb_strlist_clear(&t->triggers);
    kb_strlist_clear(&t->trigger_keys);
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

/* Words as a trigger matcher sees them: "didn't" and "didnt" read as "did
 * not", so a trigger "did not make this payment" catches both. */
static kb_status_t trigger_key(kb_search_t *s, const char *text, char **key);

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
    rec.id = rec.title = rec.category = rec.contact = rec.hours = rec.sla = rec.next =
        rec.escalation = NULL;
    for (size_t i = 0; i < rec.n_triggers; i++) {
        const char *trig = rec.triggers[i];
        if (!trig[0])
            continue;
        char *k = NULL;
        if (trigger_key(c->s, trig, &k) != KB_STATUS_SUCCESS) {
            c->st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        /* Keys are kept framed by spaces, ready for strstr() on the
         * framed query: whole words only. */
        kb_buf_t framed = KB_BUF_INIT;
        kb_buf_printf(&framed, " %s ", k);
        if (k[0] && (framed.oom ||
                     !kb_strlist_push(&t->triggers, trig, strlen(trig)) ||
                     !kb_strlist_push(&t->trigger_keys, framed.data, framed.len)))
            c->st = KB_STATUS_OUT_OF_MEMORY;
        kb_buf_free(&framed);
        free(k);
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
/* Matching                                                           */

static const struct {
    const char *word;
    const char *as;
} contractions[] = {
    {"didnt", "did not"}, {"dont", "do not"},     {"doesnt", "does not"},
    {"cant", "can not"},  {"cannot", "can not"},  {"wont", "will not"},
    {"isnt", "is not"},   {"wasnt", "was not"},   {"havent", "have not"},
    {"hasnt", "has not"}, {"arent", "are not"},   {"werent", "were not"},
    {"wouldnt", "would not"}, {"couldnt", "could not"}, {"shouldnt", "should not"},
};

/* Append the matcher's form of WORD (stemmed; contractions expanded). */
static void add_match_word(kb_search_t *s, kb_buf_t *b, const char *word)
{
    char plain[64];
    size_t n = strlen(word);
    /* "didn't" -> "didnt" -> "did not". */
    if (n < sizeof plain && n > 3 && strcmp(word + n - 3, "n't") == 0) {
        memcpy(plain, word, n - 3);
        memcpy(plain + n - 3, "nt", 3);
        word = plain;
    }
    for (size_t i = 0; i < sizeof contractions / sizeof contractions[0]; i++) {
        if (strcmp(word, contractions[i].word) == 0) {
            if (b->len)
                kb_buf_addc(b, ' ');
            kb_buf_adds(b, contractions[i].as);
            return;
        }
    }
    char *st = NULL;
    if (b->len)
        kb_buf_addc(b, ' ');
    if (kb_xstem_word(s->stem, word, strlen(word), &st) == KB_STATUS_SUCCESS) {
        kb_buf_adds(b, st);
        free(st);
    } else {
        kb_buf_adds(b, word);
    }
}

static kb_status_t trigger_key(kb_search_t *s, const char *text, char **key)
{
    *key = NULL;
    kb_tokens_t t;
    kb_status_t st = kb_text_tokens(NULL, text, strlen(text), &t);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_buf_t b = KB_BUF_INIT;
    for (size_t i = 0; i < t.n; i++)
        add_match_word(s, &b, t.words[i]);
    kb_tokens_free(&t);
    *key = kb_buf_take(&b);
    return *key ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

/* The whole query in the matcher's form, " "-framed so that a key matches
 * only whole words: " my card was stolen ". */
static char *query_key(kb_search_t *s, const kbs_prepared_t *prep, int corrected)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_addc(&b, ' ');
    kb_buf_t words = KB_BUF_INIT;
    for (size_t i = 0; i < prep->n; i++) {
        const kbs_item_t *it = &prep->items[i];
        if (it->src->exclude)
            continue;
        for (size_t j = 0; j < it->n; j++) {
            const kbs_token_t *t = &it->tokens[j];
            add_match_word(s, &words, corrected && t->fixed ? t->fixed : t->word);
        }
        /* Items are separate: a trigger must not span two of them. */
        kb_buf_add(&b, words.data ? words.data : "", words.len);
        kb_buf_adds(&b, " | ");
        kb_buf_clear(&words);
    }
    kb_buf_free(&words);
    return kb_buf_take(&b);
}

/* The longest trigger of a tier in category CAT-or-not found in QK. */
static const kbs_tier_t *find_trigger(const kb_search_t *s, const char *qk, int escalation,
                                      const char **which)
{
    const kbs_tier_t *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < s->tiers.n; i++) {
        const kbs_tier_t *t = &s->tiers.items[i];
        int is_esc = t->category && strcmp(t->category, "escalation") == 0;
        if (is_esc != escalation)
            continue;
        for (size_t k = 0; k < t->trigger_keys.n; k++) {
            const char *key = t->trigger_keys.items[k];
            size_t len = strlen(key);
            if (len > best_len && strstr(qk, key)) {
                best = t;
                best_len = len;
                *which = t->triggers.items[k];
            }
        }
    }
    return best;
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

kb_status_t kbs_escalation_for_query(kb_search_t *s, const kbs_prepared_t *prep, int corrected,
                                     const kb_hit_t *top, kb_escalation_t **out)
{
    *out = NULL;
    char *qk = query_key(s, prep, corrected);
    if (!qk)
        return KB_STATUS_OUT_OF_MEMORY;
    const char *trig = NULL, *cue = NULL;
    const kbs_tier_t *tier = find_trigger(s, qk, 1, &trig);
    const kbs_tier_t *guide = find_trigger(s, qk, 0, &cue);
    free(qk);
    kb_buf_t why = KB_BUF_INIT;
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_escalation_t *e = NULL;
    if (tier) {
        kb_buf_printf(&why, "the customer said \"%s\": that goes to %s", trig,
                      tier->title ? tier->title : tier->id);
        st = kbs_escalation_path(s, tier->id, "trigger", why.data ? why.data : "", &e);
        if (e && !(e->trigger = kb_strdup(trig)))
            st = KB_STATUS_OUT_OF_MEMORY;
    } else if (guide && guide->escalation) {
        kb_buf_printf(&why, "the customer sounds frustrated (\"%s\"): de-escalate first (%s), "
                            "then offer %s", cue, guide->title ? guide->title : guide->id,
                      kbs_tier_find(s, guide->escalation)
                          ? kbs_tier_find(s, guide->escalation)->title
                          : guide->escalation);
        st = kbs_escalation_path(s, guide->escalation, "cue", why.data ? why.data : "", &e);
        if (e && !(e->trigger = kb_strdup(cue)))
            st = KB_STATUS_OUT_OF_MEMORY;
    } else if (top && top->category && strcmp(top->category, "escalation") == 0) {
        kb_buf_printf(&why, "the top answer is the %s tier itself", top->title);
        st = kbs_escalation_path(s, top->id, "article", why.data ? why.data : "", &e);
        if (e && !(e->from = kb_strdup(top->id)))
            st = KB_STATUS_OUT_OF_MEMORY;
    } else if (top && top->escalation) {
        kb_buf_printf(&why, "escalation path of the top answer, \"%s\"", top->title);
        st = kbs_escalation_path(s, top->escalation, "answer", why.data ? why.data : "", &e);
        if (e && !(e->from = kb_strdup(top->id)))
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    if (st == KB_STATUS_SUCCESS && e && guide) {
        e->guidance = kb_strdup(guide->id);
        e->guidance_title = kb_strdup(guide->title ? guide->title : guide->id);
        if (!e->guidance || !e->guidance_title)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    if (why.oom)
        st = KB_STATUS_OUT_OF_MEMORY;
    kb_buf_free(&why);
    if (st != KB_STATUS_SUCCESS) {
        kb_escalation_free(e);
        return st;
    }
    *out = e;
    return KB_STATUS_SUCCESS;
}
