/* xapian.h - the thin C binding over libxapian.
 *
 * This is the only place where kb talks to Xapian.  Every function catches
 * every exception on the C++ side and turns it into a kb_status_t; no
 * exception ever reaches C.  Objects are opaque handles:
 *
 *   kb_xdb_t       a database, read-only or writable
 *   kb_xdoc_t      a document being built or read back
 *   kb_xstem_t     a stemmer ("english", ...)
 *   kb_xtermgen_t  a TermGenerator: text -> terms and positions
 *   kb_xqparser_t  a QueryParser: query string -> query
 *   kb_xquery_t    a query tree (immutable once built)
 *   kb_xenquire_t  a search session over a database
 *   kb_xmset_t     a page of results
 *
 * Errors.  Objects that belong to a database (enquire, mset, qparser, and a
 * termgen created with a database) record the message of their last failure
 * on that database, read with kb_xdb_last_error().  Standalone objects
 * (documents, queries, stemmers) return a status only.  Opening a database
 * hands the message back through an out-parameter, since there is no handle
 * yet.
 *
 * Ownership.  _new and _open give the caller an object released with the
 * matching _free or _close; freeing NULL does nothing.  A returned `char *`
 * is malloc'd, NUL-terminated, and the caller frees it.  A returned
 * `const char *` is borrowed and lives as the function's comment says.
 *
 * Callbacks.  Iterating functions call FN for each item; FN returns 0 to go
 * on and non-zero to stop early (which is not an error).
 */
#ifndef KB_XAPIAN_H
#define KB_XAPIAN_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_xdb kb_xdb_t;
typedef struct kb_xdoc kb_xdoc_t;
typedef struct kb_xstem kb_xstem_t;
typedef struct kb_xtermgen kb_xtermgen_t;
typedef struct kb_xqparser kb_xqparser_t;
typedef struct kb_xquery kb_xquery_t;
typedef struct kb_xenquire kb_xenquire_t;
typedef struct kb_xmset kb_xmset_t;

typedef unsigned kb_xdocid_t;

struct kb_stub_leaf;   /* base/stub.h */

/* Longest term Xapian's glass backend accepts, in bytes. */
#define KB_XTERM_MAX 245

/* ---------------------------------------------------------------- */
/* Databases                                                          */

typedef enum kb_xdb_mode {
    KB_XDB_READONLY = 0,        /* open an existing database for reading */
    KB_XDB_OPEN,                /* open an existing database for writing */
    KB_XDB_CREATE_OR_OPEN,      /* writable; create it if missing */
    KB_XDB_CREATE_OR_OVERWRITE, /* writable; start empty */
    /* A flag, or'ed into a mode: honour "remote :PROG ARGS" stub lines,
     * which start PROG (base/stub.h).  Without it they are refused. */
    KB_XDB_ALLOW_PROGRAMS = 0x100
} kb_xdb_mode_t;

/* Open the database at PATH (a glass directory, a directory holding a
 * XAPIANDB stub file, or a stub file; stubs may name remote servers).
 * Stub files are checked first (kb_stub_check): a line that would start a
 * program (unless MODE has KB_XDB_ALLOW_PROGRAMS), a line Xapian does not
 * know, or a FIFO in the way is refused with KB_STATUS_DB_OPENING and a
 * message naming the file and line, before Xapian reads anything.
 *
 * Returns KB_STATUS_SUCCESS and sets *DB, or sets *DB to NULL and returns
 * KB_STATUS_DB_OPENING (missing or unreadable), KB_STATUS_DB_LOCKED
 * (another writer), KB_STATUS_DB_CORRUPT, KB_STATUS_OUT_OF_MEMORY or
 * KB_STATUS_XAPIAN_EXCEPTION.  On failure, if MESSAGE is not NULL, *MESSAGE
 * is set to a malloc'd description that the caller frees (or NULL).
 * A writable database holds the write lock until kb_xdb_close(). */
