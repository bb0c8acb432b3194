/* util.h - small shared helpers: growable buffers, UTF-8, files, hashing,
 * time, and the default locations kb uses.
 *
 * Nothing here prints.  Functions returning kb_status_t set their
 * out-parameters to NULL/0 on failure.
 */
#ifndef KB_UTIL_H
#define KB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- */
/* Growable byte buffer, always NUL-terminated.                       */

typedef struct kb_buf {
    char *data;   /* NULL until something is added; then NUL-terminated */
    size_t len;
    size_t cap;
    int oom;      /* sticky: set once an allocation failed */
} kb_buf_t;

#define KB_BUF_INIT {NULL, 0, 0, 0}

/* Append LEN bytes / a string / a byte / formatted text.  On allocation
 * failure the buffer keeps what it had and B->oom becomes 1, so a chain of
 * appends needs one check at the end (SQLite's sticky status). */
KB_API void kb_buf_add(kb_buf_t *b, const char *s, size_t len);
KB_API void kb_buf_adds(kb_buf_t *b, const char *s);
KB_API void kb_buf_addc(kb_buf_t *b, char c);
KB_API void kb_buf_printf(kb_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
KB_API void kb_buf_vprintf(kb_buf_t *b, const char *fmt, va_list ap);
/* Make B empty, keeping its memory. */
KB_API void kb_buf_clear(kb_buf_t *b);
/* Hand the contents to the caller (who frees them; never NULL unless out
 * of memory) and reset B. */
KB_API char *kb_buf_take(kb_buf_t *b);
KB_API void kb_buf_free(kb_buf_t *b);

/* ---------------------------------------------------------------- */
/* String lists                                                       */

typedef struct kb_strlist {
    char **items;
    size_t n;
    size_t cap;   /* allocated items (grows by doubling) */
} kb_strlist_t;

/* Append a copy of LEN bytes of S; returns 0 on allocation failure (the
 * list is unchanged). */
KB_API int kb_strlist_push(kb_strlist_t *l, const char *s, size_t len);
/* Free every item and empty the list. */
KB_API void kb_strlist_clear(kb_strlist_t *l);
/* 1 if the list holds S. */
KB_API int kb_strlist_has(const kb_strlist_t *l, const char *s);

/* ---------------------------------------------------------------- */
/* Strings and UTF-8                                                  */

/* malloc'd copies; NULL on allocation failure (or if S is NULL). */
KB_API char *kb_strdup(const char *s);
KB_API char *kb_strndup(const char *s, size_t n);

/* 1 if LEN bytes of S are valid UTF-8 (no NUL bytes, no overlongs, no
 * surrogates); otherwise 0 and *BAD (may be NULL) is the offset of the first
 * bad byte. */
KB_API int kb_utf8_valid(const char *s, size_t len, size_t *bad);
/* Length of the longest prefix of S (at most MAX bytes) that does not cut a
 * UTF-8 sequence. */
KB_API size_t kb_utf8_prefix(const char *s, size_t len, size_t max);
/* Number of code points in LEN bytes. */
KB_API size_t kb_utf8_length(const char *s, size_t len);
/* Terminal columns of LEN bytes: East Asian wide characters count 2,
 * combining marks and zero-width characters 0, others 1. */
KB_API size_t kb_utf8_width(const char *s, size_t len);
/* Decode the UTF-8 sequence at S (at most LEN bytes) into *CP; returns its
 * length (1 for an invalid byte, decoded as U+FFFD). */
KB_API size_t kb_utf8_decode(const char *s, size_t len, unsigned *cp);
/* Terminal columns of code point CP (0, 1 or 2). */
KB_API int kb_unicode_width(unsigned cp);
/* Lowercase ASCII letters in place (UTF-8 safe: other bytes unchanged). */
KB_API void kb_ascii_lower(char *s);
/* 1 if S is a valid article id: lowercase kebab-case [a-z0-9]+(-[a-z0-9]+)*,
 * at most 128 bytes. */
KB_API int kb_id_valid(const char *s);

/* ---------------------------------------------------------------- */
/* Files                                                              */

/* Read the whole file PATH into *DATA (malloc'd, NUL-terminated, caller
 * frees) and *LEN.  KB_STATUS_TOO_LARGE if it is over MAX bytes (then *LEN is
 * the file size), KB_STATUS_FILE_ERROR otherwise (errno kept). */
KB_API kb_status_t kb_file_read(const char *path, size_t max, char **data /* OUT */,
                                size_t *len /* OUT */);
/* Write LEN bytes to PATH atomically: a temporary file in the same
 * directory, fsync, rename, fsync of the directory.  MODE for new files. */
KB_API kb_status_t kb_file_write_atomic(const char *path, const char *data, size_t len,
                                        unsigned mode);
/* mkdir -p with MODE for the directories it creates. */
KB_API kb_status_t kb_mkdir_p(const char *path, unsigned mode);
/* rm -rf PATH (does not follow symlinks). */
KB_API kb_status_t kb_remove_tree(const char *path);

/* ---------------------------------------------------------------- */
/* Hashing and time                                                   */

/* 64-bit FNV-1a of LEN bytes. */
KB_API uint64_t kb_hash64(const void *data, size_t len);
/* Monotonic time in milliseconds (fractional). */
KB_API double kb_now_ms(void);

/* ---------------------------------------------------------------- */
/* Default locations (DESIGN.md section 5)                            */

/* The index path: $KB_DB, else $XDG_DATA_HOME/kb/index, else
 * ~/.local/share/kb/index.  Caller frees; NULL if HOME is unset too. */
KB_API char *kb_default_db_path(void);
/* The state directory: $XDG_STATE_HOME/kb, else ~/.local/state/kb.
 * Caller frees. */
KB_API char *kb_default_state_dir(void);

#ifdef __cplusplus
}
#endif

#endif
