/* frontmatter.h - YAML front matter into a flat list of entries (internal
 * to libkb; articles use it through kb_article_parse()). */
#ifndef KB_INDEXER_FRONTMATTER_H
#define KB_INDEXER_FRONTMATTER_H

#include <stddef.h>

#include "base/buf.h"
#include "kb/article.h"
#include "kb/diag.h"
#include "kb/status.h"

typedef enum kbi_fm_kind {
    KBI_FM_NULL = 0,   /* no value, "~" or "null" */
    KBI_FM_SCALAR,
    KBI_FM_LIST,       /* a sequence of scalars */
    KBI_FM_OTHER       /* a mapping, or a sequence holding non-scalars */
} kbi_fm_kind_t;

typedef struct kbi_fm_entry {
    char *key;
    int line;              /* 1-based file line of the key */
    kbi_fm_kind_t kind;
    char *scalar;          /* KBI_FM_SCALAR */
    kb_strlist_t list;     /* KBI_FM_LIST */
} kbi_fm_entry_t;

typedef struct kbi_fm {
    kbi_fm_entry_t *entries;
    size_t n;
} kbi_fm_t;

/* Parse LEN bytes of YAML (the lines between the --- markers) whose first
 * line is file line FIRST_LINE of PATH.  Rejects aliases, anchors' use,
 * nesting deeper than a few levels, and anything but a mapping at the top,
 * with KB_STATUS_PARSE_ERROR and an error in DIAGS.  A repeated key gives a
 * warning; the last value wins.  Caller frees FM's contents with
 * kbi_fm_clear(). */
kb_status_t kbi_fm_parse(const char *yaml, size_t len, int first_line,
                         const char *path, kb_diags_t *diags, kbi_fm_t *fm);
void kbi_fm_clear(kbi_fm_t *fm);

#endif
