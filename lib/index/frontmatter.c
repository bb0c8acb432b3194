/* frontmatter.c - YAML front matter through libyaml's event API.
 *
 * The event API keeps the parse linear in the input: aliases are refused on
 * sight (so "billion laughs" documents cost nothing) and nesting is bounded,
 * while only the shapes front matter needs are kept: a top-level mapping of
 * scalars and lists of scalars.
 */
#include "frontmatter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "base/strmap.h"
#include "base/buf.h"
#include "yamlhelp.h"

/* Deeper values are certainly not front matter; stop before libyaml's own
 * stacks grow. */
#define FM_MAX_DEPTH 16

static void entry_clear(kbi_fm_entry_t *e)
{
    free(e->key);
    free(e->scalar);
    kb_strlist_clear(&e->list);
    memset(e, 0, sizeof *e);
}

void kbi_fm_clear(kbi_fm_t *fm)
{
    for (size_t i = 0; i < fm->n; i++)
        entry_clear(&fm->entries[i]);
    free(fm->entries);
    fm->entries = NULL;
    fm->n = 0;
}

typedef struct fm_parser {
    yaml_parser_t yp;
    yaml_event_t ev;
    int have_event;
    int first_line;
    kbi_yaml_src_t src;      /* the text, to explain errors in plain words */
    const char *path;
    kb_diags_t *diags;
    /* Key -> index in the entries, and room in them: front matter of a
     * hundred thousand keys costs linear time, not quadratic. */
    kb_strmap_t *keys;
    size_t cap;
} fm_parser_t;

static int line_of(const fm_parser_t *p, yaml_mark_t m)
{
    return p->first_line + (int)m.line;
}

/* Fetch the next event into P->ev.  Returns 0 with an error diagnostic on a
 * YAML error or an alias. */
static int next_event(fm_parser_t *p)
{
    if (p->have_event) {
        yaml_event_delete(&p->ev);
        p->have_event = 0;
    }
    if (!yaml_parser_parse(&p->yp, &p->ev)) {
        const char *problem = p->yp.problem ? p->yp.problem : "invalid YAML";
        kb_buf_t msg = KB_BUF_INIT;
        int line = kbi_yaml_explain(&p->src, problem, p->yp.context, p->yp.problem_mark.line,
                                    p->yp.context ? p->yp.context_mark.line
                                                  : p->yp.problem_mark.line, &msg);
        kb_diags_add(p->diags, KB_DIAG_ERROR, p->path, line, "front matter: %s",
                     msg.data ? msg.data : problem);
        kb_buf_free(&msg);
        return 0;
    }
    p->have_event = 1;
    if (p->ev.type == YAML_ALIAS_EVENT) {
        kb_diags_add(p->diags, KB_DIAG_ERROR, p->path, line_of(p, p->ev.start_mark),
                     "front matter: YAML aliases are not allowed");
        return 0;
    }
    return 1;
}

static int is_null_scalar(const yaml_event_t *ev)
{
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;
    return n == 0 || (n == 1 && v[0] == '~') || (n == 4 && !memcmp(v, "null", 4)) ||
           (n == 4 && !memcmp(v, "Null", 4)) || (n == 4 && !memcmp(v, "NULL", 4));
}

/* Skip the rest of a collection whose start event was just read. */
static int skip_collection(fm_parser_t *p, int depth)
{
    int level = 1;
    while (level > 0) {
        if (!next_event(p))
            return 0;
        switch (p->ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            level++;
            if (depth + level > FM_MAX_DEPTH) {
                kb_diags_add(p->diags, KB_DIAG_ERROR, p->path,
                             line_of(p, p->ev.start_mark),
                             "front matter: nested too deeply");
                return 0;
            }
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            level--;
            break;
        default:
            break;
        }
    }
    return 1;
}

/* Plain-word warnings about scalar P->ev, the value of KEY: YAML took
 * part of it for something else (a list item indented under another, a
 * comment, an anchor or a tag). */
