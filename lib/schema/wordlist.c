/* wordlist.c - the English word list: stored by kb-index, looked up by
 * spelling correction (wordlist.h). */
#include "schema/wordlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema/schema.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/file.h"

#define DICT_DEFAULT "/usr/share/dict/british-english"
#define DICT_MAX (16u * 1024u * 1024u)

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The usable lines of LIST (LEN bytes, changed in place) lowercased,
 * sorted and unique, joined by newlines into *OUT (caller frees). */
static kb_status_t word_blob(char *list, size_t len, char **out, size_t *out_len)
{
    *out = NULL;
    size_t cap = 1024, n = 0;
    char **words = malloc(cap * sizeof *words);
    if (!words)
        return KB_STATUS_OUT_OF_MEMORY;
    for (char *p = list, *end = list + len; p < end;) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t wl = nl ? (size_t)(nl - p) : (size_t)(end - p);
        p[wl < (size_t)(end - p) ? wl : 0] = '\0';
        /* Possessives ("France's") add nothing the word does not. */
        int skip = wl == 0 || wl > 60 || (wl > 2 && p[wl - 2] == '\'' && p[wl - 1] == 's');
        if (!skip && nl) {
            kb_ascii_lower(p);
            if (n == cap) {
                char **w = realloc(words, (cap *= 2) * sizeof *w);
                if (!w) {
                    free(words);
                    return KB_STATUS_OUT_OF_MEMORY;
                }
                words = w;
            }
            words[n++] = p;
        }
        p += wl + 1;
    }
    if (n)
        qsort(words, n, sizeof *words, cmp_str);
    kb_buf_t b = KB_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i && strcmp(words[i], words[i - 1]) == 0)
            continue;
        kb_buf_adds(&b, words[i]);
        kb_buf_addc(&b, '\n');
    }
    free(words);
    *out_len = b.len;
    *out = kb_buf_take(&b);
    return *out ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

kb_status_t kb_wordlist_store(kb_xdb_t *db, int force, int *changed)
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
    char *blob = NULL;
    size_t blen = 0;
    if (strcmp(hash, "none") != 0)
        st = word_blob(list, len, &blob, &blen);
    free(list);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(db, KB_META_WORDS, blob ? blob : "", blen);
    free(blob);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(db, KB_META_DICTIONARY, hash, strlen(hash));
    if (st == KB_STATUS_SUCCESS)
        *changed = 1;
    return st;
}

void kb_wordlist_clear(kb_wordlist_t *w)
{
    free(w->blob);
    free(w->at);
    memset(w, 0, sizeof *w);
}

void kb_wordlist_load(kb_xdb_t *db, kb_wordlist_t *w)
{
    memset(w, 0, sizeof *w);
    size_t len;
    if (kb_xdb_get_metadata(db, KB_META_WORDS, &w->blob, &len) != KB_STATUS_SUCCESS)
        return;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += w->blob[i] == '\n';
    w->at = malloc((n ? n : 1) * sizeof *w->at);
    if (!w->at)
        return;
    char *p = w->blob;
    for (size_t i = 0; i < n; i++) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        w->at[w->n++] = p;
        p = nl + 1;
    }
}

int kb_wordlist_has(const kb_wordlist_t *w, const char *word)
{
    size_t lo = 0, hi = w->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(w->at[mid], word);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
