/* fuzz_query.c - libFuzzer target: an officer's query string, through
 * kb_query_parse() and kb_query_format(), then a full kb_search_run() on
 * the index of tests/fixtures/kb-small.
 *
 * Checks: parse gives one of its documented statuses; the canonical form
 * is valid UTF-8 and parses back to the same items and filters (it is what
 * "did you mean" and the logs show); kb_search_run() gives one of its
 * documented statuses (the fixture index never fails) and results that
 * keep the contract of kb/search.h (ranks, scores, highlights inside the
 * snippet, at most LIMIT hits).  The request options (limit, offset,
 * explain, plain) come from a hash of the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "query/syntax.h"
#include "kb/search.h"
#include "base/buf.h"
#include "base/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    kbf_fixture_search();
    return 0;
}

/* As kb_query_parse() trims: space and the ASCII control characters. */
static int is_space(char c)
{
    return c == ' ' || (c >= 0 && c < 0x20) || c == 0x7f;
}

static int same_list(const kb_strlist_t *a, const kb_strlist_t *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->items[i], b->items[i]) != 0)
            return 0;
    return 1;
}

static int same_parse(const kb_qparsed_t *a, const kb_qparsed_t *b)
{
    if (a->n != b->n || !same_list(&a->categories, &b->categories) ||
        !same_list(&a->tags, &b->tags))
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->items[i].kind != b->items[i].kind || a->items[i].exclude != b->items[i].exclude ||
            strcmp(a->items[i].text, b->items[i].text) != 0)
            return 0;
    return 1;
}

static void check_parse(const char *q, size_t len)
{
    kb_qparsed_t p;
    kb_status_t st = kb_query_parse(q, len, &p);
    KBF_CHECK(st == KB_STATUS_SUCCESS || st == KB_STATUS_TOO_LARGE ||
                  st == KB_STATUS_PARSE_ERROR,
              "kb_query_parse: %s", kb_status_to_string(st));
    if (kbf_verbose())
        kbf_say("query: %zu bytes: parse: %s, %zu items, %zu categories, %zu tags", len,
                kb_status_to_string(st), p.n, p.categories.n, p.tags.n);
    if (st != KB_STATUS_SUCCESS) {
        KBF_CHECK(p.n == 0 && p.items == NULL, "items left after a failure");
        kb_qparsed_clear(&p);
        return;
    }
    for (size_t i = 0; i < p.n; i++)
        KBF_CHECK(p.items[i].text && p.items[i].text[0], "empty item %zu", i);
    char *f = kb_query_format(&p);
    KBF_CHECK(f && kb_utf8_valid(f, strlen(f), NULL), "format not UTF-8");
    /* The canonical form may be longer than the query it came from (an
     * unclosed quote gets closed, a filter value gets quotes), so past
     * the size limit it may be refused: compare with the trimmed input,
     * which is what kb_query_parse() measured. */
    size_t a = 0, b = len;
    while (a < b && is_space(q[a]))
        a++;
    while (b > a && is_space(q[b - 1]))
        b--;
    kb_qparsed_t again;
    st = kb_query_parse(f, strlen(f), &again);
    KBF_CHECK(st == KB_STATUS_SUCCESS || (st == KB_STATUS_TOO_LARGE && strlen(f) > b - a),
              "the canonical form '%s' does not parse: %s", f, kb_status_to_string(st));
    if (st == KB_STATUS_SUCCESS)
        KBF_CHECK(same_parse(&p, &again), "the canonical form '%s' parses differently", f);
    free(f);
    kb_qparsed_clear(&again);
    kb_qparsed_clear(&p);
}