kb_status_t kb_xdb_open(const char *path, kb_xdb_mode_t mode,
                               kb_xdb_t **db /* OUT */,
                               char **message /* OUT, may be NULL */);

/* Open one database a stub names (base/stub.h), read-only, without reading
 * any stub: a local database, an in-memory one, xapian-tcpsrv at HOST:PORT
 * or (only when the caller allowed it when listing the leaves) a program.
 * TIMEOUT_MS bounds each operation on a remote database and the
 * connection itself (Xapian::Remote::open's timeout and connect_timeout):
 * past it the operation fails with KB_STATUS_XAPIAN_EXCEPTION (a
 * Xapian::NetworkTimeoutError), never waits longer; a server that refuses
 * the connection fails at once.  The same statuses and *MESSAGE as
 * kb_xdb_open(). */
kb_status_t kb_xdb_open_leaf(const struct kb_stub_leaf *leaf, unsigned timeout_ms,
                             kb_xdb_t **db /* OUT */, char **message /* OUT, may be NULL */);

/* A read-only database searching the N databases PARTS as one
 * (Xapian::Database::add_database): metadata from PARTS[0], document and
 * term statistics summed, spelling data and synonyms merged.  The parts
 * stay the caller's (closing one later does not hurt *DB).
 * KB_STATUS_BAD_ARGUMENT (N is 0), KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_xdb_combine(kb_xdb_t *const *parts, size_t n, kb_xdb_t **db /* OUT */);

/* Close DB, releasing its lock and memory.  Uncommitted changes of a
 * writable database are discarded (not committed).  NULL is a no-op. */
void kb_xdb_close(kb_xdb_t *db);

/* The message of DB's last failure, or "" if none.  Borrowed: valid until
 * the next call on DB or an object belonging to it. */
const char *kb_xdb_last_error(const kb_xdb_t *db);

/* Bring a read-only DB to the latest committed revision.  *CHANGED (may be
 * NULL) is set to 1 if the revision moved. */
kb_status_t kb_xdb_reopen(kb_xdb_t *db, int *changed /* OUT */);

/* Number of documents, and the number holding TERM. */
kb_status_t kb_xdb_doccount(kb_xdb_t *db, unsigned *count /* OUT */);
kb_status_t kb_xdb_termfreq(kb_xdb_t *db, const char *term,
                                   unsigned *freq /* OUT */);

/* Metadata.  A missing key reads as the empty value (*VALUE = "", len 0).
 * *VALUE is malloc'd and NUL-terminated (it may hold NULs inside): the caller
 * frees it. */
kb_status_t kb_xdb_get_metadata(kb_xdb_t *db, const char *key,
                                       char **value /* OUT */,
                                       size_t *len /* OUT, may be NULL */);
/* Set KEY to VALUE (LEN bytes); an empty value deletes the key. */
kb_status_t kb_xdb_set_metadata(kb_xdb_t *db, const char *key,
                                       const char *value, size_t len);

typedef int (*kb_xstring_fn)(void *ctx, const char *s, size_t len);
typedef int (*kb_xterm_fn)(void *ctx, const char *term, size_t len,
                           unsigned count);
typedef int (*kb_xdocid_fn)(void *ctx, kb_xdocid_t docid);

/* Call FN with each metadata key starting with PREFIX, in sorted order. */
kb_status_t kb_xdb_metadata_keys(kb_xdb_t *db, const char *prefix,
                                        kb_xstring_fn fn, void *ctx);
/* Call FN with each term starting with PREFIX and its term frequency. */
kb_status_t kb_xdb_allterms(kb_xdb_t *db, const char *prefix,
                                   kb_xterm_fn fn, void *ctx);
/* Call FN with each document id holding TERM. */
kb_status_t kb_xdb_postlist(kb_xdb_t *db, const char *term,
                                   kb_xdocid_fn fn, void *ctx);
/* Call FN with each term of document DOCID and its wdf.  Returns
 * KB_STATUS_NOT_FOUND if there is no such document. */
