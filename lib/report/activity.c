/* activity.c - kb_report_activity (kb/report.h): what the search log, the
 * call records, the index and the learned files say, for kb-index
 * --report: searches per day by interface, top queries, searches not
 * covered grouped by their content words, alerts, escalation paths, the
 * steps that resolve calls, articles never shown or past review, learned
 * phrasings to review. */
#include "kb/report.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/strmap.h"
#include "evidence.h"
#include "kb/log.h"
#include "log/jsonl.h"
#include "schema/learned.h"
#include "schema/words.h"

/* Examples kept per group of similar searches. */
#define GROUP_EXAMPLES 3
/* Lines of each list, at most. */
#define LIST_MAX 50

/* A counted thing: a query, a group of similar ones, a path, a step. */
typedef struct tally {
    char *key;
    char *ex[GROUP_EXAMPLES];
    size_t n_ex;
    unsigned count, no_results;
} tally_t;

typedef struct tallies {
    kb_strmap_t *idx;
    tally_t *v;
    size_t n, cap;
} tallies_t;

typedef struct act {
    const kb_activity_opts_t *o;
    cJSON *days;            /* day -> {interface: n} */
    cJSON *alerts;          /* kind -> n */
    tallies_t queries, groups, paths, steps;
    kb_strmap_t *shown;
    kb_xstem_t *stem;
    unsigned searches, uncovered, skipped, lines, steps_walked;
} act_t;

static void tallies_free(tallies_t *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].key);
        for (size_t k = 0; k < t->v[i].n_ex; k++)
            free(t->v[i].ex[k]);
    }
    free(t->v);
    kb_strmap_free(t->idx);
}

/* The tally of KEY (added if new, EXAMPLE kept while there is room); NULL
 * when out of memory. */
