/* fts5.c - the SQLite FTS5 peer for the benchmarks.
 *
 *   fts5 build DB KB_DIR
 *       Every *.md under KB_DIR (sorted) becomes one row of
 *         docs(path UNINDEXED, title, questions, body)
 *       with tokenize='porter unicode61': title and questions from the YAML
 *       front matter (title falls back to the first "# " heading), body the
 *       rest.  One transaction, then FTS5 'optimize'; the rank function is
 *       bm25 with title 5, questions 3, body 1.  Prints one JSON line:
 *       {"seconds":..,"rows":..}.
 *
 *   fts5 query DB QUERIES [-n LIMIT] [--warmup N]
 *       One warm process: each query becomes an OR of its words
 *       ("w1" OR "w2" ...), answered with
 *         SELECT path, title, snippet(docs, -1, '<b>', '</b>', '...', 24)
 *         FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT ?
 *       and every row read.  WARMUP untimed passes first (default 1).
 *       Prints "ms<TAB>hits" per query, then "# vmhwm_kb N".
 *
 *   fts5 sql QUERY [-n LIMIT]
 *       Prints the SQL statement for QUERY, for the sqlite3 command-line
 *       shell (the per-process measure).
 *
 * Build: cc -O2 fts5.c $(pkg-config --cflags --libs sqlite3)
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "bench-util.h"

/* Append S or give up: a driver out of memory has nothing to measure. */
static void push(strvec_t *sv, char *s)
{
    if (strvec_push(sv, s) != 0) {
        perror("fts5");
        exit(3);
    }
}

static int check(sqlite3 *db, int rc, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "fts5: %s: %s\n", what, sqlite3_errmsg(db));
        exit(3);
    }
    return rc;
}

/* Split a file into title, questions and body (pointers into a copy). */
static void split_article(char *buf, const char **title, char **questions, const char **body)
{
    static char empty[] = "";
    char *p = buf, *fm_end;
    size_t qlen = 0;
    int in_q = 0;
    *title = NULL;
    *questions = NULL;
    *body = buf;
    if (strncmp(buf, "---\n", 4) == 0 && (fm_end = strstr(buf + 4, "\n---")) != NULL) {
        *fm_end = '\0';
        for (p = buf + 4; p && *p;) {
            char *nl = strchr(p, '\n');
            if (nl)
                *nl = '\0';
            if (strncmp(p, "title:", 6) == 0) {
                char *v = p + 6;
                size_t l;
                while (*v == ' ')
                    v++;
                l = strlen(v);
                if (l >= 2 && (v[0] == '"' || v[0] == '\'') && v[l - 1] == v[0]) {
                    v[l - 1] = '\0';
                    v++;
                }
                *title = v;
                in_q = 0;
            } else if (strncmp(p, "questions:", 10) == 0) {
                in_q = 1;
            } else if (in_q && p[0] == ' ' && strchr(p, '-')) {
                char *d = strchr(p, '-') + 1;
                size_t l = strlen(d);
                char *nq = realloc(*questions, qlen + l + 2);
                if (nq) {
                    *questions = nq;
                    memcpy(nq + qlen, d, l);
                    qlen += l;
                    nq[qlen++] = '\n';
                    nq[qlen] = '\0';
                }
            } else {
                in_q = 0;
            }
            p = nl ? nl + 1 : NULL;
        }
        *body = fm_end + 4;
    }
    if (!*title) {
        /* The first "# " heading; the body keeps it. */
        for (p = (char *)*body; p && *p;) {
            if (p[0] == '#' && p[1] == ' ') {
                char *nl = strchr(p, '\n');
                static char tbuf[512];
                size_t l = nl ? (size_t)(nl - p - 2) : strlen(p + 2);
                if (l >= sizeof tbuf)
                    l = sizeof tbuf - 1;
                memcpy(tbuf, p + 2, l);
                tbuf[l] = '\0';
                *title = tbuf;
                break;
            }
            p = strchr(p, '\n');
            if (p)
                p++;
        }
    }
    if (!*title)
        *title = empty;
}

static int build_main(const char *dbpath, const char *dir)
{
    sqlite3 *db;
    sqlite3_stmt *ins;
    strvec_t files = {0};
    double t0 = now_ms();
    size_t rows = 0;

    remove(dbpath);
    if (sqlite3_open(dbpath, &db) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s\n", dbpath, sqlite3_errmsg(db));
        return 3;
    }
    if (collect_md(dir, &files) != 0) {
        fprintf(stderr, "fts5: cannot read %s\n", dir);
        return 3;
    }
    check(db, sqlite3_exec(db,
                           "CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, questions, body,"
                           " tokenize='porter unicode61');"
                           "INSERT INTO docs(docs, rank) VALUES('rank', 'bm25(1.0, 5.0, 3.0, 1.0)');"
                           "BEGIN;",
                           NULL, NULL, NULL),
          "create");
    check(db, sqlite3_prepare_v2(db, "INSERT INTO docs(path, title, questions, body) VALUES(?,?,?,?)", -1, &ins,
                                 NULL),
          "prepare");
    for (size_t i = 0; i < files.n; i++) {
        size_t len;
        char *buf = read_file(files.v[i], &len);
        const char *title, *body;
        char *questions;
        if (!buf) {
            perror(files.v[i]);
            continue;
        }
        split_article(buf, &title, &questions, &body);
        sqlite3_bind_text(ins, 1, files.v[i] + strlen(dir) + 1, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, title, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, questions ? questions : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, body, -1, SQLITE_STATIC);
        check(db, sqlite3_step(ins), "insert");
        sqlite3_reset(ins);
        free(questions);
        free(buf);
        rows++;
    }
    sqlite3_finalize(ins);
    check(db, sqlite3_exec(db, "COMMIT; INSERT INTO docs(docs) VALUES('optimize');", NULL, NULL, NULL), "commit");
    sqlite3_close(db);
    printf("{\"seconds\":%.3f,\"rows\":%zu}\n", (now_ms() - t0) / 1e3, rows);
    for (size_t i = 0; i < files.n; i++)
        free(files.v[i]);
    free(files.v);
    return 0;
}

