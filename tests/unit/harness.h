/* harness.h - a tiny TAP harness for unit tests (after cmark's api_test).
 *
 * Each check prints "ok - what" or "not ok - file:line: what"; tests/run.sh
 * counts them.  SKIP(what, reason...) prints "ok - what # SKIP reason",
 * which run.sh counts as skipped, not passed.  main() ends with
 * `return HARNESS_DONE();`: it prints "# done: reached the end of main()"
 * (run.sh counts a program without that line as failed: it stopped early)
 * and returns non-zero if any check failed or none ran. */
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

/* A check that cannot run here: counted as skipped, with the reason. */
#define SKIP(what, ...)                                                      \
    do {                                                                     \
        printf("ok - %s # SKIP ", what);                                     \
        printf(__VA_ARGS__);                                                 \
        printf("\n");                                                        \
        fflush(stdout);                                                      \
    } while (0)

/* The end of main(): the sentinel that proves the program got there. */
static inline int harness_done(void)
{
    if (harness_run == 0) {
        harness_failed++;
        printf("not ok - no check ran\n");
    }
    printf("# done: reached the end of main() (%d checks, %d failed)\n", harness_run,
           harness_failed);
    fflush(stdout);
    return harness_failed ? 1 : 0;
}

#define HARNESS_DONE() harness_done()

#endif