static tally_t *tally(tallies_t *t, const char *key, const char *example)
{
    if (!t->idx && kb_strmap_new(&t->idx) != KB_STATUS_SUCCESS)
        return NULL;
    int found;
    const char *v = kb_strmap_get(t->idx, key, &found);
    tally_t *x;
    if (found && v) {
        x = &t->v[strtoul(v, NULL, 10)];
    } else {
        if (t->n == t->cap) {
            size_t c = t->cap ? t->cap * 2 : 64;
            tally_t *p = realloc(t->v, c * sizeof *p);
            if (!p)
                return NULL;
            t->v = p;
            t->cap = c;
        }
        char num[24];
        snprintf(num, sizeof num, "%zu", t->n);
        x = &t->v[t->n];
        memset(x, 0, sizeof *x);
        if (!(x->key = kb_strdup(key)) || kb_strmap_set(t->idx, key, num) != KB_STATUS_SUCCESS) {
            free(x->key);
            return NULL;
        }
        t->n++;
    }
    int dup = 0;
    for (size_t i = 0; example && i < x->n_ex; i++)
        dup |= !strcmp(x->ex[i], example);
    if (example && !dup && x->n_ex < GROUP_EXAMPLES && (x->ex[x->n_ex] = kb_strdup(example)))
        x->n_ex++;
    x->count++;
    return x;
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int too_early(const act_t *A, const char *time)
{
    const char *since = A->o->since;
    return since && (!time || strncmp(time, since, strlen(since)) < 0);
}

static void bump(cJSON *obj, const char *key)
{
    cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (n)
        cJSON_SetNumberValue(n, n->valuedouble + 1);
    else
        cJSON_AddNumberToObject(obj, key, 1);
}

static int by_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The group of similar wording KEY belongs to: its content words' stems,
 * sorted, once each, single letters left out ("arrive card"). */
static char *group_of(act_t *A, const char *key)
{
    kb_tokens_t tk;
    if (kb_text_tokens(A->stem, key, strlen(key), &tk) != KB_STATUS_SUCCESS)
        return NULL;
    kb_strlist_t l = {0};
    for (size_t i = 0; i < tk.n; i++)
        if (tk.stems[i][0] && tk.stems[i][1] && !kb_text_is_stopword(tk.words[i]) &&
            !kb_text_is_filler(tk.words[i]) && !kb_strlist_has(&l, tk.stems[i]))
            kb_strlist_push(&l, tk.stems[i], strlen(tk.stems[i]));
    kb_tokens_free(&tk);
    if (l.n)
        qsort(l.items, l.n, sizeof *l.items, by_str);
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_add(&b, "", 0);
    for (size_t i = 0; i < l.n; i++)
        kb_buf_printf(&b, "%s%s", i ? " " : "", l.items[i]);
    kb_strlist_clear(&l);
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

static kb_status_t search_line(void *ctx, const cJSON *o)
{
    act_t *A = ctx;
    A->lines++;
    const char *time = str_of(o, "time"), *q = str_of(o, "query");
    const char *iface = str_of(o, "interface");
    if (!time || !q || strlen(time) < 10)
        return KB_STATUS_PARSE_ERROR;
    if (too_early(A, time))
        return KB_STATUS_SUCCESS;
    A->searches++;
    char day[11];
    snprintf(day, sizeof day, "%.10s", time);
    cJSON *d = cJSON_GetObjectItemCaseSensitive(A->days, day);
    if (!d)
        d = cJSON_AddObjectToObject(A->days, day);
    if (!d)
        return KB_STATUS_OUT_OF_MEMORY;
    bump(d, iface ? iface : "other");
    const cJSON *x, *alerts = cJSON_GetObjectItemCaseSensitive(o, "alerts");
    cJSON_ArrayForEach(x, alerts)
    {
        if (cJSON_IsString(x))
            bump(A->alerts, x->valuestring);
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "results"))
    {
        if (cJSON_IsString(x) && kb_strmap_set(A->shown, x->valuestring, "") != KB_STATUS_SUCCESS)
            return KB_STATUS_OUT_OF_MEMORY;
    }
    char *key = learn_key(q);
    if (!key)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (key[0] && !tally(&A->queries, key, q))
        st = KB_STATUS_OUT_OF_MEMORY;
    const cJSON *total = cJSON_GetObjectItemCaseSensitive(o, "total");
    int none = cJSON_IsNumber(total) && total->valuedouble == 0;
    if (st == KB_STATUS_SUCCESS && key[0] && (none || cJSON_IsFalse(cJSON_GetObjectItem(o, "covered")))) {
        A->uncovered++;
        char *g = group_of(A, key);
        tally_t *t = g ? tally(&A->groups, g[0] ? g : key, q) : NULL;
        if (t)
            t->no_results += none;
        else
            st = KB_STATUS_OUT_OF_MEMORY;
        free(g);
    }
    free(key);
    return st;
}

/* The search log and its rotated files, oldest first. */
static kb_status_t read_searches(act_t *A, const char *path, char **message)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t p = KB_BUF_INIT;
    for (int k = KB_SEARCH_LOG_KEEP; k >= 0 && st == KB_STATUS_SUCCESS; k--) {
        kb_buf_clear(&p);
        if (k)
            kb_buf_printf(&p, "%s.%d", path, k);
        else
            kb_buf_adds(&p, path);
        st = p.oom ? KB_STATUS_OUT_OF_MEMORY
                   : kb_jsonl_read(p.data, search_line, A, &A->skipped, message);
    }
    kb_buf_free(&p);
    return st;
}

/* ---- call records: escalation paths, steps ---- */

static kb_status_t call_line(void *ctx, const cJSON *o)
{
    act_t *A = ctx;
    const char *event = str_of(o, "event"), *time = str_of(o, "time");
    if (!event || !time)
        return KB_STATUS_PARSE_ERROR;
    if (too_early(A, time))
        return KB_STATUS_SUCCESS;
    kb_buf_t k = KB_BUF_INIT;
    kb_buf_add(&k, "", 0);
    tally_t *t = (tally_t *)1;
    if (!strcmp(event, KB_EVENT_ESCALATION)) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "path"), *x;
        cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(p, "path"))
        {
            const char *id = str_of(x, "id");
            kb_buf_printf(&k, "%s%s", k.len ? " > " : "", id ? id : "?");
        }
        if (k.len)
            t = tally(&A->paths, k.data, NULL);
    } else if (!strcmp(event, KB_EVENT_STEPS_END) && str_of(o, "id")) {
        const char *sec = str_of(o, "section"), *out = str_of(o, "outcome");
        kb_buf_printf(&k, "%s#%s", str_of(o, "id"), sec ? sec : "");
        A->steps_walked++;
        t = tally(&A->steps, k.data, NULL);
        if (t && !(out && !strcmp(out, "fixed")))
            t->no_results++; /* here: walked, not resolved */
    }
    kb_buf_free(&k);
    return t ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

