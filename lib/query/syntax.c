/* syntax.c - split the officer's query string into items and filters. */
#include "query/syntax.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/utf8.h"

void kb_qparsed_clear(kb_qparsed_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++)
        free(p->items[i].text);
    free(p->items);
    kb_strlist_clear(&p->categories);
    kb_strlist_clear(&p->tags);
    memset(p, 0, sizeof *p);
}

static int is_space(char c)
{
    return c == ' ' || (c >= 0 && c < 0x20) || c == 0x7f;
}

static int push_item(kb_qparsed_t *p, kb_qitem_kind_t kind, int exclude, const char *s,
                     size_t n)
{
    /* Consecutive free words become one item, so synonyms can span them. */
    if (kind == KB_QITEM_TEXT && !exclude && p->n) {
        kb_qitem_t *last = &p->items[p->n - 1];
        if (last->kind == KB_QITEM_TEXT && !last->exclude) {
            size_t ol = strlen(last->text);
            char *t = realloc(last->text, ol + 1 + n + 1);
            if (!t)
                return 0;
            t[ol] = ' ';
            memcpy(t + ol + 1, s, n);
            t[ol + 1 + n] = '\0';
            last->text = t;
            return 1;
        }
    }
    kb_qitem_t *items = realloc(p->items, (p->n + 1) * sizeof *items);
    if (!items)
        return 0;
    p->items = items;
    char *t = kb_strndup(s, n);
    if (!t)
        return 0;
    /* Control characters inside quotes become spaces too. */
    for (char *c = t; *c; c++)
        if (is_space(*c))
            *c = ' ';
    p->items[p->n++] = (kb_qitem_t){kind, exclude, t};
    return 1;
}

/* A filter value: a quoted string or a run of non-space bytes. */
static size_t filter_value(const char *s, size_t n, const char **val, size_t *vlen)
{
    if (n && s[0] == '"') {
        const char *close = memchr(s + 1, '"', n - 1);
        size_t end = close ? (size_t)(close - s) : n;
        *val = s + 1;
        *vlen = end - 1;
        return close ? end + 1 : n;
    }
    size_t i = 0;
    while (i < n && !is_space(s[i]))
        i++;
    *val = s;
    *vlen = i;
    return i;
}

static int push_filter(kb_strlist_t *l, const char *v, size_t n)
{
    while (n && is_space(*v))
        v++, n--;
    while (n && is_space(v[n - 1]))
        n--;
    if (!n)
        return 1;
    if (!kb_strlist_push(l, v, n))
        return 0;
    kb_ascii_lower(l->items[l->n - 1]);
    if (kb_strlist_has(l, l->items[l->n - 1]) && l->n > 1) {
        /* Already there: drop the duplicate. */
        for (size_t i = 0; i + 1 < l->n; i++) {
            if (strcmp(l->items[i], l->items[l->n - 1]) == 0) {
                free(l->items[--l->n]);
                break;
            }
        }
    }
    return 1;
}

kb_status_t kb_query_parse(const char *q, size_t len, kb_qparsed_t *out)
{
    return kb_query_parse_max(q, len, KB_QUERY_MAX_BYTES, out);
}

kb_status_t kb_query_parse_max(const char *q, size_t len, size_t max, kb_qparsed_t *out)
{
    memset(out, 0, sizeof *out);
    if (!q)
        return KB_STATUS_BAD_ARGUMENT;
    size_t a = 0, b = len;
    while (a < b && is_space(q[a]))
        a++;
    while (b > a && is_space(q[b - 1]))
        b--;
    if (b - a > max)
        return KB_STATUS_TOO_LARGE;
    /* NUL bytes are caught here: kb_utf8_valid() refuses them. */
    if (!kb_utf8_valid(q + a, b - a, NULL))
        return KB_STATUS_PARSE_ERROR;
    const char *s = q + a;
    size_t n = b - a, i = 0;
    while (i < n) {
        while (i < n && is_space(s[i]))
            i++;
        if (i >= n)
            break;
        int exclude = 0;
        if (s[i] == '-' && i + 1 < n && !is_space(s[i + 1]) && s[i + 1] != '-') {
            exclude = 1;
            i++;
        }
        if (s[i] == '"') {
            const char *close = memchr(s + i + 1, '"', n - i - 1);
            size_t end = close ? (size_t)(close - s) : n;
            if (end > i + 1 && !push_item(out, KB_QITEM_PHRASE, exclude, s + i + 1, end - i - 1))
                goto oom;
            i = close ? end + 1 : n;
            continue;
        }
        size_t j = i;
        while (j < n && !is_space(s[j]) && s[j] != '"')
            j++;
        /* Inline filters. */
        const char *colon = memchr(s + i, ':', j - i);
        if (!exclude && colon) {
            size_t fl = (size_t)(colon - (s + i));
            kb_strlist_t *l = NULL;
            if (fl == 8 && strncasecmp(s + i, "category", 8) == 0)
                l = &out->categories;
            else if (fl == 3 && strncasecmp(s + i, "tag", 3) == 0)
                l = &out->tags;
            if (l) {
                const char *v;
                size_t vl;
                size_t used = filter_value(colon + 1, n - (size_t)(colon + 1 - s), &v, &vl);
                if (!push_filter(l, v, vl))
                    goto oom;
                i = (size_t)(colon + 1 - s) + used;
                continue;
            }
        }
        if (!push_item(out, KB_QITEM_TEXT, exclude, s + i, j - i))
            goto oom;
        i = j;
    }
    return KB_STATUS_SUCCESS;
oom:
    kb_qparsed_clear(out);
    return KB_STATUS_OUT_OF_MEMORY;
}

/* A filter value the parser would cut at a space (or a control
 * character) goes back in quotes. */
static int needs_quotes(const char *s)
{
    for (; *s; s++)
        if (is_space(*s))
            return 1;
    return 0;
}

char *kb_query_format(const kb_qparsed_t *p)
{
    kb_buf_t b = KB_BUF_INIT;
    for (size_t i = 0; i < p->n; i++) {
        if (b.len)
            kb_buf_addc(&b, ' ');
        if (p->items[i].exclude)
            kb_buf_addc(&b, '-');
        if (p->items[i].kind == KB_QITEM_PHRASE)
            kb_buf_printf(&b, "\"%s\"", p->items[i].text);
        else
            kb_buf_adds(&b, p->items[i].text);
    }
    for (size_t i = 0; i < p->categories.n; i++) {
        const char *c = p->categories.items[i];
        kb_buf_printf(&b, needs_quotes(c) ? "%scategory:\"%s\"" : "%scategory:%s",
                      b.len ? " " : "", c);
    }
    for (size_t i = 0; i < p->tags.n; i++) {
        const char *t = p->tags.items[i];
        kb_buf_printf(&b, needs_quotes(t) ? "%stag:\"%s\"" : "%stag:%s", b.len ? " " : "", t);
    }
    return kb_buf_take(&b);
}
