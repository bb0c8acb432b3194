/* report.c - searches with no answer and answers marked not helpful, from
 * the call records and the feedback log (see kb/report.h). */
#include "kb/report.h"
#include "kb/log.h"
#include "log/jsonl.h"
#include "base/buf.h"
#include "base/date.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/strmap.h"
#include "base/utf8.h"

typedef struct builder {
    kb_report_t *r;
    const char *since;
    kb_strmap_t *qidx; /* normalised query -> index in r->queries, as text */
    kb_strmap_t *aidx; /* article id -> index in r->articles */
    size_t qcap, acap;
} builder_t;

static kb_status_t fail(char **message, const char *what, const char *path)
{
    if (message) {
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "%s %s: %s", what, path, strerror(errno));
        *message = kb_buf_take(&b);
    }
    return errno == ENOMEM ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_FILE_ERROR;
}

/* Lower ASCII letters, one space for each run of white space, trimmed. */
static char *normalise(const char *q)
{
    kb_buf_t b = KB_BUF_INIT;
    int space = 0;
    for (const char *p = q; *p; p++) {
        char c = *p;
        if (c == ' ' || (c >= '\t' && c <= '\r')) {
            space = b.len > 0;
            continue;
        }
        if (space)
            kb_buf_addc(&b, ' ');
        space = 0;
        kb_buf_addc(&b, c);
    }
    char *key = kb_buf_take(&b);
    kb_ascii_lower(key);
    return key;
}

/* The index stored in MAP under KEY, or -1. */
static long lookup(const kb_strmap_t *map, const char *key)
{
    int found;
    const char *v = kb_strmap_get(map, key, &found);
    return found && v ? strtol(v, NULL, 10) : -1;
}

static kb_status_t remember(kb_strmap_t *map, const char *key, size_t i)
{
    char num[32];
    snprintf(num, sizeof num, "%zu", i);
    return kb_strmap_set(map, key, num);
}