/* The FTS5 OR query for TEXT: each run of letters and digits quoted. */
static char *match_expr(const char *text)
{
    size_t cap = strlen(text) * 6 + 16, n = 0;
    char *out = malloc(cap);
    const char *p = text;
    if (!out)
        exit(3);
    while (*p) {
        while (*p && !isalnum((unsigned char)*p) && !((unsigned char)*p & 0x80))
            p++;
        if (!*p)
            break;
        if (n)
            n += (size_t)sprintf(out + n, " OR ");
        out[n++] = '"';
        while (*p && (isalnum((unsigned char)*p) || ((unsigned char)*p & 0x80)))
            out[n++] = (char)tolower((unsigned char)*p++);
        out[n++] = '"';
    }
    out[n] = '\0';
    return out;
}

static const char *SELECT_SQL = "SELECT path, title, snippet(docs, -1, '<b>', '</b>', '...', 24) FROM docs "
                                "WHERE docs MATCH ?1 ORDER BY rank LIMIT ?2";

static int query_main(const char *dbpath, const char *qfile, int limit, int warmup)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    strvec_t qs = {0};
    size_t len;
    char *buf = read_file(qfile, &len), *save = NULL;
    double *ms;
    int *hits;
    unsigned long sum = 0;

    if (!buf) {
        perror(qfile);
        return 3;
    }
    for (char *q = strtok_r(buf, "\n", &save); q; q = strtok_r(NULL, "\n", &save))
        push(&qs, match_expr(q));
    free(buf);
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s\n", dbpath, sqlite3_errmsg(db));
        return 3;
    }
    check(db, sqlite3_prepare_v2(db, SELECT_SQL, -1, &st, NULL), "prepare");
    ms = calloc(qs.n + 1, sizeof *ms);
    hits = calloc(qs.n + 1, sizeof *hits);
    for (int pass = 0; pass <= warmup; pass++) {
        for (size_t i = 0; i < qs.n; i++) {
            double t0 = now_ms();
            int h = 0, rc;
            if (qs.v[i][0]) {
                sqlite3_bind_text(st, 1, qs.v[i], -1, SQLITE_STATIC);
                sqlite3_bind_int(st, 2, limit);
                while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                    const unsigned char *snip = sqlite3_column_text(st, 2);
                    sum += snip ? strlen((const char *)snip) : 0;
                    h++;
                }
                check(db, rc, qs.v[i]);
                sqlite3_reset(st);
            }
            if (pass == warmup) {
                ms[i] = now_ms() - t0;
                hits[i] = h;
            }
        }
    }
    for (size_t i = 0; i < qs.n; i++)
        printf("%.4f\t%d\n", ms[i], hits[i]);
    printf("# vmhwm_kb %ld\n# checksum %lu\n", vmhwm_kb_of(0), sum);
    sqlite3_finalize(st);
    sqlite3_close(db);
    for (size_t i = 0; i < qs.n; i++)
        free(qs.v[i]);
    free(qs.v);
    free(ms);
    free(hits);
    return 0;
}

int main(int argc, char **argv)
{
    int limit = 10, warmup = 1;
    const char *args[3] = {0};
    int na = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
            limit = atoi(argv[++i]);
        else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc)
            warmup = atoi(argv[++i]);
        else if (na < 3)
            args[na++] = argv[i];
    }
    if (argc >= 2 && strcmp(argv[1], "build") == 0 && na == 2)
        return build_main(args[0], args[1]);
    if (argc >= 2 && strcmp(argv[1], "query") == 0 && na == 2)
        return query_main(args[0], args[1], limit, warmup);
    if (argc >= 2 && strcmp(argv[1], "sql") == 0 && na == 1) {
        char *m = match_expr(args[0]);
        /* Words are letters and digits: nothing in M needs SQL quoting. */
        printf("SELECT path, title, snippet(docs, -1, '<b>', '</b>', '...', 24) FROM docs "
               "WHERE docs MATCH '%s' ORDER BY rank LIMIT %d;\n",
               m, limit);
        free(m);
        return 0;
    }
    fprintf(stderr, "usage: fts5 build DB KB_DIR | fts5 query DB QUERIES [-n N] [--warmup N] | fts5 sql QUERY\n");
    return 2;
}
