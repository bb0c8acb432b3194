/* searchlog.c - the search log (kb/log.h): one scrubbed JSON line per
 * search, from every interface.
 *
 * A search must not wait for the disk (an fsync costs a millisecond or two,
 * more than a whole search), so kb_searchlog_record() only builds the line
 * and queues it; a thread of the log's own writes each line with one
 * write(2), fsyncs after each batch, and rotates the file at its size cap.
 * The thread starts with the first search and is joined by
 * kb_searchlog_close(), which writes what is left first. */
#include "kb/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/paths.h"
#include "jsonl.h"
#include "kb/json.h"
#include "scrub.h"

/* Lines waiting for the thread, at most: past that (a disk that stopped
 * answering) new lines are dropped and counted. */
#define QUEUE_MAX 10000
/* Answers' ids written per line. */
#define LOG_RESULTS 5

struct kb_searchlog {
    char *path;
    size_t max;                 /* rotate at this size */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int started, stop;
    char **queue;               /* lines waiting (under mu) */
    size_t n, cap;
    size_t dropped;             /* lines lost to a full queue (under mu) */
    char *error;                /* a failure not yet reported (under mu) */
    unsigned long counter;      /* for query ids without getrandom (under mu) */
    int fd;                     /* the thread's own */
};

char *kb_searchlog_path(const char *given, int *off)
{
    *off = 0;
    const char *p = given;
    if (!p) {
        p = getenv("KB_SEARCH_LOG");
        if (p && !*p) {
            *off = 1;
            return NULL;
        }
    }
    if (p && (!strcmp(p, "off") || !strcmp(p, "none"))) {
        *off = 1;
        return NULL;
    }
    if (p)
        return kb_strdup(p);
    char *dir = kb_default_state_dir();
    if (!dir)
        return NULL;
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s/searches.jsonl", dir);
    free(dir);
    return kb_buf_take(&b);
}

/* $KB_SEARCH_LOG_MAX: bytes, with an optional k, M or G. */
static size_t size_cap(void)
{
    const char *env = getenv("KB_SEARCH_LOG_MAX");
    if (!env || !*env)
        return KB_SEARCH_LOG_MAX;
    char *end;
    unsigned long long v = strtoull(env, &end, 10);
    switch (*end) {
    case 'k': case 'K': v <<= 10, end++; break;
    case 'm': case 'M': v <<= 20, end++; break;
    case 'g': case 'G': v <<= 30, end++; break;
    }
    return *end || v < 1024 ? KB_SEARCH_LOG_MAX : (size_t)v;
}

kb_status_t kb_searchlog_open(const char *path, kb_searchlog_t **out, char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    int off;
    char *p = kb_searchlog_path(path, &off);
    if (off)
        return KB_STATUS_SUCCESS;
    if (!p) {
        if (message)
            *message = kb_strdup("no state folder for the search log; set HOME, "
                                 "XDG_STATE_HOME or KB_SEARCH_LOG");
        return KB_STATUS_FILE_ERROR;
    }
    kb_searchlog_t *log = calloc(1, sizeof *log);
    if (!log) {
        free(p);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    log->path = p;
    log->max = size_cap();
    log->fd = -1;
    pthread_mutex_init(&log->mu, NULL);
    pthread_cond_init(&log->cv, NULL);
    *out = log;
    return KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* The writing thread                                                 */

static void set_error(kb_searchlog_t *log, const char *what, int e)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "search log %s: %s", log->path, what);
    if (e)
        kb_buf_printf(&b, ": %s", strerror(e));
    pthread_mutex_lock(&log->mu);
    if (!log->error)
        log->error = kb_buf_take(&b);
    pthread_mutex_unlock(&log->mu);
    kb_buf_free(&b);
}

/* The log's folder, made 0700 (tightened if ours and looser). */
static int private_folder(const char *path)
{
    char *dir = kb_strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    int ok = dir != NULL;
    if (slash && slash != dir) {
        *slash = '\0';
        struct stat st;
        ok = kb_mkdir_p(dir, 0700) == KB_STATUS_SUCCESS && stat(dir, &st) == 0;
        if (ok && (st.st_mode & 077) && st.st_uid == geteuid())
            chmod(dir, 0700);
    }
    free(dir);
    return ok;
}

/* The file open for appending, and still the one at PATH (another process
 * may have rotated it away). */
