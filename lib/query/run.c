/* run.c - kb_search_run(): parse the request, prepare the words (spelling),
 * build the query, fetch the hits, and add the escalation to suggest; one
 * retry on a fresh handle when the index changed under the search. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/normalize.h"
#include "base/utf8.h"
#include "internal.h"

static void clear_hits(kb_results_t *r)
{
    for (size_t i = 0; i < r->n; i++)
        kbs_hit_clear(&r->hits[i]);
    free(r->hits);
    r->hits = NULL;
    r->n = 0;
    r->total = 0;
}

static char *notice_for(const kbs_prepared_t *p, const kb_qparsed_t *q)
{
    kb_buf_t b = KB_BUF_INIT;
    if (!q->n)
        kb_buf_adds(&b, "empty query: type what the customer needs");
    else if (p->stopwords && !p->words)
        kb_buf_adds(&b, "only common words (such as \"how\", \"the\", \"my\"): add what the "
                        "customer needs, e.g. \"card\" or \"refund\"");
    else
        kb_buf_adds(&b, "only excluded words: say what to look for as well");
    return kb_buf_take(&b);
}

/* The words spelling correction changed, for "did you mean". */
static kb_status_t list_corrections(const kbs_prepared_t *prep, kb_results_t *r)
{
    if (!prep->corrections)
        return KB_STATUS_SUCCESS;
    r->corrections = calloc(prep->corrections, sizeof *r->corrections);
    if (!r->corrections)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < prep->n; i++)
        for (size_t j = 0; j < prep->items[i].n && r->n_corrections < prep->corrections; j++) {
            const kbs_token_t *t = &prep->items[i].tokens[j];
            if (!t->fixed)
                continue;
            kb_correction_t *c = &r->corrections[r->n_corrections++];
            if (!(c->from = kb_strdup(t->word)) || !(c->to = kb_strdup(t->fixed)))
                return KB_STATUS_OUT_OF_MEMORY;
        }
    return KB_STATUS_SUCCESS;
}

/* The category and tag filters that applied, into R. */
static kb_status_t list_filters(const kbs_prepared_t *prep, kb_results_t *r)
{
    for (size_t i = 0; i < prep->categories.n; i++)
        if (!kb_strv_push(&r->categories, &r->n_categories, prep->categories.items[i],
                          strlen(prep->categories.items[i])))
            return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < prep->tags.n; i++)
        if (!kb_strv_push(&r->tags, &r->n_tags, prep->tags.items[i], strlen(prep->tags.items[i])))
            return KB_STATUS_OUT_OF_MEMORY;
    return KB_STATUS_SUCCESS;
}

/* One attempt at REQ on the current database.  PART is the customer's
 * part of a long paste (the alerts scan it rather than Q), or NULL. */
