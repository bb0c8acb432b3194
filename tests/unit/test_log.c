/* test_log.c - the scrubber (each kind of personal data, and what must
 * stay), the search log (lines, ids, threads, rotation, off) and feedback
 * lines. */
#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "base/file.h"
#include "kb/log.h"
#include "log/scrub.h"

static void scrubbed(const char *in, const char *want)
{
    char *got = kb_scrub(in, NULL);
    STR_EQ(got, want, in);
    free(got);
}

static void test_scrub(void)
{
    /* Cards: 13-19 digits, grouped or not. */
    scrubbed("card 4111 1111 1111 1111 declined", "card <card> declined");
    scrubbed("4111-1111-1111-1111", "<card>");
    scrubbed("my number is 5500005555555559.", "my number is <card>.");
    scrubbed("amex 3782 822463 10005", "amex <card>");
    /* Accounts: an IBAN, or eight digits. */
    scrubbed("pay GB29 NWBK 6016 1331 9268 19 today", "pay <account> today");
    scrubbed("iban gb29nwbk60161331926819", "iban <account>");
    scrubbed("account 12345678 frozen", "account <account> frozen");
    scrubbed("acct 1234 5678", "acct <account>");
    /* Sort codes. */
    scrubbed("sort code 12-34-56", "sort code <sort-code>");
    scrubbed("sort 20 00 00 acc", "sort <sort-code> acc");
    /* Phone numbers. */
    scrubbed("call me on 07700 900123", "call me on <phone>");
    scrubbed("ring +44 7700 900123 please", "ring <phone> please");
    scrubbed("+44 (0)20 7946 0958", "<phone>");
    scrubbed("(020) 7946 0958", "<phone>");
    scrubbed("+1-202-555-0143 is my cell", "<phone> is my cell");
    /* E-mail addresses. */
    scrubbed("email jo.bloggs+kb@example.co.uk now", "email <email> now");
    scrubbed("contact:a_b@mail.example.com.", "contact:<email>.");
    /* Postcodes. */
    scrubbed("I moved to SW1A 1AA last week", "I moved to <postcode> last week");
    scrubbed("postcode m1 1ae", "postcode <postcode>");
    scrubbed("EC1A1BB", "<postcode>");
    scrubbed("new address B33 8TH", "new address <postcode>");
    /* Long digit runs, also inside a word. */
    scrubbed("reference 123456789012", "reference <number>");
    scrubbed("ref 123456", "ref <number>");
    scrubbed("customer CUST12345678", "customer CUST<number>");
    /* Secrets. */
    scrubbed("my pin is 1234", "my pin is <secret>");
    scrubbed("PIN: 0000, blocked", "PIN: <secret>, blocked");
    scrubbed("password hunter2", "password <secret>");
    scrubbed("the cvv 123 is wrong", "the cvv <secret> is wrong");
    scrubbed("pin number is 4321", "pin number is <secret>");
    /* What stays: amounts, years, dates, short numbers, last four digits,
     * words that look a little like postcodes. */
    const char *stay[] = {
        "I was charged £1,500.00 twice",
        "transfer 10000 euros",
        "card ending 4321",
        "in 2026 on 2026-12-03 and 03-12-2026",
        "paid 12.50 on 12/03",
        "I forgot my pin",
        "my password is wrong",
        "top up 3 times, 2nd card, a4 paper",
        "card hasn't arrived",
        "E-1234 error on the app",
        "café naïve ｃａｒｄ",
        "",
    };
    for (size_t i = 0; i < sizeof stay / sizeof stay[0]; i++)
        scrubbed(stay[i], stay[i]);
    unsigned found = 9;
    char *s = kb_scrub("a@b.co and 07700 900123", &found);
    INT_EQ(found, 2, "two replacements counted");
    OK(kb_scrub_has_placeholder(s), "a scrubbed text holds a placeholder");
    OK(!kb_scrub_has_placeholder("card <b>not</b> arrived"), "other angle brackets are no placeholder");
    free(s);
    OK(kb_scrub(NULL, NULL) == NULL, "NULL in, NULL out");
}

static kb_results_t *fake_results(const char *q)
{
    kb_results_t *r = calloc(1, sizeof *r);
    r->query = strdup(q);
    r->covered = 1;
    r->total = 2;
    r->n = 2;
    r->hits = calloc(2, sizeof *r->hits);
    r->hits[0].rank = 1;
    r->hits[0].id = strdup("card-not-arrived");
    r->hits[1].rank = 2;
    r->hits[1].id = strdup("lost-card");
    r->n_alerts = 1;
    r->alerts = calloc(1, sizeof *r->alerts);
    r->alerts[0].kind = strdup("fraud");
    return r;
}

