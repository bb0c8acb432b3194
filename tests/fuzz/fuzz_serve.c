/* fuzz_serve.c - libFuzzer target: one request line in, as kb-search
 * --serve gets it, answered by kb_server_handle() over the index of
 * tests/fixtures/kb-small (built at start-up into a scratch folder).
 *
 * Checks the contract of DESIGN.md section 6: the response is one line of
 * valid UTF-8 JSON, an object with "id" and either an "error" with one of
 * the documented codes and a message, or the result of the op; when the
 * request was an object its "id" is echoed back.  An input of several
 * lines is also run as a session through kb_server_run(): one response
 * per request line, blank lines skipped.  Feedback goes to a file in the
 * scratch folder, emptied now and then.
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "kb/serve.h"
#include "base/buf.h"
#include "base/utf8.h"

static kb_server_t *server;
static char *feedback_path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    kb_search_t *s = kbf_fixture_search();
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s/feedback.jsonl", kbf_scratch());
    feedback_path = kb_buf_take(&b);
    if (!feedback_path || kb_server_new(s, feedback_path, &server) != KB_STATUS_SUCCESS)
        abort();
    return 0;
}

/* 1 if J holds a number that JSON cannot carry back (cJSON prints it as
 * null), so an echoed id may differ. */
static int has_nonfinite(const cJSON *j)
{
    if (cJSON_IsNumber(j) && !isfinite(j->valuedouble))
        return 1;
    for (const cJSON *c = j ? j->child : NULL; c; c = c->next)
        if (has_nonfinite(c))
            return 1;
    return 0;
}

static int one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* Does the line hold the escape \u0000?  The server refuses those before
 * parsing (cJSON would cut the string), so no id is echoed. */
static int has_nul_escape(const char *s, size_t len)
{
    for (size_t i = 0; i + 6 <= len; i++) {
        if (s[i] != '\\' || s[i + 1] != 'u' || memcmp(s + i + 2, "0000", 4) != 0)
            continue;
        size_t k = i;
        while (k > 0 && s[k - 1] == '\\')
            k--;
        if ((i - k) % 2 == 0)
            return 1;
    }
    return 0;
}

static void check_response(const uint8_t *data, size_t size, const char *resp)
{
    size_t n = strlen(resp);
    KBF_CHECK(n > 0 && !memchr(resp, '\n', n) && !memchr(resp, '\r', n),
              "response is not one line");
    KBF_CHECK(kb_utf8_valid(resp, n, NULL), "response is not valid UTF-8");
    cJSON *r = cJSON_ParseWithLength(resp, n);
    KBF_CHECK(cJSON_IsObject(r), "response is not a JSON object: %.200s", resp);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, "id");
    KBF_CHECK(id != NULL, "no \"id\" in %.200s", resp);
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(r, "error");

    /* The request as the server reads it, to know what to expect. */
    cJSON *req = NULL;
    if (size <= KB_SERVE_MAX_LINE && kb_utf8_valid((const char *)data, size, NULL)) {
        if (has_nul_escape((const char *)data, size)) {
            const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
            KBF_CHECK(cJSON_IsString(code) && strcmp(code->valuestring, "bad_request") == 0,
                      "\\u0000 not refused: %.200s", resp);
        } else {
            req = cJSON_ParseWithLengthOpts((const char *)data, size, NULL, 0);
        }
    }
    if (cJSON_IsObject(req)) {
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(req, "id");
        if (!want)
            KBF_CHECK(cJSON_IsNull(id), "id not null: %.200s", resp);
        else if (!has_nonfinite(want))
            KBF_CHECK(cJSON_Compare(want, id, 1), "id not echoed: %.200s", resp);
    }

    if (err) {
        static const char *const codes[] = {"bad_json", "bad_request", "too_large",
                                            "not_found", "index_error", NULL};
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(err, "code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "message");
        KBF_CHECK(cJSON_IsString(code) && one_of(code->valuestring, codes) &&
                      cJSON_IsString(msg) && msg->valuestring[0],
                  "bad error object: %.200s", resp);
        /* The fixture index is sound: index_error only for a missing log. */
        KBF_CHECK(strcmp(code->valuestring, "index_error") != 0, "index_error: %.300s", resp);
        KBF_CHECK(cJSON_GetArraySize(r) == 2, "error with other members: %.200s", resp);
    } else {
        KBF_CHECK(cJSON_IsObject(req), "a result for a request that is not an object, "
                                       "has \\u0000 or is not UTF-8");
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(req, "op");
        const char *name = cJSON_IsString(op) ? op->valuestring : "search";
        if (strcmp(name, "search") == 0) {
            const cJSON *res = cJSON_GetObjectItemCaseSensitive(r, "results");
            const cJSON *lim = cJSON_GetObjectItemCaseSensitive(req, "limit");
            int limit = cJSON_IsNumber(lim) ? (int)lim->valuedouble : KB_LIMIT_DEFAULT;
            KBF_CHECK(cJSON_IsArray(res) && cJSON_GetArraySize(res) <= limit &&
                          cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, "query")),
                      "search result: %.300s", resp);
            const cJSON *hit;
            cJSON_ArrayForEach(hit, res)
            {
                const cJSON *snip = cJSON_GetObjectItemCaseSensitive(hit, "snippet");
                const cJSON *hl = cJSON_GetObjectItemCaseSensitive(hit, "highlights");
                const cJSON *score = cJSON_GetObjectItemCaseSensitive(hit, "score");
                KBF_CHECK(cJSON_IsString(snip) && cJSON_IsArray(hl) && cJSON_IsNumber(score) &&
                              score->valuedouble >= 0 && score->valuedouble <= 1,
                          "hit: %.300s", resp);
                size_t slen = strlen(snip->valuestring);
                const cJSON *pair;
                cJSON_ArrayForEach(pair, hl)
                {
                    const cJSON *ja = cJSON_GetArrayItem(pair, 0);
                    const cJSON *jb = cJSON_GetArrayItem(pair, 1);
                    KBF_CHECK(cJSON_IsNumber(ja) && cJSON_IsNumber(jb), "highlight: %.300s", resp);
                    double a = ja->valuedouble, b = jb->valuedouble;
                    KBF_CHECK(a >= 0 && a < b && b <= (double)slen,
                              "highlight [%g, %g) outside a snippet of %zu bytes", a, b, slen);
                }
            }
        } else if (strcmp(name, "show") == 0) {
            KBF_CHECK(cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(r, "article")),
                      "show result: %.200s", resp);
        } else if (strcmp(name, "escalation") == 0) {
            KBF_CHECK(cJSON_GetObjectItemCaseSensitive(r, "escalation") != NULL,
                      "escalation result: %.200s", resp);
        } else {
            KBF_CHECK(strcmp(name, "feedback") == 0 || strcmp(name, "health") == 0,
                      "a result for op \"%s\"", name);
            KBF_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(r, "ok")),
                      "%s result: %.200s", name, resp);
        }
    }
    cJSON_Delete(req);
    cJSON_Delete(r);
}

