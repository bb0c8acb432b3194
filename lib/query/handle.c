/* handle.c - a kb_search_t: open the index, follow it as kb-index changes
 * it (a new generation, new commits), and close it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/stub.h"
#include "internal.h"
#include "schema/schema.h"
#include "schema/words.h"

void kbs_set_error(kb_search_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

const char *kb_search_last_error(const kb_search_t *s)
{
    return s ? s->err : "";
}

/* stat() of the stub file, to notice kb-index --full swapping it. */
static int stub_stat(const kb_search_t *s, struct stat *st)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s/XAPIANDB", s->path);
    int ok = !b.oom && stat(b.data, st) == 0;
    kb_buf_free(&b);
    return ok;
}

static void remember_stub(kb_search_t *s)
{
    struct stat st;
    s->have_stub = stub_stat(s, &st);
    if (s->have_stub) {
        s->stub_ino = st.st_ino;
        s->stub_mtime = st.st_mtim.tv_sec;
        s->stub_mtime_ns = st.st_mtim.tv_nsec;
        s->stub_size = st.st_size;
    }
}

static int stub_moved(const kb_search_t *s)
{
    struct stat st;
    int have = stub_stat(s, &st);
    if (have != s->have_stub)
        return 1;
    return have && (st.st_ino != s->stub_ino || st.st_mtim.tv_sec != s->stub_mtime ||
                    st.st_mtim.tv_nsec != s->stub_mtime_ns || st.st_size != s->stub_size);
}

/* Open S->path into a new handle, replacing S->db on success. */
static kb_status_t open_db(kb_search_t *s)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        kbs_set_error(s, "no index at %s (%s); build it with: kb-index --db %s KB_DIR",
                      s->path, strerror(errno), s->path);
        return KB_STATUS_DB_OPENING;
    }
    remember_stub(s);
    int allow = (s->flags & KB_SEARCH_ALLOW_PROGRAMS) != 0;
    char *msg = NULL;
    kb_status_t rc = kb_stub_check(s->path, allow, &msg);
    if (rc != KB_STATUS_SUCCESS) {
        kbs_set_error(s, "refusing the index at %s: %s", s->path,
                      msg ? msg : kb_status_to_string(rc));
        free(msg);
        return rc;
    }
    kb_xdb_t *db = NULL;
    rc = kb_xdb_open(s->path, allow ? KB_XDB_READONLY | KB_XDB_ALLOW_PROGRAMS : KB_XDB_READONLY,
                     &db, &msg);
    if (rc != KB_STATUS_SUCCESS) {
        if (rc == KB_STATUS_DB_OPENING)
            kbs_set_error(s, "cannot open the index at %s: %s; build it with: kb-index --db %s "
                             "KB_DIR", s->path, msg ? msg : "", s->path);
        else if (rc == KB_STATUS_DB_CORRUPT)
            kbs_set_error(s, "the index at %s is damaged: %s; rebuild it with: kb-index --full "
                             "--db %s KB_DIR", s->path, msg ? msg : "", s->path);
        else
            kbs_set_error(s, "cannot open the index at %s: %s", s->path, msg ? msg : "");
        free(msg);
        return rc;
    }
    /* An index written by another version of kb-index holds other
     * documents: refuse it rather than answer wrongly. */
    char *format = NULL;
    rc = kb_xdb_get_metadata(db, KB_META_FORMAT, &format, NULL);
    if (rc == KB_STATUS_SUCCESS && strcmp(format, KB_INDEX_FORMAT) != 0) {
        kbs_set_error(s, "the index at %s was built by another version of kb-index (format "
                         "'%s', this is '%s'); rebuild it with: kb-index --full --db %s KB_DIR",
                      s->path, format[0] ? format : "none", KB_INDEX_FORMAT, s->path);
        rc = KB_STATUS_DB_OPENING;
    }
    free(format);
    if (rc != KB_STATUS_SUCCESS) {
        kb_xdb_close(db);
        return rc;
    }
    kb_xdb_close(s->db);
    s->db = db;
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
    if (force || stub_moved(s))
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
    kb_xdb_close(s->db);
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
