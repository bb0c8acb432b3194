/* evidence.c - the logs read into pieces of evidence for kb-index --learn
 * (evidence.h): the search log (which searches raised a vulnerable-customer
 * alert), the feedback log (helpful and not helpful marks) and the call
 * records (marks, calls resolved by an article's steps or after reading
 * it). */
#include "evidence.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/normalize.h"
#include "base/utf8.h"
#include "kb/log.h"
#include "log/jsonl.h"
#include "log/scrub.h"

kb_status_t learnset_init(learnset_t *ls, const char *since)
{
    memset(ls, 0, sizeof *ls);
    ls->since = since;
    if (kb_strmap_new(&ls->text_ids) || kb_strmap_new(&ls->article_ids) ||
        kb_strmap_new(&ls->searches)) {
        learnset_free(ls);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    return KB_STATUS_SUCCESS;
}

void learnset_free(learnset_t *ls)
{
    kb_strmap_free(ls->text_ids);
    kb_strmap_free(ls->article_ids);
    kb_strmap_free(ls->searches);
    kb_strv_free(ls->texts, ls->n_texts);
    kb_strv_free(ls->articles, ls->n_articles);
    free(ls->flags);
    free(ls->ev);
    memset(ls, 0, sizeof *ls);
}

/* ---------------------------------------------------------------- */
/* The words                                                          */

/* A query's words without its filters (category:x tag:y), exclusions
 * (-word) and quotes. */
static char *without_syntax(const char *q)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_add(&b, "", 0);
    const char *p = q;
    while (*p) {
        size_t sp = strspn(p, " \t\r\n");
        p += sp;
        size_t n = strcspn(p, " \t\r\n");
        if (!n)
            break;
        int filter = (n > 4 && !strncasecmp(p, "tag:", 4)) ||
                     (n > 9 && !strncasecmp(p, "category:", 9));
        int exclude = p[0] == '-' && n > 1 && p[1] != '-' && !(p[1] >= '0' && p[1] <= '9');
        if (!filter && !exclude) {
            if (b.len)
                kb_buf_addc(&b, ' ');
            for (size_t i = 0; i < n; i++)
                if (p[i] != '"')
                    kb_buf_addc(&b, p[i]);
        }
        p += n;
    }
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

/* Is code point CP punctuation or a symbol (dropped from the words)? */
static int is_punct(unsigned cp)
{
    return cp < 0xC0 || (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x303F) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF0F) || cp == 0xD7 ||
           cp == 0xF7 || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

static int word_char(unsigned cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || (cp >= 0x80 && !is_punct(cp));
}

/* Folded S reduced to its words, one space between them. */
static void words_of(kb_buf_t *b, const char *s)
{
    static const char *const ph[] = {"<email>", "<account>",  "<card>",   "<phone>",
                                     "<sort-code>", "<number>", "<postcode>", "<secret>"};
    size_t n = strlen(s), i = 0;
    int space = 0;
    while (i < n) {
        size_t m = 0;
        for (size_t k = 0; s[i] == '<' && k < sizeof ph / sizeof ph[0] && !m; k++)
            if (!strncmp(s + i, ph[k], strlen(ph[k])))
                m = strlen(ph[k]);
        unsigned cp = 0, prev = 0;
        size_t step = m ? m : kb_utf8_decode(s + i, n - i, &cp);
        if (!step)
            step = 1, cp = '?';
        if (cp == 0x2019 || cp == 0x2018 || cp == 0x2BC)
            cp = '\'';
        if (i)
            prev = (unsigned char)s[i - 1];
        int keep = m || word_char(cp) ||
                   (cp == '\'' && b->len && word_char(prev) && i + step < n &&
                    word_char((unsigned char)s[i + step]));
        if (!keep) {
            space = 1;
        } else {
            if (space && b->len)
                kb_buf_addc(b, ' ');
            space = 0;
            if (cp == '\'')
                kb_buf_addc(b, '\'');
            else
                kb_buf_add(b, s + i, step);
        }
        i += step;
    }
}

char *learn_key(const char *query)
{
    char *plain = without_syntax(query);
    char *scrubbed = plain ? kb_scrub(plain, NULL) : NULL;
    char *folded = NULL;
    free(plain);
    if (!scrubbed || kb_text_fold(scrubbed, strlen(scrubbed), &folded, NULL) != KB_STATUS_SUCCESS) {
        free(scrubbed);
        return NULL;
    }
    free(scrubbed);
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_add(&b, "", 0);
    words_of(&b, folded);
    free(folded);
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

/* The index of KEY in MAP (adding it to V as index *N if new). */
static long intern(kb_strmap_t *map, char ***v, size_t *n, size_t *cap, const char *key)
{
    int found;
    const char *idx = kb_strmap_get(map, key, &found);
    if (found && idx)
        return strtol(idx, NULL, 10);
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 256;
        char **p = realloc(*v, c * sizeof *p);
        if (!p)
            return -1;
        *v = p;
        *cap = c;
    }
    char num[24];
    snprintf(num, sizeof num, "%zu", *n);
    (*v)[*n] = kb_strdup(key);
    if (!(*v)[*n] || kb_strmap_set(map, key, num) != KB_STATUS_SUCCESS) {
        free((*v)[*n]);
        return -1;
    }
    return (long)(*n)++;
}

long learn_text(learnset_t *ls, const char *text)
{
    size_t before = ls->cap_texts;
    long i = intern(ls->text_ids, &ls->texts, &ls->n_texts, &ls->cap_texts, text);
    if (i >= 0 && ls->cap_texts != before) {
        unsigned char *f = realloc(ls->flags, ls->cap_texts);
        if (!f)
            return -1;
        memset(f + before, 0, ls->cap_texts - before);
        ls->flags = f;
    }
    if (i >= 0 && (size_t)i == ls->n_texts - 1) {
        ls->flags[i] = (kb_scrub_has_placeholder(text) ? TEXT_PERSONAL : 0) |
                       (strchr(text, ' ') ? 0 : TEXT_SHORT);
    }
    return i;
}

long learn_article(learnset_t *ls, const char *id)
{
    return intern(ls->article_ids, &ls->articles, &ls->n_articles, &ls->cap_articles, id);
}

/* ---------------------------------------------------------------- */
/* Evidence                                                           */

/* "2026-12-03T12:14:04.885Z" as 20261203121404; 0 when not a time. */
static uint64_t when_of(const char *t)
{
    uint64_t v = 0;
    int digits = 0;
    for (; t && *t && digits < 14; t++)
        if (*t >= '0' && *t <= '9')
            v = v * 10 + (uint64_t)(*t - '0'), digits++;
    return digits == 14 ? v : 0;
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

static int has_kind(const cJSON *o, const char *name, const char *kind)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name), *x;
    cJSON_ArrayForEach(x, a)
    {
        if (cJSON_IsString(x) && !strcmp(x->valuestring, kind))
            return 1;
    }
    return 0;
}

