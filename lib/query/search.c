/* search.c - kb_search_*: open and follow the index, run a request, and the
 * smaller operations (related, article, escalation, health, list). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "schema/schema.h"
#include "schema/ids.h"
#include "base/clock.h"

/* BM25 parameters: k1 (term frequency saturation) and b (length
 * normalisation).  Sections are short and fairly even in length, so length
 * normalisation is kept mild. */
#define BM25_K1 1.5
#define BM25_B 0.75
#define SNIPPET_DEFAULT 200

void kbs_set_error(kb_search_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

const char *kb_search_last_error(const kb_search_t *s)
{
    return s ? s->err : "";
}

/* stat() of the stub file, to notice kb-index --full swapping it. */
static int stub_stat(const kb_search_t *s, struct stat *st)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s/XAPIANDB", s->path);
    int ok = !b.oom && stat(b.data, st) == 0;
    kb_buf_free(&b);
    return ok;
}

static void remember_stub(kb_search_t *s)
{
    struct stat st;
    s->have_stub = stub_stat(s, &st);
    if (s->have_stub) {
        s->stub_ino = st.st_ino;
        s->stub_mtime = st.st_mtim.tv_sec;
        s->stub_mtime_ns = st.st_mtim.tv_nsec;
        s->stub_size = st.st_size;
    }
}

static int stub_moved(const kb_search_t *s)
{
    struct stat st;
    int have = stub_stat(s, &st);
    if (have != s->have_stub)
        return 1;
    return have && (st.st_ino != s->stub_ino || st.st_mtim.tv_sec != s->stub_mtime ||
                    st.st_mtim.tv_nsec != s->stub_mtime_ns || st.st_size != s->stub_size);
}

/* Open S->path into a new handle, replacing S->db on success. */
static kb_status_t open_db(kb_search_t *s)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        kbs_set_error(s, "no index at %s (%s); build it with: kb-index --db %s KB_DIR",
                      s->path, strerror(errno), s->path);
        return KB_STATUS_DB_OPENING;
    }
    remember_stub(s);
    kb_xdb_t *db = NULL;
    char *msg = NULL;
    kb_status_t rc = kb_xdb_open(s->path, KB_XDB_READONLY, &db, &msg);
    if (rc != KB_STATUS_SUCCESS) {
        if (rc == KB_STATUS_DB_OPENING)
            kbs_set_error(s, "cannot open the index at %s: %s; build it with: kb-index --db %s "
                             "KB_DIR", s->path, msg ? msg : "", s->path);
        else if (rc == KB_STATUS_DB_CORRUPT)
            kbs_set_error(s, "the index at %s is damaged: %s; rebuild it with: kb-index --full "
                             "--db %s KB_DIR", s->path, msg ? msg : "", s->path);
        else
            kbs_set_error(s, "cannot open the index at %s: %s", s->path, msg ? msg : "");
        free(msg);
        return rc;
    }
    /* An index written by another version of kb-index holds other
     * documents: refuse it rather than answer wrongly. */
    char *format = NULL;
    rc = kb_xdb_get_metadata(db, KB_META_FORMAT, &format, NULL);
    if (rc == KB_STATUS_SUCCESS && strcmp(format, KB_INDEX_FORMAT) != 0) {
        kbs_set_error(s, "the index at %s was built by another version of kb-index (format "
                         "'%s', this is '%s'); rebuild it with: kb-index --full --db %s KB_DIR",
                      s->path, format[0] ? format : "none", KB_INDEX_FORMAT, s->path);
        rc = KB_STATUS_DB_OPENING;
    }
    free(format);
    if (rc != KB_STATUS_SUCCESS) {
        kb_xdb_close(db);
        return rc;
    }
    kb_xdb_close(s->db);
    s->db = db;
    kbs_dict_clear(s);
    rc = kbs_tiers_load(s);
    if (rc != KB_STATUS_SUCCESS)
        kbs_set_error(s, "cannot read escalation tiers: %s", kb_xdb_last_error(s->db));
    return rc;
}

kb_status_t kbs_refresh(kb_search_t *s, int force)
{
    if (force || stub_moved(s))
        return open_db(s);
    int changed = 0;
    kb_status_t st = kb_xdb_reopen(s->db, &changed);
    if (st != KB_STATUS_SUCCESS)
        return open_db(s);   /* e.g. its generation was pruned */
    if (changed) {
        kbs_dict_clear(s);
        st = kbs_tiers_load(s);
    }
    return st;
}

