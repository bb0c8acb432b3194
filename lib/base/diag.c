/* diag.c - a growable list of diagnostics. */
#include "kb/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

struct kb_diags {
    kb_diag_t *items;
    size_t n, cap;
    int oom;
};

kb_status_t kb_diags_new(kb_diags_t **out)
{
    *out = calloc(1, sizeof **out);
    return *out ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

void kb_diags_clear(kb_diags_t *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].path);
        free(d->items[i].message);
    }
    d->n = 0;
}

void kb_diags_free(kb_diags_t *d)
{
    if (!d)
        return;
    kb_diags_clear(d);
    free(d->items);
    free(d);
}

static void push(kb_diags_t *d, kb_diag_level_t level, const char *path, int line,
                 char *message)
{
    if (!message) {
        d->oom = 1;
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        kb_diag_t *p = realloc(d->items, cap * sizeof *p);
        if (!p) {
            free(message);
            d->oom = 1;
            return;
        }
        d->items = p;
        d->cap = cap;
    }
    char *pcopy = kb_strdup(path ? path : "");
    if (!pcopy) {
        free(message);
        d->oom = 1;
        return;
    }
    d->items[d->n++] = (kb_diag_t){level, pcopy, line, message};
}

void kb_diags_add(kb_diags_t *d, kb_diag_level_t level, const char *path, int line,
                  const char *fmt, ...)
{
    if (!d)
        return;
    kb_buf_t b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    push(d, level, path, line, kb_buf_take(&b));
}

void kb_diags_extend(kb_diags_t *d, const kb_diags_t *src)
{
    if (!d || !src)
        return;
    for (size_t i = 0; i < src->n; i++) {
        const kb_diag_t *x = &src->items[i];
        push(d, x->level, x->path, x->line, kb_strdup(x->message));
    }
    if (src->oom)
        d->oom = 1;
}

size_t kb_diags_count(const kb_diags_t *d)
{
    return d ? d->n : 0;
}

const kb_diag_t *kb_diags_get(const kb_diags_t *d, size_t i)
{
    return d && i < d->n ? &d->items[i] : NULL;
}

static size_t count_level(const kb_diags_t *d, kb_diag_level_t level)
{
    size_t n = 0;
    for (size_t i = 0; d && i < d->n; i++)
        if (d->items[i].level == level)
            n++;
    return n;
}

size_t kb_diags_errors(const kb_diags_t *d)
{
    return count_level(d, KB_DIAG_ERROR);
}

size_t kb_diags_warnings(const kb_diags_t *d)
{
    return count_level(d, KB_DIAG_WARNING);
}

int kb_diags_oom(const kb_diags_t *d)
{
    return d ? d->oom : 0;
}

void kb_diags_sort(kb_diags_t *d)
{
    /* Insertion sort: stable, and lists are short. */
    for (size_t i = 1; d && i < d->n; i++) {
        kb_diag_t x = d->items[i];
        size_t j = i;
        while (j > 0) {
            kb_diag_t *y = &d->items[j - 1];
            int c = strcmp(y->path, x.path);
            if (c < 0 || (c == 0 && y->line <= x.line))
                break;
            d->items[j] = *y;
            j--;
        }
        d->items[j] = x;
    }
}
