/* kb-eval - relevance figures: hit@1, hit@3 and MRR@10 for kb's ranking and
 * for the plain baseline (same index, no spelling, synonyms or boosts), and
 * on real customers' wording whether kb knows when it has no answer and
 * which calls it flags as fraud, scam, a vulnerable customer, a complaint
 * or frustration.
 *
 *   kb-eval --db PATH [--quiet] QUERIES.tsv
 *       A team set: "query<TAB>expected-id" lines; '#' lines are comments.
 *       Prints the misses, then a "kb ..." and a "baseline ..." line.
 *
 *   kb-eval --db PATH --real [--corpora DIR] [--dir DIR] [--misses] [--coverage]
 *       Every real-wording set: those generated at run time from the
 *       CLINC150 and NLU++ corpora in --corpora (else $KB_CORPORA, else
 *       ../shared/corpora) through DIR/real-wording-map.tsv (its comments
 *       say how), and the written sets DIR/not-covered-{tune,test}.tsv and
 *       DIR/risk-{tune,test}.tsv (DIR defaults to tests/relevance).  Each
 *       set has a tuning and a test half (sets clinc-, nlupp-, clinc-none-,
 *       nlupp-none-, clinc-oos-, written-none-, risk- and routine-, each
 *       -tune and -test).  One line per set and measure:
 *           kb        clinc-test        hit@1 0.456  hit@3 ...  (360 queries)
 *           baseline  clinc-test        hit@1 ...
 *           kb        clinc-test        flagged right@1 0.000 (0/164)  wrong@1 ...  all ...
 *           kb        clinc-oos-test    flagged 0.055 (55/1000)  no-results ...
 *           kb        risk-test         recall 0.000 (0/120)  any-alert ...  esc-warning ...
 *           kb        risk-test         recall[fraud] 0.000 (0/36)
 *           kb        routine-test      false-alarm 0.000 (0/434)  frustration ...  esc-warning ...
 *       flagged: covered == 0 (no confident answer); recall: every kind
 *       the line requires is among the alerts; false-alarm: a fraud, scam,
 *       vulnerable or complaint alert on a routine question; esc-warning:
 *       the escalation came from a trigger word or frustration cue (what
 *       kb did before alerts, for reference).
 *       --misses prints MISS lines for the tuning halves only; the test
 *       halves are reported as figures and never listed.
 *       --coverage prints how many examples each mapping rule took.
 *
 *   kb-eval --db PATH --real ... --dump SET
 *       Print the generated tuning set SET ("query<TAB>expected"), to check
 *       the mapping.  Test sets cannot be dumped.
 *
 * Exit status: 0 ok, 1 bad mapping or set file, 2 usage, 3 index or I/O
 * failure.
 */
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "base/buf.h"
#include "base/clock.h"
#include "base/file.h"
#include "kb/search.h"

/* ---------------------------------------------------------------- */
/* Team sets (the original output, grepped by tests/e2e/relevance.sh)  */

typedef struct figures {
    unsigned n, hit1, hit3;
    double mrr;
} figures_t;

/* 1 if ID is one of the '|'-separated ids of WANT. */
static int want_has(const char *want, const char *id)
{
    size_t len = strlen(id);
    for (const char *p = want; *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        if (n == len && strncmp(p, id, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

/* Run Q (top 10); *OUT is the results (caller frees) or NULL on failure. */
static kb_results_t *run(kb_search_t *s, const char *q, int plain)
{
    kb_request_t req = KB_REQUEST_INIT;
    req.q = q;
    req.limit = 10;
    req.plain = plain;
    kb_results_t *r = NULL;
    if (kb_search_run(s, &req, &r) != KB_STATUS_SUCCESS)
        return NULL;
    return r;
}

/* Rank (1-based) of any id of WANT in R's top 10, 0 if absent. */
static int rank_in(const kb_results_t *r, const char *want)
{
    for (size_t i = 0; r && i < r->n; i++)
        if (want_has(want, r->hits[i].id))
            return (int)i + 1;
    return 0;
}

/* Rank of WANT for Q; TOP gets the first answer's id. */
static int rank_of(kb_search_t *s, const char *q, const char *want, int plain, char *top,
                   size_t toplen)
{
    kb_results_t *r = run(s, q, plain);
    top[0] = '\0';
    int rank = rank_in(r, want);
    if (r && r->n)
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

static double share(unsigned a, unsigned n)
{
    return n ? (double)a / n : 0.0;
}

static void print(const char *name, const figures_t *f)
{
    printf("%-9s hit@1 %.3f  hit@3 %.3f  MRR@10 %.3f  (%u queries)\n", name, share(f->hit1, f->n),
           share(f->hit3, f->n), f->n ? f->mrr / f->n : 0, f->n);
}

/* What kb's lines are called: "kb", or a label for a learned index. */
static const char *who_label = "kb";
/* With a label: no baseline lines (the baseline does not learn). */
static int no_baseline;

static int team_set(kb_search_t *s, const char *file, int quiet)
{
    FILE *fp = fopen(file, "r");
    if (!fp) {
        perror(file);
        return 3;
    }
    figures_t kb = { 0 }, base = { 0 };
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
            printf("%s  rank %2d  want %-30s got %-30s | %s\n", r == 0 || r > 3 ? "MISS" : "low ",
                   r, want, top, q);
    }
    fclose(fp);
    print(who_label, &kb);
    if (!no_baseline)
        print("baseline", &base);
    return 0;
}

/* ---------------------------------------------------------------- */
/* Real-wording sets                                                  */

enum set_kind {
    SET_ANSWER,  /* "query<TAB>id|id": the KB answers it */
    SET_NONE,    /* the KB does not cover it: kb should flag it */
    SET_RISK,    /* "query<TAB>kinds": the alerts the call must raise */
    SET_ROUTINE, /* in-scope, not security: no fraud/scam/vulnerable/complaint alert */
};

typedef struct row {
    char *q;
    char *want; /* ids, kinds, or NULL */
} row_t;

typedef struct set {
    char name[64];
    enum set_kind kind;
    int tuning;
    row_t *rows;
    size_t n, cap;
} set_t;

/* A string set (normalised query texts), open addressing. */
typedef struct strset {
    char **slot;
    size_t cap, n;
} strset_t;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        fprintf(stderr, "kb-eval: out of memory\n");
        exit(3);
    }
    return q;
}

static char *xstrdup(const char *s)
{
    char *d = kb_strdup(s);
    if (!d) {
        fprintf(stderr, "kb-eval: out of memory\n");
        exit(3);
    }
    return d;
}

/* The key two texts share when they are "the same question": lower case,
 * letters and digits only, single spaces. */
static char *normalise(const char *s)
{
    char *d = xstrdup(s), *o = d;
    int space = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80) {
            if (space && o > d)
                *o++ = ' ';
            space = 0;
            *o++ = (char)*p;
        } else if (*p >= 'A' && *p <= 'Z') {
            if (space && o > d)
                *o++ = ' ';
            space = 0;
            *o++ = (char)(*p - 'A' + 'a');
        } else if (*p != '\'') {
            space = 1;
        }
    }
    *o = '\0';
    return d;
}

