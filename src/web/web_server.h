/* The office display's HTTP server (libmicrohttpd): one thread of its own that answers
 * through web_api.h, on a listening socket this module binds, so that a refused address
 * says exactly why. The caller's thread stays free to wait for SIGTERM. */
#ifndef M2_WEB_SERVER_H
#define M2_WEB_SERVER_H

#include "web_site.h"

#include <stddef.h>
#include <sys/socket.h>

#define WEB_LISTEN_DEFAULT "127.0.0.1:8080"

/* Reads "HOST:PORT" (HOST an IPv4 address or "localhost") or "[IPv6]:PORT"; PORT 0 asks
 * for any free port. Returns 0, or -EINVAL with the reason in `err`. */
int web_listen_parse(const char *text, struct sockaddr_storage *addr, socklen_t *len, char *err, size_t n);

struct web_server;

/* Binds `listen` (NULL: WEB_LISTEN_DEFAULT) and starts answering for `site` (which must
 * outlive the server). Returns 0, -EINVAL (a bad address, said in `err`), or the errno of
 * socket/bind/listen (-EADDRINUSE, -EACCES, -EADDRNOTAVAIL...) or -ENOMEM, with `err` saying
 * what to do. */
int web_server_start(const struct web_site *site, const char *listen, struct web_server **out, char *err,
		     size_t n);

/* "http://127.0.0.1:8080/": the address really bound (the port chosen when 0 was asked). */
const char *web_server_url(const struct web_server *srv);

/* Stops answering (a request being answered completes) and frees everything. NULL is allowed. */
void web_server_stop(struct web_server *srv);

#endif
