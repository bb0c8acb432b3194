/* dict.c - is a word ordinary English?  Spelling correction must not
 * "correct" a real word the knowledge base happens not to use ("tonight"
 * into "night", "France" into "franc").  kb-index stores the word list
 * (Debian's wbritish) in the index's metadata, sorted, one word per line
 * (indexer/dictionary.c); it is read the first time a query holds a word
 * the index does not know, and searched by bisection. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "schema/schema.h"

void kbs_dict_clear(kb_search_t *s)
{
    free(s->words);
    free(s->word_at);
    s->words = NULL;
    s->word_at = NULL;
    s->n_words = 0;
    s->words_loaded = 0;
}

static void load(kb_search_t *s)
{
    s->words_loaded = 1;
    size_t len;
    if (kb_xdb_get_metadata(s->db, KB_META_WORDS, &s->words, &len) != KB_STATUS_SUCCESS)
        return;
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += s->words[i] == '\n';
    s->word_at = malloc((n ? n : 1) * sizeof *s->word_at);
    if (!s->word_at)
        return;
    char *p = s->words;
    for (size_t i = 0; i < n; i++) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        s->word_at[s->n_words++] = p;
        p = nl + 1;
    }
}

int kbs_dict_has(kb_search_t *s, const char *word)
{
    if (!s->words_loaded)
        load(s);
    size_t lo = 0, hi = s->n_words;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(s->word_at[mid], word);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}
