/* text.c - terminal text: styles, display width, cleaning and wrapping. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "assistant.h"
#include "kb/term.h"
#include "base/buf.h"
#include "base/utf8.h"

const char *kba_sty(int color, kba_style_t style)
{
    if (!color)
        return "";
    switch (style) {
    case KBA_OFF: return "\033[0m";
    case KBA_BOLD: return "\033[1m";
    case KBA_DIM: return "\033[2m";
    case KBA_RED: return "\033[31m";
    case KBA_GREEN: return "\033[32m";
    case KBA_YELLOW: return "\033[33m";
    case KBA_CYAN: return "\033[36m";
    case KBA_BOLD_RED: return "\033[1;31m";
    case KBA_BOLD_YELLOW: return "\033[1;33m";
    }
    return "";
}

size_t kba_cols(const char *s, size_t len)
{
    size_t cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        if (p[i] == 0x1b && i + 1 < len && p[i + 1] == '[') {
            /* An escape sequence we wrote ourselves: no columns. */
            i += 2;
            while (i < len && !(p[i] >= 0x40 && p[i] <= 0x7e))
                i++;
            i++;
            continue;
        }
        unsigned cp;
        i += kb_utf8_decode(s + i, len - i, &cp);
        if (cp < 0x80) {
            cols++;
            continue;
        }
        /* wcwidth knows wide and combining characters in a UTF-8 locale;
         * elsewhere (a "C" locale on a UTF-8 terminal) it says -1 and
         * libkb's table (the one the article renderer uses) guesses. */
        int w = wcwidth((wchar_t)cp);
        cols += (size_t)(w >= 0 ? w : kb_unicode_width(cp));
    }
    return cols;
}

/* Append LEN bytes of S, control characters replaced by '?'. */
static void add_clean(kb_buf_t *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = p[i];
        if (c < 0x20 || c == 0x7f) {
            kb_buf_addc(b, c == '\t' ? ' ' : '?');
        } else if (c == 0xC2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F) {
            kb_buf_addc(b, '?'); /* a C1 control, e.g. CSI */
            i++;
        } else {
            kb_buf_addc(b, (char)c);
        }
    }
}

