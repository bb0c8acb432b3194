/* cli-editor.h - the editor's commands of kb-index: --check with the
 * review worklist (cli-check.c), --preview and --new (cli-preview.c),
 * --eval and --compare (cli-eval.c).  Each prints to stdout (messages to
 * stderr) and returns the exit code. */
#ifndef KB_CLI_EDITOR_H
#define KB_CLI_EDITOR_H

#include <cjson/cJSON.h>

#include "kb/diag.h"

/* The diagnostics of D at LEVEL as a JSON array of {path, line, message}
 * (what --check and an indexing run print with --json); caller frees. */
cJSON *kbi_diags_json(const kb_diags_t *d, kb_diag_level_t level);

/* kb-index --check: lint KB_DIR; the review worklist of articles past or
 * within WITHIN days (< 0: 30) of their review date, of OWNER (NULL:
 * all).  Exit 0, 1 (errors; warnings too with STRICT), 3. */
int kbi_check(const char *kb_dir, int strict, int quiet, int json, const char *owner,
              int within);

/* kb-index --preview FILE: FILE as officers would see it (its problems as
 * --check says them against KB_DIR, the result card, the article with its
 * sections and steps, its escalation path from the index at DB (may be
 * NULL)), without indexing it.  Exit 0, 1 (it has errors: it would be held
 * back), 3 (unreadable). */
int kbi_preview(const char *file, const char *kb_dir, const char *db);

/* kb-index --new ID --category C: write KB_DIR/C/ID.md from a template
 * that explains every field, as a draft.  Exit 0, 2 (bad ID or C), 1 (the
 * file or the id exists), 3. */
int kbi_new(const char *id, const char *category, const char *kb_dir);

/* kb-index --eval QUERIES [KB_DIR]: score a fresh index of KB_DIR on
 * "question<TAB>expected-id" lines (hit@1, hit@3, MRR@10, the misses);
 * with COMPARE, against the live index at DB too, listing the queries
 * whose first answer changed.  Exit 0, 2, 3. */
int kbi_eval(const char *queries, const char *kb_dir, const char *db, int compare, int json);

#endif