/* Add S (takes ownership); 0 if it was there already (S is freed). */
static int strset_add(strset_t *h, char *s)
{
    if ((h->n + 1) * 2 > h->cap) {
        strset_t g = { NULL, h->cap ? h->cap * 2 : 1024, 0 };
        g.slot = xrealloc(NULL, g.cap * sizeof *g.slot);
        memset(g.slot, 0, g.cap * sizeof *g.slot);
        for (size_t i = 0; i < h->cap; i++)
            if (h->slot[i])
                strset_add(&g, h->slot[i]);
        free(h->slot);
        *h = g;
    }
    size_t i = kb_hash64(s, strlen(s)) & (h->cap - 1);
    for (; h->slot[i]; i = (i + 1) & (h->cap - 1))
        if (strcmp(h->slot[i], s) == 0) {
            free(s);
            return 0;
        }
    h->slot[i] = s;
    h->n++;
    return 1;
}

static int strset_has(const strset_t *h, const char *s)
{
    if (!h->cap)
        return 0;
    for (size_t i = kb_hash64(s, strlen(s)) & (h->cap - 1); h->slot[i]; i = (i + 1) & (h->cap - 1))
        if (strcmp(h->slot[i], s) == 0)
            return 1;
    return 0;
}

static void strset_free(strset_t *h)
{
    for (size_t i = 0; i < h->cap; i++)
        free(h->slot[i]);
    free(h->slot);
    memset(h, 0, sizeof *h);
}

static void set_init(set_t *set, const char *name, enum set_kind kind, int tuning)
{
    memset(set, 0, sizeof *set);
    snprintf(set->name, sizeof set->name, "%.63s", name);
    set->kind = kind;
    set->tuning = tuning;
}

static void set_add(set_t *set, const char *q, const char *want)
{
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 64;
        set->rows = xrealloc(set->rows, set->cap * sizeof *set->rows);
    }
    /* One line per query: tabs and line breaks become spaces. */
    char *c = xstrdup(q);
    for (char *p = c; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
            *p = ' ';
    set->rows[set->n].q = c;
    set->rows[set->n].want = want ? xstrdup(want) : NULL;
    set->n++;
}

static void set_free(set_t *set)
{
    for (size_t i = 0; i < set->n; i++) {
        free(set->rows[i].q);
        free(set->rows[i].want);
    }
    free(set->rows);
    set->rows = NULL;
    set->n = set->cap = 0;
}

/* ---- the mapping (real-wording-map.tsv) ---- */

typedef struct cond {
    int neg;
    char *label; /* NULL for a regex */
    regex_t re;
} cond_t;

typedef struct rule {
    int line;
    int clinc;     /* 1: KEY is a CLINC150 intent; 0: NLU++ conditions */
    char *intent;  /* CLINC150 */
    cond_t *conds; /* NLU++ */
    size_t n_conds;
    char *target;     /* "id|id", "NONE" or "SKIP" */
    unsigned used[2]; /* examples taken: tuning, test */
} rule_t;

typedef struct map {
    rule_t *rules;
    size_t n;
} map_t;

static int is_none(const char *t)
{
    return strcmp(t, "NONE") == 0;
}

static int is_skip(const char *t)
{
    return strcmp(t, "SKIP") == 0;
}

static void map_free(map_t *m)
{
    for (size_t i = 0; i < m->n; i++) {
        rule_t *r = &m->rules[i];
        for (size_t j = 0; j < r->n_conds; j++) {
            if (r->conds[j].label)
                free(r->conds[j].label);
            else
                regfree(&r->conds[j].re);
        }
        free(r->conds);
        free(r->intent);
        free(r->target);
    }
    free(m->rules);
    memset(m, 0, sizeof *m);
}

/* 1 if every '|'-separated id of T names an article in the index. */
static int ids_exist(kb_search_t *s, const char *t, const char *file, int line)
{
    char *copy = xstrdup(t), *save = NULL;
    int ok = 1;
    for (char *id = strtok_r(copy, "|", &save); id; id = strtok_r(NULL, "|", &save)) {
        kb_article_t *a = NULL;
        if (kb_search_get_article(s, id, &a) != KB_STATUS_SUCCESS) {
            fprintf(stderr, "kb-eval: %s:%d: no article '%s' in the index\n", file, line, id);
            ok = 0;
        }
        kb_article_free(a);
    }
    free(copy);
    return ok;
}

/* Parse the mapping FILE into M; 1 on a bad line (reported), 3 on I/O. */
static int map_load(kb_search_t *s, const char *file, map_t *m)
{
    FILE *fp = fopen(file, "r");
    if (!fp) {
        perror(file);
        return 3;
    }
    char line[4096];
    int ln = 0, bad = 0;
    size_t cap = 0;
    while (fgets(line, sizeof line, fp)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        char *f[4] = { NULL, NULL, NULL, NULL }, *save = NULL;
        int nf = 0;
        for (char *t = strtok_r(line, "\t", &save); t && nf < 4; t = strtok_r(NULL, "\t", &save))
            f[nf++] = t;
        if (nf < 3 || (strcmp(f[0], "clinc") && strcmp(f[0], "nlupp"))) {
            fprintf(stderr, "kb-eval: %s:%d: want clinc|nlupp<TAB>KEY<TAB>TARGET\n", file, ln);
            bad = 1;
            continue;
        }
        if (!is_none(f[2]) && !is_skip(f[2]) && !ids_exist(s, f[2], file, ln)) {
            bad = 1;
            continue;
        }
        if (m->n == cap) {
            cap = cap ? cap * 2 : 64;
            m->rules = xrealloc(m->rules, cap * sizeof *m->rules);
        }
        rule_t *r = &m->rules[m->n];
        memset(r, 0, sizeof *r);
        r->line = ln;
        r->target = xstrdup(f[2]);
        if (f[0][0] == 'c') {
            r->clinc = 1;
            r->intent = xstrdup(f[1]);
            m->n++;
            continue;
        }
        /* NLU++: space-separated conditions, each "label", "!label",
         * "/regex/" or "!/regex/". */
        char *cs = f[1], *csave = NULL;
        for (char *t = strtok_r(cs, " ", &csave); t; t = strtok_r(NULL, " ", &csave)) {
            r->conds = xrealloc(r->conds, (r->n_conds + 1) * sizeof *r->conds);
            cond_t *c = &r->conds[r->n_conds];
            memset(c, 0, sizeof *c);
            c->neg = t[0] == '!';
            t += c->neg;
            size_t len = strlen(t);
            if (t[0] == '/') {
                /* A regex may hold spaces: take words up to the closing '/'. */
                kb_buf_t b = KB_BUF_INIT;
                kb_buf_adds(&b, t + 1);
                while (!(b.len && b.data[b.len - 1] == '/')) {
                    char *more = strtok_r(NULL, " ", &csave);
                    if (!more)
                        break;
                    kb_buf_addc(&b, ' ');
                    kb_buf_adds(&b, more);
                }
                if (!b.len || b.data[b.len - 1] != '/') {
                    fprintf(stderr, "kb-eval: %s:%d: unclosed /regex/\n", file, ln);
                    kb_buf_free(&b);
                    bad = 1;
                    break;
                }
                b.data[--b.len] = '\0';
                if (regcomp(&c->re, b.data, REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
                    fprintf(stderr, "kb-eval: %s:%d: bad regex /%s/\n", file, ln, b.data);
                    kb_buf_free(&b);
                    bad = 1;
                    break;
                }
                kb_buf_free(&b);
            } else if (len) {
                c->label = xstrdup(t);
            } else {
                fprintf(stderr, "kb-eval: %s:%d: empty condition\n", file, ln);
                bad = 1;
                break;
            }
            r->n_conds++;
        }
        m->n++;
        if (!r->n_conds) {
            fprintf(stderr, "kb-eval: %s:%d: no conditions\n", file, ln);
            bad = 1;
        }
    }
    fclose(fp);
    return bad;
}

static const rule_t *clinc_rule(map_t *m, const char *intent)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->rules[i].clinc && strcmp(m->rules[i].intent, intent) == 0)
            return &m->rules[i];
    return NULL;
}

