/* assistant.h - what the files of kb-assistant share: the session (one
 * officer, one call at a time), and the kba_ functions each file offers
 * the others.  Nothing here is public: the program is the only user.
 *
 * Files, one job each:
 *   kb-assistant.c  options, start-up, the read-eval loop, the prompt
 *   input.c         reading lines (readline on a terminal, plain lines
 *                   otherwise), Ctrl-C, the persistent history
 *   session.c       the session: index, state folder, calls one after
 *                   another, the lists completion uses
 *   commands.c      the command table, parsing a line, :help and the small
 *                   commands (filter, clear, note, good/bad, history, new)
 *   ask.c           questions, :more, :related, :why; the numbered list
 *   cards.c         answer cards, the escalation banner, hints and paths
 *   article.c       :open (the article rendered for the terminal), :esc
 *   steps.c         :steps, walking the numbered steps of an answer
 *   record.c        events into the call record (libkb's format, kb/log.h)
 *   summary.c       what the call did, and :summary
 *   complete.c      tab completion
 *   pager.c         long text through $PAGER, without a shell
 *   text.c          shorthands over libkb's terminal text (kb/terminal.h)
 */
#ifndef KBA_ASSISTANT_H
#define KBA_ASSISTANT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <time.h>

#include "kb/log.h"
#include "kb/search.h"
#include "kb/terminal.h"
#include "base/buf.h"

#define KBA_PROG "kb-assistant"

enum { KBA_EXIT_USAGE = 2, KBA_EXIT_IO = 3 };
/* Cards per question and per :more. */
#define KBA_PAGE 3
/* Lines of history kept in the history file. */
#define KBA_HISTORY_MAX 1000

/* ---------------------------------------------------------------- */
/* The numbered list the officer sees                                 */

/* The answers shown since the last question (or :related): the numbers
 * the officer types refer to kb_hit_t.rank across the pages. */
typedef struct kba_list {
    kb_results_t **pages;
    size_t n_pages;
    unsigned shown;       /* cards shown so far: ranks 1..shown */
    unsigned total;       /* matching articles */
    char *related_id;     /* NULL for a question; else "articles like this" */
} kba_list_t;

/* ---------------------------------------------------------------- */
/* What the call did, for :summary (summary.c)                        */

typedef struct kba_call {
    time_t start;
    kb_strlist_t questions;   /* one line each, with how kb read them (the
                                 record's detail) */
    kb_strlist_t asked;       /* the customer's words, as typed (summary) */
    kb_strlist_t opened;      /* "Title [id]", each once */
    kb_strlist_t read;        /* "Title", each once (summary) */
    kb_strlist_t steps;       /* one line per walk */
    kb_strlist_t escalations; /* one line per path viewed, each once */
    kb_strlist_t feedback;
    kb_strlist_t notes;
    kb_strlist_t shown;       /* ids of every answer shown or opened */
    char *outcome;            /* "Resolved: ...", or NULL */
} kba_call_t;

/* ---------------------------------------------------------------- */
/* The session                                                        */

typedef struct kba_session {
    kb_search_t *s;
    char *db_path;
    char *state_dir;          /* $XDG_STATE_HOME/kb; NULL without HOME */
    char *feedback_path;      /* kb_feedback_default_path() */
    char *history_path;
    int interactive;          /* stdin is a terminal: readline, prompt */
    int color;                /* bold and colour allowed on stdout */

    char *question;           /* the last question, as typed */
    char query_id[KB_QUERY_ID_SIZE]; /* its id in the search log */
    kb_searchlog_t *log;      /* the search log, or NULL (off) */
    char *officer;            /* the login name, for feedback */
    kba_list_t ask;           /* its answers */
    kba_list_t rel;           /* the last :related list */
    kba_list_t *view;         /* the list the numbers refer to, or NULL */

    kb_strlist_t categories;  /* :filter context, sticks until :clear */
    kb_strlist_t tags;

    kb_strlist_t known_categories; /* from the index, loaded on first use */
    kb_strlist_t known_tags;
    kb_strlist_t known_ids;
    int lists_loaded;

    char *calls_dir;          /* <state>/calls; NULL without a state folder */
    kb_callrec_t *rec;        /* this call's record (kb/log.h) */
    int rec_warned;           /* a record problem has been reported */
    kba_call_t call;
    int quit;
} kba_session_t;

