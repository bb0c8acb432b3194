/* buf.h - growable buffers, string lists, string copies and hashing.
 *
 * Nothing here prints.  Allocation failures are reported, never fatal. */
#ifndef KB_BASE_BUF_H
#define KB_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kb/status.h"

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
void kb_buf_add(kb_buf_t *b, const char *s, size_t len);
void kb_buf_adds(kb_buf_t *b, const char *s);
void kb_buf_addc(kb_buf_t *b, char c);
void kb_buf_printf(kb_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void kb_buf_vprintf(kb_buf_t *b, const char *fmt, va_list ap);
/* Make B empty, keeping its memory. */
void kb_buf_clear(kb_buf_t *b);
/* Hand the contents to the caller (who frees them; never NULL unless out
 * of memory) and reset B. */
char *kb_buf_take(kb_buf_t *b);
void kb_buf_free(kb_buf_t *b);
/* The end of a call that fails with a message: the formatted text in
 * *MESSAGE (caller frees; NULL when out of memory), and ST returned. */
kb_status_t kb_fail_message(char **message, kb_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---------------------------------------------------------------- */
/* String lists                                                       */

typedef struct kb_strlist {
    char **items;
    size_t n;
    size_t cap;   /* allocated items (grows by doubling) */
} kb_strlist_t;

/* Append a copy of LEN bytes of S; returns 0 on allocation failure (the
 * list is unchanged). */
int kb_strlist_push(kb_strlist_t *l, const char *s, size_t len);
/* Free every item and empty the list. */
void kb_strlist_clear(kb_strlist_t *l);
/* 1 if the list holds S. */
int kb_strlist_has(const kb_strlist_t *l, const char *s);

/* Plain string arrays (what public structs hold: char **v, size_t n).
 * Append a copy of LEN bytes of S to *V, which holds *N strings (grown by
 * doubling); 0 on allocation failure (nothing changes). */
int kb_strv_push(char ***v, size_t *n, const char *s, size_t len);
/* Free the N strings of V and V itself.  V may be NULL. */
void kb_strv_free(char **v, size_t n);

/* ---------------------------------------------------------------- */
/* Strings                                                            */

/* malloc'd copies; NULL on allocation failure (or if S is NULL). */
char *kb_strdup(const char *s);
char *kb_strndup(const char *s, size_t n);

/* Lowercase ASCII letters in place (UTF-8 safe: other bytes unchanged). */
void kb_ascii_lower(char *s);
/* ---------------------------------------------------------------- */
/* Hashing                                                            */

/* 64-bit FNV-1a of LEN bytes. */
uint64_t kb_hash64(const void *data, size_t len);

#endif
