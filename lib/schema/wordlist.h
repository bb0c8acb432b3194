/* dictionary.h - the English word list kept in the index (internal to
 * libkb).  Spelling correction must not "correct" an ordinary word the
 * knowledge base happens not to use ("tonight" into "night"); the search
 * asks the index whether a word is on the list, which costs one lookup. */
#ifndef KB_INDEXER_DICTIONARY_H
#define KB_INDEXER_DICTIONARY_H

#include "kb/status.h"
#include "xapian/xapian.h"

/* The word list: $KB_DICT, else Debian's wbritish list.  "none" turns the
 * check off.  Store it in the writable DB when it changed since the last run
 * (or FORCE); a missing list stores an empty one.  *CHANGED is set when the
 * index was written. */
kb_status_t kbi_dictionary_apply(kb_xdb_t *db, int force, int *changed);

#endif
