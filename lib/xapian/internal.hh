/* internal.hh - what the files of the Xapian binding share: the handles
 * behind the C types, and the error discipline every function follows
 * (errors.cc).  C++; never included from C. */
#ifndef KB_XAPIAN_INTERNAL_HH
#define KB_XAPIAN_INTERNAL_HH

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
    /* Words whose stem is fixed by hand (kb_xstem_add_exception): they
     * survive the cache being cleared. */
    std::unordered_map<std::string, std::string> exceptions;

  public:
    explicit CachingStem(const Xapian::Stem &s) : real(s) {}

    void add_exception(const std::string &word, const std::string &stem)
    {
        exceptions[word] = stem;
        cache.erase(word);
    }

    std::string operator()(const std::string &word) override
    {
        auto ex = exceptions.find(word);
        if (ex != exceptions.end())
            return ex->second;
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
    CachingStem *impl;   /* owned by STEM (reference counted); NULL for "none" */
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

/* Sort the exception being handled into a status and copy its message into
 * BUF (may be NULL).  Must be called from inside a catch handler; never
 * throws. */
kb_status_t kbx_classify(char *buf, size_t size);
/* kbx_classify() into DB's message buffer (DB may be NULL). */
kb_status_t kbx_record(kb_xdb *db);
/* A failure found without an exception: record "FUNC: MSG" on DB (may be
 * NULL), return ST. */
kb_status_t kbx_fail(kb_xdb *db, kb_status_t st, const char *func, const char *msg);
/* A malloc'd copy of S (NUL-terminated); throws std::bad_alloc. */
char *kbx_dup_bytes(const std::string &s);
/* LEN bytes of TEXT in the form kb searches (base/normalize.h): folded for
 * what becomes terms (the term generator, the tokenizer), normalized for
 * what is shown (snippets).  Every text entry point of the binding goes
 * through one of them, so the index and the queries always agree.  Throw
 * std::bad_alloc. */
std::string kbx_folded(const char *text, size_t len);
std::string kbx_normalized(const char *text, size_t len);

static inline void kbx_clear_error(kb_xdb *db)
{
    if (db)
        db->err[0] = '\0';
}

/* Every function: KB_ENTER(the handle's database, or nullptr) first, which
 * clears the database's last error, so an old message is never reported
 * with a new failure; then KB_CHECK its arguments (a failed check records
 * a message too); then its body between KB_TRY and KB_CATCH, which records
 * whatever was thrown. */
#define KB_ENTER(handle) kb_xdb *const kb_db_ = (handle); kbx_clear_error(kb_db_)
#define KB_TRY try {
#define KB_CATCH(db) } catch (...) { return kbx_record(kb_db_); }
#define KB_CHECK(cond)                                                                     \
    do {                                                                                   \
        if (!(cond))                                                                       \
            return kbx_fail(kb_db_, KB_STATUS_BAD_ARGUMENT, __func__,                      \
                            "invalid argument (" #cond ")");                               \
    } while (0)

#endif
