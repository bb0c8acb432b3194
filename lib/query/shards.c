/* shards.c - the databases a search reads, opened by kb itself.
 *
 * An index is one database or several shards (schema.h), listed by a stub
 * file: the index folder's own XAPIANDB, or one an operator writes naming
 * shards on other machines ("remote HOST:PORT", each served by
 * xapian-tcpsrv).  kb does not let Xapian read the stub: it lists the
 * databases (base/stub.h), opens each (a remote one with kb's timeout, all
 * remote ones at once), asks each what it is (kb:shard "K/N",
 * kb:generation, kb:format) and searches them as one database, shard 0
 * first and the others in order, so that documents are numbered the same
 * whatever order the stub lists them in.  Shard 0 must be there: it holds
 * the metadata, spelling data and synonyms of the whole KB (a search over
 * several databases reads metadata from the first one, and Xapian's
 * remote backend serves no spelling data or synonyms).
 *
 * A remote shard that refuses the connection, does not answer within the
 * timeout, or is of another generation or format than shard 0 is left
 * out: answers are partial, with the missing shards named, and it is tried
 * again once the retry interval has passed.  A local database that cannot
 * be opened, no shard 0, a shard listed twice, or shards of different
 * builds fail the open: no answer rather than a wrong one.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/stub.h"
#include "internal.h"
#include "schema/schema.h"

/* Defaults of $KB_REMOTE_TIMEOUT and $KB_REMOTE_RETRY, in seconds. */
#define TIMEOUT_S 2.0
#define RETRY_S 30.0

/* $NAME in seconds (a decimal number from LO to HI), else DEF. */
static double env_seconds(const char *name, double def, double lo, double hi)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return def;
    char *end;
    double x = strtod(v, &end);
    return (*end || !(x >= lo && x <= hi)) ? def : x;
}

/* ---------------------------------------------------------------- */
/* Noticing a stub file change                                        */

static void stamp_take(kbs_stamp_t *t)
{
    struct stat st;
    t->exists = stat(t->path, &st) == 0;
    t->ino = t->exists ? st.st_ino : 0;
    t->mtime = t->exists ? st.st_mtim.tv_sec : 0;
    t->mtime_ns = t->exists ? st.st_mtim.tv_nsec : 0;
    t->size = t->exists ? st.st_size : 0;
}

/* Remember PATH as it is now. */
static kb_status_t stamp_add(kbs_shards_t *sh, const char *path)
{
    kbs_stamp_t *p = realloc(sh->stamps, (sh->n_stamps + 1) * sizeof *p);
    if (!p)
        return KB_STATUS_OUT_OF_MEMORY;
    sh->stamps = p;
    kbs_stamp_t *t = &p[sh->n_stamps];
    memset(t, 0, sizeof *t);
    if (!(t->path = kb_strdup(path)))
        return KB_STATUS_OUT_OF_MEMORY;
    sh->n_stamps++;
    stamp_take(t);
    return KB_STATUS_SUCCESS;
}

/* The stub files of LIST, and DB_PATH/XAPIANDB even when there is none
 * (an index folder that gets one). */
static kb_status_t stamp_stubs(kbs_shards_t *sh, const char *db_path, const kb_stub_list_t *list)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    struct stat dst;
    if (stat(db_path, &dst) == 0 && S_ISDIR(dst.st_mode)) {
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "%s/XAPIANDB", db_path);
        st = b.oom ? KB_STATUS_OUT_OF_MEMORY : stamp_add(sh, b.data);
        kb_buf_free(&b);
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < list->n_files; i++)
        st = stamp_add(sh, list->files[i]);
    return st;
}

int kbs_shards_stale(const kbs_shards_t *sh)
{
    if (sh->missing && kb_now_ms() >= sh->retry_at)
        return 1;
    for (size_t i = 0; i < sh->n_stamps; i++) {
        kbs_stamp_t now = sh->stamps[i];
        stamp_take(&now);
        const kbs_stamp_t *was = &sh->stamps[i];
        if (now.exists != was->exists || now.ino != was->ino || now.mtime != was->mtime ||
            now.mtime_ns != was->mtime_ns || now.size != was->size)
            return 1;
    }
    return 0;
}

