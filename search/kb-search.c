/* kb-search - search the knowledge base; show an article; serve JSON lines.
 *
 *   kb-search [--db PATH] [-n N] [--category C] [--tag T]... [--json] [--explain] [--drafts] QUERY...
 *   kb-search [--db PATH] --show ID [--json]
 *   kb-search [--db PATH] --escalation ID [--json]
 *   kb-search [--db PATH] --serve [--feedback-log PATH]
 *   kb-search [--db PATH] --http [ADDR:]PORT [--keys FILE] [--cors ORIGIN]...
 *             [--tls-cert FILE --tls-key FILE] [--threads N] [--timeout S]
 *             [--access-log PATH]
 *
 * Exit codes (DESIGN.md section 5): 0 success (no results is success),
 * 1 no such article (--show, --escalation), 2 usage error (also an empty,
 * too long or non-UTF-8 query), 3 index or I/O failure.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "kb/log.h"
#include "kb/http.h"
#include "kb/json.h"
#include "kb/render.h"
#include "kb/search.h"
#include "kb/serve.h"
#include "kb/terminal.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/paths.h"
#include "kb/version.h"

#define PROG "kb-search"

enum { EXIT_CONTENT = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

#define MAX_FILTERS 32

typedef struct opts {
    const char *db;
    unsigned limit;
    unsigned offset;
    const char *categories[MAX_FILTERS];
    size_t n_categories;
    const char *tags[MAX_FILTERS];
    size_t n_tags;
    int json, explain, serve, plain, allow_programs, drafts;
    const char *show;
    const char *escalation;
    const char *feedback;
    const char *http;
    const char *keys;
    const char *cors[MAX_FILTERS];
    size_t n_cors;
    const char *tls_cert, *tls_key;
    unsigned threads;
    unsigned timeout;
    const char *access_log;
} opts_t;

static void usage(FILE *fp)
{
    fprintf(fp,
            "Usage: kb-search [--db PATH] [-n N] [--category C] [--tag T]... [--json] [--explain]\n"
            "                 [--drafts] QUERY...\n"
            "       kb-search [--db PATH] --show ID [--json]\n"
            "       kb-search [--db PATH] --escalation ID [--json]\n"
            "       kb-search [--db PATH] --serve [--feedback-log PATH]\n"
            "       kb-search [--db PATH] --http [ADDR:]PORT [--keys FILE] [--cors ORIGIN]...\n"
            "                 [--tls-cert FILE --tls-key FILE] [--threads N] [--timeout S]\n"
            "                 [--access-log PATH]\n"
            "Search the knowledge base the way a customer talks: typos are corrected,\n"
            "synonyms understood, and each answer names its best section.\n"
            "\n"
            "  --db PATH          the index (default: $KB_DB, else ~/.local/share/kb/index)\n"
            "  -n, --limit N      number of answers, 1-100 (default 5)\n"
            "      --offset N     skip the first N answers\n"
            "      --category C   only this category (repeat for any of several)\n"
            "      --tag T        only articles with this tag (repeat: all of them)\n"
            "      --json         one JSON object (DESIGN.md section 6)\n"
            "      --explain      say which words, stems, synonyms and corrections matched\n"
            "      --plain        baseline ranking: no spelling, synonyms or boosts\n"
            "      --drafts       the editor's search: draft and archived articles too\n"
            "                     (officers never see them)\n"
            "      --show ID      the article ID, rendered for the terminal (or JSON)\n"
            "      --escalation ID  the escalation path of article ID\n"
            "      --serve        answer JSON requests, one per line, on stdin/stdout\n"
            "      --feedback-log PATH  where feedback goes (default: $KB_FEEDBACK_LOG,\n"
            "                     else ~/.local/state/kb/feedback.jsonl)\n"
            "      --allow-remote-programs  honour 'remote :PROG' lines in the index's\n"
            "                     stub file (they start PROG; refused by default)\n"
            "      --http [ADDR:]PORT  serve HTTP/1.1 JSON (/v1/...) and the officer panel (/);\n"
            "                     ADDR defaults to 127.0.0.1; without --keys only loopback\n"
            "      --keys FILE    API keys, one per line: KEY SCOPES [name=NAME] [rate=N/s]\n"
            "                     (mode 0600); every /v1/ path but /v1/health then needs one\n"
            "      --cors ORIGIN  let pages from ORIGIN call the API (repeatable)\n"
            "      --tls-cert FILE, --tls-key FILE  serve HTTPS (PEM files)\n"
            "      --threads N    worker threads, each with its own index handle (default 4)\n"
            "      --timeout S    close a connection idle for S seconds (default 10)\n"
            "      --access-log PATH  one line per request (default: stderr; - for stderr)\n"
            "      --help, --version\n"
            "\n"
            "In QUERY: category:NAME and tag:NAME filter, \"quoted words\" must appear\n"
            "together, -word excludes articles that mention word.\n"
            "Exit status: 0 ok (also with no results), 1 no such article, 2 usage error,\n"
            "3 index or I/O failure.\n");
}

static int parse_uint(const char *s, unsigned max, unsigned *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || v > max)
        return 0;
    *out = (unsigned)v;
    return 1;
}

static void print_cjson(cJSON *o)
{
    char *s = kb_json_print(o);
    if (s) {
        puts(s);
        free(s);
    }
    cJSON_Delete(o);
}

static int fail_status(kb_search_t *s, kb_status_t st)
{
    const char *msg = kb_search_last_error(s);
    fprintf(stderr, PROG ": %s\n", msg[0] ? msg : kb_status_to_string(st));
    if (st == KB_STATUS_NOT_FOUND)
        return EXIT_CONTENT;
    if (st == KB_STATUS_BAD_ARGUMENT || st == KB_STATUS_TOO_LARGE || st == KB_STATUS_PARSE_ERROR)
        return EXIT_USAGE;
    return EXIT_IO;
}

/* ---------------------------------------------------------------- */
/* Human output                                                       */

