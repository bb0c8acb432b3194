/* callrec.c - call records: one file per call, one JSON line per event
 * (kb/log.h).  kb-assistant writes them; kb-index --report reads them
 * (lib/report, through jsonl.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/file.h"
#include "base/utf8.h"
#include "kb/json.h"
#include "kb/log.h"

struct kb_callrec {
    char *path;   /* NULL when not recording */
    char *id;
};

/* mkdir -p DIR with mode 0700, tightened to 0700 if it is ours and was
 * made looser by hand; 0 when it cannot be made or is not a folder. */
static int private_dir(const char *dir)
{
    if (kb_mkdir_p(dir, 0700) != KB_STATUS_SUCCESS)
        return 0;
    struct stat st;
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return 0;
    if ((st.st_mode & 077) && st.st_uid == geteuid())
        chmod(dir, 0700);
    return 1;
}

/* The first free DIR/ID[-N].jsonl: ID is extended in place. */
static char *free_path(const char *dir, kb_buf_t *id)
{
    size_t base = id->len;
    for (unsigned n = 2; n < 1000; n++) {
        kb_buf_t p = KB_BUF_INIT;
        kb_buf_printf(&p, "%s/%s.jsonl", dir, id->data);
        struct stat st;
        if (p.data && lstat(p.data, &st) != 0)
            return kb_buf_take(&p);
        kb_buf_free(&p);
        id->len = base;
        kb_buf_printf(id, "-%u", n);
    }
    return NULL;
}

kb_status_t kb_callrec_open(const char *dir, kb_callrec_t **out, char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    kb_callrec_t *r = calloc(1, sizeof *r);
    if (!r)
        return KB_STATUS_OUT_OF_MEMORY;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", &tm);
    kb_buf_t id = KB_BUF_INIT;
    kb_buf_printf(&id, "%s-%ld", stamp, (long)getpid());
    if (dir && !id.oom && private_dir(dir))
        r->path = free_path(dir, &id);
    r->id = kb_buf_take(&id);
    if (!r->id) {
        kb_callrec_close(r);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    *out = r;
    if (r->path)
        return KB_STATUS_SUCCESS;
    if (message) {
        kb_buf_t m = KB_BUF_INIT;
        kb_buf_printf(&m, "no usable state folder%s%s", dir ? " at " : "; set HOME or XDG_STATE_HOME",
                      dir ? dir : "");
        *message = kb_buf_take(&m);
    }
    return KB_STATUS_FILE_ERROR;
}

void kb_callrec_close(kb_callrec_t *r)
{
    if (!r)
        return;
    free(r->path);
    free(r->id);
    free(r);
}

const char *kb_callrec_id(const kb_callrec_t *r)
{
    return r ? r->id : "";
}

const char *kb_callrec_path(const kb_callrec_t *r)
{
    return r ? r->path : NULL;
}

cJSON *kb_callrec_event(const char *name)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t t = tv.tv_sec;
    gmtime_r(&t, &tm);
    char when[40], stamp[64];
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(stamp, sizeof stamp, "%s.%03ldZ", when, (long)(tv.tv_usec / 1000));
    cJSON *ev = cJSON_CreateObject();
    if (ev && (!cJSON_AddStringToObject(ev, "time", stamp) ||
               !cJSON_AddStringToObject(ev, "event", name))) {
        cJSON_Delete(ev);
        return NULL;
    }
    return ev;
}

/* Cut every string of the tree O longer than KB_CALLREC_MAX_STRING. */
static int cap_strings(cJSON *o)
{
    for (cJSON *x = o; x; x = x->next) {
        if (cJSON_IsString(x) && strlen(x->valuestring) > KB_CALLREC_MAX_STRING) {
            const char *v = x->valuestring;
            size_t keep = kb_utf8_prefix(v, strlen(v), KB_CALLREC_MAX_STRING - 3);
            kb_buf_t b = KB_BUF_INIT;
            kb_buf_add(&b, v, keep);
            kb_buf_adds(&b, "\xe2\x80\xa6");
            if (b.oom || !cJSON_SetValuestring(x, b.data)) {
                kb_buf_free(&b);
                return 0;
            }
            kb_buf_free(&b);
        }
        if (x->child && !cap_strings(x->child))
            return 0;
    }
    return 1;
}

kb_status_t kb_callrec_write(kb_callrec_t *r, cJSON *ev, char **message)
{
    if (message)
        *message = NULL;
    if (!ev)
        return KB_STATUS_OUT_OF_MEMORY;
    if (!r || !r->path) {
        cJSON_Delete(ev);
        return KB_STATUS_SUCCESS;
    }
    char *line = cap_strings(ev->child) ? kb_json_print(ev) : NULL;
    cJSON_Delete(ev);
    kb_status_t st = line ? kb_log_append_line(r->path, line, message) : KB_STATUS_OUT_OF_MEMORY;
    free(line);
    return st;
}