/* The first NLU++ rule whose conditions TEXT and LABELS meet, or NULL. */
static rule_t *nlupp_rule(map_t *m, const char *text, cJSON *labels)
{
    for (size_t i = 0; i < m->n; i++) {
        rule_t *r = &m->rules[i];
        if (r->clinc)
            continue;
        int ok = 1;
        for (size_t j = 0; j < r->n_conds && ok; j++) {
            const cond_t *c = &r->conds[j];
            int has = 0;
            if (c->label) {
                cJSON *l;
                cJSON_ArrayForEach(l, labels)
                {
                    if (cJSON_IsString(l) && strcmp(l->valuestring, c->label) == 0)
                        has = 1;
                }
            } else {
                has = regexec(&c->re, text, 0, NULL, 0) == 0;
            }
            ok = has != c->neg;
        }
        if (ok)
            return r;
    }
    return NULL;
}

/* ---- generation from the corpora ---- */

static cJSON *json_file(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    if (kb_file_read(path, 64u << 20, &data, &len) != KB_STATUS_SUCCESS)
        return NULL;
    cJSON *j = cJSON_ParseWithLength(data, len);
    free(data);
    if (!j)
        fprintf(stderr, "kb-eval: %s: not valid JSON\n", path);
    return j;
}

static unsigned words(const char *s)
{
    unsigned n = 0;
    int in = 0;
    for (; *s; s++) {
        int w = *s != ' ' && *s != '\t' && *s != '\n';
        n += w && !in;
        in = w;
    }
    return n;
}

/* The sets generated from the corpora, tuning [0] and test [1]. */
typedef struct real {
    set_t answer[2][2]; /* [clinc, nlupp][tune, test] */
    set_t none[3][2];   /* [clinc in-domain, nlupp, clinc oos] */
    int have_clinc, have_nlupp;
    unsigned nlupp_short[2], nlupp_unmapped[2], dup_dropped[2][2];
} real_t;

/* Add TEXT to OUT unless it repeats one already kept in this half or, in
 * a test half, any tuning text (SEEN holds the normalised tuning texts). */
static void keep(set_t *out, strset_t *half, const strset_t *tuning, const char *text,
                 const char *want, unsigned *dropped)
{
    char *k = normalise(text);
    if (tuning && strset_has(tuning, k)) {
        free(k);
        (*dropped)++;
        return;
    }
    if (!strset_add(half, k)) {
        (*dropped)++;
        return;
    }
    set_add(out, text, want);
}

/* Element I of array E, or field NAME of object E, when it is a string;
 * else NULL (a malformed example is skipped). */
static const char *str_at(const cJSON *e, int i)
{
    const cJSON *v = cJSON_GetArrayItem(e, i);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *str_of(const cJSON *e, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(e, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* CLINC150: train+val tuning, test test; oos_* to the out-of-scope sets. */
static int gen_clinc(const char *corpora, map_t *m, real_t *rs)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/clinc150/data_full.json", corpora);
    cJSON *j = json_file(path);
    if (!j)
        return 0;
    const char *halves[2][2] = { { "train", "val" }, { "test", NULL } };
    const char *oos[2][2] = { { "oos_train", "oos_val" }, { "oos_test", NULL } };
    strset_t seen[2] = { { 0 } }, all_tune = { 0 };
    /* Every tuning text, mapped or not, so the test half holds no repeat. */
    for (int p = 0; p < 2; p++) {
        const char *const *ks = p ? oos[0] : halves[0];
        for (int k = 0; k < 2 && ks[k]; k++) {
            cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, ks[k]))
            {
                if (str_at(e, 0))
                    strset_add(&all_tune, normalise(str_at(e, 0)));
            }
        }
    }
    for (int h = 0; h < 2; h++) {
        for (int k = 0; k < 2 && halves[h][k]; k++) {
            cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, halves[h][k]))
            {
                const char *text = str_at(e, 0), *intent = str_at(e, 1);
                if (!text || !intent)
                    continue;
                rule_t *r = (rule_t *)clinc_rule(m, intent);
                if (!r)
                    continue;
                r->used[h]++;
                if (is_skip(r->target))
                    continue;
                if (is_none(r->target))
                    keep(&rs->none[0][h], &seen[h], h ? &all_tune : NULL, text, NULL,
                         &rs->dup_dropped[0][h]);
                else
                    keep(&rs->answer[0][h], &seen[h], h ? &all_tune : NULL, text, r->target,
                         &rs->dup_dropped[0][h]);
            }
        }
        for (int k = 0; k < 2 && oos[h][k]; k++) {
            cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, oos[h][k]))
            {
                if (str_at(e, 0))
                    keep(&rs->none[2][h], &seen[h], h ? &all_tune : NULL, str_at(e, 0), NULL,
                         &rs->dup_dropped[0][h]);
            }
        }
    }
    /* An intent named in the map but absent from the data is a typo. */
    int bad = 0;
    for (size_t i = 0; i < m->n; i++)
        if (m->rules[i].clinc && !m->rules[i].used[0]) {
            fprintf(stderr, "kb-eval: map line %d: no CLINC150 intent '%s'\n", m->rules[i].line,
                    m->rules[i].intent);
            bad = 1;
        }
    strset_free(&seen[0]);
    strset_free(&seen[1]);
    strset_free(&all_tune);
    cJSON_Delete(j);
    return bad ? -1 : 1;
}

#define NLUPP_FOLDS 20
#define NLUPP_TUNE_FOLDS 10 /* folds 0-9 tune, 10-19 test */
#define NLUPP_MIN_WORDS 3   /* shorter texts are dialogue fragments ("a cheque") */

