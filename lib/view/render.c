/* render.c - Markdown articles for a terminal.
 *
 * cmark parses; this file walks its tree with cmark's iterator, which is not
 * recursive, so a document nested ten thousand levels deep costs heap (the
 * container stack below) and never C stack.
 *
 * The renderer is line-oriented.  Open containers (block quotes, lists,
 * list items) sit on a stack; each output line starts with their prefixes
 * ("│ ", an item's marker on its first line and spaces of the same width on
 * the next ones).  Leaf blocks write lines under that prefix: paragraphs
 * and headings are first collected into a buffer of words, with style
 * changes recorded as two-byte markers, and then wrapped.  Keeping the
 * styles as markers rather than escape sequences lets the wrapper count
 * columns, and close every style at the end of a line and reopen it on the
 * next one, so a prefix or a pager never inherits a colour.
 *
 * Everything that comes from the article goes through kbv_clean(), which
 * lets no control character through: the text is untrusted and the output
 * goes to a terminal.
 */
#include "kb/render.h"

#include <cmark.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/article.h"
#include "schema/ids.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "markdown.h"
#include "text.h"

/* ---------------------------------------------------------------- */
/* Inline content                                                     */

static void pb_restyle(render_t *r)
{
    if (!r->color)
        return;
    unsigned st = r->base;
    if (r->strong)
        st |= ST_BOLD;
    if (r->emph)
        st |= ST_ITALIC;
    if (r->link)
        st |= ST_UNDER;
    if (r->url_on)
        st = (st & ~ST_COLOUR(7) & ~ST_UNDER) | ST_COLOUR(COL_BLUE);
    if (r->code_on)
        st = (st & ~ST_COLOUR(7)) | ST_COLOUR(COL_CYAN);
    if (st == r->pstyle)
        return;
    kb_buf_t *b = &r->para;
    if (b->len >= 2 && b->data[b->len - 2] == MARK) {
        /* The last change has no text after it: replace it. */
        b->data[b->len - 1] = (char)(0x40 + st);
    } else {
        char m[2] = {MARK, (char)(0x40 + st)};
        kb_buf_add(b, m, 2);
    }
    r->pstyle = st;
}

/* A paragraph whose every line starts with '|' is a pipe table (not
 * CommonMark): its line breaks are kept so the rows stay rows. */
static int is_table(cmark_node *para)
{
    int line_start = 1, lines = 0;
    for (cmark_node *c = cmark_node_first_child(para); c; c = cmark_node_next(c)) {
        cmark_node_type t = cmark_node_get_type(c);
        if (line_start) {
            const char *lit = t == CMARK_NODE_TEXT ? cmark_node_get_literal(c) : NULL;
            if (!lit || lit[strspn(lit, " ")] != '|')
                return 0;
            lines++;
        }
        line_start = t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK;
    }
    return lines >= 2;
}

static void block_begin(render_t *r, cmark_node *node, unsigned base)
{
    kb_buf_clear(&r->para);
    r->emph = r->strong = r->link = r->code_on = r->url_on = 0;
    r->link_depth = 0;
    r->pstyle = 0;
    r->base = r->color ? base : 0;
    r->table = cmark_node_get_type(node) == CMARK_NODE_PARAGRAPH && is_table(node);
    pb_restyle(r);
}

static void link_enter(render_t *r)
{
    r->link++;
    pb_restyle(r);
    /* The text starts after the change of style, so that cutting it off
     * leaves the buffer in the style recorded here. */
    if (r->link_depth < LINK_DEPTH) {
        r->link_start[r->link_depth] = r->para.len;
        r->link_style[r->link_depth] = r->pstyle;
    }
    r->link_depth++;
}

/* After a link's text: " (url)", or " [id]" for another article; the text
 * alone when it is the URL itself. */
static void link_exit(render_t *r, cmark_node *node)
{
    r->link--;
    r->link_depth--;
    pb_restyle(r);
    const char *url = cmark_node_get_url(node);
    if (!url || !*url)
        return;
    int known = r->link_depth < LINK_DEPTH;
    size_t start = known ? r->link_start[r->link_depth] : 0;
    const char *text = r->para.data ? r->para.data + start : "";
    size_t tlen = known ? r->para.len - start : 0;

    char *id = kb_article_link_target(url);
    if (id) {
        if (known && (kbr_run_width(text, tlen) == 0 || kbr_run_equals(text, tlen, url) ||
                      kbr_run_equals(text, tlen, id))) {
            /* "[kb:x](kb:x)": the id says it all. */
            r->para.len = start;
            if (r->para.data)
                r->para.data[start] = '\0';
            r->pstyle = r->link_style[r->link_depth];
        } else {
            kb_buf_addc(&r->para, ' ');
        }
        r->url_on = 1;
        pb_restyle(r);
        kb_buf_addc(&r->para, '[');
        kbv_cleans(&r->para, id);
        kb_buf_addc(&r->para, ']');
        r->url_on = 0;
        pb_restyle(r);
        free(id);
        return;
    }
    if (known && (kbr_run_equals(text, tlen, url) ||
                  (strncmp(url, "mailto:", 7) == 0 && kbr_run_equals(text, tlen, url + 7))))
        return;
    kb_buf_addc(&r->para, ' ');
    r->url_on = 1;
    pb_restyle(r);
    kb_buf_addc(&r->para, '(');
    kbv_cleans(&r->para, url);
    kb_buf_addc(&r->para, ')');
    r->url_on = 0;
    pb_restyle(r);
}