void kbs_shards_clear(kbs_shards_t *sh)
{
    if (!sh)
        return;
    kb_xdb_close(sh->all);
    for (size_t i = 0; i < sh->n; i++) {
        kbs_shard_t *d = &sh->items[i];
        kb_xdb_close(d->db);
        free(d->name);
        free(d->error);
        free(d->format);
        free(d->generation);
    }
    free(sh->items);
    for (size_t i = 0; i < sh->n_stamps; i++)
        free(sh->stamps[i].path);
    free(sh->stamps);
    memset(sh, 0, sizeof *sh);
}

void kbs_shards_retry_later(kbs_shards_t *sh)
{
    sh->retry_at = kb_now_ms() + 1000.0 * env_seconds("KB_REMOTE_RETRY", RETRY_S, 0, 86400);
}

/* ---------------------------------------------------------------- */
/* Opening                                                            */

typedef struct opener {
    const kb_stub_leaf_t *leaf;
    kbs_shard_t *d;
    unsigned timeout_ms;
    kb_status_t st;
    char *msg;
    pthread_t tid;
    int started;
} opener_t;

/* What the database says it is. */
static kb_status_t read_label(kbs_shard_t *d)
{
    char *shard = NULL;
    kb_status_t st = kb_xdb_get_metadata(d->db, KB_META_SHARD, &shard, NULL);
    if (st == KB_STATUS_SUCCESS) {
        unsigned k, n;
        d->number = kb_schema_shard_decode(shard, &k, &n) ? (int)k : -1;
        d->of = n;
        st = kb_xdb_get_metadata(d->db, KB_META_GENERATION, &d->generation, NULL);
    }
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(d->db, KB_META_FORMAT, &d->format, NULL);
    free(shard);
    return st;
}

static void *open_one(void *vo)
{
    opener_t *o = vo;
    o->st = kb_xdb_open_leaf(o->leaf, o->timeout_ms, &o->d->db, &o->msg);
    if (o->st == KB_STATUS_SUCCESS) {
        o->st = read_label(o->d);
        if (o->st != KB_STATUS_SUCCESS) {
            o->msg = kb_strdup(kb_xdb_last_error(o->d->db));
            kb_xdb_close(o->d->db);
            o->d->db = NULL;
        }
    }
    return NULL;
}

/* Open every leaf of LIST into SH->items: the remote ones each in a thread
 * of its own, so that several that stall cost one timeout, not one each.
 * A local one that fails fails it all (*MSG: Xapian's message); a remote
 * one that fails is left out with its error. */
static kb_status_t open_leaves(kbs_shards_t *sh, const kb_stub_list_t *list, unsigned timeout_ms,
                               char **msg)
{
    opener_t *o = calloc(list->n, sizeof *o);
    if (!o)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < list->n; i++) {
        kbs_shard_t *d = &sh->items[i];
        d->number = -1;
        d->remote = list->leaves[i].kind == KB_STUB_TCP || list->leaves[i].kind == KB_STUB_PROGRAM;
        o[i] = (opener_t){&list->leaves[i], d, timeout_ms, KB_STATUS_SUCCESS, NULL, 0, 0};
        if (d->remote && list->n > 1 && pthread_create(&o[i].tid, NULL, open_one, &o[i]) == 0)
            o[i].started = 1;
        else
            open_one(&o[i]);
    }
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < list->n; i++) {
        if (o[i].started)
            pthread_join(o[i].tid, NULL);
        kbs_shard_t *d = &sh->items[i];
        if (!(d->name = kb_strdup(list->leaves[i].name)) && st == KB_STATUS_SUCCESS)
            st = KB_STATUS_OUT_OF_MEMORY;
        if (o[i].st == KB_STATUS_OUT_OF_MEMORY && st == KB_STATUS_SUCCESS)
            st = KB_STATUS_OUT_OF_MEMORY;
        if (o[i].st != KB_STATUS_SUCCESS && d->remote) {
            d->error = o[i].msg;   /* left out */
            o[i].msg = NULL;
            sh->missing++;
        } else if (o[i].st != KB_STATUS_SUCCESS && st == KB_STATUS_SUCCESS) {
            st = o[i].st;
            *msg = o[i].msg;
            o[i].msg = NULL;
        }
        free(o[i].msg);
    }
    free(o);
    return st;
}

/* Leave out shard D (open) for the reason WHY. */
static kb_status_t leave_out(kbs_shards_t *sh, kbs_shard_t *d, const char *why)
{
    kb_xdb_close(d->db);
    d->db = NULL;
    sh->missing++;
    return (d->error = kb_strdup(why)) ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
}

/* Add an entry "shard K" for each shard number the stub does not list
 * (when no remote shard of unknown number could be it: with one such
 * shard and one number unaccounted for, that is its number). */
