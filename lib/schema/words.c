/* words.c - tokens, stems, stopwords and conversation words. */
#include "schema/words.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

/* Function words that carry no topic.  Negations ("not", "never") and
 * words such as "card" or "again" stay: they matter to customers. */
static const char *const stopwords[] = {
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
    "has", "have", "he", "her", "here", "him", "his", "how", "i", "i'm",
    "i've", "if", "in", "into", "is", "it", "it's", "its", "just", "me",
    "my", "of", "on", "or", "our", "please", "she", "so", "some", "than",
    "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "to", "us", "was", "we", "were", "what",
    "when", "where", "which", "who", "why", "will", "with", "would",
    "you", "your", "im", "ive", "hi", "hello", "thanks", "thank", "ok",
    NULL
};

/* Words that carry the conversation, not the topic: greetings and
 * politeness, "I was wondering", "can you tell me", and how the customer
 * feels ("fed up", "ridiculous").  A query treats them as stopwords: they
 * never select an article (an example question that happens to say "fed
 * up" must not win), they only weigh in where the topic words matched.
 * Triggers still see them (frustration is a warning).  Sorted. */
static const char *const fillers[] = {
    "able", "actually", "afternoon", "angry", "annoyed", "annoying", "anybody",
    "anyone", "anything", "anyway", "ask", "asked", "asking", "assist", "assistance",
    "awful", "basically", "bit", "cheers", "concerned", "dear", "definitely",
    "desperate", "evening", "excuse", "fed", "frustrated", "frustrating", "furious",
    "guys", "help", "hey", "hiya", "hmm", "honestly", "joke", "kindly", "know", "let",
    "like", "literally", "lol", "lot", "lots", "madam", "mate", "maybe", "morning",
    "need", "needed", "needs", "panic", "panicking", "perhaps", "pls", "plz",
    "possible", "possibly", "probably", "query", "question", "really", "ridiculous",
    "rubbish", "seriously", "should", "sir", "sorry", "stressed", "stressing", "stuff",
    "stupid", "tell", "terrible", "thing", "things", "thx", "um", "unacceptable",
    "upset", "useless", "want", "wanted", "wanting", "wants", "wonder", "wondered",
    "wondering", "worried", "worry", "worrying", "yeah", "yep", "yes",
};

