/* http-client.c - drive `kb-search --http` the way serve-client drives
 * --serve, so that the two round trips compare like for like.
 *
 *   http-client [-c CLIENTS] [-n LIMIT] [--warmup N] PORT QUERIES
 *
 * Each of CLIENTS threads opens one keep-alive connection to 127.0.0.1:PORT
 * and, one request at a time, sends
 *   GET /v1/search?limit=LIMIT&q=... HTTP/1.1
 * reads the whole response (headers and Content-Length body) and times the
 * round trip.  Every client runs the query list WARMUP times untimed
 * (default 1), then all start the timed pass together; client K starts at
 * offset K*n/CLIENTS.  Prints "ms<TAB>hits<TAB>ok<TAB>took_ms" per timed
 * request and the summary lines of serve-client (# clients, # requests,
 * # errors, # wall_s, # qps) and # reconnects (keep-alive connections the
 * server closed while idle, reopened).  Exit status: 0 ok, 1 a connection
 * failed, 2 usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench-util.h"

typedef struct client {
    int k, fd;
    char *buf;
    size_t len, cap;
    double *ms, *took;
    int *hits, *ok;
    size_t n;
    int failed;
    int reconnects;
} client_t;

static char **queries;
static size_t nq;
static int nclients = 1, warmup = 1, limit = 10, port;
static pthread_barrier_t ready, done;
static double start_ms, end_ms;

static int connect_local(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static size_t request(char *out, size_t cap, const char *q)
{
    size_t n = (size_t)snprintf(out, cap, "GET /v1/search?limit=%d&q=", limit);
    for (const unsigned char *p = (const unsigned char *)q; *p && n + 8 < cap; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_')
            out[n++] = (char)*p;
        else
            n += (size_t)snprintf(out + n, cap - n, "%%%02X", *p);
    }
    n += (size_t)snprintf(out + n, cap - n, " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    return n;
}

/* Read one whole response into C->buf; its length, or -1. */
static long read_response(client_t *c)
{
    for (;;) {
        char *end = c->len ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
        if (end) {
            const char *cl = memmem(c->buf, (size_t)(end - c->buf), "Content-Length: ", 16);
            size_t body = cl ? strtoul(cl + 16, NULL, 10) : 0;
            size_t total = (size_t)(end - c->buf) + 4 + body;
            if (c->len >= total)
                return (long)total;
        }
        if (c->len + 65536 > c->cap) {
            c->cap = c->cap ? c->cap * 2 : 262144;
            if (!(c->buf = realloc(c->buf, c->cap)))
                return -1;
        }
        ssize_t got = read(c->fd, c->buf + c->len, c->cap - c->len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return -1;
        c->len += (size_t)got;
    }
}

/* Send the request; -1 when the connection is gone. */
static int send_all(client_t *c, const char *req, size_t n)
{
    for (size_t off = 0; off < n;) {
        ssize_t w = write(c->fd, req + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        off += (size_t)w;
    }
    return 0;
}

static double ask(client_t *c, const char *q, int *hits, int *ok, double *took)
{
    char req[8192];
    size_t n = request(req, sizeof req, q);
    double t0 = now_ms();
    long l = send_all(c, req, n) == 0 ? read_response(c) : -1;
    if (l < 0 && c->len == 0) {
        /* The server closed a keep-alive connection left idle (a client
         * that waited at the barrier past the idle timeout): reconnect once,
         * as HTTP clients do, and time from there. */
        close(c->fd);
        if ((c->fd = connect_local()) < 0)
            return -1;
        c->reconnects++;
        t0 = now_ms();
        l = send_all(c, req, n) == 0 ? read_response(c) : -1;
    }
    if (l < 0)
        return -1;
    double t = now_ms() - t0;
    char save = c->buf[l];
    c->buf[l] = '\0';
    *ok = strncmp(c->buf, "HTTP/1.1 200", 12) == 0 && strstr(c->buf, "\"results\"") != NULL;
    const char *tk = strstr(c->buf, "\"took_ms\":");
    *took = tk ? strtod(tk + 10, NULL) : -1;
    *hits = 0;
    for (const char *p = c->buf; (p = strstr(p, "\"rank\":")) != NULL; p += 7)
        (*hits)++;
    c->buf[l] = save;
    memmove(c->buf, c->buf + l, c->len - (size_t)l);
    c->len -= (size_t)l;
    return t;
}

static void *client_main(void *arg)
{
    client_t *c = arg;
    size_t off = (size_t)c->k * nq / (size_t)nclients;
    for (int pass = 0; pass < warmup && !c->failed; pass++)
        for (size_t i = 0; i < nq; i++) {
            int h, ok;
            double tk;
            if (ask(c, queries[(off + i) % nq], &h, &ok, &tk) < 0) {
                c->failed = 1;
                break;
            }
        }
    pthread_barrier_wait(&ready);
    if (c->k == 0)
        start_ms = now_ms();
    pthread_barrier_wait(&ready);
    for (size_t i = 0; i < nq && !c->failed; i++) {
        double t = ask(c, queries[(off + i) % nq], &c->hits[i], &c->ok[i], &c->took[i]);
        if (t < 0) {
            c->failed = 1;
            break;
        }
        c->ms[i] = t;
        c->n++;
    }
    pthread_barrier_wait(&done);
    return NULL;
}

int main(int argc, char **argv)
{
    const char *qfile = NULL;
    int i, rc = 0;
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
            nclients = atoi(argv[++i]);
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            limit = atoi(argv[++i]);
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = atoi(argv[++i]);
        else if (!port)
            port = atoi(argv[i]);
        else if (!qfile)
            qfile = argv[i];
        else
            break;
    }
    if (i < argc || !qfile || port <= 0 || nclients < 1 || nclients > 256) {
        fprintf(stderr, "usage: http-client [-c CLIENTS] [-n LIMIT] [--warmup N] PORT QUERIES\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    size_t len;
    char *text = read_file(qfile, &len);
    if (!text) {
        perror(qfile);
        return 2;
    }
    size_t cap = 0;
    for (char *save = NULL, *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (!*l)
            continue;
        if (nq == cap) {
            cap = cap ? cap * 2 : 512;
            queries = realloc(queries, cap * sizeof *queries);
        }
        queries[nq++] = l;
    }
    client_t *cl = calloc((size_t)nclients, sizeof *cl);
    pthread_t *th = calloc((size_t)nclients, sizeof *th);
    pthread_barrier_init(&ready, NULL, (unsigned)nclients);
    pthread_barrier_init(&done, NULL, (unsigned)nclients + 1);
    for (i = 0; i < nclients; i++) {
        client_t *c = &cl[i];
        c->k = i;
        c->ms = calloc(nq, sizeof *c->ms);
        c->took = calloc(nq, sizeof *c->took);
        c->hits = calloc(nq, sizeof *c->hits);
        c->ok = calloc(nq, sizeof *c->ok);
        if ((c->fd = connect_local()) < 0) {
            perror("connect");
            return 1;
        }
    }
    for (i = 0; i < nclients; i++)
        pthread_create(&th[i], NULL, client_main, &cl[i]);
    pthread_barrier_wait(&done);
    end_ms = now_ms();
    size_t total = 0, errors = 0;
    int reconnects = 0;
    for (i = 0; i < nclients; i++) {
        pthread_join(th[i], NULL);
        client_t *c = &cl[i];
        for (size_t j = 0; j < c->n; j++) {
            printf("%.4f\t%d\t%d\t%.4f\n", c->ms[j], c->hits[j], c->ok[j], c->took[j]);
            errors += !c->ok[j];
        }
        total += c->n;
        reconnects += c->reconnects;
        if (c->failed) {
            fprintf(stderr, "http-client: client %d: connection failed\n", i);
            rc = 1;
        }
        close(c->fd);
        free(c->buf);
        free(c->ms);
        free(c->took);
        free(c->hits);
        free(c->ok);
    }
    double wall = (end_ms - start_ms) / 1e3;
    printf("# clients %d\n# requests %zu\n# errors %zu\n# wall_s %.4f\n# qps %.1f\n# reconnects %d\n",
           nclients, total, errors, wall, wall > 0 ? (double)total / wall : 0.0, reconnects);
    free(cl);
    free(th);
    free(queries);
    free(text);
    return rc;
}
