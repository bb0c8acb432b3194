/* indexer.c - kb_index_run: scan, plan, parse in parallel, write.
 *
 * Worker threads read, hash, parse and turn articles into Xapian documents;
 * the calling thread alone talks to the writable database, applying the
 * results in file order so that runs are deterministic.  An incremental
 * run writes in transactions of BATCH articles: each commit holds whole
 * articles, so a killed run leaves every article in its old or new state.
 */
#include "kb/index.h"
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
#include "scan.h"
#include "synonyms.h"
#include "writers.h"
#include "base/strmap.h"
#include "schema/words.h"
#include "base/buf.h"
#include "base/file.h"
#include "base/clock.h"
#include "xapian/xapian.h"

/* Articles per commit in incremental runs. */
#define BATCH 1000
/* How far workers may run ahead of the writer, in articles. */
#define WINDOW 512
#define MAX_THREADS 8

typedef enum outcome {
    OUT_PENDING = 0,
    OUT_UNCHANGED,   /* contents hash as before: only the mtime moved */
    OUT_PARSED,
    OUT_REJECTED
} outcome_t;

typedef struct job {
    const kbi_file_t *file;
    char *old_record;        /* the stored "size mtime hash id", or NULL */
    outcome_t outcome;
    uint64_t hash;
    kb_article_t *article;
    kbi_docset_t docs;
    kb_diags_t *diags;
    kb_status_t status;      /* a failure that stops the run (memory) */
    int ready;
} job_t;

typedef struct run {
    const kb_index_opts_t *opts;
    kb_diags_t *diags;
    kb_index_stats_t *stats;
    kb_buf_t msg;
    char *root;              /* the KB folder without trailing slashes */
    kbi_scan_t scan;
    kb_strmap_t *records;    /* rel -> record (from the index) */
    kb_strmap_t *present;    /* rel -> NULL, every file found */
    kb_strmap_t *ids;        /* article id -> rel */
    kb_xdb_t *db;            /* shard 0: it also holds all the metadata */
    kb_xdb_t *shards[KBI_MAX_SHARDS];
    unsigned n_shards;
    kbi_writers_t *writers;  /* full builds on several shards */
    kb_strmap_t *tiers;      /* id -> tier JSON, written after the writers */
    kb_xstem_t *stem;
    int full;
    int in_txn;
    int unreadable;          /* a folder of the KB could not be read */
    size_t batch;
    size_t dirty;            /* changes written in this run */
    job_t *jobs;
    size_t n_jobs;
    /* The worker pool. */
    pthread_mutex_t mu;
    pthread_cond_t cv_ready;
    pthread_cond_t cv_space;
    size_t next;
    size_t consumed;
    int stop;
} run_t;

/* ---------------------------------------------------------------- */
/* Records                                                            */

/* A file record for F and its contents' HASH; caller frees. */
static char *format_record(const kbi_file_t *f, uint64_t hash, const char *id)
{
    kb_schema_file_t rec = {f->size, f->mtime_ns, hash, ""};
    snprintf(rec.id, sizeof rec.id, "%s", id);
    return kb_schema_file_encode(&rec);
}

static kb_status_t meta_key(kb_buf_t *b, const char *prefix, const char *rest)
{
    kb_buf_clear(b);
    kb_buf_printf(b, "%s%s", prefix, rest);
    return b->oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
}

static kb_status_t set_meta(run_t *r, const char *prefix, const char *rest, const char *value)
{
    kb_buf_t key = KB_BUF_INIT;
    kb_status_t st = meta_key(&key, prefix, rest);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(r->db, key.data, value ? value : "", value ? strlen(value) : 0);
    kb_buf_free(&key);
    return st;
}

typedef struct load_ctx {
    run_t *r;
    kb_status_t st;
} load_ctx_t;

