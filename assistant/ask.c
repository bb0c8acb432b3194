/* ask.c - questions and the numbered list they make: asking, :more,
 * :related, :why, and turning "N" or an article id into an answer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"
#include "schema/ids.h"

void kba_list_clear(kba_list_t *l)
{
    for (size_t i = 0; i < l->n_pages; i++)
        kb_results_free(l->pages[i]);
    free(l->pages);
    free(l->related_id);
    memset(l, 0, sizeof *l);
}

/* Add R to L (which takes it); 0 when out of memory (R is freed).  Its
 * answers are SHOWN in this call. */
static int list_add(kba_list_t *l, kb_results_t *r, kb_strlist_t *shown)
{
    for (size_t i = 0; i < r->n; i++)
        kba_call_add(shown, r->hits[i].id, 1);
    kb_results_t **p = realloc(l->pages, (l->n_pages + 1) * sizeof *p);
    if (!p) {
        kb_results_free(r);
        return 0;
    }
    l->pages = p;
    l->pages[l->n_pages++] = r;
    for (size_t i = 0; i < r->n; i++)
        if (r->hits[i].rank > l->shown)
            l->shown = r->hits[i].rank;
    l->total = r->total;
    return 1;
}

static const kb_hit_t *list_hit(const kba_list_t *l, unsigned rank, const char *id)
{
    for (size_t p = l->n_pages; p-- > 0;)
        for (size_t i = 0; i < l->pages[p]->n; i++) {
            const kb_hit_t *h = &l->pages[p]->hits[i];
            if ((id && !strcmp(h->id, id)) || (!id && h->rank == rank))
                return h;
        }
    return NULL;
}

unsigned kba_number_of(const kba_session_t *S, const char *id)
{
    const kb_hit_t *h = S->view ? list_hit(S->view, 0, id) : NULL;
    return h ? h->rank : 0;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

int kba_resolve(kba_session_t *S, const char *cmd, const char *arg, const char **id,
                const kb_hit_t **hit)
{
    *id = NULL;
    *hit = NULL;
    if (!arg || !*arg) {
        kba_say("Which answer? :%s N (a number from the list) or :%s ARTICLE-ID", cmd, cmd);
        return 0;
    }
    if (all_digits(arg)) {
        unsigned long n = strlen(arg) > 6 ? 0 : strtoul(arg, NULL, 10);
        if (!S->view) {
            kba_say("No answers yet: ask a question first (or give an article id).");
            return 0;
        }
        if (!S->view->shown) {
            kba_say("The last %s has no answers to number; ask again (or give an article id).",
                    S->view->related_id ? "list" : "question");
            return 0;
        }
        if (n < 1 || n > S->view->shown) {
            kba_say("There is no answer %s: the list shows 1-%u%s.", arg, S->view->shown,
                    S->view->shown < S->view->total ? " (:more shows more)" : "");
            return 0;
        }
        *hit = list_hit(S->view, (unsigned)n, NULL);
        if (!*hit) {
            kba_say("There is no answer %s.", arg);
            return 0;
        }
        *id = (*hit)->id;
        return 1;
    }
    if (!kb_id_valid(arg)) {
        kba_say("'%s' is neither an answer number nor an article id (see :help %s).", arg, cmd);
        return 0;
    }
    *id = arg;
    *hit = S->view ? list_hit(S->view, 0, arg) : NULL;
    return 1;
}

/* Snippet bytes for about three lines at the terminal's width. */
static size_t snippet_bytes(void)
{
    int w = kba_width() - 4;
    size_t n = (size_t)w * 3;
    return n < 160 ? 160 : n > 600 ? 600 : n;
}

static void say_failure(kba_session_t *S, kb_status_t st)
{
    switch (st) {
    case KB_STATUS_TOO_LARGE:
        kba_say("That is too long to search (at most %d bytes); paste less of it.", KB_INPUT_MAX_BYTES);
        break;
    case KB_STATUS_PARSE_ERROR:
        kba_say("That is not valid UTF-8 text; retype it.");
        break;
    default: {
        const char *msg = kb_search_last_error(S->s);
        kba_say("The search failed: %s", msg[0] ? msg : kb_status_to_string(st));
    }
    }
}

/* Record the cards just shown, and the warnings shown above them (R may
 * be NULL: a page with no banner). */
static void record_cards(kba_session_t *S, cJSON *shown, const char *why, const kb_results_t *r)
{
    cJSON *ev = kba_event(KB_EVENT_CARDS);
    cJSON_AddStringToObject(ev, "after", why);
    cJSON_AddItemToObject(ev, "cards", shown);
    if (r && r->n_alerts && r->alerts[0].escalation)
        cJSON_AddItemToObject(ev, "banner", kba_path_json(r->alerts[0].escalation));
    else if (r && r->escalation && r->escalation->kind && !strcmp(r->escalation->kind, "trigger"))
        cJSON_AddItemToObject(ev, "banner", kba_path_json(r->escalation));
    if (r) {
        cJSON *al = cJSON_AddArrayToObject(ev, "alerts");
        for (size_t i = 0; al && i < r->n_alerts; i++) {
            cJSON *a = kba_path_json(r->alerts[i].escalation);
            if (a) {
                cJSON_AddStringToObject(a, "alert", r->alerts[i].kind);
                cJSON_AddStringToObject(a, "words", r->alerts[i].words);
            }
            cJSON_AddItemToArray(al, a);
        }
    }
    kba_record_write(S, ev);
}

static cJSON *result_ids(const kb_results_t *r)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < r->n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(r->hits[i].id));
    return a;
}

