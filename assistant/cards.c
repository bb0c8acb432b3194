/* cards.c - the answers as numbered cards, the escalation banner above
 * them, the one-line escalation hint of each card, and full paths. */
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
        kb_buf_printf(b, "%shours unknown%s", sty(color, KBA_RED), sty(color, KBA_OFF));
        return;
    }
    if (t->open) {
        kb_buf_printf(b, "%sopen now%s", sty(color, KBA_GREEN), sty(color, KBA_OFF));
    } else {
        kb_buf_printf(b, "%sclosed%s", sty(color, KBA_RED), sty(color, KBA_OFF));
        if (t->opens && t->opens[0]) {
            kb_buf_adds(b, " (opens ");
            kba_buf_clean(b, t->opens);
            kb_buf_addc(b, ')');
        }
    }
}

static void tier_text(kb_buf_t *b, int color, const kb_tier_t *t, int contact)
{
    kb_buf_adds(b, sty(color, KBA_BOLD));
    kba_buf_clean(b, t->title ? t->title : t->id);
    kb_buf_adds(b, sty(color, KBA_OFF));
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
        kb_buf_adds(b, sty(color, KBA_BOLD));
        kba_buf_clean(b, alt->title ? alt->title : alt->id);
        kb_buf_adds(b, sty(color, KBA_OFF));
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
        size_t cols = plain.data ? kba_cols(plain.data, plain.len) : 0;
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
            kb_buf_printf(g, " (:open%c%u)", KBA_GLUE, r->hits[i].rank);
            return;
        }
    kb_buf_printf(g, " (:open%c", KBA_GLUE);
    kba_buf_clean(g, e->guidance);
    kb_buf_addc(g, ')');
}

/* The banner above the cards when the customer's words call for an
 * escalation (a trigger) or for calming the call first (a cue). */
static void banner(kb_buf_t *b, kba_session_t *S, const kb_results_t *r, int width)
{
    const kb_escalation_t *e = r->escalation;
    int cue = strcmp(e->kind, "cue") == 0;
    int c = S->color;
    const char *indent = "      ";
    kb_buf_adds(b, sty(c, cue ? KBA_BOLD_YELLOW : KBA_BOLD_RED));
    kb_buf_adds(b, cue ? "CALM THE CALL FIRST" : "ESCALATE");
    kb_buf_adds(b, sty(c, KBA_OFF));
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
                        i == 0 ? (cue ? "   Then offer: " : "   Transfer to: ") : "   Next tier: ",
                        indent);
        kb_buf_clear(&t);
        if (i == 0 && x->known_hours && x->open)
            break; /* the first tier is open: that is what to do */
    }
    if (e->advice) {
        kb_buf_adds(&t, sty(c, KBA_BOLD));
        kba_buf_clean(&t, e->advice);
        kb_buf_adds(&t, sty(c, KBA_OFF));
        kba_wrap_styled(b, t.data, width, "   ", indent);
    }
    kb_buf_free(&t);
    kb_buf_addc(b, '\n');
}

static void card(kb_buf_t *b, kba_session_t *S, const kb_hit_t *h, int width, cJSON *shown)
{
    int c = S->color;
    /* "1. Title  [category] id": the title wraps; category and id stay
     * together, on the title's last line when they fit. */
    char num[32];
    snprintf(num, sizeof num, "%s%u. ", sty(c, KBA_BOLD), h->rank);
    kb_buf_t t = KB_BUF_INIT;
    kba_buf_clean(&t, h->title);
    kb_buf_printf(&t, "%s %c%s[", sty(c, KBA_OFF), KBA_GLUE, sty(c, KBA_DIM));
    kba_buf_clean(&t, h->category ? h->category : "-");
    kb_buf_printf(&t, "]%c", KBA_GLUE);
    kba_buf_clean(&t, h->id);
    kb_buf_adds(&t, sty(c, KBA_OFF));
    kba_wrap_styled(b, t.data, width, num, "   ");
    kb_buf_free(&t);
    if (h->section && h->section[0]) {
        kb_buf_t sec = KB_BUF_INIT;
        kba_buf_clean(&sec, h->section_path && h->section_path[0] ? h->section_path : h->section);
        if (h->steps)
            kb_buf_printf(&sec, " (%u%csteps:%c:steps%c%u)", h->steps, KBA_GLUE, KBA_GLUE,
                          KBA_GLUE, h->rank);
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
    if (first && r->corrected) {
        kb_buf_printf(&b, "Did you mean: %s", sty(c, KBA_BOLD));
        kba_buf_clean(&b, r->corrected);
        kb_buf_printf(&b, "%s  (showing answers for it)\n\n", sty(c, KBA_OFF));
    }
    if (first && r->escalation && r->escalation->kind &&
        (!strcmp(r->escalation->kind, "trigger") || !strcmp(r->escalation->kind, "cue")))
        banner(&b, S, r, width);
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
        if (after + 1 == last)
            snprintf(range, sizeof range, "Answer %u of %u", last, r->total);
        else
            snprintf(range, sizeof range, "Answers %u-%u of %u", after + 1, last, r->total);
        kb_buf_t f = KB_BUF_INIT;
        kb_buf_printf(&f, "%s%s. %c:open N to read, :steps N, :esc N, %s:help%s", sty(c, KBA_DIM),
                      range, KBA_GLUE, r->total > last ? ":more, " : "", sty(c, KBA_OFF));
        kba_wrap_styled(&b, f.data, width, "", "");
        kb_buf_free(&f);
    }
    if (b.data)
        kb_buf_add(out, b.data, b.len);
    kb_buf_free(&b);
    return shown;
}

