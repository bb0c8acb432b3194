/* triggers.c - trigger phrases matched the way people talk (triggers.h). */
#include "triggers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "schema/words.h"

/* Contractions typed without their apostrophe that are no other word. */
static const struct {
    const char *word;
    const char *as;
} contractions[] = {
    {"didnt", "did not"},     {"dont", "do not"},       {"doesnt", "does not"},
    {"cant", "can not"},      {"cannot", "can not"},    {"wont", "will not"},
    {"isnt", "is not"},       {"wasnt", "was not"},     {"havent", "have not"},
    {"hasnt", "has not"},     {"arent", "are not"},     {"werent", "were not"},
    {"wouldnt", "would not"}, {"couldnt", "could not"}, {"shouldnt", "should not"},
    {"im", "i am"},           {"ive", "i have"},        {"theyve", "they have"},
    {"youre", "you are"},     {"hes", "he is"},         {"shes", "she is"},
    {"its", "it is"},         {"theyre", "they are"},   {"youve", "you have"},
    {"weve", "we have"},      {"theyll", "they will"},  {"youll", "you will"},
    {"thats", "that is"},     {"whats", "what is"},     {"theres", "there is"},
};

/* What an apostrophe's ending stands for ("I'll": "I will"); "n't" and
 * "'s" are read apart. */
static const struct {
    const char *end;
    const char *as;
} endings[] = {
    {"ll", "will"}, {"d", "would"}, {"re", "are"}, {"ve", "have"}, {"m", "am"},
};

/* "'s" that stands for "is" (else it is a possessive: "mum's card"). */
static const char *const is_words[] = {
    "it", "he", "she", "that", "what", "there", "who", "here", "where", "how", "everything",
    "nothing", "something", NULL};

typedef kb_status_t (*form_fn)(void *ctx, const char *form);

/* WORD stemmed, pushed with FN. */
static kb_status_t stemmed(kb_xstem_t *stem, const char *word, form_fn fn, void *ctx)
{
    char *st_word = NULL;
    kb_status_t st = stem ? kb_xstem_word(stem, word, strlen(word), &st_word)
                          : KB_STATUS_BAD_ARGUMENT;
    if (st == KB_STATUS_OUT_OF_MEMORY)
        return st;
    st = fn(ctx, st_word && st_word[0] ? st_word : word);
    free(st_word);
    return st;
}

/* The words of AS ("did not"), each stemmed, pushed with FN. */
static kb_status_t read_out(kb_xstem_t *stem, const char *as, form_fn fn, void *ctx)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    while (*as && st == KB_STATUS_SUCCESS) {
        const char *sp = strchr(as, ' ');
        size_t n = sp ? (size_t)(sp - as) : strlen(as);
        char w[24];
        if (n >= sizeof w)
            return KB_STATUS_BAD_ARGUMENT;
        memcpy(w, as, n);
        w[n] = '\0';
        st = stemmed(stem, w, fn, ctx);
        as += n + (sp != NULL);
    }
    return st;
}

/* A word with an apostrophe ("didn't", "I'll", "she's", "mum's"): its
 * words read out with FN.  0 (nothing pushed) when it is none of those. */
static int apostrophe(kb_xstem_t *stem, const char *word, form_fn fn, void *ctx,
                      kb_status_t *st)
{
    const char *ap = strrchr(word, '\'');
    size_t base_n = ap ? (size_t)(ap - word) : 0;
    if (!ap || !base_n || base_n >= 32)
        return 0;
    char base[32], buf[64];
    memcpy(base, word, base_n);
    base[base_n] = '\0';
    const char *end = ap + 1;
    if (strcmp(end, "t") == 0 && base[base_n - 1] == 'n') {
        /* n't: can't, won't, shan't, ain't; else "didn" -> "did". */
        const char *as = strcmp(base, "can") == 0 || strcmp(base, "ca") == 0 ? "can"
                         : strcmp(base, "won") == 0 || strcmp(base, "wo") == 0 ? "will"
                         : strcmp(base, "shan") == 0 ? "shall"
                         : strcmp(base, "ain") == 0 ? "is" : NULL;
        if (!as) {
            base[base_n - 1] = '\0';
            as = base;
        }
        snprintf(buf, sizeof buf, "%s not", as);
        *st = read_out(stem, buf, fn, ctx);
        return 1;
    }
    if (strcmp(end, "s") == 0) {
        int is = 0;
        for (size_t i = 0; is_words[i] && !is; i++)
            is = strcmp(base, is_words[i]) == 0;
        if (is) {
            snprintf(buf, sizeof buf, "%s is", base);
            *st = read_out(stem, buf, fn, ctx);
        } else {
            *st = stemmed(stem, base, fn, ctx);   /* mum's: mum */
        }
        return 1;
    }
    for (size_t i = 0; i < sizeof endings / sizeof endings[0]; i++) {
        if (strcmp(end, endings[i].end) == 0) {
            snprintf(buf, sizeof buf, "%s %s", base, endings[i].as);
            *st = read_out(stem, buf, fn, ctx);
            return 1;
        }
    }
    return 0;
}

/* Push the matcher's form of WORD (contractions read out, each word
 * stemmed) with FN. */
static kb_status_t forms(kb_xstem_t *stem, const char *word, form_fn fn, void *ctx)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    if (apostrophe(stem, word, fn, ctx, &st))
        return st;
    char plain[64];
    size_t n = strlen(word);
    if (n < sizeof plain && memchr(word, '\'', n)) {
        size_t j = 0;
        for (size_t i = 0; i < n; i++)
            if (word[i] != '\'')
                plain[j++] = word[i];
        plain[j] = '\0';
        word = plain;
    }
    for (size_t i = 0; i < sizeof contractions / sizeof contractions[0]; i++)
        if (strcmp(word, contractions[i].word) == 0)
            return read_out(stem, contractions[i].as, fn, ctx);
    return stemmed(stem, word, fn, ctx);
}