static const char *bold(int color) { return kb_term_style(color, KB_STYLE_BOLD); }
static const char *dim(int color) { return kb_term_style(color, KB_STYLE_DIM); }
static const char *off(int color) { return kb_term_style(color, KB_STYLE_OFF); }

/* Text from the index or the query, cleaned: escape sequences are data. */
static void put(const char *s)
{
    char *c = kb_term_clean(s);
    fputs(c ? c : "?", stdout);
    free(c);
}

static void print_tier_line(const kb_tier_t *t, int color)
{
    fputs(bold(color), stdout);
    put(t->title);
    fputs(off(color), stdout);
    const char *fields[] = {t->contact, t->hours, t->sla};
    for (size_t i = 0; i < 3; i++) {
        if (fields[i]) {
            fputs(", ", stdout);
            put(fields[i]);
        }
    }
    if (t->known_hours) {
        fputs(t->open ? " [open now]" : " [closed now", stdout);
        if (!t->open && t->opens) {
            fputs(", opens ", stdout);
            put(t->opens);
        }
        fputs(t->open ? "" : "]", stdout);
    } else {
        fputs(" [hours unknown]", stdout);
    }
}

static void print_escalation(const kb_escalation_t *e, int color)
{
    if (!e)
        return;
    printf("%sEscalation%s: ", bold(color), off(color));
    put(e->reason);
    putchar('\n');
    for (size_t i = 0; i < e->n_path; i++) {
        printf("  %s ", i == 0 ? "->" : "  then");
        print_tier_line(&e->path[i], color);
        putchar('\n');
    }
    if (e->advice) {
        printf("  %s!%s ", bold(color), off(color));
        put(e->advice);
        putchar('\n');
    }
    if (e->guidance && (!e->kind || strcmp(e->kind, "cue") != 0)) {
        fputs("  Read first: ", stdout);
        put(e->guidance_title);
        fputs(" [", stdout);
        put(e->guidance);
        fputs("]\n", stdout);
    }
}

/* Every warning the query raises, most urgent first, above the answers. */
static void print_alerts(const kb_results_t *r, int color)
{
    for (size_t i = 0; i < r->n_alerts; i++) {
        const kb_alert_t *a = &r->alerts[i];
        const kb_escalation_t *e = a->escalation;
        printf("%sAlert (", kb_term_style(color, KB_STYLE_BOLD_RED));
        put(a->kind);
        printf(")%s: ", off(color));
        put(e && e->reason ? e->reason : a->words);
        putchar('\n');
        if (e && e->guidance) {
            fputs("  Read first: ", stdout);
            put(e->guidance_title);
            fputs(" [", stdout);
            put(e->guidance);
            fputs("]\n", stdout);
        }
        for (size_t k = 0; e && k < e->n_path && k < 2; k++) {
            printf("  %s ", k == 0 ? "->" : "  then");
            print_tier_line(&e->path[k], color);
            putchar('\n');
        }
    }
    if (r->n_alerts)
        putchar('\n');
}

