/* synonyms.c - read the synonyms file and load it into the index. */
#include "synonyms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "frontmatter.h"
#include "schema/words.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/file.h"
#include "base/strmap.h"
#include <stdio.h>

#define SYNONYMS_MAX_BYTES (4u * 1024u * 1024u)

void kbi_synonyms_free(kbi_synonyms_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        kb_strlist_clear(&s->groups[i]);
    free(s->groups);
    free(s->lines);
    memset(s, 0, sizeof *s);
}

/* Refuse G (at LINE of PATH) when it is too big, or would take the file
 * past the pairs cap; 1 if it may be kept. */
static int group_fits(const char *path, kb_diags_t *diags, const kbi_synonyms_t *s,
                      const kb_strlist_t *g, int line, size_t *pairs)
{
    if (*pairs > KBI_SYNONYM_PAIRS_MAX)
        return 0;   /* past the cap: said once already */
    if (g->n > KBI_SYNONYM_GROUP_MAX) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                     "a synonym group of %zu items; at most %d (each item is stored with "
                     "every other): split it into groups of words that mean the same; "
                     "this group is left out", g->n, KBI_SYNONYM_GROUP_MAX);
        return 0;
    }
    size_t p = g->n * (g->n - 1);
    if (*pairs + p > KBI_SYNONYM_PAIRS_MAX) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                     "synonyms past %d pairs in all (after %zu groups); this group and the "
                     "rest of the file are left out", KBI_SYNONYM_PAIRS_MAX, s->n);
        *pairs = KBI_SYNONYM_PAIRS_MAX + 1;   /* one message, not one a line */
        return 0;
    }
    *pairs += p;
    return 1;
}

static int push_group(kbi_synonyms_t *s, kb_strlist_t *g, int line)
{
    kb_strlist_t *gs = realloc(s->groups, (s->n + 1) * sizeof *gs);
    if (!gs)
        return 0;
    s->groups = gs;
    int *ls = realloc(s->lines, (s->n + 1) * sizeof *ls);
    if (!ls)
        return 0;
    s->lines = ls;
    s->groups[s->n] = *g;
    s->lines[s->n] = line;
    s->n++;
    memset(g, 0, sizeof *g);
    return 1;
}

/* Split a comma-separated group into G, trimming and lowercasing items. */
static int split_group(const char *s, size_t len, kb_strlist_t *g)
{
    size_t i = 0;
    while (i <= len) {
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        if (b > a) {
            if (!kb_strlist_push(g, s + a, b - a))
                return 0;
            kb_ascii_lower(g->items[g->n - 1]);
        }
        i = j + 1;
    }
    return 1;
}

static kb_status_t parse_txt(const char *path, const char *buf, size_t len,
                             kb_diags_t *diags, kbi_synonyms_t *out)
{
    int line = 0;
    size_t i = 0, pairs = 0;
    while (i < len) {
        line++;
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len;
        const char *s = buf + i;
        size_t n = end - i;
        if (n && s[n - 1] == '\r')
            n--;
        size_t lead = 0;
        while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
            lead++;
        if (lead < n && s[lead] != '#') {
            kb_strlist_t g = {0};
            if (!split_group(s, n, &g)) {
                kb_strlist_clear(&g);
                return KB_STATUS_OUT_OF_MEMORY;
            }
            if (g.n < 2) {
                kb_diags_add(diags, KB_DIAG_WARNING, path, line,
                             "a synonym group needs at least two comma-separated items");
                kb_strlist_clear(&g);
            } else if (!group_fits(path, diags, out, &g, line, &pairs)) {
                kb_strlist_clear(&g);
            } else if (!push_group(out, &g, line)) {
                kb_strlist_clear(&g);
                return KB_STATUS_OUT_OF_MEMORY;
            }
        }
        i = end + 1;
    }
    return KB_STATUS_SUCCESS;
}

/* synonyms.yaml: a sequence whose items are sequences of strings or
 * comma-separated strings. */
