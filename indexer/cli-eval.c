/* cli-eval.c - kb-index --eval QUERIES [KB_DIR] [--compare]: what an
 * edit does to the answers, before it is live.
 *
 * KB_DIR is indexed into a temporary folder (the live index is not
 * touched; articles with errors are held back, as they would be live) and
 * each "question<TAB>expected-id" line of QUERIES is searched: hit@1 (the
 * expected article is the first answer), hit@3 and MRR@10, and the misses.
 * With --compare the live index (--db) answers the same questions, and
 * every question whose first answer differs is listed: "joint-accounts now
 * takes 'Can my partner have a card'".  Built on the public API (kb/index.h,
 * kb/search.h) like any tool would be; tests/tools/kb-eval.c, the team's
 * relevance tool, computes the same figures for `make eval`.
 */
#include "cli-editor.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "kb/index.h"
#include "kb/json.h"
#include "kb/search.h"
#include "kb/terminal.h"

#define PROG "kb-index"
enum { EXIT_USAGE = 2, EXIT_IO = 3 };
/* Answers looked at per question (MRR@10). */
#define EVAL_DEPTH 10
#define QUERIES_MAX_BYTES (16u * 1024u * 1024u)

typedef struct answer {
    char *top;      /* the first answer's id, or NULL */
    int rank;       /* 1-based rank of the expected id, 0 when not in the top 10 */
} answer_t;

typedef struct query {
    char *q, *want;   /* into the file's buffer */
    int line;
    answer_t edited, live;
} query_t;

typedef struct figures {
    double hit1, hit3, mrr;
} figures_t;

/* 1 if ID is one of the '|'-separated ids of WANT. */
static int wanted(const char *want, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = want; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t k = bar ? (size_t)(bar - p) : strlen(p);
        if (k == n && strncmp(p, id, n) == 0)
            return 1;
        p = bar ? bar + 1 : NULL;
    }
    return 0;
}

/* The "question<TAB>expected" lines of BUF (changed in place). */
static size_t read_queries(char *buf, const char *path, query_t **out)
{
    size_t n = 0, cap = 0;
    int line = 0;
    *out = NULL;
    for (char *p = buf, *nl; p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[--len] = '\0';
        char *tab = strchr(p, '\t');
        if (!len || p[0] == '#')
            continue;
        if (!tab || tab == p || !tab[1]) {
            fprintf(stderr, PROG ": %s:%d: not 'question<TAB>expected-id'; skipped\n", path, line);
            continue;
        }
        *tab = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            query_t *q = realloc(*out, cap * sizeof *q);
            if (!q)
                break;
            *out = q;
        }
        (*out)[n++] = (query_t){p, tab + 1, line, {NULL, 0}, {NULL, 0}};
    }
    return n;
}

static kb_status_t ask(kb_search_t *s, query_t *q, answer_t *a)
{
    kb_request_t req = KB_REQUEST_INIT;
    req.q = q->q;
    req.limit = EVAL_DEPTH;
    kb_results_t *r = NULL;
    kb_status_t st = kb_search_run(s, &req, &r);
    if (st == KB_STATUS_PARSE_ERROR || st == KB_STATUS_TOO_LARGE || st == KB_STATUS_BAD_ARGUMENT)
        return KB_STATUS_SUCCESS;   /* a question search refuses: no answer */
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n; i++) {
        if (i == 0 && !(a->top = kb_strdup(r->hits[0].id)))
            st = KB_STATUS_OUT_OF_MEMORY;
        if (!a->rank && wanted(q->want, r->hits[i].id))
            a->rank = (int)i + 1;
    }
    kb_results_free(r);
    return st;
}

static figures_t score(const query_t *qs, size_t n, int live)
{
    figures_t f = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        int r = live ? qs[i].live.rank : qs[i].edited.rank;
        f.hit1 += r == 1;
        f.hit3 += r >= 1 && r <= 3;
        f.mrr += r ? 1.0 / r : 0;
    }
    if (n)
        f.hit1 /= (double)n, f.hit3 /= (double)n, f.mrr /= (double)n;
    return f;
}

