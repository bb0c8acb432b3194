/* http.c - the HTTP daemon: the listen address, keys, CORS and TLS set-up,
 * the access log, and a graceful stop.  One request's handling is in
 * route.c; the worker threads' index handles and query ids in worker.c. */
#include "serve/http_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "base/file.h"
#include "kb/search.h"
#include "serve/internal.h"

/* ---------------------------------------------------------------- */
/* The listen address                                                 */

typedef struct listen_addr {
    struct sockaddr_storage ss;
    int v6;
    int loopback;
} listen_addr_t;

static int parse_port(const char *s, unsigned *port)
{
    size_t n = strlen(s);
    if (n == 0 || n > 5 || strspn(s, "0123456789") != n)
        return 0;
    unsigned long v = strtoul(s, NULL, 10);
    if (v > 65535)
        return 0;
    *port = (unsigned)v;
    return 1;
}

/* "[ADDR:]PORT", "[V6]:PORT", "localhost:PORT". */
static kb_status_t parse_listen(const char *spec, listen_addr_t *a, char **message)
{
    char host[64] = "127.0.0.1";
    const char *port_s = spec;
    if (!spec || !*spec)
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "--http needs [ADDRESS:]PORT, e.g. 8080");
    if (spec[0] == '[') {
        const char *close = strchr(spec, ']');
        if (!close || close[1] != ':' || (size_t)(close - spec - 1) >= sizeof host)
            return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                         "bad address \"%.80s\": write IPv6 as [ADDRESS]:PORT", spec);
        memcpy(host, spec + 1, (size_t)(close - spec - 1));
        host[close - spec - 1] = '\0';
        port_s = close + 2;
    } else if (strchr(spec, ':')) {
        const char *colon = strrchr(spec, ':');
        if (strchr(spec, ':') != colon || (size_t)(colon - spec) >= sizeof host)
            return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                         "bad address \"%.80s\": write IPv6 as [ADDRESS]:PORT", spec);
        memcpy(host, spec, (size_t)(colon - spec));
        host[colon - spec] = '\0';
        port_s = colon + 1;
    }
    unsigned port;
    if (!parse_port(port_s, &port))
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                     "bad port \"%.20s\" in \"%.80s\" (0-65535)", port_s, spec);
    if (strcmp(host, "localhost") == 0)
        strcpy(host, "127.0.0.1");
    memset(a, 0, sizeof *a);
    struct sockaddr_in *v4 = (struct sockaddr_in *)&a->ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&a->ss;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)port);
        a->loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)port);
        a->v6 = 1;
        a->loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                     "bad address \"%.64s\": give a numeric IPv4 or IPv6 address or localhost",
                     host);
    }
    return KB_STATUS_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Set-up                                                             */

/* An origin as browsers send it: scheme://host[:port], no path. */
static int valid_origin(const char *o)
{
    if (strcmp(o, "*") == 0)
        return 1;
    const char *rest = strncmp(o, "https://", 8) == 0 ? o + 8
                       : strncmp(o, "http://", 7) == 0 ? o + 7
                                                       : NULL;
    if (!rest || !*rest || strlen(o) > 200)
        return 0;
    return strspn(rest, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]") ==
           strlen(rest);
}

/* frame-ancestors: the page may be docked in the CRMs allowed by CORS. */
static char *make_csp(const kb_http_t *h)
{
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_adds(&b, "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                    "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                    "form-action 'none'; frame-ancestors 'self'");
    for (size_t i = 0; i < h->n_cors; i++)
        kb_buf_printf(&b, " %s", h->cors[i]);
    return b.oom ? (kb_buf_free(&b), NULL) : kb_buf_take(&b);
}

static kb_status_t copy_config(kb_http_t *h, const kb_http_config_t *cfg, char **message)
{
    if (!cfg->db_path)
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "no index path");
    h->search_flags = cfg->search_flags;
    h->search_log = cfg->search_log;
    if (!(h->db_path = kb_strdup(cfg->db_path)) ||
        (cfg->feedback_path && !(h->feedback_path = kb_strdup(cfg->feedback_path))))
        return KB_STATUS_OUT_OF_MEMORY;
    if (cfg->n_cors && !(h->cors = calloc(cfg->n_cors, sizeof *h->cors)))
        return KB_STATUS_OUT_OF_MEMORY;
    for (size_t i = 0; i < cfg->n_cors; i++) {
        if (!valid_origin(cfg->cors[i]))
            return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                         "bad CORS origin \"%.80s\": give scheme://host[:port] (no path) or *",
                         cfg->cors[i]);
        if (!(h->cors[h->n_cors++] = kb_strdup(cfg->cors[i])))
            return KB_STATUS_OUT_OF_MEMORY;
    }
    h->log = cfg->log;
    h->log_ctx = cfg->log_ctx;
    h->log_query_text = cfg->log_query_text;
    if (!(h->csp = make_csp(h)))
        return KB_STATUS_OUT_OF_MEMORY;
    return KB_STATUS_SUCCESS;
}