kb_status_t kb_search_open(const char *db_path, kb_search_t **out, char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    if (!db_path)
        return KB_STATUS_BAD_ARGUMENT;
    kb_search_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = kb_strdup(db_path))) {
        free(s);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    kb_status_t st = kb_xstem_new("english", &s->stem);
    if (st == KB_STATUS_SUCCESS)
        st = open_db(s);
    if (st != KB_STATUS_SUCCESS) {
        if (message)
            *message = kb_strdup(s->err[0] ? s->err : kb_status_to_string(st));
        kb_search_close(s);
        return st;
    }
    *out = s;
    return KB_STATUS_SUCCESS;
}

void kb_search_close(kb_search_t *s)
{
    if (!s)
        return;
    kb_xdb_close(s->db);
    kb_xstem_free(s->stem);
    kbs_tiers_clear(&s->tiers);
    kbs_dict_clear(s);
    free(s->path);
    free(s);
}

void kb_search_set_time(kb_search_t *s, time_t now)
{
    if (s)
        s->now = now;
}

/* ---------------------------------------------------------------- */
/* Running a query                                                    */

typedef struct first_ctx {
    kb_xdocid_t docid;
} first_ctx_t;

static int first_doc(void *vctx, kb_xdocid_t docid)
{
    ((first_ctx_t *)vctx)->docid = docid;
    return 1;
}

typedef struct explain_ctx {
    const kbs_built_t *built;
    kb_hit_t *hit;
    int oom;
} explain_ctx_t;

static int add_explain(void *vctx, const char *term, size_t len, unsigned count)
{
    (void)len;
    (void)count;
    explain_ctx_t *c = vctx;
    const kbs_source_t *src = NULL;
    for (size_t i = 0; i < c->built->n_sources && !src; i++)
        if (strcmp(c->built->sources[i].term, term) == 0)
            src = &c->built->sources[i];
    if (!src)
        return 0;
    kb_hit_t *h = c->hit;
    kb_match_t *m = realloc(h->explain, (h->n_explain + 1) * sizeof *m);
    if (!m) {
        c->oom = 1;
        return 1;
    }
    h->explain = m;
    m = &h->explain[h->n_explain];
    m->term = kb_strdup(src->term);
    m->word = kb_strdup(src->word);
    m->kind = kb_strdup(src->kind);
    m->detail = src->detail ? kb_strdup(src->detail) : NULL;
    if (!m->term || !m->word || !m->kind || (src->detail && !m->detail)) {
        free(m->term);
        free(m->word);
        free(m->kind);
        free(m->detail);
        c->oom = 1;
        return 1;
    }
    h->n_explain++;
    return 0;
}

/* A query for the term PREFIX+VALUE; caller frees. */
static kb_status_t id_term(const char *prefix, const char *value, kb_xquery_t **q)
{
    kb_buf_t t = KB_BUF_INIT;
    kb_buf_printf(&t, "%s%s", prefix, value);
    kb_status_t st = t.oom ? KB_STATUS_OUT_OF_MEMORY : kb_xquery_term(t.data, 1, 0, q);
    kb_buf_free(&t);
    return st;
}

/* For hits that came through a question document, the article's
 * best-matching section: one more query, QUERY restricted to those
 * articles' section documents, one per article.  DOCS[i] gets the section
 * of IDS[i], or its lead when no section matches; caller frees them. */
