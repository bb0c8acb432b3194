/* yamlhelp.h - libyaml's errors and silent surprises in front matter,
 * said in plain words: what to do, at the line of the key concerned
 * (internal to libkb; frontmatter.c calls it). */
#ifndef KB_INDEX_YAMLHELP_H
#define KB_INDEX_YAMLHELP_H

#include <stddef.h>

#include "base/buf.h"

/* The YAML text the parser read: LEN bytes of TEXT, whose first line is
 * file line FIRST_LINE. */
typedef struct kbi_yaml_src {
    const char *text;
    size_t len;
    int first_line;
} kbi_yaml_src_t;

/* libyaml failed with PROBLEM (and CONTEXT, may be NULL) noticed at
 * 0-based line PLINE of SRC, CONTEXT starting at 0-based line CLINE.
 * Writes into OUT what went wrong and what to do, in plain words, ending
 * with the parser's own words in brackets, and returns the file line the
 * editor has to fix (the key concerned). */
int kbi_yaml_explain(const kbi_yaml_src_t *src, const char *problem, const char *context,
                     size_t pline, size_t cline, kb_buf_t *out);

/* After a plain scalar that ran from byte START to byte END of SRC: the
 * file line of a continuation line that starts with "- " (an item indented
 * under the one above, which YAML joins to it), or 0. */
int kbi_yaml_swallowed(const kbi_yaml_src_t *src, size_t start, size_t end);

/* After a plain scalar ending at byte END of SRC: 1 if the rest of its line
 * is a comment that looks like part of the value (" #1"), so the value was
 * cut there. */
int kbi_yaml_cut_by_comment(const kbi_yaml_src_t *src, size_t end);

#endif
