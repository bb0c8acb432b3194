/* schema.h - the index schema: every document, term, value slot and
 * metadata key kb stores, with the paired encode and decode of each
 * document's data.  kb-index writes through the encoders, the query
 * pipeline reads through the decoders; no other file knows the layout.
 *
 * The index directory (lib/index/layout.c) holds generations:
 *
 *     INDEX/XAPIANDB       a Xapian stub file naming the current generation's
 *                          shards ("glass gen-000007/s0" ...)
 *     INDEX/shard-K        a stub naming shard K of the current generation
 *                          alone ("glass gen-000007/sK"): what xapian-tcpsrv
 *                          serves, and what a stub on another machine names
 *     INDEX/gen-000007/sK  the glass databases of the current generation
 *     INDEX/gen-000006/    the previous one, kept for readers still on it
 *     INDEX/.lock          held by the indexer while it runs
 *
 * Shards.  An article's documents all live in shard
 * kb_hash64(id) % N (a stable hash of its id), so the same KB gives the
 * same shards on any machine.  Shard 0 is the home shard: besides its
 * articles it holds everything that is the whole KB's (the metadata below,
 * the spelling data, the synonyms), since a search over several databases
 * reads metadata from the first one only and Xapian's remote backend
 * serves neither spelling data nor synonyms; the other shards hold
 * documents and their own kb:format, kb:shard and kb:generation.  Readers
 * open the shards themselves (lib/query/shards.c) and search them as one
 * database, home first, so that document and term frequencies are the
 * whole KB's.
 *
 * Documents.  Each article gives three kinds:
 *
 *   section documents   one per section with text (and always one for the
 *                       lead, section 0).  Free text: the section heading
 *                       (weight 2) and text (1) with positions, plus the
 *                       article's title (4), questions and phrases (2) and
 *                       tags (2) without positions, so a section matches on
 *                       what its article is about.  Stems of the title
 *                       under "ZS", of the questions and phrases under
 *                       "ZXQ", for the query's boosts.  Data: a section
 *                       record (kb_schema_section_t).  Value KB_SLOT_SECTION
 *                       is the section number.
 *   question documents  one per question or phrase (at most
 *                       KB_ARTICLE_MAX_QUESTIONS): that text only, with
 *                       positions, so BM25 scores a query against each way
 *                       customers ask on its own; term KB_TERM_QUESTION_DOC;
 *                       value KB_SLOT_SECTION "q"; data {id, question}.
 *   learned documents   one per phrasing kb-index --learn learned for the
 *                       article (learned.h; at most KB_LEARNED_MAX): a
 *                       question document (KB_TERM_QUESTION_DOC, value
 *                       KB_SLOT_SECTION "q") with value KB_SLOT_LEARNED "1",
 *                       which the query weighs below the editors' own
 *                       questions; data {id, question: null, learned:
 *                       true}: a hit on it names no question.  Its words
 *                       are not spelling data.
 *   the article document  no free text and no filter terms, so no search
 *                       returns it; found by its KB_PREFIX_ARTICLE term;
 *                       term KB_TERM_ARTICLE_DOC (counting articles); value
 *                       KB_SLOT_SECTION "a"; data: the whole article
 *                       (kb_article_t with each section's steps), for show,
 *                       :open, related and the escalation op.
 *
 *   Every document carries the boolean terms Q<id> and XP<path> (the path
 *   relative to the KB folder, hashed when long), and XS<status> when the
 *   article is not published (XSdraft, XSarchived: the query pipeline
 *   leaves these out unless asked, kb_request_t.drafts); section and question
 *   documents also XC<category>, K<tag> per tag and XE<escalation>, and
 *   section 0 XL<id>.  Value KB_SLOT_ARTICLE is the article id: collapsing
 *   on it gives one hit per article with its best document.  Values
 *   KB_SLOT_CATEGORY and KB_SLOT_UPDATED ("YYYYMMDD") are on section
 *   documents.
 *
 * Metadata.
 *
 *   kb:format        KB_INDEX_FORMAT; another value makes readers refuse the
 *                    index and kb-index rebuild it (on every shard)
 *   kb:shard         "K/N": this database is shard K of N (on every shard)
 *   kb:generation    the generation number the shard was built in (on every
 *                    shard): a reader leaves out a shard of another one
 *   kb:shards        N when it was chosen with kb-index --shards (kept by
 *                    later runs); missing when kb-index chooses
 *   kb:root          the KB folder as given to kb-index
 *   kb:built         ISO 8601 time of the last commit
 *   kb:synonyms      hash of the synonyms file (the synonyms themselves are
 *                    Xapian synonyms: keys are an item's words, or "Z" + their
 *                    stems for phrases)
 *   kb:dictionary    hash of the English word list; kb:words the list
 *                    itself (wordlist.h)
 *   F:<rel>          file record of each article file (kb_schema_file_t)
 *   E:<id>           every published escalation tier and every published
 *                    article with triggers (kb_schema_tier_t), loaded whole
 *                    when a reader opens the index (a draft tier's triggers
 *                    must not fire, and no article may escalate to it)
 *   N:<rel>          what lint checks of each article (kb_schema_node_t),
 *                    so that an incremental run checks unchanged articles
 *                    against the changed ones without reading their files
 *   kb:lint          the files in lint error after the last run (audit.c)
 *   kb:pins          the pinned answers of pins.txt and the synonym groups
 *                    their words keys need (schema/pins.h), JSON; absent
 *                    when there are none
 *   kb:learned       hash of the learned phrasings indexed
 *   kb:model         the linear model learned from officers' marks
 *                    (schema/model.h, lib/index/model.c); absent when the
 *                    KB has no learned phrasings
 *
 * Spelling data: the words of section documents (words.h decides which),
 * each counted once per article, all in shard 0.
 *
 * Every decode function checks the shape of what it reads and returns
 * KB_STATUS_DB_CORRUPT when a field it needs is missing; strings it hands
 * out are malloc'd and belong to the caller (the _clear functions free
 * them).
 */
