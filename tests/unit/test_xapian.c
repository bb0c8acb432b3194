/* test_xapian.c - the C binding over libxapian: forced failures give the
 * right status and message; the basic operations work. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "base/file.h"
#include "xapian/xapian.h"

static char dir[256];

static const char *path_in(const char *leaf)
{
    static char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, leaf);
    return p;
}

static void test_status_strings(void)
{
    int distinct = 1;
    for (int i = 0; i < KB_STATUS_LAST_STATUS; i++)
        if (strcmp(kb_status_to_string((kb_status_t)i), "unknown status") == 0)
            distinct = 0;
    OK(distinct, "every status has a description");
    STR_EQ(kb_status_to_string(KB_STATUS_LAST_STATUS), "unknown status", "sentinel is unknown");
    STR_EQ(kb_status_to_string(KB_STATUS_DB_LOCKED), "database is locked", "locked text");
}

static void test_missing_database(void)
{
    kb_xdb_t *db = (kb_xdb_t *)1;
    char *msg = NULL;
    kb_status_t st = kb_xdb_open(path_in("no-such-db"), KB_XDB_READONLY, &db, &msg);
    INT_EQ(st, KB_STATUS_DB_OPENING, "missing database gives DB_OPENING");
    OK(db == NULL, "handle is NULL on failure");
    STR_CONTAINS(msg, "no-such-db", "message names the path");
    free(msg);
    st = kb_xdb_open(path_in("no-such-db"), KB_XDB_OPEN, &db, NULL);
    INT_EQ(st, KB_STATUS_DB_OPENING, "missing writable database gives DB_OPENING");
}

static kb_xdb_t *make_db(const char *leaf)
{
    kb_xdb_t *db = NULL;
    char *msg = NULL;
    kb_status_t st = kb_xdb_open(path_in(leaf), KB_XDB_CREATE_OR_OVERWRITE, &db, &msg);
    INT_EQ(st, KB_STATUS_SUCCESS, "create a database");
    free(msg);
    return db;
}

static void test_locked_database(void)
{
    kb_xdb_t *w = make_db("locked");
    kb_xdb_t *w2 = (kb_xdb_t *)1;
    char *msg = NULL;
    kb_status_t st = kb_xdb_open(path_in("locked"), KB_XDB_OPEN, &w2, &msg);
    INT_EQ(st, KB_STATUS_DB_LOCKED, "second writer gets DB_LOCKED");
    OK(w2 == NULL, "no handle for the second writer");
    OK(msg && strlen(msg) > 0, "lock failure has a message (%s)", msg ? msg : "");
    free(msg);
    kb_xdb_close(w);
    st = kb_xdb_open(path_in("locked"), KB_XDB_OPEN, &w2, NULL);
    INT_EQ(st, KB_STATUS_SUCCESS, "closing releases the lock");
    kb_xdb_close(w2);
}

static void test_documents_and_search(void)
{
    kb_xdb_t *db = make_db("docs");
    kb_xstem_t *stem;
    INT_EQ(kb_xstem_new("english", &stem), KB_STATUS_SUCCESS, "english stemmer");
    kb_xtermgen_t *tg;
    INT_EQ(kb_xtermgen_new(db, &tg), KB_STATUS_SUCCESS, "term generator");
    kb_xtermgen_set_stemmer(tg, stem);
    INT_EQ(kb_xtermgen_set_flags(tg, KB_XTG_SPELLING), KB_STATUS_SUCCESS, "spelling flag");
    const char *texts[] = {"My card has not arrived yet", "Topping up with a debit card",
                           "Cash machines abroad"};
    for (int i = 0; i < 3; i++) {
        kb_xdoc_t *doc;
        kb_xdoc_new(&doc);
        kb_xtermgen_set_document(tg, doc);
        kb_xtermgen_index_text(tg, texts[i], strlen(texts[i]), 1, NULL);
        char id[16];
        snprintf(id, sizeof id, "a%d", i);
        kb_xdoc_add_value(doc, 0, id, strlen(id));
        kb_xdoc_set_data(doc, texts[i], strlen(texts[i]));
        char q[16];
        snprintf(q, sizeof q, "Qa%d", i);
        kb_xdoc_add_term(doc, q, 0);
        INT_EQ(kb_xdb_replace_document(db, q, doc, NULL), KB_STATUS_SUCCESS, "add document");
        kb_xdoc_free(doc);
    }
    char big[300];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    kb_xdoc_t *doc;
    kb_xdoc_new(&doc);
    INT_EQ(kb_xdoc_add_term(doc, big, 1), KB_STATUS_BAD_ARGUMENT, "over-long term refused");
    kb_xdoc_free(doc);
    INT_EQ(kb_xdb_set_metadata(db, "k", "v", 1), KB_STATUS_SUCCESS, "set metadata");
    INT_EQ(kb_xdb_add_synonym(db, "Zatm", "Zcashpoint"), KB_STATUS_SUCCESS, "add synonym");
    INT_EQ(kb_xdb_commit(db), KB_STATUS_SUCCESS, "commit");
    kb_xtermgen_free(tg);
    kb_xdb_close(db);

    kb_xdb_t *r;
    INT_EQ(kb_xdb_open(path_in("docs"), KB_XDB_READONLY, &r, NULL), KB_STATUS_SUCCESS,
           "open read-only");
    unsigned n;
    kb_xdb_doccount(r, &n);
    INT_EQ(n, 3, "three documents");
    char *v;
    kb_xdb_get_metadata(r, "k", &v, NULL);
    STR_EQ(v, "v", "metadata read back");
    free(v);
    kb_xdb_get_metadata(r, "missing", &v, NULL);
    STR_EQ(v, "", "missing metadata reads empty");
    free(v);
    INT_EQ(kb_xdb_set_metadata(r, "k", "w", 1), KB_STATUS_BAD_ARGUMENT,
           "writing a read-only database is refused");
    char *sugg;
    kb_xdb_spelling_suggestion(r, "arived", 2, &sugg);
    STR_EQ(sugg, "arrived", "spelling suggestion");
    free(sugg);
    unsigned f;
    kb_xdb_spelling_freq(r, "card", &f);
    INT_EQ(f, 2, "spelling frequency");

    kb_xqparser_t *qp;
    kb_xqparser_new(r, &qp);
    kb_xqparser_set_stemmer(qp, stem);
    kb_xqparser_set_stemming_strategy(qp, KB_XSTEM_SOME);
    kb_xquery_t *q = (kb_xquery_t *)1;
    kb_status_t st = kb_xqparser_parse(qp, "card AND (", KB_XQP_DEFAULT, NULL, &q);
    INT_EQ(st, KB_STATUS_QUERY_SYNTAX, "malformed query gives QUERY_SYNTAX");
    OK(q == NULL, "no query on failure");
    OK(strlen(kb_xdb_last_error(r)) > 0, "syntax error message on the database (%s)",
       kb_xdb_last_error(r));
    /* Every entry clears the last error; every failure records one. */
    unsigned cnt;
    INT_EQ(kb_xdb_doccount(r, &cnt), KB_STATUS_SUCCESS, "a call that succeeds");
    STR_EQ(kb_xdb_last_error(r), "", "clears the old message");
    INT_EQ(kb_xdb_termfreq(r, NULL, &cnt), KB_STATUS_BAD_ARGUMENT, "a bad argument");
    STR_CONTAINS(kb_xdb_last_error(r), "kb_xdb_termfreq", "records a message naming the call");
    INT_EQ(kb_xenquire_set_query(NULL, NULL, 0), KB_STATUS_BAD_ARGUMENT, "no handle at all");
    INT_EQ(kb_xqparser_parse(qp, "cards arrived", KB_XQP_DEFAULT, NULL, &q), KB_STATUS_SUCCESS,
           "parse a query");
    STR_EQ(kb_xdb_last_error(r), "", "a query parser call clears its database's message");
    kb_xenquire_t *enq;
    kb_xenquire_new(r, &enq);
    kb_xenquire_set_query(enq, q, 0);
    kb_xenquire_set_collapse_key(enq, 0, 1);
    kb_xmset_t *m;
    INT_EQ(kb_xenquire_get_mset(enq, 0, 10, 0, &m), KB_STATUS_SUCCESS, "get mset");
    INT_EQ(kb_xmset_size(m), 2, "two documents match");
    kb_xdoc_t *d;
    kb_xmset_document(m, 0, &d);
    const char *data;
    size_t len;
    kb_xdoc_get_data(d, &data, &len);
    STR_EQ(data, "My card has not arrived yet", "best match first");
    kb_xdoc_free(d);
    char *snip;
    kb_xmset_snippet(m, texts[0], strlen(texts[0]), 100, stem, 0, "[", "]", "...", &snip);
    STR_CONTAINS(snip, "[card]", "snippet highlights a match");
    free(snip);
    OK(kb_xmset_docid(m, 99) == 0, "out-of-range item gives docid 0");
    kb_xmset_free(m);
    kb_xenquire_free(enq);
    kb_xquery_free(q);

    kb_xquery_t *t1, *t2, *both;
    kb_xquery_term("Zatm", 1, 0, &t1);
    kb_xquery_term("Zcash", 1, 0, &t2);
    const kb_xquery_t *pair[2] = {t1, t2};
    INT_EQ(kb_xquery_combine(KB_XOP_SYNONYM, pair, 2, 0, &both), KB_STATUS_SUCCESS, "combine");
    char *desc;
    kb_xquery_describe(both, &desc);
    STR_CONTAINS(desc, "SYNONYM", "described");
    free(desc);
    OK(!kb_xquery_is_empty(both), "combined query is not empty");
    kb_xquery_free(t1);
    kb_xquery_free(t2);
    kb_xquery_free(both);
    kb_xqparser_free(qp);
    kb_xstem_free(stem);
    kb_xdb_close(r);
}