static void check_scalar(fm_parser_t *p, const char *key)
{
    const yaml_event_t *ev = &p->ev;
    int line = line_of(p, ev->start_mark);
    if (ev->data.scalar.anchor)
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, line,
                     "'%s': '&%s' was read as a YAML anchor and left out of the value: put "
                     "the value in quotes", key, (const char *)ev->data.scalar.anchor);
    if (ev->data.scalar.tag)
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, line,
                     "'%s': '%s' was read as a YAML tag and left out of the value: put the "
                     "value in quotes", key, (const char *)ev->data.scalar.tag);
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return;
    int swallowed = kbi_yaml_swallowed(&p->src, ev->start_mark.index, ev->end_mark.index);
    if (swallowed)
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, swallowed,
                     "'%s': this '- ' item is indented deeper than the line above, so YAML "
                     "joins the two into one (\"%.60s\"): put every '- ' of the list at the "
                     "same indentation", key, (const char *)ev->data.scalar.value);
    if (kbi_yaml_cut_by_comment(&p->src, ev->end_mark.index))
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, line_of(p, ev->end_mark),
                     "'%s' stops at ' #', which starts a YAML comment (it reads \"%.60s\"): "
                     "put the value in quotes to keep the rest", key,
                     (const char *)ev->data.scalar.value);
}

/* A mapping inside a list ("- What now: my card is gone"): one key and
 * one value are taken back as the text "key: value", with a warning; any
 * other shape is skipped.  The mapping's start event was just read. */
static int list_mapping(fm_parser_t *p, kbi_fm_entry_t *e)
{
    int line = line_of(p, p->ev.start_mark);
    kb_buf_t text = KB_BUF_INIT;
    int pieces = 0, ok = 1;
    for (;;) {
        if (!next_event(p)) {
            ok = 0;
            break;
        }
        if (p->ev.type == YAML_MAPPING_END_EVENT)
            break;
        if (p->ev.type != YAML_SCALAR_EVENT || pieces >= 2) {
            pieces = 3;
            if ((p->ev.type == YAML_SEQUENCE_START_EVENT ||
                 p->ev.type == YAML_MAPPING_START_EVENT) && !skip_collection(p, 3)) {
                ok = 0;
                break;
            }
            continue;
        }
        if (pieces++)
            kb_buf_adds(&text, ": ");
        kb_buf_add(&text, (const char *)p->ev.data.scalar.value, p->ev.data.scalar.length);
    }
    if (ok && pieces == 2 && text.data) {
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, line,
                     "'%s': this item holds ': ', so YAML reads it as 'key: value'; it is "
                     "taken as \"%.60s\", but put it in quotes", e->key, text.data);
        ok = kb_strlist_push(&e->list, text.data, text.len);
    } else if (ok) {
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, line,
                     "'%s': this item is not plain text and is left out: put it in quotes",
                     e->key);
    }
    kb_buf_free(&text);
    return ok;
}

/* Read a value (the event after a key) into E. */
static int read_value(fm_parser_t *p, kbi_fm_entry_t *e)
{
    if (!next_event(p))
        return 0;
    switch (p->ev.type) {
    case YAML_SCALAR_EVENT:
        check_scalar(p, e->key);
        if (is_null_scalar(&p->ev)) {
            e->kind = KBI_FM_NULL;
            return 1;
        }
        e->kind = KBI_FM_SCALAR;
        e->scalar = kb_strndup((const char *)p->ev.data.scalar.value,
                               p->ev.data.scalar.length);
        return e->scalar != NULL;
    case YAML_SEQUENCE_START_EVENT:
        e->kind = KBI_FM_LIST;
        for (;;) {
            if (!next_event(p))
                return 0;
            if (p->ev.type == YAML_SEQUENCE_END_EVENT)
                return 1;
            if (p->ev.type == YAML_SCALAR_EVENT) {
                check_scalar(p, e->key);
                if (is_null_scalar(&p->ev))
                    continue;
                if (!kb_strlist_push(&e->list, (const char *)p->ev.data.scalar.value,
                                      p->ev.data.scalar.length))
                    return 0;
            } else if (p->ev.type == YAML_MAPPING_START_EVENT) {
                if (!list_mapping(p, e))
                    return 0;
            } else if (p->ev.type == YAML_SEQUENCE_START_EVENT) {
                e->kind = KBI_FM_OTHER;
                if (!skip_collection(p, 2))
                    return 0;
            }
        }
    case YAML_MAPPING_START_EVENT:
        e->kind = KBI_FM_OTHER;
        return skip_collection(p, 1);
    default:
        kb_diags_add(p->diags, KB_DIAG_ERROR, p->path, line_of(p, p->ev.start_mark),
                     "front matter: unexpected YAML structure");
        return 0;
    }
}

