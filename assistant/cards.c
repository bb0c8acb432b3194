/* cards.c - the answers as numbered cards, the warnings above them, the
 * one-line escalation hint of each card. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"

/* Lines of snippet on a card. */
#define SNIPPET_LINES 4

#define sty kba_sty

/* "open now" / "closed (opens Mon 08:00)" / "hours unknown". */
static void tier_status(kb_buf_t *b, int color, const kb_tier_t *t)
{
    if (!t->known_hours) {
        kb_buf_printf(b, "%shours unknown%s", sty(color, KB_STYLE_RED), sty(color, KB_STYLE_OFF));
        return;
    }
    if (t->open) {
        kb_buf_printf(b, "%sopen now%s", sty(color, KB_STYLE_GREEN), sty(color, KB_STYLE_OFF));
    } else {
        kb_buf_printf(b, "%sclosed%s", sty(color, KB_STYLE_RED), sty(color, KB_STYLE_OFF));
        if (t->opens && t->opens[0]) {
            kb_buf_adds(b, " (opens ");
            kba_buf_clean(b, t->opens);
            kb_buf_addc(b, ')');
        }
    }
}

static void tier_text(kb_buf_t *b, int color, const kb_tier_t *t, int contact)
{
    kb_buf_adds(b, sty(color, KB_STYLE_BOLD));
    kba_buf_clean(b, t->title ? t->title : t->id);
    kb_buf_adds(b, sty(color, KB_STYLE_OFF));
    kb_buf_adds(b, ", ");
    tier_status(b, color, t);
    if (contact && t->contact && t->contact[0]) {
        kb_buf_adds(b, ", ");
        kba_buf_clean(b, t->contact);
    }
}

/* The first tier after the first that is open now, when the first is
 * closed: who to call instead. */
static const kb_tier_t *open_instead(const kb_escalation_t *e)
{
    if (!e->n_path || !e->path[0].known_hours || e->path[0].open)
        return NULL;
    for (size_t i = 1; i < e->n_path; i++)
        if (e->path[i].known_hours && e->path[i].open)
            return &e->path[i];
    return NULL;
}

/* One candidate wording of the hint; LEVEL 0 says the most. */
static void hint_text(kb_buf_t *b, int color, const kb_escalation_t *e, int level)
{
    const kb_tier_t *t = &e->path[0], *alt = open_instead(e);
    kb_buf_adds(b, "   Escalate: ");
    tier_text(b, color, t, level == 0);
    if (alt) {
        kb_buf_adds(b, "; open now: ");
        kb_buf_adds(b, sty(color, KB_STYLE_BOLD));
        kba_buf_clean(b, alt->title ? alt->title : alt->id);
        kb_buf_adds(b, sty(color, KB_STYLE_OFF));
        if (level <= 1 && alt->contact && alt->contact[0]) {
            kb_buf_adds(b, ", ");
            kba_buf_clean(b, alt->contact);
        }
    }
}

/* The escalation hint of a card on one line: the wording that fits. */
static void hint_line(kb_buf_t *b, int color, int width, const kb_escalation_t *e)
{
    for (int level = 0; level < 3; level++) {
        kb_buf_t plain = KB_BUF_INIT;
        hint_text(&plain, 0, e, level);
        size_t cols = plain.data ? kb_term_cols(plain.data, plain.len) : 0;
        if (cols <= (size_t)width || level == 2) {
            if (cols <= (size_t)width) {
                hint_text(b, color, e, level);
                kb_buf_addc(b, '\n');
            } else {
                /* Even the shortest is too wide: cut it, plain. */
                kba_wrap(b, plain.data + 3, NULL, 0, 0, width, "   ", "   ", 1);
            }
            kb_buf_free(&plain);
            return;
        }
        kb_buf_free(&plain);
    }
}

/* "Title (:open N)" for a guidance article: its number when it is one of
 * the cards R, else its id. */
static void guidance_ref(kb_buf_t *g, const kb_results_t *r, const kb_escalation_t *e)
{
    kba_buf_clean(g, e->guidance_title ? e->guidance_title : e->guidance);
    for (size_t i = 0; r && i < r->n; i++)
        if (!strcmp(r->hits[i].id, e->guidance)) {
            kb_buf_printf(g, " (:open%c%u)", KB_TERM_GLUE, r->hits[i].rank);
            return;
        }
    kb_buf_printf(g, " (:open%c", KB_TERM_GLUE);
    kba_buf_clean(g, e->guidance);
    kb_buf_addc(g, ')');
}

