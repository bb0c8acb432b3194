/* lookup.c - the calls that look something up rather than search: a
 * stored article, an escalation path, articles like another, the index's
 * health, and the lists of categories, tags and ids. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "internal.h"
#include "schema/ids.h"
#include "schema/schema.h"

/* The stored article ID; caller frees with kb_article_free(). */
static kb_status_t load_article(kb_search_t *s, const char *id, kb_article_t **out)
{
    *out = NULL;
    if (!kb_id_valid(id)) {
        kbs_set_error(s, "invalid article id: use lowercase letters, digits and hyphens");
        return KB_STATUS_BAD_ARGUMENT;
    }
    kb_status_t st = kbs_refresh(s, 0);
    for (int attempt = 0; st == KB_STATUS_SUCCESS && attempt < 2; attempt++) {
        kb_xdoc_t *doc = NULL;
        st = kbs_first_doc(s, KB_PREFIX_ARTICLE, id, &doc);
        if (st == KB_STATUS_NOT_FOUND) {
            if (s->shards.missing)
                kbs_set_error(s, "no article with id '%s' in the shards that answered (%zu "
                                 "left out: it may be in one of them)", id, s->shards.missing);
            else
                kbs_set_error(s, "no article with id '%s'", id);
            break;
        }
        const char *data;
        size_t len;
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_data(doc, &data, &len);
        if (st == KB_STATUS_SUCCESS)
            st = kb_schema_article_decode(data, len, out);
        kb_xdoc_free(doc);
        if (st == KB_STATUS_SUCCESS || !kbs_retryable(st))
            break;
        st = kbs_refresh(s, 1);
    }
    if (st != KB_STATUS_SUCCESS && !s->err[0])
        kbs_set_error(s, "%s", kb_status_to_string(st));
    return st;
}

kb_status_t kb_search_get_article(kb_search_t *s, const char *id, kb_article_t **out)
{
    if (out)
        *out = NULL;
    if (!s || !id || !out)
        return KB_STATUS_BAD_ARGUMENT;
    s->err[0] = '\0';
    return load_article(s, id, out);
}

kb_status_t kb_search_escalation(kb_search_t *s, const char *id, kb_escalation_t **e)
{
    *e = NULL;
    s->err[0] = '\0';
    kb_article_t *a;
    kb_status_t st = load_article(s, id, &a);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_buf_t why = KB_BUF_INIT;
    if (a->category && strcmp(a->category, "escalation") == 0) {
        kb_buf_printf(&why, "%s and the tiers after it", a->title);
        st = kbs_escalation_path(s, id, "article", why.data ? why.data : "", e);
    } else if (a->escalation) {
        kb_buf_printf(&why, "escalation path of \"%s\"", a->title);
        st = kbs_escalation_path(s, a->escalation, "answer", why.data ? why.data : "", e);
    }
    if (st == KB_STATUS_SUCCESS && *e && !((*e)->from = kb_strdup(id))) {
        kb_escalation_free(*e);
        *e = NULL;
        st = KB_STATUS_OUT_OF_MEMORY;
    }
    kb_buf_free(&why);
    kb_article_free(a);
    return st;
}

