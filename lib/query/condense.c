/* condense.c - what is searched when the officer pastes a whole chat or
 * email: a text over KB_QUERY_MAX_BYTES (up to KB_INPUT_MAX_BYTES), or a
 * shorter one of several lines read as a chat or a mail (kbs_is_paste).
 *
 * 1. The customer's part.  The lines are read as a chat or a mail:
 *    - "Name: text", after an optional [time] or 10:42 stamp, is a turn.
 *      The bank's side ("Agent", "Advisor", "You", "Support", "Bank"...)
 *      is left out; when the customer's side is named ("Customer", "Me",
 *      "Client", "Caller"), every other speaker is left out too.  A line
 *      with no label continues the turn before it.
 *    - Mail headers are left out (the Subject's words are kept), and so
 *      are quoted lines ("> ...") and everything after
 *      "-----Original Message-----" or "On ... wrote:": the earlier
 *      messages of the thread, the bank's own replies among them.
 *    - A sign-off line ("Kind regards", "Sent from my iPhone", "--") ends
 *      the message: the name, address and phone under it are left out.
 *    If that leaves no word the index knows, the whole text is the
 *    customer's part.  Alerts scan all of it, a piece per line.
 * 2. The passage searched: of the customer's sentences, and of each two
 *    sentences in a row, the one whose best answer is the most confident
 *    (the officer would type that one).  Up to 16 passages are tried, those
 *    with most words the index knows; each is one search.  A name, an
 *    address or a card number in other sentences is never searched, so it
 *    is not stored with the search either. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "internal.h"

/* ---------------------------------------------------------------- */
/* 1. The customer's part                                             */

typedef enum side { SIDE_NONE = 0, SIDE_CUSTOMER, SIDE_BANK, SIDE_OTHER } side_t;

typedef enum line_kind {
    LINE_TEXT = 0,   /* plain text, continuing what came before */
    LINE_TURN,       /* "Label: text" */
    LINE_HEADER,     /* a mail header, left out */
    LINE_SUBJECT,    /* "Subject: ...": its text is kept */
    LINE_QUOTE,      /* "> ..." */
    LINE_SIGNOFF,    /* "Kind regards," */
    LINE_THREAD      /* "-----Original Message-----", "On ... wrote:" */
} line_kind_t;

typedef struct line {
    const char *s;   /* the line */
    size_t n;
    line_kind_t kind;
    side_t side;     /* LINE_TURN */
    size_t text;     /* offset of the text after a label */
} line_t;

static const char *const BANK_WORDS[] = {
    "agent", "advisor", "adviser", "officer", "representative", "rep", "support",
    "operator", "bank", "assistant", "bot", "staff", "team", "service", "services",
    "helpdesk", "you", "colleague", "csr", "consultant", "specialist", "kb", NULL};
static const char *const CUSTOMER_WORDS[] = {
    "customer", "client", "caller", "member", "user", "visitor", "me", "cust",
    "guest", "holder", NULL};
static const char *const HEADERS[] = {
    "from", "to", "cc", "bcc", "sent", "date", "reply-to", "importance", NULL};
static const char *const SIGNOFFS[] = {
    "regards", "kind regards", "best regards", "warm regards", "many regards",
    "best wishes", "all the best", "many thanks", "thanks", "thank you", "thanks again",
    "sincerely", "yours sincerely", "yours faithfully", "yours truly", "cheers", "best",
    "--", "thanks in advance", "thank you in advance", NULL};

static int in_list(const char *const *list, const char *s, size_t n)
{
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && strncasecmp(list[i], s, n) == 0)
            return 1;
    return 0;
}

