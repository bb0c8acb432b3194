/* render.h - articles for a terminal: the Markdown body of an article as
 * wrapped text with optional ANSI styling, the article view that
 * kb-search --show and the assistant's :open both print, and the
 * escalation path view.
 *
 * Usage:
 *
 *     kb_render_opts_t opts = {.width = 80, .color = isatty(1) && !getenv("NO_COLOR")};
 *     char *text;
 *     if (kb_render_markdown(body, strlen(body), &opts, &text) == KB_STATUS_SUCCESS) {
 *         fputs(text, stdout);
 *         free(text);
 *     }
 *
 * The Markdown is untrusted: whatever it contains, the output holds no
 * control character but newline (and, in colour mode, the escape sequences
 * the renderer writes itself), and nesting depth costs heap, not stack.
 */
#ifndef KB_RENDER_H
#define KB_RENDER_H

#include <stddef.h>

#include "kb/article.h"
#include "kb/search.h"
#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- */
/* Rendering                                                          */

/* Widths below this are raised to it; above KB_RENDER_MAX_WIDTH lowered. */
#define KB_RENDER_MIN_WIDTH 20
#define KB_RENDER_MAX_WIDTH 1000
#define KB_RENDER_DEFAULT_WIDTH 80

typedef struct kb_render_opts {
    int width;   /* wrap at this many columns (>= 20; <= 0 means 80) */
    int color;   /* 1: ANSI bold/underline/colour escapes; 0: plain text only */
} kb_render_opts_t;

/* Render LEN bytes of Markdown MD (CommonMark, need not be NUL-terminated)
 * for a terminal OPTS->width columns wide.
 *
 * Every output line ends with '\n'; columns are counted as code points.
 * Paragraphs, headings and block quotes are word-wrapped (a word wider
 * than the line gets a line of its own, never cut); code blocks are
 * indented by four spaces and not wrapped; lists are marked "• " ("- "
 * without colour) or "N. ", nested lists are indented under their item;
 * block quotes are marked "│ " ("> "); links show as "text (url)", or
 * "text [id]" when they point to another article ("kb:id", "id.md");
 * images as links to their source.  Raw HTML is dropped.  Control
 * characters in the input become '?'.  Containers nested deeper than half
 * the width stop indenting further.  With OPTS->color 0 the output is
 * plain text with no escape sequence at all.
 *
 * OPTS may be NULL (width 80, no colour).  MD may be NULL when LEN is 0.
 *
 * Returns KB_STATUS_SUCCESS with *OUT a malloc'd NUL-terminated string
 * (caller frees; "" for an empty document), KB_STATUS_BAD_ARGUMENT if OUT
 * is NULL or MD is NULL with LEN > 0, KB_STATUS_OUT_OF_MEMORY.  On failure
 * *OUT (if OUT is not NULL) is NULL. */
KB_API kb_status_t kb_render_markdown(const char *md, size_t len, const kb_render_opts_t *opts,
                                      char **out /* OUT */);

/* ---------------------------------------------------------------- */
/* Views                                                              */

/* The escalation path E as an officer reads it: HEADING (NULL: "Escalation
 * path"), E's reason as a sentence when WITH_REASON, then each tier with
 * its title and id, OPEN NOW / CLOSED NOW (opens ...) / HOURS UNKNOWN, and
 * its contact, hours and SLA; then the advice and the guidance article to
 * read first.  Every string from the index is cleaned.  Returns a malloc'd
 * string (caller frees), NULL when E is NULL or out of memory. */
KB_API char *kb_render_path(const kb_escalation_t *e, const char *heading, int with_reason,
                            const kb_render_opts_t *opts);

/* The article view: the title, "[category] id  path", "draft: not shown
 * to officers" when A is not published, "Best section for
 * the question: SECTION" when SECTION is not NULL or "", the rendered
 * body, and the escalation path E (may be NULL).  Caller frees; NULL when
 * A is NULL or out of memory. */
KB_API char *kb_render_article(const kb_article_t *a, const char *section,
                               const kb_escalation_t *e, const kb_render_opts_t *opts);

#ifdef __cplusplus
}
#endif

#endif
