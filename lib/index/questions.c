/* questions.c - a customer question asked in two articles (lintmore.h).
 *
 * Two articles with the same question compete for it: the one that wins
 * may not be the one that answers (a "Where is my card?" added to
 * joint-accounts outranked card-not-arrived).  Questions and phrases are
 * compared as search reads their words: folded (case, accents, Unicode
 * forms), tokenized (punctuation) and stemmed ("cards arrived" is "card
 * arrive"), every word kept in its order: dropping the words search
 * weighs little would make "where can I use my card" and "I can't use my
 * card" one question. */
#include "lintmore.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "schema/words.h"

struct kbi_questions {
    kb_xstem_t *stem;
    kb_strmap_t *seen;   /* words key -> "path\x1fid\x1fquestion" */
};

kb_status_t kbi_questions_new(kbi_questions_t **out)
{
    *out = NULL;
    kbi_questions_t *q = calloc(1, sizeof *q);
    if (!q)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = kb_text_stemmer(&q->stem);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_new(&q->seen);
    if (st != KB_STATUS_SUCCESS) {
        kbi_questions_free(q);
        return st;
    }
    *out = q;
    return KB_STATUS_SUCCESS;
}

void kbi_questions_free(kbi_questions_t *q)
{
    if (!q)
        return;
    kb_xstem_free(q->stem);
    kb_strmap_free(q->seen);
    free(q);
}

static int key_line(const kb_article_t *a, const char *key)
{
    for (size_t i = 0; i < a->n_keys; i++)
        if (strcmp(a->keys[i].key, key) == 0)
            return a->keys[i].line;
    return 1;
}

/* Note TEXT (a question of A, or a phrase when PHRASE). */
static kb_status_t note(kbi_questions_t *q, const kb_article_t *a, const char *text, int phrase,
                        kb_diags_t *diags)
{
    char *key = NULL;
    kb_status_t st = kb_text_stem_key(q->stem, text, &key);
    if (st != KB_STATUS_SUCCESS || !key[0]) {
        free(key);
        return st;
    }
    const char *before = kb_strmap_get(q->seen, key, NULL);
    if (before) {
        const char *id = strchr(before, '\x1f');
        const char *other = id ? strchr(id + 1, '\x1f') : NULL;
        if (other && strncmp(id + 1, a->id, (size_t)(other - id - 1)) != 0)
            kb_diags_add(diags, KB_DIAG_WARNING, a->path,
                         key_line(a, phrase ? "phrases" : "questions"),
                         "the customer question \"%.80s\" is also asked in %.*s (\"%.80s\"): the "
                         "two articles compete for it; keep it in the one that answers it",
                         text, (int)(id - before), before, other + 1);
    } else {
        kb_buf_t v = KB_BUF_INIT;
        kb_buf_printf(&v, "%s\x1f%s\x1f%s", a->path, a->id, text);
        st = v.oom ? KB_STATUS_OUT_OF_MEMORY : kb_strmap_set(q->seen, key, v.data);
        kb_buf_free(&v);
    }
    free(key);
    return st;
}

kb_status_t kbi_questions_add(kbi_questions_t *q, const kb_article_t *a, kb_diags_t *diags)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < a->n_questions; i++)
        st = note(q, a, a->questions[i], 0, diags);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < a->n_phrases; i++)
        st = note(q, a, a->phrases[i], 1, diags);
    return st;
}
