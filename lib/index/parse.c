/* parse.c - an article file into a kb_article_t: encoding checks, front
 * matter fields, then the Markdown body (sections.c). */
#include "parse.h"
#include "kb/index.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontmatter.h"
#include "sections.h"
#include "base/edits.h"
#include "base/buf.h"
#include "base/date.h"
#include "base/utf8.h"
#include "base/file.h"
#include "schema/ids.h"

/* Copy BUF with the BOM dropped and CRLF / CR turned into LF. */
static char *normalise(const char *buf, size_t len, size_t *out_len)
{
    if (len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF) {
        buf += 3;
        len -= 3;
    }
    char *p = malloc(len + 1);
    if (!p)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\r') {
            p[j++] = '\n';
            if (i + 1 < len && buf[i + 1] == '\n')
                i++;
        } else {
            p[j++] = buf[i];
        }
    }
    p[j] = '\0';
    *out_len = j;
    return p;
}

static int line_at(const char *s, size_t off)
{
    int line = 1;
    for (size_t i = 0; i < off; i++)
        if (s[i] == '\n')
            line++;
    return line;
}

/* Does the line starting at S (up to END) consist of MARK and optional
 * trailing blanks? */
static int is_marker_line(const char *s, const char *end, const char *mark)
{
    size_t m = strlen(mark);
    if ((size_t)(end - s) < m || memcmp(s, mark, m) != 0)
        return 0;
    for (s += m; s < end && *s != '\n'; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

/* Where a front-matter value goes. */
typedef enum { F_STRING, F_LIST, F_DATE, F_ID, F_STATUS } field_kind_t;

typedef struct field {
    const char *key;
    field_kind_t kind;
    size_t offset;   /* of the char * or the char ** in kb_article_t */
    size_t n_offset; /* lists: of the count beside it */
} field_t;

#define FIELD(k, kind, member) {k, kind, offsetof(kb_article_t, member), 0}
#define LIST(k, member) {k, F_LIST, offsetof(kb_article_t, member), offsetof(kb_article_t, n_##member)}
static const field_t fields[] = {
    FIELD("id", F_ID, id),
    FIELD("title", F_STRING, title),
    FIELD("category", F_STRING, category),
    LIST("tags", tags),
    LIST("questions", questions),
    LIST("phrases", phrases),
    FIELD("escalation", F_STRING, escalation),
    FIELD("updated", F_DATE, updated),
    FIELD("review_by", F_DATE, review_by),
    FIELD("owner", F_STRING, owner),
    FIELD("contact", F_STRING, contact),
    FIELD("hours", F_STRING, hours),
    FIELD("sla", F_STRING, sla),
    FIELD("next", F_STRING, next),
    LIST("triggers", triggers),
    FIELD("alert", F_STRING, alert),
    FIELD("status", F_STATUS, status),
};

/* Keys editors coming from other tools write for one of ours. */
static const struct {
    const char *key, *means;
} aliases[] = {
    {"review_date", "review_by"}, {"review-by", "review_by"}, {"review-date", "review_by"},
    {"reviewby", "review_by"},    {"review", "review_by"},    {"expires", "review_by"},
    {"question", "questions"},    {"faq", "questions"},       {"keywords", "tags"},
    {"labels", "tags"},           {"tag", "tags"},            {"phrase", "phrases"},
    {"author", "owner"},          {"team", "owner"},          {"escalate", "escalation"},
    {"escalation_path", "escalation"}, {"state", "status"},   {"published", "status"},
    {"name", "title"},            {"heading", "title"},       {"section", "category"},
    {"type", "category"},         {"trigger", "triggers"},    {"last_updated", "updated"},
    {"modified", "updated"},      {"date", "updated"},
};

/* The length of S's longest prefix of at most MAX bytes that does not cut
 * a UTF-8 sequence, for "%.*s" in diagnostics (they end up in JSON). */
static int clip(const char *s, size_t max)
{
    return (int)kb_utf8_prefix(s, strlen(s), max);
}

/* Trimmed copy of a scalar; NULL if empty after trimming. */
static char *trimmed(const char *s, int *oom)
{
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        n--;
    if (!n)
        return NULL;
    char *p = kb_strndup(s, n);
    if (!p)
        *oom = 1;
    return p;
}

/* Fill A's field F from front-matter entry E.  Returns 0 if the article
 * must be rejected (an invalid explicit id), setting *OOM on allocation
 * failure. */
static int set_field(kb_article_t *a, const field_t *f, kbi_fm_entry_t *e,
                     kb_diags_t *diags, int *oom)
{
    char **str = (char **)((char *)a + f->offset);
    char ***list = (char ***)((char *)a + f->offset);
    size_t *n_list = (size_t *)((char *)a + f->n_offset);
    if (e->kind == KBI_FM_NULL)
        return 1;
    if (f->kind == F_LIST) {
        kb_strv_free(*list, *n_list);
        *list = NULL;
        *n_list = 0;
        if (e->kind == KBI_FM_LIST) {
            for (size_t i = 0; i < e->list.n; i++) {
                char *t = trimmed(e->list.items[i], oom);
                if (t) {
                    if (!kb_strv_push(list, n_list, t, strlen(t)))
                        *oom = 1;
                    free(t);
                }
            }
        } else if (e->kind == KBI_FM_SCALAR) {
            /* "tags: card, delivery": take it, but say it should be a list. */
            kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                         "'%s' should be a list; read \"%s\" as a comma-separated list",
                         f->key, e->scalar);
            const char *s = e->scalar;
            while (*s) {
                size_t n = strcspn(s, ",");
                char *piece = kb_strndup(s, n);
                char *t = piece ? trimmed(piece, oom) : NULL;
                if (!piece)
                    *oom = 1;
                if (t && !kb_strv_push(list, n_list, t, strlen(t)))
                    *oom = 1;
                free(t);
                free(piece);
                s += n;
                if (*s == ',')
                    s++;
            }
        } else {
            kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                         "'%s' should be a list of strings; ignored", f->key);
        }
        return 1;
    }
    if (e->kind != KBI_FM_SCALAR) {
        if (f->kind == F_ID) {
            kb_diags_add(diags, KB_DIAG_ERROR, a->path, e->line, "'id' must be a string");
            return 0;
        }
        kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                     "'%s' should be a string; ignored", f->key);
        return 1;
    }
    char *v = trimmed(e->scalar, oom);
    if (!v)
        return !*oom;
    if (f->kind == F_ID && !kb_id_valid(v)) {
        kb_diags_add(diags, KB_DIAG_ERROR, a->path, e->line,
                     "invalid id '%.*s': use lowercase letters, digits and single hyphens "
                     "(at most 128 bytes)", clip(v, 80), v);
        free(v);
        return 0;
    }
    if (f->kind == F_DATE && !kb_date_valid(v)) {
        kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                     "'%s' is not a date of the form YYYY-MM-DD: '%.*s'; ignored", f->key,
                     clip(v, 40), v);
        free(v);
        return 1;
    }
    if (f->kind == F_STATUS) {
        kb_ascii_lower(v);
        if (strcmp(v, "published") == 0) {
            free(v);
            v = NULL;   /* the default */
        }
    }
    free(*str);
    *str = v;
    if (strcmp(f->key, "title") == 0)
        a->title_line = e->line;
    return 1;
}

