/* slips.c - marks that point at the wrong article (evidence.h).
 *
 * About one mark in twenty is a slip: the officer marked the answer next
 * to the right one, or the wrong call's article.  Marked once, such words
 * would be learned for the wrong article.  They give themselves away by
 * their neighbours: the phrasings they read most like (the same stemmed
 * content words, rare words weighing more: cosine of idf-weighted word
 * sets) belong to another article, and none, or few, to their own.  A
 * candidate with one supporter is kept when its nearest phrasings
 * (learned now, or learned before) do not clearly say otherwise; words
 * with two supporters or more, and lines already in the learned files, are
 * never second-guessed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "evidence.h"
#include "schema/words.h"

/* Neighbours looked at, and how alike they must be to count. */
#define SLIP_K 7
#define SLIP_MIN_SIM 0.25
/* A slip: the best other article's neighbours weigh at least SLIP_MIN and
 * more than SLIP_RATIO times the own article's. */
#define SLIP_MIN 0.6
#define SLIP_RATIO 2.0
/* A word in more than this share of the phrasings says nothing. */
#define SLIP_COMMON 0.2

typedef struct sdoc {
    uint32_t *terms;
    size_t n;
    double norm;
    uint32_t article;
    uint32_t text;
} sdoc_t;

typedef struct sindex {
    kb_strmap_t *ids;       /* stem -> term number */
    size_t n_terms;
    unsigned *df;
    size_t **post;          /* term -> doc numbers */
    size_t *n_post, *cap_post;
    sdoc_t *docs;
    size_t n_docs;
} sindex_t;

static void sindex_free(sindex_t *x)
{
    for (size_t t = 0; t < x->n_terms; t++)
        free(x->post[t]);
    free(x->post);
    free(x->n_post);
    free(x->cap_post);
    free(x->df);
    for (size_t d = 0; d < x->n_docs; d++)
        free(x->docs[d].terms);
    free(x->docs);
    kb_strmap_free(x->ids);
}

/* The term number of STEM, new ones added; -1 when out of memory. */
static long term_of(sindex_t *x, const char *stem, size_t *cap)
{
    int found;
    const char *v = kb_strmap_get(x->ids, stem, &found);
    if (found && v)
        return strtol(v, NULL, 10);
    if (x->n_terms == *cap) {
        size_t c = *cap ? *cap * 2 : 1024;
        unsigned *df = realloc(x->df, c * sizeof *df);
        if (df)
            x->df = df;
        size_t **post = realloc(x->post, c * sizeof *post);
        if (post)
            x->post = post;
        size_t *np = realloc(x->n_post, c * sizeof *np);
        if (np)
            x->n_post = np;
        size_t *cp = realloc(x->cap_post, c * sizeof *cp);
        if (cp)
            x->cap_post = cp;
        if (!df || !post || !np || !cp)
            return -1;
        *cap = c;
    }
    char num[24];
    snprintf(num, sizeof num, "%zu", x->n_terms);
    if (kb_strmap_set(x->ids, stem, num) != KB_STATUS_SUCCESS)
        return -1;
    x->df[x->n_terms] = 0;
    x->post[x->n_terms] = NULL;
    x->n_post[x->n_terms] = x->cap_post[x->n_terms] = 0;
    return (long)x->n_terms++;
}

/* The distinct content-word stems of TEXT into D. */
static int tokenize(sindex_t *x, kb_xstem_t *stem, const char *text, sdoc_t *d, size_t *cap)
{
    kb_tokens_t tk;
    if (kb_text_tokens(stem, text, strlen(text), &tk) != KB_STATUS_SUCCESS)
        return 0;
    d->terms = calloc(tk.n ? tk.n : 1, sizeof *d->terms);
    int ok = d->terms != NULL;
    for (size_t i = 0; ok && i < tk.n; i++) {
        if (kb_text_is_stopword(tk.words[i]) || !tk.stems[i][0])
            continue;
        long t = term_of(x, tk.stems[i], cap);
        if (t < 0) {
            ok = 0;
            break;
        }
        int dup = 0;
        for (size_t k = 0; k < d->n && !dup; k++)
            dup = d->terms[k] == (uint32_t)t;
        if (!dup)
            d->terms[d->n++] = (uint32_t)t;
    }
    kb_tokens_free(&tk);
    return ok;
}

static int post_add(sindex_t *x, uint32_t t, size_t doc)
{
    if (x->n_post[t] == x->cap_post[t]) {
        size_t c = x->cap_post[t] ? x->cap_post[t] * 2 : 8;
        size_t *p = realloc(x->post[t], c * sizeof *p);
        if (!p)
            return 0;
        x->post[t] = p;
        x->cap_post[t] = c;
    }
    x->post[t][x->n_post[t]++] = doc;
    x->df[t]++;
    return 1;
}

