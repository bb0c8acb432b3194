/* bench-xapian-floor.c - the raw-Xapian floor for the benchmarks.
 *
 * The same queries kb answers, run by plain libxapian through the binding
 * (include/kb/xapian.h) and nothing else of kb: no spelling, no synonyms,
 * no boosts, no escalation, no JSON encoding.  kb's own overhead shows as
 * the ratio of its latency to this one (tests/bench/README.md).
 *
 *   bench-xapian-floor --db INDEX [options] QUERIES
 *       One warm process.  Reads one query per line, runs the whole list
 *       WARMUP times untimed, then once timed.  Each query: QueryParser
 *       (English stems, STEM_SOME, default OR, stopwords), Enquire with
 *       collapse on value slot 0, the top LIMIT hits, and for each hit its
 *       document data decoded (cJSON) and MSet::snippet() over its "text".
 *       Prints "ms<TAB>hits<TAB>estimated" per query, then
 *       "# vmhwm_kb N" and "# checksum N".
 *
 *       -n LIMIT          hits per query (default 10)
 *       --warmup N        untimed passes first (default 1)
 *       --no-snippet      skip documents and snippets
 *       --no-stopwords    keep every query word
 *       --snippet-bytes N (default 200, as kb)
 *       --exhaustive      add SNIPPET_EXHAUSTIVE (Xapian's default flags)
 *
 *   bench-xapian-floor --build INDEX KB_DIR
 *       The raw single-threaded build floor: every *.md under KB_DIR
 *       (sorted), front matter skipped except title and questions, one
 *       document per heading-delimited section with title, questions,
 *       heading and text through a TermGenerator (English, STEM_SOME,
 *       positions), the title again with prefix S, Q+id, value 0 = id, and
 *       a small JSON data blob.  Prints one JSON line:
 *       {"seconds":..,"files":..,"documents":..}.
 *
 * Exit status: 0 ok, 2 usage, 3 index or I/O failure.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "xapian/xapian.h"
#include "../bench/bench-util.h"

/* A common English stopword list, so that the floor runs the query a
 * search engine would run, not the query with "the" and "to" in it. */
static const char *const stopwords[] = {
    "a", "about", "am", "an", "and", "any", "are", "as", "at", "be", "been",
    "but", "by", "can", "could", "did", "do", "does", "for", "from", "had",
    "has", "have", "he", "her", "here", "him", "his", "how", "i", "if", "in",
    "into", "is", "it", "its", "just", "me", "my", "of", "on", "or", "our",
    "she", "so", "some", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "to", "us", "was", "we",
    "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "would", "you", "your", NULL};

static int usage(void)
{
    fprintf(stderr,
            "usage: bench-xapian-floor --db INDEX [-n LIMIT] [--warmup N] [--no-snippet]\n"
            "                          [--no-stopwords] [--snippet-bytes N] [--exhaustive] QUERIES\n"
            "       bench-xapian-floor --build INDEX KB_DIR\n");
    return 2;
}

static void fail(const char *what, kb_status_t st, kb_xdb_t *db)
{
    fprintf(stderr, "bench-xapian-floor: %s: %s%s%s\n", what, kb_status_to_string(st),
            db ? ": " : "", db ? kb_xdb_last_error(db) : "");
}

/* ---------------------------------------------------------------- */
/* Reading files                                                      */

static int read_queries(const char *path, strvec_t *out)
{
    size_t len;
    char *buf = read_file(path, &len);
    char *p, *save = NULL;
    if (!buf)
        return -1;
    for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
        size_t l = strlen(p);
        while (l && (p[l - 1] == '\r' || p[l - 1] == ' '))
            p[--l] = '\0';
        if (l == 0)
            continue;
        char *q = strdup(p);
        if (!q || strvec_push(out, q) != 0) {
            free(q);
            free(buf);
            return -1;
        }
    }
    free(buf);
    return 0;
}

/* ---------------------------------------------------------------- */
/* Query floor                                                        */

typedef struct qopts {
    unsigned limit;
    int warmup;
    int snippets;
    int stop;
    size_t snippet_bytes;
    unsigned snippet_flags;
} qopts_t;

/* Run one query; returns 0 or -1, adds the hit count to *HITS and a
 * checksum of the snippets to *SUM. */
