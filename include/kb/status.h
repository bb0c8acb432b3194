/* status.h - the one status enum of libkb.
 *
 * Every fallible libkb function returns a kb_status_t.  Results come back
 * through out-parameters, which are set to NULL (or 0) on failure.  Messages
 * with detail (a file and line, Xapian's own words) are kept on the handle
 * that failed and read with that handle's last_error function; the library
 * never prints.
 */
#ifndef KB_STATUS_H
#define KB_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KB_API __attribute__((visibility("default")))
#else
#define KB_API
#endif

typedef enum kb_status {
    /* No error. */
    KB_STATUS_SUCCESS = 0,
    /* An allocation failed (malloc, or std::bad_alloc inside Xapian). */
    KB_STATUS_OUT_OF_MEMORY,
    /* A required argument was NULL or out of range. */
    KB_STATUS_BAD_ARGUMENT,
    /* A file could not be read or written (errno is kept in the message). */
    KB_STATUS_FILE_ERROR,
    /* The thing asked for (document, article, metadata key) does not exist. */
    KB_STATUS_NOT_FOUND,
    /* The database does not exist or cannot be opened. */
    KB_STATUS_DB_OPENING,
    /* Another process holds the write lock on the database. */
    KB_STATUS_DB_LOCKED,
    /* The database changed under a reader; reopen and retry. */
    KB_STATUS_DB_MODIFIED,
    /* The database is corrupt or of an unsupported format. */
    KB_STATUS_DB_CORRUPT,
    /* The query string could not be parsed. */
    KB_STATUS_QUERY_SYNTAX,
    /* Any other Xapian error (the message says which). */
    KB_STATUS_XAPIAN_EXCEPTION,
    /* Input content is malformed (front matter, JSON, UTF-8, ...). */
    KB_STATUS_PARSE_ERROR,
    /* Input is over a documented size limit. */
    KB_STATUS_TOO_LARGE,
    /* An unexpected internal error (an exception of unknown type). */
    KB_STATUS_INTERNAL_ERROR,
    /* Stopped on request (a signal): what was done is consistent. */
    KB_STATUS_INTERRUPTED,
    /* Refused: it would do something drastic nobody asked for (the message
     * says what, and how to ask for it). */
    KB_STATUS_REFUSED,
    /* Not a status: the number of statuses. */
    KB_STATUS_LAST_STATUS
} kb_status_t;

/* Return a short constant English description of STATUS, such as
 * "database is locked".  Never NULL; unknown values give "unknown status". */
KB_API const char *kb_status_to_string(kb_status_t status);

#ifdef __cplusplus
}
#endif

#endif
