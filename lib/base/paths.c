/* paths.c - the default locations kb uses (DESIGN.md section 5). */
#include "base/paths.h"

#include "base/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- */
/* Default locations                                                  */

static char *xdg_path(const char *env, const char *fallback, const char *leaf)
{
    kb_buf_t b = KB_BUF_INIT;
    const char *base = getenv(env);
    if (base && base[0] == '/') {
        kb_buf_printf(&b, "%s/kb%s", base, leaf);
    } else {
        const char *home = getenv("HOME");
        if (!home || !*home)
            return NULL;
        kb_buf_printf(&b, "%s/%s/kb%s", home, fallback, leaf);
    }
    return kb_buf_take(&b);
}

char *kb_default_db_path(void)
{
    const char *db = getenv("KB_DB");
    if (db && *db)
        return kb_strdup(db);
    return xdg_path("XDG_DATA_HOME", ".local/share", "/index");
}

char *kb_default_state_dir(void)
{
    return xdg_path("XDG_STATE_HOME", ".local/state", "");
}
