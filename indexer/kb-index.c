/* kb-index - build, update or check the index of a knowledge base.
 *
 *   kb-index [--db PATH] [--full] [--shards N|auto] [--allow-removals] [--quiet] [--json] [KB_DIR]
 *   kb-index --check [--strict] [--owner NAME] [--within DAYS] [--json] [KB_DIR]
 *   kb-index --preview FILE [--db PATH] [KB_DIR]
 *   kb-index --new ID --category C [KB_DIR]
 *   kb-index --eval QUERIES.tsv [--compare] [--db PATH] [--json] [KB_DIR]
 *   kb-index --report [--since DATE] [--calls DIR] [--feedback-log PATH] [--search-log PATH]
 *            [--json] [--html PATH] [--db PATH] [KB_DIR]
 *   kb-index --learn [--feedback-log PATH] [--calls DIR] [--since DATE] [--dry-run] [KB_DIR]
 *
 * Exit codes (DESIGN.md section 5): 0 success, 1 content errors (an article
 * rejected, lint errors), 2 usage error, 3 index or I/O failure (the index
 * was not updated: also a run refused because it would remove most of the
 * index), 128 + N stopped by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129)
 * after a clean stop.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli-editor.h"
#include "cli-report.h"
#include "kb/json.h"
#include "kb/index.h"
#include "kb/terminal.h"
#include "base/buf.h"
#include "base/paths.h"
#include "kb/version.h"

#define PROG "kb-index"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

/* A failure message from the library: it may quote file names, so it is
 * cleaned before it reaches the terminal. */
static void say_failure(const char *msg, kb_status_t st)
{
    char *c = kb_term_clean(msg ? msg : kb_status_to_string(st));
    fprintf(stderr, PROG ": %s\n", c ? c : kb_status_to_string(st));
    free(c);
}

/* RC, or EXIT_IO when what was printed could not be written (a full disk,
 * a closed stdout). */
static int finish_output(int rc)
{
    if (fflush(stdout) == EOF || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the output: %s\n", strerror(errno));
        return EXIT_IO;
    }
    return rc;
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: kb-index [--db PATH] [--full] [--shards N|auto] [--allow-removals] [--quiet]\n"
            "                [--json] [KB_DIR]\n"
            "       kb-index --check [--strict] [--owner NAME] [--within DAYS] [--json] [KB_DIR]\n"
            "       kb-index --preview FILE [--db PATH] [KB_DIR]\n"
            "       kb-index --new ID --category C [KB_DIR]\n"
            "       kb-index --eval QUERIES.tsv [--compare] [--db PATH] [--json] [KB_DIR]\n"
            "       kb-index --report [--since DATE] [--calls DIR] [--feedback-log PATH]\n"
            "                [--search-log PATH] [--json] [--html PATH] [--db PATH] [KB_DIR]\n"
            "       kb-index --learn [--feedback-log PATH] [--calls DIR] [--since DATE] [--dry-run]\n"
            "                [--json] [KB_DIR]\n"
            "Build or update the search index of the knowledge base in KB_DIR.\n"
            "\n"
            "  --db PATH   the index directory (default: $KB_DB, else\n"
            "              $XDG_DATA_HOME/kb/index, i.e. ~/.local/share/kb/index)\n"
            "  --full      rebuild everything into a new index and swap it in\n"
            "  --shards N  spread the articles over N shards (1-32, by a hash of their id),\n"
            "              searched as one; a new N rebuilds the index, later runs keep it;\n"
            "              auto lets kb-index choose again at the next full rebuild\n"
            "  --allow-removals  remove articles even when that empties the index or\n"
            "              removes more than half of it (refused otherwise: an empty or\n"
            "              mistyped folder, an unmounted share); --allow-empty is the same\n"
            "  --check     lint the articles without writing anything, and list the\n"
            "              articles past or near their review date (file, date, owner)\n"
            "  --strict    with --check, treat warnings as errors\n"
            "  --owner NAME    with --check, only NAME's reviews\n"
            "  --within DAYS   with --check, reviews due within DAYS (default 30)\n"
            "  --preview FILE  show FILE as officers would see it, without indexing it\n"
            "  --new ID        write a new draft article ID from a template (with\n"
            "              --category C): KB_DIR/C/ID.md, every field explained\n"
            "  --eval QUERIES  score KB_DIR on QUERIES (question<TAB>expected id):\n"
            "              hit@1, hit@3, MRR and the misses (the index is not touched)\n"
            "  --compare   with --eval, also the live index (--db), and the queries\n"
            "              whose first answer the edits change\n"
            "  --quiet     print errors only, no summary or progress\n"
            "  --json      print the summary (and problems) as one JSON object\n"
            "  --report    what officers searched for and did not find, and the answers\n"
            "              marked not helpful, from the assistant's call records and\n"
            "              the feedback log, the search log, and the index (nothing is indexed)\n"
            "  --html PATH with --report, also write it as one HTML page with charts\n"
            "  --learn     learn customers' phrasings from helpful marks and resolved calls\n"
            "              into KB_DIR/_learned/ID.txt (editors review them; \"-\" rejects a\n"
            "              line for good); the next kb-index searches them\n"
            "  --dry-run   with --learn, say what would change and write nothing\n"
            "  --since DATE          with --report and --learn, only from DATE (YYYY-MM-DD, UTC)\n"
            "  --calls DIR           the call records (default $XDG_STATE_HOME/kb/calls)\n"
            "  --feedback-log PATH   the feedback log (default $KB_FEEDBACK_LOG, else\n"
            "                        $XDG_STATE_HOME/kb/feedback.jsonl)\n"
            "  --search-log PATH     the search log (default $KB_SEARCH_LOG, else\n"
            "                        $XDG_STATE_HOME/kb/searches.jsonl)\n"
            "  --help      show this help;  --version  show the version\n"
            "\n"
            "KB_DIR defaults to $KB_DIR, else ./kb.  Updates are incremental: unchanged\n"
            "files are skipped, changed ones replaced, deleted ones removed.\n"
            "Exit status: 0 ok, 1 content errors, 2 usage error, 3 index or I/O failure\n"
            "(the index was not updated), 128+N stopped by signal N (130 Ctrl-C, 143 SIGTERM).\n");
}

