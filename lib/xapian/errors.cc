/* errors.cc - the binding's error handling: every exception caught is
 * sorted into a kb_status_t by rethrowing it inside a nested try (the
 * notmuch way), and its message copied into a fixed buffer on the database
 * handle.  Copying into a fixed buffer cannot throw, so the handlers
 * themselves are safe. */
#include "internal.hh"

#include "base/normalize.h"

/* Copy MSG into BUF without allocating. */
static void set_message(char *buf, size_t size, const char *msg)
{
    if (!buf || size == 0)
        return;
    std::snprintf(buf, size, "%s", msg ? msg : "");
}

/* Sort the exception being handled into a status and copy its message into
 * BUF (may be NULL).  Must be called from inside a catch handler. */
kb_status_t kbx_classify(char *buf, size_t size)
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

kb_status_t kbx_record(kb_xdb *db)
{
    if (db)
        return kbx_classify(db->err, sizeof db->err);
    return kbx_classify(nullptr, 0);
}

kb_status_t kbx_fail(kb_xdb *db, kb_status_t st, const char *func, const char *msg)
{
    if (db)
        std::snprintf(db->err, sizeof db->err, "%s: %s", func, msg);
    return st;
}

static std::string converted(const char *text, size_t len, bool fold)
{
    if (!text)
        return std::string();
    if (kb_text_is_ascii(text, len))
        return std::string(text, len);   /* Xapian lowercases ASCII itself */
    char *out = nullptr;
    size_t n = 0;
    kb_status_t st = fold ? kb_text_fold(text, len, &out, &n)
                          : kb_text_normalize(text, len, &out, &n);
    if (st != KB_STATUS_SUCCESS)
        throw std::bad_alloc();
    std::string s(out, n);
    std::free(out);
    return s;
}

std::string kbx_folded(const char *text, size_t len)
{
    return converted(text, len, true);
}

std::string kbx_normalized(const char *text, size_t len)
{
    return converted(text, len, false);
}

char *kbx_dup_bytes(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}
