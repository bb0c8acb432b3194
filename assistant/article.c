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
    int c = S->color, width = kba_width();
    const char *title = a->title;
    const char *body = a->body;
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, kba_sty(c, KBA_BOLD));
    kba_buf_clean(&b, title);
    kb_buf_printf(&b, "%s\n%s[", kba_sty(c, KBA_OFF), kba_sty(c, KBA_DIM));
    kba_buf_clean(&b, a->category ? a->category : "-");
    kb_buf_printf(&b, "] %s  ", id);
    kba_buf_clean(&b, a->path);
    kb_buf_printf(&b, "%s\n", kba_sty(c, KBA_OFF));
    if (hit && hit->section && hit->section[0]) {
        kb_buf_t sec = KB_BUF_INIT;
        kb_buf_adds(&sec, hit->section_path && hit->section_path[0] ? hit->section_path : hit->section);
        kba_wrap(&b, sec.data, NULL, 0, 0, width, "Best section for the question: ", "  ", 0);
        kb_buf_free(&sec);
    }
    kb_buf_addc(&b, '\n');
    kb_render_opts_t ro = {width, c};
    char *text = NULL;
    if (kb_render_markdown(body, strlen(body), &ro, &text) == KB_STATUS_SUCCESS) {
        kb_buf_adds(&b, text);
        if (text[0] && text[strlen(text) - 1] != '\n')
            kb_buf_addc(&b, '\n');
    } else {
        kb_buf_adds(&b, "(the article could not be rendered)\n");
    }
    free(text);
    kb_escalation_t *e = NULL;
    if (kb_search_escalation(S->s, id, &e) == KB_STATUS_SUCCESS && e && e->n_path) {
        kb_buf_addc(&b, '\n');
        kba_path_text(&b, S, e, "Escalation path", 0);
    }
    kb_escalation_free(e);
    cJSON *ev = kba_event("open");
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
    kb_buf_free(&line);
    /* Recorded first: the pager may stay open for minutes. */
    if (b.oom)
        kba_say("out of memory");
    else
        kba_page(S, b.data, b.len);
    kb_buf_free(&b);
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
    cJSON *ev = kba_event("escalation");
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
    kba_print_path(S, e, heading.data);
    kb_buf_free(&heading);
    kb_escalation_free(owned);
}
