/* prepare.c - tokenize the query and decide spelling corrections.
 *
 * Customers' words arrive with typos.  A word is corrected only when the
 * index has never seen it (neither the word nor its stem), it is long enough
 * to be a real typo (four letters or more), and it holds no digit or
 * underscore: numbers, dates and error codes are never "corrected" (2024
 * must not become 2025); nor is a word of the English word list
 * (schema/wordlist.h).  The suggestion must itself be in the index, so
 * the corrected query can find something; kb_search_run() then checks the
 * corrected query really does before reporting it.
 */
#include <stdlib.h>
#include <string.h>

#include "base/edits.h"
#include "internal.h"
#include "base/normalize.h"
#include "base/utf8.h"

/* Shortest word we try to correct: shorter ones are too easy to turn into
 * another real word. */
#define MIN_CORRECT 4

static void token_clear(kbs_token_t *t)
{
    free(t->word);
    free(t->stem);
    free(t->fixed);
    free(t->fixed_stem);
}

void kbs_prepared_clear(kbs_prepared_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        for (size_t j = 0; j < p->items[i].n; j++)
            token_clear(&p->items[i].tokens[j]);
        free(p->items[i].tokens);
    }
    free(p->items);
    kb_strlist_clear(&p->categories);
    kb_strlist_clear(&p->tags);
    memset(p, 0, sizeof *p);
}

/* A word that selects nothing: a stopword, a conversation word, or a
 * negation ("can't", "didn't": it weighs in, it does not pick a topic). */
int kbs_word_is_stop(const char *w)
{
    size_t n = strlen(w);
    return kb_text_is_stopword(w) || kb_text_is_filler(w) ||
           (n > 3 && strcmp(w + n - 3, "n't") == 0);
}

/* A word the index has never seen, two edits or more from the nearest
 * word it has, is more often a name, a brand or slang ("currys",
 * "deliveroo") than a typo: it is corrected only when nothing else in the
 * query can find the answer.  One edit away is a typo ("arived"). */
static void keep_names(kbs_prepared_t *out)
{
    size_t sure = 0;   /* content words the index knows or that are near */
    for (size_t i = 0; i < out->n; i++)
        for (size_t j = 0; j < out->items[i].n; j++) {
            const kbs_token_t *t = &out->items[i].tokens[j];
            if (t->content >= 0 && (!t->unknown || (t->fixed && kb_edits(t->word, t->fixed, 0) <= 1)))
                sure++;
        }
    for (size_t i = 0; i < out->n && sure; i++) {
        for (size_t j = 0; j < out->items[i].n; j++) {
            kbs_token_t *t = &out->items[i].tokens[j];
            if (t->fixed && kb_edits(t->word, t->fixed, 0) >= 2) {
                free(t->fixed);
                free(t->fixed_stem);
                t->fixed = t->fixed_stem = NULL;
                out->corrections--;
            }
        }
    }
}

static int correctable(const char *w)
{
    size_t n = strlen(w);
    if (kb_utf8_length(w, n) < MIN_CORRECT)
        return 0;
    for (const char *c = w; *c; c++)
        if ((*c >= '0' && *c <= '9') || *c == '_')
            return 0;
    return 1;
}