static int starts_with_ci(const char *s, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && strncasecmp(s, prefix, p) == 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* After a "[...]" or "10:42(:05)( pm)" stamp and a dash, or I. */
static size_t skip_stamp(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] == '[') {
        size_t j = i + 1;
        while (j < n && j - i < 48 && s[j] != ']')
            j++;
        if (j < n && s[j] == ']')
            i = skip_spaces(s, n, j + 1);
    }
    size_t j = i, digits = 0;
    while (j < n && isdigit((unsigned char)s[j]) && digits < 2)
        j++, digits++;
    if (digits && j + 2 < n && s[j] == ':' && isdigit((unsigned char)s[j + 1]) &&
        isdigit((unsigned char)s[j + 2])) {
        j += 3;
        if (j + 2 < n && s[j] == ':' && isdigit((unsigned char)s[j + 1]) &&
            isdigit((unsigned char)s[j + 2]))
            j += 3;
        j = skip_spaces(s, n, j);
        if (starts_with_ci(s + j, n - j, "am") || starts_with_ci(s + j, n - j, "pm"))
            j = skip_spaces(s, n, j + 2);
        i = j;
    }
    if (i < n && s[i] == '-')
        i = skip_spaces(s, n, i + 1);
    return i;
}

/* Which side the label S (N bytes) names, from any of its words. */
static side_t label_side(const char *s, size_t n)
{
    side_t side = SIDE_OTHER;
    size_t i = 0;
    while (i < n) {
        while (i < n && !isalpha((unsigned char)s[i]))
            i++;
        size_t w = i;
        while (i < n && isalpha((unsigned char)s[i]))
            i++;
        if (i == w)
            break;
        if (in_list(BANK_WORDS, s + w, i - w))
            return SIDE_BANK;
        if (in_list(CUSTOMER_WORDS, s + w, i - w))
            side = SIDE_CUSTOMER;
    }
    return side;
}

/* A label: one to four words of letters (and . ' ( ) -), at most 40
 * bytes, then ':' and a space or the end of the line.  Its length, or 0. */
static size_t label_at(const char *s, size_t n, size_t i)
{
    size_t j = i, words = 0;
    int in_word = 0;
    while (j < n && j - i <= 40) {
        unsigned char c = (unsigned char)s[j];
        if (c == ':')
            break;
        if (isalpha(c) || c >= 0x80) {
            if (!in_word)
                words++;
            in_word = 1;
        } else if (c == ' ' || c == '.' || c == '\'' || c == '(' || c == ')' || c == '-') {
            in_word = c != ' ' && in_word;
        } else {
            return 0;
        }
        j++;
    }
    if (j >= n || s[j] != ':' || !words || words > 4 || j == i)
        return 0;
    if (j + 1 < n && s[j + 1] != ' ' && s[j + 1] != '\t')
        return 0;
    return j - i;
}

static void classify(line_t *l)
{
    const char *s = l->s;
    size_t n = l->n;
    size_t i = skip_spaces(s, n, 0);
    l->kind = LINE_TEXT;
    l->text = i;
    if (i < n && s[i] == '>') {
        l->kind = LINE_QUOTE;
        return;
    }
    size_t e = n;
    while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == ',' || s[e - 1] == '.' ||
                     s[e - 1] == '!'))
        e--;
    if (starts_with_ci(s + i, n - i, "-----original message") ||
        starts_with_ci(s + i, n - i, "----- original message") ||
        starts_with_ci(s + i, n - i, "-------- forwarded") ||
        (starts_with_ci(s + i, n - i, "on ") && e - i >= 8 &&
         strncasecmp(s + e - 6, " wrote", 6) == 0 && s[n - 1 > e ? e : n - 1] == ':')) {
        l->kind = LINE_THREAD;
        return;
    }
    if ((e > i && in_list(SIGNOFFS, s + i, e - i)) || (e == i + 2 && s[i] == '-' && s[i + 1] == '-') ||
        starts_with_ci(s + i, n - i, "sent from my ")) {
        l->kind = LINE_SIGNOFF;
        return;
    }
    size_t at = skip_stamp(s, n, i);
    size_t len = label_at(s, n, at);
    if (!len)
        return;
    l->text = skip_spaces(s, n, at + len + 1);
    if (len == 7 && strncasecmp(s + at, "subject", 7) == 0) {
        l->kind = LINE_SUBJECT;
    } else if (in_list(HEADERS, s + at, len)) {
        l->kind = LINE_HEADER;
    } else {
        l->kind = LINE_TURN;
        l->side = label_side(s + at, len);
    }
}