static kb_status_t name_unlisted(kbs_shards_t *sh, const unsigned char *seen)
{
    size_t unknown = 0, absent = 0;
    kbs_shard_t *guess = NULL;
    for (size_t i = 0; i < sh->n; i++)
        if (!sh->items[i].db && sh->items[i].number < 0) {
            unknown++;
            guess = &sh->items[i];
        }
    for (unsigned k = 0; k < sh->total; k++)
        absent += !seen[k];
    for (unsigned k = 0; k < sh->total && absent; k++) {
        if (seen[k])
            continue;
        if (unknown == 1 && absent == 1) {
            guess->number = (int)k;
            break;
        }
        if (unknown)
            break;
        kbs_shard_t *p = realloc(sh->items, (sh->n + 1) * sizeof *p);
        if (!p)
            return KB_STATUS_OUT_OF_MEMORY;
        sh->items = p;
        kbs_shard_t *d = &p[sh->n++];
        memset(d, 0, sizeof *d);
        d->number = (int)k;
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "shard %u", k);
        d->name = kb_buf_take(&b);
        d->error = kb_strdup("the stub does not list it");
        sh->missing++;
        if (!d->name || !d->error)
            return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}

/* Check what the open databases say they are against each other (see the
 * top of the file).  Sets S->err on a refusal (KB_STATUS_DB_OPENING). */
static kb_status_t validate(kb_search_t *s, kbs_shards_t *sh, kbs_shard_t **home)
{
    *home = NULL;
    size_t open = 0;
    for (size_t i = 0; i < sh->n; i++)
        open += sh->items[i].db != NULL;
    if (sh->n == 1 && open == 1 && sh->items[0].number < 0) {
        *home = &sh->items[0];   /* one database that is no shard: handle.c judges it */
        sh->total = 1;
        return KB_STATUS_SUCCESS;
    }
    unsigned char seen[KB_SHARDS_MAX] = {0};
    const kbs_shard_t *at[KB_SHARDS_MAX] = {0};
    for (size_t i = 0; i < sh->n; i++) {
        kbs_shard_t *d = &sh->items[i];
        if (!d->db)
            continue;
        if (d->number < 0 && d->format && strcmp(d->format, KB_INDEX_FORMAT) != 0) {
            kbs_set_error(s, "the index at %s was built by another version of kb-index (%s has "
                             "format '%s', this is '%s'); rebuild it with: kb-index --full --db "
                             "%s KB_DIR", s->path, d->name, d->format, KB_INDEX_FORMAT, s->path);
            return KB_STATUS_DB_OPENING;
        }
        if (d->number < 0) {
            kbs_set_error(s, "refusing the index at %s: %s is not a shard of a kb index (it has "
                             "no kb:shard)", s->path, d->name);
            return KB_STATUS_DB_OPENING;
        }
        if (!sh->total)
            sh->total = d->of;
        if (d->of != sh->total) {
            kbs_set_error(s, "refusing the index at %s: its databases are shards of different "
                             "builds (%s is shard %d of %u, another of %u)", s->path, d->name,
                          d->number, d->of, sh->total);
            return KB_STATUS_DB_OPENING;
        }
        if (seen[d->number]) {
            kbs_set_error(s, "refusing the index at %s: shard %d is listed twice (%s and %s)",
                          s->path, d->number, at[d->number]->name, d->name);
            return KB_STATUS_DB_OPENING;
        }
        seen[d->number] = 1;
        at[d->number] = d;
        if (d->number == 0)
            *home = d;
    }
    if (!*home) {
        kbs_set_error(s, "cannot search the index at %s: shard 0, which holds the KB's "
                         "metadata, spelling data and synonyms, %s", s->path,
                      sh->missing ? "did not answer" : "is not among its databases");
        for (size_t i = 0, k = 0; i < sh->n && k < 3; i++)
            if (sh->items[i].error) {
                size_t l = strlen(s->err);
                snprintf(s->err + l, sizeof s->err - l, "%s %s: %s", k++ ? ";" : " (",
                         sh->items[i].name, sh->items[i].error);
            }
        if (sh->missing)
            strncat(s->err, ")", sizeof s->err - strlen(s->err) - 1);
        return KB_STATUS_DB_OPENING;
    }
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < sh->n && st == KB_STATUS_SUCCESS; i++) {
        kbs_shard_t *d = &sh->items[i];
        if (!d->db || d == *home)
            continue;
        kb_buf_t why = KB_BUF_INIT;
        if (strcmp(d->format, (*home)->format) != 0)
            kb_buf_printf(&why, "built by another version of kb-index (format '%s', shard 0 has "
                                "'%s')", d->format, (*home)->format);
        else if (strcmp(d->generation, (*home)->generation) != 0)
            kb_buf_printf(&why, "of generation %s while shard 0 is of generation %s (not "
                                "updated yet?)", d->generation, (*home)->generation);
        if (why.oom)
            st = KB_STATUS_OUT_OF_MEMORY;
        else if (why.len)
            st = leave_out(sh, d, why.data);
        kb_buf_free(&why);
    }
    return st == KB_STATUS_SUCCESS ? name_unlisted(sh, seen) : st;
}

