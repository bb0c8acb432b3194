/* buf.c - growable buffers, string lists, string copies, hashing. */
#include "base/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* Buffers                                                            */

static int buf_reserve(kb_buf_t *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (extra > SIZE_MAX - b->len - 1) {
        b->oom = 1;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void kb_buf_add(kb_buf_t *b, const char *s, size_t len)
{
    if (!buf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void kb_buf_adds(kb_buf_t *b, const char *s)
{
    kb_buf_add(b, s, strlen(s));
}

void kb_buf_addc(kb_buf_t *b, char c)
{
    kb_buf_add(b, &c, 1);
}

void kb_buf_vprintf(kb_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

kb_status_t kb_fail_message(char **message, kb_status_t st, const char *fmt, ...)
{
    kb_buf_t b = KB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    *message = kb_buf_take(&b);
    return st;
}

void kb_buf_printf(kb_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void kb_buf_clear(kb_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *kb_buf_take(kb_buf_t *b)
{
    if (b->oom) {
        kb_buf_free(b);
        return NULL;
    }
    char *p = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void kb_buf_free(kb_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

/* ---------------------------------------------------------------- */
/* String lists                                                       */

int kb_strlist_push(kb_strlist_t *l, const char *s, size_t len)
{
    char *copy = kb_strndup(s, len);
    if (!copy)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p) {
            free(copy);
            return 0;
        }
        l->items = p;
        l->cap = cap;
    }
    l->items[l->n++] = copy;
    return 1;
}

void kb_strlist_clear(kb_strlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->cap = 0;
}

int kb_strlist_has(const kb_strlist_t *l, const char *s)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- */
/* Strings and UTF-8                                                  */

int kb_strv_push(char ***v, size_t *n, const char *s, size_t len)
{
    /* Capacity is implicit: the next power of two at or above *N. */
    size_t k = *n;
    if (k == 0 || (k & (k - 1)) == 0) {
        size_t cap = k ? 2 * k : 1;
        char **p = realloc(*v, cap * sizeof *p);
        if (!p)
            return 0;
        *v = p;
    }
    char *copy = kb_strndup(s, len);
    if (!copy)
        return 0;
    (*v)[k] = copy;
    *n = k + 1;
    return 1;
}

void kb_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

char *kb_strdup(const char *s)
{
    return s ? kb_strndup(s, strlen(s)) : NULL;
}

char *kb_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void kb_ascii_lower(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

/* ---------------------------------------------------------------- */
/* Hashing                                                           */

uint64_t kb_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
