/* feedback.c - append-only JSON-lines logs, written safely. */
#include "kb/log.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/paths.h"
#include "kb/json.h"
#include "scrub.h"

char *kb_feedback_default_path(void)
{
    const char *env = getenv("KB_FEEDBACK_LOG");
    if (env && *env)
        return kb_strdup(env);
    char *dir = kb_default_state_dir();
    if (!dir)
        return NULL;
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s/feedback.jsonl", dir);
    free(dir);
    return kb_buf_take(&b);
}

static kb_status_t fail(char **message, const char *what, const char *path)
{
    if (message) {
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "cannot %s %s: %s", what, path, strerror(errno));
        *message = kb_buf_take(&b);
    }
    return KB_STATUS_FILE_ERROR;
}

kb_status_t kb_log_append_line(const char *path, const char *line, char **message)
{
    if (message)
        *message = NULL;
    char *dir = kb_strdup(path);
    if (!dir)
        return KB_STATUS_OUT_OF_MEMORY;
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (kb_mkdir_p(dir, 0700) != KB_STATUS_SUCCESS) {
            kb_status_t st = fail(message, "create the folder", dir);
            free(dir);
            return st;
        }
    }
    free(dir);
    /* A FIFO, /dev/null or a symlink in the log's place is refused, never
     * opened: a FIFO would block the server on its first feedback. */
    int fd;
    kb_status_t ost = kb_state_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600, &fd, message);
    if (ost != KB_STATUS_SUCCESS)
        return ost;
    /* A log created elsewhere with a looser mode is tightened. */
    struct stat st;
    if (fstat(fd, &st) == 0 && (st.st_mode & 077) && st.st_uid == geteuid())
        fchmod(fd, 0600);
    size_t n = strlen(line);
    char *buf = malloc(n + 1);
    if (!buf) {
        close(fd);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    memcpy(buf, line, n);
    buf[n] = '\n';
    /* Where the line starts: a write that fails half-way (a full disk, a
     * file-size limit) is cut back to here, so no torn line is left. */
    off_t before = fstat(fd, &st) == 0 ? st.st_size : -1;
    ssize_t w;
    do
        w = write(fd, buf, n + 1);
    while (w < 0 && errno == EINTR);
    free(buf);
    if (w >= 0 && w != (ssize_t)(n + 1))
        errno = ENOSPC;   /* a short write to a file: no room left */
    if (w != (ssize_t)(n + 1) || fsync(fd) != 0) {
        int e = errno;
        if (w > 0 && before >= 0 && ftruncate(fd, before) == 0)
            fsync(fd);
        errno = e;
        kb_status_t r = fail(message, "write", path);
        close(fd);
        return r;
    }
    if (close(fd) != 0)
        return fail(message, "write", path);
    return KB_STATUS_SUCCESS;
}

/* Add the optional string S as NAME; 1 when done or nothing to do. */
static int add_opt(cJSON *o, const char *name, const char *s)
{
    return !s || cJSON_AddStringToObject(o, name, s) != NULL;
}

static cJSON *feedback_json(const kb_feedback_t *fb)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    /* The customer's words, without their card numbers and the like. */
    char *q = fb->query ? kb_scrub(fb->query, NULL) : NULL;
    char *c = fb->corrected ? kb_scrub(fb->corrected, NULL) : NULL;
    cJSON *o = cJSON_CreateObject();
    int ok = o && (!fb->query || q) && (!fb->corrected || c) &&
             cJSON_AddStringToObject(o, "time", when) &&
             (q ? cJSON_AddStringToObject(o, "query", q) : cJSON_AddNullToObject(o, "query")) &&
             cJSON_AddStringToObject(o, "article", fb->article) &&
             cJSON_AddBoolToObject(o, "helpful", fb->helpful) &&
             cJSON_AddStringToObject(o, "source", fb->source ? fb->source : "") &&
             add_opt(o, "corrected", c) && add_opt(o, "query_id", fb->query_id) &&
             add_opt(o, "call", fb->call) && add_opt(o, "officer", fb->officer);
    free(q);
    free(c);
    if (ok && fb->n_alerts) {
        cJSON *a = cJSON_AddArrayToObject(o, "alerts");
        for (size_t i = 0; a && i < fb->n_alerts; i++)
            cJSON_AddItemToArray(a, cJSON_CreateString(fb->alerts[i]));
        ok = a != NULL;
    }
    if (ok && fb->shown >= 0)
        ok = cJSON_AddBoolToObject(o, "shown", fb->shown) != NULL;
    if (!ok) {
        cJSON_Delete(o);
        return NULL;
    }
    return o;
}

kb_status_t kb_feedback_write(const char *path, const kb_feedback_t *fb, char **message)
{
    if (message)
        *message = NULL;
    if (!path || !fb || !fb->article)
        return KB_STATUS_BAD_ARGUMENT;
    cJSON *o = feedback_json(fb);
    char *line = o ? kb_json_print(o) : NULL;
    cJSON_Delete(o);
    if (!line)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = kb_log_append_line(path, line, message);
    free(line);
    return st;
}

kb_status_t kb_feedback_append(const char *path, const char *query, const char *article,
                               int helpful, const char *source, char **message)
{
    kb_feedback_t fb = KB_FEEDBACK_INIT;
    fb.query = query;
    fb.article = article;
    fb.helpful = helpful;
    fb.source = source;
    return kb_feedback_write(path, &fb, message);
}