static int ensure_open(kb_searchlog_t *log)
{
    struct stat a, b;
    if (log->fd >= 0) {
        if (stat(log->path, &a) == 0 && fstat(log->fd, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev)
            return 1;
        close(log->fd);
        log->fd = -1;
    }
    if (!private_folder(log->path)) {
        set_error(log, "cannot create its folder", errno);
        return 0;
    }
    char *msg = NULL;
    if (kb_state_file_open(log->path, O_WRONLY | O_APPEND | O_CREAT, 0600, &log->fd, &msg) !=
        KB_STATUS_SUCCESS) {
        set_error(log, msg ? msg : "cannot open it", 0);
        free(msg);
        return 0;
    }
    if (fstat(log->fd, &b) == 0 && (b.st_mode & 077) && b.st_uid == geteuid())
        fchmod(log->fd, 0600);
    return 1;
}

/* LINE and its newline with one write(2); a write cut short is undone. */
static int write_line(kb_searchlog_t *log, const char *line)
{
    size_t n = strlen(line);
    struct stat st;
    off_t before = fstat(log->fd, &st) == 0 ? st.st_size : -1;
    ssize_t w;
    do
        w = write(log->fd, line, n);
    while (w < 0 && errno == EINTR);
    if (w == (ssize_t)n)
        return 1;
    int e = w < 0 ? errno : ENOSPC;
    if (w > 0 && before >= 0 && ftruncate(log->fd, before) == 0)
        fsync(log->fd);
    set_error(log, "cannot write", e);
    return 0;
}

/* At the cap: PATH becomes PATH.1, PATH.1 PATH.2 ..., under a lock so
 * that two processes sharing the log rotate it once.  The file is synced
 * and closed; the next line opens a new one. */
static void rotate(kb_searchlog_t *log)
{
    struct stat a, b;
    if (fstat(log->fd, &b) != 0 || (size_t)b.st_size < log->max)
        return;
    if (fsync(log->fd) != 0)
        set_error(log, "cannot sync", errno);
    flock(log->fd, LOCK_EX);
    if (stat(log->path, &a) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
        kb_buf_t from = KB_BUF_INIT, to = KB_BUF_INIT;
        for (int k = KB_SEARCH_LOG_KEEP - 1; k >= 0; k--) {
            kb_buf_clear(&from);
            kb_buf_clear(&to);
            if (k)
                kb_buf_printf(&from, "%s.%d", log->path, k);
            else
                kb_buf_adds(&from, log->path);
            kb_buf_printf(&to, "%s.%d", log->path, k + 1);
            if (!from.oom && !to.oom && rename(from.data, to.data) != 0 && errno != ENOENT &&
                !k)
                set_error(log, "cannot rotate", errno);
        }
        kb_buf_free(&from);
        kb_buf_free(&to);
    }
    flock(log->fd, LOCK_UN);
    close(log->fd);
    log->fd = -1;
}

/* Each line with one write, rotating at the cap; one fsync at the end. */
static void write_batch(kb_searchlog_t *log, char **lines, size_t n)
{
    int ok = ensure_open(log);   /* also notices another process's rotation */
    for (size_t i = 0; i < n; i++) {
        if (ok && log->fd < 0)
            ok = ensure_open(log);
        if (ok)
            ok = write_line(log, lines[i]);
        if (ok)
            rotate(log);
        free(lines[i]);
    }
    if (log->fd >= 0 && ok && fsync(log->fd) != 0)
        set_error(log, "cannot sync", errno);
}

static void *writer(void *arg)
{
    kb_searchlog_t *log = arg;
    pthread_mutex_lock(&log->mu);
    for (;;) {
        while (!log->n && !log->stop)
            pthread_cond_wait(&log->cv, &log->mu);
        if (!log->n)
            break;
        char **lines = log->queue;
        size_t n = log->n;
        log->queue = NULL;
        log->n = log->cap = 0;
        pthread_mutex_unlock(&log->mu);
        write_batch(log, lines, n);
        free(lines);
        pthread_mutex_lock(&log->mu);
    }
    pthread_mutex_unlock(&log->mu);
    return NULL;
}

/* Start the thread (under mu), with every signal blocked in it: Ctrl-C
 * is the program's. */
static int start(kb_searchlog_t *log)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&log->thread, NULL, writer, log);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    log->started = rc == 0;
    return log->started;
}

/* ---------------------------------------------------------------- */
/* Lines                                                              */

static void new_id(kb_searchlog_t *log, char *out)
{
    unsigned char r[8];
    if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timeval tv;
        gettimeofday(&tv, NULL);
        unsigned long c = 0;
        if (log) {
            pthread_mutex_lock(&log->mu);
            c = ++log->counter;
            pthread_mutex_unlock(&log->mu);
        }
        unsigned long long x[4] = {(unsigned long long)tv.tv_sec, (unsigned long long)tv.tv_usec,
                                   (unsigned long long)getpid(), c};
        unsigned long long h = kb_hash64(x, sizeof x);
        memcpy(r, &h, sizeof r);
    }
    for (int i = 0; i < 8; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
}

static void now_iso(char *out, size_t size)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t t = tv.tv_sec;
    gmtime_r(&t, &tm);
    char when[40];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out, size, "%s.%03ldZ", when, (long)(tv.tv_usec / 1000));
}

