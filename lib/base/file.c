/* file.c - reading and writing files safely, folders. */
#include "base/file.h"

#include "base/buf.h"

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

/* ---------------------------------------------------------------- */
/* State files                                                        */

/* What a file of MODE is, for a message ("a FIFO"). */
static const char *file_kind(mode_t mode)
{
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISDIR(mode))
        return "a folder";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "not a regular file";
}

static kb_status_t state_fail(char **message, const char *path, const char *kind, int err)
{
    if (message) {
        kb_buf_t b = KB_BUF_INIT;
        if (kind)
            kb_buf_printf(&b, "%s is %s, not a regular file", path, kind);
        else
            kb_buf_printf(&b, "cannot open %s: %s", path, strerror(err));
        *message = kb_buf_take(&b);
    }
    errno = kind ? EINVAL : err;
    return KB_STATUS_FILE_ERROR;
}

kb_status_t kb_state_file_check(const char *path, char **message)
{
    if (message)
        *message = NULL;
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? KB_STATUS_SUCCESS : state_fail(message, path, NULL, errno);
    if (!S_ISREG(st.st_mode))
        return state_fail(message, path, file_kind(st.st_mode), 0);
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_state_file_open(const char *path, int flags, unsigned mode, int *fd,
                               char **message)
{
    *fd = -1;
    kb_status_t st = kb_state_file_check(path, message);
    if (st != KB_STATUS_SUCCESS)
        return st;
    int f = open(path, flags | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC, (mode_t)mode);
    if (f < 0) {
        int e = errno;
        struct stat l;
        /* Swapped for a link or a FIFO since the look: say what it is. */
        if ((e == ELOOP || e == ENXIO) && lstat(path, &l) == 0 && !S_ISREG(l.st_mode))
            return state_fail(message, path, file_kind(l.st_mode), 0);
        return state_fail(message, path, NULL, e);
    }
    struct stat fs;
    memset(&fs, 0, sizeof fs);
    if (fstat(f, &fs) != 0 || !S_ISREG(fs.st_mode)) {
        int e = errno;
        close(f);
        return state_fail(message, path, fs.st_mode ? file_kind(fs.st_mode) : NULL, e);
    }
    int fl = fcntl(f, F_GETFL);
    if (fl >= 0)
        fcntl(f, F_SETFL, fl & ~O_NONBLOCK);
    *fd = f;
    return KB_STATUS_SUCCESS;
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

