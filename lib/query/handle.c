/* handle.c - a kb_search_t: open the index (its databases: shards.c),
 * follow it as kb-index changes it (a new generation, new commits), and
 * close it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "internal.h"
#include "schema/schema.h"
#include "schema/words.h"

/* Open S->path's databases (shards.c), replacing S->db on success. */
static kb_status_t open_db(kb_search_t *s)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        kbs_set_error(s, "no index at %s (%s); build it with: kb-index --db %s KB_DIR",
                      s->path, strerror(errno), s->path);
        return KB_STATUS_DB_OPENING;
    }
    char *msg = NULL;
    kbs_shards_t sh;
    kb_status_t rc = kbs_shards_open(s, &sh, &msg);
    if (rc != KB_STATUS_SUCCESS) {
        /* Shards left out stay so until the next retry, not the next request. */
        kbs_shards_retry_later(&s->shards);
        if (!msg)
            return rc;   /* S->err says why */
        if (rc == KB_STATUS_DB_OPENING)
            kbs_set_error(s, "cannot open the index at %s: %s; build it with: kb-index --db %s "
                             "KB_DIR", s->path, msg, s->path);
        else if (rc == KB_STATUS_DB_CORRUPT)
            kbs_set_error(s, "the index at %s is damaged: %s; rebuild it with: kb-index --full "
                             "--db %s KB_DIR", s->path, msg, s->path);
        else
            kbs_set_error(s, "cannot open the index at %s: %s", s->path, msg);
        free(msg);
        return rc;
    }
    /* An index written by another version of kb-index holds other
     * documents: refuse it rather than answer wrongly. */
    char *format = NULL;
    rc = kb_xdb_get_metadata(sh.all, KB_META_FORMAT, &format, NULL);
    if (rc == KB_STATUS_SUCCESS && strcmp(format, KB_INDEX_FORMAT) != 0) {
        kbs_set_error(s, "the index at %s was built by another version of kb-index (format "
                         "'%s', this is '%s'); rebuild it with: kb-index --full --db %s KB_DIR",
                      s->path, format[0] ? format : "none", KB_INDEX_FORMAT, s->path);
        rc = KB_STATUS_DB_OPENING;
    }
    free(format);
    if (rc != KB_STATUS_SUCCESS) {
        kbs_shards_clear(&sh);
        return rc;
    }
    kbs_shards_clear(&s->shards);
    s->shards = sh;
    s->db = sh.all;
    kb_wordlist_clear(&s->words);
    s->words_loaded = 0;
    kbs_model_forget(s);
    rc = kbs_tiers_load(s);
    if (rc != KB_STATUS_SUCCESS)
        kbs_set_error(s, "cannot read escalation tiers: %s", kb_xdb_last_error(s->db));
    return rc;
}

kb_status_t kbs_refresh(kb_search_t *s, int force)
{
    if (force || kbs_shards_stale(&s->shards))
        return open_db(s);
    int changed = 0;
    kb_status_t st = kb_xdb_reopen(s->db, &changed);
    if (st != KB_STATUS_SUCCESS)
        return open_db(s);   /* e.g. its generation was pruned */
    if (changed) {
        kb_wordlist_clear(&s->words);
        s->words_loaded = 0;
        kbs_model_forget(s);
        st = kbs_tiers_load(s);
    }
    return st;
}

kb_status_t kb_search_open(const char *db_path, kb_search_t **out, char **message)
{
    return kb_search_open_flags(db_path, 0, out, message);
}

kb_status_t kb_search_open_flags(const char *db_path, unsigned flags, kb_search_t **out,
                                 char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    if (!db_path)
        return KB_STATUS_BAD_ARGUMENT;
    kb_search_t *s = calloc(1, sizeof *s);
    if (!s || !(s->path = kb_strdup(db_path))) {
        free(s);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    s->flags = flags;
    kb_status_t st = kb_text_stemmer(&s->stem);
    if (st == KB_STATUS_SUCCESS)
        st = open_db(s);
    if (st != KB_STATUS_SUCCESS) {
        if (message)
            *message = kb_strdup(s->err[0] ? s->err : kb_status_to_string(st));
        kb_search_close(s);
        return st;
    }
    *out = s;
    return KB_STATUS_SUCCESS;
}

void kbs_pins_clear(kb_search_t *s)
{
    kb_schema_pins_clear(&s->pins);
    free(s->pins_raw);
    s->pins_raw = NULL;
}

void kb_search_close(kb_search_t *s)
{
    if (!s)
        return;
    kbs_shards_clear(&s->shards);
    kb_xstem_free(s->stem);
    kbs_tiers_clear(&s->tiers);
    kb_wordlist_clear(&s->words);
    s->words_loaded = 0;
    kbs_model_forget(s);
    kbs_pins_clear(s);
    free(s->path);
    free(s);
}

void kb_search_set_time(kb_search_t *s, time_t now)
{
    if (s)
        s->now = now;
}

const kb_wordlist_t *kbs_words(kb_search_t *s)
{
    if (!s->words_loaded) {
        kb_wordlist_load(s->db, &s->words);
        s->words_loaded = 1;
    }
    return &s->words;
}