static kb_status_t best_sections(kb_search_t *s, const kb_xquery_t *query, char **ids, size_t n,
                                 kb_xdoc_t **docs)
{
    kb_xquery_t **idq = calloc(n, sizeof *idq);
    kb_xquery_t *any = NULL, *qdoc = NULL, *in = NULL, *sections = NULL;
    kb_xenquire_t *enq = NULL;
    kb_xmset_t *m = NULL;
    kb_status_t st = idq ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < n && st == KB_STATUS_SUCCESS; i++)
        st = id_term(KB_PREFIX_ID, ids[i], &idq[i]);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xquery_combine(KB_XOP_OR, (const kb_xquery_t *const *)idq, n, 0, &any);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xquery_term(KB_TERM_QUESTION_DOC, 1, 0, &qdoc);
    if (st == KB_STATUS_SUCCESS) {
        const kb_xquery_t *pair[2] = {query, any};
        st = kb_xquery_combine(KB_XOP_FILTER, pair, 2, 0, &in);
    }
    if (st == KB_STATUS_SUCCESS) {
        const kb_xquery_t *pair[2] = {in, qdoc};
        st = kb_xquery_combine(KB_XOP_AND_NOT, pair, 2, 0, &sections);
    }
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_new(s->db, &enq);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_query(enq, sections, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_collapse_key(enq, KB_SLOT_ARTICLE, 1);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_bm25(enq, BM25_K1, 0, 1, BM25_B, 0.5);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_get_mset(enq, 0, (unsigned)n, 0, &m);
    for (unsigned k = 0; st == KB_STATUS_SUCCESS && k < kb_xmset_size(m); k++) {
        kb_xdoc_t *d;
        const char *v;
        size_t vl;
        st = kb_xmset_document(m, k, &d);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_value(d, KB_SLOT_ARTICLE, &v, &vl);
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < n && d; i++) {
            if (!docs[i] && strlen(ids[i]) == vl && memcmp(ids[i], v, vl) == 0) {
                docs[i] = d;
                d = NULL;
            }
        }
        kb_xdoc_free(d);
    }
    /* Only a question matched: show the lead. */
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < n; i++) {
        if (docs[i])
            continue;
        first_ctx_t c = {0};
        kb_buf_t t = KB_BUF_INIT;
        kb_buf_printf(&t, "%s%s", KB_PREFIX_LEAD, ids[i]);
        st = t.oom ? KB_STATUS_OUT_OF_MEMORY : kb_xdb_postlist(s->db, t.data, first_doc, &c);
        kb_buf_free(&t);
        if (st == KB_STATUS_SUCCESS && !c.docid)
            st = KB_STATUS_DB_CORRUPT;
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdb_get_document(s->db, c.docid, &docs[i]);
    }
    for (size_t i = 0; idq && i < n; i++)
        kb_xquery_free(idq[i]);
    free(idq);
    kb_xquery_free(any);
    kb_xquery_free(qdoc);
    kb_xquery_free(in);
    kb_xquery_free(sections);
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    return st;
}

/* Fill hit H from section document DOC, with a snippet made for M. */
static kb_status_t fill_hit(kb_search_t *s, kb_xmset_t *m, kb_xdoc_t *doc, size_t snip,
                            kb_hit_t *h)
{
    const char *data;
    size_t len;
    char *text = NULL, *raw = NULL;
    kb_schema_section_t sec;
    kb_status_t st = kb_xdoc_get_data(doc, &data, &len);
    if (st == KB_STATUS_SUCCESS)
        st = kb_schema_section_decode(data, len, &sec);
    if (st == KB_STATUS_SUCCESS)
        kbs_hit_take_section(h, &sec, &text);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xmset_snippet(m, text, strlen(text), snip, s->stem, 0, "\x01", "\x02",
                              "\xe2\x80\xa6", &raw);
    free(text);
    if (st == KB_STATUS_SUCCESS)
        st = kbs_snippet_clean(raw, &h->snippet, &h->highlights, &h->n_highlights);
    free(raw);
    return st;
}