#ifndef KB_SCHEMA_SCHEMA_H
#define KB_SCHEMA_SCHEMA_H

#include <stddef.h>
#include <stdint.h>

#include "kb/article.h"
#include "kb/index.h"
#include "kb/status.h"

/* The index format this build writes; a different stored version forces a
 * full rebuild. */
#define KB_INDEX_FORMAT "kb-index-14"

/* Value slots. */
enum {
    KB_SLOT_ARTICLE = 0,   /* article id: the collapse key */
    KB_SLOT_UPDATED = 1,   /* "YYYYMMDD" */
    KB_SLOT_CATEGORY = 2,
    KB_SLOT_SECTION = 3,   /* section number, decimal; "q" on question documents,
                              "a" on the article document */
    KB_SLOT_LEARNED = 4    /* "1" on learned documents */
};

/* Term prefixes. */
#define KB_PREFIX_ID "Q"          /* article id, on every document */
#define KB_PREFIX_ARTICLE "XD"    /* article id, on the article document only */
#define KB_PREFIX_LEAD "XL"       /* article id, on its section 0 (the lead) only */
#define KB_PREFIX_PATH "XP"       /* source path relative to the KB folder */
#define KB_PREFIX_CATEGORY "XC"
#define KB_PREFIX_TAG "K"
#define KB_PREFIX_ESCALATION "XE" /* the article's escalation tier id */
#define KB_PREFIX_STATUS "XS"     /* "draft" or "archived": not published */
#define KB_PREFIX_TITLE "S"       /* "ZS" + stem: words of the title */
#define KB_PREFIX_QUESTION "XQ"   /* "ZXQ" + stem: words of the questions and phrases */
#define KB_TERM_QUESTION_DOC "XKquestion" /* on question documents */
#define KB_TERM_LEARNED_DOC "XKlearned"   /* on learned question documents too */
#define KB_TERM_ARTICLE_DOC "XKarticle"   /* on article documents: counts articles */

