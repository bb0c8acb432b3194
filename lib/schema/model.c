/* model.c - the learned model's features, stored form and scores
 * (model.h). */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "words.h"

/* ---------------------------------------------------------------- */
/* Features                                                           */

static int push(kb_model_feats_t *f, uint32_t h)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 32;
        uint32_t *p = realloc(f->h, cap * sizeof *p);
        if (!p)
            return 0;
        f->h = p;
        f->cap = cap;
    }
    f->h[f->n++] = h;
    return 1;
}

static uint32_t hash32(const char *a, const char *b)
{
    kb_buf_t k = KB_BUF_INIT;
    kb_buf_adds(&k, a);
    if (b) {
        kb_buf_addc(&k, ' ');
        kb_buf_adds(&k, b);
    }
    uint64_t h = k.oom ? 0 : kb_hash64(k.data, k.len);
    kb_buf_free(&k);
    return (uint32_t)(h ^ (h >> 32));
}

static int by_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

kb_status_t kb_model_features(kb_xstem_t *stem, const char *text, size_t len,
                              kb_model_feats_t *out)
{
    memset(out, 0, sizeof *out);
    kb_tokens_t t;
    kb_status_t st = kb_text_tokens(stem, text, len, &t);
    if (st != KB_STATUS_SUCCESS)
        return st;
    int ok = 1;
    for (size_t i = 0; ok && i < t.n; i++) {
        const char *a = t.stems[i][0] ? t.stems[i] : t.words[i];
        ok = push(out, hash32(a, NULL));
        if (ok && i + 1 < t.n)
            ok = push(out, hash32(a, t.stems[i + 1][0] ? t.stems[i + 1] : t.words[i + 1]));
    }
    kb_tokens_free(&t);
    if (!ok) {
        kb_model_feats_free(out);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    if (out->n)
        qsort(out->h, out->n, sizeof *out->h, by_u32);
    size_t k = 0;
    for (size_t i = 0; i < out->n; i++)
        if (!k || out->h[k - 1] != out->h[i])
            out->h[k++] = out->h[i];
    out->n = k;
    return KB_STATUS_SUCCESS;
}

void kb_model_feats_free(kb_model_feats_t *f)
{
    free(f->h);
    memset(f, 0, sizeof *f);
}

/* ---------------------------------------------------------------- */
/* Stored form                                                        */

static void put(kb_buf_t *b, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        kb_buf_addc(b, (char)(v >> (8 * i) & 0xff));
}

static void put_f32(kb_buf_t *b, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    put(b, u, 4);
}

char *kb_model_encode(const kb_model_t *m, size_t *len)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_add(&b, "KBM1", 4);
    put(&b, m->hash, 8);
    put(&b, m->n_class, 4);
    for (size_t c = 0; c < m->n_class; c++) {
        size_t l = strlen(m->classes[c]);
        put(&b, l, 2);
        kb_buf_add(&b, m->classes[c], l);
        put_f32(&b, m->bias[c]);
    }
    put(&b, m->n_feat, 4);
    for (size_t i = 0; i < m->n_feat; i++) {
        put(&b, m->feat[i], 4);
        put_f32(&b, m->idf[i]);
        put(&b, m->start[i + 1] - m->start[i], 2);
        for (uint32_t k = m->start[i]; k < m->start[i + 1]; k++) {
            put(&b, m->cls[k], 2);
            put_f32(&b, m->w[k]);
        }
    }
    *len = b.len;
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

typedef struct reader {
    const unsigned char *p, *end;
    int bad;
} reader_t;

static uint64_t get(reader_t *r, unsigned bytes)
{
    if (r->bad || (size_t)(r->end - r->p) < bytes) {
        r->bad = 1;
        return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)r->p[i] << (8 * i);
    r->p += bytes;
    return v;
}

static float get_f32(reader_t *r)
{
    uint32_t u = (uint32_t)get(r, 4);
    float f;
    memcpy(&f, &u, sizeof f);
    return isfinite(f) ? f : (r->bad = 1, 0.0f);
}

static kb_status_t read_classes(reader_t *r, kb_model_t *m)
{
    m->n_class = get(r, 4);
    if (r->bad || m->n_class > 65535 || m->n_class > (size_t)(r->end - r->p) / 6) {
        r->bad = 1;
        return KB_STATUS_SUCCESS;
    }
    m->classes = calloc(m->n_class ? m->n_class : 1, sizeof *m->classes);
    m->bias = calloc(m->n_class ? m->n_class : 1, sizeof *m->bias);
    if (!m->classes || !m->bias)
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t c = 0; c < m->n_class && !r->bad; c++) {
        size_t l = get(r, 2);
        if (r->bad || (size_t)(r->end - r->p) < l) {
            r->bad = 1;
            break;
        }
        if (!(m->classes[c] = kb_strndup((const char *)r->p, l)))
            return KB_STATUS_OUT_OF_MEMORY;
        r->p += l;
        m->bias[c] = get_f32(r);
    }
    return KB_STATUS_SUCCESS;
}