/* ---------------------------------------------------------------- */
/* text.c                                                             */

/* The escape sequence for STYLE, or "" without colour. */
const char *kba_sty(int color, kb_style_t style);
/* Append S to B with control characters (C0, DEL, C1) replaced by '?', so
 * text from the index can never move the cursor or change colours. */
void kba_buf_clean(kb_buf_t *b, const char *s);
/* Append TEXT to B word-wrapped at WIDTH columns: FIRST before the first
 * line, REST before the others (they may hold our own escape codes), at most MAX_LINES lines (0:
 * no limit; a cut ends in "…").  The byte ranges HL (sorted, may be NULL)
 * are set in bold when COLOR.  White space runs become one space; control
 * characters become '?'.  Every line ends with '\n'. */
void kba_wrap(kb_buf_t *b, const char *text, const kb_highlight_t *hl, size_t n_hl, int color,
              int width, const char *first, const char *rest, int max_lines);
/* Like kba_wrap for TEXT built here: already cleaned (kba_buf_clean), it
 * may hold our own escape codes, which take no columns, and KB_TERM_GLUE,
 * printed as a space where no line may break. */
void kba_wrap_styled(kb_buf_t *b, const char *text, int width, const char *first, const char *rest);
/* The width to wrap at: the terminal's, at least 40. */
int kba_width(void);
/* Print a one-line message for the officer on stderr (after flushing
 * stdout, so piped output keeps its order). */
void kba_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write B to stdout and empty it. */
void kba_flush_buf(kb_buf_t *b);

/* ---------------------------------------------------------------- */
/* input.c                                                            */

typedef enum kba_read { KBA_READ_LINE, KBA_READ_EOF, KBA_READ_INTERRUPT } kba_read_t;

/* Set up reading: signals, readline and the history (interactive only);
 * COMPLETION (may be NULL) installs tab completion. */
void kba_input_init(kba_session_t *S, void (*completion)(kba_session_t *S));
/* Read one line into *LINE (caller frees; no newline).  PROMPT is shown
 * only when interactive.  KBA_READ_INTERRUPT after Ctrl-C (the line is
 * dropped), KBA_READ_EOF at the end of input or Ctrl-D. */
kba_read_t kba_read_line(kba_session_t *S, const char *prompt, char **line /* OUT */);
/* Add LINE to the history and append it to the history file. */
void kba_history_add(kba_session_t *S, const char *line);
/* Print the last N history lines (0: all this session can see). */
void kba_history_print(kba_session_t *S, int n);
/* Trim the history file, free readline's state. */
void kba_input_end(kba_session_t *S);
/* The signal (SIGHUP, SIGTERM) that ended input, or 0. */
int kba_input_signal(void);
/* While a child (the pager) owns the terminal (HOLD 1, then 0): leave
 * Ctrl-C and Ctrl-Z to it.  Interactive only. */
void kba_input_hold_signals(int hold);

/* ---------------------------------------------------------------- */
/* commands.c                                                         */

/* Run one non-empty line: a command, a bare number (open it), or a question. */
void kba_dispatch(kba_session_t *S, const char *line);
/* Command names for completion: the Ith, or NULL past the end. */
const char *kba_command_name(size_t i);
/* The command NAME stands for (exact, alias or unique prefix), or NULL. */
const char *kba_command_resolve(const char *name);

/* ---------------------------------------------------------------- */
/* ask.c                                                              */

void kba_ask(kba_session_t *S, const char *q);
void kba_more(kba_session_t *S);
void kba_related(kba_session_t *S, const char *arg);
void kba_why(kba_session_t *S, const char *arg);
void kba_list_clear(kba_list_t *l);
/* Resolve ARG (an answer number or an article id) for command CMD.  On
 * success *ID is the article id (borrowed) and *HIT the card (NULL when
 * ARG was an id not on the list); returns 0 after telling the officer
 * what is wrong. */
int kba_resolve(kba_session_t *S, const char *cmd, const char *arg, const char **id /* OUT */,
                const kb_hit_t **hit /* OUT */);
/* "N" for the card of article ID in the current list, else 0. */
unsigned kba_number_of(const kba_session_t *S, const char *id);

