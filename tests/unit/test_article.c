/* test_article.c - the article parser: front matter fields, sections,
 * links, and every kind of bad input. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "index/parse.h"
#include "base/buf.h"
#include "schema/ids.h"

static kb_article_t *parse(const char *path, const char *text, size_t len, kb_diags_t *d,
                           kb_status_t *st)
{
    kb_article_t *a = NULL;
    *st = kb_article_parse(path, text, len, d, &a);
    return a;
}

static int has_diag(const kb_diags_t *d, kb_diag_level_t level, int line, const char *needle)
{
    for (size_t i = 0; i < kb_diags_count(d); i++) {
        const kb_diag_t *x = kb_diags_get(d, i);
        if (x->level == level && (line < 0 || x->line == line) && strstr(x->message, needle))
            return 1;
    }
    return 0;
}

static void test_full_article(void)
{
    const char *md =
        "---\n"
        "id: card-not-arrived\n"
        "title: My card hasn't arrived\n"
        "category: Troubleshooting\n"
        "tags: [Card, delivery]\n"
        "questions:\n"
        "  - Where is my card?\n"
        "  - \"I ordered a card: nothing came\"\n"
        "escalation: card-operations\n"
        "updated: 2026-10-12\n"
        "review_by: 2027-04-12\n"
        "owner: cards-team\n"
        "---\n"
        "Short answer first.\n"
        "\n"
        "## If it has been less than 7 working days\n"
        "Wait.\n"
        "\n"
        "### Abroad\n"
        "Longer.\n"
        "\n"
        "## If it has been longer\n"
        "1. Check the *delivery* address.\n"
        "2. Order a [replacement](kb:order-physical-card).\n"
        "\n"
        "See [fees](../policy/fees-card-payments.md#top) and [web](https://x.example/a.md).\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("kb/troubleshooting/x.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_SUCCESS, "parses");
    if (!a)
        return;
    STR_EQ(a->id, "card-not-arrived", "id from front matter");
    STR_EQ(a->title, "My card hasn't arrived", "title");
    STR_EQ(a->category, "troubleshooting", "category lowercased");
    INT_EQ(a->n_tags, 2, "two tags");
    STR_EQ(a->tags[0], "card", "tags lowercased");
    INT_EQ(a->n_questions, 2, "two questions");
    STR_EQ(a->questions[1], "I ordered a card: nothing came", "quoted question");
    STR_EQ(a->escalation, "card-operations", "escalation");
    STR_EQ(a->updated, "2026-10-12", "updated");
    STR_EQ(a->review_by, "2027-04-12", "review_by");
    STR_EQ(a->owner, "cards-team", "owner");
    INT_EQ(a->body_line, 14, "body starts after the front matter");
    INT_EQ(a->n_sections, 4, "lead + three headed sections");
    STR_EQ(a->sections[0].heading, "", "lead has no heading");
    STR_EQ(a->sections[0].text, "Short answer first.", "lead text");
    STR_EQ(a->sections[1].heading, "If it has been less than 7 working days", "heading");
    INT_EQ(a->sections[1].line, 16, "heading line is a file line");
    STR_EQ(a->sections[2].path, "If it has been less than 7 working days > Abroad",
           "heading path of a subsection");
    INT_EQ(a->sections[3].n_steps, 2, "numbered steps counted");
    STR_CONTAINS(a->sections[3].text, "Check the delivery address.", "emphasis flattened");
    INT_EQ(a->n_links, 2, "two internal links (external skipped)");
    STR_EQ(a->links[0].target, "order-physical-card", "kb: link");
    STR_EQ(a->links[1].target, "fees-card-payments", "relative .md link with anchor");
    INT_EQ(a->links[0].line, 24, "link line");
    INT_EQ(kb_diags_count(d), 0, "no diagnostics");
    OK(a->words > 20, "words counted (%zu)", a->words);
    kb_article_free(a);
    kb_diags_free(d);
}

static void test_no_front_matter(void)
{
    const char *md = "# tar\n\n> Archiving utility.\n\n- Create an archive:\n\n`tar cf x.tar y`\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("pages/common/Tar_Gz.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_SUCCESS, "no front matter parses");
    STR_EQ(a->id, "tar-gz", "id from the file name, normalised");
    STR_EQ(a->title, "tar", "title from the first heading");
    OK(!a->has_front_matter, "flagged as without front matter");
    STR_CONTAINS(a->sections[0].text, "tar cf x.tar y", "inline code is text");
    INT_EQ(a->n_sections, 1, "one section");
    kb_article_free(a);
    kb_diags_free(d);
}

static void test_broken_yaml(void)
{
    const char *md = "---\ntitle: ok\ntags: [a, b\ncategory: policy\n---\nBody\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("x.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "broken YAML rejected");
    OK(a == NULL, "no article");
    OK(kb_diags_errors(d) == 1, "one error");
    const kb_diag_t *x = kb_diags_get(d, 0);
    OK(x && x->line >= 3 && x->line <= 5, "error has a file line near the problem (%d)",
       x ? x->line : -1);
    STR_CONTAINS(x ? x->message : NULL, "front matter", "message says where");
    /* libyaml finds the unclosed [ only at the next key: the message is at
     * the line where it was opened, the one to fix, and says what to do. */
    OK(x && x->line == 3, "the error is at the key whose list is not closed (%d)",
       x ? x->line : -1);
    STR_CONTAINS(x ? x->message : NULL, "the list opened with '[' is not closed",
                 "message says what is wrong in plain words");
    kb_diags_free(d);
}