void kba_path_text(kb_buf_t *out, const kba_session_t *S, const kb_escalation_t *e,
                   const char *heading, int reason)
{
    int width = kba_width(), c = S->color;
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s%s%s\n", sty(c, KBA_BOLD), heading ? heading : "Escalation path",
                  sty(c, KBA_OFF));
    if (reason && e->reason && e->reason[0]) {
        /* A sentence of its own: capital first letter, final stop. */
        kb_buf_t h = KB_BUF_INIT;
        kb_buf_adds(&h, e->reason);
        if (h.data && h.data[0] >= 'a' && h.data[0] <= 'z')
            h.data[0] = (char)(h.data[0] - 'a' + 'A');
        if (h.data && h.data[h.len - 1] != '.')
            kb_buf_addc(&h, '.');
        kba_wrap(&b, h.data, NULL, 0, 0, width, "  ", "  ", 0);
        kb_buf_free(&h);
    }
    for (size_t i = 0; i < e->n_path; i++) {
        const kb_tier_t *t = &e->path[i];
        char num[32];
        snprintf(num, sizeof num, "  %zu. ", i + 1);
        kb_buf_t l = KB_BUF_INIT;
        kb_buf_adds(&l, sty(c, KBA_BOLD));
        kba_buf_clean(&l, t->title ? t->title : t->id);
        kb_buf_printf(&l, "%s %c%s[", sty(c, KBA_OFF), KBA_GLUE, sty(c, KBA_DIM));
        kba_buf_clean(&l, t->id);
        kb_buf_printf(&l, "]%s", sty(c, KBA_OFF));
        if (t->known_hours) {
            kb_buf_printf(&l, " %c%s%s%s", KBA_GLUE, sty(c, t->open ? KBA_GREEN : KBA_RED),
                          t->open ? "OPEN\037NOW" : "CLOSED\037NOW", sty(c, KBA_OFF));
            if (!t->open && t->opens && t->opens[0]) {
                kb_buf_printf(&l, ",%copens%c", KBA_GLUE, KBA_GLUE);
                kba_buf_clean(&l, t->opens);
            }
        } else {
            kb_buf_printf(&l, " %c%sHOURS\037UNKNOWN%s", KBA_GLUE, sty(c, KBA_RED), sty(c, KBA_OFF));
        }
        kba_wrap_styled(&b, l.data, width, num, "     ");
        kb_buf_free(&l);
        kba_wrap(&b, t->contact && t->contact[0] ? t->contact : "(none given)", NULL, 0, 0, width,
                 "     Contact: ", "              ", 0);
        kba_wrap(&b, t->hours && t->hours[0] ? t->hours : "(not given)", NULL, 0, 0, width,
                 "     Hours:   ", "              ", 0);
        kba_wrap(&b, t->sla && t->sla[0] ? t->sla : "(not given)", NULL, 0, 0, width,
                 "     SLA:     ", "              ", 0);
    }
    if (e->advice) {
        kb_buf_adds(&b, sty(c, KBA_BOLD));
        kba_wrap(&b, e->advice, NULL, 0, 0, width, "  ", "  ", 0);
        kb_buf_adds(&b, sty(c, KBA_OFF));
    }
    if (e->guidance) {
        kb_buf_t g = KB_BUF_INIT;
        guidance_ref(&g, NULL, e);
        kba_wrap_styled(&b, g.data, width, "  Read first: ", "    ");
        kb_buf_free(&g);
    }
    if (b.data)
        kb_buf_add(out, b.data, b.len);
    kb_buf_free(&b);
}

void kba_print_path(kba_session_t *S, const kb_escalation_t *e, const char *heading)
{
    kb_buf_t b = KB_BUF_INIT;
    kba_path_text(&b, S, e, heading, 1);
    kba_flush_buf(&b);
    kb_buf_free(&b);
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