/* The snippet, wrapped, with its highlights in bold (colour only). */
static void print_snippet(const kb_hit_t *h, int color, int width)
{
    kb_wrap_t w = {width - 1, "   ", "   ", 0, color, h->highlights, h->n_highlights, 0};
    char *text = kb_term_wrap(h->snippet, &w);
    if (text)
        fputs(text, stdout);
    free(text);
}

static void print_hit(kb_search_t *s, const kb_hit_t *h, int explain, int color, int width)
{
    printf("%u. %s", h->rank, bold(color));
    put(h->title);
    printf("%s  %s[", off(color), dim(color));
    put(h->category ? h->category : "-");
    fputs("] ", stdout);
    put(h->id);
    if (h->pinned)
        fputs("  (pinned)", stdout);
    if (h->status) {
        fputs("  (", stdout);
        put(h->status);
        putchar(')');
    }
    printf("%s\n", off(color));
    if (h->question) {
        fputs("   Asked as: \"", stdout);
        put(h->question);
        fputs("\"\n", stdout);
    }
    if (h->section[0]) {
        fputs("   Section: ", stdout);
        put(h->section_path[0] ? h->section_path : h->section);
        putchar('\n');
    }
    if (h->snippet[0])
        print_snippet(h, color, width);
    if (h->escalation) {
        kb_escalation_t *e = NULL;
        if (kb_search_escalation(s, h->id, &e) == KB_STATUS_SUCCESS && e && e->n_path) {
            const kb_tier_t *t = &e->path[0];
            fputs("   Escalate to: ", stdout);
            put(t->title);
            if (t->contact) {
                fputs(", ", stdout);
                put(t->contact);
            }
            puts(!t->known_hours ? " (hours unknown)" : t->open ? " (open now)" : " (closed now)");
        }
        kb_escalation_free(e);
    }
    if (explain) {
        printf("   Matched:");
        for (size_t k = 0; k < h->n_explain; k++) {
            const kb_match_t *m = &h->explain[k];
            fputs(k ? ", " : " ", stdout);
            put(m->word);
            printf(" (%s%s", m->kind, m->detail ? ", " : "");
            put(m->detail ? m->detail : "");
            putchar(')');
        }
        printf("%s\n", h->n_explain ? "" : " (no query term)");
    }
    putchar('\n');
}

static void print_results(kb_search_t *s, const kb_results_t *r, int explain)
{
    int color = kb_term_color(stdout);
    int width = kb_term_width(stdout);
    if (r->searched) {
        /* A pasted chat or email: what was made of it. */
        printf("Searched the customer's words: %s", bold(color));
        put(r->searched);
        printf("%s  (from %zu pasted bytes)\n\n", off(color), strlen(r->query));
    }
    if (r->corrected) {
        /* Only the words that changed. */
        fputs("Did you mean: ", stdout);
        for (size_t i = 0; i < r->n_corrections; i++) {
            fputs(i ? ", " : "", stdout);
            put(r->corrections[i].from);
            printf(" -> %s", bold(color));
            put(r->corrections[i].to);
            fputs(off(color), stdout);
        }
        puts("  (showing results for it)\n");
    }
    print_alerts(r, color);
    if (r->n && !r->covered)
        puts("No confident answer: the KB may not cover this. The closest articles:\n");
    if (r->notice)
        fprintf(stderr, PROG ": %s\n", r->notice);
    if (!r->n && !r->notice) {
        fputs("No answers for \"", stdout);
        put(r->searched ? r->searched : r->query);
        fputs("\".\n", stdout);
    }
    for (size_t i = 0; i < r->n; i++)
        print_hit(s, &r->hits[i], explain, color, width);
    if (r->n && r->total > r->hits[r->n - 1].rank)
        printf("%s%u of %u answers shown; --offset %u for more%s\n\n", dim(color),
               r->hits[r->n - 1].rank, r->total, r->hits[r->n - 1].rank, off(color));
    if (!r->n_alerts)
        print_escalation(r->escalation, color);
}

/* ---------------------------------------------------------------- */
/* Commands                                                           */

static int cmd_search(kb_search_t *s, const opts_t *o, const char *q)
{
    kb_request_t req = KB_REQUEST_INIT;
    req.q = q;
    req.limit = o->limit;
    req.offset = o->offset;
    req.categories = o->categories;
    req.n_categories = o->n_categories;
    req.tags = o->tags;
    req.n_tags = o->n_tags;
    req.explain = o->explain;
    req.plain = o->plain;
    req.drafts = o->drafts;
    kb_results_t *r;
    kb_status_t st = kb_search_run(s, &req, &r);
    if (st != KB_STATUS_SUCCESS)
        return fail_status(s, st);
    if (o->json)
        print_cjson(kb_json_results(r));
    else
        print_results(s, r, o->explain);
    kb_results_free(r);
    return 0;
}

