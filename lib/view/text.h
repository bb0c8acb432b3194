/* text.h - what the view layer's files share about untrusted text (the
 * public side is kb/terminal.h). */
#ifndef KB_VIEW_TEXT_H
#define KB_VIEW_TEXT_H

#include <stddef.h>

#include "base/buf.h"
#include "kb/terminal.h"

/* Append LEN bytes of untrusted S to B: control characters (C0, DEL, C1)
 * and invalid UTF-8 as '?', tabs and newlines as spaces, carriage returns
 * dropped.  The one cleaner behind every terminal output of kb. */
void kbv_clean(kb_buf_t *b, const char *s, size_t len);
/* The same for a NUL-terminated S (NULL adds nothing). */
void kbv_cleans(kb_buf_t *b, const char *s);
/* Word-wrap TEXT into B (kb_term_wrap() without the allocation). */
void kbv_wrap(kb_buf_t *b, const char *text, const kb_wrap_t *w);

#endif