static void progress(void *ctx, size_t done, size_t total)
{
    kb_progress_update(ctx, done, total);
}

static void print_json(cJSON *o)
{
    char *s = kb_json_print(o);
    if (s) {
        puts(s);
        free(s);
    }
    cJSON_Delete(o);
}

/* Set by SIGINT, SIGTERM and SIGHUP: the run stops at the next article and
 * cleans up.  A second signal finds the default action and kills at once,
 * which is safe too (a killed run never breaks the index). */
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
    stop_signal = sig;
}

static void catch_stops(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

/* " on N shards" when there are several. */
static const char *shards_note(unsigned n)
{
    static char b[32];
    b[0] = '\0';
    if (n > 1)
        snprintf(b, sizeof b, " on %u shards", n);
    return b;
}

/* N of --shards N (1..KB_INDEX_SHARDS_MAX) or "auto"; 0 when S is neither. */
static int parse_shards(const char *s)
{
    if (!strcmp(s, "auto"))
        return KB_INDEX_SHARDS_AUTO;
    char *end;
    long n = strtol(s, &end, 10);
    return (*s >= '0' && *s <= '9' && !*end && n >= 1 && n <= KB_INDEX_SHARDS_MAX) ? (int)n : 0;
}

static int run_index(const char *db, const char *kb_dir, int full, int shards,
                     int allow_removals, int quiet, int json)
{
    kb_diags_t *d;
    if (kb_diags_new(&d) != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_IO;
    }
    kb_progress_t bar;
    kb_progress_init(&bar, "indexing", !quiet && !json);
    catch_stops();
    kb_index_opts_t o = {db, kb_dir, full, 0, progress, &bar, allow_removals, &stop_signal,
                         shards};
    kb_index_stats_t s;
    char *msg = NULL;
    kb_status_t st = kb_index_run(&o, d, &s, &msg);
    kb_progress_done(&bar);
    if (json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "kb", kb_dir);
        cJSON_AddStringToObject(j, "db", db);
        cJSON_AddBoolToObject(j, "ok",
                              st == KB_STATUS_SUCCESS && s.rejected == 0 && !kb_diags_errors(d));
        if (st != KB_STATUS_SUCCESS)
            cJSON_AddStringToObject(j, "error", msg ? msg : kb_status_to_string(st));
        cJSON_AddBoolToObject(j, "full", s.full);
        cJSON_AddNumberToObject(j, "files", (double)s.files);
        cJSON_AddNumberToObject(j, "articles", (double)s.articles);
        cJSON_AddNumberToObject(j, "sections", (double)s.sections);
        cJSON_AddNumberToObject(j, "added", (double)s.added);
        cJSON_AddNumberToObject(j, "updated", (double)s.updated);
        cJSON_AddNumberToObject(j, "removed", (double)s.removed);
        cJSON_AddNumberToObject(j, "unchanged", (double)s.unchanged);
        cJSON_AddNumberToObject(j, "rejected", (double)s.rejected);
        cJSON_AddNumberToObject(j, "seconds", s.seconds);
        cJSON_AddNumberToObject(j, "shards", (double)s.shards);
        cJSON_AddItemToObject(j, "errors", kbi_diags_json(d, KB_DIAG_ERROR));
        cJSON_AddItemToObject(j, "warnings", kbi_diags_json(d, KB_DIAG_WARNING));
        print_json(j);
    } else {
        kb_term_print_diags(stderr, PROG, d, !quiet);
        if (st == KB_STATUS_INTERRUPTED)
            fprintf(stderr, PROG ": %s received; %s\n",
                    stop_signal == SIGINT ? "SIGINT" : stop_signal == SIGHUP ? "SIGHUP" : "SIGTERM",
                    msg ? msg : kb_status_to_string(st));
        else if (st != KB_STATUS_SUCCESS)
            say_failure(msg, st);
        else if (!quiet)
            printf(PROG ": %zu articles (%zu added, %zu updated, %zu removed, %zu unchanged, "
                   "%zu rejected), %zu sections written, %s%s, %.2f s\n",
                   s.articles, s.added, s.updated, s.removed, s.unchanged, s.rejected,
                   s.sections, s.full ? "full rebuild" : "incremental",
                   shards_note(s.shards), s.seconds);
    }
    free(msg);
    /* Errors that reject no article (an unreadable folder, a broken synonyms
     * file) are content errors too. */
    size_t errors = kb_diags_errors(d);
    kb_diags_free(d);
    if (st == KB_STATUS_INTERRUPTED)
        return 128 + (stop_signal ? (int)stop_signal : SIGTERM);
    if (st != KB_STATUS_SUCCESS)
        return EXIT_IO;
    return s.rejected || errors ? EXIT_CONTENT : 0;
}

