/* synonyms.h - the KB's synonyms file (internal to libkb).
 *
 * synonyms.txt: one group per line, comma-separated words or phrases that
 * mean the same to customers; '#' starts a comment line.
 * synonyms.yaml: a list of groups, each a list of strings (or one
 * comma-separated string).
 */
#ifndef KB_INDEXER_SYNONYMS_H
#define KB_INDEXER_SYNONYMS_H

#include <stdint.h>

#include "base/buf.h"
#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"
#include "xapian/xapian.h"

typedef struct kbi_synonyms {
    kb_strlist_t *groups;
    int *lines;             /* 1-based line of each group */
    size_t n;
    uint64_t hash;          /* of the file's bytes */
} kbi_synonyms_t;

/* Read PATH.  Problems (bad lines, a group of one) are warnings in DIAGS;
 * an unreadable or oversized file is an error and KB_STATUS_FILE_ERROR /
 * KB_STATUS_TOO_LARGE. */
kb_status_t kbi_synonyms_load(const char *path, kb_diags_t *diags, kbi_synonyms_t *out);
void kbi_synonyms_free(kbi_synonyms_t *s);

/* Replace every synonym in the writable DB by S (S may be NULL: none).
 * Keys are the words of an item ("top up") and, for phrases, "Z" + their
 * stems ("Ztop up", which "topping up" also gives); values are the other
 * items' words. */
kb_status_t kbi_synonyms_apply(kb_xdb_t *db, kb_xstem_t *stem, const kbi_synonyms_t *s);

#endif
