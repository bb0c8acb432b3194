/* record.c - writing events to the call record (libkb's format:
 * kb/log.h); a failure is told to the officer once, and the call goes on. */
#include <stdlib.h>

#include "assistant.h"
#include "kb/log.h"

cJSON *kba_event(const char *name)
{
    return kb_callrec_event(name);
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
    char *msg = NULL;
    kb_status_t st = kb_callrec_write(S->rec, ev, &msg);
    if (st != KB_STATUS_SUCCESS && !S->rec_warned) {
        /* Once: the officer should know, but the call goes on. */
        kba_say("warning: the call record is not being written (%s)",
                msg ? msg : kb_status_to_string(st));
        S->rec_warned = 1;
    }
    free(msg);
}

