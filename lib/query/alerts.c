/* alerts.c - every warning a call raises, and the escalation to suggest.
 *
 * Editors define warnings in front matter: an article with `alert: KIND`
 * and `triggers:` (a guidance article, or an escalation tier) raises an
 * alert of KIND when one of its triggers matches what the customer said
 * (triggers.h: stems, word order, a few words between), or when it is the
 * top answer with a confidence of ANSWER_ALERT or more (the customer put
 * it in words no trigger holds).  Every article that
 * matches raises its own alert, with the words that raised it, the
 * guidance to read and the path to call; the alerts are ordered most
 * urgent first (money at risk now, then a vulnerable customer, then the
 * rest), so a caller who is both frustrated and a fraud victim sees the
 * fraud route first and the de-escalation guidance too.
 *
 * The escalation suggestion (results' `escalation`) is the first alert's;
 * without one, a tier's own routing trigger ("card stuck": not a warning,
 * but a reason to call that team), else the top answer's path.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "internal.h"

/* Most alerts reported for one query. */
#define MAX_ALERTS 6
/* The confidence from which a guidance article that is the top answer
 * raises its alert without a trigger (a scam told in words no trigger
 * holds); tuned on the routine questions' false alarms. */
#define ANSWER_ALERT 0.8
/* Words of the customer's quoted for such an alert. */
#define ANSWER_WORDS 14

/* Urgency of the kinds kb knows; an article's own kind ranks after
 * "vulnerable" and before "complaint". */
static int urgency(const char *kind)
{
    static const char *const order[] = {"scam", "fraud", "vulnerable", "", "third-party",
                                        "complaint", "frustration"};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        if (order[i][0] && strcmp(kind, order[i]) == 0)
            return (int)i;
    return 3;
}

/* What an officer needs to hear first, per kind. */
static const char *lead_for(const char *kind)
{
    if (!strcmp(kind, "scam"))
        return "possible scam";
    if (!strcmp(kind, "fraud"))
        return "suspected fraud";
    if (!strcmp(kind, "vulnerable"))
        return "the customer may be vulnerable";
    if (!strcmp(kind, "third-party"))
        return "someone may be acting for the customer";
    if (!strcmp(kind, "complaint"))
        return "the customer wants to complain";
    if (!strcmp(kind, "frustration"))
        return "the customer sounds frustrated: de-escalate first";
    return NULL;
}

kb_status_t kbs_mtext_of_query(kb_search_t *s, const kbs_prepared_t *prep, int corrected,
                               kbs_mtext_t *m)
{
    kbs_mtext_init(m);
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < prep->n && st == KB_STATUS_SUCCESS; i++) {
        const kbs_item_t *it = &prep->items[i];
        if (it->src->exclude)
            continue;
        for (size_t j = 0; j < it->n && st == KB_STATUS_SUCCESS; j++) {
            const kbs_token_t *t = &it->tokens[j];
            st = kbs_mtext_add(m, s->stem, corrected && t->fixed ? t->fixed : t->word, i);
        }
    }
    if (st != KB_STATUS_SUCCESS)
        kbs_mtext_clear(m);
    return st;
}

/* The longest trigger of T found in M (more words: more specific); 0 if
 * none.  *FIRST, *LAST: the original words it spans. */
static size_t best_match(const kbs_tier_t *t, const kbs_mtext_t *m, const char **text,
                         size_t *first, size_t *last)
{
    size_t best = 0;
    for (size_t k = 0; k < t->n_patterns; k++) {
        size_t f, l;
        if (t->patterns[k].n > best && kbs_pattern_match(&t->patterns[k], m, &f, &l)) {
            best = t->patterns[k].n;
            *text = t->patterns[k].text;
            *first = f;
            *last = l;
        }
    }
    return best;
}

typedef struct found {
    const kbs_tier_t *t;
    const char *trigger;
    char *words;
    size_t len;       /* words of the trigger */
} found_t;

static int by_urgency(const void *x, const void *y)
{
    const found_t *a = x, *b = y;
    int ua = urgency(a->t->alert), ub = urgency(b->t->alert);
    if (ua != ub)
        return ua < ub ? -1 : 1;
    if (a->len != b->len)
        return a->len > b->len ? -1 : 1;
    return strcmp(a->t->id, b->t->id);
}

