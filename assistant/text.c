/* text.c - the assistant's shorthands over libkb's terminal text
 * (kb/terminal.h): cleaning and wrapping into a buffer, the width, and
 * messages for the officer. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assistant.h"
#include "kb/terminal.h"
#include "base/buf.h"

const char *kba_sty(int color, kb_style_t style)
{
    return kb_term_style(color, style);
}

void kba_buf_clean(kb_buf_t *b, const char *s)
{
    char *c = kb_term_clean(s);
    if (c)
        kb_buf_adds(b, c);
    else
        b->oom = 1;
    free(c);
}

static void append_wrap(kb_buf_t *b, const char *text, const kb_wrap_t *w)
{
    char *out = kb_term_wrap(text, w);
    if (out)
        kb_buf_adds(b, out);
    else
        b->oom = 1;
    free(out);
}

void kba_wrap(kb_buf_t *b, const char *text, const kb_highlight_t *hl, size_t n_hl, int color,
              int width, const char *first, const char *rest, int max_lines)
{
    kb_wrap_t w = {width, first, rest, max_lines, color, hl, n_hl, 0};
    append_wrap(b, text, &w);
}

void kba_wrap_styled(kb_buf_t *b, const char *text, int width, const char *first, const char *rest)
{
    kb_wrap_t w = {width, first, rest, 0, 0, NULL, 0, 1};
    append_wrap(b, text, &w);
}

int kba_width(void)
{
    int w = kb_term_width(stdout);
    return w < 40 ? 40 : w;
}

void kba_say(const char *fmt, ...)
{
    fflush(stdout);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

void kba_flush_buf(kb_buf_t *b)
{
    if (b->len)
        fwrite(b->data, 1, b->len, stdout);
    kb_buf_clear(b);
}
