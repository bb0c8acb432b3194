/* terminal.c - colour, width, styles, cleaning untrusted text, display
 * width, a progress bar, diagnostics (kb/terminal.h). */
#include "kb/terminal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/strmap.h"
#include "base/clock.h"
#include "base/utf8.h"
#include "text.h"

#include <wchar.h>

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

const char *kb_term_style(int color, kb_style_t style)
{
    if (!color)
        return "";
    switch (style) {
    case KB_STYLE_OFF: return "\033[0m";
    case KB_STYLE_BOLD: return "\033[1m";
    case KB_STYLE_DIM: return "\033[2m";
    case KB_STYLE_RED: return "\033[31m";
    case KB_STYLE_GREEN: return "\033[32m";
    case KB_STYLE_YELLOW: return "\033[33m";
    case KB_STYLE_CYAN: return "\033[36m";
    case KB_STYLE_BOLD_RED: return "\033[1;31m";
    case KB_STYLE_BOLD_YELLOW: return "\033[1;33m";
    }
    return "";
}

/* ---------------------------------------------------------------- */
/* Untrusted text                                                     */

void kbv_clean(kb_buf_t *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && p[i] >= 0x20 && p[i] < 0x7F)
            i++;
        if (i > start)
            kb_buf_add(b, s + start, i - start);
        if (i >= len)
            break;
        unsigned c = p[i];
        if (c == '\r') {
            i++;
            continue;
        }
        if (c == '\t' || c == '\n' || c == '\v' || c == '\f') {
            kb_buf_addc(b, ' ');
            i++;
            continue;
        }
        if (c < 0x80) {
            kb_buf_addc(b, '?');
            i++;
            continue;
        }
        unsigned cp = 0;
        size_t n = kb_utf8_decode(s + i, len - i, &cp);
        /* A lead byte decoded as one byte is invalid UTF-8; U+0080..U+009F
         * are the C1 controls (CSI is U+009B). */
        if (n == 1 || cp < 0xA0) {
            kb_buf_addc(b, '?');
            i += n;
            continue;
        }
        kb_buf_add(b, s + i, n);
        i += n;
    }
}

void kbv_cleans(kb_buf_t *b, const char *s)
{
    if (s)
        kbv_clean(b, s, strlen(s));
}

char *kb_term_clean(const char *s)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "");
    kbv_cleans(&b, s);
    return kb_buf_take(&b);
}

size_t kb_term_cols(const char *s, size_t len)
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
         * libkb's table guesses. */
        int w = wcwidth((wchar_t)cp);
        cols += (size_t)(w >= 0 ? w : kb_unicode_width(cp));
    }
    return cols;
}

/* ---------------------------------------------------------------- */
/* Progress and diagnostics                                           */

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
    char *path = kb_term_clean(x->path), *msg = kb_term_clean(x->message);
    if (!path || !msg)
        fprintf(fp, "%s: %s: (out of memory)\n", prog, lvl);
    else if (path[0] && x->line > 0)
        fprintf(fp, "%s: %s:%d: %s: %s\n", prog, path, x->line, lvl, msg);
    else if (path[0])
        fprintf(fp, "%s: %s: %s: %s\n", prog, path, lvl, msg);
    else
        fprintf(fp, "%s: %s: %s\n", prog, lvl, msg);
    free(path);
    free(msg);
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
        char *m = kb_term_clean(msg);
        if (c > 3)
            fprintf(fp, "%s: ... and %ld more: %s\n", prog, c - 3, m ? m : "");
        free(m);
    }
    kb_strmap_free(seen);
}