static int push_entry(kbi_fm_t *fm, kbi_fm_entry_t *e, fm_parser_t *p)
{
    int found;
    const char *at = kb_strmap_get(p->keys, e->key, &found);
    if (found) {
        size_t i = (size_t)strtoul(at, NULL, 10);
        kb_diags_add(p->diags, KB_DIAG_WARNING, p->path, e->line,
                     "front matter: key '%s' repeated (line %d); the last one counts",
                     e->key, fm->entries[i].line);
        entry_clear(&fm->entries[i]);
        fm->entries[i] = *e;
        return 1;
    }
    if (fm->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 16;
        kbi_fm_entry_t *n = realloc(fm->entries, cap * sizeof *n);
        if (!n)
            return 0;
        fm->entries = n;
        p->cap = cap;
    }
    char num[24];
    snprintf(num, sizeof num, "%zu", fm->n);
    if (kb_strmap_set(p->keys, e->key, num) != KB_STATUS_SUCCESS)
        return 0;
    fm->entries[fm->n++] = *e;
    return 1;
}

kb_status_t kbi_fm_parse(const char *yaml, size_t len, int first_line, const char *path,
                         kb_diags_t *diags, kbi_fm_t *fm)
{
    memset(fm, 0, sizeof *fm);
    fm_parser_t p;
    memset(&p, 0, sizeof p);
    p.first_line = first_line;
    p.src = (kbi_yaml_src_t){yaml, len, first_line};
    p.path = path;
    p.diags = diags;
    if (kb_strmap_new(&p.keys) != KB_STATUS_SUCCESS)
        return KB_STATUS_OUT_OF_MEMORY;
    if (!yaml_parser_initialize(&p.yp)) {
        kb_strmap_free(p.keys);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    yaml_parser_set_input_string(&p.yp, (const unsigned char *)yaml, len);
    yaml_parser_set_encoding(&p.yp, YAML_UTF8_ENCODING);

    kb_status_t st = KB_STATUS_PARSE_ERROR;
    /* STREAM-START, then DOCUMENT-START or STREAM-END (empty front matter). */
    if (!next_event(&p) || p.ev.type != YAML_STREAM_START_EVENT)
        goto done;
    if (!next_event(&p))
        goto done;
    if (p.ev.type == YAML_STREAM_END_EVENT) {
        st = KB_STATUS_SUCCESS;
        goto done;
    }
    if (!next_event(&p))
        goto done;
    if (p.ev.type == YAML_SCALAR_EVENT && is_null_scalar(&p.ev)) {
        st = KB_STATUS_SUCCESS;  /* "---\n---": nothing in it */
        goto done;
    }
    if (p.ev.type != YAML_MAPPING_START_EVENT) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, line_of(&p, p.ev.start_mark),
                     "front matter must be a mapping of keys to values");
        goto done;
    }
    for (;;) {
        if (!next_event(&p))
            goto done;
        if (p.ev.type == YAML_MAPPING_END_EVENT)
            break;
        kbi_fm_entry_t e;
        memset(&e, 0, sizeof e);
        e.line = line_of(&p, p.ev.start_mark);
        if (p.ev.type != YAML_SCALAR_EVENT) {
            kb_diags_add(diags, KB_DIAG_ERROR, path, e.line,
                         "front matter: keys must be plain strings");
            goto done;
        }
        e.key = kb_strndup((const char *)p.ev.data.scalar.value, p.ev.data.scalar.length);
        if (!e.key) {
            st = KB_STATUS_OUT_OF_MEMORY;
            goto done;
        }
        if (!read_value(&p, &e) || !push_entry(fm, &e, &p)) {
            if (kb_diags_errors(diags) == 0)
                st = KB_STATUS_OUT_OF_MEMORY;
            entry_clear(&e);
            goto done;
        }
    }
    /* A second document in the front matter is not front matter. */
    if (!next_event(&p))
        goto done;
    if (p.ev.type == YAML_DOCUMENT_END_EVENT && !next_event(&p))
        goto done;
    if (p.ev.type != YAML_STREAM_END_EVENT) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, line_of(&p, p.ev.start_mark),
                     "front matter: more than one YAML document");
        goto done;
    }
    st = KB_STATUS_SUCCESS;
done:
    if (p.have_event)
        yaml_event_delete(&p.ev);
    yaml_parser_delete(&p.yp);
    kb_strmap_free(p.keys);
    if (st != KB_STATUS_SUCCESS)
        kbi_fm_clear(fm);
    return st;
}
