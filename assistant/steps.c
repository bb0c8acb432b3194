/* steps.c - :steps N [SECTION]: walk the numbered steps of a section of an
 * answer one at a time (the best section, or the one named).  The officer
 * answers each step with done (or Enter), fixed (that fixed it), back, or
 * quit; after the last step, whether that resolved it.  Every answer and
 * the outcome go into the call record: a call resolved by an article's
 * steps is what kb-index --learn learns from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"

typedef enum { ANS_DONE, ANS_FIXED, ANS_BACK, ANS_QUIT, ANS_UNKNOWN } answer_t;

static const char *answer_name[] = {"done", "fixed", "back", "quit", "?"};

static answer_t parse_answer(const char *line)
{
    static const struct {
        const char *word;
        answer_t a;
    } words[] = {
        {"", ANS_DONE},          {"d", ANS_DONE},       {"done", ANS_DONE},
        {"n", ANS_DONE},         {"next", ANS_DONE},    {"ok", ANS_DONE},
        {"f", ANS_FIXED},        {"fixed", ANS_FIXED},  {"that fixed it", ANS_FIXED},
        {"fixed it", ANS_FIXED}, {"solved", ANS_FIXED}, {"resolved", ANS_FIXED},
        {"b", ANS_BACK},         {"back", ANS_BACK},    {"prev", ANS_BACK},
        {"q", ANS_QUIT},         {"quit", ANS_QUIT},    {"stop", ANS_QUIT},
        {":q", ANS_QUIT},        {":quit", ANS_QUIT},
    };
    /* Trimmed, case-insensitive, without a final '.' or '!'. */
    char buf[32];
    while (*line == ' ' || *line == '\t')
        line++;
    size_t n = strlen(line);
    while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '.' ||
                 line[n - 1] == '!'))
        n--;
    if (n >= sizeof buf)
        return ANS_UNKNOWN;
    memcpy(buf, line, n);
    buf[n] = '\0';
    kb_ascii_lower(buf);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(buf, words[i].word))
            return words[i].a;
    return ANS_UNKNOWN;
}

/* The section to walk: the answer's best one when it has steps, else the
 * first section of the article that has some; NULL if none has.  Borrowed
 * from A. */
static const kb_section_t *pick_section(const kb_article_t *a, const kb_hit_t *hit,
                                        int *fallback)
{
    *fallback = 0;
    if (hit && hit->steps && hit->section_index < a->n_sections &&
        a->sections[hit->section_index].n_steps)
        return &a->sections[hit->section_index];
    for (size_t i = 0; i < a->n_sections; i++) {
        if (a->sections[i].n_steps) {
            *fallback = hit != NULL;
            return &a->sections[i];
        }
    }
    return NULL;
}

/* 1 if HEADING holds WORDS, ASCII case ignored. */
static int heading_has(const char *heading, const char *words)
{
    char *h = kb_strdup(heading), *w = kb_strdup(words);
    int yes = h && w && (kb_ascii_lower(h), kb_ascii_lower(w), strstr(h, w) != NULL);
    free(h);
    free(w);
    return yes;
}

/* The section WANT names: "2" (the second section with steps) or words of
 * its heading; NULL after listing the sections with steps. */
static const kb_section_t *named_section(const kb_article_t *a, const char *want)
{
    int num = strspn(want, "0123456789") == strlen(want);
    long k = num ? strtol(want, NULL, 10) : 0;
    long seen = 0;
    for (size_t i = 0; i < a->n_sections; i++) {
        const kb_section_t *sec = &a->sections[i];
        if (!sec->n_steps)
            continue;
        seen++;
        if ((num && seen == k) || (!num && heading_has(sec->heading, want)))
            return sec;
    }
    /* Article text and the officer's words reach the terminal cleaned. */
    kb_buf_t b = KB_BUF_INIT;
    kba_buf_clean(&b, a->title);
    kb_buf_adds(&b, " has no section \"");
    kba_buf_clean(&b, want);
    kb_buf_adds(&b, "\" with steps; ");
    seen = 0;
    for (size_t i = 0; i < a->n_sections; i++) {
        if (!a->sections[i].n_steps)
            continue;
        seen++;
        kb_buf_printf(&b, "%s%ld. ", seen > 1 ? "; " : "these have: ", seen);
        kba_buf_clean(&b, a->sections[i].heading[0] ? a->sections[i].heading : "(introduction)");
        kb_buf_printf(&b, " (%zu steps)", a->sections[i].n_steps);
    }
    kba_say("%s%s.", b.data ? b.data : "", seen ? "" : "none has any");
    kb_buf_free(&b);
    return NULL;
}