static int too_early(const learnset_t *ls, const char *time)
{
    return ls->since && (!time || strncmp(time, ls->since, strlen(ls->since)) < 0);
}

/* One piece of evidence: WORDS (the query as searched) were POLARITY for
 * ARTICLE, said by WHO at TIME. */
static kb_status_t add_evidence(learnset_t *ls, const char *words, const char *article,
                                int polarity, const char *who, const char *time, int vulnerable)
{
    if (!words || !article || too_early(ls, time))
        return KB_STATUS_SUCCESS;
    char *key = learn_key(words);
    if (!key)
        return KB_STATUS_OUT_OF_MEMORY;
    long t = key[0] ? learn_text(ls, key) : -2;
    free(key);
    if (t == -2)
        return KB_STATUS_SUCCESS;
    long a = learn_article(ls, article);
    if (t < 0 || a < 0)
        return KB_STATUS_OUT_OF_MEMORY;
    if (vulnerable)
        ls->flags[t] |= TEXT_VULNERABLE;
    if (ls->n_ev == ls->cap_ev) {
        size_t c = ls->cap_ev ? ls->cap_ev * 2 : 1024;
        lev_t *p = realloc(ls->ev, c * sizeof *p);
        if (!p)
            return KB_STATUS_OUT_OF_MEMORY;
        ls->ev = p;
        ls->cap_ev = c;
    }
    lev_t *e = &ls->ev[ls->n_ev++];
    e->text = (uint32_t)t;
    e->article = (uint32_t)a;
    e->who = kb_hash64(who, strlen(who));
    e->when = when_of(time);
    e->polarity = polarity;
    return KB_STATUS_SUCCESS;
}