static int load_record(void *vctx, const char *key, size_t len)
{
    load_ctx_t *c = vctx;
    (void)len;
    char *value;
    c->st = kb_xdb_get_metadata(c->r->db, key, &value, NULL);
    if (c->st != KB_STATUS_SUCCESS)
        return 1;
    const char *rel = key + strlen(KB_META_FILE);
    kb_schema_file_t rec;
    if (kb_schema_file_decode(value, &rec)) {
        c->st = kb_strmap_set(c->r->records, rel, value);
        if (c->st == KB_STATUS_SUCCESS)
            c->st = kb_strmap_set(c->r->ids, rec.id, rel);
    }
    free(value);
    return c->st != KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Workers                                                            */

static void process(job_t *j, kbi_builder_t *b)
{
    j->status = kb_diags_new(&j->diags);
    if (j->status != KB_STATUS_SUCCESS)
        return;
    char *buf;
    size_t len;
    kb_status_t st = kb_file_read(j->file->path, KB_ARTICLE_MAX_BYTES, &buf, &len);
    if (st == KB_STATUS_TOO_LARGE) {
        kb_diags_add(j->diags, KB_DIAG_ERROR, j->file->path, 0,
                     "file is %zu bytes, over the limit of %u bytes; not indexed", len,
                     KB_ARTICLE_MAX_BYTES);
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st == KB_STATUS_FILE_ERROR) {
        kb_diags_add(j->diags, KB_DIAG_ERROR, j->file->path, 0, "cannot read: %s",
                     strerror(errno));
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st != KB_STATUS_SUCCESS) {
        j->status = st;
        return;
    }
    j->hash = kb_hash64(buf, len);
    kb_schema_file_t old;
    if (j->old_record && kb_schema_file_decode(j->old_record, &old) && old.hash == j->hash &&
        old.size == (long long)len) {
        free(buf);
        j->outcome = OUT_UNCHANGED;
        return;
    }
    st = kb_article_parse(j->file->path, buf, len, j->diags, &j->article);
    free(buf);
    if (st == KB_STATUS_PARSE_ERROR || st == KB_STATUS_TOO_LARGE) {
        j->outcome = OUT_REJECTED;
        return;
    }
    if (st == KB_STATUS_SUCCESS)
        st = kbi_builder_build(b, j->article, j->file->rel, &j->docs);
    if (st != KB_STATUS_SUCCESS) {
        j->status = st;
        return;
    }
    j->outcome = OUT_PARSED;
}

static void *worker(void *vr)
{
    run_t *r = vr;
    kbi_builder_t *b = NULL;
    kb_status_t bst = kbi_builder_new(&b);
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (!r->stop && r->next < r->n_jobs && r->next >= r->consumed + WINDOW)
            pthread_cond_wait(&r->cv_space, &r->mu);
        if (r->stop || r->next >= r->n_jobs) {
            pthread_mutex_unlock(&r->mu);
            break;
        }
        size_t i = r->next++;
        pthread_mutex_unlock(&r->mu);
        job_t *j = &r->jobs[i];
        if (bst == KB_STATUS_SUCCESS)
            process(j, b);
        else
            j->status = bst;
        pthread_mutex_lock(&r->mu);
        j->ready = 1;
        pthread_cond_broadcast(&r->cv_ready);
        pthread_mutex_unlock(&r->mu);
    }
    kbi_builder_free(b);
    return NULL;
}

static void job_clear(job_t *j)
{
    free(j->old_record);
    kb_article_free(j->article);
    kbi_docset_free(&j->docs);
    kb_diags_free(j->diags);
    j->old_record = NULL;
    j->article = NULL;
    j->diags = NULL;
}

/* ---------------------------------------------------------------- */
/* Writing                                                            */

typedef struct words_ctx {
    kb_xdb_t *db;
    kb_strlist_t words;
    kb_status_t st;
} words_ctx_t;

