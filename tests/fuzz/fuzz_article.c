/* fuzz_article.c - libFuzzer target: one article file in (YAML front
 * matter + Markdown), parsed by kb_article_parse(), its body rendered by
 * kb_render_markdown(), and its stored form (schema.h) decoded again.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks what the
 * headers promise: a status with a diagnostic on failure, a valid id and
 * a lead section on success, lines inside the file, UTF-8 everywhere
 * (diagnostics included: they end up in JSON), rendered text with no
 * control character but newline (no escape at all without colour), steps
 * as single trimmed lines, and an encode/decode round trip that keeps the
 * fields, sections and steps.
 * When parsing fails the raw bytes are rendered instead (NULs, bad UTF-8).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "index/parse.h"
#include "kb/render.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "schema/ids.h"
#include "schema/schema.h"

static void check_strings(const kb_article_t *a)
{
    const char *const fields[] = {a->id, a->title, a->category, a->escalation, a->updated,
                                  a->review_by, a->owner, a->contact, a->hours, a->sla,
                                  a->next, a->body};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        KBF_CHECK(!fields[i] || kb_utf8_valid(fields[i], strlen(fields[i]), NULL),
                  "field %zu is not valid UTF-8", i);
    char *const *lists[] = {a->tags, a->questions, a->triggers};
    const size_t counts[] = {a->n_tags, a->n_questions, a->n_triggers};
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < counts[l]; i++)
            KBF_CHECK(lists[l][i] && lists[l][i][0] &&
                          kb_utf8_valid(lists[l][i], strlen(lists[l][i]), NULL),
                      "list %zu item %zu empty or not UTF-8", l, i);
}

/* Lines of the file as the parser counts them (CRLF, CR and LF breaks). */
static int count_lines(const uint8_t *data, size_t size)
{
    int n = 1;
    for (size_t i = 0; i < size; i++)
        if (data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n')))
            n++;
    return n;
}

static void check_article(const kb_article_t *a, int lines)
{
    KBF_CHECK(kb_id_valid(a->id), "id '%s'", a->id ? a->id : "(null)");
    KBF_CHECK(a->body != NULL, "no body");
    KBF_CHECK(a->body_line >= 1 && a->body_line <= lines, "body_line %d of %d", a->body_line,
              lines);
    KBF_CHECK(a->title_line >= 0 && a->title_line <= lines, "title_line %d of %d",
              a->title_line, lines);
    check_strings(a);
    KBF_CHECK(a->n_sections >= 1 && a->sections[0].level == 0 &&
                  strcmp(a->sections[0].heading, "") == 0,
              "no lead section");
    for (size_t i = 0; i < a->n_sections; i++) {
        const kb_section_t *s = &a->sections[i];
        KBF_CHECK(s->heading && s->path && s->text, "section %zu has a NULL field", i);
        KBF_CHECK(i == 0 || (s->level >= 2 && s->level <= 6), "section %zu level %d", i,
                  s->level);
        KBF_CHECK(s->line >= 1 && s->line <= lines, "section %zu line %d (of %d)", i, s->line,
                  lines);
        KBF_CHECK(i < 2 || s->line > a->sections[i - 1].line, "section %zu line %d after %d",
                  i, s->line, a->sections[i - 1].line);
        KBF_CHECK(i != 1 || s->line >= a->body_line, "first heading line %d before the body",
                  s->line);
        KBF_CHECK(kb_utf8_valid(s->heading, strlen(s->heading), NULL) &&
                      kb_utf8_valid(s->text, strlen(s->text), NULL),
                  "section %zu not UTF-8", i);
    }
    for (size_t i = 0; i < a->n_links; i++)
        KBF_CHECK(a->links[i].target && a->links[i].target[0] && a->links[i].line >= 1 &&
                      a->links[i].line <= lines,
                  "link %zu line %d of %d", i, a->links[i].line, lines);
}

static void check_render(const char *md, size_t len, int width, int color)
{
    kb_render_opts_t opts = {width, color};
    char *out = NULL;
    kb_status_t st = kb_render_markdown(md, len, &opts, &out);
    KBF_CHECK(st == KB_STATUS_SUCCESS && out, "kb_render_markdown: %s",
              kb_status_to_string(st));
    size_t n = strlen(out);
    if (kbf_verbose())
        kbf_say("  rendered at width %d%s: %zu bytes", width, color ? " in colour" : "", n);
    KBF_CHECK(n == 0 || out[n - 1] == '\n', "rendered text does not end with a newline");
    KBF_CHECK(kbf_clean_text(out, color), "rendered text has a control character "
                                          "or invalid UTF-8 (colour %d)", color);
    free(out);
}

/* Each section's steps are one line of plain text, trimmed, white space
 * collapsed (control characters stay: they are cleaned where printed). */
static void check_steps(const kb_article_t *a)
{
    for (size_t i = 0; i < a->n_sections; i++) {
        const kb_section_t *sec = &a->sections[i];
        KBF_CHECK(sec->n_steps == 0 || sec->steps, "section %zu: steps missing", i);
        for (size_t k = 0; k < sec->n_steps; k++) {
            const char *x = sec->steps[k];
            KBF_CHECK(x && !strchr(x, '\n') && !strstr(x, "  ") && x[0] != ' ' &&
                          (!*x || x[strlen(x) - 1] != ' '),
                      "section %zu step %zu not one trimmed line", i, k);
        }
    }
}

static int same_strv(char *const *x, size_t nx, char *const *y, size_t ny)
{
    if (nx != ny)
        return 0;
    for (size_t i = 0; i < nx; i++)
        if (strcmp(x[i], y[i]) != 0)
            return 0;
    return 1;
}

static int same_str(const char *x, const char *y)
{
    return (!x && !y) || (x && y && strcmp(x, y) == 0);
}

/* The stored form decodes to what was encoded. */
static void check_schema(const kb_article_t *a)
{
    char *data = kb_schema_article_encode(a);
    KBF_CHECK(data != NULL, "article encode failed");
    kb_article_t *b = NULL;
    kb_status_t st = kb_schema_article_decode(data, strlen(data), &b);
    free(data);
    KBF_CHECK(st == KB_STATUS_SUCCESS && b, "article decode: %s", kb_status_to_string(st));
    KBF_CHECK(same_str(a->id, b->id) && same_str(a->title ? a->title : a->id, b->title) &&
                  same_str(a->category, b->category) && same_str(a->body, b->body) &&
                  same_str(a->escalation, b->escalation) && same_str(a->hours, b->hours) &&
                  same_strv(a->tags, a->n_tags, b->tags, b->n_tags) &&
                  same_strv(a->questions, a->n_questions, b->questions, b->n_questions) &&
                  same_strv(a->triggers, a->n_triggers, b->triggers, b->n_triggers) &&
                  a->n_sections == b->n_sections,
              "article round trip differs");
    for (size_t i = 0; i < a->n_sections && i < b->n_sections; i++)
        KBF_CHECK(same_str(a->sections[i].heading, b->sections[i].heading) &&
                      same_strv(a->sections[i].steps, a->sections[i].n_steps, b->sections[i].steps,
                                b->sections[i].n_steps),
                  "section %zu round trip differs", i);
    kb_article_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Rendering options come from the input, so both modes are explored. */
    uint64_t h = kb_hash64(data, size);
    int width = (int)(h % 130) - 10;   /* includes 0 and below the minimum */
    int color = (int)((h >> 8) & 1);

    kb_diags_t *diags;
    if (kb_diags_new(&diags) != KB_STATUS_SUCCESS)
        abort();
    kb_article_t *a = (kb_article_t *)1;
    kb_status_t st = kb_article_parse("kb/fuzz/fuzz-article.md", (const char *)data, size, diags,
                                      &a);
    KBF_CHECK(st == KB_STATUS_SUCCESS || st == KB_STATUS_PARSE_ERROR ||
                  (st == KB_STATUS_TOO_LARGE && size > KB_ARTICLE_MAX_BYTES),
              "status %s", kb_status_to_string(st));
    int lines = count_lines(data, size);
    for (size_t i = 0; i < kb_diags_count(diags); i++) {
        const kb_diag_t *d = kb_diags_get(diags, i);
        KBF_CHECK(d && d->line >= 0 && d->line <= lines, "diagnostic %zu at line %d of %d", i,
                  d ? d->line : -1, lines);
        KBF_CHECK(d && d->path && d->message &&
                      kb_utf8_valid(d->message, strlen(d->message), NULL),
                  "diagnostic %zu is not valid UTF-8: %s", i, d && d->message ? d->message : "");
    }
    if (kbf_verbose()) {
        const kb_diag_t *d = kb_diags_count(diags) ? kb_diags_get(diags, 0) : NULL;
        kbf_say("article: %zu bytes: %s; %zu sections, %zu links, %zu words; %zu diagnostics%s",
                size, kb_status_to_string(st), st ? 0 : a->n_sections, st ? 0 : a->n_links,
                st ? 0 : a->words, kb_diags_count(diags), d ? ", the first:" : "");
        if (d)
            kbf_say("  line %d: %.200s", d->line, d->message);
    }
    if (st != KB_STATUS_SUCCESS) {
        KBF_CHECK(a == NULL, "*out not NULL on failure");
        KBF_CHECK(kb_diags_errors(diags) >= 1, "failure without an error diagnostic");
        /* The renderer takes untrusted bytes too: NULs, broken UTF-8. */
        check_render((const char *)data, size, width, color);
    } else {
        KBF_CHECK(a != NULL, "success without an article");
        check_article(a, lines);
        size_t blen = strlen(a->body);
        check_render(a->body, blen, width, color);
        check_steps(a);
        check_schema(a);
        kb_article_free(a);
    }
    kb_diags_free(diags);
    return 0;
}