static kb_status_t read_calls(act_t *A, const char *dir, char **message)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? KB_STATUS_SUCCESS : KB_STATUS_FILE_ERROR;
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t path = KB_BUF_INIT;
    struct dirent *e;
    unsigned skipped = 0;
    while (st == KB_STATUS_SUCCESS && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 7 || strcmp(e->d_name + n - 6, ".jsonl") != 0)
            continue;
        kb_buf_clear(&path);
        kb_buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (path.oom)
            st = KB_STATUS_OUT_OF_MEMORY;
        else if (lstat(path.data, &sb) == 0 && S_ISREG(sb.st_mode))
            st = kb_jsonl_read(path.data, call_line, A, &skipped, message);
    }
    kb_buf_free(&path);
    closedir(d);
    return st;
}

/* ---- output ---- */

static int by_count(const void *x, const void *y)
{
    const tally_t *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

/* T as an array of {NAME: key, "count", EXTRA: no_results, examples},
 * most frequent first. */
static cJSON *tally_json(tallies_t *t, const char *name, const char *extra, int examples)
{
    if (t->n)
        qsort(t->v, t->n, sizeof *t->v, by_count);
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < t->n && i < LIST_MAX; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, name, examples || !t->v[i].n_ex ? t->v[i].key : t->v[i].ex[0]);
        cJSON_AddNumberToObject(x, "count", t->v[i].count);
        if (extra)
            cJSON_AddNumberToObject(x, extra, t->v[i].no_results);
        if (examples)
            cJSON_AddItemToObject(
                x, "examples",
                cJSON_CreateStringArray((const char *const *)t->v[i].ex, (int)t->v[i].n_ex));
        cJSON_AddItemToArray(a, x);
    }
    return a;
}

/* Articles never shown in a search, and past their review date. */
static void articles_json(const act_t *A, cJSON *into)
{
    const kb_activity_opts_t *o = A->o;
    char today[11];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    cJSON *never = cJSON_AddArrayToObject(into, "never_shown");
    cJSON *past = cJSON_AddArrayToObject(into, "past_review");
    for (size_t i = 0; i < o->n_articles; i++) {
        int found = 0;
        kb_strmap_get(A->shown, o->articles[i], &found);
        if (!found && A->searches)
            cJSON_AddItemToArray(never, cJSON_CreateString(o->articles[i]));
        const char *r = o->review_by ? o->review_by[i] : NULL;
        if (r && strcmp(r, o->today ? o->today : today) < 0) {
            cJSON *x = cJSON_CreateObject();
            cJSON_AddStringToObject(x, "id", o->articles[i]);
            cJSON_AddStringToObject(x, "review_by", r);
            cJSON_AddItemToArray(past, x);
        }
    }
}

/* The "+" lines of KB_DIR/_learned/: learned without an editor. */
static kb_status_t learned_json(const act_t *A, cJSON *into)
{
    cJSON *arr = cJSON_AddArrayToObject(into, "learned");
    if (!A->o->kb_dir || !arr)
        return arr ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    kb_buf_t dir = KB_BUF_INIT, path = KB_BUF_INIT;
    kb_buf_printf(&dir, "%s/%s", A->o->kb_dir, KB_LEARNED_DIR);
    DIR *d = dir.oom ? NULL : opendir(dir.data);
    struct dirent *e;
    size_t id_len;
    while (d && (e = readdir(d)) != NULL) {
        if (!kb_learned_file_name(e->d_name, &id_len))
            continue;
        kb_buf_clear(&path);
        kb_buf_printf(&path, "%s/%s", dir.data, e->d_name);
        char *data;
        size_t len;
        kb_learned_file_t f;
        memset(&f, 0, sizeof f);
        if (path.oom || kb_file_read(path.data, KB_LEARNED_MAX_FILE, &data, &len) != KB_STATUS_SUCCESS)
            continue;
        if (kb_learned_parse(data, len, &f) == KB_STATUS_SUCCESS) {
            cJSON *x = cJSON_CreateObject(), *lines = cJSON_CreateArray();
            unsigned n = 0;
            for (size_t i = 0; i < f.n; i++)
                if (!f.lines[i].rejected && ++n <= GROUP_EXAMPLES)
                    cJSON_AddItemToArray(lines, cJSON_CreateString(f.lines[i].text));
            char *id = kb_strndup(e->d_name, id_len);
            cJSON_AddStringToObject(x, "id", id ? id : "?");
            cJSON_AddNumberToObject(x, "phrasings", n);
            cJSON_AddItemToObject(x, "examples", lines);
            free(id);
            if (n)
                cJSON_AddItemToArray(arr, x);
            else
                cJSON_Delete(x);
        }
        kb_learned_clear(&f);
        free(data);
    }
    if (d)
        closedir(d);
    kb_buf_free(&dir);
    kb_buf_free(&path);
    return KB_STATUS_SUCCESS;
}

