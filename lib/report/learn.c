/* learn.c - kb_learn_run (kb/learn.h): the evidence of the logs
 * (evidence.c) weighed into learned phrasings, merged with the learned
 * files editors may have changed, written back. */
#include "kb/learn.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/file.h"
#include "base/paths.h"
#include "evidence.h"
#include "kb/log.h"
#include "log/jsonl.h"
#include "schema/learned.h"

/* An article's learned file as it is on disk. */
typedef struct lfile {
    uint32_t article;
    kb_learned_file_t f;
    long *keys;              /* the text index of each line */
    char *orig;              /* the file's bytes (NULL: no file) */
} lfile_t;

typedef struct learner {
    const kb_learn_opts_t *o;
    learnset_t ls;
    lfile_t *files;
    size_t n_files;
    lcand_t *c;
    size_t n, cap;
    kb_learn_result_t *r;
    char *dir;               /* KB_DIR/_learned */
} learner_t;

/* "WHAT A: B" into *MESSAGE. */
static kb_status_t fail(char **message, const char *what, const char *a, const char *b)
{
    if (message) {
        kb_buf_t m = KB_BUF_INIT;
        kb_buf_printf(&m, "%s %s%s%s", what, a, b[0] ? ": " : "", b);
        *message = kb_buf_take(&m);
    }
    return KB_STATUS_FILE_ERROR;
}

/* ---------------------------------------------------------------- */
/* The learned files                                                  */