void kba_buf_clean(kb_buf_t *b, const char *s)
{
    if (s)
        add_clean(b, s, strlen(s));
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* In styled text, KBA_GLUE joins two words that must stay on one line. */

typedef struct word {
    size_t start, end;  /* bytes of TEXT */
    size_t cols;
    int join;           /* a piece of a word too wide for a line: no space before */
    int lead;           /* a space before it (layout) */
    int line;           /* its line (layout) */
    size_t endcol;      /* the column after it (layout) */
} word_t;

typedef struct words {
    word_t *w;
    size_t n, cap;
} words_t;

static int push_word(words_t *ws, size_t start, size_t end, size_t cols, int join)
{
    if (ws->n == ws->cap) {
        size_t ncap = ws->cap ? ws->cap * 2 : 32;
        word_t *nw = realloc(ws->w, ncap * sizeof *nw);
        if (!nw)
            return 0;
        ws->w = nw;
        ws->cap = ncap;
    }
    word_t *x = &ws->w[ws->n++];
    memset(x, 0, sizeof *x);
    x->start = start;
    x->end = end;
    x->cols = cols;
    x->join = join;
    return 1;
}

/* Words of TEXT; a word wider than AVAIL columns (a URL, a run of CJK
 * text without spaces) is cut into pieces at code point boundaries. */
static void split_words(words_t *ws, const char *text, size_t len, size_t avail, int styled)
{
    for (size_t i = 0; i < len;) {
        while (i < len && is_space(text[i]))
            i++;
        if (i == len)
            break;
        size_t j = i;
        while (j < len && !is_space(text[j]))
            j++;
        size_t cols = kba_cols(text + i, j - i);
        if (cols <= avail || styled) {
            if (!push_word(ws, i, j, cols, 0))
                return;
        } else {
            for (size_t k = i; k < j;) {
                size_t e = k, pc = 0;
                while (e < j) {
                    unsigned cp;
                    size_t n = kb_utf8_decode(text + e, j - e, &cp);
                    size_t c = kba_cols(text + e, n);
                    if (e > k && pc + c > avail)
                        break;
                    pc += c;
                    e += n;
                }
                if (!push_word(ws, k, e, pc, k > i))
                    return;
                k = e;
            }
        }
        i = j;
    }
}

static void wrap(kb_buf_t *b, const char *text, const kb_highlight_t *hl, size_t n_hl, int color,
                 int width, const char *first, const char *rest, int max_lines, int styled)
{
    size_t len = text ? strlen(text) : 0;
    size_t c_first = kba_cols(first, strlen(first)), c_rest = kba_cols(rest, strlen(rest));
    size_t avail = (size_t)width > c_rest + 10 ? (size_t)width - c_rest : 10;
    words_t ws = {NULL, 0, 0};
    split_words(&ws, text, len, avail, styled);
    word_t *w = ws.w;
    size_t n_words = ws.n;
    /* Lay out first, so that a cut can end in an ellipsis that fits. */
    int line = 0, empty = 1;
    size_t col = c_first;
    for (size_t k = 0; k < n_words; k++) {
        int lead = !empty && !w[k].join;
        if (!empty && col + (size_t)lead + w[k].cols > (size_t)width) {
            line++;
            col = c_rest;
            lead = 0;
        }
        w[k].lead = lead;
        w[k].line = line;
        col += (size_t)lead + w[k].cols;
        w[k].endcol = col;
        empty = 0;
    }
    size_t use = n_words;
    int cut = 0;
    if (max_lines > 0 && n_words && w[n_words - 1].line >= max_lines) {
        cut = 1;
        use = 0;
        while (use < n_words && w[use].line < max_lines)
            use++;
        /* Room for " …" on the last line kept. */
        while (use > 1 && w[use - 1].endcol + 2 > (size_t)width)
            use--;
    }
    kb_buf_adds(b, first);
    size_t h = 0;
    for (size_t k = 0; k < use; k++) {
        size_t from = w[k].start;
        if (k > 0 && w[k].line != w[k - 1].line) {
            kb_buf_addc(b, '\n');
            kb_buf_adds(b, rest);
            /* A glued-on extra space is not wanted at the start of a line. */
            if (styled && text[from] == KBA_GLUE)
                from++;
        } else if (w[k].lead) {
            kb_buf_addc(b, ' ');
        }
        int in = 0;
        for (size_t i = from; i < w[k].end; i++) {
            while (h < n_hl && hl[h].end <= i)
                h++;
            int want = color && h < n_hl && i >= hl[h].start;
            if (want != in) {
                kb_buf_adds(b, want ? "\033[1m" : "\033[0m");
                in = want;
            }
            if (styled) {
                kb_buf_addc(b, text[i] == KBA_GLUE ? ' ' : text[i]);
                continue;
            }
            /* Copy a whole UTF-8 sequence at once so a cleaned C1 pair
             * stays together. */
            size_t n = 1;
            if ((unsigned char)text[i] == 0xC2 && i + 1 < w[k].end)
                n = 2;
            add_clean(b, text + i, n);
            i += n - 1;
        }
        if (in)
            kb_buf_adds(b, "\033[0m");
    }
    if (cut)
        kb_buf_adds(b, use ? " …" : "…");
    kb_buf_addc(b, '\n');
    free(w);
}

void kba_wrap(kb_buf_t *b, const char *text, const kb_highlight_t *hl, size_t n_hl, int color,
              int width, const char *first, const char *rest, int max_lines)
{
    wrap(b, text, hl, n_hl, color, width, first, rest, max_lines, 0);
}

void kba_wrap_styled(kb_buf_t *b, const char *text, int width, const char *first, const char *rest)
{
    wrap(b, text, NULL, 0, 0, width, first, rest, 0, 1);
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
