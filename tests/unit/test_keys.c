/* test_keys.c - the HTTP server's keys file (lib/serve/keys.c): its syntax
 * and mode, lookups that match only the whole key, scopes, and the token
 * bucket of rate=N/s, N/min, N/h, on a clock the test moves. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "serve/keys.h"

static char dir[] = "/tmp/kb-test-keys.XXXXXX";

/* Write TEXT to a file of mode MODE; its path (static). */
static const char *keys_file(const char *text, mode_t mode)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/keys", dir);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        perror(path);
    close(fd);
    chmod(path, mode);
    return path;
}

/* Load TEXT; the status, with *MSG (caller frees) and *KEYS. */
static kb_status_t load(const char *text, mode_t mode, kbi_keys_t **keys, char **msg)
{
    return kbi_keys_load(keys_file(text, mode), keys, msg);
}

static void test_syntax(void)
{
    kbi_keys_t *k;
    char *msg;
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"ks_0123456789abcdef\n", "needs its scopes"},
        {"short search\n", "16 to 256"},
        {"ks_0123456789abcdef search,root\n", "scopes are"},
        {"ks_0123456789abcdef search colour=red\n", "unknown option"},
        {"ks_0123456789abcdef search rate=0/s\n", "rate="},
        {"ks_0123456789abcdef search rate=5/day\n", "rate="},
        {"ks_0123456789abcdef search name=a/b\n", "name="},
        {"ks_0123456789abcdef search\nks_0123456789abcdef feedback\n", "the same key"},
        {"# only a comment\n\n", "holds no key"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        kb_status_t st = load(bad[i].text, 0600, &k, &msg);
        OK(st == KB_STATUS_BAD_ARGUMENT && k == NULL && msg && strstr(msg, bad[i].want),
           "refused: \"%s\" (%s)", bad[i].want, msg ? msg : "(no message)");
        OK(!msg || !strstr(msg, "ks_0123456789abcdef"), "the message never quotes the key");
        free(msg);
    }
    kb_status_t st = load("ks_0123456789abcdef search\n", 0640, &k, &msg);
    OK(st == KB_STATUS_BAD_ARGUMENT && msg && strstr(msg, "chmod 600"),
       "a file readable by the group is refused (%s)", msg ? msg : "");
    free(msg);
    st = load("ks_0123456789abcdef search\n", 0400, &k, &msg);
    OK(st == KB_STATUS_SUCCESS && kbi_keys_count(k) == 1, "mode 0400 is accepted");
    kbi_keys_free(k);
    char path[300];
    snprintf(path, sizeof path, "%s/none", dir);
    st = kbi_keys_load(path, &k, &msg);
    OK(st == KB_STATUS_FILE_ERROR && msg, "a missing file: file error");
    free(msg);
}

static void test_lookup(void)
{
    kbi_keys_t *k;
    char *msg;
    kb_status_t st = load("  # keys\r\n"
                          "ks_search_0123456789 search name=crm\r\n"
                          "\tks_both_0123456789ab search,feedback\n"
                          "ks_admin_0123456789a admin\n",
                          0600, &k, &msg);
    INT_EQ(st, KB_STATUS_SUCCESS, "comments, CRLF and leading white space are fine");
    INT_EQ(kbi_keys_count(k), 3, "three keys");
    kbi_key_t *s = kbi_keys_find(k, "ks_search_0123456789", 20);
    kbi_key_t *b = kbi_keys_find(k, "ks_both_0123456789ab", 20);
    kbi_key_t *a = kbi_keys_find(k, "ks_admin_0123456789a", 20);
    OK(s && b && a && s != b && b != a, "each key is found");
    STR_EQ(kbi_key_name(s), "crm", "name= names the key");
    STR_EQ(kbi_key_name(b), "key-3", "without name=, key-LINE");
    OK(!kbi_keys_find(k, "ks_search_012345678", 19), "a prefix of a key is not the key");
    OK(!kbi_keys_find(k, "ks_search_01234567890", 21), "a key and one more character is not");
    OK(!kbi_keys_find(k, "ks_search_0123456780", 20), "the last character differs: not");
    OK(!kbi_keys_find(k, "", 0), "the empty key is not");
    OK(kbi_key_allows(s, KBI_SCOPE_SEARCH) && !kbi_key_allows(s, KBI_SCOPE_FEEDBACK),
       "search scope: search only");
    OK(kbi_key_allows(b, KBI_SCOPE_SEARCH) && kbi_key_allows(b, KBI_SCOPE_FEEDBACK),
       "search,feedback: both");
    OK(kbi_key_allows(a, KBI_SCOPE_SEARCH) && kbi_key_allows(a, KBI_SCOPE_FEEDBACK),
       "admin: everything");
    OK(kbi_key_take(s, 0) == 0 && kbi_key_take(s, 0) == 0, "no rate= means no limit");
    kbi_keys_free(k);
}

static void test_rate(void)
{
    kbi_keys_t *k;
    char *msg;
    kb_status_t st = load("ks_rate_per_second_1 search rate=2/s\n"
                          "ks_rate_per_minute_1 search rate=3/min\n",
                          0600, &k, &msg);
    INT_EQ(st, KB_STATUS_SUCCESS, "rate= keys load");
    kbi_key_t *s = kbi_keys_find(k, "ks_rate_per_second_1", 20);
    kbi_key_t *m = kbi_keys_find(k, "ks_rate_per_minute_1", 20);
    double t = 1000.0;
    OK(kbi_key_take(s, t) == 0 && kbi_key_take(s, t) == 0, "2/s: a burst of 2 is allowed");
    INT_EQ(kbi_key_take(s, t), 1, "2/s: the 3rd at once waits 1 s");
    OK(kbi_key_take(s, t + 600) == 0, "2/s: 0.6 s later one more is allowed");
    INT_EQ(kbi_key_take(s, t + 600), 1, "and the next waits");
    for (int i = 0; i < 3; i++)
        OK(kbi_key_take(m, t) == 0, "3/min: request %d of 3 allowed", i + 1);
    unsigned wait = kbi_key_take(m, t);
    OK(wait >= 19 && wait <= 20, "3/min: the 4th waits about 20 s (%u)", wait);
    OK(kbi_key_take(m, t + 21000) == 0, "21 s later one is allowed again");
    OK(kbi_key_take(m, t + 10 * 60000.0) == 0 && kbi_key_take(m, t + 10 * 60000.0) == 0 &&
           kbi_key_take(m, t + 10 * 60000.0) == 0 && kbi_key_take(m, t + 10 * 60000.0) != 0,
       "after a long pause the bucket holds 3, not more");
    kbi_keys_free(k);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_syntax();
    test_lookup();
    test_rate();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        perror("rm");
    return HARNESS_DONE();
}
