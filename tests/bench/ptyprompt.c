/* ptyprompt.c - time an interactive program from exec to its prompt.
 *
 *   ptyprompt [--runs N] [--timeout SEC] [--prompt TEXT] -- CMD [ARGS...]
 *
 * Runs CMD N times (default 10) on a fresh pseudo-terminal (80x24,
 * TERM=xterm-256color), as an officer's terminal would,
 * and measures the time from just before fork to the moment the last line
 * of the output (escape sequences left out) starts with "kb" and ends with
 * TEXT (default "> "), i.e. the prompt "kb> " or "kb [filters]> " is on
 * the screen, waiting for input.  Then it types Ctrl-D and reaps the
 * program (killing it after 2 s).  Prints one line per run: the ms, or
 * "-1" when the program exited or timed out (default 10 s) without a
 * prompt (and what the program wrote instead goes to stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

/* 1 if the last line of OUT, escape sequences left out, starts with "kb"
 * and ends with PROMPT: the prompt is on the screen, waiting. */
static int has_prompt(const char *out, size_t len, const char *prompt)
{
    char line[512];
    size_t start = len, n = 0, pl = strlen(prompt);
    while (start > 0 && out[start - 1] != '\n' && out[start - 1] != '\r')
        start--;
    for (size_t i = start; i < len && n < sizeof line - 1; i++) {
        if (out[i] == '\033') {
            /* CSI: ESC [ parameters final-byte; other escapes: ESC x. */
            if (i + 1 < len && out[i + 1] == '[') {
                i += 2;
                while (i < len && !((unsigned char)out[i] >= 0x40 && (unsigned char)out[i] <= 0x7e))
                    i++;
            } else {
                i++;
            }
            continue;
        }
        line[n++] = out[i];
    }
    line[n] = '\0';
    return n >= 2 + pl && line[0] == 'k' && line[1] == 'b' && strcmp(line + n - pl, prompt) == 0;
}

static double one_run(char **cmd, const char *prompt, int timeout_ms)
{
    struct winsize ws = {24, 80, 0, 0};
    char out[65536];
    size_t len = 0;
    int master, status;
    double t0 = now_ms(), got = -1;
    pid_t pid = forkpty(&master, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        exit(1);
    }
    if (pid == 0) {
        execvp(cmd[0], cmd);
        _exit(127);
    }
    while (got < 0) {
        int left = (int)(t0 + timeout_ms - now_ms());
        struct pollfd p = {master, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, left) <= 0)
            break;
        ssize_t n = read(master, out + len, sizeof out - len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EIO: the program closed the terminal */
        len += (size_t)n;
        if (has_prompt(out, len, prompt))
            got = now_ms() - t0;
        if (len >= sizeof out - 1)
            len = 0;
    }
    if (got < 0) {
        /* Say what the program printed instead of a prompt. */
        size_t from = len > 300 ? len - 300 : 0;
        fprintf(stderr, "ptyprompt: no prompt; the program wrote: %.*s\n", (int)(len - from), out + from);
    }
    if (write(master, "\004", 1) < 0) {
        /* The program is gone already. */
    }
    for (int t = 0; t < 200; t++) {
        char drain[4096];
        struct pollfd p = {master, POLLIN, 0};
        if (waitpid(pid, &status, WNOHANG) != 0)
            goto reaped;
        if (poll(&p, 1, 10) > 0 && read(master, drain, sizeof drain) <= 0)
            usleep(1000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
reaped:
    close(master);
    return got;
}

int main(int argc, char **argv)
{
    int runs = 10, timeout_ms = 10000;
    const char *prompt = "> ";
    char **cmd = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            cmd = argv + i + 1;
            break;
        } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
            runs = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_ms = atoi(argv[++i]) * 1000;
        } else if (strcmp(argv[i], "--prompt") == 0 && i + 1 < argc) {
            prompt = argv[++i];
        } else {
            break;
        }
    }
    if (!cmd || !cmd[0] || runs < 1) {
        fprintf(stderr, "usage: ptyprompt [--runs N] [--timeout SEC] [--prompt TEXT] -- CMD [ARGS...]\n");
        return 2;
    }
    setenv("TERM", "xterm-256color", 1);
    for (int r = 0; r < runs; r++) {
        printf("%.4f\n", one_run(cmd, prompt, timeout_ms));
        fflush(stdout);
    }
    return 0;
}