static int collect_word(void *vctx, const char *term, size_t len, unsigned wdf)
{
    (void)wdf;
    words_ctx_t *c = vctx;
    if (kb_text_spelling_word(term, len) && !kb_strlist_push(&c->words, term, len)) {
        c->st = KB_STATUS_OUT_OF_MEMORY;
        return 1;
    }
    return 0;
}

static int collect_doc_words(void *vctx, kb_xdocid_t docid)
{
    words_ctx_t *c = vctx;
    c->st = kb_xdb_termlist(c->db, docid, collect_word, c);
    return c->st != KB_STATUS_SUCCESS;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The shard an article's documents live in: its path decides, so a
 * changed file lands where its old documents were. */
static unsigned shard_of(const run_t *r, const char *rel)
{
    return r->n_shards > 1 ? (unsigned)(kb_hash64(rel, strlen(rel)) % r->n_shards) : 0;
}

/* Remove the documents of the file REL from DB (and their words from its
 * spelling data, mirroring what adding them did). */
static kb_status_t remove_docs_in(kb_xdb_t *db, const char *term)
{
    words_ctx_t c = {db, {0}, KB_STATUS_SUCCESS};
    kb_status_t st = kb_xdb_postlist(db, term, collect_doc_words, &c);
    if (st == KB_STATUS_SUCCESS)
        st = c.st;
    if (st == KB_STATUS_SUCCESS && c.words.n) {
        qsort(c.words.items, c.words.n, sizeof *c.words.items, cmp_str);
        for (size_t i = 0; i < c.words.n && st == KB_STATUS_SUCCESS; i++)
            if (i == 0 || strcmp(c.words.items[i], c.words.items[i - 1]) != 0)
                st = kb_xdb_remove_spelling(db, c.words.items[i], 1);
    }
    kb_strlist_clear(&c.words);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_delete_documents(db, term);
    return st;
}

/* Remove the documents of the file REL, from every shard (cheap where there
 * are none, and right even if the number of shards changed). */
static kb_status_t remove_file_docs(run_t *r, const char *rel)
{
    char *term = kb_schema_path_term(rel);
    if (!term)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned k = 0; k < r->n_shards && st == KB_STATUS_SUCCESS; k++)
        st = remove_docs_in(r->shards[k], term);
    free(term);
    return st;
}

/* Forget the article stored for REL entirely (its file is gone). */
static kb_status_t remove_record(run_t *r, const char *rel, const char *recstr)
{
    kb_schema_file_t rec;
    kb_status_t st = remove_file_docs(r, rel);
    if (st == KB_STATUS_SUCCESS && kb_schema_file_decode(recstr, &rec)) {
        const char *owner = kb_strmap_get(r->ids, rec.id, NULL);
        if (owner && strcmp(owner, rel) == 0) {
            st = set_meta(r, KB_META_TIER, rec.id, NULL);
            kb_strmap_remove(r->ids, rec.id);
        }
    }
    if (st == KB_STATUS_SUCCESS)
        st = set_meta(r, KB_META_FILE, rel, NULL);
    return st;
}

static kb_status_t begin_batch(run_t *r)
{
    if (r->full || r->in_txn)
        return KB_STATUS_SUCCESS;
    kb_status_t st = KB_STATUS_SUCCESS;
    unsigned k;
    for (k = 0; k < r->n_shards && st == KB_STATUS_SUCCESS; k++)
        st = kb_xdb_begin_transaction(r->shards[k], 1);
    if (st != KB_STATUS_SUCCESS) {
        for (unsigned j = 0; j + 1 < k; j++)
            kb_xdb_cancel_transaction(r->shards[j]);
        return st;
    }
    r->in_txn = 1;
    return KB_STATUS_SUCCESS;
}

/* Commit the batch.  Shard 0, which holds the file records, commits last:
 * a crash in between leaves records that say "old" for articles already
 * new elsewhere, and the next run simply redoes them. */
