/* markdown.h - what the Markdown renderer's files share (render.c walks
 * cmark's tree; lines.c writes wrapped, prefixed, styled output lines). */
#ifndef KB_VIEW_MARKDOWN_H
#define KB_VIEW_MARKDOWN_H

#include <cmark.h>
#include <stddef.h>

#include "base/buf.h"

/* ---------------------------------------------------------------- */
/* Styles                                                             */

/* A style is a small bit set: three attributes and a colour index.  In the
 * paragraph buffer a change of style is MARK followed by '@' + style, a
 * byte in 0x40..0x7F, so a marker never looks like a space or a newline. */
#define MARK '\x01'
#define ST_BOLD 1u
#define ST_ITALIC 2u
#define ST_UNDER 4u
#define ST_COLOUR(c) ((unsigned)(c) << 3)
#define ST_COLOUR_OF(s) (((s) >> 3) & 7u)
enum { COL_NONE, COL_CYAN, COL_BLUE, COL_MAGENTA, COL_GREY, COL_COUNT };

static const char *const colour_sgr[COL_COUNT] = {"", ";36", ";34", ";35", ";90"};

/* ---------------------------------------------------------------- */
/* Renderer state                                                     */

/* An open container.  Lists contribute nothing to the prefix but carry the
 * numbering and tightness their items need. */
typedef struct entry {
    cmark_node_type type;   /* CMARK_NODE_BLOCK_QUOTE, _LIST or _ITEM */
    int visible;            /* contributes to the prefix (not past the cap) */
    int started;            /* a line has been written inside it */
    int pending;            /* item: the marker is still to be written */
    int tight;              /* list, item: no blank lines between blocks */
    int width;              /* columns added to the prefix */
    char marker[32];        /* item: "• ", "- ", "12. " */
    long long next;         /* list: the number of its next item */
    int ordered;
    char delim;             /* list: '.' or ')' */
    int numw;               /* list: digits of its largest number */
} entry_t;

/* Nested links (a link inside an image's description) whose text is
 * remembered for the "show it once" check; deeper ones are just shown. */
#define LINK_DEPTH 16

typedef struct render {
    kb_buf_t out;
    int width;
    int color;
    int max_indent;         /* containers stop indenting past this column */

    entry_t *stack;
    size_t n, cap;
    size_t nvis;            /* the visible entries are stack[0..nvis) */
    int prefix_w;           /* columns of the visible prefix */
    char hidden[32];        /* marker of an item past the cap, to write inline */
    int oom;

    /* Current output line. */
    unsigned style;         /* style in effect in the output */
    int line_open;
    size_t col;             /* columns written after the prefix */
    int any_output;
    int want_blank;         /* a blank line goes before the next line */

    /* Inline content of the paragraph or heading being collected. */
    kb_buf_t para;
    unsigned base;          /* the block's own style (headings) */
    unsigned pstyle;        /* style at the end of PARA */
    int emph, strong, link;
    int code_on, url_on;
    int in_heading;
    int table;              /* a pipe table: keep its line breaks */
    int link_depth;
    size_t link_start[LINK_DEPTH];
    unsigned link_style[LINK_DEPTH];
} render_t;

unsigned kbr_heading_style(int level);
size_t kbr_run_width(const char *s, size_t n);
int kbr_run_equals(const char *s, size_t n, const char *t);
entry_t *kbr_push(render_t *r, cmark_node_type type, int width);
void kbr_pop(render_t *r);
entry_t *kbr_top(render_t *r);
int kbr_top_tight(render_t *r);
void kbr_add_spaces(kb_buf_t *b, int n);
void kbr_line_begin(render_t *r);
void kbr_line_end(render_t *r);
size_t kbr_wrap(render_t *r, const char *s, size_t n);

#endif
