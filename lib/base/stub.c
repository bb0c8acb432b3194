/* stub.c - check Xapian stub files before libxapian reads them. */
#include "base/stub.h"

#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"

/* The magic at the start of a single-file glass database. */
#define GLASS_MAGIC "Xapian Glass"

typedef struct checker {
    int allow_programs;
    kb_buf_t msg;
} checker_t;

static kb_status_t check_path(checker_t *c, const char *path, int depth);

static kb_status_t refuse(checker_t *c, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static kb_status_t refuse(checker_t *c, const char *file, int line, const char *fmt, ...)
{
    kb_buf_clear(&c->msg);
    if (line)
        kb_buf_printf(&c->msg, "%s:%d: ", file, line);
    else
        kb_buf_printf(&c->msg, "%s: ", file);
    va_list ap;
    va_start(ap, fmt);
    kb_buf_vprintf(&c->msg, fmt, ap);
    va_end(ap);
    return c->msg.oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_DB_OPENING;
}

/* Read the stub FILE (a regular file, at most KB_STUB_MAX_BYTES) into *DATA;
 * never blocks on a FIFO swapped in since the stat. */
static kb_status_t read_stub(checker_t *c, const char *file, char **data, size_t *len)
{
    *data = NULL;
    int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return refuse(c, file, 0, "cannot read the stub file: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return refuse(c, file, 0, "%s", "not a regular file; refused as an index");
    }
    if ((unsigned long long)st.st_size > KB_STUB_MAX_BYTES) {
        close(fd);
        return refuse(c, file, 0, "%s", "too large for a Xapian stub file; refused");
    }
    char *p = malloc((size_t)st.st_size + 1);
    if (!p) {
        close(fd);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    size_t n = 0;
    while (n < (size_t)st.st_size) {
        ssize_t r = read(fd, p + n, (size_t)st.st_size - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    p[n] = '\0';
    *data = p;
    *len = n;
    return KB_STATUS_SUCCESS;
}

/* PATH as Xapian resolves it: relative to the folder of the stub FILE. */
static char *resolve(const char *file, const char *path)
{
    kb_buf_t b = KB_BUF_INIT;
    const char *slash = strrchr(file, '/');
    if (path[0] != '/' && slash)
        kb_buf_add(&b, file, (size_t)(slash - file) + 1);
    kb_buf_adds(&b, path);
    return kb_buf_take(&b);
}

/* One line of the stub FILE (Xapian splits the type at the first space and
 * keeps a '\r'). */
static kb_status_t check_line(checker_t *c, const char *file, int lineno, const char *line,
                              int depth)
{
    if (!line[0] || line[0] == '#')
        return KB_STATUS_SUCCESS;
    const char *sp = strchr(line, ' ');
    size_t tl = sp ? (size_t)(sp - line) : strlen(line);
    const char *rest = sp ? sp + 1 : "";
    if (tl == 8 && !strncmp(line, "inmemory", 8))
        return KB_STATUS_SUCCESS;
    if ((tl == 5 && !strncmp(line, "glass", 5)) || (tl == 5 && !strncmp(line, "chert", 5)))
        return KB_STATUS_SUCCESS;   /* opened as a database, never as a stub */
    if (tl == 4 && !strncmp(line, "auto", 4)) {
        char *target = resolve(file, rest);
        if (!target)
            return KB_STATUS_OUT_OF_MEMORY;
        kb_status_t st = check_path(c, target, depth + 1);
        free(target);
        return st;
    }
    if (tl == 6 && !strncmp(line, "remote", 6)) {
        if (rest[0] != ':' || c->allow_programs)
            return KB_STATUS_SUCCESS;   /* TCP: HOST:PORT */
        return refuse(c, file, lineno,
                      "'remote :%s' would start a program; kb does not run programs named "
                      "in an index folder (--allow-remote-programs allows them)", rest + 1);
    }
    kb_buf_t t = KB_BUF_INIT;
    kb_buf_add(&t, line, tl > 40 ? 40 : tl);
    kb_status_t st = t.oom ? KB_STATUS_OUT_OF_MEMORY
                           : refuse(c, file, lineno,
                                    "unknown stub line '%s' (auto, glass, chert, inmemory, "
                                    "remote HOST:PORT); refused", t.data);
    kb_buf_free(&t);
    return st;
}

static kb_status_t check_stub(checker_t *c, const char *file, int depth)
{
    if (depth > KB_STUB_MAX_DEPTH)
        return refuse(c, file, 0, "%s", "stub files name each other too deeply (a loop?); "
                                        "refused");
    char *data;
    size_t len = 0;
    kb_status_t st = read_stub(c, file, &data, &len);
    if (st != KB_STATUS_SUCCESS)
        return st;
    if (memmem(data, len < 16 ? len : 16, GLASS_MAGIC, sizeof GLASS_MAGIC - 1)) {
        free(data);   /* a single-file database, not a stub */
        return KB_STATUS_SUCCESS;
    }
    int lineno = 0;
    for (char *line = data; st == KB_STATUS_SUCCESS && line < data + len;) {
        char *nl = memchr(line, '\n', (size_t)(data + len - line));
        if (nl)
            *nl = '\0';
        lineno++;
        if (strlen(line) != (size_t)((nl ? nl : data + len) - line))
            st = refuse(c, file, lineno, "%s", "NUL byte in a stub file; refused");
        else
            st = check_line(c, file, lineno, line, depth);
        if (!nl)
            break;
        line = nl + 1;
    }
    free(data);
    return st;
}

static kb_status_t check_path(checker_t *c, const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return KB_STATUS_SUCCESS;   /* missing: Xapian says so */
    if (S_ISREG(st.st_mode))
        return check_stub(c, path, depth);
    if (!S_ISDIR(st.st_mode))
        return refuse(c, path, 0, "%s", "neither a folder nor a file; refused as an index");
    kb_buf_t stub = KB_BUF_INIT;
    kb_buf_printf(&stub, "%s/XAPIANDB", path);
    if (stub.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t r = KB_STATUS_SUCCESS;
    if (lstat(stub.data, &st) == 0 || errno != ENOENT) {
        if (stat(stub.data, &st) == 0 && !S_ISREG(st.st_mode))
            r = refuse(c, stub.data, 0, "%s", "not a regular file; refused as a stub file");
        else
            r = check_stub(c, stub.data, depth);
    }
    kb_buf_free(&stub);
    return r;
}

kb_status_t kb_stub_check(const char *path, int allow_programs, char **message)
{
    if (message)
        *message = NULL;
    if (!path)
        return KB_STATUS_BAD_ARGUMENT;
    checker_t c = {allow_programs, KB_BUF_INIT};
    kb_status_t st = check_path(&c, path, 0);
    if (st == KB_STATUS_DB_OPENING && message)
        *message = kb_buf_take(&c.msg);
    kb_buf_free(&c.msg);
    return st;
}
