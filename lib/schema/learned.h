/* learned.h - the learned phrasings of a KB: how customers put a question
 * when an article answered it, learned from officers' marks and resolved
 * calls by kb-index --learn, kept for editors to read, edit and reject.
 *
 * One file per article, KB_DIR/_learned/ID.txt (the folder holds no
 * articles: only *.md files are), UTF-8 text:
 *
 *     # comment lines start with '#'; blank lines are ignored
 *     + ordered a card two weeks ago nothing came | 4 marks, last 2026-12-01
 *     - card eaten by the machine | rejected
 *
 * A "+" line is a phrasing the next kb-index indexes as one of the
 * article's phrasings, weighted below the editors' own questions; a "-"
 * line is rejected: kb-index --learn never learns it again, for this
 * article.  What follows " | " is kb-index --learn's note (marks, the
 * last one's date) and may be left out.  Editors may edit, add, delete or
 * reject lines by hand; kb-index --learn keeps what they did.
 */
#ifndef KB_SCHEMA_LEARNED_H
#define KB_SCHEMA_LEARNED_H

#include <stddef.h>

#include "kb/status.h"

#define KB_LEARNED_DIR "_learned"
/* Learned phrasings indexed per article, at most (the first in the file;
 * kb-index --learn keeps the best supported first). */
#define KB_LEARNED_MAX 200
/* Longest phrasing kept, in bytes. */
#define KB_LEARNED_MAX_TEXT 300
/* Largest learned file read, in bytes. */
#define KB_LEARNED_MAX_FILE (4u << 20)

typedef struct kb_learned_line {
    int rejected;       /* a "-" line */
    char *text;
    unsigned marks;     /* from the note; 0 when there is none */
    char last[11];      /* "YYYY-MM-DD" from the note, or "" */
} kb_learned_line_t;

typedef struct kb_learned_file {
    kb_learned_line_t *lines;
    size_t n, cap;
    unsigned bad;       /* lines that are neither comment, "+" nor "-" */
} kb_learned_file_t;

/* Parse LEN bytes of DATA into OUT (which must be zeroed or cleared).
 * Lines that cannot be read are counted in OUT->bad and skipped.
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_learned_parse(const char *data, size_t len, kb_learned_file_t *out);

/* Append a line to F (TEXT copied).  0 when out of memory. */
int kb_learned_add(kb_learned_file_t *f, int rejected, const char *text, unsigned marks,
                   const char *last);

/* The file for article ID (TITLE, for the heading comment; may be NULL):
 * the heading, then F's lines.  Caller frees; NULL when out of memory. */
char *kb_learned_format(const kb_learned_file_t *f, const char *id, const char *title);

void kb_learned_clear(kb_learned_file_t *f);

/* 1 if NAME is a learned file's name ("ID.txt" with a valid article id);
 * *ID_LEN is the id's length. */
int kb_learned_file_name(const char *name, size_t *id_len);

#endif