static kb_status_t known(kb_search_t *s, const char *word, const char *stem, int *yes)
{
    unsigned f = 0;
    *yes = 0;
    kb_status_t st = kb_xdb_termfreq(s->db, word, &f);
    if (st != KB_STATUS_SUCCESS || f) {
        *yes = f > 0;
        return st;
    }
    kb_buf_t z = KB_BUF_INIT;
    kb_buf_printf(&z, "Z%s", stem);
    if (z.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    st = z.len <= KB_XTERM_MAX ? kb_xdb_termfreq(s->db, z.data, &f) : KB_STATUS_SUCCESS;
    kb_buf_free(&z);
    *yes = f > 0;
    return st;
}

/* Decide the correction of token T (a searchable word of a free-text item). */
static kb_status_t correct(kb_search_t *s, kbs_token_t *t)
{
    int yes;
    kb_status_t st = known(s, t->word, t->stem, &yes);
    if (st != KB_STATUS_SUCCESS || yes)
        return st;
    t->unknown = 1;
    if (!correctable(t->word) || t->slang)
        return KB_STATUS_SUCCESS;
    /* A real English word is what the customer said, not a typo. */
    if (kb_wordlist_has(kbs_words(s), t->word))
        return KB_STATUS_SUCCESS;
    /* Short words get one edit, longer ones two. */
    unsigned edits = kb_utf8_length(t->word, strlen(t->word)) <= 5 ? 1 : 2;
    char *sugg;
    st = kb_xdb_spelling_suggestion(s->db, t->word, edits, &sugg);
    if (st != KB_STATUS_SUCCESS)
        return st;
    if (!sugg[0] || strcmp(sugg, t->word) == 0) {
        free(sugg);
        return KB_STATUS_SUCCESS;
    }
    char *fstem = NULL;
    st = kb_xstem_word(s->stem, sugg, strlen(sugg), &fstem);
    if (st == KB_STATUS_SUCCESS)
        st = known(s, sugg, fstem, &yes);
    if (st != KB_STATUS_SUCCESS || !yes) {
        free(sugg);
        free(fstem);
        return st;
    }
    t->fixed = sugg;
    t->fixed_stem = fstem;
    return KB_STATUS_SUCCESS;
}

/* Add filter value V to L (once), folded as the index's filter terms are
 * (base/normalize.h): "Card", "CARD" and "ｃａｒｄ" are one tag. */
static kb_status_t push_folded(kb_strlist_t *l, const char *v)
{
    if (!v || !*v)
        return KB_STATUS_SUCCESS;
    char *f = NULL;
    size_t n = 0;
    kb_status_t st = kb_text_fold(v, strlen(v), &f, &n);
    if (st == KB_STATUS_SUCCESS && n && !kb_strlist_has(l, f) && !kb_strlist_push(l, f, n))
        st = KB_STATUS_OUT_OF_MEMORY;
    free(f);
    return st;
}

kb_status_t kbs_prepare(kb_search_t *s, const kb_qparsed_t *p, const kb_request_t *req,
                        kbs_prepared_t *out)
{
    memset(out, 0, sizeof *out);
    kb_status_t st = KB_STATUS_SUCCESS;
    out->items = calloc(p->n ? p->n : 1, sizeof *out->items);
    if (!out->items)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < p->n && st == KB_STATUS_SUCCESS; i++) {
        const kb_qitem_t *q = &p->items[i];
        kbs_item_t *it = &out->items[out->n++];
        it->src = q;
        kb_tokens_t tk;
        st = kb_text_tokens(s->stem, q->text, strlen(q->text), &tk);
        if (st != KB_STATUS_SUCCESS)
            break;
        it->tokens = calloc(tk.n ? tk.n : 1, sizeof *it->tokens);
        if (!it->tokens) {
            kb_tokens_free(&tk);
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        for (size_t j = 0; j < tk.n; j++) {
            kbs_token_t *t = &it->tokens[it->n++];
            t->word = tk.words[j];
            t->stem = tk.stems[j];
            tk.words[j] = tk.stems[j] = NULL;
            t->stop = kbs_word_is_stop(t->word);
            const char *sl = kb_text_slang(t->word);
            if (sl && st == KB_STATUS_SUCCESS) {
                /* Shorthand is searched as the word it stands for. */
                t->slang = 1;
                t->stop = kbs_word_is_stop(sl);
                free(t->stem);
                t->stem = NULL;
                st = kb_xstem_word(s->stem, sl, strlen(sl), &t->stem);
            }
            t->content = -1;
            if (!t->stop && !q->exclude && out->n_content < KBS_MAX_CONTENT)
                t->content = (int)out->n_content++;
            if (q->kind == KB_QITEM_TEXT && !q->exclude) {
                if (t->stop)
                    out->stopwords++;
                else
                    out->words++;
            } else if (q->kind == KB_QITEM_PHRASE && !q->exclude) {
                out->words++;
            }
            if (!req->plain && q->kind == KB_QITEM_TEXT && !q->exclude && !t->stop &&
                st == KB_STATUS_SUCCESS) {
                st = correct(s, t);
                if (t->fixed)
                    out->corrections++;
            }
        }
        kb_tokens_free(&tk);
    }
    for (size_t i = 0; i < p->categories.n && st == KB_STATUS_SUCCESS; i++)
        st = push_folded(&out->categories, p->categories.items[i]);
    for (size_t i = 0; i < p->tags.n && st == KB_STATUS_SUCCESS; i++)
        st = push_folded(&out->tags, p->tags.items[i]);
    for (size_t i = 0; i < req->n_categories && st == KB_STATUS_SUCCESS; i++)
        st = push_folded(&out->categories, req->categories[i]);
    for (size_t i = 0; i < req->n_tags && st == KB_STATUS_SUCCESS; i++)
        st = push_folded(&out->tags, req->tags[i]);
    if (st == KB_STATUS_SUCCESS)
        keep_names(out);
    if (st != KB_STATUS_SUCCESS)
        kbs_prepared_clear(out);
    return st;
}

/* Replace each corrected word of ITEM's text, keeping everything else the
 * officer typed (case of other words, punctuation) as it was. */
static void corrected_text(kb_buf_t *b, const kbs_item_t *it)
{
    const char *text = it->src->text;
    size_t pos = 0;
    for (size_t j = 0; j < it->n; j++) {
        const kbs_token_t *t = &it->tokens[j];
        if (!t->fixed)
            continue;
        /* Find the word, case-insensitively, from POS on. */
        size_t wl = strlen(t->word);
        const char *hit = NULL;
        for (const char *c = text + pos; *c && !hit; c++)
            if (strncasecmp(c, t->word, wl) == 0)
                hit = c;
        if (!hit)
            continue;
        kb_buf_add(b, text + pos, (size_t)(hit - (text + pos)));
        kb_buf_adds(b, t->fixed);
        pos = (size_t)(hit - text) + wl;
    }
    kb_buf_adds(b, text + pos);
}

char *kbs_corrected_string(const kb_qparsed_t *p, const kbs_prepared_t *prep)
{
    kb_buf_t b = KB_BUF_INIT;
    for (size_t i = 0; i < prep->n; i++) {
        const kbs_item_t *it = &prep->items[i];
        if (b.len)
            kb_buf_addc(&b, ' ');
        if (it->src->exclude)
            kb_buf_addc(&b, '-');
        if (it->src->kind == KB_QITEM_PHRASE)
            kb_buf_printf(&b, "\"%s\"", it->src->text);
        else
            corrected_text(&b, it);
    }
    for (size_t i = 0; i < p->categories.n; i++)
        kb_buf_printf(&b, "%scategory:%s", b.len ? " " : "", p->categories.items[i]);
    for (size_t i = 0; i < p->tags.n; i++) {
        const char *t = p->tags.items[i];
        kb_buf_printf(&b, strchr(t, ' ') ? "%stag:\"%s\"" : "%stag:%s", b.len ? " " : "", t);
    }
    return kb_buf_take(&b);
}