/* The known key an unknown KEY most likely means, or NULL. */
static const char *did_you_mean(const char *key)
{
    for (size_t k = 0; k < sizeof aliases / sizeof aliases[0]; k++)
        if (strcasecmp(aliases[k].key, key) == 0)
            return aliases[k].means;
    const char *best = NULL;
    unsigned best_d = 3;
    size_t n = strlen(key);
    for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++) {
        unsigned d = kb_edits(key, fields[k].key, 1);
        /* Two edits are a typo only in a longer word ("quesitons"). */
        if (d < best_d && (d == 1 || (d == 2 && n >= 6))) {
            best = fields[k].key;
            best_d = d;
        }
    }
    return best;
}

/* An unknown key E: kept, not used, with what it probably means. */
static void unknown_key(kb_article_t *a, const kbi_fm_entry_t *e, kb_diags_t *diags, int *oom)
{
    if (strcasecmp(e->key, "draft") == 0 && e->kind == KBI_FM_SCALAR) {
        /* "draft: true" must not go live: read as the status it means. */
        int yes = !strcasecmp(e->scalar, "true") || !strcasecmp(e->scalar, "yes");
        if (yes && !a->status && !(a->status = kb_strdup("draft")))
            *oom = 1;
        kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                     "'draft: %s' is read as 'status: %s'; write that instead",
                     yes ? "true" : "false", yes ? "draft" : "published");
        return;
    }
    const char *means = did_you_mean(e->key);
    if (means)
        kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                     "unknown front-matter key '%.*s' (kept, not used): did you mean '%s'?",
                     clip(e->key, 60), e->key, means);
    else
        kb_diags_add(diags, KB_DIAG_WARNING, a->path, e->line,
                     "unknown front-matter key '%.*s' (kept, not used)", clip(e->key, 60),
                     e->key);
}

