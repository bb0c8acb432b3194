/* test_render.c - the terminal renderer of articles (steps: test_article.c) of a
 * section (kb/render.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "kb/render.h"
#include "base/buf.h"
#include "base/utf8.h"

/* Render MD at WIDTH with or without colour; never NULL (a failure is
 * reported and gives ""). The caller frees. */
static char *render(const char *md, int width, int color)
{
    kb_render_opts_t opts = {width, color};
    char *out = NULL;
    kb_status_t st = kb_render_markdown(md, strlen(md), &opts, &out);
    if (st != KB_STATUS_SUCCESS || !out) {
        OK(0, "kb_render_markdown failed: %s", kb_status_to_string(st));
        free(out);
        out = kb_strdup("");
    }
    return out;
}

static int has_esc(const char *s)
{
    return strchr(s, '\033') != NULL;
}

/* 1 if S has no control byte but '\n' (and, when ESCAPES, the escape
 * sequences the renderer writes: ESC '[' '0' ... 'm'). */
static int no_controls(const char *s, int escapes)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\033' && escapes && p[1] == '[' && p[2] == '0') {
            p += 2;
            while (*p && *p != 'm' && ((*p >= '0' && *p <= '9') || *p == ';'))
                p++;
            if (*p != 'm')
                return 0;
            continue;
        }
        if ((*p < 0x20 && *p != '\n') || *p == 0x7F)
            return 0;
        /* C1 controls, U+0080..U+009F. */
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return 0;
    }
    return 1;
}

/* The widest line of S in columns (code points), escape sequences
 * skipped. */
static size_t max_line_width(const char *s)
{
    size_t widest = 0, w = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            if (w > widest)
                widest = w;
            w = 0;
        } else if (*p == '\033') {
            while (*p && *p != 'm')
                p++;
            if (!*p)
                break;
        } else if (((unsigned char)*p & 0xC0) != 0x80) {
            w++;
        }
    }
    return w > widest ? w : widest;
}