/* With several lines, the input is also a session: kb_server_run() must
 * answer each line that is not blank (a CR before the newline dropped)
 * with one response line, in order. */
static void check_session(const uint8_t *data, size_t size)
{
    if (!memchr(data, '\n', size))
        return;
    FILE *in = fmemopen((void *)data, size, "r");
    char *obuf = NULL;
    size_t olen = 0;
    FILE *out = open_memstream(&obuf, &olen);
    if (!in || !out)
        abort();
    kb_status_t st = kb_server_run(server, in, out);
    fclose(in);
    fclose(out);
    KBF_CHECK(st == KB_STATUS_SUCCESS, "kb_server_run: %s", kb_status_to_string(st));
    const char *resp = obuf, *oend = obuf + olen;
    size_t i = 0;
    while (i < size) {
        const uint8_t *nl = memchr(data + i, '\n', size - i);
        size_t len = nl ? (size_t)(nl - (data + i)) : size - i;
        size_t next = i + len + 1;
        if (len && data[i + len - 1] == '\r')
            len--;
        size_t blank = 0;
        while (blank < len && (data[i + blank] == ' ' || data[i + blank] == '\t'))
            blank++;
        if (blank < len) {
            const char *e = memchr(resp, '\n', (size_t)(oend - resp));
            KBF_CHECK(e != NULL, "no response for the line at byte %zu", i);
            char *line = kb_strndup(resp, (size_t)(e - resp));
            if (!line)
                abort();
            check_response(data + i, len, line);
            free(line);
            resp = e + 1;
        }
        i = next;
    }
    KBF_CHECK(resp == oend, "more responses than requests: %.200s", resp);
    free(obuf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned runs;
    if (++runs % 4096 == 0)
        truncate(feedback_path, 0);
    kb_search_set_time(kbf_fixture_search(), kbf_time_for(data, size));
    char *resp = NULL;
    kb_status_t st = kb_server_handle(server, (const char *)data, size, &resp);
    KBF_CHECK(st == KB_STATUS_SUCCESS && resp, "kb_server_handle: %s", kb_status_to_string(st));
    if (kbf_verbose())
        kbf_say("serve: %zu bytes: %.300s%s", size, resp, strlen(resp) > 300 ? "..." : "");
    check_response(data, size, resp);
    free(resp);
    check_session(data, size);
    return 0;
}
