/* fuzz_article.c - libFuzzer target: one article file in (YAML front
 * matter + Markdown), parsed by kb_article_parse(), its body rendered by
 * kb_render_markdown() and its sections' steps listed by kb_render_steps().
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks what the
 * headers promise: a status with a diagnostic on failure, a valid id and
 * a lead section on success, lines inside the file, UTF-8 everywhere
 * (diagnostics included: they end up in JSON), rendered text with no
 * control character but newline (no escape at all without colour), steps
 * as single clean lines, as many as the indexer counted for the section.
 * When parsing fails the raw bytes are rendered instead (NULs, bad UTF-8).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kb/article.h"
#include "kb/render.h"
#include "kb/util.h"

static void check_strings(const kb_article_t *a)
{
    const char *const fields[] = {a->id, a->title, a->category, a->escalation, a->updated,
                                  a->review_by, a->owner, a->contact, a->hours, a->sla,
                                  a->next, a->body};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        KBF_CHECK(!fields[i] || kb_utf8_valid(fields[i], strlen(fields[i]), NULL),
                  "field %zu is not valid UTF-8", i);
    const kb_strlist_t *lists[] = {&a->tags, &a->questions, &a->triggers};
    for (size_t l = 0; l < 3; l++)
        for (size_t i = 0; i < lists[l]->n; i++)
            KBF_CHECK(lists[l]->items[i] && lists[l]->items[i][0] &&
                          kb_utf8_valid(lists[l]->items[i], strlen(lists[l]->items[i]), NULL),
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
        KBF_CHECK(s->line >= 1 && s->line <= lines && s->steps >= 0,
                  "section %zu line %d (of %d) steps %d", i, s->line, lines, s->steps);
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

/* A key under which two headings kb_render_steps() could confuse are
 * equal: blanks dropped, control characters (C0, DEL, C1) as '?', ASCII
 * lowercased.  Headings with different keys are certainly told apart. */
static char *heading_key(const char *h)
{
    kb_buf_t b = KB_BUF_INIT;
    for (const unsigned char *p = (const unsigned char *)h; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            continue;
        if (*p < 0x20 || *p == 0x7f) {
            kb_buf_addc(&b, '?');
        } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            kb_buf_addc(&b, '?');
            p++;
        } else {
            kb_buf_addc(&b, (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p));
        }
    }
    char *k = kb_buf_take(&b);
    if (!k)
        abort();
    return k;
}

/* 1 if no section before I (the lead included: "" finds it) has a heading
 * that could match section I's. */
static int heading_unique(const kb_article_t *a, size_t i)
{
    char *k = heading_key(a->sections[i].heading);
    int unique = 1;
    for (size_t j = 0; j < i && unique; j++) {
        char *o = heading_key(a->sections[j].heading);
        unique = strcmp(k, o) != 0;
        free(o);
    }
    free(k);
    return unique;
}

/* List the steps of section HEADING; WANT is the number the indexer
 * counted, or -1 when the steps found may belong to another section. */
static void check_steps(const char *md, size_t len, const char *heading, int must_find,
                        int want)
{
    kb_steps_t steps;
    kb_status_t st = kb_render_steps(md, len, heading, &steps);
    KBF_CHECK(st == KB_STATUS_SUCCESS || (!must_find && st == KB_STATUS_NOT_FOUND),
              "kb_render_steps('%s'): %s", heading, kb_status_to_string(st));
    KBF_CHECK(want < 0 || st != KB_STATUS_SUCCESS || steps.n == (size_t)want,
              "section '%s': the indexer counts %d steps, kb_render_steps() lists %zu",
              heading, want, steps.n);
    for (size_t i = 0; i < steps.n; i++) {
        const char *s = steps.items[i];
        KBF_CHECK(s && kbf_clean_text(s, 0) && !strchr(s, '\n') && !strstr(s, "  ") &&
                      s[0] != ' ' && (!*s || s[strlen(s) - 1] != ' '),
                  "step %zu not one clean line", i);
    }
    kb_steps_free(&steps);
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
        check_steps((const char *)data, size, "", 1, -1);
    } else {
        KBF_CHECK(a != NULL, "success without an article");
        check_article(a, lines);
        size_t blen = strlen(a->body);
        check_render(a->body, blen, width, color);
        check_steps(a->body, blen, "", 1, a->sections[0].steps);
        for (size_t i = 1; i < a->n_sections && i < 8; i++)
            check_steps(a->body, blen, a->sections[i].heading, 1,
                        heading_unique(a, i) ? a->sections[i].steps : -1);
        kb_article_free(a);
    }
    kb_diags_free(diags);
    return 0;
}