kb_status_t kb_xdb_termlist(kb_xdb_t *db, kb_xdocid_t docid,
                                   kb_xterm_fn fn, void *ctx);

/* Read document DOCID; the caller frees *DOC.  KB_STATUS_NOT_FOUND if it
 * does not exist. */
kb_status_t kb_xdb_get_document(kb_xdb_t *db, kb_xdocid_t docid,
                                       kb_xdoc_t **doc /* OUT */);

/* Read document DOCID into a document of its own: data, values, terms
 * with their wdf and positions, all read now, so it can be added to
 * another database, in another thread, with DB closed.  The caller frees
 * *DOC.  KB_STATUS_NOT_FOUND if it does not exist. */
kb_status_t kb_xdb_copy_document(kb_xdb_t *db, kb_xdocid_t docid, kb_xdoc_t **doc /* OUT */);

/* Writing (writable databases only; otherwise KB_STATUS_BAD_ARGUMENT).
 * DOC is copied; the caller still owns and frees it. */
kb_status_t kb_xdb_add_document(kb_xdb_t *db, const kb_xdoc_t *doc,
                                       kb_xdocid_t *docid /* OUT, may be NULL */);
/* Replace every document holding UNIQUE_TERM by DOC (or add it). */
kb_status_t kb_xdb_replace_document(kb_xdb_t *db, const char *unique_term,
                                           const kb_xdoc_t *doc,
                                           kb_xdocid_t *docid /* OUT, may be NULL */);
/* Delete every document holding TERM (none is not an error). */
kb_status_t kb_xdb_delete_documents(kb_xdb_t *db, const char *term);

/* Transactions.  Changes inside a transaction become visible together at
 * kb_xdb_commit_transaction(); a crash before that leaves the database as it
 * was.  FLUSHED non-zero makes the commit a real commit to disk. */
kb_status_t kb_xdb_begin_transaction(kb_xdb_t *db, int flushed);
kb_status_t kb_xdb_commit_transaction(kb_xdb_t *db);
kb_status_t kb_xdb_cancel_transaction(kb_xdb_t *db);
/* Commit pending changes outside a transaction (atomic and durable). */
kb_status_t kb_xdb_commit(kb_xdb_t *db);

/* Synonyms: TERM (a word, a stemmed word "Zword", or a space-separated
 * phrase) gets SYNONYM as an alternative at query time. */
kb_status_t kb_xdb_add_synonym(kb_xdb_t *db, const char *term,
                                      const char *synonym);
kb_status_t kb_xdb_clear_synonyms(kb_xdb_t *db, const char *term);
/* Call FN with each synonym of TERM. */
kb_status_t kb_xdb_synonyms(kb_xdb_t *db, const char *term,
                                   kb_xstring_fn fn, void *ctx);
/* Call FN with each term having synonyms, starting with PREFIX. */
kb_status_t kb_xdb_synonym_keys(kb_xdb_t *db, const char *prefix,
                                       kb_xstring_fn fn, void *ctx);

/* Spelling data ("did you mean").  Frequencies add up per call. */
kb_status_t kb_xdb_add_spelling(kb_xdb_t *db, const char *word,
                                       unsigned inc);
kb_status_t kb_xdb_remove_spelling(kb_xdb_t *db, const char *word,
                                          unsigned dec);
/* The most frequent spelling word within MAX_EDIT edits of WORD, or "" when
 * there is none (or WORD is itself the best).  Caller frees *SUGGESTION. */
kb_status_t kb_xdb_spelling_suggestion(kb_xdb_t *db, const char *word,
                                              unsigned max_edit,
                                              char **suggestion /* OUT */);
/* Frequency of WORD in the spelling data (0 if absent). */
kb_status_t kb_xdb_spelling_freq(kb_xdb_t *db, const char *word,
                                        unsigned *freq /* OUT */);

/* ---------------------------------------------------------------- */
/* Documents                                                          */

