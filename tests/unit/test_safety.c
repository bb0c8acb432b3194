/* test_safety.c - the base helpers of issue 15: text normalisation
 * (base/normalize.h), dates (base/date.h), state files that are not
 * regular files (base/file.h) and Xapian stub lines (base/stub.h), and the
 * per-article checks shared by indexing and --check (index/check.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/date.h"
#include "base/file.h"
#include "base/normalize.h"
#include "base/stub.h"
#include "harness.h"
#include "index/check.h"

static char dir[] = "/tmp/kb-unit-safety.XXXXXX";

static const char *in_dir(const char *name)
{
    static char buf[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static void norm_is(int fold, const char *in, const char *want, const char *what)
{
    char *out = NULL;
    size_t n = 99;
    kb_status_t st = fold ? kb_text_fold(in, strlen(in), &out, &n)
                          : kb_text_normalize(in, strlen(in), &out, &n);
    INT_EQ(st, KB_STATUS_SUCCESS, what);
    STR_EQ(out ? out : "(null)", want, what);
    INT_EQ(n, strlen(want), what);
    free(out);
}

static void test_normalize(void)
{
    norm_is(0, "cafe\xcc\x81", "caf\xc3\xa9", "NFD e + U+0301 composes to NFC");
    norm_is(0, "\xef\xbd\x83\xef\xbd\x81\xef\xbd\x92\xef\xbd\x84", "card", "fullwidth letters");
    norm_is(0, "re\xc2\xadplace\xc2\xadment", "replacement", "soft hyphens removed");
    norm_is(0, "a\xe2\x80\x8b" "b\xe2\x80\x8c" "c\xe2\x80\x8d" "d\xe2\x81\xa0" "e\xef\xbb\xbf",
            "abcde", "zero-width space, joiners, word joiner, BOM removed");
    norm_is(0, "\xe2\x80\xae" "evil\xe2\x80\xac", "evil", "bidi overrides removed");
    norm_is(0, "\xef\xac\x81le", "file", "the fi ligature");
    norm_is(0, "Stra\xc3\x9f" "e", "Stra\xc3\x9f" "e", "normalize keeps case");
    norm_is(1, "STRASSE Stra\xc3\x9f" "e", "strasse strasse", "fold: full case folding");
    norm_is(1, "\xef\xbc\xa3\xef\xbc\xa1\xef\xbc\xa6\xc3\x89", "caf\xc3\xa9", "fold: fullwidth capitals");
    norm_is(1, "Card", "card", "fold: ASCII lowercased");
    norm_is(0, "Card", "Card", "normalize: ASCII as it is");
    norm_is(0, "", "", "empty");
    norm_is(0, "\xef\xbc\x9a", ":", "a fullwidth colon is a colon");
    /* Invalid UTF-8 is copied, not lost. */
    char *out = NULL;
    INT_EQ(kb_text_normalize("a\xff" "b", 3, &out, NULL), KB_STATUS_SUCCESS, "invalid UTF-8: no error");
    OK(out && memcmp(out, "a\xff" "b", 3) == 0, "invalid UTF-8: copied as it is");
    free(out);
    OK(kb_text_is_ascii("plain text", 10) && !kb_text_is_ascii("caf\xc3\xa9", 5), "is_ascii");
    /* Idempotent: normalising twice changes nothing. */
    char *once = NULL, *twice = NULL;
    const char *mixed = "Cafe\xcc\x81 \xef\xbd\x83" "ard re\xc2\xad" "place \xef\xac\x81" "le";
    kb_text_fold(mixed, strlen(mixed), &once, NULL);
    kb_text_fold(once, strlen(once), &twice, NULL);
    STR_EQ(twice, once, "fold is idempotent");
    free(once);
    free(twice);
}