/* Metadata keys. */
#define KB_META_FORMAT "kb:format"
#define KB_META_SHARD "kb:shard"           /* "K/N" */
#define KB_META_GENERATION "kb:generation"
#define KB_META_SHARDS "kb:shards"
#define KB_META_ROOT "kb:root"
#define KB_META_BUILT "kb:built"
#define KB_META_SYNONYMS "kb:synonyms"
#define KB_META_DICTIONARY "kb:dictionary"
#define KB_META_WORDS "kb:words"
#define KB_META_FILE "F:"               /* + relative path */
#define KB_META_TIER "E:"               /* + article id */
#define KB_META_NODE "N:"               /* + relative path: what lint needs (node.c) */
#define KB_META_LINT "kb:lint"          /* the files in error after the last run (audit.c) */
#define KB_META_PINS "kb:pins"          /* pinned answers (schema/pins.h) */
#define KB_META_LEARNED "kb:learned"    /* hash of the learned phrasings indexed */
#define KB_META_MODEL "kb:model"        /* the model learned from marks (schema/model.h) */

/* ---------------------------------------------------------------- */
/* Shards                                                             */

/* Most shards an index is written in. */
#define KB_SHARDS_MAX KB_INDEX_SHARDS_MAX

/* The shard (0..N-1) holding article ID's documents in an index of N
 * shards: a stable hash of the id (FNV-1a), the same on every machine. */
unsigned kb_schema_shard_of(const char *id, unsigned n);
/* 1 if S is a kb:shard value "K/N" (K < N <= KB_SHARDS_MAX); then *K and *N
 * are set, else both are 0. */
int kb_schema_shard_decode(const char *s, unsigned *k /* OUT */, unsigned *n /* OUT */);

/* ---------------------------------------------------------------- */
/* Terms                                                              */

/* PREFIX + VALUE, malloc'd; NULL when out of memory. */
char *kb_schema_term(const char *prefix, const char *value);
/* The XP term for REL (hashed when too long for a term).  Caller frees. */
char *kb_schema_path_term(const char *rel);

/* ---------------------------------------------------------------- */
/* Section documents                                                  */

typedef struct kb_schema_section {
    char *id;
    char *title;
    char *category;        /* may be NULL */
    char *path;
    char *section;         /* heading; "" for the lead */
    char *section_path;
    unsigned n;            /* section number, 0 = the lead */
    unsigned steps;        /* numbered steps in the section */
    char *escalation;      /* may be NULL */
    char *text;
    char *status;          /* NULL: published; "draft", "archived" */
} kb_schema_section_t;

/* The data of section I of A.  Caller frees; NULL when out of memory. */
char *kb_schema_section_encode(const kb_article_t *a, size_t i);
/* Fill OUT from LEN bytes of DATA.  KB_STATUS_DB_CORRUPT when a field is
 * missing (OUT is then empty), KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_schema_section_decode(const char *data, size_t len,
                                     kb_schema_section_t *out /* OUT */);
void kb_schema_section_clear(kb_schema_section_t *s);

/* ---------------------------------------------------------------- */
/* Question documents                                                 */

char *kb_schema_question_encode(const kb_article_t *a, const char *question);
/* The data of a learned document of A: {id, question: null, learned: true}. */
char *kb_schema_learned_encode(const kb_article_t *a);
/* *ID and *QUESTION are malloc'd (caller frees); both NULL on failure.
 * *QUESTION is NULL for a learned document. */
kb_status_t kb_schema_question_decode(const char *data, size_t len, char **id /* OUT */,
                                      char **question /* OUT */);

/* ---------------------------------------------------------------- */
/* Article documents                                                  */

char *kb_schema_article_encode(const kb_article_t *a);
/* A new article from LEN bytes of DATA; caller frees with
 * kb_article_free().  KB_STATUS_DB_CORRUPT, KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_schema_article_decode(const char *data, size_t len, kb_article_t **out /* OUT */);

/* ---------------------------------------------------------------- */
/* Tiers and trigger articles (E: metadata)                           */

typedef struct kb_schema_tier {
    char *id;
    char *title;
    char *category;        /* "escalation" for a tier; NULL or another for
                              an article that only has triggers */
    char *contact;
    char *hours;
    char *sla;
    char *next;
    char *escalation;      /* the path a trigger article suggests */
    char **triggers;
    size_t n_triggers;
    char *alert;           /* the kind of warning the triggers raise, or NULL */
} kb_schema_tier_t;

