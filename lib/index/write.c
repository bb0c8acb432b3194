/* write.c - writing to the index: documents, file records, lint nodes and
 * tiers, in batches of whole articles (what to write is apply.c's call). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/file.h"
#include "parse.h"
#include "run.h"
#include "schema/schema.h"
#include "schema/words.h"

/* ---------------------------------------------------------------- */
/* Records                                                            */

char *kbi_format_record(const kbi_file_t *f, uint64_t hash, const char *id)
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

kb_status_t kbi_set_meta(run_t *r, const char *prefix, const char *rest, const char *value)
{
    kb_buf_t key = KB_BUF_INIT;
    kb_status_t st = meta_key(&key, prefix, rest);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_set_metadata(r->db, key.data, value ? value : "", value ? strlen(value) : 0);
    kb_buf_free(&key);
    return st;
}

int kbi_load_record(void *vctx, const char *key, size_t len)
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

/* Remove the documents holding TERM from DB, and their words from the
 * spelling data (in shard 0, HOME), mirroring what adding them did. */
static kb_status_t remove_docs_in(kb_xdb_t *db, kb_xdb_t *home, const char *term)
{
    words_ctx_t c = {db, {0}, KB_STATUS_SUCCESS};
    kb_status_t st = kb_xdb_postlist(db, term, collect_doc_words, &c);
    if (st == KB_STATUS_SUCCESS)
        st = c.st;
    if (st == KB_STATUS_SUCCESS && c.words.n) {
        qsort(c.words.items, c.words.n, sizeof *c.words.items, cmp_str);
        for (size_t i = 0; i < c.words.n && st == KB_STATUS_SUCCESS; i++)
            if (i == 0 || strcmp(c.words.items[i], c.words.items[i - 1]) != 0)
                st = kb_xdb_remove_spelling(home, c.words.items[i], 1);
    }
    kb_strlist_clear(&c.words);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_delete_documents(db, term);
    return st;
}

/* Remove the documents of the file REL, from every shard (cheap where there
 * are none, and right even if the number of shards changed). */
kb_status_t kbi_remove_file_docs(run_t *r, const char *rel)
{
    char *term = kb_schema_path_term(rel);
    if (!term)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned k = 0; k < r->n_shards && st == KB_STATUS_SUCCESS; k++)
        st = remove_docs_in(r->shards[k], r->db, term);
    free(term);
    return st;
}

/* Forget the article stored for REL entirely (its file is gone). */
kb_status_t kbi_remove_record(run_t *r, const char *rel, const char *recstr)
{
    kb_schema_file_t rec;
    kb_status_t st = kbi_remove_file_docs(r, rel);
    if (st == KB_STATUS_SUCCESS && kb_schema_file_decode(recstr, &rec)) {
        const char *owner = kb_strmap_get(r->ids, rec.id, NULL);
        if (owner && strcmp(owner, rel) == 0) {
            st = kbi_set_meta(r, KB_META_TIER, rec.id, NULL);
            kb_strmap_remove(r->ids, rec.id);
        }
    }
    if (st == KB_STATUS_SUCCESS)
        st = kbi_set_meta(r, KB_META_FILE, rel, NULL);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_set_meta(r, KB_META_NODE, rel, NULL);
    if (r->nodes)
        kb_strmap_remove(r->nodes, rel);
    return st;
}

kb_status_t kbi_begin_batch(run_t *r)
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
kb_status_t kbi_end_batch(run_t *r)
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
    r->commits += st == KB_STATUS_SUCCESS;
    return st;
}

void kbi_cancel_batch(run_t *r)
{
    if (!r->in_txn)
        return;
    for (unsigned k = 0; k < r->n_shards; k++)
        kb_xdb_cancel_transaction(r->shards[k]);
    r->in_txn = 0;
}

kb_status_t kbi_count_batch(run_t *r)
{
    r->dirty++;
    /* The deferred jobs of a run (ids moving between files) land in one
     * commit: no reader sees an id on two articles. */
    if (r->full || ++r->batch < KBI_BATCH || r->settling)
        return KB_STATUS_SUCCESS;
    kb_status_t st = kbi_end_batch(r);
    return st == KB_STATUS_SUCCESS ? kbi_begin_batch(r) : st;
}

int kbi_stopping(const run_t *r)
{
    return r->opts->stop && *r->opts->stop;
}

/* Forget that REL holds OLD_ID (its file now says another id). */
kb_status_t kbi_release_id(run_t *r, const char *rel, const char *old_id)
{
    const char *o = kb_strmap_get(r->ids, old_id, NULL);
    if (!o || strcmp(o, rel) != 0)
        return KB_STATUS_SUCCESS;
    kb_status_t st = kbi_set_meta(r, KB_META_TIER, old_id, NULL);
    kb_strmap_remove(r->ids, old_id);
    return st;
}

kb_status_t kbi_add_docset(run_t *r, const char *rel, const char *id, kbi_docset_t *docs,
                           int had)
{
    (void)rel;
    kb_status_t st = KB_STATUS_SUCCESS;
    unsigned shard = kb_schema_shard_of(id, r->n_shards);
    if (r->writers) {
        /* Shard 0 belongs to its writer until the end: the tier and the
         * record are written afterwards (kbi_finish_deferred); the
         * spelling words go to it too, as their own docset. */
        if (docs->tier)
            st = kb_strmap_set(r->tiers, id, docs->tier);
        if (st == KB_STATUS_SUCCESS && shard != 0 && docs->spelling.n) {
            kbi_docset_t words;
            memset(&words, 0, sizeof words);
            words.spelling = docs->spelling;
            memset(&docs->spelling, 0, sizeof docs->spelling);
            st = kbi_writers_submit(r->writers, 0, &words);
            kbi_docset_free(&words);
        }
        if (st == KB_STATUS_SUCCESS)
            st = kbi_writers_submit(r->writers, shard, docs);
        return st;
    }
    kb_xdb_t *db = r->shards[shard];
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < docs->n; i++)
        st = kb_xdb_add_document(db, docs->docs[i], NULL);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < docs->spelling.n; i++)
        st = kb_xdb_add_spelling(r->db, docs->spelling.items[i], 1);
    /* A full build starts empty: there is no old tier entry to delete. */
    if (st == KB_STATUS_SUCCESS && (docs->tier || had || !r->full))
        st = kbi_set_meta(r, KB_META_TIER, id, docs->tier);
    return st;
}

kb_status_t kbi_note_file(run_t *r, const char *rel, const char *id, const char *rec,
                          const char *node)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    if (!r->writers) {
        st = kbi_set_meta(r, KB_META_FILE, rel, rec);
        if (st == KB_STATUS_SUCCESS && node)
            st = kbi_set_meta(r, KB_META_NODE, rel, node);
    }
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_set(r->records, rel, rec);
    if (st == KB_STATUS_SUCCESS && node && r->nodes)
        st = kb_strmap_set(r->nodes, rel, node);
    if (st == KB_STATUS_SUCCESS)
        st = kb_strmap_set(r->ids, id, rel);
    return st;
}
