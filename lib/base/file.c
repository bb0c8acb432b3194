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

