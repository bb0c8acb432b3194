/* scan.c - walk a KB folder for articles. */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/buf.h"
#include "base/file.h"

#define SCAN_MAX_DEPTH 64
/* A .kbignore larger than this is not a list of patterns. */
#define KBIGNORE_MAX_BYTES (256u * 1024u)

typedef struct dirid {
    dev_t dev;
    ino_t ino;
} dirid_t;

typedef struct walker {
    const char *root;        /* as given */
    char *root_real;         /* realpath of the root */
    size_t root_real_len;
    kb_diags_t *diags;
    kbi_scan_t *out;
    size_t cap;
    dirid_t *seen;           /* directories entered, for loop detection */
    size_t n_seen, cap_seen;
    kb_strlist_t ignore;     /* the patterns of .kbignore */
    int oom;
} walker_t;

void kbi_scan_free(kbi_scan_t *s)
{
    for (size_t i = 0; s && i < s->n; i++) {
        free(s->files[i].rel);
        free(s->files[i].path);
    }
    if (s) {
        free(s->files);
        free(s->synonyms);
        free(s->pins);
        memset(s, 0, sizeof *s);
    }
}

static int inside_root(walker_t *w, const char *path)
{
    char *real = realpath(path, NULL);
    if (!real)
        return 0;
    int in = strncmp(real, w->root_real, w->root_real_len) == 0 &&
             (real[w->root_real_len] == '/' || real[w->root_real_len] == '\0' ||
              w->root_real_len == 1);
    free(real);
    return in;
}

static int mark_seen(walker_t *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_seen; i++)
        if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
            return 0;
    if (w->n_seen == w->cap_seen) {
        size_t cap = w->cap_seen ? w->cap_seen * 2 : 16;
        dirid_t *p = realloc(w->seen, cap * sizeof *p);
        if (!p) {
            w->oom = 1;
            return 0;
        }
        w->seen = p;
        w->cap_seen = cap;
    }
    w->seen[w->n_seen++] = (dirid_t){st->st_dev, st->st_ino};
    return 1;
}

