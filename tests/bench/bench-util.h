/* bench-util.h - what the benchmark drivers share: a monotonic clock, peak
 * RSS from /proc, reading a whole file, a growable string list and the
 * Markdown files under a folder.  Header-only (static inline), so each
 * driver stays one source file that tests/bench/run.sh compiles on its
 * own; tests/tools/bench-xapian-floor.c includes it too. */
#ifndef KB_BENCH_UTIL_H
#define KB_BENCH_UTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

static inline double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Peak RSS in kB of process PID (0: this process), -1 if unknown. */
static inline long vmhwm_kb_of(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    fclose(f);
    return kb;
}

/* The whole of PATH, NUL-terminated, *LEN bytes; caller frees.  NULL when
 * it cannot be read or memory runs out. */
static inline char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 65536 * 2;
            char *p = realloc(buf, cap);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* A list of strings it owns. */
typedef struct strvec {
    char **v;
    size_t n, cap;
} strvec_t;

/* Append S (taken); -1 when out of memory (S not taken). */
static inline int strvec_push(strvec_t *sv, char *s)
{
    if (sv->n == sv->cap) {
        size_t cap = sv->cap ? sv->cap * 2 : 256;
        char **p = realloc(sv->v, cap * sizeof *p);
        if (!p)
            return -1;
        sv->v = p;
        sv->cap = cap;
    }
    sv->v[sv->n++] = s;
    return 0;
}

static inline void strvec_free(strvec_t *sv)
{
    for (size_t i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    memset(sv, 0, sizeof *sv);
}

/* Every *.md under DIR (names starting with '.' skipped), in sorted order,
 * appended to OUT; -1 when DIR cannot be read or memory runs out. */
static inline int collect_md(const char *dir, strvec_t *out)
{
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    int rc = 0;
    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const char *name = ents[i]->d_name;
        size_t need = strlen(dir) + strlen(name) + 2;
        char *path;
        struct stat st;
        if (name[0] == '.' || rc != 0) {
            free(ents[i]);
            continue;
        }
        path = malloc(need);
        if (!path) {
            rc = -1;
            free(ents[i]);
            continue;
        }
        snprintf(path, need, "%s/%s", dir, name);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            rc = collect_md(path, out);
            free(path);
        } else if (strlen(name) > 3 && strcmp(name + strlen(name) - 3, ".md") == 0) {
            if (strvec_push(out, path) != 0) {
                free(path);
                rc = -1;
            }
        } else {
            free(path);
        }
        free(ents[i]);
    }
    free(ents);
    return rc;
}

#endif