static kb_status_t read_features(reader_t *r, kb_model_t *m)
{
    m->n_feat = get(r, 4);
    if (r->bad || m->n_feat > (size_t)(r->end - r->p) / 10) {
        r->bad = 1;
        return KB_STATUS_SUCCESS;
    }
    size_t n = m->n_feat ? m->n_feat : 1, room = (size_t)(r->end - r->p) / 6 + 1;
    m->feat = malloc(n * sizeof *m->feat);
    m->idf = malloc(n * sizeof *m->idf);
    m->start = malloc((n + 1) * sizeof *m->start);
    m->cls = malloc(room * sizeof *m->cls);
    m->w = malloc(room * sizeof *m->w);
    if (!m->feat || !m->idf || !m->start || !m->cls || !m->w)
        return KB_STATUS_OUT_OF_MEMORY;
    m->start[0] = 0;
    for (size_t i = 0; i < m->n_feat && !r->bad; i++) {
        m->feat[i] = (uint32_t)get(r, 4);
        m->idf[i] = get_f32(r);
        size_t k = get(r, 2);
        if (i && m->feat[i] <= m->feat[i - 1])
            r->bad = 1;
        for (size_t j = 0; j < k && !r->bad; j++) {
            uint16_t c = (uint16_t)get(r, 2);
            if (c >= m->n_class || m->n_w >= room)
                r->bad = 1;
            m->cls[m->n_w] = c;
            m->w[m->n_w++] = get_f32(r);
        }
        m->start[i + 1] = (uint32_t)m->n_w;
    }
    return KB_STATUS_SUCCESS;
}

kb_status_t kb_model_decode(const char *data, size_t len, kb_model_t *out)
{
    memset(out, 0, sizeof *out);
    if (len < 4 || memcmp(data, "KBM1", 4) != 0)
        return KB_STATUS_DB_CORRUPT;
    reader_t r = {(const unsigned char *)data + 4, (const unsigned char *)data + len, 0};
    out->hash = get(&r, 8);
    kb_status_t st = read_classes(&r, out);
    if (st == KB_STATUS_SUCCESS && !r.bad)
        st = read_features(&r, out);
    if (st == KB_STATUS_SUCCESS && (r.bad || r.p != r.end))
        st = KB_STATUS_DB_CORRUPT;
    if (st != KB_STATUS_SUCCESS)
        kb_model_clear(out);
    return st;
}

void kb_model_clear(kb_model_t *m)
{
    if (m->classes)
        kb_strv_free(m->classes, m->n_class);
    free(m->bias);
    free(m->feat);
    free(m->idf);
    free(m->start);
    free(m->cls);
    free(m->w);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- */
/* Scores                                                             */

long kb_model_find(const kb_model_t *m, uint32_t h)
{
    size_t lo = 0, hi = m->n_feat;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->feat[mid] < h)
            lo = mid + 1;
        else if (m->feat[mid] > h)
            hi = mid;
        else
            return (long)mid;
    }
    return -1;
}

void kb_model_scores(const kb_model_t *m, const kb_model_feats_t *f, double *scores)
{
    for (size_t c = 0; c < m->n_class; c++)
        scores[c] = m->bias[c];
    double norm = 0;
    for (size_t i = 0; i < f->n; i++) {
        long k = kb_model_find(m, f->h[i]);
        if (k >= 0)
            norm += (double)m->idf[k] * m->idf[k];
    }
    if (norm <= 0)
        return;
    norm = sqrt(norm);
    for (size_t i = 0; i < f->n; i++) {
        long k = kb_model_find(m, f->h[i]);
        if (k < 0)
            continue;
        double x = m->idf[k] / norm;
        for (uint32_t j = m->start[k]; j < m->start[k + 1]; j++)
            scores[m->cls[j]] += x * m->w[j];
    }
}
