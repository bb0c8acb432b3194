/* paths.h - the default locations kb uses (DESIGN.md section 5). */
#ifndef KB_BASE_PATHS_H
#define KB_BASE_PATHS_H

#include "kb/status.h"  /* KB_API: both are public (kb/search.h, kb/log.h) */


/* ---------------------------------------------------------------- */
/* Default locations (DESIGN.md section 5)                            */

/* The index path: $KB_DB, else $XDG_DATA_HOME/kb/index, else
 * ~/.local/share/kb/index.  Caller frees; NULL if HOME is unset too. */
KB_API char *kb_default_db_path(void);
/* The state directory: $XDG_STATE_HOME/kb, else ~/.local/state/kb.
 * Caller frees. */
KB_API char *kb_default_state_dir(void);

#endif
