/* lint.c - kb_lint_run: check a KB folder without writing anything. */
#include "kb/index.h"
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scan.h"
#include "synonyms.h"
#include "schema/hours.h"
#include "base/strmap.h"
#include "base/buf.h"

typedef struct lint {
    kb_diags_t *diags;
    kb_article_t **articles;
    size_t n;
    kb_strmap_t *ids;        /* id -> index (decimal) of the first article */
    char today[11];
} lint_t;

static const kb_article_t *by_id(const lint_t *l, const char *id)
{
    const char *v = id ? kb_strmap_get(l->ids, id, NULL) : NULL;
    return v ? l->articles[strtoul(v, NULL, 10)] : NULL;
}

static int is_escalation(const kb_article_t *a)
{
    return a && a->category && strcmp(a->category, "escalation") == 0;
}

static int known_category(const char *c)
{
    for (const char *const *k = kb_article_categories(); *k; k++)
        if (strcmp(*k, c) == 0)
            return 1;
    return 0;
}

static void check_fields(lint_t *l, const kb_article_t *a)
{
    kb_diags_t *d = l->diags;
    if (!a->title)
        kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "missing title (add 'title:' or a # heading)");
    if (!a->category) {
        kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "missing category");
    } else if (!known_category(a->category)) {
        kb_diags_add(d, KB_DIAG_ERROR, a->path, 1,
                     "unknown category '%s' (policy, product, troubleshooting, security, "
                     "guidance or escalation)", a->category);
    }
    if (a->n_questions + a->n_phrases > KB_ARTICLE_MAX_QUESTIONS)
        kb_diags_add(d, KB_DIAG_WARNING, a->path, 1,
                     "%zu questions and phrases: only the first %d are searched",
                     a->n_questions + a->n_phrases, KB_ARTICLE_MAX_QUESTIONS);
    if (!a->n_questions && !is_escalation(a))
        kb_diags_add(d, KB_DIAG_WARNING, a->path, 1,
                     "no questions: add how customers ask about this");
    if (a->review_by && strcmp(a->review_by, l->today) < 0)
        kb_diags_add(d, KB_DIAG_WARNING, a->path, 1, "review date %s has passed", a->review_by);
    if (a->escalation) {
        const kb_article_t *t = by_id(l, a->escalation);
        if (!t)
            kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "unknown escalation id '%s'",
                         a->escalation);
        else if (!is_escalation(t))
            kb_diags_add(d, KB_DIAG_ERROR, a->path, 1,
                         "escalation '%s' is not an escalation article (category: %s)",
                         a->escalation, t->category ? t->category : "none");
    }
    for (size_t i = 0; i < a->n_links; i++)
        if (!by_id(l, a->links[i].target))
            kb_diags_add(d, KB_DIAG_ERROR, a->path, a->links[i].line,
                         "broken link: no article with id '%s'", a->links[i].target);
    if (is_escalation(a)) {
        if (!a->contact)
            kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "escalation tier without 'contact'");
        if (!a->sla)
            kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "escalation tier without 'sla'");
        if (!a->hours) {
            kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "escalation tier without 'hours'");
        } else {
            kb_hours_t h;
            char err[128];
            if (kb_hours_parse(a->hours, &h, err, sizeof err) != KB_STATUS_SUCCESS)
                kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "malformed hours '%s': %s",
                             a->hours, err);
        }
        if (a->next) {
            const kb_article_t *t = by_id(l, a->next);
            if (!t)
                kb_diags_add(d, KB_DIAG_ERROR, a->path, 1, "unknown next tier '%s'", a->next);
            else if (!is_escalation(t))
                kb_diags_add(d, KB_DIAG_ERROR, a->path, 1,
                             "next tier '%s' is not an escalation article", a->next);
        }
    } else if (a->contact || a->hours || a->sla || a->next) {
        kb_diags_add(d, KB_DIAG_WARNING, a->path, 1,
                     "contact/hours/sla/next only mean something on escalation articles");
    }
}