static int run_query(kb_xdb_t *db, kb_xqparser_t *qp, kb_xenquire_t *enq, kb_xstem_t *stem,
                     const qopts_t *o, const char *text, unsigned *hits, unsigned *estimated,
                     unsigned long *sum)
{
    kb_xquery_t *q = NULL;
    kb_xmset_t *ms = NULL;
    kb_status_t st = kb_xqparser_parse(qp, text, KB_XQP_DEFAULT, NULL, &q);
    if (st != KB_STATUS_SUCCESS) {
        fail("parse", st, db);
        return -1;
    }
    st = kb_xenquire_set_query(enq, q, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xenquire_get_mset(enq, 0, o->limit, 0, &ms);
    kb_xquery_free(q);
    if (st != KB_STATUS_SUCCESS) {
        fail("search", st, db);
        return -1;
    }
    *hits = kb_xmset_size(ms);
    *estimated = kb_xmset_matches_estimated(ms);
    for (unsigned i = 0; o->snippets && i < *hits; i++) {
        kb_xdoc_t *doc = NULL;
        const char *data;
        size_t len;
        cJSON *json;
        const cJSON *t;
        if (kb_xmset_document(ms, i, &doc) != KB_STATUS_SUCCESS ||
            kb_xdoc_get_data(doc, &data, &len) != KB_STATUS_SUCCESS) {
            kb_xdoc_free(doc);
            continue;
        }
        json = cJSON_ParseWithLength(data, len);
        t = cJSON_GetObjectItemCaseSensitive(json, "text");
        if (cJSON_IsString(t)) {
            char *snip = NULL;
            const char *s = t->valuestring;
            st = kb_xmset_snippet(ms, s, strlen(s), o->snippet_bytes, stem, o->snippet_flags,
                                  "<b>", "</b>", "...", &snip);
            if (st == KB_STATUS_SUCCESS)
                *sum += strlen(snip);
            free(snip);
        }
        cJSON_Delete(json);
        kb_xdoc_free(doc);
    }
    kb_xmset_free(ms);
    return 0;
}

static int query_main(const char *dbpath, const char *qfile, const qopts_t *o)
{
    kb_xdb_t *db = NULL;
    kb_xqparser_t *qp = NULL;
    kb_xenquire_t *enq = NULL;
    kb_xstem_t *stem = NULL;
    strvec_t qs = {0};
    char *msg = NULL;
    unsigned long sum = 0;
    double *ms = NULL;
    unsigned *hits = NULL, *est = NULL;
    int rc = 3;
    kb_status_t st;

    if (read_queries(qfile, &qs) != 0) {
        fprintf(stderr, "bench-xapian-floor: %s: %s\n", qfile, strerror(errno));
        return 3;
    }
    st = kb_xdb_open(dbpath, KB_XDB_READONLY, &db, &msg);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, "bench-xapian-floor: %s: %s\n", dbpath, msg ? msg : kb_status_to_string(st));
        free(msg);
        strvec_free(&qs);
        return 3;
    }
    ms = calloc(qs.n + 1, sizeof *ms);
    hits = calloc(qs.n + 1, sizeof *hits);
    est = calloc(qs.n + 1, sizeof *est);
    if (!ms || !hits || !est)
        goto out;
    if (kb_xstem_new("english", &stem) != KB_STATUS_SUCCESS || kb_xqparser_new(db, &qp) != KB_STATUS_SUCCESS ||
        kb_xqparser_set_stemmer(qp, stem) != KB_STATUS_SUCCESS ||
        kb_xqparser_set_stemming_strategy(qp, KB_XSTEM_SOME) != KB_STATUS_SUCCESS ||
        kb_xqparser_set_default_op(qp, KB_XOP_OR) != KB_STATUS_SUCCESS ||
        (o->stop && kb_xqparser_set_stopper(qp, stopwords) != KB_STATUS_SUCCESS) ||
        kb_xenquire_new(db, &enq) != KB_STATUS_SUCCESS ||
        kb_xenquire_set_collapse_key(enq, 0, 1) != KB_STATUS_SUCCESS) {
        fail("setup", KB_STATUS_XAPIAN_EXCEPTION, db);
        goto out;
    }
    for (int pass = 0; pass <= o->warmup; pass++) {
        int timed = pass == o->warmup;
        for (size_t i = 0; i < qs.n; i++) {
            double t0 = now_ms();
            unsigned h = 0, e = 0;
            if (run_query(db, qp, enq, stem, o, qs.v[i], &h, &e, &sum) != 0)
                goto out;
            if (timed) {
                ms[i] = now_ms() - t0;
                hits[i] = h;
                est[i] = e;
            }
        }
    }
    for (size_t i = 0; i < qs.n; i++)
        printf("%.4f\t%u\t%u\n", ms[i], hits[i], est[i]);
    printf("# vmhwm_kb %ld\n# checksum %lu\n", vmhwm_kb_of(0), sum);
    rc = 0;
out:
    free(ms);
    free(hits);
    free(est);
    kb_xenquire_free(enq);
    kb_xqparser_free(qp);
    kb_xstem_free(stem);
    kb_xdb_close(db);
    strvec_free(&qs);
    return rc;
}

