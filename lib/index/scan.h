/* scan.h - finding the articles of a KB folder (internal to libkb). */
#ifndef KB_INDEXER_SCAN_H
#define KB_INDEXER_SCAN_H

#include <stddef.h>

#include "kb/diag.h"
#include "kb/status.h"

typedef struct kbi_file {
    char *rel;              /* path relative to the KB folder, '/'-separated */
    char *path;             /* KB folder + "/" + rel, as the user gave the folder */
    long long size;
    long long mtime_ns;
} kbi_file_t;

typedef struct kbi_scan {
    kbi_file_t *files;      /* sorted by rel */
    size_t n;
    char *synonyms;         /* path of synonyms.txt / synonyms.yaml, or NULL */
    char *pins;             /* path of pins.txt, or NULL */
    size_t ignored;         /* Markdown files and folders left out as no
                               articles (see kbi_scan) */
    size_t unreadable;      /* folders that could not be read (their files
                               are missing from FILES) */
} kbi_scan_t;

/* Find every article under KB_DIR: the *.md files, except what is no
 * article: README.md (any case, at any depth), names starting with '.' or
 * '_' (files and folders: _drafts/, _learned/, .git/), and what KB_DIR's
 * .kbignore lists (one shell pattern a line, '#' comments: a pattern
 * without '/' matches a file or folder name at any depth, one with '/'
 * the path relative to KB_DIR, with '*' crossing '/'; a leading '/'
 * anchors it, a trailing '/' matches folders only).  Symlinks are
 * followed only when they stay inside the folder; loops are detected.
 * Problems with single entries (unreadable, symlink outside) go to DIAGS.
 * KB_STATUS_FILE_ERROR if KB_DIR itself cannot be read.  Caller frees with
 * kbi_scan_free(). */
kb_status_t kbi_scan(const char *kb_dir, kb_diags_t *diags, kbi_scan_t *out);
void kbi_scan_free(kbi_scan_t *s);

#endif
