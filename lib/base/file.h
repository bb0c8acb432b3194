/* file.h - reading and writing files safely, and folders.
 *
 * Functions set their out-parameters to NULL/0 on failure; errno is kept. */
#ifndef KB_BASE_FILE_H
#define KB_BASE_FILE_H

#include <stddef.h>

#include "kb/status.h"

/* ---------------------------------------------------------------- */
/* Files                                                              */

/* Read the whole file PATH into *DATA (malloc'd, NUL-terminated, caller
 * frees) and *LEN.  KB_STATUS_TOO_LARGE if it is over MAX bytes (then *LEN is
 * the file size), KB_STATUS_FILE_ERROR otherwise (errno kept). */
kb_status_t kb_file_read(const char *path, size_t max, char **data /* OUT */,
                                size_t *len /* OUT */);
/* Write LEN bytes to PATH atomically: a temporary file in the same
 * directory, fsync, rename, fsync of the directory.  MODE for new files. */
kb_status_t kb_file_write_atomic(const char *path, const char *data, size_t len,
                                        unsigned mode);
/* mkdir -p with MODE for the directories it creates. */
kb_status_t kb_mkdir_p(const char *path, unsigned mode);
/* rm -rf PATH (does not follow symlinks). */
kb_status_t kb_remove_tree(const char *path);

#endif
