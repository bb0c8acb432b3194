/* cli-report.c - kb-index --report, the text and JSON output. */
#include "cli-report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/json.h"
#include "kb/log.h"
#include "kb/report.h"
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

int kbi_report(const char *calls_dir, const char *feedback_log, const char *since, int json)
{
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
    free(calls);
    free(log);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": %s\n", msg ? msg : kb_status_to_string(st));
        free(msg);
        return st == KB_STATUS_BAD_ARGUMENT ? 2 : 3;
    }
    int rc = 0;
    if (json) {
        cJSON *o = kb_report_json(r);
        char *text = kb_json_print(o);
        if (text)
            printf("%s\n", text);
        else
            rc = 3;
        free(text);
        cJSON_Delete(o);
    } else {
        print_text(r);
    }
    kb_report_free(r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the report\n");
        rc = 3;
    }
    return rc;
}