/* The alert of F: its reason, guidance and path. */
static kb_status_t make_alert(kb_search_t *s, const found_t *f, kb_alert_t *out)
{
    const kbs_tier_t *t = f->t;
    int is_tier = t->category && strcmp(t->category, "escalation") == 0;
    const char *lead = lead_for(t->alert);
    kb_buf_t why = KB_BUF_INIT;
    if (f->trigger)
        kb_buf_printf(&why, "the customer said \"%s\": ", f->words);
    else
        kb_buf_printf(&why, "the question reads like \"%s\": ", t->title ? t->title : t->id);
    if (lead)
        kb_buf_adds(&why, lead);
    else
        kb_buf_printf(&why, "%s", t->alert);
    const char *to = is_tier ? t->id : t->escalation;
    if (to) {
        const kbs_tier_t *first = kbs_tier_find(s, to);
        kb_buf_printf(&why, "; that goes to %s", first && first->title ? first->title : to);
    }
    if (why.oom) {
        kb_buf_free(&why);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    kb_escalation_t *e = NULL;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (to)
        st = kbs_escalation_path(s, to, is_tier ? "trigger" : "cue", why.data, &e);
    if (st == KB_STATUS_SUCCESS && !e) {
        /* A warning with no path still says what to read. */
        e = calloc(1, sizeof *e);
        if (!e || !(e->kind = kb_strdup(is_tier ? "trigger" : "cue")) ||
            !(e->reason = kb_strdup(why.data)))
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    kb_buf_free(&why);
    if (st == KB_STATUS_SUCCESS && f->trigger && !(e->trigger = kb_strdup(f->trigger)))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS && !is_tier &&
        (!(e->guidance = kb_strdup(t->id)) ||
         !(e->guidance_title = kb_strdup(t->title ? t->title : t->id))))
        st = KB_STATUS_OUT_OF_MEMORY;
    out->kind = st == KB_STATUS_SUCCESS ? kb_strdup(t->alert) : NULL;
    out->words = st == KB_STATUS_SUCCESS ? kb_strdup(f->words) : NULL;
    out->escalation = e;
    if (st == KB_STATUS_SUCCESS && (!out->kind || !out->words))
        st = KB_STATUS_OUT_OF_MEMORY;
    return st;
}

/* The customer's words of M, at most ANSWER_WORDS of them ("..." after). */
static char *some_words(const kbs_mtext_t *m)
{
    if (!m->n_orig)
        return kb_strdup("");
    size_t last = m->n_orig > ANSWER_WORDS ? ANSWER_WORDS - 1 : m->n_orig - 1;
    char *w = kbs_mtext_words(m, 0, last);
    if (!w || m->n_orig <= ANSWER_WORDS)
        return w;
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s ...", w);
    free(w);
    return kb_buf_take(&b);
}

/* Every alert-raising article whose trigger M holds, and the one that is
 * TOP's confident answer, most urgent first. */
static kb_status_t find_alerts(kb_search_t *s, const kbs_mtext_t *m, const kb_hit_t *top,
                               found_t *found, size_t *n_found)
{
    *n_found = 0;
    for (size_t i = 0; i < s->tiers.n; i++) {
        const kbs_tier_t *t = &s->tiers.items[i];
        size_t first, last;
        const char *text = NULL;
        if (t->alert && !best_match(t, m, &text, &first, &last) && top &&
            top->confidence >= ANSWER_ALERT && strcmp(top->id, t->id) == 0) {
            /* No trigger, but the question reads like one of the guidance
             * article's own: it is the answer, with confidence. */
            found_t *f = &found[(*n_found)++];
            *f = (found_t){t, NULL, some_words(m), 0};
            if (!f->words)
                return KB_STATUS_OUT_OF_MEMORY;
            continue;
        }
        if (!t->alert || !text)
            continue;
        found_t *f = &found[(*n_found)++];
        f->t = t;
        f->trigger = text;
        f->len = 0;
        for (size_t k = 0; k < t->n_patterns; k++)
            if (t->patterns[k].text == text)
                f->len = t->patterns[k].n;
        f->words = kbs_mtext_words(m, first, last);
        if (!f->words)
            return KB_STATUS_OUT_OF_MEMORY;
    }
    qsort(found, *n_found, sizeof *found, by_urgency);
    return KB_STATUS_SUCCESS;
}

/* A tier's routing trigger (no alert) in M: the tier to call. */
static kb_status_t routing(kb_search_t *s, const kbs_mtext_t *m, kb_escalation_t **out)
{
    *out = NULL;
    const kbs_tier_t *best = NULL;
    const char *trig = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < s->tiers.n; i++) {
        const kbs_tier_t *t = &s->tiers.items[i];
        size_t f, l, len;
        const char *text = NULL;
        if (t->alert || !t->category || strcmp(t->category, "escalation") != 0)
            continue;
        if ((len = best_match(t, m, &text, &f, &l)) > best_len) {
            best = t;
            best_len = len;
            trig = text;
        }
    }
    if (!best)
        return KB_STATUS_SUCCESS;
    kb_buf_t why = KB_BUF_INIT;
    kb_buf_printf(&why, "the customer said \"%s\": that goes to %s", trig,
                  best->title ? best->title : best->id);
    kb_status_t st = why.oom ? KB_STATUS_OUT_OF_MEMORY
                             : kbs_escalation_path(s, best->id, "trigger", why.data, out);
    kb_buf_free(&why);
    if (st == KB_STATUS_SUCCESS && *out && !((*out)->trigger = kb_strdup(trig)))
        st = KB_STATUS_OUT_OF_MEMORY;
    return st;
}