static void add_file(walker_t *w, const char *rel, const char *path, const struct stat *st)
{
    kbi_scan_t *o = w->out;
    if (o->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 256;
        kbi_file_t *p = realloc(o->files, cap * sizeof *p);
        if (!p) {
            w->oom = 1;
            return;
        }
        o->files = p;
        w->cap = cap;
    }
    kbi_file_t *f = &o->files[o->n];
    f->rel = kb_strdup(rel);
    f->path = kb_strdup(path);
    if (!f->rel || !f->path) {
        free(f->rel);
        free(f->path);
        w->oom = 1;
        return;
    }
    f->size = (long long)st->st_size;
    f->mtime_ns = (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    o->n++;
}

static int ends_with_md(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

/* Read KB_DIR/.kbignore into W->ignore (no file: no patterns). */
static void load_ignore(walker_t *w)
{
    kb_buf_t path = KB_BUF_INIT;
    kb_buf_printf(&path, "%s/.kbignore", w->root);
    char *buf = NULL;
    size_t len = 0;
    if (path.oom) {
        w->oom = 1;
    } else if (kb_file_read(path.data, KBIGNORE_MAX_BYTES, &buf, &len) == KB_STATUS_SUCCESS) {
        for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l && !w->oom;
             l = strtok_r(NULL, "\n", &save)) {
            size_t n = strlen(l);
            while (n && (l[n - 1] == ' ' || l[n - 1] == '\t' || l[n - 1] == '\r'))
                l[--n] = '\0';
            while (*l == ' ' || *l == '\t')
                l++, n--;
            if (n && *l != '#' && !kb_strlist_push(&w->ignore, l, n))
                w->oom = 1;
        }
    } else if (errno != ENOENT) {
        kb_diags_add(w->diags, KB_DIAG_WARNING, path.data, 0, "cannot read: %s; nothing "
                     "is ignored", strerror(errno));
    }
    free(buf);
    kb_buf_free(&path);
}

/* Is the entry NAME (path REL from the root, a folder when DIR) no
 * article: README.md, a name starting with '.' or '_', or a .kbignore
 * pattern? */
static int ignored(const walker_t *w, const char *rel, const char *name, int dir)
{
    if (name[0] == '.' || name[0] == '_' || (!dir && strcasecmp(name, "readme.md") == 0))
        return 1;
    for (size_t i = 0; i < w->ignore.n; i++) {
        const char *p = w->ignore.items[i];
        size_t n = strlen(p);
        char pat[PATH_MAX];
        if (n >= sizeof pat)
            continue;
        memcpy(pat, p, n + 1);
        if (n > 1 && pat[n - 1] == '/') {
            if (!dir)
                continue;
            pat[--n] = '\0';
        }
        int anchored = pat[0] == '/';
        const char *q = anchored ? pat + 1 : pat;
        if ((anchored || strchr(q, '/')) ? fnmatch(q, rel, 0) == 0 : fnmatch(q, name, 0) == 0)
            return 1;
    }
    return 0;
}

static void walk(walker_t *w, const char *rel, int depth)
{
    kb_buf_t dirpath = KB_BUF_INIT;
    if (*rel)
        kb_buf_printf(&dirpath, "%s/%s", w->root, rel);
    else
        kb_buf_adds(&dirpath, w->root);
    if (dirpath.oom) {
        w->oom = 1;
        return;
    }
    DIR *d = opendir(dirpath.data);
    if (!d) {
        w->out->unreadable++;
        kb_diags_add(w->diags, KB_DIAG_ERROR, dirpath.data, 0, "cannot read folder: %s",
                     strerror(errno));
        kb_buf_free(&dirpath);
        return;
    }
    kb_buf_t child_rel = KB_BUF_INIT, child = KB_BUF_INIT;
    struct dirent *e;
    while (!w->oom && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || e->d_name[0] == '_') {
            /* No article, and not looked into (.git, _drafts): counted. */
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") &&
                (e->d_type == DT_DIR || ends_with_md(e->d_name)))
                w->out->ignored++;
            continue;
        }
        /* Files that cannot matter are skipped without a stat: a KB folder
         * may hold images and PDFs beside the articles. */
        if (e->d_type == DT_REG && !ends_with_md(e->d_name) &&
            !(depth == 0 && (!strcmp(e->d_name, "synonyms.txt") ||
                             !strcmp(e->d_name, "synonyms.yaml") ||
                             !strcmp(e->d_name, "pins.txt"))))
            continue;
        kb_buf_clear(&child_rel);
        kb_buf_clear(&child);
        if (*rel) {
            kb_buf_adds(&child_rel, rel);
            kb_buf_addc(&child_rel, '/');
        }
        kb_buf_adds(&child_rel, e->d_name);
        kb_buf_adds(&child, dirpath.data);
        kb_buf_addc(&child, '/');
        kb_buf_adds(&child, e->d_name);
        if (child_rel.oom || child.oom) {
            w->oom = 1;
            break;
        }
        /* Relative to the open folder: the kernel need not walk the whole
         * path again for each of 100,000 files. */
        struct stat lst, st;
        if (fstatat(dirfd(d), e->d_name, &lst, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISLNK(lst.st_mode)) {
            if (stat(child.data, &st) != 0) {
                kb_diags_add(w->diags, KB_DIAG_WARNING, child.data, 0,
                             "broken symlink or symlink loop; skipped");
                continue;
            }
            if (!S_ISDIR(st.st_mode) && !(S_ISREG(st.st_mode) && ends_with_md(e->d_name)))
                continue;
            if (!inside_root(w, child.data)) {
                kb_diags_add(w->diags, KB_DIAG_WARNING, child.data, 0,
                             "symlink points outside the KB folder; not followed");
                continue;
            }
        } else {
            st = lst;
        }
        int dir = S_ISDIR(st.st_mode);
        if ((dir || ends_with_md(e->d_name)) && ignored(w, child_rel.data, e->d_name, dir)) {
            w->out->ignored++;
            continue;
        }
        if (dir) {
            if (depth >= SCAN_MAX_DEPTH) {
                kb_diags_add(w->diags, KB_DIAG_WARNING, child.data, 0,
                             "folders nested deeper than %d levels; skipped", SCAN_MAX_DEPTH);
                continue;
            }
            if (!mark_seen(w, &st)) {
                if (!w->oom)
                    kb_diags_add(w->diags, KB_DIAG_WARNING, child.data, 0,
                                 "folder already visited (symlink loop); skipped");
                continue;
            }
            walk(w, child_rel.data, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            if (ends_with_md(e->d_name)) {
                add_file(w, child_rel.data, child.data, &st);
            } else if (depth == 0 && !w->out->synonyms &&
                       (!strcmp(e->d_name, "synonyms.txt") ||
                        !strcmp(e->d_name, "synonyms.yaml"))) {
                w->out->synonyms = kb_strdup(child.data);
                if (!w->out->synonyms)
                    w->oom = 1;
            } else if (depth == 0 && !strcmp(e->d_name, "pins.txt")) {
                w->out->pins = kb_strdup(child.data);
                if (!w->out->pins)
                    w->oom = 1;
            }
        }
    }
    closedir(d);
    kb_buf_free(&child_rel);
    kb_buf_free(&child);
    kb_buf_free(&dirpath);
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const kbi_file_t *)a)->rel, ((const kbi_file_t *)b)->rel);
}

kb_status_t kbi_scan(const char *kb_dir, kb_diags_t *diags, kbi_scan_t *out)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(kb_dir, &st) != 0)
        return KB_STATUS_FILE_ERROR;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return KB_STATUS_FILE_ERROR;
    }
    walker_t w;
    memset(&w, 0, sizeof w);
    w.root = kb_dir;
    w.diags = diags;
    w.out = out;
    w.root_real = realpath(kb_dir, NULL);
    if (!w.root_real)
        return KB_STATUS_FILE_ERROR;
    w.root_real_len = strlen(w.root_real);
    mark_seen(&w, &st);
    load_ignore(&w);
    if (!w.oom)
        walk(&w, "", 0);
    kb_strlist_clear(&w.ignore);
    free(w.root_real);
    free(w.seen);
    if (w.oom) {
        kbi_scan_free(out);
        return KB_STATUS_OUT_OF_MEMORY;
    }
    if (out->n)   /* an empty folder: no array to sort */
        qsort(out->files, out->n, sizeof *out->files, by_rel);
    return KB_STATUS_SUCCESS;
}