static kb_status_t run_once(kb_search_t *s, const kb_request_t *req, const kb_qparsed_t *q,
                            const char *part, unsigned limit, kb_results_t *r)
{
    kbs_prepared_t prep;
    kb_status_t st = kbs_prepare(s, q, req, &prep);
    if (st != KB_STATUS_SUCCESS)
        return st;
    if (!req->plain)
        st = kbs_drop_cue_words(s, &prep);
    if (st == KB_STATUS_SUCCESS)
        st = list_filters(&prep, r);
    int corrected = prep.corrections > 0;
    char *corrected_q = NULL;
    if (st == KB_STATUS_SUCCESS && corrected) {
        /* "Did you mean" offers the corrected query to be run: one that
         * grew past the size limit could not be, so it is not offered. */
        corrected_q = kbs_corrected_string(q, &prep);
        if (!corrected_q)
            st = KB_STATUS_OUT_OF_MEMORY;
        else if (strlen(corrected_q) > KB_QUERY_MAX_BYTES)
            corrected = 0;
    }
    kbs_built_t built;
    memset(&built, 0, sizeof built);
    if (st == KB_STATUS_SUCCESS)
        st = kbs_build(s, &prep, req->plain, corrected, &built);
    if (st == KB_STATUS_SUCCESS)
        st = kbs_hide_unpublished(&built, req->drafts);
    if (st == KB_STATUS_SUCCESS && built.query && !prep.words && !prep.categories.n &&
        !prep.tags.n) {
        /* Only stopwords: nothing the customer needs is named yet. */
        kb_xquery_free(built.query);
        built.query = NULL;
    }
    if (st == KB_STATUS_SUCCESS && !built.query) {
        r->notice = notice_for(&prep, q);
        if (!r->notice)
            st = KB_STATUS_OUT_OF_MEMORY;
    } else if (st == KB_STATUS_SUCCESS) {
        st = kbs_fetch(s, &built, req, limit, r);
        if (st == KB_STATUS_SUCCESS && corrected && r->total == 0) {
            /* The correction finds nothing: say nothing of it, and search
             * what was typed. */
            corrected = 0;
            kbs_built_clear(&built);
            clear_hits(r);
            st = kbs_build(s, &prep, req->plain, 0, &built);
            if (st == KB_STATUS_SUCCESS)
                st = kbs_hide_unpublished(&built, req->drafts);
            if (st == KB_STATUS_SUCCESS && built.query)
                st = kbs_fetch(s, &built, req, limit, r);
        }
        if (st == KB_STATUS_SUCCESS && corrected) {
            r->corrected = corrected_q;
            corrected_q = NULL;
            st = list_corrections(&prep, r);
        }
        if (st == KB_STATUS_SUCCESS && r->n == 0 && req->offset > 0 && r->total > 0) {
            kb_buf_t b = KB_BUF_INIT;
            kb_buf_printf(&b, "offset %u is past the last answer: %u answer%s in all",
                          req->offset, r->total, r->total == 1 ? "" : "s");
            r->notice = kb_buf_take(&b);
            if (!r->notice)
                st = KB_STATUS_OUT_OF_MEMORY;
        }
    }
    free(corrected_q);
    if (st == KB_STATUS_SUCCESS && built.query)
        st = kbs_pins_apply(s, req, &prep, &built, corrected, limit, r);
    if (st == KB_STATUS_SUCCESS && !req->plain) {
        kbs_mtext_t m;
        if (part) {
            kbs_mtext_init(&m);
            st = kbs_mtext_add_text(&m, s->stem, part, strlen(part), 0);
        } else {
            st = kbs_mtext_of_query(s, &prep, corrected, &m);
        }
        if (st == KB_STATUS_SUCCESS)
            st = kbs_alerts(s, &m, r);
        kbs_mtext_clear(&m);
    }
    kbs_built_clear(&built);
    kbs_prepared_clear(&prep);
    return st;
}

/* Q parsed again from the NFKC form of QUERY (base/normalize.h), as the
 * officer meant it: a fullwidth colon or quote is syntax, a soft hyphen is
 * nothing.  The limits were checked on what was typed. */
static kb_status_t normalized_parse(const char *query, kb_qparsed_t *q)
{
    char *norm = NULL;
    size_t n = 0;
    kb_status_t st = kb_text_normalize(query, strlen(query), &norm, &n);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_qparsed_t again;
    /* NFKC lengthens a character 18 times at most (U+FDFA). */
    st = kb_query_parse_max(norm, n, 18 * KB_QUERY_MAX_BYTES, &again);
    free(norm);
    if (st == KB_STATUS_SUCCESS) {
        kb_qparsed_clear(q);
        *q = again;
    }
    return st;
}

int kbs_retryable(kb_status_t st)
{
    return st == KB_STATUS_DB_MODIFIED || st == KB_STATUS_DB_OPENING ||
           st == KB_STATUS_DB_CORRUPT || st == KB_STATUS_XAPIAN_EXCEPTION;
}

kb_results_t *kbs_new_results(const char *q)
{
    kb_results_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    /* Trimmed, as the officer meant it. */
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
    size_t n = strlen(q);
    while (n && (q[n - 1] == ' ' || q[n - 1] == '\t' || q[n - 1] == '\n' || q[n - 1] == '\r'))
        n--;
    r->query = kb_strndup(q, n);
    if (!r->query) {
        free(r);
        return NULL;
    }
    return r;
}

/* Trimmed length of Q. */
static size_t trimmed_len(const char *q)
{
    while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
        q++;
    size_t n = strlen(q);
    while (n && (q[n - 1] == ' ' || q[n - 1] == '\t' || q[n - 1] == '\n' || q[n - 1] == '\r'))
        n--;
    return n;
}

/* A paste (kbs_is_paste): Q gets the passage condense.c chose,
 * R->searched it too, *PART the customer's part (caller frees). */