static void check_results(const kb_request_t *req, const kb_results_t *r)
{
    unsigned limit = req->limit ? req->limit : KB_LIMIT_DEFAULT;
    KBF_CHECK(r->n <= limit, "%zu hits over the limit %u", r->n, limit);
    KBF_CHECK(r->query && kb_utf8_valid(r->query, strlen(r->query), NULL), "query");
    if (r->corrected) {
        /* "Did you mean" offers it as a query: it must be one. */
        kb_qparsed_t p;
        kb_status_t st = kb_query_parse(r->corrected, strlen(r->corrected), &p);
        kb_qparsed_clear(&p);
        KBF_CHECK(st == KB_STATUS_SUCCESS, "the corrected query '%s': %s", r->corrected,
                  kb_status_to_string(st));
    }
    for (size_t i = 0; i < r->n; i++) {
        const kb_hit_t *h = &r->hits[i];
        KBF_CHECK(h->rank == req->offset + i + 1, "hit %zu has rank %u", i, h->rank);
        KBF_CHECK(h->id && h->title && h->path && h->section && h->snippet,
                  "hit %zu has a NULL field", i);
        KBF_CHECK(kb_utf8_valid(h->snippet, strlen(h->snippet), NULL), "snippet not UTF-8");
        KBF_CHECK(h->score >= 0 && h->score <= 1, "score %g", h->score);
        size_t slen = strlen(h->snippet);
        for (size_t k = 0; k < h->n_highlights; k++)
            KBF_CHECK(h->highlights[k].start < h->highlights[k].end &&
                          h->highlights[k].end <= slen,
                      "highlight [%zu, %zu) outside a snippet of %zu bytes",
                      h->highlights[k].start, h->highlights[k].end, slen);
        KBF_CHECK(!h->n_explain || req->explain, "explain without asking");
    }
    if (r->escalation)
        for (size_t i = 0; i < r->escalation->n_path; i++)
            KBF_CHECK(r->escalation->path[i].id, "tier %zu without an id", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *q = (const char *)data;
    check_parse(q, size);

    /* kb_search_run() takes a C string: a NUL ends the query there. */
    char *s = kb_strndup(q, size);
    if (!s)
        return 0;
    uint64_t h = kb_hash64(data, size);
    kb_request_t req = KB_REQUEST_INIT;
    req.q = s;
    req.limit = (unsigned)(h % 16 == 0 ? KB_LIMIT_MAX + 1 : h % 12);
    req.offset = (unsigned)((h >> 8) % 4 == 0 ? (h >> 10) % 6 : 0);
    req.explain = (int)((h >> 16) & 1);
    req.plain = (h >> 17) % 4 == 0;
    static const char *const cats[] = {"troubleshooting", "Security"};
    static const char *const tags[] = {"card"};
    if ((h >> 20) % 8 == 0) {
        req.categories = cats;
        req.n_categories = 2;
    }
    if ((h >> 24) % 8 == 0) {
        req.tags = tags;
        req.n_tags = 1;
    }
    size_t slen = strlen(s);
    kb_search_t *search = kbf_fixture_search();
    kb_search_set_time(search, kbf_time_for(data, size));
    kb_results_t *r = (kb_results_t *)1;
    kb_status_t st = kb_search_run(search, &req, &r);
    if (req.limit > KB_LIMIT_MAX) {
        KBF_CHECK(st == KB_STATUS_BAD_ARGUMENT, "limit %u: %s", req.limit,
                  kb_status_to_string(st));
    } else {
        /* Whether the query is too large or not UTF-8, the parser says,
         * with the limit of a paste (KB_INPUT_MAX_BYTES). */
        kb_qparsed_t p;
        kb_status_t want = kb_query_parse_max(s, slen, KB_INPUT_MAX_BYTES, &p);
        kb_qparsed_clear(&p);
        KBF_CHECK(st == KB_STATUS_SUCCESS || st == want,
                  "kb_search_run: %s (the parser says %s): %s", kb_status_to_string(st),
                  kb_status_to_string(want), kb_search_last_error(search));
        KBF_CHECK(want == KB_STATUS_SUCCESS ? st == KB_STATUS_SUCCESS : st != KB_STATUS_SUCCESS,
                  "kb_search_run: %s, the parser says %s", kb_status_to_string(st),
                  kb_status_to_string(want));
    }
    if (kbf_verbose())
        kbf_say("  search (limit %u, offset %u%s%s): %s, %zu hits of %u%s%s", req.limit,
                req.offset, req.explain ? ", explain" : "", req.plain ? ", plain" : "",
                kb_status_to_string(st), st ? 0 : r->n, st ? 0 : r->total,
                st == KB_STATUS_SUCCESS && r->corrected ? ", corrected" : "",
                st == KB_STATUS_SUCCESS && r->notice ? ", with a notice" : "");
    if (st == KB_STATUS_SUCCESS) {
        KBF_CHECK(r && r != (kb_results_t *)1, "no results");
        /* A paste is searched by a passage of it, never over the limit. */
        KBF_CHECK(!r->searched || strlen(r->searched) <= KB_QUERY_MAX_BYTES,
                  "searched is %zu bytes", strlen(r->searched));
        KBF_CHECK(strlen(r->query) <= KB_QUERY_MAX_BYTES || r->searched,
                  "a %zu-byte query searched as typed", strlen(r->query));
        check_results(&req, r);
        kb_results_free(r);
    } else {
        KBF_CHECK(r == NULL, "*r not NULL on failure");
    }
    free(s);
    return 0;
}
