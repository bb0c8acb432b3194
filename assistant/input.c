/* input.c - reading what the officer types.
 *
 * On a terminal: GNU readline through its callback interface and a
 * select() loop, so that Ctrl-C can drop the line being typed (not end
 * the call) and a resize is noticed, with no readline code running in a
 * signal handler.  Otherwise: plain lines from stdin, no prompt, no
 * terminal codes.
 *
 * The history lives in <state>/history (0600): each line is appended as
 * it is entered, and the file is cut to KBA_HISTORY_MAX lines at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "assistant.h"
#include "base/utf8.h"
#include "base/file.h"

static volatile sig_atomic_t got_sigint, got_winch, got_term, got_tstp;

static void on_sigint(int sig)
{
    (void)sig;
    got_sigint = 1;
}

static void on_winch(int sig)
{
    (void)sig;
    got_winch = 1;
}

static void on_term(int sig) { got_term = sig; }

static void on_tstp(int sig)
{
    (void)sig;
    got_tstp = 1;
}

static void set_handler(int sig, void (*fn)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = fn; /* no SA_RESTART: a blocked select() or read() returns EINTR */
    sigaction(sig, &sa, NULL);
}

/* Ctrl-Z at the prompt: give the terminal back as it was, stop, and on
 * "fg" take it again and redraw the prompt and the line. */
static void suspend(void)
{
    got_tstp = 0;
    rl_deprep_terminal();
    set_handler(SIGTSTP, SIG_DFL);
    raise(SIGTSTP);
    set_handler(SIGTSTP, on_tstp);
    rl_prep_terminal(1);
    rl_forced_update_display();
}

int kba_input_signal(void) { return got_term; }

/* The line readline hands over (callback interface). */
static char *rl_got;
static int rl_done_line;

static void on_line(char *line)
{
    rl_got = line;
    rl_done_line = 1;
    /* Restores the terminal until the next prompt. */
    rl_callback_handler_remove();
}

void kba_input_init(kba_session_t *S, void (*completion)(kba_session_t *S))
{
    /* A closed terminal or a polite kill ends the call at the next read,
     * with "call_end" written. */
    set_handler(SIGHUP, on_term);
    set_handler(SIGTERM, on_term);
    if (S->interactive) {
        set_handler(SIGINT, on_sigint);
        set_handler(SIGWINCH, on_winch);
        set_handler(SIGTSTP, on_tstp);
        rl_readline_name = "kb-assistant";
        rl_catch_signals = 0;
        rl_catch_sigwinch = 0;
        /* Readline would export COLUMNS and LINES, freezing the width
         * that kb_term_width() reads. */
        rl_change_environment = 0;
        if (completion)
            completion(S);
    }
    using_history();
    stifle_history(KBA_HISTORY_MAX);
    char *why = NULL;
    if (S->history_path && kb_state_file_check(S->history_path, &why) != KB_STATUS_SUCCESS) {
        /* A FIFO would hang read_history(); /dev/null is no history. */
        kba_say("warning: no history is kept: %s", why ? why : "unusable history file");
        free(S->history_path);
        S->history_path = NULL;
    }
    free(why);
    if (S->history_path) {
        /* A missing file is the first run, not an error. */
        read_history(S->history_path);
    }
}

void kba_input_hold_signals(int hold)
{
    /* The pager handles Ctrl-C and Ctrl-Z itself; with Ctrl-Z the whole
     * job stops, this process too. */
    if (hold) {
        set_handler(SIGTSTP, SIG_DFL);
    } else {
        got_sigint = got_tstp = 0;
        set_handler(SIGTSTP, on_tstp);
    }
}

static kba_read_t read_plain(char **line)
{
    size_t cap = 0;
    char *buf = NULL;
    ssize_t n = getline(&buf, &cap, stdin);
    if (n < 0) {
        free(buf);
        return KBA_READ_EOF;
    }
    while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    *line = buf;
    return KBA_READ_LINE;
}

kba_read_t kba_read_line(kba_session_t *S, const char *prompt, char **line)
{
    *line = NULL;
    fflush(stdout);
    if (got_term)
        return KBA_READ_EOF;
    if (!S->interactive)
        return read_plain(line);
    got_sigint = 0;
    rl_got = NULL;
    rl_done_line = 0;
    rl_callback_handler_install(prompt, on_line);
    while (!rl_done_line) {
        if (got_winch) {
            got_winch = 0;
            rl_resize_terminal();
        }
        if (got_tstp)
            suspend();
        if (got_term) {
            rl_callback_handler_remove();
            return KBA_READ_EOF;
        }
        if (got_sigint) {
            got_sigint = 0;
            rl_free_line_state();
            rl_callback_sigcleanup();
            rl_cleanup_after_signal();
            rl_callback_handler_remove();
            fputs("\n", stdout);
            fflush(stdout);
            return KBA_READ_INTERRUPT;
        }
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(STDIN_FILENO, &fds);
        int r = select(STDIN_FILENO + 1, &fds, NULL, NULL, NULL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rl_callback_handler_remove();
            return KBA_READ_EOF;
        }
        rl_callback_read_char();
    }
    if (!rl_got)
        return KBA_READ_EOF;
    *line = rl_got;
    rl_got = NULL;
    return KBA_READ_LINE;
}

void kba_history_add(kba_session_t *S, const char *line)
{
    /* A pasted chat or email (several lines, or more than a query) is not
     * history: it is not typed again, and it holds the customer's
     * personal details. */
    if (strchr(line, '\n') || strlen(line) > KB_QUERY_MAX_BYTES)
        return;
    HIST_ENTRY *last = history_length ? history_get(history_base + history_length - 1) : NULL;
    int again = last && last->line && !strcmp(last->line, line);
    if (!again)
        add_history(line);
    if (again || !S->history_path)
        return;
    /* append_history() does not create the file.  Non-blocking, and only a
     * regular file: a FIFO put there must not hang the call. */
    int fd = -1;
    char *why = NULL;
    if (kb_state_file_open(S->history_path, O_WRONLY | O_CREAT | O_APPEND, 0600, &fd, &why) !=
        KB_STATUS_SUCCESS) {
        kba_say("warning: cannot write the history: %s", why ? why : S->history_path);
        free(why);
        /* Once: the history stays in memory for this session. */
        free(S->history_path);
        S->history_path = NULL;
        return;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_mode & 077) && st.st_uid == geteuid())
        fchmod(fd, 0600);
    close(fd);
    append_history(1, S->history_path);
}

void kba_history_print(kba_session_t *S, int n)
{
    (void)S;
    HIST_ENTRY **list = history_list();
    int len = history_length;
    int from = n > 0 && n < len ? len - n : 0;
    kb_buf_t b = KB_BUF_INIT;
    for (int i = from; list && i < len; i++) {
        kb_buf_printf(&b, "%5d  ", history_base + i);
        kba_buf_clean(&b, list[i]->line);
        kb_buf_addc(&b, '\n');
    }
    if (!len)
        kb_buf_adds(&b, "No history yet.\n");
    kba_flush_buf(&b);
    kb_buf_free(&b);
}

void kba_input_end(kba_session_t *S)
{
    if (S->history_path)
        history_truncate_file(S->history_path, KBA_HISTORY_MAX);
    clear_history();
    if (S->interactive)
        rl_callback_handler_remove();
}
