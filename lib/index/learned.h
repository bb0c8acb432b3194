/* learned.h - the learned phrasings an indexing run adds to its articles
 * (internal to libkb; the files are described in schema/learned.h).
 *
 * The run loads KB_DIR/_learned/ID.txt once; each article's "+" lines
 * become learned documents (docbuild.c), and the hash of its lines joins
 * the hash of its file in the file record, so that an article whose
 * learned phrasings changed is indexed again like one whose file changed.
 * kb:learned holds the hash of them all: when it changes, an incremental
 * run reads every file again (jobs.c finds the ones that changed). */
#ifndef KB_INDEX_LEARNED_H
#define KB_INDEX_LEARNED_H

#include <stddef.h>
#include <stdint.h>

#include "kb/diag.h"
#include "kb/status.h"
#include "xapian/xapian.h"

typedef struct kbi_learned_entry {
    char *id;
    char **texts;           /* the "+" lines, at most KB_LEARNED_MAX */
    size_t n;
    uint64_t hash;          /* of TEXTS; never 0 */
} kbi_learned_entry_t;

typedef struct kbi_learned {
    kbi_learned_entry_t *e; /* sorted by id */
    size_t n;
    uint64_t hash;          /* of every entry; 0 when there is none */
} kbi_learned_t;

/* Load ROOT/_learned/ into OUT (zeroed first): a missing folder is no
 * learned phrasing; an unreadable file, or lines that cannot be read, are
 * warnings in DIAGS.  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbi_learned_load(const char *root, kb_diags_t *diags, kbi_learned_t *out);
void kbi_learned_free(kbi_learned_t *l);

/* Article ID's entry, or NULL. */
const kbi_learned_entry_t *kbi_learned_get(const kbi_learned_t *l, const char *id);
/* Its hash, 0 when it has none (what a file record's hash is XORed with). */
uint64_t kbi_learned_hash(const kbi_learned_t *l, const char *id);

/* *CHANGED: does DB's kb:learned differ from L? */
kb_status_t kbi_learned_changed(kb_xdb_t *db, const kbi_learned_t *l, int *changed);
/* Store L's hash as kb:learned in DB. */
kb_status_t kbi_learned_store(kb_xdb_t *db, const kbi_learned_t *l);

#endif