/* Remember that KEY is at LINE (kb_article_t.keys). */
static int note_key(kb_article_t *a, const char *key, int line)
{
    if (a->n_keys == 0 || (a->n_keys >= 16 && (a->n_keys & (a->n_keys - 1)) == 0)) {
        /* Room for 16, then doubled at each power of two. */
        size_t cap = a->n_keys < 16 ? 16 : 2 * a->n_keys;
        kb_key_line_t *k = realloc(a->keys, cap * sizeof *k);
        if (!k)
            return 0;
        a->keys = k;
    }
    char *c = kb_strdup(key);
    if (!c)
        return 0;
    a->keys[a->n_keys++] = (kb_key_line_t){c, line};
    return 1;
}

static kb_status_t apply_front_matter(kb_article_t *a, kbi_fm_t *fm, kb_diags_t *diags)
{
    int oom = 0;
    for (size_t i = 0; i < fm->n && !oom; i++) {
        kbi_fm_entry_t *e = &fm->entries[i];
        const field_t *f = NULL;
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            if (strcmp(fields[k].key, e->key) == 0)
                f = &fields[k];
        if (!note_key(a, e->key, e->line))
            oom = 1;
        if (!f) {
            unknown_key(a, e, diags, &oom);
            continue;
        }
        if (!set_field(a, f, e, diags, &oom))
            return oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_PARSE_ERROR;
    }
    return oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
}

