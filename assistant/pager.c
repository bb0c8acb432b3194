/* pager.c - long text through the pager.
 *
 * The pager is $PAGER split on white space (no shell: no quoting, no
 * expansion), else "less -R"; LESS defaults to FRX as git does, so colour
 * passes and the text stays on the screen after quitting.  It is started
 * with fork and execvp and gets the text on its stdin.  No pager when
 * stdout is not a terminal, when the text fits on the screen, or when
 * PAGER is set but empty; when the pager cannot be started the text is
 * printed as it is.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "assistant.h"

#define MAX_ARGS 32

static int screen_rows(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2)
        return ws.ws_row;
    const char *l = getenv("LINES");
    int n = l ? atoi(l) : 0;
    return n > 2 ? n : 24;
}

static int fits(const char *text, size_t len)
{
    int rows = screen_rows(), lines = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n' && ++lines >= rows - 1)
            return 0;
    return 1;
}

static void print_plain(const char *text, size_t len)
{
    fwrite(text, 1, len, stdout);
    fflush(stdout);
}

void kba_page(kba_session_t *S, const char *text, size_t len)
{
    const char *env = getenv("PAGER");
    if (!S->interactive || !isatty(STDOUT_FILENO) || (env && !*env) || fits(text, len)) {
        print_plain(text, len);
        return;
    }
    /* argv from $PAGER, split on blanks; the words live in SPEC. */
    char *spec = kb_strdup(env ? env : "less -R");
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    for (char *save = NULL, *w = spec ? strtok_r(spec, " \t", &save) : NULL; w && argc < MAX_ARGS;
         w = strtok_r(NULL, " \t", &save))
        argv[argc++] = w;
    argv[argc] = NULL;
    if (!argc) {
        free(spec);
        print_plain(text, len);
        return;
    }
    setenv("LESS", "FRX", 0);
    fflush(stdout);
    int data[2], err[2];
    if (pipe2(data, O_CLOEXEC) != 0) {
        free(spec);
        print_plain(text, len);
        return;
    }
    if (pipe2(err, O_CLOEXEC) != 0) {
        close(data[0]);
        close(data[1]);
        free(spec);
        print_plain(text, len);
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        /* The child: only async-signal-safe calls until exec. */
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        if (dup2(data[0], STDIN_FILENO) >= 0)
            execvp(argv[0], argv);
        int e = errno;
        ssize_t ignored = write(err[1], &e, sizeof e);
        (void)ignored;
        _exit(127);
    }
    int e = pid < 0 ? errno : 0;
    close(data[0]);
    close(err[1]);
    ssize_t got = -1;
    if (pid > 0) {
        do
            got = read(err[0], &e, sizeof e);
        while (got < 0 && errno == EINTR);
    }
    close(err[0]);
    if (pid < 0 || got > 0) {
        close(data[1]);
        if (pid > 0)
            waitpid(pid, NULL, 0);
        kba_say("Cannot start the pager %s (%s); set PAGER, or PAGER= for none.", argv[0],
                strerror(e));
        free(spec);
        print_plain(text, len);
        return;
    }
    free(spec);
    /* The pager owns the terminal: Ctrl-C is its business until it ends. */
    kba_input_hold_signals(1);
    for (size_t off = 0; off < len;) {
        ssize_t w = write(data[1], text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break; /* the pager quit early (EPIPE; SIGPIPE is ignored) */
        off += (size_t)w;
    }
    close(data[1]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    kba_input_hold_signals(0);
}
