/* database.cc - the C binding over libxapian: databases (opening,
 * metadata, terms, synonyms, spelling, transactions) and documents.  See
 * xapian.h for the contract and internal.hh for the error discipline. */
#include "internal.hh"

#include "base/stub.h"

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
    /* No handle yet: the message goes back through MESSAGE. */
    if (!path || !out) {
        if (message)
            *message = strdup("kb_xdb_open: invalid argument (a path and an out-parameter)");
        return KB_STATUS_BAD_ARGUMENT;
    }
    /* Xapian would start the program of a "remote :PROG" stub line, or
     * block on a FIFO: look before it reads. */
    int allow = (mode & KB_XDB_ALLOW_PROGRAMS) != 0;
    mode = static_cast<kb_xdb_mode_t>(mode & ~KB_XDB_ALLOW_PROGRAMS);
    char *why = nullptr;
    kb_status_t cst = kb_stub_check(path, allow, &why);
    if (cst != KB_STATUS_SUCCESS) {
        if (message)
            *message = why ? why : strdup(kb_status_to_string(cst));
        else
            std::free(why);
        return cst;
    }
    kb_xdb *db = static_cast<kb_xdb *>(std::calloc(1, sizeof *db));
    if (!db) {
        if (message)
            *message = strdup("out of memory");
        return KB_STATUS_OUT_OF_MEMORY;
    }
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
        kb_status_t st = kbx_classify(db->err, sizeof db->err);
        if (message)
            *message = strdup(db->err);
        std::free(db);
        return st;
    }
    *out = db;
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_xdb_open_leaf(const kb_stub_leaf_t *leaf, unsigned timeout_ms, kb_xdb_t **out,
                             char **message)
{
    if (out)
        *out = nullptr;
    if (message)
        *message = nullptr;
    if (!leaf || !out) {
        if (message)
            *message = strdup("kb_xdb_open_leaf: invalid argument (a leaf and an out-parameter)");
        return KB_STATUS_BAD_ARGUMENT;
    }
    kb_xdb *db = static_cast<kb_xdb *>(std::calloc(1, sizeof *db));
    if (!db) {
        if (message)
            *message = strdup("out of memory");
        return KB_STATUS_OUT_OF_MEMORY;
    }
    try {
        switch (leaf->kind) {
        case KB_STUB_LOCAL: {
            int backend = !std::strcmp(leaf->backend, "glass") ? Xapian::DB_BACKEND_GLASS
                        : !std::strcmp(leaf->backend, "chert") ? Xapian::DB_BACKEND_CHERT
                        : 0;
            db->db = new Xapian::Database(leaf->path, backend);
            break;
        }
        case KB_STUB_INMEMORY:
            db->db = new Xapian::Database(std::string(), Xapian::DB_BACKEND_INMEMORY);
            break;
        case KB_STUB_TCP:
            db->db = new Xapian::Database(
                Xapian::Remote::open(leaf->path, leaf->port, timeout_ms, timeout_ms));
            break;
        case KB_STUB_PROGRAM:
            db->db = new Xapian::Database(Xapian::Remote::open(leaf->path, leaf->args, timeout_ms));
            break;
        default:
            throw Xapian::InvalidArgumentError("unknown kind of stub line");
        }
    } catch (...) {
        kb_status_t st = kbx_classify(db->err, sizeof db->err);
        if (message)
            *message = strdup(db->err);
        std::free(db);
        return st;
    }
    *out = db;
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_xdb_combine(kb_xdb_t *const *parts, size_t n, kb_xdb_t **out)
{
    KB_ENTER(nullptr);
    if (out)
        *out = nullptr;
    KB_CHECK(parts && n && out);
    for (size_t i = 0; i < n; i++)
        KB_CHECK(parts[i]);
    kb_xdb *db = static_cast<kb_xdb *>(std::calloc(1, sizeof *db));
    if (!db)
        return KB_STATUS_OUT_OF_MEMORY;
    try {
        std::unique_ptr<Xapian::Database> all(new Xapian::Database());
        for (size_t i = 0; i < n; i++)
            all->add_database(*parts[i]->db);
        db->db = all.release();
    } catch (...) {
        std::free(db);
        return kbx_record(nullptr);
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
    KB_ENTER(db);
    if (changed)
        *changed = 0;
    KB_CHECK(db);
    KB_TRY
        bool moved = db->db->reopen();
        if (changed)
            *changed = moved ? 1 : 0;
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_doccount(kb_xdb_t *db, unsigned *count)
{
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
    if (value)
        *value = nullptr;
    if (len)
        *len = 0;
    KB_CHECK(db && key && value);
    KB_TRY
        std::string v = db->db->get_metadata(key);
        *value = kbx_dup_bytes(v);
        if (len)
            *len = v.size();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_set_metadata(kb_xdb_t *db, const char *key, const char *value,
                                size_t len)
{
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
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

kb_status_t kb_xdb_copy_document(kb_xdb_t *db, kb_xdocid_t docid, kb_xdoc_t **doc)
{
    KB_ENTER(db);
    if (doc)
        *doc = nullptr;
    KB_CHECK(db && doc && docid);
    KB_TRY
        Xapian::Document src = db->db->get_document(docid);
        std::unique_ptr<kb_xdoc> d(new kb_xdoc);
        d->doc.set_data(src.get_data());
        for (auto v = src.values_begin(); v != src.values_end(); ++v)
            d->doc.add_value(v.get_valueno(), *v);
        for (auto t = src.termlist_begin(); t != src.termlist_end(); ++t) {
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                d->doc.add_posting(*t, *p, 0);
            d->doc.add_term(*t, t.get_wdf());
        }
        *doc = d.release();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_add_document(kb_xdb_t *db, const kb_xdoc_t *doc, kb_xdocid_t *docid)
{
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
    KB_CHECK(db && term && *term && db->wdb);
    KB_TRY
        db->wdb->delete_document(term);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_begin_transaction(kb_xdb_t *db, int flushed)
{
    KB_ENTER(db);
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->begin_transaction(flushed != 0);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_commit_transaction(kb_xdb_t *db)
{
    KB_ENTER(db);
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->commit_transaction();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_cancel_transaction(kb_xdb_t *db)
{
    KB_ENTER(db);
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->cancel_transaction();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_commit(kb_xdb_t *db)
{
    KB_ENTER(db);
    KB_CHECK(db && db->wdb);
    KB_TRY
        db->wdb->commit();
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_add_synonym(kb_xdb_t *db, const char *term, const char *synonym)
{
    KB_ENTER(db);
    KB_CHECK(db && term && *term && synonym && *synonym && db->wdb);
    KB_TRY
        db->wdb->add_synonym(term, synonym);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_clear_synonyms(kb_xdb_t *db, const char *term)
{
    KB_ENTER(db);
    KB_CHECK(db && term && db->wdb);
    KB_TRY
        db->wdb->clear_synonyms(term);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_synonyms(kb_xdb_t *db, const char *term, kb_xstring_fn fn,
                            void *ctx)
{
    KB_ENTER(db);
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
    KB_ENTER(db);
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
    KB_ENTER(db);
    KB_CHECK(db && word && *word && db->wdb);
    KB_TRY
        db->wdb->add_spelling(word, inc);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_remove_spelling(kb_xdb_t *db, const char *word, unsigned dec)
{
    KB_ENTER(db);
    KB_CHECK(db && word && *word && db->wdb);
    KB_TRY
        db->wdb->remove_spelling(word, dec);
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_spelling_suggestion(kb_xdb_t *db, const char *word,
                                       unsigned max_edit, char **suggestion)
{
    KB_ENTER(db);
    if (suggestion)
        *suggestion = nullptr;
    KB_CHECK(db && word && suggestion);
    KB_TRY
        *suggestion = kbx_dup_bytes(db->db->get_spelling_suggestion(word, max_edit));
        return KB_STATUS_SUCCESS;
    KB_CATCH(db)
}

kb_status_t kb_xdb_spelling_freq(kb_xdb_t *db, const char *word, unsigned *freq)
{
    KB_ENTER(db);
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
    KB_ENTER(nullptr);
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
    KB_ENTER(nullptr);
    KB_CHECK(doc && (data || len == 0));
    KB_TRY
        doc->doc.set_data(std::string(data ? data : "", len));
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_get_data(kb_xdoc_t *doc, const char **data, size_t *len)
{
    KB_ENTER(nullptr);
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
    KB_ENTER(nullptr);
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
    KB_ENTER(nullptr);
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
    KB_ENTER(nullptr);
    KB_CHECK(doc && (value || len == 0));
    KB_TRY
        doc->doc.add_value(slot, std::string(value ? value : "", len));
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_get_value(kb_xdoc_t *doc, unsigned slot, const char **value,
                              size_t *len)
{
    KB_ENTER(nullptr);
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
    KB_ENTER(nullptr);
    KB_CHECK(doc && src);
    KB_TRY
        for (auto it = src->doc.termlist_begin(); it != src->doc.termlist_end(); ++it)
            doc->doc.add_term(*it, it.get_wdf());
        return KB_STATUS_SUCCESS;
    KB_CATCH(nullptr)
}

kb_status_t kb_xdoc_terms(kb_xdoc_t *doc, kb_xterm_fn fn, void *ctx)
{
    KB_ENTER(nullptr);
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
    KB_ENTER(nullptr);
    KB_CHECK((text || len == 0) && fn);
    KB_TRY
        Xapian::Document d;
        Xapian::TermGenerator tg;
        tg.set_document(d);
        tg.index_text(kbx_folded(text, len));
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

} /* extern "C" */