kb_status_t kb_search_related(kb_search_t *s, const char *id, unsigned limit,
                              kb_results_t **out)
{
    *out = NULL;
    s->err[0] = '\0';
    if (!limit || limit > KB_LIMIT_MAX)
        limit = limit ? KB_LIMIT_MAX : KB_LIMIT_DEFAULT;
    kb_article_t *a;
    kb_status_t st = load_article(s, id, &a);
    if (st != KB_STATUS_SUCCESS)
        return st;
    /* The article's own words: title, questions and tags. */
    kb_buf_t text = KB_BUF_INIT;
    kb_buf_adds(&text, a->title);
    for (size_t i = 0; i < a->n_questions; i++)
        kb_buf_printf(&text, " %s", a->questions[i]);
    for (size_t i = 0; i < a->n_tags; i++)
        kb_buf_printf(&text, " %s", a->tags[i]);
    kb_article_free(a);
    if (text.oom) {
        kb_buf_free(&text);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    kb_qitem_t item = {KB_QITEM_TEXT, 0, text.data ? text.data : ""};
    kb_qparsed_t q;
    memset(&q, 0, sizeof q);
    q.items = &item;
    q.n = 1;
    kb_request_t req = KB_REQUEST_INIT;
    req.limit = limit;
    req.plain = 1;   /* no spelling: these are the article's own words */
    kb_results_t *r = kbs_new_results(id);
    kbs_prepared_t prep;
    kbs_built_t built;
    memset(&built, 0, sizeof built);
    st = r ? kbs_prepare(s, &q, &req, &prep) : KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS) {
        st = kbs_build(s, &prep, 0, 0, &built);
        if (st == KB_STATUS_SUCCESS)
            st = kbs_hide_unpublished(&built, 0);
        kbs_prepared_clear(&prep);
    }
    if (st == KB_STATUS_SUCCESS && built.query) {
        kb_xquery_t *self = NULL, *both = NULL;
        kb_buf_t term = KB_BUF_INIT;
        kb_buf_printf(&term, "%s%s", KB_PREFIX_ID, id);
        st = term.oom ? KB_STATUS_OUT_OF_MEMORY : kb_xquery_term(term.data, 1, 0, &self);
        kb_buf_free(&term);
        if (st == KB_STATUS_SUCCESS) {
            const kb_xquery_t *pair[2] = {built.query, self};
            st = kb_xquery_combine(KB_XOP_AND_NOT, pair, 2, 0, &both);
        }
        kb_xquery_free(self);
        if (st == KB_STATUS_SUCCESS) {
            kb_xquery_free(built.query);
            built.query = both;
            st = kbs_fetch(s, &built, &req, limit, r);
        }
    }
    kbs_built_clear(&built);
    kb_buf_free(&text);
    if (st != KB_STATUS_SUCCESS) {
        kb_results_free(r);
        return st;
    }
    *out = r;
    return KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Health and lists                                                   */

static int count_term(void *vctx, const char *term, size_t len, unsigned freq)
{
    (void)term;
    (void)len;
    (void)freq;
    (*(unsigned *)vctx)++;
    return 0;
}

void kb_health_clear(kb_health_t *h)
{
    if (!h)
        return;
    free(h->built);
    free(h->format);
    free(h->kb_dir);
    free(h->notice);
    kbs_missing_free(h->missing, h->n_missing);
    memset(h, 0, sizeof *h);
}

kb_status_t kb_search_health(kb_search_t *s, kb_health_t *h)
{
    memset(h, 0, sizeof *h);
    s->err[0] = '\0';
    kb_status_t st = kbs_refresh(s, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_doccount(s->db, &h->documents);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_allterms(s->db, KB_PREFIX_ARTICLE, count_term, &h->articles);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(s->db, KB_META_BUILT, &h->built, NULL);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(s->db, KB_META_FORMAT, &h->format, NULL);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(s->db, KB_META_ROOT, &h->kb_dir, NULL);
    h->shards = s->shards.total;
    if (st == KB_STATUS_SUCCESS)
        st = kbs_shards_missing(&s->shards, &h->partial, &h->missing, &h->n_missing);
    if (st == KB_STATUS_SUCCESS && s->shards.remote_home &&
        !(h->notice = kb_strdup("shard 0 is remote: Xapian's remote backend serves no spelling "
                                "data or synonyms, so searches go without them; list it as a "
                                "local database (glass or auto) first in the stub")))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st != KB_STATUS_SUCCESS) {
        kbs_set_error(s, "%s", kb_xdb_last_error(s->db)[0] ? kb_xdb_last_error(s->db)
                                                              : kb_status_to_string(st));
        kb_health_clear(h);
    }
    return st;
}

typedef struct list_ctx {
    size_t skip;
    int (*fn)(void *, const char *);
    void *ctx;
    int oom;
} list_ctx_t;

static int list_one(void *vctx, const char *term, size_t len, unsigned freq)
{
    (void)freq;
    list_ctx_t *c = vctx;
    char *v = kb_strndup(term + c->skip, len - c->skip);
    if (!v) {
        c->oom = 1;
        return 1;
    }
    int stop = c->fn(c->ctx, v);
    free(v);
    return stop;
}

kb_status_t kb_search_list(kb_search_t *s, const char *what,
                           int (*fn)(void *ctx, const char *value), void *ctx)
{
    const char *prefix = !strcmp(what, "category") ? KB_PREFIX_CATEGORY
                       : !strcmp(what, "tag")      ? KB_PREFIX_TAG
                       : !strcmp(what, "id")       ? KB_PREFIX_ARTICLE
                                                   : NULL;
    if (!prefix || !fn)
        return KB_STATUS_BAD_ARGUMENT;
    kb_status_t st = kbs_refresh(s, 0);
    list_ctx_t c = {strlen(prefix), fn, ctx, 0};
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_allterms(s->db, prefix, list_one, &c);
    if (st == KB_STATUS_SUCCESS && c.oom)
        st = KB_STATUS_OUT_OF_MEMORY;
    return st;
}
