/* condense.c - what is searched when the officer pastes a whole chat or
 * email: more than KB_QUERY_MAX_BYTES, up to KB_INPUT_MAX_BYTES.
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
 *    If that leaves no words, the whole text is the customer's part.
 *    Alerts scan all of it, a piece per line.
 * 2. The words searched: of the customer's part, the words the index knows
 *    (or one spelling edit from a word it knows), not stopwords nor
 *    conversation words nor numbers, scored by how often the customer used
 *    them times how rare they are in the index; the best KBS_CONDENSE_WORDS,
 *    in the order the customer first used them.  A word the index has
 *    never seen (a name, an email address, a card number) is never
 *    searched, so it is not stored with the search either. */
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
/* 2. The words searched                                              */

typedef struct cand {
    const char *word;   /* in the tokens */
    const char *stem;
    size_t first;       /* first position */
    unsigned tf;
    double score;
} cand_t;

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

static int by_score(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int by_first(const void *a, const void *b)
{
    const cand_t *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* The candidates of T (distinct stems, content words), scored. */
static kb_status_t candidates(kb_search_t *s, const kb_tokens_t *t, cand_t **out, size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    unsigned docs = 0;
    kb_status_t st = kb_xdb_doccount(s->db, &docs);
    cand_t *c = t->n ? calloc(t->n, sizeof *c) : NULL;
    if (st == KB_STATUS_SUCCESS && t->n && !c)
        st = KB_STATUS_OUT_OF_MEMORY;
    size_t n = 0;
    kb_strmap_t *seen = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_new(&seen);
    for (size_t i = 0; i < t->n && st == KB_STATUS_SUCCESS; i++) {
        const char *w = t->words[i];
        if (kbs_word_is_stop(w) || has_digit(w) || strlen(w) < 2)
            continue;
        const char *key = t->stems[i][0] ? t->stems[i] : w;
        int found = 0;
        const char *at = kb_strmap_get(seen, key, &found);
        if (found) {
            /* "" : a word the index has never seen, looked up once. */
            if (at && at[0])
                c[strtoul(at, NULL, 10)].tf++;
            continue;
        }
        unsigned df = 0;
        st = doc_freq(s, w, t->stems[i], &df);
        if (st != KB_STATUS_SUCCESS)
            break;
        char num[24] = "";
        if (df) {
            c[n] = (cand_t){w, t->stems[i], i, 1, log((docs + 1.0) / (df + 0.5))};
            snprintf(num, sizeof num, "%zu", n);
            n++;
        }
        st = kb_strmap_set(seen, key, num);
    }
    kb_strmap_free(seen);
    if (st != KB_STATUS_SUCCESS) {
        free(c);
        return st;
    }
    for (size_t i = 0; i < n; i++)
        c[i].score *= 1.0 + log((double)c[i].tf);
    *out = c;
    *n_out = n;
    return KB_STATUS_SUCCESS;
}

kb_status_t kbs_condense(kb_search_t *s, const char *text, size_t len, char **searched,
                         char **part)
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
    kb_tokens_t t;
    st = kb_text_tokens(s->stem, cust.data ? cust.data : "", cust.len, &t);
    if (st == KB_STATUS_SUCCESS && !t.n) {
        /* Nothing is left: the whole text is the customer's. */
        kb_tokens_free(&t);
        kb_buf_free(&cust);
        kb_buf_add(&cust, text, len);
        st = cust.oom ? KB_STATUS_OUT_OF_MEMORY : kb_text_tokens(s->stem, text, len, &t);
    }
    if (st != KB_STATUS_SUCCESS) {
        kb_buf_free(&cust);
        return st;
    }
    cand_t *c = NULL;
    size_t n = 0;
    st = candidates(s, &t, &c, &n);
    kb_buf_t b = KB_BUF_INIT;
    if (st == KB_STATUS_SUCCESS) {
        qsort(c, n, sizeof *c, by_score);
        if (n > KBS_CONDENSE_WORDS)
            n = KBS_CONDENSE_WORDS;
        qsort(c, n, sizeof *c, by_first);
        for (size_t i = 0; i < n; i++) {
            if (b.len + 1 + strlen(c[i].word) > KB_QUERY_MAX_BYTES)
                break;
            if (b.len)
                kb_buf_addc(&b, ' ');
            kb_buf_adds(&b, c[i].word);
        }
        if (!b.len)
            kb_buf_adds(&b, "");
    }
    free(c);
    kb_tokens_free(&t);
    if (st == KB_STATUS_SUCCESS && (b.oom || cust.oom))
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st != KB_STATUS_SUCCESS) {
        kb_buf_free(&b);
        kb_buf_free(&cust);
        return st;
    }
    *searched = kb_buf_take(&b);
    *part = kb_buf_take(&cust);
    if (!*searched || !*part) {
        free(*searched);
        free(*part);
        *searched = *part = NULL;
        return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}