/* ---- the search log ---- */

static kb_status_t search_line(void *ctx, const cJSON *o)
{
    learnset_t *ls = ctx;
    ls->lines++;
    const char *qid = str_of(o, "query_id");
    if (!qid)
        return KB_STATUS_PARSE_ERROR;
    if (has_kind(o, "alerts", "vulnerable"))
        return kb_strmap_set(ls->searches, qid, "v");
    return KB_STATUS_SUCCESS;
}

kb_status_t learn_read_searches(learnset_t *ls, const char *path, char **message)
{
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t p = KB_BUF_INIT;
    /* Oldest first: the rotated files, then the current one. */
    for (int k = KB_SEARCH_LOG_KEEP; k >= 0 && st == KB_STATUS_SUCCESS; k--) {
        kb_buf_clear(&p);
        if (k)
            kb_buf_printf(&p, "%s.%d", path, k);
        else
            kb_buf_adds(&p, path);
        st = p.oom ? KB_STATUS_OUT_OF_MEMORY
                   : kb_jsonl_read(p.data, search_line, ls, &ls->skipped, message);
    }
    kb_buf_free(&p);
    return st;
}

/* ---- the feedback log ---- */

/* Who said it: the officer, else the call, else the client. */
static void who_of(kb_buf_t *b, const char *officer, const char *call, const char *source)
{
    kb_buf_clear(b);
    if (officer)
        kb_buf_printf(b, "o:%s", officer);
    else if (call)
        kb_buf_printf(b, "c:%s", call);
    else
        kb_buf_printf(b, "s:%s", source ? source : "");
}

static int vulnerable_search(const learnset_t *ls, const char *qid)
{
    int found = 0;
    if (qid)
        kb_strmap_get(ls->searches, qid, &found);
    return found;
}

static kb_status_t feedback_line(void *ctx, const cJSON *o)
{
    learnset_t *ls = ctx;
    ls->lines++;
    const char *time = str_of(o, "time"), *article = str_of(o, "article");
    const cJSON *helpful = cJSON_GetObjectItemCaseSensitive(o, "helpful");
    if (!time || !article || !cJSON_IsBool(helpful))
        return KB_STATUS_PARSE_ERROR;
    const char *q = str_of(o, "query"), *corrected = str_of(o, "corrected");
    const char *qid = str_of(o, "query_id");
    int vulnerable = has_kind(o, "alerts", "vulnerable") || vulnerable_search(ls, qid);
    kb_buf_t who = KB_BUF_INIT;
    who_of(&who, str_of(o, "officer"), str_of(o, "call"), str_of(o, "source"));
    kb_status_t st = who.oom ? KB_STATUS_OUT_OF_MEMORY
                             : add_evidence(ls, corrected ? corrected : q, article,
                                            cJSON_IsTrue(helpful) ? 1 : -1, who.data, time,
                                            vulnerable);
    kb_buf_free(&who);
    return st;
}

kb_status_t learn_read_feedback(learnset_t *ls, const char *path, char **message)
{
    return kb_jsonl_read(path, feedback_line, ls, &ls->skipped, message);
}

/* ---- call records ---- */

#define CALL_OPENED 8

/* What one call record says so far. */
typedef struct callstate {
    learnset_t *ls;
    kb_buf_t who;
    char *q, *corrected, *qid;   /* the last question */
    int vulnerable;
    char *opened[CALL_OPENED];   /* articles opened, first ones */
    size_t n_opened;
    char *resolved_q, *resolved_time; /* resolved with no article named */
    int resolved_vulnerable;
} callstate_t;

static void call_free(callstate_t *c)
{
    kb_buf_free(&c->who);
    free(c->q);
    free(c->corrected);
    free(c->qid);
    for (size_t i = 0; i < c->n_opened; i++)
        free(c->opened[i]);
    free(c->resolved_q);
    free(c->resolved_time);
    memset(c, 0, sizeof *c);
}

static void set_str(char **to, const char *v)
{
    free(*to);
    *to = v ? kb_strdup(v) : NULL;
}

/* The words of the question an event is about: its own "q" (or "query"),
 * as the search read it when it is the last question. */
static const char *words_for(const callstate_t *c, const cJSON *o)
{
    const char *q = str_of(o, "q");
    if (!q)
        q = str_of(o, "query");
    if (!q)
        q = c->q;
    if (q && c->q && !strcmp(q, c->q) && c->corrected)
        return c->corrected;
    return q;
}