/* The heading of a warning of KIND, and whether it is red (money or a
 * person at risk) or yellow. */
static const char *alert_heading(const char *kind, int *red)
{
    static const struct {
        const char *kind, *heading;
        int red;
    } h[] = {
        {"scam", "POSSIBLE SCAM", 1},
        {"fraud", "SUSPECTED FRAUD", 1},
        {"vulnerable", "VULNERABLE CUSTOMER", 1},
        {"third-party", "SOMEONE ACTING FOR THE CUSTOMER", 0},
        {"complaint", "COMPLAINT", 0},
        {"frustration", "CALM THE CALL FIRST", 0},
    };
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (kind && !strcmp(kind, h[i].kind)) {
            *red = h[i].red;
            return h[i].heading;
        }
    *red = 0;
    return NULL;
}

/* One banner above the cards: HEADING, why, what to read, whom to call.
 * TRANSFER says "Transfer to" (else "Then offer", after de-escalating). */
static void banner(kb_buf_t *b, kba_session_t *S, const kb_results_t *r, int width,
                   const kb_escalation_t *e, const char *heading, int red, int transfer)
{
    int c = S->color;
    const char *indent = "      ";
    kb_buf_adds(b, sty(c, red ? KB_STYLE_BOLD_RED : KB_STYLE_BOLD_YELLOW));
    kba_buf_clean(b, heading);
    kb_buf_adds(b, sty(c, KB_STYLE_OFF));
    kb_buf_addc(b, '\n');
    kb_buf_t t = KB_BUF_INIT;
    if (e->reason) {
        /* Upper-case the first letter: the reason is a sentence here. */
        kba_buf_clean(&t, e->reason);
        if (t.data && t.data[0] >= 'a' && t.data[0] <= 'z')
            t.data[0] = (char)(t.data[0] - 'a' + 'A');
        kba_wrap_styled(b, t.data, width, "   Why: ", indent);
        kb_buf_clear(&t);
    }
    if (e->guidance) {
        guidance_ref(&t, r, e);
        kba_wrap_styled(b, t.data, width, "   Read first: ", indent);
        kb_buf_clear(&t);
    }
    for (size_t i = 0; i < e->n_path && i < 2; i++) {
        const kb_tier_t *x = &e->path[i];
        tier_text(&t, c, x, 1);
        if (x->hours && x->hours[0]) {
            kb_buf_adds(&t, "; hours ");
            kba_buf_clean(&t, x->hours);
        }
        if (x->sla && x->sla[0]) {
            kb_buf_adds(&t, "; ");
            kba_buf_clean(&t, x->sla);
        }
        kba_wrap_styled(b, t.data, width,
                        i == 0 ? (transfer ? "   Transfer to: " : "   Then offer: ") : "   Next tier: ",
                        indent);
        kb_buf_clear(&t);
        if (i == 0 && x->known_hours && x->open)
            break; /* the first tier is open: that is what to do */
    }
    if (e->advice) {
        kb_buf_adds(&t, sty(c, KB_STYLE_BOLD));
        kba_buf_clean(&t, e->advice);
        kb_buf_adds(&t, sty(c, KB_STYLE_OFF));
        kba_wrap_styled(b, t.data, width, "   ", indent);
    }
    kb_buf_free(&t);
    kb_buf_addc(b, '\n');
}

/* Every warning the customer's words raise, most urgent first; without
 * one, a team the words name ("card stuck": card operations). */
static void banners(kb_buf_t *b, kba_session_t *S, const kb_results_t *r, int width)
{
    for (size_t i = 0; i < r->n_alerts; i++) {
        const kb_alert_t *a = &r->alerts[i];
        if (!a->escalation)
            continue;
        int red;
        const char *heading = alert_heading(a->kind, &red);
        kb_buf_t h = KB_BUF_INIT;
        if (!heading) {
            /* A kind an article defines: its name, in capitals. */
            kba_buf_clean(&h, a->kind);
            for (size_t k = 0; h.data && k < h.len; k++)
                if (h.data[k] >= 'a' && h.data[k] <= 'z')
                    h.data[k] = (char)(h.data[k] - 'a' + 'A');
        }
        banner(b, S, r, width, a->escalation, heading ? heading : h.data ? h.data : "WARNING", red,
               strcmp(a->kind, "frustration") != 0);
        kb_buf_free(&h);
    }
    const kb_escalation_t *e = r->escalation;
    if (!r->n_alerts && e && e->kind && !strcmp(e->kind, "trigger"))
        banner(b, S, r, width, e, "ESCALATE", 1, 1);
}

