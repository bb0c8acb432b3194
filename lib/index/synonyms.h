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

/* Items in one group: each is stored as a synonym of every other, so a
 * group costs the square of its size (a group of 100,000 words would take
 * hours).  A bigger group is an error and is left out. */
#define KBI_SYNONYM_GROUP_MAX 64
/* Synonym pairs (items times other items, summed over the groups) in one
 * file; the groups past it are an error and are left out. */
#define KBI_SYNONYM_PAIRS_MAX 1000000

typedef struct kbi_synonyms {
    kb_strlist_t *groups;
    int *lines;             /* 1-based line of each group */
    size_t n;
    uint64_t hash;          /* of the file's bytes */
} kbi_synonyms_t;

/* Read PATH.  Problems (bad lines, a group of one) are warnings in DIAGS;
 * a group over KBI_SYNONYM_GROUP_MAX items, or past KBI_SYNONYM_PAIRS_MAX
 * pairs in all, is an error in DIAGS and left out (the others load); an
 * unreadable or oversized file is an error and KB_STATUS_FILE_ERROR /
 * KB_STATUS_TOO_LARGE. */
kb_status_t kbi_synonyms_load(const char *path, kb_diags_t *diags, kbi_synonyms_t *out);
void kbi_synonyms_free(kbi_synonyms_t *s);

/* A warning in DIAGS (at PATH, the later group's line) for each word or
 * phrase of S in two groups: a query finds only the first group's words. */
void kbi_synonyms_overlap(const char *path, const kbi_synonyms_t *s, kb_diags_t *diags);

/* Replace every synonym in the writable DB by S (S may be NULL: none).
 * Keys are the words of an item ("top up") and, for phrases, "Z" + their
 * stems ("Ztop up", which "topping up" also gives); values are the other
 * items' words. */
kb_status_t kbi_synonyms_apply(kb_xdb_t *db, kb_xstem_t *stem, const kbi_synonyms_t *s);

#endif
