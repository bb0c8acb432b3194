/* run.h - what the files of an indexing run share (internal to libkb).
 *
 *   indexer.c  kb_index_run: scan, plan, open or create the shards, finish
 *   jobs.c     the worker threads: read, hash, parse, build documents
 *   write.c    applying a job's result to the index, in batches; the file
 *              records
 */
#ifndef KB_INDEX_RUN_H
#define KB_INDEX_RUN_H

#include <pthread.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "docbuild.h"
#include "kb/index.h"
#include "layout.h"
#include "scan.h"
#include "writers.h"
#include "xapian/xapian.h"

/* Articles per commit in incremental runs. */
#define KBI_BATCH 1000
/* How far workers may run ahead of the writer, in articles. */
#define KBI_WINDOW 512
#define KBI_MAX_THREADS 8

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

/* write.c */
/* Set metadata PREFIX + REST to VALUE (NULL: remove it) on shard 0. */
kb_status_t kbi_set_meta(run_t *r, const char *prefix, const char *rest, const char *value);
/* kb_xdb_metadata_keys() callback: load one F: record into R's maps. */
typedef struct load_ctx {
    run_t *r;
    kb_status_t st;
} load_ctx_t;
int kbi_load_record(void *vctx, const char *key, size_t len);
/* Forget the article stored for REL entirely (its file is gone). */
kb_status_t kbi_remove_record(run_t *r, const char *rel, const char *recstr);
kb_status_t kbi_begin_batch(run_t *r);
/* Commit the batch.  Shard 0, which holds the file records, commits last. */
kb_status_t kbi_end_batch(run_t *r);
void kbi_cancel_batch(run_t *r);
/* Commit when the batch is full. */
kb_status_t kbi_count_batch(run_t *r);
/* Write job J's outcome to the index. */
kb_status_t kbi_apply(run_t *r, job_t *j);

/* jobs.c */
/* Run the jobs: in worker threads when there are enough of them. */
kb_status_t kbi_run_jobs(run_t *r);
void kbi_job_clear(job_t *j);

/* indexer.c */
/* After the writers of a full build: the metadata kept back, into shard 0. */
kb_status_t kbi_finish_deferred(run_t *r);

#endif
