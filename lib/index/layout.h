/* layout.h - the index directory: generations, the stub, the lock
 * (internal to libkb; see include/kb/indexer.h for the picture). */
#ifndef KB_INDEXER_LAYOUT_H
#define KB_INDEXER_LAYOUT_H

#include "kb/status.h"
#include "base/buf.h"
#include "schema/schema.h"

/* Create DB_PATH if needed and take its indexer lock (flock on .lock).
 * KB_STATUS_DB_LOCKED if another indexer holds it; KB_STATUS_FILE_ERROR if
 * DB_PATH cannot be created or is not a kb index directory (MSG says why).
 * *FD is released with kbi_layout_unlock(). */
kb_status_t kbi_layout_lock(const char *db_path, int *fd, kb_buf_t *msg);
void kbi_layout_unlock(int fd);

/* Most shards a generation is written in. */
#define KBI_MAX_SHARDS KB_SHARDS_MAX

/* The current generation number (0 if there is none yet) and, if SHARDS is
 * not NULL, the number of shards it has. */
unsigned kbi_layout_current(const char *db_path, unsigned *shards);
/* The highest generation directory present (0 if none). */
unsigned kbi_layout_highest(const char *db_path);
/* The highest generation directory below GEN (0 if none). */
unsigned kbi_layout_below(const char *db_path, unsigned gen);
/* DB_PATH/gen-NNNNNN into B. */
void kbi_layout_gen_path(kb_buf_t *b, const char *db_path, unsigned gen);
/* DB_PATH/gen-NNNNNN/sK (shard K of generation GEN) into B. */
void kbi_layout_shard_path(kb_buf_t *b, const char *db_path, unsigned gen, unsigned k);
/* Point the stub at the SHARDS shards of GEN, atomically. */
kb_status_t kbi_layout_switch(const char *db_path, unsigned gen, unsigned shards);
/* After the switch: write each shard's own stub DB_PATH/shard-K ("glass
 * gen-NNNNNN/sK", what xapian-tcpsrv serves), atomically, and remove those
 * of shards past SHARDS.  On failure MSG says which file and why (the
 * index itself is switched already). */
kb_status_t kbi_layout_shard_stubs(const char *db_path, unsigned gen, unsigned shards,
                                   kb_buf_t *msg);
/* Remove every generation directory except KEEP1 and KEEP2. */
void kbi_layout_prune(const char *db_path, unsigned keep1, unsigned keep2);

#endif
