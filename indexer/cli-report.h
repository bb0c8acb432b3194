/* cli-report.h - kb-index --report: print what officers searched for and
 * did not find, and the answers they marked not helpful; kb-index --learn. */
#ifndef KB_CLI_REPORT_H
#define KB_CLI_REPORT_H

/* Build the report (kb/report.h) from CALLS_DIR and FEEDBACK_LOG (NULL:
 * the defaults) for events on or after SINCE (NULL: all) and print it to
 * stdout, as text or, with JSON, one object.  Messages go to stderr.
 * Returns the exit code: 0, 2 for a bad SINCE, 3 when a record cannot be
 * read. */
int kbi_report(const char *calls_dir, const char *feedback_log, const char *since, int json);

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