static kb_status_t end_batch(run_t *r)
{
    if (!r->in_txn)
        return KB_STATUS_SUCCESS;
    r->in_txn = 0;
    r->batch = 0;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned k = r->n_shards; k-- > 0;) {
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdb_commit_transaction(r->shards[k]);
        else
            kb_xdb_cancel_transaction(r->shards[k]);
    }
    return st;
}

static void cancel_batch(run_t *r)
{
    if (!r->in_txn)
        return;
    for (unsigned k = 0; k < r->n_shards; k++)
        kb_xdb_cancel_transaction(r->shards[k]);
    r->in_txn = 0;
}

static kb_status_t count_batch(run_t *r)
{
    r->dirty++;
    if (r->full || ++r->batch < BATCH)
        return KB_STATUS_SUCCESS;
    kb_status_t st = end_batch(r);
    return st == KB_STATUS_SUCCESS ? begin_batch(r) : st;
}

static kb_status_t apply(run_t *r, job_t *j)
{
    const kbi_file_t *f = j->file;
    kb_diags_extend(r->diags, j->diags);
    if (j->status != KB_STATUS_SUCCESS)
        return j->status;
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_schema_file_t old;
    int had = j->old_record && kb_schema_file_decode(j->old_record, &old);
    switch (j->outcome) {
    case OUT_UNCHANGED: {
        r->stats->unchanged++;
        char *rec = format_record(f, j->hash, old.id);
        st = rec ? set_meta(r, KB_META_FILE, f->rel, rec) : KB_STATUS_OUT_OF_MEMORY;
        if (st == KB_STATUS_SUCCESS)
            st = kb_strmap_set(r->records, f->rel, rec);
        free(rec);
        return st == KB_STATUS_SUCCESS ? count_batch(r) : st;
    }
    case OUT_REJECTED:
        r->stats->rejected++;
        return KB_STATUS_SUCCESS;
    case OUT_PARSED:
        break;
    case OUT_PENDING:
        return KB_STATUS_INTERNAL_ERROR;
    }
    const kb_article_t *a = j->article;
    const char *owner = kb_strmap_get(r->ids, a->id, NULL);
    if (owner && strcmp(owner, f->rel) != 0) {
        int found;
        kb_strmap_get(r->present, owner, &found);
        if (found) {
            kb_diags_add(r->diags, KB_DIAG_ERROR, f->path, 0,
                         "duplicate id '%s': %s/%s already has it; not indexed", a->id,
                         r->root, owner);
            r->stats->rejected++;
            return KB_STATUS_SUCCESS;
        }
    }
    /* In an incremental run the file's documents are removed even when no
     * record says it was indexed: a run killed between the commits of two
     * shards can leave documents whose record (in shard 0) never landed. */
    if (had || !r->full) {
        st = remove_file_docs(r, f->rel);
        if (st == KB_STATUS_SUCCESS && had && strcmp(old.id, a->id) != 0) {
            const char *o = kb_strmap_get(r->ids, old.id, NULL);
            if (o && strcmp(o, f->rel) == 0) {
                st = set_meta(r, KB_META_TIER, old.id, NULL);
                kb_strmap_remove(r->ids, old.id);
            }
        }
    }
    size_t n_docs = j->docs.n;
    unsigned shard = shard_of(r, f->rel);
    if (r->writers) {
        /* Shard 0 belongs to its writer until the end: the tier and the
         * record are written afterwards (finish_deferred). */
        if (j->docs.tier)
            st = kb_strmap_set(r->tiers, a->id, j->docs.tier);
        if (st == KB_STATUS_SUCCESS)
            st = kbi_writers_submit(r->writers, shard, &j->docs);
    } else {
        kb_xdb_t *db = r->shards[shard];
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < j->docs.n; i++)
            st = kb_xdb_add_document(db, j->docs.docs[i], NULL);
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < j->docs.spelling.n; i++)
            st = kb_xdb_add_spelling(db, j->docs.spelling.items[i], 1);
        /* A full build starts empty: there is no old tier entry to delete. */
        if (st == KB_STATUS_SUCCESS && (j->docs.tier || had || !r->full))
            st = set_meta(r, KB_META_TIER, a->id, j->docs.tier);
    }
    char *rec = st == KB_STATUS_SUCCESS ? format_record(f, j->hash, a->id) : NULL;
    if (st == KB_STATUS_SUCCESS && !rec)
        st = KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS && !r->writers)
        st = set_meta(r, KB_META_FILE, f->rel, rec);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_set(r->records, f->rel, rec);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_set(r->ids, a->id, f->rel);
    free(rec);
    if (st != KB_STATUS_SUCCESS)
        return st;
    /* Every document but the question and article documents is a section. */
    size_t nq = a->n_questions + a->n_phrases;
    r->stats->sections += n_docs - (nq < KB_ARTICLE_MAX_QUESTIONS ? nq : KB_ARTICLE_MAX_QUESTIONS) - 1;
    if (had)
        r->stats->updated++;
    else
        r->stats->added++;
    return count_batch(r);
}

