/* lines.c - the Markdown renderer's output: styles, the container
 * stack, prefixed lines and word wrapping of a paragraph buffer
 * (markdown.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "markdown.h"
#include "text.h"

/* Heading styles by level (colour mode only). */
unsigned kbr_heading_style(int level)
{
    if (level <= 1)
        return ST_BOLD | ST_UNDER | ST_COLOUR(COL_MAGENTA);
    if (level == 2)
        return ST_BOLD | ST_UNDER;
    return ST_BOLD;
}

/* Display columns of N bytes of a paragraph buffer: code points, markers
 * excluded. */
size_t kbr_run_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        if (s[i] == MARK) {
            i += 2;
            continue;
        }
        unsigned cp;
        i += kb_utf8_decode(s + i, n - i, &cp);
        w += (size_t)kb_unicode_width(cp);
    }
    return w;
}

/* 1 if N bytes of paragraph buffer S hold text, not only style changes.
 * Text may take no column (a lone combining mark) and still needs a line. */
static int run_has_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i += 2)
        if (s[i] != MARK)
            return 1;
    return 0;
}

/* 1 if the character at S (N bytes left) is wide: a line may break before
 * and after it even without a space (Chinese and Japanese text has none). */
static int wide_at(const char *s, size_t n)
{
    unsigned cp;
    kb_utf8_decode(s, n, &cp);
    return kb_unicode_width(cp) == 2;
}

/* 1 if N bytes of paragraph buffer S, markers skipped, equal string T. */
int kbr_run_equals(const char *s, size_t n, const char *t)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == MARK) {
            i++;
            continue;
        }
        if (t[j] == '\0' || t[j] != s[i])
            return 0;
        j++;
    }
    return t[j] == '\0';
}

entry_t *kbr_push(render_t *r, cmark_node_type type, int width)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        entry_t *s = realloc(r->stack, cap * sizeof *s);
        if (!s) {
            r->oom = 1;
            return NULL;
        }
        r->stack = s;
        r->cap = cap;
    }
    entry_t *e = &r->stack[r->n];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->width = width;
    e->visible = r->nvis == r->n && r->prefix_w + width <= r->max_indent;
    if (e->visible) {
        r->nvis++;
        r->prefix_w += width;
    }
    r->n++;
    return e;
}

void kbr_pop(render_t *r)
{
    if (!r->n)
        return;
    entry_t *e = &r->stack[--r->n];
    if (e->visible) {
        r->nvis--;
        r->prefix_w -= e->width;
    }
}

entry_t *kbr_top(render_t *r)
{
    return r->n ? &r->stack[r->n - 1] : NULL;
}

int kbr_top_tight(render_t *r)
{
    entry_t *e = kbr_top(r);
    return e ? e->tight : 0;
}

/* ---------------------------------------------------------------- */
/* Output lines                                                       */

/* Write the escape sequence that resets the attributes and sets ST. */
static void out_style(render_t *r, unsigned st)
{
    kb_buf_t *b = &r->out;
    kb_buf_adds(b, "\033[0");
    if (st & ST_BOLD)
        kb_buf_adds(b, ";1");
    if (st & ST_ITALIC)
        kb_buf_adds(b, ";3");
    if (st & ST_UNDER)
        kb_buf_adds(b, ";4");
    unsigned c = ST_COLOUR_OF(st);
    if (c < COL_COUNT)
        kb_buf_adds(b, colour_sgr[c]);
    kb_buf_addc(b, 'm');
}

void kbr_add_spaces(kb_buf_t *b, int n)
{
    for (int i = 0; i < n; i++)
        kb_buf_addc(b, ' ');
}

static void add_bar(render_t *r, int trailing_space)
{
    if (r->color)
        kb_buf_adds(&r->out, "\033[0;90m\xe2\x94\x82\033[0m");
    else
        kb_buf_addc(&r->out, '>');
    if (trailing_space)
        kb_buf_addc(&r->out, ' ');
}

/* A blank line between blocks: the bars of the block quotes already open
 * around the text, no markers, no trailing spaces. */
