/* harness.h - a tiny TAP harness for unit tests (after cmark's api_test).
 *
 * Each check prints "ok - what" or "not ok - file:line: what"; tests/run.sh
 * counts them.  A test program returns non-zero if any check failed. */
#ifndef KB_TEST_HARNESS_H
#define KB_TEST_HARNESS_H

#include <stdio.h>
#include <string.h>

static int harness_failed;
static int harness_run;

#define OK(cond, ...)                                                        \
    do {                                                                     \
        harness_run++;                                                       \
        if (cond) {                                                          \
            printf("ok - ");                                                 \
        } else {                                                             \
            harness_failed++;                                                \
            printf("not ok - %s:%d: ", __FILE__, __LINE__);                  \
        }                                                                    \
        printf(__VA_ARGS__);                                                 \
        printf("\n");                                                        \
        fflush(stdout);                                                      \
    } while (0)

#define INT_EQ(got, want, what)                                              \
    do {                                                                     \
        long long g_ = (long long)(got), w_ = (long long)(want);             \
        OK(g_ == w_, "%s (got %lld, want %lld)", what, g_, w_);              \
    } while (0)

#define STR_EQ(got, want, what)                                              \
    do {                                                                     \
        const char *g_ = (got), *w_ = (want);                                \
        OK(g_ && w_ && strcmp(g_, w_) == 0, "%s (got \"%s\", want \"%s\")",  \
           what, g_ ? g_ : "(null)", w_ ? w_ : "(null)");                    \
    } while (0)

/* On failure the text searched is shown on one line (newlines as \n). */
#define STR_CONTAINS(got, needle, what)                                      \
    do {                                                                     \
        const char *g_ = (got), *n_ = (needle);                              \
        if (g_ && n_ && strstr(g_, n_) != NULL) {                            \
            OK(1, "%s", what);                                               \
        } else {                                                             \
            char flat_[201];                                                 \
            size_t k_ = 0;                                                   \
            for (const char *c_ = g_ ? g_ : "(null)"; *c_ && k_ < 199; c_++) \
                flat_[k_++] = *c_ == '\n' ? '|' : *c_;                       \
            flat_[k_] = '\0';                                                \
            OK(0, "%s (\"%s\" not in \"%s\")", what, n_ ? n_ : "(null)", flat_); \
        }                                                                    \
    } while (0)

#define HARNESS_DONE() (harness_failed ? 1 : 0)

#endif
