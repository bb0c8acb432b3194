/* internal.h - what the files of the query pipeline share (not public).
 *
 * The stages, one file each:
 *   handle.c      open the index and follow it (kb_search_open, refresh)
 *   error.c       the last failure's message (kbs_set_error)
 *   shards.c      the databases of the index, opened one by one and searched
 *                 as one; shards that do not answer left out
 *   syntax.c      the query string: words, phrases, exclusions, filters
 *   prepare.c     tokens, stems, stopwords and spelling corrections
 *   build.c       the Xapian query (synonyms.c: synonym groups; terms.c:
 *                 a word's terms; qtree.c: query trees with a sticky status)
 *   collect.c     run it: hits, best sections, snippets, explain
 *   run.c         kb_search_run: the stages in order, with one retry
 *   condense.c    what to search in a long paste (a chat, an email)
 *   tiers.c       the escalation tiers and the articles with triggers
 *   triggers.c    matching triggers the way people talk
 *   alerts.c      every warning the customer's words raise; the escalation
 *   lookup.c      article, escalation path, related, health, lists
 *   results.c     freeing results; snippet.c: snippet text and highlights
 *   hidden.c      drafts and archived articles left out of answers
 *   pins.c        pinned answers (kb/pins.txt) put first
 */
#ifndef KB_QUERY_INTERNAL_H
#define KB_QUERY_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "schema/hours.h"
#include "schema/model.h"
#include "schema/pins.h"
#include "query/syntax.h"
#include "schema/wordlist.h"
#include "triggers.h"
#include "kb/search.h"
#include "schema/schema.h"
#include "base/strmap.h"
#include "schema/words.h"
#include "xapian/xapian.h"

/* An escalation tier, or an article with triggers (guidance). */
typedef struct kbs_tier {
    char *id;
    char *title;
    char *category;
    char *contact;
    char *hours;
    char *sla;
    char *next;
    char *escalation;          /* trigger articles: the path they suggest */
    char *alert;               /* the warning the triggers raise, or NULL:
                                  routing triggers (a tier's "card stuck") */
    kbs_pattern_t *patterns;   /* the triggers, compiled */
    size_t n_patterns;
    int known_hours;
    kb_hours_t parsed_hours;
} kbs_tier_t;

typedef struct kbs_tiers {
    kbs_tier_t *items;
    size_t n;
} kbs_tiers_t;

/* One database of the index (shards.c). */
typedef struct kbs_shard {
    char *name;                /* as the stub names it */
    int remote;
    kb_xdb_t *db;              /* NULL when left out */
    char *error;               /* why it is left out */
    int number;                /* its kb:shard K, or -1 when unknown */
    unsigned of;               /* its kb:shard N */
    char *generation;          /* its kb:generation */
    char *format;              /* its kb:format */
} kbs_shard_t;

/* A stub file as it was when read. */
typedef struct kbs_stamp {
    char *path;
    int exists;
    ino_t ino;
    time_t mtime;
    long mtime_ns;
    off_t size;
} kbs_stamp_t;

/* The databases of the index and the one that searches them all. */
typedef struct kbs_shards {
    kbs_shard_t *items;        /* what the stub lists, and shards it does not */
    size_t n;
    unsigned total;            /* N: the index's shards */
    size_t missing;            /* items left out */
    int remote_home;           /* shard 0 is remote: no spelling data, no synonyms */
    double retry_at;           /* kb_now_ms() after which left-out ones are tried again */
    kbs_stamp_t *stamps;       /* the stub files read, to notice a change */
    size_t n_stamps;
    kb_xdb_t *all;             /* the open shards as one database */
} kbs_shards_t;

struct kb_search {
    char *path;
    unsigned flags;            /* KB_SEARCH_* given to kb_search_open_flags() */
    kb_xdb_t *db;              /* SHARDS.all */
    kb_xstem_t *stem;
    kbs_shards_t shards;
    kbs_tiers_t tiers;
    /* The English word list, loaded on first use (kbs_words()). */
    kb_wordlist_t words;
    int words_loaded;
    /* The model learned from officers' marks (schema/model.h), loaded on
     * first use (kbs_model()); empty when the index has none. */
    kb_model_t model;
    int model_loaded;
    time_t now;                /* 0: kb_hours_now() */
    kb_schema_pins_t pins;     /* pinned answers (pins.c), as last read */
    char *pins_raw;            /* ... from this KB_META_PINS value */
    char err[512];
};

/* Most content words of a query that confidence tracks. */
#define KBS_MAX_CONTENT 64

/* Where a query term came from, for explain and confidence. */
typedef struct kbs_source {
    char *term;
    char *word;
    const char *kind;          /* static string */
    char *detail;              /* may be NULL */
    uint64_t mask;             /* the content words it stands for (bits) */
} kbs_source_t;