static kb_status_t condense_paste(kb_search_t *s, const kb_request_t *req, kb_qparsed_t *q,
                                  kb_results_t *r, char **part)
{
    const char *text = req->q;
    char *norm = NULL;
    size_t n = 0;
    kb_status_t st = kb_text_normalize(text, strlen(text), &norm, &n);
    char *searched = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = kbs_condense(s, req, norm, n, &searched, part);
    free(norm);
    if (st == KB_STATUS_SUCCESS)
        st = kb_query_parse(searched, strlen(searched), q);
    if (st == KB_STATUS_SUCCESS) {
        free(r->searched);
        r->searched = searched;
    } else {
        free(searched);
        free(*part);
        *part = NULL;
    }
    return st;
}

/* Parse REQ->q into Q, as typed or (a paste: kbs_is_paste) condensed. */
static kb_status_t parse_request(kb_search_t *s, const kb_request_t *req, kb_qparsed_t *q,
                                 int *paste)
{
    memset(q, 0, sizeof *q);
    size_t len = strlen(req->q);
    size_t n = trimmed_len(req->q);
    *paste = n <= KB_INPUT_MAX_BYTES && kbs_is_paste(req->q, len);
    if (n > KB_INPUT_MAX_BYTES) {
        kbs_set_error(s, "query is longer than %d bytes", KB_INPUT_MAX_BYTES);
        return KB_STATUS_TOO_LARGE;
    }
    if (*paste) {
        if (!kb_utf8_valid(req->q, len, NULL)) {
            kbs_set_error(s, "query is not valid UTF-8");
            return KB_STATUS_PARSE_ERROR;
        }
        return KB_STATUS_SUCCESS;   /* condensed once the index is open */
    }
    kb_status_t st = kb_query_parse(req->q, len, q);
    if (st == KB_STATUS_PARSE_ERROR)
        kbs_set_error(s, "query is not valid UTF-8");
    if (st == KB_STATUS_SUCCESS && !kb_text_is_ascii(req->q, len))
        st = normalized_parse(req->q, q);
    return st;
}

kb_status_t kb_search_run(kb_search_t *s, const kb_request_t *req, kb_results_t **out)
{
    *out = NULL;
    if (!s || !req || !req->q)
        return KB_STATUS_BAD_ARGUMENT;
    double t0 = kb_now_ms();
    s->err[0] = '\0';
    unsigned limit = req->limit ? req->limit : KB_LIMIT_DEFAULT;
    if (limit > KB_LIMIT_MAX) {
        kbs_set_error(s, "limit must be between 1 and %d", KB_LIMIT_MAX);
        return KB_STATUS_BAD_ARGUMENT;
    }
    kb_qparsed_t q;
    int paste = 0;
    kb_status_t st = parse_request(s, req, &q, &paste);
    if (st != KB_STATUS_SUCCESS) {
        kb_qparsed_clear(&q);
        return st;
    }
    kb_results_t *r = kbs_new_results(req->q);
    if (!r) {
        kb_qparsed_clear(&q);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    char *part = NULL;
    st = kbs_refresh(s, 0);
    for (int attempt = 0; st == KB_STATUS_SUCCESS; attempt++) {
        if (paste && !part)
            st = condense_paste(s, req, &q, r, &part);
        if (st == KB_STATUS_SUCCESS)
            st = run_once(s, req, &q, part, limit, r);
        if (st == KB_STATUS_SUCCESS || !kbs_retryable(st) || attempt > 0)
            break;
        /* The index changed under us (a re-index): reopen, try again. */
        kb_results_t *fresh = kbs_new_results(req->q);
        if (!fresh) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        kb_results_free(r);
        r = fresh;
        if (paste) {
            kb_qparsed_clear(&q);
            free(part);
            part = NULL;
        }
        st = kbs_refresh(s, 1);
    }
    free(part);
    kb_qparsed_clear(&q);
    if (st != KB_STATUS_SUCCESS) {
        if (!s->err[0])
            kbs_set_error(s, "%s", kb_status_to_string(st));
        kb_results_free(r);
        return st;
    }
    /* A confident answer among the best candidates, on this page or not. */
    r->covered = r->total > 0;
    r->took_ms = kb_now_ms() - t0;
    *out = r;
    return KB_STATUS_SUCCESS;
}
