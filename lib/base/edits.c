/* edits.c - the typo distance between two short words (edits.h). */
#include "edits.h"

#include <string.h>

#define MAX_LEN 40

static unsigned char folded(unsigned char c, int fold)
{
    return fold && c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
}

unsigned kb_edits(const char *a, const char *b, int fold)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > MAX_LEN || m > MAX_LEN)
        return 3;
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    unsigned d[MAX_LEN + 1][MAX_LEN + 1];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            unsigned v = d[i - 1][j - 1] + (folded(x[i - 1], fold) != folded(y[j - 1], fold));
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && folded(x[i - 1], fold) == folded(y[j - 2], fold) &&
                folded(x[i - 2], fold) == folded(y[j - 1], fold) && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m] > 3 ? 3 : d[n][m];
}