static void test_dates(void)
{
    static const char *const good[] = {"2026-12-31", "2028-02-29", "2000-02-29", "1900-01-01"};
    static const char *const bad[] = {"2026-02-31", "2026-02-29", "1900-02-29", "2026-04-31",
                                      "2026-13-01", "2026-00-10", "2026-1-01", "1899-12-31",
                                      "2026-12-01 ", "2026/12/01", "", "2026-12-0x"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        OK(kb_date_valid(good[i]), "%s is a date", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        OK(!kb_date_valid(bad[i]), "'%s' is not a date", bad[i]);
    OK(!kb_date_valid(NULL), "NULL is not a date");
}

static void refused(const char *path, const char *kind, const char *what)
{
    char *msg = NULL;
    int fd = 7;
    kb_status_t st = kb_state_file_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600, &fd, &msg);
    INT_EQ(st, KB_STATUS_FILE_ERROR, what);
    INT_EQ(fd, -1, what);
    STR_CONTAINS(msg ? msg : "", kind, what);
    free(msg);
    msg = NULL;
    INT_EQ(kb_state_file_check(path, &msg), KB_STATUS_FILE_ERROR, what);
    free(msg);
}

static void test_state_files(void)
{
    mkfifo(in_dir("fifo"), 0600);
    refused(in_dir("fifo"), "is a FIFO, not a regular file", "a FIFO is refused, no blocking");
    refused("/dev/null", "/dev/null is a character device, not a regular file", "/dev/null");
    refused(dir, "is a folder, not a regular file", "a folder");
    symlink(in_dir("target"), in_dir("link"));
    refused(in_dir("link"), "is a symbolic link, not a regular file", "a symlink");
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    snprintf(a.sun_path, sizeof a.sun_path, "%s", in_dir("sock"));
    bind(s, (struct sockaddr *)&a, sizeof a);
    refused(in_dir("sock"), "is a socket, not a regular file", "a socket");
    close(s);
    int fd = -1;
    char *msg = NULL;
    INT_EQ(kb_state_file_check(in_dir("none"), &msg), KB_STATUS_SUCCESS, "missing: fine (created later)");
    INT_EQ(kb_state_file_open(in_dir("log"), O_WRONLY | O_APPEND | O_CREAT, 0600, &fd, &msg),
           KB_STATUS_SUCCESS, "a new regular file is created");
    OK(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), "opened, in blocking mode");
    struct stat st;
    OK(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
    close(fd);
}

static void stub(const char *name, const char *text)
{
    FILE *f = fopen(in_dir(name), "w");
    fputs(text, f);
    fclose(f);
}

static void stub_is(const char *name, int allow, kb_status_t want, const char *needle,
                    const char *what)
{
    char *msg = NULL;
    INT_EQ(kb_stub_check(in_dir(name), allow, &msg), want, what);
    if (needle)
        STR_CONTAINS(msg ? msg : "", needle, what);
    free(msg);
}

static void test_stubs(void)
{
    stub("s-prog", "remote :/bin/touch x\n");
    stub_is("s-prog", 0, KB_STATUS_DB_OPENING, "s-prog:1: 'remote :/bin/touch x' would start a program",
            "remote :PROG refused");
    stub_is("s-prog", 1, KB_STATUS_SUCCESS, NULL, "remote :PROG allowed when asked");
    stub("s-crlf", "# c\n\nglass /x\nremote :prog\r\n");
    stub_is("s-crlf", 0, KB_STATUS_DB_OPENING, "s-crlf:4:", "after comments, ending in CR");
    stub("s-tcp", "remote localhost:1234\nremote 10.0.0.1:33333 10\ninmemory\nchert /x\n");
    stub_is("s-tcp", 0, KB_STATUS_SUCCESS, NULL, "TCP, inmemory and local lines pass");
    stub("s-inner", "remote :evil\n");
    stub("s-auto", "auto s-inner\n");
    stub_is("s-auto", 0, KB_STATUS_DB_OPENING, "s-inner:1:", "auto follows into another stub");
    stub("s-self", "auto s-self\n");
    stub_is("s-self", 0, KB_STATUS_DB_OPENING, "too deeply", "a stub naming itself");
    stub("s-unknown", "glass /x\nprog /bin/sh\n");
    stub_is("s-unknown", 0, KB_STATUS_DB_OPENING, "s-unknown:2: unknown stub line 'prog'",
            "unknown lines");
    stub("s-lead", " remote :x\n");
    stub_is("s-lead", 0, KB_STATUS_DB_OPENING, "unknown stub line", "a leading space");
    char *msg = NULL;
    INT_EQ(kb_stub_check(in_dir("missing"), 0, &msg), KB_STATUS_SUCCESS, "missing: Xapian says so");
    INT_EQ(kb_stub_check(in_dir("fifo"), 0, &msg), KB_STATUS_DB_OPENING, "a FIFO is refused");
    free(msg);
    mkdir(in_dir("idx"), 0700);
    stub("idx/XAPIANDB", "remote :x\n");
    stub_is("idx", 0, KB_STATUS_DB_OPENING, "XAPIANDB:1:", "a folder's XAPIANDB is read");
}

/* The databases a search opens itself (kb_stub_leaves). */
static void test_leaves(void)
{
    kb_stub_list_t l;
    char *msg = NULL;
    stub("l-inner", "glass s0\nremote [::1]:33332\n");
    stub("l-outer", "# shards\nauto l-inner\nremote 10.0.0.2:33331\r\ninmemory\n");
    INT_EQ(kb_stub_leaves(in_dir("l-outer"), 0, &l, &msg), KB_STATUS_SUCCESS, "leaves of a stub");
    INT_EQ((int)l.n, 4, "auto lines flattened: four leaves");
    if (l.n == 4) {
        INT_EQ(l.leaves[0].kind, KB_STUB_LOCAL, "glass: local");
        STR_EQ(l.leaves[0].backend, "glass", "... its backend");
        STR_EQ(l.leaves[0].path, in_dir("s0"), "... its path, relative to its stub");
        INT_EQ(l.leaves[1].kind, KB_STUB_TCP, "remote [::1]:PORT: TCP");
        STR_EQ(l.leaves[1].path, "::1", "... IPv6 host without brackets");
        INT_EQ((int)l.leaves[1].port, 33332, "... its port");
        STR_EQ(l.leaves[2].name, "remote 10.0.0.2:33331", "a name for messages, without CR");
        INT_EQ(l.leaves[3].kind, KB_STUB_INMEMORY, "inmemory");
    }
    INT_EQ((int)l.n_files, 2, "both stub files remembered");
    kb_stub_list_clear(&l);
    stub("l-port", "remote host:70000\n");
    INT_EQ(kb_stub_leaves(in_dir("l-port"), 0, &l, &msg), KB_STATUS_DB_OPENING, "port 70000 refused");
    STR_CONTAINS(msg ? msg : "", "not HOST:PORT", "... saying what a remote line is");
    free(msg);
    msg = NULL;
    stub("l-tcp", "remote tcp host 33333\n");
    INT_EQ(kb_stub_leaves(in_dir("l-tcp"), 0, &l, &msg), KB_STATUS_DB_OPENING,
           "'remote tcp HOST PORT' refused");
    free(msg);
    msg = NULL;
    stub("l-prog", "remote :xapian-progsrv /x\n");
    INT_EQ(kb_stub_leaves(in_dir("l-prog"), 0, &l, &msg), KB_STATUS_DB_OPENING, "a program refused");
    INT_EQ((int)l.n, 0, "... nothing listed");
    free(msg);
    msg = NULL;
    INT_EQ(kb_stub_leaves(in_dir("l-prog"), 1, &l, &msg), KB_STATUS_SUCCESS, "allowed when asked");
    if (l.n == 1) {
        INT_EQ(l.leaves[0].kind, KB_STUB_PROGRAM, "... a program leaf");
        STR_EQ(l.leaves[0].args, "/x", "... with its arguments");
    } else {
        OK(0, "... one leaf");
    }
    kb_stub_list_clear(&l);
}

/* A node with ID, CATEGORY, ESCALATION and NEXT, the rest filled in. */
static kb_schema_node_t node(const char *id, const char *category, const char *esc,
                             const char *next)
{
    kb_schema_node_t n;
    memset(&n, 0, sizeof n);
    n.id = strdup(id);
    n.path = strdup(id);
    n.has_title = 1;
    n.category = category ? strdup(category) : NULL;
    n.n_questions = 1;
    n.escalation = esc ? strdup(esc) : NULL;
    n.has_contact = n.has_sla = 1;
    n.hours = strdup("24/7");
    n.next = next ? strdup(next) : NULL;
    return n;
}

static void test_checks(void)
{
    kbi_graph_t *g;
    INT_EQ(kbi_graph_new(&g), KB_STATUS_SUCCESS, "a graph");
    const char *spec[][4] = {
        {"a", "policy", "t1", NULL},  {"t1", "escalation", NULL, "t2"},
        {"t2", "escalation", NULL, "t3"}, {"t3", "escalation", NULL, "t1"},
        {"b", "policy", "a", NULL},   {"c", "nonsense", "nowhere", NULL},
    };
    for (size_t i = 0; i < sizeof spec / sizeof *spec; i++) {
        kb_schema_node_t n = node(spec[i][0], spec[i][1], spec[i][2], spec[i][3]);
        int added = 0;
        kbi_graph_add(g, &n, &added);
        kb_schema_node_clear(&n);
    }
    kb_schema_node_t dup = node("a", "policy", NULL, NULL);
    int added = 1;
    kbi_graph_add(g, &dup, &added);
    INT_EQ(added, 0, "a duplicate id is not added");
    kb_schema_node_clear(&dup);
    INT_EQ(kbi_graph_seal(g), KB_STATUS_SUCCESS, "sealed");
    kb_diags_t *d;
    kb_diags_new(&d);
    INT_EQ(kbi_check_node(g, kbi_graph_get(g, "a"), NULL, 0, d), 0, "a: no error");
    INT_EQ(kbi_check_node(g, kbi_graph_get(g, "t1"), NULL, 0, d), 1, "t1: the cycle, reported on it");
    INT_EQ(kbi_check_node(g, kbi_graph_get(g, "t2"), NULL, 0, d), 0, "t2: the cycle is t1's");
    INT_EQ(kbi_check_node(g, kbi_graph_get(g, "b"), NULL, 0, d), 1, "b: escalation to no tier");
    INT_EQ(kbi_check_node(g, kbi_graph_get(g, "c"), NULL, 0, d), 2, "c: category and escalation");
    STR_CONTAINS(kb_diags_get(d, 0)->message, "escalation cycle: t1 -> t2 -> t3 -> t1", "the cycle message");
    INT_EQ(kbi_check_graph(g, NULL, 0, d), 4, "the whole graph: 4 errors");
    kb_diags_free(d);
    kbi_graph_free(g);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_normalize();
    test_dates();
    test_state_files();
    test_stubs();
    test_leaves();
    test_checks();
    if (kb_remove_tree(dir) != KB_STATUS_SUCCESS)
        fprintf(stderr, "# could not remove %s\n", dir);
    return HARNESS_DONE();
}