/* Run BUILT and fill R's hits. */
static kb_status_t fetch(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                         unsigned limit, kb_results_t *r)
{
    kb_xenquire_t *enq = NULL;
    kb_xmset_t *m = NULL;
    kb_status_t st = kb_xenquire_new(s->db, &enq);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_query(enq, built->query, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_collapse_key(enq, KB_SLOT_ARTICLE, 1);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_set_bm25(enq, BM25_K1, 0, 1, BM25_B, 0.5);
    /* "total" is Xapian's estimate: counting every match exactly would
     * cost more than the rest of the query. */
    unsigned articles = 0;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_termfreq(s->db, KB_TERM_ARTICLE_DOC, &articles);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_get_mset(enq, req->offset, limit, req->offset + limit, &m);
    unsigned n = kb_xmset_size(m);
    /* Per item: its document (a section), or the question that matched and
     * the article whose best section is looked up afterwards. */
    kb_xdoc_t **docs = calloc(n ? n : 1, sizeof *docs);
    char **questions = calloc(n ? n : 1, sizeof *questions);
    char **ids = calloc(n ? n : 1, sizeof *ids);
    size_t *which = calloc(n ? n : 1, sizeof *which);
    kb_xdoc_t **found = calloc(n ? n : 1, sizeof *found);
    size_t n_ids = 0;
    if (st == KB_STATUS_SUCCESS && (!docs || !questions || !ids || !which || !found))
        st = KB_STATUS_OUT_OF_MEMORY;
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && i < n; i++) {
        const char *v;
        size_t vl;
        st = kb_xmset_document(m, i, &docs[i]);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_value(docs[i], KB_SLOT_SECTION, &v, &vl);
        if (st != KB_STATUS_SUCCESS || vl != 1 || v[0] != 'q')
            continue;
        const char *data;
        size_t len;
        st = kb_xdoc_get_data(docs[i], &data, &len);
        if (st == KB_STATUS_SUCCESS)
            st = kb_schema_question_decode(data, len, &ids[n_ids], &questions[i]);
        which[n_ids++] = i;
    }
    if (st == KB_STATUS_SUCCESS && n_ids)
        st = best_sections(s, built->query, ids, n_ids, found);
    for (size_t k = 0; k < n_ids; k++) {
        kb_xdoc_free(docs[which[k]]);
        docs[which[k]] = found[k];
        found[k] = NULL;
    }
    if (st == KB_STATUS_SUCCESS && n) {
        r->hits = calloc(n, sizeof *r->hits);
        if (!r->hits)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    size_t snip = req->snippet_bytes ? req->snippet_bytes : SNIPPET_DEFAULT;
    for (unsigned i = 0; st == KB_STATUS_SUCCESS && i < n; i++) {
        kb_hit_t *h = &r->hits[r->n];
        st = fill_hit(s, m, docs[i], snip, h);
        if (st != KB_STATUS_SUCCESS) {
            kbs_hit_clear(h);
            break;
        }
        r->n++;
        h->question = questions[i];
        questions[i] = NULL;
        h->rank = req->offset + i + 1;
        h->weight = kb_xmset_weight(m, i);
        h->score = kb_xmset_percent(m, i) / 100.0;
        if (req->explain) {
            explain_ctx_t c = {built, h, 0};
            st = kb_xenquire_matching_terms(enq, kb_xmset_docid(m, i), add_explain, &c);
            if (st == KB_STATUS_SUCCESS && c.oom)
                st = KB_STATUS_OUT_OF_MEMORY;
        }
    }
    if (st == KB_STATUS_SUCCESS) {
        /* Collapsing makes the estimate rough: never more than the articles. */
        unsigned est = kb_xmset_matches_estimated(m);
        if (articles && est > articles)
            est = articles;
        r->total = est > req->offset + r->n ? est : req->offset + (unsigned)r->n;
    }
    if (st != KB_STATUS_SUCCESS && s->db && kb_xdb_last_error(s->db)[0])
        kbs_set_error(s, "%s", kb_xdb_last_error(s->db));
    for (unsigned i = 0; i < n; i++) {
        if (docs)
            kb_xdoc_free(docs[i]);
        if (questions)
            free(questions[i]);
    }
    for (size_t k = 0; k < n_ids; k++)
        free(ids[k]);
    free(docs);
    free(questions);
    free(ids);
    free(which);
    free(found);
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    return st;
}

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

/* One attempt at REQ on the current database. */
static kb_status_t run_once(kb_search_t *s, const kb_request_t *req, const kb_qparsed_t *q,
                            unsigned limit, kb_results_t *r)
{
    kbs_prepared_t prep;
    kb_status_t st = kbs_prepare(s, q, req, &prep);
    if (st != KB_STATUS_SUCCESS)
        return st;
    for (size_t i = 0; i < prep.categories.n && st == KB_STATUS_SUCCESS; i++)
        if (!kb_strv_push(&r->categories, &r->n_categories, prep.categories.items[i],
                          strlen(prep.categories.items[i])))
            st = KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < prep.tags.n && st == KB_STATUS_SUCCESS; i++)
        if (!kb_strv_push(&r->tags, &r->n_tags, prep.tags.items[i], strlen(prep.tags.items[i])))
            st = KB_STATUS_OUT_OF_MEMORY;
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
        st = fetch(s, &built, req, limit, r);
        if (st == KB_STATUS_SUCCESS && corrected && r->n == 0) {
            /* The correction finds nothing: say nothing of it, and search
             * what was typed. */
            corrected = 0;
            kbs_built_clear(&built);
            clear_hits(r);
            st = kbs_build(s, &prep, req->plain, 0, &built);
            if (st == KB_STATUS_SUCCESS && built.query)
                st = fetch(s, &built, req, limit, r);
        }
        if (st == KB_STATUS_SUCCESS && corrected) {
            r->corrected = corrected_q;
            corrected_q = NULL;
        }
    }
    free(corrected_q);
    if (st == KB_STATUS_SUCCESS && !req->plain)
        st = kbs_escalation_for_query(s, &prep, corrected, r->n ? &r->hits[0] : NULL,
                                      &r->escalation);
    kbs_built_clear(&built);
    kbs_prepared_clear(&prep);
    return st;
}

