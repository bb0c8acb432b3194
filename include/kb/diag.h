/* diag.h - diagnostics: the warnings and errors found in articles.
 *
 * The parser, the indexer and lint collect diagnostics here instead of
 * printing; the program prints them as "path:line: message".
 */
#ifndef KB_DIAG_H
#define KB_DIAG_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kb_diag_level {
    KB_DIAG_WARNING = 0,
    KB_DIAG_ERROR
} kb_diag_level_t;

typedef struct kb_diag {
    kb_diag_level_t level;
    char *path;     /* file the diagnostic is about, or "" */
    int line;       /* 1-based line, or 0 when it is about the whole file */
    char *message;
} kb_diag_t;

typedef struct kb_diags kb_diags_t;

/* A new empty list; the caller frees it with kb_diags_free(). */
KB_API kb_status_t kb_diags_new(kb_diags_t **out /* OUT */);
KB_API void kb_diags_free(kb_diags_t *d);

/* Add a diagnostic (the message is formatted and copied).  Allocation
 * failures are remembered and reported by kb_diags_oom(); adding never
 * fails loudly, so callers deep in a parser need not check.  D may be NULL
 * (the diagnostic is dropped). */
KB_API void kb_diags_add(kb_diags_t *d, kb_diag_level_t level, const char *path,
                         int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Append every diagnostic of SRC to D (copies). */
KB_API void kb_diags_extend(kb_diags_t *d, const kb_diags_t *src);
/* Remove every diagnostic. */
KB_API void kb_diags_clear(kb_diags_t *d);

KB_API size_t kb_diags_count(const kb_diags_t *d);
/* Borrowed; valid until D is changed or freed. */
KB_API const kb_diag_t *kb_diags_get(const kb_diags_t *d, size_t i);
KB_API size_t kb_diags_errors(const kb_diags_t *d);
KB_API size_t kb_diags_warnings(const kb_diags_t *d);
KB_API int kb_diags_oom(const kb_diags_t *d);
/* Sort by path, then line (stable). */
KB_API void kb_diags_sort(kb_diags_t *d);

#ifdef __cplusplus
}
#endif

#endif
