/* commands.c - the command table (data: name, usage, summary, handler)
 * and the line dispatcher, with the small commands that need no file of
 * their own (filters, feedback, notes, :new, :history, :help).
 *
 * Syntax: a line starting with ':' is a command (":open 2"); commands may
 * be shortened to any unambiguous prefix (":o 2", ":sum").  A line that is
 * only a number opens that answer; the single words help, more, quit and
 * exit work without the colon.  Every other line is a question.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assistant.h"
#include "kb/log.h"

typedef enum { ARGS_NONE, ARGS_OPTIONAL, ARGS_REQUIRED } args_t;

typedef struct command {
    const char *name;
    const char *usage;    /* arguments, for :help */
    const char *summary;
    args_t args;
    void (*run)(kba_session_t *S, const char *args);
} command_t;

static void cmd_open(kba_session_t *S, const char *a) { kba_open(S, a); }
static void cmd_more(kba_session_t *S, const char *a) { (void)a; kba_more(S); }
static void cmd_related(kba_session_t *S, const char *a) { kba_related(S, a); }
static void cmd_esc(kba_session_t *S, const char *a) { kba_esc(S, a); }
static void cmd_steps(kba_session_t *S, const char *a) { kba_steps(S, a); }
static void cmd_why(kba_session_t *S, const char *a) { kba_why(S, a); }
static void cmd_filter(kba_session_t *S, const char *a);
static void cmd_clear(kba_session_t *S, const char *a);
static void cmd_good(kba_session_t *S, const char *a);
static void cmd_bad(kba_session_t *S, const char *a);
static void cmd_note(kba_session_t *S, const char *a);
static void cmd_summary(kba_session_t *S, const char *a) { kba_summary(S, a); }
static void cmd_resolved(kba_session_t *S, const char *a);
static void cmd_new(kba_session_t *S, const char *a);
static void cmd_paste(kba_session_t *S, const char *a);
static void cmd_history(kba_session_t *S, const char *a);
static void cmd_help(kba_session_t *S, const char *a);
static void cmd_quit(kba_session_t *S, const char *a) { (void)a; S->quit = 1; }

static const command_t commands[] = {
    {"open", "N|ID", "read answer N (or article ID) in full; a bare N does it too", ARGS_REQUIRED, cmd_open},
    {"more", "", "the next answers to the question", ARGS_NONE, cmd_more},
    {"related", "N|ID", "articles like answer N", ARGS_REQUIRED, cmd_related},
    {"esc", "[N|ID]", "escalation path: contacts, hours, SLA, who is open now", ARGS_OPTIONAL, cmd_esc},
    {"steps", "N|ID [S]", "walk the numbered steps of answer N (section S: a number or heading words)", ARGS_REQUIRED, cmd_steps},
    {"why", "N|ID", "what in the question matched answer N", ARGS_REQUIRED, cmd_why},
    {"filter", "[category=C] [tag=T]", "keep every question to these (none: show them)", ARGS_OPTIONAL, cmd_filter},
    {"clear", "", "drop the filters", ARGS_NONE, cmd_clear},
    {"good", "N|ID", "feedback: answer N helped", ARGS_REQUIRED, cmd_good},
    {"bad", "N|ID", "feedback: answer N did not help", ARGS_REQUIRED, cmd_bad},
    {"resolved", "[N|ID]", "the call is resolved (by answer N)", ARGS_OPTIONAL, cmd_resolved},
    {"note", "TEXT", "add a note to the call record", ARGS_REQUIRED, cmd_note},
    {"paste", "", "search a chat or email pasted over several lines (end: a line '.')", ARGS_NONE, cmd_paste},
    {"summary", "[wrap [W]]", "this call for the CRM (wrap: at W or the screen's width)", ARGS_OPTIONAL, cmd_summary},
    {"new", "", "end this call and start the next", ARGS_NONE, cmd_new},
    {"history", "[N]", "the last N lines typed (default 20)", ARGS_OPTIONAL, cmd_history},
    {"help", "[COMMAND]", "this list, or one command", ARGS_OPTIONAL, cmd_help},
    {"quit", "", "end the call and leave (also Ctrl-D)", ARGS_NONE, cmd_quit},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static const struct {
    const char *alias, *name;
} aliases[] = {
    {"q", "quit"}, {"exit", "quit"}, {"h", "help"}, {"?", "help"},
    {"escalation", "esc"}, {"escalate", "esc"}, {"show", "open"},
};

const char *kba_command_name(size_t i) { return i < N_COMMANDS ? commands[i].name : NULL; }

/* The command NAME names; *AMBIGUOUS is set when a prefix fits several. */
static const command_t *find(const char *name, int *ambiguous)
{
    *ambiguous = 0;
    char low[32];
    size_t n = strlen(name);
    if (!n || n >= sizeof low)
        return NULL;
    memcpy(low, name, n + 1);
    kb_ascii_lower(low);
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (!strcmp(low, aliases[i].alias))
            memcpy(low, aliases[i].name, strlen(aliases[i].name) + 1);
    const command_t *hit = NULL;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (!strcmp(low, commands[i].name))
            return &commands[i];
        if (!strncmp(low, commands[i].name, strlen(low))) {
            if (hit)
                *ambiguous = 1;
            hit = &commands[i];
        }
    }
    return *ambiguous ? NULL : hit;
}