/* One token of the query, with its spelling correction if any. */
typedef struct kbs_token {
    char *word;
    char *stem;
    char *fixed;               /* corrected word, or NULL */
    char *fixed_stem;
    int stop;                  /* a stopword or a conversation word */
    int slang;                 /* shorthand: STEM is its word's ("acct") */
    int unknown;               /* the index has never seen it */
    int content;               /* index among the query's content words (the
                                  ones confidence weighs), or -1 */
} kbs_token_t;

typedef struct kbs_item {
    const kb_qitem_t *src;
    kbs_token_t *tokens;
    size_t n;
} kbs_item_t;

/* The query, tokenized and spell-checked, before any Xapian query is made. */
typedef struct kbs_prepared {
    kbs_item_t *items;
    size_t n;
    size_t words;              /* searchable (non-stop) words */
    size_t n_content;          /* tokens with a content index */
    size_t stopwords;
    size_t corrections;
    kb_strlist_t categories;   /* query's and request's filters */
    kb_strlist_t tags;
} kbs_prepared_t;

/* A built query and the map back to the officer's words. */
typedef struct kbs_built {
    kb_xquery_t *query;        /* NULL when nothing is searchable */
    kbs_source_t *sources;
    size_t n_sources;
    kb_strlist_t exclude_ids;  /* articles excluded by -word */
    double weight[KBS_MAX_CONTENT]; /* how much each content word says:
                                       rarer words more; an English word the
                                       KB never uses most (the KB may not
                                       cover it); a name or brand little */
    size_t n_content;
    char *text;                /* the words searched, for the learned model */
} kbs_built_t;

/* handle.c */
/* Make sure S->db is the latest index (reopen when kb-index changed it;
 * FORCE: reopen anyway). */
kb_status_t kbs_refresh(kb_search_t *s, int force);
/* error.c */
void kbs_set_error(kb_search_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The English word list of the index (loaded on first use). */
const kb_wordlist_t *kbs_words(kb_search_t *s);

/* shards.c */
/* Open S->path's databases into OUT (kbs_shards_clear() it).  On failure
 * either *MSG is Xapian's message on a local database (caller frees) or,
 * *MSG NULL, S->err says why (a stub refused, shards that do not fit
 * together, no shard 0).  Statuses of kb_xdb_open(). */
kb_status_t kbs_shards_open(kb_search_t *s, kbs_shards_t *out /* OUT */, char **msg /* OUT */);
void kbs_shards_clear(kbs_shards_t *sh);
/* 1 when SH should be opened again: a stub file changed, or shards are
 * left out and the retry interval ($KB_REMOTE_RETRY) has passed. */
int kbs_shards_stale(const kbs_shards_t *sh);
/* Try the left-out shards again only after the retry interval from now. */
void kbs_shards_retry_later(kbs_shards_t *sh);
/* The shards left out, as the public type (*PARTIAL 1 when there are any;
 * free *OUT with kbs_missing_free()).  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbs_shards_missing(const kbs_shards_t *sh, int *partial /* OUT */,
                               kb_missing_shard_t **out /* OUT */, size_t *n /* OUT */);
void kbs_missing_free(kb_missing_shard_t *m, size_t n);

/* prepare.c */
/* 1 if W (lowercase) selects nothing: a stopword, a conversation word
 * ("hi", "fed up") or a negation ("can't": it weighs in, it does not pick
 * a topic). */
int kbs_word_is_stop(const char *w);
kb_status_t kbs_prepare(kb_search_t *s, const kb_qparsed_t *p, const kb_request_t *req,
                        kbs_prepared_t *out);
void kbs_prepared_clear(kbs_prepared_t *p);
/* The query string with the corrections applied.  Caller frees. */
char *kbs_corrected_string(const kb_qparsed_t *p, const kbs_prepared_t *prep);

/* condense.c */
/* 1 if TEXT (LEN bytes, trimmed) is searched as a paste: over
 * KB_QUERY_MAX_BYTES, or several lines read as a chat or a mail (a
 * speaker's label, a mail header, a quoted line or a sign-off). */
int kbs_is_paste(const char *text, size_t len);
/* What to search in LEN bytes of TEXT, a pasted chat or email (UTF-8,
 * normalized), with REQ's filters: *SEARCHED gets the passage searched
 * (plain words under KB_QUERY_MAX_BYTES; "" when no word is known), *PART
 * the customer's part of TEXT, a line per line, for the alerts.  Caller
 * frees both.  Index errors, KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbs_condense(kb_search_t *s, const kb_request_t *req, const char *text, size_t len,
                         char **searched /* OUT */, char **part /* OUT */);

/* build.c */
kb_status_t kbs_build(kb_search_t *s, const kbs_prepared_t *prep, int plain,
                      int corrected, kbs_built_t *out);
void kbs_built_clear(kbs_built_t *b);

