/* docbuild.c - the documents of one article. */
#include "docbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontmatter.h"
#include "learned.h"
#include "schema/schema.h"
#include "schema/words.h"
#include "base/buf.h"
#include "base/normalize.h"

/* Within-document frequency added per occurrence, by field.  Title and
 * questions say what an article is about; they weigh above body text. */
#define W_TITLE 4
#define W_QUESTION 2
#define W_TAG 2
#define W_HEADING 2
#define W_BODY 1
#define W_LEARNED_WORDS 1 /* a learned phrasing's words in its article's own document */

/* Gap between heading and body so phrases do not match across them. */
#define FIELD_GAP 100

struct kbi_builder {
    kb_xtermgen_t *tg;
    kb_xstem_t *stem;
    /* The term generator holds on to the last document it indexed into
     * (Xapian shares documents by reference, with counts that are not
     * thread-safe).  Documents leave this thread for the writers, so after
     * each one the generator is pointed at this private, unused one. */
    kb_xdoc_t *idle;
    const kbi_learned_t *learned;   /* borrowed; NULL: none */
};

kb_status_t kbi_builder_new(kbi_builder_t **out)
{
    *out = NULL;
    kbi_builder_t *b = calloc(1, sizeof *b);
    if (!b)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = kb_text_stemmer(&b->stem);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_new(NULL, &b->tg);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_set_stemmer(b->tg, b->stem);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_set_stemming_strategy(b->tg, KB_XSTEM_SOME);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_set_stopper(b->tg, kb_text_stopwords());
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_new(&b->idle);
    if (st != KB_STATUS_SUCCESS) {
        kbi_builder_free(b);
        return st;
    }
    *out = b;
    return KB_STATUS_SUCCESS;
}

void kbi_builder_set_learned(kbi_builder_t *b, const struct kbi_learned *learned)
{
    b->learned = learned;
}

void kbi_builder_free(kbi_builder_t *b)
{
    if (!b)
        return;
    kb_xtermgen_free(b->tg);
    kb_xdoc_free(b->idle);
    kb_xstem_free(b->stem);
    free(b);
}

void kbi_docset_free(kbi_docset_t *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++)
        kb_xdoc_free(d->docs[i]);
    free(d->docs);
    kb_strlist_clear(&d->spelling);
    free(d->tier);
    memset(d, 0, sizeof *d);
}

typedef struct spell_ctx {
    kb_strlist_t *words;
    int oom;
} spell_ctx_t;

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static int collect_spelling(void *vctx, const char *term, size_t len, unsigned wdf)
{
    (void)wdf;
    spell_ctx_t *c = vctx;
    if (!kb_text_spelling_word(term, len))
        return 0;
    if (!kb_strlist_push(c->words, term, len)) {
        c->oom = 1;
        return 1;
    }
    return 0;
}

/* Add TERM (a boolean term) if it fits; long values are skipped (a tag of
 * 240 bytes is not a tag). */