static void inline_code(render_t *r, const char *lit)
{
    if (r->color) {
        r->code_on = 1;
        pb_restyle(r);
        kbv_cleans(&r->para, lit);
        r->code_on = 0;
        pb_restyle(r);
    } else {
        kb_buf_addc(&r->para, '`');
        kbv_cleans(&r->para, lit);
        kb_buf_addc(&r->para, '`');
    }
}

/* ---------------------------------------------------------------- */
/* Blocks                                                             */

/* After a block: a blank line before the next one, unless the block sits
 * in a tight list. */
static void block_done(render_t *r)
{
    r->want_blank = !kbr_top_tight(r);
}

static void flush_heading(render_t *r, int level)
{
    size_t widest = kbr_wrap(r, r->para.data ? r->para.data : "", r->para.len);
    if (r->color || level > 2 || widest == 0)
        return;
    /* Plain text: underline levels 1 and 2 the setext way. */
    kbr_line_begin(r);
    for (size_t i = 0; i < widest; i++)
        kb_buf_addc(&r->out, level == 1 ? '=' : '-');
    kbr_line_end(r);
}

static void code_block(render_t *r, const char *lit)
{
    if (!lit)
        return;
    r->style = r->color ? ST_COLOUR(COL_CYAN) : 0;
    const char *p = lit;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        kbr_line_begin(r);
        kb_buf_adds(&r->out, "    ");
        /* Tabs to the next multiple of four, counted from the code. */
        size_t col = 0, i = 0;
        while (i < len) {
            size_t seg = i;
            while (i < len && p[i] != '\t')
                i++;
            size_t before = r->out.len;
            kbv_clean(&r->out, p + seg, i - seg);
            col += kb_utf8_width(r->out.data ? r->out.data + before : "", r->out.len - before);
            if (i < len) {
                kbr_add_spaces(&r->out, (int)(4 - col % 4));
                col += 4 - col % 4;
                i++;
            }
        }
        kbr_line_end(r);
        if (!nl)
            break;
        p = nl + 1;
    }
    r->style = 0;
}

static void thematic_break(render_t *r)
{
    r->style = r->color ? ST_COLOUR(COL_GREY) : 0;
    kbr_line_begin(r);
    /* COL is the width of an inline marker (a list past the cap), if any. */
    int n = r->width - r->prefix_w - (int)r->col;
    for (int i = 0; i < (n < 1 ? 1 : n); i++)
        kb_buf_adds(&r->out, r->color ? "\xe2\x94\x80" : "-");
    kbr_line_end(r);
    r->style = 0;
}

static int digits(long long v)
{
    int d = 1;
    for (; v >= 10; v /= 10)
        d++;
    return d;
}

static void list_enter(render_t *r, cmark_node *node)
{
    entry_t *e = kbr_push(r, CMARK_NODE_LIST, 0);
    if (!e)
        return;
    e->tight = cmark_node_get_list_tight(node);
    e->ordered = cmark_node_get_list_type(node) == CMARK_ORDERED_LIST;
    e->delim = cmark_node_get_list_delim(node) == CMARK_PAREN_DELIM ? ')' : '.';
    e->next = cmark_node_get_list_start(node);
    long long items = 0;
    for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c))
        items++;
    long long last = e->next + (items ? items - 1 : 0);
    e->numw = digits(last > e->next ? last : e->next);
}

static void item_enter(render_t *r)
{
    entry_t *list = kbr_top(r);
    char marker[32];
    if (list && list->type == CMARK_NODE_LIST && list->ordered)
        snprintf(marker, sizeof marker, "%*lld%c ", list->numw, list->next++, list->delim);
    else
        snprintf(marker, sizeof marker, "%s", r->color ? "\xe2\x80\xa2 " : "- ");
    int tight = list ? list->tight : 0;
    int w = (int)kb_utf8_width(marker, strlen(marker));
    entry_t *e = kbr_push(r, CMARK_NODE_ITEM, w);
    if (!e)
        return;
    e->tight = tight;
    memcpy(e->marker, marker, sizeof marker);
    if (e->visible)
        e->pending = 1;
    else
        memcpy(r->hidden, marker, sizeof marker);
}