static int cmd_show(kb_search_t *s, const opts_t *o)
{
    kb_article_t *a;
    kb_status_t st = kb_search_get_article(s, o->show, &a);
    if (st != KB_STATUS_SUCCESS)
        return fail_status(s, st);
    if (o->json) {
        print_cjson(kb_json_article(a));
        kb_article_free(a);
        return 0;
    }
    kb_escalation_t *e = NULL;
    if (kb_search_escalation(s, o->show, &e) != KB_STATUS_SUCCESS)
        e = NULL;
    kb_render_opts_t ro = {kb_term_width(stdout), kb_term_color(stdout)};
    char *text = kb_render_article(a, NULL, e, &ro);
    if (text)
        fputs(text, stdout);
    free(text);
    kb_escalation_free(e);
    kb_article_free(a);
    return text ? 0 : EXIT_IO;
}

static int cmd_escalation(kb_search_t *s, const opts_t *o)
{
    kb_escalation_t *e = NULL;
    kb_status_t st = kb_search_escalation(s, o->escalation, &e);
    if (st != KB_STATUS_SUCCESS)
        return fail_status(s, st);
    if (o->json) {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "article", o->escalation);
        cJSON_AddItemToObject(j, "escalation", kb_json_escalation(e));
        print_cjson(j);
    } else if (e) {
        kb_render_opts_t ro = {kb_term_width(stdout), kb_term_color(stdout)};
        char *text = kb_render_path(e, "Escalation", 1, &ro);
        if (text)
            fputs(text, stdout);
        free(text);
    } else {
        printf("%s names no escalation path.\n", o->escalation);
    }
    kb_escalation_free(e);
    return 0;
}

static int cmd_serve(kb_search_t *s, const opts_t *o)
{
    char *fb = o->feedback ? kb_strdup(o->feedback) : kb_feedback_default_path();
    kb_server_t *srv;
    if (kb_server_new(s, fb, &srv) != KB_STATUS_SUCCESS) {
        free(fb);
        fprintf(stderr, PROG ": out of memory\n");
        return EXIT_IO;
    }
    free(fb);
    kb_status_t st = kb_server_run(srv, stdin, stdout);
    kb_server_free(srv);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": %s\n", st == KB_STATUS_FILE_ERROR ? "cannot write the response"
                                                                  : kb_status_to_string(st));
        return EXIT_IO;
    }
    return 0;
}

enum { O_CATEGORY = 256, O_TAG, O_JSON, O_EXPLAIN, O_SHOW, O_SERVE, O_ESCALATION, O_FEEDBACK,
       O_OFFSET, O_PLAIN, O_DB, O_HTTP, O_KEYS, O_CORS, O_TLS_CERT, O_TLS_KEY, O_THREADS,
       O_ACCESS_LOG, O_TIMEOUT, O_ALLOW_PROG, O_DRAFTS };

/* The options of --http: 1 taken, 0 not one of them, -1 wrong (said). */
static int http_option(int c, const char *arg, opts_t *o)
{
    switch (c) {
    case O_HTTP: o->http = arg; return 1;
    case O_KEYS: o->keys = arg; return 1;
    case O_TLS_CERT: o->tls_cert = arg; return 1;
    case O_TLS_KEY: o->tls_key = arg; return 1;
    case O_ACCESS_LOG: o->access_log = arg; return 1;
    case O_CORS:
        if (o->n_cors == MAX_FILTERS) {
            fprintf(stderr, PROG ": at most %d --cors origins\n", MAX_FILTERS);
            return -1;
        }
        o->cors[o->n_cors++] = arg;
        return 1;
    case O_TIMEOUT:
        if (!parse_uint(arg, 3600, &o->timeout) || o->timeout == 0) {
            fprintf(stderr, PROG ": --timeout must be a number of seconds from 1 to 3600\n");
            return -1;
        }
        return 1;
    case O_THREADS:
        if (!parse_uint(arg, 64, &o->threads) || o->threads == 0) {
            fprintf(stderr, PROG ": --threads must be a number from 1 to 64\n");
            return -1;
        }
        return 1;
    default: return 0;
    }
}

/* ---------------------------------------------------------------- */
/* --http                                                             */