static int gen_nlupp(const char *corpora, map_t *m, real_t *rs)
{
    cJSON *fold[NLUPP_FOLDS] = { NULL };
    char path[4096];
    int ok = 1;
    for (int f = 0; f < NLUPP_FOLDS && ok; f++) {
        snprintf(path, sizeof path, "%s/nlupp-banking/fold%d.json", corpora, f);
        ok = (fold[f] = json_file(path)) != NULL;
    }
    if (!ok) {
        for (int f = 0; f < NLUPP_FOLDS; f++)
            cJSON_Delete(fold[f]);
        return 0;
    }
    strset_t seen[2] = { { 0 } }, all_tune = { 0 }, labels = { 0 };
    for (int f = 0; f < NLUPP_FOLDS; f++) {
        cJSON *e;
        cJSON_ArrayForEach(e, fold[f])
        {
            if (f < NLUPP_TUNE_FOLDS && str_of(e, "text"))
                strset_add(&all_tune, normalise(str_of(e, "text")));
            cJSON *l;
            cJSON_ArrayForEach(l, cJSON_GetObjectItem(e, "intents"))
            {
                if (cJSON_IsString(l))
                    strset_add(&labels, xstrdup(l->valuestring));
            }
        }
    }
    for (int f = 0; f < NLUPP_FOLDS; f++) {
        int h = f >= NLUPP_TUNE_FOLDS;
        cJSON *e;
        cJSON_ArrayForEach(e, fold[f])
        {
            const char *text = str_of(e, "text");
            cJSON *ls = cJSON_GetObjectItem(e, "intents");
            if (!text || words(text) < NLUPP_MIN_WORDS) {
                rs->nlupp_short[h]++;
                continue;
            }
            rule_t *r = nlupp_rule(m, text, ls);
            if (!r) {
                rs->nlupp_unmapped[h]++;
                continue;
            }
            r->used[h]++;
            if (is_skip(r->target))
                continue;
            if (is_none(r->target))
                keep(&rs->none[1][h], &seen[h], h ? &all_tune : NULL, text, NULL,
                     &rs->dup_dropped[1][h]);
            else
                keep(&rs->answer[1][h], &seen[h], h ? &all_tune : NULL, text, r->target,
                     &rs->dup_dropped[1][h]);
        }
    }
    /* A label no example carries is a typo in the map. */
    int bad = 0;
    for (size_t i = 0; i < m->n; i++)
        for (size_t c = 0; c < m->rules[i].n_conds; c++) {
            const char *l = m->rules[i].conds[c].label;
            if (l && !strset_has(&labels, l)) {
                fprintf(stderr, "kb-eval: map line %d: no NLU++ label '%s'\n", m->rules[i].line, l);
                bad = 1;
            }
        }
    strset_free(&seen[0]);
    strset_free(&seen[1]);
    strset_free(&all_tune);
    strset_free(&labels);
    for (int f = 0; f < NLUPP_FOLDS; f++)
        cJSON_Delete(fold[f]);
    return bad ? -1 : 1;
}

/* Read a written set: "question[<TAB>column]" lines, '#' comments.  With
 * NEED_COLUMN the second column is required (the risk kinds). */
static int read_set(const char *file, set_t *set, int need_column)
{
    FILE *fp = fopen(file, "r");
    if (!fp) {
        perror(file);
        return 3;
    }
    char line[4096];
    int ln = 0, bad = 0;
    while (fgets(line, sizeof line, fp)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *tab = strchr(line, '\t');
        if (tab)
            *tab = '\0';
        if (need_column && (!tab || !tab[1])) {
            fprintf(stderr, "kb-eval: %s:%d: want question<TAB>kinds\n", file, ln);
            bad = 1;
            continue;
        }
        set_add(set, line, need_column ? tab + 1 : NULL);
    }
    fclose(fp);
    return bad;
}

/* ---- measuring ---- */

static const char *const RISK_KINDS[] = { "fraud", "scam", "vulnerable", "complaint",
                                          "frustration" };

static int has_alert(const kb_results_t *r, const char *kind)
{
    for (size_t i = 0; r && i < r->n_alerts; i++)
        if (r->alerts[i].kind && strcmp(r->alerts[i].kind, kind) == 0)
            return 1;
    return 0;
}

/* The alert kinds of R, comma-separated, into BUF. */
static const char *alert_list(const kb_results_t *r, char *buf, size_t len)
{
    buf[0] = '\0';
    size_t o = 0;
    for (size_t i = 0; r && i < r->n_alerts && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? "," : "",
                              r->alerts[i].kind ? r->alerts[i].kind : "?");
    return buf[0] ? buf : "(none)";
}

/* 1 if the kinds spec is valid: comma-separated groups of '|'-separated
 * kinds from RISK_KINDS. */
static int kinds_valid(const char *spec)
{
    if (!*spec)
        return 0;
    char *copy = xstrdup(spec), *s1 = NULL;
    int ok = 1;
    for (char *g = strtok_r(copy, ",", &s1); g && ok; g = strtok_r(NULL, ",", &s1)) {
        char *s2 = NULL;
        int any = 0;
        for (char *k = strtok_r(g, "|", &s2); k && ok; k = strtok_r(NULL, "|", &s2)) {
            any = 1;
            ok = 0;
            for (size_t i = 0; i < sizeof RISK_KINDS / sizeof *RISK_KINDS; i++)
                ok |= strcmp(k, RISK_KINDS[i]) == 0;
        }
        ok &= any;
    }
    free(copy);
    return ok;
}

/* Per-group recall on a risk set: one counter per distinct group ("fraud",
 * "scam|fraud", ...). */
typedef struct group {
    char name[64];
    unsigned n, hit;
} group_t;

static group_t *group_get(group_t *g, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(g[i].name, name) == 0)
            return &g[i];
    if (*n == 32)
        return NULL;
    snprintf(g[*n].name, sizeof g[*n].name, "%s", name);
    g[*n].n = g[*n].hit = 0;
    return &g[(*n)++];
}

