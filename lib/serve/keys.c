/* keys.c - the keys file, constant-time key lookup, scopes, rate limits. */
#include "serve/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

#define KEY_MIN 16
#define KEY_MAX 256
#define NAME_MAX_LEN 64
#define KEYS_FILE_MAX (1024u * 1024u)

struct kbi_key {
    char *secret;
    size_t len;
    char name[NAME_MAX_LEN + 1];
    unsigned scopes;
    double rate;          /* requests per millisecond; 0 = no limit */
    double burst;         /* bucket size */
    double tokens;
    double last_ms;       /* when TOKENS was last refilled; < 0 = never */
    pthread_mutex_t lock;
};

struct kbi_keys {
    kbi_key_t *v;
    size_t n;
    int locks;            /* the keys' mutexes are initialised */
};

/* "search,feedback" -> scope bits; 0 when a word is unknown. */
static unsigned parse_scopes(const char *s)
{
    unsigned bits = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 6 && strncmp(s, "search", 6) == 0)
            bits |= KBI_SCOPE_SEARCH;
        else if (n == 8 && strncmp(s, "feedback", 8) == 0)
            bits |= KBI_SCOPE_FEEDBACK;
        else if (n == 5 && strncmp(s, "admin", 5) == 0)
            bits |= KBI_SCOPE_ADMIN;
        else
            return 0;
        s += n;
        if (*s == ',')
            s++;
    }
    return bits;
}

/* "N/s", "N/min", "N/h" -> requests per ms and the bucket size. */
static int parse_rate(const char *s, kbi_key_t *k)
{
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (end == s || n == 0 || n > 1000000 || *end != '/')
        return 0;
    double per_ms;
    if (strcmp(end, "/s") == 0)
        per_ms = 1000.0;
    else if (strcmp(end, "/min") == 0)
        per_ms = 60000.0;
    else if (strcmp(end, "/h") == 0)
        per_ms = 3600000.0;
    else
        return 0;
    k->rate = (double)n / per_ms;
    k->burst = (double)n;
    k->tokens = (double)n;
    k->last_ms = -1;
    return 1;
}

static int valid_secret(const char *s, size_t n)
{
    if (n < KEY_MIN || n > KEY_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
            return 0;
    return 1;
}

static int valid_name(const char *s)
{
    size_t n = strlen(s);
    return n > 0 && n <= NAME_MAX_LEN &&
           strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* One line's fields (split on spaces and tabs, the line modified) into K.
 * Returns NULL, or what is wrong. */
static const char *parse_line(char *line, kbi_key_t *k)
{
    char *f[8];
    size_t nf = 0;
    for (char *save = NULL, *t = strtok_r(line, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
        if (nf == 8)
            return "too many fields (KEY SCOPES [name=NAME] [rate=N/s])";
        f[nf++] = t;
    }
    if (nf < 2)
        return "a key needs its scopes (KEY SCOPES [OPTIONS], e.g. \"ks_... search\")";
    if (!valid_secret(f[0], strlen(f[0])))
        return "a key is 16 to 256 printable characters without spaces";
    if (!(k->scopes = parse_scopes(f[1])))
        return "scopes are a comma-separated list of search, feedback, admin";
    for (size_t i = 2; i < nf; i++) {
        if (strncmp(f[i], "name=", 5) == 0) {
            if (!valid_name(f[i] + 5))
                return "name= takes 1-64 letters, digits or ._-";
            strcpy(k->name, f[i] + 5);
        } else if (strncmp(f[i], "rate=", 5) == 0) {
            if (!parse_rate(f[i] + 5, k))
                return "rate= takes N/s, N/min or N/h (N from 1 to 1000000)";
        } else {
            return "unknown option (name=NAME, rate=N/s)";
        }
    }
    if (!(k->secret = kb_strdup(f[0])))
        return "out of memory";
    k->len = strlen(f[0]);
    return NULL;
}

/* The file must be a regular file that group and others cannot touch. */
static kb_status_t check_mode(const char *path, int fd, char **message)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return kb_fail_message(message, KB_STATUS_FILE_ERROR, "cannot read %s: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "%s is not a regular file", path);
    if (st.st_mode & 077)
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                    "%s is open to other users (mode %03o); keys need 0600: chmod 600 %s", path,
                    (unsigned)(st.st_mode & 0777), path);
    return KB_STATUS_SUCCESS;
}

static kb_status_t read_keys_file(const char *path, char **text, char **message)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return kb_fail_message(message, KB_STATUS_FILE_ERROR, "cannot open %s: %s", path, strerror(errno));
    kb_status_t st = check_mode(path, fd, message);
    kb_buf_t b = KB_BUF_INIT;
    char chunk[4096];
    ssize_t got;
    while (st == KB_STATUS_SUCCESS && (got = read(fd, chunk, sizeof chunk)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            st = kb_fail_message(message, KB_STATUS_FILE_ERROR, "cannot read %s: %s", path, strerror(errno));
        else if (b.len + (size_t)got > KEYS_FILE_MAX)
            st = kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "%s is over 1 MiB", path);
        else
            kb_buf_add(&b, chunk, (size_t)got);
    }
    close(fd);
    if (st == KB_STATUS_SUCCESS && b.oom)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st != KB_STATUS_SUCCESS) {
        kb_buf_free(&b);
        return st;
    }
    *text = b.data ? kb_buf_take(&b) : kb_strdup("");
    return *text ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

static kb_status_t add_key(kbi_keys_t *keys, char *line, unsigned lineno, const char *path,
                           char **message)
{
    kbi_key_t *v = realloc(keys->v, (keys->n + 1) * sizeof *v);
    if (!v)
        return KB_STATUS_OUT_OF_MEMORY;
    keys->v = v;
    kbi_key_t *k = &v[keys->n];
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "key-%u", lineno);
    const char *why = parse_line(line, k);
    if (why) {
        free(k->secret);
        /* The line is never quoted: it holds a key. */
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "%s:%u: %s", path, lineno, why);
    }
    for (size_t i = 0; i < keys->n; i++)
        if (v[i].len == k->len && memcmp(v[i].secret, k->secret, k->len) == 0) {
            free(k->secret);
            return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "%s:%u: the same key as %s", path,
                        lineno, v[i].name);
        }
    keys->n++;
    return KB_STATUS_SUCCESS;
}