static int by_number(const void *x, const void *y)
{
    const kbs_shard_t *a = *(const kbs_shard_t *const *)x, *b = *(const kbs_shard_t *const *)y;
    return (a->number > b->number) - (a->number < b->number);
}

/* The open shards as one database, HOME first, the others by number. */
static kb_status_t combine(kbs_shards_t *sh, kbs_shard_t *home)
{
    kbs_shard_t **order = calloc(sh->n, sizeof *order);
    kb_xdb_t **parts = calloc(sh->n, sizeof *parts);
    kb_status_t st = order && parts ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    size_t n = 0;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < sh->n; i++)
        if (sh->items[i].db)
            order[n++] = &sh->items[i];
    if (st == KB_STATUS_SUCCESS) {
        qsort(order, n, sizeof *order, by_number);
        parts[0] = home->db;
        for (size_t i = 0, k = 1; i < n; i++)
            if (order[i] != home)
                parts[k++] = order[i]->db;
        st = kb_xdb_combine(parts, n, &sh->all);
    }
    free(order);
    free(parts);
    return st;
}

kb_status_t kbs_shards_open(kb_search_t *s, kbs_shards_t *out, char **msg)
{
    memset(out, 0, sizeof *out);
    *msg = NULL;
    int allow = (s->flags & KB_SEARCH_ALLOW_PROGRAMS) != 0;
    kb_stub_list_t list;
    char *why = NULL;
    kb_status_t st = kb_stub_leaves(s->path, allow, &list, &why);
    if (st != KB_STATUS_SUCCESS) {
        kbs_set_error(s, "refusing the index at %s: %s", s->path,
                      why ? why : kb_status_to_string(st));
        free(why);
        return st;
    }
    unsigned timeout_ms = (unsigned)(1000.0 * env_seconds("KB_REMOTE_TIMEOUT", TIMEOUT_S, 0.01,
                                                          3600));
    st = stamp_stubs(out, s->path, &list);
    out->items = st == KB_STATUS_SUCCESS ? calloc(list.n ? list.n : 1, sizeof *out->items) : NULL;
    if (st == KB_STATUS_SUCCESS && !out->items)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS) {
        out->n = list.n;
        st = open_leaves(out, &list, timeout_ms, msg);
    }
    kb_stub_list_clear(&list);
    kbs_shard_t *home = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = validate(s, out, &home);
    if (st == KB_STATUS_SUCCESS)
        st = combine(out, home);
    if (st == KB_STATUS_SUCCESS) {
        out->remote_home = home->remote;
        kbs_shards_retry_later(out);
    } else {
        kbs_shards_clear(out);
    }
    return st;
}

kb_status_t kbs_shards_missing(const kbs_shards_t *sh, int *partial, kb_missing_shard_t **out,
                               size_t *n)
{
    *partial = 0;
    *out = NULL;
    *n = 0;
    if (!sh->missing)
        return KB_STATUS_SUCCESS;
    kb_missing_shard_t *m = calloc(sh->missing, sizeof *m);
    if (!m)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t k = 0;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; i < sh->n && k < sh->missing; i++) {
        const kbs_shard_t *d = &sh->items[i];
        if (d->db)
            continue;
        kb_missing_shard_t *x = &m[k++];
        x->shard = d->number;
        x->name = kb_strdup(d->name);
        x->error = kb_strdup(d->error ? d->error : "");
        if (!x->name || !x->error)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    if (st != KB_STATUS_SUCCESS) {
        kbs_missing_free(m, k);
        return st;
    }
    *partial = 1;
    *out = m;
    *n = k;
    return KB_STATUS_SUCCESS;
}

void kbs_missing_free(kb_missing_shard_t *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) {
        free(m[i].name);
        free(m[i].error);
    }
    free(m);
}
