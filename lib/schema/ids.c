/* ids.c - article ids and internal links: the rules the indexer, lint and
 * the renderer share. */
#include "schema/ids.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

int kb_id_valid(const char *s)
{
    if (!s || !*s)
        return 0;
    size_t n = strlen(s);
    if (n > 128 || s[0] == '-' || s[n - 1] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-') {
            if (s[i + 1] == '-')
                return 0;
        } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    return 1;
}

char *kb_article_id_from_path(const char *path)
{
    if (!path)
        return NULL;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 3 && strcmp(base + n - 3, ".md") == 0)
        n -= 3;
    char *id = malloc(n + 1);
    if (!id)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        char c = base[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
            id[j++] = c;
        else if (j && id[j - 1] != '-')
            id[j++] = '-';
    }
    while (j && id[j - 1] == '-')
        j--;
    if (j > 128)
        j = 128;
    while (j && id[j - 1] == '-')
        j--;
    id[j] = '\0';
    if (!j) {
        free(id);
        return NULL;
    }
    return id;
}

char *kb_article_link_target(const char *url)
{
    if (!url || !*url)
        return NULL;
    size_t n = strcspn(url, "#?");
    if (n >= 3 && strncmp(url, "kb:", 3) == 0)
        return n > 3 ? kb_strndup(url + 3, n - 3) : NULL;
    /* Anything with a scheme (http:, mailto:) is external. */
    const char *colon = memchr(url, ':', n);
    const char *slash = memchr(url, '/', n);
    if (colon && (!slash || colon < slash))
        return NULL;
    if (n < 4 || strncmp(url + n - 3, ".md", 3) != 0)
        return NULL;
    const char *base = url;
    for (size_t i = 0; i < n; i++)
        if (url[i] == '/')
            base = url + i + 1;
    size_t bl = (size_t)(url + n - 3 - base);
    return bl ? kb_strndup(base, bl) : NULL;
}