static int count_word(void *ctx, const char *w, size_t len, unsigned pos)
{
    (void)w;
    (void)len;
    ((unsigned *)ctx)[0]++;
    ((unsigned *)ctx)[1] = pos;
    return 0;
}

static void test_tokenize_and_stem(void)
{
    unsigned c[2] = {0, 0};
    INT_EQ(kb_xtokenize("Card hasn't ARRIVED, 2024!", 26, count_word, c), KB_STATUS_SUCCESS,
           "tokenize");
    INT_EQ(c[0], 4, "four words");
    INT_EQ(c[1], 4, "positions count from 1");
    kb_xstem_t *stem;
    INT_EQ(kb_xstem_new("klingon", &stem), KB_STATUS_BAD_ARGUMENT, "unknown language refused");
    kb_xstem_new("english", &stem);
    char *out;
    kb_xstem_word(stem, "topping", 7, &out);
    STR_EQ(out, "top", "stemmed");
    free(out);
    kb_xstem_free(stem);
    kb_xdb_close(NULL);
    kb_xdoc_free(NULL);
    kb_xquery_free(NULL);
    OK(1, "freeing NULL handles is a no-op");
}

static void test_transactions(void)
{
    kb_xdb_t *db = make_db("txn");
    INT_EQ(kb_xdb_begin_transaction(db, 1), KB_STATUS_SUCCESS, "begin");
    kb_xdoc_t *doc;
    kb_xdoc_new(&doc);
    kb_xdoc_add_term(doc, "hello", 1);
    kb_xdb_add_document(db, doc, NULL);
    kb_xdoc_free(doc);
    INT_EQ(kb_xdb_cancel_transaction(db), KB_STATUS_SUCCESS, "cancel");
    unsigned n;
    kb_xdb_doccount(db, &n);
    INT_EQ(n, 0, "cancelled changes are gone");
    INT_EQ(kb_xdb_commit_transaction(db), KB_STATUS_BAD_ARGUMENT,
           "committing without a transaction is refused");
    OK(strlen(kb_xdb_last_error(db)) > 0, "with a message");
    kb_xdb_close(db);
}

static void test_corrupt_database(void)
{
    char p[512];
    snprintf(p, sizeof p, "%s/corrupt", dir);
    mkdir(p, 0755);
    snprintf(p, sizeof p, "%s/corrupt/iamglass", dir);
    FILE *f = fopen(p, "w");
    fputs("garbage", f);
    fclose(f);
    kb_xdb_t *db;
    char *msg = NULL;
    kb_status_t st = kb_xdb_open(path_in("corrupt"), KB_XDB_READONLY, &db, &msg);
    OK(st == KB_STATUS_DB_CORRUPT || st == KB_STATUS_DB_OPENING,
       "garbage database refused (%s: %s)", kb_status_to_string(st), msg ? msg : "");
    free(msg);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/kb-test-xapian.XXXXXX");
    if (!mkdtemp(dir))
        return 2;
    test_status_strings();
    test_missing_database();
    test_locked_database();
    test_documents_and_search();
    test_tokenize_and_stem();
    test_transactions();
    test_corrupt_database();
    kb_remove_tree(dir);
    return HARNESS_DONE();
}