static FILE *access_log;

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    /* One call per line: stdio locks the stream, so lines never mix. */
    fprintf(access_log, "%s\n", line);
}

static int open_access_log(const char *path)
{
    if (!path || strcmp(path, "-") == 0) {
        access_log = stderr;
        return 1;
    }
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    access_log = fd >= 0 ? fdopen(fd, "a") : NULL;
    if (!access_log) {
        fprintf(stderr, PROG ": cannot open the access log %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 0;
    }
    setvbuf(access_log, NULL, _IOLBF, 0);
    return 1;
}

/* As many open files as allowed: each connection is one. */
static void raise_fd_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int cmd_http(const char *db, const opts_t *o)
{
    char *fb = o->feedback ? kb_strdup(o->feedback) : kb_feedback_default_path();
    kb_http_config_t cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.db_path = db;
    cfg.feedback_path = fb;
    cfg.listen = o->http;
    cfg.keys_path = o->keys;
    cfg.cors = o->cors;
    cfg.n_cors = o->n_cors;
    cfg.tls_cert_path = o->tls_cert;
    cfg.tls_key_path = o->tls_key;
    cfg.threads = o->threads;
    cfg.timeout_s = o->timeout;
    cfg.search_flags = o->allow_programs ? KB_SEARCH_ALLOW_PROGRAMS : 0;
    if (!open_access_log(o->access_log)) {
        free(fb);
        return EXIT_IO;
    }
    cfg.log = log_line;
    raise_fd_limit();
    /* SIGINT and SIGTERM are taken here, by sigwait(), never by the
     * server's threads (which inherit this mask). */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);
    kb_http_t *h;
    char *msg = NULL;
    kb_status_t st = kb_http_start(&cfg, &h, &msg);
    free(fb);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, PROG ": %s\n", msg ? msg : kb_status_to_string(st));
        free(msg);
        return st == KB_STATUS_BAD_ARGUMENT ? EXIT_USAGE : EXIT_IO;
    }
    fprintf(stderr, PROG ": serving %s (%s)\n", kb_http_url(h),
            o->keys ? "keys required" : "loopback only, no keys");
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, PROG ": %s: finishing the requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    unsigned left = kb_http_stop(h, 10000);
    if (left)
        fprintf(stderr, PROG ": %u requests were still running after 10 s\n", left);
    if (access_log != stderr)
        fclose(access_log);
    return 0;
}

