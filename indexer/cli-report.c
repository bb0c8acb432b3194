/* cli-report.c - kb-index --report, the text and JSON output. */
#include "cli-report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/json.h"
#include "kb/log.h"
#include "kb/report.h"
#include "kb/search.h"
#include "kb/terminal.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/paths.h"

#define PROG "kb-index"
/* Lines of each list in the text output; --json gives them all. */
#define TEXT_ROWS 20
/* Columns given to a query in the text output. */
#define QUERY_COLS 48

/* S cut to at most COLS columns (UTF-8 safe), "..." when cut; with PAD,
 * spaces fill the COLS. */
static void print_cut(const char *s, size_t cols, int pad)
{
    size_t len = strlen(s);
    if (kb_utf8_width(s, len) <= cols) {
        fputs(s, stdout);
        for (size_t w = kb_utf8_width(s, len); pad && w < cols; w++)
            putchar(' ');
        return;
    }
    size_t n = 0, w = 0;
    while (n < len) {
        unsigned cp;
        size_t step = kb_utf8_decode(s + n, len - n, &cp);
        int cw = kb_unicode_width(cp);
        if (!step || w + (size_t)(cw > 0 ? cw : 0) > cols - 3)
            break;
        w += (size_t)(cw > 0 ? cw : 0);
        n += step;
    }
    fwrite(s, 1, n, stdout);
    fputs("...", stdout);
    for (w += 3; pad && w < cols; w++)
        putchar(' ');
}

/* Control characters of a logged query shown as spaces: it came from a
 * person's typing, and must not move the cursor. */
/* Queries are customers' words: cleaned (C0, C1, invalid UTF-8) before
 * they reach the terminal. */
static char *printable(const char *s)
{
    return kb_term_clean(s);
}

static void print_text(const kb_report_t *r)
{
    int bold = kb_term_color(stdout);
    const char *b0 = bold ? "\033[1m" : "", *b1 = bold ? "\033[0m" : "";
    printf("%sSearches and feedback%s %s%s: %u call%s, %u search%s, %u feedback\n", b0, b1,
           r->since ? "since " : "(all records)", r->since ? r->since : "", r->calls,
           r->calls == 1 ? "" : "s", r->searches, r->searches == 1 ? "" : "es", r->feedback);
    printf("\n%sSearches with no answer%s: %u of %u", b0, b1, r->unanswered, r->searches);
    if (r->searches)
        printf(" (%.0f%%)", 100.0 * r->unanswered / r->searches);
    putchar('\n');
    if (!r->n_queries)
        printf("  none\n");
    for (size_t i = 0; i < r->n_queries && i < TEXT_ROWS; i++) {
        char *q = printable(r->queries[i].query);
        printf("  %4u  ", r->queries[i].count);
        print_cut(q ? q : "", QUERY_COLS, 1);
        /* "2026-11-22T16:11:44.968Z" -> "2026-11-22 16:11" */
        printf("  last %.10s %.5s\n", r->queries[i].last,
               strlen(r->queries[i].last) > 11 ? r->queries[i].last + 11 : "");
        free(q);
    }
    if (r->n_queries > TEXT_ROWS)
        printf("  ... %zu more (--json lists them all)\n", r->n_queries - TEXT_ROWS);
    printf("\n%sAnswers marked not helpful%s\n", b0, b1);
    if (!r->n_articles)
        printf("  none\n");
    for (size_t i = 0; i < r->n_articles && i < TEXT_ROWS; i++) {
        const kb_report_article_t *a = &r->articles[i];
        printf("  %4u of %-4u %s\n", a->unhelpful, a->unhelpful + a->helpful, a->id);
        for (size_t k = 0; k < a->n_queries; k++) {
            char *q = printable(a->queries[k]);
            printf("               \"");
            print_cut(q ? q : "", QUERY_COLS + 10, 0);
            printf("\"\n");
            free(q);
        }
    }
    if (r->n_articles > TEXT_ROWS)
        printf("  ... %zu more (--json lists them all)\n", r->n_articles - TEXT_ROWS);
    if (r->skipped)
        printf("\n%u line%s of the records not understood and skipped.\n", r->skipped,
               r->skipped == 1 ? "" : "s");
}

/* The list NAME of O, its first TEXT_ROWS items as "COUNT  KEY". */
static void print_list(const cJSON *o, const char *title, const char *name, const char *key)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, name), *x;
    printf("\n%s\n", title);
    if (!cJSON_GetArraySize(arr))
        printf("  none\n");
    int n = 0;
    cJSON_ArrayForEach(x, arr)
    {
        if (n++ == TEXT_ROWS)
            break;
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(x, key);
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(x, "count");
        if (!c)
            c = cJSON_GetObjectItemCaseSensitive(x, "phrasings");
        char *t = kb_term_clean(cJSON_IsString(k) ? k->valuestring
                                : cJSON_IsString(x) ? x->valuestring : "");
        if (cJSON_IsNumber(c))
            printf("  %4d  ", c->valueint);
        else
            printf("  ");
        print_cut(t ? t : "", QUERY_COLS + 10, 0);
        putchar('\n');
        free(t);
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(x, "examples"), *e;
        cJSON_ArrayForEach(e, ex)
        {
            char *q = cJSON_IsString(e) ? kb_term_clean(e->valuestring) : NULL;
            printf("          \"");
            print_cut(q ? q : "", QUERY_COLS + 4, 0);
            printf("\"\n");
            free(q);
        }
    }
}

