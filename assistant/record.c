/* record.c - the call record: one JSON object per line, one line per
 * event, appended, flushed and fsync'd as the event happens
 * (kb_log_append_line), so a killed terminal loses nothing that was shown.
 *
 *   <state>/calls/YYYY-MM-DD-HHMMSS-PID.jsonl     (0600; folders 0700)
 *
 * Every line has "time" (UTC, ISO 8601 with milliseconds) and "event";
 * the events and their fields are listed in man/kb-assistant.1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "assistant.h"
#include "kb/json.h"
#include "kb/feedback.h"
#include "kb/version.h"
#include "base/file.h"

cJSON *kba_event(const char *name)
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
    if (ev) {
        cJSON_AddStringToObject(ev, "time", stamp);
        cJSON_AddStringToObject(ev, "event", name);
    }
    return ev;
}

cJSON *kba_json_strv(char *const *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

void kba_record_write(kba_session_t *S, cJSON *ev)
{
    if (!ev)
        return;
    if (!S->rec.path) {
        cJSON_Delete(ev);
        return;
    }
    char *line = kb_json_print(ev);
    cJSON_Delete(ev);
    char *msg = NULL;
    kb_status_t st = line ? kb_log_append_line(S->rec.path, line, &msg) : KB_STATUS_OUT_OF_MEMORY;
    free(line);
    if (st != KB_STATUS_SUCCESS && !S->rec.warned) {
        /* Once: the officer should know, but the call goes on. */
        kba_say("warning: the call record is not being written (%s)",
                msg ? msg : kb_status_to_string(st));
        S->rec.warned = 1;
    }
    free(msg);
}

int kba_private_dir(const char *dir)
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

void kba_record_begin(kba_session_t *S)
{
    kba_record_t *r = &S->rec;
    free(r->path);
    free(r->call_id);
    r->path = r->call_id = NULL;
    r->seq++;
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", &tm);
    kb_buf_t id = KB_BUF_INIT;
    kb_buf_printf(&id, "%s-%ld", stamp, (long)getpid());
    if (!r->dir && S->state_dir) {
        kb_buf_t d = KB_BUF_INIT;
        kb_buf_printf(&d, "%s/calls", S->state_dir);
        r->dir = kb_buf_take(&d);
    }
    if (r->dir && kba_private_dir(r->dir)) {
        /* A second call in the same second gets "-2", "-3" ... */
        size_t base = id.len;
        for (unsigned n = 2; n < 1000; n++) {
            kb_buf_t p = KB_BUF_INIT;
            kb_buf_printf(&p, "%s/%s.jsonl", r->dir, id.data);
            struct stat st;
            if (p.data && lstat(p.data, &st) != 0) {
                r->path = kb_buf_take(&p);
                break;
            }
            kb_buf_free(&p);
            id.len = base;
            kb_buf_printf(&id, "-%u", n);
        }
    }
    r->call_id = kb_buf_take(&id);
    if (!r->path && !r->warned) {
        kba_say("warning: this call is not recorded (no usable state folder%s%s)",
                r->dir ? " at " : "; set HOME or XDG_STATE_HOME", r->dir ? r->dir : "");
        r->warned = 1;
    }
    cJSON *ev = kba_event("call_start");
    cJSON_AddStringToObject(ev, "call", r->call_id ? r->call_id : "");
    cJSON_AddNumberToObject(ev, "pid", (double)getpid());
    cJSON_AddStringToObject(ev, "db", S->db_path);
    cJSON_AddStringToObject(ev, "version", KB_VERSION);
    kba_record_write(S, ev);
}

void kba_record_end(kba_session_t *S, const char *reason)
{
    cJSON *ev = kba_event("call_end");
    cJSON_AddStringToObject(ev, "reason", reason);
    cJSON_AddNumberToObject(ev, "seconds", (double)(time(NULL) - S->call.start));
    kba_record_write(S, ev);
}
