/* cli-report.h - kb-index --report: print what officers searched for and
 * did not find, and the answers they marked not helpful. */
#ifndef KB_CLI_REPORT_H
#define KB_CLI_REPORT_H

/* Build the report (kb/report.h) from CALLS_DIR and FEEDBACK_LOG (NULL:
 * the defaults) for events on or after SINCE (NULL: all) and print it to
 * stdout, as text or, with JSON, one object.  Messages go to stderr.
 * Returns the exit code: 0, 2 for a bad SINCE, 3 when a record cannot be
 * read. */
int kbi_report(const char *calls_dir, const char *feedback_log, const char *since, int json);

#endif