static kb_status_t split_lines(const char *text, size_t len, line_t **out, size_t *n_out)
{
    size_t n = 1;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    line_t *lines = calloc(n, sizeof *lines);
    if (!lines)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '\n')
            continue;
        size_t e = i;
        if (e > start && text[e - 1] == '\r')
            e--;
        lines[k].s = text + start;
        lines[k].n = e - start;
        classify(&lines[k]);
        k++;
        start = i + 1;
    }
    *out = lines;
    *n_out = k;
    return KB_STATUS_SUCCESS;
}

int kbs_is_paste(const char *text, size_t len)
{
    if (len > KB_QUERY_MAX_BYTES)
        return 1;
    if (!memchr(text, '\n', len))
        return 0;
    line_t *lines = NULL;
    size_t n = 0;
    if (split_lines(text, len, &lines, &n) != KB_STATUS_SUCCESS)
        return 0;
    int paste = 0;
    for (size_t i = 0; i < n && !paste; i++)
        paste = lines[i].kind != LINE_TEXT;
    free(lines);
    return paste;
}

/* Keep the customer's lines of TEXT in OUT, one per line. */
static void customer_part(const line_t *lines, size_t n, kb_buf_t *out)
{
    int named_customer = 0;
    for (size_t i = 0; i < n; i++)
        if (lines[i].kind == LINE_TURN && lines[i].side == SIDE_CUSTOMER)
            named_customer = 1;
    int keep = 1;
    for (size_t i = 0; i < n; i++) {
        const line_t *l = &lines[i];
        switch (l->kind) {
        case LINE_THREAD:
            return;
        case LINE_QUOTE:
        case LINE_HEADER:
            continue;
        case LINE_SIGNOFF:
            keep = 0;
            continue;
        case LINE_SUBJECT:
            keep = 1;
            break;
        case LINE_TURN:
            keep = l->side == SIDE_CUSTOMER || (l->side == SIDE_OTHER && !named_customer);
            break;
        case LINE_TEXT:
            break;
        }
        if (keep && l->text < l->n) {
            kb_buf_add(out, l->s + l->text, l->n - l->text);
            kb_buf_addc(out, '\n');
        }
    }
}

/* ---------------------------------------------------------------- */
/* 2. Words the index knows                                           */

static int has_digit(const char *w)
{
    for (; *w; w++)
        if (*w >= '0' && *w <= '9')
            return 1;
    return 0;
}

/* How many documents hold WORD, or its stem; for an unknown word, those
 * of a word one edit away (a typo).  0 when neither. */
static kb_status_t doc_freq(kb_search_t *s, const char *word, const char *stem, unsigned *df)
{
    *df = 0;
    kb_status_t st = strlen(word) <= KB_XTERM_MAX ? kb_xdb_termfreq(s->db, word, df)
                                                  : KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS || *df)
        return st;
    kb_buf_t z = KB_BUF_INIT;
    kb_buf_printf(&z, "Z%s", stem);
    if (z.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    st = z.len <= KB_XTERM_MAX ? kb_xdb_termfreq(s->db, z.data, df) : KB_STATUS_SUCCESS;
    kb_buf_free(&z);
    if (st != KB_STATUS_SUCCESS || *df || strlen(word) < 5 || strlen(word) > 40)
        return st;
    char *fix = NULL;
    st = kb_xdb_spelling_suggestion(s->db, word, 1, &fix);
    if (st == KB_STATUS_SUCCESS && fix && fix[0])
        st = kb_xdb_termfreq(s->db, fix, df);
    free(fix);
    return st;
}