/* One mode at a time, and its options only with it. */
static int modes_ok(const opts_t *o, int modes, int query)
{
    if (modes > 1) {
        fprintf(stderr, PROG ": --show, --escalation, --serve and --http are separate modes\n");
        return 0;
    }
    if (modes && query) {
        fprintf(stderr, PROG ": no QUERY with --show, --escalation, --serve or --http\n");
        return 0;
    }
    if (!o->http && (o->keys || o->n_cors || o->tls_cert || o->tls_key || o->threads || o->access_log ||
                     o->timeout)) {
        fprintf(stderr, PROG ": --keys, --cors, --tls-cert, --tls-key, --threads, --timeout "
                        "and --access-log go with --http\n");
        return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, O_DB},
        {"limit", required_argument, NULL, 'n'},
        {"offset", required_argument, NULL, O_OFFSET},
        {"category", required_argument, NULL, O_CATEGORY},
        {"tag", required_argument, NULL, O_TAG},
        {"json", no_argument, NULL, O_JSON},
        {"explain", no_argument, NULL, O_EXPLAIN},
        {"plain", no_argument, NULL, O_PLAIN},
        {"drafts", no_argument, NULL, O_DRAFTS},
        {"show", required_argument, NULL, O_SHOW},
        {"escalation", required_argument, NULL, O_ESCALATION},
        {"serve", no_argument, NULL, O_SERVE},
        {"feedback-log", required_argument, NULL, O_FEEDBACK},
        {"allow-remote-programs", no_argument, NULL, O_ALLOW_PROG},
        {"http", required_argument, NULL, O_HTTP},
        {"keys", required_argument, NULL, O_KEYS},
        {"cors", required_argument, NULL, O_CORS},
        {"tls-cert", required_argument, NULL, O_TLS_CERT},
        {"tls-key", required_argument, NULL, O_TLS_KEY},
        {"threads", required_argument, NULL, O_THREADS},
        {"access-log", required_argument, NULL, O_ACCESS_LOG},
        {"timeout", required_argument, NULL, O_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    opts_t o;
    memset(&o, 0, sizeof o);
    int c;
    while ((c = getopt_long(argc, argv, "n:hV", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: o.db = optarg; break;
        case 'n':
            if (!parse_uint(optarg, KB_LIMIT_MAX, &o.limit) || o.limit == 0) {
                fprintf(stderr, PROG ": --limit must be a number from 1 to %d\n", KB_LIMIT_MAX);
                return EXIT_USAGE;
            }
            break;
        case O_OFFSET:
            if (!parse_uint(optarg, 10000, &o.offset)) {
                fprintf(stderr, PROG ": --offset must be a number from 0 to 10000\n");
                return EXIT_USAGE;
            }
            break;
        case O_CATEGORY:
        case O_TAG: {
            size_t *n = c == O_CATEGORY ? &o.n_categories : &o.n_tags;
            if (*n == MAX_FILTERS) {
                fprintf(stderr, PROG ": at most %d of each filter\n", MAX_FILTERS);
                return EXIT_USAGE;
            }
            (c == O_CATEGORY ? o.categories : o.tags)[(*n)++] = optarg;
            break;
        }
        case O_JSON: o.json = 1; break;
        case O_EXPLAIN: o.explain = 1; break;
        case O_PLAIN: o.plain = 1; break;
        case O_DRAFTS: o.drafts = 1; break;
        case O_SHOW: o.show = optarg; break;
        case O_ESCALATION: o.escalation = optarg; break;
        case O_SERVE: o.serve = 1; break;
        case O_FEEDBACK: o.feedback = optarg; break;
        case O_ALLOW_PROG: o.allow_programs = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("kb-search %s\n", KB_VERSION); return 0;
        default:
            switch (http_option(c, optarg, &o)) {
            case 1: break;
            case 0: fprintf(stderr, PROG ": try 'kb-search --help'\n"); return EXIT_USAGE;
            default: return EXIT_USAGE;
            }
        }
    }
    int modes = (o.show != NULL) + (o.escalation != NULL) + o.serve + (o.http != NULL);
    if (!modes_ok(&o, modes, optind < argc))
        return EXIT_USAGE;
    /* The query: the words joined by spaces. */
    kb_buf_t q = KB_BUF_INIT;
    for (int i = optind; i < argc; i++) {
        if (q.len)
            kb_buf_addc(&q, ' ');
        kb_buf_adds(&q, argv[i]);
    }
    if (!modes) {
        size_t blank = q.data ? strspn(q.data, " \t\r\n") : 0;
        if (!q.len || blank == q.len) {
            fprintf(stderr, PROG ": no query; say what the customer needs, e.g. "
                            "kb-search card not arrived (see --help)\n");
            kb_buf_free(&q);
            return EXIT_USAGE;
        }
    }
    char *db = o.db ? kb_strdup(o.db) : kb_default_db_path();
    if (!db) {
        fprintf(stderr, PROG ": no index location: use --db or set $KB_DB or $HOME\n");
        kb_buf_free(&q);
        return EXIT_USAGE;
    }
    kb_search_t *s;
    char *msg = NULL;
    kb_status_t st =
        kb_search_open_flags(db, o.allow_programs ? KB_SEARCH_ALLOW_PROGRAMS : 0, &s, &msg);
    free(db);
    if (st != KB_STATUS_SUCCESS) {
        if (o.serve) {
            /* A server without an index still answers, with errors. */
            fprintf(stderr, PROG ": %s\n", msg ? msg : kb_status_to_string(st));
        } else {
            fprintf(stderr, PROG ": %s\n", msg ? msg : kb_status_to_string(st));
        }
        free(msg);
        kb_buf_free(&q);
        return EXIT_IO;
    }
    int rc;
    if (o.http) {
        /* Each worker opens its own handle; this one only proved the index
         * opens. */
        kb_search_close(s);
        s = NULL;
        char *path = o.db ? kb_strdup(o.db) : kb_default_db_path();
        rc = path ? cmd_http(path, &o) : EXIT_IO;
        free(path);
    } else if (o.serve)
        rc = cmd_serve(s, &o);
    else if (o.show)
        rc = cmd_show(s, &o);
    else if (o.escalation)
        rc = cmd_escalation(s, &o);
    else
        rc = cmd_search(s, &o, q.data);
    kb_search_close(s);
    kb_buf_free(&q);
    /* A full disk or a closed stdout loses the answer: say so (exit 3). */
    if (fflush(stdout) == EOF || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the output: %s\n", strerror(errno));
        return EXIT_IO;
    }
    return rc;
}
