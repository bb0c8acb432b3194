/* article.h - a knowledge-base article: its fields, its sections with their
 * steps, and its links.
 *
 * One type for both sides of the index: kb-index parses a Markdown file
 * into a kb_article_t and stores it; kb_search_get_article() (kb/search.h)
 * reads the stored article back into the same type, which --show, the
 * assistant's :open, the JSON "show" op and the renderer (kb/render.h) all
 * use.  An article read from the index has no line numbers (they are 0) and
 * no links.
 *
 * Ownership: every string and array belongs to the article; free it all
 * with kb_article_free().
 */
#ifndef KB_ARTICLE_H
#define KB_ARTICLE_H

#include <stddef.h>

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Questions and phrases searched per article (more are kept, not searched:
 * lint warns). */
#define KB_ARTICLE_MAX_QUESTIONS 64

/* Articles larger than this are rejected (KB_STATUS_TOO_LARGE). */
#define KB_ARTICLE_MAX_BYTES (8u * 1024u * 1024u)

/* A section: the text under one heading, up to the next heading.  Section
 * 0 is the lead: the text before the first heading (it may be empty).
 * Level-1 headings do not start sections (they are titles), nor do
 * headings inside block quotes or list items. */
typedef struct kb_section {
    char *heading;   /* the heading's plain text; "" for the lead */
    char *path;      /* "Parent > Child" heading path; "" for the lead */
    int level;       /* 0 for the lead, else 2..6 */
    int line;        /* 1-based line of the heading in the file; 0 if unknown */
    char *text;      /* plain text of the section's blocks, one block per line;
                        "" in an article read from the index (BODY has it) */
    char **steps;    /* the items of its numbered lists that are not inside
                        another numbered item, as plain text with white
                        space collapsed (a numbered list nested in a step is
                        part of that step) */
    size_t n_steps;
} kb_section_t;

/* A front-matter key and the file line it is on. */
typedef struct kb_key_line {
    char *key;
    int line;
} kb_key_line_t;

/* An internal link to another article. */
typedef struct kb_link {
    char *target;    /* the article id linked to */
    int line;        /* 1-based line in the file */
} kb_link_t;

typedef struct kb_article {
    char *path;          /* the file, as given to kb-index */
    char *id;            /* front matter, else from the file name */
    char *title;         /* front matter, else the first heading; may be NULL
                            while parsing, never in the index */
    char *category;      /* may be NULL */
    char **tags;         /* lowercased */
    size_t n_tags;
    char **questions;    /* how customers ask */
    size_t n_questions;
    char **phrases;      /* more ways customers say it: searched like the
                            questions, not shown as questions */
    size_t n_phrases;
    char *escalation;    /* id of an escalation article, or NULL */
    char *updated;       /* "YYYY-MM-DD" or NULL */
    char *review_by;     /* "YYYY-MM-DD" or NULL */
    char *owner;
    /* Escalation tiers (category: escalation); triggers also on guidance. */
    char *contact;
    char *hours;
    char *sla;
    char *next;
    char **triggers;
    size_t n_triggers;
    char *alert;         /* the kind of warning the triggers raise ("scam",
                            "vulnerable", ...), or NULL: routing triggers */

    int has_front_matter;
    int title_line;      /* line of the title (front matter key or heading) */
    char *body;          /* the Markdown after the front matter (no BOM, LF) */
    int body_line;       /* 1-based file line where BODY starts */
    kb_section_t *sections;
    size_t n_sections;
    kb_link_t *links;
    size_t n_links;
    size_t words;        /* words in the body */
    char *status;        /* "draft" or "archived" (linted, not searched by
                            officers), another value as written (an
                            error), or NULL: published */
    kb_key_line_t *keys; /* every front-matter key with its line, in the
                            file's order; none in an article read from
                            the index */
    size_t n_keys;
} kb_article_t;

/* The statuses an article may have (front matter "status:"),
 * NULL-terminated; "published" is the default. */
KB_API const char *const *kb_article_statuses(void);

/* The categories DESIGN.md section 3 names, NULL-terminated. */
KB_API const char *const *kb_article_categories(void);

/* 1 if S is a valid article id: lowercase kebab-case [a-z0-9]+(-[a-z0-9]+)*,
 * at most 128 bytes. */
KB_API int kb_id_valid(const char *s);

/* Free A and everything it holds.  NULL is a no-op. */
KB_API void kb_article_free(kb_article_t *a);

#ifdef __cplusplus
}
#endif

#endif