static int group_cmp(const void *a, const void *b)
{
    return strcmp(((const group_t *)a)->name, ((const group_t *)b)->name);
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if R raised every group of SPEC; counts each group in G under its
 * kinds in alphabetical order, so "scam|fraud" and "fraud|scam" are one. */
static int risk_met(const kb_results_t *r, const char *spec, group_t *g, size_t *ng)
{
    char *copy = xstrdup(spec), *s1 = NULL;
    int all = 1;
    for (char *grp = strtok_r(copy, ",", &s1); grp; grp = strtok_r(NULL, ",", &s1)) {
        char *alts = xstrdup(grp), *s2 = NULL, *kind[8];
        size_t nk = 0;
        int met = 0;
        for (char *k = strtok_r(alts, "|", &s2); k && nk < 8; k = strtok_r(NULL, "|", &s2)) {
            met |= has_alert(r, k);
            kind[nk++] = k;
        }
        qsort(kind, nk, sizeof *kind, str_cmp);
        char name[64] = "";
        for (size_t i = 0, o = 0; i < nk && o < sizeof name; i++)
            o += (size_t)snprintf(name + o, sizeof name - o, "%s%s", i ? "|" : "", kind[i]);
        group_t *c = group_get(g, ng, name);
        free(alts);
        if (c) {
            c->n++;
            c->hit += met;
        }
        all &= met;
    }
    free(copy);
    return all;
}

/* ---- long input: the questions inside a pasted chat or email ---- */

/* Three pastes an officer might make, written by the team: a chat with
 * the bank's turns, an email with a signature and the bank's earlier reply
 * quoted under it, and a customer's long message with no labels.  Each is
 * over KB_QUERY_MAX_BYTES with any question, so kb condenses it; the
 * bank's words in them (verification, addresses, a fraud warning) are
 * there to be left out. */
static const char *const LONG_BEFORE[3] = {
    "[10:02] Agent: Hello, you're through to the help desk, my name is Sam. How can I help "
    "you today?\n"
    "[10:03] Customer: hi there, hope you are well\n"
    "[10:03] Customer: ",
    "Subject: Enquiry\n"
    "\n"
    "Dear Sir or Madam,\n"
    "\n",
    "Hello, I hope someone can help me with this. I have been with you for a few years now "
    "and I have never had to get in touch before, so I am not really sure if this is the right "
    "place to ask, but here goes. ",
};
static const char *const LONG_AFTER[3] = {
    "\n"
    "[10:04] Agent: Thank you for waiting. I'm sorry to hear that. Before I look into this, can "
    "you confirm your full name, the first line of your address and your date of birth please?\n"
    "[10:05] Customer: yes its Jamie Taylor, 14 Orchard Lane, born 3rd of March 1985\n"
    "[10:05] Agent: Thank you Jamie, you're now verified. Let me have a look at this for you, "
    "it will take a couple of minutes. Please bear with me while I check the account, your "
    "recent card transactions and your statements.\n"
    "[10:07] Customer: ok thanks\n"
    "[10:08] Agent: Thanks for your patience, I appreciate it. I'm just checking a few things on "
    "our system now. Can I ask whether anyone has contacted you claiming to be from the bank, "
    "or asked you to move money or share a security code?\n"
    "[10:09] Agent: Are you still there?\n",
    "\n"
    "\n"
    "I would be grateful for a reply as soon as you can, as I could not get through on the "
    "phone earlier.\n"
    "\n"
    "Kind regards,\n"
    "Jamie Taylor\n"
    "14 Orchard Lane, Leeds LS1 4AB\n"
    "Mobile: 07700 900123\n"
    "Sent from my iPhone\n"
    "\n"
    "-----Original Message-----\n"
    "From: Customer Services <help@bank.example>\n"
    "Sent: 02 December 2026 16:40\n"
    "Subject: Your recent enquiry\n"
    "\n"
    "Thank you for contacting us. We have received your message and one of our team will be in "
    "touch within two working days. Please never share your card number, PIN, passcode or "
    "security codes by email. If you think you have been the victim of fraud or a scam, call us "
    "straight away on the number on the back of your card. You can also manage your cards, "
    "payments and statements in the app.\n",
    " I have tried to sort it out myself first and had a look around the website and the help "
    "pages but could not find anything that answered it, which is why I am writing. I would "
    "really like to get this sorted this week if at all possible because I am going away at the "
    "weekend and I will not have much time after that. Thank you in advance for looking into it "
    "for me, and sorry for the long message, I just wanted to give you all the details in one "
    "go.\n",
};

/* DST gets SRC's questions, each inside one of the pastes in turn, named
 * "long-" and SRC's name. */
static void long_copy(const set_t *src, set_t *dst)
{
    char name[80];
    snprintf(name, sizeof name, "long-%.58s", src->name);
    set_init(dst, name, src->kind, src->tuning);
    dst->cap = src->n ? src->n : 1;
    dst->rows = xrealloc(NULL, dst->cap * sizeof *dst->rows);
    for (size_t i = 0; i < src->n; i++) {
        size_t t = i % 3;
        kb_buf_t b = KB_BUF_INIT;
        kb_buf_printf(&b, "%s%s%s", LONG_BEFORE[t], src->rows[i].q, LONG_AFTER[t]);
        while (!b.oom && b.len <= KB_QUERY_MAX_BYTES)
            kb_buf_adds(&b, "\nThanks again.\n");
        dst->rows[i].q = kb_buf_take(&b);
        if (!dst->rows[i].q) {
            fprintf(stderr, "kb-eval: out of memory\n");
            exit(3);
        }
        dst->rows[i].want = src->rows[i].want ? xstrdup(src->rows[i].want) : NULL;
        dst->n++;
    }
}

static void line_head(const char *who, const set_t *set)
{
    printf("%-9s %-18s", who, set->name);
}

static void frac(const char *label, unsigned a, unsigned n)
{
    printf("  %s %.3f (%u/%u)", label, share(a, n), a, n);
}

static unsigned errors;

/* 1 if R's escalation was set off by a trigger word or a frustration cue:
 * the warning kb gave before it had alerts, kept as a reference. */
static int esc_warned(const kb_results_t *r)
{
    return r && r->escalation && r->escalation->kind &&
           (!strcmp(r->escalation->kind, "trigger") || !strcmp(r->escalation->kind, "cue"));
}

static void measure_answer(kb_search_t *s, const set_t *set, int misses)
{
    figures_t kb = { 0 }, base = { 0 };
    unsigned right = 0, right_flag = 0, wrong = 0, wrong_flag = 0, flag = 0;
    for (size_t i = 0; i < set->n; i++) {
        const row_t *row = &set->rows[i];
        kb_results_t *r = run(s, row->q, 0), *b = no_baseline ? NULL : run(s, row->q, 1);
        errors += !r + (!b && !no_baseline);
        int rk = rank_in(r, row->want), bk = rank_in(b, row->want);
        add(&kb, rk);
        add(&base, bk);
        int flagged = r && !r->covered;
        flag += flagged;
        if (rk == 1) {
            right++;
            right_flag += flagged;
        } else {
            wrong++;
            wrong_flag += flagged;
        }
        if (misses && set->tuning && (rk != 1 || flagged))
            printf("%s %-13s rank %2d  want %-30s got %-30s%s | %s\n",
                   rk == 1             ? "FLAG"
                   : rk == 0 || rk > 3 ? "MISS"
                                       : "low ",
                   set->name, rk, row->want, r && r->n ? r->hits[0].id : "(nothing)",
                   flagged ? " [flagged]" : "", row->q);
        kb_results_free(r);
        kb_results_free(b);
    }
    line_head(who_label, set);
    printf("hit@1 %.3f  hit@3 %.3f  MRR@10 %.3f  (%u queries)\n", share(kb.hit1, kb.n),
           share(kb.hit3, kb.n), kb.n ? kb.mrr / kb.n : 0, kb.n);
    if (!no_baseline) {
        line_head("baseline", set);
        printf("hit@1 %.3f  hit@3 %.3f  MRR@10 %.3f  (%u queries)\n", share(base.hit1, base.n),
               share(base.hit3, base.n), base.n ? base.mrr / base.n : 0, base.n);
    }
    line_head(who_label, set);
    printf("flagged right@1 %.3f (%u/%u)", share(right_flag, right), right_flag, right);
    frac("wrong@1", wrong_flag, wrong);
    frac("all", flag, set->n);
    printf("\n");
}

static void measure_none(kb_search_t *s, const set_t *set, int misses)
{
    unsigned flag = 0, empty = 0;
    for (size_t i = 0; i < set->n; i++) {
        kb_results_t *r = run(s, set->rows[i].q, 0);
        errors += !r;
        int flagged = !r || !r->covered;
        flag += flagged;
        empty += r && r->n == 0;
        if (misses && set->tuning && !flagged)
            printf("MISS %-13s answered %-30s conf %.2f | %s\n", set->name, r->hits[0].id,
                   r->hits[0].confidence, set->rows[i].q);
        kb_results_free(r);
    }
    line_head(who_label, set);
    printf("flagged %.3f (%u/%zu)", share(flag, (unsigned)set->n), flag, set->n);
    frac("no-results", empty, (unsigned)set->n);
    printf("\n");
}

static void measure_risk(kb_search_t *s, const set_t *set, int misses)
{
    group_t g[32];
    size_t ng = 0;
    unsigned met = 0, any = 0, warned = 0;
    char buf[256];
    for (size_t i = 0; i < set->n; i++) {
        kb_results_t *r = run(s, set->rows[i].q, 0);
        errors += !r;
        int ok = risk_met(r, set->rows[i].want, g, &ng);
        met += ok;
        any += r && r->n_alerts > 0;
        warned += esc_warned(r);
        if (misses && set->tuning && !ok)
            printf("MISS %-13s want %-24s got %-24s | %s\n", set->name, set->rows[i].want,
                   alert_list(r, buf, sizeof buf), set->rows[i].q);
        kb_results_free(r);
    }
    line_head(who_label, set);
    printf("recall %.3f (%u/%zu)", share(met, (unsigned)set->n), met, set->n);
    frac("any-alert", any, (unsigned)set->n);
    frac("esc-warning", warned, (unsigned)set->n);
    printf("\n");
    qsort(g, ng, sizeof *g, group_cmp);
    for (size_t i = 0; i < ng; i++) {
        line_head(who_label, set);
        printf("recall[%s] %.3f (%u/%u)\n", g[i].name, share(g[i].hit, g[i].n), g[i].hit, g[i].n);
    }
}

static void measure_routine(kb_search_t *s, const set_t *set, int misses)
{
    unsigned alarm = 0, frustration = 0, warned = 0;
    char buf[256];
    for (size_t i = 0; i < set->n; i++) {
        kb_results_t *r = run(s, set->rows[i].q, 0);
        errors += !r;
        warned += esc_warned(r);
        int a = 0;
        for (size_t k = 0; k < 4; k++)
            a |= has_alert(r, RISK_KINDS[k]);
        alarm += a;
        frustration += has_alert(r, "frustration");
        if (misses && set->tuning && a)
            printf("MISS %-13s false alarm %-24s | %s\n", set->name, alert_list(r, buf, sizeof buf),
                   set->rows[i].q);
        kb_results_free(r);
    }
    line_head(who_label, set);
    printf("false-alarm %.3f (%u/%zu)", share(alarm, (unsigned)set->n), alarm, set->n);
    frac("frustration", frustration, (unsigned)set->n);
    frac("esc-warning", warned, (unsigned)set->n);
    printf("\n");
}

static void measure(kb_search_t *s, const set_t *set, int misses)
{
    if (!set->n)
        return;
    switch (set->kind) {
    case SET_ANSWER:
        measure_answer(s, set, misses);
        break;
    case SET_NONE:
        measure_none(s, set, misses);
        break;
    case SET_RISK:
        measure_risk(s, set, misses);
        break;
    case SET_ROUTINE:
        measure_routine(s, set, misses);
        break;
    }
}


/* ---------------------------------------------------------------- */
/* Learning: the tuning halves fed as officers' marks                 */

/* What --feed, --fold and --learned ask for. */
typedef struct learn_opts {
    int feed;            /* feed marks through the server in SERVE */
    unsigned per;        /* marks per article at most (0: every row) */
    double wrong;        /* share of marks pointing at a wrong article */
    unsigned long seed;
    int hold;            /* 0-4: leave fold HOLD out of the marks, and
                            score it (tuning rows only); -1: none */
    char **serve;        /* the server's argv */
    int learned;         /* measure only what learning moves */
} learn_opts_t;

#define FOLDS 5

/* The fold (0..FOLDS-1) a tuning question falls in, by its words. */
static unsigned fold_of(const char *q)
{
    char *k = normalise(q);
    unsigned f = (unsigned)(kb_hash64(k, strlen(k)) % FOLDS);
    free(k);
    return f;
}

static unsigned long lcg(unsigned long *st)
{
    *st = *st * 6364136223846793005UL + 1442695040888963407UL;
    return *st >> 33;
}

/* A server the marks go through, as any client would send them. */
typedef struct feeder {
    pid_t pid;
    FILE *to, *from;
} feeder_t;

static int feeder_start(feeder_t *f, char **argv)
{
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0)
        return 0;
    f->pid = fork();
    if (f->pid < 0)
        return 0;
    if (f->pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        close(in[0]), close(in[1]), close(out[0]), close(out[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    f->to = fdopen(in[1], "w");
    f->from = fdopen(out[0], "r");
    return f->to && f->from;
}

/* Send REQ (freed), read the response (caller frees; NULL on failure). */
static cJSON *feeder_call(feeder_t *f, cJSON *req)
{
    char *line = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    if (!line || fprintf(f->to, "%s\n", line) < 0 || fflush(f->to) != 0) {
        free(line);
        return NULL;
    }
    free(line);
    char *resp = NULL;
    size_t cap = 0;
    cJSON *r = getline(&resp, &cap, f->from) > 0 ? cJSON_Parse(resp) : NULL;
    free(resp);
    return r;
}

static int feeder_end(feeder_t *f)
{
    int status = 0;
    if (f->to)
        fclose(f->to);
    if (f->from)
        fclose(f->from);
    if (f->pid > 0)
        waitpid(f->pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The first id a row's answer names. */
static void first_id(const char *want, char *out, size_t size)
{
    snprintf(out, size, "%.*s", (int)strcspn(want, "|"), want);
}

typedef struct mark {
    const row_t *row;
    char target[128];
} mark_t;

/* One mark: a search, then "helpful" for ARTICLE naming its query id. */
static int send_mark(feeder_t *f, const char *q, const char *article, unsigned n)
{
    cJSON *req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "op", "search");
    cJSON_AddStringToObject(req, "q", q);
    cJSON_AddNumberToObject(req, "limit", 3);
    cJSON *r = feeder_call(f, req);
    const char *qid = str_of(r, "query_id");
    char call[32], officer[32];
    snprintf(call, sizeof call, "eval-%u", n);
    snprintf(officer, sizeof officer, "officer-%u", n % 40);
    req = cJSON_CreateObject();
    cJSON_AddStringToObject(req, "op", "feedback");
    cJSON_AddStringToObject(req, "q", q);
    cJSON_AddStringToObject(req, "article", article);
    cJSON_AddBoolToObject(req, "helpful", 1);
    if (qid)
        cJSON_AddStringToObject(req, "query_id", qid);
    cJSON_AddStringToObject(req, "call", call);
    cJSON_AddStringToObject(req, "officer", officer);
    cJSON_Delete(r);
    r = feeder_call(f, req);
    int ok = r && cJSON_IsTrue(cJSON_GetObjectItem(r, "ok"));
    cJSON_Delete(r);
    return ok;
}

/* Feed the tuning halves' questions as helpful marks: each for the
 * article the map names (a share WRONG for another), at most PER per
 * article, in a random order (SEED); the sentences are never printed. */
static int feed(const real_t *rs, const learn_opts_t *lo)
{
    size_t n = 0, cap = rs->answer[0][0].n + rs->answer[1][0].n;
    mark_t *m = xrealloc(NULL, (cap ? cap : 1) * sizeof *m);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < rs->answer[k][0].n; i++) {
            const row_t *row = &rs->answer[k][0].rows[i];
            if (lo->hold >= 0 && fold_of(row->q) == (unsigned)lo->hold)
                continue;
            m[n].row = row;
            first_id(row->want, m[n].target, sizeof m[n].target);
            n++;
        }
    unsigned long st = lo->seed;
    for (size_t i = n; i > 1; i--) {
        size_t j = lcg(&st) % i;
        mark_t t = m[i - 1];
        m[i - 1] = m[j];
        m[j] = t;
    }
    /* The articles marked, and at most PER marks each. */
    char (*ids)[128] = xrealloc(NULL, (n ? n : 1) * sizeof *ids);
    unsigned *count = calloc(n ? n : 1, sizeof *count);
    size_t n_ids = 0, kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = 0;
        while (a < n_ids && strcmp(ids[a], m[i].target))
            a++;
        if (a == n_ids)
            memcpy(ids[n_ids++], m[i].target, sizeof ids[0]);
        if (!lo->per || count[a] < lo->per) {
            count[a]++;
            m[kept++] = m[i];
        }
    }
    feeder_t f = {0, NULL, NULL};
    unsigned sent = 0, wrong = 0, failed = 0;
    if (!feeder_start(&f, lo->serve)) {
        fprintf(stderr, "kb-eval: cannot start %s\n", lo->serve[0]);
        failed = 1;
    }
    for (size_t i = 0; !failed && i < kept; i++) {
        const char *article = m[i].target;
        if (n_ids > 1 && lcg(&st) % 10000 < (unsigned long)(lo->wrong * 10000)) {
            size_t a;
            do
                a = lcg(&st) % n_ids;
            while (!strcmp(ids[a], article));
            article = ids[a];
            wrong++;
        }
        if (send_mark(&f, m[i].row->q, article, (unsigned)i))
            sent++;
        else
            failed++;
    }
    int ended = feeder_end(&f);
    printf("feed: %u marks (%u for a wrong article) for %zu articles\n", sent, wrong, n_ids);
    if (lo->per)
        printf("feed: at most %u marks per article\n", lo->per);
    free(m);
    free(ids);
    free(count);
    return failed || !ended ? 3 : 0;
}

/* The tuning questions of fold HOLD, as sets of their own. */
static void fold_sets(const real_t *rs, int hold, set_t out[2])
{
    const char *name[2] = {"clinc-fold", "nlupp-fold"};
    for (int k = 0; k < 2; k++) {
        set_init(&out[k], name[k], SET_ANSWER, 1);
        for (size_t i = 0; i < rs->answer[k][0].n; i++)
            if (fold_of(rs->answer[k][0].rows[i].q) == (unsigned)hold)
                set_add(&out[k], rs->answer[k][0].rows[i].q, rs->answer[k][0].rows[i].want);
    }
}

/* --feed, --fold, --learned: what learning needs instead of every set.
 * Returns -1 when none was asked for. */
static int learning(kb_search_t *s, const real_t *rs, set_t *own_test, const learn_opts_t *lo,
                    int misses)
{
    if (lo->feed)
        return feed(rs, lo);
    if (lo->hold >= 0) {
        set_t f[2];
        fold_sets(rs, lo->hold, f);
        for (int k = 0; k < 2; k++) {
            measure(s, &f[k], misses);
            set_free(&f[k]);
        }
        for (int k = 0; k < 3; k++)
            measure(s, &rs->none[k][0], 0);
        return 0;
    }
    if (lo->learned) {
        const set_t *sets[] = {&rs->answer[0][1], &rs->answer[1][1], &rs->none[0][1],
                               &rs->none[1][1], &rs->none[2][1], own_test};
        for (size_t i = 0; i < sizeof sets / sizeof *sets; i++)
            measure(s, sets[i], 0);
        return 0;
    }
    return -1;
}

/* The category of article ID ("" if unknown), cached in CACHE. */
typedef struct cat {
    char id[128];
    char category[32];
} cat_t;

static const char *category_of(kb_search_t *s, const char *id, cat_t *cache, size_t *n)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(cache[i].id, id) == 0)
            return cache[i].category;
    if (*n == 256)
        return "";
    cat_t *c = &cache[(*n)++];
    snprintf(c->id, sizeof c->id, "%s", id);
    c->category[0] = '\0';
    kb_article_t *a = NULL;
    if (kb_search_get_article(s, id, &a) == KB_STATUS_SUCCESS && a->category)
        snprintf(c->category, sizeof c->category, "%s", a->category);
    kb_article_free(a);
    return c->category;
}

