/* text.h - words as kb sees them: tokens, stems and stopwords, shared by the
 * indexer (synonyms, spelling data) and the query pipeline (queries,
 * escalation triggers), so both sides agree on what a word is.
 */
#ifndef KB_TEXT_H
#define KB_TEXT_H

#include <stddef.h>

#include "kb/status.h"
#include "xapian/xapian.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The English stemmer kb indexes and searches with: Snowball's, with the
 * few words it conflates wrongly kept apart.  Caller frees with
 * kb_xstem_free(). */
kb_status_t kb_text_stemmer(kb_xstem_t **out /* OUT */);

/* The English stopwords kb ignores in queries, NULL-terminated. */
const char *const *kb_text_stopwords(void);
/* 1 if WORD (lowercase) is a stopword. */
int kb_text_is_stopword(const char *word);
/* 1 if WORD (lowercase) carries the conversation, not the topic (hi,
 * wondering, fed up, ridiculous): a query treats it as a stopword. */
int kb_text_is_filler(const char *word);
/* The word chat shorthand WORD (lowercase) stands for ("acct": "account",
 * "nite": "night"), or NULL.  Static. */
const char *kb_text_slang(const char *word);

typedef struct kb_tokens {
    char **words;   /* lowercased words, as the index holds them */
    char **stems;   /* their stems ("" when STEM was NULL) */
    unsigned *pos;  /* 1-based positions */
    size_t n;
} kb_tokens_t;

/* Split LEN bytes of TEXT into words (kb_xtokenize) and stem each with STEM
 * (may be NULL).  Caller frees with kb_tokens_free().  Returns
 * KB_STATUS_SUCCESS or KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_text_tokens(kb_xstem_t *stem, const char *text, size_t len,
                                  kb_tokens_t *out /* OUT */);
void kb_tokens_free(kb_tokens_t *t);

/* The stems of TEXT's words joined by single spaces ("topping up" -> "top
 * up"): the key kb uses for synonyms and triggers.  Caller frees; "" when
 * TEXT has no words. */
kb_status_t kb_text_stem_key(kb_xstem_t *stem, const char *text,
                                    char **key /* OUT */);

/* 1 if WORD should be in the spelling data: at least 3 bytes, no digits,
 * not starting with an uppercase prefix letter. */
int kb_text_spelling_word(const char *word, size_t len);

#ifdef __cplusplus
}
#endif

#endif
