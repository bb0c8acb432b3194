/* stub.h - looking at a Xapian stub file before Xapian reads it.
 *
 * An index path may be a folder holding a stub file XAPIANDB, or a stub
 * file itself: a list of databases, one a line, which libxapian 1.4 opens
 * as one.  The lines it reads:
 *
 *     auto PATH              whatever PATH is (a database, or another stub)
 *     glass PATH, chert PATH a local database
 *     inmemory               an empty in-memory database
 *     remote HOST:PORT       a TCP connection to xapian-tcpsrv
 *     remote :PROG ARGS      STARTS THE PROGRAM PROG and talks to it on a pipe
 *     # ...                  a comment (so is an empty line)
 *
 * Relative paths are relative to the stub's folder.  The "remote :PROG"
 * line means that whoever can write a file in an index folder could make
 * every search run a program, so kb checks each stub itself (following
 * "auto" lines into the stubs they name) before Xapian opens it, and
 * refuses program lines unless the caller allows them.
 */
#ifndef KB_BASE_STUB_H
#define KB_BASE_STUB_H

#include "kb/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stubs naming stubs deeper than this are refused (Xapian would loop on a
 * stub naming itself). */
#define KB_STUB_MAX_DEPTH 8
/* A stub file larger than this is not a stub. */
#define KB_STUB_MAX_BYTES (64u * 1024u)

/* Check what opening PATH would do.  KB_STATUS_SUCCESS when PATH does not
 * exist (Xapian reports that itself), is a database, or is a folder or
 * stub whose every line (and every stub an "auto" line names) is a
 * comment, a local database, "inmemory", a TCP "remote HOST:PORT", or, with
 * ALLOW_PROGRAMS, a "remote :PROG" line.  KB_STATUS_DB_OPENING otherwise:
 * a program line, a line Xapian does not know, a stub over
 * KB_STUB_MAX_BYTES or nested over KB_STUB_MAX_DEPTH, a FIFO or device as
 * the index or stub (Xapian would block reading it); *MESSAGE (if MESSAGE
 * is not NULL; caller frees) then says which file and line and why.
 * KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_stub_check(const char *path, int allow_programs, char **message /* OUT */);

#ifdef __cplusplus
}
#endif

#endif