/* Routine calls: the in-scope questions none of whose answers is a
 * security article or the fraud team. */
static void gen_routine(kb_search_t *s, real_t *rs, set_t routine[2])
{
    cat_t cache[256];
    size_t nc = 0;
    for (int h = 0; h < 2; h++)
        for (int src = 0; src < 2; src++) {
            const set_t *a = &rs->answer[src][h];
            for (size_t i = 0; i < a->n; i++) {
                char *copy = xstrdup(a->rows[i].want), *save = NULL;
                int risky = 0;
                for (char *id = strtok_r(copy, "|", &save); id; id = strtok_r(NULL, "|", &save))
                    risky |= !strcmp(category_of(s, id, cache, &nc), "security") ||
                             !strcmp(id, "fraud-disputes");
                free(copy);
                if (!risky)
                    set_add(&routine[h], a->rows[i].q, NULL);
            }
        }
}

static void print_coverage(const map_t *m, const real_t *rs)
{
    unsigned c[3] = { 0 }, u[3][2] = { { 0 } };
    for (size_t i = 0; i < m->n; i++) {
        const rule_t *r = &m->rules[i];
        int k = is_skip(r->target) ? 2 : is_none(r->target) ? 1 : 0;
        if (r->clinc) {
            c[k]++;
            continue;
        }
        u[k][0] += r->used[0];
        u[k][1] += r->used[1];
    }
    printf("map: CLINC150 intents: %u mapped to articles, %u not covered, %u left out\n", c[0],
           c[1], c[2]);
    if (rs->have_nlupp)
        printf("map: NLU++ examples (tuning/test): %u/%u mapped to articles, %u/%u not covered, "
               "%u/%u left out by a rule, %u/%u matched no rule, %u/%u under %d words\n",
               u[0][0], u[0][1], u[1][0], u[1][1], u[2][0], u[2][1], rs->nlupp_unmapped[0],
               rs->nlupp_unmapped[1], rs->nlupp_short[0], rs->nlupp_short[1], NLUPP_MIN_WORDS);
    printf("map: repeats dropped (tuning/test): CLINC150 %u/%u, NLU++ %u/%u\n",
           rs->dup_dropped[0][0], rs->dup_dropped[0][1], rs->dup_dropped[1][0],
           rs->dup_dropped[1][1]);
}

