/* test_base.c - the base layer (buffers, string lists and arrays, the map,
 * UTF-8) and libkb's terminal text (cleaning, columns, wrapping). */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/edits.h"
#include "base/strmap.h"
#include "base/utf8.h"
#include "harness.h"
#include "kb/terminal.h"

static void test_buf(void)
{
    kb_buf_t b = KB_BUF_INIT;
    OK(b.data == NULL && b.len == 0, "an empty buffer holds nothing");
    kb_buf_adds(&b, "card");
    kb_buf_addc(&b, ' ');
    kb_buf_printf(&b, "%d of %s", 3, "5");
    STR_EQ(b.data, "card 3 of 5", "adds, addc, printf");
    INT_EQ(b.len, 11, "length kept");
    kb_buf_clear(&b);
    STR_EQ(b.data, "", "clear keeps a valid empty string");
    for (int i = 0; i < 10000; i++)
        kb_buf_addc(&b, 'x');
    INT_EQ(b.len, 10000, "grows past its first size");
    char *t = kb_buf_take(&b);
    OK(t && strlen(t) == 10000 && b.data == NULL && b.len == 0, "take hands over and resets");
    free(t);
    kb_buf_free(&b);
}

static void test_lists(void)
{
    kb_strlist_t l = {0};
    OK(kb_strlist_push(&l, "alpha", 5) && kb_strlist_push(&l, "betagamma", 4), "push");
    STR_EQ(l.items[1], "beta", "push copies LEN bytes");
    OK(kb_strlist_has(&l, "alpha") && !kb_strlist_has(&l, "alp"), "has is exact");
    kb_strlist_clear(&l);
    OK(l.n == 0 && l.items == NULL, "clear empties");
    char **v = NULL;
    size_t n = 0;
    int ok = 1;
    for (int i = 0; i < 1000; i++) {
        char w[16];
        snprintf(w, sizeof w, "w%d", i);
        ok &= kb_strv_push(&v, &n, w, strlen(w));
    }
    OK(ok && n == 1000, "an array of 1000 strings");
    STR_EQ(v[0], "w0", "first kept");
    STR_EQ(v[999], "w999", "last kept");
    kb_strv_free(v, n);
    kb_strv_free(NULL, 0);
    OK(1, "freeing NULL is a no-op");
}

static void test_strmap(void)
{
    kb_strmap_t *m;
    INT_EQ(kb_strmap_new(&m), KB_STATUS_SUCCESS, "a new map");
    int ok = 1;
    for (int i = 0; i < 5000; i++) {
        char k[16], v[16];
        snprintf(k, sizeof k, "key%d", i);
        snprintf(v, sizeof v, "v%d", i * 2);
        ok &= kb_strmap_set(m, k, v) == KB_STATUS_SUCCESS;
    }
    OK(ok, "5000 keys set");
    INT_EQ(kb_strmap_count(m), 5000, "counted");
    STR_EQ(kb_strmap_get(m, "key4321", NULL), "v8642", "a value found after growth");
    int found = 1;
    OK(kb_strmap_get(m, "nope", &found) == NULL && !found, "an absent key");
    kb_strmap_set(m, "key7", NULL);
    found = 0;
    OK(kb_strmap_get(m, "key7", &found) == NULL && found, "a key with a NULL value is found");
    kb_strmap_set(m, "key8", "new");
    STR_EQ(kb_strmap_get(m, "key8", NULL), "new", "set replaces");
    kb_strmap_remove(m, "key9");
    kb_strmap_remove(m, "not there");
    INT_EQ(kb_strmap_count(m), 4999, "remove, and removing what is absent is fine");
    OK(kb_strmap_get(m, "key9", NULL) == NULL, "removed");
    STR_EQ(kb_strmap_get(m, "key10", NULL), "v20", "neighbours survive a removal");
    size_t pos = 0, seen = 0;
    const char *k, *v;
    while (kb_strmap_next(m, &pos, &k, &v))
        seen++;
    INT_EQ(seen, 4999, "iteration visits every entry once");
    kb_strmap_free(m);
}

