/* jsonl.c - JSON lines: the one printer of every JSON kb writes, and the
 * reader of its logs. */
#include "jsonl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/utf8.h"
#include "kb/json.h"

char *kb_json_print(const cJSON *o)
{
    char *raw = o ? cJSON_PrintUnformatted(o) : NULL;
    if (!raw)
        return NULL;
    size_t len = strlen(raw);
    if (kb_utf8_valid(raw, len, NULL))
        return raw;
    char *clean = kb_utf8_sanitize(raw, len);
    free(raw);
    return clean;
}

static kb_status_t fail(char **message, const char *what, const char *path)
{
    if (message) {
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "%s %s: %s", what, path, strerror(errno));
        *message = kb_buf_take(&b);
    }
    return KB_STATUS_FILE_ERROR;
}

/* PATH opened for reading without blocking, if it is a regular file. */
static kb_status_t open_regular(const char *path, FILE **out, char **message)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return errno == ENOENT ? KB_STATUS_NOT_FOUND : fail(message, "cannot read", path);
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return fail(message, "cannot read", path);
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        if (message) {
            kb_buf_t m = KB_BUF_INIT;
            kb_buf_printf(&m, "not a regular file: %s", path);
            *message = kb_buf_take(&m);
        }
        return KB_STATUS_FILE_ERROR;
    }
    *out = fdopen(fd, "r");
    if (!*out) {
        close(fd);
        return fail(message, "cannot read", path);
    }
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_jsonl_read(const char *path, kb_jsonl_fn fn, void *ctx, unsigned *skipped,
                          char **message)
{
    if (message)
        *message = NULL;
    FILE *fp;
    kb_status_t st = open_regular(path, &fp, message);
    if (st == KB_STATUS_NOT_FOUND)
        return KB_STATUS_SUCCESS;
    if (st != KB_STATUS_SUCCESS)
        return st;
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while (st == KB_STATUS_SUCCESS && (len = getline(&line, &cap, fp)) != -1) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        cJSON *o = (size_t)len <= KB_JSONL_MAX_LINE && kb_utf8_valid(line, (size_t)len, NULL)
                       ? cJSON_ParseWithLength(line, (size_t)len)
                       : NULL;
        kb_status_t lst = cJSON_IsObject(o) ? fn(ctx, o) : KB_STATUS_PARSE_ERROR;
        cJSON_Delete(o);
        if (lst == KB_STATUS_PARSE_ERROR)
            (*skipped)++;
        else
            st = lst;
    }
    if (st == KB_STATUS_SUCCESS && ferror(fp))
        st = fail(message, "cannot read", path);
    free(line);
    fclose(fp);
    return st;
}