static kb_status_t load_file(learner_t *L, const char *name, size_t id_len, char **message)
{
    kb_buf_t path = KB_BUF_INIT;
    kb_buf_printf(&path, "%s/%s", L->dir, name);
    struct stat sb;
    if (path.oom || lstat(path.data, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        kb_buf_free(&path);
        return KB_STATUS_SUCCESS;
    }
    char *data;
    size_t len;
    kb_status_t st = kb_file_read(path.data, KB_LEARNED_MAX_FILE, &data, &len);
    if (st != KB_STATUS_SUCCESS) {
        st = fail(message, "cannot read", path.data,
                  st == KB_STATUS_TOO_LARGE ? "too large" : strerror(errno));
        kb_buf_free(&path);
        return st;
    }
    kb_buf_free(&path);
    lfile_t *p = realloc(L->files, (L->n_files + 1) * sizeof *p);
    char *id = kb_strndup(name, id_len);
    long a = id ? learn_article(&L->ls, id) : -1;
    free(id);
    if (!p || a < 0) {
        free(data);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    L->files = p;
    lfile_t *lf = &L->files[L->n_files++];
    memset(lf, 0, sizeof *lf);
    lf->article = (uint32_t)a;
    lf->orig = data;
    st = kb_learned_parse(data, len, &lf->f);
    lf->keys = st == KB_STATUS_SUCCESS ? calloc(lf->f.n ? lf->f.n : 1, sizeof *lf->keys) : NULL;
    if (st == KB_STATUS_SUCCESS && !lf->keys)
        st = KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < lf->f.n; i++) {
        char *key = learn_key(lf->f.lines[i].text);
        lf->keys[i] = key ? (key[0] ? learn_text(&L->ls, key) : -2) : -1;
        free(key);
        if (lf->keys[i] == -1)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    return st;
}

static kb_status_t load_files(learner_t *L, char **message)
{
    DIR *d = opendir(L->dir);
    if (!d)
        return errno == ENOENT ? KB_STATUS_SUCCESS
                               : fail(message, "cannot read", L->dir, strerror(errno));
    kb_status_t st = KB_STATUS_SUCCESS;
    struct dirent *e;
    size_t id_len;
    while (st == KB_STATUS_SUCCESS && (e = readdir(d)) != NULL)
        if (kb_learned_file_name(e->d_name, &id_len))
            st = load_file(L, e->d_name, id_len, message);
    closedir(d);
    return st;
}

static lfile_t *file_of(const learner_t *L, uint32_t article)
{
    for (size_t i = 0; i < L->n_files; i++)
        if (L->files[i].article == article)
            return &L->files[i];
    return NULL;
}

/* ---------------------------------------------------------------- */
/* Candidates                                                         */

static lcand_t *cand_add(learner_t *L, uint32_t text, uint32_t article)
{
    if (L->n == L->cap) {
        size_t c = L->cap ? L->cap * 2 : 256;
        lcand_t *p = realloc(L->c, c * sizeof *p);
        if (!p)
            return NULL;
        L->c = p;
        L->cap = c;
    }
    lcand_t *x = &L->c[L->n++];
    memset(x, 0, sizeof *x);
    x->text = text;
    x->article = article;
    return x;
}

static int by_evidence(const void *x, const void *y)
{
    const lev_t *a = x, *b = y;
    if (a->text != b->text)
        return a->text < b->text ? -1 : 1;
    if (a->article != b->article)
        return a->article < b->article ? -1 : 1;
    if (a->who != b->who)
        return a->who < b->who ? -1 : 1;
    return a->when < b->when ? -1 : a->when > b->when;
}

static void date_of(uint64_t when, char out[11])
{
    unsigned d = (unsigned)(when / 1000000ULL % 100000000ULL);
    if (!when)
        out[0] = '\0';
    else
        snprintf(out, 11, "%04u-%02u-%02u", d / 10000 % 10000, d / 100 % 100, d % 100);
}

/* One candidate per words and article, each supporter counted once (by
 * their latest say). */
static kb_status_t gather(learner_t *L)
{
    learnset_t *ls = &L->ls;
    if (ls->n_ev)
        qsort(ls->ev, ls->n_ev, sizeof *ls->ev, by_evidence);
    lcand_t *x = NULL;
    uint64_t last = 0;
    for (size_t i = 0; i < ls->n_ev; i++) {
        const lev_t *e = &ls->ev[i];
        if (!x || x->text != e->text || x->article != e->article) {
            if (x)
                date_of(last, x->last);
            if (!(x = cand_add(L, e->text, e->article)))
                return KB_STATUS_OUT_OF_MEMORY;
            last = 0;
        }
        const lev_t *next = i + 1 < ls->n_ev ? &ls->ev[i + 1] : NULL;
        int end = !next || next->text != e->text || next->article != e->article ||
                  next->who != e->who;
        if (!end)
            continue;   /* the same supporter said it again: their latest counts */
        if (e->polarity > 0) {
            x->pos++;
            L->r->marks++;
            if (e->when > last)
                last = e->when;
        } else {
            x->neg++;
        }
    }
    if (x)
        date_of(last, x->last);
    return KB_STATUS_SUCCESS;
}

/* The "+" lines of the files join the candidates (their marks as prior
 * support); the "-" lines are remembered as rejected. */
static kb_status_t add_existing(learner_t *L)
{
    kb_strmap_t *at;
    if (kb_strmap_new(&at) != KB_STATUS_SUCCESS)
        return KB_STATUS_OUT_OF_MEMORY;
    char key[48], num[24];
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t k = 0; k < L->n && st == KB_STATUS_SUCCESS; k++) {
        snprintf(key, sizeof key, "%u:%u", L->c[k].text, L->c[k].article);
        snprintf(num, sizeof num, "%zu", k);
        st = kb_strmap_set(at, key, num);
    }
    for (size_t f = 0; f < L->n_files && st == KB_STATUS_SUCCESS; f++) {
        const lfile_t *lf = &L->files[f];
        for (size_t i = 0; i < lf->f.n && st == KB_STATUS_SUCCESS; i++) {
            if (lf->keys[i] < 0 || lf->f.lines[i].rejected)
                continue;
            snprintf(key, sizeof key, "%ld:%u", lf->keys[i], lf->article);
            int found;
            const char *v = kb_strmap_get(at, key, &found);
            lcand_t *x = found && v ? &L->c[strtoul(v, NULL, 10)]
                                    : cand_add(L, (uint32_t)lf->keys[i], lf->article);
            if (!x) {
                st = KB_STATUS_OUT_OF_MEMORY;
                break;
            }
            if (!found) {
                snprintf(num, sizeof num, "%zu", (size_t)(x - L->c));
                st = kb_strmap_set(at, key, num);
            }
            x->existing = 1;
            x->prior = lf->f.lines[i].marks ? lf->f.lines[i].marks : 1;
            if (strcmp(lf->f.lines[i].last, x->last) > 0)
                memcpy(x->last, lf->f.lines[i].last, sizeof x->last);
        }
    }
    kb_strmap_free(at);
    return st;
}

static int rejected(const learner_t *L, const lcand_t *x)
{
    const lfile_t *lf = file_of(L, x->article);
    for (size_t i = 0; lf && i < lf->f.n; i++)
        if (lf->f.lines[i].rejected && lf->keys[i] == (long)x->text)
            return 1;
    return 0;
}

static int known_article(const learner_t *L, uint32_t a)
{
    const kb_learn_opts_t *o = L->o;
    if (!o->articles)
        return 1;
    for (size_t i = 0; i < o->n_articles; i++)
        if (!strcmp(o->articles[i], L->ls.articles[a]))
            return 1;
    return 0;
}

static unsigned support(const lcand_t *x)
{
    unsigned s = x->pos > x->prior ? x->pos : x->prior;
    return s;
}

static int by_text(const void *x, const void *y)
{
    const lcand_t *a = x, *b = y;
    if (a->text != b->text)
        return a->text < b->text ? -1 : 1;
    return a->article < b->article ? -1 : a->article > b->article;
}

/* Why words X cannot be learned whatever the marks say, or NULL. */
static const char *never(const learner_t *L, const lcand_t *x)
{
    unsigned char f = L->ls.flags[x->text];
    if (f & TEXT_PERSONAL)
        return "personal";
    if (f & TEXT_VULNERABLE)
        return "vulnerable";
    if (x->existing)
        return NULL;
    if (f & TEXT_SHORT)
        return "short";
    if (!known_article(L, x->article))
        return "unknown";
    return NULL;
}

/* Weigh the candidates of each text against each other. */
static void decide(learner_t *L)
{
    if (L->n)
        qsort(L->c, L->n, sizeof *L->c, by_text);
    for (size_t i = 0, j; i < L->n; i = j) {
        unsigned total = 0;
        for (j = i; j < L->n && L->c[j].text == L->c[i].text; j++)
            total += support(&L->c[j]);
        for (size_t k = i; k < j; k++) {
            lcand_t *x = &L->c[k];
            unsigned s = support(x);
            x->why = never(L, x);
            if (x->why)
                continue;
            /* Against: twice the "not helpful" marks, and every other
             * article's support; an existing line needs no new support. */
            unsigned against = 2 * x->neg + (total - s);
            if ((x->existing ? (s ? s : 1) : s) <= against)
                x->why = "contradicted";
            else if (rejected(L, x))
                x->why = "rejected";
            else
                x->learn = 1;
        }
    }
}

static int by_rank(const void *p, const void *q)
{
    const lcand_t *a = *(const lcand_t *const *)p, *b = *(const lcand_t *const *)q;
    if (support(a) != support(b))
        return support(a) > support(b) ? -1 : 1;
    if (a->existing != b->existing)
        return a->existing ? -1 : 1;
    int c = strcmp(b->last, a->last);
    return c ? c : (a->text < b->text ? -1 : a->text > b->text);
}

/* At most KB_LEARN_CAP per article, the best supported. */
static kb_status_t cap_articles(learner_t *L)
{
    lcand_t **v = malloc((L->n ? L->n : 1) * sizeof *v);
    if (!v)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t a = 0; a < L->ls.n_articles; a++) {
        size_t n = 0;
        for (size_t i = 0; i < L->n; i++)
            if (L->c[i].learn && L->c[i].article == a)
                v[n++] = &L->c[i];
        if (n <= KB_LEARN_CAP)
            continue;
        qsort(v, n, sizeof *v, by_rank);
        for (size_t i = KB_LEARN_CAP; i < n; i++) {
            v[i]->learn = 0;
            v[i]->why = "over the cap";
        }
    }
    free(v);
    return KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Writing                                                            */

static kb_status_t note(learner_t *L, uint32_t a, const char *text, const char *what,
                        const char *why, unsigned marks)
{
    kb_learn_result_t *r = L->r;
    kb_learn_change_t *p = realloc(r->changes, (r->n_changes + 1) * sizeof *p);
    if (!p)
        return KB_STATUS_OUT_OF_MEMORY;
    r->changes = p;
    kb_learn_change_t *c = &r->changes[r->n_changes];
    c->article = kb_strdup(L->ls.articles[a]);
    c->text = kb_strdup(text ? text : "");
    c->what = kb_strdup(what);
    c->why = why ? kb_strdup(why) : NULL;
    c->marks = marks;
    r->n_changes++;
    return c->article && c->text && c->what && (!why || c->why) ? KB_STATUS_SUCCESS
                                                                : KB_STATUS_OUT_OF_MEMORY;
}

/* The candidate of article A (among its MINE) for text T, or NULL. */
static lcand_t *mine_of(lcand_t **mine, size_t n, long t)
{
    for (size_t i = 0; i < n; i++)
        if ((long)mine[i]->text == t)
            return mine[i];
    return NULL;
}

/* The lines of article A's file after this run, into OUT. */
static kb_status_t merge(learner_t *L, uint32_t a, const lfile_t *lf, lcand_t **mine, size_t n,
                         kb_learned_file_t *out)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; lf && i < lf->f.n && st == KB_STATUS_SUCCESS; i++) {
        const kb_learned_line_t *l = &lf->f.lines[i];
        lcand_t *x = l->rejected ? NULL : mine_of(mine, n, lf->keys[i]);
        if (l->rejected) {
            st = kb_learned_add(out, 1, l->text, 0, NULL) ? st : KB_STATUS_OUT_OF_MEMORY;
        } else if (x && x->learn) {
            x->learn = 2;   /* written */
            L->r->kept++;
            st = kb_learned_add(out, 0, l->text, support(x), x->last) ? st
                                                                      : KB_STATUS_OUT_OF_MEMORY;
        } else if (x && x->learn != 2) {
            L->r->dropped++;
            x->learn = 2;
            st = note(L, a, l->text, "dropped", x->why, support(x));
        }
    }
    for (size_t i = 0; i < n && st == KB_STATUS_SUCCESS; i++) {
        lcand_t *x = mine[i];
        if (x->learn == 1 && !x->existing) {
            L->r->added++;
            const char *t = L->ls.texts[x->text];
            st = kb_learned_add(out, 0, t, support(x), x->last) ? note(L, a, t, "added", NULL, support(x))
                                                                : KB_STATUS_OUT_OF_MEMORY;
        } else if (!x->learn && !x->existing && x->why && !strcmp(x->why, "rejected")) {
            L->r->rejected++;
            st = note(L, a, L->ls.texts[x->text], "rejected", NULL, support(x));
        }
    }
    return st;
}

