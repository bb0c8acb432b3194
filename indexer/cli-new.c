/* cli-new.c - kb-index --new ID --category C: a new article from a
 * template that explains every field, written as a draft (checked by
 * kb-index, never shown to officers until the editor publishes it). */
#include "cli-editor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "kb/article.h"
#include "kb/index.h"
#include "kb/terminal.h"

#define PROG "kb-index"
enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };
/* The first review is due this many days after writing. */
#define REVIEW_DAYS 180

static int known_category(const char *c)
{
    for (const char *const *k = kb_article_categories(); *k; k++)
        if (strcmp(*k, c) == 0)
            return 1;
    return 0;
}

/* "card-not-arrived" -> "Card not arrived". */
static void title_of(kb_buf_t *b, const char *id)
{
    for (const char *p = id; *p; p++)
        kb_buf_addc(b, p == id && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p == '-' ? ' ' : *p);
}

static void date_in(char *out, size_t n, int days)
{
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(out, n, "%Y-%m-%d", &tm);
}

static void front_matter(kb_buf_t *b, const char *id, const char *category)
{
    char today[16], review[16];
    date_in(today, sizeof today, 0);
    date_in(review, sizeof review, REVIEW_DAYS);
    kb_buf_t t = KB_BUF_INIT;
    title_of(&t, id);
    kb_buf_printf(b,
        "---\n"
        "# Written by kb-index --new.  Lines starting with '#' are comments: delete\n"
        "# them when you are done.  See it as officers will:\n"
        "#     kb-index --preview THIS-FILE\n"
        "# Publish it by deleting the 'status: draft' line, then run kb-index.\n"
        "id: %s          # lowercase-with-hyphens; links name it (kb:%s); keep it once live\n"
        "title: %s       # what officers read first: a short phrase, under 120 characters\n"
        "category: %s    # policy, product, troubleshooting, security, guidance or escalation\n"
        "status: draft   # draft: checked, not shown to officers; archived: retired\n"
        "tags: []        # words to filter by, e.g. [card, delivery] (kb-search --tag card)\n"
        "questions:      # how customers really ask, in their words: search weighs these most\n"
        "  - %s?\n"
        "# phrases:      # more ways customers put it: searched, not shown\n"
        "#   - \"still waiting on the post\"\n",
        id, id, t.data ? t.data : id, category, t.data ? t.data : id);
    if (strcmp(category, "escalation") == 0)
        kb_buf_adds(b,
            "contact: \"ext. 0000, queue NAME\"  # how to reach the team\n"
            "hours: \"Mon-Fri 08:00-20:00\"      # or \"24/7\"; days; HH:MM-HH:MM, desk local time\n"
            "sla: \"same working day\"           # what the customer can be promised\n"
            "# next: duty-manager              # the tier after this one, if it cannot help\n"
            "# triggers: [stolen, fraud]       # customer words that send a call here\n");
    else
        kb_buf_adds(b, "# escalation: card-operations   # the escalation tier officers may need\n");
    kb_buf_printf(b,
        "updated: %s     # when the content last changed (YYYY-MM-DD)\n"
        "review_by: %s   # kb-index --check lists it for review from this date\n"
        "owner: your-team     # who reviews it: kb-index --check --owner your-team\n"
        "---\n",
        today, review);
    kb_buf_free(&t);
}

static void body(kb_buf_t *b)
{
    kb_buf_adds(b,
        "The answer first, in one or two sentences: what the officer tells the customer.\n"
        "\n"
        "## What to do\n"
        "1. The first step, where the officer does it (Back office > ...).\n"
        "2. The next step.\n"
        "\n"
        "## If that does not work\n"
        "What to say, and whom to call. Link to another article as `[its title](kb:its-id)`.\n");
}

/* Did the lint of KB_DIR find FILE's id on another article? */
static int id_taken(const char *kb_dir, const char *file)
{
    kb_diags_t *d = NULL;
    kb_lint_result_t *r = NULL;
    kb_lint_opts_t o = {kb_dir, NULL, -1, NULL};
    int taken = 0;
    if (kb_diags_new(&d) == KB_STATUS_SUCCESS && kb_lint_check(&o, d, &r, NULL) == KB_STATUS_SUCCESS)
        for (size_t i = 0; i < kb_diags_count(d) && !taken; i++) {
            const kb_diag_t *x = kb_diags_get(d, i);
            taken = strcmp(x->path, file) == 0 && strstr(x->message, "duplicate id") != NULL;
        }
    kb_lint_result_free(r);
    kb_diags_free(d);
    return taken;
}

static int write_new(const char *path, const kb_buf_t *b)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        char *c = kb_term_clean(path);
        fprintf(stderr, PROG ": %s: %s\n", c ? c : "", errno == EEXIST
                ? "already exists; pick another id, or edit that file" : strerror(errno));
        free(c);
        return errno == EEXIST ? EXIT_CONTENT : EXIT_IO;
    }
    ssize_t w = write(fd, b->data, b->len);
    int ok = w == (ssize_t)b->len && fsync(fd) == 0;
    ok &= close(fd) == 0;
    if (!ok) {
        fprintf(stderr, PROG ": cannot write the new article: %s\n", strerror(errno));
        unlink(path);
        return EXIT_IO;
    }
    return 0;
}

int kbi_new(const char *id, const char *category, const char *kb_dir)
{
    if (!kb_id_valid(id)) {
        fprintf(stderr, PROG ": '%s' is not an id: use lowercase letters, digits and single "
                        "hyphens (card-not-arrived)\n", id);
        return EXIT_USAGE;
    }
    if (!known_category(category)) {
        fprintf(stderr, PROG ": unknown category (policy, product, troubleshooting, security, "
                        "guidance or escalation)\n");
        return EXIT_USAGE;
    }
    kb_buf_t dir = KB_BUF_INIT, path = KB_BUF_INIT, text = KB_BUF_INIT;
    kb_buf_printf(&dir, "%s/%s", kb_dir, category);
    kb_buf_printf(&path, "%s/%s.md", dir.data ? dir.data : "", id);
    front_matter(&text, id, category);
    body(&text);
    int rc = dir.oom || path.oom || text.oom ? EXIT_IO : 0;
    if (!rc && kb_mkdir_p(dir.data, 0755) != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": cannot create the folder: %s\n", strerror(errno));
        rc = EXIT_IO;
    }
    if (!rc)
        rc = write_new(path.data, &text);
    if (!rc && id_taken(kb_dir, path.data)) {
        fprintf(stderr, PROG ": another article already has the id '%s'; nothing written\n", id);
        unlink(path.data);
        rc = EXIT_CONTENT;
    }
    if (!rc) {
        char *c = kb_term_clean(path.data);
        printf(PROG ": wrote %s, a draft; fill it in, then: kb-index --preview %s\n", c ? c : "",
               c ? c : "");
        free(c);
    }
    kb_buf_free(&dir);
    kb_buf_free(&path);
    kb_buf_free(&text);
    return rc;
}
