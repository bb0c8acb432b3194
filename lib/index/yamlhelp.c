/* yamlhelp.c - front-matter mistakes in plain words (see yamlhelp.h).
 *
 * libyaml says where it noticed a problem, in the grammar's terms ("did
 * not find expected key while parsing a block mapping").  An editor needs
 * to know which line to change and how.  The line libyaml points at is
 * read back and the usual mistakes recognised: a colon in a value, a value
 * starting with a character YAML reserves, a quote closed too early or
 * never, a tab, a line indented differently from its neighbours.
 */
#include "yamlhelp.h"

#include <string.h>

/* The 0-based line N of SRC: *LEN bytes from the returned pointer (no
 * newline); NULL past the end. */
static const char *line_at(const kbi_yaml_src_t *src, size_t n, size_t *len)
{
    const char *p = src->text, *end = src->text + src->len;
    for (size_t i = 0; i < n && p < end; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl ? nl + 1 : end;
    }
    if (p >= end) {
        *len = 0;
        return NULL;
    }
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *len = (size_t)((nl ? nl : end) - p);
    return p;
}

/* What a line holds: its indentation, its key (if it reads "key:") and
 * where the value after "key: " starts. */
typedef struct yline {
    const char *s;
    size_t len;
    size_t indent;          /* spaces before the first character */
    int tab;                /* a tab in the indentation */
    char key[64];           /* "" when the line has no key */
    const char *value;      /* after "key:" and blanks; NULL without a key */
    size_t value_len;
    int item;               /* starts with "- " after the indentation */
} yline_t;

static void read_line(const kbi_yaml_src_t *src, size_t n, yline_t *l)
{
    memset(l, 0, sizeof *l);
    l->s = line_at(src, n, &l->len);
    if (!l->s)
        return;
    size_t i = 0;
    while (i < l->len && (l->s[i] == ' ' || l->s[i] == '\t')) {
        l->tab |= l->s[i] == '\t';
        i++;
    }
    l->indent = i;
    if (i + 1 < l->len && l->s[i] == '-' && (l->s[i + 1] == ' ' || l->s[i + 1] == '\t'))
        l->item = 1;
    size_t k = i;
    while (k < l->len && k - i < sizeof l->key - 1 &&
           ((l->s[k] >= 'a' && l->s[k] <= 'z') || (l->s[k] >= 'A' && l->s[k] <= 'Z') ||
            (l->s[k] >= '0' && l->s[k] <= '9') || l->s[k] == '_' || l->s[k] == '-'))
        k++;
    if (k > i && k < l->len && l->s[k] == ':' && !l->item) {
        memcpy(l->key, l->s + i, k - i);
        l->key[k - i] = '\0';
        size_t v = k + 1;
        while (v < l->len && (l->s[v] == ' ' || l->s[v] == '\t'))
            v++;
        l->value = l->s + v;
        l->value_len = l->len - v;
    }
}

/* "the value of 'title'" or "this value": what the editor sees. */
static void value_name(kb_buf_t *out, const yline_t *l)
{
    if (l->key[0])
        kb_buf_printf(out, "the value of '%s'", l->key);
    else
        kb_buf_adds(out, "this value");
}

/* At most 60 bytes of the value, for an example ("title: \"...\""). */
static int clip_len(const yline_t *l)
{
    size_t n = l->value_len;
    if (n > 60)
        n = 60;
    while (n < l->value_len && n > 0 && ((unsigned char)l->value[n] & 0xC0) == 0x80)
        n--;
    return (int)n;
}

/* "quote it: title: "..."", with the value's double quotes doubled up as
 * single quotes when it has some. */
static void quote_hint(kb_buf_t *out, const yline_t *l)
{
    if (!l->key[0] || !l->value_len) {
        kb_buf_adds(out, "put it in quotes");
        return;
    }
    int dq = memchr(l->value, '"', l->value_len) != NULL;
    kb_buf_printf(out, "put it in quotes: %s: %c%.*s%s%c", l->key, dq ? '\'' : '"',
                  clip_len(l), l->value, clip_len(l) < (int)l->value_len ? "..." : "",
                  dq ? '\'' : '"');
}

/* A value starting with a character YAML reserves: which one, or 0. */
static char reserved_start(const yline_t *l)
{
    if (!l->value || !l->value_len)
        return 0;
    char c = l->value[0];
    return strchr("@`{[&*!|>%?", c) ? c : (c == '-' && l->value_len > 1 && l->value[1] == ' ')
                                              ? '-' : 0;
}

static const char *reserved_reading(char c)
{
    switch (c) {
    case '{': return "the start of a mapping";
    case '[': return "the start of a list";
    case '&': return "an anchor";
    case '*': return "an alias";
    case '!': return "a tag";
    case '|':
    case '>': return "the start of a block of text";
    case '-': return "a list item";
    case '?': return "a complex key";
    default: return "reserved";
    }
}

/* A quoted value with text after its closing quote: 1 and the advice. */
static int quote_trouble(kb_buf_t *out, const yline_t *l)
{
    if (!l->value || !l->value_len || (l->value[0] != '"' && l->value[0] != '\''))
        return 0;
    char q = l->value[0];
    size_t i = 1;
    for (; i < l->value_len; i++) {
        if (q == '"' && l->value[i] == '\\') {
            i++;
            continue;
        }
        if (l->value[i] == q) {
            if (q == '\'' && i + 1 < l->value_len && l->value[i + 1] == '\'') {
                i++;
                continue;
            }
            break;
        }
    }
    if (i >= l->value_len)
        return 0;
    size_t rest = i + 1;
    while (rest < l->value_len && l->value[rest] == ' ')
        rest++;
    if (rest >= l->value_len || l->value[rest] == '#')
        return 0;
    value_name(out, l);
    if (q == '\'')
        kb_buf_adds(out, " is in single quotes and holds an apostrophe, which ends it: write "
                         "the apostrophe twice ('it''s') or use double quotes");
    else
        kb_buf_adds(out, " starts with a quote and goes on after the closing quote: put the "
                         "whole value in single quotes ('\"My card\" is late')");
    return 1;
}

