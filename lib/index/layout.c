/* layout.c - generations and the stub file of an index directory. */
#include "layout.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/file.h"

#define STUB "XAPIANDB"
#define SHARD_STUB "shard-"

/* Is NAME something kb puts in an index directory? */
static int ours(const char *name)
{
    return !strcmp(name, STUB) || !strcmp(name, ".lock") || !strncmp(name, "gen-", 4) ||
           !strncmp(name, STUB ".tmp.", sizeof STUB ".tmp." - 1) ||
           !strncmp(name, SHARD_STUB, sizeof SHARD_STUB - 1);
}

/* K if NAME is the stub of shard K ("shard-K"), else -1. */
static long shard_stub_number(const char *name)
{
    if (strncmp(name, SHARD_STUB, sizeof SHARD_STUB - 1) != 0)
        return -1;
    const char *d = name + sizeof SHARD_STUB - 1;
    char *end;
    long k = strtol(d, &end, 10);
    return (*d >= '0' && *d <= '9' && !*end && k >= 0) ? k : -1;
}

/* Refuse to write into a directory holding other things: --db pointing at
 * the wrong place must not get gen-* folders sprinkled into it. */
static int foreign_content(const char *db_path, kb_buf_t *msg)
{
    DIR *d = opendir(db_path);
    if (!d) {
        kb_buf_printf(msg, "cannot read %s: %s", db_path, strerror(errno));
        return 1;
    }
    struct dirent *e;
    int foreign = 0;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (!ours(e->d_name)) {
            kb_buf_printf(msg, "%s is not a kb index directory (it holds '%s'); "
                               "use an empty or new directory for --db", db_path, e->d_name);
            foreign = 1;
            break;
        }
    }
    closedir(d);
    return foreign;
}

/* Remove the stub temporaries (XAPIANDB.tmp.PID) of indexers killed during
 * a switch.  Only the lock holder writes one, so with the lock held every
 * one left is stale. */
static void remove_stale_stubs(const char *db_path)
{
    DIR *d = opendir(db_path);
    if (!d)
        return;
    struct dirent *e;
    kb_buf_t p = KB_BUF_INIT;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, STUB ".tmp.", sizeof STUB ".tmp." - 1) != 0 &&
            !(strncmp(e->d_name, SHARD_STUB, sizeof SHARD_STUB - 1) == 0 &&
              strstr(e->d_name, ".tmp.")))
            continue;
        kb_buf_clear(&p);
        kb_buf_printf(&p, "%s/%s", db_path, e->d_name);
        if (!p.oom)
            unlink(p.data);
    }
    closedir(d);
    kb_buf_free(&p);
}

kb_status_t kbi_layout_lock(const char *db_path, int *fd, kb_buf_t *msg)
{
    *fd = -1;
    if (kb_mkdir_p(db_path, 0755) != KB_STATUS_SUCCESS) {
        kb_buf_printf(msg, "cannot create %s: %s", db_path, strerror(errno));
        return KB_STATUS_FILE_ERROR;
    }
    struct stat st;
    if (stat(db_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        kb_buf_printf(msg, "%s is not a directory", db_path);
        return KB_STATUS_FILE_ERROR;
    }
    if (foreign_content(db_path, msg))
        return KB_STATUS_FILE_ERROR;
    kb_buf_t lock = KB_BUF_INIT;
    kb_buf_printf(&lock, "%s/.lock", db_path);
    if (lock.oom)
        return KB_STATUS_OUT_OF_MEMORY;
    int f = open(lock.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    kb_buf_free(&lock);
    if (f < 0) {
        kb_buf_printf(msg, "cannot write in %s: %s", db_path, strerror(errno));
        return KB_STATUS_FILE_ERROR;
    }
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(f);
        if (e == EWOULDBLOCK) {
            kb_buf_printf(msg, "another kb-index is updating %s; try again when it is done",
                          db_path);
            return KB_STATUS_DB_LOCKED;
        }
        kb_buf_printf(msg, "cannot lock %s: %s", db_path, strerror(e));
        return KB_STATUS_FILE_ERROR;
    }
    remove_stale_stubs(db_path);
    *fd = f;
    return KB_STATUS_SUCCESS;
}

void kbi_layout_unlock(int fd)
{
    if (fd >= 0)
        close(fd);   /* closing releases the flock */
}

static unsigned gen_number(const char *name)
{
    if (strncmp(name, "gen-", 4) != 0)
        return 0;
    char *end;
    unsigned long n = strtoul(name + 4, &end, 10);
    return (*end == '\0' && n > 0 && n < 1000000000UL) ? (unsigned)n : 0;
}

unsigned kbi_layout_current(const char *db_path, unsigned *shards)
{
    if (shards)
        *shards = 0;
    kb_buf_t stub = KB_BUF_INIT;
    kb_buf_printf(&stub, "%s/" STUB, db_path);
    char *data;
    size_t len;
    unsigned gen = 0, n = 0;
    if (!stub.oom && kb_file_read(stub.data, 4096, &data, &len) == KB_STATUS_SUCCESS) {
        /* Lines "glass gen-NNNNNN/sK", one per shard. */
        for (char *line = data; *line;) {
            char *nl = strchr(line, '\n');
            if (nl)
                *nl = '\0';
            char name[64];
            if (sscanf(line, "glass %63s", name) == 1) {
                char *slash = strchr(name, '/');
                if (slash)
                    *slash = '\0';
                unsigned g = gen_number(name);
                if (g && (!gen || g == gen)) {
                    gen = g;
                    n++;
                }
            }
            if (!nl)
                break;
            line = nl + 1;
        }
        free(data);
    }
    kb_buf_free(&stub);
    if (shards)
        *shards = n;
    return gen;
}

static unsigned highest_below(const char *db_path, unsigned limit)
{
    DIR *d = opendir(db_path);
    if (!d)
        return 0;
    unsigned best = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        unsigned n = gen_number(e->d_name);
        if (n > best && n < limit)
            best = n;
    }
    closedir(d);
    return best;
}