static kb_status_t parse_yaml(const char *path, const char *buf, size_t len,
                              kb_diags_t *diags, kbi_synonyms_t *out)
{
    yaml_parser_t p;
    yaml_event_t ev;
    if (!yaml_parser_initialize(&p))
        return KB_STATUS_OUT_OF_MEMORY;
    yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
    kb_status_t st = KB_STATUS_SUCCESS;
    int depth = 0, done = 0;
    kb_strlist_t g = {0};
    int gline = 0;
    size_t pairs = 0;
    while (!done) {
        if (!yaml_parser_parse(&p, &ev)) {
            kb_diags_add(diags, KB_DIAG_ERROR, path, (int)p.problem_mark.line + 1, "%s",
                         p.problem ? p.problem : "invalid YAML");
            st = KB_STATUS_PARSE_ERROR;
            break;
        }
        int line = (int)ev.start_mark.line + 1;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_ALIAS_EVENT:
        case YAML_MAPPING_START_EVENT:
            kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                         "synonyms.yaml must be a list of lists of strings");
            st = KB_STATUS_PARSE_ERROR;
            done = 1;
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (++depth > 2) {
                kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                             "synonyms.yaml must be a list of lists of strings");
                st = KB_STATUS_PARSE_ERROR;
                done = 1;
            }
            gline = line;
            break;
        case YAML_SEQUENCE_END_EVENT:
            if (depth == 2) {
                if (g.n >= 2) {
                    if (group_fits(path, diags, out, &g, gline, &pairs) &&
                        !push_group(out, &g, gline))
                        st = KB_STATUS_OUT_OF_MEMORY, done = 1;
                } else {
                    kb_diags_add(diags, KB_DIAG_WARNING, path, gline,
                                 "a synonym group needs at least two items");
                }
                kb_strlist_clear(&g);
            }
            depth--;
            break;
        case YAML_SCALAR_EVENT:
            if (depth == 2) {
                if (!split_group((const char *)ev.data.scalar.value, ev.data.scalar.length, &g))
                    st = KB_STATUS_OUT_OF_MEMORY, done = 1;
            } else if (depth == 1) {
                kb_strlist_t one = {0};
                if (!split_group((const char *)ev.data.scalar.value, ev.data.scalar.length,
                                 &one)) {
                    st = KB_STATUS_OUT_OF_MEMORY, done = 1;
                } else if (one.n >= 2) {
                    if (group_fits(path, diags, out, &one, line, &pairs) &&
                        !push_group(out, &one, line))
                        st = KB_STATUS_OUT_OF_MEMORY, done = 1;
                } else {
                    kb_diags_add(diags, KB_DIAG_WARNING, path, line,
                                 "a synonym group needs at least two items");
                }
                kb_strlist_clear(&one);
            }
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    kb_strlist_clear(&g);
    yaml_parser_delete(&p);
    return st;
}

kb_status_t kbi_synonyms_load(const char *path, kb_diags_t *diags, kbi_synonyms_t *out)
{
    memset(out, 0, sizeof *out);
    char *buf;
    size_t len;
    kb_status_t st = kb_file_read(path, SYNONYMS_MAX_BYTES, &buf, &len);
    if (st == KB_STATUS_TOO_LARGE) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "file is over %u bytes",
                     SYNONYMS_MAX_BYTES);
        return st;
    }
    if (st != KB_STATUS_SUCCESS) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return st;
    }
    size_t bad;
    if (!kb_utf8_valid(buf, len, &bad)) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "invalid UTF-8 at byte %zu", bad);
        free(buf);
        return KB_STATUS_PARSE_ERROR;
    }
    out->hash = kb_hash64(buf, len);
    size_t n = strlen(path);
    if (n > 5 && strcmp(path + n - 5, ".yaml") == 0)
        st = parse_yaml(path, buf, len, diags, out);
    else
        st = parse_txt(path, buf, len, diags, out);
    free(buf);
    if (st != KB_STATUS_SUCCESS) {
        uint64_t h = out->hash;
        kbi_synonyms_free(out);
        out->hash = h;
    }
    return st;
}

typedef struct keys_ctx {
    kb_strlist_t keys;
    int oom;
} keys_ctx_t;

