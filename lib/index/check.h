/* check.h - what is an error in an article: the one decision that
 * `kb-index --check` (lint.c) and every indexing run (indexer.c) share, so
 * the two always agree (internal to libkb).
 *
 * An article is seen as a node (kb_schema_node_t: its checked fields, from
 * a parsed file or from the index's N: record), and the KB as a graph of
 * nodes by id.  kbi_check_node() reports every problem of one node:
 *
 *   errors    missing title; missing or unknown category; an unknown
 *             status; no text (an empty body, or headings only); an
 *             escalation id that is no article, or no escalation article; a
 *             broken internal link; a tier without contact, sla or hours,
 *             or with hours that cannot be read; a next tier that is
 *             unknown or no tier; an escalation cycle (reported once, on
 *             its alphabetically first member); a published article whose
 *             escalation, next tier or link is a draft or archived; an id
 *             named that is held back by its own errors (kbi_graph_hold)
 *   warnings  a title over KBI_TITLE_MAX characters; over
 *             KB_ARTICLE_MAX_QUESTIONS questions and phrases; no
 *             questions; a past review date; contact/hours/sla/next on an
 *             article that is no tier
 *
 * Each is said at the line of the key concerned (kb_schema_node_line: 1
 * for a key that is missing).
 *
 * and returns its number of errors: non-zero means "this article is in
 * error".  A publish gate (an article in error is not published) asks this
 * function per article after building the graph the run would leave.
 * Parse errors (invalid UTF-8, broken front matter, ...) and duplicate ids
 * are found before a node exists, by the parser and by whoever builds the
 * graph (kbi_graph_add says when an id is taken).
 *
 *     kbi_graph_t *g;  kbi_graph_new(&g);
 *     kbi_graph_add(g, &node, &added);        // for each article; moves NODE
 *     kbi_graph_seal(g);                      // after the last add
 *     errors = kbi_check_graph(g, today, 1, diags);
 *     kbi_graph_free(g);
 */
#ifndef KB_INDEX_CHECK_H
#define KB_INDEX_CHECK_H

#include <stddef.h>

#include "kb/diag.h"
#include "kb/status.h"
#include "schema/schema.h"

/* Longer titles get a warning: a result line is about this wide. */
#define KBI_TITLE_MAX 120

typedef struct kbi_graph kbi_graph_t;

kb_status_t kbi_graph_new(kbi_graph_t **out /* OUT */);
void kbi_graph_free(kbi_graph_t *g);

/* Add *NODE under its id: the graph takes what it holds (*NODE is left
 * empty).  When the id is already in the graph nothing is added, *NODE is
 * left as it was (the caller clears it) and *ADDED is 0.
 * KB_STATUS_OUT_OF_MEMORY; adding after kbi_graph_seal() is
 * KB_STATUS_BAD_ARGUMENT. */
kb_status_t kbi_graph_add(kbi_graph_t *g, kb_schema_node_t *node, int *added /* OUT */);

/* The Ith node added (0 <= I < kbi_graph_count()); borrowed, valid until
 * the next add. */
const kb_schema_node_t *kbi_graph_node(const kbi_graph_t *g, size_t i);
/* The node with ID, or NULL (borrowed). */
const kb_schema_node_t *kbi_graph_get(const kbi_graph_t *g, const char *id);
size_t kbi_graph_count(const kbi_graph_t *g);

/* From now on G only borrows the nodes added (they are not moved, and not
 * freed with G): the caller keeps them alive while G lives. */
void kbi_graph_borrow(kbi_graph_t *g);

/* Article PATH with ID is held back by its errors (not in the graph):
 * what names ID says so instead of "unknown id".  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbi_graph_hold(kbi_graph_t *g, const char *id, const char *path);

/* Done adding: work out the escalation cycles (once, in linear time).
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kbi_graph_seal(kbi_graph_t *g);

/* What kbi_check_node() reports. */
enum { KBI_CHECK_ERRORS = 0, KBI_CHECK_ALL = 1, KBI_CHECK_WARNINGS = 2 };

/* Every problem of node N in the sealed graph G into DIAGS (WARNINGS is
 * KBI_CHECK_ERRORS, _ALL or _WARNINGS: what is added), at N->path.  TODAY ("YYYY-MM-DD") dates the
 * review warning.  Returns the number of errors found for N. */
size_t kbi_check_node(const kbi_graph_t *g, const kb_schema_node_t *n, const char *today,
                      int warnings, kb_diags_t *diags);

/* kbi_check_node() for every node, in the order they were added.  Returns
 * the number of errors. */
size_t kbi_check_graph(const kbi_graph_t *g, const char *today, int warnings, kb_diags_t *diags);

#endif