/* A page of cards for Q from OFFSET, with those filters (the lists must
 * outlive the request). */
static kb_request_t page_request(const char *q, char *const *categories, size_t n_categories,
                                 char *const *tags, size_t n_tags, unsigned offset)
{
    kb_request_t req = KB_REQUEST_INIT;
    req.q = q;
    req.limit = KBA_PAGE;
    req.offset = offset;
    req.categories = (const char *const *)categories;
    req.n_categories = n_categories;
    req.tags = (const char *const *)tags;
    req.n_tags = n_tags;
    req.snippet_bytes = snippet_bytes();
    return req;
}

void kba_ask(kba_session_t *S, const char *q)
{
    kb_request_t req = page_request(q, S->categories.items, S->categories.n, S->tags.items, S->tags.n, 0);
    kb_results_t *r;
    kb_status_t st = kb_search_run(S->s, &req, &r);
    cJSON *ev = kba_event(KB_EVENT_QUERY);
    /* A pasted chat or email is not recorded: it holds the customer's
     * personal details.  What was searched in it is. */
    size_t pasted = strlen(q) > KB_QUERY_MAX_BYTES || strchr(q, '\n') ||
                            (st == KB_STATUS_SUCCESS && r->searched)
                        ? strlen(q)
                        : 0;
    if (pasted) {
        cJSON_AddNumberToObject(ev, "pasted_bytes", (double)pasted);
        cJSON_AddStringToObject(ev, "q", st == KB_STATUS_SUCCESS && r->searched ? r->searched : "");
    } else {
        cJSON_AddStringToObject(ev, "q", q);
    }
    if (st != KB_STATUS_SUCCESS) {
        cJSON_AddStringToObject(ev, "error", kb_status_to_string(st));
        kba_record_write(S, ev);
        say_failure(S, st);
        return;
    }
    kba_list_clear(&S->ask);
    kba_list_clear(&S->rel);
    free(S->question);
    S->question = kb_strdup(q);
    S->view = &S->ask;
    /* The search log: scrubbed, with an id feedback and outcomes name. */
    char *msg = NULL;
    if (kb_searchlog_record(S->log, "assistant", r, S->query_id, &msg) != KB_STATUS_SUCCESS)
        kba_say("warning: %s", msg ? msg : "the search log cannot be written");
    free(msg);
    cJSON_AddStringToObject(ev, "query_id", S->query_id);
    /* The customer's issue for the CRM: a paste only by what was searched
     * in it (it holds the customer's personal details). */
    if (pasted || r->searched) {
        kb_buf_t issue = KB_BUF_INIT;
        kb_buf_printf(&issue, "pasted text (%zu bytes), searched as \"%s\"", pasted,
                      r->searched ? r->searched : "");
        kba_call_add(&S->call.asked, issue.data, 0);
        kb_buf_free(&issue);
    } else {
        kba_call_add(&S->call.asked, q, 0);
    }

    if (r->corrected)
        cJSON_AddStringToObject(ev, "corrected", r->corrected);
    else
        cJSON_AddNullToObject(ev, "corrected");
    cJSON *f = cJSON_AddObjectToObject(ev, "filters");
    cJSON_AddItemToObject(f, "categories", kba_json_strv(r->categories, r->n_categories));
    cJSON_AddItemToObject(f, "tags", kba_json_strv(r->tags, r->n_tags));
    cJSON_AddNumberToObject(ev, "total", r->total);
    cJSON_AddItemToObject(ev, "results", result_ids(r));
    cJSON_AddBoolToObject(ev, "covered", r->covered);
    cJSON *kinds = cJSON_AddArrayToObject(ev, "alerts");
    for (size_t i = 0; kinds && i < r->n_alerts; i++)
        cJSON_AddItemToArray(kinds, cJSON_CreateString(r->alerts[i].kind));
    if (r->escalation)
        cJSON_AddStringToObject(ev, "escalation", r->escalation->kind ? r->escalation->kind : "");
    kba_record_write(S, ev);

    /* For the summary: the question, how it was read, the top answer. */
    kb_buf_t line = KB_BUF_INIT;
    if (r->searched)
        kb_buf_printf(&line, "pasted text (%zu bytes), searched as \"%s\"", pasted, r->searched);
    else
        kb_buf_printf(&line, "\"%s\"", q);
    if (r->corrected)
        kb_buf_printf(&line, " (read as \"%s\")", r->corrected);
    if (r->n)
        kb_buf_printf(&line, ": top answer %s [%s]", r->hits[0].title, r->hits[0].id);
    else
        kb_buf_adds(&line, ": no answers");
    for (size_t i = 0; i < r->n_alerts; i++) {
        const kb_escalation_t *e = r->alerts[i].escalation;
        kb_buf_printf(&line, "; %s \"%s\"", r->alerts[i].kind, r->alerts[i].words);
        if (e && e->n_path)
            kb_buf_printf(&line, ": %s", e->path[0].title);
    }
    const kb_escalation_t *route = r->escalation;
    if (!r->n_alerts && route && route->kind && !strcmp(route->kind, "trigger") && route->n_path)
        kb_buf_printf(&line, "; trigger \"%s\": %s", route->trigger ? route->trigger : "",
                      route->path[0].title);
    kba_call_add(&S->call.questions, line.data, 0);
    kb_buf_free(&line);

    kb_buf_t out = KB_BUF_INIT;
    cJSON *shown = kba_print_cards(S, r, 0, 1, NULL, &out);
    record_cards(S, shown, "query", r);
    kba_flush_buf(&out);
    kb_buf_free(&out);
    list_add(&S->ask, r, &S->call.shown);
}

