/* session.c - the officer's session: opening the index and the state
 * folder, the calls one after another (each with its call record, in
 * libkb's format: kb/log.h), the lists completion and :filter check
 * against, and freeing it all. */
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assistant.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/paths.h"
#include "kb/log.h"
#include "kb/version.h"

static void record_begin(kba_session_t *S)
{
    kb_callrec_close(S->rec);
    S->rec = NULL;
    char *msg = NULL;
    kb_status_t st = kb_callrec_open(S->calls_dir, &S->rec, &msg);
    if (!S->rec) {
        kba_say("out of memory");
        free(msg);
        return;
    }
    if (st != KB_STATUS_SUCCESS && !S->rec_warned) {
        kba_say("warning: this call is not recorded (%s)", msg ? msg : kb_status_to_string(st));
        S->rec_warned = 1;
    }
    free(msg);
    cJSON *ev = kba_event(KB_EVENT_CALL_START);
    cJSON_AddStringToObject(ev, "call", kb_callrec_id(S->rec));
    cJSON_AddNumberToObject(ev, "pid", (double)getpid());
    cJSON_AddStringToObject(ev, "db", S->db_path);
    cJSON_AddStringToObject(ev, "version", KB_VERSION);
    if (S->officer)
        cJSON_AddStringToObject(ev, "officer", S->officer);
    kba_record_write(S, ev);
}

void kba_record_end(kba_session_t *S, const char *reason)
{
    cJSON *ev = kba_event(KB_EVENT_CALL_END);
    cJSON_AddStringToObject(ev, "reason", reason);
    cJSON_AddNumberToObject(ev, "seconds", (double)(time(NULL) - S->call.start));
    kba_record_write(S, ev);
}

/* ---------------------------------------------------------------- */
/* Calls                                                              */

void kba_new_call(kba_session_t *S, const char *why_ended)
{
    if (why_ended)
        kba_record_end(S, why_ended);
    kba_list_clear(&S->ask);
    kba_list_clear(&S->rel);
    S->view = NULL;
    free(S->question);
    S->question = NULL;
    S->query_id[0] = '\0';
    kb_strlist_clear(&S->categories);
    kb_strlist_clear(&S->tags);
    kba_call_reset(&S->call);
    record_begin(S);
}

static int collect(void *ctx, const char *value)
{
    kb_strlist_t *l = ctx;
    return !kb_strlist_push(l, value, strlen(value));
}

void kba_load_lists(kba_session_t *S)
{
    if (S->lists_loaded)
        return;
    S->lists_loaded = 1;
    kb_search_list(S->s, "category", collect, &S->known_categories);
    kb_search_list(S->s, "tag", collect, &S->known_tags);
    kb_search_list(S->s, "id", collect, &S->known_ids);
}

/* ---------------------------------------------------------------- */
/* Start and end                                                      */

/* mkdir -p DIR with mode 0700, tightened to 0700 if it is ours and was
 * made looser by hand; 0 when it cannot be made. */
static int private_dir(const char *dir)
{
    if (kb_mkdir_p(dir, 0700) != KB_STATUS_SUCCESS)
        return 0;
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if ((st.st_mode & 077) && st.st_uid == geteuid())
        chmod(dir, 0700);
    return 1;
}

int kba_ask_yes(kba_session_t *S, const char *prompt)
{
    for (;;) {
        char *line = NULL;
        kba_read_t r = kba_read_line(S, prompt, &line);
        if (r != KBA_READ_LINE) {
            free(line);
            return 0;
        }
        char *w = line + strspn(line, " \t");
        w[strcspn(w, " \t.!")] = '\0';
        kb_ascii_lower(w);
        int yes = !strcmp(w, "y") || !strcmp(w, "yes");
        int no = !strcmp(w, "n") || !strcmp(w, "no");
        free(line);
        if (yes || no)
            return yes;
        kba_say("Answer yes or no.");
    }
}

