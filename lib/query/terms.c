/* terms.c - the terms of a query and where each came from (the officer's
 * word, its stem, a correction, a synonym), which explain reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "build.h"
#include "schema/schema.h"

const char *kbs_eff_word(const kbs_builder_t *b, const kbs_token_t *t)
{
    return b->corrected && t->fixed ? t->fixed : t->word;
}

const char *kbs_eff_stem(const kbs_builder_t *b, const kbs_token_t *t)
{
    return b->corrected && t->fixed ? t->fixed_stem : t->stem;
}

static kb_xquery_t *token_term(kbs_builder_t *b, const kbs_token_t *t, const char *stem);

uint64_t kbs_token_bit(const kbs_token_t *t)
{
    return t->content >= 0 ? (uint64_t)1 << t->content : 0;
}

/* Remember that TERM came from WORD, for explain, and which content words
 * it stands for (B's mask), for confidence.  Each term once: a term found
 * again adds its content words to the first one's. */
static void add_source(kbs_builder_t *b, const char *term, const char *word, const char *kind,
                       const char *detail)
{
    int found;
    const char *at = kb_strmap_get(b->seen, term, &found);
    if (b->t.st != KB_STATUS_SUCCESS)
        return;
    if (found) {
        size_t k = at ? strtoul(at, NULL, 10) : 0;
        if (k < b->out->n_sources)
            b->out->sources[k].mask |= b->mask;
        return;
    }
    kbs_built_t *o = b->out;
    kbs_source_t *p = realloc(o->sources, (o->n_sources + 1) * sizeof *p);
    if (!p) {
        kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
        return;
    }
    o->sources = p;
    kbs_source_t *src = &o->sources[o->n_sources];
    src->term = kb_strdup(term);
    src->word = kb_strdup(word);
    src->kind = kind;
    src->mask = b->mask;
    src->detail = detail ? kb_strdup(detail) : NULL;
    if (!src->term || !src->word || (detail && !src->detail)) {
        free(src->term);
        free(src->word);
        free(src->detail);
        kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
        return;
    }
    char num[24];
    snprintf(num, sizeof num, "%zu", o->n_sources++);
    kbs_qfail(&b->t, kb_strmap_set(b->seen, term, num));
}

kb_xquery_t *kbs_sourced_term(kbs_builder_t *b, const char *prefix, const char *text,
                              const char *word, const char *kind, const char *detail)
{
    kb_xquery_t *q = kbs_qterm(&b->t, prefix, text);
    if (q) {
        char *term = kb_schema_term(prefix, text);
        if (term)
            add_source(b, term, word, kind, detail);
        else
            kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
        free(term);
    }
    return q;
}

kb_xquery_t *kbs_token_query(kbs_builder_t *b, const kbs_token_t *t)
{
    const char *stem = kbs_eff_stem(b, t);
    uint64_t saved = b->mask;
    b->mask = kbs_token_bit(t);
    kb_xquery_t *q = token_term(b, t, stem);
    b->mask = saved;
    return q;
}

static kb_xquery_t *token_term(kbs_builder_t *b, const kbs_token_t *t, const char *stem)
{
    if (b->corrected && t->fixed) {
        kb_buf_t d = KB_BUF_INIT;
        kb_buf_printf(&d, "corrected from '%s'", t->word);
        if (d.oom)
            kbs_qfail(&b->t, KB_STATUS_OUT_OF_MEMORY);
        kb_xquery_t *q = kbs_sourced_term(b, "Z", stem, t->fixed, "correction", d.data);
        kb_buf_free(&d);
        return q;
    }
    return kbs_sourced_term(b, "Z", stem, t->word, strcmp(t->word, stem) ? "stem" : "word",
                            NULL);
}

