/* triggers.h - matching editors' trigger phrases against what the customer
 * said, the way people talk: each word stemmed ("scammed" is "scam"),
 * contractions read out ("didn't" is "did not"), the words in order but
 * with a few others allowed between them ("told me to move all my money"
 * matches the trigger "told me move money"). */
#ifndef KB_QUERY_TRIGGERS_H
#define KB_QUERY_TRIGGERS_H

#include <stddef.h>

#include "kb/status.h"
#include "xapian/xapian.h"

/* Other words allowed between two words of a trigger. */
#define KBS_TRIGGER_GAP 3

/* A trigger, compiled: its words in the matcher's form. */
typedef struct kbs_pattern {
    char *text;     /* as the editor wrote it */
    char **w;
    size_t n;
} kbs_pattern_t;

/* A text in the matcher's form: its words, each with the piece of text it
 * belongs to (a trigger never spans two pieces: two items of a query, two
 * lines of a pasted chat) and the index of the original word. */
typedef struct kbs_mtext {
    char **w;
    size_t *piece;
    size_t *word;   /* index into ORIG */
    size_t n;
    char **orig;    /* the original words, as typed */
    size_t n_orig;
} kbs_mtext_t;

/* Compile TEXT.  A trigger with no word gives N == 0 (it never matches). */
kb_status_t kbs_pattern_compile(kb_xstem_t *stem, const char *text, kbs_pattern_t *out /* OUT */);
void kbs_pattern_clear(kbs_pattern_t *p);

/* Start an empty text; add words one by one (PIECE: see above). */
void kbs_mtext_init(kbs_mtext_t *m);
kb_status_t kbs_mtext_add(kbs_mtext_t *m, kb_xstem_t *stem, const char *word, size_t piece);
/* Every word of LEN bytes of TEXT, a new piece at each line break. */
kb_status_t kbs_mtext_add_text(kbs_mtext_t *m, kb_xstem_t *stem, const char *text, size_t len,
                               size_t piece);
void kbs_mtext_clear(kbs_mtext_t *m);

/* 1 if P matches in M; *FIRST and *LAST (may be NULL) are the indexes of
 * the first and last original words of the match. */
int kbs_pattern_match(const kbs_pattern_t *p, const kbs_mtext_t *m, size_t *first, size_t *last);

/* The original words FIRST..LAST of M joined by spaces; caller frees. */
char *kbs_mtext_words(const kbs_mtext_t *m, size_t first, size_t last);

#endif
