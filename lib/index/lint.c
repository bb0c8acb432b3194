/* lint.c - kb_lint_run: check a KB folder without writing anything.  What
 * is an error is decided by check.c, which indexing runs use too. */
#include "kb/index.h"
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "scan.h"
#include "synonyms.h"
#include "base/buf.h"

kb_status_t kb_lint_run(const char *kb_dir, const char *today, kb_diags_t *diags,
                        size_t *articles, char **message)
{
    if (articles)
        *articles = 0;
    if (message)
        *message = NULL;
    char today_s[11];
    if (today) {
        snprintf(today_s, sizeof today_s, "%s", today);
    } else {
        time_t now = time(NULL);
        struct tm tm;
        localtime_r(&now, &tm);
        strftime(today_s, sizeof today_s, "%Y-%m-%d", &tm);
    }
    kbi_scan_t scan;
    kb_status_t st = kbi_scan(kb_dir, diags, &scan);
    if (st != KB_STATUS_SUCCESS) {
        if (message) {
            kb_buf_t m = KB_BUF_INIT;
            kb_buf_printf(&m, "cannot read the KB folder %s: %s", kb_dir, strerror(errno));
            *message = kb_buf_take(&m);
        }
        return st;
    }
    kbi_graph_t *g = NULL;
    st = kbi_graph_new(&g);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < scan.n; i++) {
        kb_article_t *a;
        kb_status_t ps = kb_article_load(scan.files[i].path, diags, &a);
        if (ps == KB_STATUS_OUT_OF_MEMORY)
            st = ps;
        if (ps != KB_STATUS_SUCCESS)
            continue;
        kb_schema_node_t node;
        int added = 0;
        st = kb_schema_node_of(a, &node);
        if (st == KB_STATUS_SUCCESS)
            st = kbi_graph_add(g, &node, &added);
        if (st == KB_STATUS_SUCCESS && !added) {
            const kb_schema_node_t *first = kbi_graph_get(g, a->id);
            kb_diags_add(diags, KB_DIAG_ERROR, a->path, 1, "duplicate id '%s' (also %s)", a->id,
                         first->path);
        }
        kb_schema_node_clear(&node);
        kb_article_free(a);
    }
    if (st == KB_STATUS_SUCCESS)
        st = kbi_graph_seal(g);
    if (st == KB_STATUS_SUCCESS)
        kbi_check_graph(g, today_s, 1, diags);
    if (st == KB_STATUS_SUCCESS && scan.synonyms) {
        kbi_synonyms_t syn;
        if (kbi_synonyms_load(scan.synonyms, diags, &syn) == KB_STATUS_SUCCESS)
            kbi_synonyms_free(&syn);
    }
    if (articles)
        *articles = kbi_graph_count(g);
    kbi_graph_free(g);
    kbi_scan_free(&scan);
    kb_diags_sort(diags);
    return st;
}
