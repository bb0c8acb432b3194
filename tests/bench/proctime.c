/* proctime.c - time whole processes, one command line after another.
 *
 *   proctime [--repeat R] [--timeout SEC] CMDFILE
 *
 * CMDFILE holds one command per line, its arguments separated by TABs (no
 * shell involved).  Each command runs R times (default 1) with stdin from
 * /dev/null and stderr to /dev/null; its stdout is read to the end through
 * a pipe, as a caller would.  The time is from just before posix_spawn()
 * to the reaping of the process.  Prints per run:
 *     ms<TAB>exit status<TAB>stdout bytes
 * (exit status -1: killed after SEC seconds, default 60; 127: not found).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

extern char **environ;

static void run(char **argv, int timeout_ms)
{
    posix_spawn_file_actions_t fa;
    int out[2], status = 0, code;
    pid_t pid;
    char buf[65536];
    size_t bytes = 0;
    double t0, deadline;

    if (pipe2(out, O_CLOEXEC) != 0) {
        perror("pipe");
        exit(1);
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    t0 = now_ms();
    deadline = t0 + timeout_ms;
    if (posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ) != 0) {
        printf("0\t127\t0\n");
        posix_spawn_file_actions_destroy(&fa);
        close(out[0]);
        close(out[1]);
        return;
    }
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    for (;;) {
        int left = (int)(deadline - now_ms());
        struct pollfd p = {out[0], POLLIN, 0};
        if (left <= 0 || poll(&p, 1, left) <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        ssize_t n = read(out[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        bytes += (size_t)n;
    }
    close(out[0]);
    waitpid(pid, &status, 0);
    double ms = now_ms() - t0;
    if (WIFEXITED(status))
        code = WEXITSTATUS(status);
    else
        code = -1;
    printf("%.4f\t%d\t%zu\n", ms, code, bytes);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int repeat = 1, timeout_ms = 60000;
    const char *file = NULL;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    FILE *f;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
            timeout_ms = atoi(argv[++i]) * 1000;
        else if (!file)
            file = argv[i];
        else {
            fprintf(stderr, "usage: proctime [--repeat R] [--timeout SEC] CMDFILE\n");
            return 2;
        }
    }
    if (!file || repeat < 1) {
        fprintf(stderr, "usage: proctime [--repeat R] [--timeout SEC] CMDFILE\n");
        return 2;
    }
    f = strcmp(file, "-") == 0 ? stdin : fopen(file, "r");
    if (!f) {
        perror(file);
        return 2;
    }
    while ((len = getline(&line, &cap, f)) > 0) {
        char *args[256];
        int n = 0;
        char *save = NULL;
        line[strcspn(line, "\n")] = '\0';
        for (char *a = strtok_r(line, "\t", &save); a && n < 255; a = strtok_r(NULL, "\t", &save))
            args[n++] = a;
        args[n] = NULL;
        if (n == 0)
            continue;
        for (int r = 0; r < repeat; r++)
            run(args, timeout_ms);
    }
    free(line);
    return 0;
}
