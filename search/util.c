/* util.c - growable buffers, UTF-8 checks, files, hashing, time, paths. */
#include "kb/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* Buffers                                                            */

static int buf_reserve(kb_buf_t *b, size_t extra)
{
    if (b->oom)
        return 0;
    if (extra > SIZE_MAX - b->len - 1) {
        b->oom = 1;
        return 0;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return 0;
    }
    b->data = p;
    b->cap = cap;
    return 1;
}

void kb_buf_add(kb_buf_t *b, const char *s, size_t len)
{
    if (!buf_reserve(b, len))
        return;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void kb_buf_adds(kb_buf_t *b, const char *s)
{
    kb_buf_add(b, s, strlen(s));
}

void kb_buf_addc(kb_buf_t *b, char c)
{
    kb_buf_add(b, &c, 1);
}

void kb_buf_vprintf(kb_buf_t *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || !buf_reserve(b, (size_t)n))
        return;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void kb_buf_printf(kb_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void kb_buf_clear(kb_buf_t *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

char *kb_buf_take(kb_buf_t *b)
{
    if (b->oom) {
        kb_buf_free(b);
        return NULL;
    }
    char *p = b->data ? b->data : calloc(1, 1);
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

void kb_buf_free(kb_buf_t *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}

/* ---------------------------------------------------------------- */
/* String lists                                                       */

int kb_strlist_push(kb_strlist_t *l, const char *s, size_t len)
{
    char *copy = kb_strndup(s, len);
    if (!copy)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **p = realloc(l->items, cap * sizeof *p);
        if (!p) {
            free(copy);
            return 0;
        }
        l->items = p;
        l->cap = cap;
    }
    l->items[l->n++] = copy;
    return 1;
}

void kb_strlist_clear(kb_strlist_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
    l->cap = 0;
}

int kb_strlist_has(const kb_strlist_t *l, const char *s)
{
    for (size_t i = 0; l && i < l->n; i++)
        if (strcmp(l->items[i], s) == 0)
            return 1;
    return 0;
}

/* ---------------------------------------------------------------- */
/* Strings and UTF-8                                                  */

char *kb_strdup(const char *s)
{
    return s ? kb_strndup(s, strlen(s)) : NULL;
}

char *kb_strndup(const char *s, size_t n)
{
    if (!s)
        return NULL;
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* Length of the UTF-8 sequence starting at S (at most LEft bytes), or 0 if
 * it is invalid. */
static size_t utf8_seq(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    if (c >= 0x01 && c < 0x80)
        return 1;
    size_t n;
    unsigned min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    unsigned cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int kb_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t n = utf8_seq(p + i, len - i);
        if (!n) {
            if (bad)
                *bad = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

size_t kb_utf8_prefix(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t i = max;
    /* Step back over continuation bytes to the start of a sequence. */
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

size_t kb_utf8_length(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

size_t kb_utf8_decode(const char *s, size_t len, unsigned *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = len ? utf8_seq(p, len) : 0;
    if (!n) {
        *cp = 0xFFFD;
        return 1;
    }
    if (n == 1) {
        *cp = p[0];
        return 1;
    }
    unsigned c = p[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++)
        c = (c << 6) | (p[i] & 0x3F);
    *cp = c;
    return n;
}

int kb_unicode_width(unsigned cp)
{
    /* Zero width: combining marks, zero-width spaces and joiners,
     * variation selectors. */
    if ((cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
        (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20FF) ||
        (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0x200B && cp <= 0x200F) ||
        (cp >= 0xFE00 && cp <= 0xFE0F))
        return 0;
    /* Wide: East Asian Wide and Fullwidth blocks, and emoji. */
    if ((cp >= 0x1100 && cp <= 0x115F) || cp == 0x2329 || cp == 0x232A ||
        (cp >= 0x2E80 && cp <= 0x303E) || (cp >= 0x3041 && cp <= 0x33FF) ||
        (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
        (cp >= 0xA000 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE10 && cp <= 0xFE19) ||
        (cp >= 0xFE30 && cp <= 0xFE6F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
        (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x1F300 && cp <= 0x1F64F) ||
        (cp >= 0x1F900 && cp <= 0x1F9FF) || (cp >= 0x20000 && cp <= 0x3FFFD))
        return 2;
    return 1;
}

size_t kb_utf8_width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len;) {
        unsigned cp;
        i += kb_utf8_decode(s + i, len - i, &cp);
        w += (size_t)kb_unicode_width(cp);
    }
    return w;
}

void kb_ascii_lower(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

int kb_id_valid(const char *s)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    if (n > 128 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-') {
            if (s[i + 1] == '-')
                return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return 1;
}

/* ---------------------------------------------------------------- */
/* Files                                                              */

kb_status_t kb_file_read(const char *path, size_t max, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return KB_STATUS_FILE_ERROR;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return KB_STATUS_FILE_ERROR;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        return KB_STATUS_FILE_ERROR;
    }
    if ((unsigned long long)st.st_size > max) {
        close(fd);
        *len = (size_t)st.st_size;
        return KB_STATUS_TOO_LARGE;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *p = malloc(cap);
    if (!p) {
        close(fd);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    for (;;) {
        if (n + 1 >= cap) {
            /* The file grew while we read it; allow up to MAX. */
            if (cap > max) {
                free(p);
                close(fd);
                *len = n;
                return KB_STATUS_TOO_LARGE;
            }
            size_t ncap = cap * 2 > max + 1 ? max + 2 : cap * 2;
            char *q = realloc(p, ncap);
            if (!q) {
                free(p);
                close(fd);
                return KB_STATUS_OUT_OF_MEMORY;
            }
            p = q;
            cap = ncap;
        }
        ssize_t r = read(fd, p + n, cap - 1 - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(p);
            close(fd);
            errno = e;
            return KB_STATUS_FILE_ERROR;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    if (n > max) {
        free(p);
        *len = n;
        return KB_STATUS_TOO_LARGE;
    }
    p[n] = '\0';
    *data = p;
    *len = n;
    return KB_STATUS_SUCCESS;
}

static int fsync_dir_of(const char *path)
{
    char *dir = kb_strdup(path);
    if (!dir)
        return -1;
    char *slash = strrchr(dir, '/');
    if (slash == dir)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(dir, ".");
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

kb_status_t kb_file_write_atomic(const char *path, const char *data, size_t len,
                                 unsigned mode)
{
    kb_buf_t tmp = KB_BUF_INIT;
    kb_buf_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    if (tmp.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) {
        kb_buf_free(&tmp);
        return KB_STATUS_FILE_ERROR;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0)
        goto fail;
    if (close(fd) != 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp.data, path) != 0)
        goto fail;
    kb_buf_free(&tmp);
    fsync_dir_of(path);
    return KB_STATUS_SUCCESS;
fail: {
        int e = errno;
        if (fd >= 0)
            close(fd);
        unlink(tmp.data);
        kb_buf_free(&tmp);
        errno = e;
        return KB_STATUS_FILE_ERROR;
    }
}

kb_status_t kb_mkdir_p(const char *path, unsigned mode)
{
    char *p = kb_strdup(path);
    if (!p)
        return KB_STATUS_OUT_OF_MEMORY;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, (mode_t)mode) != 0 && errno != EEXIST) {
            int e = errno;
            free(p);
            errno = e;
            return KB_STATUS_FILE_ERROR;
        }
        *s = '/';
    }
    int rc = mkdir(p, (mode_t)mode);
    int e = errno;
    free(p);
    if (rc != 0 && e != EEXIST) {
        errno = e;
        return KB_STATUS_FILE_ERROR;
    }
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? KB_STATUS_SUCCESS : KB_STATUS_FILE_ERROR;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 ? KB_STATUS_SUCCESS : KB_STATUS_FILE_ERROR;
    DIR *d = opendir(path);
    if (!d)
        return KB_STATUS_FILE_ERROR;
    kb_status_t st2 = KB_STATUS_SUCCESS;
    struct dirent *e;
    kb_buf_t child = KB_BUF_INIT;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        kb_buf_clear(&child);
        kb_buf_printf(&child, "%s/%s", path, e->d_name);
        if (child.oom) {
            st2 = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        kb_status_t r = kb_remove_tree(child.data);
        if (r != KB_STATUS_SUCCESS)
            st2 = r;
    }
    closedir(d);
    kb_buf_free(&child);
    if (st2 == KB_STATUS_SUCCESS && rmdir(path) != 0)
        st2 = KB_STATUS_FILE_ERROR;
    return st2;
}

/* ---------------------------------------------------------------- */
/* Hashing and time                                                   */

uint64_t kb_hash64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

double kb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---------------------------------------------------------------- */
/* Default locations                                                  */

static char *xdg_path(const char *env, const char *fallback, const char *leaf)
{
    kb_buf_t b = KB_BUF_INIT;
    const char *base = getenv(env);
    if (base && base[0] == '/') {
        kb_buf_printf(&b, "%s/kb%s", base, leaf);
    } else {
        const char *home = getenv("HOME");
        if (!home || !*home)
            return NULL;
        kb_buf_printf(&b, "%s/%s/kb%s", home, fallback, leaf);
    }
    return kb_buf_take(&b);
}

char *kb_default_db_path(void)
{
    const char *db = getenv("KB_DB");
    if (db && *db)
        return kb_strdup(db);
    return xdg_path("XDG_DATA_HOME", ".local/share", "/index");
}

char *kb_default_state_dir(void)
{
    return xdg_path("XDG_STATE_HOME", ".local/state", "");
}