/* Index KB_DIR into DIR/index; *HELD: the articles held back or rejected. */
static kb_status_t build(const char *kb_dir, const char *dir, char **db, size_t *held)
{
    kb_buf_t path = KB_BUF_INIT;
    kb_buf_printf(&path, "%s/index", dir);
    *db = kb_buf_take(&path);
    kb_diags_t *d = NULL;
    kb_status_t st = *db ? kb_diags_new(&d) : KB_STATUS_OUT_OF_MEMORY;
    kb_index_opts_t o = {*db, kb_dir, 1, 0, NULL, NULL, 1, NULL, 0};
    kb_index_stats_t stats;
    char *msg = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = kb_index_run(&o, d, &stats, &msg);
    if (st != KB_STATUS_SUCCESS) {
        char *c = kb_term_clean(msg ? msg : kb_status_to_string(st));
        fprintf(stderr, PROG ": cannot index %s: %s\n", kb_dir, c ? c : "");
        free(c);
    }
    *held = st == KB_STATUS_SUCCESS ? stats.rejected : 0;
    free(msg);
    kb_diags_free(d);
    return st;
}

static void put(const char *s)
{
    char *c = kb_term_clean(s ? s : "(none)");
    fputs(c ? c : "", stdout);
    free(c);
}

static void print_text(const char *kb_dir, const query_t *qs, size_t n, int compare, size_t held)
{
    figures_t e = score(qs, n, 0), l = score(qs, n, 1);
    printf(PROG ": %zu questions; %s indexed afresh", n, kb_dir);
    if (held)
        printf(" (%zu article%s held back by errors: kb-index --check says why)", held,
               held == 1 ? "" : "s");
    printf("\n  %-7s hit@1 %.3f  hit@3 %.3f  MRR@10 %.3f\n", compare ? "edited" : "kb",
           e.hit1, e.hit3, e.mrr);
    if (compare)
        printf("  %-7s hit@1 %.3f  hit@3 %.3f  MRR@10 %.3f\n", "live", l.hit1, l.hit3, l.mrr);
    size_t misses = 0, changes = 0;
    for (size_t i = 0; i < n; i++) {
        if (qs[i].edited.rank == 1)
            continue;
        if (!misses++)
            puts("Misses (the first answer is not the expected one):");
        fputs("  \"", stdout);
        put(qs[i].q);
        fputs("\"  expected ", stdout);
        put(qs[i].want);
        fputs(", got ", stdout);
        put(qs[i].edited.top);
        printf(qs[i].edited.rank ? " (expected at %d)\n" : " (expected not in the top %d)\n",
               qs[i].edited.rank ? qs[i].edited.rank : EVAL_DEPTH);
    }
    for (size_t i = 0; compare && i < n; i++) {
        const char *a = qs[i].live.top, *b = qs[i].edited.top;
        if ((!a && !b) || (a && b && strcmp(a, b) == 0))
            continue;
        if (!changes++)
            puts("First answers the edits change (live -> edited):");
        fputs("  ", stdout);
        put(b);
        fputs(" now takes \"", stdout);
        put(qs[i].q);
        fputs("\" from ", stdout);
        put(a);
        printf("%s\n", wanted(qs[i].want, b ? b : "") ? " (now right)"
                       : wanted(qs[i].want, a ? a : "") ? " (was right)" : "");
    }
    if (compare && !changes)
        puts("No first answer changes.");
}

static cJSON *answer_json(const answer_t *a)
{
    cJSON *o = cJSON_CreateObject();
    if (a->top)
        cJSON_AddStringToObject(o, "top", a->top);
    else
        cJSON_AddNullToObject(o, "top");
    cJSON_AddNumberToObject(o, "rank", a->rank);
    return o;
}