static double idf(const sindex_t *x, uint32_t t)
{
    return log((double)(x->n_docs + 1) / (x->df[t] + 0.5));
}

/* The documents: every candidate learned so far. */
static int build(sindex_t *x, const learnset_t *ls, const lcand_t *c, size_t n)
{
    kb_xstem_t *stem = NULL;
    if (kb_strmap_new(&x->ids) != KB_STATUS_SUCCESS || kb_text_stemmer(&stem) != KB_STATUS_SUCCESS)
        return 0;
    x->docs = calloc(n ? n : 1, sizeof *x->docs);
    size_t cap = 0;
    int ok = x->docs != NULL;
    for (size_t i = 0; ok && i < n; i++) {
        if (!c[i].learn)
            continue;
        sdoc_t *d = &x->docs[x->n_docs];
        d->article = c[i].article;
        d->text = c[i].text;
        ok = tokenize(x, stem, ls->texts[c[i].text], d, &cap);
        for (size_t k = 0; ok && k < d->n; k++)
            ok = post_add(x, d->terms[k], x->n_docs);
        if (ok)
            x->n_docs++;
    }
    kb_xstem_free(stem);
    for (size_t i = 0; ok && i < x->n_docs; i++) {
        double s = 0;
        for (size_t k = 0; k < x->docs[i].n; k++)
            s += idf(x, x->docs[i].terms[k]) * idf(x, x->docs[i].terms[k]);
        x->docs[i].norm = sqrt(s);
    }
    return ok;
}

typedef struct near {
    size_t doc;
    double sim;
} near_t;

/* Is document Q a slip?  SCORE is scratch space of n_docs doubles. */
static int is_slip(const sindex_t *x, size_t q, double *score, size_t *touched)
{
    const sdoc_t *d = &x->docs[q];
    if (d->norm <= 0)
        return 0;
    size_t nt = 0;
    double common = SLIP_COMMON * (double)x->n_docs;
    for (size_t k = 0; k < d->n; k++) {
        uint32_t t = d->terms[k];
        if (x->df[t] > common && x->df[t] > 20)
            continue;
        double w = idf(x, t) * idf(x, t);
        for (size_t p = 0; p < x->n_post[t]; p++) {
            size_t o = x->post[t][p];
            if (o == q)
                continue;
            if (score[o] == 0)
                touched[nt++] = o;
            score[o] += w;
        }
    }
    near_t best[SLIP_K];
    size_t nb = 0;
    for (size_t i = 0; i < nt; i++) {
        size_t o = touched[i];
        double sim = score[o] / (d->norm * x->docs[o].norm);
        score[o] = 0;
        if (sim < SLIP_MIN_SIM)
            continue;
        size_t at;
        if (nb < SLIP_K)
            at = nb++;
        else if (sim > best[SLIP_K - 1].sim)
            at = SLIP_K - 1;
        else
            continue;
        best[at] = (near_t){o, sim};
        for (; at > 0 && best[at].sim > best[at - 1].sim; at--) {
            near_t t = best[at];
            best[at] = best[at - 1];
            best[at - 1] = t;
        }
    }
    double own = 0, other = 0;
    for (size_t i = 0; i < nb; i++) {
        uint32_t a = x->docs[best[i].doc].article;
        if (a == d->article) {
            own += best[i].sim;
            continue;
        }
        double sum = 0;
        for (size_t j = 0; j < nb; j++)
            if (x->docs[best[j].doc].article == a)
                sum += best[j].sim;
        if (sum > other)
            other = sum;
    }
    return other >= SLIP_MIN && other > SLIP_RATIO * own;
}

long learn_find_slips(const learnset_t *ls, lcand_t *c, size_t n)
{
    sindex_t x;
    memset(&x, 0, sizeof x);
    if (!build(&x, ls, c, n)) {
        sindex_free(&x);
        return -1;
    }
    double *score = calloc(x.n_docs ? x.n_docs : 1, sizeof *score);
    size_t *touched = calloc(x.n_docs ? x.n_docs : 1, sizeof *touched);
    long slips = 0;
    if (!score || !touched) {
        slips = -1;
    } else {
        /* Decide on the set as it was, then mark. */
        unsigned char *slip = calloc(x.n_docs ? x.n_docs : 1, 1);
        for (size_t q = 0; slip && q < x.n_docs; q++)
            slip[q] = is_slip(&x, q, score, touched);
        size_t q = 0;
        for (size_t i = 0; slip && i < n; i++) {
            if (!c[i].learn)
                continue;
            /* New words with one supporter only; what is in the files
             * stays unless the marks contradict it. */
            int weak = !c[i].existing && c[i].pos <= 1;
            if (slip[q++] && weak) {
                c[i].learn = 0;
                c[i].why = "slip";
                slips++;
            }
        }
        if (!slip)
            slips = -1;
        free(slip);
    }
    free(score);
    free(touched);
    sindex_free(&x);
    return slips;
}
