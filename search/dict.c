/* dict.c - is a word ordinary English?  Spelling correction must not
 * "correct" a real word the knowledge base happens not to use ("tonight"
 * into "night", "France" into "franc").  kb-index stores the word list
 * (Debian's wbritish) in the index as XW terms of one document
 * (indexer/dictionary.c), so the answer is one term lookup. */
#include <string.h>

#include "internal.h"
#include "kb/indexer.h"

int kbs_dict_has(kb_search_t *s, const char *word)
{
    char term[KB_XTERM_MAX + 1];
    size_t plen = strlen(KB_PREFIX_DICTIONARY), n = strlen(word);
    if (plen + n > KB_XTERM_MAX)
        return 0;
    memcpy(term, KB_PREFIX_DICTIONARY, plen);
    memcpy(term + plen, word, n + 1);
    unsigned f = 0;
    return kb_xdb_termfreq(s->db, term, &f) == KB_STATUS_SUCCESS && f > 0;
}
