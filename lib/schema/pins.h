/* pins.h - pinned answers and the words key they are matched by.
 *
 * kb/pins.txt pins an article to a customer phrase ("lost my card ->
 * card-lost-stolen"): a query that says the same puts that article first,
 * marked pinned.  "The same" is decided on the words key of both: the
 * words as search sees them (folded, tokenized, stemmed, shorthand read as
 * the word it stands for, stopwords and conversation words dropped),
 * synonyms replaced by their group, sorted, without repeats.  kb-index
 * stores the pins and the synonym groups they need in the index (metadata
 * KB_META_PINS, schema.h); the query pipeline (lib/query/pins.c) computes
 * the query's key with the same function, on the words it searched
 * (spelling corrected).
 */
#ifndef KB_SCHEMA_PINS_H
#define KB_SCHEMA_PINS_H

#include <stddef.h>

#include "base/strmap.h"
#include "kb/status.h"
#include "xapian/xapian.h"

/* Longest synonym item, in words, the key looks for. */
#define KB_PIN_SPAN_MAX 4

/* The words key of TEXT (see above).  SYN maps a synonym item's stem key
 * (kb_text_stem_key with a stemmer: "top up") to its group's name; NULL:
 * no synonyms.  *KEY is malloc'd (caller frees); "" when TEXT has no word
 * that counts.  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_schema_words_key(kb_xstem_t *stem, const char *text, const kb_strmap_t *syn,
                                char **key /* OUT */);

typedef struct kb_schema_pin {
    char *phrase;          /* as written in pins.txt */
    char *id;              /* the article pinned */
    int line;              /* its line in pins.txt */
    char *key;             /* kb_schema_words_key of PHRASE */
} kb_schema_pin_t;

typedef struct kb_schema_pins {
    kb_schema_pin_t *items;
    size_t n;
    kb_strmap_t *syn;      /* synonym item stem key -> group name */
} kb_schema_pins_t;

/* JSON for KB_META_PINS; caller frees, NULL when out of memory. */
char *kb_schema_pins_encode(const kb_schema_pins_t *p);
/* Fill OUT from LEN bytes of DATA.  KB_STATUS_DB_CORRUPT,
 * KB_STATUS_OUT_OF_MEMORY (OUT is then empty). */
kb_status_t kb_schema_pins_decode(const char *data, size_t len, kb_schema_pins_t *out /* OUT */);
void kb_schema_pins_clear(kb_schema_pins_t *p);
/* Add a pin to P (copies).  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_schema_pins_add(kb_schema_pins_t *p, const char *phrase, const char *id, int line,
                               const char *key);

#endif