static void print_rules(const map_t *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const rule_t *r = &m->rules[i];
        printf("rule line %3d  %5u tuning %5u test  -> %s\n", r->line, r->used[0], r->used[1],
               r->target);
    }
}

static int real_sets(kb_search_t *s, const char *corpora, const char *dir, int misses, int coverage,
                     const char *dump, const learn_opts_t *lo)
{
    char path[4096];
    map_t m = { 0 };
    real_t rs;
    memset(&rs, 0, sizeof rs);
    const char *src[2] = { "clinc", "nlupp" };
    const char *none_name[3] = { "clinc-none", "nlupp-none", "clinc-oos" };
    const char *half[2] = { "tune", "test" };
    char name[64];
    for (int h = 0; h < 2; h++) {
        for (int k = 0; k < 2; k++) {
            snprintf(name, sizeof name, "%s-%s", src[k], half[h]);
            set_init(&rs.answer[k][h], name, SET_ANSWER, !h);
        }
        for (int k = 0; k < 3; k++) {
            snprintf(name, sizeof name, "%s-%s", none_name[k], half[h]);
            set_init(&rs.none[k][h], name, SET_NONE, !h);
        }
    }
    set_t own[2], risk[2], routine[2], longs[8];
    size_t n_longs = 0;
    for (int h = 0; h < 2; h++) {
        snprintf(name, sizeof name, "written-none-%s", half[h]);
        set_init(&own[h], name, SET_NONE, !h);
        snprintf(name, sizeof name, "risk-%s", half[h]);
        set_init(&risk[h], name, SET_RISK, !h);
        snprintf(name, sizeof name, "routine-%s", half[h]);
        set_init(&routine[h], name, SET_ROUTINE, !h);
    }

    int rc = 0;
    snprintf(path, sizeof path, "%s/real-wording-map.tsv", dir);
    if ((rc = map_load(s, path, &m)) != 0)
        goto done;
    int g = gen_clinc(corpora, &m, &rs);
    rs.have_clinc = g > 0;
    int g2 = gen_nlupp(corpora, &m, &rs);
    rs.have_nlupp = g2 > 0;
    if (g < 0 || g2 < 0) {
        rc = 1;
        goto done;
    }
    for (int h = 0; h < 2 && !rc; h++) {
        snprintf(path, sizeof path, "%s/not-covered-%s.tsv", dir, half[h]);
        rc = read_set(path, &own[h], 0);
        snprintf(path, sizeof path, "%s/risk-%s.tsv", dir, half[h]);
        if (!rc)
            rc = read_set(path, &risk[h], 1);
        for (size_t i = 0; !rc && i < risk[h].n; i++)
            if (!kinds_valid(risk[h].rows[i].want)) {
                fprintf(stderr,
                        "kb-eval: %s: bad kinds '%s' (want e.g. fraud,frustration or scam|fraud)\n",
                        path, risk[h].rows[i].want);
                rc = 1;
            }
    }
    if (rc)
        goto done;
    if ((rc = learning(s, &rs, &own[1], lo, misses)) >= 0)
        goto done;
    rc = 0;
    gen_routine(s, &rs, routine);

    /* Every set, tuning half first, in the order they are printed. */
    set_t *all[] = { &rs.answer[0][0], &rs.answer[0][1], &rs.answer[1][0], &rs.answer[1][1],
                     &rs.none[0][0],   &rs.none[0][1],   &rs.none[1][0],   &rs.none[1][1],
                     &rs.none[2][0],   &rs.none[2][1],   &own[0],          &own[1],
                     &risk[0],         &risk[1],         &routine[0],      &routine[1] };
    size_t n_all = sizeof all / sizeof *all;
    /* The answer, risk and routine sets again, pasted inside a chat or email. */
    set_t *longsrc[] = { &rs.answer[0][0], &rs.answer[0][1], &rs.answer[1][0], &rs.answer[1][1],
                         &risk[0],         &risk[1],         &routine[0],      &routine[1] };
    size_t n_long = sizeof longsrc / sizeof *longsrc;
    for (size_t i = 0; i < n_long; i++)
        long_copy(longsrc[i], &longs[n_longs++]);
    if (dump) {
        for (size_t i = 0; i < n_all; i++)
            if (strcmp(all[i]->name, dump) == 0) {
                if (!all[i]->tuning) {
                    fprintf(stderr, "kb-eval: %s is a test half: reported as figures only\n", dump);
                    rc = 2;
                    goto done;
                }
                for (size_t r = 0; r < all[i]->n; r++)
                    printf("%s\t%s\n", all[i]->rows[r].q,
                           all[i]->rows[r].want ? all[i]->rows[r].want : "");
                goto done;
            }
        fprintf(stderr, "kb-eval: no set '%s'\n", dump);
        rc = 2;
        goto done;
    }

    if (!rs.have_clinc)
        printf("real-wording: no %s/clinc150/data_full.json (set KB_CORPORA): CLINC150 sets "
               "skipped\n",
               corpora);
    if (!rs.have_nlupp)
        printf("real-wording: no %s/nlupp-banking/fold0..19.json (set KB_CORPORA): NLU++ sets "
               "skipped\n",
               corpora);
    print_coverage(&m, &rs);
    if (coverage)
        print_rules(&m);
    double t0 = kb_now_ms();
    unsigned queries = 0;
    for (size_t i = 0; i < n_all; i++) {
        measure(s, all[i], misses);
        queries += (unsigned)all[i]->n;
    }
    printf("real-wording: the same questions pasted inside a chat or email (over %d bytes):\n",
           KB_QUERY_MAX_BYTES);
    for (size_t i = 0; i < n_long; i++) {
        measure(s, &longs[i], 0);
        queries += (unsigned)longs[i].n;
    }
    printf("real-wording: %u questions in %.1f s", queries, (kb_now_ms() - t0) / 1000);
    if (errors)
        printf(", %u searches failed (counted as misses)", errors);
    printf("\n");
done:
    for (size_t i = 0; i < n_longs; i++)
        set_free(&longs[i]);
    for (int h = 0; h < 2; h++) {
        for (int k = 0; k < 2; k++)
            set_free(&rs.answer[k][h]);
        for (int k = 0; k < 3; k++)
            set_free(&rs.none[k][h]);
        set_free(&own[h]);
        set_free(&risk[h]);
        set_free(&routine[h]);
    }
    map_free(&m);
    return rc;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *file = NULL, *corpora = NULL, *dir = "tests/relevance", *dump = NULL;
    int quiet = 0, real = 0, misses = 0, coverage = 0;
    learn_opts_t lo = {0, 0, 0.05, 1, -1, NULL, 0};
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) {
            lo.serve = argv + i + 1;
            break;
        }
        if (!strcmp(argv[i], "--db") && i + 1 < argc)
            db = argv[++i];
        else if (!strcmp(argv[i], "--quiet"))
            quiet = 1;
        else if (!strcmp(argv[i], "--real"))
            real = 1;
        else if (!strcmp(argv[i], "--corpora") && i + 1 < argc)
            corpora = argv[++i];
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            dir = argv[++i];
        else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--misses"))
            misses = 1;
        else if (!strcmp(argv[i], "--coverage"))
            coverage = 1;
        else if (!strcmp(argv[i], "--feed") && i + 1 < argc) {
            lo.feed = 1;
            lo.per = strcmp(argv[++i], "all") ? (unsigned)strtoul(argv[i], NULL, 10) : 0;
        } else if (!strcmp(argv[i], "--wrong") && i + 1 < argc)
            lo.wrong = strtod(argv[++i], NULL);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            lo.seed = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--fold") && i + 1 < argc)
            lo.hold = atoi(argv[++i]) % FOLDS;
        else if (!strcmp(argv[i], "--learned") && i + 1 < argc) {
            lo.learned = 1;
            who_label = argv[++i];
            no_baseline = 1;
        }
        else if (argv[i][0] == '-' && argv[i][1])
            file = NULL, db = NULL, i = argc; /* unknown option: usage */
        else
            file = argv[i];
    }
    if (!db || (!file && !real) || (file && real) || (lo.feed && !lo.serve)) {
        fprintf(stderr, "usage: kb-eval --db PATH [--quiet] [--learned LABEL] QUERIES.tsv\n"
                        "       kb-eval --db PATH --real [--corpora DIR] [--dir DIR] [--misses] "
                        "[--coverage] [--dump SET]\n"
                        "       kb-eval --db PATH --real ... [--fold K] [--learned LABEL]\n"
                        "       kb-eval --db PATH --real ... --feed N|all [--wrong F] [--seed S] "
                        "[--fold K] -- SERVER ARGS...\n");
        return 2;
    }
    if (!corpora)
        corpora = getenv("KB_CORPORA");
    if (!corpora || !*corpora)
        corpora = "../shared/corpora";
    kb_search_t *s;
    char *msg = NULL;
    if (kb_search_open(db, &s, &msg) != KB_STATUS_SUCCESS) {
        fprintf(stderr, "kb-eval: %s\n", msg ? msg : "cannot open the index");
        free(msg);
        return 3;
    }
    int rc = real ? real_sets(s, corpora, dir, misses, coverage, dump, &lo)
                  : team_set(s, file, quiet);
    kb_search_close(s);
    return rc;
}
