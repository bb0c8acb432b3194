/* cli-preview.c - kb-index --preview FILE and --new ID: the editor's view
 * of one article before it is live, and a new one from a template. */
#include "cli-editor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "kb/index.h"
#include "kb/render.h"
#include "kb/search.h"
#include "kb/terminal.h"

#define PROG "kb-index"
enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* ---------------------------------------------------------------- */
/* --preview                                                          */

/* 1 if FILE is inside the folder DIR. */
static int inside(const char *file, const char *dir)
{
    char *f = realpath(file, NULL), *d = realpath(dir, NULL);
    size_t n = d ? strlen(d) : 0;
    int in = f && d && strncmp(f, d, n) == 0 && f[n] == '/';
    free(f);
    free(d);
    return in;
}

/* 1 if paths A and B name the same existing file. */
static int same_file(const char *a, const char *b)
{
    struct stat x, y;
    return stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

/* FILE's problems as --check says them, against the folder KB_DIR (when
 * FILE is in it), else as the parser says them (PARSED).  Into OUT. */
static void problems(const char *file, const char *kb_dir, const kb_diags_t *parsed,
                     kb_diags_t *out, int *in_kb)
{
    kb_diags_t *all = NULL;
    kb_lint_result_t *r = NULL;
    kb_lint_opts_t o = {kb_dir, getenv("KB_TODAY"), -1, NULL};
    *in_kb = inside(file, kb_dir) && kb_diags_new(&all) == KB_STATUS_SUCCESS &&
             kb_lint_check(&o, all, &r, NULL) == KB_STATUS_SUCCESS;
    for (size_t i = 0; *in_kb && i < kb_diags_count(all); i++) {
        const kb_diag_t *d = kb_diags_get(all, i);
        if (same_file(d->path, file))
            kb_diags_add(out, d->level, file, d->line, "%s", d->message);
    }
    if (!*in_kb)
        kb_diags_extend(out, parsed);
    kb_lint_result_free(r);
    kb_diags_free(all);
}

static void put(const char *s)
{
    char *c = kb_term_clean(s);
    fputs(c ? c : "", stdout);
    free(c);
}

/* The result card: what officers see in the list of answers. */
static void print_card(const kb_article_t *a, const kb_escalation_t *e, int color, int width)
{
    printf("%s1. ", kb_term_style(color, KB_STYLE_BOLD));
    put(a->title ? a->title : a->id);
    printf("%s  [", kb_term_style(color, KB_STYLE_OFF));
    put(a->category ? a->category : "-");
    fputs("] ", stdout);
    put(a->id);
    putchar('\n');
    const char *lead = "";
    for (size_t i = 0; i < a->n_sections && !lead[0]; i++)
        lead = a->sections[i].text ? a->sections[i].text : "";
    kb_wrap_t w = {width - 1, "   ", "   ", 3, 0, NULL, 0, 0};
    char *text = kb_term_wrap(lead, &w);
    fputs(text ? text : "", stdout);
    free(text);
    if (e && e->n_path) {
        fputs("   Escalate to: ", stdout);
        put(e->path[0].title);
        if (e->path[0].contact) {
            fputs(", ", stdout);
            put(e->path[0].contact);
        }
        puts(!e->path[0].known_hours ? " (hours unknown)"
             : e->path[0].open      ? " (open now)" : " (closed now)");
    }
}

/* The escalation path A names, from the index at DB; a note when there is
 * none to show. */
static kb_escalation_t *path_of(const kb_article_t *a, const char *db, kb_buf_t *note)
{
    const char *tier = a->escalation ? a->escalation : a->next;
    if (!tier)
        return NULL;
    kb_search_t *s = NULL;
    kb_escalation_t *e = NULL;
    if (!db || kb_search_open(db, &s, NULL) != KB_STATUS_SUCCESS)
        kb_buf_printf(note, "no index at %s: the escalation path is not shown (kb-index builds "
                            "it)", db ? db : "(none)");
    else if (kb_search_escalation(s, tier, &e) != KB_STATUS_SUCCESS || !e)
        kb_buf_printf(note, "the escalation tier '%s' is not in the index at %s: officers "
                            "would get no escalation path", tier, db);
    kb_search_close(s);
    return e;
}

/* What the sections hold: headings and numbered steps (what :steps walks). */
static void print_sections(const kb_article_t *a)
{
    size_t steps = 0;
    for (size_t i = 0; i < a->n_sections; i++)
        steps += a->sections[i].n_steps;
    printf("Sections: %zu, with %zu numbered step%s in all\n", a->n_sections > 0 &&
           !a->sections[0].heading[0] ? a->n_sections - 1 : a->n_sections, steps,
           steps == 1 ? "" : "s");
    for (size_t i = 0; i < a->n_sections; i++) {
        const kb_section_t *s = &a->sections[i];
        if (!s->heading[0] && !s->n_steps)
            continue;
        fputs("  ", stdout);
        put(s->heading[0] ? s->path : "(the lead)");
        if (s->n_steps)
            printf(": %zu step%s (:steps walks them)", s->n_steps, s->n_steps == 1 ? "" : "s");
        putchar('\n');
    }
}

static int verdict(const kb_article_t *a, const kb_diags_t *d, int in_kb)
{
    size_t errors = kb_diags_errors(d);
    if (errors)
        printf("Not publishable: %zu error%s above; kb-index would hold it back (a version "
               "already live stays).\n", errors, errors == 1 ? "" : "s");
    else if (a->status)
        printf("A %s: kb-index checks it but officers do not see it (kb-search --drafts "
               "does); remove 'status: %s' to publish it.\n",
               strcmp(a->status, "draft") == 0 ? "draft" : "archived article", a->status);
    else
        puts("Publishable: officers will see it as below once kb-index has run.");
    if (!in_kb)
        puts("(It is not in the KB folder: its links and escalation were not checked.)");
    return errors ? EXIT_CONTENT : 0;
}

int kbi_preview(const char *file, const char *kb_dir, const char *db)
{
    kb_diags_t *parsed = NULL, *d = NULL;
    kb_article_t *a = NULL;
    if (kb_diags_new(&parsed) != KB_STATUS_SUCCESS || kb_diags_new(&d) != KB_STATUS_SUCCESS) {
        kb_diags_free(parsed);
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_IO;
    }
    kb_status_t st = kb_article_read(file, parsed, &a);
    int in_kb = 0;
    problems(file, kb_dir, parsed, d, &in_kb);
    kb_term_print_diags(stdout, PROG, d, 1);
    int rc = st == KB_STATUS_SUCCESS ? verdict(a, d, in_kb)
             : st == KB_STATUS_PARSE_ERROR ? EXIT_CONTENT : EXIT_IO;
    if (st == KB_STATUS_PARSE_ERROR)
        puts("Not an article yet: kb-index would reject the file (see above).");
    if (a) {
        int color = kb_term_color(stdout), width = kb_term_width(stdout);
        kb_buf_t note = KB_BUF_INIT;
        kb_escalation_t *e = path_of(a, db, &note);
        puts("\n-- As a result (kb-search, the assistant's cards) --");
        print_card(a, e, color, width);
        puts("\n-- Opened (kb-search --show, the assistant's :open) --");
        kb_render_opts_t ro = {width, color};
        char *view = kb_render_article(a, NULL, e, &ro);
        fputs(view ? view : "", stdout);
        free(view);
        putchar('\n');
        print_sections(a);
        if (note.len) {
            fputs("Note: ", stdout);
            put(note.data);
            putchar('\n');
        }
        kb_buf_free(&note);
        kb_escalation_free(e);
    }
    kb_article_free(a);
    kb_diags_free(parsed);
    kb_diags_free(d);
    return rc;
}
