/* summary.c - what the call did, kept as ready-made lines, and :summary:
 * plain text for the officer to paste into the CRM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assistant.h"

void kba_call_reset(kba_call_t *c)
{
    kba_call_free(c);
    c->start = time(NULL);
}

void kba_call_free(kba_call_t *c)
{
    kb_strlist_clear(&c->questions);
    kb_strlist_clear(&c->asked);
    kb_strlist_clear(&c->opened);
    kb_strlist_clear(&c->read);
    kb_strlist_clear(&c->steps);
    kb_strlist_clear(&c->escalations);
    kb_strlist_clear(&c->feedback);
    kb_strlist_clear(&c->notes);
    kb_strlist_clear(&c->shown);
    free(c->outcome);
    c->outcome = NULL;
}

void kba_call_add(kb_strlist_t *l, const char *line, int once)
{
    if (!line || (once && kb_strlist_has(l, line)))
        return;
    kb_strlist_push(l, line, strlen(line));
}

/* One item: on one line, or wrapped at WIDTH with the rest indented. */
static void item(kb_buf_t *b, const char *first, const char *rest, const char *text, int width)
{
    kb_buf_t c = KB_BUF_INIT;
    kba_buf_clean(&c, text);
    if (width > 0) {
        kba_wrap(b, c.data ? c.data : "", NULL, 0, 0, width, first, rest, 0);
    } else {
        kb_buf_adds(b, first);
        kb_buf_adds(b, c.data ? c.data : "");
        kb_buf_addc(b, '\n');
    }
    kb_buf_free(&c);
}

/* "TITLE: a; b; c" on one item, or "TITLE: none". */
static void joined(kb_buf_t *b, const char *title, const kb_strlist_t *l, int width)
{
    kb_buf_t t = KB_BUF_INIT, first = KB_BUF_INIT;
    for (size_t i = 0; i < l->n; i++)
        kb_buf_printf(&t, "%s%s", i ? "; " : "", l->items[i]);
    kb_buf_printf(&first, "%s: ", title);
    item(b, first.data ? first.data : "", "  ", t.data ? t.data : "none", width);
    kb_buf_free(&t);
    kb_buf_free(&first);
}

/* "TITLE:" and a "  - " line per item, or "TITLE: none". */
static void listed(kb_buf_t *b, const char *title, const kb_strlist_t *l, int width)
{
    if (!l->n) {
        kb_buf_printf(b, "%s: none\n", title);
        return;
    }
    kb_buf_printf(b, "%s:\n", title);
    for (size_t i = 0; i < l->n; i++)
        item(b, "  - ", "    ", l->items[i], width);
}

char *kba_summary_text(const kba_session_t *S, int width)
{
    const kba_call_t *c = &S->call;
    kb_buf_t b = KB_BUF_INIT;
    struct tm tm;
    localtime_r(&c->start, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    long secs = (long)(time(NULL) - c->start);
    kb_buf_t head = KB_BUF_INIT;
    kb_buf_printf(&head, "Call %s, started %s, %ld min %02ld s", kb_callrec_id(S->rec), when,
                  secs / 60, secs % 60);
    item(&b, "", "  ", head.data ? head.data : "", width);
    kb_buf_free(&head);
    joined(&b, "Customer's issue", &c->asked, width);
    /* What was done: the articles read, the steps followed. */
    kb_strlist_t done = {0};
    if (c->read.n) {
        kb_buf_t r = KB_BUF_INIT;
        kb_buf_adds(&r, "Read: ");
        for (size_t i = 0; i < c->read.n; i++)
            kb_buf_printf(&r, "%s\"%s\"", i ? ", " : "", c->read.items[i]);
        kba_call_add(&done, r.data, 0);
        kb_buf_free(&r);
    }
    for (size_t i = 0; i < c->steps.n; i++)
        kba_call_add(&done, c->steps.items[i], 0);
    listed(&b, "What was done", &done, width);
    kb_strlist_clear(&done);
    listed(&b, "Escalation", &c->escalations, width);
    listed(&b, "Notes", &c->notes, width);
    const char *outcome = c->outcome             ? c->outcome
                          : c->escalations.n     ? "not resolved by the steps; escalation path viewed"
                          : c->steps.n           ? "not resolved by the steps"
                          : c->read.n            ? "answered from the articles read"
                                                 : "not recorded";
    item(&b, "Outcome: ", "  ", outcome, width);
    return kb_buf_take(&b);
}

/* The record keeps every detail the summary leaves out. */
static cJSON *detail(const kba_call_t *c)
{
    cJSON *d = cJSON_CreateObject();
    cJSON_AddItemToObject(d, "questions", kba_json_strv(c->questions.items, c->questions.n));
    cJSON_AddItemToObject(d, "opened", kba_json_strv(c->opened.items, c->opened.n));
    cJSON_AddItemToObject(d, "steps", kba_json_strv(c->steps.items, c->steps.n));
    cJSON_AddItemToObject(d, "escalations", kba_json_strv(c->escalations.items, c->escalations.n));
    cJSON_AddItemToObject(d, "feedback", kba_json_strv(c->feedback.items, c->feedback.n));
    cJSON_AddItemToObject(d, "notes", kba_json_strv(c->notes.items, c->notes.n));
    cJSON_AddItemToObject(d, "shown", kba_json_strv(c->shown.items, c->shown.n));
    if (c->outcome)
        cJSON_AddStringToObject(d, "outcome", c->outcome);
    else
        cJSON_AddNullToObject(d, "outcome");
    return d;
}

void kba_summary(kba_session_t *S, const char *args)
{
    int width = 0;
    if (*args) {
        const char *rest = strncasecmp(args, "wrap", 4) ? NULL : args + 4;
        char *end = NULL;
        long w = rest && *rest ? strtol(rest, &end, 10) : 0;
        if (!rest || (*rest && (*rest != ' ' || *end || w < 20 || w > 1000))) {
            kba_say(":summary takes nothing, \"wrap\" (at the screen's width) or \"wrap N\" "
                    "(20-1000 columns).");
            return;
        }
        width = w ? (int)w : kba_width();
    }
    char *text = kba_summary_text(S, width);
    if (!text) {
        kba_say("out of memory");
        return;
    }
    cJSON *ev = kba_event(KB_EVENT_SUMMARY);
    cJSON_AddStringToObject(ev, "text", text);
    cJSON_AddNumberToObject(ev, "wrap", width);
    cJSON_AddItemToObject(ev, "detail", detail(&S->call));
    kba_record_write(S, ev);
    fputs(text, stdout);
    free(text);
}