static kb_status_t load_tls(kb_http_t *h, const kb_http_config_t *cfg, char **message)
{
    if (!cfg->tls_cert_path && !cfg->tls_key_path)
        return KB_STATUS_SUCCESS;
    if (!cfg->tls_cert_path || !cfg->tls_key_path)
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT, "HTTPS needs both --tls-cert and --tls-key");
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                     "this libmicrohttpd was built without TLS; use a reverse proxy for HTTPS");
    const char *paths[2] = {cfg->tls_cert_path, cfg->tls_key_path};
    char **out[2] = {&h->tls_cert, &h->tls_key};
    for (int i = 0; i < 2; i++) {
        size_t len;
        kb_status_t st = kb_file_read(paths[i], 1024 * 1024, out[i], &len);
        if (st != KB_STATUS_SUCCESS)
            return kb_fail_message(message, KB_STATUS_FILE_ERROR, "cannot read %s: %s", paths[i],
                         st == KB_STATUS_TOO_LARGE ? "over 1 MiB" : strerror(errno));
    }
    h->https = 1;
    return KB_STATUS_SUCCESS;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode why);

/* libmicrohttpd's %-decoding of paths and parameters, with a NUL made
 * 0xFF: C strings would cut the text there ("card%00-x"), and 0xFF is
 * never UTF-8, so the request is refused as not UTF-8 text. */
static size_t unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    size_t n = MHD_http_unescape(s);
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0')
            s[i] = (char)0xff;
    return n;
}

static kb_status_t start_daemon(kb_http_t *h, const kb_http_config_t *cfg,
                                const listen_addr_t *a, char **message)
{
    struct MHD_OptionItem o[16];
    size_t n = 0;
#define OPT(opt, val, ptr) (o[n++] = (struct MHD_OptionItem){opt, (intptr_t)(val), ptr})
    OPT(MHD_OPTION_SOCK_ADDR, 0, (void *)&a->ss);
    OPT(MHD_OPTION_THREAD_POOL_SIZE, cfg->threads ? cfg->threads : 4, NULL);
    OPT(MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections ? cfg->max_connections : 1000, NULL);
    OPT(MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->max_per_client ? cfg->max_per_client : 500,
        NULL);
    OPT(MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : 10, NULL);
    OPT(MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)KBI_HTTP_MEMORY, NULL);
    OPT(MHD_OPTION_LISTEN_BACKLOG_SIZE, 511, NULL);
    /* Strict HTTP/1.1: a request without Host, or with white space in a
     * header name, is refused with 400. */
    OPT(MHD_OPTION_STRICT_FOR_CLIENT, 1, NULL);
    OPT(MHD_OPTION_NOTIFY_COMPLETED, on_completed, h);
    OPT(MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL);
    if (h->https) {
        OPT(MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls_cert);
        OPT(MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls_key);
    }
    OPT(MHD_OPTION_END, 0, NULL);
