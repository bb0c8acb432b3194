/* run.h - what the files of an indexing run share (internal to libkb).
 *
 *   indexer.c  kb_index_run: scan, plan, open or create the shards, finish
 *   jobs.c     the worker threads, in two passes: read, hash and parse
 *              every changed file; then build the documents of those the
 *              gate lets through, which the calling thread applies
 *   indexgate.c  the publish gate (gate.c) over the jobs: which new
 *              versions are held back
 *   apply.c    what a job's result does to the index
 *   write.c    writing documents, records and nodes, in batches
 *   settle.c   ids moving between files: jobs deferred, then settled
 *   keep.c     a full run's view of the previous generation: the last good
 *              version of an article whose file broke is carried over
 *   audit.c    the guard against removing most of the index; the lint of
 *              the indexed KB at the end of a run (check.c)
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
#include "schema/schema.h"
#include "check.h"
#include "learned.h"
#include "scan.h"
#include "synonyms.h"
#include "writers.h"
#include "xapian/xapian.h"

/* Articles per commit in incremental runs. */
#define KBI_BATCH 1000
/* How far workers may run ahead of the writer, in articles. */
#define KBI_WINDOW 512
/* Runs with more changed files than this parse them twice (before and
 * after the gate) rather than hold every parsed article in memory. */
#define KBI_KEEP_PARSED 2000
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
    kb_schema_node_t *node;  /* what the gate checks of ARTICLE (OUT_PARSED) */
    kb_diags_t *diags;
    kb_status_t status;      /* a failure that stops the run (memory) */
    int ready;
    int deferred;            /* its id is held by a file not yet applied */
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
    unsigned kept_shards;    /* kb:shards of the current generation (0: none) */
    kbi_writers_t *writers;  /* full builds on several shards */
    kb_strmap_t *tiers;      /* id -> tier JSON, written after the writers */
    kb_xstem_t *stem;
    int full;
    int in_txn;
    int unreadable;          /* a folder of the KB could not be read */
    size_t batch;
    size_t dirty;            /* changes written in this run */
    size_t commits;          /* batches committed in this run */
    job_t *jobs;
    size_t n_jobs;
    size_t applying;         /* the job being applied, in file order */
    size_t *deferred;        /* indexes of deferred jobs, in file order */
    size_t n_deferred, cap_deferred;
    int settling;            /* applying the deferred jobs: one batch */
    /* Lint of the indexed KB (audit.c). */
    kb_strmap_t *nodes;      /* rel -> lint node JSON (N:) of this run's files */
    kb_strmap_t *held;       /* rel -> NULL: new versions the gate held back */
    kb_strmap_t *moves;      /* rel -> "old id\nnew id\nhash": ids given up (idmoves.c) */
    kb_strmap_t *fresh;      /* contents hash -> rel of a file new in this run */
    int graph_changed;       /* what other articles' checks see has changed */
    /* A full run: the previous generation, read-only (keep.c). */
    kb_xdb_t *old[KBI_MAX_SHARDS];
    unsigned n_old;
    kb_strmap_t *old_records;  /* rel -> record in the previous generation */
    /* Learned phrasings (learned.h): in the file records' hashes. */
    kbi_learned_t learned;
    int learned_changed;     /* since the last run: every file is read */
    /* The worker pool. */
    pthread_mutex_t mu;
    pthread_cond_t cv_ready;
    pthread_cond_t cv_space;
    size_t next;
    size_t consumed;
    int stop;
    int pass;                /* 1: parse for the gate; 2: build and apply */
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
/* A file record for F and its contents' HASH; caller frees. */
char *kbi_format_record(const kbi_file_t *f, uint64_t hash, const char *id);
/* Remove the documents of file REL from every shard. */
kb_status_t kbi_remove_file_docs(run_t *r, const char *rel);

/* apply.c */
/* Write job J's outcome to the index. */
kb_status_t kbi_apply(run_t *r, job_t *j);
/* Free what job J holds (not the job). */
void kbi_job_clear(job_t *j);
/* The job of file REL (jobs are in path order), or NULL. */
job_t *kbi_job_of(const run_t *r, const char *rel);

