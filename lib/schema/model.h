/* model.h - the model learned from officers' marks: a linear classifier
 * from a question's words to the article that answers it, trained by
 * kb-index with liblinear (lib/index/model.c) when the KB has learned
 * phrasings, stored in the index as KB_META_MODEL, and read by the query
 * pipeline (lib/query/model.c) to move the article it is sure of first.
 *
 * Features: the stems of a text's words (kb_text_tokens, stopwords
 * included) and each pair of neighbouring stems, each hashed to 32 bits;
 * a text's vector holds each feature once, weighed by its idf over the
 * training texts and normalised to length 1.  A feature the model never
 * saw counts for nothing.
 *
 * The stored form (KB_META_MODEL), little-endian:
 *
 *     "KBM1"  u64 hash of the training data  u32 classes
 *     per class: u16 length, the article id (no NUL), f32 bias
 *     u32 features
 *     per feature (ascending hash): u32 hash, f32 idf, u16 weights,
 *         per weight: u16 class, f32 weight
 *
 * Weights smaller than KB_MODEL_PRUNE are left out (the model stays a
 * fraction of its dense size; scores move by less than a rounding).
 */
#ifndef KB_SCHEMA_MODEL_H
#define KB_SCHEMA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "kb/status.h"
#include "xapian/xapian.h"

#define KB_MODEL_PRUNE 0.01
/* Largest stored model read, in bytes. */
#define KB_MODEL_MAX_BYTES (64u << 20)

/* A text's features: sorted, each once. */
typedef struct kb_model_feats {
    uint32_t *h;
    size_t n, cap;
} kb_model_feats_t;

/* The features of LEN bytes of TEXT into OUT (zeroed first), with STEM.
 * Caller frees with kb_model_feats_free().  KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_model_features(kb_xstem_t *stem, const char *text, size_t len,
                              kb_model_feats_t *out /* OUT */);
void kb_model_feats_free(kb_model_feats_t *f);

typedef struct kb_model {
    uint64_t hash;          /* of the training data (the indexer's key) */
    char **classes;         /* article ids */
    float *bias;            /* per class */
    size_t n_class;
    uint32_t *feat;         /* ascending */
    float *idf;
    uint32_t *start;        /* feature I's weights: START[I] .. START[I + 1] */
    size_t n_feat;
    uint16_t *cls;
    float *w;
    size_t n_w;
} kb_model_t;

/* M in its stored form, *LEN bytes.  Caller frees; NULL when out of
 * memory. */
char *kb_model_encode(const kb_model_t *m, size_t *len /* OUT */);
/* OUT from LEN bytes of DATA.  KB_STATUS_DB_CORRUPT when it is not a
 * model (OUT is then empty), KB_STATUS_OUT_OF_MEMORY. */
kb_status_t kb_model_decode(const char *data, size_t len, kb_model_t *out /* OUT */);
void kb_model_clear(kb_model_t *m);

/* Index of feature H in M, or -1. */
long kb_model_find(const kb_model_t *m, uint32_t h);

/* The decision value of every class of M for F into SCORES (M->n_class
 * doubles). */
void kb_model_scores(const kb_model_t *m, const kb_model_feats_t *f, double *scores /* OUT */);

#endif