static int collect_key(void *vctx, const char *s, size_t len)
{
    keys_ctx_t *c = vctx;
    if (!kb_strlist_push(&c->keys, s, len)) {
        c->oom = 1;
        return 1;
    }
    return 0;
}

/* Keys: the item's words as written ("top up"), and for phrases also "Z"
 * and their stems ("Ztop up", so "topping up" finds the group).  Single
 * words are not keyed by stem: stems collide ("france" and "franc").
 * Values: the other items' words; the query side stems them. */
kb_status_t kbi_synonyms_apply(kb_xdb_t *db, kb_xstem_t *stem, const kbi_synonyms_t *s)
{
    keys_ctx_t c = {{0}, 0};
    kb_status_t st = kb_xdb_synonym_keys(db, "", collect_key, &c);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < c.keys.n; i++)
        st = kb_xdb_clear_synonyms(db, c.keys.items[i]);
    kb_strlist_clear(&c.keys);
    if (st != KB_STATUS_SUCCESS)
        return st;
    if (c.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_buf_t zkey = KB_BUF_INIT;
    for (size_t g = 0; s && g < s->n && st == KB_STATUS_SUCCESS; g++) {
        const kb_strlist_t *grp = &s->groups[g];
        char **words = calloc(grp->n, sizeof *words);
        char **stems = calloc(grp->n, sizeof *stems);
        if (!words || !stems) {
            free(words);
            free(stems);
            return KB_STATUS_OUT_OF_MEMORY;
        }
        for (size_t i = 0; i < grp->n && st == KB_STATUS_SUCCESS; i++) {
            st = kb_text_stem_key(NULL, grp->items[i], &words[i]);
            if (st == KB_STATUS_SUCCESS)
                st = kb_text_stem_key(stem, grp->items[i], &stems[i]);
        }
        for (size_t i = 0; i < grp->n && st == KB_STATUS_SUCCESS; i++) {
            if (!words[i][0] || strlen(words[i]) > 200)
                continue;
            int phrase = strchr(words[i], ' ') != NULL;
            kb_buf_clear(&zkey);
            kb_buf_printf(&zkey, "Z%s", stems[i]);
            if (zkey.oom)
                st = KB_STATUS_OUT_OF_MEMORY;
            for (size_t j = 0; j < grp->n && st == KB_STATUS_SUCCESS; j++) {
                if (i == j || !words[j][0] || strcmp(words[i], words[j]) == 0 ||
                    strlen(words[j]) > 200)
                    continue;
                st = kb_xdb_add_synonym(db, words[i], words[j]);
                if (st == KB_STATUS_SUCCESS && phrase)
                    st = kb_xdb_add_synonym(db, zkey.data, words[j]);
            }
        }
        for (size_t i = 0; i < grp->n; i++) {
            free(words[i]);
            free(stems[i]);
        }
        free(words);
        free(stems);
    }
    kb_buf_free(&zkey);
    return st;
}

void kbi_synonyms_overlap(const char *path, const kbi_synonyms_t *s, kb_diags_t *diags)
{
    kb_strmap_t *seen = NULL;   /* item's words -> line of its first group */
    if (!s || kb_strmap_new(&seen) != KB_STATUS_SUCCESS)
        return;
    for (size_t g = 0; g < s->n; g++) {
        const kb_strlist_t *grp = &s->groups[g];
        for (size_t i = 0; i < grp->n; i++) {
            char *key = NULL;
            if (kb_text_stem_key(NULL, grp->items[i], &key) != KB_STATUS_SUCCESS || !key[0]) {
                free(key);
                continue;
            }
            const char *first = kb_strmap_get(seen, key, NULL);
            char line[24];
            snprintf(line, sizeof line, "%d", s->lines[g]);
            if (first && strcmp(first, line) != 0)
                kb_diags_add(diags, KB_DIAG_WARNING, path, s->lines[g],
                             "'%s' is also in the group at line %s: searched, it mixes the "
                             "two groups' words (a few of them only); merge the groups or keep "
                             "it in one",
                             grp->items[i], first);
            else if (!first)
                kb_strmap_set(seen, key, line);
            free(key);
        }
    }
    kb_strmap_free(seen);
}
