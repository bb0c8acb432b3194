/* edits.h - how far apart two short words are: the typo distance used to
 * say "did you mean" (a misspelled front-matter key) and to tell a typo
 * from a name or brand in a query. */
#ifndef KB_BASE_EDITS_H
#define KB_BASE_EDITS_H

/* Edits (insert, delete, change, swap two neighbours) from A to B, counted
 * up to 3 (3 also for words over 40 bytes); bytes compared as they are, or
 * ASCII letters case-folded when FOLD.  A and B are NUL-terminated. */
unsigned kb_edits(const char *a, const char *b, int fold);

#endif