int kb_text_is_filler(const char *word)
{
    size_t lo = 0, hi = sizeof fillers / sizeof fillers[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(fillers[mid], word);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Chat and text-message shorthand customers type, and the word each
 * stands for (contractions typed without the apostrophe among them):
 * searched as that word, never "corrected" into another.  Sorted by
 * shorthand. */
static const struct {
    const char *slang, *word;
} slang[] = {
    {"acc", "account"}, {"acct", "account"}, {"amt", "amount"}, {"approx", "approximately"},
    {"arent", "aren't"}, {"b4", "before"}, {"bc", "because"}, {"cant", "can't"},
    {"cos", "because"}, {"couldnt", "couldn't"}, {"coz", "because"}, {"cuz", "because"},
    {"dept", "department"}, {"didnt", "didn't"}, {"doesnt", "doesn't"}, {"dont", "don't"},
    {"govt", "government"}, {"hasnt", "hasn't"}, {"havent", "haven't"}, {"hrs", "hours"},
    {"info", "information"}, {"isnt", "isn't"}, {"mins", "minutes"}, {"msg", "message"},
    {"nite", "night"}, {"pls", "please"}, {"plz", "please"}, {"pmt", "payment"},
    {"pymt", "payment"}, {"recd", "received"}, {"rly", "really"}, {"shouldnt", "shouldn't"},
    {"thx", "thanks"}, {"tmr", "tomorrow"}, {"tmrw", "tomorrow"}, {"tnx", "thanks"},
    {"tx", "transaction"}, {"txn", "transaction"}, {"u", "you"}, {"ur", "your"},
    {"wasnt", "wasn't"}, {"werent", "weren't"}, {"wk", "week"}, {"wks", "weeks"},
    {"wont", "won't"}, {"wouldnt", "wouldn't"}, {"xfer", "transfer"}, {"yr", "year"},
    {"yrs", "years"},
};

const char *kb_text_slang(const char *word)
{
    size_t lo = 0, hi = sizeof slang / sizeof slang[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(slang[mid].slang, word);
        if (c == 0)
            return slang[mid].word;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* Words the English stemmer conflates with others they must not match:
 * "suspicious activity" is not "activate my card"; an international
 * transfer is not an internal one. */
static const struct {
    const char *word, *stem;
} stem_exceptions[] = {
    {"activity", "activity"},           {"activities", "activity"},
    {"international", "international"}, {"internationally", "international"},
    /* Robbed is not a cup ("my card was declined buying a mug"). */
    {"mugged", "mugged"},               {"mugging", "mugged"},
    {"muggings", "mugged"},             {"mugger", "mugged"},
    /* A pensioner is a person, not a pension. */
    {"pensioner", "pensioner"},         {"pensioners", "pensioner"},
    /* Mobility (a disability) is not a mobile. */
    {"mobility", "mobility"},
    /* Someone targeted is not a shop called Target. */
    {"targeted", "targeted"},           {"targeting", "targeted"},
    {"targetted", "targeted"},
};

kb_status_t kb_text_stemmer(kb_xstem_t **out)
{
    kb_status_t st = kb_xstem_new("english", out);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < sizeof stem_exceptions / sizeof stem_exceptions[0]; i++)
        st = kb_xstem_add_exception(*out, stem_exceptions[i].word, stem_exceptions[i].stem);
    if (st != KB_STATUS_SUCCESS) {
        kb_xstem_free(*out);
        *out = NULL;
    }
    return st;
}

const char *const *kb_text_stopwords(void)
{
    return stopwords;
}

int kb_text_is_stopword(const char *word)
{
    /* The list is short; a linear scan of first-letter matches is enough. */
    for (const char *const *s = stopwords; *s; s++)
        if ((*s)[0] == word[0] && strcmp(*s, word) == 0)
            return 1;
    return 0;
}

void kb_tokens_free(kb_tokens_t *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->words[i]);
        free(t->stems[i]);
    }
    free(t->words);
    free(t->stems);
    free(t->pos);
    memset(t, 0, sizeof *t);
}

typedef struct tok_ctx {
    kb_tokens_t *t;
    size_t cap;
    kb_xstem_t *stem;
    int oom;
} tok_ctx_t;

static int on_token(void *vctx, const char *word, size_t len, unsigned pos)
{
    tok_ctx_t *c = vctx;
    kb_tokens_t *t = c->t;
    if (t->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        char **w = realloc(t->words, cap * sizeof *w);
        if (w)
            t->words = w;
        char **s = realloc(t->stems, cap * sizeof *s);
        if (s)
            t->stems = s;
        unsigned *p = realloc(t->pos, cap * sizeof *p);
        if (p)
            t->pos = p;
        if (!w || !s || !p) {
            c->oom = 1;
            return 1;
        }
        c->cap = cap;
    }
    char *wc = kb_strndup(word, len);
    char *sc = NULL;
    if (wc && c->stem) {
        if (kb_xstem_word(c->stem, word, len, &sc) != KB_STATUS_SUCCESS)
            sc = NULL;
    } else if (wc) {
        sc = kb_strdup("");
    }
    if (!wc || !sc) {
        free(wc);
        free(sc);
        c->oom = 1;
        return 1;
    }
    t->words[t->n] = wc;
    t->stems[t->n] = sc;
    t->pos[t->n] = pos;
    t->n++;
    return 0;
}

kb_status_t kb_text_tokens(kb_xstem_t *stem, const char *text, size_t len, kb_tokens_t *out)
{
    memset(out, 0, sizeof *out);
    tok_ctx_t c = {out, 0, stem, 0};
    kb_status_t st = kb_xtokenize(text, len, on_token, &c);
    if (st == KB_STATUS_SUCCESS && c.oom)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st != KB_STATUS_SUCCESS)
        kb_tokens_free(out);
    return st;
}

kb_status_t kb_text_stem_key(kb_xstem_t *stem, const char *text, char **key)
{
    *key = NULL;
    kb_tokens_t t;
    kb_status_t st = kb_text_tokens(stem, text, strlen(text), &t);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_buf_t b = KB_BUF_INIT;
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            kb_buf_addc(&b, ' ');
        kb_buf_adds(&b, stem ? t.stems[i] : t.words[i]);
    }
    kb_tokens_free(&t);
    *key = kb_buf_take(&b);
    return *key ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

int kb_text_spelling_word(const char *word, size_t len)
{
    if (len < 3 || len > 40)
        return 0;
    if (word[0] >= 'A' && word[0] <= 'Z')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (word[i] >= '0' && word[i] <= '9')
            return 0;
    return 1;
}