const char *kba_command_resolve(const char *name)
{
    int amb;
    const command_t *c = find(name, &amb);
    return c ? c->name : NULL;
}

static int is_blank(char c) { return c == ' ' || c == '\t'; }

/* The command within two edits of NAME (":opne", ":sumary"), or NULL. */
static const char *near(const char *name)
{
    size_t n = strlen(name);
    if (n < 2 || n > 20)
        return NULL;
    for (size_t c = 0; c < N_COMMANDS; c++) {
        const char *t = commands[c].name;
        size_t m = strlen(t);
        /* Levenshtein distance with transpositions, two rows of the table. */
        size_t d[3][24];
        for (size_t j = 0; j <= m; j++)
            d[0][j] = j;
        for (size_t i = 1; i <= n; i++) {
            size_t *cur = d[i % 3], *prev = d[(i - 1) % 3], *pp = d[(i + 1) % 3];
            cur[0] = i;
            for (size_t j = 1; j <= m; j++) {
                size_t cost = name[i - 1] != t[j - 1];
                size_t v = prev[j - 1] + cost;
                if (prev[j] + 1 < v)
                    v = prev[j] + 1;
                if (cur[j - 1] + 1 < v)
                    v = cur[j - 1] + 1;
                if (i > 1 && j > 1 && name[i - 1] == t[j - 2] && name[i - 2] == t[j - 1] &&
                    pp[j - 2] + 1 < v)
                    v = pp[j - 2] + 1;
                cur[j] = v;
            }
        }
        if (d[n % 3][m] <= (n < 4 ? 1u : 2u))
            return t;
    }
    return NULL;
}

static void run(kba_session_t *S, const command_t *c, const char *args)
{
    if (c->args == ARGS_NONE && *args) {
        kba_say(":%s takes no argument.", c->name);
        return;
    }
    if (c->args == ARGS_REQUIRED && !*args) {
        kba_say(":%s needs %s (see :help %s).", c->name, c->usage, c->name);
        return;
    }
    c->run(S, args);
}

void kba_dispatch(kba_session_t *S, const char *line)
{
    while (is_blank(*line))
        line++;
    size_t len = strlen(line);
    while (len && is_blank(line[len - 1]))
        len--;
    char *l = kb_strndup(line, len);
    if (!l) {
        kba_say("out of memory");
        return;
    }
    if (l[0] == ':') {
        char *name = l + 1, *args = name + strcspn(name, " \t");
        if (*args) {
            *args++ = '\0';
            while (is_blank(*args))
                args++;
        }
        int amb;
        const command_t *c = find(name, &amb);
        if (c) {
            run(S, c, args);
        } else if (amb) {
            kb_buf_t b = KB_BUF_INIT;
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (!strncmp(name, commands[i].name, strlen(name)))
                    kb_buf_printf(&b, "%s:%s", b.len ? ", " : "", commands[i].name);
            kba_say("':%s' could be %s; type more of it.", name, b.data ? b.data : "");
            kb_buf_free(&b);
        } else if (!*name) {
            kba_say("A command name goes after ':'; :help lists them.");
        } else if (near(name)) {
            kba_say("Unknown command ':%s'; did you mean :%s?  :help lists the commands.", name,
                    near(name));
        } else {
            kba_say("Unknown command ':%s'; :help lists the commands.", name);
        }
        free(l);
        return;
    }
    if (strspn(l, "0123456789") == len && len <= 6) {
        kba_open(S, l);
        free(l);
        return;
    }
    static const char *const bare[] = {"help", "more", "quit", "exit"};
    char low[8];
    if (len < sizeof low) {
        memcpy(low, l, len + 1);
        kb_ascii_lower(low);
        for (size_t i = 0; i < sizeof bare / sizeof bare[0]; i++) {
            if (!strcmp(low, bare[i])) {
                int amb;
                run(S, find(low, &amb), "");
                free(l);
                return;
            }
        }
    }
    kba_ask(S, l);
    free(l);
}