static void free_fake(kb_results_t *r)
{
    free(r->query);
    for (size_t i = 0; i < r->n; i++)
        free(r->hits[i].id);
    free(r->hits);
    free(r->alerts[0].kind);
    free(r->alerts);
    free(r);
}

static size_t count_lines(const char *path)
{
    char *data;
    size_t len, n = 0;
    if (kb_file_read(path, 1u << 30, &data, &len) != KB_STATUS_SUCCESS)
        return 0;
    for (size_t i = 0; i < len; i++)
        n += data[i] == '\n';
    free(data);
    return n;
}

typedef struct worker {
    kb_searchlog_t *log;
    kb_results_t *r;
} worker_t;

static void *searcher(void *arg)
{
    worker_t *w = arg;
    for (int i = 0; i < 500; i++) {
        char id[KB_QUERY_ID_SIZE];
        kb_searchlog_record(w->log, "serve", w->r, id, NULL);
    }
    return NULL;
}

static void test_searchlog(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/state/sub/searches.jsonl", dir);
    kb_searchlog_t *log;
    char *msg = NULL;
    kb_status_t st = kb_searchlog_open(path, &log, &msg);
    INT_EQ(st, KB_STATUS_SUCCESS, "search log opens");
    kb_results_t *r = fake_results("card 4111 1111 1111 1111 lost, mail me at x@y.com");
    char id1[KB_QUERY_ID_SIZE], id2[KB_QUERY_ID_SIZE];
    kb_searchlog_record(log, "json", r, id1, NULL);
    kb_searchlog_record(log, "json", r, id2, NULL);
    INT_EQ(strlen(id1), 16, "a query id is 16 hex digits");
    OK(strcmp(id1, id2) != 0, "each search has its own id");
    st = kb_searchlog_close(log, &msg);
    INT_EQ(st, KB_STATUS_SUCCESS, "search log closes");
    char *data = NULL;
    size_t len;
    kb_file_read(path, 1u << 20, &data, &len);
    char *nl = data ? strchr(data, '\n') : NULL;
    if (nl)
        *nl = '\0';
    cJSON *o = data ? cJSON_Parse(data) : NULL;
    const cJSON *q = cJSON_GetObjectItem(o, "query");
    STR_EQ(cJSON_IsString(q) ? q->valuestring : NULL, "card <card> lost, mail me at <email>",
           "the logged query is scrubbed");
    const cJSON *qid = cJSON_GetObjectItem(o, "query_id");
    STR_EQ(cJSON_IsString(qid) ? qid->valuestring : NULL, id1, "the line names its query id");
    OK(cJSON_IsTrue(cJSON_GetObjectItem(o, "covered")), "covered logged");
    const cJSON *al = cJSON_GetObjectItem(o, "alerts");
    OK(cJSON_GetArraySize(al) == 1 && !strcmp(cJSON_GetArrayItem(al, 0)->valuestring, "fraud"),
       "alert kinds logged");
    OK(cJSON_GetArraySize(cJSON_GetObjectItem(o, "results")) == 2, "answer ids logged");
    OK(data && !strstr(data, "4111") && !strstr(data, "x@y.com"), "nothing personal in the file");
    cJSON_Delete(o);
    free(data);
    struct stat sb;
    OK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "the log is 0600");
    char folder[512];
    snprintf(folder, sizeof folder, "%s/state/sub", dir);
    OK(stat(folder, &sb) == 0 && (sb.st_mode & 0777) == 0700, "its folder is 0700");

    /* Four threads, 500 searches each: every line whole, none lost. */
    setenv("KB_SEARCH_LOG_MAX", "64k", 1);
    snprintf(path, sizeof path, "%s/rot/searches.jsonl", dir);
    kb_searchlog_open(path, &log, NULL);
    worker_t w = {log, r};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, searcher, &w);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    INT_EQ(kb_searchlog_close(log, NULL), KB_STATUS_SUCCESS, "threads: closed");
    size_t total = 0;
    char rp[600];
    for (int k = 0; k <= KB_SEARCH_LOG_KEEP + 1; k++) {
        if (k)
            snprintf(rp, sizeof rp, "%s.%d", path, k);
        else
            snprintf(rp, sizeof rp, "%s", path);
        total += count_lines(rp);
    }
    snprintf(rp, sizeof rp, "%s.1", path);
    OK(stat(rp, &sb) == 0 && sb.st_size >= 64 * 1024 && sb.st_size < 80 * 1024,
       "rotated at the size cap (%lld bytes)", (long long)sb.st_size);
    snprintf(rp, sizeof rp, "%s.%d", path, KB_SEARCH_LOG_KEEP + 1);
    OK(stat(rp, &sb) != 0, "at most %d rotated files kept", KB_SEARCH_LOG_KEEP);
    OK(stat(path, &sb) == 0 && (size_t)sb.st_size < 80 * 1024, "the current file stays small");
    OK(total > 0 && total <= 2000, "lines kept within the cap: %zu of 2000", total);
    unsetenv("KB_SEARCH_LOG_MAX");

    /* Off: no file, ids all the same. */
    setenv("KB_SEARCH_LOG", "off", 1);
    log = (kb_searchlog_t *)1;
    INT_EQ(kb_searchlog_open(NULL, &log, NULL), KB_STATUS_SUCCESS, "off: opens");
    OK(log == NULL, "off: no log");
    char id3[KB_QUERY_ID_SIZE];
    INT_EQ(kb_searchlog_record(log, "cli", r, id3, NULL), KB_STATUS_SUCCESS, "off: record is a no-op");
    INT_EQ(strlen(id3), 16, "off: still a query id");
    unsetenv("KB_SEARCH_LOG");
    INT_EQ(kb_searchlog_open("off", &log, NULL), KB_STATUS_SUCCESS, "--search-log off");
    OK(log == NULL, "--search-log off: no log");

    /* A FIFO in its place: refused, said once, never blocking. */
    snprintf(path, sizeof path, "%s/fifo.jsonl", dir);
    mkfifo(path, 0600);
    kb_searchlog_open(path, &log, NULL);
    kb_searchlog_record(log, "cli", r, id3, NULL);
    st = kb_searchlog_close(log, &msg);
    INT_EQ(st, KB_STATUS_FILE_ERROR, "a FIFO as the log: an error");
    STR_CONTAINS(msg, "FIFO", "the message says what it is");
    free(msg);
    free_fake(r);
}

