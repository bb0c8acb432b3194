/* indexer.c - kb_index_run: scan, plan, parse in parallel, write.
 *
 * Worker threads read, hash, parse and turn articles into Xapian documents;
 * the calling thread alone talks to the writable database, applying the
 * results in file order so that runs are deterministic.  An incremental
 * run writes in transactions of BATCH articles: each commit holds whole
 * articles, so a killed run leaves every article in its old or new state.
 */
#include "kb/index.h"
#include "run.h"
#include "schema/schema.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "schema/wordlist.h"
#include "docbuild.h"
#include "parse.h"
#include "frontmatter.h"
#include "layout.h"
#include "learned.h"
#include "model.h"
#include "scan.h"
#include "synonyms.h"
#include "writers.h"
#include "base/strmap.h"
#include "schema/words.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/clock.h"
#include "xapian/xapian.h"

/* ---------------------------------------------------------------- */
/* The run                                                            */

static kb_status_t apply_synonyms(run_t *r)
{
    kbi_synonyms_t syn;
    memset(&syn, 0, sizeof syn);
    char hash[32] = "none";
    if (r->scan.synonyms) {
        kb_status_t ls = kbi_synonyms_load(r->scan.synonyms, r->diags, &syn);
        if (ls == KB_STATUS_OUT_OF_MEMORY)
            return ls;
        snprintf(hash, sizeof hash, "%016llx", (unsigned long long)syn.hash);
        if (ls != KB_STATUS_SUCCESS)
            kbi_synonyms_free(&syn);   /* keep going without synonyms */
    }
    char *old;
    kb_status_t st = kb_xdb_get_metadata(r->db, KB_META_SYNONYMS, &old, NULL);
    if (st != KB_STATUS_SUCCESS) {
        kbi_synonyms_free(&syn);
        return st;
    }
    if (r->full || strcmp(old, hash) != 0) {
        st = kbi_synonyms_apply(r->db, r->stem, &syn);
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdb_set_metadata(r->db, KB_META_SYNONYMS, hash, strlen(hash));
        r->dirty++;
    }
    if (st == KB_STATUS_SUCCESS)
        st = kbi_pins_store(r, &syn);
    free(old);
    kbi_synonyms_free(&syn);
    return st;
}

/* The shard count chosen with --shards, stored as kb:shards on shard 0:
 * set by --shards N, forgotten by --shards auto, else kept (a full build
 * starts empty, so it writes the kept value again). */
static kb_status_t store_shard_choice(run_t *r)
{
    int want = r->opts->shards;
    char value[16] = "";
    if (want > 0)
        snprintf(value, sizeof value, "%d", want);
    else if (want == 0 && r->kept_shards)
        snprintf(value, sizeof value, "%u", r->kept_shards);
    if (!r->full && (unsigned)atoi(value) == r->kept_shards)
        return KB_STATUS_SUCCESS;
    r->dirty++;
    return kb_xdb_set_metadata(r->db, KB_META_SHARDS, value, strlen(value));
}

