/* snippet.c - Xapian's snippet into plain text with highlight offsets.
 *
 * MSet::snippet() HTML-escapes the text and wraps matches in the markers we
 * pass (\x01 and \x02, which never occur in article text: the parser
 * refuses control characters... and if one did, it would only shift a
 * highlight).  Here the markers become byte offsets and the escapes go.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct {
    const char *entity;
    char c;
} entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};

/* Stopwords are searched (they rank), but a bold "and" helps nobody. */
static int is_stopword_span(const char *s, size_t n)
{
    char word[32];
    if (n >= sizeof word)
        return 0;
    for (size_t i = 0; i < n; i++)
        word[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    word[n] = '\0';
    return kb_text_is_stopword(word);
}

kb_status_t kbs_snippet_clean(const char *raw, char **text, kb_highlight_t **hl, size_t *n_hl)
{
    *text = NULL;
    *hl = NULL;
    *n_hl = 0;
    kb_buf_t b = KB_BUF_INIT;
    kb_highlight_t *h = NULL;
    size_t n = 0, cap = 0;
    size_t open = (size_t)-1;
    for (const char *p = raw; *p;) {
        if (*p == '\x01') {
            open = b.len;
            p++;
            continue;
        }
        if (*p == '\x02') {
            if (open != (size_t)-1 && b.len > open && !is_stopword_span(b.data + open, b.len - open)) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 8;
                    kb_highlight_t *q = realloc(h, cap * sizeof *q);
                    if (!q) {
                        free(h);
                        kb_buf_free(&b);
                        return KB_STATUS_OUT_OF_MEMORY;
                    }
                    h = q;
                }
                h[n].start = open;
                h[n].end = b.len;
                n++;
            }
            open = (size_t)-1;
            p++;
            continue;
        }
        if (*p == '&') {
            size_t k;
            for (k = 0; k < sizeof entities / sizeof entities[0]; k++) {
                size_t el = strlen(entities[k].entity);
                if (strncmp(p, entities[k].entity, el) == 0) {
                    kb_buf_addc(&b, entities[k].c);
                    p += el;
                    break;
                }
            }
            if (k < sizeof entities / sizeof entities[0])
                continue;
        }
        /* Newlines inside a snippet read better as spaces. */
        kb_buf_addc(&b, *p == '\n' ? ' ' : *p);
        p++;
    }
    char *t = kb_buf_take(&b);
    if (!t) {
        free(h);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *text = t;
    *hl = h;
    *n_hl = n;
    return KB_STATUS_SUCCESS;
}