/* The editor's options (cli-editor.h). */
enum { O_OWNER = 1000, O_WITHIN, O_PREVIEW, O_NEW, O_CATEGORY, O_EVAL, O_COMPARE };

typedef struct editor_opts {
    const char *owner, *preview, *new_id, *category, *eval;
    int within;                       /* -1: the default */
    int compare, any_check;           /* any_check: --owner or --within given */
} editor_opts_t;

/* Take option C (an O_ value) into E; 0 when C is none of them, -1 for a
 * bad value. */
static int editor_option(int c, const char *arg, editor_opts_t *e)
{
    char *end;
    switch (c) {
    case O_OWNER: e->owner = arg; e->any_check = 1; return 1;
    case O_WITHIN:
        e->within = (int)strtol(arg, &end, 10);
        e->any_check = 1;
        if (*end || end == arg || e->within < 0 || e->within > 36500) {
            fprintf(stderr, PROG ": --within takes a number of days (0-36500)\n");
            return -1;
        }
        return 1;
    case O_PREVIEW: e->preview = arg; return 1;
    case O_NEW: e->new_id = arg; return 1;
    case O_CATEGORY: e->category = arg; return 1;
    case O_EVAL: e->eval = arg; return 1;
    case O_COMPARE: e->compare = 1; return 1;
    default: return 0;
    }
}

/* The editor's commands, once the options are read: the exit code, or -1
 * when none was asked for. */