static void card(kb_buf_t *b, kba_session_t *S, const kb_hit_t *h, int width, cJSON *shown)
{
    int c = S->color;
    /* "1. Title  [category] id": the title wraps; category and id stay
     * together, on the title's last line when they fit. */
    char num[32];
    snprintf(num, sizeof num, "%s%u. ", sty(c, KB_STYLE_BOLD), h->rank);
    kb_buf_t t = KB_BUF_INIT;
    kba_buf_clean(&t, h->title);
    kb_buf_printf(&t, "%s %c%s[", sty(c, KB_STYLE_OFF), KB_TERM_GLUE, sty(c, KB_STYLE_DIM));
    kba_buf_clean(&t, h->category ? h->category : "-");
    kb_buf_printf(&t, "]%c", KB_TERM_GLUE);
    kba_buf_clean(&t, h->id);
    kb_buf_adds(&t, sty(c, KB_STYLE_OFF));
    kba_wrap_styled(b, t.data, width, num, "   ");
    kb_buf_free(&t);
    if (h->section && h->section[0]) {
        kb_buf_t sec = KB_BUF_INIT;
        kba_buf_clean(&sec, h->section_path && h->section_path[0] ? h->section_path : h->section);
        if (h->steps)
            kb_buf_printf(&sec, " (%u%csteps:%c:steps%c%u)", h->steps, KB_TERM_GLUE, KB_TERM_GLUE,
                          KB_TERM_GLUE, h->rank);
        kba_wrap_styled(b, sec.data, width, "   Section: ", "            ");
        kb_buf_free(&sec);
    } else if (h->steps) {
        kb_buf_printf(b, "   %u steps: :steps %u\n", h->steps, h->rank);
    }
    if (h->snippet && h->snippet[0])
        kba_wrap(b, h->snippet, h->highlights, h->n_highlights, c, width, "   ", "   ",
                 SNIPPET_LINES);
    kb_escalation_t *e = NULL;
    if (kb_search_escalation(S->s, h->id, &e) == KB_STATUS_SUCCESS && e && e->n_path)
        hint_line(b, c, width, e);
    kb_buf_addc(b, '\n');

    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", h->rank);
    cJSON_AddStringToObject(o, "id", h->id);
    cJSON_AddStringToObject(o, "title", h->title);
    cJSON_AddStringToObject(o, "section", h->section ? h->section : "");
    if (e && e->n_path) {
        cJSON_AddStringToObject(o, "escalation", e->path[0].id);
        if (e->path[0].known_hours)
            cJSON_AddBoolToObject(o, "open", e->path[0].open);
        else
            cJSON_AddNullToObject(o, "open");
    } else {
        cJSON_AddNullToObject(o, "escalation");
    }
    cJSON_AddItemToArray(shown, o);
    kb_escalation_free(e);
}