/* Run the jobs: in worker threads when there are enough of them. */
static kb_status_t run_jobs(run_t *r)
{
    const kb_index_opts_t *o = r->opts;
    int threads = o->threads;
    if (threads <= 0) {
        const char *env = getenv("KB_INDEX_THREADS");
        threads = env ? atoi(env) : (int)sysconf(_SC_NPROCESSORS_ONLN);
    }
    if (threads < 1)
        threads = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (r->n_jobs < 32 || threads == 1) {
        kbi_builder_t *b;
        st = kbi_builder_new(&b);
        for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
            process(&r->jobs[i], b);
            st = apply(r, &r->jobs[i]);
            job_clear(&r->jobs[i]);
            if (o->progress)
                o->progress(o->progress_ctx, i + 1, r->n_jobs);
        }
        kbi_builder_free(b);
        return st;
    }
    pthread_t tids[MAX_THREADS];
    int started = 0;
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv_ready, NULL);
    pthread_cond_init(&r->cv_space, NULL);
    for (int t = 0; t < threads; t++)
        if (pthread_create(&tids[started], NULL, worker, r) == 0)
            started++;
    if (!started) {
        st = KB_STATUS_INTERNAL_ERROR;
        kb_buf_printf(&r->msg, "cannot start indexing threads");
    }
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < r->n_jobs; i++) {
        job_t *j = &r->jobs[i];
        pthread_mutex_lock(&r->mu);
        while (!j->ready)
            pthread_cond_wait(&r->cv_ready, &r->mu);
        pthread_mutex_unlock(&r->mu);
        st = apply(r, j);
        job_clear(j);
        pthread_mutex_lock(&r->mu);
        r->consumed = i + 1;
        pthread_cond_broadcast(&r->cv_space);
        pthread_mutex_unlock(&r->mu);
        if (o->progress)
            o->progress(o->progress_ctx, i + 1, r->n_jobs);
    }
    pthread_mutex_lock(&r->mu);
    r->stop = 1;
    pthread_cond_broadcast(&r->cv_space);
    pthread_mutex_unlock(&r->mu);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    for (size_t i = 0; i < r->n_jobs; i++)
        job_clear(&r->jobs[i]);
    pthread_cond_destroy(&r->cv_ready);
    pthread_cond_destroy(&r->cv_space);
    pthread_mutex_destroy(&r->mu);
    return st;
}

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
    free(old);
    kbi_synonyms_free(&syn);
    return st;
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
    if (st == KB_STATUS_SUCCESS &&
        (strcmp(format, KB_INDEX_FORMAT) != 0 || strcmp(root, r->root) != 0)) {
        close_shards(r);
        r->full = 1;
    }
    free(format);
    free(root);
    if (st == KB_STATUS_SUCCESS && r->db) {
        load_ctx_t c = {r, KB_STATUS_SUCCESS};
        st = kb_xdb_metadata_keys(r->db, KB_META_FILE, load_record, &c);
        if (st == KB_STATUS_SUCCESS)
            st = c.st;
    }
    return st;
}