/* ---------------------------------------------------------------- */
/* 3. The passage the KB answers best                                 */

/* A passage: a sentence, or two in a row, of the customer's part. */
typedef struct passage {
    size_t start, end;   /* bytes of the part */
    unsigned words;      /* content words the index knows */
    double info;         /* what they tell (known_words) */
} passage_t;

/* Sentence ends: . ? ! followed by a space or the end, or a line break. */
static size_t sentence_end(const char *t, size_t len, size_t i)
{
    for (; i < len; i++) {
        if (t[i] == '\n')
            return i + 1;
        if ((t[i] == '.' || t[i] == '?' || t[i] == '!') &&
            (i + 1 == len || t[i + 1] == ' ' || t[i + 1] == '\n' || t[i + 1] == '"'))
            return i + 1;
    }
    return len;
}

/* The text of P, as plain words: nothing in it is query syntax. */
static char *passage_text(const char *part, const passage_t *p)
{
    char *t = kb_strndup(part + p->start, p->end - p->start);
    if (!t)
        return NULL;
    for (char *c = t; *c; c++)
        if (*c == '"' || *c == ':' || *c == '\n' || *c == '\r' || *c == '\t' ||
            (*c == '-' && (c == t || c[-1] == ' ')))
            *c = ' ';
    return t;
}

/* Content words of LEN bytes of TEXT that the index knows, and what they
 * tell (*INFO, may be NULL: the sum of their inverse document frequencies,
 * so "card" tells less than "chargeback"). */
static kb_status_t known_words(kb_search_t *s, const char *text, size_t len, unsigned *n,
                               double *info)
{
    *n = 0;
    if (info)
        *info = 0;
    unsigned docs = 0;
    kb_status_t st = kb_xdb_doccount(s->db, &docs);
    kb_tokens_t t;
    if (st == KB_STATUS_SUCCESS)
        st = kb_text_tokens(s->stem, text, len, &t);
    else
        memset(&t, 0, sizeof t);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < t.n; i++) {
        if (kbs_word_is_stop(t.words[i]) || has_digit(t.words[i]))
            continue;
        unsigned df = 0;
        st = doc_freq(s, t.words[i], t.stems[i], &df);
        if (df) {
            (*n)++;
            if (info)
                *info += log((docs + 1.0) / (df + 0.5));
        }
    }
    kb_tokens_free(&t);
    return st;
}

/* The evidence for the best answer to TEXT (0 when nothing answers), with
 * REQ's filters, and its article id (*ID, caller frees; NULL when none).
 * The evidence, not the confidence: the confidence grows with the words
 * asked, and would favour the longest passage. */
static kb_status_t best_evidence(kb_search_t *s, const kb_request_t *req, const char *text,
                                   double *evidence, char **id)
{
    *evidence = 0;
    *id = NULL;
    kb_qparsed_t q;
    kb_status_t st = kb_query_parse(text, strlen(text), &q);
    if (st == KB_STATUS_TOO_LARGE || st == KB_STATUS_PARSE_ERROR) {
        kb_qparsed_clear(&q);
        return KB_STATUS_SUCCESS;
    }
    kbs_prepared_t prep;
    kbs_built_t built;
    memset(&built, 0, sizeof built);
    memset(&prep, 0, sizeof prep);
    if (st == KB_STATUS_SUCCESS)
        st = kbs_prepare(s, &q, req, &prep);
    if (st == KB_STATUS_SUCCESS)
        st = kbs_build(s, &prep, 0, prep.corrections > 0, &built);
    kb_results_t *r = NULL;
    if (st == KB_STATUS_SUCCESS && built.query && prep.words) {
        kb_request_t one = *req;
        one.offset = 0;
        one.explain = 0;
        one.snippet_bytes = 16;
        if (!(r = calloc(1, sizeof *r)))
            st = KB_STATUS_OUT_OF_MEMORY;
        else
            st = kbs_fetch_evidence(s, &built, &one, r, evidence);
        if (st == KB_STATUS_SUCCESS && r->n) {
            if (!(*id = kb_strdup(r->hits[0].id)))
                st = KB_STATUS_OUT_OF_MEMORY;
        }
    }
    kb_results_free(r);
    kbs_built_clear(&built);
    kbs_prepared_clear(&prep);
    kb_qparsed_clear(&q);
    return st;
}