cJSON *kba_print_cards(kba_session_t *S, const kb_results_t *r, unsigned after, int first,
                       const char *empty, kb_buf_t *out)
{
    int width = kba_width();
    int c = S->color;
    kb_buf_t b = KB_BUF_INIT;
    cJSON *shown = cJSON_CreateArray();
    if (first && r->searched) {
        /* A pasted chat or email: the words made of it. */
        kb_buf_t d = KB_BUF_INIT;
        kb_buf_adds(&d, sty(c, KB_STYLE_BOLD));
        kba_buf_clean(&d, r->searched[0] ? r->searched : "(no word the KB knows)");
        kb_buf_printf(&d, "%s  (from %zu pasted bytes)", sty(c, KB_STYLE_OFF), strlen(r->query));
        kba_wrap_styled(&b, d.data, width, "Searched the customer's words: ", "  ");
        kb_buf_addc(&b, '\n');
        kb_buf_free(&d);
    }
    if (first && r->corrected) {
        /* Only the words that changed, so the officer sees what. */
        kb_buf_t d = KB_BUF_INIT;
        for (size_t i = 0; i < r->n_corrections; i++) {
            if (i)
                kb_buf_printf(&d, ",%c", KB_TERM_GLUE);
            kba_buf_clean(&d, r->corrections[i].from);
            kb_buf_printf(&d, "%c->%c%s", KB_TERM_GLUE, KB_TERM_GLUE, sty(c, KB_STYLE_BOLD));
            kba_buf_clean(&d, r->corrections[i].to);
            kb_buf_adds(&d, sty(c, KB_STYLE_OFF));
        }
        kb_buf_adds(&d, "  (showing answers for it)");
        kba_wrap_styled(&b, d.data, width, "Did you mean: ", "  ");
        kb_buf_addc(&b, '\n');
        kb_buf_free(&d);
    }
    if (first)
        banners(&b, S, r, width);
    if (first && r->partial) {
        /* Shards of the index left out: answers may be missing. */
        kb_buf_t d = KB_BUF_INIT;
        kb_buf_printf(&d, "%sPartial answers:%s %zu shard%s of the index did not answer (",
                      sty(c, KB_STYLE_BOLD), sty(c, KB_STYLE_OFF), r->n_missing,
                      r->n_missing == 1 ? "" : "s");
        for (size_t i = 0; i < r->n_missing; i++) {
            if (i)
                kb_buf_adds(&d, ", ");
            kba_buf_clean(&d, r->missing[i].name);
        }
        kb_buf_adds(&d, "); the best answer may be in one of them.");
        kba_wrap_styled(&b, d.data, width, "", "  ");
        kb_buf_addc(&b, '\n');
        kb_buf_free(&d);
    }
    if (first && r->n && !r->covered)
        kba_wrap(&b, "No confident answer: the KB may not cover this. The closest articles:",
                 NULL, 0, 0, width, "", "", 0);
    unsigned last = after;
    for (size_t i = 0; i < r->n; i++) {
        if (r->hits[i].rank <= after)
            continue;
        card(&b, S, &r->hits[i], width, shown);
        last = r->hits[i].rank;
    }
    if (last == after) {
        if (empty) {
            kb_buf_adds(&b, empty);
            kb_buf_addc(&b, '\n');
        } else {
            kb_buf_adds(&b, "No answers");
            if (r->notice) {
                kb_buf_adds(&b, ": ");
                kba_buf_clean(&b, r->notice);
            }
            kb_buf_adds(&b, ". Try the customer's other words, or fewer of them.\n");
        }
    } else {
        char range[64];
        /* TOTAL counts the confident answers; less sure ones may follow. */
        unsigned total = r->total > last ? r->total : last;
        if (after + 1 == last)
            snprintf(range, sizeof range, "Answer %u of %u", last, total);
        else
            snprintf(range, sizeof range, "Answers %u-%u of %u", after + 1, last, total);
        kb_buf_t f = KB_BUF_INIT;
        kb_buf_printf(&f, "%s%s. %c:open N to read, :steps N, :esc N, %s:help%s", sty(c, KB_STYLE_DIM),
                      range, KB_TERM_GLUE, r->total > last ? ":more, " : "", sty(c, KB_STYLE_OFF));
        kba_wrap_styled(&b, f.data, width, "", "");
        kb_buf_free(&f);
    }
    if (b.data)
        kb_buf_add(out, b.data, b.len);
    kb_buf_free(&b);
    return shown;
}


void kba_path_summary(kb_buf_t *b, const kb_escalation_t *e)
{
    for (size_t i = 0; i < e->n_path; i++) {
        const kb_tier_t *t = &e->path[i];
        if (i)
            kb_buf_adds(b, " -> ");
        kba_buf_clean(b, t->title ? t->title : t->id);
        if (t->contact && t->contact[0]) {
            kb_buf_adds(b, " (");
            kba_buf_clean(b, t->contact);
            kb_buf_addc(b, ')');
        }
        if (t->known_hours) {
            kb_buf_adds(b, t->open ? " open" : " closed");
            if (!t->open && t->opens && t->opens[0]) {
                kb_buf_adds(b, ", opens ");
                kba_buf_clean(b, t->opens);
            }
        }
    }
}

cJSON *kba_path_json(const kb_escalation_t *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", e->kind ? e->kind : "");
    if (e->reason)
        cJSON_AddStringToObject(o, "reason", e->reason);
    cJSON *path = cJSON_AddArrayToObject(o, "path");
    for (size_t i = 0; i < e->n_path; i++) {
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "id", e->path[i].id);
        if (e->path[i].known_hours)
            cJSON_AddBoolToObject(t, "open", e->path[i].open);
        else
            cJSON_AddNullToObject(t, "open");
        cJSON_AddItemToArray(path, t);
    }
    return o;
}
