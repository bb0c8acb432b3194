/* serve-client.c - drive `kb-search --serve` (JSON lines) and time it.
 *
 *   serve-client [-c CLIENTS] [-n LIMIT] [--warmup N] [--timeout SEC]
 *                QUERIES -- CMD [ARGS...]
 *
 * Starts CLIENTS copies of CMD (one server process per client: a serve
 * process answers one request at a time, so concurrency means several
 * processes, as a CRM with several workers would run them).  Each client
 * is a thread that writes one request
 *   {"id":N,"op":"search","q":"...","limit":LIMIT}
 * reads one response line, and times the round trip.  Every client runs
 * the whole query list WARMUP times untimed (default 1), then all start
 * the timed pass together; client K starts at offset K*n/CLIENTS so that
 * they do not ask the same query at the same moment.
 *
 * Prints "ms<TAB>hits<TAB>ok<TAB>took_ms" per timed request (took_ms: the
 * server's own figure from the response, -1 if none), then summary lines:
 *   # clients C
 *   # requests N
 *   # errors E        responses with "error" or without "results"
 *   # wall_s S        from the common start to the last answer
 *   # qps Q           requests / wall_s
 *   # vmhwm_kb K      peak RSS of each server (one line per server),
 *                     read from /proc/PID/status after its timed pass
 * Exit status: 0 ok, 1 a server died or timed out, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

typedef struct client {
    int k;
    pid_t pid;
    int to_fd, from_fd;
    char *buf;          /* read buffer */
    size_t len, cap;
    double *ms;         /* per timed request */
    double *took;       /* the server's "took_ms" */
    int *hits, *ok;
    size_t n;
    long vmhwm;
    int failed;
} client_t;

static char **queries;
static size_t nq;
static int nclients = 1, warmup = 1, limit = 10, timeout_ms = 30000;
static char **cmd;
static pthread_barrier_t ready, done;
static double start_ms, end_ms;

static pid_t spawn(char **argv, int *to, int *from)
{
    int in[2], out[2];
    pid_t pid;
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    *to = in[1];
    *from = out[0];
    return pid;
}

/* Read one line from C's server into C->buf (NUL-terminated, without the
 * newline); returns its length or -1 on EOF, error or timeout. */
static long read_line(client_t *c)
{
    for (;;) {
        char *nl = c->len ? memchr(c->buf, '\n', c->len) : NULL;
        if (nl) {
            long l = nl - c->buf;
            *nl = '\0';
            return l;
        }
        if (c->len + 65536 > c->cap) {
            c->cap = c->cap ? c->cap * 2 : 262144;
            c->buf = realloc(c->buf, c->cap);
            if (!c->buf)
                return -1;
        }
        struct pollfd p = {c->from_fd, POLLIN, 0};
        int r = poll(&p, 1, timeout_ms);
        if (r <= 0)
            return -1;
        ssize_t got = read(c->from_fd, c->buf + c->len, c->cap - c->len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        c->len += (size_t)got;
    }
}

/* Drop the line just returned by read_line(). */
static void consume_line(client_t *c, long l)
{
    size_t used = (size_t)l + 1;
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
}

static int write_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

static size_t request(char *out, size_t cap, unsigned id, const char *q)
{
    size_t n = (size_t)snprintf(out, cap, "{\"id\":%u,\"op\":\"search\",\"q\":\"", id);
    for (const char *p = q; *p && n + 8 < cap; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '"' || ch == '\\') {
            out[n++] = '\\';
            out[n++] = (char)ch;
        } else if (ch < 0x20) {
            n += (size_t)snprintf(out + n, cap - n, "\\u%04x", ch);
        } else {
            out[n++] = (char)ch;
        }
    }
    n += (size_t)snprintf(out + n, cap - n, "\",\"limit\":%d}\n", limit);
    return n;
}

/* One request and its answer; returns the round trip in ms or -1. */
static double ask(client_t *c, unsigned id, const char *q, int *hits, int *ok, double *took)
{
    char req[8192];
    size_t n = request(req, sizeof req, id, q);
    double t0 = now_ms();
    long l;
    if (write_all(c->to_fd, req, n) != 0 || (l = read_line(c)) < 0)
        return -1;
    double t = now_ms() - t0;
    const char *line = c->buf, *e = strstr(line, "\"error\":");
    *ok = strstr(line, "\"results\"") != NULL && !(e && e > line && e[-1] != '\\');
    const char *tk = strstr(line, "\"took_ms\":");
    *took = tk ? strtod(tk + 10, NULL) : -1;
    *hits = 0;
    for (const char *p = line; (p = strstr(p, "\"rank\":")) != NULL; p += 7)
        (*hits)++;
    consume_line(c, l);
    return t;
}

