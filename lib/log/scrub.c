/* scrub.c - placeholders for personal data in customers' words (scrub.h).
 *
 * One pass over the text, trying at each word start the matchers in order
 * (e-mail, secret, IBAN, postcode, digit run); a match is replaced and the
 * scan goes on after it.  ASCII only decides: other bytes are copied. */
#include "scrub.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_alnum(char c) { return is_digit(c) || is_alpha(c); }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static int is_local(char c)
{
    return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

static int is_domain(char c) { return is_alnum(c) || c == '.' || c == '-'; }

/* An e-mail address starting at S[I]: its end, or 0. */
static size_t match_email(const char *s, size_t i, size_t n)
{
    size_t j = i;
    while (j < n && is_local(s[j]))
        j++;
    if (j == i || j >= n || s[j] != '@')
        return 0;
    size_t k = j + 1, dot = 0;
    while (k < n && is_domain(s[k])) {
        if (s[k] == '.')
            dot = k;
        k++;
    }
    while (k > j + 1 && (s[k - 1] == '.' || s[k - 1] == '-'))
        k--;
    while (dot && dot >= k)
        for (dot--; dot > j && s[dot] != '.'; dot--)
            ;
    if (dot <= j + 1 || dot >= k)
        return 0;
    /* A top-level domain of two letters or more. */
    size_t tld = 0;
    for (size_t t = dot + 1; t < k && is_alpha(s[t]); t++)
        tld++;
    return tld >= 2 && dot + 1 + tld == k ? k : 0;
}

/* Case-insensitive: does S[I..] start with the ASCII word W, followed by
 * a non-letter? */
static size_t word_at(const char *s, size_t i, size_t n, const char *w)
{
    size_t m = strlen(w);
    if (i + m > n)
        return 0;
    for (size_t k = 0; k < m; k++) {
        char c = s[i + k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[k])
            return 0;
    }
    return i + m < n && is_alpha(s[i + m]) ? 0 : m;
}

/* "pin is 1234", "password: hunter2", "cvv 123": the span of the secret
 * (START and the end), or 0. */
static size_t match_secret(const char *s, size_t i, size_t n, size_t *start)
{
    static const char *const keys[] = {"security code", "passcode", "password", "pin", "cvv",
                                       "cvc", "passnumber"};
    size_t m = 0;
    for (size_t k = 0; k < sizeof keys / sizeof keys[0] && !m; k++)
        m = word_at(s, i, n, keys[k]);
    if (!m)
        return 0;
    size_t j = i + m;
    static const char *const glue[] = {"number", "code", "no", "is", "was", "of"};
    for (int round = 0; round < 3; round++) {
        while (j < n && (is_space(s[j]) || s[j] == ':' || s[j] == '=' || s[j] == '-'))
            j++;
        size_t g = 0;
        for (size_t k = 0; k < sizeof glue / sizeof glue[0] && !g; k++)
            g = word_at(s, j, n, glue[k]);
        if (!g)
            break;
        j += g;
    }
    size_t e = j;
    int digits = 0;
    while (e < n && !is_space(s[e]) && s[e] != ',' && s[e] != ';') {
        digits += is_digit(s[e]);
        e++;
    }
    while (e > j && (s[e - 1] == '.' || s[e - 1] == '!' || s[e - 1] == '?'))
        e--;
    if (!digits || e == j)
        return 0;
    *start = j;
    return e;
}

/* An IBAN starting at S[I]: two letters, two digits, then 11-30 letters
 * and digits, written in groups of four or not at all.  Its end, or 0. */
static size_t match_iban(const char *s, size_t i, size_t n)
{
    if (i + 4 > n || !is_alpha(s[i]) || !is_alpha(s[i + 1]) || !is_digit(s[i + 2]) ||
        !is_digit(s[i + 3]))
        return 0;
    size_t j = i + 4, chars = 4, digits = 2;
    if (j < n && s[j] == ' ') {
        /* Groups of four: each but the last exactly four. */
        while (j + 1 < n && s[j] == ' ' && is_alnum(s[j + 1])) {
            size_t g = 0, k = j + 1;
            while (k < n && is_alnum(s[k]) && g < 5) {
                digits += is_digit(s[k]);
                k++, g++;
            }
            if (g > 4)
                break;
            j = k;
            chars += g;
            if (g < 4)
                break;
        }
    } else {
        while (j < n && is_alnum(s[j])) {
            digits += is_digit(s[j]);
            j++, chars++;
        }
    }
    if (j < n && is_alnum(s[j]))
        return 0;
    return chars >= 15 && chars <= 34 && digits >= 8 ? j : 0;
}

/* A UK postcode at S[I]: A9 9AA, A99 9AA, AA9 9AA, AA99 9AA, A9A 9AA,
 * AA9A 9AA (any case, the space optional).  Its end, or 0. */
static size_t match_postcode(const char *s, size_t i, size_t n)
{
    size_t j = i, letters = 0;
    while (j < n && is_alpha(s[j]) && letters < 3)
        j++, letters++;
    if (letters < 1 || letters > 2 || j >= n || !is_digit(s[j]))
        return 0;
    j++;
    if (j < n && is_alnum(s[j]) && !(j + 2 < n && is_digit(s[j]) && is_alpha(s[j + 1]) &&
                                     is_alpha(s[j + 2]) && (j + 3 >= n || !is_alnum(s[j + 3]))))
        j++;
    if (j < n && s[j] == ' ')
        j++;
    if (j + 3 > n || !is_digit(s[j]) || !is_alpha(s[j + 1]) || !is_alpha(s[j + 2]))
        return 0;
    j += 3;
    return j < n && is_alnum(s[j]) ? 0 : j;
}

/* A run of digits at S[I] (or "+" or "(" before one), joined across single
 * spaces, dashes and parentheses.  Returns its end; sets *PLACEHOLDER when
 * it is personal (else NULL: the run is copied as it is, whole). */
static size_t match_digits(const char *s, size_t i, size_t n, const char **placeholder)
{
    *placeholder = NULL;
    size_t j = i;
    int plus = s[j] == '+';
    if (plus || s[j] == '(')
        j++;
    if (j >= n || !is_digit(s[j]))
        return 0;
    int zero = s[j] == '0' || (j + 1 < n && s[j] == '(' && s[j + 1] == '0');
    size_t digits = 0, groups = 0, glen[8] = {0}, end = j;
    int dashes = 0;
    while (j < n) {
        if (is_digit(s[j])) {
            if (groups < 8)
                glen[groups]++;
            digits++;
            j++;
            end = j;
            continue;
        }
        /* A separator joins only when a digit (or "(digit") follows. */
        size_t k = j;
        if (s[k] == ')')
            k++;
        if (k < n && (s[k] == ' ' || s[k] == '-'))
            dashes += s[k] == '-', k++;
        if (k < n && s[k] == '(')
            k++;
        if (k == j || k >= n || !is_digit(s[k]))
            break;
        groups++;
        j = k;
    }
    groups++;
    /* A date written with dashes (2026-12-03, 03-12-2026) is no account. */
    if (dashes == 2 && groups == 3 && glen[1] == 2 &&
        ((glen[0] == 4 && glen[2] == 2) || (glen[0] == 2 && glen[2] == 4)))
        return end;
    int in_word = (i > 0 && is_alpha(s[i - 1])) || (end < n && is_alpha(s[end]));
    if (in_word) {
        *placeholder = digits >= 6 ? "<number>" : NULL;
        return end;
    }
    if (plus && digits >= 7 && digits <= 15)
        *placeholder = "<phone>";
    else if (digits >= 13 && digits <= 19)
        *placeholder = "<card>";
    else if (digits == 6 && groups == 3 && glen[0] == 2 && glen[1] == 2 && glen[2] == 2)
        *placeholder = "<sort-code>";
    else if (zero && digits >= 10 && digits <= 11)
        *placeholder = "<phone>";
    else if (digits == 8)
        *placeholder = "<account>";
    else if (digits >= 6)
        *placeholder = "<number>";
    return end;
}

char *kb_scrub(const char *text, unsigned *found)
{
    if (found)
        *found = 0;
    if (!text)
        return NULL;
    size_t n = strlen(text);
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_add(&b, "", 0);
    size_t i = 0;
    while (i < n) {
        char c = text[i];
        int start = i == 0 || !is_alnum(text[i - 1]);
        size_t end = 0, from = i;
        const char *ph = NULL;
        if (start && is_local(c) && (end = match_email(text, i, n)))
            ph = "<email>";
        else if (start && is_alpha(c) && (end = match_secret(text, i, n, &from)))
            ph = "<secret>";
        else if (start && is_alpha(c) && (end = match_iban(text, i, n)))
            ph = "<account>";
        else if (start && is_alpha(c) && (end = match_postcode(text, i, n)))
            ph = "<postcode>";
        else if ((is_digit(c) && (start || !is_digit(text[i - 1]))) ||
                 (start && (c == '+' || c == '(')))
            end = match_digits(text, i, n, &ph);
        if (!end || !ph) {
            /* Copy to the end of this word or digit run (or this one byte). */
            size_t k = end > i ? end : i + 1;
            while (is_alpha(c) && k < n && is_alpha(text[k]))
                k++;
            kb_buf_add(&b, text + i, k - i);
            i = k;
            continue;
        }
        kb_buf_add(&b, text + i, from - i);
        kb_buf_adds(&b, ph);
        if (found)
            (*found)++;
        i = end;
    }
    if (b.oom) {
        kb_buf_free(&b);
        return NULL;
    }
    return kb_buf_take(&b);
}

int kb_scrub_has_placeholder(const char *text)
{
    static const char *const ph[] = {"<email>", "<account>",  "<card>",   "<phone>",
                                     "<sort-code>", "<number>", "<postcode>", "<secret>"};
    for (const char *p = text ? strchr(text, '<') : NULL; p; p = strchr(p + 1, '<'))
        for (size_t k = 0; k < sizeof ph / sizeof ph[0]; k++)
            if (!strncmp(p, ph[k], strlen(ph[k])))
                return 1;
    return 0;
}
