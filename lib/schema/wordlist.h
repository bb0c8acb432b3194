/* wordlist.h - the English word list kept in the index.  Spelling
 * correction must not "correct" an ordinary word the knowledge base happens
 * not to use ("tonight" into "night", "France" into "franc").  kb-index
 * stores the list (Debian's wbritish) in the index's metadata, sorted,
 * lowercase, one word per line (KB_META_WORDS); a reader loads it the first
 * time a query holds a word the index does not know, and searches it by
 * bisection. */
#ifndef KB_SCHEMA_WORDLIST_H
#define KB_SCHEMA_WORDLIST_H

#include <stddef.h>

#include "kb/status.h"
#include "xapian/xapian.h"

/* The word list: $KB_DICT, else Debian's wbritish list.  "none" turns the
 * check off.  Store it in the writable DB when it changed since the last run
 * (or FORCE); a missing list stores an empty one.  *CHANGED is set when the
 * index was written. */
kb_status_t kb_wordlist_store(kb_xdb_t *db, int force, int *changed /* OUT */);

typedef struct kb_wordlist {
    char *blob;      /* the stored list, its newlines made NULs */
    char **at;       /* the words, sorted */
    size_t n;
} kb_wordlist_t;

/* Load the list stored in DB into *OUT (an empty list when there is none
 * or it cannot be read: spelling then corrects more, nothing fails).
 * Release with kb_wordlist_clear(). */
void kb_wordlist_load(kb_xdb_t *db, kb_wordlist_t *out /* OUT */);
void kb_wordlist_clear(kb_wordlist_t *w);
/* 1 if WORD (lowercase) is on the list. */
int kb_wordlist_has(const kb_wordlist_t *w, const char *word);

#endif