static size_t count_lines(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static size_t count_substr(const char *s, const char *needle)
{
    size_t n = 0, l = strlen(needle);
    for (const char *p = strstr(s, needle); p; p = strstr(p + l, needle))
        n++;
    return n;
}

/* ---------------------------------------------------------------- */

static void test_headings(void)
{
    const char *md = "# Title\n\nLead.\n## Café policy\ntext\n\n### Sub part\n\nmore\n";
    char *out = render(md, 80, 0);
    STR_EQ(out,
           "Title\n=====\n\nLead.\n\nCafé policy\n-----------\n\ntext\n\nSub part\n\nmore\n",
           "plain headings: blank line before, level 2 underlined by display width");
    OK(!has_esc(out), "plain headings have no escape");
    free(out);

    out = render(md, 80, 1);
    STR_CONTAINS(out, "\033[0;1;4mCafé policy\033[0m\n", "colour: level 2 bold and underlined");
    STR_CONTAINS(out, "\033[0;1mSub part\033[0m\n", "colour: level 3 bold");
    OK(strstr(out, "-----") == NULL, "colour: no underline of dashes");
    OK(strstr(out, "#") == NULL, "no '#' is ever printed");
    free(out);
}

static void test_wrap_utf8(void)
{
    kb_buf_t b = KB_BUF_INIT;
    for (int i = 0; i < 30; i++)
        kb_buf_adds(&b, i ? " café" : "café");
    char *out = render(b.data, 20, 0);
    OK(max_line_width(out) <= 20, "lines fit in 20 columns (widest %zu)", max_line_width(out));
    INT_EQ(count_substr(out, "café"), 30, "no word cut");
    /* "café café café café" is 19 columns: four words a line, 23 bytes. */
    STR_CONTAINS(out, "café café café café\ncafé", "four 4-column words a line");
    OK(kb_utf8_valid(out, strlen(out), NULL), "output is valid UTF-8");
    free(out);
    kb_buf_free(&b);

    const char *md = "short xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx short\n";
    out = render(md, 20, 0);
    STR_EQ(out, "short\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nshort\n",
           "a word wider than the line gets its own line, uncut");
    free(out);

    out = render("one two\nthree four\\\nfive\n", 80, 0);
    STR_EQ(out, "one two three four\nfive\n", "soft breaks join, hard breaks break");
    free(out);

    out = render("word word word word word word\n", 0, 0);
    STR_EQ(out, "word word word word word word\n", "width 0 means 80");
    free(out);
}

static void test_numbered_start(void)
{
    char *out = render("3. three\n4. four\n5. five\n", 80, 0);
    STR_EQ(out, "3. three\n4. four\n5. five\n", "numbers follow the start number");
    free(out);

    out = render("9. nine\n10. ten\n", 80, 0);
    STR_EQ(out, " 9. nine\n10. ten\n", "numbers right-aligned");
    free(out);

    out = render("1) paren\n2) delim\n", 80, 0);
    STR_EQ(out, "1) paren\n2) delim\n", "')' delimiter kept");
    free(out);

    out = render("1. first\n\n2. second\n", 80, 0);
    STR_EQ(out, "1. first\n\n2. second\n", "loose list keeps blank lines");
    free(out);
}

static void test_nested_indent(void)
{
    const char *md = "- a\n  - b\n    - c\n- d\n\nAfter.\n";
    char *out = render(md, 80, 0);
    STR_EQ(out, "- a\n  - b\n    - c\n- d\n\nAfter.\n", "plain: nested by 2 per level");
    free(out);

    out = render(md, 80, 1);
    STR_EQ(out, "• a\n  • b\n    • c\n• d\n\nAfter.\n", "colour: bullets");
    free(out);

    out = render("1. step\n   - detail\n2. next\n", 80, 0);
    STR_EQ(out, "1. step\n   - detail\n2. next\n", "under a number: indented by 3");
    free(out);

    out = render("- alpha beta gamma delta epsilon\n  - zeta eta theta iota kappa\n", 20, 0);
    STR_EQ(out,
           "- alpha beta gamma\n  delta epsilon\n  - zeta eta theta\n    iota kappa\n",
           "wrapped lines hang under the item text");
    free(out);
}

static void test_emphasis(void)
{
    const char *md = "An *important* and **bold** and ***both*** word.\n";
    char *out = render(md, 80, 0);
    STR_EQ(out, "An important and bold and both word.\n", "plain: text only, no asterisks");
    OK(!has_esc(out), "plain: no ESC byte");
    free(out);

    out = render(md, 80, 1);
    STR_CONTAINS(out, "\033[0;3mimportant\033[0m", "colour: emphasis in italics");
    STR_CONTAINS(out, "\033[0;1mbold\033[0m", "colour: strong in bold");
    STR_CONTAINS(out, "\033[0;1;3mboth\033[0m", "colour: both");
    free(out);

    /* A style running over a line end is closed there and reopened. */
    out = render("**one two three four five six seven eight**\n", 20, 1);
    int closed = 1;
    for (const char *l = out; *l; l = strchr(l, '\n') + 1) {
        const char *e = strchr(l, '\n');
        if (!e || e - l < 4 || strncmp(e - 4, "\033[0m", 4) != 0 || strncmp(l, "\033[0;1m", 6))
            closed = 0;
    }
    OK(closed && count_lines(out) > 1, "bold wrapped: every line opens and closes it");
    free(out);
}

static void test_inline_code(void)
{
    char *out = render("Type `kb-search --show x` now.\n", 80, 0);
    STR_EQ(out, "Type `kb-search --show x` now.\n", "plain: backticks kept");
    free(out);

    out = render("Type `kb-search` now.\n", 80, 1);
    STR_CONTAINS(out, "\033[0;36mkb-search\033[0m", "colour: code in cyan");
    OK(strchr(out, '`') == NULL, "colour: no backticks");
    free(out);

    const char *md = "```\nfoo\tbar\n  a_rather_long_line_of_code_that_is_not_wrapped(x);\n```\n";
    out = render(md, 20, 0);
    STR_EQ(out, "    foo bar\n      a_rather_long_line_of_code_that_is_not_wrapped(x);\n",
           "code block: indented by 4, tabs expanded, not wrapped");
    free(out);
}

static void test_internal_link(void)
{
    char *out = render("See [lost cards](kb:card-lost).\n", 80, 0);
    STR_EQ(out, "See lost cards [card-lost].\n", "kb: link shown as [id]");
    free(out);

    out = render("See [other](../policy/other-id.md#part) too.\n", 80, 0);
    STR_EQ(out, "See other [other-id] too.\n", "file link shown as [id]");
    free(out);

    out = render("See [card-lost](card-lost.md) and <kb:fees>.\n", 80, 0);
    STR_EQ(out, "See [card-lost] and [fees].\n", "id not repeated when it is the text");
    free(out);

    out = render("See [lost cards](kb:card-lost).\n", 80, 1);
    STR_CONTAINS(out, "\033[0;34m[card-lost]\033[0m", "colour: id in blue");
    free(out);
}

static void test_external_link(void)
{
    char *out = render("Read [the terms](https://example.com/terms?a=1).\n", 80, 0);
    STR_EQ(out, "Read the terms (https://example.com/terms?a=1).\n", "text (url)");
    free(out);

    out = render("Go to <https://example.com/x> or <help@example.com>.\n", 80, 0);
    STR_EQ(out, "Go to https://example.com/x or help@example.com.\n",
           "autolinks: the URL once");
    free(out);

    out = render("![chip diagram](img/chip.png)\n", 80, 0);
    STR_EQ(out, "chip diagram (img/chip.png)\n", "image: alt text and source");
    free(out);
}

static void test_html_dropped(void)
{
    const char *md = "<div class=\"x\">\n<script>alert(1)</script>\n</div>\n\n"
                     "Text with <span style=\"c\">inline</span> tags.<!-- note -->\n\n"
                     "<!--\nhidden\n-->\n";
    char *out = render(md, 80, 0);
    STR_EQ(out, "Text with inline tags.\n", "HTML blocks and tags dropped");
    free(out);
    out = render(md, 80, 1);
    OK(strchr(out, '<') == NULL && strstr(out, "alert") == NULL, "colour: no HTML either");
    free(out);
}

static void test_control_chars(void)
{
    const char *md = "bell\a esc\033[31mred\033[0m csi\xc2\x9b"
                     "2J del\x7f back\b end\n\n"
                     "```\n\033]0;title\a\n```\n\n"
                     "# head\033[2J\n\n- item\033c\n\n`code\033[5m`\n";
    char *out = render(md, 80, 0);
    OK(no_controls(out, 0), "plain: no control characters");
    OK(!has_esc(out), "plain: no ESC byte at all");
    STR_CONTAINS(out, "bell? esc?[31mred?[0m csi?2J del? back? end", "replaced by '?'");
    free(out);

    out = render(md, 80, 1);
    OK(no_controls(out, 1), "colour: only the renderer's own escapes");
    OK(strstr(out, "\033[31m") == NULL && strstr(out, "\033]") == NULL &&
           strstr(out, "\033[2J") == NULL && strstr(out, "\033c") == NULL,
       "colour: the article's escapes do not get through");
    free(out);

    /* Invalid UTF-8 and NUL bytes. */
    const char bad[] = "caf\xc3 \xff\xfe x\xe2\x82 \0nul\n";
    kb_render_opts_t opts = {80, 0};
    out = NULL;
    INT_EQ(kb_render_markdown(bad, sizeof bad - 1, &opts, &out), KB_STATUS_SUCCESS,
           "invalid UTF-8 renders");
    OK(out && kb_utf8_valid(out, strlen(out), NULL) && no_controls(out, 0),
       "invalid UTF-8: output valid and clean");
    free(out);
}

static void test_quote_and_rule(void)
{
    char *out = render("> quoted words here\n>\n> second\n\n---\n", 20, 0);
    STR_EQ(out, "> quoted words here\n>\n> second\n\n--------------------\n",
           "plain quote and rule");
    free(out);

    out = render("> quoted\n", 20, 1);
    STR_CONTAINS(out, "\xe2\x94\x82\033[0m quoted", "colour: quote bar");
    free(out);
}

static void test_deep_nesting(void)
{
    const char *units[] = {"> ", "- ", "1. ", "> - "};
    for (size_t u = 0; u < sizeof units / sizeof *units; u++) {
        kb_buf_t b = KB_BUF_INIT;
        for (int i = 0; i < 10000; i++)
            kb_buf_adds(&b, units[u]);
        kb_buf_adds(&b, "deep text\n");
        for (int color = 0; color <= 1; color++) {
            kb_render_opts_t opts = {80, color};
            char *out = NULL;
            kb_status_t st = kb_render_markdown(b.data, b.len, &opts, &out);
            INT_EQ(st, KB_STATUS_SUCCESS, "10,000 deep renders");
            STR_CONTAINS(out, "deep text", "deep text shown");
            OK(out && max_line_width(out) <= 80, "indent capped (\"%s\" x 10000, colour %d)",
               units[u], color);
            free(out);
        }
        kb_buf_free(&b);
    }

    /* Nested by indentation, many lines. */
    kb_buf_t b = KB_BUF_INIT;
    for (int i = 0; i < 2000; i++)
        kb_buf_printf(&b, "%*s- item %d\n", 2 * i, "", i);
    char *out = render(b.data, 40, 0);
    INT_EQ(count_lines(out), 2000, "2,000 nested items, one line each");
    OK(max_line_width(out) <= 40, "indent capped");
    free(out);
    kb_buf_free(&b);

    /* A huge line. */
    size_t n = 4u << 20;
    char *huge = malloc(n + 1);
    if (huge) {
        memset(huge, 'w', n);
        huge[n] = '\0';
        out = render(huge, 80, 0);
        INT_EQ(strlen(out), n + 1, "a 4 MiB word is one line");
        free(out);
        free(huge);
    }
}

static void test_empty(void)
{
    char *out = render("", 80, 0);
    STR_EQ(out, "", "empty input");
    free(out);
    out = render("\n\n   \n", 80, 1);
    STR_EQ(out, "", "blank input");
    free(out);

    out = (char *)1;
    INT_EQ(kb_render_markdown(NULL, 0, NULL, &out), KB_STATUS_SUCCESS, "NULL, 0 is empty");
    STR_EQ(out, "", "NULL, 0 gives \"\"");
    free(out);
    out = (char *)1;
    INT_EQ(kb_render_markdown(NULL, 3, NULL, &out), KB_STATUS_BAD_ARGUMENT, "NULL with a length");
    OK(out == NULL, "out NULL on failure");
    INT_EQ(kb_render_markdown("x", 1, NULL, NULL), KB_STATUS_BAD_ARGUMENT, "NULL out");
}

int main(void)
{
    test_headings();
    test_wrap_utf8();
    test_numbered_start();
    test_nested_indent();
    test_emphasis();
    test_inline_code();
    test_internal_link();
    test_external_link();
    test_html_dropped();
    test_control_chars();
    test_quote_and_rule();
    test_deep_nesting();
    test_empty();
    return HARNESS_DONE();
}
