/* terminal.h - text for a terminal, in one place for the three programs:
 * colour and width, cleaning untrusted text (articles, file names,
 * queries), display width, word wrapping, styles, a progress bar, and
 * diagnostics.
 *
 * Untrusted text never reaches a terminal raw: every string that came from
 * an article, a file name, a query or a log goes through kb_term_clean()
 * or kb_term_wrap(), which turn control characters (C0, DEL, C1, so ESC
 * and CSI) and invalid UTF-8 into '?', and white space into spaces.  The
 * only escape sequences in the output are the styles of kb_term_style().
 *
 * Strings returned are malloc'd and freed by the caller; NULL means out of
 * memory.
 */
#ifndef KB_TERMINAL_H
#define KB_TERMINAL_H

#include <stddef.h>
#include <stdio.h>

#include "kb/diag.h"
#include "kb/search.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if FP is a terminal, TERM is not "dumb" and NO_COLOR is unset (or
 * empty): bold and colour allowed.  https://no-color.org */
KB_API int kb_term_color(FILE *fp);
/* Columns of the terminal on FP ($COLUMNS, the tty, else 80). */
KB_API int kb_term_width(FILE *fp);

typedef enum kb_style {
    KB_STYLE_OFF = 0,
    KB_STYLE_BOLD,
    KB_STYLE_DIM,
    KB_STYLE_RED,
    KB_STYLE_GREEN,
    KB_STYLE_YELLOW,
    KB_STYLE_CYAN,
    KB_STYLE_BOLD_RED,
    KB_STYLE_BOLD_YELLOW
} kb_style_t;

/* The escape sequence for STYLE, or "" when COLOR is 0.  Static. */
KB_API const char *kb_term_style(int color, kb_style_t style);

/* S made safe to print: control characters and invalid UTF-8 as '?', tabs,
 * newlines and other white space as one space each, carriage returns
 * dropped.  S may be NULL (gives ""). */
KB_API char *kb_term_clean(const char *s);

/* Terminal columns of LEN bytes of S: wide characters 2, combining marks 0
 * (the locale's wcwidth() where it knows, else libkb's table), escape
 * sequences "ESC [ ... letter" (our own styles) 0. */
KB_API size_t kb_term_cols(const char *s, size_t len);

/* In styled text (kb_wrap_t.styled), KB_TERM_GLUE joins two words that
 * must stay on one line; it prints as a space. */
#define KB_TERM_GLUE '\037'

typedef struct kb_wrap {
    int width;            /* columns */
    const char *first;    /* before the first line (may hold our styles) */
    const char *rest;     /* before the other lines */
    int max_lines;        /* 0: no limit; a cut ends in "…" */
    int color;            /* bold for the highlights */
    const kb_highlight_t *hl; /* byte ranges of TEXT to set in bold, sorted */
    size_t n_hl;
    int styled;           /* TEXT was built by the caller: already cleaned, it
                             may hold our styles and KB_TERM_GLUE */
} kb_wrap_t;

/* TEXT word-wrapped as W says, every line ending in '\n'.  Runs of white
 * space become one space; a word wider than a line is cut at code point
 * boundaries (not in styled text).  Untrusted TEXT is cleaned. */
KB_API char *kb_term_wrap(const char *text, const kb_wrap_t *w);

/* A progress bar on stderr, drawn only when stderr is a terminal, and only
 * once the work has taken more than half a second. */
typedef struct kb_progress {
    const char *label;
    double start_ms;
    double last_ms;
    int shown;
    int enabled;
} kb_progress_t;

KB_API void kb_progress_init(kb_progress_t *p, const char *label, int enabled);
KB_API void kb_progress_update(kb_progress_t *p, size_t done, size_t total);
/* Erase the bar if it was drawn. */
KB_API void kb_progress_done(kb_progress_t *p);

/* Print D to FP as "PROG: path:line: error: message", errors first, paths
 * and messages cleaned.  When one message (ignoring path and line) repeats
 * more than 3 times, the rest are summed up in one line.  WARNINGS 0
 * prints errors only. */
KB_API void kb_term_print_diags(FILE *fp, const char *prog, const kb_diags_t *d,
                                int warnings);

#ifdef __cplusplus
}
#endif

#endif