#undef OPT
    /* poll(), not epoll: libmicrohttpd 0.9.75's epoll mode does not notice
     * a client that closes in the middle of its headers, whose connection
     * then holds a slot until the idle timeout (measured: 500 such
     * connections still open 9 s later; with poll() none after 1 s).  Up
     * to the 1,000 connections allowed, poll() costs nothing that shows. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC;
    if (a->v6)
        flags |= MHD_USE_IPv6;
    if (h->https)
        flags |= MHD_USE_TLS;
    errno = 0;
    h->d = MHD_start_daemon(flags, 0, NULL, NULL, kbi_http_on_request, h, MHD_OPTION_ARRAY, o,
                            MHD_OPTION_END);
    if (!h->d)
        return kb_fail_message(message, KB_STATUS_FILE_ERROR, "cannot serve on that address%s%s%s",
                     errno ? " (" : "", errno ? strerror(errno) : "", errno ? ")" : "");
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : 0;
    char host[INET6_ADDRSTRLEN] = "";
    if (a->v6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, host, sizeof host);
    else
        inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->ss)->sin_addr, host, sizeof host);
    snprintf(h->url, sizeof h->url, "%s://%s%s%s:%u/", h->https ? "https" : "http",
             a->v6 ? "[" : "", host, a->v6 ? "]" : "", h->port);
    return KB_STATUS_SUCCESS;
}

static void http_free(kb_http_t *h)
{
    if (!h)
        return;
    if (h->have_worker_key)
        pthread_key_delete(h->worker_key);
    free(h->db_path);
    free(h->feedback_path);
    for (size_t i = 0; i < h->n_cors; i++)
        free(h->cors[i]);
    free(h->cors);
    kbi_keys_free(h->keys);
    if (h->tls_key)
        explicit_bzero(h->tls_key, strlen(h->tls_key));
    free(h->tls_key);
    free(h->tls_cert);
    free(h->csp);
    free(h);
}

kb_status_t kb_http_start(const kb_http_config_t *cfg, kb_http_t **out, char **message)
{
    *out = NULL;
    *message = NULL;
    kb_http_t *h = calloc(1, sizeof *h);
    if (!h)
        return KB_STATUS_OUT_OF_MEMORY;
    listen_addr_t a;
    kb_status_t st = copy_config(h, cfg, message);
    if (st == KB_STATUS_SUCCESS)
        st = parse_listen(cfg->listen, &a, message);
    if (st == KB_STATUS_SUCCESS && !cfg->keys_path && !a.loopback)
        st = kb_fail_message(message, KB_STATUS_BAD_ARGUMENT,
                   "without --keys only a loopback address (127.0.0.1, [::1]) is served; "
                   "give --keys FILE to listen on %s", cfg->listen);
    if (st == KB_STATUS_SUCCESS && cfg->keys_path)
        st = kbi_keys_load(cfg->keys_path, &h->keys, message);
    if (st == KB_STATUS_SUCCESS)
        st = load_tls(h, cfg, message);
    if (st == KB_STATUS_SUCCESS) {
        if (pthread_key_create(&h->worker_key, kbi_http_worker_free) != 0)
            st = KB_STATUS_OUT_OF_MEMORY;
        else
            h->have_worker_key = 1;
    }
    if (st == KB_STATUS_SUCCESS) {
        if (getrandom(&h->qid_seed, sizeof h->qid_seed, GRND_NONBLOCK) != sizeof h->qid_seed)
            h->qid_seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
        atomic_init(&h->qid_next, 1);
        atomic_init(&h->inflight, 0);
        atomic_init(&h->stopping, 0);
        st = start_daemon(h, cfg, &a, message);
    }
    if (st != KB_STATUS_SUCCESS) {
        http_free(h);
        return st;
    }
    *out = h;
    return KB_STATUS_SUCCESS;
}

unsigned kb_http_port(const kb_http_t *h)
{
    return h ? h->port : 0;
}

const char *kb_http_url(const kb_http_t *h)
{
    return h ? h->url : "";
}

unsigned kb_http_stop(kb_http_t *h, unsigned grace_ms)
{
    if (!h)
        return 0;
    /* No new connections; the ones open get "Connection: close" on their
     * next answer. */
    atomic_store(&h->stopping, 1);
    MHD_socket ls = MHD_quiesce_daemon(h->d);
    if (ls != MHD_INVALID_SOCKET)
        close(ls);
    double until = kb_now_ms() + grace_ms;
    while (atomic_load(&h->inflight) > 0 && kb_now_ms() < until) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    unsigned left = atomic_load(&h->inflight);
    MHD_stop_daemon(h->d);
    http_free(h);
    return left;
}

/* ---------------------------------------------------------------- */
/* The access log                                                     */

/* TEXT for the log: control characters, spaces, quotes and backslashes as
 * %XX, at most 300 bytes. */
static void log_escape(kb_buf_t *b, const char *text)
{
    size_t start = b->len;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (b->len - start > 300) {
            kb_buf_adds(b, "...");
            return;
        }
        if (*p <= ' ' || *p == 0x7f || *p == '"' || *p == '\\' || *p == '%')
            kb_buf_printf(b, "%%%02X", *p);
        else
            kb_buf_addc(b, (char)*p);
    }
}

static void log_request(kb_http_t *h, struct MHD_Connection *c, const kbi_request_t *r)
{
    char when[32], client[INET6_ADDRSTRLEN] = "-";
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, client, sizeof client);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, client,
                      sizeof client);
    }
    kb_buf_t b = KB_BUF_INIT;
    kb_buf_printf(&b, "%s %s %s %s ", when, client, r->key_name ? r->key_name : "-",
                  r->method[0] ? r->method : "-");
    log_escape(&b, r->log_path ? r->log_path : "-");
    kb_buf_printf(&b, " %u %.2fms", r->status, kb_now_ms() - r->start_ms);
    if (!b.oom)
        h->log(h->log_ctx, b.data);
    kb_buf_free(&b);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
                         enum MHD_RequestTerminationCode why)
{
    kb_http_t *h = cls;
    kbi_request_t *r = *req_cls;
    (void)why;
    if (!r)
        return;
    if (h->log)
        log_request(h, c, r);
    atomic_fetch_sub(&h->inflight, 1);
    kb_buf_free(&r->body);
    free(r->log_path);
    free(r);
    *req_cls = NULL;
}
