/* sections.c - split a Markdown body into sections at headings, with the
 * plain text of each (for indexing and snippets) and the internal links.
 *
 * cmark does the parsing; this file only walks its tree.  The walk uses
 * cmark's iterator, which is not recursive, so deeply nested lists and
 * block quotes cost memory in cmark, not stack here.
 */
#include "sections.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "schema/ids.h"

typedef struct walk {
    kb_article_t *a;
    kb_buf_t text;          /* current section's text */
    kb_buf_t heading;       /* text of the heading being read */
    int in_heading;         /* inside a heading node */
    int heading_line;
    char *stack[7];         /* heading path by level */
    /* The section being filled: its heading, path, level and line. */
    char *cur_heading;
    char *cur_path;
    int cur_level;
    int cur_line;
    char **cur_steps;       /* the steps' plain text */
    size_t cur_n_steps;
    int in_step;            /* numbered-list items we are inside */
    /* Room in A->sections and A->links: they grow by doubling, so an
     * article of a million headings or links costs linear time. */
    size_t sections_cap;
    size_t links_cap;
} walk_t;

/* Append the section being filled to the article.  Takes CUR_* and TEXT. */
static int finish_section(walk_t *w)
{
    kb_article_t *a = w->a;
    kb_section_t *s;
    if (a->n_sections == w->sections_cap) {
        size_t cap = w->sections_cap ? 2 * w->sections_cap : 8;
        s = realloc(a->sections, cap * sizeof *s);
        if (!s)
            return 0;
        a->sections = s;
        w->sections_cap = cap;
    }
    while (w->text.len && (w->text.data[w->text.len - 1] == '\n' ||
                           w->text.data[w->text.len - 1] == ' '))
        w->text.data[--w->text.len] = '\0';
    char *text = kb_buf_take(&w->text);
    if (!text)
        return 0;
    s = &a->sections[a->n_sections++];
    s->heading = w->cur_heading;
    s->path = w->cur_path;
    s->level = w->cur_level;
    s->line = w->cur_line;
    s->text = text;
    s->steps = w->cur_steps;
    s->n_steps = w->cur_n_steps;
    w->cur_heading = w->cur_path = NULL;
    w->cur_steps = NULL;
    w->cur_n_steps = 0;
    return 1;
}

/* A heading of LEVEL (2..6) starts a new section. */
static int start_section(walk_t *w, int level, const char *heading, int line)
{
    if (!finish_section(w))
        return 0;
    for (int l = level; l < 7; l++) {
        free(w->stack[l]);
        w->stack[l] = NULL;
    }
    w->stack[level] = kb_strdup(heading);
    kb_buf_t path = KB_BUF_INIT;
    for (int l = 2; l <= level; l++) {
        if (!w->stack[l])
            continue;
        if (path.len)
            kb_buf_adds(&path, " > ");
        kb_buf_adds(&path, w->stack[l]);
    }
    w->cur_path = kb_buf_take(&path);
    w->cur_heading = kb_strdup(heading);
    w->cur_level = level;
    w->cur_line = line;
    return w->stack[level] && w->cur_path && w->cur_heading;
}

/* Collapse runs of white space in S into one space and trim both ends, in
 * place. */
static void collapse_spaces(char *s)
{
    char *w = s;
    int space = 1;  /* drops leading spaces */
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            if (!space)
                *w++ = ' ';
            space = 1;
        } else {
            *w++ = *p;
            space = 0;
        }
    }
    if (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

/* The plain text of NODE's subtree, white space collapsed: a step as the
 * officer reads it.  Blocks are separated by spaces; raw HTML and URLs are
 * left out.  Returns 0 when out of memory. */
static int add_step(walk_t *w, cmark_node *node)
{
    kb_buf_t b = KB_BUF_INIT;
    cmark_iter *it = cmark_iter_new(node);
    if (!it)
        return 0;
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *c = cmark_iter_get_node(it);
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_TEXT:
        case CMARK_NODE_CODE:
            kb_buf_adds(&b, cmark_node_get_literal(c));
            break;
        case CMARK_NODE_CODE_BLOCK:
            kb_buf_addc(&b, ' ');
            kb_buf_adds(&b, cmark_node_get_literal(c));
            kb_buf_addc(&b, ' ');
            break;
        case CMARK_NODE_SOFTBREAK:
        case CMARK_NODE_LINEBREAK:
        case CMARK_NODE_PARAGRAPH:
        case CMARK_NODE_HEADING:
        case CMARK_NODE_ITEM:
        case CMARK_NODE_THEMATIC_BREAK:
            kb_buf_addc(&b, ' ');
            break;
        default:
            break;
        }
    }
    cmark_iter_free(it);
    if (b.oom) {
        kb_buf_free(&b);
        return 0;
    }
    if (!b.data)
        kb_buf_adds(&b, "");
    collapse_spaces(b.data);
    int ok = !b.oom && kb_strv_push(&w->cur_steps, &w->cur_n_steps, b.data, strlen(b.data));
    kb_buf_free(&b);
    return ok;
}

static void add_text(walk_t *w, const char *s)
{
    if (!s)
        return;
    kb_buf_t *b = w->in_heading ? &w->heading : &w->text;
    kb_buf_adds(b, s);
}