static int retryable(kb_status_t st)
{
    return st == KB_STATUS_DB_MODIFIED || st == KB_STATUS_DB_OPENING ||
           st == KB_STATUS_DB_CORRUPT || st == KB_STATUS_XAPIAN_EXCEPTION;
}

static kb_results_t *new_results(const char *q)
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
    kb_status_t st = kb_query_parse(req->q, strlen(req->q), &q);
    if (st == KB_STATUS_TOO_LARGE) {
        kbs_set_error(s, "query is longer than %d bytes", KB_QUERY_MAX_BYTES);
        return st;
    }
    if (st == KB_STATUS_PARSE_ERROR) {
        kbs_set_error(s, "query is not valid UTF-8");
        return st;
    }
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_results_t *r = new_results(req->q);
    if (!r) {
        kb_qparsed_clear(&q);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    st = kbs_refresh(s, 0);
    for (int attempt = 0; st == KB_STATUS_SUCCESS; attempt++) {
        st = run_once(s, req, &q, limit, r);
        if (st == KB_STATUS_SUCCESS || !retryable(st) || attempt > 0)
            break;
        /* The index changed under us (a re-index): reopen, try again. */
        kb_results_t *fresh = new_results(req->q);
        if (!fresh) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        kb_results_free(r);
        r = fresh;
        st = kbs_refresh(s, 1);
    }
    kb_qparsed_clear(&q);
    if (st != KB_STATUS_SUCCESS) {
        if (!s->err[0])
            kbs_set_error(s, "%s", kb_status_to_string(st));
        kb_results_free(r);
        return st;
    }
    /* Until a calibrated confidence exists: the score, and any result
     * counts as covered. */
    for (size_t i = 0; i < r->n; i++)
        r->hits[i].confidence = r->hits[i].score;
    r->covered = r->n > 0;
    r->took_ms = kb_now_ms() - t0;
    *out = r;
    return KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Articles                                                           */

/* The stored article ID; caller frees with kb_article_free(). */
static kb_status_t load_article(kb_search_t *s, const char *id, kb_article_t **out)
{
    *out = NULL;
    if (!kb_id_valid(id)) {
        kbs_set_error(s, "invalid article id: use lowercase letters, digits and hyphens");
        return KB_STATUS_BAD_ARGUMENT;
    }
    kb_status_t st = kbs_refresh(s, 0);
    char *term = kb_schema_term(KB_PREFIX_ARTICLE, id);
    if (!term)
        st = KB_STATUS_OUT_OF_MEMORY;
    for (int attempt = 0; st == KB_STATUS_SUCCESS && attempt < 2; attempt++) {
        first_ctx_t c = {0};
        st = kb_xdb_postlist(s->db, term, first_doc, &c);
        kb_xdoc_t *doc = NULL;
        if (st == KB_STATUS_SUCCESS && !c.docid) {
            kbs_set_error(s, "no article with id '%s'", id);
            st = KB_STATUS_NOT_FOUND;
            break;
        }
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdb_get_document(s->db, c.docid, &doc);
        const char *data;
        size_t len;
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_get_data(doc, &data, &len);
        if (st == KB_STATUS_SUCCESS)
            st = kb_schema_article_decode(data, len, out);
        kb_xdoc_free(doc);
        if (st == KB_STATUS_SUCCESS || !retryable(st))
            break;
        st = kbs_refresh(s, 1);
    }
    free(term);
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
    kb_results_t *r = new_results(id);
    kbs_prepared_t prep;
    kbs_built_t built;
    memset(&built, 0, sizeof built);
    st = r ? kbs_prepare(s, &q, &req, &prep) : KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS) {
        st = kbs_build(s, &prep, 0, 0, &built);
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
            st = fetch(s, &built, &req, limit, r);
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