static int editor_main(const editor_opts_t *e, const char *db_opt, const char *kb_dir,
                       int check, int strict, int quiet, int json, int full)
{
    int modes = (e->preview != NULL) + (e->new_id != NULL) + (e->eval != NULL) + check;
    if (modes > 1 || (full && modes)) {
        fprintf(stderr, PROG ": --check, --preview, --new and --eval are separate commands "
                        "(and write no index: no --full)\n");
        return EXIT_USAGE;
    }
    if ((e->any_check && !check) || (e->category && !e->new_id) || (e->compare && !e->eval) ||
        (e->new_id && !e->category)) {
        fprintf(stderr, PROG ": --owner and --within go with --check, --category with --new "
                        "(which needs it), --compare with --eval\n");
        return EXIT_USAGE;
    }
    if ((e->preview || e->new_id) && json) {
        fprintf(stderr, PROG ": --preview and --new print text only\n");
        return EXIT_USAGE;
    }
    if (check)
        return kbi_check(kb_dir, strict, quiet, json, e->owner, e->within);
    if (e->new_id)
        return kbi_new(e->new_id, e->category, kb_dir);
    if (!e->preview && !e->eval)
        return -1;
    char *db = db_opt ? kb_strdup(db_opt) : kb_default_db_path();
    int rc = e->preview ? kbi_preview(e->preview, kb_dir, db)
                        : kbi_eval(e->eval, kb_dir, db, e->compare, json);
    free(db);
    return rc;
}