/* "Also with steps: 2. Heading; 3. Heading (:steps N 2)", when the
 * article has sections with steps besides SEC. */
static void other_sections(kb_buf_t *b, const kb_article_t *a, const kb_section_t *sec,
                           const char *arg, int color, int width)
{
    kb_buf_t t = KB_BUF_INIT;
    int k = 0, others = 0;
    for (size_t i = 0; i < a->n_sections; i++) {
        if (!a->sections[i].n_steps)
            continue;
        k++;
        if (&a->sections[i] == sec)
            continue;
        kb_buf_printf(&t, "%s%d. ", others++ ? "; " : "", k);
        kba_buf_clean(&t, a->sections[i].heading[0] ? a->sections[i].heading : "(introduction)");
    }
    if (others) {
        kb_buf_t m = KB_BUF_INIT;
        kb_buf_printf(&m, "%sAlso with steps: %s (:steps%c", kba_sty(color, KB_STYLE_DIM), t.data,
                      KB_TERM_GLUE);
        kba_buf_clean(&m, arg);
        kb_buf_printf(&m, "%cN walks one).%s", KB_TERM_GLUE, kba_sty(color, KB_STYLE_OFF));
        kba_wrap_styled(b, m.data, width, "", "  ");
        kb_buf_free(&m);
    }
    kb_buf_free(&t);
}

static void record_step(kba_session_t *S, const char *id, size_t step, const char *text,
                        answer_t a)
{
    cJSON *ev = kba_event(KB_EVENT_STEP);
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddNumberToObject(ev, "step", (double)step);
    cJSON_AddStringToObject(ev, "text", text);
    cJSON_AddStringToObject(ev, "answer", answer_name[a]);
    kba_record_write(S, ev);
}