/* The top answer's own path (or the answer itself when it is a tier). */
static kb_status_t answer_path(kb_search_t *s, const kb_hit_t *top, kb_escalation_t **out)
{
    *out = NULL;
    if (!top)
        return KB_STATUS_SUCCESS;
    int tier = top->category && strcmp(top->category, "escalation") == 0;
    if (!tier && !top->escalation)
        return KB_STATUS_SUCCESS;
    kb_buf_t why = KB_BUF_INIT;
    if (tier)
        kb_buf_printf(&why, "the top answer is the %s tier itself", top->title);
    else
        kb_buf_printf(&why, "escalation path of the top answer, \"%s\"", top->title);
    kb_status_t st = why.oom ? KB_STATUS_OUT_OF_MEMORY
                             : kbs_escalation_path(s, tier ? top->id : top->escalation,
                                                   tier ? "article" : "answer", why.data, out);
    kb_buf_free(&why);
    if (st == KB_STATUS_SUCCESS && *out && !((*out)->from = kb_strdup(top->id)))
        st = KB_STATUS_OUT_OF_MEMORY;
    return st;
}

/* A copy of E (for results' escalation, equal to the first alert's). */
static kb_status_t copy_escalation(kb_search_t *s, const kb_escalation_t *e,
                                   kb_escalation_t **out)
{
    *out = NULL;
    const char *first = e->n_path ? e->path[0].id : NULL;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (first)
        st = kbs_escalation_path(s, first, e->kind, e->reason, out);
    else if (!(*out = calloc(1, sizeof **out)) || !((*out)->kind = kb_strdup(e->kind)) ||
             !((*out)->reason = kb_strdup(e->reason)))
        st = KB_STATUS_OUT_OF_MEMORY;
    kb_escalation_t *c = *out;
    if (st == KB_STATUS_SUCCESS &&
        ((e->trigger && !(c->trigger = kb_strdup(e->trigger))) ||
         (e->guidance && !(c->guidance = kb_strdup(e->guidance))) ||
         (e->guidance_title && !(c->guidance_title = kb_strdup(e->guidance_title)))))
        st = KB_STATUS_OUT_OF_MEMORY;
    return st;
}

/* 1 if W is one of P's words. */
static int in_pattern(const kbs_pattern_t *p, const char *w)
{
    for (size_t k = 0; k < p->n; k++)
        if (strcmp(p->w[k], w) == 0)
            return 1;
    return 0;
}

/* Mark in CUE (one flag per original word of M) the words of M that a
 * frustration trigger holds; the number marked. */
