/* xapian.cc - the C binding over libxapian (the project's only C++).
 *
 * Every extern "C" function body runs inside KB_TRY ... KB_CATCH: whatever
 * Xapian or the standard library throws is caught, sorted into a
 * kb_status_t by rethrowing it inside a nested try (the notmuch way), and
 * its message copied into a fixed buffer on the database handle.  Copying
 * into a fixed buffer cannot throw, so the handlers themselves are safe.
 */
#include <xapian.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

#include "xapian/xapian.h"

struct kb_xdb {
    Xapian::Database *db;            /* always set */
    Xapian::WritableDatabase *wdb;   /* set (and == db) when writable */
    char err[1024];
};

struct kb_xdoc {
    Xapian::Document doc;
    std::string data;    /* cache behind kb_xdoc_get_data() */
    std::string value;   /* cache behind kb_xdoc_get_value() */
};

/* A stemmer that remembers: the same words come back again and again
 * (every snippet stems its section's words, every document its text), and
 * Snowball costs far more than a hash lookup.  The cache is cleared when
 * it holds CACHE_MAX words, so memory stays bounded on any corpus. */
class CachingStem : public Xapian::StemImplementation {
    static const size_t CACHE_MAX = 65536;
    Xapian::Stem real;
    std::unordered_map<std::string, std::string> cache;

  public:
    explicit CachingStem(const Xapian::Stem &s) : real(s) {}

    std::string operator()(const std::string &word) override
    {
        auto it = cache.find(word);
        if (it != cache.end())
            return it->second;
        std::string stem = real(word);
        if (cache.size() >= CACHE_MAX)
            cache.clear();
        cache.emplace(word, stem);
        return stem;
    }

    std::string get_description() const override
    {
        return "kb caching " + real.get_description();
    }
};

struct kb_xstem {
    Xapian::Stem stem;
};

struct kb_xtermgen {
    Xapian::TermGenerator tg;
    kb_xdb *db;
    std::unique_ptr<Xapian::SimpleStopper> stopper;
};

struct kb_xqparser {
    Xapian::QueryParser qp;
    kb_xdb *db;
    std::unique_ptr<Xapian::SimpleStopper> stopper;
};

struct kb_xquery {
    Xapian::Query q;
};

struct kb_xenquire {
    Xapian::Enquire enq;
    kb_xdb *db;
    explicit kb_xenquire(kb_xdb *d) : enq(*d->db), db(d) {}
};

struct kb_xmset {
    Xapian::MSet mset;
    kb_xdb *db;
};

/* Copy MSG into BUF without allocating. */
static void set_message(char *buf, size_t size, const char *msg)
{
    if (!buf || size == 0)
        return;
    std::snprintf(buf, size, "%s", msg ? msg : "");
}

/* Sort the exception being handled into a status and copy its message into
 * BUF (may be NULL).  Must be called from inside a catch handler. */
static kb_status_t classify(char *buf, size_t size)
{
    try {
        throw;
    } catch (const Xapian::DatabaseLockError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_DB_LOCKED;
    } catch (const Xapian::DatabaseModifiedError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_DB_MODIFIED;
    } catch (const Xapian::DatabaseCorruptError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_DB_CORRUPT;
    } catch (const Xapian::DatabaseOpeningError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_DB_OPENING;
    } catch (const Xapian::QueryParserError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_QUERY_SYNTAX;
    } catch (const Xapian::DocNotFoundError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_NOT_FOUND;
    } catch (const Xapian::InvalidArgumentError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_BAD_ARGUMENT;
    } catch (const Xapian::InvalidOperationError &e) {
        set_message(buf, size, e.get_description().c_str());
        return KB_STATUS_BAD_ARGUMENT;
    } catch (const Xapian::Error &e) {
        /* get_description() allocates; if that throws, keep the type name. */
        try {
            set_message(buf, size, e.get_description().c_str());
        } catch (...) {
            set_message(buf, size, e.get_type());
        }
        return KB_STATUS_XAPIAN_EXCEPTION;
    } catch (const std::bad_alloc &) {
        set_message(buf, size, "out of memory");
        return KB_STATUS_OUT_OF_MEMORY;
    } catch (const std::exception &e) {
        set_message(buf, size, e.what());
        return KB_STATUS_INTERNAL_ERROR;
    } catch (...) {
        set_message(buf, size, "unknown C++ exception");
        return KB_STATUS_INTERNAL_ERROR;
    }
}