/* Openings of a question or a request. */
static const char *const ASKS[] = {
    "how", "what", "what's", "whats", "why", "when", "where", "which", "who", "can", "could",
    "would you", "will", "is", "are", "do", "does", "did", "should", "may", "i need", "i want",
    "i'd like", "id like", "i would like", "please", "is there", "i can't", "i cant", "i cannot",
    "help me", NULL};

/* 1 if the N bytes at T ask something: a '?', or a sentence opening as
 * a question or a request does. */
static int asks(const char *t, size_t n)
{
    if (memchr(t, '?', n))
        return 1;
    size_t i = 0;
    while (i < n && !isalpha((unsigned char)t[i]))
        i++;
    for (size_t k = 0; ASKS[k]; k++) {
        size_t m = strlen(ASKS[k]);
        if (n - i > m && strncasecmp(t + i, ASKS[k], m) == 0 && !isalpha((unsigned char)t[i + m]))
            return 1;
    }
    return 0;
}

/* Most passages tried (each is one search). */
/* How much a passage must tell before its evidence counts in full: the
 * inverse document frequencies of its words, summed (about three telling
 * words). */
#define INFO_SCALE 8.0
/* A passage that asks (a '?', "how", "can", "I need") over one that
 * tells the story around it.  Tuned on the tuning halves' questions put
 * in pastes (kb-eval's long- sets). */
#define ASK_BONUS 1.5
#define MAX_TRIED 16
/* What another passage with the same best answer adds to a passage's
 * score (tuned like ASK_BONUS). */
#define VOTE_WEIGHT 0.3