static int run_learn(const char *db_opt, const char *since, const char *calls,
                     const char *feedback_log, const char *search_log, int dry_run, int json,
                     int quiet, int other_mode, int nargs, char **args)
{
    if (other_mode || nargs > 1) {
        fprintf(stderr, PROG ": --learn takes [--db PATH] [--feedback-log PATH] [--calls DIR] "
                        "[--search-log PATH] [--since DATE] [--dry-run] [--json] [KB_DIR]\n");
        return EXIT_USAGE;
    }
    const char *kb_dir = nargs ? args[0] : getenv("KB_DIR");
    if (!kb_dir || !*kb_dir)
        kb_dir = "kb";
    char *db = db_opt ? kb_strdup(db_opt) : kb_default_db_path();
    kbi_learn_args_t a = {kb_dir, db, feedback_log, calls, search_log, since, dry_run, json,
                          quiet};
    int rc = kbi_learn(&a);
    free(db);
    return finish_output(rc);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'd'},   {"full", no_argument, NULL, 'f'},
        {"check", no_argument, NULL, 'c'},      {"strict", no_argument, NULL, 's'},
        {"quiet", no_argument, NULL, 'q'},      {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       {"version", no_argument, NULL, 'V'},
        {"report", no_argument, NULL, 'r'},     {"since", required_argument, NULL, 'S'},
        {"calls", required_argument, NULL, 'C'}, {"feedback-log", required_argument, NULL, 'F'},
        {"allow-removals", no_argument, NULL, 'A'}, {"allow-empty", no_argument, NULL, 'A'},
        {"shards", required_argument, NULL, 'N'},
        {"owner", required_argument, NULL, O_OWNER}, {"within", required_argument, NULL, O_WITHIN},
        {"preview", required_argument, NULL, O_PREVIEW}, {"new", required_argument, NULL, O_NEW},
        {"category", required_argument, NULL, O_CATEGORY},
        {"eval", required_argument, NULL, O_EVAL}, {"compare", no_argument, NULL, O_COMPARE},
        {"learn", no_argument, NULL, 'l'},      {"dry-run", no_argument, NULL, 'n'},
        {"search-log", required_argument, NULL, 'L'}, {"html", required_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    editor_opts_t ed;
    memset(&ed, 0, sizeof ed);
    ed.within = -1;   /* the default window */
    const char *db_opt = NULL, *since = NULL, *calls = NULL, *feedback_log = NULL;
    const char *search_log = NULL, *html = NULL;
    int full = 0, check = 0, strict = 0, quiet = 0, json = 0, report = 0, allow = 0, c;
    int learn = 0, dry_run = 0, shards = 0;
    /* Past a file-size limit (ulimit -f) a write must fail with EFBIG and be
     * reported like a full disk, not kill the indexer with SIGXFSZ. */
    signal(SIGXFSZ, SIG_IGN);
    while ((c = getopt_long(argc, argv, "d:fcsqjhV", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db_opt = optarg; break;
        case 'f': full = 1; break;
        case 'A': allow = 1; break;
        case 'N':
            shards = parse_shards(optarg);
            if (!shards) {
                fprintf(stderr, PROG ": --shards takes a number from 1 to %d, or auto\n",
                        KB_INDEX_SHARDS_MAX);
                return EXIT_USAGE;
            }
            break;
        case 'c': check = 1; break;
        case 's': strict = 1; break;
        case 'q': quiet = 1; break;
        case 'j': json = 1; break;
        case 'r': report = 1; break;
        case 'S': since = optarg; break;
        case 'C': calls = optarg; break;
        case 'F': feedback_log = optarg; break;
        case 'L': search_log = optarg; break;
        case 'H': html = optarg; break;
        case 'l': learn = 1; break;
        case 'n': dry_run = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("kb-index %s\n", KB_VERSION); return 0;
        default: {
            int took = editor_option(c, optarg, &ed);
            if (took < 0)
                return EXIT_USAGE;
            if (took)
                break;
            fprintf(stderr, PROG ": try 'kb-index --help'\n");
            return EXIT_USAGE;
        }
        }
    }
    if ((since || calls || feedback_log || search_log) && !report && !learn) {
        fprintf(stderr, PROG ": --since, --calls, --feedback-log and --search-log go with "
                        "--report or --learn\n");
        return EXIT_USAGE;
    }
    if (dry_run && !learn) {
        fprintf(stderr, PROG ": --dry-run goes with --learn\n");
        return EXIT_USAGE;
    }
    if (learn)
        return run_learn(db_opt, since, calls, feedback_log, search_log, dry_run, json, quiet,
                         report || full || check || strict || allow, argc - optind,
                         argv + optind);
    if (report) {
        if (full || check || strict || allow || shards || argc - optind > 1) {
            fprintf(stderr, PROG ": --report reads the records; it takes [--db PATH] [KB_DIR] "
                            "but no --full or --check\n");
            return EXIT_USAGE;
        }
        char *db = db_opt ? kb_strdup(db_opt) : kb_default_db_path();
        const char *kb_dir = optind < argc ? argv[optind] : getenv("KB_DIR");
        kbi_report_args_t ra = {calls, feedback_log, search_log, since, db,
                                kb_dir && *kb_dir ? kb_dir : "kb", html, json};
        int rc = kbi_report(&ra);
        free(db);
        return finish_output(rc);
    }
    if (html) {
        fprintf(stderr, PROG ": --html goes with --report\n");
        return EXIT_USAGE;
    }
    if (argc - optind > 1) {
        fprintf(stderr, PROG ": one KB_DIR at most (got %d); try 'kb-index --help'\n",
                argc - optind);
        return EXIT_USAGE;
    }
    if (strict && !check) {
        fprintf(stderr, PROG ": --strict goes with --check\n");
        return EXIT_USAGE;
    }
    if (check && (full || allow || shards)) {
        fprintf(stderr, PROG ": --check does not write; --full, --shards and --allow-removals "
                        "make no sense with it\n");
        return EXIT_USAGE;
    }
    const char *kb_dir = optind < argc ? argv[optind] : getenv("KB_DIR");
    if (!kb_dir || !*kb_dir)
        kb_dir = "kb";
    int erc = editor_main(&ed, db_opt, kb_dir, check, strict, quiet, json, full);
    if (erc >= 0)
        return finish_output(erc);
    char *db = db_opt ? kb_strdup(db_opt) : kb_default_db_path();
    if (!db || !*db) {
        fprintf(stderr, PROG ": no index location: set --db, $KB_DB or $HOME\n");
        free(db);
        return EXIT_USAGE;
    }
    int rc = run_index(db, kb_dir, full, shards, allow, quiet, json);
    free(db);
    return finish_output(rc);
}