/* How many shards a full build writes: one per core on a KB big enough to
 * gain from it ($KB_INDEX_SHARDS overrides). */
static unsigned shards_for(size_t files)
{
    const char *env = getenv("KB_INDEX_SHARDS");
    long n = env && *env ? atol(env) : (files >= 2000 ? sysconf(_SC_NPROCESSORS_ONLN) : 1);
    if (n < 1)
        n = 1;
    if (n > KBI_MAX_SHARDS)
        n = KBI_MAX_SHARDS;
    return (unsigned)n;
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
        if (st == KB_STATUS_SUCCESS)
            r->n_shards++;
        else
            kb_buf_printf(&r->msg, "cannot create %s: %s", path.data, err ? err : "");
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
static kb_status_t finish_deferred(run_t *r)
{
    size_t pos = 0;
    const char *key, *value;
    kb_status_t st = KB_STATUS_SUCCESS;
    while (st == KB_STATUS_SUCCESS && kb_strmap_next(r->records, &pos, &key, &value))
        st = set_meta(r, KB_META_FILE, key, value);
    pos = 0;
    while (st == KB_STATUS_SUCCESS && kb_strmap_next(r->tiers, &pos, &key, &value))
        st = set_meta(r, KB_META_TIER, key, value);
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
        if (recstr && kb_schema_file_decode(recstr, &rec) && rec.size == f->size &&
            rec.mtime_ns == f->mtime_ns) {
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
        st = remove_record(r, rel, rec);
        if (st == KB_STATUS_SUCCESS) {
            r->stats->removed++;
            st = count_batch(r);
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
    kb_strmap_free(r->tiers);
    kb_xstem_free(r->stem);
    kbi_scan_free(&r->scan);
    kb_strmap_free(r->records);
    kb_strmap_free(r->present);
    kb_strmap_free(r->ids);
    for (size_t i = 0; r->jobs && i < r->n_jobs; i++)
        job_clear(&r->jobs[i]);
    free(r->jobs);
    free(r->root);
    kb_buf_free(&r->msg);
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
    st = kb_xstem_new("english", &r.stem);
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

    st = kbi_layout_lock(opts->db_path, &lockfd, &r.msg);
    if (st != KB_STATUS_SUCCESS)
        goto out;
    unsigned cur_shards = 0;
    cur = kbi_layout_current(opts->db_path, &cur_shards);
    r.full = opts->full || cur == 0 || cur_shards == 0;
    if (!r.full) {
        st = open_incremental(&r, cur, cur_shards);
        if (st != KB_STATUS_SUCCESS)
            goto out;
    }
    if (r.full && cur && r.unreadable) {
        st = KB_STATUS_FILE_ERROR;
        kb_buf_printf(&r.msg, "a folder of %s cannot be read (see above); a full rebuild would "
                              "drop its articles, so the index is left as it was", r.root);
        goto out;
    }
    if (r.full) {
        /* A killed full run may have left a newer generation behind. */
        kbi_layout_prune(opts->db_path, cur, kbi_layout_below(opts->db_path, cur));
        gen = (cur > kbi_layout_highest(opts->db_path) ? cur : kbi_layout_highest(opts->db_path)) + 1;
        kbi_layout_gen_path(&genpath, opts->db_path, gen);
        if (genpath.oom) {
            st = KB_STATUS_OUT_OF_MEMORY;
            goto out;
        }
        /* Xapian commits by itself every this many documents per shard;
         * nobody reads the new generation before the switch, so that is
         * safe, and it bounds the memory of a big build. */
        setenv("XAPIAN_FLUSH_THRESHOLD", "8000", 0);
        if (kb_mkdir_p(genpath.data, 0755) != KB_STATUS_SUCCESS) {
            kb_buf_printf(&r.msg, "cannot create %s: %s", genpath.data, strerror(errno));
            st = KB_STATUS_FILE_ERROR;
            goto out;
        }
        st = create_shards(&r, gen, shards_for(r.scan.n));
        if (st != KB_STATUS_SUCCESS)
            goto out;
        kb_strmap_free(r.records);
        kb_strmap_free(r.ids);
        r.records = r.ids = NULL;
        if (kb_strmap_new(&r.records) || kb_strmap_new(&r.ids)) {
            st = KB_STATUS_OUT_OF_MEMORY;
            goto out;
        }
    }
    stats->full = r.full;

    st = plan_jobs(&r);
    if (st == KB_STATUS_SUCCESS)
        st = begin_batch(&r);
    if (st == KB_STATUS_SUCCESS)
        st = remove_deleted(&r);
    if (st == KB_STATUS_SUCCESS && r.full && r.n_shards > 1) {
        st = kb_strmap_new(&r.tiers);
        if (st == KB_STATUS_SUCCESS)
            st = kbi_writers_start(r.shards, r.n_shards, &r.writers);
    }
    if (st == KB_STATUS_SUCCESS)
        st = run_jobs(&r);
    if (r.writers) {
        char err[256];
        kb_status_t wst = kbi_writers_finish(r.writers, err, sizeof err);
        r.writers = NULL;
        if (st == KB_STATUS_SUCCESS && wst != KB_STATUS_SUCCESS) {
            st = wst;
            kb_buf_printf(&r.msg, "indexing failed: %s%s%s; the last committed index is intact",
                          kb_status_to_string(st), err[0] ? ": " : "", err);
        }
        if (st == KB_STATUS_SUCCESS)
            st = finish_deferred(&r);
    }
    if (st == KB_STATUS_SUCCESS)
        st = apply_synonyms(&r);
    if (st == KB_STATUS_SUCCESS) {
        int changed;
        st = kb_wordlist_store(r.db, r.full, &changed);
        r.dirty += (size_t)changed;
    }
    if (st == KB_STATUS_SUCCESS && !r.full && r.dirty == 0) {
        /* Nothing changed: leave the index (and its readers) alone. */
        cancel_batch(&r);
    } else {
        if (st == KB_STATUS_SUCCESS)
            st = finish_metadata(&r);
        if (st == KB_STATUS_SUCCESS && r.in_txn)
            st = end_batch(&r);
        /* A full build: every shard, shard 0 (the metadata) last. */
        for (unsigned k = r.n_shards; st == KB_STATUS_SUCCESS && r.full && k-- > 0;)
            st = kb_xdb_commit(r.shards[k]);
    }
    if (st != KB_STATUS_SUCCESS) {
        if (!r.msg.len) {
            const char *xe = "";
            for (unsigned k = 0; k < r.n_shards && !*xe; k++)
                xe = kb_xdb_last_error(r.shards[k]);
            kb_buf_printf(&r.msg, "indexing failed: %s%s%s; the last committed index is intact",
                          kb_status_to_string(st), *xe ? ": " : "", xe);
        }
        cancel_batch(&r);
        goto out;
    }
    stats->articles = kb_strmap_count(r.ids);
    if (r.full) {
        unsigned shards = r.n_shards;
        close_shards(&r);   /* releases the new generation's write locks */
        st = kbi_layout_switch(opts->db_path, gen, shards);
        if (st != KB_STATUS_SUCCESS) {
            kb_buf_printf(&r.msg, "cannot switch %s to the new index: %s; the previous "
                                  "index is intact", opts->db_path, strerror(errno));
            goto out;
        }
        /* Keep the previous generation for readers that still have it open. */
        kbi_layout_prune(opts->db_path, gen, cur);
        gen = 0;   /* done: nothing to clean up */
    }
out:
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