void kba_steps(kba_session_t *S, const char *args)
{
    /* "N" or "N SECTION". */
    char *arg = kb_strdup(args);
    if (!arg)
        return;
    char *want = arg + strcspn(arg, " \t");
    if (*want) {
        *want++ = '\0';
        want += strspn(want, " \t");
    }
    const char *id;
    const kb_hit_t *hit;
    if (!kba_resolve(S, "steps", arg, &id, &hit)) {
        free(arg);
        return;
    }
    kb_article_t *a = kba_article(S, id);
    if (!a) {
        free(arg);
        return;
    }
    const char *title = a->title;
    int fallback = 0;
    const kb_section_t *sec = *want ? named_section(a, want) : pick_section(a, hit, &fallback);
    unsigned num = hit ? hit->rank : kba_number_of(S, id);
    if (!sec && *want) {
        kb_article_free(a);
        free(arg);
        return;
    }
    if (!sec) {
        if (num)
            kba_say("%s has no numbered steps; :open %u to read it.", title, num);
        else
            kba_say("%s has no numbered steps; :open %s to read it.", title, id);
        kb_article_free(a);
        free(arg);
        return;
    }
    const char *heading = sec->heading;
    struct {
        char **items;
        size_t n;
    } st = {sec->steps, sec->n_steps};
    int c = S->color, width = kba_width();
    kb_buf_t b = KB_BUF_INIT;
    if (fallback)
        kba_wrap(&b, "(The best section for the question has no numbered steps.)", NULL, 0, 0,
                 width, "", "", 0);
    kb_buf_t h = KB_BUF_INIT;
    kb_buf_adds(&h, kba_sty(c, KB_STYLE_BOLD));
    kba_buf_clean(&h, title);
    if (heading[0]) {
        kb_buf_adds(&h, " - ");
        kba_buf_clean(&h, heading);
    }
    kb_buf_printf(&h, "%s (%zu steps)", kba_sty(c, KB_STYLE_OFF), st.n);
    kba_wrap_styled(&b, h.data, width, "Steps: ", "  ");
    kb_buf_free(&h);
    if (!*want)
        other_sections(&b, a, sec, arg, c, width);
    kb_buf_t hint = KB_BUF_INIT;
    kb_buf_printf(&hint, "%sAnswer each step: done (or Enter), fixed (that fixed it), back, quit.%s",
                  kba_sty(c, KB_STYLE_DIM), kba_sty(c, KB_STYLE_OFF));
    kba_wrap_styled(&b, hint.data, width, "", "");
    kb_buf_free(&hint);
    cJSON *ev = kba_event(KB_EVENT_STEPS_START);
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddStringToObject(ev, "section", heading);
    cJSON_AddNumberToObject(ev, "steps", (double)st.n);
    kba_record_write(S, ev);
    kba_flush_buf(&b);

    size_t i = 0, fixed = 0, done = 0;
    int stopped = 0, confirmed = 0;
    while (i < st.n && !fixed && !stopped) {
        char first[96];
        snprintf(first, sizeof first, "%s  %zu/%zu%s  ", kba_sty(c, KB_STYLE_BOLD), i + 1, st.n,
                 kba_sty(c, KB_STYLE_OFF));
        char rest[32];
        snprintf(rest, sizeof rest, "%*s", (int)kb_term_cols(first, strlen(first)), "");
        kba_wrap(&b, st.items[i], NULL, 0, 0, width, first, rest, 0);
        kba_flush_buf(&b);
        answer_t ans = ANS_UNKNOWN;
        while (ans == ANS_UNKNOWN) {
            char prompt[96];
            snprintf(prompt, sizeof prompt, "step %zu/%zu [done/fixed/back/quit]> ", i + 1, st.n);
            char *line = NULL;
            kba_read_t r = kba_read_line(S, prompt, &line);
            if (r != KBA_READ_LINE) {
                ans = ANS_QUIT;
            } else {
                ans = parse_answer(line);
                if (ans == ANS_UNKNOWN)
                    kba_say("Answer done (or Enter), fixed, back or quit.");
            }
            free(line);
        }
        record_step(S, id, i + 1, st.items[i], ans);
        switch (ans) {
        case ANS_DONE:
            done = ++i;
            /* The last step done: it may have been the whole job. */
            if (i == st.n && kba_ask_yes(S, "That was the last step. Did that resolve it? "
                                            "[yes/no] "))
                fixed = done, confirmed = 1;
            break;
        case ANS_FIXED: fixed = done = i + 1; break;
        case ANS_BACK:
            if (i)
                i--;
            break;
        default: stopped = 1; break;
        }
    }

    const char *outcome = fixed ? "fixed" : stopped ? "stopped" : "not_fixed";
    ev = kba_event(KB_EVENT_STEPS_END);
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddStringToObject(ev, "section", heading);
    cJSON_AddStringToObject(ev, "outcome", outcome);
    if (fixed)
        cJSON_AddNumberToObject(ev, "resolved_by", (double)fixed);
    else
        cJSON_AddNullToObject(ev, "resolved_by");
    cJSON_AddNumberToObject(ev, "done", (double)done);
    cJSON_AddBoolToObject(ev, "confirmed", confirmed);
    if (S->question) {
        cJSON_AddStringToObject(ev, "q", S->question);
        cJSON_AddStringToObject(ev, "query_id", S->query_id);
    }
    kba_record_write(S, ev);

    /* For the summary: what was done, in the CRM's words (no ids). */
    kb_buf_t line = KB_BUF_INIT;
    kb_buf_printf(&line, "Followed the steps of \"%s\"", title);
    if (heading[0])
        kb_buf_printf(&line, " (%s)", heading);
    if (fixed) {
        printf("%sStep %zu fixed it.%s Resolved.\n", kba_sty(c, KB_STYLE_GREEN), fixed,
               kba_sty(c, KB_STYLE_OFF));
        kb_buf_printf(&line, ": step %zu of %zu resolved it", fixed, st.n);
        kb_buf_t o = KB_BUF_INIT;
        kb_buf_printf(&o, "resolved by step %zu (of %zu) of \"%s\"", fixed, st.n, title);
        if (heading[0])
            kb_buf_printf(&o, ", \"%s\"", heading);
        kba_set_outcome(S, "resolved", id, "steps", o.data);
        kb_buf_free(&o);
    } else if (stopped) {
        printf("Stopped at step %zu of %zu.\n", i + 1, st.n);
        kb_buf_printf(&line, ": stopped at step %zu of %zu (%zu done)", i + 1, st.n, done);
    } else {
        kb_buf_t m = KB_BUF_INIT;
        if (num)
            kb_buf_printf(&m, "All %zu steps done and not fixed: :esc%c%u shows who to escalate to.",
                          st.n, KB_TERM_GLUE, num);
        else
            kb_buf_printf(&m, "All %zu steps done and not fixed: :esc%c%s shows who to escalate to.",
                          st.n, KB_TERM_GLUE, id);
        kba_wrap_styled(&b, m.data, width, "", "");
        kba_flush_buf(&b);
        kb_buf_free(&m);
        kb_buf_printf(&line, ": all %zu steps done, not resolved", st.n);
    }
    kba_call_add(&S->call.steps, line.data, 0);
    kb_buf_free(&line);
    kb_buf_free(&b);
    kb_article_free(a);
    free(arg);
}