static kb_status_t write_file(learner_t *L, uint32_t a, const lfile_t *lf,
                              const kb_learned_file_t *out, char **message)
{
    if (!out->n && !lf)
        return KB_STATUS_SUCCESS;
    char *text = kb_learned_format(out, L->ls.articles[a], NULL);
    if (!text)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (!L->o->dry_run && (!lf || strcmp(lf->orig, text) != 0)) {
        kb_buf_t path = KB_BUF_INIT;
        kb_buf_printf(&path, "%s/%s.txt", L->dir, L->ls.articles[a]);
        if (path.oom)
            st = KB_STATUS_OUT_OF_MEMORY;
        else if (kb_mkdir_p(L->dir, 0755) != KB_STATUS_SUCCESS ||
                 kb_file_write_atomic(path.data, text, strlen(text), 0644) != KB_STATUS_SUCCESS)
            st = fail(message, "cannot write", path.data, strerror(errno));
        else
            L->r->files++;
        kb_buf_free(&path);
    }
    free(text);
    return st;
}

static int by_article_rank(const void *p, const void *q)
{
    const lcand_t *a = *(const lcand_t *const *)p, *b = *(const lcand_t *const *)q;
    if (a->article != b->article)
        return a->article < b->article ? -1 : 1;
    return by_rank(p, q);
}