kb_status_t kb_xdoc_new(kb_xdoc_t **doc /* OUT */);
void kb_xdoc_free(kb_xdoc_t *doc);

/* The document's data blob (LEN bytes, copied). */
kb_status_t kb_xdoc_set_data(kb_xdoc_t *doc, const char *data, size_t len);
/* Borrowed pointer to the data, valid until DOC is changed or freed.  It is
 * NUL-terminated after LEN bytes. */
kb_status_t kb_xdoc_get_data(kb_xdoc_t *doc, const char **data /* OUT */,
                                    size_t *len /* OUT */);
/* Add TERM with WDF_INC to the within-document frequency (0 for a boolean
 * term).  Terms longer than KB_XTERM_MAX give KB_STATUS_BAD_ARGUMENT. */
kb_status_t kb_xdoc_add_term(kb_xdoc_t *doc, const char *term,
                                    unsigned wdf_inc);
kb_status_t kb_xdoc_add_posting(kb_xdoc_t *doc, const char *term,
                                       unsigned pos, unsigned wdf_inc);
kb_status_t kb_xdoc_add_value(kb_xdoc_t *doc, unsigned slot,
                                     const char *value, size_t len);
/* Borrowed pointer to value SLOT ("" when unset), valid until DOC is changed
 * or freed. */
kb_status_t kb_xdoc_get_value(kb_xdoc_t *doc, unsigned slot,
                                     const char **value /* OUT */,
                                     size_t *len /* OUT */);

/* Add every term of SRC to DOC with its wdf (no positions): the shared
 * fields of several documents are generated once and copied. */
kb_status_t kb_xdoc_add_terms_of(kb_xdoc_t *doc, kb_xdoc_t *src);

/* Call FN with each term of DOC and its wdf, in term order. */
kb_status_t kb_xdoc_terms(kb_xdoc_t *doc, kb_xterm_fn fn, void *ctx);

/* Split LEN bytes of TEXT into words exactly as the term generator does when
 * indexing (Unicode-aware, lowercased, no stemming), calling FN with each
 * word in text order; COUNT is the word's 1-based position. */
kb_status_t kb_xtokenize(const char *text, size_t len, kb_xterm_fn fn, void *ctx);

/* ---------------------------------------------------------------- */
/* Stemmers                                                           */

/* LANG is a Snowball language name such as "english", or "none".
 * KB_STATUS_BAD_ARGUMENT if Xapian does not know it. */
kb_status_t kb_xstem_new(const char *lang, kb_xstem_t **stem /* OUT */);
void kb_xstem_free(kb_xstem_t *stem);
/* From now on WORD stems to AS with STEM (and every term generator and
 * query parser using it): for the few words the stemmer conflates wrongly
 * ("activity" and "activate" both give "activ"). */
kb_status_t kb_xstem_add_exception(kb_xstem_t *stem, const char *word, const char *as);
/* Stem WORD (LEN bytes, lowercase UTF-8); caller frees *OUT. */
kb_status_t kb_xstem_word(kb_xstem_t *stem, const char *word, size_t len,
                                 char **out /* OUT */);

/* ---------------------------------------------------------------- */
/* Term generator                                                     */

/* Stemming strategies, shared by term generator and query parser. */
typedef enum kb_xstem_strategy {
    KB_XSTEM_NONE = 0,  /* unstemmed terms only */
    KB_XSTEM_SOME,      /* unstemmed terms, plus Z-prefixed stems */
    KB_XSTEM_ALL,       /* stems only, no prefix */
    KB_XSTEM_ALL_Z      /* stems only, with the Z prefix */
} kb_xstem_strategy_t;

enum {
    /* Add every word indexed to DB's spelling data (needs a database). */
    KB_XTG_SPELLING = 1
};

/* A term generator; DB (may be NULL) receives spelling data with
 * KB_XTG_SPELLING and records errors. */