static size_t mark_cues(const kb_search_t *s, const kbs_mtext_t *m, unsigned char *cue)
{
    size_t marked = 0;
    for (size_t i = 0; i < s->tiers.n; i++) {
        const kbs_tier_t *t = &s->tiers.items[i];
        if (!t->alert || strcmp(t->alert, "frustration") != 0)
            continue;
        for (size_t k = 0; k < t->n_patterns; k++) {
            size_t first, last;
            if (!kbs_pattern_match(&t->patterns[k], m, &first, &last))
                continue;
            for (size_t p = 0; p < m->n; p++)
                if (m->word[p] >= first && m->word[p] <= last && !cue[m->word[p]] &&
                    in_pattern(&t->patterns[k], m->w[p])) {
                    cue[m->word[p]] = 1;
                    marked++;
                }
        }
    }
    return marked;
}

kb_status_t kbs_drop_cue_words(kb_search_t *s, kbs_prepared_t *prep)
{
    kbs_mtext_t m;
    kb_status_t st = kbs_mtext_of_query(s, prep, 0, &m);
    if (st != KB_STATUS_SUCCESS)
        return st;
    unsigned char *cue = calloc(m.n_orig ? m.n_orig : 1, 1);
    if (!cue) {
        kbs_mtext_clear(&m);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    /* The words that stay searched when the cue's are dropped: the
     * tokens in kbs_mtext_of_query()'s order, one original word each. */
    size_t left = 0;
    if (mark_cues(s, &m, cue)) {
        for (size_t i = 0, k = 0; i < prep->n; i++) {
            const kbs_item_t *it = &prep->items[i];
            for (size_t j = 0; !it->src->exclude && j < it->n; j++, k++)
                left += !it->tokens[j].stop && !cue[k] && it->src->kind == KB_QITEM_TEXT;
        }
    }
    for (size_t i = 0, k = 0; left && i < prep->n; i++) {
        kbs_item_t *it = &prep->items[i];
        for (size_t j = 0; !it->src->exclude && j < it->n; j++, k++) {
            kbs_token_t *t = &it->tokens[j];
            if (!cue[k] || t->stop || it->src->kind != KB_QITEM_TEXT)
                continue;
            t->stop = 1;
            prep->words--;
            prep->stopwords++;
            if (t->fixed)
                prep->corrections--;
        }
    }
    if (left) {
        /* Number the content words again, without the cue's. */
        prep->n_content = 0;
        for (size_t i = 0; i < prep->n; i++)
            for (size_t j = 0; j < prep->items[i].n; j++) {
                kbs_token_t *t = &prep->items[i].tokens[j];
                t->content = -1;
                if (!t->stop && !prep->items[i].src->exclude && prep->n_content < KBS_MAX_CONTENT)
                    t->content = (int)prep->n_content++;
            }
    }
    free(cue);
    kbs_mtext_clear(&m);
    return KB_STATUS_SUCCESS;
}

kb_status_t kbs_alerts(kb_search_t *s, const kbs_mtext_t *m, kb_results_t *r)
{
    found_t *found = calloc(s->tiers.n ? s->tiers.n : 1, sizeof *found);
    size_t n = 0;
    kb_status_t st = found ? find_alerts(s, m, r->n ? &r->hits[0] : NULL, found, &n)
                           : KB_STATUS_OUT_OF_MEMORY;
    size_t keep = n < MAX_ALERTS ? n : MAX_ALERTS;
    if (st == KB_STATUS_SUCCESS && keep && !(r->alerts = calloc(keep, sizeof *r->alerts)))
        st = KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < keep; i++) {
        st = make_alert(s, &found[i], &r->alerts[r->n_alerts]);
        r->n_alerts++;
    }
    for (size_t i = 0; found && i < n; i++)
        free(found[i].words);
    free(found);
    if (st != KB_STATUS_SUCCESS)
        return st;
    if (r->n_alerts)
        return copy_escalation(s, r->alerts[0].escalation, &r->escalation);
    st = routing(s, m, &r->escalation);
    if (st == KB_STATUS_SUCCESS && !r->escalation)
        st = answer_path(s, r->n ? &r->hits[0] : NULL, &r->escalation);
    return st;
}
