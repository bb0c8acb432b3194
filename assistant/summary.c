/* summary.c - what the call did, kept as ready-made lines, and :summary:
 * plain text for the officer to paste into the CRM. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"

void kba_call_reset(kba_call_t *c)
{
    kba_call_free(c);
    c->start = time(NULL);
}

void kba_call_free(kba_call_t *c)
{
    kb_strlist_clear(&c->questions);
    kb_strlist_clear(&c->opened);
    kb_strlist_clear(&c->steps);
    kb_strlist_clear(&c->escalations);
    kb_strlist_clear(&c->feedback);
    kb_strlist_clear(&c->notes);
    free(c->outcome);
    c->outcome = NULL;
}

void kba_call_add(kb_strlist_t *l, const char *line, int once)
{
    if (!line || (once && kb_strlist_has(l, line)))
        return;
    kb_strlist_push(l, line, strlen(line));
}

static void section(kb_buf_t *b, const char *title, const kb_strlist_t *l)
{
    kb_buf_printf(b, "%s:", title);
    if (!l->n) {
        kb_buf_adds(b, " none\n");
        return;
    }
    kb_buf_addc(b, '\n');
    for (size_t i = 0; i < l->n; i++) {
        kb_buf_adds(b, "  - ");
        kba_buf_clean(b, l->items[i]);
        kb_buf_addc(b, '\n');
    }
}

char *kba_summary_text(const kba_session_t *S)
{
    const kba_call_t *c = &S->call;
    kb_buf_t b = KB_BUF_INIT;
    struct tm tm;
    localtime_r(&c->start, &tm);
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    long secs = (long)(time(NULL) - c->start);
    kb_buf_printf(&b, "Call %s, started %s, %ld min %02ld s\n", kb_callrec_id(S->rec),
                  when, secs / 60, secs % 60);
    section(&b, "Questions", &c->questions);
    section(&b, "Articles opened", &c->opened);
    section(&b, "Steps", &c->steps);
    section(&b, "Escalation viewed", &c->escalations);
    section(&b, "Feedback", &c->feedback);
    section(&b, "Notes", &c->notes);
    kb_buf_adds(&b, "Outcome: ");
    if (c->outcome)
        kba_buf_clean(&b, c->outcome);
    else if (c->escalations.n)
        kb_buf_adds(&b, "not resolved by the steps; escalation path viewed");
    else if (c->steps.n)
        kb_buf_adds(&b, "not resolved by the steps");
    else if (c->opened.n)
        kb_buf_adds(&b, "answered from the articles opened");
    else
        kb_buf_adds(&b, "not recorded");
    kb_buf_addc(&b, '\n');
    return kb_buf_take(&b);
}

void kba_summary(kba_session_t *S)
{
    char *text = kba_summary_text(S);
    if (!text) {
        kba_say("out of memory");
        return;
    }
    cJSON *ev = kba_event(KB_EVENT_SUMMARY);
    cJSON_AddStringToObject(ev, "text", text);
    kba_record_write(S, ev);
    fputs(text, stdout);
    free(text);
}