kb_status_t kb_xtermgen_new(kb_xdb_t *db, kb_xtermgen_t **tg /* OUT */);
void kb_xtermgen_free(kb_xtermgen_t *tg);
/* The stemmer is copied; NULL turns stemming off. */
kb_status_t kb_xtermgen_set_stemmer(kb_xtermgen_t *tg, const kb_xstem_t *stem);
kb_status_t kb_xtermgen_set_stemming_strategy(kb_xtermgen_t *tg,
                                                     kb_xstem_strategy_t strategy);
/* Words in the NULL-terminated list WORDS are not stemmed (and with
 * KB_XSTEM_ALL not indexed).  The list is copied. */
kb_status_t kb_xtermgen_set_stopper(kb_xtermgen_t *tg, const char *const *words);
kb_status_t kb_xtermgen_set_flags(kb_xtermgen_t *tg, unsigned flags);
/* Index into DOC from now on; DOC must outlive the indexing calls. */
kb_status_t kb_xtermgen_set_document(kb_xtermgen_t *tg, kb_xdoc_t *doc);
/* Index LEN bytes of TEXT with positions; WDF_INC per occurrence; PREFIX may
 * be "" or NULL. */
kb_status_t kb_xtermgen_index_text(kb_xtermgen_t *tg, const char *text,
                                          size_t len, unsigned wdf_inc,
                                          const char *prefix);
kb_status_t kb_xtermgen_index_text_without_positions(kb_xtermgen_t *tg,
                                                            const char *text,
                                                            size_t len,
                                                            unsigned wdf_inc,
                                                            const char *prefix);
/* Leave a gap so phrases do not match across fields. */
kb_status_t kb_xtermgen_increase_termpos(kb_xtermgen_t *tg, unsigned delta);

/* ---------------------------------------------------------------- */
/* Queries                                                            */

typedef enum kb_xop {
    KB_XOP_AND = 0,
    KB_XOP_OR,
    KB_XOP_AND_NOT,     /* first sub-query, minus the others */
    KB_XOP_AND_MAYBE,   /* first sub-query, boosted by the others */
    KB_XOP_FILTER,      /* first sub-query, restricted to the others (no weight) */
    KB_XOP_SYNONYM,     /* the sub-queries weighted as one term */
    KB_XOP_PHRASE,      /* terms in order within a window */
    KB_XOP_NEAR,        /* terms in any order within a window */
    KB_XOP_MAX          /* the best weight of the sub-queries */
} kb_xop_t;

/* A query for TERM with query frequency WQF (1 usually) at query position
 * POS (0 if none); the caller frees *Q. */
kb_status_t kb_xquery_term(const char *term, unsigned wqf, unsigned pos,
                                  kb_xquery_t **q /* OUT */);
/* Combine N sub-queries with OP; WINDOW is for PHRASE and NEAR (0 = number
 * of sub-queries).  The sub-queries are copied (Xapian shares them), so the
 * caller still frees them.  NULL entries are skipped; with none left the
 * result is the empty query (matches nothing). */
kb_status_t kb_xquery_combine(kb_xop_t op, const kb_xquery_t *const *subs,
                                     size_t n, unsigned window,
                                     kb_xquery_t **q /* OUT */);
/* Q with every weight multiplied by FACTOR (>= 0). */
kb_status_t kb_xquery_scale(const kb_xquery_t *q, double factor,
                                   kb_xquery_t **out /* OUT */);
/* Another handle on Q (Xapian shares the tree); the caller frees both. */
kb_status_t kb_xquery_copy(const kb_xquery_t *q, kb_xquery_t **out /* OUT */);
/* A query matching every document (weight 0). */
kb_status_t kb_xquery_match_all(kb_xquery_t **q /* OUT */);
void kb_xquery_free(kb_xquery_t *q);
/* 1 if Q is the empty query, 0 otherwise (NULL counts as empty). */
int kb_xquery_is_empty(const kb_xquery_t *q);
/* Xapian's description of Q, for debugging and explain; caller frees. */
kb_status_t kb_xquery_describe(const kb_xquery_t *q, char **out /* OUT */);
/* Call FN with each distinct term of Q (COUNT is its query frequency). */
kb_status_t kb_xquery_terms(const kb_xquery_t *q, kb_xterm_fn fn, void *ctx);

