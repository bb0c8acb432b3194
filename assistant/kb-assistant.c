/* kb-assistant - the officer's assistant for live calls: type what the
 * customer says, get the best answers as cards, open, walk the steps,
 * escalate, and paste a summary into the CRM at the end.
 *
 *   kb-assistant [--db PATH] [--help] [--version]
 *
 * Exit codes (DESIGN.md section 5): 0 success, 2 usage error, 3 the index
 * is missing or cannot be opened.
 *
 * This file: options, start-up, the loop and the prompt.  See assistant.h
 * for the other files.
 */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assistant.h"
#include "kb/log.h"
#include "kb/terminal.h"
#include "kb/version.h"
#include "base/paths.h"


static void usage(FILE *fp)
{
    fputs("Usage: kb-assistant [--db PATH] [--search-log PATH|off] [--help] [--version]\n"
          "The officer's assistant for live calls: type the customer's words (typos and\n"
          "all) and get the three best answers as cards, with the section that answers,\n"
          "the key steps and who to escalate to.  Commands start with ':' (:help).\n"
          "\n"
          "  --db PATH    the index (default: $KB_DB, else ~/.local/share/kb/index);\n"
          "               build it with: kb-index --db PATH KB_DIR\n"
          "  --search-log PATH|off  where every question is logged, its personal data\n"
          "               scrubbed (default: $KB_SEARCH_LOG, else\n"
          "               ~/.local/state/kb/searches.jsonl); off: no log\n"
          "  --help       this text\n"
          "  --version    the version\n"
          "\n"
          "Commands: :open N (or just N), :more, :related N, :esc [N], :steps N, :why N,\n"
          ":filter category=C tag=T, :clear, :good N, :bad N, :resolved [N], :note TEXT,\n"
          ":summary [wrap], :new, :history, :help, :quit (or Ctrl-D).\n"
          "\n"
          "Each call is recorded as JSON lines in ~/.local/state/kb/calls/ (under\n"
          "$XDG_STATE_HOME/kb when set), the history in ~/.local/state/kb/history.\n"
          "With stdin not a terminal it reads one line at a time and prints plain text.\n"
          "Exit status: 0 ok, 2 usage error, 3 missing or unreadable index.\n"
          "See kb-assistant(1).\n",
          fp);
}

/* "kb> ", or "kb [category=product tag=card]> " with filters. */
static char *make_prompt(const kba_session_t *S)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "kb");
    if (S->categories.n || S->tags.n) {
        kb_buf_addc(&b, ' ');
        /* Readline must not count escape codes as columns. */
        if (S->color)
            kb_buf_printf(&b, "\001%s\002", kba_sty(1, KB_STYLE_CYAN));
        kb_buf_addc(&b, '[');
        for (size_t i = 0; i < S->categories.n; i++) {
            kb_buf_adds(&b, i ? " category=" : "category=");
            kba_buf_clean(&b, S->categories.items[i]);
        }
        for (size_t i = 0; i < S->tags.n; i++) {
            kb_buf_adds(&b, i || S->categories.n ? " tag=" : "tag=");
            kba_buf_clean(&b, S->tags.items[i]);
        }
        kb_buf_addc(&b, ']');
        if (S->color)
            kb_buf_printf(&b, "\001%s\002", kba_sty(1, KB_STYLE_OFF));
    }
    kb_buf_adds(&b, "> ");
    return kb_buf_take(&b);
}

int main(int argc, char **argv)
{
    /* UTF-8 input for readline and wcwidth(); numbers stay in "C". */
    setlocale(LC_CTYPE, "");
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},
        {"search-log", required_argument, NULL, 'L'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char *db = NULL, *search_log = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'L': search_log = optarg; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("kb-assistant %s\n", KB_VERSION); return 0;
        default:
            fprintf(stderr, KBA_PROG ": try 'kb-assistant --help'\n");
            return KBA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, KBA_PROG ": unexpected argument '%s'; ask questions at the prompt "
                        "(see --help)\n", argv[optind]);
        return KBA_EXIT_USAGE;
    }
    /* A pager that quits early, or a closed pipe, must not kill the call;
     * nor a file-size limit (ulimit -f) reached by the call record: the
     * write fails instead, and the officer is told. */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);

    kba_session_t S;
    int rc = kba_session_open(&S, db, search_log);
    if (rc) {
        kba_session_close(&S);
        return rc;
    }
    kba_input_init(&S, kba_complete_init);
    kba_new_call(&S, NULL);
    if (S.interactive) {
        /* The records folder, with ~ for the home folder: short enough for
         * one line. */
        const char *home = getenv("HOME"), *dir = S.calls_dir ? S.calls_dir : "";
        size_t hl = home ? strlen(home) : 0;
        int tilde = hl > 1 && !strncmp(dir, home, hl) && dir[hl] == '/';
        printf("kb-assistant %s. Type the customer's words; :help lists the commands.\n",
               KB_VERSION);
        if (kb_callrec_path(S.rec))
            printf("Call %s, recorded in %s%s/\n", kb_callrec_id(S.rec), tilde ? "~" : "",
                   tilde ? dir + hl : dir);
        else
            printf("Call %s (not recorded).\n", kb_callrec_id(S.rec));
    }

    const char *reason = "eof";
    while (!S.quit) {
        char *prompt = make_prompt(&S);
        char *line = NULL;
        kba_read_t r = kba_read_line(&S, prompt ? prompt : "kb> ", &line);
        free(prompt);
        if (r == KBA_READ_EOF) {
            if (S.interactive)
                putchar('\n');
            break;
        }
        if (r == KBA_READ_INTERRUPT)
            continue;
        if (line[strspn(line, " \t")]) {
            kba_history_add(&S, line);
            kba_dispatch(&S, line);
            /* A blank line between one answer and the next prompt. */
            putchar('\n');
        }
        free(line);
        if (fflush(stdout) != 0 || ferror(stdout)) {
            reason = "output closed";
            break;
        }
    }
    if (S.quit)
        reason = "quit";
    else if (kba_input_signal())
        reason = kba_input_signal() == SIGHUP ? "hangup" : "terminated";
    kba_record_end(&S, reason);
    kba_input_end(&S);
    kba_session_close(&S);
    return 0;
}