static void blank_line(render_t *r)
{
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < r->nvis && r->stack[i].started; i++)
        if (r->stack[i].type == CMARK_NODE_BLOCK_QUOTE)
            last = i;
    for (size_t i = 0; last != SIZE_MAX && i <= last; i++) {
        entry_t *e = &r->stack[i];
        if (e->type == CMARK_NODE_BLOCK_QUOTE)
            add_bar(r, i < last);
        else
            kbr_add_spaces(&r->out, e->width);
    }
    kb_buf_addc(&r->out, '\n');
}

void kbr_line_begin(render_t *r)
{
    if (r->want_blank && r->any_output)
        blank_line(r);
    r->want_blank = 0;
    for (size_t i = 0; i < r->nvis; i++) {
        entry_t *e = &r->stack[i];
        e->started = 1;
        if (e->type == CMARK_NODE_BLOCK_QUOTE) {
            add_bar(r, 1);
        } else if (e->type == CMARK_NODE_ITEM) {
            if (e->pending)
                kb_buf_adds(&r->out, e->marker);
            else
                kbr_add_spaces(&r->out, e->width);
            e->pending = 0;
        }
    }
    r->col = 0;
    if (r->hidden[0]) {
        kb_buf_adds(&r->out, r->hidden);
        r->col = kb_utf8_width(r->hidden, strlen(r->hidden));
        r->hidden[0] = '\0';
    }
    if (r->color && r->style)
        out_style(r, r->style);
    r->line_open = 1;
}

void kbr_line_end(render_t *r)
{
    if (r->color && r->style)
        kb_buf_adds(&r->out, "\033[0m");
    kb_buf_addc(&r->out, '\n');
    r->line_open = 0;
    r->any_output = 1;
}

/* Copy N bytes of paragraph buffer to the output, turning markers into
 * escape sequences. */
static void emit_run(render_t *r, const char *s, size_t n)
{
    size_t i = 0, start = 0;
    while (i < n) {
        if (s[i] != MARK) {
            i++;
            continue;
        }
        kb_buf_add(&r->out, s + start, i - start);
        if (i + 1 < n) {
            unsigned st = (unsigned)((unsigned char)s[i + 1] - 0x40u);
            if (st != r->style) {
                r->style = st;
                if (r->line_open && r->color)
                    out_style(r, st);
            }
        }
        i += 2;
        start = i;
    }
    if (start < n)
        kb_buf_add(&r->out, s + start, n - start);
}

/* Word-wrap N bytes of paragraph buffer S (words separated by spaces, '\n'
 * a forced break) under the current prefix.  Returns the width of the
 * widest line. */
size_t kbr_wrap(render_t *r, const char *s, size_t n)
{
    int avail = r->width - r->prefix_w;
    if (avail < 1)
        avail = 1;
    size_t widest = 0;
    int words = 0;  /* on the current line */
    int gap = 0;    /* a space came before this word */
    size_t i = 0;
    while (i < n) {
        if (s[i] == ' ') {
            gap = 1;
            i++;
            continue;
        }
        if (s[i] == '\n') {
            if (!r->line_open)
                kbr_line_begin(r);
            kbr_line_end(r);
            words = 0;
            gap = 0;
            i++;
            continue;
        }
        /* A word runs to the next space, or is one wide character. */
        size_t j = i;
        int wide = s[i] != MARK && wide_at(s + i, n - i);
        while (j < n && s[j] != ' ' && s[j] != '\n') {
            if (s[j] == MARK) {
                j += 2;
                continue;
            }
            if (j > i && wide_at(s + j, n - j))
                break;
            unsigned cp;
            j += kb_utf8_decode(s + j, n - j, &cp);
            if (wide)
                break;
        }
        if (j > n)
            j = n;
        size_t w = kbr_run_width(s + i, j - i);
        if (w == 0 && !run_has_text(s + i, j - i)) {
            /* Only style changes: they take no room. */
            emit_run(r, s + i, j - i);
            i = j;
            continue;
        }
        if (!r->line_open) {
            kbr_line_begin(r);
        } else if (words && r->col + (gap ? 1 : 0) + w > (size_t)avail) {
            kbr_line_end(r);
            kbr_line_begin(r);
            words = 0;
        } else if (words && gap) {
            kb_buf_addc(&r->out, ' ');
            r->col++;
        }
        gap = 0;
        emit_run(r, s + i, j - i);
        r->col += w;
        if (r->col > widest)
            widest = r->col;
        words++;
        i = j;
    }
    if (r->line_open)
        kbr_line_end(r);
    r->style = 0;
    return widest;
}
