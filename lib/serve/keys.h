/* keys.h - the HTTP server's API keys: the keys file, constant-time
 * lookup, scopes and a per-key rate limit.
 *
 * The file (kb-search --keys FILE) must not be readable or writable by
 * group or others (0600 or 0400).  One key per line:
 *
 *     KEY SCOPES [OPTIONS]
 *
 * KEY is 16-256 printable ASCII characters without spaces; SCOPES a
 * comma-separated list of search, feedback, admin (admin allows every
 * operation); OPTIONS are name=NAME (what the access log shows instead of
 * the key; default "key-LINE") and rate=N/s, N/min or N/h (a token bucket
 * of N requests, refilled over that period; off unless set).  Blank lines
 * and lines starting with # are ignored.  Keys are never logged.
 */
#ifndef KB_SERVE_KEYS_H
#define KB_SERVE_KEYS_H

#include <stddef.h>

#include "kb/status.h"

enum {
    KBI_SCOPE_SEARCH = 1,
    KBI_SCOPE_FEEDBACK = 2,
    KBI_SCOPE_ADMIN = 4,
};

typedef struct kbi_key kbi_key_t;
typedef struct kbi_keys kbi_keys_t;

/* Read the keys file PATH.  KB_STATUS_BAD_ARGUMENT (mode too open, a line
 * malformed, no key at all), KB_STATUS_FILE_ERROR, with *MESSAGE (caller
 * frees) saying what and where. */
kb_status_t kbi_keys_load(const char *path, kbi_keys_t **out /* OUT */, char **message /* OUT */);
void kbi_keys_free(kbi_keys_t *keys);
size_t kbi_keys_count(const kbi_keys_t *keys);

/* The key whose secret is the LEN bytes at GIVEN, or NULL.  Every key is
 * compared, each in time that depends on its own length only. */
kbi_key_t *kbi_keys_find(kbi_keys_t *keys, const char *given, size_t len);

/* Its name for the access log, and whether it holds SCOPE (admin holds
 * every scope). */
const char *kbi_key_name(const kbi_key_t *key);
int kbi_key_allows(const kbi_key_t *key, unsigned scope);

/* Take one request from KEY's rate limit at NOW_MS (a monotonic clock).
 * Returns 0 when allowed (always, without a limit), else the seconds to
 * wait before the next request is allowed (at least 1).  Thread-safe. */
unsigned kbi_key_take(kbi_key_t *key, double now_ms);

#endif