/* The advice for "did not find expected key" and the like: a line that
 * does not read as "key: value". */
static void block_trouble(kb_buf_t *out, const yline_t *l, const yline_t *prev)
{
    char c = reserved_start(l);
    if (quote_trouble(out, l))
        return;
    if (c) {
        value_name(out, l);
        kb_buf_printf(out, " starts with '%c', which YAML reads as %s: ", c, reserved_reading(c));
        quote_hint(out, l);
    } else if (l->item && prev && prev->item && l->indent != prev->indent) {
        kb_buf_printf(out, "this list item is indented by %zu space%s and the one above by "
                           "%zu: put every '- ' of a list at the same indentation",
                      l->indent, l->indent == 1 ? "" : "s", prev->indent);
    } else if (l->item) {
        kb_buf_adds(out, "this list item is not under a key: put it under the key it belongs "
                         "to (questions:, tags:, ...), indented by two spaces");
    } else if (l->key[0] && l->indent) {
        kb_buf_printf(out, "the key '%s' is indented: keys start at the beginning of the line",
                      l->key);
    } else {
        kb_buf_adds(out, "this line does not read as 'key: value': keys start at the beginning "
                         "of the line, list items with '  - ', and a value holding ': ' or "
                         "' #' goes in quotes");
    }
}

int kbi_yaml_explain(const kbi_yaml_src_t *src, const char *problem, const char *context,
                     size_t pline, size_t cline, kb_buf_t *out)
{
    yline_t l, c, prev;
    read_line(src, pline, &l);
    read_line(src, cline, &c);
    read_line(src, pline ? pline - 1 : pline, &prev);
    const char *ctx = context ? context : "";
    size_t at = pline;
    char r = reserved_start(&l);
    if (strstr(problem, "tab") || (l.tab && strstr(problem, "cannot start any token"))) {
        kb_buf_adds(out, "this line is indented with a tab: YAML needs spaces; replace the tab "
                         "with spaces");
    } else if (strstr(problem, "end of stream") && strstr(ctx, "quoted scalar")) {
        at = cline;
        value_name(out, &c);
        kb_buf_adds(out, " opens a quote that is never closed: close it at the end of the value");
    } else if (strstr(problem, "unknown escape")) {
        value_name(out, &l);
        kb_buf_adds(out, " is in double quotes and holds a backslash YAML does not know: use "
                         "single quotes, or write a backslash as \\\\");
    } else if (strstr(problem, "could not find expected ':'")) {
        at = cline;
        kb_buf_adds(out, "this line has no ':' after its key: write 'key: value' (a value that "
                         "goes on over several lines must be in quotes)");
    } else if (strstr(ctx, "flow sequence") || strstr(ctx, "flow mapping")) {
        at = cline;
        kb_buf_printf(out, "the %s opened with '%c' is not closed: close it with '%c' on the "
                           "same line, or write one '- item' a line",
                      strstr(ctx, "sequence") ? "list" : "mapping",
                      strstr(ctx, "sequence") ? '[' : '{', strstr(ctx, "sequence") ? ']' : '}');
    } else if (strstr(problem, "mapping values are not allowed")) {
        if (l.key[0] && l.indent && !l.item) {
            kb_buf_printf(out, "the key '%s' is indented, so YAML reads it as part of the line "
                               "above: start it at the beginning of the line", l.key);
        } else {
            value_name(out, &l);
            kb_buf_adds(out, " contains a colon followed by a space: ");
            quote_hint(out, &l);
        }
    } else if (r && (strstr(problem, "cannot start any token") || strstr(ctx, "alias") ||
                     strstr(ctx, "block scalar") || strstr(problem, "not allowed") ||
                     strstr(problem, "expected key"))) {
        value_name(out, &l);
        if (r == '@' || r == '`' || r == '%')
            kb_buf_printf(out, " starts with '%c', which YAML reserves: ", r);
        else
            kb_buf_printf(out, " starts with '%c', which YAML reads as %s: ", r,
                          reserved_reading(r));
        quote_hint(out, &l);
    } else {
        block_trouble(out, &l, pline ? &prev : NULL);
    }
    kb_buf_printf(out, " [YAML: %s%s%s]", problem, context ? " " : "", ctx);
    return src->first_line + (int)at;
}

int kbi_yaml_swallowed(const kbi_yaml_src_t *src, size_t start, size_t end)
{
    if (end > src->len)
        end = src->len;
    for (size_t i = start; i < end; i++) {
        if (src->text[i] != '\n')
            continue;
        size_t k = i + 1;
        while (k < end && (src->text[k] == ' ' || src->text[k] == '\t'))
            k++;
        if (k + 1 < end && src->text[k] == '-' && src->text[k + 1] == ' ') {
            /* Rare: only now count the lines up to it. */
            int line = 1;
            for (size_t p = 0; p < i; p++)
                line += src->text[p] == '\n';
            return src->first_line + line;
        }
    }
    return 0;
}

int kbi_yaml_cut_by_comment(const kbi_yaml_src_t *src, size_t end)
{
    /* " #1", " #2b": a comment would be " # text" or "  #text". */
    if (end + 2 < src->len && src->text[end] == ' ' && src->text[end + 1] == '#' &&
        src->text[end + 2] != ' ' && src->text[end + 2] != '\n' && src->text[end + 2] != '#')
        return end == 0 || src->text[end - 1] != ' ';
    return 0;
}
