/* ids.h - article ids and internal links: the rules the indexer, lint and the
 * renderer share. */
#ifndef KB_SCHEMA_IDS_H
#define KB_SCHEMA_IDS_H


#include "kb/article.h"   /* kb_id_valid() is public */

/* The article id an internal link points to: "kb:some-id", "some-id.md",
 * "../policy/some-id.md#part" give "some-id"; NULL (or out of memory) for an
 * external link (http:, mailto:, ...).  Caller frees.  Lint checks and the
 * renderer shows links read this one way. */
char *kb_article_link_target(const char *url);

/* The id a file name gives: the base name without ".md", lowercased, every
 * run of characters outside [a-z0-9] turned into one '-', trimmed.  Caller
 * frees; NULL if nothing is left (or out of memory). */
char *kb_article_id_from_path(const char *path);

#endif