/* What the search log, the call records and the learned files say. */
static void print_activity(const cJSON *o)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "logged_searches");
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(o, "not_covered");
    printf("\nSearch log: %d searches, %d with no answer or not covered\n",
           cJSON_IsNumber(n) ? n->valueint : 0, cJSON_IsNumber(u) ? u->valueint : 0);
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItemCaseSensitive(o, "by_day"))
    {
        const cJSON *day = cJSON_GetObjectItemCaseSensitive(d, "day"), *i;
        printf("  %s ", cJSON_IsString(day) ? day->valuestring : "?");
        cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(d, "interfaces"))
        {
            char *c = kb_term_clean(i->string);
            printf(" %s %d", c ? c : "?", i->valueint);
            free(c);
        }
        putchar('\n');
    }
    print_list(o, "Top queries", "top_queries", "query");
    print_list(o, "Not covered, by similar wording (what to write next)", "not_covered_groups",
               "words");
    printf("\nAlerts raised:");
    const cJSON *al;
    int any = 0;
    cJSON_ArrayForEach(al, cJSON_GetObjectItemCaseSensitive(o, "alerts"))
    {
        char *c = kb_term_clean(al->string);
        printf(" %s %d", c ? c : "?", al->valueint);
        free(c);
        any = 1;
    }
    printf("%s\n", any ? "" : " none");
    print_list(o, "Escalation paths used", "escalation_paths", "path");
    print_list(o, "Steps walked (article#section)", "steps", "steps");
    print_list(o, "Articles never shown", "never_shown", "id");
    print_list(o, "Articles past review", "past_review", "id");
    print_list(o, "Learned phrasings to review (KB_DIR/_learned/)", "learned", "id");
}

static int collect(void *ctx, const char *value)
{
    kb_strlist_t *l = ctx;
    return !kb_strlist_push(l, value, strlen(value));
}

/* The index's article ids and review dates (empty when it cannot be read). */
static void index_articles(const char *db, kb_strlist_t *ids, char ***review)
{
    kb_search_t *s;
    *review = NULL;
    if (!db || kb_search_open(db, &s, NULL) != KB_STATUS_SUCCESS)
        return;
    if (kb_search_list(s, "id", collect, ids) == KB_STATUS_SUCCESS &&
        (*review = calloc(ids->n + 1, sizeof **review)))
        for (size_t i = 0; i < ids->n; i++) {
            kb_article_t *a;
            if (kb_search_get_article(s, ids->items[i], &a) != KB_STATUS_SUCCESS)
                continue;
            (*review)[i] = a->review_by ? kb_strdup(a->review_by) : NULL;
            kb_article_free(a);
        }
    kb_search_close(s);
}

/* The search log, the articles and the learned phrasings, added to O. */
static kb_status_t add_activity(const kbi_report_args_t *a, const char *calls, cJSON *o,
                                char **msg)
{
    kb_strlist_t ids = {0};
    char **review;
    index_articles(a->db, &ids, &review);
    kb_activity_opts_t ao = {a->search_log, calls, a->since, (const char *const *)ids.items,
                             (const char *const *)review, review ? ids.n : 0,
                             getenv("KB_TODAY"), a->kb_dir};
    kb_status_t st = kb_report_activity(&ao, o, msg);
    if (review)
        kb_strv_free(review, ids.n);
    kb_strlist_clear(&ids);
    return st;
}

static int write_html(const char *path, const cJSON *o)
{
    char *page = kbi_report_html(o);
    FILE *fp = page ? fopen(path, "w") : NULL;
    int ok = fp && fputs(page, fp) >= 0;
    if (fp && fclose(fp) != 0)
        ok = 0;
    free(page);
    if (!ok) {
        char *c = kb_term_clean(path);
        fprintf(stderr, PROG ": cannot write %s\n", c ? c : "the page");
        free(c);
    }
    return ok ? 0 : 3;
}

int kbi_report(const kbi_report_args_t *a)
{
    const char *calls_dir = a->calls_dir, *feedback_log = a->feedback_log, *since = a->since;
    int json = a->json;
    char *calls = NULL, *log = NULL;
    if (calls_dir) {
        calls = kb_strdup(calls_dir);
    } else {
        char *state = kb_default_state_dir();
        if (state) {
            kb_buf_t b = KB_BUF_INIT;
            kb_buf_printf(&b, "%s/calls", state);
            calls = kb_buf_take(&b);
        }
        free(state);
    }
    log = feedback_log ? kb_strdup(feedback_log) : kb_feedback_default_path();
    if (!calls || !log) {
        fprintf(stderr, PROG ": no records location: set --calls and --feedback-log, "
                             "$XDG_STATE_HOME or $HOME\n");
        free(calls);
        free(log);
        return 2;
    }
    kb_report_t *r = NULL;
    char *msg = NULL;
    kb_status_t st = kb_report_build(calls, log, since, &r, &msg);
    free(log);
    cJSON *o = st == KB_STATUS_SUCCESS ? kb_report_json(r) : NULL;
    if (st == KB_STATUS_SUCCESS)
        st = o ? add_activity(a, calls, o, &msg) : KB_STATUS_OUT_OF_MEMORY;
    free(calls);
    if (st != KB_STATUS_SUCCESS) {
        char *c = kb_term_clean(msg ? msg : kb_status_to_string(st));
        fprintf(stderr, PROG ": %s\n", c ? c : "cannot read the records");
        free(c);
        free(msg);
        kb_report_free(r);
        cJSON_Delete(o);
        return st == KB_STATUS_BAD_ARGUMENT ? 2 : 3;
    }
    int rc = 0;
    if (json) {
        char *text = kb_json_print(o);
        if (text)
            printf("%s\n", text);
        else
            rc = 3;
        free(text);
    } else {
        print_text(r);
        print_activity(o);
    }
    if (a->html && !rc)
        rc = write_html(a->html, o);
    kb_report_free(r);
    cJSON_Delete(o);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the report\n");
        rc = 3;
    }
    return rc;
}
