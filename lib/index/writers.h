/* writers.h - one writer thread per shard for full builds (internal to
 * libkb).
 *
 * Xapian's add_document is most of the cost of a build, and a database
 * takes one writer at a time.  A full build therefore writes N shards side
 * by side, each owned by one thread; the stub file lists them all and
 * readers search them as one database.  The calling thread hands each
 * article's documents to the shard its id hashes to (schema.h), and its
 * spelling words to shard 0's writer.
 */
#ifndef KB_INDEXER_WRITERS_H
#define KB_INDEXER_WRITERS_H

#include "docbuild.h"
#include "kb/status.h"
#include "xapian/xapian.h"

typedef struct kbi_writers kbi_writers_t;

/* Start one thread per database of DBS (N of them).  The threads own the
 * databases until kbi_writers_finish(): the caller must not touch them. */
kb_status_t kbi_writers_start(kb_xdb_t **dbs, unsigned n, kbi_writers_t **out /* OUT */);

/* Queue DOCS (its documents and spelling words) for shard SHARD.  The
 * docset is moved: *DOCS is emptied.  Blocks while that shard's queue is
 * full.  A failure of the writer is reported by kbi_writers_finish(), not
 * here. */
kb_status_t kbi_writers_submit(kbi_writers_t *w, unsigned shard, kbi_docset_t *docs);

/* Let the writers finish what is queued, join them and free W.  Returns
 * the first writer's failure (its message in ERR) or KB_STATUS_SUCCESS. */
kb_status_t kbi_writers_finish(kbi_writers_t *w, char *err, size_t errlen);

#endif