static kb_status_t call_event(callstate_t *c, const char *event, const cJSON *o,
                              const char *time)
{
    learnset_t *ls = c->ls;
    const char *id = str_of(o, "id");
    if (!strcmp(event, KB_EVENT_CALL_START)) {
        who_of(&c->who, str_of(o, "officer"), str_of(o, "call"), "assistant");
    } else if (!strcmp(event, KB_EVENT_QUERY) && !str_of(o, "error")) {
        set_str(&c->q, str_of(o, "q"));
        set_str(&c->corrected, str_of(o, "corrected"));
        set_str(&c->qid, str_of(o, "query_id"));
        c->vulnerable = has_kind(o, "alerts", "vulnerable") || vulnerable_search(ls, c->qid);
    } else if (!strcmp(event, KB_EVENT_OPEN) && id && c->n_opened < CALL_OPENED) {
        int seen = 0;
        for (size_t i = 0; i < c->n_opened; i++)
            seen |= !strcmp(c->opened[i], id);
        if (!seen && (c->opened[c->n_opened] = kb_strdup(id)))
            c->n_opened++;
    } else if (!strcmp(event, KB_EVENT_FEEDBACK) && id) {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(o, "helpful");
        if (cJSON_IsBool(h))
            return add_evidence(ls, words_for(c, o), id, cJSON_IsTrue(h) ? 1 : -1, c->who.data,
                                time, c->vulnerable);
    } else if ((!strcmp(event, KB_EVENT_STEPS_END) &&
                !strcmp(str_of(o, "outcome") ? str_of(o, "outcome") : "", "fixed")) ||
               (!strcmp(event, KB_EVENT_OUTCOME) &&
                !strcmp(str_of(o, "outcome") ? str_of(o, "outcome") : "", "resolved"))) {
        if (id)
            return add_evidence(ls, words_for(c, o), id, 1, c->who.data, time, c->vulnerable);
        set_str(&c->resolved_q, words_for(c, o));
        set_str(&c->resolved_time, time);
        c->resolved_vulnerable = c->vulnerable;
    }
    return KB_STATUS_SUCCESS;
}

static kb_status_t call_line(void *ctx, const cJSON *o)
{
    callstate_t *c = ctx;
    c->ls->lines++;
    const char *event = str_of(o, "event"), *time = str_of(o, "time");
    if (!event || !time)
        return KB_STATUS_PARSE_ERROR;
    if (!c->who.len)
        kb_buf_adds(&c->who, "c:?");
    return call_event(c, event, o, time);
}

static kb_status_t read_call(learnset_t *ls, const char *path, char **message)
{
    callstate_t c;
    memset(&c, 0, sizeof c);
    c.ls = ls;
    kb_status_t st = kb_jsonl_read(path, call_line, &c, &ls->skipped, message);
    /* Resolved, no article named: the one article read, if only one was. */
    if (st == KB_STATUS_SUCCESS && c.resolved_time && c.n_opened == 1)
        st = add_evidence(ls, c.resolved_q, c.opened[0], 1, c.who.data, c.resolved_time,
                          c.resolved_vulnerable);
    call_free(&c);
    return st;
}

kb_status_t learn_read_calls(learnset_t *ls, const char *dir, char **message)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (errno == ENOENT)
            return KB_STATUS_SUCCESS;
        if (message) {
            kb_buf_t b = KB_BUF_INIT;
            kb_buf_printf(&b, "cannot read %s: %s", dir, strerror(errno));
            *message = kb_buf_take(&b);
        }
        return KB_STATUS_FILE_ERROR;
    }
    kb_status_t st = KB_STATUS_SUCCESS;
    kb_buf_t path = KB_BUF_INIT;
    struct dirent *e;
    while (st == KB_STATUS_SUCCESS && (e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 7 || strcmp(e->d_name + n - 6, ".jsonl") != 0)
            continue;
        kb_buf_clear(&path);
        kb_buf_printf(&path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (path.oom)
            st = KB_STATUS_OUT_OF_MEMORY;
        else if (lstat(path.data, &sb) == 0 && S_ISREG(sb.st_mode))
            st = read_call(ls, path.data, message);
    }
    kb_buf_free(&path);
    closedir(d);
    return st;
}
