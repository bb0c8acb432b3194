/* fuzz_common.c - the fixture index and checks the fuzz targets share. */
#include "fuzz_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb/diag.h"
#include "kb/index.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/file.h"

#ifndef KB_FUZZ_TOP
#define KB_FUZZ_TOP "."
#endif

static char *scratch;
static kb_search_t *fixture;

void kbf_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    fprintf(stderr, "fuzz check failed at %s:%d: %s: ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

const char *kbf_top(void)
{
    const char *t = getenv("KB_FUZZ_TOP");
    return t && *t ? t : KB_FUZZ_TOP;
}

static void cleanup(void)
{
    kb_search_close(fixture);
    fixture = NULL;
    if (scratch)
        kb_remove_tree(scratch);
    free(scratch);
    scratch = NULL;
}

const char *kbf_scratch(void)
{
    if (scratch)
        return scratch;
    const char *tmp = getenv("TMPDIR");
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s/kb-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    scratch = kb_buf_take(&b);
    if (!scratch || !mkdtemp(scratch)) {
        perror("kb fuzz: cannot create a scratch folder");
        abort();
    }
    atexit(cleanup);
    return scratch;
}

kb_search_t *kbf_fixture_search(void)
{
    if (fixture)
        return fixture;
    kb_buf_t db = KB_BUF_INIT, kb = KB_BUF_INIT;
    kb_buf_printf(&db, "%s/index", kbf_scratch());
    kb_buf_printf(&kb, "%s/tests/fixtures/kb-small", kbf_top());
    if (db.oom || kb.oom)
        abort();
    kb_index_opts_t opts;
    memset(&opts, 0, sizeof opts);
    opts.db_path = db.data;
    opts.kb_dir = kb.data;
    opts.full = 1;
    opts.threads = 1;
    kb_diags_t *diags = NULL;
    kb_index_stats_t stats;
    char *msg = NULL;
    if (kb_diags_new(&diags) != KB_STATUS_SUCCESS)
        abort();
    kb_status_t st = kb_index_run(&opts, diags, &stats, &msg);
    if (st != KB_STATUS_SUCCESS || stats.articles == 0) {
        fprintf(stderr, "kb fuzz: cannot index %s: %s\n", kb.data,
                msg ? msg : kb_status_to_string(st));
        abort();
    }
    free(msg);
    kb_diags_free(diags);
    msg = NULL;
    st = kb_search_open(db.data, &fixture, &msg);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, "kb fuzz: cannot open %s: %s\n", db.data,
                msg ? msg : kb_status_to_string(st));
        abort();
    }
    free(msg);
    kb_buf_free(&db);
    kb_buf_free(&kb);
    return fixture;
}

time_t kbf_time_for(const uint8_t *data, size_t size)
{
    /* Monday 2026-03-02 00:00 UTC, plus up to a week in quarter hours. */
    uint64_t h = kb_hash64(data, size);
    return (time_t)1772409600 + (time_t)(h % (7 * 24 * 4)) * 900;
}

int kbf_clean_text(const char *s, int allow_esc)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\n' && !(allow_esc && c == 0x1b)) || c == 0x7f)
            return 0;
    }
    return kb_utf8_valid(s, n, NULL);
}

int kbf_verbose(void)
{
    static int v = -1;
    if (v < 0) {
        const char *e = getenv("KB_FUZZ_VERBOSE");
        v = e && *e && strcmp(e, "0") != 0;
    }
    return v;
}

void kbf_say(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