static kb_status_t finish_metadata(run_t *r)
{
    char when[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    kb_status_t st = kb_xdb_set_metadata(r->db, KB_META_FORMAT, KB_INDEX_FORMAT,
                                         strlen(KB_INDEX_FORMAT));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(r->db, KB_META_ROOT, r->root, strlen(r->root));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(r->db, KB_META_BUILT, when, strlen(when));
    return st;
}

/* The kb:shards value of DB (0 when none). */
static unsigned read_shard_choice(kb_xdb_t *db)
{
    char *v = NULL;
    unsigned n = 0;
    if (kb_xdb_get_metadata(db, KB_META_SHARDS, &v, NULL) == KB_STATUS_SUCCESS) {
        long k = atol(v);
        n = k > 0 && k <= KBI_MAX_SHARDS ? (unsigned)k : 0;
    }
    free(v);
    return n;
}

static void close_shards(run_t *r)
{
    for (unsigned k = 0; k < r->n_shards; k++)
        kb_xdb_close(r->shards[k]);
    memset(r->shards, 0, sizeof r->shards);
    r->n_shards = 0;
    r->db = NULL;
}

/* Open the SHARDS shards of the current generation for an incremental run;
 * sets R->full when they cannot be read, or were built by another format or
 * from another folder. */
static kb_status_t open_incremental(run_t *r, unsigned cur, unsigned shards)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t path = KB_BUF_INIT;
    for (unsigned k = 0; k < shards && st == KB_STATUS_SUCCESS; k++) {
        kb_buf_clear(&path);
        kbi_layout_shard_path(&path, r->opts->db_path, cur, k);
        if (path.oom) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        char *err = NULL;
        st = kb_xdb_open(path.data, KB_XDB_OPEN, &r->shards[k], &err);
        if (st == KB_STATUS_SUCCESS) {
            r->n_shards++;
        } else if (st == KB_STATUS_DB_OPENING || st == KB_STATUS_DB_CORRUPT) {
            /* An unreadable generation: rebuild rather than give up. */
            kb_diags_add(r->diags, KB_DIAG_WARNING, path.data, 0,
                         "index unreadable (%s); rebuilding it", err ? err : "");
            r->full = 1;
            st = KB_STATUS_SUCCESS;
            free(err);
            break;
        } else {
            kb_buf_printf(&r->msg, "cannot open %s: %s", path.data, err ? err : "");
        }
        free(err);
    }
    kb_buf_free(&path);
    if (st != KB_STATUS_SUCCESS || r->full) {
        close_shards(r);
        return st;
    }
    r->db = r->shards[0];
    char *format = NULL, *root = NULL;
    st = kb_xdb_get_metadata(r->db, KB_META_FORMAT, &format, NULL);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(r->db, KB_META_ROOT, &root, NULL);
    if (st == KB_STATUS_SUCCESS)
        r->kept_shards = read_shard_choice(r->db);
    /* Another format, another folder, or another number of shards asked
     * for: rebuild. */
    if (st == KB_STATUS_SUCCESS &&
        (strcmp(format, KB_INDEX_FORMAT) != 0 || strcmp(root, r->root) != 0 ||
         (r->opts->shards > 0 && (unsigned)r->opts->shards != shards))) {
        close_shards(r);
        r->full = 1;
    }
    free(format);
    free(root);
    if (st == KB_STATUS_SUCCESS && r->db) {
        load_ctx_t c = {r, KB_STATUS_SUCCESS};
        st = kb_xdb_metadata_keys(r->db, KB_META_FILE, kbi_load_record, &c);
        if (st == KB_STATUS_SUCCESS)
            st = c.st;
    }
    if (st == KB_STATUS_SUCCESS && r->db)
        st = kbi_learned_changed(r->db, &r->learned, &r->learned_changed);
    return st;
}

/* kb:learned after a run that changed it (or built everything anew). */
static kb_status_t store_learned(run_t *r)
{
    if (!r->full && !r->learned_changed)
        return KB_STATUS_SUCCESS;
    r->dirty++;
    return kbi_learned_store(r->db, &r->learned);
}

/* How many shards a full build writes: as many as --shards says, or as the
 * index was built with --shards before; else one per core on a KB big
 * enough to gain from it ($KB_INDEX_SHARDS overrides). */
static unsigned shards_for(const run_t *r, size_t files)
{
    if (r->opts->shards > 0)
        return (unsigned)r->opts->shards > KBI_MAX_SHARDS ? KBI_MAX_SHARDS
                                                          : (unsigned)r->opts->shards;
    if (r->opts->shards == 0 && r->kept_shards)
        return r->kept_shards;
    const char *env = getenv("KB_INDEX_SHARDS");
    long n = env && *env ? atol(env) : (files >= 2000 ? sysconf(_SC_NPROCESSORS_ONLN) : 1);
    if (n < 1)
        n = 1;
    if (n > KBI_MAX_SHARDS)
        n = KBI_MAX_SHARDS;
    return (unsigned)n;
}

/* What every shard of generation GEN says of itself: format, "K/N",
 * generation (schema.h). */
static kb_status_t label_shard(kb_xdb_t *db, unsigned gen, unsigned k, unsigned n)
{
    char shard[32], g[16];
    snprintf(shard, sizeof shard, "%u/%u", k, n);
    snprintf(g, sizeof g, "%u", gen);
    kb_status_t st = kb_xdb_set_metadata(db, KB_META_FORMAT, KB_INDEX_FORMAT,
                                         strlen(KB_INDEX_FORMAT));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(db, KB_META_SHARD, shard, strlen(shard));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(db, KB_META_GENERATION, g, strlen(g));
    return st;
}