/* jobs.c */
/* Pass 1: read, hash and parse every job (no writing); then the gate. */
kb_status_t kbi_parse_jobs(run_t *r);
/* Pass 2: build the documents of the jobs and apply them in file order. */
kb_status_t kbi_run_jobs(run_t *r);

/* indexgate.c */
/* Hold back the new versions in error (gate.c), after kbi_parse_jobs:
 * their jobs become OUT_REJECTED, with the errors in their diags. */
kb_status_t kbi_gate_jobs(run_t *r);

/* Add DOCS (documents, spelling, tier of article ID) for file REL: to the
 * writer of its shard, or straight into it. */
kb_status_t kbi_add_docset(run_t *r, const char *rel, const char *id, kbi_docset_t *docs,
                           int had);
/* Record file REL as holding article ID with record REC and lint node NODE
 * (JSON; may be NULL): F: and N: metadata (deferred under writers), maps. */
kb_status_t kbi_note_file(run_t *r, const char *rel, const char *id, const char *rec,
                          const char *node);
/* Forget that file REL holds OLD_ID (and its E: tier) if it does. */
kb_status_t kbi_release_id(run_t *r, const char *rel, const char *old_id);
/* 1 if a stop was asked for (opts->stop). */
int kbi_stopping(const run_t *r);

/* apply.c (settle.c decides what becomes of them) */
/* Defer job J (its id's owner has a job still to come); 0 on allocation
 * failure. */
int kbi_defer(run_t *r, job_t *j);
/* 1 if the file REL has a job not applied yet (later in order, or deferred). */
int kbi_pending(const run_t *r, const char *rel);

/* settle.c */
/* Apply the deferred jobs: those whose ids are free once the moves of the
 * run are done are applied, in one batch; the others are duplicates. */
kb_status_t kbi_settle(run_t *r);

/* keep.c */
/* Open the shards of generation CUR read-only and load their file records
 * (a full run); a generation that cannot be read is skipped. */
kb_status_t kbi_keep_open(run_t *r, unsigned cur, unsigned shards);
void kbi_keep_close(run_t *r);
/* Job J was rejected in a full run: carry the previous generation's
 * version of its file into the new one, if there is one and its id is
 * still free. */
kb_status_t kbi_keep_old(run_t *r, job_t *j);

/* audit.c */
/* Refuse (KB_STATUS_REFUSED, with R->msg) a run that would remove every
 * indexed article, or most of them; call after the plan, before writing. */
kb_status_t kbi_guard_removals(run_t *r);
kb_status_t kbi_audit_begin(run_t *r);
/* File REL now has lint node NODE (JSON): note whether what other
 * articles' checks look at changed (its id, tier-ness, next tier). */
kb_status_t kbi_audit_changed(run_t *r, const char *rel, const char *node);
/* Lint the KB as indexed (check.c), errors into R->diags; stores the count. */
kb_status_t kbi_audit_end(run_t *r);
/* The lint node of file REL: from this run, else from the index; decoded
 * into *OUT with its path (caller clears).  0 if there is none (*ST says
 * whether that was a failure). */
int kbi_node_of(run_t *r, const char *rel, kb_schema_node_t *out, kb_status_t *st);

/* pinstore.c */
/* Read pins.txt (with the synonym groups of SYN, may be NULL), drop the
 * pins to articles the index does not hold or does not publish (errors),
 * and store the rest as KB_META_PINS when they changed. */
kb_status_t kbi_pins_store(run_t *r, const kbi_synonyms_t *syn);

/* idmoves.c */
/* File REL gave up OLD_ID for NEW_ID (NULL: it was deleted); HASH: its
 * contents (the deleted file's, to recognise a rename). */
kb_status_t kbi_moves_note(run_t *r, const char *rel, const char *old_id, const char *new_id,
                           uint64_t hash);
/* File REL is new in this run, with contents HASH. */
kb_status_t kbi_moves_fresh(run_t *r, const char *rel, uint64_t hash);
/* A warning at each file whose id left the index (changed, renamed,
 * deleted), naming the articles of G (the whole KB as indexed) that still
 * name it.  A full run works the moves out from the previous generation. */
kb_status_t kbi_moves_report(run_t *r, const kbi_graph_t *g);

/* indexer.c */
/* After the writers of a full build: the metadata kept back, into shard 0. */
kb_status_t kbi_finish_deferred(run_t *r);

#endif
