/* wrap.c - word wrapping for the terminal, with highlights, a line limit
 * and first-line and continuation prefixes (kb/terminal.h). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "kb/terminal.h"
#include "text.h"

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }


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
        size_t cols = kb_term_cols(text + i, j - i);
        if (cols <= avail || styled) {
            if (!push_word(ws, i, j, cols, 0))
                return;
        } else {
            for (size_t k = i; k < j;) {
                size_t e = k, pc = 0;
                while (e < j) {
                    unsigned cp;
                    size_t n = kb_utf8_decode(text + e, j - e, &cp);
                    size_t c = kb_term_cols(text + e, n);
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

void kbv_wrap(kb_buf_t *b, const char *text, const kb_wrap_t *o)
{
    const kb_highlight_t *hl = o->hl;
    size_t n_hl = o->n_hl;
    int color = o->color, width = o->width, max_lines = o->max_lines, styled = o->styled;
    const char *first = o->first ? o->first : "", *rest = o->rest ? o->rest : "";
    size_t len = text ? strlen(text) : 0;
    size_t c_first = kb_term_cols(first, strlen(first)), c_rest = kb_term_cols(rest, strlen(rest));
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
            if (styled && text[from] == KB_TERM_GLUE)
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
                kb_buf_addc(b, text[i] == KB_TERM_GLUE ? ' ' : text[i]);
                continue;
            }
            /* Clean whole UTF-8 sequences, so a C1 pair or a wide
             * character stays together. */
            unsigned cp;
            size_t n = kb_utf8_decode(text + i, w[k].end - i, &cp);
            kbv_clean(b, text + i, n);
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

char *kb_term_wrap(const char *text, const kb_wrap_t *w)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "");
    kbv_wrap(&b, text, w);
    return kb_buf_take(&b);
}