/* ---------------------------------------------------------------- */
/* A pasted chat or email                                             */

/* Lines until one holding only "." (or the end of input), searched as one
 * text: the customer's part of it, condensed (kb_search_run).  A terminal
 * with bracketed paste gives a multi-line paste as one line anyway; this is
 * for the others, and for input from a pipe. */
static void cmd_paste(kba_session_t *S, const char *a)
{
    (void)a;
    if (S->interactive)
        kba_say("Paste the chat or email, then a line with only a full stop.");
    kb_buf_t b = KB_BUF_INIT;
    int too_long = 0;
    for (;;) {
        char *line = NULL;
        kba_read_t r = kba_read_line(S, "paste> ", &line);
        if (r == KBA_READ_INTERRUPT) {
            kb_buf_free(&b);
            kba_say("Paste dropped.");
            return;
        }
        if (r != KBA_READ_LINE || !strcmp(line, ".")) {
            free(line);
            break;
        }
        if (b.len + strlen(line) + 1 > KB_INPUT_MAX_BYTES + 1)
            too_long = 1;
        else {
            kb_buf_adds(&b, line);
            kb_buf_addc(&b, '\n');
        }
        free(line);
    }
    if (b.oom) {
        kba_say("out of memory");
    } else if (too_long) {
        kba_say("That is too long to search (at most %d bytes); paste less of it.",
                KB_INPUT_MAX_BYTES);
    } else if (!b.len || !b.data[strspn(b.data, " \t\r\n")]) {
        kba_say("Nothing was pasted.");
    } else {
        kba_ask(S, b.data);
    }
    kb_buf_free(&b);
}

/* ---------------------------------------------------------------- */
/* Filters                                                            */

static void say_known(const char *what, const char *value, const kb_strlist_t *known)
{
    kb_buf_t b = KB_BUF_INIT;
    for (size_t i = 0; i < known->n && i < 12; i++)
        kb_buf_printf(&b, "%s%s", i ? ", " : "", known->items[i]);
    if (known->n > 12)
        kb_buf_adds(&b, ", ...");
    kba_say("No %s '%s' in the index (Tab completes; known: %s).", what, value,
            b.data ? b.data : "none");
    kb_buf_free(&b);
}

static void print_filters(kba_session_t *S)
{
    if (!S->categories.n && !S->tags.n) {
        printf("No filters: questions search the whole knowledge base.\n");
        return;
    }
    printf("Filters:");
    for (size_t i = 0; i < S->categories.n; i++)
        printf(" category=%s", S->categories.items[i]);
    for (size_t i = 0; i < S->tags.n; i++)
        printf(" tag=%s", S->tags.items[i]);
    printf("  (every question keeps to them until :clear)\n");
}

static void record_filters(kba_session_t *S, const char *event)
{
    cJSON *ev = kba_event(event);
    cJSON_AddItemToObject(ev, "categories", kba_json_strv(S->categories.items, S->categories.n));
    cJSON_AddItemToObject(ev, "tags", kba_json_strv(S->tags.items, S->tags.n));
    kba_record_write(S, ev);
}

static void cmd_filter(kba_session_t *S, const char *args)
{
    if (!*args) {
        print_filters(S);
        return;
    }
    kba_load_lists(S);
    /* Check every word before applying any, so a typo changes nothing. */
    kb_strlist_t cats = {0}, tags = {0};
    char *copy = kb_strdup(args);
    int ok = copy != NULL;
    for (char *save = NULL, *w = copy ? strtok_r(copy, " \t", &save) : NULL; w && ok;
         w = strtok_r(NULL, " \t", &save)) {
        size_t k = strcspn(w, "=:");
        if (!w[k] || !w[k + 1]) {
            kba_say("Write filters as category=NAME or tag=NAME, e.g. :filter category=product.");
            ok = 0;
            break;
        }
        w[k] = '\0';
        char *v = w + k + 1;
        kb_ascii_lower(w);
        int is_cat = !strcmp(w, "category") || !strcmp(w, "cat");
        if (!is_cat && strcmp(w, "tag") != 0) {
            kba_say("Unknown filter '%s': use category=NAME or tag=NAME.", w);
            ok = 0;
            break;
        }
        const kb_strlist_t *known = is_cat ? &S->known_categories : &S->known_tags;
        if (known->n && !kb_strlist_has(known, v)) {
            say_known(is_cat ? "category" : "tag", v, known);
            ok = 0;
            break;
        }
        kb_strlist_t *into = is_cat ? &cats : &tags;
        if (!kb_strlist_has(into, v))
            kb_strlist_push(into, v, strlen(v));
    }
    if (ok) {
        for (size_t i = 0; i < cats.n; i++)
            if (!kb_strlist_has(&S->categories, cats.items[i]))
                kb_strlist_push(&S->categories, cats.items[i], strlen(cats.items[i]));
        for (size_t i = 0; i < tags.n; i++)
            if (!kb_strlist_has(&S->tags, tags.items[i]))
                kb_strlist_push(&S->tags, tags.items[i], strlen(tags.items[i]));
        record_filters(S, KB_EVENT_FILTER);
        print_filters(S);
    }
    kb_strlist_clear(&cats);
    kb_strlist_clear(&tags);
    free(copy);
}

