/* pinsfile.c - pins.txt: pinned answers (lintmore.h, schema/pins.h).
 *
 *     # customer phrase -> article id
 *     lost my card -> card-lost-stolen
 *     where is my card -> card-not-arrived
 *
 * The phrase is matched like a query (schema/pins.h): "where's my card"
 * and "Where is my card?" are one phrase, and so are synonyms. */
#include "lintmore.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "schema/words.h"

/* A pins file larger than this is not a list of pins. */
#define PINS_MAX_BYTES (1024u * 1024u)

/* SYN's groups into MAP: each item's stem key -> the group's first item. */
static kb_status_t synonym_map(const kbi_synonyms_t *syn, kb_xstem_t *stem, kb_strmap_t *map)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t g = 0; syn && st == KB_STATUS_SUCCESS && g < syn->n; g++) {
        const kb_strlist_t *grp = &syn->groups[g];
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < grp->n; i++) {
            char *key = NULL;
            st = kb_text_stem_key(stem, grp->items[i], &key);
            if (st == KB_STATUS_SUCCESS && key[0] && !kb_strmap_get(map, key, NULL))
                st = kb_strmap_set(map, key, grp->items[0]);
            free(key);
        }
    }
    return st;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* One line of the file: a pin into OUT, or an error. */
static kb_status_t read_line(char *l, int line, const char *path, kb_xstem_t *stem,
                             kb_diags_t *diags, kb_schema_pins_t *out)
{
    char *arrow = strstr(l, "->");
    for (char *a = arrow; a; a = strstr(a + 2, "->"))
        arrow = a;   /* the last one: a phrase may hold "->" */
    if (!arrow) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                     "not a pin: write 'customer phrase -> article-id'; left out");
        return KB_STATUS_SUCCESS;
    }
    *arrow = '\0';
    char *phrase = trim(l), *id = trim(arrow + 2);
    if (!kb_id_valid(id)) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                     "'%.60s' is not an article id (lowercase letters, digits and hyphens); "
                     "left out", id);
        return KB_STATUS_SUCCESS;
    }
    char *key = NULL;
    kb_status_t st = kb_schema_words_key(stem, phrase, out->syn, &key);
    if (st == KB_STATUS_SUCCESS && !key[0])
        kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                     "the phrase \"%.60s\" has no word that counts (only words such as "
                     "\"hi\", \"please\", \"the\"); left out", phrase);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && key[0] && i < out->n; i++) {
        if (strcmp(out->items[i].key, key) != 0)
            continue;
        kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                     "\"%.60s\" is pinned twice: line %d pins the same words (\"%.60s\") to "
                     "'%s'; the first counts, this line is left out", phrase,
                     out->items[i].line, out->items[i].phrase, out->items[i].id);
        key[0] = '\0';
    }
    if (st == KB_STATUS_SUCCESS && key[0])
        st = kb_schema_pins_add(out, phrase, id, line, key);
    free(key);
    return st;
}

kb_status_t kbi_pins_load(const char *path, const kbi_synonyms_t *syn, kb_diags_t *diags,
                          kb_schema_pins_t *out)
{
    memset(out, 0, sizeof *out);
    char *buf = NULL;
    size_t len = 0, bad;
    kb_status_t st = kb_file_read(path, PINS_MAX_BYTES, &buf, &len);
    if (st == KB_STATUS_TOO_LARGE)
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "over %u bytes: no pins", PINS_MAX_BYTES);
    else if (st != KB_STATUS_SUCCESS)
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "cannot read: %s; no pins", strerror(errno));
    if (st != KB_STATUS_SUCCESS)
        return st == KB_STATUS_OUT_OF_MEMORY ? st : KB_STATUS_FILE_ERROR;
    if (!kb_utf8_valid(buf, len, &bad)) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "invalid UTF-8 at byte %zu; no pins", bad);
        free(buf);
        return KB_STATUS_FILE_ERROR;
    }
    kb_xstem_t *stem = NULL;
    st = kb_text_stemmer(&stem);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_new(&out->syn);
    if (st == KB_STATUS_SUCCESS)
        st = synonym_map(syn, stem, out->syn);
    int line = 0;
    for (char *p = buf, *nl; st == KB_STATUS_SUCCESS && p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        line++;
        char *l = trim(p);
        if (*l && *l != '#')
            st = read_line(l, line, path, stem, diags, out);
    }
    kb_xstem_free(stem);
    free(buf);
    if (st != KB_STATUS_SUCCESS)
        kb_schema_pins_clear(out);
    return st;
}

void kbi_pins_check(kb_schema_pins_t *p, const char *path, kbi_node_fn node, void *ctx,
                    kb_diags_t *diags)
{
    size_t kept = 0;
    for (size_t i = 0; i < p->n; i++) {
        kb_schema_pin_t *x = &p->items[i];
        const kb_schema_node_t *n = node(ctx, x->id);
        if (!n)
            kb_diags_add(diags, KB_DIAG_ERROR, path, x->line,
                         "pin to '%s': no article has that id; left out", x->id);
        else if (!kb_schema_node_published(n))
            kb_diags_add(diags, KB_DIAG_ERROR, path, x->line,
                         "pin to '%s', which is %s: officers cannot be given it; publish it "
                         "or pin another article; left out", x->id,
                         strcmp(n->status, "draft") == 0 ? "a draft" : "archived");
        if (n && kb_schema_node_published(n)) {
            p->items[kept++] = *x;
            continue;
        }
        free(x->phrase);
        free(x->id);
        free(x->key);
    }
    p->n = kept;
}
