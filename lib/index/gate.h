/* gate.h - the publish gate: which new versions of articles may go live
 * (internal to libkb).
 *
 * What `kb-index --check` calls an error is never published.  Before a
 * run writes anything, every article that changed (a candidate) is
 * checked against the KB the run would leave, with check.c, the code
 * --check uses.  A candidate in error is held back: its last good version
 * stays (or, for a new article, nothing is published), which changes the
 * KB the others are checked against (a link to a new article held back is
 * broken), so the checks run again until no new candidate is held back.
 *
 * Ids are settled first, the same way each round: an id belongs to the
 * file that has it before the run when that file keeps it; a file that
 * takes an id another file keeps is a duplicate and held back, with a
 * message naming both.  When nobody had the id, a file indexed before
 * comes before a new one, then path order.
 *
 * lint.c runs the same gate over the articles of a folder (nothing was
 * indexed before), so --check and a first index agree on what is held
 * back, cascades included; indexer runs give it their jobs (indexgate.c).
 *
 *     kbi_gate_item_t items[n];   // sorted by rel; cand, old_id, had, diags
 *     kbi_gate_src_t src = {root, ctx, owner, present, node};
 *     kbi_gate_run(items, n, &src, &held);
 *     // items[i].held: do not publish items[i].cand
 */
#ifndef KB_INDEX_GATE_H
#define KB_INDEX_GATE_H

#include <stddef.h>

#include "kb/diag.h"
#include "kb/status.h"
#include "schema/schema.h"

typedef struct kbi_gate_item {
    const char *rel;          /* path relative to the KB folder: the order */
    const char *path;         /* for messages */
    kb_schema_node_t *cand;   /* the new version (borrowed), or NULL: none */
    const char *old_id;       /* the id of the version that stays when CAND is
                                 held back or absent, or NULL: none */
    int had;                  /* the file was indexed before this run */
    kb_diags_t *diags;        /* where its errors go */
    int bad;                  /* OUT: CAND is in error (or cascades from one) */
    int dup;                  /* OUT: CAND's id is another file's */
    int held;                 /* OUT: CAND is held back (bad or dup) */
} kbi_gate_item_t;

/* What the gate knows of the KB beside the items (the files that did not
 * change, the versions in the index).  Every callback may be NULL: nothing
 * was indexed before. */
typedef struct kbi_gate_src {
    const char *root;         /* the KB folder: a file's path is ROOT/rel */
    void *ctx;
    /* The file (rel) that holds ID before the run, or NULL. */
    const char *(*owner)(void *ctx, const char *id);
    /* 1 if REL is a file of the KB now. */
    int (*present)(void *ctx, const char *rel);
    /* The node of the version of REL that stays (an item's last good
     * version, or a file that did not change): *FOUND 0 when there is none.
     * OUT is the caller's to clear. */
    kb_status_t (*node)(void *ctx, const char *rel, kb_schema_node_t *out, int *found);
} kbi_gate_src_t;

/* Decide, for N ITEMS sorted by rel, which candidates are held back, with
 * their messages in each item's DIAGS (errors: those of check.c at the
 * lines concerned, and duplicate ids).  *HELD (may be NULL) counts them.
 * KB_STATUS_OUT_OF_MEMORY, or what SRC's callbacks return. */
kb_status_t kbi_gate_run(kbi_gate_item_t *items, size_t n, const kbi_gate_src_t *src,
                         size_t *held /* OUT */);

#endif