static void cmd_clear(kba_session_t *S, const char *args)
{
    (void)args;
    int had = S->categories.n || S->tags.n;
    kb_strlist_clear(&S->categories);
    kb_strlist_clear(&S->tags);
    if (had)
        record_filters(S, KB_EVENT_CLEAR);
    fputs(had ? "Filters cleared.\n" : "No filters to clear.\n", stdout);
}

/* ---------------------------------------------------------------- */
/* Feedback and notes                                                 */

/* The alert kinds of the question's search, for the feedback line. */
static size_t question_alerts(const kba_session_t *S, const char **kinds, size_t max)
{
    const kb_results_t *r = S->ask.n_pages ? S->ask.pages[0] : NULL;
    size_t n = 0;
    for (size_t i = 0; r && i < r->n_alerts && n < max; i++)
        kinds[n++] = r->alerts[i].kind;
    return n;
}

/* Write the feedback line: the question, how it was read, its search's id
 * and alerts, the call and the officer. */
static kb_status_t write_feedback(kba_session_t *S, const char *id, int helpful, int shown,
                                  char **msg)
{
    const char *kinds[16];
    kb_feedback_t fb = KB_FEEDBACK_INIT;
    fb.query = S->question;
    fb.corrected = S->ask.n_pages ? S->ask.pages[0]->corrected : NULL;
    fb.article = id;
    fb.helpful = helpful;
    fb.source = "assistant";
    fb.query_id = S->question && S->query_id[0] ? S->query_id : NULL;
    fb.call = kb_callrec_id(S->rec);
    fb.officer = S->officer;
    fb.alerts = kinds;
    fb.n_alerts = question_alerts(S, kinds, 16);
    fb.shown = shown;
    return kb_feedback_write(S->feedback_path, &fb, msg);
}

static void feedback(kba_session_t *S, const char *args, int helpful)
{
    const char *cmd = helpful ? "good" : "bad";
    const char *id;
    const kb_hit_t *hit;
    if (!kba_resolve(S, cmd, args, &id, &hit))
        return;
    if (!hit) {
        /* An id off the list: make sure the article exists. */
        kb_article_t *a = kba_article(S, id);
        if (!a)
            return;
        kb_article_free(a);
    }
    if (!S->feedback_path) {
        kba_say("Cannot record feedback: no state folder (set HOME or KB_FEEDBACK_LOG).");
        return;
    }
    /* A mark on an article this call never showed is likely a slip (a
     * mistyped id): ask first.  What is learned from marks must be sure. */
    int shown = hit != NULL || kba_was_shown(S, id);
    if (!shown) {
        kb_buf_t p = KB_BUF_INIT;
        kb_buf_printf(&p, "%s was not shown in this call. Mark it %s anyway? [yes/no] ", id,
                      helpful ? "helpful" : "not helpful");
        int yes = kba_ask_yes(S, p.data ? p.data : "Mark it anyway? [yes/no] ");
        kb_buf_free(&p);
        if (!yes) {
            printf("Not marked.\n");
            return;
        }
    }
    char *msg = NULL;
    kb_status_t st = write_feedback(S, id, helpful, shown, &msg);
    if (st != KB_STATUS_SUCCESS) {
        kba_say("Feedback not recorded: %s", msg ? msg : kb_status_to_string(st));
        free(msg);
        return;
    }
    const char *title = hit ? hit->title : id;
    cJSON *ev = kba_event(KB_EVENT_FEEDBACK);
    cJSON_AddStringToObject(ev, "id", id);
    cJSON_AddBoolToObject(ev, "helpful", helpful);
    if (S->question) {
        cJSON_AddStringToObject(ev, "query", S->question);
        cJSON_AddStringToObject(ev, "query_id", S->query_id);
    } else {
        cJSON_AddNullToObject(ev, "query");
    }
    cJSON_AddBoolToObject(ev, "shown", shown);
    kba_record_write(S, ev);
    kb_buf_t line = KB_BUF_INIT;
    kb_buf_printf(&line, "%s: %s [%s]", helpful ? "helpful" : "not helpful", title, id);
    kba_call_add(&S->call.feedback, line.data, 0);
    kb_buf_free(&line);
    printf("Thanks: %s marked %s.\n", id, helpful ? "helpful" : "not helpful");
}