/* Create the shards of generation GEN for a full build. */
static kb_status_t create_shards(run_t *r, unsigned gen, unsigned shards)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t path = KB_BUF_INIT;
    for (unsigned k = 0; k < shards && st == KB_STATUS_SUCCESS; k++) {
        kb_buf_clear(&path);
        kbi_layout_shard_path(&path, r->opts->db_path, gen, k);
        if (path.oom) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        char *err = NULL;
        st = kb_xdb_open(path.data, KB_XDB_CREATE_OR_OVERWRITE, &r->shards[k], &err);
        if (st == KB_STATUS_SUCCESS) {
            r->n_shards++;
            st = label_shard(r->shards[k], gen, k, shards);
        } else {
            kb_buf_printf(&r->msg, "cannot create %s: %s", path.data, err ? err : "");
        }
        free(err);
    }
    kb_buf_free(&path);
    if (st != KB_STATUS_SUCCESS)
        close_shards(r);
    else
        r->db = r->shards[0];
    return st;
}

/* After the writers of a full build: the metadata kept back, into shard 0. */
kb_status_t kbi_finish_deferred(run_t *r)
{
    size_t pos = 0;
    const char *key, *value;
    kb_status_t st = KB_STATUS_SUCCESS;
    while (st == KB_STATUS_SUCCESS && kb_strmap_next(r->records, &pos, &key, &value))
        st = kbi_set_meta(r, KB_META_FILE, key, value);
    pos = 0;
    while (st == KB_STATUS_SUCCESS && kb_strmap_next(r->tiers, &pos, &key, &value))
        st = kbi_set_meta(r, KB_META_TIER, key, value);
    pos = 0;
    while (st == KB_STATUS_SUCCESS && r->nodes && kb_strmap_next(r->nodes, &pos, &key, &value))
        st = kbi_set_meta(r, KB_META_NODE, key, value);
    return st;
}

static kb_status_t plan_jobs(run_t *r)
{
    r->jobs = calloc(r->scan.n ? r->scan.n : 1, sizeof *r->jobs);
    if (!r->jobs)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < r->scan.n; i++) {
        const kbi_file_t *f = &r->scan.files[i];
        kb_status_t st = kb_strmap_set(r->present, f->rel, NULL);
        if (st != KB_STATUS_SUCCESS)
            return st;
        const char *recstr = r->full ? NULL : kb_strmap_get(r->records, f->rel, NULL);
        kb_schema_file_t rec;
        /* Learned phrasings changed: every file is read (jobs.c skips
         * those whose contents and phrasings are as they were). */
        if (recstr && !r->learned_changed && kb_schema_file_decode(recstr, &rec) &&
            rec.size == f->size && rec.mtime_ns == f->mtime_ns) {
            r->stats->unchanged++;   /* same size and mtime: not even read */
            continue;
        }
        job_t *j = &r->jobs[r->n_jobs++];
        j->file = f;
        if (recstr && !(j->old_record = kb_strdup(recstr)))
            return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}

static kb_status_t remove_deleted(run_t *r)
{
    size_t pos = 0;
    const char *rel, *rec;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (r->unreadable) {
        /* Its articles are hidden, not deleted: keep them and every other. */
        kb_diags_add(r->diags, KB_DIAG_WARNING, r->root, 0,
                     "a folder could not be read: no article is removed in this run");
        return st;
    }
    while (st == KB_STATUS_SUCCESS && kb_strmap_next(r->records, &pos, &rel, &rec)) {
        int found;
        kb_strmap_get(r->present, rel, &found);
        if (found)
            continue;
        kb_schema_file_t f;
        if (kb_schema_file_decode(rec, &f))
            st = kbi_moves_note(r, rel, f.id, NULL, f.hash);
        if (st == KB_STATUS_SUCCESS)
            st = kbi_remove_record(r, rel, rec);
        r->graph_changed = 1;   /* an id is gone */
        if (st == KB_STATUS_SUCCESS) {
            r->stats->removed++;
            st = kbi_count_batch(r);
        }
    }
    return st;
}

