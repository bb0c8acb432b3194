/* fuzz_common.h - what the libFuzzer targets share: a fixture index built
 * once per process, a scratch folder, and checks that abort (so the
 * fuzzer keeps the input) with a message saying which property broke.
 */
#ifndef KB_FUZZ_COMMON_H
#define KB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "kb/search.h"

/* The top of the source tree: $KB_FUZZ_TOP, else where it was built. */
const char *kbf_top(void);

/* A scratch folder for this process, created on first use and removed at
 * a normal exit.  Aborts if it cannot be made. */
const char *kbf_scratch(void);

/* The index of tests/fixtures/kb-small, built into the scratch folder by
 * kb_index_run() on first use and opened with kb_search_open().  Aborts if
 * either fails.  Borrowed: it lives until the process exits. */
kb_search_t *kbf_fixture_search(void);

/* A time for kb_search_set_time() chosen by DATA: some moment of one fixed
 * week, so "open now" takes both values and runs are reproducible. */
time_t kbf_time_for(const uint8_t *data, size_t size);

/* Abort with "fuzz check failed: WHAT" (printf-style) unless COND. */
#define KBF_CHECK(cond, ...)                                                   \
    do {                                                                       \
        if (!(cond))                                                           \
            kbf_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                  \
    } while (0)

void kbf_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), noreturn));

/* 1 when $KB_FUZZ_VERBOSE is set: the targets then say on stderr what
 * each input gave (tests/fuzz/hostile.sh reads it). */
int kbf_verbose(void);
void kbf_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* 1 if the NUL-terminated S holds no byte below 0x20 but '\n' (and ESC
 * when ALLOW_ESC), no DEL, and is valid UTF-8. */
int kbf_clean_text(const char *s, int allow_esc);

#endif
