/* pins.c - pinned answers: the article an editor pinned to a customer
 * phrase (kb/pins.txt) goes first, marked pinned, when the query says the
 * same.
 *
 * "The same" is the words key of schema/pins.h, computed on the words the
 * query searched: as typed, or as spelling corrected them, shorthand read
 * as its word, stopwords dropped, synonyms as their group.  Only the free
 * words count (not filters or excluded words), and only on the first page
 * of answers.  A pinned article that is not among the hits is fetched by
 * its id, unless the query's filters or exclusions leave it out. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "internal.h"
#include "schema/pins.h"

/* Snippet of a pinned article that matched nothing: its lead's first
 * bytes. */
#define PIN_SNIPPET 200

/* The index's pins, read again when they changed. */
static kb_status_t load(kb_search_t *s)
{
    char *raw = NULL;
    kb_status_t st = kb_xdb_get_metadata(s->db, KB_META_PINS, &raw, NULL);
    if (st != KB_STATUS_SUCCESS || (s->pins_raw && strcmp(raw, s->pins_raw) == 0)) {
        free(raw);
        return st;
    }
    kbs_pins_clear(s);
    if (raw[0])
        st = kb_schema_pins_decode(raw, strlen(raw), &s->pins);
    if (st == KB_STATUS_SUCCESS)
        s->pins_raw = raw;
    else
        free(raw);
    return st;
}

/* The pin whose key is the query's, or NULL. */
static kb_status_t find(kb_search_t *s, const kbs_prepared_t *prep, int corrected,
                        const kb_schema_pin_t **out)
{
    *out = NULL;
    kb_buf_t text = KB_BUF_INIT;
    for (size_t i = 0; i < prep->n; i++) {
        const kbs_item_t *it = &prep->items[i];
        for (size_t j = 0; !it->src->exclude && j < it->n; j++) {
            const kbs_token_t *t = &it->tokens[j];
            kb_buf_printf(&text, "%s%s", text.len ? " " : "",
                          corrected && t->fixed ? t->fixed : t->word);
        }
    }
    char *key = NULL;
    kb_status_t st = text.oom ? KB_STATUS_OUT_OF_MEMORY
                              : kb_schema_words_key(s->stem, text.data ? text.data : "",
                                                    s->pins.syn, &key);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && key[0] && i < s->pins.n && !*out; i++)
        if (strcmp(s->pins.items[i].key, key) == 0)
            *out = &s->pins.items[i];
    free(key);
    kb_buf_free(&text);
    return st;
}

/* The hit of article ID from its lead section, for a pinned article no
 * document matched.  KB_STATUS_NOT_FOUND when it is not to be shown (no
 * such article, or a draft the request does not ask for). */
static kb_status_t fetch(kb_search_t *s, const char *id, int drafts, kb_hit_t *h)
{
    kb_xdoc_t *doc = NULL;
    kb_schema_section_t sec;
    memset(&sec, 0, sizeof sec);
    const char *data;
    size_t len;
    kb_status_t st = kbs_first_doc(s, KB_PREFIX_LEAD, id, &doc);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_get_data(doc, &data, &len);
    if (st == KB_STATUS_SUCCESS)
        st = kb_schema_section_decode(data, len, &sec);
    kb_xdoc_free(doc);
    if (st == KB_STATUS_SUCCESS && sec.status && !drafts)
        st = KB_STATUS_NOT_FOUND;
    if (st != KB_STATUS_SUCCESS) {
        kb_schema_section_clear(&sec);
        return st;
    }
    char *text = NULL;
    kbs_hit_take_section(h, &sec, &text);
    size_t n = kb_utf8_prefix(text, strlen(text), PIN_SNIPPET);
    if (n < strlen(text))
        while (n > PIN_SNIPPET / 2 && text[n] != ' ')
            n--;
    kb_buf_t snip = KB_BUF_INIT;
    kb_buf_add(&snip, text, n);
    if (n < strlen(text))
        kb_buf_adds(&snip, " ...");
    free(text);
    h->snippet = kb_buf_take(&snip);
    h->score = 1.0;
    return h->snippet ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

/* --explain: say that H was pinned, and by which line of pins.txt. */
static kb_status_t explain_pin(kb_hit_t *h, const kb_schema_pin_t *p)
{
    kb_match_t *m = realloc(h->explain, (h->n_explain + 1) * sizeof *m);
    if (!m)
        return KB_STATUS_OUT_OF_MEMORY;
    h->explain = m;
    m = &h->explain[h->n_explain];
    kb_buf_t d = KB_BUF_INIT;
    kb_buf_printf(&d, "pinned to \"%s\" by pins.txt line %d", p->phrase, p->line);
    m->term = kb_strdup("");
    m->word = kb_strdup(p->phrase);
    m->kind = kb_strdup("pin");
    m->detail = kb_buf_take(&d);
    h->n_explain++;
    return m->term && m->word && m->kind && m->detail ? KB_STATUS_SUCCESS
                                                      : KB_STATUS_OUT_OF_MEMORY;
}

/* Put the hit of P's article first in R (moving it, or fetching it). */
static kb_status_t put_first(kb_search_t *s, const kb_request_t *req, const kbs_prepared_t *prep,
                             const kbs_built_t *built, unsigned limit,
                             const kb_schema_pin_t *p, kb_results_t *r)
{
    size_t at = 0;
    while (at < r->n && strcmp(r->hits[at].id, p->id) != 0)
        at++;
    kb_hit_t h;
    memset(&h, 0, sizeof h);
    if (at < r->n) {
        h = r->hits[at];
        memmove(&r->hits[1], &r->hits[0], at * sizeof *r->hits);
    } else {
        /* Not among the hits: filters or exclusions may mean it is out. */
        if (prep->categories.n || prep->tags.n || kb_strlist_has(&built->exclude_ids, p->id))
            return KB_STATUS_SUCCESS;
        kb_status_t st = fetch(s, p->id, req->drafts, &h);
        if (st != KB_STATUS_SUCCESS) {
            kbs_hit_clear(&h);
            return st == KB_STATUS_NOT_FOUND ? KB_STATUS_SUCCESS : st;
        }
        if (r->n == limit)
            kbs_hit_clear(&r->hits[--r->n]);
        kb_hit_t *grown = realloc(r->hits, (r->n + 1) * sizeof *grown);
        if (!grown) {
            kbs_hit_clear(&h);
            return KB_STATUS_OUT_OF_MEMORY;
        }
        r->hits = grown;
        memmove(&r->hits[1], &r->hits[0], r->n * sizeof *r->hits);
        r->n++;
        r->total++;
    }
    h.pinned = 1;
    h.confidence = 1.0;   /* the editor's chosen answer */
    r->hits[0] = h;
    for (size_t i = 0; i < r->n; i++)
        r->hits[i].rank = (unsigned)(i + 1);
    return req->explain ? explain_pin(&r->hits[0], p) : KB_STATUS_SUCCESS;
}

kb_status_t kbs_pins_apply(kb_search_t *s, const kb_request_t *req, const kbs_prepared_t *prep,
                           const kbs_built_t *built, int corrected, unsigned limit,
                           kb_results_t *r)
{
    if (req->plain || req->offset)
        return KB_STATUS_SUCCESS;
    kb_status_t st = load(s);
    const kb_schema_pin_t *p = NULL;
    if (st == KB_STATUS_SUCCESS && s->pins.n)
        st = find(s, prep, corrected, &p);
    if (st == KB_STATUS_SUCCESS && p)
        st = put_first(s, req, prep, built, limit, p, r);
    return st;
}