unsigned kbi_layout_highest(const char *db_path)
{
    return highest_below(db_path, ~0u);
}

unsigned kbi_layout_below(const char *db_path, unsigned gen)
{
    return highest_below(db_path, gen);
}

void kbi_layout_gen_path(kb_buf_t *b, const char *db_path, unsigned gen)
{
    kb_buf_printf(b, "%s/gen-%06u", db_path, gen);
}

void kbi_layout_shard_path(kb_buf_t *b, const char *db_path, unsigned gen, unsigned k)
{
    kb_buf_printf(b, "%s/gen-%06u/s%u", db_path, gen, k);
}

/* Remove the stubs of shards K >= SHARDS (left by a build on more). */
static void remove_shard_stubs(const char *db_path, unsigned shards)
{
    DIR *d = opendir(db_path);
    if (!d)
        return;
    struct dirent *e;
    kb_buf_t p = KB_BUF_INIT;
    while ((e = readdir(d)) != NULL) {
        long k = shard_stub_number(e->d_name);
        if (k < (long)shards)
            continue;
        kb_buf_clear(&p);
        kb_buf_printf(&p, "%s/%s", db_path, e->d_name);
        if (!p.oom)
            unlink(p.data);
    }
    closedir(d);
    kb_buf_free(&p);
}

kb_status_t kbi_layout_switch(const char *db_path, unsigned gen, unsigned shards)
{
    kb_buf_t stub = KB_BUF_INIT, lines = KB_BUF_INIT;
    kb_buf_printf(&stub, "%s/" STUB, db_path);
    for (unsigned k = 0; k < shards; k++)
        kb_buf_printf(&lines, "glass gen-%06u/s%u\n", gen, k);
    kb_status_t st = KB_STATUS_OUT_OF_MEMORY;
    if (!stub.oom && !lines.oom)
        st = kb_file_write_atomic(stub.data, lines.data, lines.len, 0644);
    kb_buf_free(&stub);
    kb_buf_free(&lines);
    return st;
}

kb_status_t kbi_layout_shard_stubs(const char *db_path, unsigned gen, unsigned shards,
                                   kb_buf_t *msg)
{
    kb_buf_t stub = KB_BUF_INIT, line = KB_BUF_INIT;
    kb_status_t st = KB_STATUS_SUCCESS;
    for (unsigned k = 0; k < shards && st == KB_STATUS_SUCCESS; k++) {
        kb_buf_clear(&stub);
        kb_buf_clear(&line);
        kb_buf_printf(&stub, "%s/" SHARD_STUB "%u", db_path, k);
        kb_buf_printf(&line, "glass gen-%06u/s%u\n", gen, k);
        st = stub.oom || line.oom ? KB_STATUS_OUT_OF_MEMORY
                                  : kb_file_write_atomic(stub.data, line.data, line.len, 0644);
        if (st != KB_STATUS_SUCCESS && !stub.oom)
            kb_buf_printf(msg, "cannot write %s: %s", stub.data, strerror(errno));
    }
    if (st == KB_STATUS_SUCCESS)
        remove_shard_stubs(db_path, shards);
    kb_buf_free(&stub);
    kb_buf_free(&line);
    return st;
}

void kbi_layout_prune(const char *db_path, unsigned keep1, unsigned keep2)
{
    DIR *d = opendir(db_path);
    if (!d)
        return;
    struct dirent *e;
    kb_buf_t p = KB_BUF_INIT;
    while ((e = readdir(d)) != NULL) {
        unsigned n = gen_number(e->d_name);
        if (!n || n == keep1 || n == keep2)
            continue;
        kb_buf_clear(&p);
        kb_buf_printf(&p, "%s/%s", db_path, e->d_name);
        if (!p.oom)
            kb_remove_tree(p.data);
    }
    closedir(d);
    kb_buf_free(&p);
}
