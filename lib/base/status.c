/* status.c - kb_status_to_string. */
#include "kb/status.h"

const char *kb_status_to_string(kb_status_t status)
{
    switch (status) {
    case KB_STATUS_SUCCESS: return "no error";
    case KB_STATUS_OUT_OF_MEMORY: return "out of memory";
    case KB_STATUS_BAD_ARGUMENT: return "bad argument";
    case KB_STATUS_FILE_ERROR: return "file error";
    case KB_STATUS_NOT_FOUND: return "not found";
    case KB_STATUS_DB_OPENING: return "cannot open database";
    case KB_STATUS_DB_LOCKED: return "database is locked";
    case KB_STATUS_DB_MODIFIED: return "database was modified";
    case KB_STATUS_DB_CORRUPT: return "database is corrupt";
    case KB_STATUS_QUERY_SYNTAX: return "query syntax error";
    case KB_STATUS_XAPIAN_EXCEPTION: return "Xapian exception";
    case KB_STATUS_PARSE_ERROR: return "parse error";
    case KB_STATUS_TOO_LARGE: return "input too large";
    case KB_STATUS_INTERNAL_ERROR: return "internal error";
    case KB_STATUS_INTERRUPTED: return "interrupted";
    case KB_STATUS_REFUSED: return "refused";
    case KB_STATUS_LAST_STATUS: break;
    }
    return "unknown status";
}