static kb_status_t record(kb_xdb *db)
{
    if (db)
        return classify(db->err, sizeof db->err);
    return classify(nullptr, 0);
}

#define KB_TRY try {
#define KB_CATCH(db) } catch (...) { return record(db); }
#define KB_CHECK(cond) do { if (!(cond)) return KB_STATUS_BAD_ARGUMENT; } while (0)

static void clear_error(kb_xdb *db)
{
    if (db)
        db->err[0] = '\0';
}

static char *dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

extern "C" {

/* ---------------------------------------------------------------- */
/* Databases                                                          */

kb_status_t kb_xdb_open(const char *path, kb_xdb_mode_t mode, kb_xdb_t **out,
                        char **message)
{
    if (out)
        *out = nullptr;
    if (message)
        *message = nullptr;
    if (!path || !out)
        return KB_STATUS_BAD_ARGUMENT;
    kb_xdb *db = static_cast<kb_xdb *>(std::calloc(1, sizeof *db));
    if (!db)
        return KB_STATUS_OUT_OF_MEMORY;
    try {
        if (mode == KB_XDB_READONLY) {
            db->db = new Xapian::Database(path);
        } else {
            int flags = mode == KB_XDB_OPEN ? Xapian::DB_OPEN
                      : mode == KB_XDB_CREATE_OR_OPEN ? Xapian::DB_CREATE_OR_OPEN
                      : Xapian::DB_CREATE_OR_OVERWRITE;
            db->wdb = new Xapian::WritableDatabase(path, flags | Xapian::DB_BACKEND_GLASS);
            db->db = db->wdb;
        }
    } catch (...) {
        kb_status_t st = classify(db->err, sizeof db->err);
        if (message)
            *message = strdup(db->err);
        std::free(db);
        return st;
    }
    *out = db;
    return KB_STATUS_SUCCESS;
}

void kb_xdb_close(kb_xdb_t *db)
{
    if (!db)
        return;
    try {
        /* Deleting a WritableDatabase would commit; close() first makes
         * the documented "uncommitted changes are discarded" true. */
        if (db->wdb)
            db->wdb->close();
    } catch (...) {
        /* Closing cannot report; the lock is released by the destructor. */
    }
    try {
        delete db->db;
    } catch (...) {
    }
    std::free(db);
}

const char *kb_xdb_last_error(const kb_xdb_t *db)
{
    return db ? db->err : "";
}

kb_status_t kb_xdb_reopen(kb_xdb_t *db, int *changed)
{
    if (changed)
        *changed = 0;
    KB_CHECK(db);
    clear_error(db);
    KB_TRY
        bool moved = db->db->reopen();
        if (changed)
            *changed = moved ? 1 : 0;
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_doccount(kb_xdb_t *db, unsigned *count)
{
    if (count)
        *count = 0;
    KB_CHECK(db && count);
    KB_TRY
        *count = db->db->get_doccount();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_termfreq(kb_xdb_t *db, const char *term, unsigned *freq)
{
    if (freq)
        *freq = 0;
    KB_CHECK(db && term && freq);
    KB_TRY
        *freq = db->db->get_termfreq(term);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_get_metadata(kb_xdb_t *db, const char *key, char **value,
                                size_t *len)
{
    if (value)
        *value = nullptr;
    if (len)
        *len = 0;
    KB_CHECK(db && key && value);
    KB_TRY
        std::string v = db->db->get_metadata(key);
        *value = dup_bytes(v);
        if (len)
            *len = v.size();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_set_metadata(kb_xdb_t *db, const char *key, const char *value,
                                size_t len)
{
    KB_CHECK(db && key && (value || len == 0));
    KB_CHECK(db->wdb);
    KB_TRY
        db->wdb->set_metadata(key, std::string(value ? value : "", len));
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_metadata_keys(kb_xdb_t *db, const char *prefix,
                                 kb_xstring_fn fn, void *ctx)
{
    KB_CHECK(db && fn);
    KB_TRY
        std::string p = prefix ? prefix : "";
        for (auto it = db->db->metadata_keys_begin(p);
             it != db->db->metadata_keys_end(p); ++it) {
            const std::string &k = *it;
            if (fn(ctx, k.c_str(), k.size()))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_allterms(kb_xdb_t *db, const char *prefix, kb_xterm_fn fn,
                            void *ctx)
{
    KB_CHECK(db && fn);
    KB_TRY
        std::string p = prefix ? prefix : "";
        for (auto it = db->db->allterms_begin(p); it != db->db->allterms_end(p); ++it) {
            const std::string &t = *it;
            if (fn(ctx, t.c_str(), t.size(), it.get_termfreq()))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_postlist(kb_xdb_t *db, const char *term, kb_xdocid_fn fn,
                            void *ctx)
{
    KB_CHECK(db && term && fn);
    KB_TRY
        for (auto it = db->db->postlist_begin(term); it != db->db->postlist_end(term); ++it)
            if (fn(ctx, *it))
                break;
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_termlist(kb_xdb_t *db, kb_xdocid_t docid, kb_xterm_fn fn,
                            void *ctx)
{
    KB_CHECK(db && fn && docid);
    KB_TRY
        for (auto it = db->db->termlist_begin(docid); it != db->db->termlist_end(docid); ++it) {
            const std::string &t = *it;
            if (fn(ctx, t.c_str(), t.size(), it.get_wdf()))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_get_document(kb_xdb_t *db, kb_xdocid_t docid, kb_xdoc_t **doc)
{
    if (doc)
        *doc = nullptr;
    KB_CHECK(db && doc && docid);
    KB_TRY
        std::unique_ptr<kb_xdoc> d(new kb_xdoc);
        d->doc = db->db->get_document(docid);
        *doc = d.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_add_document(kb_xdb_t *db, const kb_xdoc_t *doc, kb_xdocid_t *docid)
{
    if (docid)
        *docid = 0;
    KB_CHECK(db && doc && db->wdb);
    KB_TRY
        Xapian::docid id = db->wdb->add_document(doc->doc);
        if (docid)
            *docid = id;
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_replace_document(kb_xdb_t *db, const char *unique_term,
                                    const kb_xdoc_t *doc, kb_xdocid_t *docid)
{
    if (docid)
        *docid = 0;
    KB_CHECK(db && doc && unique_term && *unique_term && db->wdb);
    KB_TRY
        Xapian::docid id = db->wdb->replace_document(unique_term, doc->doc);
        if (docid)
            *docid = id;
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_delete_documents(kb_xdb_t *db, const char *term)
{
    KB_CHECK(db && term && *term && db->wdb);
    KB_TRY
        db->wdb->delete_document(term);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_begin_transaction(kb_xdb_t *db, int flushed)
{
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->begin_transaction(flushed != 0);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_commit_transaction(kb_xdb_t *db)
{
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->commit_transaction();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_cancel_transaction(kb_xdb_t *db)
{
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->cancel_transaction();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_commit(kb_xdb_t *db)
{
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->commit();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_add_synonym(kb_xdb_t *db, const char *term, const char *synonym)
{
    KB_CHECK(db && term && *term && synonym && *synonym && db->wdb);
    KB_TRY
        db->wdb->add_synonym(term, synonym);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_clear_synonyms(kb_xdb_t *db, const char *term)
{
    KB_CHECK(db && term && db->wdb);
    KB_TRY
        db->wdb->clear_synonyms(term);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_synonyms(kb_xdb_t *db, const char *term, kb_xstring_fn fn,
                            void *ctx)
{
    KB_CHECK(db && term && fn);
    KB_TRY
        for (auto it = db->db->synonyms_begin(term); it != db->db->synonyms_end(term); ++it) {
            const std::string &s = *it;
            if (fn(ctx, s.c_str(), s.size()))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_synonym_keys(kb_xdb_t *db, const char *prefix, kb_xstring_fn fn,
                                void *ctx)
{
    KB_CHECK(db && fn);
    KB_TRY
        std::string p = prefix ? prefix : "";
        for (auto it = db->db->synonym_keys_begin(p); it != db->db->synonym_keys_end(p); ++it) {
            const std::string &s = *it;
            if (fn(ctx, s.c_str(), s.size()))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_add_spelling(kb_xdb_t *db, const char *word, unsigned inc)
{
    KB_CHECK(db && word && *word && db->wdb);
    KB_TRY
        db->wdb->add_spelling(word, inc);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_remove_spelling(kb_xdb_t *db, const char *word, unsigned dec)
{
    KB_CHECK(db && word && *word && db->wdb);
    KB_TRY
        db->wdb->remove_spelling(word, dec);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_spelling_suggestion(kb_xdb_t *db, const char *word,
                                       unsigned max_edit, char **suggestion)
{
    if (suggestion)
        *suggestion = nullptr;
    KB_CHECK(db && word && suggestion);
    KB_TRY
        *suggestion = dup_bytes(db->db->get_spelling_suggestion(word, max_edit));
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_spelling_freq(kb_xdb_t *db, const char *word, unsigned *freq)
{
    if (freq)
        *freq = 0;
    KB_CHECK(db && word && freq);
    KB_TRY
        Xapian::TermIterator it = db->db->spellings_begin();
        it.skip_to(word);
        if (it != db->db->spellings_end() && *it == word)
            *freq = it.get_termfreq();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

/* ---------------------------------------------------------------- */
/* Documents                                                          */

kb_status_t kb_xdoc_new(kb_xdoc_t **doc)
{
    if (doc)
        *doc = nullptr;
    KB_CHECK(doc);
    KB_TRY
        *doc = new kb_xdoc;
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

void kb_xdoc_free(kb_xdoc_t *doc)
{
    delete doc;
}

kb_status_t kb_xdoc_set_data(kb_xdoc_t *doc, const char *data, size_t len)
{
    KB_CHECK(doc && (data || len == 0));
    KB_TRY
        doc->doc.set_data(std::string(data ? data : "", len));
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_get_data(kb_xdoc_t *doc, const char **data, size_t *len)
{
    if (data)
        *data = nullptr;
    if (len)
        *len = 0;
    KB_CHECK(doc && data);
    KB_TRY
        doc->data = doc->doc.get_data();
        *data = doc->data.c_str();
        if (len)
            *len = doc->data.size();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_add_term(kb_xdoc_t *doc, const char *term, unsigned wdf_inc)
{
    KB_CHECK(doc && term && *term);
    KB_CHECK(std::strlen(term) <= KB_XTERM_MAX);
    KB_TRY
        if (wdf_inc == 0)
            doc->doc.add_boolean_term(term);
        else
            doc->doc.add_term(term, wdf_inc);
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_add_posting(kb_xdoc_t *doc, const char *term, unsigned pos,
                                unsigned wdf_inc)
{
    KB_CHECK(doc && term && *term);
    KB_CHECK(std::strlen(term) <= KB_XTERM_MAX);
    KB_TRY
        doc->doc.add_posting(term, pos, wdf_inc);
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_add_value(kb_xdoc_t *doc, unsigned slot, const char *value,
                              size_t len)
{
    KB_CHECK(doc && (value || len == 0));
    KB_TRY
        doc->doc.add_value(slot, std::string(value ? value : "", len));
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_get_value(kb_xdoc_t *doc, unsigned slot, const char **value,
                              size_t *len)
{
    if (value)
        *value = nullptr;
    if (len)
        *len = 0;
    KB_CHECK(doc && value);
    KB_TRY
        doc->value = doc->doc.get_value(slot);
        *value = doc->value.c_str();
        if (len)
            *len = doc->value.size();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_add_terms_of(kb_xdoc_t *doc, kb_xdoc_t *src)
{
    KB_CHECK(doc && src);
    KB_TRY
        for (auto it = src->doc.termlist_begin(); it != src->doc.termlist_end(); ++it)
            doc->doc.add_term(*it, it.get_wdf());
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_terms(kb_xdoc_t *doc, kb_xterm_fn fn, void *ctx)
{
    KB_CHECK(doc && fn);
    KB_TRY
        for (auto it = doc->doc.termlist_begin(); it != doc->doc.termlist_end(); ++it) {
            const std::string &t = *it;
            if (fn(ctx, t.c_str(), t.size(), it.get_wdf()))
                break;
        }
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xtokenize(const char *text, size_t len, kb_xterm_fn fn, void *ctx)
{
    KB_CHECK((text || len == 0) && fn);
    KB_TRY
        Xapian::Document d;
        Xapian::TermGenerator tg;
        tg.set_document(d);
        tg.index_text(std::string(text ? text : "", len));
        std::vector<std::pair<Xapian::termpos, std::string>> words;
        for (auto it = d.termlist_begin(); it != d.termlist_end(); ++it)
            for (auto p = it.positionlist_begin(); p != it.positionlist_end(); ++p)
                words.emplace_back(*p, *it);
        std::sort(words.begin(), words.end());
        for (const auto &w : words)
            if (fn(ctx, w.second.c_str(), w.second.size(), w.first))
                break;
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

/* ---------------------------------------------------------------- */
/* Stemmers                                                           */

kb_status_t kb_xstem_new(const char *lang, kb_xstem_t **stem)
{
    if (stem)
        *stem = nullptr;
    KB_CHECK(lang && stem);
    KB_TRY
        std::unique_ptr<kb_xstem> s(new kb_xstem);
        Xapian::Stem real(lang);
        if (!real.is_none())
            s->stem = Xapian::Stem(new CachingStem(real));
        *stem = s.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

void kb_xstem_free(kb_xstem_t *stem)
{
    delete stem;
}

kb_status_t kb_xstem_word(kb_xstem_t *stem, const char *word, size_t len, char **out)
{
    if (out)
        *out = nullptr;
    KB_CHECK(stem && word && out);
    KB_TRY
        *out = dup_bytes(stem->stem(std::string(word, len)));
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
    KB_CHECK(tg);
    KB_TRY
        tg->tg.set_stemmer(stem ? stem->stem : Xapian::Stem());
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_stemming_strategy(kb_xtermgen_t *tg,
                                              kb_xstem_strategy_t strategy)
{
    KB_CHECK(tg);
    KB_TRY
        tg->tg.set_stemming_strategy(tg_strategy(strategy));
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_stopper(kb_xtermgen_t *tg, const char *const *words)
{
    KB_CHECK(tg);
    KB_TRY
        tg->stopper.reset(make_stopper(words));
        tg->tg.set_stopper(tg->stopper.get());
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_flags(kb_xtermgen_t *tg, unsigned flags)
{
    KB_CHECK(tg);
    if ((flags & KB_XTG_SPELLING) && !(tg->db && tg->db->wdb))
        return KB_STATUS_BAD_ARGUMENT;
    KB_TRY
        tg->tg.set_flags((flags & KB_XTG_SPELLING) ? Xapian::TermGenerator::FLAG_SPELLING
                                                   : Xapian::TermGenerator::flags(0));
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_set_document(kb_xtermgen_t *tg, kb_xdoc_t *doc)
{
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
    KB_CHECK(tg && (text || len == 0));
    KB_TRY
        tg->tg.index_text(std::string(text ? text : "", len), wdf_inc,
                          prefix ? prefix : "");
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_index_text_without_positions(kb_xtermgen_t *tg, const char *text,
                                                     size_t len, unsigned wdf_inc,
                                                     const char *prefix)
{
    KB_CHECK(tg && (text || len == 0));
    KB_TRY
        tg->tg.index_text_without_positions(std::string(text ? text : "", len), wdf_inc,
                                            prefix ? prefix : "");
        return KB_STATUS_SUCCESS;
    KB_CATCH(tg->db)
}

kb_status_t kb_xtermgen_increase_termpos(kb_xtermgen_t *tg, unsigned delta)
{
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
    if (out)
        *out = nullptr;
    KB_CHECK(q && out);
    KB_TRY
        *out = dup_bytes(q->q.get_description());
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xquery_terms(const kb_xquery_t *q, kb_xterm_fn fn, void *ctx)
{
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
    KB_CHECK(qp);
    KB_TRY
        qp->qp.set_stemmer(stem ? stem->stem : Xapian::Stem());
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_set_stemming_strategy(kb_xqparser_t *qp,
                                              kb_xstem_strategy_t strategy)
{
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
    KB_CHECK(qp);
    KB_TRY
        qp->stopper.reset(make_stopper(words));
        qp->qp.set_stopper(qp->stopper.get());
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_set_default_op(kb_xqparser_t *qp, kb_xop_t op)
{
    KB_CHECK(qp && (op == KB_XOP_AND || op == KB_XOP_OR));
    KB_TRY
        qp->qp.set_default_op(xop(op));
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_add_prefix(kb_xqparser_t *qp, const char *field, const char *prefix)
{
    KB_CHECK(qp && field && prefix);
    KB_TRY
        qp->qp.add_prefix(field, prefix);
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_add_boolean_prefix(kb_xqparser_t *qp, const char *field,
                                           const char *prefix)
{
    KB_CHECK(qp && field && prefix);
    KB_TRY
        qp->qp.add_boolean_prefix(field, prefix);
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

kb_status_t kb_xqparser_parse(kb_xqparser_t *qp, const char *text, unsigned flags,
                              const char *default_prefix, kb_xquery_t **q)
{
    if (q)
        *q = nullptr;
    KB_CHECK(qp && text && q);
    clear_error(qp->db);
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
    if (out)
        *out = nullptr;
    KB_CHECK(qp && out);
    KB_TRY
        *out = dup_bytes(qp->qp.get_corrected_query_string());
        return KB_STATUS_SUCCESS;
    KB_CATCH(qp->db)
}

/* ---------------------------------------------------------------- */
/* Enquire and results                                                */

kb_status_t kb_xenquire_new(kb_xdb_t *db, kb_xenquire_t **enq)
{
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
    KB_CHECK(enq && q);
    KB_TRY
        enq->enq.set_query(q->q, qlen);
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_collapse_key(kb_xenquire_t *enq, unsigned slot, unsigned max)
{
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_collapse_key(slot, max ? max : 1);
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_bm25(kb_xenquire_t *enq, double k1, double k2, double k3,
                                 double b, double min_normlen)
{
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_weighting_scheme(Xapian::BM25Weight(k1, k2, k3, b, min_normlen));
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_set_boolean(kb_xenquire_t *enq)
{
    KB_CHECK(enq);
    KB_TRY
        enq->enq.set_weighting_scheme(Xapian::BoolWeight());
        return KB_STATUS_SUCCESS;
    KB_CATCH(enq->db)
}

kb_status_t kb_xenquire_get_mset(kb_xenquire_t *enq, unsigned first, unsigned maxitems,
                                 unsigned checkatleast, kb_xmset_t **mset)
{
    if (mset)
        *mset = nullptr;
    KB_CHECK(enq && mset);
    clear_error(enq->db);
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

kb_status_t kb_xmset_document(kb_xmset_t *mset, unsigned i, kb_xdoc_t **doc)
{
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
    if (out)
        *out = nullptr;
    KB_CHECK(mset && (text || len == 0) && out);
    KB_TRY
        unsigned f = 0;
        if (flags & KB_XSNIPPET_BACKGROUND_MODEL) f |= Xapian::MSet::SNIPPET_BACKGROUND_MODEL;
        if (flags & KB_XSNIPPET_EXHAUSTIVE) f |= Xapian::MSet::SNIPPET_EXHAUSTIVE;
        if (flags & KB_XSNIPPET_EMPTY_WITHOUT_MATCH) f |= Xapian::MSet::SNIPPET_EMPTY_WITHOUT_MATCH;
        std::string s = mset->mset.snippet(std::string(text ? text : "", len), length,
                                           stem ? stem->stem : Xapian::Stem(), f,
                                           hi_start ? hi_start : "", hi_end ? hi_end : "",
                                           omit ? omit : "");
        *out = dup_bytes(s);
        return KB_STATUS_SUCCESS;
    KB_CATCH(mset->db)
}

} /* extern "C" */