static cJSON *figures_json(figures_t f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "hit1", f.hit1);
    cJSON_AddNumberToObject(o, "hit3", f.hit3);
    cJSON_AddNumberToObject(o, "mrr", f.mrr);
    return o;
}

static void print_json(const char *kb_dir, const query_t *qs, size_t n, int compare, size_t held)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kb", kb_dir);
    cJSON_AddNumberToObject(o, "queries", (double)n);
    cJSON_AddNumberToObject(o, "held_back", (double)held);
    cJSON_AddItemToObject(o, "edited", figures_json(score(qs, n, 0)));
    cJSON_AddItemToObject(o, "live", compare ? figures_json(score(qs, n, 1)) : cJSON_CreateNull());
    cJSON *arr = cJSON_AddArrayToObject(o, "results");
    for (size_t i = 0; arr && i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "query", qs[i].q);
        cJSON_AddStringToObject(x, "expected", qs[i].want);
        cJSON_AddNumberToObject(x, "line", qs[i].line);
        cJSON_AddItemToObject(x, "edited", answer_json(&qs[i].edited));
        cJSON_AddItemToObject(x, "live", compare ? answer_json(&qs[i].live) : cJSON_CreateNull());
        const char *a = qs[i].live.top, *b = qs[i].edited.top;
        cJSON_AddBoolToObject(x, "changed", compare && (!a != !b || (a && b && strcmp(a, b))));
        cJSON_AddItemToArray(arr, x);
    }
    char *s = kb_json_print(o);
    if (s)
        puts(s);
    free(s);
    cJSON_Delete(o);
}

/* Ask every question of QS on the index at DB (into edited, or live). */
static kb_status_t ask_all(const char *db, query_t *qs, size_t n, int live)
{
    kb_search_t *s = NULL;
    char *msg = NULL;
    kb_status_t st = kb_search_open(db, &s, &msg);
    if (st != KB_STATUS_SUCCESS) {
        char *c = kb_term_clean(msg ? msg : kb_status_to_string(st));
        fprintf(stderr, PROG ": %s\n", c ? c : "");
        free(c);
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < n; i++)
        st = ask(s, &qs[i], live ? &qs[i].live : &qs[i].edited);
    free(msg);
    kb_search_close(s);
    return st;
}

int kbi_eval(const char *queries, const char *kb_dir, const char *db, int compare, int json)
{
    char *buf = NULL, *tmp_db = NULL;
    size_t len = 0, held = 0;
    if (kb_file_read(queries, QUERIES_MAX_BYTES, &buf, &len) != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": cannot read %s\n", queries);
        return EXIT_USAGE;
    }
    query_t *qs = NULL;
    size_t n = read_queries(buf, queries, &qs);
    char dir[4096];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/kb-eval.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int rc = 0, made = 0;
    if (!n) {
        fprintf(stderr, PROG ": %s holds no 'question<TAB>expected-id' line\n", queries);
        rc = EXIT_USAGE;
    } else if (compare && !db) {
        fprintf(stderr, PROG ": no live index to compare with: set --db, $KB_DB or $HOME\n");
        rc = EXIT_USAGE;
    } else if (!(made = mkdtemp(dir) != NULL)) {
        fprintf(stderr, PROG ": cannot make a temporary folder in %s\n", dir);
        rc = EXIT_IO;
    }
    if (!rc && (build(kb_dir, dir, &tmp_db, &held) != KB_STATUS_SUCCESS ||
                ask_all(tmp_db, qs, n, 0) != KB_STATUS_SUCCESS ||
                (compare && ask_all(db, qs, n, 1) != KB_STATUS_SUCCESS)))
        rc = EXIT_IO;
    if (!rc && json)
        print_json(kb_dir, qs, n, compare, held);
    else if (!rc)
        print_text(kb_dir, qs, n, compare, held);
    if (made)
        kb_remove_tree(dir);
    for (size_t i = 0; i < n; i++) {
        free(qs[i].edited.top);
        free(qs[i].live.top);
    }
    free(qs);
    free(tmp_db);
    free(buf);
    return rc;
}
