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
    kb_stub_list_t *out;   /* the leaves, for kb_stub_leaves(); NULL to check only */
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

/* Add a leaf to C's list (when it keeps one).  NAME is LEN bytes. */
static kb_status_t add_leaf(checker_t *c, kb_stub_kind_t kind, const char *backend,
                            const char *path, const char *args, unsigned port, const char *name,
                            size_t len)
{
    kb_stub_list_t *l = c->out;
    if (!l)
        return KB_STATUS_SUCCESS;
    kb_stub_leaf_t *p = realloc(l->leaves, (l->n + 1) * sizeof *p);
    if (!p)
        return KB_STATUS_OUT_OF_MEMORY;
    l->leaves = p;
    kb_stub_leaf_t *f = &p[l->n];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->port = port;
    f->backend = kb_strdup(backend ? backend : "");
    f->path = kb_strdup(path ? path : "");
    f->args = kb_strdup(args ? args : "");
    f->name = kb_strndup(name, len);
    l->n++;   /* counted even when a copy failed, so that clearing frees it */
    if (!f->backend || !f->path || !f->args || !f->name)
        return KB_STATUS_OUT_OF_MEMORY;
    return KB_STATUS_SUCCESS;
}

/* A "remote" line's REST (LEN bytes, no '\r'): ":PROG ARGS" or "HOST:PORT"
 * as Xapian reads them (the last colon splits; "[::1]:PORT" for IPv6). */
static kb_status_t remote_leaf(checker_t *c, const char *file, int lineno, const char *rest,
                               size_t len)
{
    kb_buf_t name = KB_BUF_INIT, a = KB_BUF_INIT;
    kb_buf_adds(&name, "remote ");
    kb_buf_add(&name, rest, len);
    kb_buf_add(&a, rest, len);
    if (name.oom || a.oom) {
        kb_buf_free(&name);
        kb_buf_free(&a);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    kb_status_t st;
    char *line = a.data;
    if (line[0] == ':') {
        char *sp = strchr(line, ' ');
        if (sp)
            *sp = '\0';
        st = add_leaf(c, KB_STUB_PROGRAM, NULL, line + 1, sp ? sp + 1 : "", 0, name.data,
                      name.len);
    } else {
        char *colon = strrchr(line, ':');
        char *end = NULL;
        unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
        if (!colon || colon == line || end == colon + 1 || *end || port < 1 || port > 65535) {
            st = refuse(c, file, lineno, "'%s' is not HOST:PORT with a port 1-65535 (a remote "
                                         "line names a xapian-tcpsrv server); refused",
                        name.data);
        } else {
            *colon = '\0';
            char *host = line;
            size_t hl = strlen(host);
            if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
                host[hl - 1] = '\0';
                host++;
            }
            st = add_leaf(c, KB_STUB_TCP, NULL, host, NULL, (unsigned)port, name.data, name.len);
        }
    }
    kb_buf_free(&name);
    kb_buf_free(&a);
    return st;
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
    /* What the leaves keep of a line ends before a '\r' (a stub written on
     * Windows); the checks look at the line as Xapian would. */
    size_t ll = strcspn(line, "\r"), rl = strcspn(rest, "\r");
    if (tl == 8 && !strncmp(line, "inmemory", 8))
        return add_leaf(c, KB_STUB_INMEMORY, NULL, NULL, NULL, 0, line, ll);
    if ((tl == 5 && !strncmp(line, "glass", 5)) || (tl == 5 && !strncmp(line, "chert", 5))) {
        /* Opened as a database, never as a stub. */
        if (!c->out)
            return KB_STATUS_SUCCESS;
        kb_buf_t r = KB_BUF_INIT, b = KB_BUF_INIT;
        kb_buf_add(&r, rest, rl);
        kb_buf_add(&b, line, tl);
        char *target = r.oom ? NULL : resolve(file, r.data ? r.data : "");
        kb_status_t st = target && !b.oom
                             ? add_leaf(c, KB_STUB_LOCAL, b.data, target, NULL, 0, line, ll)
                             : KB_STATUS_OUT_OF_MEMORY;
        free(target);
        kb_buf_free(&r);
        kb_buf_free(&b);
        return st;
    }
    if (tl == 4 && !strncmp(line, "auto", 4)) {
        char *target = resolve(file, rest);
        if (!target)
            return KB_STATUS_OUT_OF_MEMORY;
        if (c->out)
            target[strcspn(target, "\r")] = '\0';
        kb_status_t st = check_path(c, target, depth + 1);
        free(target);
        return st;
    }
    if (tl == 6 && !strncmp(line, "remote", 6)) {
        if (rest[0] == ':' && !c->allow_programs)
            return refuse(c, file, lineno,
                          "'remote :%s' would start a program; kb does not run programs named "
                          "in an index folder (--allow-remote-programs allows them)", rest + 1);
        return c->out ? remote_leaf(c, file, lineno, rest, rl) : KB_STATUS_SUCCESS;
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
        return add_leaf(c, KB_STUB_LOCAL, "auto", file, NULL, 0, file, strlen(file));
    }
    if (c->out && !kb_strv_push(&c->out->files, &c->out->n_files, file, strlen(file))) {
        free(data);
        return KB_STATUS_OUT_OF_MEMORY;
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
    if (stat(path, &st) != 0)   /* missing: Xapian says so */
        return add_leaf(c, KB_STUB_LOCAL, "auto", path, NULL, 0, path, strlen(path));
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
    } else {
        r = add_leaf(c, KB_STUB_LOCAL, "auto", path, NULL, 0, path, strlen(path));
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
    checker_t c = {allow_programs, KB_BUF_INIT, NULL};
    kb_status_t st = check_path(&c, path, 0);
    if (st == KB_STATUS_DB_OPENING && message)
        *message = kb_buf_take(&c.msg);
    kb_buf_free(&c.msg);
    return st;
}

kb_status_t kb_stub_leaves(const char *path, int allow_programs, kb_stub_list_t *out,
                           char **message)
{
    if (message)
        *message = NULL;
    if (!out)
        return KB_STATUS_BAD_ARGUMENT;
    memset(out, 0, sizeof *out);
    if (!path)
        return KB_STATUS_BAD_ARGUMENT;
    checker_t c = {allow_programs, KB_BUF_INIT, out};
    kb_status_t st = check_path(&c, path, 0);
    if (st == KB_STATUS_DB_OPENING && message)
        *message = kb_buf_take(&c.msg);
    kb_buf_free(&c.msg);
    if (st != KB_STATUS_SUCCESS)
        kb_stub_list_clear(out);
    return st;
}

void kb_stub_list_clear(kb_stub_list_t *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++) {
        free(l->leaves[i].backend);
        free(l->leaves[i].path);
        free(l->leaves[i].args);
        free(l->leaves[i].name);
    }
    free(l->leaves);
    kb_strv_free(l->files, l->n_files);
    memset(l, 0, sizeof *l);
}