/* :resolved [N|ID]: the call is resolved, by that answer if one is named. */
static void cmd_resolved(kba_session_t *S, const char *args)
{
    const char *id = NULL;
    const kb_hit_t *hit = NULL;
    char *title = NULL;
    if (*args) {
        if (!kba_resolve(S, "resolved", args, &id, &hit))
            return;
        kb_article_t *a = kba_article(S, id);
        if (!a)
            return;
        title = kb_strdup(a->title);
        kb_article_free(a);
    }
    kb_buf_t t = KB_BUF_INIT;
    if (title)
        kb_buf_printf(&t, "resolved, following \"%s\"", title);
    else
        kb_buf_adds(&t, "resolved");
    char *want = id ? kb_strdup(id) : NULL;
    kba_set_outcome(S, "resolved", want, "officer", t.data);
    printf("Call marked resolved%s%s.\n", want ? " by " : "", want ? want : "");
    free(want);
    free(title);
    kb_buf_free(&t);
}

static void cmd_good(kba_session_t *S, const char *a) { feedback(S, a, 1); }
static void cmd_bad(kba_session_t *S, const char *a) { feedback(S, a, 0); }

static void cmd_note(kba_session_t *S, const char *args)
{
    cJSON *ev = kba_event(KB_EVENT_NOTE);
    cJSON_AddStringToObject(ev, "text", args);
    kba_record_write(S, ev);
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char hhmm[8];
    strftime(hhmm, sizeof hhmm, "%H:%M", &tm);
    kb_buf_t line = KB_BUF_INIT;
    kb_buf_printf(&line, "%s %s", hhmm, args);
    kba_call_add(&S->call.notes, line.data, 0);
    kb_buf_free(&line);
    printf("Noted.\n");
}

/* ---------------------------------------------------------------- */
/* Calls, history, help                                               */

static void cmd_new(kba_session_t *S, const char *args)
{
    (void)args;
    kba_new_call(S, "new");
    printf("New call %s: filters, answers and notes start afresh.\n", kb_callrec_id(S->rec));
}

static void cmd_history(kba_session_t *S, const char *args)
{
    int n = 20;
    if (*args) {
        char *end;
        long v = strtol(args, &end, 10);
        if (*end || v < 1 || v > 100000) {
            kba_say(":history takes a number of lines, e.g. :history 50.");
            return;
        }
        n = (int)v;
    }
    kba_history_print(S, n);
}

static void cmd_help(kba_session_t *S, const char *args)
{
    int c = S->color;
    if (*args) {
        const char *name = args[0] == ':' ? args + 1 : args;
        int amb;
        const command_t *cmd = find(name, &amb);
        if (!cmd) {
            kba_say("No command '%s'; :help lists them.", args);
            return;
        }
        printf("%s:%s %s%s\n    %s\n", kba_sty(c, KB_STYLE_BOLD), cmd->name, cmd->usage,
               kba_sty(c, KB_STYLE_OFF), cmd->summary);
        return;
    }
    printf("Type the customer's words to search.  Commands start with ':' and may be\n"
           "shortened (:o 2); a bare number opens that answer; N is an answer number\n"
           "or an article id.\n\n");
    int col = 0;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        int w = (int)(strlen(commands[i].name) + strlen(commands[i].usage)) + 2;
        col = w > col ? w : col;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        char left[64];
        snprintf(left, sizeof left, ":%s %s", commands[i].name, commands[i].usage);
        printf("  %s%-*s%s %s\n", kba_sty(c, KB_STYLE_BOLD), col, left, kba_sty(c, KB_STYLE_OFF),
               commands[i].summary);
    }
    printf("\nTab completes commands, article ids, categories and tags.  Ctrl-C drops\n"
           "the line being typed.  In a question, category:NAME and tag:NAME filter it,\n"
           "\"quoted words\" must appear together, -word excludes.\n");
}