static void test_feedback(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/feedback.jsonl", dir);
    kb_feedback_t fb = KB_FEEDBACK_INIT;
    const char *kinds[] = {"vulnerable"};
    fb.query = "card 4111111111111111 not here, I'm at SW1A 1AA";
    fb.corrected = "card 4111111111111111 not here, I'm at SW1A 1AA";
    fb.article = "card-not-arrived";
    fb.helpful = 1;
    fb.source = "serve";
    fb.query_id = "0123456789abcdef";
    fb.call = "call-1";
    fb.officer = "o7";
    fb.alerts = kinds;
    fb.n_alerts = 1;
    fb.shown = 0;
    INT_EQ(kb_feedback_write(path, &fb, NULL), KB_STATUS_SUCCESS, "feedback written");
    char *data;
    size_t len;
    kb_file_read(path, 1u << 20, &data, &len);
    cJSON *o = cJSON_Parse(data);
    const cJSON *q = cJSON_GetObjectItem(o, "query");
    STR_EQ(cJSON_IsString(q) ? q->valuestring : NULL, "card <card> not here, I'm at <postcode>",
           "feedback: the query is scrubbed");
    OK(!strstr(data, "4111") && !strstr(data, "SW1A"), "feedback: nothing personal");
    OK(cJSON_IsString(cJSON_GetObjectItem(o, "call")) && cJSON_IsString(cJSON_GetObjectItem(o, "officer")) &&
           cJSON_IsFalse(cJSON_GetObjectItem(o, "shown")) &&
           cJSON_GetArraySize(cJSON_GetObjectItem(o, "alerts")) == 1,
       "feedback: call, officer, shown and alerts written");
    cJSON_Delete(o);
    free(data);
    fb.article = NULL;
    INT_EQ(kb_feedback_write(path, &fb, NULL), KB_STATUS_BAD_ARGUMENT, "feedback without an article");
}

int main(void)
{
    char dir[] = "/tmp/kb-test-log.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    test_scrub();
    test_searchlog(dir);
    test_feedback(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return HARNESS_DONE();
}