void kba_more(kba_session_t *S)
{
    kba_list_t *l = S->view;
    if (!l || !l->n_pages) {
        kba_say("Ask a question first; :more shows its next answers.");
        return;
    }
    kb_results_t *r;
    kb_status_t st;
    unsigned after = l->shown;
    if (l->related_id) {
        unsigned limit = after + KBA_PAGE > KB_LIMIT_MAX ? KB_LIMIT_MAX : after + KBA_PAGE;
        st = kb_search_related(S->s, l->related_id, limit, &r);
    } else {
        const kb_results_t *q = l->pages[0];
        kb_request_t req = page_request(S->question, q->categories, q->n_categories, q->tags, q->n_tags,
                                        after);
        st = kb_search_run(S->s, &req, &r);
    }
    if (st != KB_STATUS_SUCCESS) {
        say_failure(S, st);
        return;
    }
    kb_buf_t out = KB_BUF_INIT;
    cJSON *shown = kba_print_cards(S, r, after, 0, "No more answers.", &out);
    record_cards(S, shown, "more", NULL);
    kba_flush_buf(&out);
    kb_buf_free(&out);
    list_add(l, r, &S->call.shown);
}

void kba_related(kba_session_t *S, const char *arg)
{
    const char *id;
    const kb_hit_t *hit;
    if (!kba_resolve(S, "related", arg, &id, &hit))
        return;
    char *want = kb_strdup(id); /* ID may point into the list freed below */
    kb_results_t *r;
    kb_status_t st = kb_search_related(S->s, want, KBA_PAGE, &r);
    if (st == KB_STATUS_NOT_FOUND) {
        kba_say("There is no article '%s'.", want);
        free(want);
        return;
    }
    if (st != KB_STATUS_SUCCESS) {
        say_failure(S, st);
        free(want);
        return;
    }
    kba_list_clear(&S->rel);
    S->rel.related_id = want;
    S->view = &S->rel;
    kb_buf_t out = KB_BUF_INIT;
    kb_buf_printf(&out, "Articles like %s:\n\n", want);
    cJSON *shown = kba_print_cards(S, r, 0, 0, "No related articles.", &out);
    cJSON *ev = kba_event(KB_EVENT_RELATED);
    cJSON_AddStringToObject(ev, "id", want);
    cJSON_AddItemToObject(ev, "results", result_ids(r));
    cJSON_AddItemToObject(ev, "cards", shown);
    kba_record_write(S, ev);
    kba_flush_buf(&out);
    kb_buf_free(&out);
    list_add(&S->rel, r, &S->call.shown);
}

