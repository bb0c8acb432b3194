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
/* ---------------------------------------------------------------- */
/* State files (logs, call records, history)                          */

/* Is PATH fit to be a state file: a regular file, or nothing yet (it will
 * be created)?  Looks without opening, so a FIFO cannot block the caller.
 * KB_STATUS_SUCCESS when it is a regular file or does not exist;
 * KB_STATUS_FILE_ERROR when it is anything else (a FIFO, a device such as
 * /dev/null, a socket, a folder, a symlink) or cannot be looked at: then
 * *MESSAGE (if MESSAGE is not NULL; caller frees) says what it is, e.g.
 * "PATH is a FIFO, not a regular file".  Programs that hand PATH to a
 * library that opens it by name (readline's history) call this first. */
kb_status_t kb_state_file_check(const char *path, char **message /* OUT */);

/* Open PATH as a state file with FLAGS (open(2) flags, e.g. O_RDONLY or
 * O_WRONLY | O_APPEND | O_CREAT; MODE for a new file): never through a
 * symlink, never blocking (a FIFO is refused before it is opened, and
 * opened with O_NONBLOCK in case one is swapped in), and only if it is a
 * regular file.  *FD is the descriptor in blocking mode (caller closes).
 * KB_STATUS_FILE_ERROR (errno kept) with *MESSAGE as above; *FD is -1. */
kb_status_t kb_state_file_open(const char *path, int flags, unsigned mode, int *fd /* OUT */,
                               char **message /* OUT */);

/* mkdir -p with MODE for the directories it creates. */
kb_status_t kb_mkdir_p(const char *path, unsigned mode);
/* rm -rf PATH (does not follow symlinks). */
kb_status_t kb_remove_tree(const char *path);

#endif