/* ---------------------------------------------------------------- */
/* Query parser                                                       */

enum {
    KB_XQP_BOOLEAN = 1 << 0,
    KB_XQP_PHRASE = 1 << 1,
    KB_XQP_LOVEHATE = 1 << 2,
    KB_XQP_WILDCARD = 1 << 3,
    KB_XQP_SPELLING_CORRECTION = 1 << 4,
    KB_XQP_SYNONYM = 1 << 5,
    KB_XQP_AUTO_SYNONYMS = 1 << 6,
    KB_XQP_AUTO_MULTIWORD_SYNONYMS = 1 << 7,
    KB_XQP_BOOLEAN_ANY_CASE = 1 << 8,
    KB_XQP_DEFAULT = KB_XQP_PHRASE | KB_XQP_BOOLEAN | KB_XQP_LOVEHATE
};

/* A query parser for DB (used for spelling, synonyms, wildcards, and errors). */
kb_status_t kb_xqparser_new(kb_xdb_t *db, kb_xqparser_t **qp /* OUT */);
void kb_xqparser_free(kb_xqparser_t *qp);
kb_status_t kb_xqparser_set_stemmer(kb_xqparser_t *qp, const kb_xstem_t *stem);
kb_status_t kb_xqparser_set_stemming_strategy(kb_xqparser_t *qp,
                                                     kb_xstem_strategy_t strategy);
/* NULL-terminated list of stopwords (copied). */
kb_status_t kb_xqparser_set_stopper(kb_xqparser_t *qp, const char *const *words);
/* KB_XOP_AND or KB_XOP_OR (the default). */
kb_status_t kb_xqparser_set_default_op(kb_xqparser_t *qp, kb_xop_t op);
/* FIELD:text searches PREFIX-ed free text; boolean FIELD:value filters on
 * the term PREFIX+value, OR-ed within a field and AND-ed across fields. */
kb_status_t kb_xqparser_add_prefix(kb_xqparser_t *qp, const char *field,
                                          const char *prefix);
kb_status_t kb_xqparser_add_boolean_prefix(kb_xqparser_t *qp,
                                                  const char *field,
                                                  const char *prefix);
/* Parse TEXT with FLAGS (KB_XQP_*); DEFAULT_PREFIX may be NULL.  A syntax
 * error gives KB_STATUS_QUERY_SYNTAX with Xapian's message on the database. */
kb_status_t kb_xqparser_parse(kb_xqparser_t *qp, const char *text,
                                     unsigned flags, const char *default_prefix,
                                     kb_xquery_t **q /* OUT */);
/* After a parse with KB_XQP_SPELLING_CORRECTION: the corrected query string,
 * or "" if nothing was corrected.  Caller frees. */
kb_status_t kb_xqparser_corrected(kb_xqparser_t *qp, char **out /* OUT */);

/* ---------------------------------------------------------------- */
/* Enquire and results                                                */

kb_status_t kb_xenquire_new(kb_xdb_t *db, kb_xenquire_t **enq /* OUT */);
void kb_xenquire_free(kb_xenquire_t *enq);
/* Q is copied; QLEN is the query length for weighting (0 = Q's own). */
kb_status_t kb_xenquire_set_query(kb_xenquire_t *enq, const kb_xquery_t *q,
                                         unsigned qlen);
/* One result per distinct value in SLOT (up to MAX per value). */
kb_status_t kb_xenquire_set_collapse_key(kb_xenquire_t *enq, unsigned slot,
                                                unsigned max);