static const char *str_field(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static kb_status_t add_unanswered(builder_t *b, const char *q, const char *time)
{
    char *key = normalise(q);
    if (!key)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_report_t *r = b->r;
    long i = lookup(b->qidx, key);
    kb_status_t st = KB_STATUS_SUCCESS;
    if (i >= 0) {
        kb_report_query_t *e = &r->queries[i];
        e->count++;
        if (strcmp(time, e->last) > 0) {
            char *t = kb_strdup(time);
            if (!t)
                st = KB_STATUS_OUT_OF_MEMORY;
            else {
                free(e->last);
                e->last = t;
            }
        }
    } else if (key[0]) {
        if (r->n_queries == b->qcap) {
            size_t cap = b->qcap ? b->qcap * 2 : 16;
            kb_report_query_t *p = realloc(r->queries, cap * sizeof *p);
            if (!p) {
                free(key);
                return KB_STATUS_OUT_OF_MEMORY;
            }
            r->queries = p;
            b->qcap = cap;
        }
        kb_report_query_t *e = &r->queries[r->n_queries];
        e->query = kb_strdup(q);
        e->last = kb_strdup(time);
        e->count = 1;
        if (!e->query || !e->last) {
            free(e->query);
            free(e->last);
            st = KB_STATUS_OUT_OF_MEMORY;
        } else {
            st = remember(b->qidx, key, r->n_queries++);
        }
    }
    free(key);
    return st;
}

static kb_status_t add_feedback(builder_t *b, const char *id, int helpful, const char *q)
{
    kb_report_t *r = b->r;
    long i = lookup(b->aidx, id);
    if (i < 0) {
        if (r->n_articles == b->acap) {
            size_t cap = b->acap ? b->acap * 2 : 16;
            kb_report_article_t *p = realloc(r->articles, cap * sizeof *p);
            if (!p)
                return KB_STATUS_OUT_OF_MEMORY;
            r->articles = p;
            b->acap = cap;
        }
        kb_report_article_t *a = &r->articles[r->n_articles];
        memset(a, 0, sizeof *a);
        a->id = kb_strdup(id);
        if (!a->id)
            return KB_STATUS_OUT_OF_MEMORY;
        i = (long)r->n_articles++;
        kb_status_t st = remember(b->aidx, id, (size_t)i);
        if (st != KB_STATUS_SUCCESS)
            return st;
    }
    kb_report_article_t *a = &r->articles[i];
    if (helpful) {
        a->helpful++;
        return KB_STATUS_SUCCESS;
    }
    a->unhelpful++;
    for (size_t k = 0; q && k < a->n_queries; k++)
        if (strcmp(a->queries[k], q) == 0)
            return KB_STATUS_SUCCESS;
    if (!q || !q[0])
        return KB_STATUS_SUCCESS;
    /* Latest first: the log is in time order, so each new one goes in
     * front and the oldest falls off the end. */
    if (!kb_strv_push(&a->queries, &a->n_queries, q, strlen(q)))
        return KB_STATUS_OUT_OF_MEMORY;
    char *last = a->queries[a->n_queries - 1];
    memmove(a->queries + 1, a->queries, (a->n_queries - 1) * sizeof(char *));
    a->queries[0] = last;
    if (a->n_queries > KB_REPORT_EXAMPLES)
        free(a->queries[--a->n_queries]);
    return KB_STATUS_SUCCESS;
}

static int before(const char *time, const char *since)
{
    return since && strncmp(time, since, strlen(since)) < 0;
}

/* One line of a call record. */
static kb_status_t call_line(void *ctx, const cJSON *o)
{
    builder_t *b = ctx;
    const char *since = b->since;
    const char *event = str_field(o, "event"), *time = str_field(o, "time");
    if (!event || !time)
        return KB_STATUS_PARSE_ERROR;
    if (before(time, since))
        return KB_STATUS_SUCCESS;
    if (strcmp(event, KB_EVENT_CALL_START) == 0) {
        b->r->calls++;
    } else if (strcmp(event, KB_EVENT_QUERY) == 0) {
        const char *q = str_field(o, "q");
        const cJSON *total = cJSON_GetObjectItemCaseSensitive(o, "total");
        /* A query refused (too long, not UTF-8) is a search, not a gap
         * an editor can fill. */
        if (q && str_field(o, "error")) {
            b->r->searches++;
            return KB_STATUS_SUCCESS;
        }
        if (!q || !cJSON_IsNumber(total))
            return KB_STATUS_PARSE_ERROR;
        b->r->searches++;
        if (total->valuedouble <= 0) {
            b->r->unanswered++;
            return add_unanswered(b, q, time);
        }
    }
    return KB_STATUS_SUCCESS;
}

/* One line of the feedback log. */
static kb_status_t feedback_line(void *ctx, const cJSON *o)
{
    builder_t *b = ctx;
    const char *since = b->since;
    const char *time = str_field(o, "time"), *id = str_field(o, "article");
    const cJSON *helpful = cJSON_GetObjectItemCaseSensitive(o, "helpful");
    if (!time || !id || !cJSON_IsBool(helpful))
        return KB_STATUS_PARSE_ERROR;
    if (before(time, since))
        return KB_STATUS_SUCCESS;
    b->r->feedback++;
    return add_feedback(b, id, cJSON_IsTrue(helpful), str_field(o, "query"));
}

static kb_status_t read_calls(builder_t *b, const char *dir, char **message)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? KB_STATUS_SUCCESS : fail(message, "cannot read", dir);
    kb_status_t st = KB_STATUS_SUCCESS;
    struct dirent *e;
    kb_buf_t path = KB_BUF_INIT;
    while (st == KB_STATUS_SUCCESS && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 7 || strcmp(e->d_name + n - 6, ".jsonl") != 0)
            continue;
        kb_buf_clear(&path);
        kb_buf_printf(&path, "%s/%s", dir, e->d_name);
        if (path.oom) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        struct stat sb;
        if (lstat(path.data, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue; /* a link or a folder is not a record kb wrote */
        st = kb_jsonl_read(path.data, call_line, b, &b->r->skipped, message);
        if (st == KB_STATUS_SUCCESS)
            b->r->files++;
    }
    kb_buf_free(&path);
    closedir(d);
    return st;
}

static int by_count(const void *x, const void *y)
{
    const kb_report_query_t *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return -strcmp(a->last, b->last);
}

static int by_unhelpful(const void *x, const void *y)
{
    const kb_report_article_t *a = x, *b = y;
    if (a->unhelpful != b->unhelpful)
        return a->unhelpful > b->unhelpful ? -1 : 1;
    if (a->helpful != b->helpful)
        return a->helpful < b->helpful ? -1 : 1;
    return strcmp(a->id, b->id);
}

kb_status_t kb_report_build(const char *calls_dir, const char *feedback_log, const char *since,
                            kb_report_t **out, char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    if (since && !kb_date_valid(since)) {
        if (message) {
            kb_buf_t b = KB_BUF_INIT;
            kb_buf_printf(&b, "not a date (YYYY-MM-DD): '%s'", since);
            *message = kb_buf_take(&b);
        }
        return KB_STATUS_BAD_ARGUMENT;
    }
    builder_t b;
    memset(&b, 0, sizeof b);
    b.since = since;
    b.r = calloc(1, sizeof *b.r);
    if (!b.r)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = kb_strmap_new(&b.qidx);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_new(&b.aidx);
    if (st == KB_STATUS_SUCCESS && since && !(b.r->since = kb_strdup(since)))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS && calls_dir)
        st = read_calls(&b, calls_dir, message);
    if (st == KB_STATUS_SUCCESS && feedback_log)
        st = kb_jsonl_read(feedback_log, feedback_line, &b, &b.r->skipped, message);
    kb_strmap_free(b.qidx);
    kb_strmap_free(b.aidx);
    if (st != KB_STATUS_SUCCESS) {
        kb_report_free(b.r);
        return st;
    }
    kb_report_t *r = b.r;
    if (r->n_queries)
        qsort(r->queries, r->n_queries, sizeof *r->queries, by_count);
    /* Only the articles somebody found not helpful are on the list. */
    size_t keep = 0;
    for (size_t i = 0; i < r->n_articles; i++) {
        if (r->articles[i].unhelpful) {
            r->articles[keep++] = r->articles[i];
        } else {
            free(r->articles[i].id);
            kb_strv_free(r->articles[i].queries, r->articles[i].n_queries);
        }
    }
    r->n_articles = keep;
    if (keep)
        qsort(r->articles, keep, sizeof *r->articles, by_unhelpful);
    *out = r;
    return KB_STATUS_SUCCESS;
}

