/* term.c - colour, width, progress bar, diagnostics at the terminal. */
#include "kb/term.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/strmap.h"
#include "base/clock.h"

int kb_term_color(FILE *fp)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && *nc)
        return 0;
    const char *term = getenv("TERM");
    if (term && strcmp(term, "dumb") == 0)
        return 0;
    return isatty(fileno(fp));
}

int kb_term_width(FILE *fp)
{
    const char *c = getenv("COLUMNS");
    if (c && atoi(c) > 10)
        return atoi(c);
    struct winsize ws;
    if (isatty(fileno(fp)) && ioctl(fileno(fp), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 10)
        return ws.ws_col;
    return 80;
}

void kb_progress_init(kb_progress_t *p, const char *label, int enabled)
{
    memset(p, 0, sizeof *p);
    p->label = label;
    p->start_ms = kb_now_ms();
    p->enabled = enabled && isatty(STDERR_FILENO);
}

void kb_progress_update(kb_progress_t *p, size_t done, size_t total)
{
    if (!p->enabled || !total)
        return;
    double now = kb_now_ms();
    if (now - p->start_ms < 500 || (now - p->last_ms < 100 && done < total))
        return;
    p->last_ms = now;
    int width = kb_term_width(stderr) - 40;
    if (width < 10)
        width = 10;
    if (width > 50)
        width = 50;
    int fill = (int)((double)width * (double)done / (double)total);
    fprintf(stderr, "\r%s [", p->label);
    for (int i = 0; i < width; i++)
        fputc(i < fill ? '#' : ' ', stderr);
    fprintf(stderr, "] %zu/%zu", done, total);
    fflush(stderr);
    p->shown = 1;
}

void kb_progress_done(kb_progress_t *p)
{
    if (p->shown) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
    p->shown = 0;
}

static void print_one(FILE *fp, const char *prog, const kb_diag_t *x)
{
    const char *lvl = x->level == KB_DIAG_ERROR ? "error" : "warning";
    if (x->path[0] && x->line > 0)
        fprintf(fp, "%s: %s:%d: %s: %s\n", prog, x->path, x->line, lvl, x->message);
    else if (x->path[0])
        fprintf(fp, "%s: %s: %s: %s\n", prog, x->path, lvl, x->message);
    else
        fprintf(fp, "%s: %s: %s\n", prog, lvl, x->message);
}

void kb_term_print_diags(FILE *fp, const char *prog, const kb_diags_t *d, int warnings)
{
    kb_strmap_t *seen = NULL;
    kb_strmap_new(&seen);
    size_t n = kb_diags_count(d);
    for (int pass = 0; pass < 2; pass++) {
        /* Errors first, then warnings. */
        kb_diag_level_t want = pass == 0 ? KB_DIAG_ERROR : KB_DIAG_WARNING;
        if (want == KB_DIAG_WARNING && !warnings)
            break;
        for (size_t i = 0; i < n; i++) {
            const kb_diag_t *x = kb_diags_get(d, i);
            if (x->level != want)
                continue;
            const char *cnt = seen ? kb_strmap_get(seen, x->message, NULL) : NULL;
            long c = cnt ? strtol(cnt, NULL, 10) : 0;
            if (c < 3)
                print_one(fp, prog, x);
            if (seen) {
                char num[24];
                snprintf(num, sizeof num, "%ld", c + 1);
                kb_strmap_set(seen, x->message, num);
            }
        }
    }
    size_t pos = 0;
    const char *msg, *cnt;
    while (seen && kb_strmap_next(seen, &pos, &msg, &cnt)) {
        long c = strtol(cnt, NULL, 10);
        if (c > 3)
            fprintf(fp, "%s: ... and %ld more: %s\n", prog, c - 3, msg);
    }
    kb_strmap_free(seen);
}