static void test_unclosed_front_matter(void)
{
    const char *md = "---\ntitle: ok\n\nBody without a closing line\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    parse("x.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "unclosed front matter rejected");
    OK(has_diag(d, KB_DIAG_ERROR, 1, "not closed"), "says it is not closed");
    kb_diags_free(d);
}

static void test_wrong_types(void)
{
    const char *md = "---\ntitle: [a, list]\ncategory: policy\ntags: card, delivery\n"
                     "questions: {q: 1}\nupdated: yesterday\nmood: happy\n---\n# Heading title\n"
                     "Body.\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("x.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_SUCCESS, "wrong types are not fatal");
    OK(has_diag(d, KB_DIAG_WARNING, 2, "'title' should be a string"), "title type warned");
    STR_EQ(a->title, "Heading title", "title falls back to the heading");
    OK(has_diag(d, KB_DIAG_WARNING, 4, "'tags' should be a list"), "scalar tags warned");
    INT_EQ(a->n_tags, 2, "comma-separated tags read");
    OK(has_diag(d, KB_DIAG_WARNING, 5, "'questions' should be a list"), "mapping warned");
    OK(has_diag(d, KB_DIAG_WARNING, 6, "not a date"), "bad date warned");
    OK(a->updated == NULL, "bad date ignored");
    OK(has_diag(d, KB_DIAG_WARNING, 7, "unknown front-matter key 'mood'"), "unknown key warned");
    kb_article_free(a);
    kb_diags_free(d);
}

static void test_invalid_id(void)
{
    const char *md = "---\nid: Not Kebab\n---\nBody\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    parse("x.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "invalid explicit id rejected");
    OK(has_diag(d, KB_DIAG_ERROR, 2, "invalid id"), "error on the id line");
    kb_diags_free(d);
}