static kb_status_t add_boolean(kb_xdoc_t *doc, const char *prefix, const char *value)
{
    if (!value || !*value)
        return KB_STATUS_SUCCESS;
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s%s", prefix, value);
    if (b.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    kb_status_t st = KB_STATUS_SUCCESS;
    if (b.len <= KB_XTERM_MAX)
        st = kb_xdoc_add_term(doc, b.data, 0);
    kb_buf_free(&b);
    return st;
}

static kb_status_t index_field(kbi_builder_t *b, const char *text, unsigned w)
{
    if (!text || !*text)
        return KB_STATUS_SUCCESS;
    kb_status_t st = kb_xtermgen_index_text(b->tg, text, strlen(text), w, "");
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_increase_termpos(b->tg, FIELD_GAP);
    return st;
}

/* TEXT's stems only, under PREFIX ("ZXQcard"): what the query's title and
 * question boosts look for. */
static kb_status_t index_stems(kbi_builder_t *b, const char *text, const char *prefix)
{
    if (!text || !*text)
        return KB_STATUS_SUCCESS;
    kb_status_t st = kb_xtermgen_set_stemming_strategy(b->tg, KB_XSTEM_ALL_Z);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text_without_positions(b->tg, text, strlen(text), 1, prefix);
    kb_status_t st2 = kb_xtermgen_set_stemming_strategy(b->tg, KB_XSTEM_SOME);
    return st == KB_STATUS_SUCCESS ? st2 : st;
}

/* The terms every section document of A shares: title, questions, phrases
 * and tags, weighted, without positions, and the stems of the title and
 * questions under their prefixes.  Made once per article, copied into each
 * section (TermGenerator work once instead of once per section). */
static kb_status_t header_terms(kbi_builder_t *b, const kb_article_t *a, kb_xdoc_t **out)
{
    *out = NULL;
    kb_xdoc_t *doc;
    kb_status_t st = kb_xdoc_new(&doc);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_set_document(b->tg, doc);
    const char *title = a->title ? a->title : a->id;
    char *const *lists[2] = {a->questions, a->phrases};
    const size_t counts[2] = {a->n_questions, a->n_phrases};
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text_without_positions(b->tg, title, strlen(title), W_TITLE, "");
    if (st == KB_STATUS_SUCCESS)
        st = index_stems(b, title, KB_PREFIX_TITLE);
    size_t left = KB_ARTICLE_MAX_QUESTIONS;
    for (size_t l = 0; l < 2; l++) {
        for (size_t q = 0; st == KB_STATUS_SUCCESS && q < counts[l] && left; q++, left--) {
            const char *t = lists[l][q];
            st = kb_xtermgen_index_text_without_positions(b->tg, t, strlen(t), W_QUESTION, "");
            if (st == KB_STATUS_SUCCESS)
                st = index_stems(b, t, KB_PREFIX_QUESTION);
        }
    }
    for (size_t t = 0; st == KB_STATUS_SUCCESS && t < a->n_tags; t++)
        st = kb_xtermgen_index_text_without_positions(b->tg, a->tags[t],
                                                      strlen(a->tags[t]), W_TAG, "");
    /* The learned phrasings' words also count for the article itself, at
     * the lowest weight: customers' words the article never uses. */
    const kbi_learned_entry_t *le = kbi_learned_get(b->learned, a->id);
    for (size_t q = 0; le && st == KB_STATUS_SUCCESS && q < le->n; q++)
        st = kb_xtermgen_index_text_without_positions(b->tg, le->texts[q], strlen(le->texts[q]),
                                                      W_LEARNED_WORDS, "");
    if (st != KB_STATUS_SUCCESS) {
        kb_xdoc_free(doc);
        return st;
    }
    *out = doc;
    return KB_STATUS_SUCCESS;
}

/* Finish a document built so far with status ST: on success give it DATA
 * (freed here; NULL means out of memory) and hand it to *OUT; on failure
 * free DOC. */
static kb_status_t finish_doc(kb_xdoc_t *doc, kb_status_t st, char *data, kb_xdoc_t **out)
{
    if (st == KB_STATUS_SUCCESS)
        st = data ? kb_xdoc_set_data(doc, data, strlen(data)) : KB_STATUS_OUT_OF_MEMORY;
    free(data);
    if (st != KB_STATUS_SUCCESS) {
        kb_xdoc_free(doc);
        return st;
    }
    *out = doc;
    return KB_STATUS_SUCCESS;
}

/* The boolean terms and values every document of A carries. */
static kb_status_t add_common(kb_xdoc_t *doc, const kb_article_t *a, const char *pathterm)
{
    kb_status_t st = add_boolean(doc, KB_PREFIX_ID, a->id);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_term(doc, pathterm, 0);
    if (st == KB_STATUS_SUCCESS)
        st = add_boolean(doc, KB_PREFIX_CATEGORY, a->category);
    for (size_t t = 0; st == KB_STATUS_SUCCESS && t < a->n_tags; t++) {
        /* Folded as the query's tag filters are (base/normalize.h). */
        char *tag = NULL;
        st = kb_text_fold(a->tags[t], strlen(a->tags[t]), &tag, NULL);
        if (st == KB_STATUS_SUCCESS)
            st = add_boolean(doc, KB_PREFIX_TAG, tag);
        free(tag);
    }
    if (st == KB_STATUS_SUCCESS)
        st = add_boolean(doc, KB_PREFIX_ESCALATION, a->escalation);
    if (st == KB_STATUS_SUCCESS && !kb_schema_published(a->status))
        st = add_boolean(doc, KB_PREFIX_STATUS, a->status);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_value(doc, KB_SLOT_ARTICLE, a->id, strlen(a->id));
    if (st == KB_STATUS_SUCCESS && a->category)
        st = kb_xdoc_add_value(doc, KB_SLOT_CATEGORY, a->category, strlen(a->category));
    return st;
}

static kb_status_t build_section(kbi_builder_t *b, const kb_article_t *a, size_t i,
                                 kb_xdoc_t *header, const char *pathterm, kb_xdoc_t **out)
{
    *out = NULL;
    const kb_section_t *s = &a->sections[i];
    kb_xdoc_t *doc;
    kb_status_t st = kb_xdoc_new(&doc);
    if (st != KB_STATUS_SUCCESS)
        return st;
    st = kb_xtermgen_set_document(b->tg, doc);
    /* An empty lead gets no free text: it exists for show, and must not
     * win a search on title words alone with an empty snippet. */
    int text = i > 0 || s->text[0];
    if (text) {
        if (st == KB_STATUS_SUCCESS)
            st = kb_xdoc_add_terms_of(doc, header);
        if (st == KB_STATUS_SUCCESS && i > 0)
            st = index_field(b, s->heading, W_HEADING);
        if (st == KB_STATUS_SUCCESS)
            st = index_field(b, s->text, W_BODY);
    }
    if (st == KB_STATUS_SUCCESS)
        st = add_common(doc, a, pathterm);
    if (st == KB_STATUS_SUCCESS && i == 0)
        st = add_boolean(doc, KB_PREFIX_LEAD, a->id);
    if (st == KB_STATUS_SUCCESS && a->updated) {
        char ymd[9];
        memcpy(ymd, a->updated, 4);
        memcpy(ymd + 4, a->updated + 5, 2);
        memcpy(ymd + 6, a->updated + 8, 2);
        ymd[8] = '\0';
        st = kb_xdoc_add_value(doc, KB_SLOT_UPDATED, ymd, 8);
    }
    if (st == KB_STATUS_SUCCESS) {
        char num[24];
        int n = snprintf(num, sizeof num, "%zu", i);
        st = kb_xdoc_add_value(doc, KB_SLOT_SECTION, num, (size_t)n);
    }
    return finish_doc(doc, st, st == KB_STATUS_SUCCESS ? kb_schema_section_encode(a, i) : NULL, out);
}

/* A question document: one question's (or phrase's) words only, so that
 * BM25 scores a query against each way customers ask on its own.  LEARNED:
 * a learned phrasing's, marked for the query to weigh below the others. */
static kb_status_t build_question(kbi_builder_t *b, const kb_article_t *a, const char *text,
                                  const char *pathterm, int learned, kb_xdoc_t **out)
{
    *out = NULL;
    kb_xdoc_t *doc;
    kb_status_t st = kb_xdoc_new(&doc);
    if (st != KB_STATUS_SUCCESS)
        return st;
    st = kb_xtermgen_set_document(b->tg, doc);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xtermgen_index_text(b->tg, text, strlen(text), 1, "");
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_term(doc, KB_TERM_QUESTION_DOC, 0);
    if (st == KB_STATUS_SUCCESS)
        st = add_common(doc, a, pathterm);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_value(doc, KB_SLOT_SECTION, "q", 1);
    if (st == KB_STATUS_SUCCESS && learned)
        st = kb_xdoc_add_value(doc, KB_SLOT_LEARNED, "1", 1);
    if (st == KB_STATUS_SUCCESS && learned)
        st = kb_xdoc_add_term(doc, KB_TERM_LEARNED_DOC, 0);
    char *data = st != KB_STATUS_SUCCESS ? NULL
                 : learned               ? kb_schema_learned_encode(a)
                                         : kb_schema_question_encode(a, text);
    return finish_doc(doc, st, data, out);
}

/* 1 if A already asks TEXT among its questions and phrases (ASCII case
 * ignored): a learned phrasing adds nothing then. */
static int asked(const kb_article_t *a, const char *text)
{
    for (size_t i = 0; i < a->n_questions + a->n_phrases; i++) {
        const char *q = i < a->n_questions ? a->questions[i] : a->phrases[i - a->n_questions];
        if (!strcasecmp(q, text))
            return 1;
    }
    return 0;
}

/* The learned documents of A: one per phrasing kb-index --learn learned
 * for it (learned.h), into OUT.  Their words are no spelling data. */
static kb_status_t add_learned(kbi_builder_t *b, const kb_article_t *a, const char *pathterm,
                               kbi_docset_t *out)
{
    const kbi_learned_entry_t *e = kbi_learned_get(b->learned, a->id);
    kb_status_t st = KB_STATUS_SUCCESS;
    for (size_t i = 0; e && i < e->n && st == KB_STATUS_SUCCESS; i++) {
        if (asked(a, e->texts[i]))
            continue;
        kb_xdoc_t *doc;
        st = build_question(b, a, e->texts[i], pathterm, 1, &doc);
        if (st == KB_STATUS_SUCCESS) {
            out->docs[out->n++] = doc;
            out->n_learned++;
        }
    }
    return st;
}

/* The article document: the whole article as JSON (for show, related and
 * the escalation op), found by its XD term.  It has no free text and no
 * filter terms, so no search ever returns it. */
static kb_status_t build_article_doc(const kb_article_t *a, const char *pathterm,
                                     kb_xdoc_t **out)
{
    *out = NULL;
    kb_xdoc_t *doc;
    kb_status_t st = kb_xdoc_new(&doc);
    if (st != KB_STATUS_SUCCESS)
        return st;
    st = add_boolean(doc, KB_PREFIX_ARTICLE, a->id);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_term(doc, KB_TERM_ARTICLE_DOC, 0);
    if (st == KB_STATUS_SUCCESS)
        st = add_boolean(doc, KB_PREFIX_ID, a->id);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_term(doc, pathterm, 0);
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_value(doc, KB_SLOT_ARTICLE, a->id, strlen(a->id));
    if (st == KB_STATUS_SUCCESS)
        st = kb_xdoc_add_value(doc, KB_SLOT_SECTION, "a", 1);
    return finish_doc(doc, st, st == KB_STATUS_SUCCESS ? kb_schema_article_encode(a) : NULL, out);
}

kb_status_t kbi_builder_build(kbi_builder_t *b, const kb_article_t *a, const char *rel,
                              kbi_docset_t *out)
{
    memset(out, 0, sizeof *out);
    char *pathterm = kb_schema_path_term(rel);
    if (!pathterm)
        return KB_STATUS_OUT_OF_MEMORY;
    const kbi_learned_entry_t *le = kbi_learned_get(b->learned, a->id);
    out->docs = calloc(a->n_sections + KB_ARTICLE_MAX_QUESTIONS + 2 + (le ? le->n : 0),
                       sizeof *out->docs);
    kb_status_t st = out->docs ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    kb_strlist_t words = {0};
    spell_ctx_t sc = {&words, 0};
    kb_xdoc_t *header = NULL;
    if (st == KB_STATUS_SUCCESS)
        st = header_terms(b, a, &header);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < a->n_sections; i++) {
        /* Sections without text add nothing but an empty hit. */
        if (i > 0 && !a->sections[i].text[0])
            continue;
        kb_xdoc_t *doc;
        st = build_section(b, a, i, header, pathterm, &doc);
        if (st != KB_STATUS_SUCCESS)
            break;
        out->docs[out->n++] = doc;
        st = kb_xdoc_terms(doc, collect_spelling, &sc);
        if (st == KB_STATUS_SUCCESS && sc.oom)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    kb_xdoc_free(header);
    size_t nq = a->n_questions + a->n_phrases;
    if (nq > KB_ARTICLE_MAX_QUESTIONS)
        nq = KB_ARTICLE_MAX_QUESTIONS;
    for (size_t q = 0; st == KB_STATUS_SUCCESS && q < nq; q++) {
        kb_xdoc_t *doc;
        const char *text = q < a->n_questions ? a->questions[q]
                                              : a->phrases[q - a->n_questions];
        st = build_question(b, a, text, pathterm, 0, &doc);
        if (st == KB_STATUS_SUCCESS)
            out->docs[out->n++] = doc;
    }
    if (st == KB_STATUS_SUCCESS)
        st = add_learned(b, a, pathterm, out);
    if (st == KB_STATUS_SUCCESS) {
        kb_xdoc_t *doc;
        st = build_article_doc(a, pathterm, &doc);
        if (st == KB_STATUS_SUCCESS)
            out->docs[out->n++] = doc;
    }
    free(pathterm);
    if (st == KB_STATUS_SUCCESS && words.n) {
        /* Distinct words: each article counts once per word. */
        qsort(words.items, words.n, sizeof *words.items, cmp_str);
        for (size_t i = 0; i < words.n && st == KB_STATUS_SUCCESS; i++)
            if (i == 0 || strcmp(words.items[i], words.items[i - 1]) != 0)
                if (!kb_strlist_push(&out->spelling, words.items[i], strlen(words.items[i])))
                    st = KB_STATUS_OUT_OF_MEMORY;
    }
    kb_strlist_clear(&words);
    /* Let go of the last document: it is about to leave this thread. */
    kb_status_t dst = kb_xtermgen_set_document(b->tg, b->idle);
    if (st == KB_STATUS_SUCCESS)
        st = dst;
    if (st == KB_STATUS_SUCCESS && kb_schema_is_tier(a)) {
        out->tier = kb_schema_tier_encode(a);
        if (!out->tier)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    if (st != KB_STATUS_SUCCESS)
        kbi_docset_free(out);
    return st;
}
