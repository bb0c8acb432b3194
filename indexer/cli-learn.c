/* cli-learn.c - kb-index --learn: learned phrasings from the logs (kb/learn.h),
 * the summary line, what would change (--dry-run), JSON. */
#include "cli-report.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/clock.h"
#include "kb/json.h"
#include "kb/learn.h"
#include "kb/search.h"
#include "kb/terminal.h"

#define PROG "kb-index"

static int collect(void *ctx, const char *value)
{
    kb_strlist_t *l = ctx;
    return !kb_strlist_push(l, value, strlen(value));
}

/* The article ids of the index at DB (so marks for articles no longer in
 * the KB are skipped); 0 when it cannot be read (then every id is taken). */
static int index_ids(const char *db, kb_strlist_t *ids)
{
    kb_search_t *s;
    if (!db || kb_search_open(db, &s, NULL) != KB_STATUS_SUCCESS)
        return 0;
    int ok = kb_search_list(s, "id", collect, ids) == KB_STATUS_SUCCESS;
    kb_search_close(s);
    return ok;
}

static void put(const char *s)
{
    char *c = kb_term_clean(s);
    fputs(c ? c : "?", stdout);
    free(c);
}

static void print_changes(const kb_learn_result_t *r, int dry_run)
{
    for (size_t i = 0; i < r->n_changes; i++) {
        const kb_learn_change_t *c = &r->changes[i];
        int untouched = !strcmp(c->what, "untouched");
        if (!dry_run && !untouched)
            continue;
        FILE *fp = untouched ? stderr : stdout;
        if (untouched) {
            char *id = kb_term_clean(c->article), *why = kb_term_clean(c->why);
            fprintf(fp, PROG ": warning: _learned/%s.txt left as it is: %s\n", id ? id : "?",
                    why ? why : "");
            free(id);
            free(why);
            continue;
        }
        printf("  %s ", !strcmp(c->what, "added") ? "+" : !strcmp(c->what, "dropped") ? "-" : "!");
        put(c->article);
        fputs(": ", stdout);
        put(c->text);
        if (!strcmp(c->what, "added"))
            printf("  (%u mark%s)\n", c->marks, c->marks == 1 ? "" : "s");
        else if (!strcmp(c->what, "dropped"))
            printf("  (dropped: %s)\n", c->why ? c->why : "");
        else
            printf("  (rejected by an editor: not learned)\n");
    }
}

static cJSON *result_json(const kb_learn_result_t *r, int dry_run, double secs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "dry_run", dry_run);
    cJSON_AddNumberToObject(o, "added", r->added);
    cJSON_AddNumberToObject(o, "kept", r->kept);
    cJSON_AddNumberToObject(o, "dropped", r->dropped);
    cJSON_AddNumberToObject(o, "rejected", r->rejected);
    cJSON_AddNumberToObject(o, "lines", r->lines);
    cJSON_AddNumberToObject(o, "skipped", r->skipped);
    cJSON_AddNumberToObject(o, "marks", r->marks);
    cJSON *n = cJSON_AddObjectToObject(o, "not_learned");
    cJSON_AddNumberToObject(n, "personal", r->personal);
    cJSON_AddNumberToObject(n, "vulnerable", r->vulnerable);
    cJSON_AddNumberToObject(n, "contradicted", r->contradicted);
    cJSON_AddNumberToObject(n, "slips", r->slips);
    cJSON_AddNumberToObject(n, "single_words", r->short_words);
    cJSON_AddNumberToObject(n, "unknown_articles", r->unknown);
    cJSON_AddNumberToObject(o, "files", r->files);
    cJSON_AddNumberToObject(o, "seconds", secs);
    cJSON *a = cJSON_AddArrayToObject(o, "changes");
    for (size_t i = 0; a && i < r->n_changes; i++) {
        const kb_learn_change_t *c = &r->changes[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "article", c->article);
        cJSON_AddStringToObject(x, "text", c->text);
        cJSON_AddStringToObject(x, "what", c->what);
        if (c->why)
            cJSON_AddStringToObject(x, "why", c->why);
        cJSON_AddNumberToObject(x, "marks", c->marks);
        cJSON_AddItemToArray(a, x);
    }
    return o;
}

int kbi_learn(const kbi_learn_args_t *a)
{
    kb_strlist_t ids = {0};
    int have_ids = index_ids(a->db, &ids);
    kb_learn_opts_t o = {a->kb_dir, a->feedback_log, a->calls_dir, a->search_log, a->since,
                         a->dry_run, have_ids ? (const char *const *)ids.items : NULL, ids.n};
    kb_learn_result_t *r = NULL;
    char *msg = NULL;
    double t0 = kb_now_ms();
    kb_status_t st = kb_learn_run(&o, &r, &msg);
    double secs = (kb_now_ms() - t0) / 1000.0;
    kb_strlist_clear(&ids);
    if (st != KB_STATUS_SUCCESS) {
        char *c = kb_term_clean(msg ? msg : kb_status_to_string(st));
        fprintf(stderr, PROG ": %s\n", c ? c : "learning failed");
        free(c);
        free(msg);
        return st == KB_STATUS_BAD_ARGUMENT ? 2 : 3;
    }
    if (a->json) {
        cJSON *j = result_json(r, a->dry_run, secs);
        char *text = kb_json_print(j);
        if (text)
            puts(text);
        free(text);
        cJSON_Delete(j);
    } else {
        if (!have_ids && !a->quiet)
            fprintf(stderr, PROG ": warning: no index to check article ids against; "
                            "marks for every id are learned\n");
        print_changes(r, a->dry_run);
        if (!a->quiet)
            printf(PROG ": learned phrasings: %u added, %u kept, %u dropped, %u rejected "
                   "(%u marks from %u log lines; not learned: %u personal data, %u vulnerable "
                   "customer, %u contradicted, %u slips, %u single words, %u unknown articles)"
                   "%s, %.2f s\n",
                   r->added, r->kept, r->dropped, r->rejected, r->marks, r->lines, r->personal,
                   r->vulnerable, r->contradicted, r->slips, r->short_words, r->unknown,
                   a->dry_run ? ", dry run: nothing written" : "", secs);
    }
    kb_learn_free(r);
    return 0;
}