kb_status_t kbi_keys_load(const char *path, kbi_keys_t **out, char **message)
{
    *out = NULL;
    *message = NULL;
    char *text;
    kb_status_t st = read_keys_file(path, &text, message);
    if (st != KB_STATUS_SUCCESS)
        return st;
    kbi_keys_t *keys = calloc(1, sizeof *keys);
    if (!keys) {
        free(text);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    unsigned lineno = 0;
    for (char *p = text, *nl; st == KB_STATUS_SUCCESS && p && *p; p = nl ? nl + 1 : NULL) {
        nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        size_t n = strlen(p);
        if (n && p[n - 1] == '\r')
            p[--n] = '\0';
        p += strspn(p, " \t");
        if (*p && *p != '#')
            st = add_key(keys, p, lineno, path, message);
    }
    /* The text held the keys: wipe it before freeing. */
    explicit_bzero(text, strlen(text));
    free(text);
    if (st == KB_STATUS_SUCCESS && keys->n == 0)
        st = kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "%s holds no key (KEY SCOPES per line)", path);
    if (st != KB_STATUS_SUCCESS) {
        kbi_keys_free(keys);
        return st;
    }
    /* The array no longer moves: now the mutexes. */
    for (size_t i = 0; i < keys->n; i++)
        pthread_mutex_init(&keys->v[i].lock, NULL);
    keys->locks = 1;
    *out = keys;
    return KB_STATUS_SUCCESS;
}

void kbi_keys_free(kbi_keys_t *keys)
{
    if (!keys)
        return;
    for (size_t i = 0; i < keys->n; i++) {
        explicit_bzero(keys->v[i].secret, keys->v[i].len);
        free(keys->v[i].secret);
        if (keys->locks)
            pthread_mutex_destroy(&keys->v[i].lock);
    }
    free(keys->v);
    free(keys);
}

size_t kbi_keys_count(const kbi_keys_t *keys)
{
    return keys ? keys->n : 0;
}

/* 0 when the LEN bytes at GIVEN are K's secret.  Reads all of K's secret
 * whatever GIVEN holds, so the time says nothing about where they differ. */
static unsigned differs(const kbi_key_t *k, const char *given, size_t len)
{
    volatile unsigned char d = (unsigned char)(len != k->len);
    if (len == 0)
        return 1;
    for (size_t i = 0; i < k->len; i++)
        d |= (unsigned char)(k->secret[i] ^ given[i % len]);
    return d;
}

kbi_key_t *kbi_keys_find(kbi_keys_t *keys, const char *given, size_t len)
{
    kbi_key_t *found = NULL;
    if (!keys || len > KEY_MAX)
        return NULL;
    /* Every key is compared: the time does not say which one matched. */
    for (size_t i = 0; i < keys->n; i++) {
        unsigned d = differs(&keys->v[i], given, len);
        if (!d && !found)
            found = &keys->v[i];
    }
    return found;
}

const char *kbi_key_name(const kbi_key_t *key)
{
    return key ? key->name : "-";
}

int kbi_key_allows(const kbi_key_t *key, unsigned scope)
{
    return key && ((key->scopes & KBI_SCOPE_ADMIN) || (key->scopes & scope) == scope);
}

unsigned kbi_key_take(kbi_key_t *key, double now_ms)
{
    if (!key || key->rate <= 0)
        return 0;
    unsigned wait = 0;
    pthread_mutex_lock(&key->lock);
    if (key->last_ms >= 0 && now_ms > key->last_ms)
        key->tokens = fmin(key->burst, key->tokens + (now_ms - key->last_ms) * key->rate);
    key->last_ms = now_ms;
    if (key->tokens >= 1.0) {
        key->tokens -= 1.0;
    } else {
        double ms = (1.0 - key->tokens) / key->rate;
        wait = (unsigned)ceil(ms / 1000.0);
        if (wait < 1)
            wait = 1;
    }
    pthread_mutex_unlock(&key->lock);
    return wait;
}
