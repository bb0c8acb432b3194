/* synonyms.c - synonym groups in a query.  A run of words that is a
 * synonym key ("cash machine") keeps its own words and adds its
 * alternatives ("atm", "cashpoint") at a lower weight, so a rare word the
 * customer used keeps its weight and a word the KB never uses still finds
 * what it means.  Synonyms are looked up on the corrected words when the
 * query is searched corrected. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "build.h"

/* Alternatives taken from one synonym group: a few carry the meaning; more
 * only lengthen the query. */
#define MAX_ALTERNATIVES 8
/* Weight of a synonym alternative against the word the officer typed. */
#define SYN_WEIGHT 0.2

typedef struct syn_ctx {
    kb_strlist_t found;
    int oom;
} syn_ctx_t;

static int collect_syn(void *vctx, const char *s, size_t len)
{
    syn_ctx_t *c = vctx;
    if (!kb_strlist_push(&c->found, s, len)) {
        c->oom = 1;
        return 1;
    }
    return c->found.n >= MAX_ALTERNATIVES;
}

/* Look KEY up in the synonyms; the alternatives go to C. */
static void lookup(kbs_builder_t *b, const char *key, syn_ctx_t *c)
{
    if (b->t.st != KB_STATUS_SUCCESS || !key[0] || strlen(key) > KB_XTERM_MAX)
        return;
    kbs_qfail(&b->t, kb_xdb_synonyms(b->s->db, key, collect_syn, c));
    if (c->oom)
        kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
}

/* The query for one alternative, written as words ("add money"): the
 * stems of its non-stopwords, all required. */
static kb_xquery_t *alternative_query(kbs_builder_t *b, const char *alt, const char *detail)
{
    kb_tokens_t tk;
    if (b->t.st != KB_STATUS_SUCCESS)
        return NULL;
    kb_status_t st = kb_text_tokens(b->s->stem, alt, strlen(alt), &tk);
    if (st != KB_STATUS_SUCCESS) {
        kbs_qfail(&b->t, st);
        return NULL;
    }
    kbs_qlist_t parts = {0};
    for (size_t i = 0; i < tk.n; i++)
        if (!kb_text_is_stopword(tk.words[i]))
            kbs_qlist_push(&b->t, &parts,
                           kbs_sourced_term(b, "Z", tk.stems[i], alt, "synonym", detail));
    kb_tokens_free(&tk);
    return kbs_qlist_combine(&b->t, &parts, KB_XOP_AND);
}

/* The alternatives of FOUND for the span WORDS, OR'ed, each once ("pay
 * money in" and "paying money in" are one alternative). */
static kb_xquery_t *alternatives(kbs_builder_t *b, const kb_strlist_t *found, const char *words)
{
    kb_buf_t detail = KB_BUF_INIT;
    kb_buf_printf(&detail, "synonym of '%s'", words);
    kb_strmap_t *seen = NULL;
    if (detail.oom)
        kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
    else if (b->t.st == KB_STATUS_SUCCESS)
        kbs_qfail(&b->t, kb_strmap_new(&seen));
    kbs_qlist_t alts = {0};
    for (size_t a = 0; a < found->n && b->t.st == KB_STATUS_SUCCESS; a++) {
        kb_xquery_t *aq = alternative_query(b, found->items[a], detail.data);
        char *desc = NULL;
        int dup = 0;
        if (aq)
            kbs_qfail(&b->t, kb_xquery_describe(aq, &desc));
        if (desc) {
            kb_strmap_get(seen, desc, &dup);
            if (!dup)
                kbs_qfail(&b->t, kb_strmap_set(seen, desc, NULL));
        }
        free(desc);
        if (dup)
            kb_xquery_free(aq);
        else
            kbs_qlist_push(&b->t, &alts, aq);
    }
    kb_strmap_free(seen);
    kb_buf_free(&detail);
    return kbs_qlist_combine(&b->t, &alts, KB_XOP_OR);
}

/* Find the synonyms of the span's WORDS, then of its STEMS (phrases:
 * "topping up" as "top up"), then of a single word without its plural s. */
static void find_synonyms(kbs_builder_t *b, kb_buf_t *words, const kb_buf_t *stems, size_t k,
                          syn_ctx_t *c)
{
    lookup(b, words->data, c);
    if (!c->found.n && k > 1)
        lookup(b, stems->data, c);
    if (!c->found.n && k == 1 && words->len > 3 && words->data[words->len - 1] == 's') {
        words->data[--words->len] = '\0';
        lookup(b, words->data, c);
        words->data[words->len++] = 's';
    }
}

kb_xquery_t *kbs_span_query(kbs_builder_t *b, const kbs_item_t *it, size_t i, size_t k)
{
    if (b->t.st != KB_STATUS_SUCCESS)
        return NULL;
    kb_buf_t words = KB_BUF_INIT, stems = KB_BUF_INIT;
    int searchable = 0;
    kb_buf_addc(&stems, 'Z');
    for (size_t j = i; j < i + k; j++) {
        if (j > i) {
            kb_buf_addc(&words, ' ');
            kb_buf_addc(&stems, ' ');
        }
        kb_buf_adds(&words, kbs_eff_word(b, &it->tokens[j]));
        kb_buf_adds(&stems, kbs_eff_stem(b, &it->tokens[j]));
        searchable |= !it->tokens[j].stop;
    }
    syn_ctx_t c = {{0}, 0};
    if (words.oom || stems.oom)
        kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
    else if (searchable)
        find_synonyms(b, &words, &stems, k, &c);
    kb_xquery_t *q = NULL;
    if (c.found.n) {
        kbs_qlist_t own = {0};
        for (size_t j = i; j < i + k; j++)
            if (!it->tokens[j].stop)
                kbs_qlist_push(&b->t, &own, kbs_token_query(b, &it->tokens[j]));
        kb_xquery_t *ownq = kbs_qlist_combine(&b->t, &own, KB_XOP_AND);
        /* An alternative stands for every content word of the span. */
        b->mask = 0;
        for (size_t j = i; j < i + k; j++)
            b->mask |= kbs_token_bit(&it->tokens[j]);
        kb_xquery_t *alts = kbs_qscale(&b->t, alternatives(b, &c.found, words.data), SYN_WEIGHT);
        b->mask = 0;
        q = kbs_qjoin(&b->t, KB_XOP_OR, ownq, alts);
    }
    kb_strlist_clear(&c.found);
    kb_buf_free(&words);
    kb_buf_free(&stems);
    return q;
}