/* BM25 with the given parameters (Xapian's defaults: 1, 0, 1, 0.5, 0.5). */
kb_status_t kb_xenquire_set_bm25(kb_xenquire_t *enq, double k1, double k2,
                                        double k3, double b, double min_normlen);
/* Rank by weight, and documents of equal weight by their value in SLOT
 * (not by document number, which depends on how the database is split). */
kb_status_t kb_xenquire_set_tiebreak(kb_xenquire_t *enq, unsigned slot);
/* Boolean weighting: every match weighs 0, in document order. */
kb_status_t kb_xenquire_set_boolean(kb_xenquire_t *enq);
/* Run the query: results FIRST..FIRST+MAXITEMS-1, counting at least
 * CHECKATLEAST matches exactly.  The caller frees *MSET (before ENQ). */
kb_status_t kb_xenquire_get_mset(kb_xenquire_t *enq, unsigned first,
                                        unsigned maxitems, unsigned checkatleast,
                                        kb_xmset_t **mset /* OUT */);
/* Call FN with each query term that document DOCID matches. */
kb_status_t kb_xenquire_matching_terms(kb_xenquire_t *enq, kb_xdocid_t docid,
                                              kb_xterm_fn fn, void *ctx);

void kb_xmset_free(kb_xmset_t *mset);
unsigned kb_xmset_size(const kb_xmset_t *mset);
/* Estimated number of matches, and its bounds. */
unsigned kb_xmset_matches_estimated(const kb_xmset_t *mset);
unsigned kb_xmset_matches_lower_bound(const kb_xmset_t *mset);
unsigned kb_xmset_matches_upper_bound(const kb_xmset_t *mset);
/* The largest weight any document could get, and the largest attained. */
double kb_xmset_max_possible(const kb_xmset_t *mset);
double kb_xmset_max_attained(const kb_xmset_t *mset);
/* Item I (0-based, < size) of the page.  Out of range gives docid 0 and
 * weight 0. */
kb_xdocid_t kb_xmset_docid(const kb_xmset_t *mset, unsigned i);
double kb_xmset_weight(const kb_xmset_t *mset, unsigned i);
int kb_xmset_percent(const kb_xmset_t *mset, unsigned i);
/* How many more documents had the same collapse key as item I (a lower
 * bound). */
unsigned kb_xmset_collapse_count(const kb_xmset_t *mset, unsigned i);
/* Ask for the documents of the whole page at once: on remote databases
 * the requests go out together (one wait, not one per document) and
 * kb_xmset_document() then finds them read. */
kb_status_t kb_xmset_fetch(kb_xmset_t *mset);
/* Item I's collapse key (its value in the collapse slot), read from the
 * page without fetching the document.  Caller frees *KEY ("" when there is
 * none).  KB_STATUS_BAD_ARGUMENT when I is out of range. */
kb_status_t kb_xmset_collapse_key(kb_xmset_t *mset, unsigned i, char **key /* OUT */);
/* Item I's document; the caller frees *DOC. */
kb_status_t kb_xmset_document(kb_xmset_t *mset, unsigned i,
                                     kb_xdoc_t **doc /* OUT */);

enum {
    KB_XSNIPPET_BACKGROUND_MODEL = 1,
    KB_XSNIPPET_EXHAUSTIVE = 2,
    KB_XSNIPPET_EMPTY_WITHOUT_MATCH = 4
};

/* A snippet of TEXT (LEN bytes) of about LENGTH bytes around the terms of
 * the query that produced MSET, with HI_START/HI_END around each match and
 * OMIT where text was cut.  STEM (may be NULL) must be the stemmer used at
 * index time.  Note: Xapian HTML-escapes '&', '<' and '>' in the result.
 * Caller frees *OUT. */
kb_status_t kb_xmset_snippet(kb_xmset_t *mset, const char *text, size_t len,
                                    size_t length, const kb_xstem_t *stem,
                                    unsigned flags, const char *hi_start,
                                    const char *hi_end, const char *omit,
                                    char **out /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