/* ---------------------------------------------------------------- */
/* Build floor                                                        */

/* The value after "KEY:" on a front-matter line, unquoted, or NULL. */
static char *fm_value(const char *line, size_t len, const char *key)
{
    size_t kl = strlen(key);
    if (len <= kl || strncmp(line, key, kl) != 0 || line[kl] != ':')
        return NULL;
    line += kl + 1;
    len -= kl + 1;
    while (len && (*line == ' ' || *line == '\t'))
        line++, len--;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\r'))
        len--;
    if (len >= 2 && (line[0] == '"' || line[0] == '\'') && line[len - 1] == line[0])
        line++, len -= 2;
    return strndup(line, len);
}

typedef struct builder {
    kb_xdb_t *db;
    kb_xtermgen_t *tg;
    unsigned documents;
} builder_t;

static int add_section(builder_t *b, const char *id, const char *title, const char *questions,
                       const char *heading, size_t hlen, const char *text, size_t tlen)
{
    kb_xdoc_t *doc = NULL;
    cJSON *data = cJSON_CreateObject();
    char *json = NULL, *h = strndup(heading, hlen), *t = strndup(text, tlen);
    char qterm[KB_XTERM_MAX + 1];
    kb_status_t st = KB_STATUS_OUT_OF_MEMORY;
    if (!data || !h || !t || kb_xdoc_new(&doc) != KB_STATUS_SUCCESS)
        goto out;
    cJSON_AddStringToObject(data, "id", id);
    cJSON_AddStringToObject(data, "title", title);
    cJSON_AddStringToObject(data, "section", h);
    cJSON_AddStringToObject(data, "text", t);
    json = cJSON_PrintUnformatted(data);
    if (!json)
        goto out;
    snprintf(qterm, sizeof qterm, "Q%s", id);
    st = kb_xtermgen_set_document(b->tg, doc);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text(b->tg, title, strlen(title), 1, "S");
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text(b->tg, title, strlen(title), 3, "");
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_increase_termpos(b->tg, 100);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text(b->tg, questions, strlen(questions), 2, "");
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_increase_termpos(b->tg, 100);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text(b->tg, h, strlen(h), 2, "");
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_increase_termpos(b->tg, 100);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text(b->tg, t, strlen(t), 1, "");
    if (st == KB_STATUS_SUCCESS && strlen(qterm) <= KB_XTERM_MAX)
        st = kb_xdoc_add_term(doc, qterm, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_value(doc, 0, id, strlen(id));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_set_data(doc, json, strlen(json));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdb_add_document(b->db, doc, NULL);
    if (st == KB_STATUS_SUCCESS)
        b->documents++;
out:
    if (st != KB_STATUS_SUCCESS)
        fail("add document", st, b->db);
    free(json);
    cJSON_Delete(data);
    kb_xdoc_free(doc);
    free(h);
    free(t);
    return st == KB_STATUS_SUCCESS ? 0 : -1;
}

static int build_file(builder_t *b, const char *path)
{
    size_t len, qlen = 0;
    char *buf = read_file(path, &len);
    char *title = NULL, *questions = calloc(1, 1);
    const char *p, *end, *body;
    const char *base = strrchr(path, '/');
    char *id;
    int rc = -1, in_questions = 0;
    if (!buf || !questions) {
        free(buf);
        free(questions);
        return -1;
    }
    base = base ? base + 1 : path;
    id = strndup(base, strlen(base) - 3);
    body = buf;
    /* Front matter: keep the title and the questions. */
    if (strncmp(buf, "---\n", 4) == 0) {
        const char *fm_end = strstr(buf + 4, "\n---");
        if (fm_end) {
            for (p = buf + 4; p < fm_end;) {
                const char *nl = memchr(p, '\n', (size_t)(fm_end - p));
                size_t l = nl ? (size_t)(nl - p) : (size_t)(fm_end - p);
                char *v = fm_value(p, l, "title");
                if (v) {
                    free(title);
                    title = v;
                }
                if (l >= 10 && strncmp(p, "questions:", 10) == 0) {
                    in_questions = 1;
                } else if (in_questions && l > 4 && p[0] == ' ') {
                    const char *dash = memchr(p, '-', l);
                    if (dash) {
                        size_t add = l - (size_t)(dash + 1 - p);
                        char *nq = realloc(questions, qlen + add + 2);
                        if (!nq)
                            goto out;
                        questions = nq;
                        memcpy(questions + qlen, dash + 1, add);
                        qlen += add;
                        questions[qlen++] = '\n';
                        questions[qlen] = '\0';
                    }
                } else {
                    in_questions = 0;
                }
                p += l + 1;
            }
            body = fm_end + 4;
            if (*body == '\n')
                body++;
        }
    }
    /* Sections: the lead, then one per heading line; the first "# "
     * heading is the title when the front matter has none. */
    end = buf + len;
    {
        const char *sec_start = body, *heading = "";
        size_t hl = 0;
        for (p = body;;) {
            int at_end = p >= end;
            const char *nl = at_end ? NULL : memchr(p, '\n', (size_t)(end - p));
            const char *line_end = nl ? nl : end;
            if (at_end || *p == '#') {
                if (p > sec_start || hl) {
                    if (!title)
                        title = strdup(id);
                    if (!title || add_section(b, id, title, questions, heading, hl, sec_start,
                                              (size_t)(p - sec_start)) != 0)
                        goto out;
                }
                if (at_end)
                    break;
                const char *h = p;
                while (h < line_end && (*h == '#' || *h == ' '))
                    h++;
                if (!title && p + 1 < end && p[1] == ' ') {
                    title = strndup(h, (size_t)(line_end - h));
                    heading = "";
                    hl = 0;
                } else {
                    heading = h;
                    hl = (size_t)(line_end - h);
                }
                sec_start = nl ? nl + 1 : end;
            }
            p = nl ? nl + 1 : end;
        }
    }
    rc = 0;
out:
    free(buf);
    free(title);
    free(questions);
    free(id);
    return rc;
}

static int build_main(const char *dbpath, const char *kbdir)
{
    builder_t b = {0};
    kb_xstem_t *stem = NULL;
    strvec_t files = {0};
    char *msg = NULL;
    double t0 = now_ms();
    int rc = 3;
    kb_status_t st;

    if (collect_md(kbdir, &files) != 0) {
        fprintf(stderr, "bench-xapian-floor: %s: cannot read\n", kbdir);
        return 3;
    }
    st = kb_xdb_open(dbpath, KB_XDB_CREATE_OR_OVERWRITE, &b.db, &msg);
    if (st != KB_STATUS_SUCCESS) {
        fprintf(stderr, "bench-xapian-floor: %s: %s\n", dbpath, msg ? msg : kb_status_to_string(st));
        free(msg);
        strvec_free(&files);
        return 3;
    }
    if (kb_xstem_new("english", &stem) != KB_STATUS_SUCCESS ||
        kb_xtermgen_new(b.db, &b.tg) != KB_STATUS_SUCCESS ||
        kb_xtermgen_set_stemmer(b.tg, stem) != KB_STATUS_SUCCESS ||
        kb_xtermgen_set_stemming_strategy(b.tg, KB_XSTEM_SOME) != KB_STATUS_SUCCESS) {
        fail("setup", KB_STATUS_XAPIAN_EXCEPTION, b.db);
        goto out;
    }
    for (size_t i = 0; i < files.n; i++)
        if (build_file(&b, files.v[i]) != 0) {
            fprintf(stderr, "bench-xapian-floor: %s: failed\n", files.v[i]);
            goto out;
        }
    st = kb_xdb_commit(b.db);
    if (st != KB_STATUS_SUCCESS) {
        fail("commit", st, b.db);
        goto out;
    }
    printf("{\"seconds\":%.3f,\"files\":%zu,\"documents\":%u}\n", (now_ms() - t0) / 1e3, files.n,
           b.documents);
    rc = 0;
out:
    kb_xtermgen_free(b.tg);
    kb_xstem_free(stem);
    kb_xdb_close(b.db);
    strvec_free(&files);
    return rc;
}

int main(int argc, char **argv)
{
    qopts_t o = {10, 1, 1, 1, 200, KB_XSNIPPET_BACKGROUND_MODEL};
    const char *db = NULL, *qfile = NULL;
    int i;

    if (argc == 4 && strcmp(argv[1], "--build") == 0)
        return build_main(argv[2], argv[3]);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(a, "-n") == 0 && i + 1 < argc)
            o.limit = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--warmup") == 0 && i + 1 < argc)
            o.warmup = atoi(argv[++i]);
        else if (strcmp(a, "--snippet-bytes") == 0 && i + 1 < argc)
            o.snippet_bytes = strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--no-snippet") == 0)
            o.snippets = 0;
        else if (strcmp(a, "--no-stopwords") == 0)
            o.stop = 0;
        else if (strcmp(a, "--exhaustive") == 0)
            o.snippet_flags |= KB_XSNIPPET_EXHAUSTIVE;
        else if (a[0] != '-' && !qfile)
            qfile = a;
        else
            return usage();
    }
    if (!db || !qfile || o.limit == 0 || o.warmup < 0)
        return usage();
    return query_main(db, qfile, &o);
}