void kba_why(kba_session_t *S, const char *arg)
{
    if (!S->question || !S->ask.n_pages) {
        kba_say("Ask a question first; :why N says what in it matched answer N.");
        return;
    }
    const char *id;
    const kb_hit_t *hit;
    if (!kba_resolve(S, "why", arg, &id, &hit))
        return;
    const kb_results_t *q = S->ask.pages[0];
    kb_request_t req = KB_REQUEST_INIT;
    req.q = S->question;
    req.limit = KB_LIMIT_MAX;
    req.categories = (const char *const *)q->categories;
    req.n_categories = q->n_categories;
    req.tags = (const char *const *)q->tags;
    req.n_tags = q->n_tags;
    req.explain = 1;
    req.snippet_bytes = 1;
    kb_results_t *r;
    kb_status_t st = kb_search_run(S->s, &req, &r);
    if (st != KB_STATUS_SUCCESS) {
        say_failure(S, st);
        return;
    }
    const kb_hit_t *h = NULL;
    for (size_t i = 0; i < r->n && !h; i++)
        if (!strcmp(r->hits[i].id, id))
            h = &r->hits[i];
    kb_buf_t b = KB_BUF_INIT;
    int c = S->color;
    if (!h) {
        kba_say("%s is not among the answers to \"%s\".", id, S->question);
        kb_results_free(r);
        return;
    }
    int width = kba_width();
    kb_buf_t t = KB_BUF_INIT;
    kb_buf_printf(&t, "%s%u. ", kba_sty(c, KB_STYLE_BOLD), h->rank);
    kba_buf_clean(&t, h->title);
    kb_buf_printf(&t, "%s matched \"", kba_sty(c, KB_STYLE_OFF));
    kba_buf_clean(&t, S->question);
    kb_buf_adds(&t, "\"");
    if (r->corrected) {
        kb_buf_adds(&t, " (read as \"");
        kba_buf_clean(&t, r->corrected);
        kb_buf_adds(&t, "\")");
    }
    kb_buf_adds(&t, ":");
    kba_wrap_styled(&b, t.data, width, "", "  ");
    kb_buf_clear(&t);
    size_t ww = 4, kw = 4;
    for (size_t i = 0; i < h->n_explain; i++) {
        size_t a = kb_term_cols(h->explain[i].word, strlen(h->explain[i].word));
        size_t k = strlen(h->explain[i].kind);
        ww = a > ww ? a : ww;
        kw = k > kw ? k : kw;
    }
    if (h->n_explain)
        kb_buf_printf(&b, "  %s%-*s  %-*s  %s%s\n", kba_sty(c, KB_STYLE_DIM), (int)ww, "word", (int)kw,
                      "kind", "detail", kba_sty(c, KB_STYLE_OFF));
    cJSON *m = cJSON_CreateArray();
    for (size_t i = 0; i < h->n_explain; i++) {
        const kb_match_t *x = &h->explain[i];
        size_t a = kb_term_cols(x->word, strlen(x->word));
        kb_buf_adds(&b, "  ");
        kba_buf_clean(&b, x->word);
        kb_buf_printf(&b, "%*s  %-*s  ", (int)(ww - a), "", (int)kw, x->kind);
        kba_buf_clean(&b, x->detail ? x->detail : "");
        /* No trailing blanks on a line. */
        while (b.len && b.data[b.len - 1] == ' ')
            b.data[--b.len] = '\0';
        kb_buf_addc(&b, '\n');
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "word", x->word);
        cJSON_AddStringToObject(o, "kind", x->kind);
        if (x->detail)
            cJSON_AddStringToObject(o, "detail", x->detail);
        cJSON_AddItemToArray(m, o);
    }
    if (!h->n_explain)
        kb_buf_adds(&b, "  no word of the question: it matched through a filter alone\n");
    kb_buf_printf(&t, "%sscore %.2f; best section: ", kba_sty(c, KB_STYLE_DIM), h->score);
    kba_buf_clean(&t, h->section && h->section[0] ? h->section : "the introduction");
    kb_buf_adds(&t, kba_sty(c, KB_STYLE_OFF));
    kba_wrap_styled(&b, t.data, width, "  ", "    ");
    kb_buf_free(&t);
    cJSON *ev = kba_event(KB_EVENT_WHY);
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddItemToObject(ev, "matches", m);
    kba_record_write(S, ev);
    kba_flush_buf(&b);
    kb_buf_free(&b);
    kb_results_free(r);
}
