/* kb-eval - relevance figures for a query set: hit@1, hit@3 and MRR@10, for
 * kb's ranking and for the plain baseline (same index, no spelling,
 * synonyms or boosts), with the misses.
 *
 *   kb-eval --db PATH [--quiet] QUERIES.tsv
 *
 * QUERIES.tsv: "query<TAB>expected-id" lines; '#' lines are comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb/search.h"

typedef struct figures {
    unsigned n, hit1, hit3;
    double mrr;
} figures_t;

/* Rank (1-based) of WANT in the top 10 for Q, 0 if absent. */
static int rank_of(kb_search_t *s, const char *q, const char *want, int plain, char *top,
                   size_t toplen)
{
    kb_request_t req = KB_REQUEST_INIT;
    req.q = q;
    req.limit = 10;
    req.plain = plain;
    kb_results_t *r;
    top[0] = '\0';
    if (kb_search_run(s, &req, &r) != KB_STATUS_SUCCESS)
        return 0;
    int rank = 0;
    for (size_t i = 0; i < r->n && !rank; i++)
        if (strcmp(r->hits[i].id, want) == 0)
            rank = (int)i + 1;
    if (r->n)
        snprintf(top, toplen, "%s", r->hits[0].id);
    kb_results_free(r);
    return rank;
}

static void add(figures_t *f, int rank)
{
    f->n++;
    f->hit1 += rank == 1;
    f->hit3 += rank >= 1 && rank <= 3;
    f->mrr += rank ? 1.0 / rank : 0.0;
}

static void print(const char *name, const figures_t *f)
{
    printf("%-9s hit@1 %.3f  hit@3 %.3f  MRR@10 %.3f  (%u queries)\n", name,
           f->n ? (double)f->hit1 / f->n : 0, f->n ? (double)f->hit3 / f->n : 0,
           f->n ? f->mrr / f->n : 0, f->n);
}

int main(int argc, char **argv)
{
    const char *db = NULL, *file = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else
            file = argv[i];
    }
    if (!db || !file) {
        fprintf(stderr, "usage: kb-eval --db PATH [--quiet] QUERIES.tsv\n");
        return 2;
    }
    kb_search_t *s;
    char *msg = NULL;
    if (kb_search_open(db, &s, &msg) != KB_STATUS_SUCCESS) {
        fprintf(stderr, "kb-eval: %s\n", msg ? msg : "cannot open the index");
        free(msg);
        return 3;
    }
    FILE *fp = fopen(file, "r");
    if (!fp) {
        perror(file);
        kb_search_close(s);
        return 3;
    }
    figures_t kb = {0}, base = {0};
    char line[4096], top[200], btop[200];
    while (fgets(line, sizeof line, fp)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *tab = strchr(line, '\t');
        if (line[0] == '#' || !tab)
            continue;
        *tab = '\0';
        const char *q = line, *want = tab + 1;
        int r = rank_of(s, q, want, 0, top, sizeof top);
        int b = rank_of(s, q, want, 1, btop, sizeof btop);
        add(&kb, r);
        add(&base, b);
        if (!quiet && r != 1)
            printf("%s  rank %2d  want %-30s got %-30s | %s\n",
                   r == 0 || r > 3 ? "MISS" : "low ", r, want, top, q);
    }
    fclose(fp);
    kb_search_close(s);
    print("kb", &kb);
    print("baseline", &base);
    return 0;
}