static void run_free(run_t *r)
{
    if (r->writers) {
        char err[8];
        kbi_writers_finish(r->writers, err, sizeof err);
        r->writers = NULL;
    }
    close_shards(r);
    kbi_keep_close(r);
    kb_strmap_free(r->old_records);
    kb_strmap_free(r->nodes);
    kb_strmap_free(r->held);
    kb_strmap_free(r->moves);
    kb_strmap_free(r->fresh);
    free(r->deferred);
    kb_strmap_free(r->tiers);
    kb_xstem_free(r->stem);
    kbi_scan_free(&r->scan);
    kbi_learned_free(&r->learned);
    kb_strmap_free(r->records);
    kb_strmap_free(r->present);
    kb_strmap_free(r->ids);
    for (size_t i = 0; r->jobs && i < r->n_jobs; i++)
        kbi_job_clear(&r->jobs[i]);
    free(r->jobs);
    free(r->root);
    kb_buf_free(&r->msg);
}

/* A full run: the new generation GEN's directory and shards. */
static kb_status_t start_generation(run_t *r, unsigned cur, unsigned *gen, kb_buf_t *genpath)
{
    const char *db_path = r->opts->db_path;
    /* A killed full run may have left a newer generation behind. */
    kbi_layout_prune(db_path, cur, kbi_layout_below(db_path, cur));
    unsigned high = kbi_layout_highest(db_path);
    *gen = (cur > high ? cur : high) + 1;
    kbi_layout_gen_path(genpath, db_path, *gen);
    if (genpath->oom)
        return KB_STATUS_OUT_OF_MEMORY;
    /* Xapian commits by itself every this many documents per shard; nobody
     * reads the new generation before the switch, so that is safe, and it
     * bounds the memory of a big build. */
    setenv("XAPIAN_FLUSH_THRESHOLD", "8000", 0);
    if (kb_mkdir_p(genpath->data, 0755) != KB_STATUS_SUCCESS) {
        kb_buf_printf(&r->msg, "cannot create %s: %s", genpath->data, strerror(errno));
        return KB_STATUS_FILE_ERROR;
    }
    kb_status_t st = create_shards(r, *gen, shards_for(r, r->scan.n));
    if (st != KB_STATUS_SUCCESS)
        return st;
    kb_strmap_free(r->records);
    kb_strmap_free(r->ids);
    r->records = r->ids = NULL;
    if (kb_strmap_new(&r->records) || kb_strmap_new(&r->ids))
        return KB_STATUS_OUT_OF_MEMORY;
    return KB_STATUS_SUCCESS;
}

/* Everything a run writes, up to (not including) the final commit. */
static kb_status_t write_run(run_t *r)
{
    /* Everything changed is parsed and gated before anything is written. */
    kb_status_t st = kbi_parse_jobs(r);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_begin_batch(r);
    if (st == KB_STATUS_SUCCESS)
        st = remove_deleted(r);
    if (st == KB_STATUS_SUCCESS && r->full && r->n_shards > 1) {
        st = kb_strmap_new(&r->tiers);
        if (st == KB_STATUS_SUCCESS)
            st = kbi_writers_start(r->shards, r->n_shards, &r->writers);
    }
    if (st == KB_STATUS_SUCCESS)
        st = kbi_run_jobs(r);
    if (r->writers) {
        char err[256];
        kb_status_t wst = kbi_writers_finish(r->writers, err, sizeof err);
        r->writers = NULL;
        if (st == KB_STATUS_SUCCESS && wst != KB_STATUS_SUCCESS) {
            st = wst;
            kb_buf_printf(&r->msg, "indexing failed: %s%s%s; the last committed index is intact",
                          kb_status_to_string(st), err[0] ? ": " : "", err);
        }
        if (st == KB_STATUS_SUCCESS)
            st = kbi_finish_deferred(r);
    }
    if (st == KB_STATUS_SUCCESS)
        st = kbi_audit_end(r);
    if (st == KB_STATUS_SUCCESS)
        st = apply_synonyms(r);
    if (st == KB_STATUS_SUCCESS)
        st = store_learned(r);
    if (st == KB_STATUS_SUCCESS) {
        int changed;
        st = kb_wordlist_store(r->db, r->full, &changed);
        r->dirty += (size_t)changed;
    }
    if (st == KB_STATUS_SUCCESS)
        st = store_shard_choice(r);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_model_update(r);
    return st;
}