/* Follow next from each tier; a tier met twice on one walk is a cycle.
 * Each cycle is reported once, on its alphabetically first member. */
static void check_cycles(lint_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const kb_article_t *start = l->articles[i];
        if (!is_escalation(start) || !start->next)
            continue;
        const kb_article_t *slow = start, *fast = start;
        int cycle = 0;
        while (fast && fast->next) {
            fast = by_id(l, fast->next);
            if (!fast || !fast->next)
                break;
            fast = by_id(l, fast->next);
            slow = by_id(l, slow->next);
            if (fast && fast == slow) {
                cycle = 1;
                break;
            }
        }
        if (!cycle)
            continue;
        /* Is START on the cycle, and the smallest id on it? */
        const kb_article_t *p = slow;
        int on = 0, smallest = 1;
        kb_buf_t path = KB_BUF_INIT;
        do {
            if (p == start)
                on = 1;
            if (strcmp(p->id, start->id) < 0)
                smallest = 0;
            p = by_id(l, p->next);
        } while (p && p != slow);
        if (!on || !smallest)
            continue;
        p = start;
        do {
            kb_buf_printf(&path, "%s -> ", p->id);
            p = by_id(l, p->next);
        } while (p && p != start);
        kb_buf_adds(&path, start->id);
        kb_diags_add(l->diags, KB_DIAG_ERROR, start->path, 1, "escalation cycle: %s",
                     path.data ? path.data : "");
        kb_buf_free(&path);
    }
}

kb_status_t kb_lint_run(const char *kb_dir, const char *today, kb_diags_t *diags,
                        size_t *articles, char **message)
{
    if (articles)
        *articles = 0;
    if (message)
        *message = NULL;
    lint_t l;
    memset(&l, 0, sizeof l);
    l.diags = diags;
    if (today) {
        snprintf(l.today, sizeof l.today, "%s", today);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(l.today, sizeof l.today, "%Y-%m-%d", &tm);
    }
    kbi_scan_t scan;
    kb_status_t st = kbi_scan(kb_dir, diags, &scan);
    if (st != KB_STATUS_SUCCESS) {
        if (message) {
            kb_buf_t m = KB_BUF_INIT;
            kb_buf_printf(&m, "cannot read the KB folder %s: %s", kb_dir, strerror(errno));
            *message = kb_buf_take(&m);
        }
        return st;
    }
    st = kb_strmap_new(&l.ids);
    l.articles = calloc(scan.n ? scan.n : 1, sizeof *l.articles);
    if (!l.articles)
        st = KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < scan.n; i++) {
        kb_article_t *a;
        kb_status_t ps = kb_article_load(scan.files[i].path, diags, &a);
        if (ps == KB_STATUS_OUT_OF_MEMORY)
            st = ps;
        if (ps != KB_STATUS_SUCCESS)
            continue;
        const char *seen = kb_strmap_get(l.ids, a->id, NULL);
        if (seen) {
            kb_diags_add(diags, KB_DIAG_ERROR, a->path, 1, "duplicate id '%s' (also %s)", a->id,
                         l.articles[strtoul(seen, NULL, 10)]->path);
            kb_article_free(a);
            continue;
        }
        char num[24];
        snprintf(num, sizeof num, "%zu", l.n);
        st = kb_strmap_set(l.ids, a->id, num);
        l.articles[l.n++] = a;
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < l.n; i++)
        check_fields(&l, l.articles[i]);
    if (st == KB_STATUS_SUCCESS)
        check_cycles(&l);
    if (st == KB_STATUS_SUCCESS && scan.synonyms) {
        kbi_synonyms_t syn;
        if (kbi_synonyms_load(scan.synonyms, diags, &syn) == KB_STATUS_SUCCESS)
            kbi_synonyms_free(&syn);
    }
    if (articles)
        *articles = l.n;
    for (size_t i = 0; i < l.n; i++)
        kb_article_free(l.articles[i]);
    free(l.articles);
    kb_strmap_free(l.ids);
    kbi_scan_free(&scan);
    kb_diags_sort(diags);
    return st;
}
