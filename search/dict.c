/* dict.c - is a word ordinary English?  Spelling correction must not
 * "correct" a real word the knowledge base happens not to use ("tonight"
 * into "night", "France" into "franc").  The word list is Debian's wbritish
 * (/usr/share/dict/british-english, or $KB_DICT); it is read only when a
 * query holds a word the index has never seen, and scanned without building
 * anything, which costs well under a millisecond. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define DICT_DEFAULT "/usr/share/dict/british-english"
#define DICT_MAX (16u * 1024u * 1024u)

int kbs_dict_has(const char *word)
{
    const char *path = getenv("KB_DICT");
    if (!path || !*path)
        path = DICT_DEFAULT;
    if (strcmp(path, "none") == 0)
        return 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 || (size_t)st.st_size > DICT_MAX) {
        close(fd);
        return 0;
    }
    size_t len = (size_t)st.st_size;
    const char *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (map == MAP_FAILED)
        return 0;
    size_t wl = strlen(word);
    int found = 0;
    for (const char *p = map, *end = map + len; p < end && !found;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (ll == wl && strncasecmp(p, word, wl) == 0)
            found = 1;
        p += ll + 1;
    }
    munmap((void *)map, len);
    return found;
}
