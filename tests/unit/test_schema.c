/* test_schema.c - the index schema: every encoder's output decodes to what
 * was encoded (section, question, article with its steps, tier, file
 * record), and damaged data is refused with KB_STATUS_DB_CORRUPT. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "index/parse.h"
#include "schema/pins.h"
#include "schema/schema.h"
#include "schema/words.h"
#include "base/date.h"

static const char md[] =
    "---\n"
    "id: card-not-arrived\n"
    "title: My card hasn't arrived\n"
    "category: troubleshooting\n"
    "tags: [card, delivery]\n"
    "questions: [\"Where is my card?\", \"nothing came\"]\n"
    "phrases: [\"card never came\"]\n"
    "escalation: card-ops\n"
    "updated: 2026-10-12\n"
    "owner: cards-team\n"
    "triggers: [\"card stuck\"]\n"
    "alert: delivery\n"
    "---\n"
    "Short answer.\n\n"
    "## If it has been longer\n\n"
    "1. Check the **address**.\n"
    "2. Reorder the card.\n\n"
    "## Nothing to do\n\nText only.\n";

static kb_article_t *parsed(void)
{
    kb_article_t *a = NULL;
    kb_article_parse("kb/troubleshooting/card-not-arrived.md", md, strlen(md), NULL, &a);
    return a;
}

static void test_article_round_trip(void)
{
    kb_article_t *a = parsed();
    OK(a != NULL, "the article parses");
    if (!a)
        return;
    char *data = kb_schema_article_encode(a);
    OK(data != NULL, "encoded");
    kb_article_t *b = NULL;
    INT_EQ(kb_schema_article_decode(data, strlen(data), &b), KB_STATUS_SUCCESS, "decoded");
    free(data);
    if (!b) {
        kb_article_free(a);
        return;
    }
    STR_EQ(b->id, a->id, "id");
    STR_EQ(b->title, a->title, "title");
    STR_EQ(b->category, "troubleshooting", "category");
    STR_EQ(b->path, a->path, "path");
    INT_EQ(b->n_tags, 2, "tags");
    INT_EQ(b->n_questions, 2, "questions");
    STR_EQ(b->questions[0], "Where is my card?", "a question");
    INT_EQ(b->n_phrases, 1, "phrases");
    STR_EQ(b->escalation, "card-ops", "escalation");
    STR_EQ(b->updated, "2026-10-12", "updated");
    OK(b->review_by == NULL, "a missing date stays missing");
    STR_EQ(b->owner, "cards-team", "owner");
    INT_EQ(b->n_triggers, 1, "triggers");
    STR_EQ(b->alert, "delivery", "alert");
    STR_EQ(b->body, a->body, "body");
    INT_EQ(b->n_sections, a->n_sections, "sections");
    if (b->n_sections == 3) {
        STR_EQ(b->sections[1].heading, "If it has been longer", "a heading");
        INT_EQ(b->sections[1].level, 2, "its level");
        INT_EQ(b->sections[1].n_steps, 2, "its steps");
        STR_EQ(b->sections[1].steps[0], "Check the address.", "step text, markup dropped");
        INT_EQ(b->sections[2].n_steps, 0, "a section with no steps");
        STR_EQ(b->sections[1].text, "", "section text lives in the section documents");
    }
    kb_article_free(b);
    kb_article_free(a);
}

static void test_section_and_question(void)
{
    kb_article_t *a = parsed();
    if (!a) {
        OK(0, "the article parses");
        return;
    }
    char *data = kb_schema_section_encode(a, 1);
    kb_schema_section_t s;
    INT_EQ(kb_schema_section_decode(data, strlen(data), &s), KB_STATUS_SUCCESS, "section decoded");
    STR_EQ(s.id, "card-not-arrived", "section: id");
    STR_EQ(s.section, "If it has been longer", "section: heading");
    INT_EQ(s.n, 1, "section: number");
    INT_EQ(s.steps, 2, "section: steps counted");
    STR_EQ(s.escalation, "card-ops", "section: escalation");
    STR_CONTAINS(s.text, "Reorder the card", "section: text");
    kb_schema_section_clear(&s);
    free(data);
    data = kb_schema_question_encode(a, "Where is my card?");
    char *id = NULL, *q = NULL;
    INT_EQ(kb_schema_question_decode(data, strlen(data), &id, &q), KB_STATUS_SUCCESS,
           "question decoded");
    STR_EQ(id, "card-not-arrived", "question: id");
    STR_EQ(q, "Where is my card?", "question: text");
    free(id);
    free(q);
    free(data);
    data = kb_schema_tier_encode(a);
    kb_schema_tier_t t;
    INT_EQ(kb_schema_tier_decode(data, strlen(data), &t), KB_STATUS_SUCCESS, "tier decoded");
    STR_EQ(t.id, "card-not-arrived", "tier: id");
    INT_EQ(t.n_triggers, 1, "tier: triggers");
    STR_EQ(t.alert, "delivery", "tier: alert");
    kb_schema_tier_clear(&t);
    free(data);
    OK(kb_schema_is_tier(a), "an article with triggers is stored as a tier");
    kb_article_free(a);
}

static void test_damaged(void)
{
    kb_schema_section_t s;
    INT_EQ(kb_schema_section_decode("{not json", 9, &s), KB_STATUS_DB_CORRUPT, "not JSON");
    OK(s.id == NULL && s.text == NULL, "nothing handed out");
    const char *noid = "{\"title\":\"x\",\"path\":\"p\",\"section\":\"\",\"section_path\":\"\","
                       "\"text\":\"t\"}";
    INT_EQ(kb_schema_section_decode(noid, strlen(noid), &s), KB_STATUS_DB_CORRUPT,
           "a section without an id");
    kb_article_t *a = (kb_article_t *)1;
    INT_EQ(kb_schema_article_decode("[]", 2, &a), KB_STATUS_DB_CORRUPT, "an array is no article");
    OK(a == NULL, "no article on failure");
    char *id, *q;
    INT_EQ(kb_schema_question_decode("{\"id\":\"x\"}", 10, &id, &q), KB_STATUS_DB_CORRUPT,
           "a question without its text");
    kb_schema_tier_t t;
    INT_EQ(kb_schema_tier_decode("{\"title\":\"x\"}", 13, &t), KB_STATUS_DB_CORRUPT,
           "a tier without an id");
}

static void test_file_records_and_terms(void)
{
    kb_schema_file_t f = {123, 1700000000123456789LL, 0xdeadbeef12345678ULL, "card-not-arrived"};
    char *s = kb_schema_file_encode(&f);
    STR_EQ(s, "123 1700000000123456789 deadbeef12345678 card-not-arrived", "file record");
    kb_schema_file_t g;
    OK(kb_schema_file_decode(s, &g) && g.size == 123 && g.mtime_ns == f.mtime_ns &&
           g.hash == f.hash && strcmp(g.id, f.id) == 0,
       "file record round trip");
    free(s);
    OK(!kb_schema_file_decode("123 x 1 id", &g), "a damaged record is refused");
    OK(!kb_schema_file_decode("1 2 3 two words", &g), "an id with a space is refused");
    OK(!kb_schema_file_decode(NULL, &g), "NULL is refused");
    char *t = kb_schema_term(KB_PREFIX_TAG, "card");
    STR_EQ(t, "Kcard", "a term");
    free(t);
    char longpath[400];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    t = kb_schema_path_term(longpath);
    OK(t && strlen(t) <= 245 && strncmp(t, "XP#", 3) == 0, "a long path is hashed into a term");
    free(t);
}

/* The words key pins are matched by (schema/pins.h). */
static void test_words_key(void)
{
    kb_xstem_t *stem = NULL;
    INT_EQ(kb_text_stemmer(&stem), KB_STATUS_SUCCESS, "stemmer");
    kb_strmap_t *syn = NULL;
    kb_strmap_new(&syn);
    kb_strmap_set(syn, "top up", "top up");
    kb_strmap_set(syn, "add money", "top up");
    const char *same[][2] = {
        {"Where is my card?", "hi, where is my cards please"},
        {"WHERE IS MY CARD", "where is my card"},
        {"top up failed", "add money failed"},
        {"topping up failed", "top up failed"},
    };
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        char *a = NULL, *b = NULL;
        kb_schema_words_key(stem, same[i][0], syn, &a);
        kb_schema_words_key(stem, same[i][1], syn, &b);
        OK(a && b && strcmp(a, b) == 0, "'%s' and '%s' are one phrase ('%s', '%s')", same[i][0],
           same[i][1], a ? a : "", b ? b : "");
        free(a);
        free(b);
    }
    const char *other[][2] = {
        {"where is my card", "card"},
        {"where is my card", "where is the card"},
        {"where is my card", "my card is where"},
        {"card not arrived", "card arrived"},
    };
    for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
        char *a = NULL, *b = NULL;
        kb_schema_words_key(stem, other[i][0], syn, &a);
        kb_schema_words_key(stem, other[i][1], syn, &b);
        OK(a && b && strcmp(a, b) != 0, "'%s' and '%s' are two phrases", other[i][0], other[i][1]);
        free(a);
        free(b);
    }
    char *k = NULL;
    kb_schema_words_key(stem, "hi, please", syn, &k);
    STR_EQ(k, "", "only conversation words: no key");
    free(k);
    kb_schema_pins_t p = {0};
    kb_schema_pins_add(&p, "where is my card", "card-delivery", 3, "where be my card");
    p.syn = syn;
    char *enc = kb_schema_pins_encode(&p);
    kb_schema_pins_t back;
    INT_EQ(kb_schema_pins_decode(enc, strlen(enc), &back), KB_STATUS_SUCCESS, "pins round trip");
    OK(back.n == 1 && back.items[0].line == 3 && !strcmp(back.items[0].id, "card-delivery") &&
       !strcmp(kb_strmap_get(back.syn, "add money", NULL), "top up"), "pins and synonyms kept");
    kb_schema_pins_clear(&back);
    kb_schema_pins_clear(&p);
    free(enc);
    INT_EQ(kb_schema_pins_decode("[1,2]", 5, &back), KB_STATUS_DB_CORRUPT, "damaged pins refused");
    kb_xstem_free(stem);
}

static void test_dates(void)
{
    INT_EQ(kb_date_days("2026-12-03", "2026-12-20"), 17, "days ahead");
    INT_EQ(kb_date_days("2026-12-03", "2026-01-15"), -322, "days past");
    INT_EQ(kb_date_days("2028-02-28", "2028-03-01"), 2, "a leap day counts");
    INT_EQ(kb_date_days("2026-02-30", "2026-03-01"), 0, "a date that is none: 0");
}

int main(void)
{
    test_words_key();
    test_dates();
    test_article_round_trip();
    test_section_and_question();
    test_damaged();
    test_file_records_and_terms();
    return HARNESS_DONE();
}