/* Commit what write_run() wrote (nothing when nothing changed). */
static kb_status_t commit_run(run_t *r)
{
    if (!r->full && r->dirty == 0) {
        /* Nothing changed: leave the index (and its readers) alone. */
        kbi_cancel_batch(r);
        return KB_STATUS_SUCCESS;
    }
    if (kbi_stopping(r))
        return KB_STATUS_INTERRUPTED;
    kb_status_t st = finish_metadata(r);
    if (st == KB_STATUS_SUCCESS && r->in_txn)
        st = kbi_end_batch(r);
    /* A full build: every shard, shard 0 (the metadata) last. */
    for (unsigned k = r->n_shards; st == KB_STATUS_SUCCESS && r->full && k-- > 0;)
        st = kb_xdb_commit(r->shards[k]);
    return st;
}

/* The message of a failed run, unless one was set where it failed. */
static void failure_message(run_t *r, kb_status_t st)
{
    if (r->msg.len)
        return;
    if (st == KB_STATUS_INTERRUPTED) {
        if (r->full && r->n_shards)
            kb_buf_adds(&r->msg, "stopped: the new index was discarded; the index is as "
                                 "it was");
        else if (r->commits)
            kb_buf_adds(&r->msg, "stopped: what was committed before the stop stays "
                                 "(each article whole, old or new); run kb-index again to "
                                 "bring the rest up to date");
        else
            kb_buf_adds(&r->msg, "stopped before anything was written; the index is as it "
                                 "was");
        return;
    }
    const char *xe = "";
    for (unsigned k = 0; k < r->n_shards && !*xe; k++)
        xe = kb_xdb_last_error(r->shards[k]);
    kb_buf_printf(&r->msg, "indexing failed: %s%s%s; the last committed index is intact",
                  kb_status_to_string(st), *xe ? ": " : "", xe);
}

/* A full run's end: point the stub at generation GEN, keep CUR for the
 * readers that still have it open, remove the others. */
static kb_status_t switch_generation(run_t *r, unsigned gen, unsigned cur)
{
    unsigned shards = r->n_shards;
    close_shards(r);   /* releases the new generation's write locks */
    kbi_keep_close(r);
    if (kbi_stopping(r)) {
        failure_message(r, KB_STATUS_INTERRUPTED);
        return KB_STATUS_INTERRUPTED;
    }
    kb_status_t st = kbi_layout_switch(r->opts->db_path, gen, shards);
    if (st != KB_STATUS_SUCCESS) {
        kb_buf_printf(&r->msg, "cannot switch %s to the new index: %s; the previous index is "
                               "intact", r->opts->db_path, strerror(errno));
        return st;
    }
    /* The index is switched: a shard stub that cannot be written leaves
     * only a xapian-tcpsrv serving it on the previous generation. */
    kb_buf_t why = KB_BUF_INIT;
    if (kbi_layout_shard_stubs(r->opts->db_path, gen, shards, &why) != KB_STATUS_SUCCESS)
        kb_diags_add(r->diags, KB_DIAG_WARNING, r->opts->db_path, 0,
                     "%s; a xapian-tcpsrv serving that shard stays on the previous index",
                     why.len ? why.data : "cannot write the shard stubs");
    kb_buf_free(&why);
    kbi_layout_prune(r->opts->db_path, gen, cur);
    return KB_STATUS_SUCCESS;
}

/* Open the index for this run: the current generation for an incremental
 * run, its predecessor's view for a full one; then plan and guard. */
