/* sections.h - the Markdown body of an article into sections and links
 * (internal to libkb). */
#ifndef KB_INDEXER_SECTIONS_H
#define KB_INDEXER_SECTIONS_H

#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"

/* Parse A->body with cmark and fill A->sections, A->links and A->words; if
 * A->title is NULL, take the first heading as the title.  Line numbers are
 * file lines (A->body_line is the first line of the body). */
kb_status_t kbi_sections_parse(kb_article_t *a, kb_diags_t *diags);

#endif