static void *client_main(void *arg)
{
    client_t *c = arg;
    size_t off = (size_t)c->k * nq / (size_t)nclients;
    unsigned id = 1;
    for (int pass = 0; pass < warmup && !c->failed; pass++)
        for (size_t i = 0; i < nq; i++) {
            int h, ok;
            double tk;
            if (ask(c, id++, queries[(off + i) % nq], &h, &ok, &tk) < 0) {
                c->failed = 1;
                break;
            }
        }
    pthread_barrier_wait(&ready);
    if (c->k == 0)
        start_ms = now_ms();
    pthread_barrier_wait(&ready);
    for (size_t i = 0; i < nq && !c->failed; i++) {
        double t = ask(c, id++, queries[(off + i) % nq], &c->hits[i], &c->ok[i], &c->took[i]);
        if (t < 0) {
            c->failed = 1;
            break;
        }
        c->ms[i] = t;
        c->n++;
    }
    c->vmhwm = vmhwm_kb_of(c->pid);
    pthread_barrier_wait(&done);
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: serve-client [-c CLIENTS] [-n LIMIT] [--warmup N] [--timeout SEC] QUERIES -- CMD [ARGS...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    const char *qfile = NULL;
    int i, rc = 0;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            cmd = argv + i + 1;
            break;
        } else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
            nclients = atoi(argv[++i]);
        } else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            limit = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
            warmup = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc) {
            timeout_ms = atoi(argv[++i]) * 1000;
        } else if (!qfile && argv[i][0] != '-') {
            qfile = argv[i];
        } else {
            return usage();
        }
    }
    if (!qfile || !cmd || !cmd[0] || nclients < 1 || nclients > 64)
        return usage();
    signal(SIGPIPE, SIG_IGN);

    FILE *f = fopen(qfile, "r");
    char line[8192];
    size_t cap = 0;
    if (!f) {
        perror(qfile);
        return 2;
    }
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (nq == cap) {
            cap = cap ? cap * 2 : 512;
            queries = realloc(queries, cap * sizeof *queries);
        }
        queries[nq++] = strdup(line);
    }
    fclose(f);
    if (nq == 0)
        return usage();

    client_t *cl = calloc((size_t)nclients, sizeof *cl);
    pthread_t *th = calloc((size_t)nclients, sizeof *th);
    pthread_barrier_init(&ready, NULL, (unsigned)nclients);
    pthread_barrier_init(&done, NULL, (unsigned)nclients + 1);
    for (i = 0; i < nclients; i++) {
        client_t *c = &cl[i];
        c->k = i;
        c->ms = calloc(nq, sizeof *c->ms);
        c->hits = calloc(nq, sizeof *c->hits);
        c->ok = calloc(nq, sizeof *c->ok);
        c->took = calloc(nq, sizeof *c->took);
        c->pid = spawn(cmd, &c->to_fd, &c->from_fd);
        if (c->pid < 0) {
            perror("spawn");
            return 1;
        }
    }
    for (i = 0; i < nclients; i++)
        pthread_create(&th[i], NULL, client_main, &cl[i]);
    pthread_barrier_wait(&done);
    end_ms = now_ms();
    for (i = 0; i < nclients; i++)
        pthread_join(th[i], NULL);

    size_t total = 0, errors = 0;
    for (i = 0; i < nclients; i++) {
        client_t *c = &cl[i];
        for (size_t j = 0; j < c->n; j++) {
            printf("%.4f\t%d\t%d\t%.4f\n", c->ms[j], c->hits[j], c->ok[j], c->took[j]);
            errors += !c->ok[j];
        }
        total += c->n;
        if (c->failed) {
            fprintf(stderr, "serve-client: client %d: server died or timed out\n", i);
            rc = 1;
        }
    }
    double wall = (end_ms - start_ms) / 1e3;
    printf("# clients %d\n# requests %zu\n# errors %zu\n# wall_s %.4f\n# qps %.1f\n", nclients, total, errors, wall,
           wall > 0 ? (double)total / wall : 0.0);
    for (i = 0; i < nclients; i++) {
        printf("# vmhwm_kb %ld\n", cl[i].vmhwm);
        close(cl[i].to_fd);
    }
    for (i = 0; i < nclients; i++) {
        /* Give each server a moment to leave on EOF, then make sure. */
        int status;
        for (int t = 0; t < 200; t++) {
            if (waitpid(cl[i].pid, &status, WNOHANG) != 0)
                goto reaped;
            usleep(10000);
        }
        kill(cl[i].pid, SIGKILL);
        waitpid(cl[i].pid, &status, 0);
    reaped:
        close(cl[i].from_fd);
        free(cl[i].buf);
        free(cl[i].ms);
        free(cl[i].hits);
        free(cl[i].ok);
        free(cl[i].took);
    }
    for (size_t j = 0; j < nq; j++)
        free(queries[j]);
    free(queries);
    free(cl);
    free(th);
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&done);
    return rc;
}
