/* normalize.c - NFKC and case folding with libunistring (see normalize.h). */
#include "base/normalize.h"
#include "base/utf8.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>
#include <unistr.h>

int kb_text_is_ascii(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return 0;
    return 1;
}

/* Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt):
 * invisible, never part of a word. */
static int ignorable(ucs4_t c)
{
    return c == 0x00AD || c == 0x034F || c == 0x061C || c == 0x115F || c == 0x1160 ||
           c == 0x17B4 || c == 0x17B5 || (c >= 0x180B && c <= 0x180F) ||
           (c >= 0x200B && c <= 0x200F) || (c >= 0x202A && c <= 0x202E) ||
           (c >= 0x2060 && c <= 0x206F) || c == 0x3164 || (c >= 0xFE00 && c <= 0xFE0F) ||
           c == 0xFEFF || c == 0xFFA0 || (c >= 0xFFF0 && c <= 0xFFF8) ||
           (c >= 0x1BCA0 && c <= 0x1BCA3) || (c >= 0x1D173 && c <= 0x1D17A) ||
           (c >= 0xE0000 && c <= 0xE0FFF);
}

/* Drop the ignorable code points of P (N bytes) in place; returns the new
 * length.  Invalid sequences are kept as they are. */
static size_t strip(uint8_t *p, size_t n)
{
    size_t in = 0, out = 0;
    while (in < n) {
        ucs4_t c;
        int k = u8_mbtouc(&c, p + in, n - in);
        if (k <= 0)
            k = 1;
        if (!ignorable(c)) {
            memmove(p + out, p + in, (size_t)k);
            out += (size_t)k;
        }
        in += (size_t)k;
    }
    return out;
}

/* R (RN bytes, malloc'd by libunistring) as a NUL-terminated string with
 * the ignorables stripped. */
static kb_status_t finish(uint8_t *r, size_t rn, char **out, size_t *outlen)
{
    rn = strip(r, rn);
    char *s = malloc(rn + 1);
    if (!s) {
        free(r);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    memcpy(s, r, rn);
    s[rn] = '\0';
    free(r);
    *out = s;
    if (outlen)
        *outlen = rn;
    return KB_STATUS_SUCCESS;
}

static kb_status_t copy(const char *s, size_t len, int lower, char **out, size_t *outlen)
{
    char *c = malloc(len + 1);
    if (!c)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < len; i++)
        c[i] = lower && s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
    c[len] = '\0';
    *out = c;
    if (outlen)
        *outlen = len;
    return KB_STATUS_SUCCESS;
}

static kb_status_t convert(const char *s, size_t len, int fold, char **out, size_t *outlen)
{
    *out = NULL;
    if (outlen)
        *outlen = 0;
    if (!s)
        return KB_STATUS_BAD_ARGUMENT;
    if (kb_text_is_ascii(s, len))
        return copy(s, len, fold, out, outlen);
    /* libunistring would turn bad bytes into U+FFFD: leave them be. */
    if (!kb_utf8_valid(s, len, NULL))
        return copy(s, len, 0, out, outlen);
    /* Ignorables first: a soft hyphen between a letter and a combining
     * mark must not keep them apart. */
    uint8_t *in = malloc(len ? len : 1);
    if (!in)
        return KB_STATUS_OUT_OF_MEMORY;
    memcpy(in, s, len);
    size_t n = strip(in, len), rn = 0;
    errno = 0;
    uint8_t *r = fold ? u8_casefold(in, n, NULL, UNINORM_NFKC, NULL, &rn)
                      : u8_normalize(UNINORM_NFKC, in, n, NULL, &rn);
    if (!r) {
        int e = errno;
        kb_status_t st = e == ENOMEM ? KB_STATUS_OUT_OF_MEMORY : copy((char *)in, n, 0, out, outlen);
        free(in);
        return st;
    }
    free(in);
    return finish(r, rn, out, outlen);
}

kb_status_t kb_text_normalize(const char *s, size_t len, char **out, size_t *outlen)
{
    return convert(s, len, 0, out, outlen);
}

kb_status_t kb_text_fold(const char *s, size_t len, char **out, size_t *outlen)
{
    return convert(s, len, 1, out, outlen);
}