static void item_exit(render_t *r)
{
    entry_t *e = kbr_top(r);
    if (e && ((e->visible && e->pending) || (!e->visible && r->hidden[0]))) {
        /* An empty item still shows its marker. */
        kbr_line_begin(r);
        while (r->out.len && r->out.data[r->out.len - 1] == ' ')
            r->out.data[--r->out.len] = '\0';
        kbr_line_end(r);
    }
    kbr_pop(r);
}

static void render_node(render_t *r, cmark_event_type ev, cmark_node *node)
{
    cmark_node_type type = cmark_node_get_type(node);
    int enter = ev == CMARK_EVENT_ENTER;
    switch (type) {
    case CMARK_NODE_BLOCK_QUOTE:
        if (enter) {
            kbr_push(r, type, 2);
        } else {
            kbr_pop(r);
            block_done(r);
        }
        break;
    case CMARK_NODE_LIST:
        if (enter) {
            list_enter(r, node);
        } else {
            kbr_pop(r);
            block_done(r);
        }
        break;
    case CMARK_NODE_ITEM:
        if (enter) {
            item_enter(r);
        } else {
            item_exit(r);
            block_done(r);
        }
        break;
    case CMARK_NODE_PARAGRAPH:
        if (enter) {
            block_begin(r, node, 0);
        } else {
            kbr_wrap(r, r->para.data ? r->para.data : "", r->para.len);
            block_done(r);
        }
        break;
    case CMARK_NODE_HEADING: {
        int level = cmark_node_get_heading_level(node);
        if (enter) {
            r->want_blank = 1;
            r->in_heading = 1;
            block_begin(r, node, kbr_heading_style(level));
        } else {
            r->in_heading = 0;
            flush_heading(r, level);
            block_done(r);
        }
        break;
    }
    case CMARK_NODE_CODE_BLOCK:
        code_block(r, cmark_node_get_literal(node));
        block_done(r);
        break;
    case CMARK_NODE_THEMATIC_BREAK:
        thematic_break(r);
        block_done(r);
        break;
    case CMARK_NODE_TEXT:
        kbv_cleans(&r->para, cmark_node_get_literal(node));
        break;
    case CMARK_NODE_CODE:
        inline_code(r, cmark_node_get_literal(node));
        break;
    case CMARK_NODE_SOFTBREAK:
        kb_buf_addc(&r->para, r->table && !r->in_heading ? '\n' : ' ');
        break;
    case CMARK_NODE_LINEBREAK:
        kb_buf_addc(&r->para, r->in_heading ? ' ' : '\n');
        break;
    case CMARK_NODE_EMPH:
        r->emph += enter ? 1 : -1;
        pb_restyle(r);
        break;
    case CMARK_NODE_STRONG:
        r->strong += enter ? 1 : -1;
        pb_restyle(r);
        break;
    case CMARK_NODE_LINK:
    case CMARK_NODE_IMAGE:
        if (enter)
            link_enter(r);
        else
            link_exit(r, node);
        break;
    default:
        /* The document itself; raw HTML (blocks and inline) and custom
         * nodes, which are dropped. */
        break;
    }
}

kb_status_t kb_render_markdown(const char *md, size_t len, const kb_render_opts_t *opts,
                               char **out)
{
    if (out)
        *out = NULL;
    if (!out || (!md && len))
        return KB_STATUS_BAD_ARGUMENT;
    render_t r;
    memset(&r, 0, sizeof r);
    r.width = opts ? opts->width : 0;
    if (r.width <= 0)
        r.width = KB_RENDER_DEFAULT_WIDTH;
    if (r.width < KB_RENDER_MIN_WIDTH)
        r.width = KB_RENDER_MIN_WIDTH;
    if (r.width > KB_RENDER_MAX_WIDTH)
        r.width = KB_RENDER_MAX_WIDTH;
    r.color = opts && opts->color;
    r.max_indent = r.width / 2;

    cmark_node *doc = cmark_parse_document(md ? md : "", len, CMARK_OPT_VALIDATE_UTF8);
    if (!doc)
        return KB_STATUS_OUT_OF_MEMORY;
    cmark_iter *it = cmark_iter_new(doc);
    if (!it) {
        cmark_node_free(doc);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    cmark_event_type ev;
    while (!r.oom && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
        render_node(&r, ev, cmark_iter_get_node(it));
    cmark_iter_free(it);
    cmark_node_free(doc);

    int oom = r.oom || r.para.oom || r.out.oom;
    free(r.stack);
    kb_buf_free(&r.para);
    if (oom) {
        kb_buf_free(&r.out);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *out = kb_buf_take(&r.out);
    return *out ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}