void kb_report_free(kb_report_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_queries; i++) {
        free(r->queries[i].query);
        free(r->queries[i].last);
    }
    free(r->queries);
    for (size_t i = 0; i < r->n_articles; i++) {
        free(r->articles[i].id);
        kb_strv_free(r->articles[i].queries, r->articles[i].n_queries);
    }
    free(r->articles);
    free(r->since);
    free(r);
}

cJSON *kb_report_json(const kb_report_t *r)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    int ok = (r->since ? cJSON_AddStringToObject(o, "since", r->since)
                       : cJSON_AddNullToObject(o, "since")) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, "files", r->files);
    ok = ok && cJSON_AddNumberToObject(o, "calls", r->calls);
    ok = ok && cJSON_AddNumberToObject(o, "searches", r->searches);
    ok = ok && cJSON_AddNumberToObject(o, "unanswered", r->unanswered);
    ok = ok && cJSON_AddNumberToObject(o, "feedback", r->feedback);
    ok = ok && cJSON_AddNumberToObject(o, "skipped", r->skipped);
    cJSON *qs = ok ? cJSON_AddArrayToObject(o, "no_answer") : NULL;
    for (size_t i = 0; qs && i < r->n_queries; i++) {
        cJSON *q = cJSON_CreateObject();
        if (!q || !cJSON_AddStringToObject(q, "query", r->queries[i].query) ||
            !cJSON_AddNumberToObject(q, "count", r->queries[i].count) ||
            !cJSON_AddStringToObject(q, "last", r->queries[i].last)) {
            cJSON_Delete(q);
            qs = NULL;
            break;
        }
        cJSON_AddItemToArray(qs, q);
    }
    cJSON *as = qs ? cJSON_AddArrayToObject(o, "not_helpful") : NULL;
    for (size_t i = 0; as && i < r->n_articles; i++) {
        const kb_report_article_t *a = &r->articles[i];
        cJSON *x = cJSON_CreateObject();
        cJSON *ex = x ? cJSON_CreateArray() : NULL;
        for (size_t k = 0; ex && k < a->n_queries; k++) {
            cJSON *s = cJSON_CreateString(a->queries[k]);
            if (!s) {
                cJSON_Delete(ex);
                ex = NULL;
                break;
            }
            cJSON_AddItemToArray(ex, s);
        }
        if (!ex || !cJSON_AddStringToObject(x, "id", a->id) ||
            !cJSON_AddNumberToObject(x, "not_helpful", a->unhelpful) ||
            !cJSON_AddNumberToObject(x, "helpful", a->helpful)) {
            cJSON_Delete(ex);
            cJSON_Delete(x);
            as = NULL;
            break;
        }
        cJSON_AddItemToObject(x, "queries", ex);
        cJSON_AddItemToArray(as, x);
    }
    if (!as) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}