static void test_utf8(void)
{
    const char *ok8 = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xb3";
    OK(kb_utf8_valid(ok8, strlen(ok8), NULL), "valid UTF-8");
    size_t bad = 0;
    OK(!kb_utf8_valid("ab\xc3(", 4, &bad) && bad == 2, "a broken sequence found at its offset");
    OK(!kb_utf8_valid("\xc0\xaf", 2, NULL), "an overlong form is invalid");
    OK(!kb_utf8_valid("\xed\xa0\x80", 3, NULL), "a surrogate is invalid");
    OK(!kb_utf8_valid("a\0b", 3, NULL), "NUL is refused");
    INT_EQ(kb_utf8_prefix("\xe2\x82\xac\xe2\x82\xac", 6, 4), 3, "a prefix never cuts a sequence");
    INT_EQ(kb_utf8_length(ok8, strlen(ok8)), 8, "code points counted");
    unsigned cp;
    INT_EQ(kb_utf8_decode("\xe2\x82\xac", 3, &cp), 3, "decode length");
    INT_EQ(cp, 0x20AC, "decode value");
    INT_EQ(kb_utf8_decode("\xff", 1, &cp), 1, "an invalid byte is one");
    INT_EQ(cp, 0xFFFD, "decoded as U+FFFD");
    INT_EQ(kb_utf8_width("\xe4\xb8\xad\xe6\x96\x87", 6), 4, "wide characters take 2 columns");
    char *s = kb_utf8_sanitize("ok\xff\xc3", 4);
    STR_EQ(s, "ok\xef\xbf\xbd\xef\xbf\xbd", "sanitize: each bad byte becomes U+FFFD");
    free(s);
}

static void test_terminal(void)
{
    char *c = kb_term_clean("a\033]0;x\007b\x9b\xc2\x9b" "c\td\ne\r");
    STR_EQ(c, "a?]0;x?b??c d e", "ESC, BEL, a stray byte and C1 CSI as '?', white space as spaces");
    free(c);
    c = kb_term_clean(NULL);
    STR_EQ(c, "", "NULL cleans to empty");
    free(c);
    INT_EQ(kb_term_cols("ab\033[1mcd\033[0m", 12), 4, "our own styles take no column");
    INT_EQ(kb_term_cols("\xe4\xb8\xad", 3), 2, "a wide character takes two");
    kb_wrap_t w = {20, "> ", "  ", 0, 0, NULL, 0, 0};
    char *t = kb_term_wrap("the quick brown fox jumps over the lazy dog", &w);
    STR_EQ(t, "> the quick brown\n  fox jumps over the\n  lazy dog\n", "wrapped at 20 columns");
    free(t);
    w.max_lines = 2;
    t = kb_term_wrap("the quick brown fox jumps over the lazy dog", &w);
    STR_CONTAINS(t, "\xe2\x80\xa6", "a cut ends in an ellipsis");
    OK(t && strchr(t, '\n') && strchr(strchr(t, '\n') + 1, '\n') &&
           !strchr(strchr(strchr(t, '\n') + 1, '\n') + 1, '\n'),
       "two lines at most");
    free(t);
    kb_wrap_t w2 = {40, "", "", 0, 0, NULL, 0, 0};
    t = kb_term_wrap("bad \033[2J text", &w2);
    OK(t && !strchr(t, '\033'), "wrapped untrusted text holds no escape");
    free(t);
    kb_highlight_t hl = {4, 9};
    kb_wrap_t w3 = {40, "", "", 0, 1, &hl, 1, 0};
    t = kb_term_wrap("the quick fox", &w3);
    STR_EQ(t, "the \033[1mquick\033[0m fox\n", "a highlight in bold");
    free(t);
    STR_EQ(kb_term_style(0, KB_STYLE_BOLD), "", "no colour, no style");
    STR_EQ(kb_term_style(1, KB_STYLE_BOLD), "\033[1m", "bold");
}

static void test_edits(void)
{
    INT_EQ(kb_edits("arived", "arrived", 0), 1, "one letter left out");
    INT_EQ(kb_edits("recieve", "receive", 0), 1, "two neighbours swapped: one edit");
    INT_EQ(kb_edits("currys", "carry", 0), 2, "a brand two edits from a word");
    INT_EQ(kb_edits("Title", "title", 0), 1, "case counts unless folded");
    INT_EQ(kb_edits("Title", "title", 1), 0, "folded: the same key");
    INT_EQ(kb_edits("quesitons", "questions", 1), 1, "a swapped pair in a key");
    INT_EQ(kb_edits("", "abcdef", 0), 3, "counted up to 3");
    INT_EQ(kb_edits("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a", 0), 3, "over 40 bytes: 3");
}

int main(void)
{
    test_edits();
    test_buf();
    test_lists();
    test_strmap();
    test_utf8();
    test_terminal();
    return HARNESS_DONE();
}