/* tiers.c */
kb_status_t kbs_tiers_load(kb_search_t *s);
void kbs_tiers_clear(kbs_tiers_t *t);
const kbs_tier_t *kbs_tier_find(const kb_search_t *s, const char *id);

/* alerts.c */
/* Fill R's alerts (every warning the customer's words M raise, most urgent
 * first) and R's escalation (the first alert's path, else a tier's routing
 * trigger, else the top answer's path). */
kb_status_t kbs_alerts(kb_search_t *s, const kbs_mtext_t *m, kb_results_t *r);
/* Make the words of PREP that a frustration cue holds ("on hold for an
 * hour", "third time", "fed up") conversation words, not searched: they
 * say how the customer feels about the call, not what it is about (the
 * cue still raises its alert).  Nothing changes when they are all the
 * query has.  KB_STATUS_OUT_OF_MEMORY (PREP unchanged). */
kb_status_t kbs_drop_cue_words(kb_search_t *s, kbs_prepared_t *prep);
/* M: the words of PREP (corrected where CORRECTED), one piece per item. */
kb_status_t kbs_mtext_of_query(kb_search_t *s, const kbs_prepared_t *prep, int corrected,
                               kbs_mtext_t *m /* OUT */);
/* The path starting at tier ID; KIND and REASON describe why. */
kb_status_t kbs_escalation_path(kb_search_t *s, const char *tier_id, const char *kind,
                                const char *reason, kb_escalation_t **out);
time_t kbs_now(const kb_search_t *s);

/* model.c */
/* The words of PREP (corrected where CORRECTED), excluded ones left out,
 * as one string for the learned model.  Caller frees; NULL when out of
 * memory. */
char *kbs_model_text(const kbs_prepared_t *prep, int corrected);
/* Forget the loaded model (the index changed). */
void kbs_model_forget(kb_search_t *s);
/* What the learned model says of the N candidates of M (each an
 * article's best document): RANK[i], candidate i's rank weight, is raised
 * for the article the model is sure of, which then comes first;
 * *FIRST is that candidate (-1: none).  Nothing changes when the index
 * has no model.  Index errors, KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbs_model_rerank(kb_search_t *s, const kbs_built_t *built, kb_xmset_t *m,
                             unsigned n, double *rank, int *first /* OUT */);

/* collect.c */
/* Run BUILT for REQ and fill R's hits (LIMIT of them) and total. */
kb_status_t kbs_fetch(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                      unsigned limit, kb_results_t *r);
/* kbs_fetch() of the first answer only, with the evidence its confidence
 * is made of (0..1; 0 when nothing matches) in *EVIDENCE: comparable
 * between texts of different length, as the confidence is not. */
kb_status_t kbs_fetch_evidence(kb_search_t *s, const kbs_built_t *built, const kb_request_t *req,
                               kb_results_t *r, double *evidence /* OUT */);
/* The first document holding PREFIX + VALUE.  KB_STATUS_NOT_FOUND if none. */
kb_status_t kbs_first_doc(kb_search_t *s, const char *prefix, const char *value,
                          kb_xdoc_t **doc /* OUT */);
/* Collapse on the article id and rank with kb's BM25 parameters (does
 * nothing when *ST is already a failure). */
void kbs_set_weighting(kb_xenquire_t *enq, kb_status_t *st);

/* run.c */
/* 1 for the failures a reopen may cure (the index changed under us). */
int kbs_retryable(kb_status_t st);
/* Empty results for query Q (kept trimmed); NULL when out of memory. */
kb_results_t *kbs_new_results(const char *q);

/* snippet.c */
/* Turn Xapian's snippet (HTML-escaped, with \x01 ... \x02 around matches)
 * into plain text and highlight offsets.  Caller frees *TEXT and *HL. */
kb_status_t kbs_snippet_clean(const char *raw, char **text, kb_highlight_t **hl,
                              size_t *n_hl);

/* hidden.c */
/* B's query without draft and archived articles, unless DRAFTS. */
kb_status_t kbs_hide_unpublished(kbs_built_t *b, int drafts);

/* pins.c */
/* Put the article pinned to the query's words first in R, marked pinned
 * (the first page only; not for the plain baseline).  PREP and BUILT are
 * the query as searched, CORRECTED whether spelling was applied. */
kb_status_t kbs_pins_apply(kb_search_t *s, const kb_request_t *req, const kbs_prepared_t *prep,
                           const kbs_built_t *built, int corrected, unsigned limit,
                           kb_results_t *r);
/* Forget the pins read (handle.c, which frees the handle). */
void kbs_pins_clear(kb_search_t *s);

/* results.c */
void kbs_hit_clear(kb_hit_t *h);
/* Move SEC's fields into H (SEC is left empty); *TEXT gets the section
 * text (caller frees). */
void kbs_hit_take_section(kb_hit_t *h, kb_schema_section_t *sec, char **text);

#endif
