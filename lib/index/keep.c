/* keep.c - a full run's view of the previous generation.
 *
 * A full run builds a new generation from the files alone, so an article
 * whose file became unreadable, or whose front matter broke, would vanish
 * with it, where an incremental run keeps its last good version.  To keep
 * the promise in full runs too, the previous generation is opened
 * read-only: a file rejected in this run has its documents, spelling
 * words, tier, file record and lint node copied over, as they were.  Its
 * record keeps the old size and mtime, so the next run reads the file
 * again.  The previous generation's records also tell the removal guard
 * (audit.c) how many articles a full run would drop.
 */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "run.h"
#include "schema/schema.h"
#include "schema/words.h"

void kbi_keep_close(run_t *r)
{
    for (unsigned k = 0; k < r->n_old; k++)
        kb_xdb_close(r->old[k]);
    memset(r->old, 0, sizeof r->old);
    r->n_old = 0;
}

typedef struct rec_ctx {
    kb_xdb_t *db;
    kb_strmap_t *records;
    kb_status_t st;
} rec_ctx_t;

static int load_record(void *vctx, const char *key, size_t len)
{
    (void)len;
    rec_ctx_t *c = vctx;
    char *value;
    c->st = kb_xdb_get_metadata(c->db, key, &value, NULL);
    if (c->st != KB_STATUS_SUCCESS)
        return 1;
    kb_schema_file_t rec;
    if (kb_schema_file_decode(value, &rec))
        c->st = kb_strmap_set(c->records, key + strlen(KB_META_FILE), value);
    free(value);
    return c->st != KB_STATUS_SUCCESS;
}

kb_status_t kbi_keep_open(run_t *r, unsigned cur, unsigned shards)
{
    kb_status_t st = kb_strmap_new(&r->old_records);
    kb_buf_t path = KB_BUF_INIT;
    for (unsigned k = 0; st == KB_STATUS_SUCCESS && k < shards; k++) {
        kb_buf_clear(&path);
        kbi_layout_shard_path(&path, r->opts->db_path, cur, k);
        if (path.oom) {
            st = KB_STATUS_OUT_OF_MEMORY;
            break;
        }
        if (kb_xdb_open(path.data, KB_XDB_READONLY, &r->old[k], NULL) != KB_STATUS_SUCCESS) {
            kbi_keep_close(r);   /* unreadable: nothing to keep, nothing to count */
            break;
        }
        r->n_old++;
    }
    kb_buf_free(&path);
    if (st == KB_STATUS_SUCCESS && r->n_old) {
        rec_ctx_t c = {r->old[0], r->old_records, KB_STATUS_SUCCESS};
        kb_status_t ls = kb_xdb_metadata_keys(r->old[0], KB_META_FILE, load_record, &c);
        if (ls == KB_STATUS_OUT_OF_MEMORY || c.st == KB_STATUS_OUT_OF_MEMORY)
            st = KB_STATUS_OUT_OF_MEMORY;
        else if (ls != KB_STATUS_SUCCESS || c.st != KB_STATUS_SUCCESS)
            kbi_keep_close(r);   /* damaged: rebuild from the files alone */
    }
    return st;
}

typedef struct copy_ctx {
    kb_xdb_t *db;
    kbi_docset_t *docs;
    size_t cap;
    kb_strlist_t words;
    kb_status_t st;
} copy_ctx_t;

static int collect_word(void *vctx, const char *term, size_t len, unsigned wdf)
{
    (void)wdf;
    copy_ctx_t *c = vctx;
    if (kb_text_spelling_word(term, len) && !kb_strlist_has(&c->words, term) &&
        !kb_strlist_push(&c->words, term, len)) {
        c->st = KB_STATUS_OUT_OF_MEMORY;
        return 1;
    }
    return 0;
}

static int copy_doc(void *vctx, kb_xdocid_t docid)
{
    copy_ctx_t *c = vctx;
    kbi_docset_t *d = c->docs;
    if (d->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        kb_xdoc_t **p = realloc(d->docs, cap * sizeof *p);
        if (!p) {
            c->st = KB_STATUS_OUT_OF_MEMORY;
            return 1;
        }
        d->docs = p;
        c->cap = cap;
    }
    c->st = kb_xdb_copy_document(c->db, docid, &d->docs[d->n]);
    if (c->st == KB_STATUS_SUCCESS) {
        d->n++;
        c->st = kb_xdb_termlist(c->db, docid, collect_word, c);
    }
    return c->st != KB_STATUS_SUCCESS;
}

/* The documents of file REL in the previous generation, their spelling
 * words and the tier of article ID, into DOCS. */
static kb_status_t old_docset(run_t *r, const char *rel, const char *id, kbi_docset_t *docs)
{
    memset(docs, 0, sizeof *docs);
    char *term = kb_schema_path_term(rel);
    if (!term)
        return KB_STATUS_OUT_OF_MEMORY;
    copy_ctx_t c = {NULL, docs, 0, {0}, KB_STATUS_SUCCESS};
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned k = 0; k < r->n_old && st == KB_STATUS_SUCCESS; k++) {
        c.db = r->old[k];
        st = kb_xdb_postlist(r->old[k], term, copy_doc, &c);
        if (st == KB_STATUS_SUCCESS)
            st = c.st;
    }
    free(term);
    docs->spelling = c.words;
    kb_buf_t key = KB_BUF_INIT;
    kb_buf_printf(&key, "%s%s", KB_META_TIER, id);
    if (st == KB_STATUS_SUCCESS && key.oom)
        st = KB_STATUS_OUT_OF_MEMORY;
    char *tier = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_get_metadata(r->old[0], key.data, &tier, NULL);
    kb_buf_free(&key);
    if (st == KB_STATUS_SUCCESS && tier && tier[0])
        docs->tier = tier;
    else
        free(tier);
    if (st != KB_STATUS_SUCCESS)
        kbi_docset_free(docs);
    return st;
}

kb_status_t kbi_keep_old(run_t *r, job_t *j)
{
    const char *rel = j->file->rel;
    const char *rec = r->n_old ? kb_strmap_get(r->old_records, rel, NULL) : NULL;
    kb_schema_file_t old;
    if (!rec || !kb_schema_file_decode(rec, &old))
        return KB_STATUS_SUCCESS;   /* a new file: nothing to keep */
    const char *owner = kb_strmap_get(r->ids, old.id, NULL);
    if (owner) {
        kb_diags_add(r->diags, KB_DIAG_ERROR, j->file->path, 0,
                     "its last good version (id '%s') is not kept: %s/%s now has that id",
                     old.id, r->root, owner);
        return KB_STATUS_SUCCESS;
    }
    kbi_docset_t docs;
    kb_status_t st = old_docset(r, rel, old.id, &docs);
    if (st != KB_STATUS_SUCCESS || !docs.n) {
        kbi_docset_free(&docs);
        return st;
    }
    kb_buf_t key = KB_BUF_INIT;
    kb_buf_printf(&key, "%s%s", KB_META_NODE, rel);
    char *node = NULL;
    st = key.oom ? KB_STATUS_OUT_OF_MEMORY : kb_xdb_get_metadata(r->old[0], key.data, &node, NULL);
    kb_buf_free(&key);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_add_docset(r, rel, old.id, &docs, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kbi_note_file(r, rel, old.id, rec, node && node[0] ? node : NULL);
    kbi_docset_free(&docs);
    free(node);
    if (st == KB_STATUS_SUCCESS)
        kb_diags_add(r->diags, KB_DIAG_WARNING, j->file->path, 0,
                     "its last good version stays searchable");
    return st;
}
