/* cli-report.h - kb-index --report: print what officers searched for and
 * did not find, and the answers they marked not helpful; kb-index --learn. */
#ifndef KB_CLI_REPORT_H
#define KB_CLI_REPORT_H

#include <cjson/cJSON.h>

typedef struct kbi_report_args {
    const char *calls_dir, *feedback_log, *search_log, *since; /* NULL: defaults, all */
    const char *db;             /* the index (articles never shown, past review) */
    const char *kb_dir;         /* its learned phrasings; NULL: none */
    const char *html;           /* write the HTML page here too; NULL: none */
    int json;
} kbi_report_args_t;

/* Build the report (kb/report.h) from the call records, the feedback log
 * and the search log for events on or after SINCE and print it to stdout,
 * as text or, with JSON, one object; with HTML also write the page there.
 * Messages go to stderr.  Returns the exit code: 0, 2 for a bad SINCE, 3
 * when a record cannot be read or the page cannot be written. */
int kbi_report(const kbi_report_args_t *a);

/* The report R (the JSON of kbi_report) as one self-contained HTML page
 * with inline SVG charts (cli-html.c); caller frees; NULL when out of
 * memory. */
char *kbi_report_html(const cJSON *r);

/* kb-index --learn (cli-learn.c). */
typedef struct kbi_learn_args {
    const char *kb_dir;
    const char *db;             /* the index, for the KB's article ids */
    const char *feedback_log, *calls_dir, *search_log, *since;
    int dry_run, json, quiet;
} kbi_learn_args_t;

/* Learn phrasings into KB_DIR/_learned/ (kb/learn.h), print the summary
 * line (with --dry-run what would change first) or JSON.  Returns the exit
 * code: 0, 2 for a bad SINCE, 3 when a log or file cannot be read or
 * written. */
int kbi_learn(const kbi_learn_args_t *a);

#endif