static kb_status_t open_and_plan(run_t *r, unsigned *cur)
{
    unsigned cur_shards = 0;
    *cur = kbi_layout_current(r->opts->db_path, &cur_shards);
    r->full = r->opts->full || *cur == 0 || cur_shards == 0;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (!r->full)
        st = open_incremental(r, *cur, cur_shards);
    if (st != KB_STATUS_SUCCESS)
        return st;
    if (r->full && *cur && r->unreadable) {
        kb_buf_printf(&r->msg, "a folder of %s cannot be read (see above); a full rebuild would "
                               "drop its articles, so the index is left as it was", r->root);
        return KB_STATUS_FILE_ERROR;
    }
    if (r->full && *cur)
        st = kbi_keep_open(r, *cur, cur_shards);
    if (st == KB_STATUS_SUCCESS && r->full && r->n_old)
        r->kept_shards = read_shard_choice(r->old[0]);
    if (st == KB_STATUS_SUCCESS)
        st = plan_jobs(r);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_guard_removals(r);
    return st;
}

kb_status_t kb_index_run(const kb_index_opts_t *opts, kb_diags_t *diags,
                         kb_index_stats_t *stats, char **message)
{
    if (message)
        *message = NULL;
    memset(stats, 0, sizeof *stats);
    if (!opts || !opts->db_path || !opts->kb_dir)
        return KB_STATUS_BAD_ARGUMENT;
    double t0 = kb_now_ms();
    run_t r;
    memset(&r, 0, sizeof r);
    r.opts = opts;
    r.diags = diags;
    r.stats = stats;
    int lockfd = -1;
    unsigned cur = 0, gen = 0;
    kb_buf_t genpath = KB_BUF_INIT;

    kb_status_t st = KB_STATUS_OUT_OF_MEMORY;
    r.root = kb_strdup(opts->kb_dir);
    if (!r.root)
        goto out;
    for (size_t n = strlen(r.root); n > 1 && r.root[n - 1] == '/'; n--)
        r.root[n - 1] = '\0';
    if (kb_strmap_new(&r.records) || kb_strmap_new(&r.present) || kb_strmap_new(&r.ids))
        goto out;
    st = kb_text_stemmer(&r.stem);
    if (st != KB_STATUS_SUCCESS)
        goto out;

    st = kbi_scan(r.root, diags, &r.scan);
    r.unreadable = r.scan.unreadable > 0;
    if (st != KB_STATUS_SUCCESS) {
        if (st == KB_STATUS_FILE_ERROR)
            kb_buf_printf(&r.msg, "cannot read the KB folder %s: %s", r.root, strerror(errno));
        goto out;
    }
    stats->files = r.scan.n;
    st = kbi_learned_load(r.root, diags, &r.learned);
    if (st != KB_STATUS_SUCCESS)
        goto out;
    st = kbi_stopping(&r) ? KB_STATUS_INTERRUPTED
                          : kbi_layout_lock(opts->db_path, &lockfd, &r.msg);
    if (st == KB_STATUS_SUCCESS)
        st = open_and_plan(&r, &cur);
    if (st == KB_STATUS_SUCCESS && r.full)
        st = start_generation(&r, cur, &gen, &genpath);
    if (st != KB_STATUS_SUCCESS)
        goto out;
    stats->full = r.full;
    st = kbi_audit_begin(&r);
    if (st == KB_STATUS_SUCCESS)
        st = write_run(&r);
    if (st == KB_STATUS_SUCCESS)
        st = commit_run(&r);
    if (st != KB_STATUS_SUCCESS) {
        failure_message(&r, st);
        kbi_cancel_batch(&r);
        goto out;
    }
    stats->articles = kb_strmap_count(r.ids);
    stats->shards = r.n_shards;
    if (r.full) {
        st = switch_generation(&r, gen, cur);
        if (st == KB_STATUS_SUCCESS)
            gen = 0;   /* done: nothing to clean up */
    }
out:
    if (st == KB_STATUS_INTERRUPTED)
        failure_message(&r, st);
    if (st != KB_STATUS_SUCCESS && r.full && gen) {
        if (r.writers) {
            char err[8];
            kbi_writers_finish(r.writers, err, sizeof err);
            r.writers = NULL;
        }
        close_shards(&r);
        kb_remove_tree(genpath.data);
    }
    kb_buf_free(&genpath);
    kbi_layout_unlock(lockfd);
    if (st != KB_STATUS_SUCCESS && message && r.msg.len)
        *message = kb_strdup(r.msg.data);
    run_free(&r);
    stats->seconds = (kb_now_ms() - t0) / 1000.0;
    return st;
}