/* ---------------------------------------------------------------- */
/* Patterns                                                           */

static kb_status_t push_pattern_word(void *ctx, const char *form)
{
    kbs_pattern_t *p = ctx;
    return kb_strv_push(&p->w, &p->n, form, strlen(form)) ? KB_STATUS_SUCCESS
                                                          : KB_STATUS_OUT_OF_MEMORY;
}

kb_status_t kbs_pattern_compile(kb_xstem_t *stem, const char *text, kbs_pattern_t *out)
{
    memset(out, 0, sizeof *out);
    out->text = kb_strdup(text);
    if (!out->text)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_tokens_t t;
    kb_status_t st = kb_text_tokens(NULL, text, strlen(text), &t);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < t.n; i++)
        st = forms(stem, t.words[i], push_pattern_word, out);
    kb_tokens_free(&t);
    if (st != KB_STATUS_SUCCESS)
        kbs_pattern_clear(out);
    return st;
}

void kbs_pattern_clear(kbs_pattern_t *p)
{
    if (!p)
        return;
    free(p->text);
    kb_strv_free(p->w, p->n);
    memset(p, 0, sizeof *p);
}

/* ---------------------------------------------------------------- */
/* Texts                                                              */

void kbs_mtext_init(kbs_mtext_t *m)
{
    memset(m, 0, sizeof *m);
}

void kbs_mtext_clear(kbs_mtext_t *m)
{
    if (!m)
        return;
    kb_strv_free(m->w, m->n);
    kb_strv_free(m->orig, m->n_orig);
    free(m->piece);
    free(m->word);
    memset(m, 0, sizeof *m);
}

typedef struct add_ctx {
    kbs_mtext_t *m;
    size_t piece;
} add_ctx_t;

static kb_status_t push_text_word(void *ctx, const char *form)
{
    add_ctx_t *c = ctx;
    kbs_mtext_t *m = c->m;
    size_t n = m->n;
    size_t *piece = realloc(m->piece, (n + 1) * sizeof *piece);
    if (piece)
        m->piece = piece;
    size_t *word = piece ? realloc(m->word, (n + 1) * sizeof *word) : NULL;
    if (word)
        m->word = word;
    if (!piece || !word || !kb_strv_push(&m->w, &m->n, form, strlen(form)))
        return KB_STATUS_OUT_OF_MEMORY;
    m->piece[n] = c->piece;
    m->word[n] = m->n_orig - 1;
    return KB_STATUS_SUCCESS;
}

kb_status_t kbs_mtext_add(kbs_mtext_t *m, kb_xstem_t *stem, const char *word, size_t piece)
{
    if (!kb_strv_push(&m->orig, &m->n_orig, word, strlen(word)))
        return KB_STATUS_OUT_OF_MEMORY;
    add_ctx_t c = {m, piece};
    return forms(stem, word, push_text_word, &c);
}

kb_status_t kbs_mtext_add_text(kbs_mtext_t *m, kb_xstem_t *stem, const char *text, size_t len,
                               size_t piece)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    size_t start = 0;
    for (size_t i = 0; i <= len && st == KB_STATUS_SUCCESS; i++) {
        if (i < len && text[i] != '\n')
            continue;
        kb_tokens_t t;
        st = kb_text_tokens(NULL, text + start, i - start, &t);
        for (size_t k = 0; st == KB_STATUS_SUCCESS && k < t.n; k++)
            st = kbs_mtext_add(m, stem, t.words[k], piece);
        kb_tokens_free(&t);
        piece++;
        start = i + 1;
    }
    return st;
}

/* ---------------------------------------------------------------- */
/* Matching                                                           */

/* Match P's words from M's word AT on: each next word within
 * KBS_TRIGGER_GAP others, in the same piece.  *END is the last word. */
static int match_at(const kbs_pattern_t *p, const kbs_mtext_t *m, size_t at, size_t *end)
{
    size_t pos = at;
    for (size_t k = 1; k < p->n; k++) {
        size_t found = m->n;
        for (size_t j = pos + 1; j < m->n && j <= pos + 1 + KBS_TRIGGER_GAP; j++) {
            if (m->piece[j] != m->piece[at])
                break;
            if (strcmp(m->w[j], p->w[k]) == 0) {
                found = j;
                break;
            }
        }
        if (found == m->n)
            return 0;
        pos = found;
    }
    *end = pos;
    return 1;
}

int kbs_pattern_match(const kbs_pattern_t *p, const kbs_mtext_t *m, size_t *first, size_t *last)
{
    if (!p->n)
        return 0;
    for (size_t i = 0; i < m->n; i++) {
        size_t end;
        if (strcmp(m->w[i], p->w[0]) == 0 && match_at(p, m, i, &end)) {
            if (first)
                *first = m->word[i];
            if (last)
                *last = m->word[end];
            return 1;
        }
    }
    return 0;
}

char *kbs_mtext_words(const kbs_mtext_t *m, size_t first, size_t last)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "");
    for (size_t i = first; i <= last && i < m->n_orig; i++) {
        if (i > first)
            kb_buf_addc(&b, ' ');
        kb_buf_adds(&b, m->orig[i]);
    }
    return kb_buf_take(&b);
}