kb_status_t kb_article_parse(const char *path, const char *buf, size_t len,
                             kb_diags_t *diags, kb_article_t **out)
{
    *out = NULL;
    if (!path || (!buf && len))
        return KB_STATUS_BAD_ARGUMENT;
    if (len > KB_ARTICLE_MAX_BYTES) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0,
                     "file is %zu bytes, over the limit of %u bytes", len,
                     KB_ARTICLE_MAX_BYTES);
        return KB_STATUS_TOO_LARGE;
    }
    size_t n;
    char *text = normalise(buf ? buf : "", len, &n);
    if (!text)
        return KB_STATUS_OUT_OF_MEMORY;
    size_t bad;
    if (!kb_utf8_valid(text, n, &bad)) {
        int line = line_at(text, bad);
        const char *ls = text + bad;
        while (ls > text && ls[-1] != '\n')
            ls--;
        size_t col = (size_t)(text + bad - ls + 1);
        if (text[bad])
            kb_diags_add(diags, KB_DIAG_ERROR, path, line,
                         "invalid UTF-8 (byte 0x%02x at column %zu)",
                         (unsigned)(unsigned char)text[bad], col);
        else
            kb_diags_add(diags, KB_DIAG_ERROR, path, line, "NUL byte at column %zu", col);
        free(text);
        return KB_STATUS_PARSE_ERROR;
    }
    size_t blank = strspn(text, " \t\n");
    if (blank == n) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "empty article");
        free(text);
        return KB_STATUS_PARSE_ERROR;
    }

    kb_article_t *a = calloc(1, sizeof *a);
    if (!a || !(a->path = kb_strdup(path))) {
        free(a);
        free(text);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    kb_status_t st = KB_STATUS_SUCCESS;
    const char *end = text + n;
    const char *body = text;
    a->body_line = 1;
    if (is_marker_line(text, end, "---")) {
        /* Find the closing --- (or ...) line. */
        const char *yaml = strchr(text, '\n');
        yaml = yaml ? yaml + 1 : end;
        const char *p = yaml, *close = NULL;
        while (p < end) {
            if (is_marker_line(p, end, "---") || is_marker_line(p, end, "...")) {
                close = p;
                break;
            }
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            p = nl ? nl + 1 : end;
        }
        if (!close) {
            kb_diags_add(diags, KB_DIAG_ERROR, path, 1,
                         "front matter is not closed (no line with --- after it)");
            st = KB_STATUS_PARSE_ERROR;
            goto fail;
        }
        a->has_front_matter = 1;
        kbi_fm_t fm;
        st = kbi_fm_parse(yaml, (size_t)(close - yaml), 2, path, diags, &fm);
        if (st != KB_STATUS_SUCCESS)
            goto fail;
        st = apply_front_matter(a, &fm, diags);
        kbi_fm_clear(&fm);
        if (st != KB_STATUS_SUCCESS)
            goto fail;
        const char *nl = memchr(close, '\n', (size_t)(end - close));
        body = nl ? nl + 1 : end;
        a->body_line = line_at(text, (size_t)(body - text));
    }
    a->body = kb_strndup(body, (size_t)(end - body));
    if (!a->body) {
        st = KB_STATUS_OUT_OF_MEMORY;
        goto fail;
    }
    if (!a->id) {
        a->id = kb_article_id_from_path(path);
        if (!a->id) {
            kb_diags_add(diags, KB_DIAG_ERROR, path, 0,
                         "no id: the file name gives none; add 'id:' to the front matter");
            st = KB_STATUS_PARSE_ERROR;
            goto fail;
        }
    }
    if (a->category)
        kb_ascii_lower(a->category);
    for (size_t i = 0; i < a->n_tags; i++)
        kb_ascii_lower(a->tags[i]);
    st = kbi_sections_parse(a, diags);
    if (st != KB_STATUS_SUCCESS)
        goto fail;
    free(text);
    *out = a;
    return KB_STATUS_SUCCESS;
fail:
    free(text);
    kb_article_free(a);
    return st;
}

kb_status_t kb_article_load(const char *path, kb_diags_t *diags, kb_article_t **out)
{
    *out = NULL;
    char *buf;
    size_t len;
    kb_status_t st = kb_file_read(path, KB_ARTICLE_MAX_BYTES, &buf, &len);
    if (st == KB_STATUS_TOO_LARGE) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0,
                     "file is %zu bytes, over the limit of %u bytes", len,
                     KB_ARTICLE_MAX_BYTES);
        return st;
    }
    if (st == KB_STATUS_FILE_ERROR) {
        kb_diags_add(diags, KB_DIAG_ERROR, path, 0, "cannot read: %s", strerror(errno));
        return st;
    }
    if (st != KB_STATUS_SUCCESS)
        return st;
    st = kb_article_parse(path, buf, len, diags, out);
    free(buf);
    return st;
}

kb_status_t kb_article_read(const char *path, kb_diags_t *diags, kb_article_t **out)
{
    return kb_article_load(path, diags, out);
}