/* 1 if A is stored as a tier: a published escalation article, or a
 * published article with triggers. */
int kb_schema_is_tier(const kb_article_t *a);
char *kb_schema_tier_encode(const kb_article_t *a);
kb_status_t kb_schema_tier_decode(const char *data, size_t len, kb_schema_tier_t *out /* OUT */);
void kb_schema_tier_clear(kb_schema_tier_t *t);

/* ---------------------------------------------------------------- */
/* Lint nodes (N: metadata)                                           */

/* An internal link: the id linked to and its line. */
typedef struct kb_schema_link {
    char *target;
    int line;
} kb_schema_link_t;

/* The front-matter keys a node remembers the line of, so that lint points
 * at the key concerned (kb_schema_node_t.lines). */
typedef enum kb_node_key {
    KB_NODE_TITLE = 0,
    KB_NODE_CATEGORY,
    KB_NODE_ESCALATION,
    KB_NODE_NEXT,
    KB_NODE_HOURS,
    KB_NODE_CONTACT,
    KB_NODE_SLA,
    KB_NODE_REVIEW_BY,
    KB_NODE_STATUS,
    KB_NODE_QUESTIONS,
    KB_NODE_ID,
    KB_NODE_KEYS
} kb_node_key_t;

/* What lint needs of one article: every field it checks, and no text. */
typedef struct kb_schema_node {
    char *id;
    char *path;            /* for messages; not stored (the caller sets it) */
    int has_title;
    char *category;        /* may be NULL */
    unsigned n_questions, n_phrases;
    char *review_by;       /* may be NULL */
    char *escalation;      /* may be NULL */
    int has_contact, has_sla;
    char *hours;           /* may be NULL */
    char *next;            /* may be NULL */
    kb_schema_link_t *links;
    size_t n_links;
    char *status;          /* as kb_article_t.status: NULL is published */
    unsigned title_len;    /* the title's length in characters */
    int no_text;           /* the body has no text (nothing, or headings only) */
    int lines[KB_NODE_KEYS]; /* the line of each key, 0 when absent */
} kb_schema_node_t;

/* 1 if an article with STATUS (kb_article_t.status) is published. */
int kb_schema_published(const char *status);
/* 1 if N is published (no status, or one that is not draft or archived:
 * an unknown status is an error of its own and hides nothing). */
int kb_schema_node_published(const kb_schema_node_t *n);
/* The line of key K in N, or 1 when N has no such key (the front matter's
 * first line: a missing key is said there). */
int kb_schema_node_line(const kb_schema_node_t *n, kb_node_key_t k);

/* The node of A (PATH is copied from A->path).  KB_STATUS_OUT_OF_MEMORY
 * (OUT is then empty).  Clear with kb_schema_node_clear(). */
kb_status_t kb_schema_node_of(const kb_article_t *a, kb_schema_node_t *out /* OUT */);
/* JSON for the N: key (the path is left out); caller frees, NULL when out
 * of memory. */
char *kb_schema_node_encode(const kb_schema_node_t *n);
/* Fill OUT from LEN bytes of DATA; OUT->path is NULL.  KB_STATUS_DB_CORRUPT,
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_schema_node_decode(const char *data, size_t len, kb_schema_node_t *out /* OUT */);
void kb_schema_node_clear(kb_schema_node_t *n);

/* ---------------------------------------------------------------- */
/* File records (F: metadata)                                         */

#define KB_SCHEMA_ID_MAX 128

typedef struct kb_schema_file {
    long long size;
    long long mtime_ns;
    uint64_t hash;         /* kb_hash64 of the contents */
    char id[KB_SCHEMA_ID_MAX + 1];
} kb_schema_file_t;

/* "size mtime hash id"; caller frees, NULL when out of memory. */
char *kb_schema_file_encode(const kb_schema_file_t *f);
/* 1 if S is a well-formed record (then *OUT is filled), else 0.  Read by
 * hand: a no-change run over 100,000 files reads 100,000 of these. */
int kb_schema_file_decode(const char *s, kb_schema_file_t *out /* OUT */);

#endif