static void add_output(act_t *A, cJSON *into)
{
    cJSON_AddNumberToObject(into, "logged_searches", A->searches);
    cJSON_AddNumberToObject(into, "not_covered", A->uncovered);
    cJSON *days = cJSON_AddArrayToObject(into, "by_day");
    cJSON *d;
    cJSON_ArrayForEach(d, A->days)
    {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "day", d->string);
        cJSON_AddItemToObject(x, "interfaces", cJSON_Duplicate(d, 1));
        cJSON_AddItemToArray(days, x);
    }
    cJSON_AddItemToObject(into, "top_queries", tally_json(&A->queries, "query", NULL, 0));
    cJSON_AddItemToObject(into, "not_covered_groups",
                          tally_json(&A->groups, "words", "no_results", 1));
    cJSON_AddItemToObject(into, "alerts", cJSON_Duplicate(A->alerts, 1));
    cJSON_AddItemToObject(into, "escalation_paths", tally_json(&A->paths, "path", NULL, 0));
    cJSON_AddItemToObject(into, "steps", tally_json(&A->steps, "steps", "not_resolved", 0));
    articles_json(A, into);
}

static int by_day(const void *x, const void *y)
{
    const cJSON *a = *(const cJSON *const *)x, *b = *(const cJSON *const *)y;
    return strcmp(a->string, b->string);
}

/* The days in order (they were added as the logs came). */
static void sort_days(cJSON *days)
{
    int n = cJSON_GetArraySize(days);
    cJSON **v = malloc(((size_t)n + 1) * sizeof *v);
    if (!v)
        return;
    for (int i = 0; i < n; i++)
        v[i] = cJSON_DetachItemFromArray(days, 0);
    qsort(v, (size_t)n, sizeof *v, by_day);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToObject(days, v[i]->string, v[i]);
    free(v);
}

kb_status_t kb_report_activity(const kb_activity_opts_t *o, cJSON *into, char **message)
{
    if (message)
        *message = NULL;
    if (!o || !into)
        return KB_STATUS_BAD_ARGUMENT;
    act_t A;
    memset(&A, 0, sizeof A);
    A.o = o;
    A.days = cJSON_CreateObject();
    A.alerts = cJSON_CreateObject();
    kb_status_t st = A.days && A.alerts ? kb_strmap_new(&A.shown) : KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS)
        st = kb_text_stemmer(&A.stem);
    int off = 0;
    char *search = st == KB_STATUS_SUCCESS ? kb_searchlog_path(o->search_log, &off) : NULL;
    if (st == KB_STATUS_SUCCESS && search)
        st = read_searches(&A, search, message);
    free(search);
    if (st == KB_STATUS_SUCCESS && o->calls_dir)
        st = read_calls(&A, o->calls_dir, message);
    if (st == KB_STATUS_SUCCESS) {
        sort_days(A.days);
        add_output(&A, into);
        cJSON_AddNumberToObject(into, "steps_walked", A.steps_walked);
        cJSON_AddNumberToObject(into, "search_lines_skipped", A.skipped);
        st = learned_json(&A, into);
    }
    cJSON_Delete(A.days);
    cJSON_Delete(A.alerts);
    tallies_free(&A.queries);
    tallies_free(&A.groups);
    tallies_free(&A.paths);
    tallies_free(&A.steps);
    kb_strmap_free(A.shown);
    kb_xstem_free(A.stem);
    return st;
}
