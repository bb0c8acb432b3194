/* dictionary.c - load the English word list into the index. */
#include "dictionary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/indexer.h"
#include "kb/util.h"

#define DICT_DEFAULT "/usr/share/dict/british-english"
#define DICT_MAX (16u * 1024u * 1024u)

/* Add every usable line of LIST (LEN bytes) to DOC as an XW term. */
static kb_status_t add_words(kb_xdoc_t *doc, const char *list, size_t len)
{
    char term[80];
    size_t plen = strlen(KB_PREFIX_DICTIONARY);
    memcpy(term, KB_PREFIX_DICTIONARY, plen);
    kb_status_t st = KB_STATUS_SUCCESS;
    for (const char *p = list, *end = list + len; p < end && st == KB_STATUS_SUCCESS;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        /* Possessives ("France's") add nothing the stem does not. */
        int skip = n == 0 || n + plen >= sizeof term || (n > 2 && p[n - 2] == '\'' && p[n - 1] == 's');
        if (!skip) {
            for (size_t i = 0; i < n; i++) {
                char c = p[i];
                term[plen + i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
            }
            term[plen + n] = '\0';
            st = kb_xdoc_add_term(doc, term, 0);
        }
        p += n + 1;
    }
    return st;
}

kb_status_t kbi_dictionary_apply(kb_xdb_t *db, int force, int *changed)
{
    *changed = 0;
    const char *path = getenv("KB_DICT");
    if (!path || !*path)
        path = DICT_DEFAULT;
    char *list = NULL;
    size_t len = 0;
    char hash[32] = "none";
    if (strcmp(path, "none") != 0 &&
        kb_file_read(path, DICT_MAX, &list, &len) == KB_STATUS_SUCCESS &&
        kb_utf8_valid(list, len, NULL))
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)kb_hash64(list, len));
    char *old = NULL;
    kb_status_t st = kb_xdb_get_metadata(db, KB_META_DICTIONARY, &old, NULL);
    if (st != KB_STATUS_SUCCESS || (!force && strcmp(old, hash) == 0)) {
        free(old);
        free(list);
        return st;
    }
    free(old);
    if (strcmp(hash, "none") == 0) {
        st = kb_xdb_delete_documents(db, KB_TERM_DICTIONARY);
    } else {
        kb_xdoc_t *doc;
        st = kb_xdoc_new(&doc);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_add_term(doc, KB_TERM_DICTIONARY, 0);
        if (st == KB_STATUS_SUCCESS)
            st = add_words(doc, list, len);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdb_replace_document(db, KB_TERM_DICTIONARY, doc, NULL);
        kb_xdoc_free(doc);
    }
    free(list);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(db, KB_META_DICTIONARY, hash, strlen(hash));
    if (st == KB_STATUS_SUCCESS)
        *changed = 1;
    return st;
}
