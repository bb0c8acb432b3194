/* article.c - the article view and the escalation path view, one for
 * kb-search --show and the assistant's :open alike (kb/render.h). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "kb/render.h"
#include "kb/terminal.h"
#include "text.h"

#define STY(c, s) kb_term_style((c), KB_STYLE_##s)

static void opts_of(const kb_render_opts_t *o, int *width, int *color)
{
    *width = o && o->width > 0 ? o->width : KB_RENDER_DEFAULT_WIDTH;
    if (*width < KB_RENDER_MIN_WIDTH)
        *width = KB_RENDER_MIN_WIDTH;
    if (*width > KB_RENDER_MAX_WIDTH)
        *width = KB_RENDER_MAX_WIDTH;
    *color = o ? o->color : 0;
}

static void wrap_plain(kb_buf_t *b, const char *text, int width, const char *first,
                       const char *rest)
{
    kb_wrap_t w = {width, first, rest, 0, 0, NULL, 0, 0};
    kbv_wrap(b, text, &w);
}

static void wrap_styled(kb_buf_t *b, const char *text, int width, const char *first,
                        const char *rest)
{
    kb_wrap_t w = {width, first, rest, 0, 0, NULL, 0, 1};
    kbv_wrap(b, text, &w);
}

/* "N. Title [id] OPEN NOW" and the tier's contact, hours and SLA. */
static void tier_lines(kb_buf_t *b, const kb_tier_t *t, size_t i, int width, int c)
{
    char num[32];
    snprintf(num, sizeof num, "  %zu. ", i + 1);
    kb_buf_t l = KB_BUF_INIT;
    kb_buf_adds(&l, STY(c, BOLD));
    kbv_cleans(&l, t->title ? t->title : t->id);
    kb_buf_printf(&l, "%s %c%s[", STY(c, OFF), KB_TERM_GLUE, STY(c, DIM));
    kbv_cleans(&l, t->id);
    kb_buf_printf(&l, "]%s", STY(c, OFF));
    if (t->known_hours) {
        kb_buf_printf(&l, " %c%s%s%s", KB_TERM_GLUE, t->open ? STY(c, GREEN) : STY(c, RED),
                      t->open ? "OPEN\037NOW" : "CLOSED\037NOW", STY(c, OFF));
        if (!t->open && t->opens && t->opens[0]) {
            kb_buf_printf(&l, ",%copens%c", KB_TERM_GLUE, KB_TERM_GLUE);
            kbv_cleans(&l, t->opens);
        }
    } else {
        /* Missing or unreadable hours: never shown as open. */
        kb_buf_printf(&l, " %c%sHOURS\037UNKNOWN%s", KB_TERM_GLUE, STY(c, YELLOW), STY(c, OFF));
    }
    wrap_styled(b, l.data, width, num, "     ");
    if (l.oom)
        b->oom = 1;
    kb_buf_free(&l);
    const char *pad = "              ";
    wrap_plain(b, t->contact && t->contact[0] ? t->contact : "(none given)", width,
               "     Contact: ", pad);
    wrap_plain(b, t->hours && t->hours[0] ? t->hours : "(not given)", width, "     Hours:   ",
               pad);
    wrap_plain(b, t->sla && t->sla[0] ? t->sla : "(not given)", width, "     SLA:     ", pad);
}

/* E's reason as a sentence of its own: capital first letter, final stop. */
static void reason_line(kb_buf_t *b, const char *reason, int width)
{
    kb_buf_t h = KB_BUF_INIT;
    kb_buf_adds(&h, reason);
    if (h.data && h.data[0] >= 'a' && h.data[0] <= 'z')
        h.data[0] = (char)(h.data[0] - 'a' + 'A');
    if (h.data && h.data[h.len - 1] != '.')
        kb_buf_addc(&h, '.');
    wrap_plain(b, h.data, width, "  ", "  ");
    kb_buf_free(&h);
}

static void path_into(kb_buf_t *b, const kb_escalation_t *e, const char *heading,
                      int with_reason, int width, int c)
{
    kb_buf_printf(b, "%s", STY(c, BOLD));
    kbv_cleans(b, heading ? heading : "Escalation path");
    kb_buf_printf(b, "%s\n", STY(c, OFF));
    if (with_reason && e->reason && e->reason[0])
        reason_line(b, e->reason, width);
    for (size_t i = 0; i < e->n_path; i++)
        tier_lines(b, &e->path[i], i, width, c);
    if (e->advice) {
        kb_buf_adds(b, STY(c, BOLD));
        wrap_plain(b, e->advice, width, "  ", "  ");
        kb_buf_adds(b, STY(c, OFF));
    }
    if (e->guidance) {
        kb_buf_t g = KB_BUF_INIT;
        kbv_cleans(&g, e->guidance_title ? e->guidance_title : e->guidance);
        kb_buf_printf(&g, " %c[", KB_TERM_GLUE);
        kbv_cleans(&g, e->guidance);
        kb_buf_addc(&g, ']');
        wrap_styled(b, g.data, width, "  Read first: ", "    ");
        if (g.oom)
            b->oom = 1;
        kb_buf_free(&g);
    }
}

char *kb_render_path(const kb_escalation_t *e, const char *heading, int with_reason,
                     const kb_render_opts_t *o)
{
    if (!e)
        return NULL;
    int width, color;
    opts_of(o, &width, &color);
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "");
    path_into(&b, e, heading, with_reason, width, color);
    return kb_buf_take(&b);
}

char *kb_render_article(const kb_article_t *a, const char *section, const kb_escalation_t *e,
                        const kb_render_opts_t *o)
{
    if (!a)
        return NULL;
    int width, c;
    opts_of(o, &width, &c);
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, STY(c, BOLD));
    kbv_cleans(&b, a->title ? a->title : a->id);
    kb_buf_printf(&b, "%s\n%s[", STY(c, OFF), STY(c, DIM));
    kbv_cleans(&b, a->category ? a->category : "-");
    kb_buf_adds(&b, "] ");
    kbv_cleans(&b, a->id);
    kb_buf_adds(&b, "  ");
    kbv_cleans(&b, a->path);
    kb_buf_printf(&b, "%s\n", STY(c, OFF));
    if (a->status) {
        kb_buf_printf(&b, "%s", STY(c, BOLD_YELLOW));
        kbv_cleans(&b, a->status);
        kb_buf_printf(&b, ": not shown to officers%s\n", STY(c, OFF));
    }
    if (section && section[0])
        wrap_plain(&b, section, width, "Best section for the question: ", "  ");
    kb_buf_addc(&b, '\n');
    kb_render_opts_t ro = {width, c};
    char *text = NULL;
    const char *body = a->body ? a->body : "";
    if (kb_render_markdown(body, strlen(body), &ro, &text) == KB_STATUS_SUCCESS) {
        kb_buf_adds(&b, text);
        if (text[0] && text[strlen(text) - 1] != '\n')
            kb_buf_addc(&b, '\n');
    } else {
        kb_buf_adds(&b, "(the article could not be rendered)\n");
    }
    free(text);
    if (e && e->n_path) {
        kb_buf_addc(&b, '\n');
        path_into(&b, e, "Escalation path", 0, width, c);
    }
    return kb_buf_take(&b);
}
