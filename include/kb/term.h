/* term.h - what the three programs share at the terminal edge: whether to
 * use colour, the width, a progress bar, and printing diagnostics. */
#ifndef KB_TERM_H
#define KB_TERM_H

#include <stdio.h>

#include "kb/diag.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if FP is a terminal and NO_COLOR is unset (or empty): bold and colour
 * allowed.  https://no-color.org */
KB_API int kb_term_color(FILE *fp);
/* Columns of the terminal on FP ($COLUMNS, the tty, else 80). */
KB_API int kb_term_width(FILE *fp);

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

/* Print D to FP as "PROG: path:line: error: message", most useful first.
 * When one message (ignoring path and line) repeats more than 3 times, the
 * rest are summed up in one line.  WARNINGS 0 prints errors only. */
KB_API void kb_term_print_diags(FILE *fp, const char *prog, const kb_diags_t *d,
                                int warnings);

#ifdef __cplusplus
}
#endif

#endif
