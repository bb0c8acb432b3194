/* docbuild.h - an article into its Xapian documents (internal to libkb).
 *
 * One document per section (DESIGN.md section 4), each carrying the
 * article's title, questions and tags; one per customer question; and one
 * article document holding the whole article as JSON (for show), found by
 * its XD term.  A builder holds one thread's term generator and stemmer:
 * use one builder per thread.
 */
#ifndef KB_INDEXER_DOCBUILD_H
#define KB_INDEXER_DOCBUILD_H

#include "base/buf.h"
#include "kb/article.h"
#include "kb/status.h"
#include "xapian/xapian.h"

typedef struct kbi_docset {
    kb_xdoc_t **docs;
    size_t n;
    size_t n_learned;        /* learned documents among DOCS */
    kb_strlist_t spelling;   /* distinct words, for the spelling data */
    char *tier;              /* JSON for the E: metadata key, or NULL */
} kbi_docset_t;

typedef struct kbi_builder kbi_builder_t;

kb_status_t kbi_builder_new(kbi_builder_t **out);
void kbi_builder_free(kbi_builder_t *b);

struct kbi_learned;
/* The learned phrasings (learned.h; borrowed, read-only, may be shared by
 * several builders) whose "+" lines become learned documents of their
 * articles; NULL for none. */
void kbi_builder_set_learned(kbi_builder_t *b, const struct kbi_learned *learned);

/* Build A's documents; REL is its path relative to the KB folder (the XP
 * term).  Caller frees OUT with kbi_docset_free(). */
kb_status_t kbi_builder_build(kbi_builder_t *b, const kb_article_t *a, const char *rel,
                              kbi_docset_t *out);
void kbi_docset_free(kbi_docset_t *d);

#endif
