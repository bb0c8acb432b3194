/* cli-check.c - kb-index --check: the lint, and the review worklist. */
#include "cli-editor.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/index.h"
#include "kb/json.h"
#include "kb/terminal.h"

#define PROG "kb-index"
enum { EXIT_CONTENT = 1, EXIT_IO = 3 };

cJSON *kbi_diags_json(const kb_diags_t *d, kb_diag_level_t level)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < kb_diags_count(d); i++) {
        const kb_diag_t *x = kb_diags_get(d, i);
        if (x->level != level)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", x->path);
        cJSON_AddNumberToObject(o, "line", x->line);
        cJSON_AddStringToObject(o, "message", x->message);
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static void add_opt(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *reviews_json(const kb_lint_result_t *r)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; arr && i < r->n_reviews; i++) {
        const kb_review_t *v = &r->reviews[i];
        cJSON *o = cJSON_CreateObject();
        add_opt(o, "path", v->path);
        add_opt(o, "id", v->id);
        add_opt(o, "title", v->title);
        add_opt(o, "owner", v->owner);
        add_opt(o, "review_by", v->review_by);
        cJSON_AddNumberToObject(o, "days", (double)v->days);
        cJSON_AddStringToObject(o, "state", v->days < 0 ? "past" : "due");
        add_opt(o, "status", v->status ? v->status : "published");
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static void print_clean(const char *s)
{
    char *c = kb_term_clean(s);
    fputs(c ? c : "", stdout);
    free(c);
}

/* The worklist: every article past or near its review date, oldest first,
 * with its file, date and owner. */
static void print_reviews(const kb_lint_result_t *r, const char *owner, int within)
{
    size_t past = 0;
    for (size_t i = 0; i < r->n_reviews; i++)
        past += r->reviews[i].days < 0;
    printf("Reviews%s%s%s: %zu past, %zu due within %d days\n", owner ? " (owner " : "",
           owner ? owner : "", owner ? ")" : "", past, r->n_reviews - past,
           within < 0 ? 30 : within);
    for (size_t i = 0; i < r->n_reviews; i++) {
        const kb_review_t *v = &r->reviews[i];
        char when[40];
        if (v->days < 0)
            snprintf(when, sizeof when, "%ld day%s ago", -v->days, v->days == -1 ? "" : "s");
        else if (v->days == 0)
            snprintf(when, sizeof when, "today");
        else
            snprintf(when, sizeof when, "in %ld day%s", v->days, v->days == 1 ? "" : "s");
        printf("  %-4s %s %-13s ", v->days < 0 ? "past" : "due", v->review_by, when);
        print_clean(v->owner ? v->owner : "(no owner)");
        fputs("  ", stdout);
        print_clean(v->path);
        if (v->status) {
            fputs("  [", stdout);
            print_clean(v->status);
            putchar(']');
        }
        putchar('\n');
    }
}

/* D without the review-date warnings, which the worklist lists in full. */
static kb_diags_t *without_reviews(const kb_diags_t *d)
{
    kb_diags_t *out = NULL;
    if (kb_diags_new(&out) != KB_STATUS_SUCCESS)
        return NULL;
    for (size_t i = 0; i < kb_diags_count(d); i++) {
        const kb_diag_t *x = kb_diags_get(d, i);
        if (x->level == KB_DIAG_WARNING && strncmp(x->message, "review date ", 12) == 0)
            continue;
        kb_diags_add(out, x->level, x->path, x->line, "%s", x->message);
    }
    return out;
}

static void print_text(const kb_lint_result_t *r, const kb_diags_t *d, const char *kb_dir,
                       int strict, int quiet, const char *owner, int within)
{
    size_t errors = kb_diags_errors(d), warnings = kb_diags_warnings(d);
    kb_diags_t *shown = quiet ? NULL : without_reviews(d);
    kb_term_print_diags(stderr, PROG, shown ? shown : d, 1);
    kb_diags_free(shown);
    if (quiet)
        return;
    if (r->n_reviews || owner)
        print_reviews(r, owner, within);
    printf(PROG ": checked %zu articles in %s: %zu error%s, %zu warning%s%s", r->articles,
           kb_dir, errors, errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s",
           strict && warnings && !errors ? " (--strict: warnings count as errors)" : "");
    if (r->ignored)
        printf("; %zu file%s or folder%s left out as no articles (README.md, _ or . names, "
               ".kbignore)", r->ignored, r->ignored == 1 ? "" : "s", r->ignored == 1 ? "" : "s");
    putchar('\n');
}

int kbi_check(const char *kb_dir, int strict, int quiet, int json, const char *owner,
              int within)
{
    kb_diags_t *d;
    if (kb_diags_new(&d) != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_IO;
    }
    const char *today = getenv("KB_TODAY");
    kb_lint_opts_t o = {kb_dir, today && *today ? today : NULL, within, owner};
    kb_lint_result_t *r = NULL;
    char *msg = NULL;
    kb_status_t st = kb_lint_check(&o, d, &r, &msg);
    if (st != KB_STATUS_SUCCESS) {
        char *c = kb_term_clean(msg ? msg : kb_status_to_string(st));
        fprintf(stderr, PROG ": %s\n", c ? c : "");
        free(c);
        free(msg);
        kb_diags_free(d);
        return EXIT_IO;
    }
    size_t errors = kb_diags_errors(d), warnings = kb_diags_warnings(d);
    int failed = errors > 0 || (strict && warnings > 0);
    if (json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kb", kb_dir);
        cJSON_AddNumberToObject(j, "articles", (double)r->articles);
        cJSON_AddItemToObject(j, "errors", kbi_diags_json(d, KB_DIAG_ERROR));
        cJSON_AddItemToObject(j, "warnings", kbi_diags_json(d, KB_DIAG_WARNING));
        cJSON_AddBoolToObject(j, "ok", !failed);
        cJSON_AddItemToObject(j, "reviews", reviews_json(r));
        cJSON_AddNumberToObject(j, "ignored", (double)r->ignored);
        char *s = kb_json_print(j);
        if (s)
            puts(s);
        free(s);
        cJSON_Delete(j);
    } else {
        print_text(r, d, kb_dir, strict, quiet, owner, within);
    }
    kb_lint_result_free(r);
    kb_diags_free(d);
    return failed ? EXIT_CONTENT : 0;
}
