/* strmap.h - a string-to-string hash map (open addressing), for the
 * indexer's file records and id map and the search's caches. */
#ifndef KB_STRMAP_H
#define KB_STRMAP_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct kb_strmap kb_strmap_t;

kb_status_t kb_strmap_new(kb_strmap_t **out /* OUT */);
void kb_strmap_free(kb_strmap_t *m);
/* Set KEY to VALUE (both copied; VALUE may be NULL to store a key only). */
kb_status_t kb_strmap_set(kb_strmap_t *m, const char *key, const char *value);
/* The value of KEY (borrowed, valid until KEY is set again or removed), or
 * NULL if absent; *FOUND (may be NULL) tells absent from a NULL value. */
const char *kb_strmap_get(const kb_strmap_t *m, const char *key, int *found);
/* Remove KEY; absent is not an error. */
void kb_strmap_remove(kb_strmap_t *m, const char *key);
size_t kb_strmap_count(const kb_strmap_t *m);
/* Iterate: start with *POS = 0; returns 0 when done.  Removing the entry
 * just returned is allowed; other changes during iteration are not. */
int kb_strmap_next(const kb_strmap_t *m, size_t *pos, const char **key,
                          const char **value);

#ifdef __cplusplus
}
#endif

#endif
