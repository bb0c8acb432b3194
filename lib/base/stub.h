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
 *
 * Searches do not let Xapian read the stub at all: kb_stub_leaves() lists
 * the databases it names (stubs named by "auto" lines flattened in), and
 * the query pipeline opens each itself (lib/query/shards.c), so that a
 * remote one gets kb's timeout and one that does not answer can be named
 * and left out.
 */
#ifndef KB_BASE_STUB_H
#define KB_BASE_STUB_H

#include <stddef.h>

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

/* What a leaf of a stub is. */
typedef enum kb_stub_kind {
    KB_STUB_LOCAL = 0,     /* a database on this machine: PATH */
    KB_STUB_INMEMORY,      /* an empty in-memory database */
    KB_STUB_TCP,           /* xapian-tcpsrv at HOST:PORT */
    KB_STUB_PROGRAM        /* a program started with ARGS (allowed only) */
} kb_stub_kind_t;

/* One database a stub names.  Strings are malloc'd (kb_stub_list_clear()
 * frees them). */
typedef struct kb_stub_leaf {
    kb_stub_kind_t kind;
    char *backend;         /* LOCAL: "glass", "chert" or "auto" */
    char *path;            /* LOCAL: as Xapian resolves it; TCP: the host
                              (IPv6 without brackets); PROGRAM: the program */
    char *args;            /* PROGRAM: its arguments ("" if none) */
    unsigned port;         /* TCP: 1..65535 */
    char *name;            /* for messages: the line as written
                              ("remote 10.0.0.2:33331", "glass gen-000007/s1")
                              or the path given */
} kb_stub_leaf_t;

typedef struct kb_stub_list {
    kb_stub_leaf_t *leaves;  /* in the order the stubs list them */
    size_t n;
    char **files;            /* every stub file read (to notice one changing) */
    size_t n_files;
} kb_stub_list_t;

/* The databases opening PATH means, after the checks of kb_stub_check()
 * (the same statuses and *MESSAGE): a folder without a stub, a single-file
 * database or a missing path is one LOCAL "auto" leaf; a stub gives its
 * lines, each "auto" line naming a stub replaced by that stub's leaves.  A
 * "remote" line that is neither ":PROG" nor "HOST:PORT" with a port
 * 1..65535 is refused here (Xapian would ignore or misread it).  OUT is
 * filled on success (clear it with kb_stub_list_clear()) and empty on
 * failure. */
kb_status_t kb_stub_leaves(const char *path, int allow_programs, kb_stub_list_t *out /* OUT */,
                           char **message /* OUT */);
void kb_stub_list_clear(kb_stub_list_t *l);

#ifdef __cplusplus
}
#endif

#endif