/* Add S scrubbed as NAME (null when S is NULL); 0 when out of memory. */
static int add_scrubbed(cJSON *o, const char *name, const char *s)
{
    if (!s)
        return cJSON_AddNullToObject(o, name) != NULL;
    char *c = kb_scrub(s, NULL);
    int ok = c && cJSON_AddStringToObject(o, name, c);
    free(c);
    return ok;
}

static char *make_line(const char *interface, const kb_results_t *r, const char *id)
{
    char when[64];
    now_iso(when, sizeof when);
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "time", when) &&
             cJSON_AddStringToObject(o, "query_id", id) &&
             cJSON_AddStringToObject(o, "interface", interface ? interface : "") &&
             add_scrubbed(o, "query", r->query ? r->query : "") &&
             add_scrubbed(o, "corrected", r->corrected) &&
             cJSON_AddBoolToObject(o, "covered", r->covered);
    cJSON *alerts = ok ? cJSON_AddArrayToObject(o, "alerts") : NULL;
    for (size_t i = 0; alerts && i < r->n_alerts; i++)
        cJSON_AddItemToArray(alerts, cJSON_CreateString(r->alerts[i].kind));
    ok = alerts && cJSON_AddNumberToObject(o, "total", r->total);
    cJSON *ids = ok ? cJSON_AddArrayToObject(o, "results") : NULL;
    for (size_t i = 0; ids && i < r->n && i < LOG_RESULTS; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateString(r->hits[i].id));
    ok = ids && cJSON_AddNumberToObject(o, "took_ms", (double)(long)(r->took_ms * 100) / 100);
    if (ok && r->n && r->hits[0].rank > 1)
        ok = cJSON_AddNumberToObject(o, "offset", r->hits[0].rank - 1) != NULL;
    char *line = ok ? kb_json_print(o) : NULL;
    cJSON_Delete(o);
    if (!line)
        return NULL;
    /* The newline is part of the one write. */
    size_t n = strlen(line);
    char *nl = realloc(line, n + 2);
    if (!nl) {
        free(line);
        return NULL;
    }
    nl[n] = '\n';
    nl[n + 1] = '\0';
    return nl;
}

/* Take the failure not reported yet, if any: its status and *MESSAGE. */
static kb_status_t take_error(kb_searchlog_t *log, char **message)
{
    char *err = log->error;
    log->error = NULL;
    if (log->dropped && !err) {
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "search log %s: %zu lines dropped (the disk does not keep up)",
                      log->path, log->dropped);
        err = kb_buf_take(&b);
        log->dropped = 0;
    }
    if (!err)
        return KB_STATUS_SUCCESS;
    if (message)
        *message = err;
    else
        free(err);
    return KB_STATUS_FILE_ERROR;
}

kb_status_t kb_searchlog_record(kb_searchlog_t *log, const char *interface,
                                const kb_results_t *r, char *query_id, char **message)
{
    if (message)
        *message = NULL;
    new_id(log, query_id);
    if (!log || !r)
        return KB_STATUS_SUCCESS;
    char *line = make_line(interface, r, query_id);
    if (!line)
        return KB_STATUS_OUT_OF_MEMORY;
    pthread_mutex_lock(&log->mu);
    kb_status_t st = KB_STATUS_SUCCESS;
    if (log->n >= QUEUE_MAX || (!log->started && !start(log))) {
        log->dropped++;
        free(line);
    } else {
        if (log->n == log->cap) {
            size_t cap = log->cap ? log->cap * 2 : 16;
            char **q = realloc(log->queue, cap * sizeof *q);
            if (!q) {
                free(line);
                line = NULL;
                st = KB_STATUS_OUT_OF_MEMORY;
            } else {
                log->queue = q;
                log->cap = cap;
            }
        }
        if (line) {
            log->queue[log->n++] = line;
            pthread_cond_signal(&log->cv);
        }
    }
    if (st == KB_STATUS_SUCCESS)
        st = take_error(log, message);
    pthread_mutex_unlock(&log->mu);
    return st;
}

kb_status_t kb_searchlog_close(kb_searchlog_t *log, char **message)
{
    if (message)
        *message = NULL;
    if (!log)
        return KB_STATUS_SUCCESS;
    pthread_mutex_lock(&log->mu);
    log->stop = 1;
    pthread_cond_signal(&log->cv);
    int started = log->started;
    pthread_mutex_unlock(&log->mu);
    if (started)
        pthread_join(log->thread, NULL);
    if (log->fd >= 0)
        close(log->fd);
    kb_status_t st = take_error(log, message);
    for (size_t i = 0; i < log->n; i++)
        free(log->queue[i]);
    free(log->queue);
    free(log->error);
    pthread_mutex_destroy(&log->mu);
    pthread_cond_destroy(&log->cv);
    free(log->path);
    free(log);
    return st;
}