/* ---------------------------------------------------------------- */
/* cards.c                                                            */

/* Append to OUT the cards of R with rank > AFTER; BANNER: also "did you
 * mean" and the escalation banner.  When no card is left, say EMPTY (NULL:
 * "No answers" with the library's notice).  Returns the JSON array of the
 * cards, for the record (caller frees).  The caller records, then prints:
 * what the officer saw is on disk first. */
cJSON *kba_print_cards(kba_session_t *S, const kb_results_t *r, unsigned after, int banner,
                       const char *empty, kb_buf_t *out);
/* One line for the call summary. */
void kba_path_summary(kb_buf_t *b, const kb_escalation_t *e);
/* The path as JSON for the record (caller frees). */
cJSON *kba_path_json(const kb_escalation_t *e);

/* ---------------------------------------------------------------- */
/* article.c, steps.c                                                 */

void kba_open(kba_session_t *S, const char *arg);
void kba_esc(kba_session_t *S, const char *arg);
/* :steps N [SECTION]: SECTION is a number (the Nth section with steps) or
 * words of its heading; without it, the answer's best section. */
void kba_steps(kba_session_t *S, const char *arg);
/* The stored article ID (caller frees with kb_article_free()), or NULL
 * after telling the officer why. */
kb_article_t *kba_article(kba_session_t *S, const char *id);

/* ---------------------------------------------------------------- */
/* session.c                                                          */

/* Open the index (DB_OPT, else the default), the state folder and the
 * search log (LOG_OPT: a path, "off", or NULL for the default) into S.
 * Returns 0, or the exit code after printing why on stderr. */
int kba_session_open(kba_session_t *S, const char *db_opt, const char *log_opt);
void kba_session_close(kba_session_t *S);
/* Start the next call (also at start-up): a new call record. */
void kba_new_call(kba_session_t *S, const char *why_ended);
/* Write "call_end" with REASON. */
void kba_record_end(kba_session_t *S, const char *reason);
/* Load the index's categories, tags and ids once. */
void kba_load_lists(kba_session_t *S);
/* Ask the officer PROMPT (a yes/no question) until the answer is yes or
 * no: 1 for yes, 0 for no (also at the end of input or Ctrl-C). */
int kba_ask_yes(kba_session_t *S, const char *prompt);
/* 1 if article ID was shown (as a card) or opened in this call. */
int kba_was_shown(const kba_session_t *S, const char *id);
/* The outcome of the call: OUTCOME ("resolved"), the article that did it
 * (ID, may be NULL), BY ("steps", "officer") and TEXT for the summary,
 * recorded with the question it answered. */
void kba_set_outcome(kba_session_t *S, const char *outcome, const char *id, const char *by,
                     const char *text);

/* ---------------------------------------------------------------- */
/* record.c                                                           */

/* A new event {"time", "event": NAME}; add fields, then write it with
 * kba_record_write(), which also frees it (a failure is reported once). */
cJSON *kba_event(const char *name);
void kba_record_write(kba_session_t *S, cJSON *ev);
/* N strings as a JSON array (caller frees). */
cJSON *kba_json_strv(char *const *v, size_t n);

/* ---------------------------------------------------------------- */
/* summary.c                                                          */

void kba_call_reset(kba_call_t *c);
void kba_call_free(kba_call_t *c);
/* Append a line to a list of the call; ONCE: skip it if already there. */
void kba_call_add(kb_strlist_t *l, const char *line, int once);
/* The summary of the call for the CRM (caller frees): the customer's
 * issue, what was done, escalation, notes, outcome; no scores, top answers
 * or spelling.  WIDTH > 0 wraps it at WIDTH columns; 0 keeps one line per
 * item. */
char *kba_summary_text(const kba_session_t *S, int width);
/* :summary [wrap [N]] */
void kba_summary(kba_session_t *S, const char *args);

/* ---------------------------------------------------------------- */
/* complete.c, pager.c                                                */

/* Install the readline completion function (interactive only). */
void kba_complete_init(kba_session_t *S);
/* Show TEXT (LEN bytes), through the pager when stdout is a terminal and
 * TEXT is longer than the screen. */
void kba_page(kba_session_t *S, const char *text, size_t len);

#endif
