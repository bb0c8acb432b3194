/* article.c - :open (an article in full, rendered for the terminal, through
 * the pager when it is long) and :esc (an escalation path in full). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"
#include "kb/render.h"

kb_article_t *kba_article(kba_session_t *S, const char *id)
{
    kb_article_t *a = NULL;
    kb_status_t st = kb_search_get_article(S->s, id, &a);
    if (st == KB_STATUS_NOT_FOUND || st == KB_STATUS_BAD_ARGUMENT) {
        kba_say("There is no article '%s' (Tab completes article ids).", id);
        return NULL;
    }
    if (st == KB_STATUS_DB_CORRUPT) {
        kba_say("The stored article %s is damaged; rebuild the index (kb-index --full).", id);
        return NULL;
    }
    if (st != KB_STATUS_SUCCESS) {
        const char *msg = kb_search_last_error(S->s);
        kba_say("Cannot read article %s: %s", id, msg[0] ? msg : kb_status_to_string(st));
        return NULL;
    }
    return a;
}

void kba_open(kba_session_t *S, const char *arg)
{
    const char *id;
    const kb_hit_t *hit;
    if (!kba_resolve(S, "open", arg, &id, &hit))
        return;
    kb_article_t *a = kba_article(S, id);
    if (!a)
        return;
    const char *title = a->title;
    kb_escalation_t *e = NULL;
    if (kb_search_escalation(S->s, id, &e) != KB_STATUS_SUCCESS)
        e = NULL;
    const char *section = NULL;
    if (hit && hit->section && hit->section[0])
        section = hit->section_path && hit->section_path[0] ? hit->section_path : hit->section;
    kb_render_opts_t ro = {kba_width(), S->color};
    char *view = kb_render_article(a, section, e, &ro);
    kb_escalation_free(e);
    cJSON *ev = kba_event(KB_EVENT_OPEN);
    if (hit)
        cJSON_AddNumberToObject(ev, "n", hit->rank);
    else
        cJSON_AddNullToObject(ev, "n");
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddStringToObject(ev, "title", title);
    kba_record_write(S, ev);
    kb_buf_t line = KB_BUF_INIT;
    kb_buf_printf(&line, "%s [%s]", title, id);
    kba_call_add(&S->call.opened, line.data, 1);
    kba_call_add(&S->call.read, title, 1);
    kba_call_add(&S->call.shown, id, 1);
    kb_buf_free(&line);
    /* Recorded first: the pager may stay open for minutes. */
    if (!view)
        kba_say("out of memory");
    else
        kba_page(S, view, strlen(view));
    free(view);
    kb_article_free(a);
}

void kba_esc(kba_session_t *S, const char *arg)
{
    kb_escalation_t *owned = NULL;
    const kb_escalation_t *e;
    const char *id = NULL;
    const kb_hit_t *hit = NULL;
    kb_buf_t heading = KB_BUF_INIT;
    if (!arg || !*arg) {
        if (!S->question || !S->ask.n_pages) {
            kba_say("Ask a question first, or name an answer: :esc N or :esc ARTICLE-ID.");
            return;
        }
        e = S->ask.pages[0]->escalation;
        if (!e || !e->n_path) {
            kba_say("Nothing to suggest for \"%s\": no answer names an escalation path.",
                    S->question);
            return;
        }
        kb_buf_adds(&heading, "Suggested escalation");
    } else {
        if (!kba_resolve(S, "esc", arg, &id, &hit))
            return;
        kb_status_t st = kb_search_escalation(S->s, id, &owned);
        if (st == KB_STATUS_NOT_FOUND || st == KB_STATUS_BAD_ARGUMENT) {
            kba_say("There is no article '%s'.", id);
            return;
        }
        if (st != KB_STATUS_SUCCESS) {
            const char *msg = kb_search_last_error(S->s);
            kba_say("Cannot read the escalation path: %s", msg[0] ? msg : kb_status_to_string(st));
            return;
        }
        if (!owned || !owned->n_path) {
            kba_say("%s names no escalation path.", id);
            kb_escalation_free(owned);
            return;
        }
        e = owned;
        if (hit)
            kb_buf_printf(&heading, "Escalation for answer %u", hit->rank);
        else
            kb_buf_printf(&heading, "Escalation for %s", id);
    }
    cJSON *ev = kba_event(KB_EVENT_ESCALATION);
    if (id)
        cJSON_AddStringToObject(ev, "id", id);
    else
        cJSON_AddNullToObject(ev, "id");
    cJSON_AddStringToObject(ev, "from", id ? "answer" : "question");
    cJSON_AddItemToObject(ev, "path", kba_path_json(e));
    kba_record_write(S, ev);
    kb_buf_t line = KB_BUF_INIT;
    kba_path_summary(&line, e);
    kba_call_add(&S->call.escalations, line.data, 1);
    kb_buf_free(&line);
    kb_render_opts_t ro = {kba_width(), S->color};
    char *text = kb_render_path(e, heading.data, 1, &ro);
    if (text)
        fputs(text, stdout);
    else
        kba_say("out of memory");
    free(text);
    kb_buf_free(&heading);
    kb_escalation_free(owned);
}