static void end_block(walk_t *w)
{
    if (w->text.len && w->text.data[w->text.len - 1] != '\n')
        kb_buf_addc(&w->text, '\n');
}

static int add_link(walk_t *w, cmark_node *node)
{
    char *target = kb_article_link_target(cmark_node_get_url(node));
    if (!target)
        return 1;
    kb_article_t *a = w->a;
    if (a->n_links == w->links_cap) {
        size_t cap = w->links_cap ? 2 * w->links_cap : 8;
        kb_link_t *l = realloc(a->links, cap * sizeof *l);
        if (!l) {
            free(target);
            return 0;
        }
        a->links = l;
        w->links_cap = cap;
    }
    a->links[a->n_links].target = target;
    a->links[a->n_links].line = a->body_line + cmark_node_get_start_line(node) - 1;
    a->n_links++;
    return 1;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    int in = 0;
    for (; s && *s; s++) {
        int space = *s == ' ' || *s == '\n' || *s == '\t';
        if (!space && !in)
            n++;
        in = !space;
    }
    return n;
}

kb_status_t kbi_sections_parse(kb_article_t *a, kb_diags_t *diags)
{
    (void)diags;
    cmark_node *doc = cmark_parse_document(a->body, strlen(a->body), CMARK_OPT_DEFAULT);
    if (!doc)
        return KB_STATUS_OUT_OF_MEMORY;
    walk_t w;
    memset(&w, 0, sizeof w);
    w.a = a;
    /* Section 0, the lead, exists even when empty. */
    w.cur_heading = kb_strdup("");
    w.cur_path = kb_strdup("");
    w.cur_line = a->body_line;
    int ok = w.cur_heading && w.cur_path;

    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    int heading_level = 0, heading_top = 0;
    while (ok && (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type type = cmark_node_get_type(node);
        if (ev == CMARK_EVENT_ENTER) {
            switch (type) {
            case CMARK_NODE_HEADING:
                w.in_heading = 1;
                heading_level = cmark_node_get_heading_level(node);
                /* Only the document's own headings start sections; one
                 * inside a quote or a list item is text of the section
                 * around it. */
                heading_top = cmark_node_parent(node) == doc;
                w.heading_line = a->body_line + cmark_node_get_start_line(node) - 1;
                kb_buf_clear(&w.heading);
                break;
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
                add_text(&w, cmark_node_get_literal(node));
                break;
            case CMARK_NODE_SOFTBREAK:
                add_text(&w, " ");
                break;
            case CMARK_NODE_LINEBREAK:
                add_text(&w, w.in_heading ? " " : "\n");
                break;
            case CMARK_NODE_CODE_BLOCK:
                add_text(&w, cmark_node_get_literal(node));
                end_block(&w);
                break;
            case CMARK_NODE_ITEM:
                /* A numbered list inside a step is part of that step. */
                if (cmark_node_get_list_type(cmark_node_parent(node)) == CMARK_ORDERED_LIST &&
                    w.in_step++ == 0)
                    ok = add_step(&w, node);
                break;
            case CMARK_NODE_LINK:
                ok = add_link(&w, node);
                break;
            default:
                /* HTML blocks and inline HTML are not text: skipped. */
                break;
            }
        } else if (ev == CMARK_EVENT_EXIT) {
            switch (type) {
            case CMARK_NODE_HEADING: {
                w.in_heading = 0;
                char *h = w.heading.data ? w.heading.data : "";
                /* Trim spaces around the heading text. */
                while (*h == ' ')
                    h++;
                size_t hl = strlen(h);
                while (hl && h[hl - 1] == ' ')
                    h[--hl] = '\0';
                if (heading_level == 1 || !heading_top) {
                    if (heading_level == 1 && !a->title && *h) {
                        a->title = kb_strdup(h);
                        a->title_line = w.heading_line;
                        ok = a->title != NULL;
                    } else if (*h) {
                        /* A second H1, or a nested heading, is body text. */
                        add_text(&w, h);
                        end_block(&w);
                    }
                } else {
                    ok = start_section(&w, heading_level, h, w.heading_line);
                }
                break;
            }
            case CMARK_NODE_ITEM:
                if (cmark_node_get_list_type(cmark_node_parent(node)) == CMARK_ORDERED_LIST)
                    w.in_step--;
                end_block(&w);
                break;
            case CMARK_NODE_PARAGRAPH:
            case CMARK_NODE_BLOCK_QUOTE:
                end_block(&w);
                break;
            default:
                break;
            }
        }
        if (w.text.oom || w.heading.oom)
            ok = 0;
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
    if (ok)
        ok = finish_section(&w);
    for (int l = 0; l < 7; l++)
        free(w.stack[l]);
    free(w.cur_heading);
    free(w.cur_path);
    kb_strv_free(w.cur_steps, w.cur_n_steps);
    kb_buf_free(&w.text);
    kb_buf_free(&w.heading);
    if (!ok)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t words = 0;
    for (size_t i = 0; i < a->n_sections; i++)
        words += count_words(a->sections[i].heading) + count_words(a->sections[i].text);
    a->words = words;
    return KB_STATUS_SUCCESS;
}
