/* pins.c - the words key and the stored pins (see pins.h). */
#include "schema/pins.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "schema/words.h"

/* A word that changes nothing in what a customer asks: a conversation
 * word (hi, wondering, please) or an article.  Other stopwords stay: "where
 * is my card" is not "card". */
static int is_stop(const char *w)
{
    static const char *const more[] = {"a", "an", "the", "please", "hi", "hello", "thanks", NULL};
    for (const char *const *m = more; *m; m++)
        if (strcmp(w, *m) == 0)
            return 1;
    return kb_text_is_filler(w);
}

/* Shorthand ("acct") is read as the word it stands for: its stem in
 * T->stems[I], its stop-ness in *STOP. */
static kb_status_t read_slang(kb_xstem_t *stem, kb_tokens_t *t, size_t i, int *stop)
{
    const char *sl = kb_text_slang(t->words[i]);
    *stop = is_stop(sl ? sl : t->words[i]);
    if (!sl || !stem)
        return KB_STATUS_SUCCESS;
    char *s = NULL;
    kb_status_t st = kb_xstem_word(stem, sl, strlen(sl), &s);
    if (st == KB_STATUS_SUCCESS) {
        free(t->stems[i]);
        t->stems[i] = s;
    }
    return st;
}

/* The group of the synonym item that starts at token I, longest first:
 * its name and, in *SPAN, its words; NULL when none does. */
static const char *synonym_at(const kb_tokens_t *t, size_t i, const kb_strmap_t *syn,
                              size_t *span, kb_buf_t *b)
{
    if (!syn)
        return NULL;
    size_t max = t->n - i < KB_PIN_SPAN_MAX ? t->n - i : KB_PIN_SPAN_MAX;
    for (size_t k = max; k >= 1; k--) {
        kb_buf_clear(b);
        for (size_t j = i; j < i + k; j++) {
            if (j > i)
                kb_buf_addc(b, ' ');
            kb_buf_adds(b, t->stems[j]);
        }
        const char *g = b->oom ? NULL : kb_strmap_get(syn, b->data, NULL);
        if (g) {
            *span = k;
            return g;
        }
    }
    return NULL;
}

kb_status_t kb_schema_words_key(kb_xstem_t *stem, const char *text, const kb_strmap_t *syn,
                                char **key)
{
    *key = NULL;
    kb_tokens_t t;
    kb_status_t st = kb_text_tokens(stem, text, strlen(text), &t);
    if (st != KB_STATUS_SUCCESS)
        return st;
    int *stop = calloc(t.n ? t.n : 1, sizeof *stop);
    kb_strlist_t units = {0};
    kb_buf_t b = KB_BUF_INIT;
    st = stop ? KB_STATUS_SUCCESS : KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < t.n; i++)
        st = read_slang(stem, &t, i, &stop[i]);
    for (size_t i = 0; st == KB_STATUS_SUCCESS && i < t.n;) {
        size_t span = 1;
        const char *g = synonym_at(&t, i, syn, &span, &b);
        char unit[80];
        const char *u = g ? unit : stop[i] ? NULL : t.stems[i];
        if (g)
            snprintf(unit, sizeof unit, "=%s", g);
        if (u && !kb_strlist_push(&units, u, strlen(u)))
            st = KB_STATUS_OUT_OF_MEMORY;
        i += span;
    }
    kb_buf_clear(&b);
    kb_buf_adds(&b, "");
    for (size_t i = 0; i < units.n; i++) {
        if (i)
            kb_buf_addc(&b, ' ');
        kb_buf_adds(&b, units.items[i]);
    }
    if (st == KB_STATUS_SUCCESS) {
        *key = kb_buf_take(&b);
        if (!*key)
            st = KB_STATUS_OUT_OF_MEMORY;
    }
    kb_buf_free(&b);
    kb_strlist_clear(&units);
    free(stop);
    kb_tokens_free(&t);
    return st;
}

void kb_schema_pins_clear(kb_schema_pins_t *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].phrase);
        free(p->items[i].id);
        free(p->items[i].key);
    }
    free(p->items);
    kb_strmap_free(p->syn);
    memset(p, 0, sizeof *p);
}

kb_status_t kb_schema_pins_add(kb_schema_pins_t *p, const char *phrase, const char *id, int line,
                               const char *key)
{
    if (p->n % 16 == 0) {
        kb_schema_pin_t *x = realloc(p->items, (p->n + 16) * sizeof *x);
        if (!x)
            return KB_STATUS_OUT_OF_MEMORY;
        p->items = x;
    }
    kb_schema_pin_t *x = &p->items[p->n];
    x->phrase = kb_strdup(phrase);
    x->id = kb_strdup(id);
    x->key = kb_strdup(key);
    x->line = line;
    if (!x->phrase || !x->id || !x->key) {
        free(x->phrase);
        free(x->id);
        free(x->key);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    p->n++;
    return KB_STATUS_SUCCESS;
}

char *kb_schema_pins_encode(const kb_schema_pins_t *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *pins = o ? cJSON_AddArrayToObject(o, "pins") : NULL;
    for (size_t i = 0; pins && i < p->n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "phrase", p->items[i].phrase);
        cJSON_AddStringToObject(x, "id", p->items[i].id);
        cJSON_AddNumberToObject(x, "line", p->items[i].line);
        cJSON_AddStringToObject(x, "key", p->items[i].key);
        cJSON_AddItemToArray(pins, x);
    }
    cJSON *syn = o ? cJSON_AddObjectToObject(o, "syn") : NULL;
    size_t pos = 0;
    const char *k, *v;
    while (syn && p->syn && kb_strmap_next(p->syn, &pos, &k, &v))
        cJSON_AddStringToObject(syn, k, v);
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    return s;
}

kb_status_t kb_schema_pins_decode(const char *data, size_t len, kb_schema_pins_t *out)
{
    memset(out, 0, sizeof *out);
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return KB_STATUS_DB_CORRUPT;
    }
    kb_status_t st = kb_strmap_new(&out->syn);
    const cJSON *x;
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "pins"))
    {
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(x, "phrase");
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(x, "id");
        const cJSON *ln = cJSON_GetObjectItemCaseSensitive(x, "line");
        const cJSON *key = cJSON_GetObjectItemCaseSensitive(x, "key");
        if (st != KB_STATUS_SUCCESS || !cJSON_IsString(ph) || !cJSON_IsString(id) ||
            !cJSON_IsString(key))
            continue;
        st = kb_schema_pins_add(out, ph->valuestring, id->valuestring,
                                cJSON_IsNumber(ln) ? (int)ln->valuedouble : 0, key->valuestring);
    }
    cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(o, "syn"))
    {
        if (st == KB_STATUS_SUCCESS && cJSON_IsString(x) && x->string)
            st = kb_strmap_set(out->syn, x->string, x->valuestring);
    }
    cJSON_Delete(o);
    if (st != KB_STATUS_SUCCESS)
        kb_schema_pins_clear(out);
    return st;
}