/* Every article with candidates or a file: merged, written. */
static kb_status_t write_all(learner_t *L, char **message)
{
    lcand_t **v = malloc((L->n ? L->n : 1) * sizeof *v);
    if (!v)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < L->n; i++)
        v[i] = &L->c[i];
    if (L->n)
        qsort(v, L->n, sizeof *v, by_article_rank);
    kb_status_t st = KB_STATUS_SUCCESS;
    size_t i = 0;
    for (uint32_t a = 0; a < L->ls.n_articles && st == KB_STATUS_SUCCESS; a++) {
        size_t from = i;
        while (i < L->n && v[i]->article == a)
            i++;
        const lfile_t *lf = file_of(L, a);
        if (lf && lf->f.bad) {
            /* A line we cannot read is an editor's: leave the file alone. */
            kb_buf_t why = KB_BUF_INIT;
            kb_buf_printf(&why, "%u line%s not understood", lf->f.bad, lf->f.bad == 1 ? "" : "s");
            st = note(L, a, NULL, "untouched", why.data, 0);
            kb_buf_free(&why);
            continue;
        }
        kb_learned_file_t out;
        memset(&out, 0, sizeof out);
        st = merge(L, a, lf, v + from, i - from, &out);
        if (st == KB_STATUS_SUCCESS)
            st = write_file(L, a, lf, &out, message);
        kb_learned_clear(&out);
    }
    free(v);
    return st;
}

