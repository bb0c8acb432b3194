/* cli-html.c - kb-index --report --html: the report as one self-contained
 * HTML page (no scripts, no external assets) with inline SVG charts:
 * searches per day by interface, searches not covered by similar wording,
 * alerts by kind, answers marked not helpful; then the lists an editor and
 * a supervisor act on.  Every text from the logs is escaped. */
#include "cli-report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

static const char *const COLORS[] = {"#2f6db5", "#e08a1e", "#3a9a5b", "#b5432f",
                                     "#7b5ab5", "#5aa6b5", "#8a8a8a"};
#define N_COLORS (sizeof COLORS / sizeof COLORS[0])

/* S escaped for HTML text and attribute values. */
static void esc(kb_buf_t *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': kb_buf_adds(b, "&lt;"); break;
        case '>': kb_buf_adds(b, "&gt;"); break;
        case '&': kb_buf_adds(b, "&amp;"); break;
        case '"': kb_buf_adds(b, "&quot;"); break;
        case '\'': kb_buf_adds(b, "&#39;"); break;
        default:
            if ((unsigned char)*s < 0x20)
                kb_buf_addc(b, ' ');
            else
                kb_buf_addc(b, *s);
        }
    }
}

static const char *sval(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static double nval(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A horizontal bar chart: one bar per LABELS[i] of VALUES[i]. */
static void hbars(kb_buf_t *b, const char *id, const char *title, char **labels,
                  const double *values, size_t n)
{
    double max = 1;
    for (size_t i = 0; i < n; i++)
        if (values[i] > max)
            max = values[i];
    int h = 24 * (int)(n ? n : 1) + 10;
    kb_buf_printf(b, "<h3>%s</h3>\n<svg class=\"chart\" id=\"%s\" data-points=\"%zu\" "
                     "width=\"720\" height=\"%d\" role=\"img\" aria-label=\"%s\">\n",
                  title, id, n, h, title);
    if (!n)
        kb_buf_adds(b, "<text x=\"4\" y=\"20\">nothing recorded</text>\n");
    for (size_t i = 0; i < n; i++) {
        double w = 420.0 * values[i] / max;
        int y = 5 + 24 * (int)i;
        kb_buf_printf(b, "<text x=\"250\" y=\"%d\" text-anchor=\"end\">", y + 15);
        esc(b, labels[i]);
        kb_buf_printf(b, "</text><rect class=\"bar\" x=\"258\" y=\"%d\" width=\"%.1f\" "
                         "height=\"18\" fill=\"%s\"><title>%g</title></rect>"
                         "<text x=\"%.1f\" y=\"%d\">%g</text>\n",
                      y, w < 1 ? 1 : w, COLORS[0], values[i], 264 + w, y + 15, values[i]);
    }
    kb_buf_adds(b, "</svg>\n");
}

/* An array of objects as a bar chart of KEY by COUNT, at most 15 bars. */
static void list_chart(kb_buf_t *b, const cJSON *arr, const char *id, const char *title,
                       const char *key, const char *count)
{
    char *labels[15];
    double values[15];
    size_t n = 0;
    const cJSON *x;
    cJSON_ArrayForEach(x, arr)
    {
        if (n == 15)
            break;
        labels[n] = (char *)sval(x, key);
        values[n++] = nval(x, count);
    }
    hbars(b, id, title, labels, values, n);
}

/* Searches per day, stacked by interface. */
static void days_chart(kb_buf_t *b, const cJSON *days)
{
    const char *ifs[N_COLORS];
    size_t n_if = 0, n_days = (size_t)cJSON_GetArraySize(days);
    double max = 1;
    const cJSON *d, *i;
    cJSON_ArrayForEach(d, days)
    {
        double sum = 0;
        cJSON_ArrayForEach(i, cJSON_GetObjectItemCaseSensitive(d, "interfaces"))
        {
            size_t k = 0;
            while (k < n_if && strcmp(ifs[k], i->string))
                k++;
            if (k == n_if && n_if < N_COLORS)
                ifs[n_if++] = i->string;
            sum += i->valuedouble;
        }
        if (sum > max)
            max = sum;
    }
    double bw = n_days ? 660.0 / (double)n_days : 660;
    if (bw > 40)
        bw = 40;
    kb_buf_printf(b, "<h3>Searches per day, by interface</h3>\n<svg class=\"chart\" "
                     "id=\"by-day\" data-points=\"%zu\" width=\"720\" height=\"260\" "
                     "role=\"img\" aria-label=\"Searches per day\">\n"
                     "<line x1=\"50\" y1=\"210\" x2=\"710\" y2=\"210\" stroke=\"#444\"/>"
                     "<text x=\"4\" y=\"24\">%g</text><text x=\"4\" y=\"210\">0</text>\n",
                  n_days, max);
    size_t col = 0;
    cJSON_ArrayForEach(d, days)
    {
        double y = 210, x = 52 + bw * (double)col++;
        for (size_t k = 0; k < n_if; k++) {
            double v = nval(cJSON_GetObjectItemCaseSensitive(d, "interfaces"), ifs[k]);
            double h = 190.0 * v / max;
            if (v <= 0)
                continue;
            y -= h;
            kb_buf_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                             "height=\"%.1f\" fill=\"%s\"><title>",
                          x, y, bw * 0.8, h, COLORS[k]);
            esc(b, sval(d, "day"));
            kb_buf_adds(b, " ");
            esc(b, ifs[k]);
            kb_buf_printf(b, ": %g</title></rect>\n", v);
        }
        if (col == 1 || col == n_days) {
            kb_buf_printf(b, "<text x=\"%.1f\" y=\"228\" font-size=\"11\">", x);
            esc(b, sval(d, "day"));
            kb_buf_adds(b, "</text>\n");
        }
    }
    for (size_t k = 0; k < n_if; k++) {
        kb_buf_printf(b, "<rect x=\"%zu\" y=\"240\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                         "<text x=\"%zu\" y=\"251\">",
                      60 + 130 * k, COLORS[k], 76 + 130 * k);
        esc(b, ifs[k]);
        kb_buf_adds(b, "</text>\n");
    }
    kb_buf_adds(b, "</svg>\n");
}

/* A table of ARR: columns KEYS (a string or number each), EXAMPLES under
 * the first when there are any. */
static void table(kb_buf_t *b, const char *title, const cJSON *arr, const char *const *keys,
                  const char *const *heads, size_t n_keys)
{
    kb_buf_printf(b, "<h3>%s</h3>\n", title);
    if (!cJSON_GetArraySize(arr)) {
        kb_buf_adds(b, "<p class=\"none\">none</p>\n");
        return;
    }
    kb_buf_adds(b, "<table><tr>");
    for (size_t k = 0; k < n_keys; k++)
        kb_buf_printf(b, "<th>%s</th>", heads[k]);
    kb_buf_adds(b, "</tr>\n");
    const cJSON *x, *e;
    cJSON_ArrayForEach(x, arr)
    {
        kb_buf_adds(b, "<tr>");
        for (size_t k = 0; k < n_keys; k++) {
            const cJSON *v = cJSON_IsString(x) ? x : cJSON_GetObjectItemCaseSensitive(x, keys[k]);
            kb_buf_adds(b, "<td>");
            if (cJSON_IsString(v))
                esc(b, v->valuestring);
            else if (cJSON_IsNumber(v))
                kb_buf_printf(b, "%g", v->valuedouble);
            if (k == 0) {
                const cJSON *ex = cJSON_GetObjectItemCaseSensitive(x, "examples");
                if (!ex)
                    ex = cJSON_GetObjectItemCaseSensitive(x, "queries");
                cJSON_ArrayForEach(e, ex)
                {
                    kb_buf_adds(b, "<div class=\"ex\">&ldquo;");
                    esc(b, cJSON_IsString(e) ? e->valuestring : "");
                    kb_buf_adds(b, "&rdquo;</div>");
                }
            }
            kb_buf_adds(b, "</td>");
        }
        kb_buf_adds(b, "</tr>\n");
    }
    kb_buf_adds(b, "</table>\n");
}

static void alerts_chart(kb_buf_t *b, const cJSON *alerts)
{
    char *labels[16];
    double values[16];
    size_t n = 0;
    const cJSON *a;
    cJSON_ArrayForEach(a, alerts)
    {
        if (n < 16) {
            labels[n] = a->string;
            values[n++] = a->valuedouble;
        }
    }
    hbars(b, "alerts", "Alerts raised, by kind", labels, values, n);
}

#define T(arr, title, ...)                                                                    \
    do {                                                                                      \
        static const char *const k_[] = {__VA_ARGS__};                                       \
        table(b, title, cJSON_GetObjectItemCaseSensitive(r, arr), k_, k_ + (sizeof k_ / sizeof *k_) / 2, \
              (sizeof k_ / sizeof *k_) / 2);                                                  \
    } while (0)

static void body(kb_buf_t *b, const cJSON *r)
{
    kb_buf_printf(b, "<h1>kb: searches, feedback and calls</h1>\n<p>%s%s &middot; %g calls, "
                     "%g searches in the search log, %g with no answer or not covered, "
                     "%g feedback marks</p>\n",
                  cJSON_IsString(cJSON_GetObjectItem(r, "since")) ? "since " : "all records",
                  sval(r, "since"), nval(r, "calls"), nval(r, "logged_searches"),
                  nval(r, "not_covered"), nval(r, "feedback"));
    kb_buf_adds(b, "<h2>Activity</h2>\n");
    days_chart(b, cJSON_GetObjectItemCaseSensitive(r, "by_day"));
    T("top_queries", "Top queries", "query", "count", "Query", "Searches");
    kb_buf_adds(b, "<h2>What to write next</h2>\n");
    list_chart(b, cJSON_GetObjectItemCaseSensitive(r, "not_covered_groups"), "not-covered",
               "Searches not covered, by similar wording", "words", "count");
    T("not_covered_groups", "Searches not covered, with examples", "words", "count",
      "no_results", "Words (stems)", "Searches", "No results at all");
    kb_buf_adds(b, "<h2>What to fix</h2>\n");
    list_chart(b, cJSON_GetObjectItemCaseSensitive(r, "not_helpful"), "not-helpful",
               "Answers marked not helpful", "id", "not_helpful");
    T("not_helpful", "Answers marked not helpful, and the queries that found them wanting", "id",
      "not_helpful", "helpful", "Article", "Not helpful", "Helpful");
    T("never_shown", "Articles never shown", "id", "Article");
    T("past_review", "Articles past review", "id", "review_by", "Article", "Review by");
    kb_buf_adds(b, "<h2>Calls</h2>\n");
    alerts_chart(b, cJSON_GetObjectItemCaseSensitive(r, "alerts"));
    T("escalation_paths", "Escalation paths used", "path", "count", "Path", "Calls");
    T("steps", "Steps walked", "steps", "count", "not_resolved", "Article#section", "Walked",
      "Not resolved");
    kb_buf_adds(b, "<h2>Learned phrasings waiting for review</h2>\n<p>In KB_DIR/_learned/: "
                   "edit or delete a line, or turn its &ldquo;+&rdquo; into "
                   "&ldquo;-&rdquo; to reject it for good.</p>\n");
    T("learned", "Learned phrasings, per article", "id", "phrasings", "Article", "Phrasings");
}

char *kbi_report_html(const cJSON *r)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                    "<title>kb report</title>\n<style>body{font:14px/1.4 sans-serif;margin:2em;"
                    "max-width:60em;color:#222}h2{border-bottom:1px solid #ccc;margin-top:2em}"
                    "table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;"
                    "text-align:left;vertical-align:top}.ex{color:#666;font-size:12px}"
                    ".none{color:#888}svg text{font:12px sans-serif;fill:#222}</style>"
                    "</head><body>\n");
    body(&b, r);
    kb_buf_adds(&b, "</body></html>\n");
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}
