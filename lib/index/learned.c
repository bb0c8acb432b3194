/* learned.c - the learned phrasings of an indexing run (learned.h). */
#include "learned.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/file.h"
#include "schema/learned.h"
#include "schema/schema.h"

static void entry_free(kbi_learned_entry_t *e)
{
    free(e->id);
    kb_strv_free(e->texts, e->n);
}

void kbi_learned_free(kbi_learned_t *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->e[i]);
    free(l->e);
    memset(l, 0, sizeof *l);
}

/* The "+" lines of F, once each, into E; its hash. */
static kb_status_t take_lines(const kb_learned_file_t *f, kbi_learned_entry_t *e)
{
    kb_buf_t all = KB_BUF_INIT;
    for (size_t i = 0; i < f->n && e->n < KB_LEARNED_MAX; i++) {
        const kb_learned_line_t *l = &f->lines[i];
        int dup = 0;
        for (size_t k = 0; k < e->n && !dup; k++)
            dup = !strcmp(e->texts[k], l->text);
        if (l->rejected || dup)
            continue;
        if (!kb_strv_push(&e->texts, &e->n, l->text, strlen(l->text)))
            return KB_STATUS_OUT_OF_MEMORY;
        kb_buf_adds(&all, l->text);
        kb_buf_addc(&all, '\n');
    }
    e->hash = all.len ? kb_hash64(all.data, all.len) | 1 : 0;
    kb_status_t st = all.oom ? KB_STATUS_OUT_OF_MEMORY : KB_STATUS_SUCCESS;
    kb_buf_free(&all);
    return st;
}

/* Read the learned file PATH of article ID (ID_LEN bytes of NAME) into L. */
static kb_status_t load_file(kbi_learned_t *l, size_t *cap, const char *path, const char *name,
                             size_t id_len, kb_diags_t *diags)
{
    struct stat sb;
    if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return KB_STATUS_SUCCESS;   /* a link or a folder is not ours */
    char *data;
    size_t len;
    kb_status_t st = kb_file_read(path, KB_LEARNED_MAX_FILE, &data, &len);
    if (st == KB_STATUS_OUT_OF_MEMORY)
        return st;
    if (st != KB_STATUS_SUCCESS) {
        kb_diags_add(diags, KB_DIAG_WARNING, path, 0, "learned phrasings not read: %s",
                     st == KB_STATUS_TOO_LARGE ? "too large" : strerror(errno));
        return KB_STATUS_SUCCESS;
    }
    kb_learned_file_t f;
    memset(&f, 0, sizeof f);
    st = kb_learned_parse(data, len, &f);
    free(data);
    if (st == KB_STATUS_SUCCESS && f.bad)
        kb_diags_add(diags, KB_DIAG_WARNING, path, 0,
                     "%u line%s neither \"+ phrasing\" nor \"- phrasing\"; skipped", f.bad,
                     f.bad == 1 ? "" : "s");
    if (st == KB_STATUS_SUCCESS && l->n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        kbi_learned_entry_t *p = realloc(l->e, c * sizeof *p);
        if (!p)
            st = KB_STATUS_OUT_OF_MEMORY;
        else
            l->e = p, *cap = c;
    }
    if (st == KB_STATUS_SUCCESS) {
        kbi_learned_entry_t *e = &l->e[l->n];
        memset(e, 0, sizeof *e);
        e->id = kb_strndup(name, id_len);
        st = e->id ? take_lines(&f, e) : KB_STATUS_OUT_OF_MEMORY;
        if (st == KB_STATUS_SUCCESS && e->n)
            l->n++;
        else
            entry_free(e);
    }
    kb_learned_clear(&f);
    return st;
}

static int by_id(const void *x, const void *y)
{
    return strcmp(((const kbi_learned_entry_t *)x)->id, ((const kbi_learned_entry_t *)y)->id);
}

kb_status_t kbi_learned_load(const char *root, kb_diags_t *diags, kbi_learned_t *out)
{
    memset(out, 0, sizeof *out);
    kb_buf_t dir = KB_BUF_INIT, path = KB_BUF_INIT;
    kb_buf_printf(&dir, "%s/%s", root, KB_LEARNED_DIR);
    if (dir.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    DIR *d = opendir(dir.data);
    if (!d) {
        if (errno != ENOENT && errno != ENOTDIR)
            kb_diags_add(diags, KB_DIAG_WARNING, dir.data, 0,
                         "learned phrasings not read: %s", strerror(errno));
        kb_buf_free(&dir);
        return KB_STATUS_SUCCESS;
    }
    kb_status_t st = KB_STATUS_SUCCESS;
    size_t cap = 0, id_len;
    struct dirent *e;
    while (st == KB_STATUS_SUCCESS && (e = readdir(d)) != NULL) {
        if (!kb_learned_file_name(e->d_name, &id_len))
            continue;
        kb_buf_clear(&path);
        kb_buf_printf(&path, "%s/%s", dir.data, e->d_name);
        st = path.oom ? KB_STATUS_OUT_OF_MEMORY
                      : load_file(out, &cap, path.data, e->d_name, id_len, diags);
    }
    closedir(d);
    kb_buf_free(&dir);
    kb_buf_free(&path);
    if (st != KB_STATUS_SUCCESS) {
        kbi_learned_free(out);
        return st;
    }
    if (out->n)
        qsort(out->e, out->n, sizeof *out->e, by_id);
    /* One hash over all, in id order. */
    uint64_t h = 0;
    for (size_t i = 0; i < out->n; i++)
        h = (h ^ out->e[i].hash ^ kb_hash64(out->e[i].id, strlen(out->e[i].id))) *
            0x100000001b3ULL;
    out->hash = out->n ? h | 1 : 0;
    return KB_STATUS_SUCCESS;
}

const kbi_learned_entry_t *kbi_learned_get(const kbi_learned_t *l, const char *id)
{
    if (!l || !l->n || !id)
        return NULL;
    kbi_learned_entry_t key = {(char *)id, NULL, 0, 0};
    return bsearch(&key, l->e, l->n, sizeof *l->e, by_id);
}

uint64_t kbi_learned_hash(const kbi_learned_t *l, const char *id)
{
    const kbi_learned_entry_t *e = kbi_learned_get(l, id);
    return e ? e->hash : 0;
}

static void hash_text(const kbi_learned_t *l, char out[32])
{
    if (l->hash)
        snprintf(out, 32, "%016llx", (unsigned long long)l->hash);
    else
        snprintf(out, 32, "none");
}

kb_status_t kbi_learned_changed(kb_xdb_t *db, const kbi_learned_t *l, int *changed)
{
    char want[32], *have = NULL;
    hash_text(l, want);
    kb_status_t st = kb_xdb_get_metadata(db, KB_META_LEARNED, &have, NULL);
    /* An index from before learned phrasings has none. */
    *changed = st == KB_STATUS_SUCCESS && strcmp(have[0] ? have : "none", want) != 0;
    free(have);
    return st;
}

kb_status_t kbi_learned_store(kb_xdb_t *db, const kbi_learned_t *l)
{
    char want[32];
    hash_text(l, want);
    return kb_xdb_set_metadata(db, KB_META_LEARNED, want, strlen(want));
}
