/* lintmore.h - what lint checks across articles and in the KB's own files,
 * beside check.c's checks of each article (internal to libkb):
 *
 *   questions.c  a customer question asked in two articles
 *   pinsfile.c   pins.txt: reading it, and pins to missing or hidden
 *                articles, phrases pinned twice
 *   synonyms.c   a word or phrase in two synonym groups (kbi_synonyms_overlap,
 *                declared in synonyms.h)
 */
#ifndef KB_INDEX_LINTMORE_H
#define KB_INDEX_LINTMORE_H

#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"
#include "schema/pins.h"
#include "schema/schema.h"
#include "synonyms.h"

/* ---------------------------------------------------------------- */
/* questions.c                                                        */

typedef struct kbi_questions kbi_questions_t;

kb_status_t kbi_questions_new(kbi_questions_t **out /* OUT */);
void kbi_questions_free(kbi_questions_t *q);
/* Note A's questions and phrases; a warning in DIAGS for each that another
 * article noted before asks too (the same words after search's
 * normalisation: folded and stemmed, in order; kb_text_stem_key).  A may be freed
 * afterwards.  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbi_questions_add(kbi_questions_t *q, const kb_article_t *a, kb_diags_t *diags);

/* ---------------------------------------------------------------- */
/* pinsfile.c                                                         */

/* Read pins.txt at PATH: "customer phrase -> article-id" a line, '#'
 * comments.  Each pin gets its words key with the synonym groups of SYN
 * (may be NULL), which go into OUT->syn.  Lines that cannot be read, pins
 * whose phrase has no word search matches, and phrases pinned twice (the
 * same key; the first counts) are errors in DIAGS, left out.  Caller
 * clears OUT.  KB_STATUS_FILE_ERROR (unreadable: an error in DIAGS),
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbi_pins_load(const char *path, const kbi_synonyms_t *syn, kb_diags_t *diags,
                          kb_schema_pins_t *out /* OUT */);

/* The node of the article ID, for kbi_pins_check (NULL: no such article). */
typedef const kb_schema_node_t *(*kbi_node_fn)(void *ctx, const char *id);

/* Drop from P, with an error in DIAGS (at PATH, the pin's line), every pin
 * to an article that NODE does not know, or that is a draft or archived. */
void kbi_pins_check(kb_schema_pins_t *p, const char *path, kbi_node_fn node, void *ctx,
                    kb_diags_t *diags);

#endif