/* ---------------------------------------------------------------- */
/* The run                                                            */

static void count_reasons(learner_t *L)
{
    kb_learn_result_t *r = L->r;
    for (size_t i = 0; i < L->n; i++) {
        const lcand_t *x = &L->c[i];
        const char *w = x->why;
        if (x->learn || x->existing || !w)
            continue;
        r->personal += !strcmp(w, "personal");
        r->vulnerable += !strcmp(w, "vulnerable");
        r->contradicted += !strcmp(w, "contradicted");
        r->slips += !strcmp(w, "slip");
        r->unknown += !strcmp(w, "unknown");
        r->short_words += !strcmp(w, "short");
    }
}

/* The logs' paths: the options, else the defaults. */
static kb_status_t read_logs(learner_t *L, char **message)
{
    const kb_learn_opts_t *o = L->o;
    int off = 0;
    char *search = kb_searchlog_path(o->search_log, &off);
    char *feedback = o->feedback_log ? kb_strdup(o->feedback_log) : kb_feedback_default_path();
    char *calls = o->calls_dir ? kb_strdup(o->calls_dir) : NULL;
    if (!o->calls_dir) {
        char *state = kb_default_state_dir();
        kb_buf_t b = KB_BUF_INIT;
        if (state)
            kb_buf_printf(&b, "%s/calls", state);
        calls = state ? kb_buf_take(&b) : NULL;
        free(state);
    }
    kb_status_t st = KB_STATUS_SUCCESS;
    if (search)
        st = learn_read_searches(&L->ls, search, message);
    if (st == KB_STATUS_SUCCESS && feedback)
        st = learn_read_feedback(&L->ls, feedback, message);
    if (st == KB_STATUS_SUCCESS && calls)
        st = learn_read_calls(&L->ls, calls, message);
    free(search);
    free(feedback);
    free(calls);
    return st;
}

void kb_learn_free(kb_learn_result_t *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_changes; i++) {
        free(r->changes[i].article);
        free(r->changes[i].text);
        free(r->changes[i].what);
        free(r->changes[i].why);
    }
    free(r->changes);
    free(r);
}

static void learner_free(learner_t *L)
{
    for (size_t i = 0; i < L->n_files; i++) {
        kb_learned_clear(&L->files[i].f);
        free(L->files[i].keys);
        free(L->files[i].orig);
    }
    free(L->files);
    free(L->c);
    free(L->dir);
    learnset_free(&L->ls);
}

kb_status_t kb_learn_run(const kb_learn_opts_t *opts, kb_learn_result_t **out, char **message)
{
    *out = NULL;
    if (message)
        *message = NULL;
    if (!opts || !opts->kb_dir)
        return KB_STATUS_BAD_ARGUMENT;
    if (opts->since && !kb_date_valid(opts->since)) {
        fail(message, "not a date (YYYY-MM-DD):", opts->since, "");
        return KB_STATUS_BAD_ARGUMENT;
    }
    learner_t L;
    memset(&L, 0, sizeof L);
    L.o = opts;
    kb_buf_t dir = KB_BUF_INIT;
    kb_buf_printf(&dir, "%s/%s", opts->kb_dir, KB_LEARNED_DIR);
    L.dir = kb_buf_take(&dir);
    L.r = calloc(1, sizeof *L.r);
    kb_status_t st = L.dir && L.r ? learnset_init(&L.ls, opts->since) : KB_STATUS_OUT_OF_MEMORY;
    if (st == KB_STATUS_SUCCESS)
        st = load_files(&L, message);
    if (st == KB_STATUS_SUCCESS)
        st = read_logs(&L, message);
    if (st == KB_STATUS_SUCCESS)
        st = gather(&L);
    if (st == KB_STATUS_SUCCESS)
        st = add_existing(&L);
    if (st == KB_STATUS_SUCCESS) {
        decide(&L);
        st = learn_find_slips(&L.ls, L.c, L.n) < 0 ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
    }
    if (st == KB_STATUS_SUCCESS)
        st = cap_articles(&L);
    if (st == KB_STATUS_SUCCESS) {
        count_reasons(&L);
        st = write_all(&L, message);
    }
    if (st == KB_STATUS_SUCCESS) {
        L.r->lines = L.ls.lines;
        L.r->skipped = L.ls.skipped;
        *out = L.r;
        L.r = NULL;
    }
    kb_learn_free(L.r);
    learner_free(&L);
    return st;
}