int kba_was_shown(const kba_session_t *S, const char *id)
{
    return kb_strlist_has(&S->call.shown, id);
}

void kba_set_outcome(kba_session_t *S, const char *outcome, const char *id, const char *by,
                     const char *text)
{
    cJSON *ev = kba_event(KB_EVENT_OUTCOME);
    cJSON_AddStringToObject(ev, "outcome", outcome);
    if (id)
        cJSON_AddStringToObject(ev, "id", id);
    else
        cJSON_AddNullToObject(ev, "id");
    cJSON_AddStringToObject(ev, "by", by);
    if (S->question) {
        cJSON_AddStringToObject(ev, "q", S->question);
        cJSON_AddStringToObject(ev, "query_id", S->query_id);
    } else {
        cJSON_AddNullToObject(ev, "q");
    }
    kba_record_write(S, ev);
    free(S->call.outcome);
    S->call.outcome = kb_strdup(text);
}

/* The officer's login name, for feedback (one officer's marks count once
 * however often they are made); NULL when unknown. */
static char *login_name(void)
{
    const char *env = getenv("KB_OFFICER");
    if (env && *env)
        return kb_strdup(env);
    struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_name ? kb_strdup(pw->pw_name) : NULL;
}

int kba_session_open(kba_session_t *S, const char *db_opt, const char *log_opt)
{
    memset(S, 0, sizeof *S);
    S->db_path = db_opt ? kb_strdup(db_opt) : kb_default_db_path();
    if (!S->db_path) {
        fprintf(stderr, KBA_PROG ": no index location: use --db PATH or set KB_DB or HOME\n");
        return KBA_EXIT_USAGE;
    }
    char *msg = NULL;
    kb_status_t st = kb_search_open(S->db_path, &S->s, &msg);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, KBA_PROG ": %s\n", msg ? msg : kb_status_to_string(st));
        if (!msg || !strstr(msg, "kb-index"))
            fprintf(stderr, KBA_PROG ": build it again with: kb-index --full --db %s KB_DIR\n",
                    S->db_path);
        free(msg);
        return KBA_EXIT_IO;
    }
    S->interactive = isatty(STDIN_FILENO);
    S->color = S->interactive && kb_term_color(stdout);
    S->state_dir = kb_default_state_dir();
    if (S->state_dir && private_dir(S->state_dir)) {
        kb_buf_t h = KB_BUF_INIT, c = KB_BUF_INIT;
        kb_buf_printf(&h, "%s/history", S->state_dir);
        kb_buf_printf(&c, "%s/calls", S->state_dir);
        S->history_path = kb_buf_take(&h);
        S->calls_dir = kb_buf_take(&c);
    }
    S->feedback_path = kb_feedback_default_path();
    S->officer = login_name();
    /* Every question goes to the search log too; without one the calls go
     * on, and the officer is told once. */
    msg = NULL;
    if (kb_searchlog_open(log_opt, &S->log, &msg) != KB_STATUS_SUCCESS)
        kba_say("warning: searches are not logged (%s)", msg ? msg : "no state folder");
    free(msg);
    return 0;
}

void kba_session_close(kba_session_t *S)
{
    kba_list_clear(&S->ask);
    kba_list_clear(&S->rel);
    free(S->question);
    kb_strlist_clear(&S->categories);
    kb_strlist_clear(&S->tags);
    kb_strlist_clear(&S->known_categories);
    kb_strlist_clear(&S->known_tags);
    kb_strlist_clear(&S->known_ids);
    kba_call_free(&S->call);
    kb_callrec_close(S->rec);
    char *msg = NULL;
    if (kb_searchlog_close(S->log, &msg) != KB_STATUS_SUCCESS)
        kba_say("warning: %s", msg ? msg : "the search log could not be written");
    free(msg);
    S->log = NULL;
    free(S->officer);
    free(S->calls_dir);
    free(S->db_path);
    free(S->state_dir);
    free(S->feedback_path);
    free(S->history_path);
    kb_search_close(S->s);
}