static void test_invalid_utf8(void)
{
    const char md[] = "---\ntitle: ok\n---\nline one\nbad \xff byte\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    parse("x.md", md, sizeof md - 1, d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "invalid UTF-8 rejected");
    OK(has_diag(d, KB_DIAG_ERROR, 5, "invalid UTF-8 (byte 0xff at column 5)"),
       "error names line and column");
    kb_diags_clear(d);
    const char nul[] = "# t\nNUL\0here\n";
    parse("x.md", nul, sizeof nul - 1, d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "NUL byte rejected");
    OK(has_diag(d, KB_DIAG_ERROR, 2, "NUL byte"), "NUL byte located");
    kb_diags_clear(d);
    const char overlong[] = "# t\n\xc0\xaf\n";
    parse("x.md", overlong, sizeof overlong - 1, d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "overlong encoding rejected");
    kb_diags_free(d);
}

static void test_bom_crlf(void)
{
    const char md[] = "\xef\xbb\xbf---\r\ntitle: Windows file\r\ncategory: policy\r\n---\r\n"
                      "Lead.\r\n\r\n## Part\r\nText.\r\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("x.md", md, sizeof md - 1, d, &st);
    INT_EQ(st, KB_STATUS_SUCCESS, "BOM and CRLF accepted");
    STR_EQ(a->title, "Windows file", "title read through CRLF");
    INT_EQ(a->n_sections, 2, "sections found");
    OK(a && !strchr(a->body, '\r'), "no CR left in the body");
    INT_EQ(a->sections[1].line, 7, "lines still count right");
    kb_article_free(a);
    kb_diags_free(d);
}

static void test_empty_and_large(void)
{
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    parse("x.md", "", 0, d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "empty file rejected");
    OK(has_diag(d, KB_DIAG_ERROR, 0, "empty article"), "says empty");
    kb_diags_clear(d);
    parse("x.md", " \n\n\t\n", 5, d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "blank file rejected");
    kb_diags_clear(d);
    size_t n = KB_ARTICLE_MAX_BYTES + 1;
    char *big = malloc(n);
    memset(big, 'a', n);
    parse("x.md", big, n, d, &st);
    INT_EQ(st, KB_STATUS_TOO_LARGE, "over the size limit");
    OK(has_diag(d, KB_DIAG_ERROR, 0, "over the limit"), "clear message");
    free(big);
    kb_diags_free(d);
}

static void test_html_and_code(void)
{
    const char *md = "---\ntitle: t\n---\n<div class=\"x\">secret markup</div>\n\n"
                     "Text with <span>inline</span> html.\n\n```\ncode block line\n```\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("x.md", md, strlen(md), d, &st);
    INT_EQ(st, KB_STATUS_SUCCESS, "HTML parses");
    OK(!strstr(a->sections[0].text, "secret markup"), "HTML blocks are not text");
    OK(!strstr(a->sections[0].text, "<span>"), "inline HTML tags dropped");
    STR_CONTAINS(a->sections[0].text, "inline", "text around inline HTML kept");
    STR_CONTAINS(a->sections[0].text, "code block line", "code blocks are text");
    kb_article_free(a);
    kb_diags_free(d);
}

static void test_hostile_yaml(void)
{
    const char *bomb = "---\na: &a [x, x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b]\n---\nB\n";
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    parse("x.md", bomb, strlen(bomb), d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "YAML aliases refused");
    OK(has_diag(d, KB_DIAG_ERROR, -1, "aliases are not allowed"), "says why");
    kb_diags_clear(d);
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "---\nx: ");
    for (int i = 0; i < 10000; i++)
        kb_buf_addc(&b, '[');
    kb_buf_adds(&b, "\n---\nB\n");
    parse("x.md", b.data, b.len, d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "10,000-deep YAML refused");
    kb_buf_free(&b);
    kb_diags_clear(d);
    const char *list = "---\n- a\n- b\n---\nB\n";
    parse("x.md", list, strlen(list), d, &st);
    INT_EQ(st, KB_STATUS_PARSE_ERROR, "front matter that is a list refused");
    OK(has_diag(d, KB_DIAG_ERROR, -1, "must be a mapping"), "says it must be a mapping");
    kb_diags_free(d);
}

