/* article.h - parsing a knowledge-base article (YAML front matter +
 * Markdown) into its fields, sections and links.
 *
 * Usage:
 *
 *     kb_article_t *a;
 *     kb_diags_t *diags;   // created by the caller with kb_diags_new()
 *     if (kb_article_parse("kb/x.md", buf, len, diags, &a) == KB_STATUS_SUCCESS) {
 *         ... a->title, a->sections[i].text ...
 *         kb_article_free(a);
 *     }
 *     // diags holds the warnings (and, on failure, the error) with lines.
 *
 * The parser never reads files; kb_article_load() does that for a path.
 */
#ifndef KB_ARTICLE_H
#define KB_ARTICLE_H

#include <stddef.h>

#include "kb/diag.h"
#include "kb/status.h"
#include "kb/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Questions and phrases searched per article (more are kept, not searched:
 * lint warns). */
#define KB_ARTICLE_MAX_QUESTIONS 64

/* Articles larger than this are rejected (KB_STATUS_TOO_LARGE). */
#define KB_ARTICLE_MAX_BYTES (8u * 1024u * 1024u)

/* A section: the text under one heading, up to the next heading of the same
 * or a higher level... in practice, up to the next heading of any level.
 * Section 0 is the lead: the text before the first heading (it may be
 * empty).  Level-1 headings do not start sections (they are titles). */
typedef struct kb_section {
    char *heading;   /* the heading's plain text; "" for the lead */
    char *path;      /* "Parent > Child" heading path; "" for the lead */
    int level;       /* 0 for the lead, else 2..6 */
    int line;        /* 1-based line of the heading in the file */
    char *text;      /* plain text of the section's blocks, one block per line */
    int steps;       /* number of items in the section's numbered lists */
} kb_section_t;

/* An internal link to another article. */
typedef struct kb_link {
    char *target;    /* the article id linked to */
    int line;        /* 1-based line in the file */
} kb_link_t;

typedef struct kb_article {
    char *path;          /* as given to the parser */
    char *id;            /* front matter, else from the file name */
    char *title;         /* front matter, else the first heading; may be NULL */
    char *category;      /* may be NULL */
    kb_strlist_t tags;
    kb_strlist_t questions;
    kb_strlist_t phrases;  /* more ways customers say it: searched like the
                              questions, not part of the body */
    char *escalation;    /* id of an escalation article, or NULL */
    char *updated;       /* "YYYY-MM-DD" or NULL */
    char *review_by;     /* "YYYY-MM-DD" or NULL */
    char *owner;
    /* Escalation tiers (category: escalation); triggers also on guidance. */
    char *contact;
    char *hours;
    char *sla;
    char *next;
    kb_strlist_t triggers;

    int has_front_matter;
    int title_line;      /* line of the title (front matter key or heading) */
    char *body;          /* the Markdown after the front matter (no BOM, LF) */
    int body_line;       /* 1-based file line where BODY starts */
    kb_section_t *sections;
    size_t n_sections;
    kb_link_t *links;
    size_t n_links;
    size_t words;        /* words in the body */
} kb_article_t;

/* The categories DESIGN.md section 3 names, NULL-terminated. */
KB_API const char *const *kb_article_categories(void);

/* Parse LEN bytes of BUF, the contents of the file PATH (used for the
 * default id and in diagnostics).  BUF need not be NUL-terminated.
 *
 * Returns KB_STATUS_SUCCESS with *OUT set (caller frees with
 * kb_article_free()); warnings (unknown keys, wrong field types, bad dates)
 * are added to DIAGS (may be NULL).  Returns KB_STATUS_PARSE_ERROR with *OUT
 * NULL when the article cannot be indexed: invalid UTF-8 or NUL bytes,
 * broken or unterminated front matter, front matter that is not a mapping,
 * YAML aliases, an invalid explicit id, an empty file; the error, with its
 * line, is added to DIAGS.  KB_STATUS_TOO_LARGE over KB_ARTICLE_MAX_BYTES;
 * KB_STATUS_OUT_OF_MEMORY. */
KB_API kb_status_t kb_article_parse(const char *path, const char *buf, size_t len,
                                    kb_diags_t *diags, kb_article_t **out /* OUT */);

/* Read PATH (at most KB_ARTICLE_MAX_BYTES) and parse it.  Read failures give
 * KB_STATUS_FILE_ERROR or KB_STATUS_TOO_LARGE with a diagnostic. */
KB_API kb_status_t kb_article_load(const char *path, kb_diags_t *diags,
                                   kb_article_t **out /* OUT */);

KB_API void kb_article_free(kb_article_t *a);

/* The article id an internal link points to: "kb:some-id", "some-id.md",
 * "../policy/some-id.md#part" give "some-id"; NULL (or out of memory) for an
 * external link (http:, mailto:, ...).  Caller frees.  Lint checks and the
 * renderer shows links read this one way. */
KB_API char *kb_article_link_target(const char *url);

/* The id a file name gives: the base name without ".md", lowercased, every
 * run of characters outside [a-z0-9] turned into one '-', trimmed.  Caller
 * frees; NULL if nothing is left (or out of memory). */
KB_API char *kb_article_id_from_path(const char *path);

#ifdef __cplusplus
}
#endif

#endif