static int by_words(const void *a, const void *b)
{
    const passage_t *x = a, *y = b;
    if (x->words != y->words)
        return x->words > y->words ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* The passage of PART (LEN bytes) whose best answer is the most confident:
 * each sentence and each two in a row with a word the index knows, the
 * MAX_TRIED with most such words tried (most first: they win ties).  Each
 * is scored by its best answer's evidence, weighed by what it tells and
 * whether it asks, plus VOTE_WEIGHT of the scores of the other passages
 * with the same best answer.  *OUT is its text (caller frees), or NULL
 * when no passage has a known word. */
static kb_status_t best_passage(kb_search_t *s, const kb_request_t *req, const char *part,
                                size_t len, char **out)
{
    *out = NULL;
    size_t cap = 16, n = 0;
    passage_t *p = malloc(cap * sizeof *p);
    if (!p)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    size_t prev = (size_t)-1;   /* index of the previous sentence */
    for (size_t at = 0; at < len && st == KB_STATUS_SUCCESS;) {
        size_t end = sentence_end(part, len, at);
        passage_t one = {at, end, 0, 0};
        at = end;
        st = known_words(s, part + one.start, one.end - one.start, &one.words, &one.info);
        if (st != KB_STATUS_SUCCESS)
            continue;
        if (!one.words) {
            /* A pair is two sentences in a row: never one with a detail
             * the index does not know (a date of birth, a number)
             * between them. */
            for (size_t i = one.start; i < one.end; i++)
                if (isalnum((unsigned char)part[i]))
                    prev = (size_t)-1;
            continue;
        }
        if (n + 2 > cap) {
            passage_t *g = realloc(p, (cap *= 2) * sizeof *p);
            if (!g) {
                st = KB_STATUS_OUT_OF_MEMORY;
                break;
            }
            p = g;
        }
        if (prev != (size_t)-1 && one.end - p[prev].start <= KB_QUERY_MAX_BYTES)
            p[n++] = (passage_t){p[prev].start, one.end, p[prev].words + one.words,
                                 p[prev].info + one.info};
        if (one.end - one.start <= KB_QUERY_MAX_BYTES) {
            prev = n;
            p[n++] = one;
        } else {
            prev = (size_t)-1;
        }
    }
    if (st == KB_STATUS_SUCCESS && n) {
        qsort(p, n, sizeof *p, by_words);
        size_t tried = n < MAX_TRIED ? n : MAX_TRIED;
        double score[MAX_TRIED] = {0};
        char *top[MAX_TRIED] = {NULL};
        for (size_t i = 0; i < tried && st == KB_STATUS_SUCCESS; i++) {
            char *t = passage_text(part, &p[i]);
            st = t ? best_evidence(s, req, t, &score[i], &top[i]) : KB_STATUS_OUT_OF_MEMORY;
            free(t);
            /* A passage that says little ("I hope someone can help") is
             * easily covered: what it tells weighs in. */
            score[i] *= 1.0 - exp(-p[i].info / INFO_SCALE);
            /* What the customer asks, more than what they tell around it. */
            if (asks(part + p[i].start, p[i].end - p[i].start))
                score[i] *= ASK_BONUS;
        }
        /* The answer most passages point to, by their scores summed (the
         * customer says it more than one way); of its passages, the best. */
        size_t pick = 0;
        double best = -1;
        for (size_t i = 0; i < tried && st == KB_STATUS_SUCCESS; i++) {
            double votes = score[i];
            for (size_t k = 0; k < tried; k++)
                if (k != i && top[i] && top[k] && strcmp(top[i], top[k]) == 0)
                    votes += score[k] * VOTE_WEIGHT;
            if (votes > best + 1e-9) {
                best = votes;
                pick = i;
            }
        }
        for (size_t i = 0; i < tried; i++)
            free(top[i]);
        if (st == KB_STATUS_SUCCESS && !(*out = passage_text(part, &p[pick])))
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    free(p);
    return st;
}

kb_status_t kbs_condense(kb_search_t *s, const kb_request_t *req, const char *text, size_t len,
                         char **searched, char **part)
{
    *searched = NULL;
    *part = NULL;
    line_t *lines = NULL;
    size_t n_lines = 0;
    kb_status_t st = split_lines(text, len, &lines, &n_lines);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_buf_t cust = KB_BUF_INIT;
    customer_part(lines, n_lines, &cust);
    free(lines);
    if (cust.oom) {
        kb_buf_free(&cust);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    unsigned known = 0;
    st = known_words(s, cust.data ? cust.data : "", cust.len, &known, NULL);
    if (st == KB_STATUS_SUCCESS && !known) {
        /* Nothing is left that the KB knows: the whole text is the customer's. */
        kb_buf_free(&cust);
        kb_buf_add(&cust, text, len);
        if (cust.oom)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    char *best = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = best_passage(s, req, cust.data ? cust.data : "", cust.len, &best);
    if (st == KB_STATUS_SUCCESS && !best)
        best = kb_strdup("");
    if (st == KB_STATUS_SUCCESS && (!best || cust.oom))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st != KB_STATUS_SUCCESS) {
        free(best);
        kb_buf_free(&cust);
        return st;
    }
    /* Trimmed, one space between words. */
    size_t w = 0;
    for (size_t r = 0; best[r]; r++)
        if (best[r] != ' ' || (w && best[w - 1] != ' '))
            best[w++] = best[r];
    while (w && best[w - 1] == ' ')
        w--;
    best[w] = '\0';
    *searched = best;
    *part = kb_buf_take(&cust);
    if (!*part) {
        free(*searched);
        *searched = NULL;
        return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}
