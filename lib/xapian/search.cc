/* search.cc - the C binding over libxapian: stemmers, term generators,
 * queries, the query parser, enquire and result sets.  See xapian.h for
 * the contract and internal.hh for the error discipline. */
#include "internal.hh"

extern "C" {

/* ---------------------------------------------------------------- */
/* Stemmers                                                           */

kb_status_t kb_xstem_new(const char *lang, kb_xstem_t **stem)
{
    KB_ENTER(nullptr);
    if (stem)
        *stem = nullptr;
    KB_CHECK(lang && stem);
    KB_TRY
        std::unique_ptr<kb_xstem> s(new kb_xstem);
        s->impl = nullptr;
        Xapian::Stem real(lang);
        if (!real.is_none()) {
            s->impl = new CachingStem(real);
            s->stem = Xapian::Stem(s->impl);
        }
        *stem = s.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xstem_add_exception(kb_xstem_t *stem, const char *word, const char *as)
{
    KB_ENTER(nullptr);
    KB_CHECK(stem && stem->impl && word && as);
    KB_TRY
        stem->impl->add_exception(word, as);
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

void kb_xstem_free(kb_xstem_t *stem)
{
    delete stem;
}

kb_status_t kb_xstem_word(kb_xstem_t *stem, const char *word, size_t len, char **out)
{
    KB_ENTER(nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(stem && word && out);
    KB_TRY
        *out = kbx_dup_bytes(stem->stem(std::string(word, len)));
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

/* ---------------------------------------------------------------- */
/* Term generator                                                     */

static Xapian::TermGenerator::stem_strategy tg_strategy(kb_xstem_strategy_t s)
{
    switch (s) {
    case KB_XSTEM_NONE: return Xapian::TermGenerator::STEM_NONE;
    case KB_XSTEM_ALL: return Xapian::TermGenerator::STEM_ALL;
    case KB_XSTEM_ALL_Z: return Xapian::TermGenerator::STEM_ALL_Z;
    case KB_XSTEM_SOME: break;
    }
    return Xapian::TermGenerator::STEM_SOME;
}

static Xapian::SimpleStopper *make_stopper(const char *const *words)
{
    std::unique_ptr<Xapian::SimpleStopper> s(new Xapian::SimpleStopper);
    for (; words && *words; ++words)
        s->add(*words);
    return s.release();
}

kb_status_t kb_xtermgen_new(kb_xdb_t *db, kb_xtermgen_t **tg)
{
    KB_ENTER(db);
    if (tg)
        *tg = nullptr;
    KB_CHECK(tg);
    KB_TRY
        std::unique_ptr<kb_xtermgen> t(new kb_xtermgen);
        t->db = db;
        if (db && db->wdb)
            t->tg.set_database(*db->wdb);
        *tg = t.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

void kb_xtermgen_free(kb_xtermgen_t *tg)
{
    delete tg;
}

kb_status_t kb_xtermgen_set_stemmer(kb_xtermgen_t *tg, const kb_xstem_t *stem)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg);
    KB_TRY
        tg->tg.set_stemmer(stem ? stem->stem : Xapian::Stem());
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_stemming_strategy(kb_xtermgen_t *tg,
                                              kb_xstem_strategy_t strategy)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg);
    KB_TRY
        tg->tg.set_stemming_strategy(tg_strategy(strategy));
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_stopper(kb_xtermgen_t *tg, const char *const *words)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg);
    KB_TRY
        tg->stopper.reset(make_stopper(words));
        tg->tg.set_stopper(tg->stopper.get());
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_flags(kb_xtermgen_t *tg, unsigned flags)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg);
    if ((flags & KB_XTG_SPELLING) && !(tg->db && tg->db->wdb))
        return kbx_fail(kb_db_, KB_STATUS_BAD_ARGUMENT, __func__,
                    "spelling data needs a term generator on a writable database");
    KB_TRY
        tg->tg.set_flags((flags & KB_XTG_SPELLING) ? Xapian::TermGenerator::FLAG_SPELLING
                                                   : Xapian::TermGenerator::flags(0));
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_document(kb_xtermgen_t *tg, kb_xdoc_t *doc)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg && doc);
    KB_TRY
        tg->tg.set_document(doc->doc);
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

/* TermGenerator copies the Document handle, which shares the document's
 * internals; changes show through DOC->doc as well. */
kb_status_t kb_xtermgen_index_text(kb_xtermgen_t *tg, const char *text, size_t len,
                                   unsigned wdf_inc, const char *prefix)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg && (text || len == 0));
    KB_TRY
        tg->tg.index_text(kbx_folded(text, len), wdf_inc, prefix ? prefix : "");
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_index_text_without_positions(kb_xtermgen_t *tg, const char *text,
                                                     size_t len, unsigned wdf_inc,
                                                     const char *prefix)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg && (text || len == 0));
    KB_TRY
        tg->tg.index_text_without_positions(kbx_folded(text, len), wdf_inc,
                                            prefix ? prefix : "");
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_increase_termpos(kb_xtermgen_t *tg, unsigned delta)
{
    KB_ENTER(tg ? tg->db : nullptr);
    KB_CHECK(tg);
    KB_TRY
        tg->tg.increase_termpos(delta);
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

/* ---------------------------------------------------------------- */
/* Queries                                                            */

static Xapian::Query::op xop(kb_xop_t op)
{
    switch (op) {
    case KB_XOP_AND: return Xapian::Query::OP_AND;
    case KB_XOP_AND_NOT: return Xapian::Query::OP_AND_NOT;
    case KB_XOP_AND_MAYBE: return Xapian::Query::OP_AND_MAYBE;
    case KB_XOP_FILTER: return Xapian::Query::OP_FILTER;
    case KB_XOP_SYNONYM: return Xapian::Query::OP_SYNONYM;
    case KB_XOP_PHRASE: return Xapian::Query::OP_PHRASE;
    case KB_XOP_NEAR: return Xapian::Query::OP_NEAR;
    case KB_XOP_MAX: return Xapian::Query::OP_MAX;
    case KB_XOP_OR: break;
    }
    return Xapian::Query::OP_OR;
}

kb_status_t kb_xquery_term(const char *term, unsigned wqf, unsigned pos, kb_xquery_t **q)
{
    KB_ENTER(nullptr);
    if (q)
        *q = nullptr;
    KB_CHECK(term && q);
    KB_TRY
        std::unique_ptr<kb_xquery> r(new kb_xquery);
        r->q = Xapian::Query(term, wqf ? wqf : 1, pos);
        *q = r.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xquery_combine(kb_xop_t op, const kb_xquery_t *const *subs, size_t n,
                              unsigned window, kb_xquery_t **q)
{
    KB_ENTER(nullptr);
    if (q)
        *q = nullptr;
    KB_CHECK(q && (subs || n == 0));
    KB_TRY
        std::vector<Xapian::Query> v;
        v.reserve(n);
        for (size_t i = 0; i < n; i++)
            if (subs[i])
                v.push_back(subs[i]->q);
        std::unique_ptr<kb_xquery> r(new kb_xquery);
        if (!v.empty())
            r->q = Xapian::Query(xop(op), v.begin(), v.end(), window);
        *q = r.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xquery_scale(const kb_xquery_t *q, double factor, kb_xquery_t **out)
{
    KB_ENTER(nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(q && out && factor >= 0);
    KB_TRY
        std::unique_ptr<kb_xquery> r(new kb_xquery);
        r->q = Xapian::Query(factor, q->q);
        *out = r.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xquery_copy(const kb_xquery_t *q, kb_xquery_t **out)
{
    KB_ENTER(nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(q && out);
    KB_TRY
        std::unique_ptr<kb_xquery> r(new kb_xquery);
        r->q = q->q;
        *out = r.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xquery_match_all(kb_xquery_t **q)
{
    KB_ENTER(nullptr);
    if (q)
        *q = nullptr;
    KB_CHECK(q);
    KB_TRY
        std::unique_ptr<kb_xquery> r(new kb_xquery);
        r->q = Xapian::Query::MatchAll;
        *q = r.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

void kb_xquery_free(kb_xquery_t *q)
{
    delete q;
}

int kb_xquery_is_empty(const kb_xquery_t *q)
{
    return !q || q->q.empty();
}

kb_status_t kb_xquery_describe(const kb_xquery_t *q, char **out)
{
    KB_ENTER(nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(q && out);
    KB_TRY
        *out = kbx_dup_bytes(q->q.get_description());
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xquery_terms(const kb_xquery_t *q, kb_xterm_fn fn, void *ctx)
{
    KB_ENTER(nullptr);
    KB_CHECK(q && fn);
    KB_TRY
        for (auto it = q->q.get_unique_terms_begin(); it != q->q.get_unique_terms_end(); ++it) {
            const std::string &t = *it;
            if (fn(ctx, t.c_str(), t.size(), 1))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

/* ---------------------------------------------------------------- */
/* Query parser                                                       */

kb_status_t kb_xqparser_new(kb_xdb_t *db, kb_xqparser_t **qp)
{
    KB_ENTER(db);
    if (qp)
        *qp = nullptr;
    KB_CHECK(qp);
    KB_TRY
        std::unique_ptr<kb_xqparser> p(new kb_xqparser);
        p->db = db;
        if (db)
            p->qp.set_database(*db->db);
        *qp = p.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

void kb_xqparser_free(kb_xqparser_t *qp)
{
    delete qp;
}

kb_status_t kb_xqparser_set_stemmer(kb_xqparser_t *qp, const kb_xstem_t *stem)
{
    KB_ENTER(qp ? qp->db : nullptr);
    KB_CHECK(qp);
    KB_TRY
        qp->qp.set_stemmer(stem ? stem->stem : Xapian::Stem());
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_set_stemming_strategy(kb_xqparser_t *qp,
                                              kb_xstem_strategy_t strategy)
{
    KB_ENTER(qp ? qp->db : nullptr);
    KB_CHECK(qp);
    KB_TRY
        Xapian::QueryParser::stem_strategy s = Xapian::QueryParser::STEM_SOME;
        switch (strategy) {
        case KB_XSTEM_NONE: s = Xapian::QueryParser::STEM_NONE; break;
        case KB_XSTEM_ALL: s = Xapian::QueryParser::STEM_ALL; break;
        case KB_XSTEM_ALL_Z: s = Xapian::QueryParser::STEM_ALL_Z; break;
        case KB_XSTEM_SOME: break;
        }
        qp->qp.set_stemming_strategy(s);
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_set_stopper(kb_xqparser_t *qp, const char *const *words)
{
    KB_ENTER(qp ? qp->db : nullptr);
    KB_CHECK(qp);
    KB_TRY
        qp->stopper.reset(make_stopper(words));
        qp->qp.set_stopper(qp->stopper.get());
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_set_default_op(kb_xqparser_t *qp, kb_xop_t op)
{
    KB_ENTER(qp ? qp->db : nullptr);
    KB_CHECK(qp && (op == KB_XOP_AND || op == KB_XOP_OR));
    KB_TRY
        qp->qp.set_default_op(xop(op));
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_add_prefix(kb_xqparser_t *qp, const char *field, const char *prefix)
{
    KB_ENTER(qp ? qp->db : nullptr);
    KB_CHECK(qp && field && prefix);
    KB_TRY
        qp->qp.add_prefix(field, prefix);
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_add_boolean_prefix(kb_xqparser_t *qp, const char *field,
                                           const char *prefix)
{
    KB_ENTER(qp ? qp->db : nullptr);
    KB_CHECK(qp && field && prefix);
    KB_TRY
        qp->qp.add_boolean_prefix(field, prefix);
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_parse(kb_xqparser_t *qp, const char *text, unsigned flags,
                              const char *default_prefix, kb_xquery_t **q)
{
    KB_ENTER(qp ? qp->db : nullptr);
    if (q)
        *q = nullptr;
    KB_CHECK(qp && text && q);
    KB_TRY
        unsigned f = 0;
        if (flags & KB_XQP_BOOLEAN) f |= Xapian::QueryParser::FLAG_BOOLEAN;
        if (flags & KB_XQP_PHRASE) f |= Xapian::QueryParser::FLAG_PHRASE;
        if (flags & KB_XQP_LOVEHATE) f |= Xapian::QueryParser::FLAG_LOVEHATE;
        if (flags & KB_XQP_WILDCARD) f |= Xapian::QueryParser::FLAG_WILDCARD;
        if (flags & KB_XQP_SPELLING_CORRECTION) f |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
        if (flags & KB_XQP_SYNONYM) f |= Xapian::QueryParser::FLAG_SYNONYM;
        if (flags & KB_XQP_AUTO_SYNONYMS) f |= Xapian::QueryParser::FLAG_AUTO_SYNONYMS;
        if (flags & KB_XQP_AUTO_MULTIWORD_SYNONYMS) f |= Xapian::QueryParser::FLAG_AUTO_MULTIWORD_SYNONYMS;
        if (flags & KB_XQP_BOOLEAN_ANY_CASE) f |= Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE;
        std::unique_ptr<kb_xquery> r(new kb_xquery);
        r->q = qp->qp.parse_query(text, f, default_prefix ? default_prefix : "");
        *q = r.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_corrected(kb_xqparser_t *qp, char **out)
{
    KB_ENTER(qp ? qp->db : nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(qp && out);
    KB_TRY
        *out = kbx_dup_bytes(qp->qp.get_corrected_query_string());
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

/* ---------------------------------------------------------------- */
/* Enquire and results                                                */

kb_status_t kb_xenquire_new(kb_xdb_t *db, kb_xenquire_t **enq)
{
    KB_ENTER(db);
    if (enq)
        *enq = nullptr;
    KB_CHECK(db && enq);
    KB_TRY
        *enq = new kb_xenquire(db);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

void kb_xenquire_free(kb_xenquire_t *enq)
{
    delete enq;
}

kb_status_t kb_xenquire_set_query(kb_xenquire_t *enq, const kb_xquery_t *q, unsigned qlen)
{
    KB_ENTER(enq ? enq->db : nullptr);
    KB_CHECK(enq && q);
    KB_TRY
        enq->enq.set_query(q->q, qlen);
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_collapse_key(kb_xenquire_t *enq, unsigned slot, unsigned max)
{
    KB_ENTER(enq ? enq->db : nullptr);
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_collapse_key(slot, max ? max : 1);
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_bm25(kb_xenquire_t *enq, double k1, double k2, double k3,
                                 double b, double min_normlen)
{
    KB_ENTER(enq ? enq->db : nullptr);
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_boolean(kb_xenquire_t *enq)
{
    KB_ENTER(enq ? enq->db : nullptr);
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_weighting_scheme(Xapian::BoolWeight());
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_tiebreak(kb_xenquire_t *enq, unsigned slot)
{
    KB_ENTER(enq ? enq->db : nullptr);
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_sort_by_relevance_then_value(slot, false);
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_get_mset(kb_xenquire_t *enq, unsigned first, unsigned maxitems,
                                 unsigned checkatleast, kb_xmset_t **mset)
{
    KB_ENTER(enq ? enq->db : nullptr);
    if (mset)
        *mset = nullptr;
    KB_CHECK(enq && mset);
    KB_TRY
        std::unique_ptr<kb_xmset> m(new kb_xmset);
        m->db = enq->db;
        m->mset = enq->enq.get_mset(first, maxitems, checkatleast);
        *mset = m.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_matching_terms(kb_xenquire_t *enq, kb_xdocid_t docid,
                                       kb_xterm_fn fn, void *ctx)
{
    KB_ENTER(enq ? enq->db : nullptr);
    KB_CHECK(enq && fn && docid);
    KB_TRY
        for (auto it = enq->enq.get_matching_terms_begin(docid);
             it != enq->enq.get_matching_terms_end(docid); ++it) {
            const std::string &t = *it;
            if (fn(ctx, t.c_str(), t.size(), 1))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

void kb_xmset_free(kb_xmset_t *mset)
{
    delete mset;
}

unsigned kb_xmset_size(const kb_xmset_t *mset)
{
    return mset ? mset->mset.size() : 0;
}

unsigned kb_xmset_matches_estimated(const kb_xmset_t *mset)
{
    return mset ? mset->mset.get_matches_estimated() : 0;
}

unsigned kb_xmset_matches_lower_bound(const kb_xmset_t *mset)
{
    return mset ? mset->mset.get_matches_lower_bound() : 0;
}

unsigned kb_xmset_matches_upper_bound(const kb_xmset_t *mset)
{
    return mset ? mset->mset.get_matches_upper_bound() : 0;
}

double kb_xmset_max_possible(const kb_xmset_t *mset)
{
    return mset ? mset->mset.get_max_possible() : 0.0;
}

double kb_xmset_max_attained(const kb_xmset_t *mset)
{
    return mset ? mset->mset.get_max_attained() : 0.0;
}

/* The MSet accessors below only index into an in-memory array; the range
 * check keeps them from throwing, and the try keeps any surprise in C++. */
kb_xdocid_t kb_xmset_docid(const kb_xmset_t *mset, unsigned i)
{
    if (!mset || i >= mset->mset.size())
        return 0;
    try {
        return *(mset->mset[i]);
    } catch (...) {
        return 0;
    }
}

double kb_xmset_weight(const kb_xmset_t *mset, unsigned i)
{
    if (!mset || i >= mset->mset.size())
        return 0.0;
    try {
        return mset->mset[i].get_weight();
    } catch (...) {
        return 0.0;
    }
}

int kb_xmset_percent(const kb_xmset_t *mset, unsigned i)
{
    if (!mset || i >= mset->mset.size())
        return 0;
    try {
        return mset->mset[i].get_percent();
    } catch (...) {
        return 0;
    }
}

unsigned kb_xmset_collapse_count(const kb_xmset_t *mset, unsigned i)
{
    if (!mset || i >= mset->mset.size())
        return 0;
    try {
        return mset->mset[i].get_collapse_count();
    } catch (...) {
        return 0;
    }
}

kb_status_t kb_xmset_fetch(kb_xmset_t *mset)
{
    KB_ENTER(mset ? mset->db : nullptr);
    KB_CHECK(mset);
    KB_TRY
        mset->mset.fetch();
        return KB_STATUS_SUCCESS;
    KB_CATCH(mset->db)
}

kb_status_t kb_xmset_collapse_key(kb_xmset_t *mset, unsigned i, char **key)
{
    KB_ENTER(mset ? mset->db : nullptr);
    if (key)
        *key = nullptr;
    KB_CHECK(mset && key && i < mset->mset.size());
    KB_TRY
        *key = kbx_dup_bytes(mset->mset[i].get_collapse_key());
        return KB_STATUS_SUCCESS;
    KB_CATCH(mset->db)
}

kb_status_t kb_xmset_document(kb_xmset_t *mset, unsigned i, kb_xdoc_t **doc)
{
    KB_ENTER(mset ? mset->db : nullptr);
    if (doc)
        *doc = nullptr;
    KB_CHECK(mset && doc && i < mset->mset.size());
    KB_TRY
        std::unique_ptr<kb_xdoc> d(new kb_xdoc);
        d->doc = mset->mset[i].get_document();
        *doc = d.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(mset->db)
}

kb_status_t kb_xmset_snippet(kb_xmset_t *mset, const char *text, size_t len,
                             size_t length, const kb_xstem_t *stem, unsigned flags,
                             const char *hi_start, const char *hi_end, const char *omit,
                             char **out)
{
    KB_ENTER(mset ? mset->db : nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(mset && (text || len == 0) && out);
    KB_TRY
        unsigned f = 0;
        if (flags & KB_XSNIPPET_BACKGROUND_MODEL) f |= Xapian::MSet::SNIPPET_BACKGROUND_MODEL;
        if (flags & KB_XSNIPPET_EXHAUSTIVE) f |= Xapian::MSet::SNIPPET_EXHAUSTIVE;
        if (flags & KB_XSNIPPET_EMPTY_WITHOUT_MATCH) f |= Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH;
        std::string s = mset->mset.snippet(kbx_normalized(text, len), length,
                                           stem ? stem->stem : Xapian::Stem(), f,
                                           hi_start ? hi_start : "", hi_end ? hi_end : "",
                                           omit ? omit : "");
        *out = kbx_dup_bytes(s);
        return KB_STATUS_SUCCESS;
    KB_CATCH(mset->db)
}

} /* extern "C" */