static void test_deep_markdown(void)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "# deep\n\n");
    for (int i = 0; i < 5000; i++)
        kb_buf_adds(&b, "> ");
    kb_buf_adds(&b, "quoted\n\n");
    for (int i = 0; i < 3000; i++) {
        for (int k = 0; k < i % 40; k++)
            kb_buf_adds(&b, "  ");
        kb_buf_adds(&b, "- item\n");
    }
    kb_diags_t *d;
    kb_diags_new(&d);
    kb_status_t st;
    kb_article_t *a = parse("x.md", b.data, b.len, d, &st);
    INT_EQ(st, KB_STATUS_SUCCESS, "deeply nested quotes and lists parse");
    STR_CONTAINS(a ? a->sections[0].text : NULL, "quoted", "innermost text kept");
    kb_article_free(a);
    kb_diags_free(d);
    kb_buf_free(&b);
}

static void test_id_from_path(void)
{
    char *id = kb_article_id_from_path("a/b/Card--Not_Arrived.md");
    STR_EQ(id, "card-not-arrived", "normalised file name");
    free(id);
    id = kb_article_id_from_path("a/___.md");
    OK(id == NULL, "nothing usable gives NULL");
    OK(kb_id_valid("card-not-arrived") && !kb_id_valid("Card") && !kb_id_valid("a--b") &&
           !kb_id_valid("-a") && !kb_id_valid(""),
       "id validation");
}

static const char steps_md[] =
    "---\ntitle: Steps\n---\n"
    "Lead text.\n\n"
    "1. Lead step\n\n"
    "## What the officer does\n\n"
    "Intro.\n\n"
    "1. Check the **address** in `Back office`.\n"
    "2. Reorder via [the form](https://x.example/f) <b>now</b>.\n"
    "   - sub note\n"
    "   1. nested number\n"
    "3. Tell the\n   customer.\n\n"
    "> 1. quoted step\n\n"
    "## When to escalate\n\n"
    "Escalate to [ops](kb:ops).\n\n"
    "- a bullet, not a step\n";

/* Steps are parsed once, by the indexer: the items of a section's numbered
 * lists not inside another numbered item, as plain text. */
static void test_steps(void)
{
    kb_article_t *a = NULL;
    kb_status_t st = kb_article_parse("kb/steps.md", steps_md, strlen(steps_md), NULL, &a);
    INT_EQ(st, KB_STATUS_SUCCESS, "parsed");
    if (!a)
        return;
    INT_EQ(a->n_sections, 3, "lead and two sections");
    if (a->n_sections == 3) {
        const kb_section_t *s = &a->sections[1];
        INT_EQ(s->n_steps, 4, "four steps (the quoted one counts)");
        if (s->n_steps == 4) {
            STR_EQ(s->steps[0], "Check the address in Back office.", "step 1, markup dropped");
            STR_EQ(s->steps[1], "Reorder via the form now. sub note nested number",
                   "step 2, nested content flattened");
            STR_EQ(s->steps[2], "Tell the customer.", "step 3, line break joined");
            STR_EQ(s->steps[3], "quoted step", "step in a block quote");
        }
        INT_EQ(a->sections[2].n_steps, 0, "a section with no steps");
        OK(a->sections[2].steps == NULL, "no list");
        INT_EQ(a->sections[0].n_steps, 1, "the lead's one step");
        if (a->sections[0].n_steps == 1)
            STR_EQ(a->sections[0].steps[0], "Lead step", "lead step text");
    }
    kb_article_free(a);
}

int main(void)
{
    test_steps();
    test_full_article();
    test_no_front_matter();
    test_broken_yaml();
    test_unclosed_front_matter();
    test_wrong_types();
    test_invalid_id();
    test_invalid_utf8();
    test_bom_crlf();
    test_empty_and_large();
    test_html_and_code();
    test_hostile_yaml();
    test_deep_markdown();
    test_id_from_path();
    return HARNESS_DONE();
}
