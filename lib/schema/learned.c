/* learned.c - reading and writing the learned phrasings files
 * (learned.h). */
#include "learned.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "kb/article.h"

int kb_learned_add(kb_learned_file_t *f, int rejected, const char *text, unsigned marks,
                   const char *last)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        kb_learned_line_t *p = realloc(f->lines, cap * sizeof *p);
        if (!p)
            return 0;
        f->lines = p;
        f->cap = cap;
    }
    kb_learned_line_t *l = &f->lines[f->n];
    memset(l, 0, sizeof *l);
    l->rejected = rejected;
    l->marks = marks;
    if (last)
        snprintf(l->last, sizeof l->last, "%s", last);
    l->text = kb_strdup(text);
    if (!l->text)
        return 0;
    f->n++;
    return 1;
}

/* The note after " | ": "4 marks, last 2026-12-01" (any part may be
 * missing). */
static void read_note(const char *note, unsigned *marks, char last[11])
{
    *marks = 0;
    last[0] = '\0';
    unsigned long m = strtoul(note, NULL, 10);
    if (m && strstr(note, "mark"))
        *marks = m > 1000000 ? 1000000 : (unsigned)m;
    const char *l = strstr(note, "last ");
    if (l && strlen(l + 5) >= 10) {
        memcpy(last, l + 5, 10);
        last[10] = '\0';
    }
}

/* One line (LEN bytes, no newline) into OUT. */
static kb_status_t parse_line(char *line, size_t len, kb_learned_file_t *out)
{
    while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
        line[--len] = '\0';
    size_t skip = strspn(line, " \t");
    line += skip;
    len -= skip;
    if (!len || line[0] == '#')
        return KB_STATUS_SUCCESS;
    if ((line[0] != '+' && line[0] != '-') || (len > 1 && line[1] != ' ' && line[1] != '\t')) {
        out->bad++;
        return KB_STATUS_SUCCESS;
    }
    int rejected = line[0] == '-';
    char *text = line + 1 + strspn(line + 1, " \t");
    unsigned marks = 0;
    char last[11] = "";
    char *bar = strstr(text, " |");
    if (bar) {
        read_note(bar + 2 + strspn(bar + 2, " "), &marks, last);
        *bar = '\0';
    }
    size_t n = strlen(text);
    while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
        text[--n] = '\0';
    if (!n || n > KB_LEARNED_MAX_TEXT) {
        out->bad++;
        return KB_STATUS_SUCCESS;
    }
    return kb_learned_add(out, rejected, text, marks, last) ? KB_STATUS_SUCCESS
                                                            : KB_STATUS_OUT_OF_MEMORY;
}

kb_status_t kb_learned_parse(const char *data, size_t len, kb_learned_file_t *out)
{
    char *copy = kb_strndup(data, len);
    if (!copy)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (char *p = copy, *nl; p && *p && st == KB_STATUS_SUCCESS; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        st = parse_line(p, strlen(p), out);
    }
    free(copy);
    return st;
}

char *kb_learned_format(const kb_learned_file_t *f, const char *id, const char *title)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "# Learned phrasings of %s%s%s%s: how customers asked when it answered\n",
                  id, title ? " (\"" : "", title ? title : "", title ? "\")" : "");
    kb_buf_adds(&b, "# them, from officers' marks and resolved calls (kb-index --learn).\n"
                    "# \"+\" lines are searched as the article's phrasings, below its own\n"
                    "# questions.  Edit or delete any line; turn \"+\" into \"-\" to reject a\n"
                    "# phrasing: it is never learned again.\n");
    for (size_t i = 0; i < f->n; i++) {
        const kb_learned_line_t *l = &f->lines[i];
        kb_buf_printf(&b, "%c %s", l->rejected ? '-' : '+', l->text);
        if (l->rejected)
            kb_buf_adds(&b, " | rejected");
        else if (l->marks)
            kb_buf_printf(&b, " | %u mark%s%s%s", l->marks, l->marks == 1 ? "" : "s",
                          l->last[0] ? ", last " : "", l->last);
        kb_buf_addc(&b, '\n');
    }
    if (b.oom) {
        kb_buf_free(&b);
        return NULL;
    }
    return kb_buf_take(&b);
}

void kb_learned_clear(kb_learned_file_t *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->lines[i].text);
    free(f->lines);
    memset(f, 0, sizeof *f);
}

int kb_learned_file_name(const char *name, size_t *id_len)
{
    size_t n = strlen(name);
    if (n < 5 || strcmp(name + n - 4, ".txt") != 0 || n - 4 > 128)
        return 0;
    char id[129];
    memcpy(id, name, n - 4);
    id[n - 4] = '\0';
    *id_len = n - 4;
    return kb_id_valid(id);
}
