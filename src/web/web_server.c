/* The display's HTTP server: the listening socket (bound here, errors named), libmicrohttpd
 * with one internal thread, the raw request target kept for web_query.c (the server's own
 * argument parsing is not used), and the headers every answer carries. */
#include "web_server.h"

#include "log.h"
#include "web_api.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct web_server {
	struct MHD_Daemon *daemon;
	struct web_api *api;
	int fd;
	char url[80];
};

static int fail(char *err, size_t n, int rc, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t n, int rc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, n, fmt, ap);
	va_end(ap);
	return rc;
}

static int read_port(const char *s, uint16_t *port)
{
	long v = 0;
	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

int web_listen_parse(const char *text, struct sockaddr_storage *addr, socklen_t *len, char *err, size_t n)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	uint16_t port;
	memset(addr, 0, sizeof(*addr));
	if (!colon || read_port(colon + 1, &port) != 0)
		return fail(err, n, -EINVAL, "'%s': give HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080", text);
	size_t hl = (size_t)(colon - text);
	if (hl >= sizeof(host))
		return fail(err, n, -EINVAL, "'%s': the address is too long", text);
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return fail(err, n, -EINVAL, "'%s': not an IPv6 address", host + 1);
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*len = sizeof(*a6);
		return 0;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
	if (strcmp(host, "localhost") == 0)
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
		return fail(err, n, -EINVAL,
			    "'%s': not an IPv4 address (an IPv6 one goes in brackets: [::1]:8080)", host);
	a4->sin_family = AF_INET;
	a4->sin_port = htons(port);
	*len = sizeof(*a4);
	return 0;
}

/* Binds and listens; the URL of what was bound goes to srv->url. */
static int bind_listen(struct web_server *srv, const struct sockaddr_storage *addr, socklen_t len, char *err,
		       size_t n)
{
	int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, n, -errno, "cannot make a socket: %s", strerror(errno));
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (addr->ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (const struct sockaddr *)addr, len) != 0 || listen(fd, 32) != 0) {
		int e = errno;
		close(fd);
		return fail(err, n, -e, "cannot listen there: %s%s", strerror(e),
			    e == EADDRINUSE ? " (another program has the port: choose another with --listen)"
			    : e == EACCES   ? " (ports below 1024 need privileges: use 8080)"
					    : "");
	}
	struct sockaddr_storage got;
	socklen_t gl = sizeof(got);
	char ip[INET6_ADDRSTRLEN] = "?";
	getsockname(fd, (struct sockaddr *)&got, &gl);
	if (got.ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)&got;
		inet_ntop(AF_INET6, &a->sin6_addr, ip, sizeof(ip));
		snprintf(srv->url, sizeof(srv->url), "http://[%s]:%u/", ip, ntohs(a->sin6_port));
	} else {
		const struct sockaddr_in *a = (const struct sockaddr_in *)&got;
		inet_ntop(AF_INET, &a->sin_addr, ip, sizeof(ip));
		snprintf(srv->url, sizeof(srv->url), "http://%s:%u/", ip, ntohs(a->sin_port));
	}
	srv->fd = fd;
	return 0;
}

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The request target as sent, before the server decodes it: web_query.c reads it. */
static void *keep_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
	(void)cls;
	(void)con;
	return strdup(uri ? uri : "/");
}

static void request_done(void *cls, struct MHD_Connection *con, void **req_cls,
			 enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)con;
	(void)why;
	free(*req_cls);
	*req_cls = NULL;
}

static void add_headers(struct MHD_Response *resp, const struct web_reply *r)
{
	if (r->type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
	if (r->etag[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(
		resp, "Content-Security-Policy",
		"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
		"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
}

/* libmicrohttpd 0.9.75 takes a persistent buffer as `void *` although it only reads it. */
static void *unconst(const unsigned char *p)
{
	void *out;
	memcpy(&out, &p, sizeof(out));
	return out;
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *con, const char *url, const char *method,
			      const char *version, const char *upload_data, size_t *upload_data_size,
			      void **req_cls)
{
	struct web_server *srv = cls;
	(void)version;
	(void)upload_data;
	*upload_data_size = 0;
	const char *target = *req_cls ? *req_cls : url;
	char path[256];
	const char *q = strchr(target, '?');
	size_t pl = q ? (size_t)(q - target) : strlen(target);
	snprintf(path, sizeof(path), "%.*s", (int)(pl < sizeof(path) ? pl : sizeof(path) - 1), target);
	struct web_reply r;
	web_api_handle(srv->api, method, path, q ? q + 1 : NULL,
		       MHD_lookup_connection_value(con, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH),
		       wall_ms(), &r);
	struct MHD_Response *resp;
	if (r.body)
		resp = MHD_create_response_from_buffer(r.len, r.body, MHD_RESPMEM_MUST_FREE);
	else
		resp = MHD_create_response_from_buffer(r.status == 304 ? 0 : r.len, unconst(r.static_body),
						       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		web_reply_free(&r);
		return MHD_NO;
	}
	r.body = NULL; /* the response owns it now */
	add_headers(resp, &r);
	log_debug("web", "event=request method=%s path=\"%s\" status=%u", method, path, r.status);
	enum MHD_Result rc = MHD_queue_response(con, r.status, resp);
	MHD_destroy_response(resp);
	return rc;
}

static void mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[256];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\r\n")] = '\0';
	log_warn("web", "event=http_server msg=\"%s\"", msg);
}

int web_server_start(const struct web_site *site, const char *listen, struct web_server **out, char *err,
		     size_t n)
{
	struct sockaddr_storage addr;
	socklen_t len;
	*out = NULL;
	int rc = web_listen_parse(listen ? listen : WEB_LISTEN_DEFAULT, &addr, &len, err, n);
	if (rc)
		return rc;
	struct web_server *srv = calloc(1, sizeof(*srv));
	if (!srv || !(srv->api = web_api_new(site))) {
		free(srv);
		return fail(err, n, -ENOMEM, "out of memory");
	}
	rc = bind_listen(srv, &addr, len, err, n);
	if (rc) {
		web_api_free(srv->api);
		free(srv);
		return rc;
	}
	srv->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, answer, srv,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_LISTEN_SOCKET, srv->fd,
		MHD_OPTION_URI_LOG_CALLBACK, keep_uri, NULL, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
		MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
	if (!srv->daemon) {
		close(srv->fd);
		web_api_free(srv->api);
		free(srv);
		return fail(err, n, -ENOMEM, "the HTTP server did not start (see the log line before)");
	}
	*out = srv;
	return 0;
}

const char *web_server_url(const struct web_server *srv)
{
	return srv->url;
}

void web_server_stop(struct web_server *srv)
{
	if (!srv)
		return;
	MHD_stop_daemon(srv->daemon);
	close(srv->fd);
	web_api_free(srv->api);
	free(srv);
}
